/* kblacklist.c - the kernel's kprobe blacklist at pass 2 (kblacklist.h).
 *
 * Kept as address ranges, each with why the kernel refuses it, and the
 * kernel's symbols by name, lowest address first: a kprobe by name lands
 * where kallsyms_lookup_name() finds the name, the first of the symbols
 * of that name.  A blacklist listing names without addresses (a debugfs
 * file read without the right to see them) is matched by name. */
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "elfsyms.h"
#include "kblacklist.h"
#include "kdwarf.h"
#include "session.h"

struct kb_range {
	uint64_t lo, hi;
	const char *why;
};

struct kb_sym {
	const char *name;
	uint64_t addr;
};

static struct {
	bool loaded;
	const char *source, *why;
	struct kb_range *r;
	size_t nr, capr;
	struct kb_sym *syms;
	size_t nsyms, caps;
	const char **names;		/* listed without addresses */
	size_t nnames, capn;
	Elf *elf;			/* the vmlinux, whose names syms use */
	int fd;
} kb;

/* The text areas the kernel blacklists as a whole (6.1 and 6.12:
 * populate_kprobe_blacklist(), x86's arch_populate_kprobe_blacklist()),
 * and init code, which kprobes refuse once it is freed. */
static const struct { const char *start, *end, *why; } areas[] = {
	{ "__kprobes_text_start", "__kprobes_text_end", "in .kprobes.text" },
	{ "__noinstr_text_start", "__noinstr_text_end", "in .noinstr.text" },
	{ "__entry_text_start", "__entry_text_end", "in .entry.text" },
	{ "_sinittext", "_einittext", "init code, freed after boot" },
};

static void add_range(uint64_t lo, uint64_t hi, const char *why)
{
	if (hi <= lo)
		return;
	if (kb.nr == kb.capr) {
		kb.capr = kb.capr ? 2 * kb.capr : 1024;
		kb.r = xrealloc(kb.r, kb.capr * sizeof(*kb.r));
	}
	kb.r[kb.nr++] = (struct kb_range){ lo, hi, why };
}

static void add_sym(const char *name, uint64_t addr)
{
	if (kb.nsyms == kb.caps) {
		kb.caps = kb.caps ? 2 * kb.caps : 1 << 16;
		kb.syms = xrealloc(kb.syms, kb.caps * sizeof(*kb.syms));
	}
	kb.syms[kb.nsyms++] = (struct kb_sym){ name, addr };
}

