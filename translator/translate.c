/* translate.c - pass 3: the elaborated program as one C file.
 *
 * Locals, parameters and temporaries live in per-function frame structs,
 * one frame per nesting level in the context (so recursion and the kernel's
 * small stacks are both fine).  Expressions that have side effects or can
 * fail are hoisted into statements in a temporary, in left-to-right order;
 * pure arithmetic stays inline.  After anything that can fail, control goes
 * to the current error label: the handler's exit, or a catch block. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "debuginfo.h"
#include "guru.h"
#include "parse.h"
#include "sema.h"
#include "procevents.h"
#include "procfs.h"
#include "tracepoints.h"
#include "usdt.h"
#include "usyms.h"
#include "translate.h"

#define MAX_ARRAYS 1024

struct frame_info {
	int nlong, nstr, nres;
	int narrays;			/* key and printf argument arrays */
	int array_len[MAX_ARRAYS];
	bool array_args[MAX_ARRAYS];
};

struct gen {
	struct arena *a;
	const struct session *s;
	const struct program *p;
	struct strbuf *out;
	const char *frame;		/* "p3" or "f1" */
	struct frame_info *fi;
	const char *err_label;
	int label;
	const struct func *fn;
	bool unchecked;			/* embedded C that may have set an error */
	int probe_id;			/* the probe being generated */
	/* type descriptions for pretty-printed target variables */
	struct strbuf *tvtypes;
	struct ptrvec tv_done;		/* struct tv_desc * */
};

/* A type described for the runtime's pretty-printer, once per type and
 * depth. */
struct tv_desc {
	const struct dtype *type;
	int depth;
	int id;
};

/* Pretty-printing never describes more types than this; past it, structs
 * print as {...}. */
#define MAX_TV_DESCS 3000

