/* workload.c - calls every system call the syscall tapset has an alias
 * for, once or more, with known arguments (testsuite/vm/syscalls).
 *
 *   workload EXPFILE
 *
 * For each call it appends to EXPFILE what the tapset must report:
 *
 *   X NAME<TAB>ARGSTR<TAB>RETSTR
 *
 * with the real values (descriptors, addresses, return values), '*'
 * standing for any text where the value is not known here (a pointer
 * inside libc).  V lines give single variables: V NAME VAR VALUE.
 * Static, no dependencies: it runs in the busybox VM.  The last steps
 * exec the program again (phase2 via execve, phase3 via execveat) so that
 * the exit calls run in the same process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <asm/prctl.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static FILE *ex;
static const char *self;
static const char *expfile;
static char rbuf[96];

/* The retstr of a raw syscall() result. */
static const char *rs(long r, int e)
{
	if (r == -1 && e)
		snprintf(rbuf, sizeof(rbuf), "-%d (%s)", e, strerrorname_np(e));
	else
		snprintf(rbuf, sizeof(rbuf), "%ld", r);
	return rbuf;
}

static const char *rsx(long r, int e)
{
	if (r == -1 && e)
		return rs(r, e);
	snprintf(rbuf, sizeof(rbuf), "0x%lx", r);
	return rbuf;
}

static long R;
static int E;
static long sc_done(long r)
{
	R = r;
	E = r == -1 ? errno : 0;
	return r;
}
#define SC(...) (errno = 0, sc_done(syscall(__VA_ARGS__)))

/* EXP(name, retstr, argstr format, ...) */
static void EXP(const char *name, const char *ret, const char *fmt, ...)
{
	va_list ap;

	fprintf(ex, "X %s\t", name);
	va_start(ap, fmt);
	vfprintf(ex, fmt, ap);
	va_end(ap);
	fprintf(ex, "\t%s\n", ret);
	fflush(ex);
}

#define U(p) ((unsigned long)(p))
#define D "/tmp/sc"

static volatile int got;
static void on_sig(int s) { got = s; }

static void *thread_exit(void *a)
{
	(void)a;
	EXP("exit", "*", "7");
	syscall(SYS_exit, 7);
	return NULL;
}

