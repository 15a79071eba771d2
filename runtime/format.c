/* format.c - SystemTap's printf conversions.
 *
 * The arguments are already converted by pass 2: every integer is a 64-bit
 * long and every string a char array, so length modifiers only matter for
 * 'h' (SystemTap truncates to short).  Where SystemTap's runtime differs
 * from C it is followed, because scripts compare output with stap's:
 *   - '#' puts 0x/0X or 0 in front of every number, zero included;
 *   - a precision does not cancel the '0' flag, and %.0d prints "0";
 *   - a negative '*' precision counts as 0, not as "none";
 *   - %p is %#x (stap 1.3 and later);
 *   - %#c escapes like a C character literal;
 *   - %b writes the value's bytes, %m the bytes and %M the hex digits of
 *     memory at an address (or of a string argument).
 */

#define STP_FMT_LEFT	0x01
#define STP_FMT_PLUS	0x02
#define STP_FMT_SPACE	0x04
#define STP_FMT_SPECIAL	0x08
#define STP_FMT_ZERO	0x10
#define STP_FMT_SIGNED	0x20
#define STP_FMT_UPPER	0x40

/* Bounds '*' and literal widths so that nothing overflows an int. */
#define STP_FMT_MAXWIDTH (1 << 24)

struct stp_fmt_out {
	char *buf;
	size_t cap;		/* bytes that may be written, NUL excluded */
	size_t len;		/* bytes wanted so far */
};

struct stp_fmt_spec {
	unsigned flags;
	int width;		/* -1: none */
	int prec;		/* -1: none */
	char qual;		/* 'h' or 0 */
	char conv;
};

static inline void stp_fmt_put(struct stp_fmt_out *o, const char *s,
			       size_t n)
{
	if (o->len < o->cap)
		memcpy(o->buf + o->len, s, STP_MIN(n, o->cap - o->len));
	o->len += n;
}

static inline void stp_fmt_putc(struct stp_fmt_out *o, char ch)
{
	if (o->len < o->cap)
		o->buf[o->len] = ch;
	o->len++;
}

static void stp_fmt_pad(struct stp_fmt_out *o, char ch, int n)
{
	if (n <= 0)
		return;
	if (o->len < o->cap)
		memset(o->buf + o->len, ch,
		       STP_MIN((size_t)n, o->cap - o->len));
	o->len += (size_t)n;
}

static const char stp_lower_digits[] = "0123456789abcdef";
static const char stp_upper_digits[] = "0123456789ABCDEF";

/* An integer conversion laid out as SystemTap's runtime does it:
 * [spaces][sign][prefix][zeros from '0'][zeros from precision]digits
 * [spaces if '-']. */
static void stp_fmt_number(struct stp_fmt_out *o, uint64_t num, int base,
			   const struct stp_fmt_spec *sp)
{
	const char *digits = sp->flags & STP_FMT_UPPER ? stp_upper_digits :
							 stp_lower_digits;
	unsigned flags = sp->flags;
	int width = sp->width, prec = sp->prec, n = 0;
	char tmp[24], sign = 0;

	if (flags & STP_FMT_LEFT)
		flags &= ~STP_FMT_ZERO;
	if (flags & STP_FMT_SIGNED) {
		if ((int64_t)num < 0) {
			sign = '-';
			num = 0 - num;
		} else if (flags & STP_FMT_PLUS) {
			sign = '+';
		} else if (flags & STP_FMT_SPACE) {
			sign = ' ';
		}
	}
	if (sign)
		width--;
	if (flags & STP_FMT_SPECIAL)
		width -= base == 16 ? 2 : base == 8 ? 1 : 0;
	do {
		tmp[sizeof(tmp) - ++n] = digits[num % (unsigned)base];
		num /= (unsigned)base;
	} while (num);
	if (prec < n)
		prec = n;
	width -= prec;
	if (!(flags & (STP_FMT_ZERO | STP_FMT_LEFT))) {
		stp_fmt_pad(o, ' ', width);
		width = 0;
	}
	if (sign)
		stp_fmt_putc(o, sign);
	if ((flags & STP_FMT_SPECIAL) && (base == 16 || base == 8)) {
		stp_fmt_putc(o, '0');
		if (base == 16)
			stp_fmt_putc(o, flags & STP_FMT_UPPER ? 'X' : 'x');
	}
	if (!(flags & STP_FMT_LEFT)) {
		stp_fmt_pad(o, '0', width);
		width = 0;
	}
	stp_fmt_pad(o, '0', prec - n);
	stp_fmt_put(o, tmp + sizeof(tmp) - n, (size_t)n);
	stp_fmt_pad(o, ' ', width);
}

