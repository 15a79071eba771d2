/* build.c - pass 4: the generated C becomes something that runs.
 * User runtime: an executable from the system C compiler. */
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

#include <stdint.h>

#include "config.h"
#include "passes.h"
#include "recipe.h"

/* Pass 4 for the user runtime: the system C compiler. */
int build_user(struct session *s, const char *dir, const char *csrc,
		      const char *exe)
{
	const char *cc = getenv("STAP_CC") ? getenv("STAP_CC") : "cc";
	const char *rt = data_dir(s, "SYSTEMTAP_RUNTIME", "runtime", "stp_runtime.h");
	pid_t pid;
	int status;

	(void)dir;
	if (s->verbose > 1)
		fprintf(stderr, "Running %s -std=gnu11 -O2 -w -I %s -o %s %s\n", cc,
			rt, exe, csrc);
	pid = fork();
	if (pid == 0) {
		execlp(cc, cc, "-std=gnu11", "-O2", "-w",
		       arena_printf(&s->arena, "-I%s", rt), "-o", exe, csrc,
		       (char *)NULL);
		fprintf(stderr, "stap: cannot run %s: %s\n", cc, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}


/* ---- the kernel: kbuild, and a cache of built modules ---- */

/* FNV-1a, twice with different offsets: 128 bits are plenty to key a cache
 * (this is not a security boundary: the cache is the user's own). */
struct hash {
	uint64_t a, b;
};

static void hash_bytes(struct hash *h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h->a = (h->a ^ s[i]) * 0x100000001b3ULL;
		h->b = (h->b ^ s[i]) * 0x100000001b3ULL;
	}
}

static void hash_str(struct hash *h, const char *s)
{
	hash_bytes(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static void hash_file(struct hash *h, const char *path)
{
	size_t len;
	char *text = read_file(path, &len);

	hash_str(h, path);
	if (text) {
		hash_bytes(h, text, len);
		free(text);
	}
}

/* Every file under dir, in a stable order. */
static void hash_tree(struct session *s, struct hash *h, const char *dir, int depth)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		char *path = arena_printf(&s->arena, "%s/%s", dir, nm);
		struct stat st;

		if (nm[0] != '.' && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < 4)
				hash_tree(s, h, path, depth + 1);
			else if (S_ISREG(st.st_mode))
				hash_file(h, path);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* Hex digest of everything that makes the module what it is. */
static const char *module_hash(struct session *s, const char *csrc_text,
			       const char *runtime, const char *build_tree)
{
	struct hash h = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };

	hash_str(&h, csrc_text);
	hash_tree(s, &h, runtime, 0);
	hash_str(&h, s->kernel_release_resolved);
	hash_file(&h, arena_printf(&s->arena, "%s/.config", build_tree));
	hash_file(&h, arena_printf(&s->arena, "%s/include/generated/utsrelease.h",
				   build_tree));
	for (int i = 0; i < s->make_opts.n; i++)
		hash_str(&h, s->make_opts.v[i]);
	return arena_printf(&s->arena, "%016llx%016llx", (unsigned long long)h.a,
			    (unsigned long long)h.b);
}

const char *cache_dir(struct session *s)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return arena_printf(&s->arena, "%s/stapc", xdg);
	return arena_printf(&s->arena, "%s/.cache/stapc", home && *home ? home : "/tmp");
}

static int copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = read_file(from, &len);
	FILE *f;
	int rc = -1;

	if (!data)
		return -1;
	f = fopen(to, "wb");
	if (f) {
		rc = fwrite(data, 1, len, f) == len ? 0 : -1;
		if (fclose(f))
			rc = -1;
	}
	free(data);
	return rc;
}

/* kbuild's output, minus its chatter: the compiler's diagnostics, which
 * #line directives point at the script. */
static void show_build_errors(const char *log, int verbose)
{
	FILE *f = fopen(log, "r");
	char line[4096];
	int shown = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (verbose > 1 || strcasestr(line, "error") || strstr(line, "warning:") ||
		    strstr(line, "note:") || (shown && line[0] == ' ')) {
			fputs(line, stderr);
			shown = 1;
		} else {
			shown = 0;
		}
	}
	fclose(f);
}

/* DIR/NAME.c and DIR/Kbuild: what make or a recorded recipe builds. */
static int write_sources(struct session *s, const char *dir, const char *name,
			 const char *csrc_text, const char *kbuild)
{
	FILE *f = fopen(arena_printf(&s->arena, "%s/%s.c", dir, name), "w");
	int rc = f ? 0 : -1;

	if (f) {
		fputs(csrc_text, f);
		rc |= fclose(f);
	}
	f = fopen(arena_printf(&s->arena, "%s/Kbuild", dir), "w");
	rc |= f ? 0 : -1;
	if (f) {
		fputs(kbuild, f);
		rc |= fclose(f);
	}
	return rc;
}

