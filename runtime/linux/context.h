/* context.h (kernel runtime) - what the context tapset functions read
 * beyond the current task itself. */
#ifndef STP_LINUX_CONTEXT_H
#define STP_LINUX_CONTEXT_H

#include <linux/cred.h>
#include <linux/timekeeping.h>

/* target(): set from the module parameter staprun passes for -x/-c
 * (stp_target=PID, declared in linux/module.c). */
static long stp_target;

static __maybe_unused int64_t stp_target_pid(void)
{
	return stp_target;
}

/* The uid of the user who ran staprun (stp_uid=UID, passed when it is
 * not root).  A --privilege=stapusr script's myproc-unprivileged
 * functions run only in that user's processes (current's euid). */
static long stp_uid;

static __maybe_unused bool stp_is_myproc(void)
{
	return (long)from_kuid(&init_user_ns, current_euid()) == stp_uid;
}

static __maybe_unused int64_t stp_realtime_ns(void)
{
	return ktime_get_real_ns();
}

#endif
