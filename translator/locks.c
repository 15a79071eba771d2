/* locks.c - which globals each probe locks, and how.
 *
 * In the kernel, handlers run on several CPUs at once.  A probe takes the
 * locks of every global its condition, body and called functions use
 * before its handler runs, and drops them after: a write lock for a
 * global it modifies, or whose statistics it extracts (that sums the
 * per-CPU parts), a read lock otherwise, and for a scalar <<< (which adds
 * to this CPU's part only).  Every probe takes its locks in the same
 * order, by position in the program's global list, so two probes cannot
 * wait for each other.  Part of pass 3; the user runtime has one thread
 * and ignores the list. */
#include <stdlib.h>
#include <string.h>

#include "guru.h"
#include "translate.h"

enum { MODE_NONE, MODE_READ, MODE_WRITE };

struct lock_walk {
	const struct program *P;
	unsigned char *modes;		/* one per global, indexed like P->globals */
	unsigned char **fn_modes;	/* one array per function, by f->id */
};

static int global_index(const struct program *P, const void *sym)
{
	const struct symbol *s = sym;

	if (!s || s->kind != SYM_GLOBAL)
		return -1;
	for (int i = 0; i < P->globals.n; i++)
		if (P->globals.v[i] == s)
			return i;
	return -1;
}

static void use(struct lock_walk *w, const void *sym, int mode)
{
	int i = global_index(w->P, sym);

	if (i >= 0 && w->modes[i] < mode)
		w->modes[i] = (unsigned char)mode;
}

static void walk_expr(struct lock_walk *w, const struct expr *e);

static void walk_args(struct lock_walk *w, const struct ptrvec *args)
{
	for (int i = 0; i < args->n; i++)
		walk_expr(w, args->v[i]);
}

/* The global that statistics operator e reads (its operand a variable or
 * an element of an array). */
static void stats_read(struct lock_walk *w, const struct expr *src)
{
	if (src && (src->kind == E_SYM || src->kind == E_INDEX))
		use(w, src->sym, MODE_WRITE);
}

static void walk_expr(struct lock_walk *w, const struct expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case E_SYM: case E_INDEX: case E_IN:
		use(w, e->sym, MODE_READ);
		break;
	case E_ASSIGN:
		use(w, e->a->sym, MODE_WRITE);
		break;
	case E_UNARY: case E_POSTFIX:
		if (e->op == OP_INC || e->op == OP_DEC)
			use(w, e->a->sym, MODE_WRITE);
		break;
	case E_STATS_ADD:
		use(w, e->a->sym, e->a->kind == E_INDEX ? MODE_WRITE : MODE_READ);
		break;
	case E_STATOP: case E_HIST:
		stats_read(w, e->a);
		break;
	case E_CALL:
		if (e->sym) {
			const struct func *f = e->sym;
			const unsigned char *fm = w->fn_modes[f->id];

			for (int i = 0; fm && i < w->P->globals.n; i++)
				if (w->modes[i] < fm[i])
					w->modes[i] = fm[i];
		}
		break;
	default:
		break;
	}
	walk_expr(w, e->a);
	walk_expr(w, e->b);
	walk_expr(w, e->c);
	walk_args(w, &e->args);
}

static void walk_stmt(struct lock_walk *w, const struct stmt *st)
{
	if (!st)
		return;
	if (st->kind == S_DELETE && st->e)
		use(w, st->e->sym, MODE_WRITE);
	if (st->kind == S_FOREACH) {
		if (st->hist)
			stats_read(w, st->hist->a);
		else if (st->e) {
			const struct symbol *arr = st->e->sym;

			/* Sorting a statistics array by value aggregates it. */
			use(w, arr, arr && arr->type == T_STATS ? MODE_WRITE
								 : MODE_READ);
		}
	}
	walk_expr(w, st->e);
	walk_expr(w, st->init);
	walk_expr(w, st->incr);
	walk_expr(w, st->limit);
	walk_args(w, &st->slice);
	walk_stmt(w, st->body);
	walk_stmt(w, st->els);
	for (int i = 0; i < st->stmts.n; i++)
		walk_stmt(w, st->stmts.v[i]);
}

