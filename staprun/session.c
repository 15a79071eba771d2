/* session.c - running a loaded module: start it, copy its streams, stop it.
 *
 * The module's files are debugfs_root()/stapc/NAME/{trace,errors,control}.
 * trace and errors are read without blocking under one poll() loop, together
 * with a self-pipe that the signal handlers write the signal number into;
 * the handlers do nothing else.  Output is written with write(2) the moment
 * it is read, byte for byte (outfile.c).  SIGQUIT detaches: the files are
 * closed at the end of a line and the module goes on running, its output
 * kept by the flight recorder (linux/flight.h) until staprun -A. */
#include "staprun.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_FAILED_WAIT_MS 5000	/* after a failed "start" */
#define LEFTOVER_WAIT_MS 10000		/* staprun -d: for end probes */

static int wake_pipe[2] = { -1, -1 };
static pid_t child_pid;			/* the -c command until reaped */
static int release_fd = -1;		/* the held command reads this */

/* ---- the control file ---- */

char *module_path(const char *name, const char *file)
{
	const char *root = debugfs_root();
	size_t len = strlen(root) + strlen(name) + strlen(file) + 16;
	char *p = xmalloc(len);

	snprintf(p, len, "%s/stapc/%s/%s", root, name, file);
	return p;
}

static int parse_line(const char *line, size_t len, struct status *st)
{
	struct status s = { "", 0, 0, 0, 0, 0 };
	const char *p = line, *end = line + len;

	while (p < end) {
		const char *tok = p, *eq;
		size_t tlen;

		while (p < end && *p != ' ' && *p != '\t')
			p++;
		tlen = (size_t)(p - tok);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		eq = memchr(tok, '=', tlen);
		if (!eq)
			continue;
		if ((size_t)(eq - tok) == 5 && memcmp(tok, "state", 5) == 0) {
			size_t n = tlen - 6;

			if (n >= sizeof s.state)
				n = sizeof s.state - 1;
			memcpy(s.state, eq + 1, n);
			s.state[n] = '\0';
		} else {
			char num[24];
			size_t n = tlen - (size_t)(eq + 1 - tok);
			long v;

			if (n == 0 || n >= sizeof num)
				continue;
			memcpy(num, eq + 1, n);
			num[n] = '\0';
			v = strtol(num, NULL, 10);
			if ((size_t)(eq - tok) == 6 && !memcmp(tok, "errors", 6))
				s.errors = v;
			else if ((size_t)(eq - tok) == 7 &&
				 !memcmp(tok, "skipped", 7))
				s.skipped = v;
			else if ((size_t)(eq - tok) == 4 &&
				 !memcmp(tok, "lost", 4))
				s.lost = v;
			else if ((size_t)(eq - tok) == 11 &&
				 !memcmp(tok, "overwritten", 11))
				s.overwritten = v;
			else if ((size_t)(eq - tok) == 8 &&
				 !memcmp(tok, "attached", 8))
				s.attached = v != 0;
		}
	}
	if (!s.state[0])
		return -1;
	*st = s;
	return 0;
}

int parse_status(const char *text, struct status *st)
{
	const char *p = text;
	int found = -1;

	while (*p) {
		size_t len = strcspn(p, "\n");

		if (parse_line(p, len, st) == 0)
			found = 0;
		p += len;
		if (*p)
			p++;
	}
	return found;
}

int read_status(const char *name, struct status *st)
{
	char *path = module_path(name, "control");
	char buf[4096];
	size_t have = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

	free(path);
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		/* Only the start matters of a file too long to be control. */
		if (have == sizeof buf - 1)
			break;
	}
	close(fd);
	buf[have] = '\0';
	if (parse_status(buf, st) != 0) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

/* ---- signals and the -c command ---- */

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	ssize_t r = write(wake_pipe[1], &c, 1);

	(void)r;
	errno = saved;
}

static const int handled_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT, SIGUSR2,
};
#define NSIGNALS (sizeof handled_signals / sizeof handled_signals[0])