static int run_make(struct session *s, const char *tree, const char *dir,
		    const char *log)
{
	pid_t pid;
	int status;

	if (s->verbose)
		fprintf(stderr, "Running make -C %s M=%s modules\n", tree, dir);
	pid = fork();
	if (pid == 0) {
		struct ptrvec argv = { 0 };

		if (!freopen(log, "w", stdout) || dup2(fileno(stdout), 2) < 0)
			_exit(127);
		pv_push(&s->arena, &argv, "make");
		pv_push(&s->arena, &argv, "-C");
		pv_push(&s->arena, &argv, (void *)tree);
		pv_push(&s->arena, &argv, arena_printf(&s->arena, "M=%s", dir));
		for (int i = 0; i < s->make_opts.n; i++)
			pv_push(&s->arena, &argv, s->make_opts.v[i]);
		pv_push(&s->arena, &argv, "modules");
		pv_push(&s->arena, &argv, NULL);
		execvp("make", (char **)argv.v);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0 ? 0 : -1;
}

int build_kernel(struct session *s, const char *csrc_text, const char **ko_out)
{
	const char *runtime = data_dir(s, "SYSTEMTAP_RUNTIME", "runtime", "stp_runtime.h");
	const char *tree = s->kernel_build_tree;
	const char *hash = module_hash(s, csrc_text, runtime, tree);
	const char *name = s->module_name ? s->module_name
					  : arena_printf(&s->arena, "stap_%.16s", hash);
	const char *cdir = arena_printf(&s->arena, "%s/%s", cache_dir(s), hash);
	const char *cached = arena_printf(&s->arena, "%s/%s.ko", cdir, name);
	/* -g0: nothing reads the module's DWARF, and it triples the compile
	 * time and the size of the .ko.  -fwhole-program: the script and the
	 * runtime are one translation unit, so gcc may drop what the script
	 * does not use (half the compile time of a one-liner); the header
	 * keeps init_module and cleanup_module external.  Not for a module
	 * exporting symbols (embedded C): they would become local. */
	bool exports = strstr(csrc_text, "EXPORT_SYMBOL") != NULL;
	const char *flags = arena_printf(&s->arena, "ccflags-y := -I%s -g0 "
		"%s%s%s-Wno-unused-label -Wno-unused-function "
		"-Wno-unused-variable -Wno-declaration-after-statement\n", runtime,
		exports ? "" : "-fwhole-program -include ",
		exports ? "" : runtime, exports ? "" : "/linux/whole_program.h ");
	const char *kbuild = arena_printf(&s->arena, "obj-m := %s.o\n%s", name, flags);
	const char *recipe = NULL;
	char dir[] = "/tmp/stapXXXXXX";
	const char *log, *ko;
	int rc = -1, built;

	if (access(cached, R_OK) == 0) {
		if (s->verbose)
			fprintf(stderr, "Pass 4: using cached %s\n", cached);
		*ko_out = cached;
		return 0;
	}
	if (access(arena_printf(&s->arena, "%s/Makefile", tree), R_OK)) {
		fprintf(stderr, "stap: no kernel build tree at %s: install "
			"linux-headers-%s (or give one with -r DIR)\n", tree,
			s->kernel_release_resolved);
		return -1;
	}
	if (!mkdtemp(dir)) {
		perror("stap: mkdtemp");
		return -1;
	}
	log = arena_printf(&s->arena, "%s/build.log", dir);
	write_sources(s, dir, name, csrc_text, kbuild);
	/* A module exporting symbols gets kbuild's symbol versions step,
	 * which a recipe does not hold. */
	if (!exports)
		recipe = recipe_path(s, tree, flags);
	built = recipe && access(recipe, R_OK) == 0 &&
		recipe_replay(s, recipe, tree, dir, name, log) == 0;
	if (!built && recipe && access(log, F_OK) == 0) {
		/* a failed replay: make starts again from the sources */
		remove_dir(dir);
		if (mkdir(dir, 0700)) {
			perror("stap: mkdir");
			return -1;
		}
		write_sources(s, dir, name, csrc_text, kbuild);
	}
	if (!built && run_make(s, tree, dir, log) == 0)
		built = 2;
	if (built) {
		ko = arena_printf(&s->arena, "%s/%s.ko", dir, name);
		if (mkdir_p(cdir, 0755) == 0 && copy_file(ko, cached) == 0) {
			*ko_out = cached;
			rc = 0;
			/* make built it: keep its commands for the next one */
			if (built == 2 && recipe)
				recipe_record(s, recipe, tree, dir, name, log);
		} else {
			fprintf(stderr, "stap: cannot write the module cache %s: %s\n",
				cdir, strerror(errno));
		}
	} else {
		show_build_errors(log, s->verbose);
	}
	if (s->keep_tmpdir)
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", dir);
	else
		remove_dir(dir);
	return rc;
}
