/* dwarf.c - a debuginfo source over the DWARF of one ELF file (a kernel
 * module built with -g), read with elfutils' libdw.
 *
 * A .ko is a relocatable object: its .debug_* sections only make sense
 * once their relocations are applied, which libdwfl does when the file is
 * reported "offline".  Types are converted on first use, keyed by DIE
 * offset, into the same struct dtype that btf.c makes.  A function is an
 * out-of-line definition (a DW_TAG_subprogram with code); its parameters
 * and locals carry their location expression at one address: the entry
 * for function probes, a line's address for statement probes. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"
#include "debugpath.h"
#include "kdwarf.h"

struct func_ent {
	const char *name;
	Dwarf_Off off;
};

struct dw_impl {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr bias;
	Dwarf_CFI *cfi;
	Dwarf_Addr cfi_bias;
	const char *debug_file;		/* where the DWARF was read */
	struct dtype *voidt, *unknown;
	/* converted types: open addressing on the DIE offset */
	Dwarf_Off *keys;
	const struct dtype **vals;
	size_t cap, used;
	/* definitions sorted by name, one per name; entry-located dfuncs */
	struct func_ent *funcs;
	size_t nfuncs;
	const struct dfunc **dfuncs;
};

static struct dw_impl *impl(struct dsource *s)
{
	return s->impl;
}

/* ---- types ---- */

static const struct dtype *convert(struct dsource *s, Dwarf_Off off);

static const struct dtype **slot(struct dw_impl *di, Dwarf_Off off)
{
	size_t i = (size_t)(off * 0x9e3779b97f4a7c15ULL >> 20) & (di->cap - 1);

	while (di->vals[i] && di->keys[i] != off)
		i = (i + 1) & (di->cap - 1);
	di->keys[i] = off;
	return &di->vals[i];
}

static void remember(struct dsource *s, Dwarf_Off off, const struct dtype *t)
{
	struct dw_impl *di = impl(s);

	if (2 * (di->used + 1) > di->cap) {
		Dwarf_Off *k = di->keys;
		const struct dtype **v = di->vals;
		size_t n = di->cap;

		di->cap = n ? 2 * n : 256;
		di->keys = xmalloc(di->cap * sizeof(*di->keys));
		di->vals = xmalloc(di->cap * sizeof(*di->vals));
		memset(di->vals, 0, di->cap * sizeof(*di->vals));
		for (size_t i = 0; i < n; i++)
			if (v[i])
				*slot(di, k[i]) = v[i];
		free(k);
		free(v);
	}
	*slot(di, off) = t;
	di->used++;
}

static const struct dtype *known(struct dw_impl *di, Dwarf_Off off)
{
	return di->cap ? *slot(di, off) : NULL;
}

static uint64_t udata(Dwarf_Die *d, unsigned int name, uint64_t dflt)
{
	Dwarf_Attribute at;
	Dwarf_Word w;

	if (!dwarf_attr_integrate(d, name, &at) || dwarf_formudata(&at, &w))
		return dflt;
	return w;
}

static int64_t size_of(Dwarf_Die *d)
{
	Dwarf_Word n;

	return dwarf_aggregate_size(d, &n) == 0 ? (int64_t)n : 0;
}

/* The DIE d's DW_AT_type refers to, false when it has none (void). */
static bool type_die(Dwarf_Die *d, Dwarf_Die *out)
{
	Dwarf_Attribute at;

	return dwarf_attr_integrate(d, DW_AT_type, &at) &&
	       dwarf_formref_die(&at, out);
}

static bool signed_enc(uint64_t enc)
{
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
}

/* gcc names an enum's underlying type; without it, a negative
 * enumerator makes it signed. */
static bool enum_signed(Dwarf_Die *d)
{
	Dwarf_Die u, c;
	Dwarf_Attribute at;
	Dwarf_Sword v;

	if (type_die(d, &u))
		return signed_enc(udata(&u, DW_AT_encoding, 0));
	if (dwarf_child(d, &c))
		return false;
	do {
		if (dwarf_attr(&c, DW_AT_const_value, &at) &&
		    at.form != DW_FORM_udata && !dwarf_formsdata(&at, &v) && v < 0)
			return true;
	} while (!dwarf_siblingof(&c, &c));
	return false;
}

/* int a[2][3] is one DIE with two subranges; the model wants an array of
 * arrays, so the inner dimensions are made here.  The innermost reads its
 * element type lazily from the DIE. */
static struct dtype *make_array(struct dsource *s, Dwarf_Die *d, Dwarf_Off off)
{
	int64_t dims[16], elem = 0;
	int n = 0;
	Dwarf_Die c, e;
	struct dtype *t, *outer = NULL, *prev = NULL;

