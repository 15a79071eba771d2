/* elaborate.c - pass 2: resolve, expand, type, prune.
 *
 * 1. Declarations of the user script and of the library are collected:
 *    functions by name and arity, globals, probe aliases.
 * 2. Each user probe point is expanded through aliases (prologue and
 *    epilogue bodies merged around the probe body) and matched against the
 *    probe-point providers (probes.c).
 * 3. Every identifier is resolved to a local, parameter, global or function,
 *    starting from the probes, so only reachable functions are kept.
 * 4. Types are inferred to a fixed point, then checked once with errors.
 * 5. Unused globals and functions are dropped with a warning unless -u. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guru.h"
#include "procfs.h"
#include "usdt.h"
#include "parse_int.h"
#include "probes.h"
#include "sema.h"
#include "targets.h"

struct elab {
	struct session *s;
	struct arena *a;
	struct program *prog;
	int nerrors, nwarnings;
	bool report;			/* final typing pass: report conflicts */
	bool changed;			/* a typing pass inferred something */
	struct ptrvec globals;		/* struct symbol * (all declared) */
	struct ptrvec funcs;		/* struct func * (all defined) */
	struct ptrvec aliases;		/* const struct decl * */
	struct ptrvec scripts;		/* struct script *: user first */
	struct ptrvec *other;		/* the other runtime's library */
	struct ptrvec reported;		/* "file:line:col: message", once each */
	/* the body being resolved */
	struct ptrvec *locals;
	struct func *fn;		/* NULL in a probe */
	const struct probe_target *target;	/* the probe's, for $vars */
	struct rprobe *probe;		/* the probe being resolved */
	bool at_entry;			/* inside @entry(...) */
	int loop_depth;
	bool readonly;
};

/* ---- diagnostics ---- */

static void describe(char *buf, size_t n, const struct expr *e)
{
	switch (e->kind) {
	case E_NUM:
		snprintf(buf, n, "number '%lld'", (long long)e->num);
		break;
	case E_STR:
		snprintf(buf, n, "string '%.40s'", e->str);
		break;
	case E_SYM: case E_INDEX: case E_CALL: case E_IN:
		snprintf(buf, n, "identifier '%s'", e->name);
		break;
	case E_ATVAR:
		snprintf(buf, n, "operator '@var'");
		break;
	case E_TARGET:
		if (e->str2)	/* @var("NAME"), resolved as $NAME */
			snprintf(buf, n, "operator '@var'");
		else
			snprintf(buf, n, "target variable '%s'", e->name);
		break;
	case E_BINARY: case E_UNARY: case E_POSTFIX: case E_ASSIGN:
		snprintf(buf, n, "operator '%s'", op_str(e->op));
		break;
	case E_STATS_ADD:
		snprintf(buf, n, "operator '<<<'");
		break;
	case E_TERNARY:
		snprintf(buf, n, "operator '?'");
		break;
	case E_STATOP: case E_HIST:
		snprintf(buf, n, "operator '%s'", op_str(e->op));
		break;
	default:
		snprintf(buf, n, "expression");
		break;
	}
}

/* Prints a diagnostic unless the same one was printed already (typing
 * looks at some expressions more than once); returns whether it did. */
static bool vmessage(struct elab *E, const char *kind, struct srcloc loc,
		     const char *what, const char *fmt, va_list ap)
{
	struct strbuf sb;
	const char *key;

	sb_init(&sb);
	sb_vprintf(&sb, fmt, ap);
	key = arena_printf(E->a, "%s:%d:%d: %s%s%s", loc.file ? loc.file->name : "",
			   loc.line, loc.col, sb_cstr(&sb), what ? ": " : "",
			   what ? what : "");
	for (int i = 0; i < E->reported.n; i++)
		if (!strcmp(E->reported.v[i], key)) {
			sb_free(&sb);
			return false;
		}
	pv_push(E->a, &E->reported, (void *)key);
	fprintf(stderr, "%s: %s", kind, sb_cstr(&sb));
	sb_free(&sb);
	if (what)
		fprintf(stderr, ": %s", what);
	fprintf(stderr, " at %s:%d:%d\n", loc.file ? loc.file->name : "<input>",
		loc.line, loc.col);
	diag_source_line(stderr, loc);
	return true;
}

