/* targets.c - pass 2 for target variables.
 *
 * $count, $file->f_path->dentry, $argv[2], $return, $$parms, $var$ and
 * @cast(p, "task_struct")->pid are resolved here against the probed
 * function's types (debuginfo.h) into a struct tv_access: where the value
 * starts (a register argument, the return value, a script value, or for a
 * module's DWARF the variable's location expression at the probe's
 * address, reduced here to a register or constant plus steps), the
 * offsets and pointer loads that lead to it, and what it is in the end (an
 * integer read, a char array as a string, a pretty-printed object).  Pass
 * 3 turns that into reads through the runtime's non-faulting accessors. */
#include <dwarf.h>
#include <elfutils/known-dwarf.h>
#include <fnmatch.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "debuginfo.h"
#include "debugpath.h"
#include "kdwarf.h"
#include "kdwprobes.h"
#include "passes.h"
#include "targets.h"

/* How deep $var$$ opens nested structs. */
#define PRETTY_DEEP 4

/* x86-64: the kernel image is linked from here up (the kernel text
 * mapping); a DW_OP_addr below is a per-CPU offset. */
#define KERNEL_IMAGE_START 0xffffffff80000000ULL

/* The kernel's types, opened on first use (pass 2 of a script without
 * target variables never pays for it). */
static struct dsource *kernel_ds;
/* its BTF, opened on first use too (the same when there is no DWARF) */
static struct dsource *btf;

/* Modules' DWARF, by file; a file without DWARF is remembered too. */
struct module_ds {
	const char *path;
	struct dsource *ds;
	const char *why;
};
static struct ptrvec module_dss;

void kernel_types_close(void)
{
	if (btf && btf != kernel_ds)
		dsource_close(btf);
	btf = NULL;
	if (kernel_ds)
		dsource_close(kernel_ds);
	kernel_ds = NULL;
	for (int i = 0; i < module_dss.n; i++)
		dsource_close(((struct module_ds *)module_dss.v[i])->ds);
	module_dss = (struct ptrvec){ 0 };
}

/* nftw() has no user pointer: the search's state. */
static const char *find_name;
static char *found_path;

static int find_ko(const char *path, const struct stat *st, int type,
		   struct FTW *f)
{
	const char *base = path + f->base;
	size_t n = strlen(base);

	if (type != FTW_F || n < 4 || strcmp(base + n - 3, ".ko") ||
	    !debugpath_same_module(base, find_name, n - 3))
		return 0;
	found_path = strdup(path);
	return 1;
}

const char *module_file(struct session *s, const char *module,
			const char **name)
{
	const char *base, *dir;
	char *n;

	if (module[0] == '/') {
		size_t len = strlen(module);

		if (len < 4 || strcmp(module + len - 3, ".ko") ||
		    access(module, R_OK))
			return NULL;
		base = strrchr(module, '/') + 1;
		n = arena_strndup(&s->arena, base, strlen(base) - 3);
		for (char *p = n; *p; p++)
			if (*p == '-')
				*p = '_';
		*name = n;
		return module;
	}
	*name = module;
	dir = arena_printf(&s->arena, "/lib/modules/%s",
			   s->kernel_release_resolved);
	find_name = module;
	found_path = NULL;
	nftw(dir, find_ko, 16, FTW_PHYS);
	if (!found_path) {
		/* not installed: a debug file found by name is a full .ko
		 * (Debian's -dbg packages) */
		static const char *said;
		const char *dbg = debugpath_module(s, NULL, module);

		if (dbg && s->verbose && (!said || strcmp(said, module))) {
			said = module;
			fprintf(stderr, "Pass 2: no %s.ko under %s: using its "
				"debug file %s\n", module, dir, dbg);
		}
		return dbg;
	}
	base = arena_strdup(&s->arena, found_path);
	free(found_path);
	found_path = NULL;
	return base;
}

/* module_each()'s search: the pattern and what matched (nftw() again). */
static const char *each_pattern;
static struct ptrvec each_found;
static struct arena *each_arena;

static int collect_ko(const char *path, const struct stat *st, int type,
		      struct FTW *f)
{
	const char *base = path + f->base;
	size_t n = strlen(base);
	char *name;

