/* module.c (kernel runtime) - a script as a loadable module.
 *
 * Included last by stp_runtime.c for STP_RUNTIME_KERNEL; pulls in the
 * transport (debugfs files) and the timer probes.  The life of a module:
 *
 *	insmod		module_init: output rings, timers, the session
 *			(contexts, globals), -G parameters, debugfs files.
 *			state "loaded".
 *	"start"		begin probes in the writer's process context, then
 *			the timers are armed.  state "running".
 *	"exit", exit()	the end: timers cancelled synchronously, end probes
 *	or an error	(error probes if an error ended the session), the
 *			session freed, readers get EOF once drained.  state
 *			"stopping" while it runs, then "done".  A handler
 *			only asks for it: stp_kprobe_run() queues
 *			stp_end_work, which runs it in process context.
 *	rmmod		module_exit: the end if it has not happened, then
 *			everything freed, debugfs files removed.
 *
 * stp_ctl_mutex serializes start and the end (process context only).
 */
#include <linux/module.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>

enum stp_kstate {
	STP_K_LOADED, STP_K_RUNNING, STP_K_STOPPING, STP_K_DONE,
};

static void stp_kprobe_run_regs(const struct stp_probe *p, void *regs);
static void stp_kprobe_end_check(void);
static void stp_kprobe_run(const struct stp_probe *p);
static int stp_ctl_command(const char *cmd);
static int stp_ctl_status(char *buf, size_t size);

/* staprun -v (a parameter): the module's own reports. */
static int stp_verbose;

/* After one kind of probe point registered: the wildcard matches the
 * kernel refused, as a warning (staprun -w filters it out), and with -v
 * the counts and the time taken. */
static void stp_registered(const char *what, int n, int skipped,
			   const char *why, u64 start_ns)
{
	if (skipped)
		stp_msg("WARNING: %d of %d %s could not be registered%s\n",
			skipped, n, what, why);
	if (stp_verbose > 0 && n)
		stp_msg("%s: %d registered, %d skipped, in %llu ms\n", what,
			n - skipped, skipped,
			(unsigned long long)div_u64(ktime_get_ns() - start_ns,
						    NSEC_PER_MSEC));
}

#include "transport.c"
#include "timer.c"
#include "kprobes.c"
#include "uprobes.c"
#include "tracepoint.c"
#include "procfs.c"
#include "procevents.c"
#include "memory.c"
#include "target.c"
#include "usdt.c"
#include "usyms.c"

static DEFINE_MUTEX(stp_ctl_mutex);
static int stp_kstate;			/* enum stp_kstate */

/* ---- module parameters ----
 * stp_target=PID is target().  A scalar global NAME is set with NAME=VALUE:
 * generated code emits STP_GLOBAL_PARAM_LONG(NAME); or
 * STP_GLOBAL_PARAM_STRING(NAME); after its globals, for g_NAME.  The value
 * is kept aside and stored into g_NAME after stp_globals_init(), which
 * would otherwise overwrite it with the script's initializer (as -G does
 * in the user runtime). */
module_param(stp_target, long, 0444);
MODULE_PARM_DESC(stp_bufsize, "output buffer in MB (staprun -b), 0: the default");
module_param(stp_bufsize, uint, 0444);
MODULE_PARM_DESC(stp_target, "target(): the process given with -x or -c");
module_param(stp_uid, long, 0444);
MODULE_PARM_DESC(stp_uid, "the uid of the user who ran staprun");
module_param(stp_verbose, int, 0444);
MODULE_PARM_DESC(stp_verbose, "staprun -v: report probe registration");

struct stp_kparam {
	int64_t *lval;			/* g_NAME of a long global, or */
	char *sval;			/* of a string: MAXSTRINGLEN bytes */
	bool set;
	int64_t lval_in;
	char sval_in[MAXSTRINGLEN];
	struct stp_kparam *next;	/* on stp_kparams once set */
};

/* Parameters given at load time; the kernel parses them one at a time
 * before module_init, so no lock is needed. */
static struct stp_kparam *stp_kparams;

static int stp_kparam_set(const char *val, const struct kernel_param *kp)
{
	struct stp_kparam *p = kp->arg;
	long long v;
	int rc;

	if (p->lval) {
		rc = kstrtoll(val, 0, &v);
		if (rc)
			return rc;
		p->lval_in = v;
	} else {
		stp_strlcpy(p->sval_in, val);
	}
	if (!p->set) {
		p->set = true;
		p->next = stp_kparams;
		stp_kparams = p;
	}
	return 0;
}

