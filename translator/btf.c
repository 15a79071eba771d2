/* btf.c - a debuginfo source over the kernel's BTF, read with libbpf.
 *
 * Debian kernels are built with CONFIG_DEBUG_INFO_BTF: the running one
 * exports its types in /sys/kernel/btf/vmlinux, and every release carries
 * the same data as the .BTF section of its vmlinux, which survives in the
 * xz-compressed vmlinuz.  So a kernel's BTF is found without a debug
 * package; once dug out of an ELF file the section's bytes are kept as
 * CACHE_DIR/btf/RELEASE.btf, so later runs read 5 MB instead of
 * decompressing 60.
 *
 * Types are converted on first use and remembered by BTF id; a function's
 * parameters are converted when the function is first asked for. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "debuginfo.h"

struct func_ent {
	const char *name;
	uint32_t id;
};

struct btf_impl {
	struct btf *btf;
	struct dtype *unknown;		/* for ids that make no sense */
	/* BTF_KIND_FUNC entries sorted by name, one per name; built on the
	 * first function query */
	struct func_ent *funcs;
	uint32_t nfuncs;
	bool indexed;
	const struct dfunc **dfuncs;	/* built ones, parallel to funcs */
};

static struct btf_impl *impl(struct dsource *s)
{
	return s->impl;
}

/* ---- types ---- */

static const struct dtype *convert(struct dsource *s, uint32_t id);

static int64_t size_of(struct btf *btf, uint32_t id)
{
	int64_t n = btf__resolve_size(btf, id);

	return n > 0 ? n : 0;
}

static enum dtype_kind kind_of(const struct btf_type *bt)
{
	switch (btf_kind(bt)) {
	case BTF_KIND_UNKN:	return DT_VOID;
	case BTF_KIND_INT:	return DT_INT;
	case BTF_KIND_PTR:	return DT_PTR;
	case BTF_KIND_ARRAY:	return DT_ARRAY;
	case BTF_KIND_STRUCT:	return DT_STRUCT;
	case BTF_KIND_UNION:	return DT_UNION;
	case BTF_KIND_ENUM:	return DT_ENUM;
	case BTF_KIND_ENUM64:	return DT_ENUM;
	case BTF_KIND_FWD:	return btf_kflag(bt) ? DT_UNION : DT_STRUCT;
	case BTF_KIND_TYPEDEF:	return DT_TYPEDEF;
	case BTF_KIND_VOLATILE:	return DT_VOLATILE;
	case BTF_KIND_CONST:	return DT_CONST;
	case BTF_KIND_RESTRICT:	return DT_RESTRICT;
	case BTF_KIND_FUNC_PROTO: return DT_FUNC;
	case BTF_KIND_FLOAT:	return DT_FLOAT;
	default:		return DT_UNKNOWN;
	}
}

static struct dtype *make_type(struct dsource *s, uint32_t id,
			       const struct btf_type *bt)
{
	struct btf *btf = impl(s)->btf;
	enum dtype_kind kind = kind_of(bt);
	const char *name = btf__name_by_offset(btf, bt->name_off);
	struct dtype *t;

	if (kind == DT_VOID)
		name = "void";
	t = dt_new(s, kind, id, name);
	switch (btf_kind(bt)) {
	case BTF_KIND_INT:
		t->size = bt->size;
		t->is_signed = btf_int_encoding(bt) & BTF_INT_SIGNED;
		t->is_char = bt->size == 1 && strstr(t->name, "char");
		break;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		t->size = bt->size;
		t->is_signed = btf_kflag(bt);	/* set by pahole since 6.0 */
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_FLOAT:
		t->size = bt->size;
		break;
	case BTF_KIND_ARRAY:
		t->nelems = btf_array(bt)->nelems;
		t->size = size_of(btf, id);
		break;
	case BTF_KIND_FWD:
		t->members_done = true;	/* declared, never defined */
		break;
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
		t->size = size_of(btf, id);
		break;
	default:
		break;
	}
	return t;
}