	(void)st;
	if (type != FTW_F || n < 4 || strcmp(base + n - 3, ".ko"))
		return 0;
	name = arena_strndup(each_arena, base, n - 3);
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	if (!fnmatch(each_pattern, name, 0))
		pv_push(each_arena, &each_found, name);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int module_each(struct session *s, const char *pattern,
		int (*fn)(const char *name, void *data), void *data)
{
	struct ptrvec found;
	int n = 0;

	each_pattern = pattern;
	each_arena = &s->arena;
	memset(&each_found, 0, sizeof(each_found));
	nftw(arena_printf(&s->arena, "/lib/modules/%s",
			  s->kernel_release_resolved), collect_ko, 16, FTW_PHYS);
	found = each_found;
	if (found.n)
		qsort(found.v, (size_t)found.n, sizeof(*found.v), cmp_name);
	for (int i = 0; i < found.n; i++) {
		if (i && !strcmp(found.v[i], found.v[i - 1]))
			continue;
		n++;
		if (fn(found.v[i], data))
			break;
	}
	return n;
}

struct dsource *module_types(struct session *s, const char *path,
			     const char **why)
{
	struct module_ds *m;
	bool is_ko;
	size_t n;

	for (int i = 0; i < module_dss.n; i++) {
		m = module_dss.v[i];
		if (!strcmp(m->path, path)) {
			if (!m->ds && why)
				*why = m->why;
			return m->ds;
		}
	}
	m = arena_alloc(&s->arena, sizeof(*m));
	m->path = arena_strdup(&s->arena, path);
	m->ds = dwarf_open(&s->arena, path, NULL, &m->why);
	n = strlen(path);
	is_ko = n > 3 && !strcmp(path + n - 3, ".ko");
	if (!m->ds && is_ko) {
		/* a stripped module: its debug file along the path */
		const char *base = strrchr(path, '/');
		const char *dbg;

		base = base ? base + 1 : path;
		dbg = debugpath_module(s, path, arena_strndup(&s->arena, base,
							      strlen(base) - 3));
		if (dbg)
			m->ds = dwarf_open(&s->arena, path, dbg, &m->why);
		else
			m->why = arena_printf(&s->arena, "%s, nor a debug file "
					      "for it along "
					      "SYSTEMTAP_DEBUGINFO_PATH (Debian: "
					      "linux-image-%s-dbg)", m->why,
					      s->kernel_release_resolved);
	}
	pv_push(&s->arena, &module_dss, m);
	if (m->ds) {
		const char *dbg = dwarf_debug_file(m->ds);
		bool sep = strcmp(dbg, path) != 0;

		if (s->verbose >= 2 || (s->verbose && sep))
			fprintf(stderr, "Pass 2: %s types: DWARF from %s%s%s%s\n",
				is_ko ? "module" : "program", dbg,
				sep ? " (the debuginfo of " : "",
				sep ? path : "", sep ? ")" : "");
	}
	if (!m->ds && why)
		*why = m->why;
	return m->ds;
}

struct dsource *kernel_types(struct session *s, const char **why)
{
	static const char *err;
	static bool tried;

	if (!tried) {
		/* the kernel's DWARF when its debuginfo is found (kdwarf.c),
		 * else its BTF */
		const char *dbg = kdwarf_find(s);

		tried = true;
		if (dbg) {
			kernel_ds = kdwarf_open(s, dbg, &err);
			if (!kernel_ds)
				fprintf(stderr, "WARNING: the kernel's debuginfo "
					"is not usable (%s): using BTF\n", err);
		}
		if (!kernel_ds)
			kernel_ds = kernel_btf(s, &err);
		if (kernel_ds && (s->verbose >= 2 ||
				  (s->verbose && kdwarf_is(kernel_ds))))
			fprintf(stderr, "Pass 2: kernel types: %s\n",
				kernel_ds->what);
	}
	if (!kernel_ds && why)
		*why = err;
	return kernel_ds;
}

struct dsource *kernel_btf(struct session *s, const char **why)
{
	static const char *err;
	static bool tried;

	if (!tried) {
		tried = true;
		btf = btf_open(&s->arena, s->kernel_release_resolved,
			       s->kernel_build_tree, cache_dir(s), &err);
	}
	if (!btf && why)
		*why = err;
	return btf;
}

/* The state while walking an access: a value in hand, or an object in
 * memory at the address in hand. */
struct walk {
	struct arena *a;
	struct tv_access *acc;
	const struct dtype *type;
	bool in_memory;
	int64_t bits;			/* a bitfield's offset in its byte */
	int bit_size;
	const char *what;		/* "$file->f_path" so far, for messages */
	bool user;			/* a uprobe's: user memory */
	uint64_t upc;			/* a uprobe's link-time address */
	uint64_t kanchor;		/* the kernel's static data: the
					   anchor's link-time address */
};

static void step(struct walk *w, enum tv_step_kind kind, int64_t off,
		 struct expr *index)
{
	struct tv_step *s;

