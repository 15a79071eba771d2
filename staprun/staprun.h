/* staprun.h - declarations shared by the module loader's sources.
 *
 * staprun loads a module built by stap, starts it through its debugfs
 * control file, copies its trace and errors streams to stdout and stderr
 * until both end, and unloads it.  The files:
 *   main.c     options, usage, the order of the steps
 *   module.c   finit_module/delete_module with readable errors, the
 *              parameter string, debugfs mounting
 *   modinfo.c  reading key=value strings from a .ko's .modinfo section
 *   session.c  signals, the held -c command, the poll loop, the control file
 *   outfile.c  -o FILE (strftime names), -S SIZE,N file switching
 *   detach.c   -L, -A, -D and -d: leaving a module running, coming back
 */
#ifndef STAPRUN_H
#define STAPRUN_H

#include <stddef.h>
#include <sys/types.h>

struct options {
	const char *module;	/* MODULE.ko (or NAME with --no-load) */
	const char *outfile;	/* -o */
	const char *command;	/* -c */
	long target;		/* -x PID, 0 when not given */
	long bufsize;		/* -b MB, 0 when not given */
	const char *unload;	/* -d NAME */
	const char **globals;	/* NAME=VALUE, from -G and after MODULE */
	size_t nglobals;
	int suppress_warnings;	/* -w */
	int no_load;		/* --no-load (tests): no finit/delete_module */
	int load_only;		/* -L: load, start, detach */
	const char *attach;	/* -A NAME */
	int daemon;		/* -D */
	long file_mb;		/* -S SIZE_MB[,N]: 0 when not given */
	long file_count;	/* N, 0: keep every file */
};

extern int verbose;		/* -v count */

