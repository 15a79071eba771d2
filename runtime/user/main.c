/* user/main.c - main() of a script built for userspace.
 *
 * Compiled only when generated code defines STP_RUNTIME_MAIN (tests and
 * benchmarks provide their own main).  Begin probes run in priority
 * order; then one thread fires the timer probes until a handler calls
 * exit() or SIGINT/SIGTERM arrives; then the end probes (or, after a
 * fatal error, the error probes) run and the error summary is printed.
 * Signals stay blocked except while the loop sleeps in pselect, so a
 * handler is never interrupted and a signal never lost; the signal
 * handler only sets a flag. */
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>

#ifndef STP_HZ
#define STP_HZ 250			/* jiffies for timer.jiffies */
#endif

struct stp_timer {
	const struct stp_probe *p;
	int64_t period, spread;		/* ns */
	int64_t next;			/* when it fires next */
};

static volatile sig_atomic_t stp_signalled;
static uint64_t stp_rng_state = 0x9e3779b97f4a7c15ULL;

static void stp_on_signal(int sig)
{
	(void)sig;
	stp_signalled = 1;
}

static uint64_t stp_rng(void)
{
	uint64_t x = stp_rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	stp_rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* One period: period plus or minus up to spread, never below 1 ns. */
static int64_t stp_timer_period(const struct stp_timer *t)
{
	int64_t d = t->period;

	if (t->spread > 0)
		d += (int64_t)(stp_rng() % (uint64_t)(2 * t->spread + 1)) -
		     t->spread;
	return d > 0 ? d : 1;
}

static int stp_timers_setup(struct stp_timer **out)
{
	struct stp_timer *t;
	int64_t scale, now = stp_time_ns();
	int i, n = 0;

	*out = NULL;
	for (i = 0; i < stp_nprobes; i++)
		n += stp_probes[i].kind == STP_PROBE_TIMER;
	if (!n)
		return 0;
	t = stp_alloc((size_t)n * sizeof(*t));
	if (!t)
		return -1;
	for (i = 0, n = 0; i < stp_nprobes; i++) {
		const struct stp_probe *p = &stp_probes[i];

		if (p->kind != STP_PROBE_TIMER)
			continue;
		scale = p->jiffies ? 1000000000 / STP_HZ : 1;
		t[n].p = p;
		t[n].period = p->period_ns * scale;
		t[n].spread = p->randomize_ns * scale;
		t[n].next = now + stp_timer_period(&t[n]);
		n++;
	}
	*out = t;
	return n;
}

/* Runs the due timers; returns when the next one is due. */
static int64_t stp_timers_fire(struct stp_timer *t, int n)
{
	int64_t now, soonest = STP_INT64_MAX;
	int i;

	for (i = 0; i < n; i++) {
		now = stp_time_ns();
		if (t[i].next <= now) {
			stp_probe_run(t[i].p);
			t[i].next += stp_timer_period(&t[i]);
			/* Fell behind: skip the missed firings. */
			if (t[i].next <= now)
				t[i].next = now + stp_timer_period(&t[i]);
		}
		soonest = STP_MIN(soonest, t[i].next);
	}
	return soonest;
}

static void stp_wait_until(int64_t when, const sigset_t *waitmask)
{
	struct timespec ts, *tp = NULL;
	int64_t d;

	if (when != STP_INT64_MAX) {
		d = when - stp_time_ns();
		if (d <= 0)
			return;
		ts.tv_sec = (time_t)(d / 1000000000);
		ts.tv_nsec = (long)(d % 1000000000);
		tp = &ts;
	}
	pselect(0, NULL, NULL, NULL, tp, waitmask);
}

/* The -c command, started after the begin probes; the session ends when
 * it exits. */
static pid_t stp_cmd_pid;
static volatile sig_atomic_t stp_child_exited;

static void stp_on_child(int sig)
{
	(void)sig;
	stp_child_exited = 1;
}

static void stp_event_loop(struct stp_timer *t, int n,
			   const sigset_t *waitmask)
{
	int64_t next;

	while (!stp_signalled && !stp_child_exited &&
	       stp_session_state() == STP_SESSION_RUNNING) {
		next = stp_timers_fire(t, n);
		if (stp_signalled || stp_child_exited ||
		    stp_session_state() != STP_SESSION_RUNNING)
			break;
		stp_wait_until(next, waitmask);
	}
}

static void stp_signals_setup(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stp_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = stp_on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout counts as lost */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGCHLD);
}