	/* Adjacent constant offsets fold into one. */
	if (kind == TVS_ADD && w->acc->steps.n) {
		s = w->acc->steps.v[w->acc->steps.n - 1];
		if (s->kind == TVS_ADD) {
			s->off += off;
			return;
		}
	}
	if (kind == TVS_ADD && off == 0)
		return;
	s = arena_alloc(w->a, sizeof(*s));
	s->kind = kind;
	s->off = off;
	s->index = index;
	pv_push(w->a, &w->acc->steps, s);
}

/* Makes the value in hand (loading a pointer from memory if needed). */
static void to_value(struct walk *w)
{
	if (w->in_memory) {
		step(w, TVS_LOAD, 0, NULL);
		w->in_memory = false;
	}
}

static const char *kind_word(const struct dtype *r)
{
	switch (r->kind) {
	case DT_STRUCT: return "struct";
	case DT_UNION: return "union";
	case DT_ARRAY: return "array";
	case DT_PTR: return "pointer";
	case DT_FUNC: return "function";
	case DT_FLOAT: return "floating-point value";
	case DT_VOID: return "void";
	default: return "value";
	}
}

/* "unable to find member 'x' for struct file (alternatives: a b c)" */
static const char *no_member(struct walk *w, const struct dtype *r,
			     const char *name)
{
	struct strbuf sb;
	const char *msg;
	int n = dt_nmembers(r);

	sb_init(&sb);
	sb_printf(&sb, "unable to find member '%s' for %s", name,
		  dt_name(w->a, r));
	for (int i = 0, shown = 0; i < n && shown < 12; i++) {
		const struct dmember *m = dt_member(r, i);

		if (!m->name[0])
			continue;
		sb_printf(&sb, "%s%s", shown++ ? " " : " (alternatives: ",
			  m->name);
		if (i == n - 1 || shown == 12)
			sb_puts(&sb, shown == 12 && i < n - 1 ? " ...)" : ")");
	}
	msg = arena_strdup(w->a, sb_cstr(&sb));
	sb_free(&sb);
	return msg;
}

static const char *member(struct walk *w, const char *name)
{
	const struct dtype *r = dt_resolve(w->type);
	const struct dmember *m;
	int64_t bit;

	if (r->kind == DT_PTR) {
		const struct dtype *p = dt_resolve(dt_target(r));

		if (p->kind != DT_STRUCT && p->kind != DT_UNION)
			return arena_printf(w->a, "'%s' is a %s, not a struct or "
					    "union or a pointer to one, so it "
					    "has no member '%s'", w->what,
					    dt_name(w->a, w->type), name);
		to_value(w);
		w->in_memory = true;
		r = p;
	} else if (r->kind != DT_STRUCT && r->kind != DT_UNION) {
		return arena_printf(w->a, "'%s' is a %s (%s), so it has no "
				    "member '%s'", w->what, kind_word(r),
				    dt_name(w->a, w->type), name);
	}
	if (dt_nmembers(r) == 0 && r->size == 0)
		return arena_printf(w->a, "%s is only declared in the type "
				    "information, so its member '%s' cannot "
				    "be found", dt_name(w->a, r), name);
	m = dt_find_member(r, name, &bit);
	if (!m)
		return no_member(w, r, name);
	step(w, TVS_ADD, bit / 8, NULL);
	w->bits = bit % 8;
	w->bit_size = m->bit_size;
	w->type = m->type;
	return NULL;
}

static const char *index_step(struct walk *w, struct expr *index)
{
	const struct dtype *r = dt_resolve(w->type), *elem;

	if (r->kind == DT_PTR) {
		to_value(w);
	} else if (r->kind != DT_ARRAY || !w->in_memory) {
		return arena_printf(w->a, "'%s' is a %s (%s), not an array or a "
				    "pointer, so it cannot be indexed", w->what,
				    kind_word(r), dt_name(w->a, w->type));
	}
	elem = dt_target(r);
	if (!elem || dt_resolve(elem)->size <= 0)
		return arena_printf(w->a, "'%s' points to %s, which has no "
				    "size, so it cannot be indexed", w->what,
				    elem ? dt_name(w->a, elem) : "void");
	if (index->kind == E_NUM)
		step(w, TVS_ADD, index->num * dt_resolve(elem)->size, NULL);
	else
		step(w, TVS_INDEX, dt_resolve(elem)->size, index);
	w->in_memory = true;
	w->bits = 0;
	w->bit_size = 0;
	w->type = elem;
	return NULL;
}

static bool is_char_array(const struct dtype *r)
{
	const struct dtype *e;

	if (r->kind != DT_ARRAY)
		return false;
	e = dt_resolve(dt_target(r));
	return e && e->kind == DT_INT && e->size == 1;
}

/* The smallest read (1, 2, 4, 8) that holds bits bits from shift. */
static int read_size(int64_t shift, int bits)
{
	int bytes = (int)((shift + bits + 7) / 8);

	return bytes <= 1 ? 1 : bytes <= 2 ? 2 : bytes <= 4 ? 4 : 8;
}

/* What the value in hand, or the object at the address in hand, is in
 * the end: e->type and the final step. */
static const char *finish(struct walk *w, struct expr *e, bool address_of)
{
	const struct dtype *r = dt_resolve(w->type);
	struct tv_access *acc = w->acc;

	acc->type = w->type;
	if (address_of) {
		if (!w->in_memory)
			return arena_printf(w->a, "'%s' is held in a register, so "
					    "it has no address", w->what);
		if (w->bit_size)
			return arena_printf(w->a, "'%s' is a bitfield, so it has "
					    "no address", w->what);
		acc->final = TVF_VALUE;
		acc->size = 8;
		e->type = T_LONG;
		return NULL;
	}
	if (e->pretty) {
		acc->depth = e->pretty == 2 ? PRETTY_DEEP : 1;
		e->type = T_STRING;
		if (r->kind == DT_PTR) {
			const struct dtype *p = dt_resolve(dt_target(r));

			if (p && (p->kind == DT_STRUCT || p->kind == DT_UNION) &&
			    p->size > 0) {
				to_value(w);
				acc->final = TVF_PRETTY;
				acc->pointee = true;
				acc->type = p;
				return NULL;
			}
		}
		acc->final = w->in_memory ? TVF_PRETTY : TVF_PRETTY_VALUE;
		return NULL;
	}
	switch (r->kind) {
	case DT_INT: case DT_ENUM: case DT_PTR:
		acc->size = r->size > 0 && r->size <= 8 ? (int)r->size : 8;
		acc->is_signed = r->kind != DT_PTR && r->is_signed;
		if (w->bit_size) {
			acc->bit_shift = (int)w->bits;
			acc->bit_size = w->bit_size;
			acc->size = read_size(w->bits, w->bit_size);
		}
		acc->final = w->in_memory ? TVF_READ : TVF_VALUE;
		e->type = T_LONG;
		return NULL;
	case DT_ARRAY:
		if (is_char_array(r) && w->in_memory) {
			acc->final = TVF_CHARS;
			acc->size = (int)(r->nelems > 0 ? r->nelems : 0);
			e->type = T_STRING;
			return NULL;
		}
		break;
	default:
		break;
	}
	return arena_printf(w->a, "'%s' is a %s (%s), which has no script "
			    "value: reach a member with ->, or print it with "
			    "'%s$'", w->what, kind_word(r), dt_name(w->a, w->type),
			    w->what);
}

static const char *walk_comps(struct walk *w, struct expr *e, bool address_of)
{
	const char *err;

	for (int i = 0; i < e->comps.n; i++) {
		struct target_comp *c = e->comps.v[i];

		err = c->is_index ? index_step(w, c->index) : member(w, c->member);
		if (err)
			return err;
		w->what = c->is_index ? arena_printf(w->a, "%s[...]", w->what)
				      : arena_printf(w->a, "%s->%s", w->what,
						     c->member);
	}
	return finish(w, e, address_of);
}

/* ---- DWARF locations ---- */

static const char *op_name(struct arena *a, unsigned int atom)
{
#define DWARF_ONE_KNOWN_DW_OP(name, code) { code, "DW_OP_" #name },
	static const struct { unsigned int code; const char *name; } ops[] = {
		DWARF_ALL_KNOWN_DW_OP
	};
#undef DWARF_ONE_KNOWN_DW_OP

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].code == atom)
			return ops[i].name;
	return arena_printf(a, "DW_OP 0x%x", atom);
}