static int cmp_sym(const void *x, const void *y)
{
	const struct kb_sym *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static int cmp_range(const void *x, const void *y)
{
	const struct kb_range *a = x, *b = y;

	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static int cmp_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The lowest address of name, 0 when the kernel has no such symbol. */
static uint64_t sym_addr(const char *name)
{
	size_t lo = 0, hi = kb.nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(kb.syms[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < kb.nsyms && !strcmp(kb.syms[lo].name, name)
	       ? kb.syms[lo].addr : 0;
}

static void sort_all(void)
{
	if (kb.nsyms)
		qsort(kb.syms, kb.nsyms, sizeof(*kb.syms), cmp_sym);
	if (kb.nr)
		qsort(kb.r, kb.nr, sizeof(*kb.r), cmp_range);
	if (kb.nnames)
		qsort(kb.names, kb.nnames, sizeof(*kb.names), cmp_name);
}

static void add_areas(void)
{
	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
		add_range(sym_addr(areas[i].start), sym_addr(areas[i].end),
			  areas[i].why);
}

/* ---- (a) the debuginfo vmlinux ---- */

struct esym {
	uint64_t addr, size;
	bool func;
};

static int cmp_esym(const void *x, const void *y)
{
	const struct esym *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return b->func - a->func;	/* a function first */
}

/* Each NOKPROBE_SYMBOL()'s function: the array's addresses, each one's
 * code up to its symbol's size (the next symbol when it has none). */
static void read_nokprobe(Elf *e, struct esym *es, size_t nes)
{
	uint64_t start = sym_addr("__start_kprobe_blacklist"),
		 stop = sym_addr("__stop_kprobe_blacklist");
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;

	/* the array is read as it sits in the file: 64-bit little-endian */
	if (!start || stop <= start || !gelf_getehdr(e, &eh) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    start < sh.sh_addr || stop > sh.sh_addr + sh.sh_size)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size < stop - sh.sh_addr)
			return;
		for (uint64_t p = start; p + 8 <= stop; p += 8) {
			uint64_t a, end;
			size_t lo = 0, hi = nes;

			memcpy(&a, (const char *)d->d_buf + (p - sh.sh_addr), 8);
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (es[mid].addr < a)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == nes || es[lo].addr != a)
				continue;
			end = es[lo].size ? a + es[lo].size : a + 1;
			for (size_t k = lo + 1; !es[lo].size && k < nes; k++)
				if (es[k].addr > a) {
					end = es[k].addr;
					break;
				}
			add_range(a, end, "NOKPROBE_SYMBOL");
		}
		return;
	}
}

/* from_vmlinux()'s state: the symbols with an address, sorted later. */
struct esym_walk {
	struct esym *v;
	size_t n, cap;
};

static int add_esym(const GElf_Sym *sym, const char *name, void *data)
{
	struct esym_walk *w = data;
	int type = GELF_ST_TYPE(sym->st_info);

	if (sym->st_shndx >= SHN_LORESERVE ||
	    (type != STT_FUNC && type != STT_NOTYPE && type != STT_OBJECT))
		return 0;
	/* names point into the mapped file, kept open */
	add_sym(name, sym->st_value);
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 4096;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = (struct esym){ sym->st_value, sym->st_size,
				      type == STT_FUNC };
	return 0;
}

static bool from_vmlinux(struct session *s, const char *path)
{
	Elf_Scn *scn = NULL;
	const char *why;
	struct esym_walk w = { NULL, 0, 0 };
	struct esym *es;
	size_t nes, shstrndx;
	int fd;
	Elf *e = elf_open_file(path, &fd, &shstrndx, &why);

	if (!e)
		return false;
	elf_each_symbol(e, SHT_SYMTAB, add_esym, &w);
	es = w.v;
	nes = w.n;
	if (!nes) {
		free(es);
		elf_close_file(e, fd);
		kb.nsyms = 0;
		return false;
	}
	qsort(es, nes, sizeof(*es), cmp_esym);
	qsort(kb.syms, kb.nsyms, sizeof(*kb.syms), cmp_sym);
	add_areas();
	/* .exit.text is freed with init code (kallsyms does not even have
	 * it) */
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (gelf_getshdr(scn, &sh) &&
		    (n = elf_strptr(e, shstrndx, sh.sh_name)) &&
		    !strcmp(n, ".exit.text"))
			add_range(sh.sh_addr, sh.sh_addr + sh.sh_size,
				  "exit code, discarded from the kernel");
	}
	read_nokprobe(e, es, nes);
	free(es);
	kb.elf = e;
	kb.fd = fd;
	(void)s;
	return true;
}

/* ---- (b) the running kernel ---- */

/* Calls one on each line of path (a module's, with "\t[mod]", skipped);
 * returns how many it said yes to, -1 when path cannot be read. */
static int each_line(struct session *s, const char *path,
		     bool (*one)(struct session *s, const char *line))
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strchr(line, '[') && one(s, line))
			n++;
	fclose(f);
	return n;
}

/* "ffffffff81000000 T _stext": yes when the address is not hidden. */
static bool kallsyms_line(struct session *s, const char *line)
{
	unsigned long long a;
	char type, name[512];

	if (sscanf(line, "%llx %c %511s", &a, &type, name) != 3)
		return false;
	add_sym(arena_strdup(&s->arena, name), a);
	return a != 0;
}

static bool read_kallsyms(struct session *s, const char *path)
{
	bool any = each_line(s, path, kallsyms_line) > 0;

	if (!any)		/* kptr_restrict: all zero */
		kb.nsyms = 0;
	qsort(kb.syms, kb.nsyms, sizeof(*kb.syms), cmp_sym);
	return any;
}

