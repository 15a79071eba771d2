/* fake_syscall.c - an LD_PRELOAD library standing in for the kernel's
 * module syscalls, so staprun's loading path runs without a kernel module.
 *
 * syscall(SYS_finit_module, ...) and syscall(SYS_delete_module, ...) are
 * appended to the file $FAKE_LOG as "finit PARAMS" and "delete NAME FLAGS"
 * lines, then fail with the errno named by $FAKE_FINIT_ERRNO or
 * $FAKE_DELETE_ERRNO (EEXIST, EPERM, ...), or succeed when it is unset.
 * $FAKE_DELETE_FAILS=N makes only the first N delete_module calls fail.
 * Every other system call goes to the real syscall(). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct { const char *name; int value; } errnos[] = {
	{ "EEXIST", EEXIST }, { "EPERM", EPERM }, { "EACCES", EACCES },
	{ "EKEYREJECTED", EKEYREJECTED }, { "EBADMSG", EBADMSG },
	{ "ENOKEY", ENOKEY }, { "ENOEXEC", ENOEXEC }, { "EBUSY", EBUSY },
	{ "EAGAIN", EAGAIN }, { "ENOENT", ENOENT }, { "EINVAL", EINVAL },
	{ "ENOSYS", ENOSYS }, { "ENOMEM", ENOMEM },
};

static int errno_of(const char *var)
{
	const char *v = getenv(var);
	size_t i;

	if (!v || !*v)
		return 0;
	for (i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		if (strcmp(v, errnos[i].name) == 0)
			return errnos[i].value;
	return EIO;
}

static void logf_line(const char *what, const char *arg, long flags)
{
	const char *path = getenv("FAKE_LOG");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (!f)
		return;
	if (flags >= 0)
		fprintf(f, "%s %s %ld\n", what, arg, flags);
	else
		fprintf(f, "%s %s\n", what, arg);
	fclose(f);
}

long syscall(long nr, ...)
{
	static int deletes;
	long (*real)(long, ...);
	long a[6];
	va_list ap;
	int i, e;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_finit_module) {
		logf_line("finit", (const char *)a[1], -1);
		e = errno_of("FAKE_FINIT_ERRNO");
		if (e) {
			errno = e;
			return -1;
		}
		return 0;
	}
	if (nr == SYS_delete_module) {
		const char *n = getenv("FAKE_DELETE_FAILS");

		logf_line("delete", (const char *)a[0], a[1]);
		e = errno_of("FAKE_DELETE_ERRNO");
		deletes++;
		if (e && (!n || deletes <= atoi(n))) {
			errno = e;
			return -1;
		}
		return 0;
	}
	real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