static const char *bad_op(struct walk *w, const struct dloc_op *op,
			  const char *why)
{
	return arena_printf(w->a, "'%s' has a DWARF location this version "
			    "cannot read: %s%s", w->what,
			    op_name(w->a, op->atom), why);
}

/* The first operation: a register, a register plus an offset, or a
 * constant.  *done: a register location, nothing may follow. */
static const char *loc_first(struct walk *w, const struct dloc_op *op,
			     bool *done)
{
	struct tv_access *acc = w->acc;
	unsigned int at = op->atom;

	acc->base = TVB_LOC;
	acc->reg = -1;
	*done = false;
	if ((at >= DW_OP_reg0 && at <= DW_OP_reg31) || at == DW_OP_regx) {
		acc->reg = at == DW_OP_regx ? (int)op->number : (int)(at - DW_OP_reg0);
		*done = true;
	} else if ((at >= DW_OP_breg0 && at <= DW_OP_breg31) ||
		   at == DW_OP_bregx) {
		acc->reg = at == DW_OP_bregx ? (int)op->number : (int)(at - DW_OP_breg0);
		step(w, TVS_ADD, (int64_t)(at == DW_OP_bregx ? op->number2
							     : op->number), NULL);
	} else if (at >= DW_OP_lit0 && at <= DW_OP_lit31) {
		acc->konst = at - DW_OP_lit0;
	} else if (at == DW_OP_const1s || at == DW_OP_const2s ||
		   at == DW_OP_const4s || at == DW_OP_const8s ||
		   at == DW_OP_consts || at == DW_OP_const1u ||
		   at == DW_OP_const2u || at == DW_OP_const4u ||
		   at == DW_OP_const8u || at == DW_OP_constu) {
		acc->konst = (int64_t)op->number;
	} else if (at == DW_OP_addr && w->user) {
		/* a program's static data: moved by the load bias */
		acc->konst = (int64_t)op->number;
		acc->ubias = true;
		acc->upc = w->upc;
	} else if (at == DW_OP_addr && w->kanchor) {
		/* the kernel's static data: moved by KASLR at run time */
		if (op->number < KERNEL_IMAGE_START)
			return arena_printf(w->a, "'%s' is a per-CPU variable "
					    "(its address 0x%llx is an offset "
					    "in .data..percpu), which this "
					    "version cannot read", w->what,
					    (unsigned long long)op->number);
		acc->konst = (int64_t)op->number;
		acc->kdata = true;
		acc->kanchor = w->kanchor;
	} else if (at == DW_OP_addr) {
		return bad_op(w, op, " (static data of a module needs its "
			      "load address)");
	} else if (at == DW_OP_fbreg) {
		return bad_op(w, op, " (no CFI for the frame base here)");
	} else {
		return bad_op(w, op, "");
	}
	if (acc->reg > 15)
		return bad_op(w, op, arena_printf(w->a, " (register %d is not a "
				      "general register)", acc->reg));
	return NULL;
}