/* Tags (__user, __rcu, btf_decl_tag) and a FUNC's name wrapper say
 * nothing about layout: they convert to what they refer to. */
static bool see_through(const struct btf_type *bt)
{
	return btf_is_type_tag(bt) || btf_is_decl_tag(bt) || btf_is_func(bt);
}

static const struct dtype *convert(struct dsource *s, uint32_t id)
{
	struct btf_impl *bi = impl(s);
	const struct btf_type *bt;
	const struct dtype *t;

	if (id >= s->ntypes || !bi->btf)
		return bi->unknown;
	if (s->types[id])
		return s->types[id];
	bt = btf__type_by_id(bi->btf, id);
	if (!bt)
		return bi->unknown;
	if (see_through(bt)) {
		/* a placeholder first, so a (malformed) cycle ends */
		s->types[id] = bi->unknown;
		t = convert(s, bt->type);
	} else {
		t = make_type(s, id, bt);
	}
	s->types[id] = t;
	return t;
}

static void btf_fill_target(struct dsource *s, struct dtype *t)
{
	struct btf *btf = impl(s)->btf;
	const struct btf_type *bt = btf ? btf__type_by_id(btf, t->id) : NULL;

	if (!bt)
		return;
	switch (btf_kind(bt)) {
	case BTF_KIND_ARRAY:
		t->target_ = convert(s, btf_array(bt)->type);
		break;
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC_PROTO:	/* its return type */
		t->target_ = convert(s, bt->type);
		break;
	default:
		break;
	}
}

static void btf_fill_members(struct dsource *s, struct dtype *t)
{
	struct btf *btf = impl(s)->btf;
	const struct btf_type *bt = btf ? btf__type_by_id(btf, t->id) : NULL;
	const struct btf_member *m;
	int n;

	if (!bt || !btf_is_composite(bt))
		return;
	n = btf_vlen(bt);
	m = btf_members(bt);
	t->members_ = arena_alloc(s->a, sizeof(*t->members_) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		struct dmember *dm = &t->members_[i];

		dm->name = btf__name_by_offset(btf, m[i].name_off);
		if (!dm->name)
			dm->name = "";
		dm->type = convert(s, m[i].type);
		dm->bit_offset = btf_member_bit_offset(bt, (uint32_t)i);
		dm->bit_size = (int)btf_member_bitfield_size(bt, (uint32_t)i);
	}
	t->nmembers_ = n;
}

static const struct dtype *btf_find_type(struct dsource *s, const char *name,
					 enum dtype_kind kind)
{
	struct btf *btf = impl(s)->btf;
	int bkind;
	int32_t id;

	if (!btf)
		return NULL;
	switch (kind) {
	case DT_STRUCT:		bkind = BTF_KIND_STRUCT; break;
	case DT_UNION:		bkind = BTF_KIND_UNION; break;
	case DT_TYPEDEF:	bkind = BTF_KIND_TYPEDEF; break;
	case DT_INT:		bkind = BTF_KIND_INT; break;
	case DT_ENUM:		bkind = BTF_KIND_ENUM; break;
	case DT_FLOAT:		bkind = BTF_KIND_FLOAT; break;
	default:		return NULL;
	}
	id = btf__find_by_name_kind(btf, name, (uint32_t)bkind);
	if (id < 0 && kind == DT_ENUM)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM64);
	return id < 0 ? NULL : convert(s, (uint32_t)id);
}

/* ---- functions ---- */