/* "0xffffffff81c00990-0xffffffff81c009b0\tasm_exc_divide_error": a range,
 * or without addresses (kptr_restrict) a name. */
static bool debugfs_line(struct session *s, const char *line)
{
	unsigned long long lo, hi;
	char name[512];

	if (sscanf(line, "0x%llx-0x%llx %511s", &lo, &hi, name) != 3)
		return false;
	if (lo && hi > lo) {
		add_range(lo, hi, "listed in the kernel's kprobe blacklist");
		return true;
	}
	if (kb.nnames == kb.capn) {
		kb.capn = kb.capn ? 2 * kb.capn : 256;
		kb.names = xrealloc(kb.names, kb.capn * sizeof(*kb.names));
	}
	kb.names[kb.nnames++] = arena_strdup(&s->arena, name);
	return true;
}

static bool read_debugfs(struct session *s, const char *path)
{
	return each_line(s, path, debugfs_line) > 0;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void load_from(struct session *s);

static void load(struct session *s)
{
	double t0;

	if (kb.loaded)
		return;
	t0 = now();
	load_from(s);
	if (s->verbose >= 2 && kb.source)
		fprintf(stderr, "Pass 2: read the kernel's kprobe blacklist (%zu "
			"ranges, %zu names) from %s in %.3f s\n", kb.nr,
			kb.nnames, kb.source, now() - t0);
}

static void load_from(struct session *s)
{
	const char *root = getenv("STAPC_KBL_ROOT"), *vmlinux;
	struct utsname u;
	bool running;

	if (kb.loaded)
		return;
	kb.loaded = true;
	vmlinux = kdwarf_find(s);
	if (vmlinux && from_vmlinux(s, vmlinux)) {
		kb.source = vmlinux;
		sort_all();
		return;
	}
	/* tests: a directory standing for / with a captured kernel's files */
	running = root || (!s->vm && !uname(&u) &&
			   !strcmp(u.release, s->kernel_release_resolved));
	if (!running) {
		kb.why = "no debuginfo vmlinux, and not the running kernel";
		return;
	}
	if (!root)
		root = "";
	read_kallsyms(s, arena_printf(&s->arena, "%s/proc/kallsyms", root));
	kb.source = arena_printf(&s->arena, "%s/sys/kernel/debug/kprobes/"
				 "blacklist", root);
	if (read_debugfs(s, kb.source)) {
		/* init code is not in it */
		add_range(sym_addr("_sinittext"), sym_addr("_einittext"),
			  "init code, freed after boot");
	} else if (kb.nsyms) {
		kb.source = arena_printf(&s->arena, "%s/proc/kallsyms", root);
		add_areas();
		kb.why = NULL;
	} else {
		kb.source = NULL;
		kb.why = "neither /sys/kernel/debug/kprobes/blacklist nor the "
			 "addresses in /proc/kallsyms are readable";
	}
	sort_all();
}

const char *kbl_source(struct session *s, const char **why)
{
	load(s);
	*why = kb.why;
	return kb.source;
}

const char *kbl_refused(struct session *s, const char *symbol,
			int64_t offset)
{
	uint64_t a;
	size_t lo = 0, hi;

	load(s);
	if (!kb.source)
		return NULL;
	if (!offset && kb.nnames &&
	    bsearch(&symbol, kb.names, kb.nnames, sizeof(*kb.names), cmp_name))
		return "listed in the kernel's kprobe blacklist";
	a = sym_addr(symbol);
	if (!a)
		return NULL;
	a += (uint64_t)offset;
	/* the last range starting at a or before; NOKPROBE functions may
	 * sit inside an area, so look back while ranges could hold a */
	hi = kb.nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (kb.r[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0)
		if (a < kb.r[lo].hi)
			return kb.r[lo].why;
		else if (kb.r[lo].lo + (64u << 20) < a)
			break;
	return NULL;
}