/* '#' escapes: the spelling of a C character literal's body. */
static int stp_fmt_char_escape(unsigned char ch, char *out)
{
	static const char from[] = "\a\b\f\n\r\t\v'\\";
	static const char to[] = "abfnrtv'\\";
	const char *p;

	if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\') {
		out[0] = (char)ch;
		return 1;
	}
	out[0] = '\\';
	p = ch ? memchr(from, ch, sizeof(from) - 1) : NULL;
	if (p) {
		out[1] = to[p - from];
		return 2;
	}
	out[1] = (char)('0' + ((ch >> 6) & 3));
	out[2] = (char)('0' + ((ch >> 3) & 7));
	out[3] = (char)('0' + (ch & 7));
	return 4;
}

static void stp_fmt_char(struct stp_fmt_out *o, int64_t v,
			 const struct stp_fmt_spec *sp)
{
	char esc[4];
	int n = 1;

	esc[0] = (char)v;
	if (sp->flags & STP_FMT_SPECIAL)
		n = stp_fmt_char_escape((unsigned char)v, esc);
	if (!(sp->flags & STP_FMT_LEFT))
		stp_fmt_pad(o, ' ', sp->width - n);
	stp_fmt_put(o, esc, (size_t)n);
	if (sp->flags & STP_FMT_LEFT)
		stp_fmt_pad(o, ' ', sp->width - n);
}

static void stp_fmt_string(struct stp_fmt_out *o, const char *s,
			   const struct stp_fmt_spec *sp)
{
	size_t max = sp->prec < 0 ? (size_t)-1 : (size_t)sp->prec;
	int n = (int)stp_strnlen(s, STP_MIN(max, (size_t)STP_FMT_MAXWIDTH));

	if (!(sp->flags & STP_FMT_LEFT))
		stp_fmt_pad(o, ' ', sp->width - n);
	stp_fmt_put(o, s, (size_t)n);
	if (sp->flags & STP_FMT_LEFT)
		stp_fmt_pad(o, ' ', sp->width - n);
}

/* %b: 1, 2, 4 or 8 bytes of the value in the machine's byte order, the
 * field padded with NUL bytes.  Width and precision stand in for each
 * other when only one is given; 8 when neither is. */
static int stp_fmt_bin_size(int n)
{
	return n == 1 || n == 2 || n == 4 || n == 8 ? n : -1;
}

static void stp_fmt_binary(struct stp_fmt_out *o, int64_t v,
			   const struct stp_fmt_spec *sp)
{
	int width = sp->width, prec = stp_fmt_bin_size(sp->prec);
	uint8_t b1 = (uint8_t)v;
	uint16_t b2 = (uint16_t)v;
	uint32_t b4 = (uint32_t)v;
	const void *p = &v;

	if (width < 0) {
		if (prec < 0)
			prec = 8;
		width = prec;
	} else if (prec < 0) {
		prec = stp_fmt_bin_size(width);
		if (prec < 0)
			prec = 8;
	}
	if (prec == 1)
		p = &b1;
	else if (prec == 2)
		p = &b2;
	else if (prec == 4)
		p = &b4;
	if (!(sp->flags & STP_FMT_LEFT))
		stp_fmt_pad(o, '\0', width - prec);
	stp_fmt_put(o, p, (size_t)prec);
	if (sp->flags & STP_FMT_LEFT)
		stp_fmt_pad(o, '\0', width - prec);
}