static int cmp_func(const void *x, const void *y)
{
	const struct func_ent *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The BTF may describe a static function of one name several times (one
 * per distinct prototype); the lowest id, sorted first, is kept. */
static void build_index(struct dsource *s)
{
	struct btf_impl *bi = impl(s);
	uint32_t n = bi->btf ? btf__type_cnt(bi->btf) : 0, nf = 0, out = 0;

	bi->indexed = true;
	for (uint32_t id = 1; id < n; id++)
		nf += btf_is_func(btf__type_by_id(bi->btf, id));
	bi->funcs = arena_alloc_raw(s->a, sizeof(*bi->funcs) * (nf ? nf : 1));
	nf = 0;
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(bi->btf, id);

		if (!btf_is_func(bt))
			continue;
		bi->funcs[nf].name = btf__name_by_offset(bi->btf, bt->name_off);
		bi->funcs[nf++].id = id;
	}
	qsort(bi->funcs, nf, sizeof(*bi->funcs), cmp_func);
	for (uint32_t i = 0; i < nf; i++)
		if (!out || strcmp(bi->funcs[i].name, bi->funcs[out - 1].name))
			bi->funcs[out++] = bi->funcs[i];
	bi->nfuncs = out;
	bi->dfuncs = arena_alloc(s->a, sizeof(*bi->dfuncs) * (out ? out : 1));
}

