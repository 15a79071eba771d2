/* privilege.c - who may load what, and running everything else as the
 * invoking user.
 *
 * staprun is the only part of the toolchain that needs privilege: for
 * users other than root it is installed setuid root (README, "make
 * install-setuid").  Before anything is loaded:
 *   root (real uid 0)        any module;
 *   group stapdev            any module;
 *   group stapusr            only modules under
 *                            /lib/modules/$(uname -r)/systemtap/ that root
 *                            owns and only root can write (the file and
 *                            that directory);
 *   anybody else             an error, nothing runs.
 * The -o file is opened with the invoking user's ids, and the -c command
 * runs with them; the effective root ids are kept only for loading,
 * debugfs and unloading. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "staprun.h"

/* Whether the invoking user is in group NAME (primary or supplementary). */
static int in_group(const char *name)
{
	struct group *g = getgrnam(name);
	gid_t *groups;
	int n, found = 0;

	if (!g)
		return 0;
	if (getgid() == g->gr_gid)
		return 1;
	n = getgroups(0, NULL);
	if (n <= 0)
		return 0;
	groups = xmalloc(sizeof(*groups) * (size_t)n);
	n = getgroups(n, groups);
	for (int i = 0; i < n && !found; i++)
		found = groups[i] == g->gr_gid;
	free(groups);
	return found;
}

enum privilege privilege_level(void)
{
	if (getuid() == 0)
		return PRIV_ROOT;
	if (in_group("stapdev"))
		return PRIV_STAPDEV;
	if (in_group("stapusr"))
		return PRIV_STAPUSR;
	return PRIV_NONE;
}

static int root_only(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* stapusr: PATH must resolve to a regular file directly in the systemtap
 * directory, both owned by root and writable by root only. */
static int stapusr_may_load(const char *path, int fd)
{
	struct utsname u;
	char dir[PATH_MAX], real[PATH_MAX], rdir[PATH_MAX];
	struct stat st, dst;
	size_t n;

	if (uname(&u) != 0) {
		err("uname: %s", strerror(errno));
		return 0;
	}
	snprintf(dir, sizeof dir, "/lib/modules/%s/systemtap", u.release);
	if (!realpath(dir, rdir) || stat(rdir, &dst) != 0) {
		err("members of group stapusr may only load modules from %s, "
		    "which does not exist (root installs modules there)", dir);
		return 0;
	}
	if (!realpath(path, real)) {
		err("cannot open %s: %s", path, strerror(errno));
		return 0;
	}
	n = strlen(rdir);
	if (strncmp(real, rdir, n) != 0 || real[n] != '/' ||
	    strchr(real + n + 1, '/')) {
		err("members of group stapusr may only load modules from %s, "
		    "not %s; ask root to install it there, or to add you to "
		    "group stapdev", dir, real);
		return 0;
	}
	if (!root_only(&dst)) {
		err("%s must be owned by root and writable only by root for "
		    "members of group stapusr to load modules from it", dir);
		return 0;
	}
	/* The file opened, not the name: it cannot be swapped after this. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		err("%s is not a regular file", real);
		return 0;
	}
	if (!root_only(&st)) {
		err("%s must be owned by root and writable only by root for "
		    "members of group stapusr to load it", real);
		return 0;
	}
	return 1;
}

int privilege_open_module(const char *path)
{
	enum privilege p = privilege_level();
	int fd;

	if (p == PRIV_NONE) {
		err("you are trying to run a systemtap module as a normal user: "
		    "only root and members of group stapdev (any module) or "
		    "stapusr (modules in /lib/modules/$(uname -r)/systemtap/) "
		    "may load modules; nothing was loaded");
		return -1;
	}
	if (p != PRIV_ROOT && geteuid() != 0) {
		err("staprun is not setuid root, so it cannot load modules for "
		    "members of group %s: install it owned by root with mode "
		    "4755 (make install-setuid, see README)",
		    p == PRIV_STAPDEV ? "stapdev" : "stapusr");
		return -1;
	}
	/* The module is opened as the invoking user where it is theirs to
	 * read: stapdev and stapusr cannot make root read other files. */
	if (p != PRIV_ROOT && privilege_as_user(1) != 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err("cannot open %s: %s", path, strerror(errno));
	if (p != PRIV_ROOT && privilege_as_user(0) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd >= 0 && p == PRIV_STAPUSR && !stapusr_may_load(path, fd)) {
		close(fd);
		return -1;
	}
	info(1, "privilege: %s may load %s",
	     p == PRIV_ROOT ? "root" : p == PRIV_STAPDEV ? "stapdev" :
	     "stapusr", path);
	return fd;
}

int privilege_may_unload(void)
{
	enum privilege p = privilege_level();

	if (p == PRIV_ROOT || (p == PRIV_STAPDEV && geteuid() == 0))
		return 0;
	err("only root and members of group stapdev (with staprun setuid "
	    "root) may attach to or unload modules (-A, -d)");
	return -1;
}

/* Switch the effective ids to the invoking user's (ON) or back (OFF). */
int privilege_as_user(int on)
{
	static uid_t saved_uid;
	static gid_t saved_gid;
	static int active;

	if (getuid() == geteuid() && getgid() == getegid() && !active)
		return 0;
	if (on && !active) {
		saved_uid = geteuid();
		saved_gid = getegid();
		if (setegid(getgid()) != 0 || seteuid(getuid()) != 0) {
			err("cannot switch to the invoking user: %s",
			    strerror(errno));
			return -1;
		}
		active = 1;
	} else if (!on && active) {
		if (seteuid(saved_uid) != 0 || setegid(saved_gid) != 0) {
			err("cannot switch back to root: %s", strerror(errno));
			return -1;
		}
		active = 0;
	}
	return 0;
}

int privilege_open_output(const char *path)
{
	int fd, e;

	if (privilege_as_user(1) != 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	e = errno;
	if (privilege_as_user(0) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	errno = e;
	return fd;
}

int privilege_unlink(const char *path)
{
	int rc, e;

	if (privilege_as_user(1) != 0)
		return -1;
	rc = unlink(path);
	e = errno;
	if (privilege_as_user(0) != 0)
		return -1;
	errno = e;
	return rc;
}

void privilege_drop(void)
{
	if (getuid() == geteuid() && getgid() == getegid())
		return;
	if (setgid(getgid()) != 0 || setuid(getuid()) != 0) {
		dprintf(2, "staprun: cannot drop privileges: %s\n",
			strerror(errno));
		_exit(127);
	}
}