/* A variable's location expression: the value in hand (a register, or
 * DW_OP_stack_value), or the variable's address in hand. */
static const char *loc_start(struct walk *w, const struct dvar *v)
{
	const struct dloc_op *op = v->loc;
	bool done;
	const char *err;
	int i;

	if (!v->nloc)
		return arena_printf(w->a, "'%s' is optimized out here", w->what);
	err = loc_first(w, &op[0], &done);
	if (err)
		return err;
	w->in_memory = !done;
	for (i = 1; i < v->nloc && !done; i++) {
		unsigned int at = op[i].atom;

		if (at == DW_OP_plus_uconst) {
			step(w, TVS_ADD, (int64_t)op[i].number, NULL);
		} else if (at == DW_OP_deref) {
			step(w, TVS_LOAD, 0, NULL);
		} else if (at == DW_OP_stack_value && i == v->nloc - 1) {
			w->in_memory = false;
		} else if (at >= DW_OP_lit0 && at <= DW_OP_lit31 &&
			   i + 1 < v->nloc && (op[i + 1].atom == DW_OP_plus ||
					       op[i + 1].atom == DW_OP_minus)) {
			int64_t n = at - DW_OP_lit0;

			step(w, TVS_ADD, op[i + 1].atom == DW_OP_plus ? n : -n, NULL);
			i++;
		} else {
			return bad_op(w, &op[i], "");
		}
	}
	if (i < v->nloc)
		return bad_op(w, &op[i], " after a register");
	return NULL;
}

/* One name=value of $$vars: a register argument (BTF) or a DWARF
 * location; one that cannot be read is shown as '?'. */
static void pretty_var(struct walk *w, const struct dvar *dv, struct expr *e,
		       bool tracepoint)
{
	struct tv_access *v = arena_alloc(w->a, sizeof(*v));
	struct walk vw = { w->a, v, dv->type, false, 0, 0, dv->name, w->user,
			   w->upc, 0 };
	struct expr dummy = { 0 };
	int64_t size = dt_resolve(dv->type)->size;

	v->name = dv->name;
	v->user = w->user;
	v->size = (int)(size > 0 && size < 8 ? size : 8);
	pv_push(w->a, &w->acc->vars, v);
	if (dv->has_loc) {
		v->unavailable = loc_start(&vw, dv) != NULL;
		if (v->unavailable)
			return;
	} else if (tracepoint && dv->arg >= 1) {
		v->base = TVB_TPARG;
		v->arg = dv->arg;
	} else if (dv->arg >= 1 && dv->arg <= 6) {
		v->base = TVB_ARG;
		v->arg = dv->arg;
	} else {
		v->unavailable = true;
		return;
	}
	dummy.pretty = e->pretty;
	if (e->pretty)
		v->unavailable = finish(&vw, &dummy, false) != NULL;
	else if (vw.in_memory)
		v->final = TVF_READ, v->type = dv->type;
	else
		v->final = TVF_VALUE, v->type = dv->type;
}

