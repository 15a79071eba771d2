/* target.c (kernel runtime) - what generated code calls for target
 * variables ($count, $file->f_pos, $$parms, @cast(p, "task_struct")->pid).
 *
 * The translator resolves each access in pass 2 into a start (a register
 * argument, the return value, or a script value) and a list of offsets
 * and pointer loads; here are the pieces it strings together, and the
 * pretty-printer that $var$ and $$parms use, driven by type descriptions
 * the translator emits.  Every read of probed memory goes through
 * stp_kread(): a bad pointer is a runtime error, not an oops. */
#include <asm/ptrace.h>

/* Register n by its x86_64 DWARF number (0 rax, 1 rdx, 2 rcx, 3 rbx,
 * 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15), where DWARF says a variable
 * lives. */
static __maybe_unused int64_t stp_tv_reg(struct stp_context *c, int n)
{
	const struct pt_regs *r = c->regs;

	if (!r) {
		stp_error(c, "no registers to read target variables from");
		return 0;
	}
	switch (n) {
	case 0: return r->ax;
	case 1: return r->dx;
	case 2: return r->cx;
	case 3: return r->bx;
	case 4: return r->si;
	case 5: return r->di;
	case 6: return r->bp;
	case 7: return r->sp;
	case 8: return r->r8;
	case 9: return r->r9;
	case 10: return r->r10;
	case 11: return r->r11;
	case 12: return r->r12;
	case 13: return r->r13;
	case 14: return r->r14;
	case 15: return r->r15;
	}
	stp_error(c, "DWARF register %d is not a general register", n);
	return 0;
}

/* Argument n (1-based) at a function's entry, by the x86_64 calling
 * convention: rdi, rsi, rdx, rcx, r8, r9 as DWARF numbers them. */
static __maybe_unused int64_t stp_tv_arg(struct stp_context *c, int n)
{
	static const signed char dwarf_reg[] = { 5, 4, 1, 2, 8, 9 };

	if (n < 1 || n > 6) {
		stp_error(c, "argument %d is not passed in a register", n);
		return 0;
	}
	return stp_tv_reg(c, dwarf_reg[n - 1]);
}

/* Guru mode: a register of the probed context's saved pt_regs, written
 * ($param = x at a function's entry, a DWARF register location, $return
 * in a .return probe); the function sees it when the probe returns. */
static __maybe_unused void stp_tv_set_reg(struct stp_context *c, int n,
					  int64_t v)
{
	struct pt_regs *r = (struct pt_regs *)c->regs;

	if (!r) {
		stp_error(c, "no registers to write target variables to");
		return;
	}
	unsigned long *slot[] = {
		&r->ax, &r->dx, &r->cx, &r->bx, &r->si, &r->di, &r->bp, NULL,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14,
		&r->r15,
	};
	if (n < 0 || n > 15 || !slot[n]) {
		stp_error(c, "DWARF register %d cannot be written", n);
		return;
	}
	*slot[n] = (unsigned long)v;
}

static __maybe_unused void stp_tv_set_arg(struct stp_context *c, int n,
					  int64_t v)
{
	static const signed char dwarf_reg[] = { 5, 4, 1, 2, 8, 9 };

	if (n < 1 || n > 6) {
		stp_error(c, "argument %d is not passed in a register", n);
		return;
	}
	stp_tv_set_reg(c, dwarf_reg[n - 1], v);
}

/* The return value, in a .return probe. */
static __maybe_unused int64_t stp_tv_return(struct stp_context *c)
{
	const struct pt_regs *r = c->regs;

	if (!r) {
		stp_error(c, "no registers to read $return from");
		return 0;
	}
	return r->ax;
}

/* A bitfield of a value read from its storage unit. */
static __maybe_unused int64_t stp_tv_bits(int64_t v, int shift, int bits,
					  bool is_signed)
{
	uint64_t u = (uint64_t)v >> shift;

	if (bits >= 64)
		return (int64_t)u;
	u &= (1ULL << bits) - 1;
	if (is_signed && (u & (1ULL << (bits - 1))))
		u |= ~((1ULL << bits) - 1);
	return (int64_t)u;
}

/* A char array of n bytes at addr, as a string (to its first NUL). */
static __maybe_unused void stp_tv_chars(struct stp_context *c, char *out,
					int64_t addr, int64_t n, bool user)
{
	stp_kread_string(c, out, addr, n > 0 ? n : MAXSTRINGLEN - 1, user);
}

/* ---- pretty-printing ($var$, $var$$, $$parms, $$vars) ---- */

enum stp_tv_kind {
	STP_TV_INT,		/* signed integer, enum */
	STP_TV_UINT,		/* unsigned integer */
	STP_TV_PTR,		/* any pointer: 0x... */
	STP_TV_CHARPTR,		/* char *: the string it points to */
	STP_TV_CHARS,		/* char[N]: the string it holds */
	STP_TV_STRUCT,		/* struct or union: {.a=..., .b=...} */
	STP_TV_ARRAY,		/* [e0, e1, ...] */
	STP_TV_OTHER,		/* floats, functions: "?" */
};

struct stp_tv_member;

/* A type as the translator describes it for the pretty-printer. */
struct stp_tv_type {
	unsigned char kind;		/* enum stp_tv_kind */
	unsigned int size;		/* bytes */
	unsigned int nelems;		/* STP_TV_ARRAY, STP_TV_CHARS */
	const struct stp_tv_type *elem;	/* STP_TV_ARRAY */
	int nmembers;
	const struct stp_tv_member *members;
};

struct stp_tv_member {
	const char *name;
	unsigned int bit_offset;
	unsigned char bit_size;		/* 0 unless a bitfield */
	const struct stp_tv_type *type;
};

/* Arrays show at most this many elements. */
#define STP_TV_MAX_ELEMS 8

