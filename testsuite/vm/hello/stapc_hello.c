// SPDX-License-Identifier: GPL-2.0
/*
 * stapc_hello - the smallest kprobe module: counts calls of a kernel
 * function (vfs_read by default).  Used by testsuite/vm/check-vm to prove
 * that kbuild, insmod and kprobes work in the test VM.
 *
 * The count is readable at /sys/module/stapc_hello/parameters/hits and is
 * printed at unload as "stapc_hello: <symbol> hits=<N>".
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static char *symbol = "vfs_read";
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "kernel function to count (default vfs_read)");

static atomic_long_t hit_count = ATOMIC_LONG_INIT(0);

static int hits_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&hit_count));
}

static const struct kernel_param_ops hits_ops = {
	.get = hits_get,
};
module_param_cb(hits, &hits_ops, NULL, 0444);
MODULE_PARM_DESC(hits, "calls of the probed function so far (read-only)");

static int pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	atomic_long_inc(&hit_count);
	return 0;
}

static struct kprobe kp = {
	.pre_handler = pre_handler,
};

static int __init stapc_hello_init(void)
{
	int ret;

	kp.symbol_name = symbol;
	ret = register_kprobe(&kp);
	if (ret < 0) {
		pr_err("stapc_hello: register_kprobe(%s) failed: %d\n", symbol, ret);
		return ret;
	}
	pr_info("stapc_hello: kprobe on %s at %px\n", symbol, kp.addr);
	return 0;
}

static void __exit stapc_hello_exit(void)
{
	unregister_kprobe(&kp);
	pr_info("stapc_hello: %s hits=%ld\n", symbol, atomic_long_read(&hit_count));
}

module_init(stapc_hello_init);
module_exit(stapc_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stapc VM self-test: count calls of a kernel function with a kprobe");