/* $$parms, $$vars, $$locals, $$return: every variable, name=value. */
static const char *pretty_vars(struct walk *w, const struct probe_target *t,
			       const struct dfunc *f, struct expr *e)
{
	const char *n = e->name + 2;
	bool parms = !strcmp(n, "parms") || !strcmp(n, "vars");
	bool locals = !strcmp(n, "locals");

	if (strcmp(n, "parms") && strcmp(n, "vars") && strcmp(n, "locals") &&
	    strcmp(n, "return"))
		return arena_printf(w->a, "unknown variable set '%s' (there are "
				    "$$vars, $$parms, $$locals and $$return)",
				    e->name);
	if (e->comps.n)
		return arena_printf(w->a, "'%s' cannot be followed by -> or []",
				    e->name);
	w->acc->final = TVF_PRETTY_VARS;
	e->type = T_STRING;
	if (parms && t->is_return)
		return arena_printf(w->a, "'%s' in a .return probe is read at "
				    "the entry: write @entry(%s)", e->name,
				    e->name);
	for (int i = 0; parms && i < f->nparams; i++)
		pretty_var(w, &f->params[i], e, t->kind == PROV_TRACE);
	for (int i = 0; (locals || !strcmp(n, "vars")) && i < f->nlocals; i++)
		pretty_var(w, &f->locals[i], e, false);
	if (!strcmp(n, "return") && t->is_return &&
	    dt_resolve(f->ret)->kind != DT_VOID) {
		struct tv_access *v = arena_alloc(w->a, sizeof(*v));
		struct walk vw = { w->a, v, f->ret, false, 0, 0, "return", w->user, 0,
				   0 };
		struct expr dummy = { 0 };

		v->base = TVB_RETURN;
		v->name = "return";
		v->user = w->user;
		dummy.pretty = e->pretty;
		if (e->pretty)
			finish(&vw, &dummy, false);
		else
			v->final = TVF_VALUE, v->type = f->ret;
		v->size = 8;
		pv_push(w->a, &w->acc->vars, v);
	}
	return NULL;
}

static const struct dvar *find_var(const struct dfunc *f, const char *name)
{
	for (int i = 0; i < f->nparams; i++)
		if (!strcmp(f->params[i].name, name))
			return &f->params[i];
	for (int i = 0; i < f->nlocals; i++)
		if (!strcmp(f->locals[i].name, name))
			return &f->locals[i];
	return NULL;
}

/* "unable to find local 'x' in function 'f' (alternatives: $a $b)" */
static const char *no_local(struct arena *a, const struct dfunc *f,
			    const char *name)
{
	struct strbuf sb;
	const char *msg;
	int n = 0;

	sb_init(&sb);
	sb_printf(&sb, "unable to find local '%s' in function '%s'", name,
		  f->name);
	for (int i = 0; i < f->nparams + f->nlocals; i++) {
		const struct dvar *v = i < f->nparams ? &f->params[i]
						      : &f->locals[i - f->nparams];

		sb_printf(&sb, "%s$%s", n++ ? " " : " (alternatives: ", v->name);
	}
	if (n)
		sb_puts(&sb, ")");
	msg = arena_strdup(a, sb_cstr(&sb));
	sb_free(&sb);
	return msg;
}

static const char *no_types(struct session *s, const struct probe_target *t)
{
	if (t->kind == PROV_UPROBE)
		return arena_printf(&s->arena, "cannot read target variables "
				    "in '%s': %s", t->path, t->types_why
				    ? t->types_why : "it has no DWARF debuginfo "
				    "for this function");
	if (t->module)
		return arena_printf(&s->arena, "cannot read target variables "
				    "in module '%s': %s", t->module,
				    t->types_why ? t->types_why
				    : "its DWARF debuginfo was not found");
	const char *why = NULL;

	if (!kernel_types(s, &why))
		return why;
	return arena_printf(&s->arena, "the kernel's type information has no "
			    "function '%s' (it may be inlined everywhere, or "
			    "not a function)", t->symbol);
}

