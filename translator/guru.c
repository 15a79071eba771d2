/* guru.c - embedded-C pragmas, the probe points an unprivileged script may
 * use, and the optimisations pure and stable functions allow (guru.h). */
#include <ctype.h>
#include <string.h>

#include "guru.h"

unsigned guru_pragmas(const char *code)
{
	static const struct { const char *word; unsigned flag; } words[] = {
		{ "pure", GP_PURE }, { "stable", GP_STABLE },
		{ "unprivileged", GP_UNPRIV },
		{ "myproc-unprivileged", GP_MYPROC }, { "guru", GP_GURU },
	};
	unsigned flags = 0;
	const char *p = code;

	while (p && (p = strstr(p, "/*"))) {
		const char *b = p + 2, *e = strstr(b, "*/");

		if (!e)
			break;
		while (b < e && isspace((unsigned char)*b))
			b++;
		for (const char *t = e; t > b && isspace((unsigned char)t[-1]); )
			e = --t;
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if ((size_t)(e - b) == strlen(words[i].word) &&
			    !strncmp(b, words[i].word, (size_t)(e - b)))
				flags |= words[i].flag;
		p = strstr(b, "*/") + 2;
	}
	return flags;
}

bool guru_stapusr(const struct session *s)
{
	return s->privilege && !strcmp(s->privilege, "stapusr");
}

/* SystemTap lets stapusr use begin/end/error/never and timers, and process
 * probes filtered to the user's own processes; the uprobes here are not
 * filtered that way, so they stay refused. */
bool guru_probe_unprivileged(const struct probe_target *t)
{
	switch (t->kind) {
	case PROV_BEGIN: case PROV_END: case PROV_ERROR: case PROV_NEVER:
	case PROV_TIMER:
		return true;
	default:
		return false;
	}
}

/* ---- optimisations ---- */

struct opt {
	struct arena *a;
	struct rprobe *probe;
	struct ptrvec hoisted;		/* struct stmt *: __stable_X = X() */
};

static unsigned func_pragmas(const struct expr *e)
{
	const struct func *f = e->kind == E_CALL ? e->sym : NULL;

	return f && f->decl->code ? guru_pragmas(f->decl->code) : 0;
}

/* The local that holds a stable function's value for this hit; the first
 * time, the call that fills it is queued for the start of the handler. */
static struct symbol *stable_local(struct opt *O, struct expr *call)
{
	const struct func *f = call->sym;
	const char *name = arena_printf(O->a, "__stable_%s", f->name);
	struct symbol *s;
	struct stmt *st;
	struct expr *lhs, *asg;

	for (int i = 0; i < O->probe->locals.n; i++) {
		s = O->probe->locals.v[i];
		if (!strcmp(s->name, name))
			return s;
	}
	s = arena_alloc(O->a, sizeof(*s));
	s->name = name;
	s->kind = SYM_LOCAL;
	s->type = f->ret;
	s->loc = call->loc;
	s->read = s->written = s->used = true;
	pv_push(O->a, &O->probe->locals, s);
	lhs = arena_alloc(O->a, sizeof(*lhs));
	lhs->kind = E_SYM;
	lhs->name = name;
	lhs->loc = call->loc;
	lhs->type = f->ret;
	lhs->sym = s;
	asg = arena_alloc(O->a, sizeof(*asg));
	asg->kind = E_ASSIGN;
	asg->op = OP_ASSIGN;
	asg->loc = call->loc;
	asg->type = f->ret;
	asg->a = lhs;
	asg->b = arena_alloc(O->a, sizeof(*asg->b));
	*asg->b = *call;
	st = arena_alloc(O->a, sizeof(*st));
	st->kind = S_EXPR;
	st->loc = call->loc;
	st->e = asg;
	pv_push(O->a, &O->hoisted, st);
	return s;
}

