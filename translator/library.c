/* library.c - finding and reading the tapset library and the runtime:
 * the inputs pass 2 and pass 4 need besides the script. */
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

/* Where the runtime and tapset directories are: the environment
 * (SYSTEMTAP_RUNTIME, SYSTEMTAP_TAPSET, as in SystemTap), then beside the
 * binary in a build tree, then the installed data directory. */
const char *data_dir(struct session *s, const char *env, const char *sub,
			    const char *probe_file)
{
	char exe[PATH_MAX], path[PATH_MAX + 64];
	const char *v = getenv(env);
	ssize_t n;

	if (v && *v)
		return v;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/../%s/%s", exe, sub, probe_file);
			if (access(path, R_OK) == 0) {
				snprintf(path, sizeof(path), "%s/../%s", exe, sub);
				if (realpath(path, exe))
					return arena_strdup(&s->arena, exe);
			}
		}
	}
	return arena_printf(&s->arena, "%s/%s", PKGDATADIR, sub);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of one directory whose names end in suffix (".stp",
 * ".stpm"), sorted, appended to files (a file whose name is already there
 * is replaced: architecture and runtime directories shadow the generic
 * one). */
static void list_files(struct session *s, const char *dir, const char *suffix,
		       struct ptrvec *files)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct ptrvec found = { 0 };
	size_t sl = strlen(suffix);

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > sl && !strcmp(de->d_name + len - sl, suffix))
			pv_push(&s->arena, &found,
				arena_printf(&s->arena, "%s/%s", dir, de->d_name));
	}
	closedir(d);
	if (found.n)
		qsort(found.v, (size_t)found.n, sizeof(void *), cmp_str);
	for (int i = 0; i < found.n; i++) {
		const char *base = strrchr(found.v[i], '/') + 1;
		int j;

		for (j = 0; j < files->n; j++)
			if (!strcmp(strrchr(files->v[j], '/') + 1, base))
				break;
		if (j < files->n)
			files->v[j] = found.v[i];
		else
			pv_push(&s->arena, files, found.v[i]);
	}
}

void load_macro_libraries(struct session *s, struct ptrvec *files)
{
	const char *base = data_dir(s, "SYSTEMTAP_TAPSET", "tapset", "README");
	bool user = !strcmp(s->runtime, "user");
	struct ptrvec names = { 0 };

	list_files(s, base, ".stpm", &names);
	list_files(s, arena_printf(&s->arena, "%s/%s", base,
				     user ? "user" : "linux"), ".stpm", &names);
	for (int i = 0; i < s->include_dirs.n; i++)
		list_files(s, s->include_dirs.v[i], ".stpm", &names);
	for (int i = 0; i < names.n; i++) {
		struct srcfile *f;
		size_t len;
		char *text = read_file(names.v[i], &len);

		if (!text) {
			fprintf(stderr, "stap: cannot read macro library '%s': "
				"%s\n", (char *)names.v[i], strerror(errno));
			continue;
		}
		f = arena_alloc(&s->arena, sizeof(*f));
		f->name = names.v[i];
		f->buf = arena_strndup(&s->arena, text, len);
		f->len = len;
		free(text);
		pv_push(&s->arena, files, f);
	}
}

/* Parses the tapset library: every file is parsed (pass 2 keeps only the
 * ones the script uses).  Returns the number of errors. */
int load_library(struct session *s, const struct parse_opts *po,
			struct ptrvec *scripts, bool other_runtime)
{
	const char *base = data_dir(s, "SYSTEMTAP_TAPSET", "tapset", "README");
	bool user = !strcmp(s->runtime, "user") != other_runtime;
	struct ptrvec files = { 0 };
	struct parse_opts lo = *po;
	int errors = 0;

	lo.library = 1;
	lo.nmacro_files = 0;		/* the script's, not the library's */
	if (other_runtime) {
		/* Only to name what the other runtime has. */
		lo.err = NULL;
		list_files(s, arena_printf(&s->arena, "%s/%s", base,
					   user ? "user" : "linux"), ".stp", &files);
	} else {
		list_files(s, base, ".stp", &files);
		list_files(s, arena_printf(&s->arena, "%s/%s", base,
					   user ? "user" : "linux"), ".stp", &files);
		list_files(s, arena_printf(&s->arena, "%s/%s", base, s->arch),
			   ".stp", &files);
		for (int i = 0; i < s->include_dirs.n; i++)
			list_files(s, s->include_dirs.v[i], ".stp", &files);
	}
	for (int i = 0; i < files.n; i++) {
		struct srcfile *f = arena_alloc(&s->arena, sizeof(*f));
		size_t len;
		char *text = read_file(files.v[i], &len);
		int n;

		if (!text) {
			fprintf(stderr, "stap: cannot read tapset '%s': %s\n",
				(char *)files.v[i], strerror(errno));
			errors++;
			continue;
		}
		f->name = files.v[i];
		f->buf = arena_strndup(&s->arena, text, len);
		f->len = len;
		free(text);
		pv_push(&s->arena, scripts, parse_file(&s->arena, f, &lo, &n));
		errors += other_runtime ? 0 : n;
	}
	return errors;
}