/* @cast(p, "type", "MODULE"): a module's DWARF, by name or .ko path. */
static struct dsource *cast_module(struct session *s, const char *module,
				   const char **why)
{
	const char *name, *path = module_file(s, module, &name);

	if (!path) {
		*why = arena_printf(&s->arena, "@cast to a type of '%s': no "
				    "such module file (a .ko under /lib/modules/"
				    "%s, or an absolute path)", module,
				    s->kernel_release_resolved);
		return NULL;
	}
	return module_types(s, path, why);
}

/* e ($NAME, or @var("NAME[@FILE]") as $NAME with FILE in str3) as the
 * kernel's global or file-static variable, from its DWARF: *found false
 * when there is no such variable (the error says so). */
static const char *kernel_global(struct session *s,
				 const struct probe_target *t, struct expr *e,
				 bool address_of, bool *found)
{
	struct arena *a = &s->arena;
	struct tv_access *acc;
	struct walk w = { 0 };
	struct dsource *ds = kernel_types(s, NULL);
	const struct dvar *v;
	const char *why = NULL;
	uint64_t pc = 0, anchor;

	*found = false;
	if (!ds || !kdwarf_is(ds))
		return arena_printf(a, "the kernel's global '%s' cannot be read "
				    "without the kernel's DWARF: %s", e->name + 1,
				    kdwarf_needed(s));
	if (t && t->kind == PROV_KPROBE && !t->module && t->func &&
	    t->func->dwarf)
		pc = t->func->pc;
	v = kdwarf_global(ds, e->name + 1, e->str3, pc, &why);
	if (!v)
		return why;
	*found = true;
	anchor = kdwarf_symbol(ds, STP_KERNEL_ANCHOR);
	if (!anchor)
		return arena_printf(a, "the kernel has no symbol '%s' to find "
				    "where KASLR put its data", STP_KERNEL_ANCHOR);
	acc = arena_alloc(a, sizeof(*acc));
	w = (struct walk){ a, acc, v->type, false, 0, 0, e->name, false, 0,
			   anchor };
	e->tv = acc;
	why = loc_start(&w, v);
	return why ? why : walk_comps(&w, e, address_of);
}

const char *resolve_kernel_var(struct session *s, const struct probe_target *t,
			       struct expr *e, bool address_of)
{
	bool found;

	return kernel_global(s, t, e, address_of, &found);
}

const char *resolve_target(struct session *s, const struct probe_target *t,
			   struct expr *e, bool address_of, bool at_entry)
{
	struct arena *a = &s->arena;
	struct tv_access *acc = arena_alloc(a, sizeof(*acc));
	struct walk w = { a, acc, NULL, false, 0, 0, e->name, false, 0, 0 };
	struct probe_target entry;
	const struct dfunc *f;
	const struct dvar *v;
	const char *err;

	/* At the entry of a .return probe's function, as an entry probe. */
	if (t && at_entry) {
		entry = *t;
		entry.is_return = false;
		t = &entry;
	}
	f = t ? t->func : NULL;

