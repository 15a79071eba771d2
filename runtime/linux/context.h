/* context.h (kernel runtime) - what the context tapset functions read
 * beyond the current task itself. */
#ifndef STP_LINUX_CONTEXT_H
#define STP_LINUX_CONTEXT_H

#include <linux/timekeeping.h>

/* target(): set from the module parameter staprun passes for -x/-c
 * (stp_target=PID, declared in linux/module.c). */
static long stp_target;

static __maybe_unused int64_t stp_target_pid(void)
{
	return stp_target;
}

static __maybe_unused int64_t stp_realtime_ns(void)
{
	return ktime_get_real_ns();
}

#endif
