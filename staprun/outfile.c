/* outfile.c - where the script's output goes: stdout, or -o FILE.
 *
 * FILE may hold strftime(3) conversions, expanded (local time) each time a
 * file is opened.  With -S SIZE_MB[,N] the output is split into FILE.0,
 * FILE.1, ...: a file is switched before a write would take it past SIZE
 * MB, at the end of the last whole line that fits (a line longer than a
 * whole file is cut), and only the newest N files are kept (N = 0 keeps
 * all).  SIGUSR2 (out_switch) switches at once.  Output is written with
 * write(2) as it comes; under -S a line is held until its end has come,
 * so that no line is split between two files. */
#include "staprun.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 100000		/* -S SIZE,N: N at most this */

static struct {
	const char *pattern;		/* -o, NULL for stdout */
	unsigned long long limit;	/* bytes per file, 0: no -S */
	long keep;			/* N, 0: keep every file */
	int fd;
	long index;			/* of the open file (-S) */
	unsigned long long size;	/* bytes in the open file */
	char **names;			/* -S: the last KEEP files' names */
	char *name;			/* the open file */
	char *held;			/* -S: the line not ended yet */
	size_t nheld, held_cap;
} out = { NULL, 0, 0, 1, 0, 0, NULL, NULL, NULL, 0, 0 };

int parse_size_spec(const char *spec, long *mb, long *n)
{
	char *end;

	errno = 0;
	*mb = strtol(spec, &end, 10);
	if (errno || end == spec || *mb <= 0 || *mb > 4095)
		return -1;
	*n = 0;
	if (*end == ',') {
		const char *p = end + 1;

		*n = strtol(p, &end, 10);
		if (errno || end == p || *n <= 0 || *n > MAX_FILES)
			return -1;
	}
	return *end ? -1 : 0;
}

/* The name of file number INDEX (-1: no -S suffix). */
static char *file_name(long index)
{
	char buf[PATH_MAX];
	size_t n = 0;
	char *s;

	if (strchr(out.pattern, '%')) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		n = strftime(buf, sizeof buf - 24, out.pattern, &tm);
	}
	if (n == 0) {		/* no conversion, or an empty result */
		n = strlen(out.pattern);
		if (n > sizeof buf - 24)
			n = sizeof buf - 24;
		memcpy(buf, out.pattern, n);
	}
	buf[n] = '\0';
	if (index >= 0)
		snprintf(buf + n, sizeof buf - n, ".%ld", index);
	s = xstrdup(buf);
	return s;
}

static int open_next(void)
{
	char *name = file_name(out.limit ? out.index : -1);
	int fd = privilege_open_output(name);	/* as the invoking user */

	if (fd < 0) {
		err("cannot open %s: %s", name, strerror(errno));
		free(name);
		return -1;
	}
	info(1, "writing the output to %s", name);
	free(out.name);
	out.name = name;
	out.fd = fd;
	out.size = 0;
	if (out.limit && out.keep) {
		char **slot = &out.names[out.index % out.keep];

		/* The file KEEP switches ago goes. */
		if (*slot && strcmp(*slot, name) != 0 &&
		    privilege_unlink(*slot) != 0 &&
		    errno != ENOENT)
			err("cannot remove %s: %s", *slot, strerror(errno));
		free(*slot);
		*slot = xstrdup(name);
	}
	return 0;
}

int out_open(const struct options *o)
{
	out.pattern = o->outfile;
	out.limit = (unsigned long long)o->file_mb << 20;
	out.keep = o->file_count;
	out.index = 0;
	if (!out.pattern) {
		out.fd = 1;
		return 0;
	}
	if (out.limit && out.keep)
		out.names = calloc((size_t)out.keep, sizeof *out.names);
	if (out.limit && out.keep && !out.names) {
		err("out of memory");
		return -1;
	}
	return open_next();
}

const char *out_name(void)
{
	return out.name ? out.name : "stdout";
}

/* Close the file; 0, or -1 after a message. */
static int close_current(void)
{
	int fd = out.fd;

	out.fd = -1;
	if (fd > 1 && close(fd) != 0) {
		err("cannot write %s: %s", out_name(), strerror(errno));
		return -1;
	}
	return 0;
}

int out_switch(void)
{
	if (!out.limit || !out.pattern) {
		info(1, "SIGUSR2: no -S, no file to switch");
		return 0;
	}
	if (close_current() != 0)
		return -1;
	out.index++;
	return open_next();
}

/* All of BUF to FD, waiting out EINTR and EAGAIN; 0, or -1 with errno. */
int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { fd, POLLOUT, 0 };

			poll(&p, 1, -1);
			continue;
		}
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* BUF starts a line: write it, switching files at line ends. */
static int write_lines(const char *buf, size_t len)
{
	while (len > 0) {
		size_t take = len;

		if (out.fd < 0) {
			errno = EBADF;
			return -1;
		}
		if (out.limit && out.size + len > out.limit) {
			size_t room = (size_t)(out.limit - out.size);
			const char *nl = room ? memrchr(buf, '\n', room) : NULL;

			if (nl)
				take = (size_t)(nl - buf) + 1;
			else if (out.size == 0)
				take = room;	/* a line longer than a file */
			else
				take = 0;	/* the line starts a new file */
		}
		if (take) {
			if (write_all(out.fd, buf, take) != 0)
				return -1;
			out.size += take;
			buf += take;
			len -= take;
		}
		if (len && out_switch() != 0) {
			errno = EIO;
			return -1;
		}
	}
	return 0;
}

int out_write(const char *buf, size_t len)
{
	const char *nl;
	size_t n;

	if (!out.limit)
		return write_lines(buf, len);
	if (out.nheld + len > out.held_cap) {
		size_t cap = (out.nheld + len) * 2;
		char *p = realloc(out.held, cap);

		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		out.held = p;
		out.held_cap = cap;
	}
	memcpy(out.held + out.nheld, buf, len);
	out.nheld += len;
	nl = memrchr(out.held, '\n', out.nheld);
	/* Whole lines now; a line longer than a file is cut anyway. */
	n = nl ? (size_t)(nl - out.held) + 1 : 0;
	if (out.nheld >= out.limit)
		n = out.nheld;
	if (n && write_lines(out.held, n) != 0)
		return -1;
	memmove(out.held, out.held + n, out.nheld - n);
	out.nheld -= n;
	return 0;
}

int out_close(void)
{
	size_t i;
	int rc = 0;

	/* The last line, even without its end. */
	if (out.nheld && out.fd >= 0 && write_lines(out.held, out.nheld) != 0) {
		err("cannot write %s: %s", out_name(), strerror(errno));
		rc = -1;
	}
	free(out.held);
	out.held = NULL;
	out.nheld = out.held_cap = 0;
	if (close_current() != 0)
		rc = -1;

	if (out.names)
		for (i = 0; i < (size_t)out.keep; i++)
			free(out.names[i]);
	free(out.names);
	out.names = NULL;
	free(out.name);
	out.name = NULL;
	return rc;
}
