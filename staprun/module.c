/* module.c - loading and unloading the module, its parameter string, and
 * the debugfs mount its files live on. */
#include "staprun.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_DEBUGFS "/sys/kernel/debug"
#define DEBUGFS_MAGIC_NUMBER 0x64626720

const char *debugfs_root(void)
{
	const char *d = getenv("STAPRUN_DEBUGFS");

	return d && *d ? d : DEFAULT_DEBUGFS;
}

int debugfs_ensure(void)
{
	struct statfs sf;
	const char *d = getenv("STAPRUN_DEBUGFS");

	if (d && *d)
		return 0;
	if (statfs(DEFAULT_DEBUGFS, &sf) == 0 &&
	    (unsigned long)sf.f_type == DEBUGFS_MAGIC_NUMBER)
		return 0;
	if (geteuid() != 0) {
		err("debugfs is not mounted at %s, and only root may mount it",
		    DEFAULT_DEBUGFS);
		return -1;
	}
	info(1, "mounting debugfs at %s", DEFAULT_DEBUGFS);
	if (mount("debugfs", DEFAULT_DEBUGFS, "debugfs", 0, NULL) != 0) {
		err("debugfs is not mounted at %s and mounting it failed: %s",
		    DEFAULT_DEBUGFS, strerror(errno));
		return -1;
	}
	return 0;
}

char *module_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;
	char *n;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 3 && strcmp(base + len - 3, ".ko") == 0)
		len -= 3;
	n = xmalloc(len + 1);
	memcpy(n, base, len);
	n[len] = '\0';
	return n;
}

char *kernel_module_name(const char *path, const char *name)
{
	char *k = path ? modinfo_get(path, "name") : NULL;
	char *p;

	if (k && *k)
		return k;
	free(k);
	k = xstrdup(name);
	for (p = k; *p; p++)
		if (*p == '-')
			*p = '_';
	return k;
}