/* The first entry whose name does not sort before prefix[0..len). */
static uint32_t lower_bound(struct btf_impl *bi, const char *prefix, size_t len)
{
	uint32_t lo = 0, hi = bi->nfuncs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (strncmp(bi->funcs[mid].name, prefix, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void proto_params(struct dsource *s, struct dfunc *f,
			 const struct btf_type *proto);

static const struct dfunc *make_func(struct dsource *s, uint32_t i)
{
	struct btf_impl *bi = impl(s);
	const struct btf_type *bt, *proto;
	struct dfunc *f;

	if (bi->dfuncs[i])
		return bi->dfuncs[i];
	f = arena_alloc(s->a, sizeof(*f));
	f->name = bi->funcs[i].name;
	bt = btf__type_by_id(bi->btf, bi->funcs[i].id);
	proto = btf__type_by_id(bi->btf, bt->type);
	if (!proto || !btf_is_func_proto(proto)) {
		f->ret = convert(s, 0);
		return bi->dfuncs[i] = f;
	}
	proto_params(s, f, proto);
	return bi->dfuncs[i] = f;
}

/* A function's return and parameter types from its BTF_KIND_FUNC_PROTO
 * (parameter names are empty in a function pointer's prototype). */
static void proto_params(struct dsource *s, struct dfunc *f,
			 const struct btf_type *proto)
{
	struct btf_impl *bi = impl(s);
	const struct btf_param *p;
	int n;

	f->ret = convert(s, proto->type);
	n = btf_vlen(proto);
	p = btf_params(proto);
	/* "..." is a last parameter with neither name nor type */
	if (n && !p[n - 1].type && !p[n - 1].name_off) {
		f->variadic = true;
		n--;
	}
	f->params = arena_alloc(s->a, sizeof(*f->params) * (size_t)(n ? n : 1));
	for (int k = 0; k < n; k++) {
		f->params[k].name = btf__name_by_offset(bi->btf, p[k].name_off);
		if (!f->params[k].name)
			f->params[k].name = "";
		f->params[k].type = convert(s, p[k].type);
		f->params[k].arg = k + 1;
	}
	f->nparams = n;
}

/* Typedefs named PREFIX... that are pointers to function prototypes
 * (the kernel's btf_trace_NAME ones), each as a dfunc named after the
 * typedef, in BTF order; stops early when fn returns non-zero. */
static int btf_each_proto_typedef(struct dsource *s, const char *prefix,
				  int (*fn)(const struct dfunc *, void *),
				  void *data)
{
	struct btf_impl *bi = impl(s);
	uint32_t n = bi->btf ? btf__type_cnt(bi->btf) : 0;
	size_t plen = strlen(prefix);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(bi->btf, id), *pt;
		const char *name;
		struct dfunc *f;
		int r;

		if (!btf_is_typedef(bt))
			continue;
		name = btf__name_by_offset(bi->btf, bt->name_off);
		if (!name || strncmp(name, prefix, plen))
			continue;
		pt = btf__type_by_id(bi->btf, bt->type);
		if (!pt || !btf_is_ptr(pt))
			continue;
		pt = btf__type_by_id(bi->btf, pt->type);
		if (!pt || !btf_is_func_proto(pt))
			continue;
		f = arena_alloc(s->a, sizeof(*f));
		f->name = name;
		proto_params(s, f, pt);
		r = fn(f, data);
		if (r)
			return r;
	}
	return 0;
}

/* Names are sorted, so the pattern's literal prefix bounds the scan. */
static int btf_each_func(struct dsource *s, const char *pattern,
			 int (*fn)(const struct dfunc *, void *), void *data)
{
	struct btf_impl *bi = impl(s);
	size_t plen = strcspn(pattern, "*?[\\");

	if (!bi->btf)
		return 0;
	if (!bi->indexed)
		build_index(s);
	for (uint32_t i = lower_bound(bi, pattern, plen); i < bi->nfuncs; i++) {
		const char *name = bi->funcs[i].name;
		int r;

		if (strncmp(name, pattern, plen))
			break;
		if (pattern[plen] && fnmatch(pattern, name, 0))
			continue;
		if (!pattern[plen] && name[plen])
			continue;
		r = fn(make_func(s, i), data);
		if (r)
			return r;
	}
	return 0;
}

static const struct dfunc *btf_find_func(struct dsource *s, const char *name)
{
	struct btf_impl *bi = impl(s);
	uint32_t i;

	if (!bi->btf)
		return NULL;
	if (!bi->indexed)
		build_index(s);
	i = lower_bound(bi, name, strlen(name) + 1);
	if (i == bi->nfuncs || strcmp(bi->funcs[i].name, name))
		return NULL;
	return make_func(s, i);
}

static void btf_close(struct dsource *s)
{
	struct btf_impl *bi = impl(s);

	btf__free(bi->btf);
	bi->btf = NULL;
}

static struct dsource *new_source(struct arena *a, struct btf *btf,
				  const char *what)
{
	struct dsource *s = arena_alloc(a, sizeof(*s));
	struct btf_impl *bi = arena_alloc(a, sizeof(*bi));

	s->a = a;
	s->what = what;
	s->impl = bi;
	bi->btf = btf;
	s->ntypes = btf__type_cnt(btf);
	s->types = arena_alloc(a, sizeof(*s->types) * s->ntypes);
	bi->unknown = dt_new(s, DT_UNKNOWN, 0, "");
	s->fill_target = btf_fill_target;
	s->fill_members = btf_fill_members;
	s->find_type = btf_find_type;
	s->each_func = btf_each_func;
	s->find_func = btf_find_func;
	s->each_proto_typedef = btf_each_proto_typedef;
	s->close = btf_close;
	return s;
}

/* ---- finding the BTF ---- */

/* What one btf_open() tried, for the message when it all fails. */
struct search {
	struct arena *a;
	const char *release;
	const char *cache_file;		/* NULL: no cache */
	struct strbuf missing;		/* paths that do not exist */
	struct strbuf problems;		/* ones that exist but did not do */
	bool found_any;			/* some candidate file exists */
	struct btf *btf;
	const char *what;
};

static void note_missing(struct search *se, const char *path)
{
	if (se->missing.len)
		sb_puts(&se->missing, ", ");
	sb_puts(&se->missing, path);
}

static void note_problem(struct search *se, const char *path, const char *why)
{
	if (se->problems.len)
		sb_puts(&se->problems, "; ");
	sb_printf(&se->problems, "%s: %s", path, why);
}

/* True when path can be tried; notes it as missing otherwise. */
static bool present(struct search *se, const char *path)
{
	int e;

	if (access(path, R_OK) == 0) {
		se->found_any = true;
		return true;
	}
	e = errno;
	if (e == ENOENT || e == ENOTDIR) {
		note_missing(se, path);
	} else {
		note_problem(se, path, strerror(e));
		se->found_any = true;
	}
	return false;
}

static bool take_raw(struct search *se, const char *path, bool quiet)
{
	struct btf *btf = btf__parse_raw(path);

	if (!btf) {
		if (!quiet)
			note_problem(se, path, arena_printf(se->a,
				     "not usable BTF (%s)", strerror(errno)));
		return false;
	}
	se->btf = btf;
	se->what = arena_printf(se->a, "BTF from %s", path);
	return true;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Best effort: a cache that cannot be written only costs time. */
static void save_cache(struct search *se, const void *data, size_t size)
{
	char *dir, *tmp, *slash;
	int fd;
	bool ok;

	if (!se->cache_file)
		return;
	dir = arena_strdup(se->a, se->cache_file);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0755))
			return;
	}
	tmp = arena_printf(se->a, "%s.%ld.tmp", se->cache_file, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	ok = write_all(fd, data, size);
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, se->cache_file))
		unlink(tmp);
}

