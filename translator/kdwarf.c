/* kdwarf.c - the kernel's own DWARF (vmlinux-R from Debian's
 * linux-image-R-dbg) as the kernel's debuginfo source.
 *
 * dwarf.c reads types and variables; what is different for vmlinux is its
 * size (hundreds of MB of .debug_info in ~2400 units), so nothing here
 * walks it per run.  The first run walks it once and writes an index to
 * cache_dir/kdwarf/BUILDID.idx:
 *   - every out-of-line function (a DW_TAG_subprogram with code, a
 *     .isra/.constprop clone named by its abstract origin): name, DIE
 *     offset, entry address, the ELF symbol there, declaring file and line;
 *   - every inlined instance (DW_TAG_inlined_subroutine): the inlined
 *     function's name, its DIE, entry address, and the ELF symbol (the
 *     out-of-line caller) it sits in with the offset from it;
 *   - every named top-level type definition (for @cast).
 * Later runs map that file and open only the DIEs they look at: libdw
 * finds a DIE's unit from the unit headers, without reading the others.
 *
 * File layout (host byte order, checked by a magic and a version):
 *   struct kd_header | struct kd_func[nfuncs] (by name, then inline flag,
 *   then address) | struct kd_type[ntypes] (by name, then tag) | strings */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "debugpath.h"
#include "kdwarf.h"
#include "passes.h"

#define KD_MAGIC "STAPKDW1"
#define KD_VERSION 2

#define KDF_INLINE 1u

struct kd_header {
	char magic[8];
	uint32_t version, nfuncs, ntypes, strsize;
	uint32_t build_id_len, pad;
	uint8_t build_id[32];
};

struct kd_func {
	uint32_t name, symbol, file, line;	/* strings are offsets */
	uint64_t die, addr;
	uint32_t sym_off;		/* from symbol's address to addr */
	uint32_t flags;
};

struct kd_type {
	uint32_t name;
	int32_t tag;
	uint64_t die;
};

/* The one kernel source of a run. */
static struct {
	struct dsource *ds;
	void *map;			/* the index, mapped or built */
	size_t map_len;
	bool mapped;
	const struct kd_header *h;
	const struct kd_func *funcs;
	const struct kd_type *types;
	const char *str;
	const struct dfunc **dfuncs;	/* built on use, by index */
	void (*dw_close)(struct dsource *);
	/* the index is built (or mapped) when first needed */
	struct session *s;
	uint8_t bid[32];
	int bidlen;
	bool index_failed;
	struct ptrvec globals_seen;	/* kdwarf_global's answers */
} kd;

static const char *S(uint32_t off)
{
	return kd.str + off;
}

/* ---- finding the file ---- */

/* One element of the debuginfo path: the kernel's file in it. */
static const char *vmlinux_in(struct arena *a, const char *el, void *data)
{
	struct session *s = data;
	const char *r = s->kernel_release_resolved, *tries[4];
	struct stat st;
	int n = 0;

	if (!strcmp(el, "build")) {
		tries[n++] = arena_printf(a, "%s/vmlinux",
					  s->kernel_build_tree ?
					  s->kernel_build_tree :
					  arena_printf(a, "/lib/modules/%s/build", r));
	} else if (el[0] == '/' && !stat(el, &st) && S_ISREG(st.st_mode)) {
		tries[n++] = el;
	} else if (el[0] == '/') {
		tries[n++] = arena_printf(a, "%s/vmlinux-%s", el, r);
		tries[n++] = arena_printf(a, "%s/boot/vmlinux-%s", el, r);
		tries[n++] = arena_printf(a, "%s/lib/modules/%s/vmlinux", el, r);
		tries[n++] = arena_printf(a, "%s/vmlinux", el);
	}
	/* "+" and ".debug" name files next to a module's own file: nothing
	 * for the kernel */
	for (int i = 0; i < n; i++)
		if (!access(tries[i], R_OK) && debugpath_has_dwarf(tries[i]))
			return tries[i];
	return NULL;
}

const char *kdwarf_find(struct session *s)
{
	static const char *found;
	static bool done;

	if (!done) {
		done = true;
		found = debugpath_each(&s->arena, vmlinux_in, s);
	}
	return found;
}

/* ---- building the index ---- */

struct ksym {
	uint64_t addr, size;
	const char *name;
	bool dup;			/* another function has this name */
};

/* A kprobe names its place by symbol and offset, which kallsyms resolves
 * to the first symbol of that name: a static function whose name another
 * one shares is reached from this unique symbol instead (the kernel moves
 * as a whole under KASLR, so the offset holds). */
#define KD_ANCHOR "_stext"