int signals_init(void)
{
	struct sigaction sa;
	size_t i;

	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		err("pipe: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NSIGNALS; i++)
		sigaddset(&sa.sa_mask, handled_signals[i]);
	for (i = 0; i < NSIGNALS; i++)
		sigaction(handled_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

pid_t command_fork(const char *cmd)
{
	int rel[2];
	sigset_t block, old;
	pid_t pid;
	size_t i;

	if (pipe2(rel, O_CLOEXEC) != 0) {
		err("pipe: %s", strerror(errno));
		return -1;
	}
	/* No handler of ours may run in the child before it resets them. */
	sigemptyset(&block);
	for (i = 0; i < NSIGNALS; i++)
		sigaddset(&block, handled_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid = fork();
	if (pid == 0) {
		char c;
		ssize_t n;

		for (i = 0; i < NSIGNALS; i++)
			signal(handled_signals[i], SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(rel[1]);
		close(wake_pipe[0]);
		close(wake_pipe[1]);
		/* Held until staprun has started the module. */
		do
			n = read(rel[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(127);
		privilege_drop();	/* the command runs as the invoking user */
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		dprintf(2, "staprun: cannot run /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(rel[0]);
	if (pid < 0) {
		err("fork: %s", strerror(errno));
		close(rel[1]);
		return -1;
	}
	child_pid = pid;
	release_fd = rel[1];
	info(1, "command '%s' is process %ld, held until the start",
	     cmd, (long)pid);
	return pid;
}

void command_abandon(void)
{
	if (release_fd >= 0) {
		close(release_fd);	/* the held child exits 127 */
		release_fd = -1;
	}
	if (child_pid > 0) {
		while (waitpid(child_pid, NULL, 0) < 0 && errno == EINTR)
			;
		child_pid = 0;
	}
}

static void command_release(void)
{
	if (release_fd >= 0) {
		ssize_t r = write(release_fd, "g", 1);

		(void)r;	/* EPIPE: it already died; SIGCHLD says so */
		close(release_fd);
		release_fd = -1;
	}
}

/* ---- the session ---- */

/* Errors go to stderr line by line only for -w, which must see where lines
 * start; otherwise bytes pass straight through. */
enum { LINE_START, LINE_PASS, LINE_DROP };
static const char warning_prefix[] = "WARNING:";
#define WPLEN (sizeof warning_prefix - 1)

struct session {
	const char *name;
	const struct options *o;
	int trace_fd, err_fd, ctl_fd;
	int started, exit_written, child_done;
	int detach;			/* SIGQUIT seen */
	char last;			/* the last output byte, 0: none yet */
	int stops;			/* SIGINT/SIGTERM/SIGHUP seen */
	int gave_up, failed, out_broken;
	long long deadline_ms;		/* give up then; 0: wait for ever */
	int line_state;			/* -w filter */
	size_t held;			/* bytes of warning_prefix matched */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int control_write(struct session *s, const char *cmd)
{
	size_t len = strlen(cmd);
	ssize_t n;

	do
		n = write(s->ctl_fd, cmd, len);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

static void request_exit(struct session *s)
{
	struct status st;
	int saved;

	if (s->exit_written)
		return;
	s->exit_written = 1;
	if (control_write(s, "exit\n") == 0) {
		info(1, "asked %s to stop", s->name);
		return;
	}
	saved = errno;
	/* Stopping on its own already (exit() in the script) is no error. */
	if (read_status(s->name, &st) == 0 &&
	    (!strcmp(st.state, "stopping") || !strcmp(st.state, "done")))
		return;
	err("could not ask %s to stop: %s", s->name, strerror(saved));
	s->failed = 1;
}

static void reap_child(struct session *s)
{
	int st;
	pid_t r;

	if (child_pid <= 0)
		return;
	do
		r = waitpid(child_pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r != child_pid)
		return;
	if (WIFEXITED(st))
		info(1, "command exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		info(1, "command was killed by signal %d", WTERMSIG(st));
	child_pid = 0;
	s->child_done = 1;
	if (s->started)
		request_exit(s);
}

static void stop_signal(struct session *s, int sig)
{
	s->stops++;
	if (s->stops == 1) {
		info(1, "got %s; stopping %s", strsignal(sig), s->name);
		if (s->started)
			request_exit(s);
	} else if (s->stops == 2) {
		err("waiting for %s to finish; interrupt once more to unload "
		    "it without waiting", s->name);
	} else {
		err("unloading %s without waiting for it to finish", s->name);
		s->gave_up = 1;
	}
}

static void handle_wake(struct session *s)
{
	unsigned char buf[64];
	ssize_t n, i;

	while ((n = read(wake_pipe[0], buf, sizeof buf)) > 0)
		for (i = 0; i < n; i++) {
			if (buf[i] == SIGCHLD) {
				reap_child(s);
			} else if (buf[i] == SIGQUIT) {
				if (s->started && !s->exit_written)
					s->detach = 1;
				else
					info(1, "SIGQUIT: not running, "
					     "nothing to detach from");
			} else if (buf[i] == SIGUSR2) {
				if (out_switch() != 0) {
					s->out_broken = 1;
					s->failed = 1;
					request_exit(s);
				}
			} else {
				stop_signal(s, buf[i]);
			}
		}
}

static void emit(struct session *s, const char *buf, size_t len)
{
	if (len)
		s->last = buf[len - 1];
	if (s->out_broken || len == 0)
		return;
	if (out_write(buf, len) != 0) {
		err("cannot write the output%s%s: %s; stopping",
		    s->o->outfile ? " to " : "",
		    s->o->outfile ? out_name() : "", strerror(errno));
		s->out_broken = 1;
		s->failed = 1;
		request_exit(s);
	}
}

static void err_write(const char *buf, size_t len)
{
	if (len)
		(void)write_all(2, buf, len);
}

/* The errors stream under -w: drop lines starting "WARNING:", pass the
 * rest through as it comes. */
static void err_filter(struct session *s, const char *buf, size_t len)
{
	char out[65536 + WPLEN];
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		switch (s->line_state) {
		case LINE_START:
			if (c == warning_prefix[s->held]) {
				if (++s->held == WPLEN)
					s->line_state = LINE_DROP;
				break;
			}
			memcpy(out + o, warning_prefix, s->held);
			o += s->held;
			s->held = 0;
			out[o++] = c;
			s->line_state = c == '\n' ? LINE_START : LINE_PASS;
			break;
		case LINE_PASS:
			out[o++] = c;
			if (c == '\n')
				s->line_state = LINE_START;
			break;
		case LINE_DROP:
			if (c == '\n') {
				s->line_state = LINE_START;
				s->held = 0;
			}
			break;
		}
		if (o >= sizeof out - WPLEN - 1) {
			err_write(out, o);
			o = 0;
		}
	}
	err_write(out, o);
}

/* One read from *FDP; closes it at the end of the stream. */
static void pump(struct session *s, int *fdp, const char *what)
{
	static char buf[65536];
	ssize_t n = read(*fdp, buf, sizeof buf);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (n < 0) {
			err("cannot read %s's %s: %s", s->name, what,
			    strerror(errno));
			s->failed = 1;
		} else {
			info(2, "end of %s", what);
		}
		close(*fdp);
		*fdp = -1;
		if (fdp == &s->err_fd && s->o->suppress_warnings &&
		    s->line_state == LINE_START && s->held) {
			err_write(warning_prefix, s->held);
			s->held = 0;
		}
		return;
	}
	if (fdp == &s->trace_fd)
		emit(s, buf, (size_t)n);
	else if (s->o->suppress_warnings)
		err_filter(s, buf, (size_t)n);
	else
		err_write(buf, (size_t)n);
}

static void copy_streams(struct session *s)
{
	while ((s->trace_fd >= 0 || s->err_fd >= 0) && !s->gave_up &&
	       !s->detach) {
		struct pollfd p[3] = {
			{ wake_pipe[0], POLLIN, 0 },
			{ s->trace_fd, POLLIN, 0 },
			{ s->err_fd, POLLIN, 0 },
		};
		int timeout = -1, n;
		const short ready = POLLIN | POLLHUP | POLLERR | POLLNVAL;

		if (s->deadline_ms) {
			long long left = s->deadline_ms - now_ms();

			if (left <= 0) {
				err("%s did not finish; unloading it",
				    s->name);
				s->gave_up = 1;
				break;
			}
			timeout = left > 1000000 ? 1000000 : (int)left;
		}
		n = poll(p, 3, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err("poll: %s", strerror(errno));
			s->failed = 1;
			break;
		}
		if (p[0].revents)
			handle_wake(s);
		if (s->gave_up || s->detach)
			break;
		if (s->trace_fd >= 0 && (p[1].revents & ready))
			pump(s, &s->trace_fd, "trace");
		if (s->err_fd >= 0 && (p[2].revents & ready))
			pump(s, &s->err_fd, "errors");
	}
}

static int open_file(const char *name, const char *file, int flags)
{
	char *path = module_path(name, file);
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		err("cannot open %s: %s", path, strerror(errno));
	free(path);
	return fd;
}

/* The overwritten=N of a status line, as a warning. */
static void report_overwritten(const struct session *s, long n)
{
	if (n > 0 && !s->o->suppress_warnings)
		fprintf(stderr, "WARNING: %ld bytes of output were overwritten: "
			"nobody read them before the buffer was full.\n", n);
}

static void report_status(struct session *s)
{
	struct status st;

	if (read_status(s->name, &st) != 0) {
		err("cannot read %s's final status: %s", s->name,
		    strerror(errno));
		s->failed = 1;
		return;
	}
	if (strcmp(st.state, "done") != 0)
		info(1, "%s ended in state %s", s->name, st.state);
	if ((st.errors || st.skipped) && !s->o->suppress_warnings)
		fprintf(stderr, "WARNING: Number of errors: %ld, skipped "
			"probes: %ld\n", st.errors, st.skipped);
	if (st.lost > 0 && !s->o->suppress_warnings)
		fprintf(stderr, "WARNING: %ld bytes of output were lost: the "
			"script printed faster than it was read.\n", st.lost);
	report_overwritten(s, st.overwritten);
	if (st.errors > 0)
		s->failed = 1;
}

#define DETACH_LINE_MAX 65536		/* bytes read to end a line */
#define DETACH_WAIT_MS 2000

/* Before detaching: read on to the end of the line being printed, byte by
 * byte, so that the next staprun -A starts with a whole line. */
static void finish_line(struct session *s)
{
	long long end = now_ms() + DETACH_WAIT_MS;
	size_t n = 0;

	while (s->trace_fd >= 0 && s->last && s->last != '\n' &&
	       n < DETACH_LINE_MAX) {
		char c;
		ssize_t r = read(s->trace_fd, &c, 1);

		if (r == 1) {
			emit(s, &c, 1);
			n++;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN && now_ms() < end) {
			struct pollfd p = { s->trace_fd, POLLIN, 0 };

			poll(&p, 1, 100);
			continue;
		}
		break;
	}
}

int session_run(const struct options *o, const char *name, int *detached)
{
	struct session s;
	struct status st;

	*detached = 0;
	memset(&s, 0, sizeof s);
	s.name = name;
	s.o = o;
	s.err_fd = s.ctl_fd = -1;
	s.trace_fd = open_file(name, "trace", O_RDONLY | O_NONBLOCK);
	if (s.trace_fd >= 0)
		s.err_fd = open_file(name, "errors", O_RDONLY | O_NONBLOCK);
	if (s.err_fd >= 0)
		s.ctl_fd = open_file(name, "control", O_WRONLY | O_APPEND);
	if (s.ctl_fd < 0) {
		command_abandon();
		if (s.trace_fd >= 0)
			close(s.trace_fd);
		if (s.err_fd >= 0)
			close(s.err_fd);
		return 1;
	}

	/* A signal while loading: do not start at all. */
	handle_wake(&s);
	if (s.stops) {
		err("interrupted; unloading %s without starting it", name);
		command_abandon();
		s.failed = 1;
		goto out;
	}
	if (o->attach) {
		/* Already started: what it printed meanwhile is in trace. */
		s.started = 1;
		if (read_status(name, &st) == 0) {
			report_overwritten(&s, st.overwritten);
			/* Left loaded by a staprun killed before it started
			 * it: start it now. */
			if (!strcmp(st.state, "loaded") &&
			    control_write(&s, "start\n") != 0) {
				err("could not start %s: %s", name,
				    strerror(errno));
				s.failed = 1;
				s.deadline_ms = now_ms() + START_FAILED_WAIT_MS;
				request_exit(&s);
			}
		}
		info(1, "attached to %s", name);
	} else if (control_write(&s, "start\n") != 0) {
		err("could not start %s: %s", name, strerror(errno));
		command_abandon();
		s.failed = 1;
		/* Show what it reported, but do not wait long for it. */
		s.deadline_ms = now_ms() + START_FAILED_WAIT_MS;
		request_exit(&s);
	} else {
		info(1, "started %s", name);
		s.started = 1;
		command_release();
		if (s.child_done)
			request_exit(&s);
	}
	if (s.started && o->load_only)
		s.detach = 1;
	if (s.started && o->daemon)
		daemon_ready();
	if (!s.detach)
		copy_streams(&s);
	if (s.detach) {
		finish_line(&s);
		*detached = 1;
		close(s.trace_fd);
		if (s.err_fd >= 0)
			close(s.err_fd);
		close(s.ctl_fd);
		info(1, "detached from %s", name);
		return s.failed ? 1 : 0;
	}
	if (s.gave_up)
		s.failed = 1;
out:
	if (child_pid > 0) {
		info(1, "stopping the command (process %ld)", (long)child_pid);
		kill(child_pid, SIGTERM);
		child_pid = 0;
	}
	if (s.trace_fd >= 0)
		close(s.trace_fd);
	if (s.err_fd >= 0)
		close(s.err_fd);
	close(s.ctl_fd);
	report_status(&s);
	return s.failed ? 1 : 0;
}

/* ---- staprun -d ---- */

int unload_leftover(const struct options *o, const char *arg)
{
	char *name, *kname;
	struct status st;
	int rc = 0;

	if (strcmp(arg, "*") == 0)
		return unload_all(o);
	name = module_name(arg);
	kname = kernel_module_name(NULL, name);
	if (!o->no_load) {
		if (geteuid() != 0) {
			err("only root may unload kernel modules");
			free(name);
			free(kname);
			return 1;
		}
		(void)debugfs_ensure();	/* only to find the control file */
	}
	if (read_status(name, &st) == 0) {
		info(1, "%s is in state %s", name, st.state);
		if (st.attached) {
			err("%s is attached to a staprun; detach it there "
			    "(SIGQUIT) or stop it (SIGINT) first", name);
			free(name);
			free(kname);
			return 1;
		}
		if (!strcmp(st.state, "running")) {
			int fd = open_file(name, "control",
					   O_WRONLY | O_APPEND);
			ssize_t n = fd < 0 ? -1 : write(fd, "exit\n", 5);

			if (fd >= 0 && n != 5)
				err("could not ask %s to stop: %s", name,
				    strerror(n < 0 ? errno : EIO));
			if (fd >= 0)
				close(fd);
		}
		if (!strcmp(st.state, "running") ||
		    !strcmp(st.state, "stopping")) {
			long long end = now_ms() + LEFTOVER_WAIT_MS;
			int done = 0;

			while (now_ms() < end) {
				struct timespec ts = { 0, 50 * 1000 * 1000 };

				if (read_status(name, &st) == 0 &&
				    !strcmp(st.state, "done")) {
					done = 1;
					break;
				}
				nanosleep(&ts, NULL);
			}
			if (!done)
				err("%s did not finish within %d s; unloading "
				    "it anyway", name, LEFTOVER_WAIT_MS / 1000);
		}
	} else {
		info(1, "no status for %s: %s", name, strerror(errno));
	}
	if (!o->no_load && module_unload(kname, name) != 0)
		rc = 1;
	free(name);
	free(kname);
	return rc;
}