	if (type_die(d, &e))
		elem = size_of(&e);
	if (!dwarf_child(d, &c)) {
		do {
			if (dwarf_tag(&c) != DW_TAG_subrange_type || n == 16)
				continue;
			if (dwarf_hasattr(&c, DW_AT_count))
				dims[n++] = (int64_t)udata(&c, DW_AT_count, 0);
			else if (dwarf_hasattr(&c, DW_AT_upper_bound))
				dims[n++] = (int64_t)udata(&c, DW_AT_upper_bound, 0) + 1;
			else
				dims[n++] = 0;
		} while (!dwarf_siblingof(&c, &c));
	}
	if (!n)
		dims[n++] = 0;
	for (int i = 0; i < n; i++) {
		int64_t size = elem;

		for (int k = i; k < n; k++)
			size *= dims[k];
		t = dt_new(s, DT_ARRAY, (uint32_t)off, "");
		t->nelems = dims[i];
		t->size = size;
		if (prev) {
			prev->target_ = t;
			prev->target_done = true;
		}
		outer = outer ? outer : t;
		prev = t;
	}
	return outer;
}

static enum dtype_kind kind_of(int tag, Dwarf_Die *d)
{
	uint64_t enc;

	switch (tag) {
	case DW_TAG_base_type:
		enc = udata(d, DW_AT_encoding, 0);
		return enc == DW_ATE_float || enc == DW_ATE_complex_float
		       ? DT_FLOAT : DT_INT;
	case DW_TAG_pointer_type: case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return DT_PTR;
	case DW_TAG_structure_type: case DW_TAG_class_type:
		return DT_STRUCT;
	case DW_TAG_union_type:		return DT_UNION;
	case DW_TAG_enumeration_type:	return DT_ENUM;
	case DW_TAG_typedef:		return DT_TYPEDEF;
	case DW_TAG_const_type:		return DT_CONST;
	case DW_TAG_volatile_type:	return DT_VOLATILE;
	case DW_TAG_restrict_type:	return DT_RESTRICT;
	case DW_TAG_subroutine_type:	return DT_FUNC;
	case DW_TAG_array_type:		return DT_ARRAY;
	default:			return DT_UNKNOWN;
	}
}

static const struct dtype *make_type(struct dsource *s, Dwarf_Die *d)
{
	Dwarf_Off off = dwarf_dieoffset(d);
	int tag = dwarf_tag(d);
	enum dtype_kind kind = kind_of(tag, d);
	const char *name = dwarf_diename(d);
	struct dtype *t;

	if (kind == DT_ARRAY)
		return make_array(s, d, off);
	t = dt_new(s, kind, (uint32_t)off, name ? arena_strdup(s->a, name) : "");
	switch (kind) {
	case DT_INT:
		t->size = (int64_t)udata(d, DW_AT_byte_size, 0);
		t->is_signed = signed_enc(udata(d, DW_AT_encoding, 0));
		t->is_char = t->size == 1 && strstr(t->name, "char");
		break;
	case DT_ENUM:
		t->size = (int64_t)udata(d, DW_AT_byte_size, 4);
		t->is_signed = enum_signed(d);
		break;
	case DT_STRUCT: case DT_UNION:
		if (dwarf_hasattr(d, DW_AT_declaration))
			t->members_done = true;	/* declared, never defined */
		else
			t->size = (int64_t)udata(d, DW_AT_byte_size, 0);
		break;
	case DT_PTR:
		t->size = (int64_t)udata(d, DW_AT_byte_size, 8);
		break;
	case DT_FUNC: case DT_UNKNOWN:
		break;
	default:
		t->size = kind == DT_FLOAT ? (int64_t)udata(d, DW_AT_byte_size, 0)
					   : size_of(d);
		break;
	}
	return t;
}

static const struct dtype *convert(struct dsource *s, Dwarf_Off off)
{
	struct dw_impl *di = impl(s);
	const struct dtype *t = known(di, off);
	Dwarf_Die d;

	if (t)
		return t;
	if (!di->dw || !dwarf_offdie(di->dw, off, &d))
		return di->unknown;
	t = make_type(s, &d);
	remember(s, off, t);
	return t;
}

/* The type d's DW_AT_type names, void when there is none. */
static const struct dtype *type_of(struct dsource *s, Dwarf_Die *d)
{
	Dwarf_Die t;

	if (!type_die(d, &t))
		return impl(s)->voidt;
	return convert(s, dwarf_dieoffset(&t));
}

static void dw_fill_target(struct dsource *s, struct dtype *t)
{
	Dwarf_Die d;

	if (impl(s)->dw && dwarf_offdie(impl(s)->dw, t->id, &d))
		t->target_ = type_of(s, &d);
}

