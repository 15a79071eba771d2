/* ast.c - AST node constructors and a generic walker. */
#include "ast.h"
#include "parse_int.h"

struct expr *expr_new(struct parser *P, enum expr_kind kind, struct srcloc loc)
{
	struct expr *e = arena_alloc(P->arena, sizeof(*e));

	e->kind = kind;
	e->loc = loc;
	return e;
}

struct stmt *stmt_new(struct parser *P, enum stmt_kind kind, struct srcloc loc)
{
	struct stmt *s = arena_alloc(P->arena, sizeof(*s));

	s->kind = kind;
	s->loc = loc;
	return s;
}

struct decl *decl_new(struct parser *P, enum decl_kind kind, struct srcloc loc)
{
	struct decl *d = arena_alloc(P->arena, sizeof(*d));

	d->kind = kind;
	d->loc = loc;
	return d;
}

const char *op_str(enum op op)
{
	static const char *const names[OP__LAST] = {
		[OP_NONE] = "",
		[OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/",
		[OP_MOD] = "%", [OP_SHL] = "<<", [OP_SHR] = ">>",
		[OP_BAND] = "&", [OP_BOR] = "|", [OP_BXOR] = "^",
		[OP_LAND] = "&&", [OP_LOR] = "||", [OP_CONCAT] = ".",
		[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_GT] = ">",
		[OP_LE] = "<=", [OP_GE] = ">=", [OP_MATCH] = "=~",
		[OP_NMATCH] = "!~",
		[OP_NOT] = "!", [OP_BNOT] = "~", [OP_NEG] = "-", [OP_PLUS] = "+",
		[OP_ADDR] = "&", [OP_INC] = "++", [OP_DEC] = "--",
		[OP_ASSIGN] = "=", [OP_ADD_ASSIGN] = "+=", [OP_SUB_ASSIGN] = "-=",
		[OP_MUL_ASSIGN] = "*=", [OP_DIV_ASSIGN] = "/=",
		[OP_MOD_ASSIGN] = "%=", [OP_SHL_ASSIGN] = "<<=",
		[OP_SHR_ASSIGN] = ">>=", [OP_AND_ASSIGN] = "&=",
		[OP_XOR_ASSIGN] = "^=", [OP_OR_ASSIGN] = "|=",
		[OP_CONCAT_ASSIGN] = ".=",
		[OP_COUNT] = "@count", [OP_SUM] = "@sum", [OP_MIN] = "@min",
		[OP_MAX] = "@max", [OP_AVG] = "@avg", [OP_VARIANCE] = "@variance",
		[OP_HIST_LINEAR] = "@hist_linear", [OP_HIST_LOG] = "@hist_log",
	};

	return op < OP__LAST && names[op] ? names[op] : "?";
}

struct walk {
	void (*fn)(struct expr *e, void *data);
	void *data;
};

static void walk_expr(struct walk *w, struct expr *e)
{
	if (!e)
		return;
	w->fn(e, w->data);
	walk_expr(w, e->a);
	walk_expr(w, e->b);
	walk_expr(w, e->c);
	for (int i = 0; i < e->args.n; i++)
		walk_expr(w, e->args.v[i]);
	for (int i = 0; i < e->comps.n; i++) {
		struct target_comp *c = e->comps.v[i];

		walk_expr(w, c->index);
	}
}

static void walk_stmt(struct walk *w, struct stmt *s)
{
	if (!s)
		return;
	walk_expr(w, s->e);
	walk_expr(w, s->init);
	walk_expr(w, s->incr);
	walk_expr(w, s->limit);
	walk_expr(w, s->hist);
	for (int i = 0; i < s->slice.n; i++)
		walk_expr(w, s->slice.v[i]);
	walk_stmt(w, s->body);
	walk_stmt(w, s->els);
	for (int i = 0; i < s->stmts.n; i++)
		walk_stmt(w, s->stmts.v[i]);
}

static void walk_points(struct walk *w, struct ptrvec *pv)
{
	for (int i = 0; i < pv->n; i++) {
		struct probe_point *pp = pv->v[i];

		for (int j = 0; j < pp->comps.n; j++) {
			struct pp_comp *c = pp->comps.v[j];

			walk_expr(w, c->arg);
		}
		walk_expr(w, pp->cond);
	}
}

void ast_walk(struct script *s, void (*fn)(struct expr *e, void *data),
	      void *data)
{
	struct walk w = { fn, data };

	for (int i = 0; i < s->decls.n; i++) {
		struct decl *d = s->decls.v[i];

		walk_points(&w, &d->points);
		walk_points(&w, &d->names);
		walk_stmt(&w, d->body);
		walk_stmt(&w, d->body2);
		walk_expr(&w, d->init);
	}
}

/* Deep copies, so that one alias body can be merged into several probes
 * and each copy resolved against its own locals. */
static struct ptrvec clone_exprs(struct arena *a, const struct ptrvec *pv)
{
	struct ptrvec out = { 0 };

	for (int i = 0; i < pv->n; i++)
		pv_push(a, &out, ast_clone_expr(a, pv->v[i]));
	return out;
}

struct expr *ast_clone_expr(struct arena *a, const struct expr *e)
{
	struct expr *c;

	if (!e)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	*c = *e;
	c->sym = NULL;
	c->tv = NULL;
	c->a = ast_clone_expr(a, e->a);
	c->b = ast_clone_expr(a, e->b);
	c->c = ast_clone_expr(a, e->c);
	c->args = clone_exprs(a, &e->args);
	c->comps = (struct ptrvec){ 0 };
	for (int i = 0; i < e->comps.n; i++) {
		struct target_comp *tc = arena_alloc(a, sizeof(*tc));

		*tc = *(struct target_comp *)e->comps.v[i];
		tc->index = ast_clone_expr(a, tc->index);
		pv_push(a, &c->comps, tc);
	}
	return c;
}

struct stmt *ast_clone_stmt(struct arena *a, const struct stmt *s)
{
	struct stmt *c;

	if (!s)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	*c = *s;
	c->e = ast_clone_expr(a, s->e);
	c->init = ast_clone_expr(a, s->init);
	c->incr = ast_clone_expr(a, s->incr);
	c->limit = ast_clone_expr(a, s->limit);
	c->hist = ast_clone_expr(a, s->hist);
	c->body = ast_clone_stmt(a, s->body);
	c->els = ast_clone_stmt(a, s->els);
	c->slice = clone_exprs(a, &s->slice);
	c->stmts = (struct ptrvec){ 0 };
	for (int i = 0; i < s->stmts.n; i++)
		pv_push(a, &c->stmts, ast_clone_stmt(a, s->stmts.v[i]));
	return c;
}
