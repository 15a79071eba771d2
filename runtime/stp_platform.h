/* stp_platform.h - picks the platform layer the core is built on.
 *
 * The core files (string.c, format.c, print.c, stat.c, map.c, regex.c,
 * error.c, probe.c) include no system header: everything they need comes
 * from here.  A platform provides:
 *
 *   int64_t, bool, size_t, uintptr_t, va_list, memcpy/memset/memcmp/
 *   memmove/strlen/strcmp/strncmp, stp_vsnprintf
 *   void *stp_alloc(size_t)      zeroed; only at start-up and exit
 *   void stp_free(void *)
 *   int stp_cpu(void)            stable while a handler runs
 *   int stp_ncpus(void)          per-CPU arrays are indexed 0..n-1
 *   int64_t stp_time_ns(void)    monotonic
 *   stp_spinlock_t               stp_spin_init/lock/unlock
 *   stp_atomic_t                 stp_atomic_read/set/inc/cmpxchg
 *   stp_rwlock_t                 STP_RWLOCK_DEFINE(name), stp_rw_trylock,
 *                                stp_rw_unlock, stp_lock_delay
 *   stp_busy_enter/exit          the context reentrancy guard
 *   stp_irq_save/restore         around a handler
 *   output sink                  stp_out_init/exit/reserve/commit/flush,
 *                                stp_out_lost, stp_out_add_lost,
 *                                stp_err_write
 *   int stp_read_mem(void *dst, int64_t addr, size_t n, bool user)
 *                                0, or -1 on a fault, never a crash
 */
#ifndef STP_PLATFORM_H
#define STP_PLATFORM_H

#if defined(STP_RUNTIME_KERNEL)
#include "linux/platform.h"
#elif defined(STP_RUNTIME_USER)
#include "user/platform.h"
#else
#error "define STP_RUNTIME_USER or STP_RUNTIME_KERNEL before the runtime"
#endif

#define STP_INT64_MAX ((int64_t)0x7fffffffffffffffLL)
#define STP_INT64_MIN (-STP_INT64_MAX - 1)
#define STP_MIN(a, b) ((a) < (b) ? (a) : (b))
#define STP_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
