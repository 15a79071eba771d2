/* pp.c - the preprocessor: a filter between the lexer and the grammar.
 *
 * It works on tokens, not text, so a conditional or a macro may stand
 * anywhere a token can: %( cond %? then %: else %) picks one branch (the
 * other is skipped unparsed), @define NAME(params) %( body %) records a
 * macro and @NAME(args) expands it, $N is replaced by script argument N
 * re-lexed as tokens, @N by it as a string literal, $# and @# by the count.
 *
 * Token sources form a stack: the file's lexer at the bottom, macro bodies,
 * macro arguments and script arguments pushed over it while they expand. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_int.h"
#include "parser.h"

#define MAX_SOURCES 256
#define MAX_MACRO_DEPTH 64
#define EXPANSION_BUDGET 4000000	/* tokens produced by expansions */

struct tokvec {
	struct token *v;
	int n, cap;
};

struct macro {
	const char *name;
	struct srcloc loc;
	bool has_parens;
	int nparams;
	const char **params;
	struct tokvec body;
	struct macro *next;
};

/* The bindings in force while a macro body expands. */
struct env {
	const struct macro *m;
	struct tokvec *args;
	const struct env *caller;	/* where the macro was called */
	int depth;
};

struct source {
	struct lexer *lx;		/* or NULL for a token array */
	const struct tokvec *toks;
	int pos;
	const struct env *env;
	struct source *prev;
};

/* An open %( %): the source it started in, and which branch we are in. */
struct cond {
	struct srcloc loc;
	bool in_else;
	const struct source *src;
	struct cond *prev;
};

struct pp {
	struct parser *P;
	struct source *top;
	int nsources;
	struct cond *conds;
	struct macro *macros;
	long budget;
	struct token cur;		/* condition parser's current token */
};

static void tv_push(struct arena *a, struct tokvec *tv, const struct token *t)
{
	if (tv->n == tv->cap) {
		int cap = tv->cap ? tv->cap * 2 : 8;
		struct token *v = arena_alloc(a, sizeof(*v) * (size_t)cap);

		if (tv->n)
			memcpy(v, tv->v, sizeof(*v) * (size_t)tv->n);
		tv->v = v;
		tv->cap = cap;
	}
	tv->v[tv->n++] = *t;
}

static bool push_source(struct pp *pp, struct lexer *lx,
			const struct tokvec *toks, const struct env *env,
			struct srcloc at)
{
	struct source *s;

	if (pp->nsources >= MAX_SOURCES) {
		parse_error(pp->P, at, NULL,
			    "macro or argument expansion nested too deeply");
		lexer_free(lx);
		return false;
	}
	if (toks) {
		pp->budget -= toks->n;
		if (pp->budget < 0) {
			parse_error(pp->P, at, NULL, "macro expansion too large");
			return false;
		}
	}
	s = xmalloc(sizeof(*s));
	s->lx = lx;
	s->toks = toks;
	s->pos = 0;
	s->env = env;
	s->prev = pp->top;
	pp->top = s;
	pp->nsources++;
	return true;
}

static void pop_source(struct pp *pp)
{
	struct source *s = pp->top;

	pp->top = s->prev;
	pp->nsources--;
	lexer_free(s->lx);
	free(s);
}

static void next_token(struct pp *pp, struct token *t, bool conds);
static void free_conds(struct pp *pp);

/* The @define's of a macro library (a .stpm file) into pp's macros;
 * anything else in it is an error. */
static void preload_macros(struct pp *pp, const struct srcfile *f)
{
	struct srcloc none = { f, 1, 1 };
	struct pp lib;
	struct token t;

	memset(&lib, 0, sizeof(lib));
	lib.P = pp->P;
	lib.budget = EXPANSION_BUDGET;
	lib.macros = pp->macros;
	push_source(&lib, lexer_new(pp->P, f, f->buf, f->len, NULL), NULL,
		    NULL, none);
	next_token(&lib, &t, true);
	if (t.type)
		parse_error(pp->P, t.loc, &t, "only @define may stand in a "
			    "macro library (.stpm file)");
	while (lib.top)
		pop_source(&lib);
	free_conds(&lib);
	pp->macros = lib.macros;
}

