/* recipe.c - pass 4 without make: the commands kbuild ran to build one
 * module (its compiler, objtool, modpost and linker command lines, saved in
 * the .*.cmd files it leaves in M=DIR) are recorded once per kernel build
 * tree, with the module's directory and name as placeholders, and later
 * modules are built by running them directly.  Kbuild stays the source of
 * truth: a recipe is only written from a successful kbuild build whose steps
 * are all known ones, it is keyed by everything that changes kbuild's
 * commands, and any failure of a replay falls back to make. */
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "passes.h"
#include "recipe.h"

#define MAGIC "stapc kbuild recipe 1"
#define DIR_MARK "@DIR@"
#define NAME_MARK "@NAME@"

extern char **environ;

static char *slurp(const char *path)
{
	size_t len;

	return read_file(path, &len);
}

/* FNV-1a, two lanes: a cache key, not a security boundary. */
static void fnv(uint64_t h[2], const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h[0] = (h[0] ^ s[i]) * 0x100000001b3ULL;
		h[1] = (h[1] ^ s[i]) * 0x100000001b3ULL;
	}
}

static void key_str(uint64_t h[2], const char *s)
{
	fnv(h, s, strlen(s) + 1);
}

/* A file's identity: it changes when the file is rebuilt or replaced. */
static void key_stat(uint64_t h[2], const char *path)
{
	struct stat st;
	char buf[PATH_MAX + 128];

	if (stat(path, &st))
		snprintf(buf, sizeof(buf), "%s -", path);
	else
		snprintf(buf, sizeof(buf), "%s %lu %lld %lld.%09ld", path,
			 (unsigned long)st.st_ino, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	key_str(h, buf);
}

/* The environment variables kbuild's commands depend on. */
static int kbuild_env(const char *e)
{
	static const char *const names[] = {
		"PATH=", "ARCH=", "SRCARCH=", "CROSS_COMPILE=", "CC=", "LD=",
		"AR=", "NM=", "OBJCOPY=", "OBJDUMP=", "LLVM=", "LLVM_IAS=",
		"KCFLAGS=", "KCPPFLAGS=", "KAFLAGS=", "KBUILD_", "KCONFIG_",
		"MAKE", "GNUMAKEFLAGS=", "MFLAGS=", "SOURCE_DATE_EPOCH=",
		"PAHOLE=", "HOSTCC=", "INSTALL_MOD_", "O=",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(e, names[i], strlen(names[i])))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

const char *recipe_path(struct session *s, const char *tree,
			const char *ccflags)
{
	static const char *const files[] = {
		"Makefile", ".config", "Module.symvers", "vmlinux",
		"include/generated/autoconf.h", "include/generated/utsrelease.h",
		"include/config/auto.conf", "scripts/Makefile.build",
		"scripts/Makefile.modpost", "scripts/Makefile.modfinal",
		"scripts/Makefile.lib", "scripts/Makefile.compiler",
		"scripts/Kbuild.include", "scripts/mod/modpost",
		"tools/objtool/objtool", "arch/x86/module.lds",
	};
	const char *v = getenv("STAPC_KBUILD_REPLAY");
	uint64_t h[2] = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };
	char real[PATH_MAX], *mk, *line;
	struct ptrvec env = { 0 };

	if ((v && !strcmp(v, "0")) || s->make_opts.n || !realpath(tree, real))
		return NULL;
	key_str(h, MAGIC);
	key_str(h, real);
	key_str(h, ccflags);
	for (char **e = environ; *e; e++)
		if (kbuild_env(*e))
			pv_push(&s->arena, &env, *e);
	if (env.n)
		qsort(env.v, env.n, sizeof(env.v[0]), cmp_str);
	for (int i = 0; i < env.n; i++)
		key_str(h, env.v[i]);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		key_stat(h, arena_printf(&s->arena, "%s/%s", real, files[i]));
	/* Debian's tree Makefile includes the common tree's. */
	mk = slurp(arena_printf(&s->arena, "%s/Makefile", real));
	for (line = mk ? strtok(mk, "\n") : NULL; line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "include ", 8))
			key_stat(h, line + 8);
	free(mk);
	return arena_printf(&s->arena, "%s/kbuild/%016llx%016llx.recipe",
			    cache_dir(s), (unsigned long long)h[0],
			    (unsigned long long)h[1]);
}

/* ---- recording ---- */

/* The kbuild steps of a plain module build, in the order they run; the
 * .cmd file of each (N is the module's name). */
