/* ksyms.c - kernel symbols that need no debuginfo: which functions the
 * kernel and its modules export (the build tree's Module.symvers, for
 * .exported probes), and a module's functions from its .ko's own symbol
 * table (kprobe.module("m").function("PATTERN") when the module has no
 * DWARF: kprobes need only the name). */
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsyms.h"
#include "ksyms.h"

struct export {
	const char *name;
	const char *module;		/* "vmlinux", or the module's name */
};

static struct export *exports;
static size_t nexports;
static bool exports_read;

static int cmp_export(const void *a, const void *b)
{
	return strcmp(((const struct export *)a)->name,
		      ((const struct export *)b)->name);
}

/* Module.symvers: "CRC\tNAME\tMODULE\tEXPORT_SYMBOL[_GPL]\tNAMESPACE", the
 * module as its path in the tree without .ko ("drivers/block/brd"). */
static void read_exports(struct session *s)
{
	const char *path;
	char line[1024];
	size_t cap = 0;
	FILE *f;

	exports_read = true;
	if (!s->kernel_build_tree)
		return;
	path = arena_printf(&s->arena, "%s/Module.symvers",
			    s->kernel_build_tree);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '\t'), *mod, *end, *slash;

		if (!name)
			continue;
		*name++ = '\0';
		mod = strchr(name, '\t');
		if (!mod)
			continue;
		*mod++ = '\0';
		end = strchr(mod, '\t');
		if (end)
			*end = '\0';
		slash = strrchr(mod, '/');
		if (nexports == cap) {
			cap = cap ? cap * 2 : 4096;
			exports = xrealloc(exports, cap * sizeof(*exports));
		}
		exports[nexports].name = arena_strdup(&s->arena, name);
		exports[nexports].module = arena_strdup(&s->arena,
							slash ? slash + 1 : mod);
		for (char *p = (char *)exports[nexports].module; *p; p++)
			if (*p == '-')
				*p = '_';
		nexports++;
	}
	fclose(f);
	qsort(exports, nexports, sizeof(*exports), cmp_export);
}

bool ksym_exported(struct session *s, const char *module, const char *name)
{
	struct export key = { name, NULL };
	struct export *e;

	if (!exports_read)
		read_exports(s);
	if (!nexports)
		return false;
	e = bsearch(&key, exports, nexports, sizeof(*exports), cmp_export);
	if (!e)
		return false;
	/* one name is exported once; walk back over equal names anyway */
	while (e > exports && !strcmp(e[-1].name, name))
		e--;
	for (; e < exports + nexports && !strcmp(e->name, name); e++)
		if (!strcmp(e->module, module ? module : "vmlinux"))
			return true;
	return false;
}

bool ksym_have_exports(struct session *s)
{
	if (!exports_read)
		read_exports(s);
	return nexports > 0;
}

/* Does section ndx of e hold code a kprobe may go in?  Text, not the
 * init or exit code (gone once the module is loaded, or never loaded). */
static bool code_section(Elf *e, size_t shstrndx, size_t ndx)
{
	Elf_Scn *scn = elf_getscn(e, ndx);
	GElf_Shdr sh;
	const char *n;

	if (!scn || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_EXECINSTR))
		return false;
	n = elf_strptr(e, shstrndx, sh.sh_name);
	return n && strncmp(n, ".init", 5) && strncmp(n, ".exit", 5);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ksym_ko_each_func()'s state: the names matched so far. */
struct ko_walk {
	struct arena *a;
	Elf *e;
	size_t shstrndx;
	const char *pattern;
	struct ptrvec names;
};

static int add_ko_func(const GElf_Sym *sym, const char *name, void *data)
{
	struct ko_walk *w = data;

	/* NAME.cold: the unlikely half of a split function, not an entry */
	if (GELF_ST_TYPE(sym->st_info) == STT_FUNC &&
	    sym->st_shndx < SHN_LORESERVE &&
	    code_section(w->e, w->shstrndx, sym->st_shndx) &&
	    !strstr(name, ".cold") && !fnmatch(w->pattern, name, 0))
		pv_push(w->a, &w->names, arena_strdup(w->a, name));
	return 0;
}

int ksym_ko_each_func(struct session *s, const char *path,
		      const char *pattern,
		      int (*fn)(const char *name, void *data), void *data,
		      const char **why)
{
	struct ko_walk w = { &s->arena, NULL, 0, pattern, { 0 } };
	int fd, n = 0;
	Elf *e = elf_open_file(path, &fd, &w.shstrndx, why);

	if (!e) {
		*why = arena_printf(&s->arena, "%s: %s", path, *why);
		return -1;
	}
	w.e = e;
	elf_each_symbol(e, SHT_SYMTAB, add_ko_func, &w);
	elf_close_file(e, fd);
	/* sorted, each name once (two static functions may share one:
	 * a probe by name reaches the first) */
	if (w.names.n)
		qsort(w.names.v, (size_t)w.names.n, sizeof(*w.names.v), cmp_str);
	for (int i = 0; i < w.names.n; i++) {
		if (i && !strcmp(w.names.v[i], w.names.v[i - 1]))
			continue;
		n++;
		if (fn(w.names.v[i], data))
			break;
	}
	if (!n)
		*why = arena_printf(&s->arena, "no function of %s matches '%s'",
				    path, pattern);
	return n;
}