/* "staprun: " + message + newline on stderr. */
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, only when -v was given at least LEVEL times. */
void info(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* malloc and friends that report and exit on failure. */
void *xmalloc(size_t n);
char *xstrdup(const char *s);

/* ---- module.c ---- */
/* The directory holding stapc/NAME/ (env STAPRUN_DEBUGFS, by default
 * /sys/kernel/debug). */
const char *debugfs_root(void);
/* Make sure debugfs is mounted at the default place (mounting it when root);
 * nothing to do when STAPRUN_DEBUGFS is set.  0, or -1 after a message. */
int debugfs_ensure(void);
/* The module name of a path or name: basename without ".ko". */
char *module_name(const char *path);
/* The name the kernel knows the module by: .modinfo's name= when PATH can be
 * read, else NAME with '-' turned into '_' as kbuild does. */
char *kernel_module_name(const char *path, const char *name);
/* Check NAME=VALUE arguments: 0, or -1 after a message. */
int check_globals(const struct options *o);
/* The parameter string: "stp_target=PID" when PID > 0, "stp_bufsize=MB"
 * with -b, then the globals,
 * values quoted for the kernel's parser when they hold white space. */
char *module_params(const struct options *o, long pid);
/* finit_module on FD (the opened PATH, module NAME, known to the kernel as
 * KNAME).  0, or -1 after a message. */
int module_load(int fd, const char *path, const char *name,
		const char *kname, const char *params);
/* delete_module(KNAME, O_NONBLOCK), retried briefly while busy.
 * 0, or -1 after a message naming NAME for 'staprun -d'. */
int module_unload(const char *kname, const char *name);

/* ---- modinfo.c ---- */
/* The value of the first KEY=VALUE string in PATH's .modinfo section, or
 * NULL (no such file, not an ELF file, no section, no key).  Free it. */
char *modinfo_get(const char *path, const char *key);
/* The same on a .ko's SIZE bytes at BUF (what modinfo_get maps). */
char *modinfo_get_mem(const void *buf, size_t size, const char *key);

/* ---- session.c ---- */
struct status {
	char state[16];		/* loaded, running, stopping, done */
	long errors, skipped, lost;
	long overwritten;	/* bytes the flight recorder dropped */
	int attached;		/* a staprun reads it */
};

/* Parse the last line of TEXT holding state=STATE (other lines, such as the
 * commands a test's plain control file collects, are skipped).  0, or -1
 * when there is none. */
int parse_status(const char *text, struct status *st);
/* Read stapc/NAME/control.  0, or -1 (errno set; no message). */
int read_status(const char *name, struct status *st);

/* Install the SIGINT/SIGTERM/SIGHUP/SIGCHLD/SIGQUIT/SIGUSR2 handlers
 * (self-pipe). */
int signals_init(void);
/* Fork /bin/sh -c CMD, held until session_run releases it.  The pid, or
 * -1 after a message. */
pid_t command_fork(const char *cmd);
/* Drop a held command that will never run (loading failed). */
void command_abandon(void);
/* Open the module's files, write "start" (not with -A), release the
 * command, copy the streams until both end, then report the final status.
 * SIGQUIT (and -L, at once) detaches instead: *DETACHED is set, the module
 * keeps running.  Returns the exit status the session deserves (0 or 1). */
int session_run(const struct options *o, const char *name, int *detached);
/* The path of stapc/NAME/FILE under debugfs_root().  Free it. */
char *module_path(const char *name, const char *file);
/* staprun -d: stop NAME if it is running, then unload it. */
int unload_leftover(const struct options *o, const char *arg);

/* ---- outfile.c ---- */
/* "SIZE_MB[,N]" of -S: 0, or -1 when it is not that. */
int parse_size_spec(const char *spec, long *mb, long *n);
/* Open -o's first file (or take stdout).  0, or -1 after a message. */
/* outfile.c: all of BUF to FD (EINTR, EAGAIN waited out); 0 or -1. */
int write_all(int fd, const char *buf, size_t len);
int out_open(const struct options *o);
/* All of BUF, switching files under -S.  0, or -1 with errno. */
int out_write(const char *buf, size_t len);
/* SIGUSR2: the next file now (under -S).  0, or -1 after a message. */
int out_switch(void);
/* The open file's name, for messages. */
const char *out_name(void);
/* 0, or -1 after a message. */
int out_close(void);

/* ---- detach.c ---- */
/* -D: fork; the parent waits until daemon_ready() (prints the child's pid,
 * exits 0) or the child's end (exits with its status).  Returns in the
 * child.  0, or -1 after a message. */
int daemon_start(void);
/* In the -D child once the module runs: tell the parent, leave the
 * terminal. */
void daemon_ready(void);
/* The two lines telling how to come back to NAME. */
void detach_message(const char *name);
/* -A NAME: is it there for us?  0, or -1 after a message. */
int attach_check(const char *name);
/* -d '*': every module under stapc/ that nobody is attached to. */
int unload_all(const struct options *o);

/* ---- privilege.c ---- */
enum privilege { PRIV_NONE, PRIV_STAPUSR, PRIV_STAPDEV, PRIV_ROOT };
/* The invoking (real) user's: root, else group stapdev, else stapusr. */
enum privilege privilege_level(void);
/* Checks that the invoking user may load PATH (root: anything; stapdev:
 * any module; stapusr: root-owned, root-only-writable modules in
 * /lib/modules/RELEASE/systemtap/) and opens it.  The fd, or -1 after a
 * message (nothing loaded). */
int privilege_open_module(const char *path);
/* -A and -d: root and stapdev only.  0, or -1 after a message. */
int privilege_may_unload(void);
/* ON: effective uid/gid become the invoking user's; OFF: back to the
 * setuid ids.  No-op when staprun is not setuid.  0, or -1 after a
 * message. */
int privilege_as_user(int on);
/* open(PATH, O_WRONLY|O_CREAT|O_TRUNC) as the invoking user. */
int privilege_open_output(const char *path);
/* unlink(PATH) as the invoking user (-S removing old files). */
int privilege_unlink(const char *path);
/* In a child about to exec the -c command: the invoking user's ids for
 * good. */
void privilege_drop(void);

#endif
