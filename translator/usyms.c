/* usyms.c - user-space symbol tables compiled into the module, for
 * usymname(), usymdata() and print_ubacktrace() (runtime/linux/usyms.c).
 *
 * The files are the ones `-d FILE` names, the executable of `-c CMD`, the
 * files process("PATH") probes are planted in, and with --ldd the shared
 * libraries each of those needs (as ldd(1) resolves them).  A table is a
 * file's function symbols sorted by address, with its PT_LOAD segments so
 * the runtime can turn a mapped address back into a link-time one, and
 * its size: a file of another size at that path where the module runs is
 * another file, whose addresses the table would misname.
 * Tables are only emitted when the program calls a function that reads
 * them: a libc table is a few thousand entries of C to compile. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsyms.h"
#include "probes.h"
#include "usyms.h"

/* Adds path to files unless the same file is there already.  The path
 * is kept as named (made absolute), not resolved: it is looked up again
 * where the module runs, whose symlinks may differ (a VM's /lib). */
static void add_file(struct session *s, struct ptrvec *files,
		     struct ptrvec *reals, const char *path)
{
	char real[PATH_MAX], cwd[PATH_MAX];

	if (!realpath(path, real))
		return;
	for (int i = 0; i < reals->n; i++)
		if (!strcmp(reals->v[i], real))
			return;
	if (path[0] != '/')
		path = getcwd(cwd, sizeof(cwd))
			? arena_printf(&s->arena, "%s/%s", cwd, path) : real;
	pv_push(&s->arena, reals, arena_strdup(&s->arena, real));
	pv_push(&s->arena, files, arena_strdup(&s->arena, path));
}

