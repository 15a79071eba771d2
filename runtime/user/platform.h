/* user/platform.h - the userspace platform layer.
 *
 * One process, one thread, one CPU as far as the core can tell: probes run
 * from the single event loop in user/main.c, so locks and atomics are plain
 * operations and the only asynchronous code is the SIGINT/SIGTERM handler,
 * which just sets a flag.  Output collects in one buffer that the
 * dispatcher flushes to stdout after each handler; errors and warnings go
 * straight to stderr after the pending output.
 *
 * Include the runtime before any system header (or build with
 * -D_GNU_SOURCE) so that the feature macro below takes effect. */
#ifndef STP_USER_PLATFORM_H
#define STP_USER_PLATFORM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/uio.h>

#define stp_likely(x)	__builtin_expect(!!(x), 1)
#define stp_unlikely(x)	__builtin_expect(!!(x), 0)
#define stp_vsnprintf	vsnprintf

#ifndef STP_OUTBUF_SIZE
#define STP_OUTBUF_SIZE 65536
#endif

static inline void *stp_alloc(size_t n)
{
	return calloc(1, n ? n : 1);
}

static inline void stp_free(void *p)
{
	free(p);
}

static inline int stp_cpu(void)
{
	return 0;
}

static inline int stp_ncpus(void)
{
	return 1;
}

static inline int64_t stp_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Single-threaded: a lock is a no-op, an atomic a plain long. */
typedef struct { int unused; } stp_spinlock_t;

static inline void stp_spin_init(stp_spinlock_t *l) { (void)l; }
static inline void stp_spin_lock(stp_spinlock_t *l) { (void)l; }
static inline void stp_spin_unlock(stp_spinlock_t *l) { (void)l; }

typedef struct { int unused; } stp_rwlock_t;
#define STP_RWLOCK_DEFINE(name)	static stp_rwlock_t name
static inline bool stp_rw_trylock(stp_rwlock_t *l, bool w) { (void)l; (void)w; return true; }
static inline void stp_rw_unlock(stp_rwlock_t *l, bool w) { (void)l; (void)w; }
static inline void stp_lock_delay(void) { }

typedef long stp_atomic_t;

static inline long stp_atomic_read(const stp_atomic_t *a) { return *a; }
static inline void stp_atomic_set(stp_atomic_t *a, long v) { *a = v; }
static inline long stp_atomic_inc(stp_atomic_t *a) { return ++*a; }

/* Returns the old value; stores v only if it was old. */
static inline long stp_atomic_cmpxchg(stp_atomic_t *a, long old, long v)
{
	long cur = *a;

	if (cur == old)
		*a = v;
	return cur;
}

static inline bool stp_busy_enter(int *busy)
{
	if (*busy)
		return false;
	*busy = 1;
	return true;
}

static inline void stp_busy_exit(int *busy)
{
	*busy = 0;
}

static inline unsigned long stp_irq_save(void) { return 0; }
static inline void stp_irq_restore(unsigned long f) { (void)f; }

/* ---- output ---- */
struct stp_user_out {
	char *buf;
	size_t len;
	int64_t lost;		/* bytes stdout refused (closed pipe) */
	char *err_cap;		/* tests: stderr goes here instead */
	size_t err_cap_size, err_cap_len;
};

static struct stp_user_out stp_uout;

static inline int stp_out_init(void)
{
	if (!stp_uout.buf)
		stp_uout.buf = stp_alloc(STP_OUTBUF_SIZE);
	stp_uout.len = 0;
	return stp_uout.buf ? 0 : -1;
}

static inline void stp_write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (fd == 1)
				stp_uout.lost += (int64_t)n;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static inline void stp_out_flush(void)
{
	if (stp_uout.len)
		stp_write_all(1, stp_uout.buf, stp_uout.len);
	stp_uout.len = 0;
}

static inline void stp_out_exit(void)
{
	if (stp_uout.buf)
		stp_out_flush();
	stp_free(stp_uout.buf);
	stp_uout.buf = NULL;
}

/* Free space in the buffer; stp_out_flush empties it. */
static inline char *stp_out_reserve(size_t *avail)
{
	if (stp_unlikely(!stp_uout.buf)) {
		*avail = 0;
		return NULL;
	}
	*avail = STP_OUTBUF_SIZE - stp_uout.len;
	return stp_uout.buf + stp_uout.len;
}

static inline void stp_out_commit(size_t n)
{
	stp_uout.len += n;
}

static inline int64_t stp_out_lost(void)
{
	return stp_uout.lost;
}

static inline void stp_out_add_lost(int64_t n)
{
	stp_uout.lost += n;
}

/* Output written so far but not flushed (tests read it from here). */
static inline const char *stp_out_pending(size_t *len)
{
	*len = stp_uout.len;
	return stp_uout.buf;
}

static inline void stp_out_discard(void)
{
	stp_uout.len = 0;
}

/* Tests: collect stderr in buf (NULL: back to the real stderr). */
static inline void stp_err_capture(char *buf, size_t size)
{
	stp_uout.err_cap = buf;
	stp_uout.err_cap_size = size;
	stp_uout.err_cap_len = 0;
	if (buf && size)
		buf[0] = '\0';
}

/* Messages keep their place after the output they follow. */
static inline void stp_err_write(const char *s, size_t n)
{
	struct stp_user_out *o = &stp_uout;

	if (o->err_cap) {
		size_t k = o->err_cap_size - 1 - o->err_cap_len;

		if (n < k)
			k = n;
		memcpy(o->err_cap + o->err_cap_len, s, k);
		o->err_cap_len += k;
		o->err_cap[o->err_cap_len] = '\0';
		return;
	}
	if (o->buf)
		stp_out_flush();
	stp_write_all(2, s, n);
}

/* The kernel reads through the fault-handling copy routines; here the
 * kernel itself checks the range for us. */
static inline int stp_read_mem(void *dst, int64_t addr, size_t n, bool user)
{
	struct iovec local = { dst, n };
	struct iovec remote = { (void *)(uintptr_t)addr, n };

	(void)user;
	if (!n)
		return 0;
	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) !=
	    (ssize_t)n)
		return -1;
	return 0;
}

/* Generated code names each scalar global that -G may set, after the
 * globals: STP_GLOBAL_PARAM_LONG(NAME); or STP_GLOBAL_PARAM_STRING(NAME);
 * (module parameters in the kernel, see linux/module.c).  Here -G goes
 * through stp_global_params[], so they only redeclare g_NAME, which
 * checks its type. */
#define STP_GLOBAL_PARAM_LONG(name)	extern int64_t g_##name
#define STP_GLOBAL_PARAM_STRING(name)	extern char g_##name[MAXSTRINGLEN]

#endif