static void files(void)
{
	char buf[256], rl[64];
	struct stat st;
	struct statx stx;
	struct iovec iov[2];
	int fd, fd2, dfd, p[2], q[2];
	loff_t off;

	mkdir(D, 0755);
	SC(SYS_open, D "/nosuch", O_RDONLY);
	EXP("open", rs(R, E), "\"" D "/nosuch\", O_RDONLY");
	fd = SC(SYS_open, D "/f1", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	EXP("open", rs(R, E), "\"" D "/f1\", O_WRONLY|O_CREAT|O_TRUNC, 0644");
	fprintf(ex, "V open filename \"" D "/f1\"\nV open filename_unquoted " D "/f1\n"
		"V open flags %d\nV open mode 420\nV open.return retstr %d\n",
		O_WRONLY | O_CREAT | O_TRUNC, fd);
	SC(SYS_write, fd, "hello, world\n", 13);
	EXP("write", rs(R, E), "%d, \"hello, world\\n\", 13", fd);
	fprintf(ex, "V write fd %d\nV write count 13\n", fd);
	SC(SYS_write, fd, "0123456789abcdefghijklmnopqrstuvwxyzABCD", 40);
	EXP("write", rs(R, E), "%d, \"0123456789abcdefghijklmnopqrstuv\"..., 40", fd);
	SC(SYS_pwrite64, fd, "HELLO", 5, 0);
	EXP("pwrite", rs(R, E), "%d, \"HELLO\", 5, 0", fd);
	iov[0].iov_base = "ab";
	iov[0].iov_len = 2;
	iov[1].iov_base = "cd\n";
	iov[1].iov_len = 3;
	SC(SYS_writev, fd, iov, 2);
	EXP("writev", rs(R, E), "%d, 0x%lx, 2", fd, U(iov));
	SC(SYS_pwritev, fd, iov, 2, 100);
	EXP("pwritev", rs(R, E), "%d, 0x%lx, 2, 100", fd, U(iov));
	SC(SYS_fsync, fd);
	EXP("fsync", rs(R, E), "%d", fd);
	SC(SYS_fdatasync, fd);
	EXP("fdatasync", rs(R, E), "%d", fd);
	SC(SYS_ftruncate, fd, 200);
	EXP("ftruncate", rs(R, E), "%d, 200", fd);
	SC(SYS_fchmod, fd, 0600);
	EXP("fchmod", rs(R, E), "%d, 0600", fd);
	SC(SYS_fchown, fd, 0, 0);
	EXP("fchown", rs(R, E), "%d, 0, 0", fd);
	SC(SYS_fallocate, fd, 0, 0, 4096);
	EXP("fallocate", rs(R, E), "%d, 0, 0, 4096", fd);
	SC(SYS_fadvise64, fd, 0, 0, 0);
	EXP("fadvise64", rs(R, E), "%d, 0, 0, 0", fd);
	SC(SYS_flock, fd, LOCK_EX);
	EXP("flock", rs(R, E), "%d, LOCK_EX", fd);
	SC(SYS_flock, fd, LOCK_UN);
	EXP("flock", rs(R, E), "%d, LOCK_UN", fd);
	SC(SYS_fcntl, fd, F_GETFL, 0);
	EXP("fcntl", rs(R, E), "%d, F_GETFL, 0", fd);
	SC(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
	EXP("fcntl", rs(R, E), "%d, F_SETFD, 1", fd);
	SC(SYS_syncfs, fd);
	EXP("syncfs", rs(R, E), "%d", fd);
	SC(SYS_close, fd);
	EXP("close", rs(R, E), "%d", fd);
	SC(SYS_close, fd);
	EXP("close", rs(R, E), "%d", fd);

	fd = SC(SYS_openat, AT_FDCWD, D "/f1", O_RDWR | O_APPEND | O_CLOEXEC);
	EXP("openat", rs(R, E), "AT_FDCWD, \"" D "/f1\", O_RDWR|O_APPEND|O_CLOEXEC");
	fprintf(ex, "V openat dfd -100\nV openat dfd_str AT_FDCWD\nV openat filename_unquoted " D "/f1\n"
		"V openat flags_str O_RDWR|O_APPEND|O_CLOEXEC\n");
	SC(SYS_read, fd, buf, 4);
	EXP("read", rs(R, E), "%d, 0x%lx, 4", fd, U(buf));
	fprintf(ex, "V read fd %d\nV read count 4\nV read buf_uaddr %lu\n", fd, U(buf));
	SC(SYS_pread64, fd, buf, 3, 7);
	EXP("pread", rs(R, E), "%d, 0x%lx, 3, 7", fd, U(buf));
	SC(SYS_readv, fd, iov, 1);
	iov[0].iov_base = buf;
	iov[0].iov_len = 8;
	SC(SYS_readv, fd, iov, 1);
	EXP("readv", rs(R, E), "%d, 0x%lx, 1", fd, U(iov));
	SC(SYS_preadv, fd, iov, 1, 2);
	EXP("preadv", rs(R, E), "%d, 0x%lx, 1, 2", fd, U(iov));
	SC(SYS_lseek, fd, 5, SEEK_SET);
	EXP("lseek", rs(R, E), "%d, 5, SEEK_SET", fd);
	SC(SYS_lseek, fd, -2L, SEEK_END);
	EXP("lseek", rs(R, E), "%d, -2, SEEK_END", fd);
	fprintf(ex, "V lseek fildes %d\nV lseek offset -2\nV lseek whence 2\nV lseek whence_str SEEK_END\n", fd);
	SC(SYS_ioctl, fd, FIONREAD, buf);
	EXP("ioctl", rs(R, E), "%d, %d, 0x%lx", fd, FIONREAD, U(buf));
	SC(SYS_fstat, fd, &st);
	EXP("fstat", rs(R, E), "%d, 0x%lx", fd, U(&st));
	SC(SYS_fstatfs, fd, buf);
	EXP("fstatfs", rs(R, E), "%d, 0x%lx", fd, U(buf));
	fd2 = SC(SYS_dup, fd);
	EXP("dup", rs(R, E), "%d", fd);
	SC(SYS_dup2, fd, 20);
	EXP("dup2", rs(R, E), "%d, 20", fd);
	SC(SYS_dup3, fd, 21, O_CLOEXEC);
	EXP("dup3", rs(R, E), "%d, 21, O_CLOEXEC", fd);
	SC(SYS_close_range, 20, 21, 0);
	EXP("close_range", rs(R, E), "20, 21, 0");
	close(fd2);

	SC(SYS_creat, D "/f2", 0600);
	EXP("creat", rs(R, E), "\"" D "/f2\", 0600");
	fd2 = R;
	SC(SYS_sendfile, fd2, fd, NULL, 10);
	EXP("sendfile", rs(R, E), "%d, %d, 0x0, 10", fd2, fd);
	off = 0;
	SC(SYS_copy_file_range, fd, &off, fd2, NULL, 5, 0);
	EXP("copy_file_range", rs(R, E), "%d, 0x%lx, %d, 0x0, 5, 0x0", fd, U(&off), fd2);
	pipe(q);
	SC(SYS_pipe, p);
	EXP("pipe", rs(R, E), "0x%lx", U(p));
	SC(SYS_write, p[1], "pipedata", 8);
	SC(SYS_tee, p[0], q[1], 8, 0);
	EXP("tee", rs(R, E), "%d, %d, 8, 0x0", p[0], q[1]);
	off = 0;
	SC(SYS_splice, p[0], NULL, fd2, &off, 8, 0);
	EXP("splice", rs(R, E), "%d, 0x0, %d, 0x%lx, 8, 0x0", p[0], fd2, U(&off));
	close(p[0]);
	close(p[1]);
	SC(SYS_pipe2, p, O_CLOEXEC | O_NONBLOCK);
	EXP("pipe2", rs(R, E), "0x%lx, O_CLOEXEC|O_NONBLOCK", U(p));
	SC(SYS_read, p[0], buf, 1);
	EXP("read", rs(R, E), "%d, 0x%lx, 1", p[0], U(buf));
	{
		struct pollfd pf = { .fd = q[0], .events = POLLIN };
		struct timespec z = { 0, 0 };
		struct timeval tv = { 0, 0 };
		fd_set rfds;
		int ep;
		struct epoll_event ev = { .events = EPOLLIN }, evs[4];

		SC(SYS_poll, &pf, 1, 0);
		EXP("poll", rs(R, E), "0x%lx, 1, 0", U(&pf));
		SC(SYS_ppoll, &pf, 1, &z, NULL, 8);
		EXP("ppoll", rs(R, E), "0x%lx, 1, [0.000000000], 0x0, 8", U(&pf));
		FD_ZERO(&rfds);
		FD_SET(q[0], &rfds);
		SC(SYS_select, q[0] + 1, &rfds, NULL, NULL, &tv);
		EXP("select", rs(R, E), "%d, 0x%lx, 0x0, 0x0, [0.000000]", q[0] + 1, U(&rfds));
		FD_SET(q[0], &rfds);
		SC(SYS_pselect6, q[0] + 1, &rfds, NULL, NULL, &z, NULL);
		EXP("pselect6", rs(R, E), "%d, 0x%lx, 0x0, 0x0, [0.000000000], 0x0", q[0] + 1, U(&rfds));
		ep = SC(SYS_epoll_create, 4);
		EXP("epoll_create", rs(R, E), "4");
		close(ep);
		ep = SC(SYS_epoll_create1, EPOLL_CLOEXEC);
		EXP("epoll_create1", rs(R, E), "EPOLL_CLOEXEC");
		SC(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, q[0], &ev);
		EXP("epoll_ctl", rs(R, E), "%d, EPOLL_CTL_ADD, %d, 0x%lx", ep, q[0], U(&ev));
		SC(SYS_epoll_wait, ep, evs, 4, 0);
		EXP("epoll_wait", rs(R, E), "%d, 0x%lx, 4, 0", ep, U(evs));
		SC(SYS_epoll_pwait, ep, evs, 4, 0, NULL, 8);
		EXP("epoll_pwait", rs(R, E), "%d, 0x%lx, 4, 0, 0x0, 8", ep, U(evs));
		close(ep);
	}
	close(q[0]);
	close(q[1]);
	close(fd);
	close(fd2);

	SC(SYS_stat, D "/f1", &st);
	EXP("stat", rs(R, E), "\"" D "/f1\", 0x%lx", U(&st));
	SC(SYS_symlink, D "/f1", D "/l1");
	EXP("symlink", rs(R, E), "\"" D "/f1\", \"" D "/l1\"");
	SC(SYS_lstat, D "/l1", &st);
	EXP("lstat", rs(R, E), "\"" D "/l1\", 0x%lx", U(&st));
	SC(SYS_newfstatat, AT_FDCWD, D "/l1", &st, AT_SYMLINK_NOFOLLOW);
	EXP("fstatat", rs(R, E), "AT_FDCWD, \"" D "/l1\", 0x%lx, AT_SYMLINK_NOFOLLOW", U(&st));
	SC(SYS_statx, AT_FDCWD, D "/f1", 0, 0x7ff, &stx);
	EXP("statx", rs(R, E), "AT_FDCWD, \"" D "/f1\", 0, 0x7ff, 0x%lx", U(&stx));
	SC(SYS_statfs, D, buf);
	EXP("statfs", rs(R, E), "\"" D "\", 0x%lx", U(buf));
	SC(SYS_readlink, D "/l1", rl, sizeof(rl));
	EXP("readlink", rs(R, E), "\"" D "/l1\", 0x%lx, %d", U(rl), (int)sizeof(rl));
	SC(SYS_readlinkat, AT_FDCWD, D "/l1", rl, 10);
	EXP("readlinkat", rs(R, E), "AT_FDCWD, \"" D "/l1\", 0x%lx, 10", U(rl));
	SC(SYS_access, D "/f1", R_OK | W_OK);
	EXP("access", rs(R, E), "\"" D "/f1\", R_OK|W_OK");
	fprintf(ex, "V access pathname_unquoted " D "/f1\nV access mode 6\nV access mode_str R_OK|W_OK\n");
	SC(SYS_access, D "/nosuch", F_OK);
	EXP("access", rs(R, E), "\"" D "/nosuch\", F_OK");
	SC(SYS_faccessat, AT_FDCWD, D "/f1", X_OK);
	EXP("faccessat", rs(R, E), "AT_FDCWD, \"" D "/f1\", X_OK");
	SC(SYS_faccessat2, AT_FDCWD, D "/f1", R_OK, AT_EACCESS);
	EXP("faccessat2", rs(R, E), "AT_FDCWD, \"" D "/f1\", R_OK, AT_EACCESS");
	SC(SYS_truncate, D "/f1", 20);
	EXP("truncate", rs(R, E), "\"" D "/f1\", 20");
	SC(SYS_chmod, D "/f1", 0640);
	EXP("chmod", rs(R, E), "\"" D "/f1\", 0640");
	SC(SYS_chown, D "/f1", 0, 0);
	EXP("chown", rs(R, E), "\"" D "/f1\", 0, 0");
	SC(SYS_lchown, D "/l1", 0, 0);
	EXP("lchown", rs(R, E), "\"" D "/l1\", 0, 0");
	SC(SYS_fchmodat, AT_FDCWD, D "/f1", 0644);
	EXP("fchmodat", rs(R, E), "AT_FDCWD, \"" D "/f1\", 0644");
	SC(SYS_fchownat, AT_FDCWD, D "/l1", 0, 0, AT_SYMLINK_NOFOLLOW);
	EXP("fchownat", rs(R, E), "AT_FDCWD, \"" D "/l1\", 0, 0, AT_SYMLINK_NOFOLLOW");
	SC(SYS_utimensat, AT_FDCWD, D "/f1", NULL, 0);
	EXP("utimensat", rs(R, E), "AT_FDCWD, \"" D "/f1\", 0x0, 0");
	SC(SYS_link, D "/f1", D "/h1");
	EXP("link", rs(R, E), "\"" D "/f1\", \"" D "/h1\"");
	SC(SYS_linkat, AT_FDCWD, D "/f1", AT_FDCWD, D "/h2", 0);
	EXP("linkat", rs(R, E), "AT_FDCWD, \"" D "/f1\", AT_FDCWD, \"" D "/h2\", 0");
	SC(SYS_rename, D "/h1", D "/h3");
	EXP("rename", rs(R, E), "\"" D "/h1\", \"" D "/h3\"");
	SC(SYS_renameat, AT_FDCWD, D "/h3", AT_FDCWD, D "/h4");
	EXP("renameat", rs(R, E), "AT_FDCWD, \"" D "/h3\", AT_FDCWD, \"" D "/h4\"");
	SC(SYS_renameat2, AT_FDCWD, D "/h4", AT_FDCWD, D "/h2", RENAME_NOREPLACE);
	EXP("renameat2", rs(R, E), "AT_FDCWD, \"" D "/h4\", AT_FDCWD, \"" D "/h2\", RENAME_NOREPLACE");
	SC(SYS_unlink, D "/h4");
	EXP("unlink", rs(R, E), "\"" D "/h4\"");
	SC(SYS_unlinkat, AT_FDCWD, D "/h2", 0);
	EXP("unlinkat", rs(R, E), "AT_FDCWD, \"" D "/h2\", 0");
	SC(SYS_symlinkat, D "/f1", AT_FDCWD, D "/l2");
	EXP("symlinkat", rs(R, E), "\"" D "/f1\", AT_FDCWD, \"" D "/l2\"");
	SC(SYS_mkdir, D "/d1", 0700);
	EXP("mkdir", rs(R, E), "\"" D "/d1\", 0700");
	fprintf(ex, "V mkdir pathname \"" D "/d1\"\nV mkdir mode 448\n");
	SC(SYS_mkdirat, AT_FDCWD, D "/d2", 0755);
	EXP("mkdirat", rs(R, E), "AT_FDCWD, \"" D "/d2\", 0755");
	SC(SYS_rmdir, D "/d1");
	EXP("rmdir", rs(R, E), "\"" D "/d1\"");
	SC(SYS_unlinkat, AT_FDCWD, D "/d2", AT_REMOVEDIR);
	EXP("unlinkat", rs(R, E), "AT_FDCWD, \"" D "/d2\", AT_REMOVEDIR");
	SC(SYS_mknod, D "/fifo", S_IFIFO | 0644, 0);
	EXP("mknod", rs(R, E), "\"" D "/fifo\", 010644, 0");
	SC(SYS_umask, 027);
	EXP("umask", "*", "027");
	SC(SYS_umask, 022);
	EXP("umask", "027", "022");

	dfd = open(D, O_RDONLY | O_DIRECTORY);
	SC(SYS_getdents64, dfd, buf, sizeof(buf));
	EXP("getdents64", rs(R, E), "%d, 0x%lx, %d", dfd, U(buf), (int)sizeof(buf));
	lseek(dfd, 0, SEEK_SET);
	SC(SYS_getdents, dfd, buf, sizeof(buf));
	EXP("getdents", rs(R, E), "%d, 0x%lx, %d", dfd, U(buf), (int)sizeof(buf));
	SC(SYS_fchdir, dfd);
	EXP("fchdir", rs(R, E), "%d", dfd);
	close(dfd);
	SC(SYS_chdir, "/");
	EXP("chdir", rs(R, E), "\"/\"");
	SC(SYS_getcwd, buf, 200);
	EXP("getcwd", rs(R, E), "0x%lx, 200", U(buf));
	SC(SYS_chroot, "/");
	EXP("chroot", rs(R, E), "\"/\"");
	SC(SYS_sync);
	EXP("sync", rs(R, E), "");
	SC(SYS_mkdir, D "/mnt", 0755);
	SC(SYS_mount, "none", D "/mnt", "tmpfs", MS_NOSUID, NULL);
	EXP("mount", rs(R, E), "\"none\", \"" D "/mnt\", \"tmpfs\", 0x2, 0x0");
	SC(SYS_umount2, D "/mnt", 0);
	EXP("umount", rs(R, E), "\"" D "/mnt\", 0x0");

	fd = SC(SYS_inotify_init1, IN_CLOEXEC);
	EXP("inotify_init1", rs(R, E), "IN_CLOEXEC");
	SC(SYS_inotify_add_watch, fd, D, IN_CREATE);
	EXP("inotify_add_watch", rs(R, E), "%d, \"" D "\", 0x100", fd);
	SC(SYS_inotify_rm_watch, fd, (int)R);
	EXP("inotify_rm_watch", rs(R, E), "%d, 1", fd);
	close(fd);
	fd = SC(SYS_memfd_create, "stapmemfd", MFD_CLOEXEC);
	EXP("memfd_create", rs(R, E), "\"stapmemfd\", MFD_CLOEXEC");
	close(fd);
	fd = SC(SYS_eventfd, 3);
	EXP("eventfd", rs(R, E), "3");
	close(fd);
	fd = SC(SYS_eventfd2, 5, EFD_NONBLOCK);
	EXP("eventfd2", rs(R, E), "5, EFD_NONBLOCK");
	close(fd);
}

static void memory(void)
{
	unsigned char vec[4];
	char *a, *b;

	SC(SYS_brk, 0);
	EXP("brk", rsx(R, E), "0x0");
	a = (char *)SC(SYS_mmap, NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXP("mmap", rsx(R, E), "0x0, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0");
	fprintf(ex, "V mmap start 0\nV mmap length 8192\nV mmap prot 3\nV mmap flags 34\nV mmap fd -1\n"
		"V mmap offset 0\nV mmap.return retstr 0x%lx\n", U(a));
	a[0] = 1;
	SC(SYS_mprotect, a, 4096, PROT_READ);
	EXP("mprotect", rs(R, E), "0x%lx, 4096, PROT_READ", U(a));
	SC(SYS_mprotect, a, 4096, PROT_NONE);
	EXP("mprotect", rs(R, E), "0x%lx, 4096, PROT_NONE", U(a));
	SC(SYS_madvise, a, 8192, MADV_DONTNEED);
	EXP("madvise", rs(R, E), "0x%lx, 8192, MADV_DONTNEED", U(a));
	SC(SYS_mincore, a, 8192, vec);
	EXP("mincore", rs(R, E), "0x%lx, 8192, 0x%lx", U(a), U(vec));
	SC(SYS_msync, a, 8192, MS_SYNC);
	EXP("msync", rs(R, E), "0x%lx, 8192, MS_SYNC", U(a));
	SC(SYS_mlock, a + 4096, 4096);
	EXP("mlock", rs(R, E), "0x%lx, 4096", U(a + 4096));
	SC(SYS_munlock, a + 4096, 4096);
	EXP("munlock", rs(R, E), "0x%lx, 4096", U(a + 4096));
	SC(SYS_mlockall, MCL_CURRENT);
	EXP("mlockall", rs(R, E), "MCL_CURRENT");
	SC(SYS_munlockall);
	EXP("munlockall", rs(R, E), "");
	b = (char *)SC(SYS_mremap, a, 8192, 16384, MREMAP_MAYMOVE, 0);
	EXP("mremap", rsx(R, E), "0x%lx, 8192, 16384, MREMAP_MAYMOVE, 0x0", U(a));
	SC(SYS_munmap, b, 16384);
	EXP("munmap", rs(R, E), "0x%lx, 16384", U(b));
}

static void sigs(void)
{
	struct sigaction sa;
	uint64_t m, old;
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	struct timespec ts = { 1, 0 };
	siginfo_t si;
	stack_t ss;
	static char stk[65536];
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaction(SIGUSR1, &sa, NULL);
	EXP("rt_sigaction", "0", "SIGUSR1, 0x*, 0x0, 8");
	sigaction(SIGALRM, &sa, NULL);
	SC(SYS_kill, getpid(), SIGUSR1);
	EXP("kill", rs(R, E), "%d, SIGUSR1", getpid());
	fprintf(ex, "V kill pid %d\nV kill sig 10\nV kill sig_name SIGUSR1\n", getpid());
	EXP("rt_sigreturn", "*", "");
	SC(SYS_kill, getpid(), 0);
	EXP("kill", rs(R, E), "%d, 0", getpid());
	SC(SYS_tkill, gettid(), 0);
	EXP("tkill", rs(R, E), "%d, 0", gettid());
	SC(SYS_tgkill, getpid(), gettid(), 0);
	EXP("tgkill", rs(R, E), "%d, %d, 0", getpid(), gettid());
	SC(SYS_kill, 999999, SIGTERM);
	EXP("kill", rs(R, E), "999999, SIGTERM");

	m = 1ULL << (SIGUSR2 - 1);
	SC(SYS_rt_sigprocmask, SIG_BLOCK, &m, &old, 8);
	EXP("rt_sigprocmask", rs(R, E), "SIG_BLOCK, [SIGUSR2], 0x%lx, 8", U(&old));
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	SC(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, &si);
	EXP("rt_sigqueueinfo", rs(R, E), "%d, SIGUSR2, 0x%lx", getpid(), U(&si));
	SC(SYS_rt_sigpending, &old, 8);
	EXP("rt_sigpending", rs(R, E), "0x%lx, 8", U(&old));
	SC(SYS_rt_sigtimedwait, &m, NULL, &ts, 8);
	EXP("rt_sigtimedwait", rs(R, E), "[SIGUSR2], 0x0, [1.000000000], 8");

	m = 1ULL << (SIGALRM - 1);
	SC(SYS_rt_sigprocmask, SIG_BLOCK, &m, NULL, 8);
	EXP("rt_sigprocmask", rs(R, E), "SIG_BLOCK, [SIGALRM], 0x0, 8");
	SC(SYS_setitimer, ITIMER_REAL, &it, NULL);
	EXP("setitimer", rs(R, E), "ITIMER_REAL, [0.000000, 0.020000], 0x0");
	m = 0;
	SC(SYS_rt_sigsuspend, &m, 8);
	EXP("rt_sigsuspend", "-514 (ERESTARTNOHAND)", "[EMPTY], 8");
	m = 1ULL << (SIGALRM - 1);
	SC(SYS_rt_sigprocmask, SIG_UNBLOCK, &m, NULL, 8);
	EXP("rt_sigprocmask", rs(R, E), "SIG_UNBLOCK, [SIGALRM], 0x0, 8");
	SC(SYS_setitimer, ITIMER_REAL, &it, NULL);
	SC(SYS_pause);
	EXP("pause", "-514 (ERESTARTNOHAND)", "");
	SC(SYS_getitimer, ITIMER_REAL, &it);
	EXP("getitimer", rs(R, E), "ITIMER_REAL, 0x%lx", U(&it));
	SC(SYS_alarm, 100);
	EXP("alarm", rs(R, E), "100");
	SC(SYS_alarm, 0);
	EXP("alarm", "*", "0");

	ss.ss_sp = stk;
	ss.ss_size = sizeof(stk);
	ss.ss_flags = 0;
	SC(SYS_sigaltstack, &ss, NULL);
	EXP("sigaltstack", rs(R, E), "0x%lx, 0x0", U(&ss));
	m = 1ULL << (SIGUSR2 - 1);
	fd = SC(SYS_signalfd4, -1, &m, 8, SFD_CLOEXEC);
	EXP("signalfd4", rs(R, E), "-1, [SIGUSR2], 8, SFD_CLOEXEC");
	close(fd);
}

static void timers(void)
{
	struct timespec ts = { 0, 1000000 }, now;
	struct timeval tv;
	struct itimerspec its = { { 0, 0 }, { 100, 0 } };
	timer_t tid;
	int fd;

	SC(SYS_nanosleep, &ts, NULL);
	EXP("nanosleep", rs(R, E), "[0.001000000], 0x0");
	SC(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
	EXP("clock_nanosleep", rs(R, E), "CLOCK_MONOTONIC, 0, [0.001000000], 0x0");
	SC(SYS_clock_gettime, CLOCK_REALTIME, &now);
	EXP("clock_gettime", rs(R, E), "CLOCK_REALTIME, 0x%lx", U(&now));
	SC(SYS_clock_getres, CLOCK_BOOTTIME, &ts);
	EXP("clock_getres", rs(R, E), "CLOCK_BOOTTIME, 0x%lx", U(&ts));
	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_nsec = 5;
	SC(SYS_clock_settime, CLOCK_REALTIME, &now);
	EXP("clock_settime", rs(R, E), "CLOCK_REALTIME, [%ld.000000005]", (long)now.tv_sec);
	SC(SYS_gettimeofday, &tv, NULL);
	EXP("gettimeofday", rs(R, E), "0x%lx, 0x0", U(&tv));
	tv.tv_usec = 7;
	SC(SYS_settimeofday, &tv, NULL);
	EXP("settimeofday", rs(R, E), "[%ld.000007], 0x0", (long)tv.tv_sec);
	SC(SYS_time, NULL);
	EXP("time", "*", "0x0");
	SC(SYS_timer_create, CLOCK_MONOTONIC, NULL, &tid);
	EXP("timer_create", rs(R, E), "CLOCK_MONOTONIC, 0x0, 0x%lx", U(&tid));
	SC(SYS_timer_settime, tid, 0, &its, NULL);
	EXP("timer_settime", rs(R, E), "%d, 0, 0x%lx, 0x0", (int)(long)tid, U(&its));
	SC(SYS_timer_gettime, tid, &its);
	EXP("timer_gettime", rs(R, E), "%d, 0x%lx", (int)(long)tid, U(&its));
	SC(SYS_timer_getoverrun, tid);
	EXP("timer_getoverrun", rs(R, E), "%d", (int)(long)tid);
	SC(SYS_timer_delete, tid);
	EXP("timer_delete", rs(R, E), "%d", (int)(long)tid);
	fd = SC(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC);
	EXP("timerfd_create", rs(R, E), "CLOCK_MONOTONIC, TFD_CLOEXEC");
	its.it_value.tv_sec = 100;
	SC(SYS_timerfd_settime, fd, TFD_TIMER_ABSTIME, &its, NULL);
	EXP("timerfd_settime", rs(R, E), "%d, TIMER_ABSTIME, 0x%lx, 0x0", fd, U(&its));
	SC(SYS_timerfd_gettime, fd, &its);
	EXP("timerfd_gettime", rs(R, E), "%d, 0x%lx", fd, U(&its));
	close(fd);
}

static void procs(void)
{
	struct rlimit rl;
	struct rusage ru;
	struct sched_param sp = { 0 };
	cpu_set_t set;
	gid_t groups[64];
	uid_t a, b, c;
	char buf[512];
	siginfo_t info;
	int st, n, fut = 0, tidv;
	long fsbase;
	pid_t pid;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct cap[2];
	pthread_t th;

	SC(SYS_getpid);
	EXP("getpid", rs(R, E), "");
	SC(SYS_getppid);
	EXP("getppid", rs(R, E), "");
	SC(SYS_gettid);
	EXP("gettid", rs(R, E), "");
	SC(SYS_getuid);
	EXP("getuid", rs(R, E), "");
	SC(SYS_geteuid);
	EXP("geteuid", rs(R, E), "");
	SC(SYS_getgid);
	EXP("getgid", rs(R, E), "");
	SC(SYS_getegid);
	EXP("getegid", rs(R, E), "");
	SC(SYS_getpgrp);
	EXP("getpgrp", rs(R, E), "");
	SC(SYS_getpgid, 0);
	EXP("getpgid", rs(R, E), "0");
	SC(SYS_getsid, 0);
	EXP("getsid", rs(R, E), "0");
	SC(SYS_setsid);
	EXP("setsid", rs(R, E), "");
	SC(SYS_setpgid, 0, 0);
	EXP("setpgid", rs(R, E), "0, 0");
	SC(SYS_setuid, 0);
	EXP("setuid", rs(R, E), "0");
	SC(SYS_setgid, 0);
	EXP("setgid", rs(R, E), "0");
	SC(SYS_setreuid, -1, -1);
	EXP("setreuid", rs(R, E), "-1, -1");
	SC(SYS_setregid, -1, -1);
	EXP("setregid", rs(R, E), "-1, -1");
	SC(SYS_setresuid, -1, -1, -1);
	EXP("setresuid", rs(R, E), "-1, -1, -1");
	SC(SYS_setresgid, -1, -1, -1);
	EXP("setresgid", rs(R, E), "-1, -1, -1");
	SC(SYS_getresuid, &a, &b, &c);
	EXP("getresuid", rs(R, E), "0x%lx, 0x%lx, 0x%lx", U(&a), U(&b), U(&c));
	SC(SYS_getresgid, &a, &b, &c);
	EXP("getresgid", rs(R, E), "0x%lx, 0x%lx, 0x%lx", U(&a), U(&b), U(&c));
	n = SC(SYS_getgroups, 64, groups);
	EXP("getgroups", rs(R, E), "64, 0x%lx", U(groups));
	SC(SYS_setgroups, n, groups);
	EXP("setgroups", rs(R, E), "%d, 0x%lx", n, U(groups));
	SC(SYS_getpriority, PRIO_PROCESS, 0);
	EXP("getpriority", rs(R, E), "PRIO_PROCESS, 0");
	SC(SYS_setpriority, PRIO_PROCESS, 0, 0);
	EXP("setpriority", rs(R, E), "PRIO_PROCESS, 0, 0");
	SC(SYS_sched_yield);
	EXP("sched_yield", rs(R, E), "");
	SC(SYS_sched_getaffinity, 0, sizeof(set), &set);
	EXP("sched_getaffinity", rs(R, E), "0, %d, 0x%lx", (int)sizeof(set), U(&set));
	SC(SYS_sched_setaffinity, 0, sizeof(set), &set);
	EXP("sched_setaffinity", rs(R, E), "0, %d, 0x%lx", (int)sizeof(set), U(&set));
	SC(SYS_sched_getscheduler, 0);
	EXP("sched_getscheduler", rs(R, E), "0");
	SC(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp);
	EXP("sched_setscheduler", rs(R, E), "0, SCHED_OTHER, 0x%lx", U(&sp));
	SC(SYS_sched_getparam, 0, &sp);
	EXP("sched_getparam", rs(R, E), "0, 0x%lx", U(&sp));
	SC(SYS_sched_setparam, 0, &sp);
	EXP("sched_setparam", rs(R, E), "0, 0x%lx", U(&sp));
	SC(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
	EXP("prctl", rs(R, E), "PR_GET_DUMPABLE, 0x0, 0x0, 0x0, 0x0");
	SC(SYS_arch_prctl, ARCH_GET_FS, &fsbase);
	EXP("arch_prctl", rs(R, E), "ARCH_GET_FS, 0x%lx", U(&fsbase));
	SC(SYS_uname, buf);
	EXP("uname", rs(R, E), "0x%lx", U(buf));
	SC(SYS_getrlimit, RLIMIT_NOFILE, &rl);
	EXP("getrlimit", rs(R, E), "RLIMIT_NOFILE, 0x%lx", U(&rl));
	SC(SYS_setrlimit, RLIMIT_NOFILE, &rl);
	EXP("setrlimit", rs(R, E), "RLIMIT_NOFILE, 0x%lx", U(&rl));
	SC(SYS_prlimit64, 0, RLIMIT_CORE, NULL, &rl);
	EXP("prlimit64", rs(R, E), "0, RLIMIT_CORE, 0x0, 0x%lx", U(&rl));
	SC(SYS_getrusage, RUSAGE_SELF, &ru);
	EXP("getrusage", rs(R, E), "RUSAGE_SELF, 0x%lx", U(&ru));
	SC(SYS_getrusage, RUSAGE_CHILDREN, &ru);
	EXP("getrusage", rs(R, E), "RUSAGE_CHILDREN, 0x%lx", U(&ru));
	SC(SYS_sysinfo, buf);
	EXP("sysinfo", rs(R, E), "0x%lx", U(buf));
	SC(SYS_times, buf);
	EXP("times", rs(R, E), "0x%lx", U(buf));
	SC(SYS_set_tid_address, &tidv);
	EXP("set_tid_address", rs(R, E), "0x%lx", U(&tidv));
	SC(SYS_set_robust_list, buf, 24);
	EXP("set_robust_list", rs(R, E), "0x%lx, 24", U(buf));
	SC(SYS_futex, &fut, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	EXP("futex", rs(R, E), "0x%lx, FUTEX_WAKE_PRIVATE, 1", U(&fut));
	{
		struct timespec t = { 1, 0 };

		SC(SYS_futex, &fut, FUTEX_WAIT_PRIVATE, 5, &t, NULL, 0);
		EXP("futex", rs(R, E), "0x%lx, FUTEX_WAIT_PRIVATE, 5, [1.000000000]", U(&fut));
	}
	SC(SYS_getrandom, buf, 16, GRND_NONBLOCK);
	EXP("getrandom", rs(R, E), "0x%lx, 16, GRND_NONBLOCK", U(buf));
	SC(SYS_personality, 0xffffffff);
	EXP("personality", rsx(R, E), "0xffffffff");
	SC(SYS_capget, &hdr, cap);
	EXP("capget", rs(R, E), "0x%lx, 0x%lx", U(&hdr), U(cap));
	SC(SYS_capset, &hdr, cap);
	EXP("capset", rs(R, E), "0x%lx, 0x%lx", U(&hdr), U(cap));
	SC(SYS_sethostname, "stapvm", 6);
	EXP("sethostname", rs(R, E), "\"stapvm\", 6");

	pid = SC(SYS_fork);
	if (pid == 0)
		_exit(3);
	EXP("fork", rs(R, E), "");
	SC(SYS_wait4, pid, &st, 0, NULL);
	EXP("wait4", rs(R, E), "%d, 0x%lx, 0, 0x0", pid, U(&st));
	fprintf(ex, "V wait4.return retstr %d\n", pid);
	pid = vfork();
	if (pid == 0)
		_exit(4);
	EXP("vfork", "*", "");
	SC(SYS_waitid, P_PID, pid, &info, WEXITED, NULL);
	EXP("waitid", rs(R, E), "1, %d, 0x%lx, WEXITED, 0x0", pid, U(&info));
	pid = SC(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0)
		_exit(5);
	EXP("clone", rs(R, E), "SIGCHLD, 0x0, 0x0, 0x0, 0x0");
	SC(SYS_wait4, -1, NULL, WNOHANG | __WALL, NULL);
	EXP("wait4", "*", "-1, 0x0, WNOHANG|__WALL, 0x0");
	waitpid(pid, NULL, 0);
	SC(SYS_wait4, -1, NULL, 0, NULL);
	EXP("wait4", "-10 (ECHILD)", "-1, 0x0, 0, 0x0");
	/* glibc makes threads with clone3 */
	pthread_create(&th, NULL, thread_exit, NULL);
	EXP("clone3", "*", "0x*, 88");
	pthread_join(th, NULL);
}

static void net(void)
{
	struct sockaddr_in sin;
	struct sockaddr_in peer;
	socklen_t len;
	struct msghdr msg;
	struct iovec iov;
	char buf[64];
	int s, c, a, one = 1, sv[2], v;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(47111);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = SC(SYS_socket, AF_INET, SOCK_STREAM, 0);
	EXP("socket", rs(R, E), "AF_INET, SOCK_STREAM, IPPROTO_IP");
	fprintf(ex, "V socket family 2\nV socket type 1\nV socket protocol 0\nV socket.return retstr %d\n", s);
	SC(SYS_setsockopt, s, SOL_SOCKET, SO_REUSEADDR, &one, 4);
	EXP("setsockopt", rs(R, E), "%d, SOL_SOCKET, SO_REUSEADDR, 0x%lx, 4", s, U(&one));
	SC(SYS_bind, s, &sin, sizeof(sin));
	EXP("bind", rs(R, E), "%d, {AF_INET, 127.0.0.1, 47111}, 16", s);
	SC(SYS_listen, s, 5);
	EXP("listen", rs(R, E), "%d, 5", s);
	c = SC(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	EXP("socket", rs(R, E), "AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP");
	SC(SYS_connect, c, &sin, sizeof(sin));
	EXP("connect", rs(R, E), "%d, {AF_INET, 127.0.0.1, 47111}, 16", c);
	fprintf(ex, "V connect sockfd %d\nV connect addrlen 16\n", c);
	len = sizeof(peer);
	a = SC(SYS_accept, s, &peer, &len);
	EXP("accept", rs(R, E), "%d, 0x%lx, 0x%lx", s, U(&peer), U(&len));
	SC(SYS_getsockname, c, &peer, &len);
	EXP("getsockname", rs(R, E), "%d, 0x%lx, 0x%lx", c, U(&peer), U(&len));
	SC(SYS_getpeername, c, &peer, &len);
	EXP("getpeername", rs(R, E), "%d, 0x%lx, 0x%lx", c, U(&peer), U(&len));
	len = sizeof(v);
	SC(SYS_getsockopt, c, SOL_SOCKET, SO_ERROR, &v, &len);
	EXP("getsockopt", rs(R, E), "%d, SOL_SOCKET, SO_ERROR, 0x%lx, 0x%lx", c, U(&v), U(&len));
	SC(SYS_sendto, c, "hello", 5, MSG_NOSIGNAL, NULL, 0);
	EXP("sendto", rs(R, E), "%d, \"hello\", 5, MSG_NOSIGNAL, NULL, 0", c);
	SC(SYS_recvfrom, a, buf, sizeof(buf), 0, NULL, NULL);
	EXP("recvfrom", rs(R, E), "%d, 0x%lx, %d, 0, 0x0, 0x0", a, U(buf), (int)sizeof(buf));
	SC(SYS_shutdown, c, SHUT_WR);
	EXP("shutdown", rs(R, E), "%d, SHUT_WR", c);
	close(c);
	close(a);
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&sin, sizeof(sin));
	a = SC(SYS_accept4, s, NULL, NULL, SOCK_CLOEXEC);
	EXP("accept4", rs(R, E), "%d, 0x0, 0x0, SOCK_CLOEXEC", s);
	close(a);
	close(c);
	close(s);

	SC(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv);
	EXP("socketpair", rs(R, E), "AF_UNIX, SOCK_STREAM, 0, 0x%lx", U(sv));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = "msg";
	iov.iov_len = 3;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	SC(SYS_sendmsg, sv[0], &msg, 0);
	EXP("sendmsg", rs(R, E), "%d, 0x%lx, 0", sv[0], U(&msg));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	SC(SYS_recvmsg, sv[1], &msg, MSG_DONTWAIT);
	EXP("recvmsg", rs(R, E), "%d, 0x%lx, MSG_DONTWAIT", sv[1], U(&msg));
	close(sv[0]);
	close(sv[1]);
}

int main(int argc, char **argv)
{
	char *args[4];

	if (argc < 2)
		return 2;
	self = "/proc/self/exe";
	expfile = argv[argc - 1];
	ex = fopen(expfile, "a");
	if (!ex)
		return 2;
	if (argc == 3 && !strcmp(argv[1], "phase3")) {
		pthread_t th;

		pthread_create(&th, NULL, thread_exit, NULL);
		pthread_join(th, NULL);
		EXP("exit_group", "*", "0");
		fclose(ex);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "phase2")) {
		args[0] = "workload";
		args[1] = "phase3";
		args[2] = (char *)expfile;
		args[3] = NULL;
		EXP("execveat", "*", "AT_FDCWD, \"%s\", [\"workload\", \"phase3\", \"%s\"], 0x*, 0",
		    self, expfile);
		fclose(ex);
		syscall(SYS_execveat, AT_FDCWD, self, args, environ, 0);
		return 3;
	}
	files();
	memory();
	sigs();
	timers();
	procs();
	net();
	args[0] = "workload";
	args[1] = "phase2";
	args[2] = (char *)expfile;
	args[3] = NULL;
	EXP("execve", "0", "\"%s\", [\"workload\", \"phase2\", \"%s\"], 0x* /* env */", self, expfile);
	fclose(ex);
	syscall(SYS_execve, self, args, environ);
	return 3;
}
