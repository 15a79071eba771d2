/* detach.c - modules that run without a staprun attached.
 *
 *   -L MODULE.ko   load, start, detach at once
 *   -A NAME        attach to NAME again (session.c does the rest)
 *   -D             run in the background, print the pid (needs -o)
 *   -d '*'         unload every stapc module nobody is attached to
 *
 * A module is "attached" while a staprun holds its trace file open; the
 * kernel side lets one do so at a time and keeps the newest output while
 * nobody does (runtime/linux/flight.h). */
#include "staprun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int ready_fd = -1;		/* -D: the child tells the parent */

int daemon_start(void)
{
	int p[2];
	pid_t pid;
	char c;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) != 0) {
		err("pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err("fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		ready_fd = p[1];
		return 0;
	}
	/* The parent: the pid once the child has started the module; its
	 * exit status when it ends before (its messages are on stderr). */
	close(p[1]);
	do
		n = read(p[0], &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1) {
		printf("%ld\n", (long)pid);
		fflush(stdout);
		_exit(0);
	} else {
		int st;

		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				_exit(1);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
}

void daemon_ready(void)
{
	int null;

	if (ready_fd < 0)
		return;
	setsid();
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (write(ready_fd, "r", 1) != 1)
		err("cannot tell the parent: %s", strerror(errno));
	close(ready_fd);
	ready_fd = -1;
}

void detach_message(const char *name)
{
	fprintf(stderr, "\nDisconnecting from systemtap module.\n"
		"To reconnect, type \"staprun -A %s\"\n", name);
}

int attach_check(const char *name)
{
	struct status st;

	if (read_status(name, &st) != 0) {
		if (errno == ENOENT)
			err("no module %s is loaded (staprun -A takes the "
			    "name of a module left running by stap -F or "
			    "staprun -L)", name);
		else
			err("cannot read %s's status: %s", name,
			    strerror(errno));
		return -1;
	}
	if (st.attached) {
		err("%s is attached to another staprun; detach it there "
		    "(SIGQUIT) first", name);
		return -1;
	}
	info(1, "%s is in state %s", name, st.state);
	return 0;
}

int unload_all(const struct options *o)
{
	char *dir = module_path("", "");
	DIR *d;
	struct dirent *de;
	int rc = 0, found = 0;

	/* stapc//: module_path's form for an empty name. */
	dir[strlen(dir) - 2] = '\0';
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT) {
			info(1, "no stapc modules are loaded");
			free(dir);
			return 0;
		}
		err("cannot read %s: %s", dir, strerror(errno));
		free(dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		struct status st;

		if (de->d_name[0] == '.')
			continue;
		if (read_status(de->d_name, &st) == 0 && st.attached) {
			info(1, "%s is attached to a staprun; left alone",
			     de->d_name);
			continue;
		}
		found++;
		if (unload_leftover(o, de->d_name) != 0)
			rc = 1;
	}
	closedir(d);
	free(dir);
	if (!found)
		info(1, "no detached stapc modules are loaded");
	return rc;
}