static int valid_global(const char *arg, const char **value)
{
	const char *eq = strchr(arg, '=');
	const char *p;

	if (!eq || eq == arg || !(isalpha((unsigned char)*arg) || *arg == '_'))
		return 0;
	for (p = arg; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	*value = eq + 1;
	return 1;
}

int check_globals(const struct options *o)
{
	size_t i;

	for (i = 0; i < o->nglobals; i++) {
		const char *v;

		if (!valid_global(o->globals[i], &v)) {
			err("'%s' is not NAME=VALUE (NAME a script global)",
			    o->globals[i]);
			return -1;
		}
		if (strncmp(o->globals[i], "stp_target=", 11) == 0) {
			err("'%s': set the target process with -x PID or -c CMD",
			    o->globals[i]);
			return -1;
		}
		/* The kernel's parser has quotes but no escapes. */
		if (strchr(v, '"')) {
			err("'%s': a value cannot contain a double quote (the "
			    "kernel's parameter syntax has no escape for it)",
			    o->globals[i]);
			return -1;
		}
	}
	return 0;
}

char *module_params(const struct options *o, long pid)
{
	size_t i, len = 128;
	char *s, *p;

	for (i = 0; i < o->nglobals; i++)
		len += strlen(o->globals[i]) + 3;
	s = p = xmalloc(len);
	*p = '\0';
	if (pid > 0)
		p += sprintf(p, "stp_target=%ld", pid);
	if (o->bufsize > 0)
		p += sprintf(p, "%sstp_bufsize=%ld", p != s ? " " : "", o->bufsize);
	/* the module's own reports (registration counts); a module without
	 * the parameter ignores it */
	if (verbose > 0)
		p += sprintf(p, "%sstp_verbose=%d", p != s ? " " : "", verbose);
	/* myproc-unprivileged functions compare processes with this. */
	if (getuid() != 0)
		p += sprintf(p, "%sstp_uid=%ld", p != s ? " " : "", (long)getuid());
	for (i = 0; i < o->nglobals; i++) {
		const char *g = o->globals[i];
		const char *eq = strchr(g, '=');
		const char *c;
		int quote = 0;

		for (c = eq + 1; *c; c++)
			if (isspace((unsigned char)*c))
				quote = 1;
		if (p != s)
			*p++ = ' ';
		memcpy(p, g, (size_t)(eq + 1 - g));
		p += eq + 1 - g;
		p += sprintf(p, quote ? "\"%s\"" : "%s", eq + 1);
	}
	return s;
}

/* ENOEXEC: say which kernel the module was built for, if we can tell. */
static void explain_noexec(const char *path)
{
	struct utsname u;
	char *vm = modinfo_get(path, "vermagic");
	const char *release = uname(&u) == 0 ? u.release : "unknown";

	if (vm && *vm) {
		size_t n = strcspn(vm, " ");

		if (strlen(release) != n || strncmp(vm, release, n) != 0)
			err("%s was built for kernel %.*s, but this kernel is "
			    "%s (uname -r); rebuild it with stap on this "
			    "machine", path, (int)n, vm, release);
		else
			err("%s was built for kernel %s with different options "
			    "(vermagic \"%s\"); the kernel rejected it (see "
			    "dmesg); rebuild it with stap on this machine",
			    path, release, vm);
	} else {
		err("the kernel rejected %s as a module for another kernel "
		    "or no module at all (this kernel is %s, uname -r; its "
		    "vermagic could not be read)", path, release);
	}
	free(vm);
}

/* The kernel enforces module signatures (module.sig_enforce, lockdown,
 * Secure Boot): say whether PATH is signed at all and what to do. */
static void explain_signature(int fd, const char *path)
{
	static const char marker[] = "~Module signature appended~\n";
	char tail[sizeof(marker) - 1];
	off_t end = lseek(fd, 0, SEEK_END);
	int e = errno, is_signed;

	is_signed = end >= (off_t)sizeof(tail) &&
		pread(fd, tail, sizeof(tail), end - (off_t)sizeof(tail)) ==
		(ssize_t)sizeof(tail) && !memcmp(tail, marker, sizeof(tail));
	errno = e;
	if (is_signed)
		err("the kernel enforces module signatures and rejected %s: it "
		    "is signed, but with a key the kernel does not trust.  "
		    "Enroll the key's certificate (mokutil --import "
		    "KEYDIR/signing_key.x509, then reboot to confirm; stap's "
		    "KEYDIR is ~/.cache/stapc/signing-key by default) or sign "
		    "with a key the kernel trusts", path);
	else
		err("the kernel enforces module signatures and rejected %s: it "
		    "is not signed.  Build it with 'stap --sign-module' and "
		    "enroll that key (mokutil --import "
		    "~/.cache/stapc/signing-key/signing_key.x509, then reboot "
		    "to confirm), or sign it with a key the kernel trusts",
		    path);
}

int module_load(int fd, const char *path, const char *name,
		const char *kname, const char *params)
{
	info(1, "loading %s as %s with parameters '%s'", path, kname, params);
	if (syscall(SYS_finit_module, fd, params, 0) == 0)
		return 0;
	switch (errno) {
	case EEXIST:
		err("a module named %s is already loaded; unload it with "
		    "'staprun -d %s'", kname, name);
		break;
	case EPERM:
	case EACCES:
		if (geteuid() != 0)
			err("only root may load kernel modules");
		else
			err("the kernel refused to load %s (%s): only root "
			    "with CAP_SYS_MODULE may load modules, and the "
			    "kernel may have module loading disabled or be "
			    "locked down (unsigned modules refused)",
			    path, strerror(errno));
		break;
	case EKEYREJECTED:
	case EBADMSG:
	case ENOKEY:
		explain_signature(fd, path);
		break;
	case ENOEXEC:
		explain_noexec(path);
		break;
	case ENOSYS:
		err("this kernel has no loadable module support, so %s "
		    "cannot be loaded", path);
		break;
	case EINVAL:
	case ENOENT:
		err("the kernel rejected %s or one of its parameters ('%s'): "
		    "%s; see dmesg", path, params, strerror(errno));
		break;
	default:
		err("could not load %s: %s", path, strerror(errno));
		break;
	}
	return -1;
}

int module_unload(const char *kname, const char *name)
{
	int tries;

	info(1, "unloading %s", kname);
	for (tries = 0;; tries++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		if (syscall(SYS_delete_module, kname, O_NONBLOCK) == 0)
			return 0;
		if ((errno != EAGAIN && errno != EBUSY && errno != EINTR) ||
		    tries >= 30)
			break;
		nanosleep(&ts, NULL);
	}
	switch (errno) {
	case ENOENT:
		err("no module named %s is loaded", kname);
		break;
	case EPERM:
	case EACCES:
		err("could not unload %s: only root may unload kernel modules",
		    kname);
		break;
	case ENOSYS:
		err("could not unload %s: this kernel has no loadable module "
		    "support", kname);
		break;
	case EAGAIN:
	case EBUSY:
		err("could not unload %s: it is still in use; try 'staprun -d "
		    "%s' later", kname, name);
		break;
	default:
		err("could not unload %s: %s; try 'staprun -d %s'", kname,
		    strerror(errno), name);
		break;
	}
	return -1;
}
