/* arith.h - the script language's 64-bit arithmetic where C's differs.
 *
 * Script arithmetic wraps and never has undefined behaviour: division by
 * zero is a runtime error, INT64_MIN / -1 wraps, and shift counts are
 * taken modulo 64 (what x86 does). */
#ifndef STP_ARITH_H
#define STP_ARITH_H

static inline int64_t stp_div(struct stp_context *c, int64_t a, int64_t b)
{
	if (b == 0) {
		stp_error(c, "division by 0");
		return 0;
	}
	if (b == -1)
		return (int64_t)(0 - (uint64_t)a);
	return a / b;
}

static inline int64_t stp_mod(struct stp_context *c, int64_t a, int64_t b)
{
	if (b == 0) {
		stp_error(c, "division by 0");
		return 0;
	}
	if (b == -1)
		return 0;
	return a % b;
}

static inline int64_t stp_shl(int64_t a, int64_t n)
{
	return (int64_t)((uint64_t)a << (n & 63));
}

static inline int64_t stp_shr(int64_t a, int64_t n)
{
	/* Arithmetic shift, as gcc does for signed values. */
	n &= 63;
	return a < 0 ? (int64_t)~(~(uint64_t)a >> n) : (int64_t)((uint64_t)a >> n);
}

#endif