struct pp *pp_new(struct parser *P)
{
	struct pp *pp = xmalloc(sizeof(*pp));
	struct srcloc none = { P->file, 1, 1 };

	memset(pp, 0, sizeof(*pp));
	pp->P = P;
	pp->budget = EXPANSION_BUDGET;
	for (int i = 0; P->opts && i < P->opts->nmacro_files; i++)
		preload_macros(pp, P->opts->macro_files[i]);
	push_source(pp, lexer_new(P, P->file, P->file->buf, P->file->len, NULL),
		    NULL, NULL, none);
	return pp;
}

static void free_conds(struct pp *pp)
{
	struct cond *c, *next;

	for (c = pp->conds; c; c = next) {
		next = c->prev;
		free(c);
	}
	pp->conds = NULL;
}

void pp_free(struct pp *pp)
{
	if (!pp)
		return;
	while (pp->top)
		pop_source(pp);
	free_conds(pp);
	free(pp);
}

/* The next token of the top source only; type 0 when it is used up. */
static void raw_next(struct pp *pp, struct token *t)
{
	struct source *s = pp->top;

	if (s->lx) {
		lexer_next(s->lx, t);
	} else if (s->pos < s->toks->n) {
		*t = s->toks->v[s->pos++];
	} else {
		memset(t, 0, sizeof(*t));
		t->text = "";
		t->loc = s->toks->n ? s->toks->v[s->toks->n - 1].loc
				    : (struct srcloc){ pp->P->file, 1, 1 };
	}
}

static bool too_many_errors(struct pp *pp)
{
	struct parser *P = pp->P;

	return P->nerrors >= (P->max_errors ? P->max_errors : 20);
}

static void pop_conds_of(struct pp *pp, const struct source *s)
{
	while (pp->conds && pp->conds->src == s) {
		struct cond *c = pp->conds;

		parse_error(pp->P, c->loc, NULL,
			    "missing '%%)' to end this conditional");
		pp->conds = c->prev;
		free(c);
	}
}

static char *quote_arg(struct arena *a, const char *s)
{
	struct strbuf sb;
	char *r;

	sb_init(&sb);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(&sb, "\\%c", c);
		else if (c == '\n')
			sb_puts(&sb, "\\n");
		else if (c < 0x20 || c == 0x7f)
			sb_printf(&sb, "\\%03o", c);
		else
			sb_putc(&sb, (char)c);
	}
	r = arena_strndup(a, sb_cstr(&sb), sb.len);
	sb_free(&sb);
	return r;
}