static bool take_bytes(struct search *se, const char *path, const void *data,
		       size_t size)
{
	struct btf *btf = btf__new(data, (uint32_t)size);

	if (!btf) {
		note_problem(se, path, arena_printf(se->a,
			     "its .BTF section is not usable (%s)", strerror(errno)));
		return false;
	}
	save_cache(se, data, size);
	se->btf = btf;
	se->what = arena_printf(se->a, "BTF from %s", path);
	return true;
}

/* The .BTF section of e, NULL with *err set when there is none. */
static Elf_Data *elf_btf(Elf *e, const char **err)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_kind(e) != ELF_K_ELF) {
		*err = "not an ELF file";
		return NULL;
	}
	if (elf_getshdrstrndx(e, &shstrndx)) {
		*err = elf_errmsg(-1);
		return NULL;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF"))
			continue;
		d = sh.sh_type == SHT_NOBITS ? NULL : elf_rawdata(scn, NULL);
		if (!d || !d->d_buf || !d->d_size) {
			*err = "its .BTF section is empty";
			return NULL;
		}
		return d;
	}
	*err = "no .BTF section (built without CONFIG_DEBUG_INFO_BTF?)";
	return NULL;
}

static bool take_elf(struct search *se, const char *path, Elf *e)
{
	const char *err = NULL;
	Elf_Data *d = elf_btf(e, &err);

	if (!d) {
		note_problem(se, path, err);
		return false;
	}
	return take_bytes(se, path, d->d_buf, d->d_size);
}

static bool try_vmlinux(struct search *se, const char *path)
{
	Elf *e;
	bool ok;
	int fd;

	if (!present(se, path))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		note_problem(se, path, strerror(errno));
		return false;
	}
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e) {
		note_problem(se, path, elf_errmsg(-1));
		close(fd);
		return false;
	}
	ok = take_elf(se, path, e);
	elf_end(e);
	close(fd);
	return ok;
}

/* The whole xz stream starting at in, on the heap; NULL when it is not
 * one (a stray magic) or decodes past limit. */
static char *unxz(const uint8_t *in, size_t len, size_t *out_len)
{
	const size_t limit = (size_t)1 << 30;
	lzma_stream st = LZMA_STREAM_INIT;
	size_t cap = len * 8;
	char *out;
	lzma_ret r;

	if (lzma_stream_decoder(&st, UINT64_MAX, 0) != LZMA_OK)
		return NULL;
	out = xmalloc(cap);
	st.next_in = in;
	st.avail_in = len;
	st.next_out = (uint8_t *)out;
	st.avail_out = cap;
	/* the stream ends before the file does: the decoder stops there */
	while ((r = lzma_code(&st, LZMA_FINISH)) == LZMA_OK ||
	       (r == LZMA_BUF_ERROR && !st.avail_out)) {
		if (st.avail_out)
			continue;
		if (cap >= limit)
			break;
		cap *= 2;
		out = xrealloc(out, cap);
		st.next_out = (uint8_t *)out + st.total_out;
		st.avail_out = cap - st.total_out;
	}
	*out_len = st.total_out;
	lzma_end(&st);
	if (r != LZMA_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

/* A bzImage is boot code followed by the compressed kernel ELF; the boot
 * code may hold the xz magic by chance, so each one is tried until a
 * stream decodes. */
static bool try_vmlinuz(struct search *se, const char *path)
{
	static const uint8_t magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	const uint8_t *p, *end;
	char *file, *img = NULL;
	size_t len, n = 0;
	bool ok = false;

	if (!present(se, path))
		return false;
	file = read_file(path, &len);
	if (!file) {
		note_problem(se, path, strerror(errno));
		return false;
	}
	p = (const uint8_t *)file;
	end = p + len;
	while (!img && (p = memmem(p, (size_t)(end - p), magic, sizeof(magic)))) {
		img = unxz(p, (size_t)(end - p), &n);
		p++;
	}
	if (img) {
		Elf *e = elf_memory(img, n);

		if (e) {
			ok = take_elf(se, path, e);
			elf_end(e);
		} else {
			note_problem(se, path, elf_errmsg(-1));
		}
		free(img);
	} else {
		note_problem(se, path, "no xz-compressed kernel inside");
	}
	free(file);
	return ok;
}

static bool running_release(const char *release)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.release, release);
}