/* -G NAME=VALUE: sets a scalar global; 0 on success. */
static int stp_set_global(const char *arg)
{
	const char *eq = strchr(arg, '=');
	int i;

	if (!eq) {
		stp_msg("ERROR: -G needs NAME=VALUE\n");
		return -1;
	}
	for (i = 0; i < stp_nglobal_params; i++) {
		const struct stp_global_param *g = &stp_global_params[i];
		char *end;

		if (strlen(g->name) != (size_t)(eq - arg) ||
		    strncmp(g->name, arg, (size_t)(eq - arg)))
			continue;
		if (g->type == STP_STRING) {
			stp_strlcpy(g->sval, eq + 1);
			return 0;
		}
		errno = 0;
		*g->lval = strtoll(eq + 1, &end, 0);
		if (errno || end == eq + 1 || *end) {
			fprintf(stderr, "ERROR: -G %s: not a number\n", arg);
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "ERROR: -G %.*s: no such scalar global in the script\n",
		(int)(eq - arg), arg);
	return -1;
}

/* Forks the command held at a pipe, so that target() is its pid already in
 * the begin probes; closing *release lets it run. */
static pid_t stp_start_command(const char *cmd, int *release)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		sigset_t none;
		char c;

		close(fds[1]);
		while (read(fds[0], &c, 1) < 0 && errno == EINTR)
			;
		close(fds[0]);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	*release = fds[1];
	return pid;
}

int main(int argc, char **argv)
{
	struct stp_timer *timers;
	sigset_t waitmask;
	const char *cmd = NULL;
	int ntimers, i, release = -1;

	stp_signals_setup(&waitmask);
	stp_user_context_init();
	stp_rng_state ^= (uint64_t)stp_time_ns() ^ (uint64_t)getpid() << 32;
	if (!stp_rng_state)
		stp_rng_state = 1;
	if (stp_session_start())
		return 1;
	/* stap passes: [-x PID] [-c CMD] [-G NAME=VALUE]... */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-x") && i + 1 < argc) {
			stp_target = strtoll(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			cmd = argv[++i];
		} else if (!strcmp(argv[i], "-G") && i + 1 < argc) {
			if (stp_set_global(argv[++i])) {
				stp_session_end();
				return 1;
			}
		} else {
			fprintf(stderr, "ERROR: unknown argument '%s'\n", argv[i]);
			stp_session_end();
			return 1;
		}
	}
	if (cmd) {
		stp_cmd_pid = stp_start_command(cmd, &release);
		if (stp_cmd_pid < 0) {
			fprintf(stderr, "ERROR: cannot start '%s'\n", cmd);
			stp_session_end();
			return 1;
		}
		stp_target = stp_cmd_pid;
	}
	ntimers = stp_timers_setup(&timers);
	if (ntimers < 0) {
		stp_msg("ERROR: out of memory for timers\n");
		stp_session_end();
		return 1;
	}
	stp_run_probes(STP_PROBE_BEGIN);
	stp_session_set_running();
	/* The command runs from here on (if the begin probes ended the
	 * session it still runs: it was asked for). */
	if (release >= 0)
		close(release);
	stp_event_loop(timers, ntimers, &waitmask);
	if (stp_cmd_pid > 0)
		waitpid(stp_cmd_pid, NULL, 0);
	stp_session_stop();
	stp_free(timers);
	return stp_session_end();
}