struct ptrvec *compute_locks(struct arena *a, const struct program *P)
{
	struct ptrvec *out = arena_alloc(a, sizeof(*out) * (size_t)(P->probes.n + 1));
	int nf = 0, ng = P->globals.n;
	struct lock_walk w = { P, NULL, NULL };
	unsigned char *before;
	bool changed = true;

	for (int i = 0; i < P->funcs.n; i++) {
		const struct func *f = P->funcs.v[i];

		nf = f->id + 1 > nf ? f->id + 1 : nf;
	}
	w.fn_modes = arena_alloc(a, sizeof(*w.fn_modes) * (size_t)(nf + 1));
	for (int i = 0; i < P->funcs.n; i++) {
		const struct func *f = P->funcs.v[i];

		w.fn_modes[f->id] = arena_alloc(a, (size_t)ng + 1);
	}
	before = arena_alloc(a, (size_t)ng + 1);
	/* A function's uses include its callees': repeat until nothing
	 * grows (recursion makes this a fixed point, not one pass). */
	for (int round = 0; changed && round <= P->funcs.n + 1; round++) {
		changed = false;
		for (int i = 0; i < P->funcs.n; i++) {
			const struct func *f = P->funcs.v[i];

			memcpy(before, w.fn_modes[f->id], (size_t)ng + 1);
			w.modes = w.fn_modes[f->id];
			walk_stmt(&w, f->body);
			changed |= memcmp(before, w.modes, (size_t)ng + 1) != 0;
		}
	}
	for (int i = 0; i < P->probes.n; i++) {
		const struct rprobe *p = P->probes.v[i];

		w.modes = arena_alloc(a, (size_t)ng + 1);
		walk_expr(&w, p->cond);
		walk_stmt(&w, p->body);
		for (int g = 0; g < ng; g++) {
			struct lock_use *u;

			if (!w.modes[g])
				continue;
			u = arena_alloc(a, sizeof(*u));
			u->global = P->globals.v[g];
			u->write = w.modes[g] == MODE_WRITE;
			pv_push(a, &out[i], u);
		}
	}
	return out;
}

/* ---- quiet probes ----
 * The kernel's per-probe dispatcher (STP_KPROBE_FAST) skips the output
 * flush, the end-of-session check, pp(), the registers and the run count
 * for a handler that can neither print, call exit(), read target
 * variables nor iterate (foreach); an error still takes the full path. */
/* A call to a pure embedded-C function whose body never names the probe
 * context (CONTEXT, c->) cannot print, exit or read registers: execname()
 * keeps a handler quiet. */
static bool call_is_quiet(const struct expr *e)
{
	const struct func *f = e->sym;
	const char *code;

	if (!f || !f->decl || !(code = f->decl->code))
		return false;
	return (guru_pragmas(code) & GP_PURE) && !strstr(code, "CONTEXT") &&
	       !strstr(code, "c->");
}

static bool expr_calls(const struct expr *e)
{
	if (!e)
		return false;
	/* a call, or a read of the probed point's registers and memory */
	if ((e->kind == E_CALL && !call_is_quiet(e)) || e->kind == E_EMBEDDED ||
	    e->kind == E_TARGET ||
	    e->kind == E_CAST || e->kind == E_ATVAR || e->kind == E_ENTRY)
		return true;
	if (expr_calls(e->a) || expr_calls(e->b) || expr_calls(e->c))
		return true;
	for (int i = 0; i < e->args.n; i++)
		if (expr_calls(e->args.v[i]))
			return true;
	return false;
}

static bool stmt_calls(const struct stmt *st)
{
	if (!st)
		return false;
	if (st->kind == S_FOREACH)	/* holds one of the map's slots */
		return true;
	if (expr_calls(st->e) || expr_calls(st->init) || expr_calls(st->incr) ||
	    expr_calls(st->limit) || stmt_calls(st->body) || stmt_calls(st->els))
		return true;
	for (int i = 0; i < st->slice.n; i++)
		if (expr_calls(st->slice.v[i]))
			return true;
	for (int i = 0; i < st->stmts.n; i++)
		if (stmt_calls(st->stmts.v[i]))
			return true;
	return false;
}

bool probe_is_quiet(const struct rprobe *p)
{
	return !expr_calls(p->cond) && !stmt_calls(p->body);
}
