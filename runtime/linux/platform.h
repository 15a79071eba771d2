/* linux/platform.h - the kernel platform layer.
 *
 * Handlers run with interrupts off on the CPU that fired them, so the CPU
 * number is stable and per-CPU data needs no lock.  Memory comes from
 * kvzalloc at module init only.  Each CPU prints into its own buffer; the
 * dispatcher flushes it into one shared ring after each handler, and the
 * transport (linux/transport.c: debugfs stapc/MODULE/trace) drains the
 * ring with stp_ring_take().  What does not fit in the ring is counted as
 * lost and reported in the control file, except while no staprun is
 * attached: then the oldest lines make room (linux/flight.h).  Errors
 * and warnings go to a second ring, read through stapc/MODULE/errors.
 */
#ifndef STP_LINUX_PLATFORM_H
#define STP_LINUX_PLATFORM_H

#include <linux/version.h>
#include <linux/types.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/spinlock.h>
#include <linux/delay.h>
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/printk.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include <linux/irq_work.h>
#include <linux/preempt.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)
#include <linux/stdarg.h>
#else
#include <stdarg.h>
#endif

#define stp_likely(x)	likely(x)
#define stp_unlikely(x)	unlikely(x)
#define stp_vsnprintf	vsnprintf

#ifndef STP_OUTBUF_SIZE
#define STP_OUTBUF_SIZE 16384		/* per CPU */
#endif
#ifndef STP_RING_SIZE
#define STP_RING_SIZE (1024 * 1024)
#endif
#ifndef STP_ERR_RING_SIZE
#define STP_ERR_RING_SIZE (64 * 1024)
#endif

static inline void *stp_alloc(size_t n)
{
	return kvzalloc(n ? n : 1, GFP_KERNEL);
}

static inline void stp_free(void *p)
{
	kvfree(p);
}

/* Callers run with interrupts off (stp_irq_save) or at init/exit. */
static inline int stp_cpu(void)
{
	return raw_smp_processor_id();
}

static inline int stp_ncpus(void)
{
	return nr_cpu_ids;
}

static inline int64_t stp_time_ns(void)
{
	return ktime_get_ns();
}

/* Taken from probe context: interrupts off while held.  flags is written
 * only by the holder, after it has the lock. */
typedef struct {
	spinlock_t lock;
	unsigned long flags;
} stp_spinlock_t;

static inline void stp_spin_init(stp_spinlock_t *l)
{
	spin_lock_init(&l->lock);
}

static inline void stp_spin_lock(stp_spinlock_t *l)
{
	unsigned long flags;

	spin_lock_irqsave(&l->lock, flags);
	l->flags = flags;
}

static inline void stp_spin_unlock(stp_spinlock_t *l)
{
	spin_unlock_irqrestore(&l->lock, l->flags);
}

/* A global's lock.  Handlers only try it (they run with interrupts off,
 * maybe in NMI): stp_probe_lock() retries MAXTRYLOCK times, TRYLOCKDELAY
 * ns apart, then skips the probe.  Only ever tried, so it needs no
 * fairness and no lockdep: an atomic counter, 0 free, > 0 readers, -1 a
 * writer, inline in the handler (the kernel's rwlock_t calls are out of
 * line in a module, and cost a handler more than its script does). */
typedef struct { atomic_t v; } stp_rwlock_t;
#define STP_RWLOCK_DEFINE(name)	static stp_rwlock_t name = { ATOMIC_INIT(0) }

static __always_inline bool stp_rw_trylock(stp_rwlock_t *l, bool write)
{
	int free = 0;

	if (write)
		return atomic_try_cmpxchg_acquire(&l->v, &free, -1);
	return atomic_inc_unless_negative(&l->v);
}

static __always_inline void stp_rw_unlock(stp_rwlock_t *l, bool write)
{
	if (write)
		atomic_set_release(&l->v, 0);
	else
		atomic_dec_return_release(&l->v);
}

#ifndef TRYLOCKDELAY
#define TRYLOCKDELAY 100		/* ns */
#endif

static inline void stp_lock_delay(void)
{
	ndelay(TRYLOCKDELAY);
}

typedef atomic_long_t stp_atomic_t;

static inline long stp_atomic_read(stp_atomic_t *a)
{
	return atomic_long_read(a);
}

static inline void stp_atomic_set(stp_atomic_t *a, long v)
{
	atomic_long_set(a, v);
}

static inline long stp_atomic_inc(stp_atomic_t *a)
{
	return atomic_long_inc_return(a);
}

static inline long stp_atomic_cmpxchg(stp_atomic_t *a, long old, long v)
{
	return atomic_long_cmpxchg(a, old, v);
}