/* A member's offset in bits from the start of its struct. */
static int64_t member_bits(Dwarf_Die *m, int bit_size)
{
	Dwarf_Attribute at;
	Dwarf_Word w = 0;
	int64_t bits;

	if (dwarf_hasattr(m, DW_AT_data_bit_offset))
		return (int64_t)udata(m, DW_AT_data_bit_offset, 0);
	if (dwarf_attr(m, DW_AT_data_member_location, &at) &&
	    dwarf_formudata(&at, &w)) {
		Dwarf_Op *ops;
		size_t n;

		/* DWARF 2: an expression, DW_OP_plus_uconst N */
		w = 0;
		if (!dwarf_getlocation(&at, &ops, &n) && n == 1 &&
		    ops[0].atom == DW_OP_plus_uconst)
			w = ops[0].number;
	}
	bits = (int64_t)w * 8;
	/* DWARF 2 bitfields count from the storage unit's top bit */
	if (bit_size && dwarf_hasattr(m, DW_AT_bit_offset)) {
		Dwarf_Die ty;
		int64_t unit = (int64_t)udata(m, DW_AT_byte_size, 0);

		if (!unit && type_die(m, &ty))
			unit = size_of(&ty);
		bits += unit * 8 - (int64_t)udata(m, DW_AT_bit_offset, 0) - bit_size;
	}
	return bits;
}

static void dw_fill_members(struct dsource *s, struct dtype *t)
{
	Dwarf_Die d, c;
	int n = 0;

	if (!impl(s)->dw || !dwarf_offdie(impl(s)->dw, t->id, &d) ||
	    dwarf_child(&d, &c))
		return;
	do
		n += dwarf_tag(&c) == DW_TAG_member;
	while (!dwarf_siblingof(&c, &c));
	t->members_ = arena_alloc(s->a, sizeof(*t->members_) * (size_t)(n ? n : 1));
	dwarf_child(&d, &c);
	n = 0;
	do {
		struct dmember *m = &t->members_[n];
		const char *name;

		if (dwarf_tag(&c) != DW_TAG_member)
			continue;
		name = dwarf_diename(&c);
		m->name = name ? arena_strdup(s->a, name) : "";
		m->type = type_of(s, &c);
		m->bit_size = (int)udata(&c, DW_AT_bit_size, 0);
		m->bit_offset = member_bits(&c, m->bit_size);
		n++;
	} while (!dwarf_siblingof(&c, &c));
	t->nmembers_ = n;
}

int dwarf_tag_of(enum dtype_kind kind)
{
	switch (kind) {
	case DT_STRUCT:		return DW_TAG_structure_type;
	case DT_UNION:		return DW_TAG_union_type;
	case DT_TYPEDEF:	return DW_TAG_typedef;
	case DT_INT: case DT_FLOAT: return DW_TAG_base_type;
	case DT_ENUM:		return DW_TAG_enumeration_type;
	default:		return -1;
	}
}

/* The top-level DIEs of every unit; a definition beats a declaration. */
static const struct dtype *dw_find_type(struct dsource *s, const char *name,
					enum dtype_kind kind)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cud, c;
	Dwarf_Off decl = 0;
	int tag = dwarf_tag_of(kind);

	while (tag >= 0 && impl(s)->dw &&
	       !dwarf_get_units(impl(s)->dw, cu, &cu, NULL, NULL, &cud, NULL)) {
		if (dwarf_child(&cud, &c))
			continue;
		do {
			const char *n;

			if (dwarf_tag(&c) != tag || !(n = dwarf_diename(&c)) ||
			    strcmp(n, name))
				continue;
			if (!dwarf_hasattr(&c, DW_AT_declaration))
				return convert(s, dwarf_dieoffset(&c));
			decl = dwarf_dieoffset(&c);
		} while (!dwarf_siblingof(&c, &c));
	}
	return decl ? convert(s, decl) : NULL;
}

/* ---- variables and their locations ---- */

/* fbreg N at pc: the frame base is the CFA (what gcc emits), and the CFA
 * is a register plus an offset at almost every pc; *reg < 0 otherwise. */
static void cfa_rule(struct dsource *s, Dwarf_Addr pc, Dwarf_Addr entry,
		     int *reg, int64_t *off)
{
	struct dw_impl *di = impl(s);
	Dwarf_Frame *fr;
	Dwarf_Op *ops;
	size_t n;

	*reg = -1;
	if (di->cfi && !dwarf_cfi_addrframe(di->cfi, pc + di->bias - di->cfi_bias,
					    &fr)) {
		if (!dwarf_frame_cfa(fr, &ops, &n) && n == 1) {
			if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
				*reg = ops[0].atom - DW_OP_breg0;
				*off = (int64_t)ops[0].number;
			} else if (ops[0].atom == DW_OP_bregx) {
				*reg = (int)ops[0].number;
				*off = (int64_t)ops[0].number2;
			}
		}
		free(fr);
	}
	/* at the entry the return address was just pushed: CFA = rsp + 8 */
	if (*reg < 0 && pc == entry) {
		*reg = 7;
		*off = 8;
	}
}

