// SPDX-License-Identifier: GPL-2.0
/*
 * stapc_dw - a module for the DWARF target-variable tests (testsuite/run,
 * run_kernel): functions with known arguments, a struct with nested,
 * array, bitfield, enum and char-array members, a static function, a
 * loop with locals in registers and an array in the stack frame for
 * statement probes.  Writing N to
 * /sys/module/stapc_dw/parameters/trigger calls them with values derived
 * from N (so the compiler cannot specialise the functions on constants).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

enum stapc_dw_color { DW_RED = 1, DW_GREEN = 2, DW_BLUE = 7 };

struct stapc_dw_inner {
	int x;
	short y[3];
};

struct stapc_dw_arg {
	int id;
	struct stapc_dw_inner in;
	long arr[4];
	unsigned int flag:1, mode:3, wide:12;
	int neg:5;
	enum stapc_dw_color color;
	char name[16];
	struct stapc_dw_arg *next;
};

static struct stapc_dw_arg stapc_dw_a, stapc_dw_b;
static long stapc_dw_sink;

noinline int stapc_dw_entry(int a, long b, struct stapc_dw_arg *p)
{
	return a + (int)b + p->id + p->in.y[2];
}

static noinline long stapc_dw_static(long v, unsigned char c)
{
	WRITE_ONCE(stapc_dw_sink, v);
	return v * 3 + c;
}

noinline int stapc_dw_loop(int n)
{
	int i, sum = 0;

	for (i = 0; i < n; i++) {
		sum += i * i;
		WRITE_ONCE(stapc_dw_sink, sum);	/* STAPC_DW_LINE */
	}
	return sum;
}

noinline void stapc_dw_fill(int *buf, int n)
{
	int i;

	for (i = 0; i < 4; i++)
		buf[i] = n * 10 + i;
}

/* buf lives in the frame: DW_OP_fbreg, through the CFA. */
noinline int stapc_dw_frame(int n)
{
	int buf[4];

	stapc_dw_fill(buf, n);
	return buf[1] + buf[3];	/* STAPC_DW_FRAME_LINE */
}

static int trigger_set(const char *val, const struct kernel_param *kp)
{
	int n, r;

	r = kstrtoint(val, 0, &n);
	if (r)
		return r;
	stapc_dw_a.id = 100 + n;
	stapc_dw_a.in.x = -5 * n;
	stapc_dw_a.in.y[0] = 11 * n;
	stapc_dw_a.in.y[2] = 33 * n;
	stapc_dw_a.arr[3] = 4000000000L * n;
	stapc_dw_a.flag = n & 1;
	stapc_dw_a.mode = 5 * n;
	stapc_dw_a.wide = 1000 * n;
	stapc_dw_a.neg = -3 * n;
	stapc_dw_a.color = n == 1 ? DW_BLUE : DW_GREEN;
	strscpy(stapc_dw_a.name, n == 1 ? "stapc-dw" : "other",
		sizeof(stapc_dw_a.name));
	stapc_dw_a.next = &stapc_dw_b;
	stapc_dw_b.id = 200 + n;
	r = stapc_dw_entry(41 + n, -1234567890123L * n, &stapc_dw_a);
	r += (int)stapc_dw_static(-7L * n, (unsigned char)(200 + n));
	r += stapc_dw_loop(4 + n);
	r += stapc_dw_frame(n);
	pr_info("stapc_dw: trigger %d: %d\n", n, r);
	return 0;
}

static const struct kernel_param_ops trigger_ops = {
	.set = trigger_set,
};
module_param_cb(trigger, &trigger_ops, NULL, 0200);
MODULE_PARM_DESC(trigger, "write N to call the probed functions");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stapc DWARF test module");
