/* procevents.c - process[(PID|"PATH")][.thread].begin / .end probes.
 *
 * Every handler runs in the context of the process (thread) it is about,
 * so pid(), execname(), cmdline_str() and the rest read that process:
 *
 *   .begin, a new process	the sched_process_fork tracepoint (in the
 *				parent) queues a task_work on the child
 *				(TWA_RESUME): it runs in the child before
 *				its first user-space instruction.
 *   .begin, exec		the sched_process_exec tracepoint, in the
 *				exec'ing process, its new program in place.
 *   .begin, at session start	each process that exists when the session
 *				starts gets a task_work (TWA_SIGNAL: a
 *				process sleeping interruptibly is woken to
 *				run it, its system call restarted); the
 *				walk over them is under RCU, from staprun's
 *				"start" write.  A process stopped (SIGSTOP,
 *				ptrace) runs it when it continues.
 *   .end			a kprobe on exit_mm_release(), in the exiting
 *				thread while it still has its memory (the
 *				exit tracepoint comes after it is gone);
 *				.end when it is the group's last thread
 *				(signal->live is 0), once per process.
 *   .thread.begin / .end	the same for threads other than a
 *				process's first.
 *
 * Kernel threads and io_uring workers are never reported.  Matching:
 * process(PID) is that tgid; process("PATH") a process whose executable
 * is PATH's inode (resolved when the session starts); neither, with -c or
 * -x, the target process and its descendants, else every process.
 *
 * Task works cannot be cancelled from a module, so each one comes from a
 * pool in the module and is counted: at stop the handlers stop running
 * them (stp_pe_live, and an RCU grace period for any that had started);
 * the module's exit waits until every queued one has run (a process
 * stopped with SIGSTOP holds rmmod until it continues), then for an
 * RCU-tasks grace period (none is still returning through our code). */
#include <linux/kprobes.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>
#include <linux/hash.h>
#include <linux/wait.h>

/* What generated code provides: probe index in stp_probes[], event,
 * process id (0: none), executable (NULL: none); ends with probe -1. */
struct stp_procevent_def {
	int probe;
	int event;
	long pid;
	const char *path;
};

extern const struct stp_procevent_def stp_procevent_defs[];
extern const int stp_nprocevent_defs;

enum {
	STP_PE_BEGIN, STP_PE_END, STP_PE_THREAD_BEGIN, STP_PE_THREAD_END,
};

/* PATH's inode, per def (NULL: no PATH) */
struct stp_pe_file {
	struct path path;
	struct inode *inode;
};

static struct stp_pe_file *stp_pe_files;
static unsigned int stp_pe_want;	/* 1 << event, for the defs' events */
static bool stp_pe_paths;		/* some def has a PATH */
static bool stp_pe_live;		/* handlers run only while set */

static struct tracepoint *stp_pe_tp_fork, *stp_pe_tp_exec;
static bool stp_pe_fork_on, stp_pe_exec_on, stp_pe_kp_on;
static struct kprobe stp_pe_kp;

/* the task works: a pool, a bitmap of the used ones, how many are queued */
#define STP_PE_POOL 4096
struct stp_pe_work {
	struct callback_head cb;
	int event;
};
static struct stp_pe_work *stp_pe_pool;
static unsigned long *stp_pe_used;
static atomic_t stp_pe_next = ATOMIC_INIT(0);
static atomic_t stp_pe_pending = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(stp_pe_drain);

/* the processes whose .end has run, to run it once when two threads
 * exit together: one slot per hash of (signal_struct, start time) */
#define STP_PE_ENDS_BITS 8
static unsigned long stp_pe_ended[1 << STP_PE_ENDS_BITS];

/* The inode of mm's executable (only compared, never dereferenced). */
static struct inode *stp_pe_exe(struct mm_struct *mm)
{
	struct inode *inode = NULL;
	struct file *f;

	if (!mm || !stp_pe_paths)
		return NULL;
	rcu_read_lock();
	f = rcu_dereference(mm->exe_file);
	if (f)
		inode = d_real_inode(f->f_path.dentry);
	rcu_read_unlock();
	return inode;
}