static const char *const steps[] = {
	".N.o.cmd",		/* gcc N.c, objtool */
	".N.mod.cmd",		/* the module's object list */
	".modules.order.cmd",
	".Module.symvers.cmd",	/* modpost: N.mod.c */
	".N.mod.o.cmd",		/* gcc N.mod.c */
	"..module-common.o.cmd",	/* 6.10+: gcc .module-common.c */
	".N.ko.cmd",		/* ld */
};
#define NSTEPS (int)(sizeof(steps) / sizeof(steps[0]))

static const char *step_file(struct session *s, int i, const char *name)
{
	const char *p = strstr(steps[i], "N.");

	if (!p)
		return steps[i];
	return arena_printf(&s->arena, "%.*s%s%s", (int)(p - steps[i]), steps[i],
			    name, p + 1);
}

/* The log names only steps a recipe can repeat: CC, MODPOST, LD, and BTF
 * only when kbuild skipped it (no vmlinux in the tree). */
static int log_ok(const char *log)
{
	char *text = slurp(log), *line;
	int ok = text != NULL, btf = 0, btf_skipped = 0;

	for (line = text ? strtok(text, "\n") : NULL; ok && line;
	     line = strtok(NULL, "\n")) {
		if (strstr(line, "Skipping BTF generation"))
			btf_skipped = 1;
		if (line[0] != ' ' || line[1] != ' ' || line[2] < 'A' || line[2] > 'Z')
			continue;
		if (!strncmp(line + 2, "CC [M] ", 7) || !strncmp(line + 2, "MODPOST ", 8) ||
		    !strncmp(line + 2, "LD [M] ", 7))
			continue;
		if (!strncmp(line + 2, "BTF [M] ", 8))
			btf = 1;
		else
			ok = 0;
	}
	free(text);
	return ok && (!btf || btf_skipped);
}

/* The command of a .cmd file, unescaped from make's syntax; *raw (when
 * RAW is given) as the file has it. */
static char *cmd_of(const char *path, char **raw)
{
	char *text = slurp(path), *line, *out = NULL;

	for (line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		char *eq = strstr(line, " := ");
		size_t n = 0;

		if ((strncmp(line, "cmd_", 4) && strncmp(line, "savedcmd_", 9)) || !eq)
			continue;
		eq += 4;
		if (!*eq || eq[strlen(eq) - 1] == '\\')
			break;
		out = xmalloc(strlen(eq) + 1);
		for (const char *p = eq; *p; ) {
			if (!strncmp(p, "$$", 2)) {
				out[n++] = '$';
				p += 2;
			} else if (!strncmp(p, "$(pound)", 8)) {
				out[n++] = '#';
				p += 8;
			} else if (*p == '$') {	/* make syntax we do not know */
				free(out);
				out = NULL;
				break;
			} else {
				out[n++] = *p++;
			}
		}
		if (out)
			out[n] = '\0';
		if (out && raw)
			*raw = xstrdup(eq);
		break;
	}
	free(text);
	return out;
}

static int ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static int ends_with(const char *start, const char *p, const char *suffix)
{
	size_t n = strlen(suffix);

	return (size_t)(p - start) >= n && !strncmp(p - n, suffix, n);
}

/* CMD with DIR and the module's NAME as placeholders, or NULL when NAME
 * appears as a word anywhere kbuild does not put the module's name (then
 * a replay could not tell it from the module's). */
static char *templatize(const char *cmd, const char *dir, const char *name)
{
	struct strbuf a, b;
	size_t dl = strlen(dir), nl = strlen(name);
	const char *p;
	char *out;

	if (strstr(cmd, DIR_MARK) || strstr(cmd, NAME_MARK))
		return NULL;
	sb_init(&a);
	for (p = cmd; *p; ) {
		if (!strncmp(p, dir, dl) && !ident(p[dl])) {
			sb_puts(&a, DIR_MARK);
			p += dl;
		} else {
			sb_putc(&a, *p++);
		}
	}
	sb_init(&b);
	p = sb_cstr(&a);
	for (const char *q = p; *q; ) {
		if (strncmp(q, name, nl) || (q > p && ident(q[-1]) &&
		    !ends_with(p, q, "kmod_")) || ident(q[nl])) {
			sb_putc(&b, *q++);
			continue;
		}
		if (!(ends_with(p, q, DIR_MARK "/") || ends_with(p, q, DIR_MARK "/.") ||
		      ends_with(p, q, "'\"") || ends_with(p, q, "kmod_") ||
		      (q > p && q[-1] == ' ' && !strncmp(q + nl, ".o", 2) &&
		       !ident(q[nl + 2])))) {
			sb_free(&a);
			sb_free(&b);
			return NULL;
		}
		sb_puts(&b, NAME_MARK);
		q += nl;
	}
	out = xstrdup(sb_cstr(&b));
	sb_free(&a);
	sb_free(&b);
	return out;
}

/* The programs a command runs (first words of its pipelines), for the
 * recipe's check that they are still the same files. */