/* %m and %M: precision bytes (default 1) read at the address, '#' for
 * user memory; a string argument supplies its own bytes (NUL-padded).
 * Returns -1 and the address on a fault. */
static int stp_fmt_memory(struct stp_fmt_out *o, const struct stp_arg *a,
			  const struct stp_fmt_spec *sp, int64_t *fault)
{
	static const char hex[] = "0123456789abcdef";
	bool user = sp->flags & STP_FMT_SPECIAL, as_hex = sp->conv == 'M';
	int len = sp->prec > 0 ? sp->prec : 1, done = 0, i, k;
	int shown = as_hex ? 2 * len : len;
	int slen = a->is_str && a->s ? (int)stp_strnlen(a->s, (size_t)len) : 0;
	unsigned char chunk[64];
	char hx[128];

	if (!(sp->flags & STP_FMT_LEFT))
		stp_fmt_pad(o, ' ', sp->width - shown);
	while (done < len) {
		k = STP_MIN(len - done, (int)sizeof(chunk));
		if (a->is_str) {
			memset(chunk, 0, (size_t)k);
			if (done < slen)
				memcpy(chunk, a->s + done,
				       (size_t)STP_MIN(k, slen - done));
		} else if (stp_read_mem(chunk, a->n + done, (size_t)k, user)) {
			*fault = a->n + done;
			return -1;
		}
		if (!as_hex) {
			stp_fmt_put(o, (const char *)chunk, (size_t)k);
		} else {
			for (i = 0; i < k; i++) {
				hx[2 * i] = hex[chunk[i] >> 4];
				hx[2 * i + 1] = hex[chunk[i] & 15];
			}
			stp_fmt_put(o, hx, (size_t)(2 * k));
		}
		done += k;
	}
	if (sp->flags & STP_FMT_LEFT)
		stp_fmt_pad(o, ' ', sp->width - shown);
	return 0;
}

static int stp_fmt_clamp(int64_t v)
{
	return v < 0 ? 0 : v > STP_FMT_MAXWIDTH ? STP_FMT_MAXWIDTH : (int)v;
}

static int stp_fmt_atoi(const char **fmt)
{
	int64_t v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		if (v <= STP_FMT_MAXWIDTH)
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return stp_fmt_clamp(v);
}

/* The next argument as a long; missing or mistyped ones read as 0 (pass 2
 * has checked them, this only keeps a bad call from reading past). */
static int64_t stp_fmt_long(const struct stp_arg *args, int nargs, int *ai)
{
	const struct stp_arg *a;

	if (*ai >= nargs)
		return 0;
	a = &args[(*ai)++];
	return a->is_str ? 0 : a->n;
}

/* Parses "[flags][width][.prec][length]conv" after a '%'. */
static const char *stp_fmt_parse(const char *fmt, struct stp_fmt_spec *sp,
				 const struct stp_arg *args, int nargs,
				 int *ai)
{
	int64_t v;

	sp->flags = 0;
	for (;; fmt++) {
		if (*fmt == '-')
			sp->flags |= STP_FMT_LEFT;
		else if (*fmt == '+')
			sp->flags |= STP_FMT_PLUS;
		else if (*fmt == ' ')
			sp->flags |= STP_FMT_SPACE;
		else if (*fmt == '#')
			sp->flags |= STP_FMT_SPECIAL;
		else if (*fmt == '0')
			sp->flags |= STP_FMT_ZERO;
		else
			break;
	}
	sp->width = -1;
	if (*fmt >= '0' && *fmt <= '9') {
		sp->width = stp_fmt_atoi(&fmt);
	} else if (*fmt == '*') {
		fmt++;
		v = stp_fmt_long(args, nargs, ai);
		if (v < 0) {
			sp->flags |= STP_FMT_LEFT;
			v = v == STP_INT64_MIN ? STP_INT64_MAX : -v;
		}
		sp->width = stp_fmt_clamp(v);
	}
	sp->prec = -1;
	if (*fmt == '.') {
		fmt++;
		if (*fmt == '*') {
			fmt++;
			sp->prec = stp_fmt_clamp(stp_fmt_long(args, nargs, ai));
		} else {
			sp->prec = stp_fmt_atoi(&fmt);
		}
	}
	sp->qual = 0;
	if (*fmt == 'h') {
		sp->qual = 'h';
		fmt++;
	}
	while (*fmt == 'l' || *fmt == 'L' || *fmt == 'j' || *fmt == 'z' ||
	       *fmt == 't' || *fmt == 'h')
		fmt++;
	sp->conv = *fmt;
	return fmt;
}