static void stp_tv_put(char *out, const char *s)
{
	stp_strlcat(out, s);
}

static void stp_tv_putf(char *out, const char *fmt, ...)
	__printf(2, 3);
static void stp_tv_putf(char *out, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	stp_strlcat(out, buf);
}

/* A char * as the string it points to, quoted; its address when that
 * cannot be read, 0x0 when NULL. */
static void stp_tv_charptr(struct stp_context *c, char *out, int64_t p,
			   bool user)
{
	char *s = c->scratch;

	if (!p) {
		stp_tv_put(out, "0x0");
		return;
	}
	stp_kread_string(c, s, p, 0, user);
	if (c->error) {
		c->error = NULL;
		stp_tv_putf(out, "%#llx", (unsigned long long)p);
		return;
	}
	stp_tv_put(out, "\"");
	stp_tv_put(out, s);
	stp_tv_put(out, "\"");
}

/* The integer of size bytes at addr (or v itself when addr is 0 and
 * have_value): unsigned unless kind is STP_TV_INT. */
static int64_t stp_tv_int(struct stp_context *c, const struct stp_tv_type *t,
			  int64_t addr, bool user)
{
	int64_t v = stp_kread(c, addr, t->size > 8 ? 8 : t->size, user);

	if (t->kind == STP_TV_INT || t->size >= 8)
		return v;
	return v & ((1LL << (t->size * 8)) - 1);
}

/* Appends the value of type t at addr to out.  depth: how many levels of
 * nested structs to open (1 for $, more for $$); a closed one is {...}.
 * Bounded by the type's own nesting (types are finite trees here: the
 * printer never follows a pointer except to read a char * string). */
static void stp_tv_format(struct stp_context *c, char *out,
			  const struct stp_tv_type *t, int64_t addr, int depth,
			  bool user)
{
	char *s = c->scratch;	/* not on the stack: this recurses */
	unsigned int i, n;

	if (c->error || strlen(out) >= MAXSTRINGLEN - 1)
		return;
	switch (t->kind) {
	case STP_TV_INT:
		stp_tv_putf(out, "%lld", (long long)stp_tv_int(c, t, addr, user));
		break;
	case STP_TV_UINT:
	case STP_TV_PTR:
		stp_tv_putf(out, "%#llx",
			    (unsigned long long)stp_tv_int(c, t, addr, user));
		break;
	case STP_TV_CHARPTR: {
		int64_t p = stp_kread(c, addr, 8, user);

		if (c->error)
			return;
		stp_tv_charptr(c, out, p, user);
		break;
	}
	case STP_TV_CHARS:
		stp_tv_chars(c, s, addr, t->nelems, user);
		stp_tv_put(out, "\"");
		stp_tv_put(out, s);
		stp_tv_put(out, "\"");
		break;
	case STP_TV_STRUCT:
		if (depth <= 0) {
			stp_tv_put(out, "{...}");
			break;
		}
		stp_tv_put(out, "{");
		for (i = 0; i < (unsigned int)t->nmembers && !c->error; i++) {
			const struct stp_tv_member *m = &t->members[i];

			stp_tv_putf(out, "%s.%s=", i ? ", " : "", m->name);
			if (m->bit_size) {
				int64_t unit = addr + m->bit_offset / 64 * 8;
				int64_t v = stp_kread(c, unit, 8, user);

				stp_tv_putf(out, "%lld", (long long)stp_tv_bits(v,
					    m->bit_offset % 64, m->bit_size,
					    m->type->kind == STP_TV_INT));
				continue;
			}
			stp_tv_format(c, out, m->type, addr + m->bit_offset / 8,
				      depth - 1, user);
		}
		stp_tv_put(out, "}");
		break;
	case STP_TV_ARRAY:
		n = t->nelems < STP_TV_MAX_ELEMS ? t->nelems : STP_TV_MAX_ELEMS;
		stp_tv_put(out, "[");
		for (i = 0; i < n && !c->error; i++) {
			if (i)
				stp_tv_put(out, ", ");
			stp_tv_format(c, out, t->elem, addr + i * t->elem->size,
				      depth, user);
		}
		stp_tv_put(out, t->nelems > n ? ", ...]" : "]");
		break;
	default:
		stp_tv_put(out, "?");
		break;
	}
}

/* A value held in a register (a parameter, $return), formatted like one
 * read from memory. */
static __maybe_unused void stp_tv_format_value(struct stp_context *c, char *out,
					       const struct stp_tv_type *t,
					       int64_t v, int depth, bool user)
{
	switch (t->kind) {
	case STP_TV_INT:
		if (t->size < 8)
			v = stp_tv_bits(v, 0, t->size * 8, true);
		stp_tv_putf(out, "%lld", (long long)v);
		break;
	case STP_TV_CHARPTR:
		stp_tv_charptr(c, out, v, user);
		break;
	default:
		if (t->size < 8)
			v &= (1LL << (t->size * 8)) - 1;
		stp_tv_putf(out, "%#llx", (unsigned long long)v);
		break;
	}
}

/* $$parms without $: every value in hex, as %#x prints it. */
static __maybe_unused void stp_tv_hex(char *out, int64_t v, int size)
{
	if (size < 8)
		v &= (1LL << (size * 8)) - 1;
	stp_tv_putf(out, "%#llx", (unsigned long long)v);
}

/* A pointer to a struct, $ptr$: the struct it points to, or 0x0. */
static __maybe_unused void stp_tv_format_pointee(struct stp_context *c,
						 char *out,
						 const struct stp_tv_type *t,
						 int64_t p, int depth, bool user)
{
	if (!p) {
		stp_tv_put(out, "0x0");
		return;
	}
	stp_tv_format(c, out, t, p, depth, user);
}