static void add_tools(struct session *s, struct strbuf *rec, struct ptrvec *seen,
		      const char *tree, const char *cmd)
{
	char *copy = xstrdup(cmd), *save = NULL;
	int first = 1;

	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int is_cmd = first;
		size_t n = strlen(w);
		const char *path = NULL;
		struct stat st;

		first = !strcmp(w, ";") || !strcmp(w, "|") || !strcmp(w, "&&") ||
			!strcmp(w, "||") || !strcmp(w, "{") || w[n - 1] == ';';
		if (!is_cmd || strchr(w, '=') || strchr(w, '\'') || strchr(w, '"'))
			continue;
		if (strchr(w, '/')) {
			path = w[0] == '/' ? w : arena_printf(&s->arena, "%s/%s", tree, w);
		} else {
			const char *env = getenv("PATH");
			char *dirs = xstrdup(env ? env : "/usr/bin:/bin"), *sv = NULL;

			for (char *d = strtok_r(dirs, ":", &sv); d && !path;
			     d = strtok_r(NULL, ":", &sv)) {
				const char *c = arena_printf(&s->arena, "%s/%s", *d ? d : ".", w);

				if (access(c, X_OK) == 0)
					path = c;
			}
			free(dirs);
		}
		if (!path || stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		for (int i = 0; path && i < seen->n; i++)
			if (!strcmp(seen->v[i], path))
				path = NULL;
		if (!path)
			continue;
		pv_push(&s->arena, seen, (void *)path);
		sb_printf(rec, "tool %s %lu %lld %lld.%09ld\n", path, (unsigned long)st.st_ino,
			  (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			  st.st_mtim.tv_nsec);
	}
	free(copy);
}

/* Kbuild's fixdep after the compile: it writes .N.o.cmd, where modpost
 * looks for the object's symbol versions. */
static int add_fixdep(struct session *s, struct strbuf *rec, struct ptrvec *seen,
		      const char *tree, const char *raw, const char *dir,
		      const char *name)
{
	char *t = raw ? templatize(raw, dir, name) : NULL;
	struct strbuf b;

	if (!t)
		return 0;
	sb_init(&b);
	sb_puts(&b, "scripts/basic/fixdep " DIR_MARK "/." NAME_MARK ".o.d "
		DIR_MARK "/" NAME_MARK ".o '");
	for (const char *p = t; *p; p++)
		if (*p == '\'')
			sb_puts(&b, "'\\''");
		else
			sb_putc(&b, *p);
	sb_puts(&b, "' > " DIR_MARK "/." NAME_MARK ".o.cmd; rm -f " DIR_MARK
		"/." NAME_MARK ".o.d");
	add_tools(s, rec, seen, tree, sb_cstr(&b));
	sb_printf(rec, "step %s\n", sb_cstr(&b));
	sb_free(&b);
	free(t);
	return 1;
}

void recipe_record(struct session *s, const char *recipe, const char *tree,
		   const char *dir, const char *name, const char *log)
{
	struct strbuf rec;
	struct ptrvec seen = { 0 };
	char *have[NSTEPS] = { 0 }, *raw = NULL;
	struct dirent *de;
	DIR *d;
	int ok = log_ok(log);
	const char *tmp;
	FILE *f;

	/* kbuild's own files in DIR (modules.order, Module.symvers, Kbuild)
	 * would read as the module's */
	if (!strcmp(name, "modules") || !strcmp(name, "Module") || !strcmp(name, "Kbuild"))
		ok = 0;
	if (!ok || !(d = opendir(dir))) {
		if (s->verbose > 1)
			fprintf(stderr, "kbuild's commands not recorded: steps this "
				"version cannot replay\n");
		return;
	}
	while ((de = readdir(d)) && ok) {
		size_t n = strlen(de->d_name);
		int i;

		if (de->d_name[0] != '.' || n < 5 || strcmp(de->d_name + n - 4, ".cmd"))
			continue;
		for (i = 0; i < NSTEPS && strcmp(de->d_name, step_file(s, i, name)); i++)
			;
		if (i == NSTEPS) {	/* a step we do not know */
			ok = 0;
			break;
		}
		have[i] = cmd_of(arena_printf(&s->arena, "%s/%s", dir, de->d_name),
				 i == 0 ? &raw : NULL);
		ok = have[i] != NULL;
	}
	closedir(d);
	/* gcc, modpost, gcc, ld at least */
	ok = ok && have[0] && have[3] && have[4] && have[NSTEPS - 1];
	sb_init(&rec);
	sb_printf(&rec, "%s\n", MAGIC);
	for (int i = 0; ok && i < NSTEPS; i++) {
		char *t;

		if (!have[i])
			continue;
		t = templatize(have[i], dir, name);
		if (!t) {
			ok = 0;
			break;
		}
		add_tools(s, &rec, &seen, tree, have[i]);
		sb_printf(&rec, "step %s\n", t);
		free(t);
		if (i == 0)
			ok = add_fixdep(s, &rec, &seen, tree, raw, dir, name);
	}
	free(raw);
	for (int i = 0; i < NSTEPS; i++)
		free(have[i]);
	tmp = arena_printf(&s->arena, "%s.%ld.tmp", recipe, (long)getpid());
	if (ok) {
		mkdir(arena_strndup(&s->arena, recipe, strrchr(recipe, '/') - recipe), 0755);
		f = fopen(tmp, "w");
		if (f && fwrite(rec.buf, 1, rec.len, f) == rec.len && !fclose(f)) {
			f = NULL;
			if (!rename(tmp, recipe) && s->verbose > 1)
				fprintf(stderr, "Recorded kbuild's commands in %s\n", recipe);
		}
		if (f)
			fclose(f);
		unlink(tmp);
	} else if (s->verbose > 1) {
		fprintf(stderr, "kbuild's commands not recorded: steps this version "
			"cannot replay\n");
	}
	sb_free(&rec);
}

/* ---- replaying ---- */

static char *instantiate(const char *t, const char *dir, const char *name)
{
	struct strbuf b;
	char *out;

	sb_init(&b);
	while (*t) {
		if (!strncmp(t, DIR_MARK, strlen(DIR_MARK))) {
			sb_puts(&b, dir);
			t += strlen(DIR_MARK);
		} else if (!strncmp(t, NAME_MARK, strlen(NAME_MARK))) {
			sb_puts(&b, name);
			t += strlen(NAME_MARK);
		} else {
			sb_putc(&b, *t++);
		}
	}
	out = xstrdup(sb_cstr(&b));
	sb_free(&b);
	return out;
}

static int run_step(const char *tree, const char *cmd, const char *log)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (chdir(tree) || !freopen(log, "a", stdout) ||
		    dup2(fileno(stdout), 2) < 0)
			_exit(127);
		/* as kbuild runs them: the first failure ends the step */
		execl("/bin/sh", "sh", "-e", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Whether a recorded tool is still the same file. */
static bool tool_same(const char *path, unsigned long ino, long long size,
		      long long sec, long nsec)
{
	struct stat st;

	return !stat(path, &st) && st.st_ino == ino && st.st_size == size &&
	       st.st_mtim.tv_sec == sec && st.st_mtim.tv_nsec == nsec;
}

int recipe_parse(struct arena *a, char *text, const char *dir,
		 const char *name, struct ptrvec *cmds,
		 bool (*tool_ok)(const char *path, unsigned long ino,
				 long long size, long long sec, long nsec))
{
	char *line, *save = NULL;
	int ok = text && !strncmp(text, MAGIC "\n", strlen(MAGIC) + 1);

	for (line = ok ? strtok_r(text, "\n", &save) : NULL; ok && line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "step ", 5)) {
			pv_push(a, cmds, instantiate(line + 5, dir, name));
		} else if (!strncmp(line, "tool ", 5)) {
			char path[PATH_MAX];
			unsigned long ino;
			long long size, sec;
			long nsec;

			ok = sscanf(line + 5, "%4095s %lu %lld %lld.%ld", path, &ino,
				    &size, &sec, &nsec) == 5 &&
			     tool_ok(path, ino, size, sec, nsec);
		}
	}
	return ok && cmds->n > 0 ? 0 : -1;
}

int recipe_replay(struct session *s, const char *recipe, const char *tree,
		  const char *dir, const char *name, const char *log)
{
	char *text = recipe ? slurp(recipe) : NULL;
	struct ptrvec cmds = { 0 };
	int ok = !recipe_parse(&s->arena, text, dir, name, &cmds, tool_same);

	free(text);
	if (ok && s->verbose)
		fprintf(stderr, "Running the kbuild commands recorded in %s\n", recipe);
	for (int i = 0; ok && i < cmds.n; i++) {
		if (s->verbose > 1)
			fprintf(stderr, "  %s\n", (char *)cmds.v[i]);
		ok = run_step(tree, cmds.v[i], log) == 0;
	}
	for (int i = 0; i < cmds.n; i++)
		free(cmds.v[i]);
	ok = ok && access(arena_printf(&s->arena, "%s/%s.ko", dir, name), R_OK) == 0;
	if (!ok && cmds.n && s->verbose) {
		char *out = s->verbose > 1 ? slurp(log) : NULL;

		if (out)
			fputs(out, stderr);
		free(out);
		fprintf(stderr, "The recorded kbuild commands failed: running make\n");
	}
	return ok ? 0 : -1;
}
