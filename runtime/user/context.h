/* context.h (user runtime) - what the context tapset functions read.
 * The script runs as its own process, so "the current task" is this one. */
#ifndef STP_USER_CONTEXT_H
#define STP_USER_CONTEXT_H

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* target(): the pid given with -x, or of the command started with -c. */
static int64_t stp_target;
/* execname(): read once at start-up, not in a handler. */
static char stp_comm[16];

static int64_t stp_target_pid(void)
{
	return stp_target;
}

static int64_t stp_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t stp_user_pid(void) { return getpid(); }
static int64_t stp_user_tid(void) { return syscall(SYS_gettid); }
static int64_t stp_user_ppid(void) { return getppid(); }
static int64_t stp_user_uid(void) { return getuid(); }
static int64_t stp_user_gid(void) { return getgid(); }
static int64_t stp_user_euid(void) { return geteuid(); }

static void stp_user_execname(char *out)
{
	stp_strlcpy(out, stp_comm);
}

/* Called once before any probe runs. */
static void stp_user_context_init(void)
{
	FILE *f = fopen("/proc/self/comm", "r");

	if (f) {
		if (fgets(stp_comm, sizeof(stp_comm), f))
			stp_comm[strcspn(stp_comm, "\n")] = '\0';
		fclose(f);
	}
}

#endif