static bool frame_is_cfa(Dwarf_Die *fn)
{
	Dwarf_Attribute at;
	Dwarf_Op *ops;
	size_t n;

	/* an inlined instance's frame is its caller's, which gcc (x86_64)
	 * always bases on the CFA */
	if (dwarf_tag(fn) == DW_TAG_inlined_subroutine)
		return true;
	return dwarf_attr_integrate(fn, DW_AT_frame_base, &at) &&
	       !dwarf_getlocation(&at, &ops, &n) && n == 1 &&
	       ops[0].atom == DW_OP_call_frame_cfa;
}

/* Where fn is entered, its symbol's address: DW_AT_entry_pc or low_pc,
 * else (a function split in hot and cold parts) its first range, which
 * gcc makes the part holding the entry. */
static int func_entry(Dwarf_Die *fn, Dwarf_Addr *entry)
{
	Dwarf_Addr base, end;

	if (!dwarf_entrypc(fn, entry))
		return 0;
	return dwarf_ranges(fn, 0, &base, entry, &end) > 0 ? 0 : -1;
}

struct locate {
	struct dsource *s;
	Dwarf_Die *fn;
	Dwarf_Addr pc, entry;
};

/* v's location at l->pc into dv: nothing (optimized out), a copy of its
 * expression with fbreg made a breg, or a constant's value. */
static void locate(struct locate *l, Dwarf_Die *v, struct dvar *dv)
{
	Dwarf_Attribute at;
	Dwarf_Op *ops;
	struct dloc_op *out;
	size_t n;

	dv->has_loc = true;
	if (!dwarf_attr(v, DW_AT_location, &at) &&
	    dwarf_attr_integrate(v, DW_AT_const_value, &at)) {
		Dwarf_Word w;

		if (dwarf_formudata(&at, &w))
			return;
		out = arena_alloc(l->s->a, 2 * sizeof(*out));
		out[0] = (struct dloc_op){ DW_OP_constu, w, 0 };
		out[1] = (struct dloc_op){ DW_OP_stack_value, 0, 0 };
		dv->loc = out;
		dv->nloc = 2;
		return;
	}
	if (!dwarf_attr(v, DW_AT_location, &at) ||
	    dwarf_getlocation_addr(&at, l->pc, &ops, &n, 1) != 1 || !n)
		return;
	out = arena_alloc(l->s->a, n * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		int reg;
		int64_t off;

		out[i] = (struct dloc_op){ ops[i].atom, ops[i].number,
					   ops[i].number2 };
		if (ops[i].atom != DW_OP_fbreg || !frame_is_cfa(l->fn))
			continue;
		cfa_rule(l->s, l->pc, l->entry, &reg, &off);
		if (reg < 0)
			continue;	/* stays fbreg: an error in pass 2 */
		out[i].atom = DW_OP_bregx;
		out[i].number = (uint64_t)reg;
		out[i].number2 = (uint64_t)(off + (int64_t)ops[i].number);
	}
	dv->loc = out;
	dv->nloc = (int)n;
}

struct varlist {
	struct dvar *v;
	int n, cap;
};

static struct dvar *add_var(struct dsource *s, struct varlist *vl,
			    Dwarf_Die *d)
{
	const char *name = dwarf_diename(d);

	if (!name)
		return NULL;
	if (vl->n == vl->cap) {
		struct dvar *nv;

		vl->cap = vl->cap ? 2 * vl->cap : 8;
		nv = arena_alloc(s->a, sizeof(*nv) * (size_t)vl->cap);
		if (vl->n)
			memcpy(nv, vl->v, sizeof(*nv) * (size_t)vl->n);
		vl->v = nv;
	}
	vl->v[vl->n].name = arena_strdup(s->a, name);
	vl->v[vl->n].type = type_of(s, d);
	return &vl->v[vl->n++];
}

/* The locals of a block and of the blocks inside it; one per name, the
 * one in scope at pc winning over a shadowed or out-of-scope one. */
static void collect_locals(struct locate *l, Dwarf_Die *blk,
			   struct varlist *vl, bool in_scope)
{
	Dwarf_Die c;

