/* usdt.c - process("PATH").mark("NAME") probes: the arguments of a
 * <sys/sdt.h> marker.
 *
 * A marker is a uprobe (linux/uprobes.c) at the marker's nop; the
 * translator (translator/usdt.c) turns each $argN into a call of
 * stp_usdt_arg() with the operand the marker's note gives: a register of
 * the user registers the uprobe saved, user memory at a register plus a
 * displacement (read without faulting: a bad address is a script error),
 * or a constant; size is its width in bytes, negative for a signed value. */

enum { STP_USDT_REG, STP_USDT_MEM, STP_USDT_IMM };	/* translator/usdt.h */

static __maybe_unused int64_t stp_usdt_arg(struct stp_context *c, int kind,
					   int reg, int64_t disp, int size)
{
	bool is_signed = size < 0;
	int64_t v;

	if (is_signed)
		size = -size;
	switch (kind) {
	case STP_USDT_REG:
		v = stp_tv_reg(c, reg);
		break;
	default:
		return disp;
	}
	switch (size) {
	case 1: return is_signed ? (int64_t)(int8_t)v : (int64_t)(uint8_t)v;
	case 2: return is_signed ? (int64_t)(int16_t)v : (int64_t)(uint16_t)v;
	case 4: return is_signed ? (int64_t)(int32_t)v : (int64_t)(uint32_t)v;
	default: return v;
	}
}

/* A memory operand: user memory at base + index * scale + disp (base,
 * index -1: none).  pc non-zero: disp is a link-time address (a symbol's:
 * "counter(%rip)", "table(,%rax,4)"), moved by the load bias, which the
 * uprobe's instruction pointer against the marker's link-time address pc
 * gives. */
static __maybe_unused int64_t stp_usdt_mem(struct stp_context *c, int base,
					   int index, int scale, int64_t disp,
					   uint64_t pc, int size)
{
	bool is_signed = size < 0;
	uint64_t a = (uint64_t)disp;

	if (is_signed)
		size = -size;
	if (pc)
		a = (uint64_t)stp_uprobe_addr(c, disp, (int64_t)pc);
	if (base >= 0)
		a += (uint64_t)stp_tv_reg(c, base);
	if (index >= 0)
		a += (uint64_t)stp_tv_reg(c, index) * (uint64_t)scale;
	if (c->error)
		return 0;
	return is_signed || size == 8
		? stp_kread(c, (int64_t)a, size, true)
		: stp_kread(c, (int64_t)a, size, true) &
		  (int64_t)((1ULL << (size * 8)) - 1);
}
