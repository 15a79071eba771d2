/* uprobes.c - process("PATH").function("f") probes: the kernel's uprobes.
 *
 * The translator has turned each function into an offset in its file, so
 * a probe is one uprobe consumer on (inode, offset), registered when the
 * session starts and unregistered when it stops.  It fires in every
 * process that maps the file, as in SystemTap.  Handlers run in the
 * probed task's context, on its way back to user space, with its user
 * registers; the dispatcher turns interrupts off around the script as for
 * kprobes.  A point that cannot be registered is a clear error at start. */
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/uprobes.h>
#include <linux/version.h>

/* 6.12: uprobe_register() returns the uprobe, which unregistering takes;
 * unregistering is split into a no-wait part per consumer and one wait
 * for running handlers. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define STP_UPROBE_HANDLE 1
#endif

/* A .return probe with @entry values: uretprobes keep nothing per call,
 * so the values saved at the entry wait in a slot of the probe's own
 * table, keyed by the task and its stack pointer at the entry (the return
 * address's slot); the return finds it as that task with its stack
 * pointer one word above.  Recursion and threads use separate slots; a
 * call that never returns (longjmp, exit) leaves its slot to be taken
 * back by the next entry of the same task at the same stack pointer.  A
 * full table skips the call (counted as skipped). */
#define STP_UENTRY_SLOTS 64

struct stp_uentry {
	const struct task_struct *task;	/* NULL: free */
	unsigned long sp;
	bool valid;			/* the entry half ran to its end */
	u64 data[];
};

struct stp_uprobe {
	const struct stp_probe *p;
	/* @entry: STP_UENTRY_SLOTS slots of slot_size bytes */
	char *slots;
	size_t slot_size;
	raw_spinlock_t lock;
	struct uprobe_consumer uc;
	struct path path;		/* held while registered: pins inode */
	struct inode *inode;
#ifdef STP_UPROBE_HANDLE
	struct uprobe *uprobe;
#endif
	bool registered;
};

static struct stp_uprobe *stp_uprobes;
static int stp_nuprobes;

/* A static variable of a PIE or a shared library (DWARF's DW_OP_addr):
 * its link-time address addr moved by where the file is loaded in this
 * process.  An entry or statement uprobe's handler sees the instruction
 * pointer at its breakpoint, whose link-time address pc the translator
 * knows, so the load bias is their difference (0 for a non-PIE). */
static __maybe_unused int64_t stp_uprobe_addr(struct stp_context *c,
					      int64_t addr, int64_t pc)
{
	struct pt_regs *r = c->regs;

	if (!r || !user_mode(r)) {
		stp_error(c, "no user registers to find the load address of "
			  "0x%llx", (unsigned long long)addr);
		return 0;
	}
	return (int64_t)((uint64_t)addr + (instruction_pointer(r) - (uint64_t)pc));
}

static int stp_uprobe_entry(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct stp_uprobe *u = container_of(uc, struct stp_uprobe, uc);

	stp_kprobe_run_regs(u->p, regs);
	return 0;
}

static int stp_uprobe_ret(struct uprobe_consumer *uc, unsigned long func,
			  struct pt_regs *regs)
{
	struct stp_uprobe *u = container_of(uc, struct stp_uprobe, uc);

	stp_kprobe_run_regs(u->p, regs);
	return 0;
}

static struct stp_uentry *stp_uentry_slot(struct stp_uprobe *u, int i)
{
	return (struct stp_uentry *)(u->slots + (size_t)i * u->slot_size);
}

/* The slot of (current, sp), or NULL with the first free one in *free
 * when free is not NULL; u->lock held. */
static struct stp_uentry *stp_uentry_walk(struct stp_uprobe *u,
					  unsigned long sp,
					  struct stp_uentry **free)
{
	struct stp_uentry *e;
	int i;

	for (i = 0; i < STP_UENTRY_SLOTS; i++) {
		e = stp_uentry_slot(u, i);
		if (e->task == current && e->sp == sp)
			return e;
		if (free && !e->task && !*free)
			*free = e;
	}
	return NULL;
}

/* The slot of (current, sp): a stale one of the same frame, else a free
 * one, claimed; NULL when the table is full. */
static struct stp_uentry *stp_uentry_claim(struct stp_uprobe *u,
					   unsigned long sp)
{
	struct stp_uentry *e, *free = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&u->lock, flags);
	e = stp_uentry_walk(u, sp, &free);
	if (!e)
		e = free;
	if (e) {
		e->task = current;
		e->sp = sp;
		e->valid = false;
	}
	raw_spin_unlock_irqrestore(&u->lock, flags);
	return e;
}

/* The slot (current, sp), taken out of the table; NULL: none. */
static struct stp_uentry *stp_uentry_find(struct stp_uprobe *u,
					  unsigned long sp)
{
	struct stp_uentry *e;
	unsigned long flags;

	raw_spin_lock_irqsave(&u->lock, flags);
	e = stp_uentry_walk(u, sp, NULL);
	raw_spin_unlock_irqrestore(&u->lock, flags);
	return e;
}

static void stp_uentry_release(struct stp_uprobe *u, struct stp_uentry *e)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&u->lock, flags);
	e->task = NULL;
	raw_spin_unlock_irqrestore(&u->lock, flags);
}

static int stp_uprobe_entry_half(struct uprobe_consumer *uc,
				 struct pt_regs *regs)
{
	struct stp_uprobe *u = container_of(uc, struct stp_uprobe, uc);
	struct stp_uentry *e = stp_uentry_claim(u, regs->sp);