/* t is the -c/-x target process or one of its descendants. */
static bool stp_pe_in_target(struct task_struct *t)
{
	bool r = false;
	int depth;

	rcu_read_lock();
	for (depth = 0; depth < 1024 && t && t->pid; depth++) {
		struct task_struct *parent;

		if (t->tgid == stp_target) {
			r = true;
			break;
		}
		parent = rcu_dereference(t->real_parent);
		if (parent == t)
			break;
		t = parent;
	}
	rcu_read_unlock();
	return r;
}

static bool stp_pe_match(int i, struct task_struct *t, struct inode *exe)
{
	const struct stp_procevent_def *d = &stp_procevent_defs[i];

	if (d->pid)
		return t->tgid == d->pid;
	if (d->path)
		return exe && exe == stp_pe_files[i].inode;
	return !stp_target || stp_pe_in_target(t);
}

/* Some def of event ev matches t (whose executable is exe). */
static bool stp_pe_any(int ev, struct task_struct *t, struct inode *exe)
{
	int i;

	for (i = 0; i < stp_nprocevent_defs; i++)
		if (stp_procevent_defs[i].event == ev && stp_pe_match(i, t, exe))
			return true;
	return false;
}

/* Runs the probes of event ev that match current. */
static void stp_pe_fire(int ev)
{
	struct inode *exe = stp_pe_exe(current->mm);
	int i;

	for (i = 0; i < stp_nprocevent_defs; i++) {
		const struct stp_procevent_def *d = &stp_procevent_defs[i];

		if (d->event == ev && stp_pe_match(i, current, exe))
			stp_kprobe_run(&stp_probes[d->probe]);
	}
}

static void stp_pe_work_done(struct stp_pe_work *w)
{
	clear_bit(w - stp_pe_pool, stp_pe_used);
	if (atomic_dec_and_test(&stp_pe_pending))
		wake_up(&stp_pe_drain);
}

/* A queued begin, in the process it is about. */
static void stp_pe_work_fn(struct callback_head *cb)
{
	struct stp_pe_work *w = container_of(cb, struct stp_pe_work, cb);
	int ev = w->event;

	/* stop waits for this section (synchronize_rcu) */
	preempt_disable();
	if (READ_ONCE(stp_pe_live))
		stp_pe_fire(ev);
	stp_pe_work_done(w);
	preempt_enable();
}

/* Queues event ev's probes to run in t; a full pool skips them. */
static void stp_pe_queue(struct task_struct *t, int ev,
			 enum task_work_notify_mode mode)
{
	int i, n, start = atomic_inc_return(&stp_pe_next);
	struct stp_pe_work *w = NULL;

	for (n = 0; n < STP_PE_POOL; n++) {
		i = (unsigned int)(start + n) % STP_PE_POOL;
		if (!test_and_set_bit(i, stp_pe_used)) {
			w = &stp_pe_pool[i];
			break;
		}
	}
	if (!w) {
		stp_probe_skipped();
		return;
	}
	w->event = ev;
	init_task_work(&w->cb, stp_pe_work_fn);
	atomic_inc(&stp_pe_pending);
	if (task_work_add(t, &w->cb, mode))	/* t is past its exit */
		stp_pe_work_done(w);
}

static bool stp_pe_reported(struct task_struct *t)
{
	return !(t->flags & (PF_KTHREAD | PF_IO_WORKER));
}

/* sched_process_fork, in the parent: the child has not run yet. */
static void stp_pe_fork(void *data, struct task_struct *parent,
			struct task_struct *child)
{
	int ev = thread_group_leader(child) ? STP_PE_BEGIN
					    : STP_PE_THREAD_BEGIN;

	if (!READ_ONCE(stp_pe_live) || !stp_pe_reported(child) ||
	    !(stp_pe_want & (1u << ev)))
		return;
	if (stp_pe_any(ev, child, stp_pe_exe(child->mm)))
		stp_pe_queue(child, ev, TWA_RESUME);
}

