/* string.c - bounded string helpers.  Every script string is a char array
 * of MAXSTRINGLEN bytes; whatever does not fit is cut silently, as in
 * SystemTap. */

static size_t stp_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

void stp_strlcpy(char *dst, const char *src)
{
	size_t n;

#ifdef STP_RUNTIME_KERNEL
	/* The kernel's strscpy copies a word at a time (never reading into
	 * a page the string does not reach) with the same result: at most
	 * MAXSTRINGLEN - 1 bytes and a NUL.  Words go forward, so a copy
	 * onto itself or to a lower address is safe; a higher overlapping
	 * one takes memmove below. */
	if (dst <= src || dst >= src + MAXSTRINGLEN) {
		strscpy(dst, src, MAXSTRINGLEN);
		return;
	}
#endif
	n = stp_strnlen(src, MAXSTRINGLEN - 1);

	/* memmove: generated code may copy a string onto itself. */
	memmove(dst, src, n);
	dst[n] = '\0';
}

void stp_strlcat(char *dst, const char *src)
{
	size_t len = stp_strnlen(dst, MAXSTRINGLEN - 1);
	size_t n = stp_strnlen(src, MAXSTRINGLEN - 1 - len);

	memmove(dst + len, src, n);
	dst[len + n] = '\0';
}

/* Writes the digits of v backwards ending at end; returns the start. */
static char *stp_u64_digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void stp_long_to_str(char *dst, int64_t v)
{
	char tmp[24], *p;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	p = stp_u64_digits(tmp + sizeof(tmp), u);
	if (v < 0)
		*--p = '-';
	memcpy(dst, p, (size_t)(tmp + sizeof(tmp) - p));
	dst[tmp + sizeof(tmp) - p] = '\0';
}