static void opt_expr(struct opt *O, struct expr *e)
{
	if (!e)
		return;
	if (O->probe && e->kind == E_CALL && e->args.n == 0 &&
	    (func_pragmas(e) & GP_STABLE) &&
	    ((const struct func *)e->sym)->ret != T_UNKNOWN &&
	    ((const struct func *)e->sym)->ret != T_STATS) {
		struct symbol *s = stable_local(O, e);
		int type = e->type;
		struct srcloc loc = e->loc;

		memset(e, 0, sizeof(*e));
		e->kind = E_SYM;
		e->name = s->name;
		e->loc = loc;
		e->type = type;
		e->sym = s;
		return;
	}
	opt_expr(O, e->a);
	opt_expr(O, e->b);
	opt_expr(O, e->c);
	for (int i = 0; i < e->args.n; i++)
		opt_expr(O, e->args.v[i]);
	for (int i = 0; i < e->comps.n; i++)
		opt_expr(O, ((struct target_comp *)e->comps.v[i])->index);
}

static bool plain(const struct expr *e)
{
	return e->kind == E_NUM || e->kind == E_STR || e->kind == E_SYM;
}

static void opt_stmt(struct opt *O, struct stmt *st)
{
	if (!st)
		return;
	if (st->kind == S_EXPR && (func_pragmas(st->e) & GP_PURE)) {
		bool drop = true;

		for (int i = 0; i < st->e->args.n; i++)
			drop = drop && plain(st->e->args.v[i]);
		if (drop) {
			st->kind = S_NULL;
			st->e = NULL;
			return;
		}
	}
	opt_expr(O, st->e);
	opt_expr(O, st->init);
	opt_expr(O, st->incr);
	opt_expr(O, st->limit);
	opt_expr(O, st->hist);
	for (int i = 0; i < st->slice.n; i++)
		opt_expr(O, st->slice.v[i]);
	opt_stmt(O, st->body);
	opt_stmt(O, st->els);
	for (int i = 0; i < st->stmts.n; i++)
		opt_stmt(O, st->stmts.v[i]);
}

void guru_optimize(struct arena *a, struct program *p)
{
	for (int i = 0; i < p->probes.n; i++) {
		struct opt O = { a, p->probes.v[i], { 0 } };
		struct stmt *blk;

		opt_stmt(&O, O.probe->body);
		if (!O.hoisted.n)
			continue;
		blk = arena_alloc(a, sizeof(*blk));
		blk->kind = S_BLOCK;
		blk->loc = O.probe->body ? O.probe->body->loc : O.probe->loc;
		for (int j = 0; j < O.hoisted.n; j++)
			pv_push(a, &blk->stmts, O.hoisted.v[j]);
		if (O.probe->body)
			pv_push(a, &blk->stmts, O.probe->body);
		O.probe->body = blk;
	}
	/* Functions written in the script language: only pure calls. */
	for (int i = 0; i < p->funcs.n; i++) {
		struct func *f = p->funcs.v[i];
		struct opt O = { a, NULL, { 0 } };

		if (!f->decl->code)
			opt_stmt(&O, f->body);
	}
}

const char *guru_target_unwritable(const struct tv_access *acc)
{
	switch (acc->final) {
	case TVF_READ:
		if (acc->bit_size)
			return "writing a bitfield is not supported";
		if (acc->size != 1 && acc->size != 2 && acc->size != 4 &&
		    acc->size != 8)
			return "only values of 1, 2, 4 or 8 bytes can be written";
		return NULL;
	case TVF_VALUE:
		if (acc->steps.n)
			return "an address is not something to assign to";
		if (acc->base == TVB_ARG || acc->base == TVB_RETURN ||
		    (acc->base == TVB_LOC && acc->reg >= 0))
			return NULL;
		if (acc->base == TVB_LOC)
			return "a constant location (DW_OP_lit/implicit value) "
			       "cannot be written";
		return "this target variable cannot be written";
	case TVF_CHARS:
		return "a char array cannot be assigned (write its elements "
		       "one by one)";
	default:
		return "a pretty-printed target variable cannot be assigned";
	}
}