	if (!e) {
		stp_probe_skipped();
		return 0;
	}
	e->valid = stp_probe_run_entry(u->p, regs, e->data);
	if (!e->valid)
		stp_uentry_release(u, e);
	return 0;
}

static int stp_uprobe_ret_entry(struct uprobe_consumer *uc, unsigned long func,
				struct pt_regs *regs)
{
	struct stp_uprobe *u = container_of(uc, struct stp_uprobe, uc);
	/* ret popped the return address the entry's sp pointed to */
	struct stp_uentry *e = stp_uentry_find(u, regs->sp - sizeof(long));

	if (!e || !e->valid) {
		/* its entry half was skipped or failed: nothing to read */
		if (e)
			stp_uentry_release(u, e);
		stp_probe_skipped();
		return 0;
	}
	stp_probe_run_return(u->p, regs, e->data);
	stp_uentry_release(u, e);
	stp_kprobe_end_check();
	return 0;
}

static int stp_uprobes_init(void)
{
	int i, n = 0;

	for (i = 0; i < stp_nprobes; i++)
		n += stp_probes[i].kind == STP_PROBE_UPROBE;
	if (!n)
		return 0;
	stp_uprobes = kcalloc(n, sizeof(*stp_uprobes), GFP_KERNEL);
	if (!stp_uprobes)
		return -ENOMEM;
	for (i = 0; i < stp_nprobes; i++) {
		const struct stp_probe *p = &stp_probes[i];
		struct stp_uprobe *u;

		if (p->kind != STP_PROBE_UPROBE)
			continue;
		u = &stp_uprobes[stp_nuprobes++];
		u->p = p;
		if (p->is_return && p->entry_handler) {
			u->slot_size = ALIGN(sizeof(struct stp_uentry) +
					     p->entry_size, sizeof(u64));
			u->slots = kcalloc(STP_UENTRY_SLOTS, u->slot_size,
					   GFP_KERNEL);
			if (!u->slots)
				return -ENOMEM;
			raw_spin_lock_init(&u->lock);
			u->uc.handler = stp_uprobe_entry_half;
			u->uc.ret_handler = stp_uprobe_ret_entry;
		} else if (p->is_return)
			u->uc.ret_handler = stp_uprobe_ret;
		else
			u->uc.handler = stp_uprobe_entry;
	}
	return 0;
}

static void stp_uprobes_stop(void)
{
	int i;

	for (i = 0; i < stp_nuprobes; i++) {
		struct stp_uprobe *u = &stp_uprobes[i];

		if (!u->registered)
			continue;
		/* After this (on 6.12, after the sync below) no handler of
		 * u runs any more; a return still pending in some task no
		 * longer calls it. */
#ifdef STP_UPROBE_HANDLE
		uprobe_unregister_nosync(u->uprobe, &u->uc);
	}
	if (stp_nuprobes)
		uprobe_unregister_sync();
	for (i = 0; i < stp_nuprobes; i++) {
		struct stp_uprobe *u = &stp_uprobes[i];

		if (!u->registered)
			continue;
#else
		uprobe_unregister(u->inode, u->p->offset, &u->uc);
#endif
		path_put(&u->path);
		u->registered = false;
	}
}

/* Registers every uprobe; on the first failure unregisters the ones done
 * and reports which point could not be probed.  Process context (it
 * sleeps: the file's mappings are patched). */
static int stp_uprobes_start(void)
{
	const char *why;
	int i, rc;
	u64 start = ktime_get_ns();

	for (i = 0; i < stp_nuprobes; i++) {
		struct stp_uprobe *u = &stp_uprobes[i];

		why = "registration failed";
		rc = kern_path(u->p->path, LOOKUP_FOLLOW, &u->path);
		if (rc) {
			why = rc == -ENOENT ? "no such file" : "cannot open the file";
			goto fail;
		}
		/* the file's own inode, under an overlay too */
		u->inode = d_real_inode(u->path.dentry);
		if (!u->inode || !S_ISREG(u->inode->i_mode)) {
			path_put(&u->path);
			rc = -EINVAL;
			why = "not a regular file";
			goto fail;
		}
#ifdef STP_UPROBE_HANDLE
		u->uprobe = uprobe_register(u->inode, u->p->offset,
					    u->p->ref_ctr_offset, &u->uc);
		rc = IS_ERR(u->uprobe) ? PTR_ERR(u->uprobe) : 0;
#else
		/* a USDT mark's semaphore: the kernel counts it up in
		 * every process that maps the file, down at the end */
		rc = u->p->ref_ctr_offset
			? uprobe_register_refctr(u->inode, u->p->offset,
						 u->p->ref_ctr_offset, &u->uc)
			: uprobe_register(u->inode, u->p->offset, &u->uc);
#endif
		if (rc) {
			path_put(&u->path);
			if (rc == -EINVAL || rc == -ENOTSUPP || rc == -EOPNOTSUPP)
				why = "the kernel refuses to probe it";
			goto fail;
		}
		u->registered = true;
	}
	stp_registered("user-space probes", stp_nuprobes, 0, "", start);
	return 0;
fail:
	stp_msg("ERROR: cannot probe %s: %s (%d)\n", stp_uprobes[i].p->pp,
		why, rc);
	stp_uprobes_stop();
	return rc;
}

static void stp_uprobes_free(void)
{
	int i;

	stp_uprobes_stop();
	for (i = 0; i < stp_nuprobes; i++)
		kfree(stp_uprobes[i].slots);
	kfree(stp_uprobes);
	stp_uprobes = NULL;
	stp_nuprobes = 0;
}