static const struct macro *find_macro(struct pp *pp, const char *name)
{
	for (const struct macro *m = pp->macros; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

/* Reads one macro argument list after '(' from the top source. */
static bool read_macro_args(struct pp *pp, const struct macro *m,
			    const struct token *at, struct tokvec **out)
{
	struct arena *a = pp->P->arena;
	struct tokvec *args = arena_alloc(a, sizeof(*args) * (size_t)(m->nparams + 1));
	int n = 0, depth = 0;
	struct token t;

	for (;;) {
		raw_next(pp, &t);
		if (t.type == 0) {
			parse_error(pp->P, at->loc, at,
				    "unterminated argument list of macro");
			return false;
		}
		if (depth == 0 && (t.type == ',' || t.type == ')')) {
			if (n < m->nparams)
				n++;
			else
				n = m->nparams + 1;
			if (t.type == ')')
				break;
			continue;
		}
		if (t.type == '(' || t.type == '[' || t.type == '{')
			depth++;
		else if (t.type == ')' || t.type == ']' || t.type == '}')
			depth--;
		if (n <= m->nparams)
			tv_push(a, &args[n < m->nparams ? n : m->nparams], &t);
	}
	/* "@m()" passes no arguments, not one empty one. */
	if (m->nparams == 0 && args[0].n == 0 && n == 1)
		n = 0;
	if (n != m->nparams) {
		parse_error(pp->P, at->loc, at,
			    "macro @%s takes %d argument%s, %d given", m->name,
			    m->nparams, m->nparams == 1 ? "" : "s", n);
		return false;
	}
	*out = args;
	return true;
}

static void expand_macro(struct pp *pp, const struct token *t)
{
	const char *name = t->text + 1;
	const struct env *env = pp->top->env;
	const struct macro *m;
	struct tokvec *args = NULL;
	struct env *ne;

	/* A parameter of the macro being expanded. */
	if (env) {
		for (int i = 0; i < env->m->nparams; i++) {
			if (!strcmp(env->m->params[i], name)) {
				push_source(pp, NULL, &env->args[i], env->caller,
					    t->loc);
				return;
			}
		}
	}
	m = find_macro(pp, name);
	if (!m) {
		parse_error(pp->P, t->loc, t, "unknown macro or @-operator '@%s'",
			    name);
		return;
	}
	if (m->has_parens) {
		struct token open;

		raw_next(pp, &open);
		if (open.type != '(') {
			parse_error(pp->P, open.loc, &open,
				    "expected '(' after macro @%s", name);
			return;
		}
		if (!read_macro_args(pp, m, t, &args))
			return;
	}
	if ((env ? env->depth : 0) >= MAX_MACRO_DEPTH) {
		parse_error(pp->P, t->loc, t,
			    "macro expansion too deep (is @%s recursive?)", name);
		return;
	}
	ne = arena_alloc(pp->P->arena, sizeof(*ne));
	ne->m = m;
	ne->args = args;
	ne->caller = env;
	ne->depth = (env ? env->depth : 0) + 1;
	push_source(pp, NULL, &m->body, ne, t->loc);
}

static void define_macro(struct pp *pp, const struct token *def)
{
	struct arena *a = pp->P->arena;
	struct macro *m = arena_alloc(a, sizeof(*m));
	struct ptrvec params = { 0 };
	struct token t;
	int depth = 0;

	raw_next(pp, &t);
	if (t.type != TOK_IDENT) {
		parse_error(pp->P, t.loc, &t, "expected macro name after @define");
		return;
	}
	m->name = t.text;
	m->loc = t.loc;
	raw_next(pp, &t);
	if (t.type == '(') {
		m->has_parens = true;
		raw_next(pp, &t);
		while (t.type == TOK_IDENT) {
			pv_push(a, &params, (void *)t.text);
			raw_next(pp, &t);
			if (t.type != ',')
				break;
			raw_next(pp, &t);
		}
		if (t.type != ')') {
			parse_error(pp->P, t.loc, &t,
				    "expected parameter name or ')' in @define");
			return;
		}
		raw_next(pp, &t);
	}
	m->nparams = params.n;
	m->params = (const char **)params.v;
	if (t.type != TOK_PP_OPEN) {
		parse_error(pp->P, t.loc, &t,
			    "expected '%%(' to start the body of macro @%s",
			    m->name);
		return;
	}
	for (;;) {
		raw_next(pp, &t);
		if (t.type == 0) {
			parse_error(pp->P, def->loc, def,
				    "missing '%%)' to end the body of macro @%s",
				    m->name);
			return;
		}
		if (t.type == TOK_PP_OPEN)
			depth++;
		else if (t.type == TOK_PP_CLOSE && depth-- == 0)
			break;
		tv_push(a, &m->body, &t);
	}
	if (find_macro(pp, m->name)) {
		parse_error(pp->P, m->loc, NULL, "macro @%s already defined",
			    m->name);
		return;
	}
	m->next = pp->macros;
	pp->macros = m;
}

/* Next token after argument and macro substitution; with 'conds', also
 * after resolving %( %? %: %). */
static void next_token(struct pp *pp, struct token *t, bool conds);

static void skip_branch(struct pp *pp, bool stop_at_else, struct token *t)
{
	int depth = 0;

	for (;;) {
		raw_next(pp, t);
		if (t->type == 0)
			return;
		if (t->type == TOK_PP_OPEN)
			depth++;
		else if (t->type == TOK_PP_CLOSE && depth-- == 0)
			return;
		else if (t->type == TOK_PP_ELSE && depth == 0 && stop_at_else)
			return;
	}
}

/* ---- %( condition %? evaluation ---- */

enum cval_kind { CV_NUM, CV_STR, CV_VERSION, CV_CONFIG };

struct cval {
	enum cval_kind kind;
	const char *s;		/* NULL for an unset CONFIG_ */
	int64_t n;
};

static void cond_advance(struct pp *pp)
{
	next_token(pp, &pp->cur, false);
}

static int version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long long x = 0, y = 0;

		while (*a && (*a < '0' || *a > '9'))
			a++;
		while (*b && (*b < '0' || *b > '9'))
			b++;
		if (*a)
			x = strtoull(a, (char **)&a, 10);
		if (*b)
			y = strtoull(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool cond_operand(struct pp *pp, struct cval *v)
{
	const struct parse_opts *o = pp->P->opts;
	struct token *t = &pp->cur;
	bool neg = false;

	if (t->type == '-') {
		neg = true;
		cond_advance(pp);
	}
	if (t->type == TOK_NUMBER) {
		v->kind = CV_NUM;
		/* in unsigned arithmetic: -9223372036854775808 does not overflow */
		v->n = (int64_t)(neg ? 0 - t->num : t->num);
		cond_advance(pp);
		return true;
	}
	if (neg) {
		parse_error(pp->P, t->loc, t, "expected number after '-'");
		return false;
	}
	if (t->type == TOK_STRING) {
		v->kind = CV_STR;
		v->s = t->text;
		cond_advance(pp);
		return true;
	}
	if (t->type != TOK_IDENT) {
		parse_error(pp->P, t->loc, t,
			    "expected kernel_v, kernel_vr, arch, runtime, "
			    "systemtap_v, systemtap_privilege, guru_mode, "
			    "CONFIG_..., $# or a literal in conditional");
		return false;
	}
	v->kind = CV_STR;
	if (!strcmp(t->text, "kernel_v")) {
		v->kind = CV_VERSION;
		v->s = o->kernel_v ? o->kernel_v : "";
	} else if (!strcmp(t->text, "kernel_vr")) {
		v->kind = CV_VERSION;
		v->s = o->kernel_vr ? o->kernel_vr : "";
	} else if (!strcmp(t->text, "systemtap_v")) {
		v->kind = CV_VERSION;
		v->s = o->systemtap_v ? o->systemtap_v : "";
	} else if (!strcmp(t->text, "arch")) {
		v->s = o->arch ? o->arch : "";
	} else if (!strcmp(t->text, "runtime")) {
		v->s = o->runtime ? o->runtime : "kernel";
	} else if (!strcmp(t->text, "systemtap_privilege")) {
		v->s = o->privilege ? o->privilege : "stapdev";
	} else if (!strcmp(t->text, "guru_mode")) {
		v->kind = CV_NUM;
		v->n = o->guru;
	} else if (!strncmp(t->text, "CONFIG_", 7)) {
		v->kind = CV_CONFIG;
		v->s = o->kconfig ? o->kconfig(o->kconfig_data, t->text) : NULL;
	} else {
		parse_error(pp->P, t->loc, t,
			    "unknown name '%s' in preprocessor conditional",
			    t->text);
		return false;
	}
	cond_advance(pp);
	return true;
}

static int cond_op(int type)
{
	switch (type) {
	case TOK_EQ: case TOK_NE: case '<': case '>': case TOK_LE: case TOK_GE:
		return type;
	}
	return 0;
}

static bool apply_cmp(int op, int c)
{
	switch (op) {
	case TOK_EQ: return c == 0;
	case TOK_NE: return c != 0;
	case '<': return c < 0;
	case '>': return c > 0;
	case TOK_LE: return c <= 0;
	default: return c >= 0;
	}
}

static bool compare(struct pp *pp, struct cval *l, int op, struct cval *r,
		    const struct token *at, bool *ok)
{
	bool eq_op = op == TOK_EQ || op == TOK_NE;

	if (r->kind == CV_VERSION || r->kind == CV_CONFIG) {
		/* Allow the literal on the left: "2.6" <= kernel_v. */
		struct cval *tmp = l;
		static const int flip[][2] = { { '<', '>' }, { '>', '<' },
					       { TOK_LE, TOK_GE }, { TOK_GE, TOK_LE } };

		l = r;
		r = tmp;
		for (size_t i = 0; i < 4; i++)
			if (op == flip[i][0]) {
				op = flip[i][1];
				break;
			}
	}
	switch (l->kind) {
	case CV_VERSION:
		if (r->kind != CV_STR)
			break;
		if (eq_op && has_glob(r->s))
			return (fnmatch(r->s, l->s, 0) == 0) == (op == TOK_EQ);
		return apply_cmp(op, version_cmp(l->s, r->s));
	case CV_CONFIG:
		if (r->kind == CV_NUM) {
			l->kind = CV_NUM;
			l->n = l->s ? strtoll(l->s, NULL, 0) : 0;
			return apply_cmp(op, l->n < r->n ? -1 : l->n > r->n);
		}
		if (r->kind != CV_STR)
			break;
		l->s = l->s ? l->s : "";
		/* fallthrough */
	case CV_STR:
		if (r->kind != CV_STR)
			break;
		if (eq_op)
			return (fnmatch(r->s, l->s, 0) == 0) == (op == TOK_EQ);
		return apply_cmp(op, strcmp(l->s, r->s));
	case CV_NUM:
		if (r->kind != CV_NUM)
			break;
		return apply_cmp(op, l->n < r->n ? -1 : l->n > r->n);
	}
	parse_error(pp->P, at->loc, at,
		    "cannot compare a string with a number in conditional");
	*ok = false;
	return false;
}

static bool cond_or(struct pp *pp, bool *ok);

static bool cond_atom(struct pp *pp, bool *ok)
{
	struct cval l, r;
	struct token optok;
	int op;

	if (pp->cur.type == '(') {
		bool v;

		cond_advance(pp);
		v = cond_or(pp, ok);
		if (*ok && pp->cur.type != ')') {
			parse_error(pp->P, pp->cur.loc, &pp->cur,
				    "expected ')' in conditional");
			*ok = false;
		}
		if (*ok)
			cond_advance(pp);
		return v;
	}
	if (!cond_operand(pp, &l)) {
		*ok = false;
		return false;
	}
	optok = pp->cur;
	op = cond_op(optok.type);
	if (!op) {
		parse_error(pp->P, optok.loc, &optok,
			    "expected comparison operator in conditional");
		*ok = false;
		return false;
	}
	cond_advance(pp);
	if (!cond_operand(pp, &r)) {
		*ok = false;
		return false;
	}
	return compare(pp, &l, op, &r, &optok, ok);
}

static bool cond_and(struct pp *pp, bool *ok)
{
	bool v = cond_atom(pp, ok);

	while (*ok && pp->cur.type == TOK_LAND) {
		cond_advance(pp);
		v = cond_atom(pp, ok) && v;
	}
	return v;
}

static bool cond_or(struct pp *pp, bool *ok)
{
	bool v = cond_and(pp, ok);

	while (*ok && pp->cur.type == TOK_LOR) {
		cond_advance(pp);
		v = cond_and(pp, ok) || v;
	}
	return v;
}

/* Parses "cond %?" after "%(", leaving the branch to take next. */
static void open_conditional(struct pp *pp, const struct token *open)
{
	struct cond *c;
	bool ok = true, v;
	struct token t;

	cond_advance(pp);
	v = cond_or(pp, &ok);
	if (ok && pp->cur.type != TOK_PP_THEN) {
		parse_error(pp->P, pp->cur.loc, &pp->cur,
			    "expected '%%?' after the condition");
		ok = false;
	}
	/* On a malformed condition skip the whole construct. */
	if (!ok) {
		skip_branch(pp, false, &t);
		return;
	}
	c = xmalloc(sizeof(*c));
	c->loc = open->loc;
	c->in_else = false;
	c->src = pp->top;
	c->prev = pp->conds;
	pp->conds = c;
	if (!v) {
		skip_branch(pp, true, &t);
		if (t.type == TOK_PP_ELSE) {
			c->in_else = true;
		} else {
			pp->conds = c->prev;
			free(c);
			if (t.type == 0)
				parse_error(pp->P, open->loc, open,
					    "missing '%%)' to end this conditional");
		}
	}
}

static void next_token(struct pp *pp, struct token *t, bool conds)
{
	const struct parse_opts *o = pp->P->opts;

	for (;;) {
		if (too_many_errors(pp)) {
			memset(t, 0, sizeof(*t));
			t->text = "";
			return;
		}
		raw_next(pp, t);
		switch (t->type) {
		case 0:
			pop_conds_of(pp, pp->top);
			if (!pp->top->prev)
				return;
			pop_source(pp);
			continue;
		case TOK_AT_DEFINE:
			define_macro(pp, t);
			continue;
		case TOK_AT_IDENT:
			expand_macro(pp, t);
			continue;
		case TOK_DOLLAR_ARG: {
			long n = strtol(t->text + 1, NULL, 10);

			if (n < 1 || n > o->argc) {
				parse_error(pp->P, t->loc, t,
					    "command line argument index %ld out of range [1-%d]",
					    n, o->argc);
				t->type = TOK_NUMBER;
				t->num = 0;
				return;
			}
			push_source(pp, lexer_new(pp->P, t->loc.file, o->argv[n - 1],
						  strlen(o->argv[n - 1]), &t->loc),
				    NULL, pp->top->env, t->loc);
			continue;
		}
		case TOK_DOLLAR_HASH:
			t->type = TOK_NUMBER;
			t->num = (uint64_t)o->argc;
			t->text = arena_printf(pp->P->arena, "%d", o->argc);
			return;
		case TOK_AT_HASH:
			t->type = TOK_STRING;
			t->text = arena_printf(pp->P->arena, "%d", o->argc);
			return;
		case TOK_AT_ARG: {
			long n = strtol(t->text + 1, NULL, 10);

			if (n < 1 || n > o->argc) {
				parse_error(pp->P, t->loc, t,
					    "command line argument index %ld out of range [1-%d]",
					    n, o->argc);
				t->text = "";
			} else {
				t->text = quote_arg(pp->P->arena, o->argv[n - 1]);
			}
			t->type = TOK_STRING;
			t->len = (int)strlen(t->text);
			return;
		}
		}
		if (!conds)
			return;
		switch (t->type) {
		case TOK_PP_OPEN:
			open_conditional(pp, t);
			continue;
		case TOK_PP_ELSE:
			if (!pp->conds || pp->conds->src != pp->top ||
			    pp->conds->in_else) {
				parse_error(pp->P, t->loc, t,
					    "'%%:' outside a '%%( %%?' conditional");
				continue;
			}
			/* The branch taken ends here: skip to its %). */
			skip_branch(pp, false, t);
			/* fallthrough */
		case TOK_PP_CLOSE:
			if (!pp->conds || pp->conds->src != pp->top) {
				parse_error(pp->P, t->loc, t,
					    "'%%)' without a matching '%%('");
			} else {
				struct cond *c = pp->conds;

				if (t->type == 0)
					parse_error(pp->P, c->loc, NULL,
						    "missing '%%)' to end this conditional");
				pp->conds = c->prev;
				free(c);
			}
			continue;
		case TOK_PP_THEN:
			parse_error(pp->P, t->loc, t,
				    "'%%?' outside a '%%(' conditional");
			continue;
		}
		return;
	}
}

void pp_next(struct pp *pp, struct token *t)
{
	next_token(pp, t, true);
}
