/* stpcheck.c - checks of the debugfs files that a shell cannot make:
 * O_NONBLOCK reads, poll(), and the errors of control writes.
 *
 *	stpcheck DIR	(DIR = /sys/kernel/debug/stapc/NAME, module loaded,
 *			 a script that prints nothing until its end probe)
 *
 * Prints one line per step, "ok ..." or "FAIL ..."; the test compares the
 * whole output.  Exit status 0 when every step passed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failed;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failed = 1;
}

static int open_in(const char *dir, const char *file, int flags)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, flags);
	if (fd < 0) {
		printf("FAIL open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static int ctl_write(const char *dir, const char *cmd)
{
	int fd = open_in(dir, "control", O_WRONLY);
	ssize_t n = write(fd, cmd, strlen(cmd));
	int e = errno;

	close(fd);
	return n == (ssize_t)strlen(cmd) ? 0 : e;
}

static void ctl_read(const char *dir, char *buf, size_t size)
{
	int fd = open_in(dir, "control", O_RDONLY);
	ssize_t n = read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

static short poll_one(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

int main(int argc, char **argv)
{
	char buf[4096], status[256];
	const char *dir = argc > 1 ? argv[1] : ".";
	int tfd, efd;
	ssize_t n;
	size_t got = 0;
	short ev;

	tfd = open_in(dir, "trace", O_RDONLY | O_NONBLOCK);
	efd = open_in(dir, "errors", O_RDONLY | O_NONBLOCK);
	check(ctl_write(dir, "bogus\n") == EINVAL, "unknown command gives EINVAL");
	check(ctl_write(dir, "start\n") == 0, "start");
	check(ctl_write(dir, "start\n") == EBUSY, "second start gives EBUSY");
	n = read(tfd, buf, sizeof(buf));
	check(n < 0 && errno == EAGAIN, "empty trace with O_NONBLOCK gives EAGAIN");
	check(poll_one(tfd, 200) == 0, "poll on empty trace times out");
	check(poll_one(efd, 0) == 0, "poll on empty errors times out");
	ctl_read(dir, status, sizeof(status));
	/* this program holds the trace file open: attached */
	check(!strcmp(status, "state=running errors=0 skipped=0 lost=0 "
		     "overwritten=0 attached=1\n"),
	      "status running");
	check(ctl_write(dir, "exit\n") == 0, "exit");
	ev = poll_one(tfd, 5000);
	check(ev & POLLIN, "poll on trace ready after exit");
	for (;;) {
		n = read(tfd, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	check(n == 0 && !strcmp(buf, "bye\n"), "trace holds the end output, then EOF");
	check(poll_one(tfd, 0) & POLLHUP, "poll on drained trace gives POLLHUP");
	check(read(efd, buf, sizeof(buf)) == 0, "errors at EOF");
	check(ctl_write(dir, "exit\n") == 0, "second exit is harmless");
	check(ctl_write(dir, "start\n") == EBUSY, "start after the end gives EBUSY");
	ctl_read(dir, status, sizeof(status));
	/* this program holds the trace file open: attached */
	check(!strcmp(status, "state=done errors=0 skipped=0 lost=0 "
		     "overwritten=0 attached=1\n"),
	      "status done");
	close(tfd);
	close(efd);
	return failed;
}