	if (e->kind == E_CAST) {
		struct dsource *ds;
		const char *why = NULL;
		const struct dtype *ty;
		struct dtype *ptr;

		size_t n3 = e->str3 ? strlen(e->str3) : 0;

		if (e->str3 && e->str3[0] == '/' &&
		    (n3 < 3 || strcmp(e->str3 + n3 - 3, ".ko"))) {
			/* a user program or library: its DWARF, user memory */
			ds = module_types(s, e->str3, &why);
			if (!ds)
				return arena_printf(a, "@cast to a type of '%s': "
						    "%s", e->str3, why);
			acc->user = true;
			w.user = true;
		} else if (e->str3 && strcmp(e->str3, "kernel") &&
		    strncmp(e->str3, "kernel<", 7))
			ds = cast_module(s, e->str3, &why);
		else
			ds = kernel_types(s, &why);
		if (!ds)
			return why;
		ty = dt_lookup(ds, e->str2);
		if (!ty)
			return arena_printf(a, "type '%s' not found in %s", e->str2,
					    ds == kernel_ds ? "the kernel's "
					    "type information" : ds->what);
		ptr = arena_alloc(a, sizeof(*ptr));
		ptr->kind = DT_PTR;
		ptr->name = "";
		ptr->size = 8;
		ptr->target_ = ty;
		ptr->target_done = true;
		acc->base = TVB_EXPR;
		w.type = ptr;
		w.what = arena_printf(a, "@cast(..., \"%s\")", e->str2);
		e->tv = acc;
		return walk_comps(&w, e, address_of);
	}
	if (!t || (t->kind != PROV_KPROBE && t->kind != PROV_TRACE &&
		   t->kind != PROV_UPROBE))
		return arena_printf(a, "target variables are only available in "
				    "kernel.function, kprobe.function, "
				    "kernel.trace and process.function probes, "
				    "not in '%s'", t ? t->pp : "?");
	if (t->kind == PROV_UPROBE) {
		acc->user = true;
		w.user = true;
		w.upc = f ? f->pc : 0;
	}
	if (!f && !t->module && t->kind != PROV_UPROBE) {
		struct dsource *ds = kernel_types(s, NULL);

		f = ds ? ds->find_func(ds, t->symbol) : NULL;
	}
	if (!f)
		return no_types(s, t);
	e->tv = acc;
	if (!strncmp(e->name, "$$", 2))
		return pretty_vars(&w, t, f, e);
	if (!strcmp(e->name, "$return")) {
		if (!t->is_return)
			return arena_printf(a, "$return is only available in "
					    ".return probes");
		if (dt_resolve(f->ret)->kind == DT_VOID)
			return arena_printf(a, "'%s' returns void: there is no "
					    "$return", f->name);
		acc->base = TVB_RETURN;
		w.type = f->ret;
		return walk_comps(&w, e, address_of);
	}
	/* @var("NAME[@FILE]") (str2 set): the program's globals only */
	v = e->str2 ? NULL : find_var(f, e->name + 1);
	if (!v && t->kind == PROV_UPROBE && f->dwarf) {
		/* a global or file-static variable of the program */
		struct dsource *ds = module_types(s, t->path, NULL);

		v = ds ? dwarf_global(ds, e->name + 1, e->str3) : NULL;
		if (!v && e->str2)
			return arena_printf(a, "unable to find global '%s'%s%s in "
					    "%s", e->name + 1, e->str3 ? " in " : "",
					    e->str3 ? e->str3 : "", t->path);
	}
	if (v && t->is_return)
		return arena_printf(a, "'%s' in a .return probe is read at the "
				    "entry: write @entry(%s%s%s)", e->name,
				    address_of ? "&" : "", e->name,
				    e->comps.n ? "..." : "");
	if (v && v->has_loc) {
		w.type = v->type;
		err = loc_start(&w, v);
		return err ? err : walk_comps(&w, e, address_of);
	}
	if (v && t->kind == PROV_TRACE) {
		acc->base = TVB_TPARG;
		acc->arg = v->arg;
		w.type = v->type;
		return walk_comps(&w, e, address_of);
	}
	if (v) {
		const struct dtype *r = dt_resolve(v->type);

		if (v->arg < 1 || v->arg > 6 || r->size > 8 ||
		    r->kind == DT_STRUCT || r->kind == DT_UNION ||
		    r->kind == DT_FLOAT)
			return arena_printf(a, "'%s' (%s) is not passed in a "
					    "general register, so it cannot be "
					    "read at the function's entry",
					    e->name, dt_name(a, v->type));
		acc->base = TVB_ARG;
		acc->arg = v->arg;
		w.type = v->type;
		return walk_comps(&w, e, address_of);
	}
	if (f->dwarf && t->kind == PROV_KPROBE && !t->module &&
	    kdwarf_is(kernel_types(s, NULL))) {
		/* a global or file-static variable of the kernel */
		bool found;

		err = kernel_global(s, t, e, address_of, &found);
		if (found)
			return err;
	}
	if (f->dwarf)
		return no_local(a, f, e->name + 1);
	if (t->kind == PROV_TRACE) {
		const char *msg = no_local(a, f, e->name + 1);

		return arena_printf(a, "unable to find tracepoint variable '%s'%s",
				    e->name, strchr(msg, '(') ? strchr(msg, '(') - 1
							       : "");
	}
	{
		struct strbuf sb;
		const char *msg;

		sb_init(&sb);
		sb_printf(&sb, "unable to find local '%s' in function '%s'",
			  e->name + 1, f->name);
		for (int i = 0; i < f->nparams; i++)
			sb_printf(&sb, "%s$%s", i ? " " : " (alternatives: ",
				  f->params[i].name);
		if (f->nparams)
			sb_puts(&sb, ")");
		/* BTF describes parameters only. */
		sb_printf(&sb, "; locals need the kernel's debuginfo "
			  "(linux-image-%s-dbg)", s->kernel_release_resolved);
		msg = arena_strdup(a, sb_cstr(&sb));
		sb_free(&sb);
		return msg;
	}
}