	if (dwarf_child(blk, &c))
		return;
	do {
		int tag = dwarf_tag(&c);
		struct dvar tmp = { 0 }, *v;
		int k;

		if (tag == DW_TAG_lexical_block) {
			collect_locals(l, &c, vl, in_scope &&
				       dwarf_haspc(&c, l->pc) == 1);
			continue;
		}
		if (tag != DW_TAG_variable || !dwarf_diename(&c))
			continue;
		if (in_scope)
			locate(l, &c, &tmp);
		else
			tmp.has_loc = true;
		for (k = 0; k < vl->n; k++)
			if (!strcmp(vl->v[k].name, dwarf_diename(&c)))
				break;
		if (k < vl->n && (!in_scope || !tmp.nloc))
			continue;
		v = k < vl->n ? &vl->v[k] : add_var(l->s, vl, &c);
		v->type = type_of(l->s, &c);
		v->has_loc = true;
		v->loc = tmp.loc;
		v->nloc = tmp.nloc;
	} while (!dwarf_siblingof(&c, &c));
}

static void collect_params(struct locate *l, struct dfunc *f)
{
	struct varlist vl = { 0 };
	Dwarf_Die c;

	if (!dwarf_child(l->fn, &c)) {
		do {
			struct dvar *v;

			if (dwarf_tag(&c) == DW_TAG_unspecified_parameters)
				f->variadic = true;
			if (dwarf_tag(&c) != DW_TAG_formal_parameter ||
			    !(v = add_var(l->s, &vl, &c)))
				continue;
			v->arg = vl.n;
			locate(l, &c, v);
		} while (!dwarf_siblingof(&c, &c));
	}
	f->params = vl.v;
	f->nparams = vl.n;
}

/* fn's variables located at pc (an address inside it). */
static struct dfunc *build_func(struct dsource *s, Dwarf_Die *fn,
				const char *name, Dwarf_Addr pc)
{
	struct dfunc *f = arena_alloc(s->a, sizeof(*f));
	struct locate l = { s, fn, pc, pc };
	struct varlist vl = { 0 };
	const char *file;
	int line;

	func_entry(fn, &l.entry);
	f->name = name;
	f->dwarf = true;
	f->ret = type_of(s, fn);
	f->pc = pc;
	f->offset = pc - l.entry;
	file = dwarf_decl_file(fn);
	f->decl_file = file ? arena_strdup(s->a, file) : NULL;
	if (!dwarf_decl_line(fn, &line))
		f->decl_line = line;
	collect_params(&l, f);
	collect_locals(&l, fn, &vl, true);
	f->locals = vl.v;
	f->nlocals = vl.n;
	return f;
}

/* ---- functions ---- */

static int cmp_func(const void *x, const void *y)
{
	const struct func_ent *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c ? c : a->off < b->off ? -1 : a->off > b->off;
}

static bool has_code(Dwarf_Die *d)
{
	return dwarf_hasattr(d, DW_AT_low_pc) || dwarf_hasattr(d, DW_AT_ranges);
}

static void build_index(struct dsource *s)
{
	struct dw_impl *di = impl(s);
	Dwarf_CU *cu = NULL;
	Dwarf_Die cud, c;
	size_t cap = 0, n = 0, out = 0;

	while (!dwarf_get_units(di->dw, cu, &cu, NULL, NULL, &cud, NULL)) {
		if (dwarf_child(&cud, &c))
			continue;
		do {
			Dwarf_Attribute at;
			const char *name;

			if (dwarf_tag(&c) != DW_TAG_subprogram || !has_code(&c) ||
			    !dwarf_attr_integrate(&c, DW_AT_name, &at) ||
			    !(name = dwarf_formstring(&at)))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				di->funcs = xrealloc(di->funcs, cap * sizeof(*di->funcs));
			}
			di->funcs[n].name = arena_strdup(s->a, name);
			di->funcs[n++].off = dwarf_dieoffset(&c);
		} while (!dwarf_siblingof(&c, &c));
	}
	if (n)
		qsort(di->funcs, n, sizeof(*di->funcs), cmp_func);
	for (size_t i = 0; i < n; i++)
		if (!out || strcmp(di->funcs[i].name, di->funcs[out - 1].name))
			di->funcs[out++] = di->funcs[i];
	di->nfuncs = out;
	di->dfuncs = arena_alloc(s->a, sizeof(*di->dfuncs) * (out ? out : 1));
}

static const struct dfunc *entry_func(struct dsource *s, size_t i)
{
	struct dw_impl *di = impl(s);
	Dwarf_Die fn;
	Dwarf_Addr entry;

	if (di->dfuncs[i])
		return di->dfuncs[i];
	if (!dwarf_offdie(di->dw, di->funcs[i].off, &fn) ||
	    func_entry(&fn, &entry))
		return NULL;
	return di->dfuncs[i] = build_func(s, &fn, di->funcs[i].name, entry);
}