struct build {
	struct dsource *ds;
	struct ksym *syms;
	size_t nsyms, capsyms;
	uint64_t anchor;		/* KD_ANCHOR's address, 0: none */
	struct kd_func *funcs;
	size_t nfuncs, capf;
	struct kd_type *types;
	size_t ntypes, capt;
	struct strbuf str;
	/* interned strings: open addressing on a hash */
	uint32_t *slots;
	size_t cap, used;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static uint32_t intern(struct build *b, const char *s)
{
	size_t i;

	if (!s || !*s)
		return 0;
	if (2 * (b->used + 1) > b->cap) {
		uint32_t *old = b->slots;
		size_t n = b->cap;

		b->cap = n ? 2 * n : 1 << 16;
		b->slots = xmalloc(b->cap * sizeof(*b->slots));
		memset(b->slots, 0, b->cap * sizeof(*b->slots));
		for (size_t k = 0; k < n; k++) {
			if (!old[k])
				continue;
			i = hash_str(b->str.buf + old[k]) & (b->cap - 1);
			while (b->slots[i])
				i = (i + 1) & (b->cap - 1);
			b->slots[i] = old[k];
		}
		free(old);
	}
	i = hash_str(s) & (b->cap - 1);
	while (b->slots[i]) {
		if (!strcmp(b->str.buf + b->slots[i], s))
			return b->slots[i];
		i = (i + 1) & (b->cap - 1);
	}
	b->slots[i] = (uint32_t)b->str.len;
	sb_put(&b->str, s, strlen(s) + 1);
	b->used++;
	return b->slots[i];
}

static int cmp_sym(const void *x, const void *y)
{
	const struct ksym *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int cmp_sym_name(const void *x, const void *y)
{
	const struct ksym *const *a = x, *const *b = y;

	return strcmp((*a)->name, (*b)->name);
}

/* Calls fn on each symbol of the kernel's symbol table, with its
 * link-time address, until fn returns non-zero. */
static void each_ksym(struct dsource *ds,
		      int (*fn)(const char *name, const GElf_Sym *sym,
				GElf_Addr addr, void *data),
		      void *data)
{
	Dwfl_Module *m = dwarf_dwfl_module(ds);
	int n = m ? dwfl_module_getsymtab(m) : -1;

	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(m, i, &sym, &addr,
							   NULL, NULL, NULL);

		if (name && fn(name, &sym, addr, data))
			return;
	}
}

/* load_syms' step: the anchor, and each function symbol */
static int add_ksym(const char *name, const GElf_Sym *sym, GElf_Addr addr,
		    void *data)
{
	struct build *b = data;

	if (!strcmp(name, KD_ANCHOR))
		b->anchor = addr;
	if (!*name || GELF_ST_TYPE(sym->st_info) != STT_FUNC ||
	    sym->st_shndx == SHN_UNDEF)
		return 0;
	if (b->nsyms == b->capsyms) {
		b->capsyms = b->capsyms ? 2 * b->capsyms : 1 << 16;
		b->syms = xrealloc(b->syms, b->capsyms * sizeof(*b->syms));
	}
	b->syms[b->nsyms++] = (struct ksym){ addr, sym->st_size, name, false };
	return 0;
}

static void load_syms(struct build *b)
{
	each_ksym(b->ds, add_ksym, b);
	if (!b->nsyms)
		return;
	/* the names more than one function has */
	{
		struct ksym **by = xmalloc(b->nsyms * sizeof(*by));

		for (size_t i = 0; i < b->nsyms; i++)
			by[i] = &b->syms[i];
		qsort(by, b->nsyms, sizeof(*by), cmp_sym_name);
		for (size_t i = 1; i < b->nsyms; i++)
			if (!strcmp(by[i]->name, by[i - 1]->name) &&
			    by[i]->addr != by[i - 1]->addr)
				by[i]->dup = by[i - 1]->dup = true;
		free(by);
	}
	qsort(b->syms, b->nsyms, sizeof(*b->syms), cmp_sym);
}

/* The first symbol at addr or after it. */
static size_t sym_lower(struct build *b, uint64_t addr)
{
	size_t lo = 0, hi = b->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->syms[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The function symbol starting at addr, name itself preferred, then a
 * clone of it (name.isra.0); else the one whose code holds addr. */
static const struct ksym *sym_for(struct build *b, uint64_t addr,
				  const char *name)
{
	size_t i = sym_lower(b, addr), len = strlen(name);
	const struct ksym *best = NULL;

	for (size_t k = i; k < b->nsyms && b->syms[k].addr == addr; k++) {
		const char *n = b->syms[k].name;

		if (!strcmp(n, name))
			return &b->syms[k];
		if (!best || (!strncmp(n, name, len) && n[len] == '.'))
			best = &b->syms[k];
	}
	if (best)
		return best;
	while (i-- > 0)
		if (b->syms[i].addr <= addr &&
		    addr < b->syms[i].addr + (b->syms[i].size ? b->syms[i].size : 1))
			return &b->syms[i];
		else if (b->syms[i].addr + (1 << 20) < addr)
			break;
	return NULL;
}

static uint32_t file_of(struct build *b, Dwarf_Die *d)
{
	const char *f = dwarf_decl_file(d);

	while (f && !strncmp(f, "./", 2))
		f += 2;
	return intern(b, f);
}

static void add_func(struct build *b, Dwarf_Die *d, Dwarf_Addr entry,
		     uint32_t flags)
{
	const char *name = dwarf_diename(d);
	const struct ksym *sym;
	struct ksym anchor = { b->anchor, 0, KD_ANCHOR, false };
	struct kd_func *f;
	int line = 0;

	if (!name || !(sym = sym_for(b, entry, name)) ||
	    entry - sym->addr > UINT32_MAX)
		return;
	if (b->nfuncs == b->capf) {
		b->capf = b->capf ? 2 * b->capf : 1 << 16;
		b->funcs = xrealloc(b->funcs, b->capf * sizeof(*b->funcs));
	}
	f = &b->funcs[b->nfuncs++];
	memset(f, 0, sizeof(*f));
	f->name = intern(b, name);
	f->symbol = strcmp(sym->name, name) ? intern(b, sym->name) : 0;
	if (sym->dup && b->anchor && entry > b->anchor &&
	    entry - b->anchor <= UINT32_MAX) {
		f->symbol = intern(b, KD_ANCHOR);
		sym = &anchor;
	}
	f->file = file_of(b, d);
	dwarf_decl_line(d, &line);
	f->line = (uint32_t)(line > 0 ? line : 0);
	f->die = dwarf_dieoffset(d);
	f->addr = entry;
	f->sym_off = (uint32_t)(entry - sym->addr);
	f->flags = flags;
}

/* Where d is entered: DW_AT_entry_pc or low_pc, else its first range. */
static int die_entry(Dwarf_Die *d, Dwarf_Addr *entry)
{
	Dwarf_Addr base, end;

	if (!dwarf_entrypc(d, entry))
		return 0;
	return dwarf_ranges(d, 0, &base, entry, &end) > 0 ? 0 : -1;
}

/* The inlined instances in a function's body, at any depth. */
static void walk_body(struct build *b, Dwarf_Die *d)
{
	Dwarf_Die c;
	Dwarf_Addr entry;

	if (dwarf_child(d, &c))
		return;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_inlined_subroutine) {
			if (!die_entry(&c, &entry))
				add_func(b, &c, entry, KDF_INLINE);
			walk_body(b, &c);
		} else if (tag == DW_TAG_lexical_block) {
			walk_body(b, &c);
		}
	} while (!dwarf_siblingof(&c, &c));
}

static void add_type(struct build *b, Dwarf_Die *d, int tag)
{
	const char *name = dwarf_diename(d);

	if (!name || dwarf_hasattr(d, DW_AT_declaration))
		return;
	if (b->ntypes == b->capt) {
		b->capt = b->capt ? 2 * b->capt : 1 << 14;
		b->types = xrealloc(b->types, b->capt * sizeof(*b->types));
	}
	b->types[b->ntypes++] = (struct kd_type){ intern(b, name), tag,
						  dwarf_dieoffset(d) };
}

static const char *sort_str;

static int cmp_func(const void *x, const void *y)
{
	const struct kd_func *a = x, *b = y;
	int c = strcmp(sort_str + a->name, sort_str + b->name);

	if (c)
		return c;
	if (a->flags != b->flags)
		return a->flags < b->flags ? -1 : 1;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->die < b->die ? -1 : a->die > b->die;
}

static int cmp_type(const void *x, const void *y)
{
	const struct kd_type *a = x, *b = y;
	int c = strcmp(sort_str + a->name, sort_str + b->name);

	if (c)
		return c;
	if (a->tag != b->tag)
		return a->tag < b->tag ? -1 : 1;
	return a->die < b->die ? -1 : a->die > b->die;
}

/* Walks the whole DWARF once; the index in a heap buffer, *len bytes. */
static void *build_index(struct dsource *ds, const uint8_t *bid, int bidlen,
			 size_t *len)
{
	struct build b = { .ds = ds };
	Dwarf *dw = dwarf_handle(ds);
	Dwarf_CU *cu = NULL;
	Dwarf_Die cud, c;
	struct kd_header h = { .magic = KD_MAGIC };
	size_t nf = 0, nt = 0, off;
	char *buf;

	sb_init(&b.str);
	sb_putc(&b.str, '\0');
	load_syms(&b);
	while (!dwarf_get_units(dw, cu, &cu, NULL, NULL, &cud, NULL)) {
		if (dwarf_child(&cud, &c))
			continue;
		do {
			int tag = dwarf_tag(&c);
			Dwarf_Addr entry;

			switch (tag) {
			case DW_TAG_subprogram:
				if (!dwarf_hasattr(&c, DW_AT_low_pc) &&
				    !dwarf_hasattr(&c, DW_AT_ranges))
					break;
				if (!die_entry(&c, &entry))
					add_func(&b, &c, entry, 0);
				walk_body(&b, &c);
				break;
			case DW_TAG_structure_type: case DW_TAG_union_type:
			case DW_TAG_enumeration_type: case DW_TAG_typedef:
			case DW_TAG_base_type:
				add_type(&b, &c, tag);
				break;
			default:
				break;
			}
		} while (!dwarf_siblingof(&c, &c));
	}
	sort_str = b.str.buf;
	if (b.nfuncs)
		qsort(b.funcs, b.nfuncs, sizeof(*b.funcs), cmp_func);
	if (b.ntypes)
		qsort(b.types, b.ntypes, sizeof(*b.types), cmp_type);
	/* one instance per (name, kind, address); one type per (name, tag) */
	for (size_t i = 0; i < b.nfuncs; i++)
		if (!nf || b.funcs[i].name != b.funcs[nf - 1].name ||
		    b.funcs[i].flags != b.funcs[nf - 1].flags ||
		    b.funcs[i].addr != b.funcs[nf - 1].addr)
			b.funcs[nf++] = b.funcs[i];
	for (size_t i = 0; i < b.ntypes; i++)
		if (!nt || b.types[i].name != b.types[nt - 1].name ||
		    b.types[i].tag != b.types[nt - 1].tag)
			b.types[nt++] = b.types[i];
	h.version = KD_VERSION;
	h.nfuncs = (uint32_t)nf;
	h.ntypes = (uint32_t)nt;
	h.strsize = (uint32_t)b.str.len;
	h.build_id_len = (uint32_t)(bidlen > 32 ? 32 : bidlen);
	memcpy(h.build_id, bid, h.build_id_len);
	*len = sizeof(h) + nf * sizeof(*b.funcs) + nt * sizeof(*b.types) +
	       b.str.len;
	buf = xmalloc(*len);
	memcpy(buf, &h, sizeof(h));
	off = sizeof(h);
	memcpy(buf + off, b.funcs, nf * sizeof(*b.funcs));
	off += nf * sizeof(*b.funcs);
	memcpy(buf + off, b.types, nt * sizeof(*b.types));
	off += nt * sizeof(*b.types);
	memcpy(buf + off, b.str.buf, b.str.len);
	free(b.syms);
	free(b.funcs);
	free(b.types);
	free(b.slots);
	sb_free(&b.str);
	return buf;
}

bool kdwarf_index_check(const void *buf, size_t len, const uint8_t *bid,
			int bidlen)
{
	const struct kd_header *h = buf;
	const struct kd_func *funcs;
	const struct kd_type *types;
	size_t need;

	/* the header holds 32 bytes of build id at most */
	if (len < sizeof(*h) || bidlen < 0 || bidlen > 32 ||
	    memcmp(h->magic, KD_MAGIC, 8) || h->version != KD_VERSION ||
	    h->build_id_len != (uint32_t)bidlen ||
	    memcmp(h->build_id, bid, (size_t)bidlen))
		return false;
	need = sizeof(*h) + (size_t)h->nfuncs * sizeof(struct kd_func) +
	       (size_t)h->ntypes * sizeof(struct kd_type) + h->strsize;
	if (need != len || !h->strsize || ((const char *)buf)[len - 1])
		return false;
	funcs = (const void *)((const char *)buf + sizeof(*h));
	types = (const void *)(funcs + h->nfuncs);
	for (uint32_t i = 0; i < h->nfuncs; i++)
		if (funcs[i].name >= h->strsize ||
		    funcs[i].symbol >= h->strsize ||
		    funcs[i].file >= h->strsize)
			return false;
	for (uint32_t i = 0; i < h->ntypes; i++)
		if (types[i].name >= h->strsize)
			return false;
	return true;
}

/* The index's parts, when buf holds a valid one of build id bid. */
static bool use_index(void *buf, size_t len, const uint8_t *bid, int bidlen)
{
	const struct kd_header *h = buf;

	if (!kdwarf_index_check(buf, len, bid, bidlen))
		return false;
	kd.h = h;
	kd.funcs = (const void *)((char *)buf + sizeof(*h));
	kd.types = (const void *)(kd.funcs + h->nfuncs);
	kd.str = (const char *)(kd.types + h->ntypes);
	return true;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Maps the cached index of build id bid, or (build) builds and saves it. */
static bool open_index(struct session *s, struct dsource *ds,
		       const uint8_t *bid, int bidlen, bool build)
{
	struct arena *a = &s->arena;
	char hex[65];
	char *dir;
	const char *path, *tmp;
	int fd;
	struct stat st;
	double t0;
	FILE *f;

	for (int i = 0; i < bidlen && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", bid[i]);
	hex[2 * (bidlen < 32 ? bidlen : 32)] = '\0';
	dir = arena_printf(a, "%s/kdwarf", cache_dir(s));
	path = arena_printf(a, "%s/%s.idx", dir, hex);
	fd = open(path, O_RDONLY);
	if (fd >= 0 && !fstat(fd, &st) && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			       fd, 0);

		close(fd);
		fd = -1;
		if (m != MAP_FAILED && use_index(m, (size_t)st.st_size, bid, bidlen)) {
			kd.map = m;
			kd.map_len = (size_t)st.st_size;
			kd.mapped = true;
			if (s->verbose >= 2)
				fprintf(stderr, "Pass 2: kernel DWARF index %s\n",
					path);
			return true;
		}
		if (m != MAP_FAILED)
			munmap(m, (size_t)st.st_size);
	}
	if (fd >= 0)
		close(fd);
	if (!build)
		return false;
	t0 = now();
	kd.map = build_index(ds, bid, bidlen, &kd.map_len);
	kd.mapped = false;
	if (!use_index(kd.map, kd.map_len, bid, bidlen))
		return false;
	if (s->verbose >= 1)
		fprintf(stderr, "Pass 2: indexed the kernel's DWARF (%u functions "
			"and inlined instances, %u types) in %.1f s into %s\n",
			kd.h->nfuncs, kd.h->ntypes, now() - t0, path);
	tmp = arena_printf(a, "%s.%d.tmp", path, (int)getpid());
	if (mkdir_p(dir, 0755) || !(f = fopen(tmp, "wb")))
		return true;		/* works, just not cached */
	if (fwrite(kd.map, 1, kd.map_len, f) != kd.map_len) {
		fclose(f);
		unlink(tmp);
		return true;
	}
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
	return true;
}

/* The index, built on first use when no cached one was mapped. */
static bool need_index(void)
{
	if (kd.h)
		return true;
	if (!kd.index_failed &&
	    !open_index(kd.s, kd.ds, kd.bid, kd.bidlen, true)) {
		kd.index_failed = true;
		fprintf(stderr, "WARNING: cannot index the kernel's DWARF\n");
	}
	return kd.h != NULL;
}

/* ---- a named function without the index ---- */

/* What a script naming one function needs should not wait for the
 * index: the function's ELF symbols (NAME, or a clone NAME.isra.0,
 * NAME.constprop.0...), each address's unit through .debug_aranges
 * (dwarf_addrdie), and in it the subprogram entered there. */
struct named {
	Dwarf_Off die;
	Dwarf_Addr addr;
	const char *symbol;		/* NULL: the name itself */
	int64_t offset;			/* from symbol */
	const char *file;
	int line;
};

static struct build named_syms;		/* the ELF symbols, loaded once */
static bool named_loaded;

struct named_func {
	Dwarf_Off die;
	const struct dfunc *f;
	struct named_func *next;
};
static struct named_func *named_funcs;

static int named(const char *name, struct named *out, int max)
{
	Dwarf *dw = dwarf_handle(kd.ds);
	size_t len = strlen(name);
	int n = 0;

	if (!named_loaded) {
		named_loaded = true;
		named_syms.ds = kd.ds;
		load_syms(&named_syms);
	}
	for (size_t i = 0; i < named_syms.nsyms && n < max; i++) {
		const struct ksym *k = &named_syms.syms[i];
		Dwarf_Die cu, c;

		if (strncmp(k->name, name, len) ||
		    (k->name[len] && (k->name[len] != '.' ||
				      strstr(k->name + len, ".cold"))) ||
		    (n && out[n - 1].addr == k->addr) ||
		    !dwarf_addrdie(dw, k->addr, &cu) || dwarf_child(&cu, &c))
			continue;
		do {
			Dwarf_Addr e;
			const char *dn, *f;
			int line = 0;

			if (dwarf_tag(&c) != DW_TAG_subprogram ||
			    (!dwarf_hasattr(&c, DW_AT_low_pc) &&
			     !dwarf_hasattr(&c, DW_AT_ranges)) ||
			    die_entry(&c, &e) || e != k->addr ||
			    !(dn = dwarf_diename(&c)) || strcmp(dn, name))
				continue;
			f = dwarf_decl_file(&c);
			while (f && !strncmp(f, "./", 2))
				f += 2;
			dwarf_decl_line(&c, &line);
			out[n++] = (struct named){ dwarf_dieoffset(&c), e,
				k->name[len] ? arena_strdup(kd.ds->a, k->name) : NULL,
				0, f ? arena_strdup(kd.ds->a, f) : "", line };
			if (k->dup && named_syms.anchor && e > named_syms.anchor) {
				out[n - 1].symbol = KD_ANCHOR;
				out[n - 1].offset = (int64_t)(e - named_syms.anchor);
			}
			break;
		} while (!dwarf_siblingof(&c, &c));
	}
	return n;
}

/* Of n definitions, the first in file at line (NULL, 0: any) whose
 * symbol is the name, else the first; -1 when none is there. */
static int named_pick(const struct named *c, int n, const char *file,
		      int line);

static const struct dfunc *named_func(const char *name, const struct named *c)
{
	struct named_func *nf;
	Dwarf_Die d;

	for (nf = named_funcs; nf; nf = nf->next)
		if (nf->die == c->die)
			return nf->f;
	if (!dwarf_offdie(dwarf_handle(kd.ds), c->die, &d))
		return NULL;
	nf = arena_alloc(kd.ds->a, sizeof(*nf));
	nf->die = c->die;
	nf->f = dwarf_func_at(kd.ds, &d, arena_strdup(kd.ds->a, name), c->addr);
	nf->next = named_funcs;
	named_funcs = nf;
	return nf->f;
}

/* ---- global and file-static variables ---- */

struct sym_query {
	const char *name;
	uint64_t global, local;
};

static int find_data_sym(const char *name, const GElf_Sym *sym,
			 GElf_Addr addr, void *data)
{
	struct sym_query *q = data;
	int type = GELF_ST_TYPE(sym->st_info);

	if (strcmp(name, q->name) || sym->st_shndx == SHN_UNDEF ||
	    type == STT_FUNC || type == STT_SECTION || type == STT_FILE)
		return 0;
	if (GELF_ST_BIND(sym->st_info) != STB_LOCAL) {
		q->global = addr;
		return 1;
	}
	if (!q->local)
		q->local = addr;
	return 0;
}

uint64_t kdwarf_symbol(struct dsource *ds, const char *name)
{
	struct sym_query q = { name, 0, 0 };

	each_ksym(ds, find_data_sym, &q);
	return q.global ? q.global : q.local;
}

/* kdwarf_global's search, in the unit at offset first (-1: none) */
static const struct dvar *find_global(struct dsource *ds, const char *name,
				      const char *file, Dwarf_Off first,
				      const char **why)
{
	Dwarf *dw = dwarf_handle(ds);
	Dwarf_CU *cu = NULL;
	Dwarf_Die cud, c, found;
	const struct dvar *v;
	struct dvar *copy;
	struct dloc_op *op;
	uint64_t addr;
	int have = 0, k;

	/* the probed function's unit first: its own file-static wins */
	if (first != (Dwarf_Off)-1 && dwarf_offdie(dw, first, &cud))
		have = dwarf_cu_global(&cud, name, file, &found);
	while (have < 2 &&
	       !dwarf_get_units(dw, cu, &cu, NULL, NULL, &cud, NULL)) {
		if (dwarf_dieoffset(&cud) == first)
			continue;
		k = dwarf_cu_global(&cud, name, file, &c);
		if (k > have) {
			found = c;
			have = k;
		}
	}
	if (!have) {
		*why = arena_printf(ds->a, "unable to find global '%s'%s%s in "
				    "the kernel's DWARF", name,
				    file ? " in " : "", file ? file : "");
		return NULL;
	}
	v = dwarf_var_of(ds, &found, name);
	if (have == 2 || dwarf_hasattr_integrate(&found, DW_AT_const_value))
		return v;
	/* declared only: defined by the linker script (jiffies), or in
	 * assembly; its ELF symbol has the address */
	addr = kdwarf_symbol(ds, name);
	if (!addr) {
		*why = arena_printf(ds->a, "'%s' is only declared in the "
				    "kernel's DWARF, and the kernel has no "
				    "symbol of that name", name);
		return NULL;
	}
	copy = arena_alloc(ds->a, sizeof(*copy));
	*copy = *v;
	op = arena_alloc(ds->a, sizeof(*op));
	*op = (struct dloc_op){ DW_OP_addr, addr, 0 };
	copy->loc = op;
	copy->nloc = 1;
	copy->has_loc = true;
	return copy;
}

/* A script names the same variable many times (a whole walk of the
 * units for each would be ~0.2 s): the answers, by name, file and the
 * unit searched first. */
struct global_seen {
	const char *name, *file;
	Dwarf_Off first;
	const struct dvar *v;
	const char *why;
};

const struct dvar *kdwarf_global(struct dsource *ds, const char *name,
				 const char *file, uint64_t pc,
				 const char **why)
{
	struct ptrvec *seen = &kd.globals_seen;
	Dwarf_Off first = (Dwarf_Off)-1;
	Dwarf_Die cud;
	struct global_seen *g;

	if (pc && dwarf_addrdie(dwarf_handle(ds), pc, &cud))
		first = dwarf_dieoffset(&cud);
	for (int i = 0; i < seen->n; i++) {
		g = seen->v[i];
		if (g->first == first && !strcmp(g->name, name) &&
		    (g->file == file || (g->file && file &&
					 !strcmp(g->file, file)))) {
			*why = g->why;
			return g->v;
		}
	}
	g = arena_alloc(ds->a, sizeof(*g));
	g->name = arena_strdup(ds->a, name);
	g->file = file ? arena_strdup(ds->a, file) : NULL;
	g->first = first;
	g->why = NULL;
	g->v = find_global(ds, name, file, first, &g->why);
	pv_push(ds->a, seen, g);
	*why = g->why;
	return g->v;
}

/* ---- the source's hooks ---- */

/* The first entry named name (of kind flags) */
static size_t lower_name(const char *name, size_t len)
{
	size_t lo = 0, hi = kd.h->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(S(kd.funcs[mid].name), name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct dfunc *func_at(size_t i)
{
	const struct kd_func *k = &kd.funcs[i];
	Dwarf_Die d;

	if (!kd.dfuncs)
		kd.dfuncs = calloc(kd.h->nfuncs ? kd.h->nfuncs : 1,
				   sizeof(*kd.dfuncs));
	if (!kd.dfuncs[i] && dwarf_offdie(dwarf_handle(kd.ds), k->die, &d))
		kd.dfuncs[i] = dwarf_func_at(kd.ds, &d, S(k->name), k->addr);
	return kd.dfuncs[i];
}

static bool file_matches(const char *path, const char *file)
{
	if (!strpbrk(file, "*?["))
		return dwarf_file_matches(path, file);
	if (!fnmatch(file, path, 0))
		return true;
	/* "read_write.c" or "*.c" in any directory, "fs/x*" under any */
	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/'))
		if (!fnmatch(file, p + 1, 0))
			return true;
	return false;
}

/* Is entry i of the range [lo, hi) of one name the one to use for it: the
 * first that passes the filter, one whose symbol is the name (not a
 * clone) preferred. */
static bool chosen(size_t i, size_t lo, size_t hi, const char *file, int line)
{
	size_t first = hi;

	for (size_t k = lo; k < hi; k++) {
		const struct kd_func *f = &kd.funcs[k];

		if (f->flags || (file && !file_matches(S(f->file), file)) ||
		    (line && (int)f->line != line))
			continue;
		if (!f->symbol)
			return k == i;
		if (first == hi)
			first = k;
	}
	return first == i;
}

static int named_pick(const struct named *c, int n, const char *file,
		      int line)
{
	int pick = -1;

	for (int j = 0; j < n; j++) {
		if ((file && !file_matches(c[j].file, file)) ||
		    (line && c[j].line != line))
			continue;
		if (!c[j].symbol)
			return j;
		if (pick < 0)
			pick = j;
	}
	return pick;
}

static void named_hit(struct kdwarf_hit *h, const char *name,
		      const struct named *c, const struct dfunc *f)
{
	memset(h, 0, sizeof(*h));
	h->f = f;
	h->name = f->name;
	h->symbol = c->symbol ? c->symbol : f->name;
	h->offset = c->offset;
	h->file = c->file;
	h->line = c->line;
	(void)name;
}

static void make_hit(struct kdwarf_hit *h, size_t i, const struct dfunc *f)
{
	const struct kd_func *k = &kd.funcs[i];

	h->f = f;
	h->name = S(k->name);
	h->symbol = k->symbol ? S(k->symbol) : h->name;
	h->offset = k->sym_off;
	h->file = k->file ? S(k->file) : NULL;
	h->line = (int)k->line;
	h->inlined = k->flags & KDF_INLINE;
}

int kdwarf_each(struct dsource *ds, const char *pattern, const char *file,
		int line, bool inl,
		int (*fn)(const struct kdwarf_hit *, void *), void *data)
{
	size_t plen = strcspn(pattern, "*?[\\"), i, end;
	bool wild = pattern[plen] != '\0';
	int n = 0;

	if (!kdwarf_is(ds))
		return 0;
	if (!kd.h && !wild && !inl) {
		struct named c[16];
		int k = named(pattern, c, 16), j = named_pick(c, k, file, line);
		const struct dfunc *f;
		struct kdwarf_hit h;

		if (j >= 0 && (f = named_func(pattern, &c[j]))) {
			named_hit(&h, pattern, &c[j], f);
			fn(&h, data);
			return 1;
		}
		if (k)
			return 0;
		/* a name only the index knows (no symbol of its own) */
	}
	if (!need_index())
		return 0;
	for (i = lower_name(pattern, plen); i < kd.h->nfuncs; i = end) {
		const char *name = S(kd.funcs[i].name);
		struct kdwarf_hit h;

		if (strncmp(name, pattern, plen) ||
		    (!wild && strcmp(name, pattern)))
			break;
		for (end = i + 1; end < kd.h->nfuncs &&
		     kd.funcs[end].name == kd.funcs[i].name; end++)
			;
		if (wild && fnmatch(pattern, name, 0))
			continue;
		for (size_t k = i; k < end; k++) {
			const struct kd_func *f = &kd.funcs[k];
			const struct dfunc *df;

			if ((bool)(f->flags & KDF_INLINE) != inl ||
			    (file && !file_matches(S(f->file), file)) ||
			    (line && (int)f->line != line) ||
			    (!inl && !chosen(k, i, end, file, line)) ||
			    !(df = func_at(k)))
				continue;
			make_hit(&h, k, df);
			n++;
			if (fn(&h, data))
				return n;
		}
	}
	return n;
}

int kdwarf_lines(struct dsource *ds, const char *func, const char *file,
		 int line, int (*fn)(const struct kdwarf_hit *, void *),
		 void *data, const char **why)
{
	size_t plen = strcspn(func, "*?[\\");
	bool wild = func[plen] != '\0';
	int n = 0, seen = 0;

	if (!kdwarf_is(ds))
		return 0;
	*why = NULL;
	if (!kd.h && !wild) {
		struct named c[16];
		int k = named(func, c, 16);

		for (int j = 0; j < k; j++) {
			const char *w = NULL;
			const struct dfunc *f;
			struct kdwarf_hit h;
			Dwarf_Die d;

			if (!file_matches(c[j].file, file) ||
			    !dwarf_offdie(dwarf_handle(ds), c[j].die, &d))
				continue;
			seen++;
			f = dwarf_func_line(ds, &d, func, file, line, &w);
			if (!f) {
				*why = w;
				continue;
			}
			named_hit(&h, func, &c[j], f);
			h.offset += (int64_t)f->offset;
			n++;
			if (fn(&h, data))
				break;
		}
		if (k)
			goto done;
	}
	if (!need_index())
		return 0;
	for (size_t i = lower_name(func, plen); i < kd.h->nfuncs; i++) {
		const struct kd_func *k = &kd.funcs[i];
		const char *name = S(k->name), *w = NULL;
		const struct dfunc *f;
		struct kdwarf_hit h;
		Dwarf_Die d;

		if (strncmp(name, func, plen) || (!wild && strcmp(name, func)))
			break;
		if (k->flags || (wild && fnmatch(func, name, 0)) ||
		    !file_matches(S(k->file), file) ||
		    !dwarf_offdie(dwarf_handle(ds), k->die, &d))
			continue;
		seen++;
		f = dwarf_func_line(ds, &d, name, file, line, &w);
		if (!f) {
			if (!wild)
				*why = w;
			continue;
		}
		make_hit(&h, i, f);
		h.offset += (int64_t)f->offset;
		n++;
		if (fn(&h, data))
			break;
	}
done:
	if (!n && (!*why || wild))
		*why = seen ? arena_printf(ds->a, "no code at %s:%d in a function "
					   "matching '%s'", file, line, func)
			    : arena_printf(ds->a, "no function '%s' declared in "
					   "a file matching '%s' in the kernel's "
					   "DWARF", func, file);
	return n;
}

int kdwarf_decl_line(struct dsource *ds, const char *func, const char *file)
{
	if (!kdwarf_is(ds))
		return 0;
	if (!kd.h && !strpbrk(func, "*?[\\")) {
		struct named c[16];
		int k = named(func, c, 16), j = named_pick(c, k, file, 0);

		if (j >= 0)
			return c[j].line;
		if (k)
			return 0;
	}
	if (!need_index())
		return 0;
	for (size_t i = lower_name(func, strlen(func)); i < kd.h->nfuncs; i++) {
		const struct kd_func *k = &kd.funcs[i];

		if (strcmp(S(k->name), func))
			break;
		if (!k->flags && file_matches(S(k->file), file))
			return (int)k->line;
	}
	return 0;
}

static int kd_each_func(struct dsource *ds, const char *pattern,
			int (*fn)(const struct dfunc *, void *), void *data)
{
	if (!need_index())
		return 0;
	/* each name once, its entry-located function */
	for (size_t i = lower_name(pattern, strcspn(pattern, "*?[\\"));
	     i < kd.h->nfuncs; i++) {
		const struct kd_func *k = &kd.funcs[i];
		size_t plen = strcspn(pattern, "*?[\\"), end;
		const struct dfunc *f;
		int r;

		if (strncmp(S(k->name), pattern, plen))
			break;
		for (end = i + 1; end < kd.h->nfuncs &&
		     kd.funcs[end].name == k->name; end++)
			;
		if (fnmatch(pattern, S(k->name), 0)) {
			i = end - 1;
			continue;
		}
		for (size_t j = i; j < end; j++) {
			if (!chosen(j, i, end, NULL, 0) || !(f = func_at(j)))
				continue;
			r = fn(f, data);
			if (r)
				return r;
			break;
		}
		i = end - 1;
	}
	(void)ds;
	return 0;
}

static const struct dfunc *kd_find_func(struct dsource *ds, const char *name)
{
	size_t i, end;

	(void)ds;
	if (!kd.h) {
		struct named c[16];
		int k = named(name, c, 16), j = named_pick(c, k, NULL, 0);

		if (j >= 0)
			return named_func(name, &c[j]);
		if (k)
			return NULL;
	}
	if (!need_index())
		return NULL;
	i = lower_name(name, strlen(name) + 1);
	for (end = i; end < kd.h->nfuncs && !strcmp(S(kd.funcs[end].name), name);
	     end++)
		;
	for (size_t j = i; j < end; j++)
		if (chosen(j, i, end, NULL, 0))
			return func_at(j);
	return NULL;
}

static const struct dtype *kd_find_type(struct dsource *ds, const char *name,
					enum dtype_kind kind)
{
	int tag = dwarf_tag_of(kind);
	size_t lo = 0, hi;

	if (!need_index())
		return NULL;
	hi = kd.h->ntypes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(S(kd.types[mid].name), name);

		if (!c)
			c = kd.types[mid].tag < tag ? -1 : kd.types[mid].tag > tag;
		if (!c)	/* dwarf.c converts it, through its cache */
			return dwarf_type_at(ds, kd.types[mid].die);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void kd_close(struct dsource *ds)
{
	if (kd.dw_close)
		kd.dw_close(ds);
	if (kd.map && kd.mapped)
		munmap(kd.map, kd.map_len);
	else
		free(kd.map);
	free(kd.dfuncs);
	memset(&kd, 0, sizeof(kd));
	free(named_syms.syms);
	named_syms = (struct build){ 0 };
	named_loaded = false;
	named_funcs = NULL;
}

bool kdwarf_is(const struct dsource *ds)
{
	return ds && ds == kd.ds;
}

struct dsource *kdwarf_open(struct session *s, const char *path,
			    const char **why)
{
	struct dsource *ds = dwarf_open_bare(&s->arena, path, why);
	const unsigned char *bid = NULL;
	GElf_Addr vaddr;
	int bidlen;

	if (!ds)
		return NULL;
	bidlen = dwfl_module_build_id(dwarf_dwfl_module(ds), &bid, &vaddr);
	if (bidlen <= 0) {
		*why = arena_printf(&s->arena, "%s has no build id", path);
		dsource_close(ds);
		return NULL;
	}
	kd.ds = ds;
	kd.dw_close = ds->close;
	kd.s = s;
	kd.bidlen = bidlen > 32 ? 32 : bidlen;
	memcpy(kd.bid, bid, (size_t)kd.bidlen);
	/* a cached index now; otherwise built when something needs it */
	open_index(s, ds, kd.bid, kd.bidlen, false);
	ds->what = arena_printf(&s->arena, "DWARF from %s", path);
	ds->each_func = kd_each_func;
	ds->find_func = kd_find_func;
	ds->find_type = kd_find_type;
	ds->close = kd_close;
	return ds;
}
