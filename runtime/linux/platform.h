/* linux/platform.h - the kernel platform layer.
 *
 * Handlers run with interrupts off on the CPU that fired them, so the CPU
 * number is stable and per-CPU data needs no lock.  Memory comes from
 * kvzalloc at module init only.  Each CPU prints into its own buffer; the
 * dispatcher flushes it into one shared ring after each handler, and the
 * transport (staprun's reader, a later piece) drains the ring with
 * stp_ring_take().  What does not fit in the ring is counted as lost and
 * reported at exit.  Errors and warnings go to the kernel log for now.
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
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/printk.h>
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
	return cmpxchg(busy, 0, 1) == 0;
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
struct stp_kbuf {
	size_t len;
	char data[STP_OUTBUF_SIZE];
};

struct stp_kout {
	struct stp_kbuf **cpu;		/* nr_cpu_ids entries */
	char *ring;			/* STP_RING_SIZE bytes */
	size_t head, tail;		/* free-running byte counts */
	atomic64_t lost;
	spinlock_t lock;
};

static struct stp_kout stp_kout;

static inline void stp_out_exit(void)
{
	int i;

	if (stp_kout.cpu)
		for (i = 0; i < (int)nr_cpu_ids; i++)
			kvfree(stp_kout.cpu[i]);
	kvfree(stp_kout.cpu);
	kvfree(stp_kout.ring);
	stp_kout.cpu = NULL;
	stp_kout.ring = NULL;
}

static inline int stp_out_init(void)
{
	int i;

	spin_lock_init(&stp_kout.lock);
	atomic64_set(&stp_kout.lost, 0);
	stp_kout.head = stp_kout.tail = 0;
	stp_kout.cpu = stp_alloc(nr_cpu_ids * sizeof(*stp_kout.cpu));
	stp_kout.ring = stp_alloc(STP_RING_SIZE);
	if (!stp_kout.cpu || !stp_kout.ring)
		goto fail;
	for_each_possible_cpu(i) {
		stp_kout.cpu[i] = stp_alloc(sizeof(struct stp_kbuf));
		if (!stp_kout.cpu[i])
			goto fail;
	}
	return 0;
fail:
	stp_out_exit();
	return -ENOMEM;
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
	struct stp_kbuf *b = stp_kout.cpu[stp_cpu()];
	unsigned long flags;
	size_t pos, first;

	if (!b->len)
		return;
	spin_lock_irqsave(&stp_kout.lock, flags);
	if (STP_RING_SIZE - (stp_kout.head - stp_kout.tail) < b->len) {
		atomic64_add(b->len, &stp_kout.lost);
	} else {
		pos = stp_kout.head % STP_RING_SIZE;
		first = min_t(size_t, b->len, STP_RING_SIZE - pos);
		memcpy(stp_kout.ring + pos, b->data, first);
		memcpy(stp_kout.ring, b->data + first, b->len - first);
		stp_kout.head += b->len;
	}
	spin_unlock_irqrestore(&stp_kout.lock, flags);
	b->len = 0;
}

/* For the transport: takes up to n bytes out of the ring. */
static inline size_t stp_ring_take(char *dst, size_t n)
{
	unsigned long flags;
	size_t got, pos, first;

	spin_lock_irqsave(&stp_kout.lock, flags);
	got = min_t(size_t, n, stp_kout.head - stp_kout.tail);
	pos = stp_kout.tail % STP_RING_SIZE;
	first = min_t(size_t, got, STP_RING_SIZE - pos);
	memcpy(dst, stp_kout.ring + pos, first);
	memcpy(dst + first, stp_kout.ring, got - first);
	stp_kout.tail += got;
	spin_unlock_irqrestore(&stp_kout.lock, flags);
	return got;
}

static inline int64_t stp_out_lost(void)
{
	return atomic64_read(&stp_kout.lost);
}

static inline void stp_err_write(const char *s, size_t n)
{
	printk(KERN_ERR "%.*s", (int)n, s);
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