/* One numeric conversion: sets base and flags, truncates for 'h'. */
static void stp_fmt_integer(struct stp_fmt_out *o, struct stp_fmt_spec *sp,
			    int64_t v)
{
	uint64_t num = (uint64_t)v;
	int base = 10;

	switch (sp->conv) {
	case 'd':
	case 'i':
		sp->flags |= STP_FMT_SIGNED;
		break;
	case 'o':
		base = 8;
		break;
	case 'X':
		sp->flags |= STP_FMT_UPPER;
		base = 16;
		break;
	case 'p':
		sp->flags |= STP_FMT_SPECIAL;
		base = 16;
		break;
	case 'x':
		base = 16;
		break;
	}
	if (sp->qual == 'h' && sp->conv != 'p')
		num = sp->flags & STP_FMT_SIGNED ? (uint64_t)(int64_t)(int16_t)v
						 : (uint16_t)v;
	stp_fmt_number(o, num, base, sp);
}

static int stp_format_mem(char *out, size_t size, const char *fmt,
			  const struct stp_arg *args, int nargs,
			  int64_t *fault_addr, bool *fault_user)
{
	static const struct stp_arg none = { false, 0, NULL };
	struct stp_fmt_out o = { out, size ? size - 1 : 0, 0 };
	struct stp_fmt_spec sp;
	const struct stp_arg *a;
	const char *lit;
	int ai = 0, rc = 0;
	int64_t fault;

	while (*fmt) {
		for (lit = fmt; *fmt && *fmt != '%'; fmt++)
			;
		stp_fmt_put(&o, lit, (size_t)(fmt - lit));
		if (!*fmt)
			break;
		fmt = stp_fmt_parse(fmt + 1, &sp, args, nargs, &ai);
		if (!sp.conv)
			break;		/* a lone '%' at the end */
		fmt++;
		if (sp.conv == '%') {
			stp_fmt_putc(&o, '%');
			continue;
		}
		if (!strchr("diuoxXpcsbmM", sp.conv)) {
			stp_fmt_putc(&o, '%');
			stp_fmt_putc(&o, sp.conv);
			continue;
		}
		a = ai < nargs ? &args[ai++] : &none;
		switch (sp.conv) {
		case 's':
			stp_fmt_string(&o, a->is_str && a->s ? a->s : "", &sp);
			break;
		case 'c':
			stp_fmt_char(&o, a->n, &sp);
			break;
		case 'b':
			stp_fmt_binary(&o, a->n, &sp);
			break;
		case 'm':
		case 'M':
			if (stp_fmt_memory(&o, a, &sp, &fault)) {
				if (fault_addr)
					*fault_addr = fault;
				if (fault_user)
					*fault_user = sp.flags &
						      STP_FMT_SPECIAL;
				rc = -1;
				goto out;
			}
			break;
		default:
			stp_fmt_integer(&o, &sp, a->n);
			break;
		}
	}
out:
	if (size)
		out[STP_MIN(o.len, o.cap)] = '\0';
	if (rc)
		return rc;
	return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}

int stp_format(char *out, size_t size, const char *fmt,
	       const struct stp_arg *args, int nargs)
{
	int n = stp_format_mem(out, size, fmt, args, nargs, NULL, NULL);

	/* A fault leaves what was formatted before it. */
	return n < 0 ? (int)stp_strnlen(out, size ? size - 1 : 0) : n;
}