/* s as a C string literal: paths and names may hold any byte. */
static void put_cstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 32 || c >= 127)
			fprintf(out, "\\%03o", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* The libraries ldd(1) says path needs ("NAME => /PATH (0x...)" lines,
 * and the loader's "/PATH (0x...)"). */
static void add_needed(struct session *s, struct ptrvec *files,
		       struct ptrvec *reals, const char *path)
{
	char line[PATH_MAX + 64];
	struct strbuf cmd;
	FILE *p;

	sb_init(&cmd);
	sb_puts(&cmd, "ldd '");
	for (const char *c = path; *c; c++)
		if (*c == '\'')
			sb_puts(&cmd, "'\\''");
		else
			sb_putc(&cmd, *c);
	sb_puts(&cmd, "' 2>/dev/null");
	p = popen(sb_cstr(&cmd), "r");
	sb_free(&cmd);
	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		char *a = strstr(line, "=> /"), *e;

		if (a)
			a += 3;
		else		/* the loader: "\t/lib64/ld-linux-x86-64.so.2 (0x...)" */
			a = line + strspn(line, " \t");
		if (*a != '/')
			continue;
		e = strstr(a, " (");
		if (e)
			*e = '\0';
		else
			a[strcspn(a, "\n")] = '\0';
		add_file(s, files, reals, a);
	}
	pclose(p);
}

/* The executable -c CMD runs: its first word, found as the shell would. */
static void add_command(struct session *s, struct ptrvec *files,
			struct ptrvec *reals)
{
	const char *cmd = s->target_cmd, *msg, *path;
	size_t n;

	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	if (!strncmp(cmd, "exec ", 5))
		cmd += 5;
	n = strcspn(cmd, " \t;&|<>");
	if (!n)
		return;
	path = find_executable(&s->arena, arena_strndup(&s->arena, cmd, n),
			       &msg);
	if (path)
		add_file(s, files, reals, path);
}

/* Does any function the program calls read the tables? */
static bool wanted(const struct program *P)
{
	for (int i = 0; i < P->funcs.n; i++) {
		const struct func *f = P->funcs.v[i];

		if (f->decl && f->decl->code && strstr(f->decl->code, "stp_usym_"))
			return true;
	}
	return false;
}

/* By address; among aliases of one address (getppid and __getppid) the
 * one with the fewest leading underscores last, as the lookup takes the
 * last entry at or below an address. */
static int cmp_addr(const void *a, const void *b)
{
	const struct elf_func *x = a, *y = b;
	size_t ux = strspn(x->name, "_"), uy = strspn(y->name, "_");

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (ux != uy)
		return ux > uy ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void gen_table(FILE *out, struct session *s, int k,
		      const struct elf_syms *es)
{
	struct elf_func *f = arena_alloc(&s->arena,
					 (size_t)(es->nfuncs + 1) * sizeof(*f));
	size_t name_off = 0;

	memcpy(f, es->funcs, (size_t)es->nfuncs * sizeof(*f));
	qsort(f, (size_t)es->nfuncs, sizeof(*f), cmp_addr);
	fprintf(out, "static const struct stp_useg stp_usegs_%d[] = {\n", k);
	for (int i = 0; i < es->nsegs; i++)
		fprintf(out, "\t{ 0x%llx, 0x%llx, 0x%llx },\n",
			(unsigned long long)es->segs[i].offset,
			(unsigned long long)es->segs[i].vaddr,
			(unsigned long long)es->segs[i].filesz);
	fprintf(out, "};\nstatic const struct stp_usym stp_usyms_%d[] = {\n", k);
	for (int i = 0; i < es->nfuncs; i++) {
		fprintf(out, "\t{ 0x%llx, 0x%llx, %zu },\n",
			(unsigned long long)f[i].addr,
			(unsigned long long)f[i].size, name_off);
		name_off += strlen(f[i].name) + 1;
	}
	if (!es->nfuncs)
		fputs("\t{ 0, 0, 0 },\n", out);
	fprintf(out, "};\nstatic const char stp_usym_names_%d[] =", k);
	for (int i = 0; i < es->nfuncs; i++) {
		fputs("\n\t", out);
		put_cstr(out, f[i].name);
		fputs(" \"\\0\"", out);
	}
	fputs(" \"\";\n", out);
}

void gen_usyms(FILE *out, struct session *s, const struct program *P)
{
	struct ptrvec files = { 0 }, reals = { 0 }, tables = { 0 };

	if (wanted(P)) {
		for (int i = 0; i < s->sym_files.n; i++) {
			const char *f = s->sym_files.v[i];

			/* "-d kernel", "-d ext4": kernel symbols are always
			 * there (kallsyms) */
			if (!strchr(f, '/') && access(f, F_OK))
				continue;
			if (access(f, R_OK) && !s->suppress_warnings)
				fprintf(stderr, "WARNING: -d %s: %s\n", f,
					strerror(errno));
			add_file(s, &files, &reals, f);
		}
		if (s->target_cmd)
			add_command(s, &files, &reals);
		for (int i = 0; i < P->probes.n; i++) {
			const struct rprobe *p = P->probes.v[i];

			for (int j = 0; j < p->targets.n; j++) {
				const struct probe_target *t = p->targets.v[j];

				if (t->kind == PROV_UPROBE && t->path)
					add_file(s, &files, &reals, t->path);
			}
		}
		for (int i = 0, n = files.n; s->ldd && i < n; i++)
			add_needed(s, &files, &reals, files.v[i]);
	}
	fputs("\n/* User symbol tables (usyms.c). */\n", out);
	for (int i = 0; i < files.n; i++) {
		const char *why;
		const struct elf_syms *es = elf_syms_read(&s->arena,
							  files.v[i], &why);

		if (!es) {
			if (!s->suppress_warnings)
				fprintf(stderr, "WARNING: no symbols from '%s': "
					"%s\n", (const char *)files.v[i], why);
			continue;
		}
		gen_table(out, s, tables.n, es);
		pv_push(&s->arena, &tables, (void *)es);
	}
	fputs("const struct stp_usym_file stp_usym_files[] = {\n", out);
	for (int i = 0; i < tables.n; i++) {
		const struct elf_syms *es = tables.v[i];

		struct stat st;

		if (stat(es->path, &st))
			st.st_size = 0;
		fputs("\t{ ", out);
		put_cstr(out, es->path);
		fprintf(out, ", %lld, stp_usegs_%d, %d, stp_usyms_%d, %d, "
			"stp_usym_names_%d },\n", (long long)st.st_size, i,
			es->nsegs, i, es->nfuncs, i);
	}
	if (!tables.n)
		fputs("\t{ NULL },\n", out);
	fprintf(out, "};\nconst int stp_nusym_files = %d;\n", tables.n);
	if (s->verbose >= 2)
		for (int i = 0; i < tables.n; i++)
			fprintf(stderr, "Pass 3: symbols of %s: %d functions\n",
				((const struct elf_syms *)tables.v[i])->path,
				((const struct elf_syms *)tables.v[i])->nfuncs);
}