static int stp_kparam_get(char *buf, const struct kernel_param *kp)
{
	const struct stp_kparam *p = kp->arg;

	if (p->lval)
		return scnprintf(buf, PAGE_SIZE, "%lld\n",
				 (long long)p->lval_in);
	return scnprintf(buf, PAGE_SIZE, "%s\n", p->sval_in);
}

static const struct kernel_param_ops stp_kparam_ops = {
	.set = stp_kparam_set,
	.get = stp_kparam_get,
};

/* The kernel_param by hand rather than with module_param_cb(), and VAR
 * only under # and ## (not passed on to another macro): a global named
 * like a kernel macro (current, jiffies, PAGE_SIZE) must not expand. */
#define STP_GLOBAL_PARAM_LONG(var)					\
	static struct stp_kparam stp_kparam_##var = { .lval = &g_##var };	\
	static const char stp_kparam_name_##var[] = #var;		\
	static const struct kernel_param stp_kparam_kp_##var		\
	__used __section("__param") __aligned(sizeof(void *)) = {	\
		.name = stp_kparam_name_##var,				\
		.mod = THIS_MODULE,					\
		.ops = &stp_kparam_ops,					\
		.perm = 0,						\
		.level = -1,						\
		.arg = &stp_kparam_##var,				\
	};								\
	MODULE_INFO(parm, #var ":script global " #var " (long)")

#define STP_GLOBAL_PARAM_STRING(var)					\
	static struct stp_kparam stp_kparam_##var = { .sval = g_##var };	\
	static const char stp_kparam_name_##var[] = #var;		\
	static const struct kernel_param stp_kparam_kp_##var		\
	__used __section("__param") __aligned(sizeof(void *)) = {	\
		.name = stp_kparam_name_##var,				\
		.mod = THIS_MODULE,					\
		.ops = &stp_kparam_ops,					\
		.perm = 0,						\
		.level = -1,						\
		.arg = &stp_kparam_##var,				\
	};								\
	MODULE_INFO(parm, #var ":script global " #var " (string)")

static void stp_kparams_apply(void)
{
	struct stp_kparam *p;

	for (p = stp_kparams; p; p = p->next) {
		if (p->lval)
			*p->lval = p->lval_in;
		else
			stp_strlcpy(p->sval, p->sval_in);
	}
}

/* ---- the session ---- */

/* stp_session_end() without its summary: staprun prints "Number of
 * errors" and lost output from the control file's status line. */
static void stp_session_release(void)
{
	unsigned long flags = stp_irq_save();

	stp_out_flush();
	stp_irq_restore(flags);
	stp_globals_free();
	stp_session_free();
}

/* The end, in process context; does nothing the second time. */
static void stp_ctl_end(void)
{
	mutex_lock(&stp_ctl_mutex);
	switch (stp_kstate) {
	case STP_K_RUNNING:
		WRITE_ONCE(stp_kstate, STP_K_STOPPING);
		stp_kprobes_stop();
		stp_uprobes_stop();
		stp_tracepoints_stop();
		stp_procfs_stop();
		stp_procevents_stop();
		stp_timers_stop();
		stp_session_stop();	/* end or error probes */
		fallthrough;
	case STP_K_LOADED:
		stp_session_release();
		WRITE_ONCE(stp_kstate, STP_K_DONE);
		stp_transport_finish();
		break;
	default:
		break;
	}
	mutex_unlock(&stp_ctl_mutex);
}

static void stp_end_workfn(struct work_struct *work)
{
	stp_ctl_end();
}

static DECLARE_WORK(stp_end_work, stp_end_workfn);

/* What every kernel probe runs its handler through: exit() or a fatal
 * error in the handler only moves the session's state; the end itself
 * runs from a workqueue.  Any context but NMI.  regs: the probed point's
 * struct pt_regs, NULL for timers. */
/* After a handler that may have ended the session (exit(), an error):
 * the end runs from a workqueue, in process context. */
static void stp_kprobe_end_check(void)
{
	int s = stp_session_state();

	if (unlikely(s == STP_SESSION_STOPPING || s == STP_SESSION_ERROR))
		schedule_work(&stp_end_work);
}

static void stp_kprobe_run_regs(const struct stp_probe *p, void *regs)
{
	stp_probe_run_regs(p, regs);
	stp_kprobe_end_check();
}

static void stp_kprobe_run(const struct stp_probe *p)
{
	stp_kprobe_run_regs(p, NULL);
}

static int stp_ctl_start(void)
{
	int rc = 0;

	mutex_lock(&stp_ctl_mutex);
	if (stp_kstate != STP_K_LOADED) {
		rc = -EBUSY;
		goto out;
	}
	WRITE_ONCE(stp_kstate, STP_K_RUNNING);
	stp_run_probes(STP_PROBE_BEGIN);
	stp_session_set_running();
	if (stp_session_state() == STP_SESSION_RUNNING &&
	    (stp_kprobes_start() || stp_uprobes_start() ||
	     stp_tracepoints_start() || stp_procfs_start() ||
	     stp_procevents_start())) {
		/* A probe point that cannot be registered ends the session
		 * as an error (its message is in the errors ring). */
		stp_atomic_inc(&stp_sess.errors);
		stp_session_move(STP_SESSION_ERROR);
	}
	if (stp_session_state() == STP_SESSION_RUNNING)
		stp_timers_start();
	else			/* exit() or an error in a begin probe */
		schedule_work(&stp_end_work);
out:
	mutex_unlock(&stp_ctl_mutex);
	return rc;
}

static int stp_ctl_command(const char *cmd)
{
	if (!strcmp(cmd, "start"))
		return stp_ctl_start();
	if (!strcmp(cmd, "exit")) {
		stp_ctl_end();
		return 0;
	}
	return -EINVAL;
}

static int stp_ctl_status(char *buf, size_t size)
{
	static const char *const names[] = {
		"loaded", "running", "stopping", "done",
	};
	int k = READ_ONCE(stp_kstate);
	int s = stp_session_state();

	/* exit() has been called but the end has not begun yet. */
	if (k == STP_K_RUNNING &&
	    (s == STP_SESSION_STOPPING || s == STP_SESSION_ERROR))
		k = STP_K_STOPPING;
	return scnprintf(buf, size, "state=%s errors=%ld skipped=%ld lost=%lld "
			 "overwritten=%llu attached=%d\n",
			 names[k], stp_atomic_read(&stp_sess.errors),
			 stp_atomic_read(&stp_sess.skipped),
			 (long long)stp_out_lost(),
			 (unsigned long long)stp_kring_overwritten(&stp_kout.trace),
			 atomic_read(&stp_attached));
}

/* ---- load and unload ---- */

static int __init stp_module_init(void)
{
	int rc;

	stp_kstate = STP_K_LOADED;
	rc = stp_kout_init();
	if (rc)
		return rc;
	stp_usyms_init();
	rc = stp_timers_init();
	if (rc)
		goto out_kout;
	rc = stp_kprobes_init();
	if (rc)
		goto out_timers;
	rc = stp_uprobes_init();
	if (rc)
		goto out_timers;
	rc = stp_tracepoints_init();
	if (rc)
		goto out_timers;
	rc = stp_procfs_init();
	if (rc)
		goto out_timers;
	rc = stp_procevents_init();
	if (rc)
		goto out_timers;
	if (stp_session_start()) {	/* its message is in the errors ring */
		rc = -ENOMEM;
		goto out_timers;
	}
	stp_kparams_apply();
	rc = stp_transport_init();
	if (rc)
		goto out_session;
	return 0;
out_session:
	stp_session_release();
out_timers:
	stp_kprobes_free();
	stp_uprobes_free();
	stp_tracepoints_free();
	stp_procfs_free();
	stp_procevents_free();
	stp_timers_free();
out_kout:
	stp_usyms_free();
	stp_kout_leftovers();
	stp_kout_free();
	return rc;
}

static void __exit stp_module_exit(void)
{
	stp_ctl_end();
	cancel_work_sync(&stp_end_work);
	stp_transport_exit();
	stp_kprobes_free();
	stp_uprobes_free();
	stp_tracepoints_free();
	stp_procfs_free();
	stp_procevents_free();
	stp_timers_free();
	stp_usyms_free();
	stp_kout_leftovers();
	stp_kout_free();
}

module_init(stp_module_init);
module_exit(stp_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stapc script " KBUILD_MODNAME);
