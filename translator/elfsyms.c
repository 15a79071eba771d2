/* elfsyms.c - function symbols of user-space ELF files, read with libelf.
 *
 * A uprobe names a file and an offset in it; the symbol table gives
 * link-time addresses, which the loadable segments (PT_LOAD) map back to
 * file offsets.  Position-independent files and fixed-address ones are
 * handled alike, since the offset does not depend on where the file is
 * mapped at run time. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsyms.h"

int64_t elf_addr_offset(const struct elf_syms *es, uint64_t addr)
{
	for (int i = 0; i < es->nsegs; i++) {
		const struct elf_segment *s = &es->segs[i];

		if (addr >= s->vaddr && addr - s->vaddr < s->filesz)
			return (int64_t)(addr - s->vaddr + s->offset);
	}
	return -1;
}

static int cmp_func(const void *pa, const void *pb)
{
	const struct elf_func *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

static bool read_segments(struct arena *a, Elf *e, struct elf_syms *es)
{
	size_t n;

	if (elf_getphdrnum(e, &n))
		return false;
	es->segs = arena_alloc(a, (n ? n : 1) * sizeof(*es->segs));
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    !ph.p_filesz)
			continue;
		es->segs[es->nsegs++] = (struct elf_segment){
			ph.p_vaddr, ph.p_filesz, ph.p_offset,
		};
	}
	return es->nsegs > 0;
}

int elf_each_symbol(Elf *e, GElf_Word type,
		    int (*fn)(const GElf_Sym *sym, const char *name,
			      void *data),
		    void *data)
{
	Elf_Scn *scn = NULL;
	int found = -1;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t cnt;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type ||
		    !sh.sh_entsize)
			continue;
		found = 0;
		d = elf_getdata(scn, NULL);
		cnt = d ? sh.sh_size / sh.sh_entsize : 0;
		for (size_t i = 0; i < cnt; i++) {
			GElf_Sym sym;
			const char *name;
			int r;

			if (!gelf_getsym(d, (int)i, &sym) ||
			    sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (name && *name && (r = fn(&sym, name, data)))
				return r;
		}
	}
	return found;
}

/* read_funcs()'s state: the functions found so far. */
struct func_walk {
	struct arena *a;
	struct elf_syms *es;
	struct elf_func *v;
	size_t n, cap;
};

static int add_func(const GElf_Sym *sym, const char *name, void *data)
{
	struct func_walk *w = data;
	int64_t off;

	/* Defined functions only: an ifunc's symbol is its resolver, not
	 * the code that runs. */
	if (GELF_ST_TYPE(sym->st_info) != STT_FUNC || !sym->st_value)
		return 0;
	off = elf_addr_offset(w->es, sym->st_value);
	if (off < 0)
		return 0;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = (struct elf_func){
		arena_strdup(w->a, name), sym->st_value, (uint64_t)off,
		sym->st_size,
	};
	return 0;
}

/* The functions of .symtab, which has the static ones too, or of
 * .dynsym when the file is stripped (only the exported ones); false when
 * it has neither. */
static bool read_funcs(struct arena *a, Elf *e, struct elf_syms *es)
{
	struct func_walk w = { a, es, NULL, 0, 0 };
	int r = elf_each_symbol(e, SHT_SYMTAB, add_func, &w);

	if (r < 0)
		r = elf_each_symbol(e, SHT_DYNSYM, add_func, &w);
	es->funcs = arena_alloc(a, (w.n ? w.n : 1) * sizeof(*es->funcs));
	if (w.n) {
		memcpy(es->funcs, w.v, w.n * sizeof(*w.v));
		qsort(es->funcs, w.n, sizeof(*es->funcs), cmp_func);
	}
	free(w.v);
	/* Aliases under one name at one place (a weak and a strong symbol)
	 * are one probe point. */
	es->nfuncs = 0;
	for (size_t i = 0; i < w.n; i++)
		if (!es->nfuncs || cmp_func(&es->funcs[i],
					    &es->funcs[es->nfuncs - 1]))
			es->funcs[es->nfuncs++] = es->funcs[i];
	return r >= 0;
}

Elf *elf_open_file(const char *path, int *fd, size_t *shstrndx,
		   const char **why)
{
	Elf *e;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		*why = "cannot open it";
		return NULL;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, shstrndx)) {
		elf_close_file(e, *fd);
		*why = "not an ELF file";
		return NULL;
	}
	return e;
}

void elf_close_file(Elf *e, int fd)
{
	if (e)
		elf_end(e);
	close(fd);
}

const struct elf_syms *elf_syms_read(struct arena *a, const char *path,
				     const char **why)
{
	struct elf_syms *es = arena_alloc(a, sizeof(*es));
	GElf_Ehdr eh;
	struct stat st;
	Elf *e;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = arena_strdup(a, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		close(fd);
		return NULL;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		*why = "not an ELF file";
		goto fail;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		*why = "not an executable or a shared library";
		goto fail;
	}
	if (!read_segments(a, e, es)) {
		*why = "it has no loadable segment";
		goto fail;
	}
	es->has_symtab = read_funcs(a, e, es);
	es->path = arena_strdup(a, path);
	elf_end(e);
	close(fd);
	return es;
fail:
	if (e)
		elf_end(e);
	close(fd);
	return NULL;
}