static void search(struct search *se, const char *build_dir)
{
	const char *vmc = getenv("STAPC_VM_CACHE"), *r = se->release;
	struct arena *a = se->a;

	if (!vmc || !*vmc)
		vmc = "/var/cache/stapc/vm";
	if (running_release(r) && present(se, "/sys/kernel/btf/vmlinux") &&
	    take_raw(se, "/sys/kernel/btf/vmlinux", false))
		return;
	/* a broken cache is overwritten below, so no complaint */
	if (se->cache_file && access(se->cache_file, R_OK) == 0 &&
	    take_raw(se, se->cache_file, true))
		return;
	if (try_vmlinux(se, arena_printf(a, "%s/%s/vmlinux", vmc, r)))
		return;
	if (build_dir && try_vmlinux(se, arena_printf(a, "%s/vmlinux", build_dir)))
		return;
	if (try_vmlinux(se, arena_printf(a, "/usr/lib/debug/boot/vmlinux-%s", r)) ||
	    try_vmlinux(se, arena_printf(a, "/boot/vmlinux-%s", r)))
		return;
	if (try_vmlinuz(se, arena_printf(a, "/boot/vmlinuz-%s", r)))
		return;
	try_vmlinuz(se, arena_printf(a, "%s/%s/vmlinuz", vmc, r));
}

static const char *failure(struct search *se)
{
	struct strbuf sb;
	const char *msg;

	sb_init(&sb);
	sb_printf(&sb, "no BTF for kernel %s: ", se->release);
	sb_puts(&sb, sb_cstr(&se->problems));
	if (se->problems.len && se->missing.len)
		sb_puts(&sb, "; and ");
	if (se->missing.len)
		sb_printf(&sb, "none of %s exist%s", sb_cstr(&se->missing),
			  se->found_any ? "" : arena_printf(se->a,
				" (install linux-image-%s)", se->release));
	msg = arena_strdup(se->a, sb_cstr(&sb));
	sb_free(&sb);
	return msg;
}

/* libbpf's own complaints would land in the middle of stap's output; a
 * failure is reported through *why instead. */
static int quiet_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return 0;
}

struct dsource *btf_open(struct arena *a, const char *release,
			 const char *build_dir, const char *cache_dir,
			 const char **why)
{
	struct search se = { .a = a, .release = release };
	struct utsname u;
	struct dsource *s = NULL;

	if (!release || !*release) {
		if (uname(&u)) {
			*why = "no BTF: cannot tell the running kernel's release";
			return NULL;
		}
		se.release = arena_strdup(a, u.release);
	}
	if (strchr(se.release, '/')) {
		*why = arena_printf(a, "no BTF for kernel %s: not a release name",
				    se.release);
		return NULL;
	}
	if (cache_dir && *cache_dir)
		se.cache_file = arena_printf(a, "%s/btf/%s.btf", cache_dir,
					     se.release);
	libbpf_set_print(quiet_libbpf);
	elf_version(EV_CURRENT);
	sb_init(&se.missing);
	sb_init(&se.problems);
	search(&se, build_dir);
	if (se.btf)
		s = new_source(a, se.btf, se.what);
	else
		*why = failure(&se);
	sb_free(&se.missing);
	sb_free(&se.problems);
	return s;
}