/* An NMI-time probe can interrupt a handler on the same CPU even with
 * interrupts off, hence the atomic test-and-set. */
static inline bool stp_busy_enter(int *busy)
{
	int free = 0;

	return try_cmpxchg(busy, &free, 1);	/* tests cmpxchg's ZF */
}

static inline void stp_busy_exit(int *busy)
{
	smp_store_release(busy, 0);
}

static inline unsigned long stp_irq_save(void)
{
	unsigned long flags;

	local_irq_save(flags);
	return flags;
}

static inline void stp_irq_restore(unsigned long flags)
{
	local_irq_restore(flags);
}

/* ---- output ---- */
/* A byte ring shared by all CPUs.  Writers put a whole record or nothing,
 * so that a reader never sees half a printf or half an error line; the
 * transport (linux/transport.c) is the only taker and sleeps on wait.
 * A writer in NMI context (a kprobe on a function NMIs call) only tries
 * the lock, which the code it interrupted may hold; every writer wakes
 * the reader through an irq_work, since waking takes the wait queue's
 * lock and the run-queue lock. */
struct stp_kring {
	char *buf;
	size_t size;
	size_t head, tail;		/* free-running byte counts */
	bool overwrite;			/* nobody reads: drop the oldest lines */
	u64 overwritten;		/* bytes dropped that way */
	spinlock_t lock;
	wait_queue_head_t wait;
	struct irq_work wake_work;
};

static void stp_kring_wake(struct irq_work *w)
{
	struct stp_kring *r = container_of(w, struct stp_kring, wake_work);

	wake_up_interruptible_poll(&r->wait, EPOLLIN | EPOLLRDNORM);
}

static inline int stp_kring_init(struct stp_kring *r, size_t size)
{
	spin_lock_init(&r->lock);
	init_waitqueue_head(&r->wait);
	init_irq_work(&r->wake_work, stp_kring_wake);
	r->head = r->tail = 0;
	r->overwrite = false;
	r->overwritten = 0;
	r->size = size;
	r->buf = kvzalloc(size, GFP_KERNEL);
	return r->buf ? 0 : -ENOMEM;
}

static inline void stp_kring_free(struct stp_kring *r)
{
	if (r->buf)
		irq_work_sync(&r->wake_work);
	kvfree(r->buf);
	r->buf = NULL;
}

#include "flight.h"

/* Any context, NMI included.  Returns false, storing nothing, when the
 * record does not fit (or, in NMI, when the lock is taken). */
static inline bool stp_kring_put(struct stp_kring *r, const char *s, size_t n)
{
	unsigned long flags;
	size_t pos, first;
	bool ok = false;

	if (!r->buf)		/* set and cleared only at load and unload */
		return false;
	if (in_nmi()) {
		if (!spin_trylock_irqsave(&r->lock, flags))
			return false;
	} else {
		spin_lock_irqsave(&r->lock, flags);
	}
	if (r->overwrite && n <= r->size)
		stp_kring_make_room(r, n);
	if (r->size - (r->head - r->tail) >= n) {
		pos = r->head % r->size;
		first = min_t(size_t, n, r->size - pos);
		memcpy(r->buf + pos, s, first);
		memcpy(r->buf, s + first, n - first);
		r->head += n;
		ok = true;
	}
	spin_unlock_irqrestore(&r->lock, flags);
	/* Always through the irq_work: a probe may run under a run-queue
	 * lock (the sched tracepoints, a kprobe in the scheduler), where
	 * waking the reader would take that lock again and deadlock. */
	if (ok && wq_has_sleeper(&r->wait))
		irq_work_queue(&r->wake_work);
	return ok;
}

/* Takes up to n bytes, in the order they were put. */
static inline size_t stp_kring_take(struct stp_kring *r, char *dst, size_t n)
{
	unsigned long flags;
	size_t got, pos, first;

	spin_lock_irqsave(&r->lock, flags);
	got = min_t(size_t, n, r->head - r->tail);
	if (got) {
		pos = r->tail % r->size;
		first = min_t(size_t, got, r->size - pos);
		memcpy(dst, r->buf + pos, first);
		memcpy(dst + first, r->buf, got - first);
		r->tail += got;
	}
	spin_unlock_irqrestore(&r->lock, flags);
	return got;
}

static inline size_t stp_kring_len(struct stp_kring *r)
{
	unsigned long flags;
	size_t n;

	spin_lock_irqsave(&r->lock, flags);
	n = r->head - r->tail;
	spin_unlock_irqrestore(&r->lock, flags);
	return n;
}

struct stp_kbuf {
	size_t len;
	char data[STP_OUTBUF_SIZE];
};