static void sem_error(struct elab *E, struct srcloc loc, const char *what,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void sem_error(struct elab *E, struct srcloc loc, const char *what,
		      const char *fmt, ...)
{
	va_list ap;

	if (E->nerrors >= 50)
		return;
	va_start(ap, fmt);
	if (vmessage(E, "semantic error", loc, what, fmt, ap))
		E->nerrors++;
	va_end(ap);
}

static void expr_error(struct elab *E, const struct expr *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void expr_error(struct elab *E, const struct expr *e, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	if (E->nerrors >= 50)
		return;
	describe(what, sizeof(what), e);
	va_start(ap, fmt);
	if (vmessage(E, "semantic error", e->loc, what, fmt, ap))
		E->nerrors++;
	va_end(ap);
}

static void sem_warning(struct elab *E, struct srcloc loc, const char *what,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void sem_warning(struct elab *E, struct srcloc loc, const char *what,
			const char *fmt, ...)
{
	va_list ap;

	if (E->s->suppress_warnings)
		return;
	if (E->s->warnings_are_errors) {
		E->nerrors++;
		fputs("semantic error: (warning treated as error) ", stderr);
	} else {
		E->nwarnings++;
		fputs("WARNING: ", stderr);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (what)
		fprintf(stderr, ": %s", what);
	fprintf(stderr, " at %s:%d:%d\n", loc.file ? loc.file->name : "<input>",
		loc.line, loc.col);
	diag_source_line(stderr, loc);
}

const char *type_name(enum val_type t)
{
	switch (t) {
	case T_LONG: return "long";
	case T_STRING: return "string";
	case T_STATS: return "stats";
	default: return "unknown";
	}
}

static enum val_type type_builtin(struct elab *E, struct expr *e);
static void note_histogram(struct elab *E, struct symbol *s, struct expr *e);
static void note_variance(struct elab *E, struct symbol *s, struct expr *e);

/* ---- declarations ---- */

static struct symbol *new_symbol(struct elab *E, const char *name,
				 enum sym_kind kind, struct srcloc loc)
{
	struct symbol *s = arena_alloc(E->a, sizeof(*s));

	s->name = name;
	s->kind = kind;
	s->loc = loc;
	s->nkeys = kind == SYM_GLOBAL ? -1 : 0;
	return s;
}

static struct symbol *find_global(struct elab *E, const char *name)
{
	for (int i = 0; i < E->globals.n; i++) {
		struct symbol *g = E->globals.v[i];

		if (!strcmp(g->name, name))
			return g;
	}
	return NULL;
}

static struct func *find_func(struct elab *E, const char *name, int arity,
			      bool *other_arity)
{
	*other_arity = false;
	for (int i = 0; i < E->funcs.n; i++) {
		struct func *f = E->funcs.v[i];

		if (strcmp(f->name, name))
			continue;
		if (f->params.n == arity)
			return f;
		*other_arity = true;
	}
	return NULL;
}

static void declare_global(struct elab *E, const struct decl *d, bool library)
{
	struct symbol *g = find_global(E, d->name);

	if (g) {
		if (!library && g->decl && !g->decl->private_ &&
		    g->decl->loc.file == d->loc.file)
			sem_error(E, d->loc, NULL, "duplicate global variable '%s'",
				  d->name);
		return;
	}
	g = new_symbol(E, d->name, SYM_GLOBAL, d->loc);
	g->decl = d;
	if (d->is_array || d->wrap)
		g->nkeys = -1;
	if (d->init) {
		g->nkeys = 0;
		g->type = d->init->kind == E_STR ? T_STRING : T_LONG;
		g->type_loc = d->loc;
		g->written = true;
	}
	pv_push(E->a, &E->globals, g);
}

static bool returns_value(const struct stmt *st)
{
	if (!st)
		return false;
	if (st->kind == S_RETURN && st->e)
		return true;
	for (int i = 0; i < st->stmts.n; i++)
		if (returns_value(st->stmts.v[i]))
			return true;
	return returns_value(st->body) || returns_value(st->els);
}

static void declare_function(struct elab *E, const struct decl *d, bool library)
{
	bool other;
	struct func *f = find_func(E, d->name, d->params.n, &other);

	if (f) {
		/* The user script may replace a library function. */
		if (library && !f->library)
			return;
		if (f->library == library) {
			sem_error(E, d->loc, NULL, "duplicate function definition "
				  "'%s' with %d parameter%s", d->name, d->params.n,
				  d->params.n == 1 ? "" : "s");
			return;
		}
	}
	f = arena_alloc(E->a, sizeof(*f));
	f->decl = d;
	f->name = d->name;
	f->library = library;
	f->ret = d->ret_type;
	f->ret_loc = d->loc;
	f->body = d->body;
	f->has_value = d->ret_type != T_UNKNOWN || returns_value(d->body);
	for (int i = 0; i < d->params.n; i++) {
		const struct param *p = d->params.v[i];
		struct symbol *s = new_symbol(E, p->name, SYM_PARAM, p->loc);

		for (int j = 0; j < i; j++)
			if (!strcmp(((struct symbol *)f->params.v[j])->name, p->name))
				sem_error(E, p->loc, p->name, "duplicate parameter "
					  "name '%s'", p->name);
		s->type = p->type;
		/* Embedded-C parameters without a type are longs. */
		if (s->type == T_UNKNOWN && d->code)
			s->type = T_LONG;
		if (s->type != T_UNKNOWN)
			s->type_loc = p->loc;
		s->id = i;
		pv_push(E->a, &f->params, s);
	}
	if (d->code && f->ret == T_UNKNOWN && d->ret_type == T_UNKNOWN) {
		/* An embedded function without ':type' returns nothing. */
		f->ret = T_UNKNOWN;
	}
	pv_push(E->a, &E->funcs, f);
}

static void collect(struct elab *E, struct script *sc, bool library)
{
	for (int i = 0; i < sc->decls.n; i++) {
		const struct decl *d = sc->decls.v[i];

		switch (d->kind) {
		case D_GLOBAL:
			declare_global(E, d, library);
			break;
		case D_FUNCTION:
			declare_function(E, d, library);
			break;
		case D_ALIAS:
			pv_push(E->a, &E->aliases, (void *)d);
			break;
		default:
			break;
		}
	}
}

/* ---- resolution ---- */

static struct symbol *find_local(struct elab *E, const char *name)
{
	if (E->fn)
		for (int i = 0; i < E->fn->params.n; i++) {
			struct symbol *p = E->fn->params.v[i];

			if (!strcmp(p->name, name))
				return p;
		}
	for (int i = 0; i < E->locals->n; i++) {
		struct symbol *l = E->locals->v[i];

		if (!strcmp(l->name, name))
			return l;
	}
	return NULL;
}

static struct symbol *lookup(struct elab *E, const char *name, struct srcloc loc,
			     bool create)
{
	struct symbol *s = find_local(E, name);

	if (s)
		return s;
	s = find_global(E, name);
	if (s)
		return s;
	if (!create)
		return NULL;
	s = new_symbol(E, name, SYM_LOCAL, loc);
	s->id = E->locals->n;
	pv_push(E->a, E->locals, s);
	return s;
}

static void use_function(struct elab *E, struct func *f);
static void resolve_stmt(struct elab *E, struct stmt *st);

static void kernel_only(struct elab *E, const struct expr *e, const char *what)
{
	expr_error(E, e, "%s is not available in the user runtime", what);
}

static bool in_other_runtime(struct elab *E, const char *name)
{
	for (int i = 0; E->other && i < E->other->n; i++) {
		const struct script *sc = E->other->v[i];

		for (int j = 0; sc && j < sc->decls.n; j++) {
			const struct decl *d = sc->decls.v[j];

			if (d->kind == D_FUNCTION && !strcmp(d->name, name))
				return true;
		}
	}
	return false;
}

static void resolve_expr(struct elab *E, struct expr *e);
static int static_condition(struct elab *E, struct expr *c);

/* Embedded-C pragmas (guru.c): a tapset's / * guru * / function needs -g;
 * stapusr may call only / * unprivileged * / embedded C. */
static void check_call_privilege(struct elab *E, const struct expr *e,
				 const struct func *f)
{
	unsigned pr = f->decl->code ? guru_pragmas(f->decl->code) : 0;

	if ((pr & GP_GURU) && !E->s->guru)
		expr_error(E, e, "function '%s' is marked /* guru */ (unsafe "
			   "embedded C); need stap -g", f->name);
	else if (f->decl->code && guru_stapusr(E->s) &&
		 !(pr & (GP_UNPRIV | GP_MYPROC)))
		expr_error(E, e, "function '%s' may not be called when "
			   "--privilege=stapusr is specified (embedded C not "
			   "marked /* unprivileged */)", f->name);
}

/* An E_TARGET made of @var(...) that names the kernel's variable (num). */
#define ATVAR_KERNEL 1

static bool is_kernel_var(const struct expr *e)
{
	return e->kind == E_TARGET && e->str2 && e->num == ATVAR_KERNEL;
}

/* @var("NAME[@FILE]"[, MODULE]) becomes $NAME with FILE in str3 (str2
 * keeps the text: it is an @var): in a process probe without MODULE (or
 * with its path) the program's global (targets.c, as $NAME there), else
 * with no MODULE or "kernel" the kernel's (num ATVAR_KERNEL).  A module
 * other than the kernel is an error (unless quiet): false, e as it was. */
static bool atvar_allowed(struct elab *E, const struct expr *e, bool quiet)
{
	const char *mod = e->str3;
	const struct probe_target *t = E->fn ? NULL : E->target;

	if (t && t->kind == PROV_UPROBE && (!mod || !strcmp(mod, t->path))) {
		if (t->usdt) {
			if (!quiet)
				expr_error(E, e, "@var in a marker probe: a "
					   "program's globals are read in its "
					   "process(\"PATH\").function and "
					   ".statement probes");
			return false;
		}
	} else if (mod && strcmp(mod, "kernel")) {
		if (!quiet && mod[0] == '/')
			expr_error(E, e, "@var(\"%s\", \"%s\"): a program's "
				   "globals are only read in its own "
				   "process(\"%s\") probes", e->str2, mod, mod);
		else if (!quiet)
			expr_error(E, e, "@var(\"%s\", \"%s\"): the static data "
				   "of module '%s' is not supported (only the "
				   "kernel's: @var(\"NAME\") or @var(\"NAME\", "
				   "\"kernel\"))", e->str2, mod, mod);
		return false;
	} else if (!mod && t && t->module) {
		if (!quiet)
			expr_error(E, e, "@var(\"%s\") in a probe on module "
				   "'%s': the static data of a module is not "
				   "supported (the kernel's: @var(\"%s\", "
				   "\"kernel\"))", e->str2, t->module, e->str2);
		return false;
	}
	return true;
}

static bool atvar_convert(struct elab *E, struct expr *e, bool quiet)
{
	const struct probe_target *t = E->fn ? NULL : E->target;
	const char *at;
	bool user;

	if (e->kind != E_ATVAR || !strcmp(E->s->runtime, "user"))
		return false;
	if (!atvar_allowed(E, e, quiet)) {
		if (!quiet) {	/* said once: a 0 from here on */
			e->kind = E_NUM;
			e->num = 0;
			e->comps.n = 0;
		}
		return false;
	}
	user = t && t->kind == PROV_UPROBE &&
	       (!e->str3 || !strcmp(e->str3, t->path));
	at = strchr(e->str2, '@');
	e->kind = E_TARGET;
	e->name = arena_printf(E->a, "$%.*s", at ? (int)(at - e->str2)
			       : (int)strlen(e->str2), e->str2);
	e->str3 = at ? at + 1 : NULL;
	e->num = user ? 0 : ATVAR_KERNEL;
	return true;
}

/* $var..., @cast(...)...: its index expressions and @cast's operand are
 * script expressions; the rest is targets.c's. */
static void resolve_target_expr(struct elab *E, struct expr *e, bool address_of)
{
	const char *err;

	/* stapusr may not read the kernel's memory. */
	if (guru_stapusr(E->s)) {
		expr_error(E, e, "%s is not allowed for --privilege=stapusr",
			   e->kind == E_CAST ? "@cast" : "target variable access");
		return;
	}
	for (int i = 0; i < e->comps.n; i++) {
		struct target_comp *c = e->comps.v[i];

		if (c->is_index)
			resolve_expr(E, c->index);
	}
	resolve_expr(E, e->a);
	if (!strcmp(E->s->runtime, "user")) {
		kernel_only(E, e, "target variable access");
		return;
	}
	/* the kernel's static data: the same in any probe or function */
	if (is_kernel_var(e)) {
		err = resolve_kernel_var(E->s, E->fn ? NULL : E->target, e,
					 address_of);
		if (err)
			expr_error(E, e, "%s", err);
		return;
	}
	if (E->fn && e->kind == E_TARGET) {
		expr_error(E, e, "target variables are only available in probe "
			   "handlers, not in functions");
		return;
	}
	/* A parameter in a .return probe is its value at the entry, as if
	 * written @entry($param): the registers are gone by the return. */
	if (e->kind == E_TARGET && !E->at_entry && E->target &&
	    (E->target->kind == PROV_KPROBE || E->target->kind == PROV_UPROBE) &&
	    E->target->is_return &&
	    strcmp(e->name, "$return") && strcmp(e->name, "$$return") &&
	    !address_of) {
		struct expr *inner = ast_clone_expr(E->a, e);

		memset(e, 0, sizeof(*e));
		e->kind = E_ENTRY;
		e->loc = inner->loc;
		e->a = inner;
		resolve_expr(E, e);
		return;
	}
	if (e->kind == E_TARGET && !E->fn && E->target && E->target->usdt) {
		err = usdt_resolve(E->a, E->target, e, address_of);
		if (err)
			expr_error(E, e, "%s", err);
		return;
	}
	if (e->kind == E_TARGET && !E->fn && E->target &&
	    E->target->kind == PROV_PROCFS) {
		err = address_of ? "$value is a string: it has no address"
				 : procfs_resolve_value(E->a, E->target, e, false);
		if (err)
			expr_error(E, e, "%s", err);
		return;
	}
	err = resolve_target(E->s, E->fn ? NULL : E->target, e, address_of,
			     E->at_entry);
	if (err)
		expr_error(E, e, "%s", err);
}

/* @defined(e): does e resolve (quietly)? */
static bool defined(struct elab *E, struct expr *e)
{
	if (!e)
		return false;
	if (e->kind == E_UNARY && e->op == OP_ADDR)
		e = e->a;
	if (e->kind == E_ATVAR && !atvar_convert(E, e, true))
		return false;
	if (e->kind != E_TARGET && e->kind != E_CAST)
		return true;
	if (!strcmp(E->s->runtime, "user"))
		return false;
	if (is_kernel_var(e))
		return resolve_kernel_var(E->s, E->fn ? NULL : E->target, e,
					  false) == NULL;
	if (E->fn && e->kind == E_TARGET)
		return false;
	return resolve_target(E->s, E->fn ? NULL : E->target, e, false,
			      E->at_entry || (E->target && E->target->is_return &&
					      e->kind == E_TARGET &&
					      strcmp(e->name, "$return") &&
					      strcmp(e->name, "$$return"))) == NULL;
}

static void resolve_expr(struct elab *E, struct expr *e)
{
	if (!e)
		return;
	/* @var as an operand of &, =, ++ is a target variable there */
	if (e->a && e->a->kind == E_ATVAR &&
	    (e->kind == E_UNARY || e->kind == E_POSTFIX ||
	     e->kind == E_ASSIGN || e->kind == E_STATS_ADD))
		atvar_convert(E, e->a, false);
	switch (e->kind) {
	case E_SYM: {
		struct symbol *s = lookup(E, e->name, e->loc, true);

		e->sym = s;
		s->used = true;
		break;
	}
	case E_INDEX: case E_IN: {
		struct symbol *s = lookup(E, e->name, e->loc, false);

		if (!s || s->kind != SYM_GLOBAL) {
			expr_error(E, e, "unresolved array: arrays must be "
				   "declared global");
			if (!s)
				s = lookup(E, e->name, e->loc, true);
		}
		e->sym = s;
		s->used = true;
		if (e->args.n > MAX_INDICES)
			expr_error(E, e, "too many index expressions (%d, at most %d)",
				   e->args.n, MAX_INDICES);
		for (int i = 0; i < e->args.n; i++) {
			struct expr *k = e->args.v[i];

			if (k->kind == E_STAR && e->kind == E_INDEX)
				expr_error(E, k, "a '*' index is only allowed in "
					   "delete, foreach and 'in'");
			resolve_expr(E, k);
		}
		return;
	}
	case E_CALL: {
		bool other;
		struct func *f = find_func(E, e->name, e->args.n, &other);

		if (builtin_function(e->name)) {
			e->sym = NULL;
		} else if (!f) {
			if (other)
				expr_error(E, e, "function '%s' called with the "
					   "wrong number of arguments (arity %d)",
					   e->name, e->args.n);
			else if (in_other_runtime(E, e->name))
				expr_error(E, e, "function '%s' is not available "
					   "in the %s runtime", e->name,
					   E->s->runtime);
			else
				expr_error(E, e, "unresolved function");
		} else {
			e->sym = f;
			use_function(E, f);
			check_call_privilege(E, e, f);
		}
		break;
	}
	case E_TARGET: case E_CAST:
		resolve_target_expr(E, e, false);
		return;
	case E_UNARY:
		if (e->op == OP_ADDR && e->a &&
		    (e->a->kind == E_TARGET || e->a->kind == E_CAST)) {
			resolve_target_expr(E, e->a, true);
			return;
		}
		break;
	case E_ENTRY:
		if (!E->target || E->fn || (E->target->kind != PROV_KPROBE &&
					    E->target->kind != PROV_UPROBE) ||
		    !E->target->is_return) {
			expr_error(E, e, "@entry is only available in the .return "
				   "probes of kernel and user-space functions");
			return;
		}
		if (E->at_entry) {
			expr_error(E, e, "@entry inside @entry");
			return;
		}
		E->at_entry = true;
		resolve_expr(E, e->a);
		E->at_entry = false;
		e->num = E->probe->entries.n;
		pv_push(E->a, &E->probe->entries, e->a);
		return;
	case E_ATVAR: case E_PROBEWRITE:
		/* @var("NAME[@FILE]"[, MODULE]): a global of the probed
		 * program or of the kernel, resolved as $NAME (targets.c) */
		if (e->kind == E_ATVAR && strcmp(E->s->runtime, "user")) {
			if (atvar_convert(E, e, false))
				resolve_expr(E, e);
			return;
		}
		if (!strcmp(E->s->runtime, "user"))
			kernel_only(E, e, "target variable access");
		else
			expr_error(E, e, "@probewrite is not available yet in "
				   "this version");
		return;
	case E_EMBEDDED:
		break;
	case E_CONST:
		if (!E->s->guru && !(E->fn && E->fn->library))
			expr_error(E, e, "@const needs stap -g (it reads a C "
				   "constant)");
		break;
	case E_TERNARY: {
		int taken = static_condition(E, e->a);

		if (taken < 0)
			break;
		*e = *(taken ? e->b : e->c);
		resolve_expr(E, e);
		return;
	}
	case E_CHOOSE:
		/* The first that resolves takes the node's place. */
		*e = *(defined(E, e->a) ? e->a : e->b);
		resolve_expr(E, e);
		return;
	case E_DEFINED:
		/* Decided here: whether the target variable resolves. */
		e->num = defined(E, e->a);
		return;
	default:
		break;
	}
	if ((e->kind == E_ASSIGN || e->kind == E_STATS_ADD ||
	     ((e->kind == E_UNARY || e->kind == E_POSTFIX) &&
	      (e->op == OP_INC || e->op == OP_DEC))) && e->a &&
	    (e->a->kind == E_TARGET || e->a->kind == E_CAST)) {
		const char *why;

		if (e->a->kind == E_TARGET && !E->fn && E->target &&
		    E->target->usdt) {
			expr_error(E, e->a, "a marker's variables cannot be "
				   "written");
			return;
		}
		/* a procfs .read probe sets its $value: no guru mode */
		if (e->a->kind == E_TARGET && !E->fn && E->target &&
		    E->target->kind == PROV_PROCFS) {
			why = e->kind != E_ASSIGN || (e->op != OP_ASSIGN &&
						      e->op != OP_CONCAT_ASSIGN)
				? "$value is a string: only '=' and '.=' can "
				  "write it"
				: E->readonly ? "write in a read-only context "
						"(probe condition)"
				: procfs_resolve_value(E->a, E->target, e->a, true);
			if (why)
				expr_error(E, e->a, "%s", why);
			resolve_expr(E, e->b);
			return;
		}
		if (!E->s->guru) {
			expr_error(E, e->a, "writing target variables is only "
				   "allowed in guru mode; need stap -g");
			return;
		}
		if (e->kind == E_STATS_ADD ||
		    (e->kind == E_ASSIGN && e->op == OP_CONCAT_ASSIGN)) {
			expr_error(E, e, "a target variable cannot take '%s'",
				   e->kind == E_STATS_ADD ? "<<<" : ".=");
			return;
		}
		if (E->readonly) {
			expr_error(E, e, "write in a read-only context (probe "
				   "condition)");
			return;
		}
		/* guru.c says what can be written: memory, or a register
		 * of the probed function's saved pt_regs. */
		resolve_target_expr(E, e->a, false);
		resolve_expr(E, e->b);
		why = e->a->kind == E_ENTRY
			? "a parameter in a .return probe is a copy of its "
			  "value at the entry, and cannot be written"
			: e->a->tv ? guru_target_unwritable(e->a->tv) : NULL;
		if (why)
			expr_error(E, e->a, "%s", why);
		return;
	}
	if (E->readonly && (e->kind == E_ASSIGN || e->kind == E_STATS_ADD ||
			    ((e->kind == E_UNARY || e->kind == E_POSTFIX) &&
			     (e->op == OP_INC || e->op == OP_DEC))))
		expr_error(E, e, "write in a read-only context (probe condition)");
	resolve_expr(E, e->a);
	resolve_expr(E, e->b);
	resolve_expr(E, e->c);
	for (int i = 0; i < e->args.n; i++)
		resolve_expr(E, e->args.v[i]);
}

static void resolve_foreach(struct elab *E, struct stmt *st)
{
	struct symbol *arr = st->hist ? NULL : lookup(E, st->array, st->array_loc, false);

	if (st->hist) {
		resolve_expr(E, st->hist);
	} else if (!arr || arr->kind != SYM_GLOBAL) {
		sem_error(E, st->array_loc, NULL, "foreach over '%s', which is "
			  "not a global array", st->array);
	} else {
		arr->used = true;
		st->e = arena_alloc(E->a, sizeof(struct expr));
		st->e->kind = E_SYM;
		st->e->name = st->array;
		st->e->loc = st->array_loc;
		st->e->sym = arr;
	}
	for (int i = 0; i < st->keys.n; i++) {
		struct foreach_key *k = st->keys.v[i];
		struct symbol *s = lookup(E, k->name, k->loc, true);

		if (s->kind == SYM_GLOBAL)
			sem_error(E, k->loc, NULL, "foreach key '%s' must be a "
				  "local variable", k->name);
		s->written = true;
	}
	if (st->value_var) {
		struct symbol *s = lookup(E, st->value_var, st->loc, true);

		s->written = true;
	}
	for (int i = 0; i < st->slice.n; i++)
		resolve_expr(E, st->slice.v[i]);
	resolve_expr(E, st->limit);
	E->loop_depth++;
	resolve_stmt(E, st->body);
	E->loop_depth--;
}

/* A condition pass 2 decides: @defined(...) or !@defined(...); -1 if
 * it is not one.  The branch not taken is dropped unresolved, so that it
 * may name variables this probe point does not have. */
static int static_condition(struct elab *E, struct expr *c)
{
	if (c && c->kind == E_UNARY && c->op == OP_NOT) {
		int v = static_condition(E, c->a);

		return v < 0 ? v : !v;
	}
	if (!c || c->kind != E_DEFINED)
		return -1;
	return defined(E, c->a);
}

static void resolve_stmt(struct elab *E, struct stmt *st)
{
	int taken;

	if (!st)
		return;
	switch (st->kind) {
	case S_IF:
		taken = static_condition(E, st->e);
		if (taken < 0)
			break;
		/* if (@defined(...)) A else B is A or B. */
		{
			struct stmt *keep = taken ? st->body : st->els;

			if (keep) {
				*st = *keep;
			} else {
				memset(st, 0, sizeof(*st));
				st->kind = S_NULL;
			}
		}
		resolve_stmt(E, st);
		return;
	case S_BLOCK:
		for (int i = 0; i < st->stmts.n; i++)
			resolve_stmt(E, st->stmts.v[i]);
		return;
	case S_FOREACH:
		resolve_foreach(E, st);
		return;
	case S_WHILE: case S_FOR:
		resolve_expr(E, st->init);
		resolve_expr(E, st->e);
		resolve_expr(E, st->incr);
		E->loop_depth++;
		resolve_stmt(E, st->body);
		E->loop_depth--;
		return;
	case S_BREAK: case S_CONTINUE:
		if (!E->loop_depth)
			sem_error(E, st->loc, NULL, "'%s' outside of a loop",
				  st->kind == S_BREAK ? "break" : "continue");
		return;
	case S_NEXT:
		if (E->fn)
			sem_error(E, st->loc, NULL, "'next' is only allowed in a "
				  "probe, not in function '%s'", E->fn->name);
		return;
	case S_RETURN:
		if (!E->fn)
			sem_error(E, st->loc, NULL, "'return' outside of a function");
		break;
	case S_TRY:
		resolve_stmt(E, st->body);
		if (st->catch_var) {
			struct symbol *s = lookup(E, st->catch_var, st->loc, true);

			s->written = true;
		}
		resolve_stmt(E, st->els);
		return;
	case S_DELETE: {
		struct expr *d = st->e;

		if (d->kind != E_SYM && d->kind != E_INDEX) {
			expr_error(E, d, "delete needs a variable or an array element");
			return;
		}
		break;
	}
	default:
		break;
	}
	if (st->kind == S_DELETE && st->e->kind == E_INDEX) {
		/* A slice: the stars are allowed here. */
		struct expr *d = st->e;
		struct symbol *s = lookup(E, d->name, d->loc, false);

		if (!s || s->kind != SYM_GLOBAL) {
			expr_error(E, d, "unresolved array: arrays must be "
				   "declared global");
			return;
		}
		d->sym = s;
		s->used = true;
		for (int i = 0; i < d->args.n; i++)
			if (((struct expr *)d->args.v[i])->kind != E_STAR)
				resolve_expr(E, d->args.v[i]);
		return;
	}
	resolve_expr(E, st->e);
	resolve_expr(E, st->init);
	resolve_expr(E, st->incr);
	resolve_stmt(E, st->body);
	resolve_stmt(E, st->els);
}

static void use_function(struct elab *E, struct func *f)
{
	struct ptrvec *saved_locals = E->locals;
	struct func *saved_fn = E->fn;
	int saved_loop = E->loop_depth;
	bool saved_ro = E->readonly;

	if (f->used)
		return;
	f->used = true;
	f->id = E->prog->funcs.n;
	pv_push(E->a, &E->prog->funcs, f);
	if (f->decl->code) {
		if (!E->s->guru && !f->library)
			sem_error(E, f->decl->loc, NULL, "embedded code in "
				  "unprivileged script; need stap -g");
		return;
	}
	E->locals = &f->locals;
	E->fn = f;
	E->loop_depth = 0;
	E->readonly = false;
	resolve_stmt(E, f->body);
	E->locals = saved_locals;
	E->fn = saved_fn;
	E->loop_depth = saved_loop;
	E->readonly = saved_ro;
}

/* ---- types ---- */

/* Unifies a symbol's value type with t, inferring it if unknown. */
static void unify_sym(struct elab *E, struct symbol *s, enum val_type t,
		      const struct expr *at)
{
	if (!s || t == T_UNKNOWN)
		return;
	if (s->type == T_UNKNOWN) {
		s->type = t;
		s->type_loc = at ? at->loc : s->loc;
		E->changed = true;
	} else if (s->type != t && E->report) {
		if (at)
			expr_error(E, at, "type mismatch (%s vs. %s)", type_name(t),
				   type_name(s->type));
		else
			sem_error(E, s->loc, s->name, "type mismatch (%s vs. %s)",
				  type_name(t), type_name(s->type));
		{
			int before = E->nerrors;

			sem_error(E, s->type_loc, NULL, "type of '%s' was first "
				  "inferred here (%s)", s->name,
				  type_name(s->type));
			E->nerrors = before;	/* one error, two places */
		}
	}
}

static enum val_type type_expr(struct elab *E, struct expr *e);

/* Requires e to have type t; infers where e is a symbol, element or call. */
static void require(struct elab *E, struct expr *e, enum val_type t)
{
	enum val_type have;

	if (!e || t == T_UNKNOWN)
		return;
	switch (e->kind) {
	case E_SYM: case E_INDEX: case E_CALL: case E_TERNARY: case E_ASSIGN:
		break;
	default:
		have = type_expr(E, e);
		if (have != T_UNKNOWN && have != t && E->report)
			expr_error(E, e, "type mismatch (expected %s, found %s)",
				   type_name(t), type_name(have));
		return;
	}
	if (e->kind == E_SYM || e->kind == E_INDEX) {
		struct symbol *s = e->sym;

		if (s && s->type == T_STATS && t != T_STATS) {
			if (E->report)
				expr_error(E, e, "statistic '%s' used as a scalar: "
					   "read it with @count, @sum, @min, "
					   "@max, @avg or @variance", s->name);
			return;
		}
		unify_sym(E, s, t, e);
		type_expr(E, e);
		return;
	}
	if (e->kind == E_CALL && e->sym) {
		struct func *f = e->sym;

		if (!f->has_value) {
			if (E->report)
				expr_error(E, e, "function '%s' returns no value, "
					   "but its value is used: type mismatch",
					   f->name);
			return;
		}
		if (f->ret == T_UNKNOWN && !f->decl->code) {
			f->ret = t;
			f->ret_loc = e->loc;
			E->changed = true;
		}
	}
	if (e->kind == E_TERNARY) {
		require(E, e->b, t);
		require(E, e->c, t);
	}
	if (e->kind == E_ASSIGN && e->op == OP_ASSIGN) {
		require(E, e->a, t);
		require(E, e->b, t);
	}
	have = type_expr(E, e);
	if (have != T_UNKNOWN && have != t && E->report)
		expr_error(E, e, "type mismatch (expected %s, found %s)",
			   type_name(t), type_name(have));
}

/* Array shape: scalar or the number and types of keys. */
static void use_shape(struct elab *E, struct symbol *s, struct expr *e,
		      const struct ptrvec *keys)
{
	int n = keys ? keys->n : 0;

	if (!s)
		return;
	if (s->nkeys < 0) {
		s->nkeys = n;
		E->changed = true;
	} else if (s->nkeys != n) {
		if (E->report)
			expr_error(E, e, "'%s' used with %d index%s here but %d "
				   "elsewhere", s->name, n, n == 1 ? "" : "es",
				   s->nkeys);
		return;
	}
	for (int i = 0; i < n && i < MAX_INDICES; i++) {
		struct expr *k = keys->v[i];
		enum val_type t;

		if (k->kind == E_STAR)
			continue;
		t = type_expr(E, k);
		if (t == T_UNKNOWN && s->keys[i] != T_UNKNOWN)
			require(E, k, s->keys[i]);
		else if (s->keys[i] == T_UNKNOWN && t != T_UNKNOWN) {
			s->keys[i] = t;
			E->changed = true;
		} else if (t != T_UNKNOWN && t != s->keys[i] && E->report)
			expr_error(E, k, "index %d of '%s' has type %s here but "
				   "%s elsewhere: type mismatch", i + 1, s->name,
				   type_name(t), type_name(s->keys[i]));
		if (t == T_STATS && E->report)
			expr_error(E, k, "a statistic cannot be an array index");
	}
}

static enum val_type type_call(struct elab *E, struct expr *e)
{
	struct func *f = e->sym;

	if (!f)
		return builtin_function(e->name) ? type_builtin(E, e) : T_UNKNOWN;
	for (int i = 0; i < e->args.n && i < f->params.n; i++) {
		struct symbol *p = f->params.v[i];
		struct expr *arg = e->args.v[i];
		enum val_type t = type_expr(E, arg);

		if (p->type == T_UNKNOWN && t != T_UNKNOWN && t != T_STATS) {
			p->type = t;
			p->type_loc = arg->loc;
			E->changed = true;
		} else if (p->type != T_UNKNOWN) {
			require(E, arg, p->type);
		}
	}
	return f->ret;
}

static enum val_type type_expr(struct elab *E, struct expr *e)
{
	enum val_type t = T_UNKNOWN, ta, tb;
	struct symbol *s;

	if (!e)
		return T_UNKNOWN;
	switch (e->kind) {
	case E_NUM:
		t = T_LONG;
		break;
	case E_STR:
		t = T_STRING;
		break;
	case E_EMBEDDED:
		t = strstr(e->str, "/* string */") ? T_STRING : T_LONG;
		break;
	case E_SYM:
		s = e->sym;
		if (s) {
			if (s->kind == SYM_GLOBAL) {
				if (s->nkeys > 0 && E->report)
					expr_error(E, e, "array '%s' used without "
						   "an index", s->name);
				else if (s->nkeys < 0)
					use_shape(E, s, e, NULL);
			}
			t = s->type;
		}
		break;
	case E_INDEX:
		s = e->sym;
		use_shape(E, s, e, &e->args);
		t = s ? s->type : T_UNKNOWN;
		break;
	case E_IN:
		s = e->sym;
		use_shape(E, s, e, &e->args);
		t = T_LONG;
		break;
	case E_CALL:
		t = type_call(E, e);
		break;
	case E_UNARY:
	case E_POSTFIX:
		require(E, e->a, T_LONG);
		if (e->op == OP_INC || e->op == OP_DEC) {
			if (e->a->sym)
				((struct symbol *)e->a->sym)->written = true;
		}
		t = T_LONG;
		break;
	case E_BINARY:
		switch (e->op) {
		case OP_CONCAT:
			require(E, e->a, T_STRING);
			require(E, e->b, T_STRING);
			t = T_STRING;
			break;
		case OP_MATCH: case OP_NMATCH:
			require(E, e->a, T_STRING);
			require(E, e->b, T_STRING);
			if (e->b->kind != E_STR && E->report)
				expr_error(E, e->b, "the right side of '%s' must "
					   "be a literal regular expression",
					   op_str(e->op));
			t = T_LONG;
			break;
		case OP_EQ: case OP_NE: case OP_LT: case OP_GT: case OP_LE:
		case OP_GE:
			ta = type_expr(E, e->a);
			tb = type_expr(E, e->b);
			if (ta == T_UNKNOWN && tb != T_UNKNOWN)
				require(E, e->a, tb);
			else if (tb == T_UNKNOWN && ta != T_UNKNOWN)
				require(E, e->b, ta);
			else if (ta != tb && E->report)
				expr_error(E, e, "type mismatch (%s vs. %s)",
					   type_name(ta), type_name(tb));
			if ((ta == T_STATS || tb == T_STATS) && E->report)
				expr_error(E, e, "statistic compared: read it "
					   "with @count, @sum, ...");
			t = T_LONG;
			break;
		default:
			require(E, e->a, T_LONG);
			require(E, e->b, T_LONG);
			t = T_LONG;
			break;
		}
		break;
	case E_TERNARY:
		require(E, e->a, T_LONG);
		ta = type_expr(E, e->b);
		tb = type_expr(E, e->c);
		if (ta == T_UNKNOWN)
			require(E, e->b, tb);
		else
			require(E, e->c, ta);
		t = ta != T_UNKNOWN ? ta : tb;
		break;
	case E_ASSIGN:
		if (e->a->sym)
			((struct symbol *)e->a->sym)->written = true;
		if (e->a->sym && ((struct symbol *)e->a->sym)->type == T_STATS &&
		    E->report) {
			expr_error(E, e, "assignment to statistic '%s': use "
				   "'<<<' to add a value", e->a->name);
			return T_UNKNOWN;
		}
		if (e->op == OP_ASSIGN) {
			ta = type_expr(E, e->a);
			tb = type_expr(E, e->b);
			if (tb == T_STATS && E->report)
				expr_error(E, e->b, "statistic assigned: read it "
					   "with @count, @sum, ...");
			if (ta == T_UNKNOWN)
				require(E, e->a, tb);
			else
				require(E, e->b, ta);
			t = ta != T_UNKNOWN ? ta : tb;
		} else if (e->op == OP_CONCAT_ASSIGN) {
			require(E, e->a, T_STRING);
			require(E, e->b, T_STRING);
			t = T_STRING;
		} else {
			require(E, e->a, T_LONG);
			require(E, e->b, T_LONG);
			t = T_LONG;
		}
		break;
	case E_STATS_ADD:
		s = e->a->sym;
		if (s) {
			s->written = true;
			if (s->type == T_UNKNOWN) {
				unify_sym(E, s, T_STATS, e->a);
			} else if (s->type != T_STATS && E->report) {
				expr_error(E, e, "'<<<' needs a statistic, but "
					   "'%s' is a %s", s->name,
					   type_name(s->type));
			}
			type_expr(E, e->a);
		}
		ta = type_expr(E, e->b);
		if (ta == T_STRING && E->report)
			expr_error(E, e->b, "a statistic takes only numbers, "
				   "not a string");
		else
			require(E, e->b, T_LONG);
		t = T_UNKNOWN;
		break;
	case E_STATOP:
	case E_HIST:
		s = e->a->sym;
		if (e->a->kind != E_SYM && e->a->kind != E_INDEX) {
			if (E->report)
				expr_error(E, e->a, "type mismatch: %s needs a "
					   "statistic variable or array element",
					   op_str(e->op));
		} else if (s) {
			if (s->type == T_UNKNOWN)
				unify_sym(E, s, T_STATS, e->a);
			else if (s->type != T_STATS && E->report)
				expr_error(E, e, "type mismatch: %s of '%s', which "
					   "is a %s, not a statistic", op_str(e->op),
					   s->name, type_name(s->type));
			type_expr(E, e->a);
			if (e->kind == E_HIST)
				note_histogram(E, s, e);
			if (e->kind == E_STATOP && e->op == OP_VARIANCE)
				note_variance(E, s, e);
		}
		for (int i = 0; i < e->args.n; i++)
			require(E, e->args.v[i], T_LONG);
		if (e->b)
			require(E, e->b, T_LONG);
		t = T_LONG;
		break;
	case E_DEFINED:
		t = T_LONG;
		break;
	case E_ENTRY:
		t = type_expr(E, e->a);
		break;
	case E_TARGET: case E_CAST:
		/* typed by targets.c; index expressions are numbers */
		for (int i = 0; i < e->comps.n; i++) {
			struct target_comp *c = e->comps.v[i];

			if (c->is_index)
				require(E, c->index, T_LONG);
		}
		if (e->a)
			require(E, e->a, T_LONG);
		t = e->type;
		break;
	case E_CHOOSE:
	case E_CONST:
		t = T_LONG;
		break;
	default:
		break;
	}
	e->type = t;
	return t;
}

/* The accumulators are built for one bit shift, so a variable may use
 * only one in @variance(s, N). */
static void note_variance(struct elab *E, struct symbol *s, struct expr *e)
{
	int shift = e->b ? (int)e->b->num : 0;

	if (e->b && (e->b->num < 0 || e->b->num > 62)) {
		if (E->report)
			expr_error(E, e->b, "the @variance bit shift must be "
				   "between 0 and 62");
		return;
	}
	if (!s->has_variance_shift) {
		s->has_variance_shift = true;
		s->variance_shift = shift;
	} else if (s->variance_shift != shift && E->report) {
		expr_error(E, e, "'%s' is used with two different @variance "
			   "bit shifts", s->name);
	}
}

static void note_histogram(struct elab *E, struct symbol *s, struct expr *e)
{
	int64_t args[3] = { 0, 0, 0 };

	for (int i = 0; i < e->args.n && i < 3; i++) {
		struct expr *a = e->args.v[i];

		if (a->kind != E_NUM) {
			if (E->report)
				expr_error(E, a, "histogram bounds must be "
					   "literal numbers");
			return;
		}
		args[i] = a->num;
	}
	if (e->op == OP_HIST_LINEAR && E->report &&
	    (args[2] <= 0 || args[1] <= args[0] ||
	     (args[1] - args[0]) / args[2] > 128))
		expr_error(E, e, "bad @hist_linear(v, start, stop, interval): "
			   "need start < stop, interval > 0 and at most 128 "
			   "buckets");
	if (s->hist == OP_NONE) {
		s->hist = e->op;
		memcpy(s->hist_args, args, sizeof(args));
	} else if ((s->hist != e->op || memcmp(s->hist_args, args, sizeof(args))) &&
		   E->report) {
		expr_error(E, e, "'%s' is used with two different histograms",
			   s->name);
	}
}

/* printf-style format checking: each conversion takes a long or a string;
 * '*' takes a long.  Returns the number of arguments, -1 on a bad format. */
int format_arg_types(const char *fmt, enum val_type *types, int max,
		     const char **bad)
{
	int n = 0;

	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		while (*p && strchr("-+ #0", *p))
			p++;
		if (*p == '*') {
			if (n < max)
				types[n] = T_LONG;
			n++;
			p++;
		}
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.') {
			p++;
			if (*p == '*') {
				if (n < max)
					types[n] = T_LONG;
				n++;
				p++;
			}
			while (*p >= '0' && *p <= '9')
				p++;
		}
		/* length modifiers are accepted and ignored */
		while (*p && strchr("hlLjzt", *p))
			p++;
		if (!*p || !strchr("diuxXocspbmM", *p)) {
			*bad = p;
			return -1;
		}
		if (n < max)
			types[n] = *p == 's' ? T_STRING : T_LONG;
		n++;
	}
	return n;
}

static const char *const print_builtins[] = {
	"print", "println", "printd", "printdln", "printf", "sprintf",
	"sprint", "sprintln", NULL,
};

bool builtin_function(const char *name)
{
	for (int i = 0; print_builtins[i]; i++)
		if (!strcmp(name, print_builtins[i]))
			return true;
	return false;
}

static enum val_type type_builtin(struct elab *E, struct expr *e)
{
	const char *n = e->name;
	bool is_printf = !strcmp(n, "printf") || !strcmp(n, "sprintf");
	bool is_printd = !strcmp(n, "printd") || !strcmp(n, "printdln");
	int first = 0;

	if (is_printf || is_printd) {
		struct expr *f = e->args.n ? e->args.v[0] : NULL;

		if (!f) {
			if (E->report)
				expr_error(E, e, "%s needs a format or delimiter "
					   "argument (arity)", n);
			return is_printf && n[0] == 's' ? T_STRING : T_UNKNOWN;
		}
		first = 1;
		if (f->kind != E_STR) {
			if (E->report)
				expr_error(E, f, "the %s of %s must be a literal "
					   "string", is_printf ? "format" :
					   "delimiter", n);
		} else if (is_printf) {
			enum val_type types[64];
			const char *bad = NULL;
			int want = format_arg_types(f->str, types, 64, &bad);

			if (want < 0) {
				if (E->report)
					expr_error(E, f, "invalid conversion '%%%c' "
						   "in format", *bad ? *bad : ' ');
			} else if (want != e->args.n - 1) {
				if (E->report)
					expr_error(E, e, "format has %d conversion%s "
						   "but %d argument%s given (arity)",
						   want, want == 1 ? "" : "s",
						   e->args.n - 1,
						   e->args.n == 2 ? " is" : "s are");
			} else {
				for (int i = 0; i < want && i < 64; i++)
					require(E, e->args.v[i + 1], types[i]);
			}
			return n[0] == 's' ? T_STRING : T_UNKNOWN;
		}
	}
	if (!is_printf && e->args.n == first && strcmp(n, "println") &&
	    strcmp(n, "sprintln")) {
		if (E->report)
			expr_error(E, e, "%s needs at least one argument (arity)", n);
	}
	for (int i = first; i < e->args.n; i++) {
		struct expr *a = e->args.v[i];
		enum val_type t = type_expr(E, a);

		if (t == T_STATS && E->report)
			expr_error(E, a, "statistic printed: read it with @count, "
				   "@sum, ... or print a @hist_*");
		if (a->kind == E_CALL && a->sym &&
		    !((struct func *)a->sym)->has_value && E->report)
			expr_error(E, a, "function '%s' returns no value, but its "
				   "value is printed: type mismatch", a->name);
		if (a->kind == E_HIST && (first || e->args.n > 1) && E->report)
			expr_error(E, a, "a histogram may only be printed alone");
	}
	return n[0] == 's' ? T_STRING : T_UNKNOWN;
}

static void type_stmt(struct elab *E, struct stmt *st)
{
	if (!st)
		return;
	switch (st->kind) {
	case S_BLOCK:
		for (int i = 0; i < st->stmts.n; i++)
			type_stmt(E, st->stmts.v[i]);
		return;
	case S_EXPR: {
		struct expr *e = st->e;

		if (e->kind == E_HIST && E->report)
			expr_error(E, e, "a histogram is only useful printed: "
				   "print(%s(...))", op_str(e->op));
		type_expr(E, e);
		return;
	}
	case S_IF: case S_WHILE:
		require(E, st->e, T_LONG);
		type_stmt(E, st->body);
		type_stmt(E, st->els);
		return;
	case S_FOR:
		type_expr(E, st->init);
		if (st->e)
			require(E, st->e, T_LONG);
		type_expr(E, st->incr);
		type_stmt(E, st->body);
		return;
	case S_FOREACH: {
		struct symbol *arr = st->e ? st->e->sym : NULL;

		if (st->hist) {
			type_expr(E, st->hist);
			for (int i = 0; i < st->keys.n; i++) {
				struct foreach_key *k = st->keys.v[i];

				unify_sym(E, lookup(E, k->name, k->loc, false),
					  T_LONG, st->hist);
			}
		} else if (arr) {
			if (arr->nkeys < 0 && !st->has_slice) {
				arr->nkeys = st->keys.n;
				E->changed = true;
			}
			if (st->has_slice)
				use_shape(E, arr, st->e, &st->slice);
			if (arr->nkeys >= 0 && arr->nkeys != st->keys.n &&
			    E->report)
				sem_error(E, st->loc, NULL, "foreach has %d key "
					  "variable%s but '%s' has %d index%s",
					  st->keys.n, st->keys.n == 1 ? "" : "s",
					  arr->name, arr->nkeys,
					  arr->nkeys == 1 ? "" : "es");
			for (int i = 0; i < st->keys.n && i < MAX_INDICES; i++) {
				struct foreach_key *k = st->keys.v[i];
				struct symbol *ks = lookup(E, k->name, k->loc, false);

				if (arr->keys[i] != T_UNKNOWN)
					unify_sym(E, ks, arr->keys[i], st->e);
				else if (ks && ks->type != T_UNKNOWN) {
					arr->keys[i] = ks->type;
					E->changed = true;
				}
			}
			if (st->value_var && arr->type != T_STATS)
				unify_sym(E, lookup(E, st->value_var, st->loc, false),
					  arr->type, st->e);
			if (st->sort_agg != OP_NONE && arr->type != T_STATS &&
			    arr->type != T_UNKNOWN && E->report)
				sem_error(E, st->loc, NULL, "foreach sorts by %s but "
					  "'%s' is not a statistic",
					  op_str(st->sort_agg), arr->name);
		}
		if (st->limit)
			require(E, st->limit, T_LONG);
		type_stmt(E, st->body);
		return;
	}
	case S_RETURN:
		if (E->fn && st->e) {
			enum val_type t = type_expr(E, st->e);

			if (E->fn->ret == T_UNKNOWN && t != T_UNKNOWN) {
				E->fn->ret = t;
				E->fn->ret_loc = st->e->loc;
				E->changed = true;
			} else if (E->fn->ret != T_UNKNOWN) {
				require(E, st->e, E->fn->ret);
			}
		}
		return;
	case S_DELETE: {
		struct expr *d = st->e;

		if (d->kind == E_INDEX)
			use_shape(E, d->sym, d, &d->args);
		return;
	}
	case S_TRY:
		type_stmt(E, st->body);
		if (st->catch_var)
			unify_sym(E, lookup(E, st->catch_var, st->loc, false),
				  T_STRING, NULL);
		type_stmt(E, st->els);
		return;
	default:
		return;
	}
}

/* ---- no modification of an array inside foreach over it ---- */

static bool add_unique(struct elab *E, struct ptrvec *pv, void *p)
{
	for (int i = 0; i < pv->n; i++)
		if (pv->v[i] == p)
			return false;
	pv_push(E->a, pv, p);
	return true;
}

/* The array an expression modifies, if any. */
static struct symbol *modified_array(const struct expr *e)
{
	const struct expr *t = NULL;

	if (e->kind == E_ASSIGN || e->kind == E_STATS_ADD)
		t = e->a;
	else if ((e->kind == E_UNARY || e->kind == E_POSTFIX) &&
		 (e->op == OP_INC || e->op == OP_DEC))
		t = e->a;
	return t && t->kind == E_INDEX ? t->sym : NULL;
}

struct iter_walk {
	struct func *fn;		/* collecting this function's effects */
	struct ptrvec iterating;	/* arrays of the enclosing foreach */
};

static void iter_modified(struct elab *E, struct iter_walk *w,
			  const struct expr *at, struct symbol *arr)
{
	if (w->fn)
		add_unique(E, &w->fn->writes, arr);
	for (int i = 0; i < w->iterating.n; i++)
		if (w->iterating.v[i] == arr)
			expr_error(E, at, "invalid modification of array '%s' "
				   "inside foreach over it", arr->name);
}

static void iter_expr(struct elab *E, struct iter_walk *w, struct expr *e)
{
	struct symbol *arr;

	if (!e)
		return;
	arr = modified_array(e);
	if (arr)
		iter_modified(E, w, e, arr);
	if (e->kind == E_CALL && e->sym) {
		struct func *f = e->sym;

		if (w->fn)
			add_unique(E, &w->fn->calls, f);
		for (int i = 0; !w->fn && i < f->writes.n; i++)
			iter_modified(E, w, e, f->writes.v[i]);
	}
	iter_expr(E, w, e->a);
	iter_expr(E, w, e->b);
	iter_expr(E, w, e->c);
	for (int i = 0; i < e->args.n; i++)
		iter_expr(E, w, e->args.v[i]);
}

static void iter_stmt(struct elab *E, struct iter_walk *w, struct stmt *st)
{
	if (!st)
		return;
	if (st->kind == S_DELETE && st->e->sym &&
	    ((struct symbol *)st->e->sym)->nkeys > 0)
		iter_modified(E, w, st->e, st->e->sym);
	if (st->kind == S_FOREACH && st->e && st->e->sym) {
		pv_push(E->a, &w->iterating, st->e->sym);
		iter_expr(E, w, st->limit);
		iter_stmt(E, w, st->body);
		w->iterating.n--;
		return;
	}
	iter_expr(E, w, st->e);
	iter_expr(E, w, st->init);
	iter_expr(E, w, st->incr);
	iter_expr(E, w, st->limit);
	iter_stmt(E, w, st->body);
	iter_stmt(E, w, st->els);
	for (int i = 0; i < st->stmts.n; i++)
		iter_stmt(E, w, st->stmts.v[i]);
}

static void check_iteration(struct elab *E)
{
	struct program *P = E->prog;
	bool changed = true;

	/* What each function modifies, directly, then through its calls. */
	for (int i = 0; i < P->funcs.n; i++) {
		struct iter_walk w = { P->funcs.v[i], { 0 } };

		iter_stmt(E, &w, w.fn->body);
	}
	for (int round = 0; changed && round < P->funcs.n + 1; round++) {
		changed = false;
		for (int i = 0; i < P->funcs.n; i++) {
			struct func *f = P->funcs.v[i];

			for (int j = 0; j < f->calls.n; j++) {
				struct func *g = f->calls.v[j];

				for (int k = 0; k < g->writes.n; k++)
					changed |= add_unique(E, &f->writes,
							      g->writes.v[k]);
			}
		}
	}
	for (int i = 0; i < P->probes.n; i++) {
		struct iter_walk w = { NULL, { 0 } };

		iter_stmt(E, &w, ((struct rprobe *)P->probes.v[i])->body);
	}
	for (int i = 0; i < P->funcs.n; i++) {
		struct iter_walk w = { NULL, { 0 } };

		iter_stmt(E, &w, ((struct func *)P->funcs.v[i])->body);
	}
}

/* ---- probes: alias expansion and provider matching ---- */

#define MAX_ALIAS_DEPTH 16

/* One way a user probe point resolved: targets and the alias bodies that
 * wrap the probe body (prologues before it, epilogues after). */
struct expansion {
	struct ptrvec targets;		/* struct probe_target * */
	struct ptrvec pre, post;	/* struct stmt * */
	const char *alias;		/* the outermost alias's name, as
					 * matched (for stap -l), or NULL */
};

static bool comp_matches(const struct pp_comp *pat, const struct pp_comp *name)
{
	if (fnmatch(pat->name, name->name, 0) != 0)
		return false;
	if (!pat->arg && !name->arg)
		return true;
	if (!pat->arg || !name->arg || pat->arg->kind != name->arg->kind)
		return false;
	return pat->arg->kind == E_NUM ? pat->arg->num == name->arg->num
				       : !strcmp(pat->arg->str, name->arg->str);
}

static int expand_point(struct elab *E, const struct probe_point *pp, int depth,
			struct ptrvec *out);

static void prepend(struct elab *E, struct ptrvec *pv, void *p)
{
	struct ptrvec n = { 0 };

	pv_push(E->a, &n, p);
	for (int i = 0; i < pv->n; i++)
		pv_push(E->a, &n, pv->v[i]);
	*pv = n;
}

/* Matches pp against the aliases; returns how many matched. */
static int expand_aliases(struct elab *E, const struct probe_point *pp,
			  int depth, struct ptrvec *out)
{
	int matched = 0;
	bool exact = false;

	/* An alias naming all of pp wins over one naming a prefix of it
	 * (an alias suffix): with syscall.read and syscall.read.return
	 * both defined, syscall.read.return is only the latter. */
	for (int i = 0; i < E->aliases.n && !exact; i++) {
		const struct decl *d = E->aliases.v[i];

		for (int j = 0; j < d->names.n && !exact; j++) {
			const struct probe_point *name = d->names.v[j];
			int k;

			if (name->comps.n != pp->comps.n)
				continue;
			for (k = 0; k < name->comps.n; k++)
				if (!comp_matches(pp->comps.v[k], name->comps.v[k]))
					break;
			exact = k == name->comps.n;
		}
	}
	for (int i = 0; i < E->aliases.n; i++) {
		const struct decl *d = E->aliases.v[i];

		for (int j = 0; j < d->names.n; j++) {
			const struct probe_point *name = d->names.v[j];
			struct probe_point *as;
			int k;

			if (name->comps.n > pp->comps.n ||
			    (exact && name->comps.n < pp->comps.n))
				continue;
			for (k = 0; k < name->comps.n; k++)
				if (!comp_matches(pp->comps.v[k], name->comps.v[k]))
					break;
			if (k < name->comps.n)
				continue;
			matched++;
			/* The alias's name with pp's suffix, as stap -l
			 * shows it. */
			as = arena_alloc(E->a, sizeof(*as));
			*as = *name;
			as->comps = (struct ptrvec){ 0 };
			for (int c = 0; c < name->comps.n; c++)
				pv_push(E->a, &as->comps, name->comps.v[c]);
			for (int c = k; c < pp->comps.n; c++)
				pv_push(E->a, &as->comps, pp->comps.v[c]);
			/* Each alias target, with what follows the alias name
			 * in pp appended (alias suffixes). */
			for (int t = 0; t < d->points.n; t++) {
				const struct probe_point *tp = d->points.v[t];
				struct probe_point *np = arena_alloc(E->a, sizeof(*np));
				struct ptrvec sub = { 0 };

				*np = *tp;
				np->comps = (struct ptrvec){ 0 };
				for (int c = 0; c < tp->comps.n; c++)
					pv_push(E->a, &np->comps, tp->comps.v[c]);
				for (int c = k; c < pp->comps.n; c++)
					pv_push(E->a, &np->comps, pp->comps.v[c]);
				if (expand_point(E, np, depth + 1, &sub) <= 0) {
					if (!tp->optional && !tp->sufficient &&
					    !pp->optional && !pp->sufficient && !sub.n)
						sem_error(E, tp->loc,
							  probe_point_text(E->a, np),
							  "probe point mismatch in "
							  "alias '%s': no provider or "
							  "alias matches",
							  probe_point_text(E->a, name));
					continue;
				}
				for (int x = 0; x < sub.n; x++) {
					struct expansion *ex = sub.v[x];

					/* This alias wraps what its target
					 * expanded to: its prologue runs after
					 * the inner prologues, its epilogue
					 * before the inner epilogues. */
					if (d->epilogue)
						prepend(E, &ex->post, d->body);
					else
						pv_push(E->a, &ex->pre, d->body);
					if (!d->epilogue && d->body2)
						prepend(E, &ex->post, d->body2);
					ex->alias = probe_point_text(E->a, as);
					pv_push(E->a, out, ex);
				}
				/* A sufficient target that resolved ends the
				 * alias's list, as in a probe. */
				if (tp->sufficient && sub.n)
					break;
			}
		}
	}
	return matched;
}

/* Expands one probe point into out; returns the number of expansions, or
 * -1 after reporting an error. */
static int expand_point(struct elab *E, const struct probe_point *pp, int depth,
			struct ptrvec *out)
{
	struct ptrvec targets = { 0 };
	const char *msg = NULL;
	enum match_result r;
	int before = out->n;

	if (depth > MAX_ALIAS_DEPTH) {
		sem_error(E, pp->loc, probe_point_text(E->a, pp),
			  "probe alias expansion too deep (recursive alias?)");
		return -1;
	}
	r = match_provider(E->s, pp, &targets, &msg);
	if (r == MATCH_OK) {
		struct expansion *ex = arena_alloc(E->a, sizeof(*ex));

		ex->targets = targets;
		pv_push(E->a, out, ex);
		if (E->s->verbose >= 2 && targets.n > 1)
			fprintf(stderr, "Pass 2: %s matched %d functions\n",
				probe_point_text(E->a, pp), targets.n);
		return 1;
	}
	if (r == MATCH_NOTHING) {
		if (pp->optional || pp->sufficient)
			return 0;
		sem_error(E, pp->loc, probe_point_text(E->a, pp),
			  "probe point mismatch: %s", msg);
		return -1;
	}
	if (r == MATCH_ERROR) {
		sem_error(E, pp->loc, probe_point_text(E->a, pp),
			  "probe point error: %s", msg);
		return -1;
	}
	if (r == MATCH_UNAVAILABLE) {
		if (pp->optional || pp->sufficient)
			return 0;
		if (!strcmp(E->s->runtime, "user"))
			sem_error(E, pp->loc, probe_point_text(E->a, pp),
				  "probe point not available in the user runtime "
				  "(--runtime=user): %s", msg);
		else
			sem_error(E, pp->loc, probe_point_text(E->a, pp),
				  "probe point not available: %s", msg);
		return -1;
	}
	if (expand_aliases(E, pp, depth, out) > 0)
		return out->n - before;
	/* '!' (sufficient) implies '?' (optional), as in SystemTap.  Alias
	 * targets are reported by the alias, which knows the names. */
	if (pp->optional || pp->sufficient || depth > 0)
		return 0;
	sem_error(E, pp->loc, probe_point_text(E->a, pp),
		  "probe point mismatch: no provider or alias matches");
	return -1;
}

static struct stmt *wrap_body(struct elab *E, const struct expansion *ex,
			      const struct stmt *body)
{
	struct stmt *b = arena_alloc(E->a, sizeof(*b));

	b->kind = S_BLOCK;
	b->loc = body->loc;
	for (int i = 0; i < ex->pre.n; i++)
		pv_push(E->a, &b->stmts, ast_clone_stmt(E->a, ex->pre.v[i]));
	pv_push(E->a, &b->stmts, ast_clone_stmt(E->a, body));
	for (int i = 0; i < ex->post.n; i++)
		pv_push(E->a, &b->stmts, ast_clone_stmt(E->a, ex->post.v[i]));
	return b;
}

static bool expr_uses_targets(const struct expr *e);

static bool stmt_uses_targets(const struct stmt *st)
{
	if (!st)
		return false;
	if (expr_uses_targets(st->e) || expr_uses_targets(st->init) ||
	    expr_uses_targets(st->incr) || expr_uses_targets(st->limit) ||
	    stmt_uses_targets(st->body) || stmt_uses_targets(st->els))
		return true;
	for (int i = 0; i < st->stmts.n; i++)
		if (stmt_uses_targets(st->stmts.v[i]))
			return true;
	for (int i = 0; i < st->slice.n; i++)
		if (expr_uses_targets(st->slice.v[i]))
			return true;
	return false;
}

static bool expr_uses_targets(const struct expr *e)
{
	if (!e)
		return false;
	if (e->kind == E_TARGET)
		return true;
	if (expr_uses_targets(e->a) || expr_uses_targets(e->b) ||
	    expr_uses_targets(e->c))
		return true;
	for (int i = 0; i < e->args.n; i++)
		if (expr_uses_targets(e->args.v[i]))
			return true;
	return false;
}

static bool uses_targets(const struct stmt *body, const struct expr *cond)
{
	return stmt_uses_targets(body) || expr_uses_targets(cond);
}

static void add_probe(struct elab *E, const struct probe_point *pp,
		      struct ptrvec *targets, struct stmt *body,
		      const char *alias)
{
	struct rprobe *p = arena_alloc(E->a, sizeof(*p));

	p->targets = *targets;
	p->alias = alias;
	p->body = body;
	p->cond = ast_clone_expr(E->a, pp->cond);
	p->loc = pp->loc;
	p->id = E->prog->probes.n;
	pv_push(E->a, &E->prog->probes, p);
	E->locals = &p->locals;
	E->fn = NULL;
	E->target = targets->n == 1 ? targets->v[0] : NULL;
	E->probe = p;
	E->loop_depth = 0;
	E->readonly = true;
	for (int i = 0; i < targets->n && guru_stapusr(E->s); i++) {
		const struct probe_target *t = targets->v[i];

		if (!guru_probe_unprivileged(t)) {
			sem_error(E, pp->loc, NULL, "probe point is not allowed "
				  "for --privilege=stapusr while resolving probe "
				  "point %s", t->pp);
			break;
		}
	}
	resolve_expr(E, p->cond);
	E->readonly = false;
	resolve_stmt(E, p->body);
}

static void resolve_probe(struct elab *E, const struct decl *d)
{
	for (int i = 0; i < d->points.n; i++) {
		const struct probe_point *pp = d->points.v[i];
		struct ptrvec exps = { 0 };
		int n = expand_point(E, pp, 0, &exps);

		for (int j = 0; j < exps.n; j++) {
			struct expansion *ex = exps.v[j];
			struct stmt *body = wrap_body(E, ex, d->body);

			/* One handler serves every target, unless target
			 * variables differ from one function to the next. */
			if (ex->targets.n > 1 && uses_targets(body, pp->cond)) {
				/* Each copy is made before any is resolved:
				 * resolving prunes @defined branches. */
				for (int k = 0; k < ex->targets.n; k++) {
					struct ptrvec one = { 0 };
					bool last = k == ex->targets.n - 1;

					pv_push(E->a, &one, ex->targets.v[k]);
					add_probe(E, pp, &one, last ? body :
						  ast_clone_stmt(E->a, body),
						  ex->alias);
				}
			} else {
				add_probe(E, pp, &ex->targets, body, ex->alias);
			}
		}
		/* A sufficient point that resolved ends the list. */
		if (n > 0 && pp->sufficient)
			break;
	}
}

/* ---- the pass ---- */

static void type_all(struct elab *E)
{
	for (int i = 0; i < E->prog->probes.n; i++) {
		struct rprobe *p = E->prog->probes.v[i];

		E->locals = &p->locals;
		E->fn = NULL;
		if (p->cond)
			require(E, p->cond, T_LONG);
		type_stmt(E, p->body);
	}
	for (int i = 0; i < E->prog->funcs.n; i++) {
		struct func *f = E->prog->funcs.v[i];

		E->locals = &f->locals;
		E->fn = f;
		type_stmt(E, f->body);
	}
}

static void check_symbols(struct elab *E, struct ptrvec *syms)
{
	/* After another error an unknown type is usually its echo. */
	if (E->nerrors)
		return;
	for (int i = 0; i < syms->n; i++) {
		struct symbol *s = syms->v[i];

		if (s->type == T_UNKNOWN && s->kind == SYM_LOCAL && !s->written)
			continue;	/* never assigned: warned below, reads 0 */
		if (s->type == T_UNKNOWN)
			sem_error(E, s->loc, s->name, "unresolved type");
	}
}

static void finish(struct elab *E)
{
	struct program *P = E->prog;
	bool keep = E->s->unoptimized;

	for (int i = 0; i < E->globals.n; i++) {
		struct symbol *g = E->globals.v[i];
		bool mine = g->loc.file == ((struct script *)E->scripts.v[0])->file;

		/* -u keeps the script's own unused globals, never a
		 * tapset's: its functions are not typed unless used. */
		if (!g->used && (!keep || !mine)) {
			if (g->decl && !g->decl->private_ && mine)
				sem_warning(E, g->loc, g->name,
					    "Eliding unused variable '%s'", g->name);
			continue;
		}
		if (g->nkeys < 0)
			g->nkeys = 0;
		if (g->type == T_UNKNOWN && !E->nerrors)
			sem_error(E, g->loc, g->name, "unresolved type");
		g->id = P->globals.n;
		pv_push(E->a, &P->globals, g);
	}
	for (int i = 0; i < E->funcs.n; i++) {
		struct func *f = E->funcs.v[i];

		if (f->used || f->library)
			continue;
		sem_warning(E, f->decl->loc, f->name,
			    "Eliding unused function '%s'", f->name);
	}
	for (int i = 0; i < P->probes.n; i++) {
		struct rprobe *p = P->probes.v[i];

		check_symbols(E, &p->locals);
		for (int j = 0; j < p->locals.n; j++) {
			struct symbol *l = p->locals.v[j];

			if (!l->written)
				sem_warning(E, l->loc, l->name,
					    "never-assigned local variable '%s'",
					    l->name);
			if (l->type == T_UNKNOWN)
				l->type = T_LONG;
		}
	}
	for (int i = 0; i < P->funcs.n; i++) {
		struct func *f = P->funcs.v[i];

		check_symbols(E, &f->params);
		check_symbols(E, &f->locals);
		for (int j = 0; j < f->locals.n; j++) {
			struct symbol *l = f->locals.v[j];

			if (l->type == T_UNKNOWN)
				l->type = T_LONG;
		}
	}
}

int elaborate(struct session *s, struct script *user, struct ptrvec *library,
	      struct ptrvec *other, struct program *out)
{
	struct elab E;

	memset(&E, 0, sizeof(E));
	E.other = other;
	memset(out, 0, sizeof(*out));
	E.s = s;
	E.a = &s->arena;
	E.prog = out;
	pv_push(E.a, &E.scripts, user);
	collect(&E, user, false);
	for (int i = 0; i < library->n; i++)
		collect(&E, library->v[i], true);
	for (int i = 0; i < user->decls.n; i++) {
		const struct decl *d = user->decls.v[i];

		if (d->kind == D_PROBE)
			resolve_probe(&E, d);
		else if (d->kind == D_EMBEDDED)
			pv_push(E.a, &out->embedded, (void *)d);
	}
	/* -u keeps unused functions: they are typed like the rest. */
	for (int i = 0; i < E.funcs.n && s->unoptimized; i++) {
		struct func *f = E.funcs.v[i];

		if (!f->library)
			use_function(&E, f);
	}
	if (!out->probes.n && !E.nerrors && !s->list_probe && !s->list_probe_vars)
		sem_error(&E, (struct srcloc){ user->file, 1, 1 }, NULL,
			  "no probes found");
	/* Infer to a fixed point (each round can only add information),
	 * then check once with reporting on. */
	for (int round = 0; round < 64; round++) {
		E.changed = false;
		type_all(&E);
		if (!E.changed)
			break;
	}
	E.report = true;
	type_all(&E);
	if (!E.nerrors)
		check_iteration(&E);
	finish(&E);
	if (!E.nerrors && !s->unoptimized)
		guru_optimize(E.a, out);
	for (int i = 0; i < library->n; i++) {
		struct script *lib = library->v[i];
		bool used = false;

		for (int j = 0; j < out->funcs.n && !used; j++)
			used = ((struct func *)out->funcs.v[j])->decl->loc.file == lib->file;
		if (!used)
			continue;
		out->nlibrary++;
		for (int j = 0; j < lib->decls.n; j++) {
			const struct decl *d = lib->decls.v[j];

			if (d->kind == D_EMBEDDED)
				pv_push(E.a, &out->embedded, (void *)d);
		}
	}
	return E.nerrors;
}

/* ---- -p2 output ---- */

static void print_sym(FILE *f, const struct symbol *s)
{
	fprintf(f, "%s:%s", s->name, type_name(s->type));
	if (s->nkeys > 0) {
		fputc(' ', f);
		fputc('[', f);
		for (int i = 0; i < s->nkeys; i++)
			fprintf(f, "%s%s", i ? ", " : "", type_name(s->keys[i]));
		fputc(']', f);
	}
	fputc('\n', f);
}

void print_program(FILE *f, const struct program *p)
{
	fputs("# globals\n", f);
	for (int i = 0; i < p->globals.n; i++)
		print_sym(f, p->globals.v[i]);
	fputs("# functions\n", f);
	for (int i = 0; i < p->funcs.n; i++) {
		const struct func *fn = p->funcs.v[i];

		fprintf(f, "%s:%s (", fn->name, type_name(fn->ret));
		for (int j = 0; j < fn->params.n; j++) {
			const struct symbol *s = fn->params.v[j];

			fprintf(f, "%s%s:%s", j ? ", " : "", s->name,
				type_name(s->type));
		}
		fputs(")\n", f);
		if (fn->locals.n)
			fputs("  # locals\n", f);
		for (int j = 0; j < fn->locals.n; j++) {
			fputs("  ", f);
			print_sym(f, fn->locals.v[j]);
		}
	}
	fputs("# probes\n", f);
	for (int i = 0; i < p->probes.n; i++) {
		const struct rprobe *pr = p->probes.v[i];

		for (int j = 0; j < pr->targets.n; j++)
			fprintf(f, "%s%s", j ? ", " : "",
				((const struct probe_target *)pr->targets.v[j])->pp);
		fputc('\n', f);
		if (pr->locals.n)
			fputs("  # locals\n", f);
		for (int j = 0; j < pr->locals.n; j++) {
			fputs("  ", f);
			print_sym(f, pr->locals.v[j]);
		}
	}
}
