/* run.c - pass 5: run what pass 4 built, pass the script its target and
 * -G globals, and return its exit status. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "passes.h"

static volatile pid_t forward_to;

/* kill -TERM (or -HUP) sent to stap itself reaches the script too. */
static void forward_signal(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

static int wait_child(pid_t pid)
{
	int status;

	forward_to = pid;
	/* Ctrl-C reaches the whole process group: the child handles it. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, forward_signal);
	signal(SIGHUP, forward_signal);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* Pass 5 for the user runtime: run it; its exit status is ours. */
int run_user(struct session *s, const char *exe)
{
	struct ptrvec argv = { 0 };
	pid_t pid;

	pv_push(&s->arena, &argv, (void *)exe);
	if (s->target_pid) {
		pv_push(&s->arena, &argv, "-x");
		pv_push(&s->arena, &argv, arena_printf(&s->arena, "%ld", s->target_pid));
	}
	if (s->target_cmd) {
		pv_push(&s->arena, &argv, "-c");
		pv_push(&s->arena, &argv, (void *)s->target_cmd);
	}
	for (int i = 0; i < s->globals.n; i++) {
		pv_push(&s->arena, &argv, "-G");
		pv_push(&s->arena, &argv, s->globals.v[i]);
	}
	pv_push(&s->arena, &argv, NULL);

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (s->output_file && !freopen(s->output_file, "w", stdout)) {
			fprintf(stderr, "stap: cannot open '%s': %s\n",
				s->output_file, strerror(errno));
			_exit(1);
		}
		execv(exe, (char **)argv.v);
		_exit(127);
	}
	return pid < 0 ? 1 : wait_child(pid);
}

void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}


/* A program shipped beside stap: the build tree's layout first, then the
 * installed one. */
static const char *sibling(struct session *s, const char *build_rel,
			   const char *installed)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		char *slash, *p;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			p = arena_printf(&s->arena, "%s/../%s", exe, build_rel);
			if (access(p, X_OK) == 0)
				return p;
		}
	}
	return installed;
}

/* staprun's arguments for this session, after argv[0].  In a VM the output
 * file is written on this side (run_vm), not inside the guest. */
static void staprun_args(struct session *s, struct ptrvec *argv, const char *ko,
			 bool in_vm)
{
	if (s->output_file && !in_vm) {
		pv_push(&s->arena, argv, "-o");
		pv_push(&s->arena, argv, (void *)s->output_file);
	}
	if (s->target_pid) {
		pv_push(&s->arena, argv, "-x");
		pv_push(&s->arena, argv, arena_printf(&s->arena, "%ld", s->target_pid));
	}
	if (s->target_cmd) {
		pv_push(&s->arena, argv, "-c");
		pv_push(&s->arena, argv, (void *)s->target_cmd);
	}
	/* -F: staprun -L loads, starts and detaches (in-memory flight
	 * recorder); with -o it is staprun -D, in the background. */
	if (s->flight_recorder && !in_vm)
		pv_push(&s->arena, argv, s->output_file ? "-D" : "-L");
	if (s->size_spec && !in_vm) {
		pv_push(&s->arena, argv, "-S");
		pv_push(&s->arena, argv, (void *)s->size_spec);
	}
	if (s->buffer_mb) {
		pv_push(&s->arena, argv, "-b");
		pv_push(&s->arena, argv, arena_printf(&s->arena, "%d", s->buffer_mb));
	}
	for (int i = 0; i < s->verbose; i++)
		pv_push(&s->arena, argv, "-v");
	if (s->suppress_warnings)
		pv_push(&s->arena, argv, "-w");
	pv_push(&s->arena, argv, (void *)ko);
	for (int i = 0; i < s->globals.n; i++)
		pv_push(&s->arena, argv, s->globals.v[i]);
}

/* Runs argv (NULL-terminated), its stdout into OUTFILE when not NULL, and
 * returns its exit status. */
static int spawn(struct ptrvec *argv, const char *outfile)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (outfile && !freopen(outfile, "w", stdout)) {
			fprintf(stderr, "stap: cannot open '%s': %s\n", outfile,
				strerror(errno));
			_exit(1);
		}
		execv(argv->v[0], (char **)argv->v);
		fprintf(stderr, "stap: cannot run %s: %s\n", (char *)argv->v[0],
			strerror(errno));
		_exit(127);
	}
	return pid < 0 ? 1 : wait_child(pid);
}

int run_staprun(struct session *s, const char *ko)
{
	struct ptrvec argv = { 0 };

	pv_push(&s->arena, &argv, (void *)sibling(s, "staprun/staprun",
						  BINDIR "/staprun"));
	staprun_args(s, &argv, ko, false);
	pv_push(&s->arena, &argv, NULL);
	return spawn(&argv, NULL);
}

/* --vm: boot the target kernel in qemu with staprun and the module, and run
 * staprun there (vm/run does the booting; see vm/README). */
int run_vm(struct session *s, const char *ko)
{
	struct ptrvec argv = { 0 };
	const char *vmrun = sibling(s, "vm/run", PKGLIBEXECDIR "/vm-run");
	const char *staprun = sibling(s, "staprun/staprun", BINDIR "/staprun");
	const char *guest_ko = arena_printf(&s->arena, "/stap/%s", strrchr(ko, '/') + 1);
	struct ptrvec inner = { 0 };

	/* The VM powers off when staprun returns, and the output file is
	 * written on this side. */
	if (s->flight_recorder || s->size_spec) {
		fprintf(stderr, "stap: %s cannot be used with --vm: the VM ends "
			"with the script's staprun\n",
			s->flight_recorder ? "-F" : "-S");
		return 1;
	}
	pv_push(&s->arena, &argv, (void *)vmrun);
	pv_push(&s->arena, &argv, "--release");
	pv_push(&s->arena, &argv, (void *)s->kernel_release_resolved);
	pv_push(&s->arena, &argv, "--file");
	pv_push(&s->arena, &argv, arena_printf(&s->arena, "%s:/stap/staprun", staprun));
	pv_push(&s->arena, &argv, "--file");
	pv_push(&s->arena, &argv, arena_printf(&s->arena, "%s:%s", ko, guest_ko));
	/* -c '/abs/prog args': the guest gets prog at the same path, so that
	 * it runs there and process("/abs/prog") probes name it. */
	if (s->target_cmd && s->target_cmd[0] == '/') {
		const char *cmd = s->target_cmd;
		const char *prog = arena_strndup(&s->arena, cmd,
						 strcspn(cmd, " \t\n;&|<>"));
		struct stat st;

		if (!stat(prog, &st) && S_ISREG(st.st_mode)) {
			pv_push(&s->arena, &argv, "--file");
			pv_push(&s->arena, &argv, (void *)prog);
		}
	}
	pv_push(&s->arena, &argv, "--");
	pv_push(&s->arena, &argv, "/stap/staprun");
	staprun_args(s, &inner, guest_ko, true);
	for (int i = 0; i < inner.n; i++)
		pv_push(&s->arena, &argv, inner.v[i]);
	pv_push(&s->arena, &argv, NULL);
	return spawn(&argv, s->output_file);
}