static int dw_each_func(struct dsource *s, const char *pattern,
			int (*fn)(const struct dfunc *, void *), void *data)
{
	struct dw_impl *di = impl(s);

	for (size_t i = 0; i < di->nfuncs; i++) {
		const struct dfunc *f;
		int r;

		if (fnmatch(pattern, di->funcs[i].name, 0) ||
		    !(f = entry_func(s, i)))
			continue;
		r = fn(f, data);
		if (r)
			return r;
	}
	return 0;
}

static const struct dfunc *dw_find_func(struct dsource *s, const char *name)
{
	struct dw_impl *di = impl(s);
	size_t lo = 0, hi = di->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(di->funcs[mid].name, name);

		if (!c)
			return entry_func(s, mid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- source lines ---- */

/* "stapc_dw.c" names ".../dir/stapc_dw.c"; so does "dir/stapc_dw.c". */
bool dwarf_file_matches(const char *path, const char *file)
{
	size_t pl = strlen(path), fl = strlen(file);

	return fl <= pl && !strcmp(path + pl - fl, file) &&
	       (pl == fl || path[pl - fl - 1] == '/' || file[0] == '/');
}

struct line_search {
	const char *file;
	int line;
	bool found;
	Dwarf_Addr addr;
	int below, above;		/* nearest lines with code, 0: none */
	bool file_seen;
};

/* The address range holding fn's entry: a probe is its symbol plus an
 * offset, which means nothing in a part split off elsewhere (.cold). */
static void entry_range(Dwarf_Die *fn, Dwarf_Addr *lo, Dwarf_Addr *hi)
{
	Dwarf_Addr entry, base, start, end;
	ptrdiff_t off = 0;

	*lo = *hi = 0;
	if (func_entry(fn, &entry))
		return;
	while ((off = dwarf_ranges(fn, off, &base, &start, &end)) > 0)
		if (start <= entry && entry < end) {
			*lo = start;
			*hi = end;
			return;
		}
}

static void scan_lines(Dwarf_Die *fn, struct line_search *ls)
{
	Dwarf_Die cud;
	Dwarf_Lines *lines;
	Dwarf_Addr lo, hi;
	size_t n;

	entry_range(fn, &lo, &hi);
	if (!dwarf_diecu(fn, &cud, NULL, NULL) ||
	    dwarf_getsrclines(&cud, &lines, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
		Dwarf_Addr a;
		int no;

		if (!src || !dwarf_file_matches(src, ls->file) ||
		    dwarf_lineaddr(l, &a) || dwarf_lineno(l, &no) ||
		    a < lo || a >= hi)
			continue;
		ls->file_seen = true;
		if (no == ls->line) {
			if (!ls->found || a < ls->addr)
				ls->addr = a;
			ls->found = true;
		} else if (no < ls->line && no > ls->below) {
			ls->below = no;
		} else if (no > ls->line && (!ls->above || no < ls->above)) {
			ls->above = no;
		}
	}
}

static const char *no_line(struct dsource *s, const char *func,
			   struct line_search *ls, bool any_func)
{
	if (!any_func)
		return arena_printf(s->a, "no function matching '%s' in %s",
				    func, s->what);
	if (!ls->file_seen)
		return arena_printf(s->a, "no code of '%s' in a file matching "
				    "'%s'", func, ls->file);
	if (ls->below && ls->above)
		return arena_printf(s->a, "no code at %s:%d in '%s' (the nearest "
				    "lines with code are %d and %d)", ls->file,
				    ls->line, func, ls->below, ls->above);
	return arena_printf(s->a, "no code at %s:%d in '%s' (the nearest line "
			    "with code is %d)", ls->file, ls->line, func,
			    ls->below ? ls->below : ls->above);
}

const struct dfunc *dwarf_find_line(struct dsource *s, const char *func,
				    const char *file, int line,
				    const char **why)
{
	struct dw_impl *di = s && s->each_func == dw_each_func ? impl(s) : NULL;
	bool any = false;

	if (!di) {
		*why = "statement probes need DWARF debuginfo";
		return NULL;
	}
	for (size_t i = 0; i < di->nfuncs; i++) {
		struct line_search ls = { .file = file, .line = line };
		Dwarf_Die fn;

		if (fnmatch(func, di->funcs[i].name, 0) ||
		    !dwarf_offdie(di->dw, di->funcs[i].off, &fn))
			continue;
		any = true;
		scan_lines(&fn, &ls);
		if (ls.found)
			return build_func(s, &fn, di->funcs[i].name, ls.addr);
		if (!strpbrk(func, "*?["))
			*why = no_line(s, func, &ls, true);
	}
	if (!any || strpbrk(func, "*?["))
		*why = any ? arena_printf(s->a, "no code at %s:%d in a function "
					  "matching '%s'", file, line, func)
			   : no_line(s, func, NULL, false);
	return NULL;
}

/* ---- user programs: where a prologue ends ---- */

/* gcc records its options in DW_AT_producer ("GNU C17 12.2.0 -g -O2"):
 * the last -O decides; none is -O0. */
static bool cu_optimized(Dwarf_Die *fn)
{
	Dwarf_Die cud;
	Dwarf_Attribute at;
	const char *p, *o, *last = NULL;

	if (!dwarf_diecu(fn, &cud, NULL, NULL) ||
	    !dwarf_attr(&cud, DW_AT_producer, &at) ||
	    !(p = dwarf_formstring(&at)))
		return true;		/* unknown: trust the locations */
	for (o = strstr(p, " -O"); o; o = strstr(o + 3, " -O"))
		last = o;
	return last && last[3] != '0';
}

const struct dfunc *dwarf_func_body(struct dsource *s, const char *name)
{
	struct dw_impl *di = s && s->each_func == dw_each_func ? impl(s) : NULL;
	Dwarf_Die fn, cud;
	Dwarf_Lines *lines;
	Dwarf_Addr lo, hi, entry, best = 0;
	size_t n, lo_i = 0, hi_i;

	if (!di)
		return NULL;
	for (hi_i = di->nfuncs; lo_i < hi_i;) {
		size_t mid = lo_i + (hi_i - lo_i) / 2;
		int c = strcmp(di->funcs[mid].name, name);

		if (!c) {
			lo_i = mid;
			break;
		}
		if (c < 0)
			lo_i = mid + 1;
		else
			hi_i = mid;
	}
	if (lo_i >= di->nfuncs || strcmp(di->funcs[lo_i].name, name) ||
	    !dwarf_offdie(di->dw, di->funcs[lo_i].off, &fn) ||
	    cu_optimized(&fn) || func_entry(&fn, &entry))
		return NULL;
	entry_range(&fn, &lo, &hi);
	if (!dwarf_diecu(&fn, &cud, NULL, NULL) ||
	    dwarf_getsrclines(&cud, &lines, &n))
		return NULL;
	/* the second row of the function's lines: its first statement */
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a;

		if (l && !dwarf_lineaddr(l, &a) && a > entry && a < hi &&
		    (!best || a < best))
			best = a;
	}
	return best ? build_func(s, &fn, di->funcs[lo_i].name, best) : NULL;
}

int dwarf_cu_global(Dwarf_Die *cud, const char *name, const char *file,
		    Dwarf_Die *found)
{
	Dwarf_Die c;
	int have = 0;

	if (dwarf_child(cud, &c))
		return 0;
	do {
		const char *n, *df;

		if (dwarf_tag(&c) != DW_TAG_variable ||
		    !(n = dwarf_diename(&c)) || strcmp(n, name))
			continue;
		df = dwarf_decl_file(&c);
		if (file && (!df || !dwarf_file_matches(df, file)))
			continue;
		/* a definition (it has a location) beats a declaration */
		if (dwarf_hasattr(&c, DW_AT_location)) {
			*found = c;
			return 2;
		}
		if (!have) {
			*found = c;
			have = 1;
		}
	} while (!dwarf_siblingof(&c, &c));
	return have;
}

const struct dvar *dwarf_var_of(struct dsource *s, Dwarf_Die *d,
				const char *name)
{
	struct dvar *v = arena_alloc(s->a, sizeof(*v));
	struct locate l = { s, d, 0, 0 };

	v->name = arena_strdup(s->a, name);
	v->type = type_of(s, d);
	locate(&l, d, v);
	return v;
}

const struct dvar *dwarf_global(struct dsource *s, const char *name,
				const char *file)
{
	struct dw_impl *di = s && s->each_func == dw_each_func ? impl(s) : NULL;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cud, c, found;
	int have = 0, k;

	while (di && !dwarf_get_units(di->dw, cu, &cu, NULL, NULL, &cud, NULL)) {
		k = dwarf_cu_global(&cud, name, file, &c);
		if (k > have) {
			found = c;
			have = k;
		}
		if (have == 2)
			break;
	}
	return have ? dwarf_var_of(s, &found, name) : NULL;
}

/* ---- for kdwarf.c: the kernel's DWARF, with its own function index ---- */

Dwarf *dwarf_handle(struct dsource *s)
{
	return impl(s)->dw;
}

Dwfl_Module *dwarf_dwfl_module(struct dsource *s)
{
	return impl(s)->mod;
}

const struct dtype *dwarf_type_at(struct dsource *s, Dwarf_Off die)
{
	return convert(s, die);
}

const struct dfunc *dwarf_func_at(struct dsource *s, Dwarf_Die *fn,
				  const char *name, Dwarf_Addr pc)
{
	Dwarf_Addr entry;

	if (!pc) {
		if (func_entry(fn, &entry))
			return NULL;
		pc = entry;
	}
	return build_func(s, fn, name, pc);
}

const struct dfunc *dwarf_func_line(struct dsource *s, Dwarf_Die *fn,
				    const char *name, const char *file,
				    int line, const char **why)
{
	struct line_search ls = { .file = file, .line = line };

	scan_lines(fn, &ls);
	if (ls.found)
		return build_func(s, fn, name, ls.addr);
	*why = no_line(s, name, &ls, true);
	return NULL;
}

/* ---- opening ---- */

static void dw_close(struct dsource *s)
{
	struct dw_impl *di = impl(s);

	/* the Dwarf goes with the Dwfl: nothing more can be converted */
	if (di->dwfl)
		dwfl_end(di->dwfl);
	di->dwfl = NULL;
	di->dw = NULL;
	di->cfi = NULL;
	free(di->keys);
	free(di->vals);
	free(di->funcs);
	di->keys = NULL;
	di->vals = NULL;
	di->funcs = NULL;
	di->cap = di->used = di->nfuncs = 0;
}

/* Where libdwfl looks for a file's separate debuginfo (build id,
 * .gnu_debuglink): $SYSTEMTAP_DEBUGINFO_PATH, which uses its syntax. */
static char *debuginfo_path;

/* A module's userdata names its debug file when the caller found it;
 * else libdwfl's own search. */
static int find_debuginfo(Dwfl_Module *m, void **userdata, const char *name,
			  Dwarf_Addr base, const char *file,
			  const char *link, GElf_Word crc, char **found)
{
	int fd;

	if (!*userdata)
		return dwfl_standard_find_debuginfo(m, userdata, name, base,
						    file, link, crc, found);
	fd = open(*userdata, O_RDONLY);
	if (fd >= 0)
		*found = strdup(*userdata);
	return fd;
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static struct dsource *open_dwfl(struct arena *a, const char *path,
				 const char *debug, const char **why);

struct dsource *dwarf_open_bare(struct arena *a, const char *path,
				const char **why)
{
	return open_dwfl(a, path, NULL, why);
}

const char *dwarf_debug_file(struct dsource *s)
{
	return impl(s)->debug_file;
}

static struct dsource *open_dwfl(struct arena *a, const char *path,
				 const char *debug, const char **why)
{
	struct dsource *s = arena_alloc(a, sizeof(*s));
	struct dw_impl *di = arena_alloc(a, sizeof(*di));
	const char *dfile = NULL;
	Dwfl_Module *m;
	void **ud;

	if (!debuginfo_path)
		debuginfo_path = strdup(debugpath());
	s->a = a;
	s->impl = di;
	di->dwfl = dwfl_begin(&offline_callbacks);
	m = di->dwfl ? dwfl_report_offline(di->dwfl, path, path, -1) : NULL;
	if (m && debug) {
		dwfl_module_info(m, &ud, NULL, NULL, NULL, NULL, NULL, NULL);
		*ud = (void *)debug;
	}
	if (!m || dwfl_report_end(di->dwfl, NULL, NULL) ||
	    !(di->dw = dwfl_module_getdwarf(m, &di->bias))) {
		*why = arena_printf(a, "no DWARF debuginfo in %s (%s)", path,
				    dwfl_errmsg(-1));
		dw_close(s);
		return NULL;
	}
	/* libdwfl names the file it read the DWARF from */
	dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, &dfile);
	di->debug_file = arena_strdup(a, dfile ? dfile : path);
	s->what = arena_printf(a, "DWARF from %s", di->debug_file);
	di->mod = m;
	di->cfi = dwfl_module_dwarf_cfi(m, &di->cfi_bias);
	if (!di->cfi)		/* executables keep their CFI in .eh_frame */
		di->cfi = dwfl_module_eh_cfi(m, &di->cfi_bias);
	di->voidt = dt_new(s, DT_VOID, 0, "void");
	di->unknown = dt_new(s, DT_UNKNOWN, 0, "");
	s->fill_target = dw_fill_target;
	s->fill_members = dw_fill_members;
	s->find_type = dw_find_type;
	s->close = dw_close;
	return s;
}

struct dsource *dwarf_open(struct arena *a, const char *path,
			   const char *debug, const char **why)
{
	struct dsource *s = open_dwfl(a, path, debug, why);

	if (!s)
		return NULL;
	s->each_func = dw_each_func;
	s->find_func = dw_find_func;
	build_index(s);
	return s;
}