/* The output lives as long as the module, not the session: once the end
 * probes have run and the session is freed, the reader still drains what
 * they printed.  stp_kout_init/stp_kout_free are the module's; the
 * session's stp_out_init/stp_out_exit only check and flush. */
struct stp_kout {
	struct stp_kbuf **cpu;		/* nr_cpu_ids entries */
	struct stp_kring trace;		/* script output, STP_RING_SIZE */
	struct stp_kring errors;	/* ERROR:/WARNING: lines */
	atomic64_t lost;		/* trace bytes that did not fit */
};

static struct stp_kout stp_kout;

static inline void stp_kout_free(void)
{
	int i;

	if (stp_kout.cpu)
		for (i = 0; i < (int)nr_cpu_ids; i++)
			kvfree(stp_kout.cpu[i]);
	kvfree(stp_kout.cpu);
	stp_kout.cpu = NULL;
	stp_kring_free(&stp_kout.trace);
	stp_kring_free(&stp_kout.errors);
}

/* staprun -b MB (stap -s MB): the trace ring's size; 0 keeps
 * STP_RING_SIZE.  A module parameter, set before stp_kout_init runs. */
static unsigned int stp_bufsize;

static inline int stp_kout_init(void)
{
	size_t size = stp_bufsize ? (size_t)stp_bufsize << 20 : STP_RING_SIZE;
	int i;

	atomic64_set(&stp_kout.lost, 0);
	if (stp_bufsize > 4095)
		return -EINVAL;
	if (stp_kring_init(&stp_kout.trace, size) ||
	    stp_kring_init(&stp_kout.errors, STP_ERR_RING_SIZE))
		goto fail;
	stp_kout.cpu = kvcalloc(nr_cpu_ids, sizeof(*stp_kout.cpu), GFP_KERNEL);
	if (!stp_kout.cpu)
		goto fail;
	for_each_possible_cpu(i) {
		stp_kout.cpu[i] = stp_alloc(sizeof(struct stp_kbuf));
		if (!stp_kout.cpu[i])
			goto fail;
	}
	return 0;
fail:
	stp_kout_free();
	return -ENOMEM;
}

static inline int stp_out_init(void)
{
	return stp_kout.cpu ? 0 : -ENOMEM;
}

static inline char *stp_out_reserve(size_t *avail)
{
	struct stp_kbuf *b = stp_kout.cpu[stp_cpu()];

	*avail = STP_OUTBUF_SIZE - b->len;
	return b->data + b->len;
}

static inline void stp_out_commit(size_t n)
{
	stp_kout.cpu[stp_cpu()]->len += n;
}

/* Moves this CPU's output into the ring, whole or not at all, so that a
 * reader never sees half a printf. */
static inline void stp_out_flush(void)
{
	struct stp_kbuf *b;

	if (!stp_kout.cpu)
		return;
	b = stp_kout.cpu[stp_cpu()];
	if (!b->len)
		return;
	if (!stp_kring_put(&stp_kout.trace, b->data, b->len))
		atomic64_add(b->len, &stp_kout.lost);
	b->len = 0;
}

/* The session is over; its output stays for the reader. */
static inline void stp_out_exit(void)
{
}

/* For the transport: takes up to n bytes of script output. */
static inline size_t stp_ring_take(char *dst, size_t n)
{
	return stp_kring_take(&stp_kout.trace, dst, n);
}

static inline int64_t stp_out_lost(void)
{
	return atomic64_read(&stp_kout.lost);
}

/* Bytes a handler could not print even into an empty buffer: any CPU. */
static inline void stp_out_add_lost(int64_t n)
{
	atomic64_add(n, &stp_kout.lost);
}

/* Errors and warnings go to the errors file; the kernel log gets them
 * only when that ring is full or missing (and, at unload, what nobody
 * read: see stp_kout_leftovers in linux/transport.c). */
static inline void stp_err_write(const char *s, size_t n)
{
	if (!stp_kring_put(&stp_kout.errors, s, n))
		printk(KERN_ERR "%s: %.*s", KBUILD_MODNAME, (int)n, s);
}

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 8, 0)
#define copy_from_kernel_nofault	probe_kernel_read
#define copy_from_user_nofault		probe_user_read
#endif

static inline int stp_read_mem(void *dst, int64_t addr, size_t n, bool user)
{
	long rc;

	if (user)
		rc = copy_from_user_nofault(dst,
				(const void __user *)(uintptr_t)addr, n);
	else
		rc = copy_from_kernel_nofault(dst,
				(const void *)(uintptr_t)addr, n);
	return rc ? -1 : 0;
}

#endif