/* sched_process_exec, in the process, with its new program. */
static void stp_pe_exec(void *data, struct task_struct *p, pid_t old_pid,
			struct linux_binprm *bprm)
{
	if (READ_ONCE(stp_pe_live) && stp_pe_reported(current))
		stp_pe_fire(STP_PE_BEGIN);
}

/* Claims the .end of t's process: false when another thread has. */
static bool stp_pe_end_claim(struct task_struct *t)
{
	unsigned long key = ((unsigned long)t->signal ^
			     (unsigned long)(t->group_leader->start_time *
					     GOLDEN_RATIO_64)) | 1;
	unsigned long *slot = &stp_pe_ended[hash_long(key, STP_PE_ENDS_BITS)];

	return xchg(slot, key) != key;
}

/* exit_mm_release(), in the exiting thread, before its mm is gone. */
static int stp_pe_exit_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct task_struct *t = current;

	if (!READ_ONCE(stp_pe_live) || !stp_pe_reported(t) || !t->mm)
		return 0;
	if (!thread_group_leader(t) && (stp_pe_want & (1u << STP_PE_THREAD_END)))
		stp_pe_fire(STP_PE_THREAD_END);
	if ((stp_pe_want & (1u << STP_PE_END)) &&
	    atomic_read(&t->signal->live) == 0 && stp_pe_end_claim(t))
		stp_pe_fire(STP_PE_END);
	return 0;
}

static void stp_pe_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_fork"))
		stp_pe_tp_fork = tp;
	else if (!strcmp(tp->name, "sched_process_exec"))
		stp_pe_tp_exec = tp;
}

static int stp_procevents_init(void)
{
	int i;

	if (!stp_nprocevent_defs)
		return 0;
	stp_pe_files = kcalloc(stp_nprocevent_defs, sizeof(*stp_pe_files),
			       GFP_KERNEL);
	if (!stp_pe_files)
		return -ENOMEM;
	for (i = 0; i < stp_nprocevent_defs; i++) {
		stp_pe_want |= 1u << stp_procevent_defs[i].event;
		stp_pe_paths |= stp_procevent_defs[i].path != NULL;
	}
	if (stp_pe_want & ((1u << STP_PE_BEGIN) | (1u << STP_PE_THREAD_BEGIN))) {
		stp_pe_pool = kvcalloc(STP_PE_POOL, sizeof(*stp_pe_pool),
				       GFP_KERNEL);
		stp_pe_used = bitmap_zalloc(STP_PE_POOL, GFP_KERNEL);
		if (!stp_pe_pool || !stp_pe_used)
			return -ENOMEM;
	}
	for_each_kernel_tracepoint(stp_pe_find_tp, NULL);
	return 0;
}

static void stp_procevents_stop(void)
{
	int i;

	if (!stp_nprocevent_defs)
		return;
	WRITE_ONCE(stp_pe_live, false);
	if (stp_pe_fork_on)
		tracepoint_probe_unregister(stp_pe_tp_fork, (void *)stp_pe_fork,
					    NULL);
	if (stp_pe_exec_on)
		tracepoint_probe_unregister(stp_pe_tp_exec, (void *)stp_pe_exec,
					    NULL);
	if (stp_pe_fork_on || stp_pe_exec_on)
		tracepoint_synchronize_unregister();
	stp_pe_fork_on = stp_pe_exec_on = false;
	if (stp_pe_kp_on)
		unregister_kprobe(&stp_pe_kp);	/* waits for the handler */
	stp_pe_kp_on = false;
	/* a task work that saw stp_pe_live set has finished its probes */
	synchronize_rcu();
	for (i = 0; stp_pe_files && i < stp_nprocevent_defs; i++)
		if (stp_pe_files[i].inode) {
			path_put(&stp_pe_files[i].path);
			stp_pe_files[i].inode = NULL;
		}
}

static int stp_pe_fail(const char *pp, const char *why, int rc)
{
	stp_msg("ERROR: cannot probe %s: %s (%d)\n", pp, why, rc);
	stp_procevents_stop();
	return rc;
}

/* Resolves the PATHs, arms the events, then queues the begins of the
 * processes that exist.  Process context (staprun's "start"). */