static void emit(struct gen *G, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void emit(struct gen *G, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(G->out, fmt, ap);
	va_end(ap);
}

static const char *fmt(struct gen *G, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
static const char *fmt(struct gen *G, const char *f, ...)
{
	va_list ap;
	struct strbuf sb;
	char *r;

	sb_init(&sb);
	va_start(ap, f);
	sb_vprintf(&sb, f, ap);
	va_end(ap);
	r = arena_strdup(G->a, sb_cstr(&sb));
	sb_free(&sb);
	return r;
}

static const char *new_long(struct gen *G)
{
	return fmt(G, "l->t[%d]", G->fi->nlong++);
}

static const char *new_str(struct gen *G)
{
	return fmt(G, "l->sbuf[%d]", G->fi->nstr++);
}

/* A key array (union stp_key) or printf argument array of n elements. */
static const char *new_array(struct gen *G, int n, bool args)
{
	struct frame_info *fi = G->fi;
	int i = fi->narrays < MAX_ARRAYS ? fi->narrays++ : MAX_ARRAYS - 1;

	fi->array_len[i] = n > fi->array_len[i] ? n : fi->array_len[i];
	fi->array_args[i] = args;
	return fmt(G, "l->%c%d", args ? 'a' : 'k', i);
}

/* A C string literal for a message (script names are plain text). */
static const char *c_string(struct gen *G, const char *s)
{
	struct strbuf sb;
	char *r;

	sb_init(&sb);
	sb_putc(&sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_putc(&sb, '\\');
		if (*s == '\n') {
			sb_puts(&sb, "\\n");
			continue;
		}
		sb_putc(&sb, *s);
	}
	sb_putc(&sb, '"');
	r = arena_strdup(G->a, sb_cstr(&sb));
	sb_free(&sb);
	return r;
}

static void line_directive(struct gen *G, struct srcloc loc)
{
	if (loc.file && loc.line > 0)
		emit(G, "#line %d %s\n", loc.line, c_string(G, loc.file->name));
}

/* Records what a runtime error will be reported "near". */
static void near(struct gen *G, const struct expr *e, const char *what)
{
	emit(G, "\tc->last_stmt = %s;\n",
	     c_string(G, fmt(G, "%s at %s:%d:%d", what,
			     e->loc.file ? e->loc.file->name : "<input>",
			     e->loc.line, e->loc.col)));
}

static void check_error(struct gen *G)
{
	emit(G, "\tif (c->error)\n\t\tgoto %s;\n", G->err_label);
}

static const char *sym_ref(struct gen *G, const struct symbol *s)
{
	switch (s->kind) {
	case SYM_GLOBAL:
		return fmt(G, "g_%s", s->name);
	case SYM_PARAM:
		return fmt(G, "l->p_%s", s->name);
	default:
		return fmt(G, "l->l_%s", s->name);
	}
}

static const char *gen_expr(struct gen *G, struct expr *e);

static enum val_type etype(const struct expr *e)
{
	return (enum val_type)e->type;
}

/* Keys of a map access, evaluated in order into a key array. */
static const char *gen_keys(struct gen *G, const struct ptrvec *args,
			    unsigned *mask)
{
	const char *vals[MAX_INDICES];
	const char *k = new_array(G, args->n ? args->n : 1, false);

	*mask = 0;
	for (int i = 0; i < args->n && i < MAX_INDICES; i++) {
		struct expr *a = args->v[i];

		vals[i] = a->kind == E_STAR ? NULL : gen_expr(G, a);
		if (!vals[i])
			*mask |= 1u << i;
	}
	for (int i = 0; i < args->n && i < MAX_INDICES; i++) {
		struct expr *a = args->v[i];

		if (!vals[i])
			continue;
		if (etype(a) == T_STRING)
			emit(G, "\t%s[%d].s = %s;\n", k, i, vals[i]);
		else
			emit(G, "\t%s[%d].n = %s;\n", k, i, vals[i]);
	}
	return k;
}

/* "stp_map_OP(g_NAME, K" (the caller closes the call): a one-key map's
 * long-valued operations take the key by value (stp_map_OP_l / _s). */
static const char *map_call(struct gen *G, const char *op,
			    const struct symbol *s, const char *k)
{
	if (s->nkeys == 1)
		return fmt(G, "stp_map_%s_%c(g_%s, %s[0].%c", op,
			   s->keys[0] == T_STRING ? 's' : 'l', s->name, k,
			   s->keys[0] == T_STRING ? 's' : 'n');
	return fmt(G, "stp_map_%s(g_%s, %s", op, s->name, k);
}

static const char *hoist_long(struct gen *G, const char *expr)
{
	const char *t = new_long(G);

	emit(G, "\t%s = %s;\n", t, expr);
	return t;
}

static void overflow_check(struct gen *G, const char *call, const struct expr *e)
{
	near(G, e, fmt(G, "identifier '%s'", e->name));
	emit(G, "\tif (%s)\n\t\tstp_error(c, \"Array overflow, check "
	     "MAXMAPENTRIES\");\n", call);
	check_error(G);
}

/* Stores value v (a C expression of e's type) into the lvalue e. */
/* The key array of an array element, computed once for both the read
 * and the write of a compound assignment (its index expressions may have
 * side effects); NULL for a scalar. */
static const char *lv_keys(struct gen *G, struct expr *lv)
{
	unsigned mask;

	return lv->kind == E_INDEX ? gen_keys(G, &lv->args, &mask) : NULL;
}

static void gen_store(struct gen *G, struct expr *lv, const char *k, const char *v)
{
	struct symbol *s = lv->sym;

	if (lv->kind == E_INDEX) {
		overflow_check(G, s->type == T_STRING ?
			       fmt(G, "stp_map_set_str(g_%s, %s, %s)", s->name, k, v) :
			       fmt(G, "%s, %s)", map_call(G, "set_long", s, k), v),
			       lv);
		return;
	}
	if (s->type == T_STRING)
		emit(G, "\tstp_strlcpy(%s, %s);\n", sym_ref(G, s), v);
	else
		emit(G, "\t%s = %s;\n", sym_ref(G, s), v);
}

/* Reads an lvalue into a temporary (maps, keys k) or names it (scalars). */
static const char *gen_load(struct gen *G, struct expr *lv, const char *k)
{
	struct symbol *s = lv->sym;

	if (lv->kind == E_INDEX) {
		if (s->type == T_STRING) {
			const char *t = new_str(G);

			emit(G, "\tstp_map_get_str(g_%s, %s, %s);\n", s->name, k, t);
			return t;
		}
		return hoist_long(G, fmt(G, "%s)", map_call(G, "get_long", s, k)));
	}
	return sym_ref(G, s);
}

/* a[k] += d, a[k]++...: one lookup; the value before the change. */
static const char *gen_map_add(struct gen *G, struct expr *lv, const char *k,
			       const char *d)
{
	const char *old = new_long(G);

	overflow_check(G, fmt(G, "%s, %s, &%s)",
			      map_call(G, "add_long", lv->sym, k), d, old), lv);
	return old;
}

static const char *gen_target_write(struct gen *G, struct expr *e);

static const char *gen_assign(struct gen *G, struct expr *e)
{
	struct expr *lv = e->a;
	struct symbol *s = lv->sym;
	const char *r, *cur, *v, *k;

	if (lv->tv)
		return gen_target_write(G, e);
	if (e->op == OP_ASSIGN) {
		r = gen_expr(G, e->b);
		if (s->type == T_STRING) {
			/* Copy first: the store may reuse the buffer. */
			const char *t = new_str(G);

			emit(G, "\tstp_strlcpy(%s, %s);\n", t, r);
			r = t;
		} else {
			r = hoist_long(G, r);
		}
		gen_store(G, lv, lv_keys(G, lv), r);
		return r;
	}
	if (e->op == OP_CONCAT_ASSIGN) {
		const char *t = new_str(G);

		r = gen_expr(G, e->b);
		k = lv_keys(G, lv);
		cur = gen_load(G, lv, k);
		emit(G, "\tstp_strlcpy(%s, %s);\n\tstp_strlcat(%s, %s);\n", t, cur,
		     t, r);
		gen_store(G, lv, k, t);
		return t;
	}
	r = hoist_long(G, gen_expr(G, e->b));
	k = lv_keys(G, lv);
	if (k && (e->op == OP_ADD_ASSIGN || e->op == OP_SUB_ASSIGN)) {
		const char *d = e->op == OP_ADD_ASSIGN ? r
			: hoist_long(G, fmt(G, "(int64_t)(0 - (uint64_t)%s)", r));

		cur = gen_map_add(G, lv, k, d);
		return hoist_long(G, fmt(G, "(int64_t)((uint64_t)%s + (uint64_t)%s)",
					 cur, d));
	}
	cur = gen_load(G, lv, k);
	switch (e->op) {
	case OP_DIV_ASSIGN: case OP_MOD_ASSIGN:
		near(G, e, fmt(G, "operator '%s'", op_str(e->op)));
		v = new_long(G);
		emit(G, "\t%s = stp_%s(c, %s, %s);\n", v,
		     e->op == OP_DIV_ASSIGN ? "div" : "mod", cur, r);
		check_error(G);
		break;
	case OP_SHL_ASSIGN: case OP_SHR_ASSIGN:
		v = hoist_long(G, fmt(G, "stp_%s(%s, %s)",
				      e->op == OP_SHL_ASSIGN ? "shl" : "shr", cur, r));
		break;
	default: {
		static const struct { enum op op; const char *c; } ops[] = {
			{ OP_ADD_ASSIGN, "+" }, { OP_SUB_ASSIGN, "-" },
			{ OP_MUL_ASSIGN, "*" }, { OP_AND_ASSIGN, "&" },
			{ OP_XOR_ASSIGN, "^" }, { OP_OR_ASSIGN, "|" },
		};
		const char *c = "+";

		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (ops[i].op == e->op)
				c = ops[i].c;
		/* Wrapping arithmetic without undefined behaviour. */
		v = hoist_long(G, fmt(G, "(int64_t)((uint64_t)%s %s (uint64_t)%s)",
				      cur, c, r));
		break;
	}
	}
	gen_store(G, lv, k, v);
	return v;
}

static const char *gen_incdec(struct gen *G, struct expr *e)
{
	struct expr *lv = e->a;
	const char *k, *cur, *old, *nv;
	char op = e->op == OP_INC ? '+' : '-';

	if (lv->tv)
		return gen_target_write(G, e);
	k = lv_keys(G, lv);
	nv = new_long(G);
	if (k) {
		old = gen_map_add(G, lv, k, op == '+' ? "1" : "-1");
		emit(G, "\t%s = (int64_t)((uint64_t)%s %c 1);\n", nv, old, op);
		return e->kind == E_POSTFIX ? old : nv;
	}
	cur = gen_load(G, lv, NULL);
	old = new_long(G);
	emit(G, "\t%s = %s;\n\t%s = (int64_t)((uint64_t)%s %c 1);\n", old, cur,
	     nv, old, op);
	gen_store(G, lv, NULL, nv);
	return e->kind == E_POSTFIX ? old : nv;
}

/* Short-circuit and the ternary: code for the second operand only runs
 * when needed, so it is generated into its own buffer first. */
static const char *gen_logical(struct gen *G, struct expr *e)
{
	const char *a = gen_expr(G, e->a), *t = new_long(G), *b;
	struct strbuf side, *saved = G->out;

	sb_init(&side);
	G->out = &side;
	b = gen_expr(G, e->b);
	G->out = saved;
	if (!side.len) {
		sb_free(&side);
		return fmt(G, "(%s %s %s)", a, e->op == OP_LAND ? "&&" : "||", b);
	}
	emit(G, "\t%s = %s(%s);\n\tif (%s) {\n", t,
	     e->op == OP_LAND ? "!!" : "!!", a,
	     e->op == OP_LAND ? t : fmt(G, "!%s", t));
	sb_put(G->out, side.buf, side.len);
	emit(G, "\t%s = !!(%s);\n\t}\n", t, b);
	sb_free(&side);
	return t;
}

static const char *gen_ternary(struct gen *G, struct expr *e)
{
	const char *cond = gen_expr(G, e->a);
	bool str = etype(e) == T_STRING;
	const char *t = str ? new_str(G) : new_long(G), *v;

	emit(G, "\tif (%s) {\n", cond);
	v = gen_expr(G, e->b);
	emit(G, str ? "\tstp_strlcpy(%s, %s);\n" : "\t%s = %s;\n", t, v);
	emit(G, "\t} else {\n");
	v = gen_expr(G, e->c);
	emit(G, str ? "\tstp_strlcpy(%s, %s);\n" : "\t%s = %s;\n", t, v);
	emit(G, "\t}\n");
	return t;
}

static const char *binop_c(enum op op)
{
	switch (op) {
	case OP_BAND: return "&";
	case OP_BOR: return "|";
	case OP_BXOR: return "^";
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_LT: return "<";
	case OP_GT: return ">";
	case OP_LE: return "<=";
	case OP_GE: return ">=";
	case OP_ADD: return "+";
	case OP_SUB: return "-";
	default: return "*";
	}
}

static const char *gen_binary(struct gen *G, struct expr *e)
{
	const char *a, *b, *t;

	if (e->op == OP_LAND || e->op == OP_LOR)
		return gen_logical(G, e);
	a = gen_expr(G, e->a);
	/* Keep left-to-right order when the right side has effects. */
	if (e->b->kind == E_CALL || e->b->kind == E_ASSIGN ||
	    e->b->kind == E_POSTFIX || e->b->kind == E_UNARY)
		a = etype(e->a) == T_STRING ? a : hoist_long(G, a);
	b = gen_expr(G, e->b);
	switch (e->op) {
	case OP_CONCAT:
		t = new_str(G);
		emit(G, "\tstp_strlcpy(%s, %s);\n\tstp_strlcat(%s, %s);\n", t, a,
		     t, b);
		return t;
	case OP_MATCH: case OP_NMATCH:
		near(G, e, fmt(G, "operator '%s'", op_str(e->op)));
		t = new_long(G);
		/* The literal's text is already C-escaped. */
		emit(G, "\t%s = stp_regex_match(c, \"%s\", %s);\n", t,
		     e->b->str, a);
		check_error(G);
		return e->op == OP_MATCH ? t : fmt(G, "(!%s)", t);
	case OP_DIV: case OP_MOD:
		near(G, e, fmt(G, "operator '%s'", op_str(e->op)));
		t = new_long(G);
		emit(G, "\t%s = stp_%s(c, %s, %s);\n", t,
		     e->op == OP_DIV ? "div" : "mod", a, b);
		check_error(G);
		return t;
	case OP_SHL: case OP_SHR:
		return fmt(G, "stp_%s(%s, %s)", e->op == OP_SHL ? "shl" : "shr", a, b);
	case OP_ADD: case OP_SUB: case OP_MUL:
		return fmt(G, "((int64_t)((uint64_t)(%s) %s (uint64_t)(%s)))", a,
			   binop_c(e->op), b);
	default:
		if (etype(e->a) == T_STRING)
			return fmt(G, "(strcmp(%s, %s) %s 0)", a, b, binop_c(e->op));
		return fmt(G, "((int64_t)((%s) %s (%s)))", a, binop_c(e->op), b);
	}
}

static const char *stat_source(struct gen *G, struct expr *v, const char *res,
			       int shift)
{
	struct symbol *s = v->sym;

	if (v->kind == E_INDEX) {
		unsigned mask;
		const char *k = gen_keys(G, &v->args, &mask);

		emit(G, "\tstp_map_get_stat(g_%s, %s, &%s, %d);\n", s->name, k, res,
		     shift);
	} else {
		emit(G, "\tstp_stat_get(g_%s, &%s, %d);\n", s->name, res, shift);
	}
	return res;
}

static const char *new_result(struct gen *G)
{
	return fmt(G, "l->r%d", G->fi->nres++);
}

static const char *gen_statop(struct gen *G, struct expr *e)
{
	const char *r = new_result(G);
	static const char *const fields[] = {
		[OP_COUNT] = "count", [OP_SUM] = "sum", [OP_MIN] = "min",
		[OP_MAX] = "max", [OP_AVG] = "avg", [OP_VARIANCE] = "variance",
	};

	stat_source(G, e->a, r, e->b ? (int)e->b->num : 0);
	if (e->op != OP_COUNT && e->op != OP_SUM) {
		near(G, e, fmt(G, "operator '%s'", op_str(e->op)));
		emit(G, "\tif (%s.count == 0)\n\t\tstp_error(c, \"empty aggregate\");\n",
		     r);
		check_error(G);
	}
	return hoist_long(G, fmt(G, "%s.%s", r, fields[e->op]));
}

static const char *hist_spec(struct gen *G, const struct symbol *s)
{
	return fmt(G, "hist_%s", s->name);
}

static const char *gen_call(struct gen *G, struct expr *e);

/* ---- target variables ($file->f_pos, $$parms, @cast) ---- */

static int tv_desc(struct gen *G, const struct dtype *t, int depth);

/* Appends the members of struct/union r at bit offset base to the member
 * list, anonymous members' own members in their place. */
static void tv_members(struct gen *G, struct strbuf *list, int *n,
		       const struct dtype *r, int64_t base, int depth)
{
	for (int i = 0; i < dt_nmembers(r); i++) {
		const struct dmember *m = dt_member(r, i);
		const struct dtype *mr = dt_resolve(m->type);
		int id;

		if (!m->name[0] && (mr->kind == DT_STRUCT || mr->kind == DT_UNION)) {
			tv_members(G, list, n, mr, base + m->bit_offset, depth);
			continue;
		}
		id = tv_desc(G, m->type, depth - 1);
		sb_printf(list, "\t{ \"%s\", %lld, %d, &tvt%d },\n", m->name,
			  (long long)(base + m->bit_offset), m->bit_size, id);
		(*n)++;
	}
}

/* The id of the descriptor of t (tvtN), emitted (dependencies first) the
 * first time it is asked for. */
static int tv_desc(struct gen *G, const struct dtype *t, int depth)
{
	const struct dtype *r = dt_resolve(t), *e;
	struct tv_desc *d;
	const char *kind = "STP_TV_OTHER";
	int64_t nelems = 0;
	int elem = -1, nmembers = 0;
	struct strbuf members;

	if (r->kind != DT_STRUCT && r->kind != DT_UNION && r->kind != DT_ARRAY)
		depth = 0;	/* scalars look the same at any depth */
	if (depth < 0)
		depth = 0;
	for (int i = 0; i < G->tv_done.n; i++) {
		d = G->tv_done.v[i];
		if (d->type == r && d->depth == depth)
			return d->id;
	}
	sb_init(&members);
	switch (r->kind) {
	case DT_INT: case DT_ENUM:
		kind = r->is_signed ? "STP_TV_INT" : "STP_TV_UINT";
		break;
	case DT_PTR:
		e = dt_resolve(dt_target(r));
		kind = e && e->kind == DT_INT && e->size == 1 ? "STP_TV_CHARPTR"
							      : "STP_TV_PTR";
		break;
	case DT_ARRAY:
		e = dt_resolve(dt_target(r));
		nelems = r->nelems;
		if (e && e->kind == DT_INT && e->size == 1) {
			kind = "STP_TV_CHARS";
		} else if (e && e->size > 0) {
			kind = "STP_TV_ARRAY";
			elem = tv_desc(G, e, depth);
		}
		break;
	case DT_STRUCT: case DT_UNION:
		kind = "STP_TV_STRUCT";
		if (depth > 0 && G->tv_done.n < MAX_TV_DESCS)
			tv_members(G, &members, &nmembers, r, 0, depth);
		break;
	default:
		break;
	}
	d = arena_alloc(G->a, sizeof(*d));
	d->type = r;
	d->depth = depth;
	d->id = G->tv_done.n;
	pv_push(G->a, &G->tv_done, d);
	if (nmembers)
		sb_printf(G->tvtypes, "static const struct stp_tv_member tvm%d[] = {\n%s};\n",
			  d->id, sb_cstr(&members));
	sb_printf(G->tvtypes, "static const struct stp_tv_type tvt%d = { %s, %lld, %lld, ",
		  d->id, kind, (long long)(r->size > 0 ? r->size : 0),
		  (long long)nelems);
	if (elem >= 0)
		sb_printf(G->tvtypes, "&tvt%d, ", elem);
	else
		sb_puts(G->tvtypes, "NULL, ");
	if (nmembers)
		sb_printf(G->tvtypes, "%d, tvm%d };\n", nmembers, d->id);
	else
		sb_puts(G->tvtypes, "0, NULL };\n");
	sb_free(&members);
	return d->id;
}

/* A register value (argument, $return) cut to its type's size. */
static const char *tv_narrow(struct gen *G, const char *v, int size,
			     bool is_signed)
{
	static const char *const st[] = { "", "int8_t", "int16_t", "", "int32_t" };
	static const char *const ut[] = { "", "uint8_t", "uint16_t", "", "uint32_t" };

	if (size >= 8 || size < 1 || size == 3 || size > 4)
		return v;
	return fmt(G, "((int64_t)(%s)%s)", is_signed ? st[size] : ut[size], v);
}

/* The address or value a tv_access ends with, in a long temporary. */
static const char *tv_walk(struct gen *G, struct expr *e,
			   const struct tv_access *acc)
{
	const char *v = new_long(G);

	switch (acc->base) {
	case TVB_ARG:
		emit(G, "\t%s = stp_tv_arg(c, %d);\n", v, acc->arg);
		check_error(G);
		break;
	case TVB_TPARG:
		emit(G, "\t%s = stp_tv_tparg(c, %d);\n", v, acc->arg);
		break;
	case TVB_RETURN:
		emit(G, "\t%s = stp_tv_return(c);\n", v);
		check_error(G);
		break;
	case TVB_EXPR:
		emit(G, "\t%s = %s;\n", v, gen_expr(G, e->a));
		break;
	case TVB_LOC:
		if (acc->reg < 0 && acc->ubias) {	/* DW_OP_addr in a uprobe */
			emit(G, "\t%s = stp_uprobe_addr(c, %lldLL, %lldLL);\n", v,
			     (long long)acc->konst, (long long)acc->upc);
			check_error(G);
			break;
		}
		if (acc->reg < 0 && acc->kdata) {
			/* the kernel's static data: its link-time address
			 * moved as KASLR moved the anchor, whose address the
			 * module gets when it is loaded */
			emit(G, "\t%s = (int64_t)(0x%llxULL + ((uint64_t)(uintptr_t)"
			     "&%s - 0x%llxULL));\n", v,
			     (unsigned long long)acc->konst, STP_KERNEL_ANCHOR,
			     (unsigned long long)acc->kanchor);
			break;
		}
		if (acc->reg < 0) {
			emit(G, "\t%s = %lldLL;\n", v, (long long)acc->konst);
			break;
		}
		emit(G, "\t%s = stp_tv_reg(c, %d);\n", v, acc->reg);
		check_error(G);
		break;
	case TVB_PROCFS:	/* a string: gen_target */
	case TVB_USDT:		/* gen_target */
		break;
	}
	for (int i = 0; i < acc->steps.n; i++) {
		const struct tv_step *st = acc->steps.v[i];

		switch (st->kind) {
		case TVS_LOAD:
			emit(G, "\t%s = stp_kread(c, %s, 8, %s);\n", v, v,
			     acc->user ? "true" : "false");
			check_error(G);
			break;
		case TVS_ADD:
			emit(G, "\t%s = (int64_t)((uint64_t)%s + %lldULL);\n", v, v,
			     (long long)st->off);
			break;
		case TVS_INDEX: {
			const char *ix = gen_expr(G, st->index);

			emit(G, "\t%s = (int64_t)((uint64_t)%s + (uint64_t)(%s) * %lldULL);\n",
			     v, v, ix, (long long)st->off);
			break;
		}
		}
	}
	return v;
}

static const char *gen_target(struct gen *G, struct expr *e)
{
	const struct tv_access *acc = e->tv;
	const char *v, *s;

	near(G, e, e->kind == E_CAST ? "operator '@cast'"
		   : e->str2 ? "operator '@var'"
		   : fmt(G, "identifier '%s'", e->name));
	if (acc->base == TVB_PROCFS)	/* runtime/linux/procfs.c */
		return "stp_procfs_value(c)";
	if (acc->base == TVB_USDT) {	/* runtime/linux/usdt.c */
		v = new_long(G);
		if (acc->arg == USDT_MEM)
			emit(G, "\t%s = stp_usdt_mem(c, %d, %d, %d, %lldLL, "
			     "%lluULL, %d);\n", v, acc->reg, acc->index_reg,
			     acc->scale, (long long)acc->konst,
			     acc->ubias ? (unsigned long long)acc->upc : 0ULL,
			     acc->is_signed ? -acc->size : acc->size);
		else
			emit(G, "\t%s = stp_usdt_arg(c, %d, %d, %lldLL, %d);\n",
			     v, acc->arg, acc->reg, (long long)acc->konst,
			     acc->is_signed ? -acc->size : acc->size);
		check_error(G);
		return v;
	}
	if (acc->final == TVF_PRETTY_VARS) {
		s = new_str(G);
		emit(G, "\t%s[0] = '\\0';\n", s);
		for (int i = 0; i < acc->vars.n; i++) {
			const struct tv_access *va = acc->vars.v[i];
			const char *x;

			emit(G, "\tstp_strlcat(%s, \"%s%s=%s\");\n", s, i ? " " : "",
			     va->name, va->unavailable ? "?" : "");
			if (va->unavailable)
				continue;
			x = va->base == TVB_RETURN ? "stp_tv_return(c)"
			    : va->base == TVB_LOC ? tv_walk(G, NULL, va)
			    : va->base == TVB_TPARG ? fmt(G, "stp_tv_tparg(c, %d)", va->arg)
			    : fmt(G, "stp_tv_arg(c, %d)", va->arg);
			if (va->final == TVF_READ) {
				emit(G, "\t%s = stp_kread(c, %s, %d, %s);\n", x, x,
				     va->size, va->user ? "true" : "false");
				check_error(G);
			}
			if (va->final == TVF_PRETTY && !va->pointee)
				emit(G, "\tstp_tv_format(c, %s, &tvt%d, %s, %d, %s);\n",
				     s, tv_desc(G, va->type, va->depth), x, va->depth,
				     va->user ? "true" : "false");
			else if (va->final == TVF_PRETTY && va->pointee)
				emit(G, "\tstp_tv_format_pointee(c, %s, &tvt%d, %s, %d, %s);\n",
				     s, tv_desc(G, va->type, va->depth), x, va->depth,
				     va->user ? "true" : "false");
			else if (va->final == TVF_PRETTY_VALUE)
				emit(G, "\tstp_tv_format_value(c, %s, &tvt%d, %s, %d, %s);\n",
				     s, tv_desc(G, va->type, 0), x, va->depth,
				     va->user ? "true" : "false");
			else
				emit(G, "\tstp_tv_hex(%s, %s, %d);\n", s, x, va->size);
		}
		check_error(G);
		return s;
	}
	v = tv_walk(G, e, acc);
	switch (acc->final) {
	case TVF_VALUE:
		return tv_narrow(G, v, acc->size, acc->is_signed);
	case TVF_READ:
		emit(G, "\t%s = stp_kread(c, %s, %d, %s);\n", v, v, acc->size,
		     acc->user ? "true" : "false");
		check_error(G);
		if (acc->bit_size)
			return fmt(G, "stp_tv_bits(%s, %d, %d, %d)", v, acc->bit_shift,
				   acc->bit_size, acc->is_signed);
		if (!acc->is_signed)
			return tv_narrow(G, v, acc->size, false);
		return v;
	case TVF_CHARS:
		s = new_str(G);
		emit(G, "\tstp_tv_chars(c, %s, %s, %d, %s);\n", s, v, acc->size,
		     acc->user ? "true" : "false");
		check_error(G);
		return s;
	case TVF_PRETTY:
	case TVF_PRETTY_VALUE:
		s = new_str(G);
		emit(G, "\t%s[0] = '\\0';\n", s);
		emit(G, "\t%s(c, %s, &tvt%d, %s, %d, %s);\n",
		     acc->final == TVF_PRETTY_VALUE ? "stp_tv_format_value"
		     : acc->pointee ? "stp_tv_format_pointee" : "stp_tv_format",
		     s, tv_desc(G, acc->type, acc->depth), v, acc->depth,
		     acc->user ? "true" : "false");
		check_error(G);
		return s;
	default:
		return v;
	}
}

/* Guru mode: an assignment (any operator but .=) or ++/-- whose operand
 * is a target variable pass 2 found writable (guru_target_unwritable):
 * memory through stp_kwrite, a register in the saved pt_regs.  Its value
 * is the new one (the old one for postfix ++/--). */
static const char *gen_target_write(struct gen *G, struct expr *e)
{
	struct expr *lv = e->a;
	const struct tv_access *acc = lv->tv;
	bool mem = acc->final == TVF_READ;
	bool plain = e->kind == E_ASSIGN && e->op == OP_ASSIGN;
	const char *r = NULL, *addr = NULL, *cur = NULL, *v;

	if (acc->base == TVB_PROCFS) {	/* $value = s, $value .= s */
		r = gen_expr(G, e->b);
		emit(G, "\tstp_procfs_set(c, %s, %d);\n", r,
		     e->op == OP_CONCAT_ASSIGN);
		return "stp_procfs_value(c)";
	}
	if (e->kind == E_ASSIGN)
		r = hoist_long(G, gen_expr(G, e->b));
	if (mem) {
		addr = tv_walk(G, lv, acc);
		if (!plain) {
			cur = new_long(G);
			emit(G, "\t%s = stp_kread(c, %s, %d, %s);\n", cur, addr,
			     acc->size, acc->user ? "true" : "false");
			check_error(G);
			cur = hoist_long(G, tv_narrow(G, cur, acc->size,
						       acc->is_signed));
		}
	} else if (!plain) {
		cur = hoist_long(G, gen_target(G, lv));
	}
	near(G, lv, lv->kind == E_CAST ? "operator '@cast'"
					: fmt(G, "identifier '%s'", lv->name));
	if (plain) {
		v = r;
	} else if (e->kind != E_ASSIGN) {
		v = hoist_long(G, fmt(G, "(int64_t)((uint64_t)%s %c 1)", cur,
				      e->op == OP_INC ? '+' : '-'));
	} else if (e->op == OP_DIV_ASSIGN || e->op == OP_MOD_ASSIGN) {
		v = new_long(G);
		emit(G, "\t%s = stp_%s(c, %s, %s);\n", v,
		     e->op == OP_DIV_ASSIGN ? "div" : "mod", cur, r);
		check_error(G);
	} else if (e->op == OP_SHL_ASSIGN || e->op == OP_SHR_ASSIGN) {
		v = hoist_long(G, fmt(G, "stp_%s(%s, %s)",
				      e->op == OP_SHL_ASSIGN ? "shl" : "shr", cur, r));
	} else {
		const char *c = e->op == OP_SUB_ASSIGN ? "-" : e->op == OP_MUL_ASSIGN ? "*"
			: e->op == OP_AND_ASSIGN ? "&" : e->op == OP_XOR_ASSIGN ? "^"
			: e->op == OP_OR_ASSIGN ? "|" : "+";

		v = hoist_long(G, fmt(G, "(int64_t)((uint64_t)%s %s (uint64_t)%s)",
				      cur, c, r));
	}
	if (mem)
		emit(G, "\tstp_kwrite(c, %s, %d, %s);\n", addr, acc->size, v);
	else if (acc->base == TVB_ARG)
		emit(G, "\tstp_tv_set_arg(c, %d, %s);\n", acc->arg, v);
	else if (acc->base == TVB_RETURN)
		emit(G, "\tstp_tv_set_reg(c, 0, %s);\n", v);
	else
		emit(G, "\tstp_tv_set_reg(c, %d, %s);\n", acc->reg, v);
	check_error(G);
	return e->kind == E_POSTFIX ? cur : v;
}

static const char *gen_expr(struct gen *G, struct expr *e)
{
	switch (e->kind) {
	case E_NUM:
		if (e->num == INT64_MIN)
			return "INT64_MIN";
		return fmt(G, "((int64_t)%" PRId64 "LL)", e->num);
	case E_STR:
		return fmt(G, "\"%s\"", e->str);
	case E_SYM:
		return gen_load(G, e, NULL);
	case E_INDEX:
		return gen_load(G, e, lv_keys(G, e));
	case E_EMBEDDED:
		G->unchecked = true;
		if (etype(e) == T_STRING)
			return fmt(G, "((const char *)(%s))", e->str);
		return fmt(G, "((int64_t)(%s))", e->str);
	case E_UNARY:
		if (e->op == OP_INC || e->op == OP_DEC)
			return gen_incdec(G, e);
		if (e->op == OP_ADDR && e->a->tv)
			return gen_target(G, e->a);
		{
			const char *a = gen_expr(G, e->a);

			switch (e->op) {
			case OP_NOT: return fmt(G, "((int64_t)!(%s))", a);
			case OP_BNOT: return fmt(G, "(~(%s))", a);
			case OP_NEG: return fmt(G, "((int64_t)(0 - (uint64_t)(%s)))", a);
			default: return a;
			}
		}
	case E_POSTFIX:
		return gen_incdec(G, e);
	case E_BINARY:
		return gen_binary(G, e);
	case E_TERNARY:
		return gen_ternary(G, e);
	case E_ASSIGN:
		return gen_assign(G, e);
	case E_STATS_ADD: {
		struct expr *lv = e->a;
		const char *v = hoist_long(G, gen_expr(G, e->b));

		if (lv->kind == E_INDEX) {
			unsigned mask;
			const char *k = gen_keys(G, &lv->args, &mask);

			overflow_check(G, fmt(G, "%s, %s)",
					      map_call(G, "add_stat", lv->sym, k), v),
				       lv);
		} else {
			emit(G, "\tstp_stat_add_spec(g_%s, &hist_%s, %s);\n",
			     lv->name, lv->name, v);
		}
		return v;
	}
	case E_IN: {
		unsigned mask;
		const char *k = gen_keys(G, &e->args, &mask);

		if (!mask)
			return hoist_long(G, fmt(G, "%s)",
						 map_call(G, "exists", e->sym, k)));
		emit(G, "\t{\n\t\tstruct stp_map_iter it;\n\n"
		     "\t\tstp_map_iter_start(&it, g_%s, 0, 0, 0, 1, %s, %uu);\n",
		     e->name, k, mask);
		{
			const char *t = new_long(G);

			emit(G, "\t\t%s = stp_map_iter_next(&it);\n\t}\n", t);
			return t;
		}
	}
	case E_CALL:
		return gen_call(G, e);
	case E_STATOP:
		return gen_statop(G, e);
	case E_HIST: {
		/* @hist_*(s)[i]: the count in bucket i. */
		const char *r = new_result(G), *i;

		stat_source(G, e->a, r, 0);
		i = hoist_long(G, gen_expr(G, e->b));
		return fmt(G, "(%s >= 0 && %s < %s.nbuckets ? %s.buckets[%s] : 0)",
			   i, i, r, r, i);
	}
	case E_DEFINED:
		/* Pass 2 decided. */
		return e->num ? "((int64_t)1)" : "((int64_t)0)";
	case E_TARGET: case E_CAST:
		return gen_target(G, e);
	case E_ENTRY:
		/* saved by the probe's entry half (gen_entry) */
		return fmt(G, "((struct p%d_entry *)c->entry_data)->e%lld",
			   G->probe_id, (long long)e->num);
	case E_CONST:
		/* Guru mode (checked in pass 2): a C constant by name. */
		return fmt(G, "((int64_t)(%s))", e->str);
	default:
		return "((int64_t)0)";
	}
}

/* print/printf/sprintf and friends: build an argument array. */
static const char *gen_args(struct gen *G, struct expr *e, int first, int *n)
{
	const char *vals[64];
	const char *arr = new_array(G, e->args.n - first > 0 ?
				    e->args.n - first : 1, true);

	*n = e->args.n - first;
	for (int i = first; i < e->args.n && i - first < 64; i++)
		vals[i - first] = gen_expr(G, e->args.v[i]);
	for (int i = first; i < e->args.n && i - first < 64; i++) {
		struct expr *a = e->args.v[i];

		if (etype(a) == T_STRING)
			emit(G, "\t%s[%d].is_str = 1;\n\t%s[%d].s = %s;\n", arr,
			     i - first, arr, i - first, vals[i - first]);
		else
			emit(G, "\t%s[%d].is_str = 0;\n\t%s[%d].n = %s;\n", arr,
			     i - first, arr, i - first, vals[i - first]);
	}
	return arr;
}

static const char *gen_print(struct gen *G, struct expr *e)
{
	const char *name = e->name;
	bool to_str = name[0] == 's';
	bool ln = strstr(name, "ln") != NULL;
	bool is_printf = strstr(name, "printf") != NULL;
	bool is_printd = strstr(name, "printd") != NULL;
	const char *dst = to_str ? new_str(G) : NULL;
	struct strbuf f;
	const char *args, *format;
	int n;

	if (!is_printf && e->args.n == 1 &&
	    ((struct expr *)e->args.v[0])->kind == E_HIST) {
		struct expr *h = e->args.v[0];
		const char *r = new_result(G);

		stat_source(G, h->a, r, 0);
		emit(G, "\tstp_hist_print(c, &%s, &%s);\n", r,
		     hist_spec(G, h->a->sym));
		return "((int64_t)0)";
	}
	/* Every form is a printf: build the format for the others. */
	sb_init(&f);
	if (is_printf) {
		sb_puts(&f, ((struct expr *)e->args.v[0])->str);
	} else {
		const char *delim = is_printd ? ((struct expr *)e->args.v[0])->str : "";

		for (int i = is_printd; i < e->args.n; i++) {
			struct expr *a = e->args.v[i];

			if (i > is_printd)
				for (const char *d = delim; *d; d++)
					sb_puts(&f, *d == '%' ? "%%" : (char[]){ *d, 0 });
			sb_puts(&f, etype(a) == T_STRING ? "%s" : "%d");
		}
		if (ln)
			sb_puts(&f, "\\n");
	}
	format = fmt(G, "\"%s\"", sb_cstr(&f));
	sb_free(&f);
	args = gen_args(G, e, is_printf || is_printd, &n);
	if (to_str)
		emit(G, "\tstp_format(%s, MAXSTRINGLEN, %s, %s, %d);\n", dst, format,
		     args, n);
	else
		emit(G, "\tstp_printf(c, %s, %s, %d);\n", format, args, n);
	return to_str ? dst : "((int64_t)0)";
}

static const char *gen_call(struct gen *G, struct expr *e)
{
	const struct func *f = e->sym;
	const char *vals[64], *frame, *ret_buf = NULL;

	if (!f)
		return gen_print(G, e);
	for (int i = 0; i < e->args.n && i < 64; i++) {
		struct expr *a = e->args.v[i];

		vals[i] = gen_expr(G, a);
		/* A later argument may call a function that reuses a
		 * buffer: keep each argument in a temporary of our own. */
		if (etype(a) == T_STRING) {
			const char *t = new_str(G);

			emit(G, "\tstp_strlcpy(%s, %s);\n", t, vals[i]);
			vals[i] = t;
		} else {
			vals[i] = hoist_long(G, vals[i]);
		}
	}
	near(G, e, fmt(G, "identifier '%s'", e->name));
	emit(G, "\tif (c->nesting + 1 > MAXNESTING) {\n"
	     "\t\tstp_error(c, \"MAXNESTING exceeded\");\n\t\tgoto %s;\n\t}\n",
	     G->err_label);
	/* The callee's frame is the next one up: fill in its parameters.
	 * A string result goes straight into a temporary of ours (the
	 * frame's ret_s points at it): no copy after the call. */
	frame = "callee";
	emit(G, "\t{\n\tstruct f%d_frame *callee = &((union stp_frame *)"
	     "c->locals)[c->nesting + 1].f%d;\n\n", f->id, f->id);
	if (f->ret == T_STRING) {
		ret_buf = new_str(G);
		emit(G, "\tcallee->ret_s = %s;\n", ret_buf);
	}
	emit(G, "\tf%d_init(callee);\n", f->id);
	for (int i = 0; i < e->args.n && i < 64; i++) {
		const struct symbol *p = f->params.v[i];

		if (p->type == T_STRING)
			emit(G, "\tstp_strlcpy(%s->p_%s, %s);\n", frame, p->name,
			     vals[i]);
		else
			emit(G, "\t%s->p_%s = %s;\n", frame, p->name, vals[i]);
	}
	emit(G, "\tc->nesting++;\n\tfn_%s_%d(c);\n\tc->nesting--;\n", f->name, f->id);
	check_error(G);
	if (f->ret == T_STRING) {
		emit(G, "\t}\n");
		return ret_buf;
	}
	if (f->ret == T_LONG) {
		const char *t = hoist_long(G, fmt(G, "%s->ret", frame));

		emit(G, "\t}\n");
		return t;
	}
	emit(G, "\t}\n");
	return "((int64_t)0)";
}

/* ---- statements ---- */

static void gen_stmt(struct gen *G, struct stmt *st);

static void count_action(struct gen *G, struct srcloc loc)
{
	line_directive(G, loc);
	emit(G, "\tif (--c->actionremaining < 0) {\n"
	     "\t\tc->last_stmt = %s;\n"
	     "\t\tstp_error(c, \"MAXACTION exceeded\");\n\t\tgoto %s;\n\t}\n",
	     c_string(G, fmt(G, "statement at %s:%d:%d",
			     loc.file ? loc.file->name : "<input>", loc.line,
			     loc.col)), G->err_label);
}

static void gen_foreach(struct gen *G, struct stmt *st)
{
	const char *it = fmt(G, "it%d", G->label++);
	const char *limit = st->limit ? gen_expr(G, st->limit) : "-1";
	int sort_key = 0, dir = st->value_sort;
	int agg = 0;

	if (st->hist) {
		const char *r = new_result(G), *i = fmt(G, "l->l_%s",
			((struct foreach_key *)st->keys.v[0])->name);

		stat_source(G, st->hist->a, r, 0);
		emit(G, "\tfor (%s = 0; %s < %s.nbuckets; %s++) {\n", i, i, r, i);
		gen_stmt(G, st->body);
		emit(G, "\t}\n");
		return;
	}
	for (int i = 0; i < st->keys.n; i++) {
		struct foreach_key *k = st->keys.v[i];

		if (k->sort) {
			sort_key = i + 1;
			dir = k->sort;
		}
	}
	switch (st->sort_agg) {
	case OP_COUNT: agg = 1; break;
	case OP_SUM: agg = 2; break;
	case OP_MIN: agg = 3; break;
	case OP_MAX: agg = 4; break;
	case OP_AVG: agg = 5; break;
	default: agg = st->value_sort ? 1 : 0; break;
	}
	{
		unsigned mask = 0;
		const char *slice = st->has_slice ? gen_keys(G, &st->slice, &mask)
						  : "NULL";
		const struct symbol *arr = st->e->sym;

		emit(G, "\t{\n\tstruct stp_map_iter %s;\n\n"
		     "\tstp_map_iter_start(&%s, g_%s, %d, %d, %d, %s, %s, %uu);\n"
		     "\twhile (stp_map_iter_next(&%s)) {\n",
		     it, it, arr->name, sort_key, dir, agg, limit, slice, mask, it);
		count_action(G, st->loc);
		for (int i = 0; i < st->keys.n; i++) {
			struct foreach_key *k = st->keys.v[i];

			if (arr->keys[i] == T_STRING)
				emit(G, "\tstp_strlcpy(l->l_%s, stp_map_iter_key_str(&%s, %d));\n",
				     k->name, it, i);
			else
				emit(G, "\tl->l_%s = stp_map_iter_key_long(&%s, %d);\n",
				     k->name, it, i);
		}
		if (st->value_var) {
			if (arr->type == T_STRING)
				emit(G, "\tstp_strlcpy(l->l_%s, stp_map_iter_value_str(&%s));\n",
				     st->value_var, it);
			else
				emit(G, "\tl->l_%s = stp_map_iter_value_long(&%s);\n",
				     st->value_var, it);
		}
		gen_stmt(G, st->body);
		emit(G, "\t}\n\t}\n");
	}
}

static void gen_delete(struct gen *G, struct expr *d)
{
	struct symbol *s = d->sym;

	if (d->kind == E_INDEX) {
		unsigned mask;
		const char *k = gen_keys(G, &d->args, &mask);

		if (mask)
			emit(G, "\tstp_map_delete_slice(g_%s, %s, %uu);\n", s->name, k,
			     mask);
		else
			emit(G, "\tstp_map_delete(g_%s, %s);\n", s->name, k);
		return;
	}
	if (s->nkeys > 0)
		emit(G, "\tstp_map_clear(g_%s);\n", s->name);
	else if (s->type == T_STATS)
		emit(G, "\tstp_stat_clear(g_%s);\n", s->name);
	else if (s->type == T_STRING)
		emit(G, "\t%s[0] = '\\0';\n", sym_ref(G, s));
	else
		emit(G, "\t%s = 0;\n", sym_ref(G, s));
}

static void gen_stmt(struct gen *G, struct stmt *st)
{
	if (!st)
		return;
	if (st->kind != S_BLOCK)
		count_action(G, st->loc);
	switch (st->kind) {
	case S_BLOCK:
		for (int i = 0; i < st->stmts.n; i++)
			gen_stmt(G, st->stmts.v[i]);
		break;
	case S_EXPR:
		gen_expr(G, st->e);
		break;
	case S_NULL:
		break;
	case S_IF:
		emit(G, "\tif (%s) {\n", gen_expr(G, st->e));
		gen_stmt(G, st->body);
		if (st->els) {
			emit(G, "\t} else {\n");
			gen_stmt(G, st->els);
		}
		emit(G, "\t}\n");
		break;
	case S_WHILE:
		emit(G, "\twhile (1) {\n");
		/* Each iteration counts, so even an empty loop ends. */
		count_action(G, st->loc);
		emit(G, "\tif (!(%s))\n\t\tbreak;\n", gen_expr(G, st->e));
		gen_stmt(G, st->body);
		emit(G, "\t}\n");
		break;
	case S_FOR:
		if (st->init)
			gen_expr(G, st->init);
		emit(G, "\tfor (;; ({ ");
		{
			/* The increment runs on continue too: a statement
			 * expression keeps its hoisted code in the loop head. */
			struct strbuf inc, *saved = G->out;

			sb_init(&inc);
			G->out = &inc;
			if (st->incr)
				gen_expr(G, st->incr);
			G->out = saved;
			sb_put(G->out, inc.buf ? inc.buf : "", inc.len);
			sb_free(&inc);
		}
		emit(G, " })) {\n");
		count_action(G, st->loc);
		if (st->e)
			emit(G, "\tif (!(%s))\n\t\tbreak;\n", gen_expr(G, st->e));
		gen_stmt(G, st->body);
		emit(G, "\t}\n");
		break;
	case S_FOREACH:
		gen_foreach(G, st);
		break;
	case S_BREAK:
		emit(G, "\tbreak;\n");
		break;
	case S_CONTINUE:
		emit(G, "\tcontinue;\n");
		break;
	case S_NEXT:
		emit(G, "\tgoto out;\n");
		break;
	case S_RETURN:
		if (st->e) {
			const char *v = gen_expr(G, st->e);

			if (G->fn->ret == T_STRING)
				emit(G, "\tstp_strlcpy(l->ret_s, %s);\n", v);
			else
				emit(G, "\tl->ret = %s;\n", v);
		}
		emit(G, "\tgoto out;\n");
		break;
	case S_DELETE:
		gen_delete(G, st->e);
		break;
	case S_TRY: {
		const char *saved = G->err_label;
		const char *catch_label = fmt(G, "catch%d", G->label++);
		const char *end_label = fmt(G, "endtry%d", G->label++);

		G->err_label = catch_label;
		emit(G, "\t{\n");
		gen_stmt(G, st->body);
		emit(G, "\t}\n\tgoto %s;\n%s:\n", end_label, catch_label);
		G->err_label = saved;
		/* Only script errors are caught; MAXACTION and the like too,
		 * as in SystemTap. */
		if (st->catch_var)
			emit(G, "\tstp_strlcpy(l->l_%s, c->error ? c->error : \"\");\n",
			     st->catch_var);
		emit(G, "\tc->error = NULL;\n");
		gen_stmt(G, st->els);
		emit(G, "%s:\n\t;\n", end_label);
		break;
	}
	}
	/* Everything that can fail checks right after itself; only embedded
	 * C expressions leave it to the end of the statement. */
	if (G->unchecked && st->kind != S_BLOCK) {
		check_error(G);
		G->unchecked = false;
	}
}

/* ---- frames ---- */

static void frame_member(struct strbuf *out, const char *prefix,
			 const struct symbol *s)
{
	if (s->type == T_STRING)
		sb_printf(out, "\tchar %s_%s[MAXSTRINGLEN];\n", prefix, s->name);
	else
		sb_printf(out, "\tint64_t %s_%s;\n", prefix, s->name);
}

static void frame_struct(struct strbuf *out, const char *name,
			 const struct ptrvec *params, const struct ptrvec *locals,
			 const struct frame_info *fi, enum val_type ret)
{
	sb_printf(out, "struct %s_frame {\n", name);
	for (int i = 0; params && i < params->n; i++)
		frame_member(out, "p", params->v[i]);
	for (int i = 0; i < locals->n; i++)
		frame_member(out, "l", locals->v[i]);
	if (ret == T_STRING)
		sb_puts(out, "\tchar *ret_s;\t/* the caller's buffer */\n");
	else
		sb_puts(out, "\tint64_t ret;\n");
	if (fi->nlong)
		sb_printf(out, "\tint64_t t[%d];\n", fi->nlong);
	if (fi->nstr)
		sb_printf(out, "\tchar sbuf[%d][MAXSTRINGLEN];\n", fi->nstr);
	for (int i = 0; i < fi->narrays; i++)
		sb_printf(out, fi->array_args[i] ? "\tstruct stp_arg a%d[%d];\n"
			  : "\tunion stp_key k%d[%d];\n", i, fi->array_len[i]);
	for (int i = 0; i < fi->nres; i++)
		sb_printf(out, "\tstruct stp_stat_result r%d;\n", i);
	sb_puts(out, "};\n");
	/* What a new frame needs: locals and the return value start as 0
	 * or "" (callers fill in the parameters; temporaries are always
	 * written before they are read).  Cheaper than zeroing it all. */
	sb_printf(out, "static inline void %s_init(struct %s_frame *f)\n{\n",
		  name, name);
	for (int i = 0; i < locals->n; i++) {
		const struct symbol *s = locals->v[i];

		if (s->type == T_STRING)
			sb_printf(out, "\tf->l_%s[0] = '\\0';\n", s->name);
		else
			sb_printf(out, "\tf->l_%s = 0;\n", s->name);
	}
	if (ret == T_STRING)
		sb_puts(out, "\tf->ret_s[0] = '\\0';\n");
	else if (params)
		sb_puts(out, "\tf->ret = 0;\n");
	else
		sb_puts(out, "\t(void)f;\n");
	sb_puts(out, "}\n");
}

static void gen_function(struct gen *G, const struct func *f, struct strbuf *frames,
			 struct strbuf *code)
{
	struct frame_info fi = { 0 };
	struct strbuf body;
	const char *name = fmt(G, "f%d", f->id);

	sb_init(&body);
	G->out = &body;
	G->fi = &fi;
	G->fn = f;
	G->err_label = "out";
	if (f->decl->code) {
		/* Embedded C: arguments and the return value by macro. */
		for (int i = 0; i < f->params.n; i++) {
			const struct symbol *p = f->params.v[i];

			emit(G, "#define STAP_ARG_%s (l->p_%s)\n", p->name, p->name);
		}
		if (f->ret == T_STRING)
			emit(G, "#define STAP_RETVALUE (l->ret_s)\n"
			     "#define STAP_RETURN(v) do { stp_strlcpy(l->ret_s, (v)); "
			     "goto out; } while (0)\n");
		else
			emit(G, "#define STAP_RETVALUE (l->ret)\n"
			     "#define STAP_RETURN(v) do { l->ret = (v); goto out; } "
			     "while (0)\n");
		/* --privilege=stapusr: a myproc-unprivileged function
		 * checks that it runs in the user's own process. */
		if (guru_stapusr(G->s) && strcmp(G->s->runtime, "user") &&
		    (guru_pragmas(f->decl->code) & GP_MYPROC))
			emit(G, "\tif (!stp_is_myproc()) {\n\t\tstp_error(c, "
			     "\"myproc-unprivileged tapset function called "
			     "without is_myproc checking for pid %%d (euid %%d)\", "
			     "(int)current->tgid, (int)from_kuid(&init_user_ns, "
			     "current_euid()));\n\t\tgoto out;\n\t}\n");
		/* The code starts on the line of its '%{'. */
		emit(G, "\t{\n");
		line_directive(G, f->decl->code_loc);
		/* kread()/kderef() (runtime/linux/memory.c) jump to
		 * deref_fault after a read fault: the function ends there. */
		emit(G, "%s\n\t}\n\tgoto out;\nderef_fault: __attribute__((unused));\n",
		     f->decl->code);
		for (int i = 0; i < f->params.n; i++)
			emit(G, "#undef STAP_ARG_%s\n",
			     ((const struct symbol *)f->params.v[i])->name);
		emit(G, "#undef STAP_RETVALUE\n#undef STAP_RETURN\n");
	} else {
		gen_stmt(G, f->body);
	}
	frame_struct(frames, name, &f->params, &f->locals, &fi, f->ret);
	sb_printf(code, "static void fn_%s_%d(struct stp_context *c)\n{\n"
		  "\tstruct %s_frame *l = &((union stp_frame *)c->locals)"
		  "[c->nesting].%s;\n\n", f->name, f->id, name, name);
	sb_put(code, body.buf ? body.buf : "", body.len);
	sb_puts(code, "\tgoto out;\nout:\n\t(void)l;\n}\n\n");
	sb_free(&body);
}

/* A .return probe's entry half: evaluates its @entry(...) operands into
 * the kretprobe instance's data (struct pN_entry), in the probe's own
 * frame type. */
static void gen_entry(struct gen *G, const struct rprobe *p, struct strbuf *frames,
		      struct strbuf *code)
{
	struct strbuf body;
	const char *name = fmt(G, "p%d", p->id);

	sb_printf(frames, "struct %s_entry {\n", name);
	for (int i = 0; i < p->entries.n; i++) {
		const struct expr *x = p->entries.v[i];

		if (x->type == T_STRING)
			sb_printf(frames, "\tchar e%d[MAXSTRINGLEN];\n", i);
		else
			sb_printf(frames, "\tint64_t e%d;\n", i);
	}
	sb_puts(frames, "};\n");
	sb_init(&body);
	G->out = &body;
	for (int i = 0; i < p->entries.n; i++) {
		struct expr *x = p->entries.v[i];
		const char *v = gen_expr(G, x);

		if (x->type == T_STRING)
			emit(G, "\tstp_strlcpy(d->e%d, %s);\n", i, v);
		else
			emit(G, "\td->e%d = %s;\n", i, v);
	}
	sb_printf(code, "static void probe_%d_entry(struct stp_context *c)\n{\n"
		  "\tstruct %s_frame *l = &((union stp_frame *)c->locals)[0].%s;\n"
		  "\tstruct %s_entry *d = c->entry_data;\n\n"
		  "\t%s_init(l);\n", p->id, name, name, name, name);
	sb_put(code, body.buf ? body.buf : "", body.len);
	sb_puts(code, "\tgoto out;\nout:\n\t(void)l;\n\t(void)d;\n}\n\n");
	sb_free(&body);
}

static void gen_probe(struct gen *G, const struct rprobe *p, struct strbuf *frames,
		      struct strbuf *code)
{
	struct frame_info fi = { 0 };
	struct strbuf body;
	const char *name = fmt(G, "p%d", p->id);

	G->fi = &fi;
	G->fn = NULL;
	G->err_label = "out";
	G->probe_id = p->id;
	if (p->entries.n)
		gen_entry(G, p, frames, code);
	sb_init(&body);
	G->out = &body;
	if (p->cond)
		emit(G, "\tif (!(%s))\n\t\tgoto out;\n", gen_expr(G, p->cond));
	gen_stmt(G, p->body);
	frame_struct(frames, name, NULL, &p->locals, &fi, T_LONG);
	sb_printf(code, "static void probe_%d(struct stp_context *c)\n{\n"
		  "\tstruct %s_frame *l = &((union stp_frame *)c->locals)[0].%s;\n\n"
		  "\t%s_init(l);\n", p->id, name, name, name);
	sb_put(code, body.buf ? body.buf : "", body.len);
	sb_puts(code, "\tgoto out;\nout:\n\t(void)l;\n}\n\n");
	sb_free(&body);
}

static void gen_globals(struct gen *G, struct strbuf *out)
{
	const struct program *P = G->p;

	for (int i = 0; i < P->globals.n; i++) {
		const struct symbol *g = P->globals.v[i];

		if (g->type == T_STATS)
			sb_printf(out, "static const struct stp_hist_spec hist_%s = "
				  "{ %s, %" PRId64 ", %" PRId64 ", %" PRId64 ", %d, %d };\n",
				  g->name, g->hist == OP_HIST_LINEAR ? "STP_HIST_LINEAR" :
				  g->hist == OP_HIST_LOG ? "STP_HIST_LOG" : "STP_HIST_NONE",
				  g->hist_args[0], g->hist_args[1], g->hist_args[2],
				  g->variance_shift, !g->has_variance_shift);
		if (g->nkeys > 0)
			sb_printf(out, "static struct stp_map *g_%s;\n", g->name);
		else if (g->type == T_STATS)
			sb_printf(out, "static struct stp_stat *g_%s;\n", g->name);
		else if (g->type == T_STRING)
			sb_printf(out, "static char g_%s[MAXSTRINGLEN];\n", g->name);
		else
			sb_printf(out, "static int64_t g_%s;\n", g->name);
	}
	/* -G NAME=VALUE may set the scalar ones: in the kernel they are
	 * module parameters. */
	for (int i = 0; i < P->globals.n; i++) {
		const struct symbol *g = P->globals.v[i];

		if (g->nkeys > 0 || g->type == T_STATS)
			continue;
		sb_printf(out, "STP_GLOBAL_PARAM_%s(%s);\n",
			  g->type == T_STRING ? "STRING" : "LONG", g->name);
	}
	sb_puts(out, "\nconst struct stp_global_param stp_global_params[] = {\n");
	{
		int n = 0;

		for (int i = 0; i < P->globals.n; i++) {
			const struct symbol *g = P->globals.v[i];

			if (g->nkeys > 0 || g->type == T_STATS)
				continue;
			if (g->type == T_STRING)
				sb_printf(out, "\t{ \"%s\", STP_STRING, NULL, g_%s },\n",
					  g->name, g->name);
			else
				sb_printf(out, "\t{ \"%s\", STP_LONG, &g_%s, NULL },\n",
					  g->name, g->name);
			n++;
		}
		if (!n)
			sb_puts(out, "\t{ NULL, STP_LONG, NULL, NULL },\n");
		sb_printf(out, "};\nconst int stp_nglobal_params = %d;\n", n);
	}
	sb_puts(out, "\nint stp_globals_init(void)\n{\n");
	for (int i = 0; i < P->globals.n; i++) {
		const struct symbol *g = P->globals.v[i];
		const struct decl *d = g->decl;

		if (g->nkeys > 0) {
			char kt[MAX_INDICES + 1];

			for (int k = 0; k < g->nkeys; k++)
				kt[k] = g->keys[k] == T_STRING ? 's' : 'l';
			kt[g->nkeys] = '\0';
			sb_printf(out, "\tg_%s = stp_map_new(\"%s\", %s, %d, %d, %s);\n"
				  "\tif (!g_%s)\n\t\treturn -1;\n", g->name, kt,
				  g->type == T_STRING ? "STP_STRING" :
				  g->type == T_STATS ? "STP_STATS" : "STP_LONG",
				  d ? d->size : 0, d && d->wrap,
				  g->type == T_STATS ? fmt(G, "&hist_%s", g->name) : "NULL",
				  g->name);
		} else if (g->type == T_STATS) {
			sb_printf(out, "\tg_%s = stp_stat_new(&hist_%s);\n"
				  "\tif (!g_%s)\n\t\treturn -1;\n", g->name, g->name,
				  g->name);
		} else if (d && d->init) {
			if (d->init->kind == E_STR)
				sb_printf(out, "\tstp_strlcpy(g_%s, \"%s\");\n", g->name,
					  d->init->str);
			else
				sb_printf(out, "\tg_%s = (int64_t)%" PRId64 "LL;\n",
					  g->name, d->init->num);
		}
	}
	sb_puts(out, "\treturn 0;\n}\n\nvoid stp_globals_free(void)\n{\n");
	for (int i = 0; i < P->globals.n; i++) {
		const struct symbol *g = P->globals.v[i];

		if (g->nkeys > 0)
			sb_printf(out, "\tstp_map_free(g_%s);\n", g->name);
		else if (g->type == T_STATS)
			sb_printf(out, "\tstp_stat_free(g_%s);\n", g->name);
	}
	sb_puts(out, "}\n\n");
}

static const char *const kind_names[] = {
	[PROV_BEGIN] = "STP_PROBE_BEGIN", [PROV_END] = "STP_PROBE_END",
	[PROV_ERROR] = "STP_PROBE_ERROR", [PROV_NEVER] = "STP_PROBE_NEVER",
	[PROV_TIMER] = "STP_PROBE_TIMER", [PROV_KPROBE] = "STP_PROBE_KPROBE",
	[PROV_PROFILE] = "STP_PROBE_PROFILE", [PROV_UPROBE] = "STP_PROBE_UPROBE",
	[PROV_TRACE] = "STP_PROBE_TRACE", [PROV_PROCFS] = "STP_PROBE_PROCFS",
	[PROV_PROCEVENT] = "STP_PROBE_PROCEVENT",
};

/* Which entries of stp_probes get their own kprobe pre-handler, with the
 * dispatcher inlined (STP_KPROBE_FAST, kernel runtime): function entry
 * probes without @entry halves.  Indexed like stp_probes; *n entries. */
static bool *fast_kprobes(struct gen *G, const struct program *P, int *n)
{
	bool kernel = strcmp(G->s->runtime, "user") != 0;
	bool *fast;
	int k = 0;

	*n = 0;
	for (int i = 0; i < P->probes.n; i++)
		*n += ((const struct rprobe *)P->probes.v[i])->targets.n;
	fast = arena_alloc(G->a, (size_t)*n + 1);
	for (int i = 0; i < P->probes.n; i++) {
		const struct rprobe *p = P->probes.v[i];

		for (int j = 0; j < p->targets.n; j++, k++) {
			const struct probe_target *t = p->targets.v[j];

			fast[k] = kernel && t->kind == PROV_KPROBE &&
				  !t->is_return && !p->entries.n;
		}
	}
	return fast;
}

void translate(struct session *s, const struct program *P, const char *script_name,
	       FILE *out)
{
	struct gen G;
	struct strbuf frames, code, globals, tvtypes;
	int ntargets = 0, nfast;
	struct ptrvec *locks;
	bool *fast;

	memset(&G, 0, sizeof(G));
	G.a = &s->arena;
	G.s = s;
	G.p = P;
	sb_init(&frames);
	sb_init(&code);
	sb_init(&globals);
	sb_init(&tvtypes);
	G.tvtypes = &tvtypes;
	fprintf(out, "/* Generated by stap from %s.  Do not edit. */\n", script_name);
	if (!strcmp(s->runtime, "user"))
		fputs("#define STP_RUNTIME_USER 1\n#define STP_RUNTIME_MAIN 1\n", out);
	else
		fputs("#define STP_RUNTIME_KERNEL 1\n", out);
	for (int i = 0; i < s->macros.n; i++) {
		const char *m = s->macros.v[i], *eq = strchr(m, '=');

		if (eq)
			fprintf(out, "#define %.*s %s\n", (int)(eq - m), m, eq + 1);
		else
			fprintf(out, "#define %s 1\n", m);
	}
	fputs("#include \"stp_runtime.c\"\n#include \"arith.h\"\n\n/* What embedded C calls the probe context. */\n"
	      "#define CONTEXT c\n\n", out);
	for (int i = 0; i < P->embedded.n; i++) {
		const struct decl *d = P->embedded.v[i];

		fprintf(out, "#line %d %s\n%s\n", d->code_loc.line,
			c_string(&G, d->code_loc.file ? d->code_loc.file->name : "<input>"),
			d->code);
	}
	gen_globals(&G, &globals);
	for (int i = 0; i < P->funcs.n; i++) {
		const struct func *f = P->funcs.v[i];

		sb_printf(&frames, "static void fn_%s_%d(struct stp_context *c);\n",
			  f->name, f->id);
	}
	for (int i = 0; i < P->funcs.n; i++)
		gen_function(&G, P->funcs.v[i], &frames, &code);
	for (int i = 0; i < P->probes.n; i++)
		gen_probe(&G, P->probes.v[i], &frames, &code);
	fputs(sb_cstr(&globals), out);
	fputs(sb_cstr(&frames), out);
	fputs("\nunion stp_frame {\n\tint64_t unused;\n", out);
	for (int i = 0; i < P->funcs.n; i++)
		fprintf(out, "\tstruct f%d_frame f%d;\n", i, i);
	for (int i = 0; i < P->probes.n; i++)
		fprintf(out, "\tstruct p%d_frame p%d;\n", i, i);
	fputs("};\n\nconst size_t stp_locals_size = sizeof(union stp_frame) * "
	      "(MAXNESTING + 1);\n\n", out);
	fputs(sb_cstr(&tvtypes), out);
	fputs(sb_cstr(&code), out);
	/* Each global's lock, and the ones each probe takes (locks.c). */
	locks = compute_locks(&s->arena, P);
	for (int i = 0; i < P->globals.n; i++)
		fprintf(out, "STP_RWLOCK_DEFINE(glock_%s);\n",
			((const struct symbol *)P->globals.v[i])->name);
	for (int i = 0; i < P->probes.n; i++) {
		if (!locks[i].n)
			continue;
		fprintf(out, "static const struct stp_lock probe_%d_locks[] = {\n",
			((const struct rprobe *)P->probes.v[i])->id);
		for (int j = 0; j < locks[i].n; j++) {
			const struct lock_use *u = locks[i].v[j];

			fprintf(out, "\t{ &glock_%s, %d },\n", u->global->name,
				u->write);
		}
		fputs("};\n", out);
	}
	fputs("\n", out);
	fast = fast_kprobes(&G, P, &nfast);
	for (int i = 0; i < nfast; i++)
		if (fast[i])
			fprintf(out, "STP_KPROBE_FAST_DECL(%d);\n", i);
	fputs("const struct stp_probe stp_probes[] = {\n", out);
	for (int i = 0; i < P->probes.n; i++) {
		const struct rprobe *p = P->probes.v[i];

		for (int j = 0; j < p->targets.n; j++) {
			const struct probe_target *t = p->targets.v[j];

			fprintf(out, "\t{ .kind = %s, .pp = %s, .priority = %" PRId64
				", .period_ns = %" PRId64 ", .randomize_ns = %" PRId64
				", .jiffies = %d, .handler = probe_%d", kind_names[t->kind],
				c_string(&G, t->pp), t->priority, t->period_ns,
				t->randomize_ns, t->jiffies, p->id);
			if (t->symbol)
				fprintf(out, ", .symbol = %s", c_string(&G, t->symbol));
			if (t->module)
				fprintf(out, ", .module = %s", c_string(&G, t->module));
			if (t->kind == PROV_KPROBE && t->offset)
				fprintf(out, ", .offset = %" PRId64, t->offset);
			if (t->path)
				fprintf(out, ", .path = %s, .offset = %" PRId64,
					c_string(&G, t->path), t->offset);
			if (t->usdt && t->usdt->sem_offset)
				fprintf(out, ", .ref_ctr_offset = %" PRId64,
					t->usdt->sem_offset);
			if (t->is_return)
				fputs(", .is_return = 1", out);
			if (t->optional)
				fputs(", .optional = 1", out);
			if (locks[i].n)
				fprintf(out, ", .locks = probe_%d_locks, .nlocks = %d",
					p->id, locks[i].n);
			if (p->entries.n)
				fprintf(out, ", .entry_handler = probe_%d_entry, "
					".entry_size = sizeof(struct p%d_entry)",
					p->id, p->id);
			if (fast[ntargets])
				fprintf(out, ", .kprobe_pre = stp_kprobe_pre_%d%s", ntargets,
					probe_is_quiet(p) ? ", .quiet = 1" : "");
			fputs(" },\n", out);
			ntargets++;
		}
	}
	fprintf(out, "};\nconst int stp_nprobes = %d;\n", ntargets);
	if (strcmp(s->runtime, "user")) {
		gen_tracepoints(out, P);
		gen_procfs(out, P);
		gen_procevents(out, P);
		gen_usyms(out, s, P);
	}
	for (int i = 0; i < nfast; i++)
		if (fast[i])
			fprintf(out, "STP_KPROBE_FAST(%d)\n", i);
	sb_free(&frames);
	sb_free(&code);
	sb_free(&globals);
	sb_free(&tvtypes);
}