static int stp_procevents_start(void)
{
	struct task_struct *g, *t;
	u64 armed;
	int i, rc;

	if (!stp_nprocevent_defs)
		return 0;
	for (i = 0; i < stp_nprocevent_defs; i++) {
		const struct stp_procevent_def *d = &stp_procevent_defs[i];
		struct stp_pe_file *f = &stp_pe_files[i];

		if (!d->path)
			continue;
		rc = kern_path(d->path, LOOKUP_FOLLOW, &f->path);
		if (rc)
			return stp_pe_fail(stp_probes[d->probe].pp, rc == -ENOENT
					   ? "no such file" : "cannot open the file",
					   rc);
		f->inode = d_real_inode(f->path.dentry);
	}
	WRITE_ONCE(stp_pe_live, true);
	if (stp_pe_want & ((1u << STP_PE_BEGIN) | (1u << STP_PE_THREAD_BEGIN))) {
		rc = stp_pe_tp_fork ? tracepoint_probe_register(stp_pe_tp_fork,
					(void *)stp_pe_fork, NULL) : -ENOENT;
		if (rc)
			return stp_pe_fail("process.begin", "the "
					   "sched_process_fork tracepoint", rc);
		stp_pe_fork_on = true;
	}
	if (stp_pe_want & (1u << STP_PE_BEGIN)) {
		rc = stp_pe_tp_exec ? tracepoint_probe_register(stp_pe_tp_exec,
					(void *)stp_pe_exec, NULL) : -ENOENT;
		if (rc)
			return stp_pe_fail("process.begin", "the "
					   "sched_process_exec tracepoint", rc);
		stp_pe_exec_on = true;
	}
	if (stp_pe_want & ((1u << STP_PE_END) | (1u << STP_PE_THREAD_END))) {
		memset(&stp_pe_kp, 0, sizeof(stp_pe_kp));
		stp_pe_kp.symbol_name = "exit_mm_release";
		stp_pe_kp.pre_handler = stp_pe_exit_pre;
		rc = register_kprobe(&stp_pe_kp);
		if (rc)
			return stp_pe_fail("process.end", "a kprobe on "
					   "exit_mm_release", rc);
		stp_pe_kp_on = true;
	}
	if (!stp_pe_fork_on)
		return 0;
	/* A process started after this has had its fork seen above. */
	armed = ktime_get_ns();
	rcu_read_lock();
	for_each_process_thread(g, t) {
		int ev = thread_group_leader(t) ? STP_PE_BEGIN
						: STP_PE_THREAD_BEGIN;

		if (!stp_pe_reported(t) || (t->flags & PF_EXITING) ||
		    t->start_time > armed || !(stp_pe_want & (1u << ev)))
			continue;
		/* PATH is checked in the process (its mm is its own) */
		for (i = 0; i < stp_nprocevent_defs; i++) {
			const struct stp_procevent_def *d = &stp_procevent_defs[i];

			if (d->event == ev && (d->path || stp_pe_match(i, t, NULL)))
				break;
		}
		if (i < stp_nprocevent_defs)
			stp_pe_queue(t, ev, TWA_SIGNAL);
	}
	rcu_read_unlock();
	return 0;
}

/* Module exit (and a failed load): every queued task work must have run
 * before the pool, and the code it calls, go away. */
static void stp_procevents_free(void)
{
	stp_procevents_stop();
	while (!wait_event_timeout(stp_pe_drain,
				   !atomic_read(&stp_pe_pending), 10 * HZ))
		pr_warn("%s: waiting for %d processes to run a queued "
			"process.begin (stopped?)\n", THIS_MODULE->name,
			atomic_read(&stp_pe_pending));
#ifdef CONFIG_TASKS_RCU
	/* the last work may still be on its way out of stp_pe_work_fn, even
	 * preempted there: an RCU-tasks grace period waits until every task
	 * has left such code (a voluntary switch, or user space) */
	if (stp_pe_pool)
		synchronize_rcu_tasks();
#endif
	kvfree(stp_pe_pool);
	stp_pe_pool = NULL;
	bitmap_free(stp_pe_used);
	stp_pe_used = NULL;
	kfree(stp_pe_files);
	stp_pe_files = NULL;
}
