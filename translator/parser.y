/* parser.y - the grammar of the stap script language: the single source of
 * truth for its syntax.
 *
 * Tokens arrive through the preprocessor (pp.c), so %( %) conditionals,
 * macros and script arguments are already resolved.  Actions build the AST
 * (ast.h) in the parse arena; syntax errors are reported with what was
 * expected, and the parser resynchronises at the next top-level
 * declaration. */

%define api.pure full
%define api.token.prefix {TOK_}
%define parse.error custom
%define parse.lac none
%locations
%define api.location.type {struct srcloc}
%param {struct parser *P}

%code requires {
#include "parse_int.h"
}

%code provides {
int yyparse(struct parser *P);
}

%code {
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting than this is reported, not recursed into by later passes. */
#define YYMAXDEPTH 2000
#define YYINITDEPTH 200

#define YYLLOC_DEFAULT(Cur, Rhs, N)				\
	do {							\
		if (N)						\
			(Cur) = YYRHSLOC(Rhs, 1);		\
		else						\
			(Cur) = YYRHSLOC(Rhs, 0);		\
	} while (0)

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *P);

/* Tokens that can begin a top-level declaration: where error recovery
 * resumes. */
static bool starts_declaration(int type)
{
	return type == TOK_PROBE || type == TOK_GLOBAL || type == TOK_FUNCTION ||
	       type == TOK_PRIVATE || type == TOK_EMBEDDED;
}
static void yyerror(YYLTYPE *loc, struct parser *P, const char *msg);

#define MAX_PP_EXPANSION 10000

static struct expr *mk(struct parser *P, enum expr_kind k, struct srcloc l)
{
	return expr_new(P, k, l);
}

static struct expr *mk_bin(struct parser *P, enum expr_kind k, enum op op,
			   struct expr *a, struct expr *b, struct srcloc l)
{
	struct expr *e = expr_new(P, k, l);

	e->op = op;
	e->a = a;
	e->b = b;
	return e;
}

static struct expr *mk_un(struct parser *P, enum expr_kind k, enum op op,
			  struct expr *a, struct srcloc l)
{
	return mk_bin(P, k, op, a, NULL, l);
}

static struct expr *mk_num(struct parser *P, const struct token *t)
{
	struct expr *e = expr_new(P, E_NUM, t->loc);

	e->num = (int64_t)t->num;
	return e;
}

static bool is_lvalue(const struct expr *e)
{
	switch (e->kind) {
	case E_SYM: case E_INDEX: case E_TARGET: case E_CAST: case E_ATVAR:
		return true;
	default:
		return false;
	}
}

static struct expr *mk_assign(struct parser *P, enum op op, struct expr *l,
			      struct expr *r, const struct token *t)
{
	if (!is_lvalue(l))
		parse_error(P, t->loc, t, "expected a variable, array element "
			    "or target variable on the left of '%s'", t->text);
	return mk_bin(P, E_ASSIGN, op, l, r, t->loc);
}

static void check_embedded(struct parser *P, const struct token *t)
{
	if (!P->opts->guru && !P->opts->library)
		parse_error(P, t->loc, NULL,
			    "embedded code in unprivileged script; need stap -g");
}

/* Joins adjacent string literals: "a" "b" is "ab". */
static struct token *join_strings(struct parser *P, struct token *a,
				  const struct token *b)
{
	a->text = arena_printf(P->arena, "%s%s", a->text, b->text);
	a->len += b->len;
	return a;
}

static struct expr *mk_str(struct parser *P, const struct token *t)
{
	struct expr *e = expr_new(P, E_STR, t->loc);

	e->str = t->text;
	return e;
}

static struct target_comp *mk_comp(struct parser *P, const struct token *t,
				   struct expr *index)
{
	struct target_comp *c = arena_alloc(P->arena, sizeof(*c));

	c->loc = t->loc;
	c->is_index = index != NULL;
	c->index = index;
	if (!index) {
		size_t n = strlen(t->text);

		/* member$ and member$$ ask for pretty printing. */
		while (n && t->text[n - 1] == '$')
			n--;
		c->member = arena_strndup(P->arena, t->text, n);
	}
	return c;
}

static struct expr *add_comp(struct parser *P, struct expr *e,
			     const struct token *t, struct expr *index)
{
	if (e->pretty)
		parse_error(P, t->loc, t, "nothing may follow a '$' or '$$' "
			    "pretty-printing suffix");
	pv_push(P->arena, &e->comps, mk_comp(P, t, index));
	if (!index) {
		size_t n = strlen(t->text);

		while (n && t->text[n - 1] == '$') {
			e->pretty++;
			n--;
		}
	}
	return e;
}

/* @cast(...)$, @var("x")$$, $a[2]$: the suffix after a ')' or ']'. */
static struct expr *add_pretty(struct parser *P, struct expr *e,
			       const struct token *t)
{
	if (e->pretty)
		parse_error(P, t->loc, t, "nothing may follow a '$' or '$$' "
			    "pretty-printing suffix");
	e->pretty = (int)strlen(t->text);
	return e;
}

static struct expr *mk_target(struct parser *P, const struct token *t)
{
	struct expr *e = expr_new(P, E_TARGET, t->loc);
	size_t n = strlen(t->text);

	/* "$$vars$" is the name "$$vars" with one pretty suffix; "$x$$" is
	 * "$x" with two. */
	while (n > 1 && t->text[n - 1] == '$' && t->text[n - 2] != '$') {
		e->pretty++;
		n--;
	}
	while (n > 2 && t->text[n - 1] == '$') {
		e->pretty++;
		n--;
	}
	e->name = arena_strndup(P->arena, t->text, n);
	return e;
}

static struct probe_point *ppoint_new(struct parser *P, struct srcloc loc)
{
	struct probe_point *pp = arena_alloc(P->arena, sizeof(*pp));

	pp->loc = loc;
	return pp;
}

/* The probe points a brace alternation stands for: the cartesian product
 * of the alternatives of each component. */
static struct ptrvec pp_product(struct parser *P, struct ptrvec left,
				struct ptrvec right, struct srcloc loc)
{
	struct ptrvec out = { 0 };

	if ((long)left.n * right.n > MAX_PP_EXPANSION) {
		parse_error(P, loc, NULL,
			    "probe point alternatives expand to too many probe points");
		return left;
	}
	for (int i = 0; i < left.n; i++) {
		for (int j = 0; j < right.n; j++) {
			struct probe_point *a = left.v[i], *b = right.v[j];
			struct probe_point *pp = ppoint_new(P, a->loc);

			for (int k = 0; k < a->comps.n; k++)
				pv_push(P->arena, &pp->comps, a->comps.v[k]);
			for (int k = 0; k < b->comps.n; k++)
				pv_push(P->arena, &pp->comps, b->comps.v[k]);
			pp->optional = a->optional || b->optional;
			pp->sufficient = a->sufficient || b->sufficient;
			pv_push(P->arena, &out, pp);
		}
	}
	return out;
}

static struct ptrvec pp_flag(struct parser *P, struct ptrvec pps, int flags)
{
	for (int i = 0; i < pps.n; i++) {
		struct probe_point *pp = pps.v[i];

		pp->optional |= (flags & 1) != 0;
		pp->sufficient |= (flags & 2) != 0;
	}
	(void)P;
	return pps;
}

static struct ptrvec pv_concat(struct parser *P, struct ptrvec a,
			       struct ptrvec b)
{
	for (int i = 0; i < b.n; i++)
		pv_push(P->arena, &a, b.v[i]);
	return a;
}

static struct ptrvec pv_one(struct parser *P, void *p)
{
	struct ptrvec v = { 0 };

	pv_push(P->arena, &v, p);
	return v;
}

static enum val_type parse_type(struct parser *P, const struct token *t)
{
	if (!strcmp(t->text, "long"))
		return T_LONG;
	if (!strcmp(t->text, "string"))
		return T_STRING;
	parse_error(P, t->loc, t, "expected type 'long' or 'string'");
	return T_UNKNOWN;
}

static void add_decl(struct parser *P, struct decl *d)
{
	pv_push(P->arena, &P->script->decls, d);
}

static struct decl *mk_global(struct parser *P, const struct token *name)
{
	struct decl *d = decl_new(P, D_GLOBAL, name->loc);

	d->name = name->text;
	return d;
}

static struct stmt *mk_block(struct parser *P, struct srcloc loc,
			     struct ptrvec stmts)
{
	struct stmt *s = stmt_new(P, S_BLOCK, loc);

	s->stmts = stmts;
	return s;
}

static int global_size(struct parser *P, const struct token *t)
{
	if (t->num < 1 || t->num > 1000000000) {
		parse_error(P, t->loc, t, "array size must be between 1 and 1000000000");
		return 0;
	}
	return (int)t->num;
}

static struct param *mk_param(struct parser *P, const struct token *name,
			      const struct token *type)
{
	struct param *p = arena_alloc(P->arena, sizeof(*p));

	p->name = name->text;
	p->loc = name->loc;
	p->type = type ? parse_type(P, type) : T_UNKNOWN;
	return p;
}

static void add_function(struct parser *P, int private_, const struct token *kw,
			 const struct token *name, const struct token *type,
			 struct ptrvec params, struct stmt *body,
			 const struct token *code)
{
	struct decl *d = decl_new(P, D_FUNCTION, kw->loc);

	d->private_ = private_;
	d->name = name->text;
	d->ret_type = type ? parse_type(P, type) : T_UNKNOWN;
	d->params = params;
	d->body = body;
	if (code) {
		d->code = code->text;
		d->code_loc = code->loc;
		d->code_loc.col += 2;
	}
	add_decl(P, d);
}

/* Alias names are plain probe points: no arguments' conditions, no flags. */
static void add_alias(struct parser *P, const struct token *kw,
		      struct ptrvec names, struct ptrvec points,
		      struct stmt *body, struct stmt *body2, bool epilogue)
{
	struct decl *d = decl_new(P, D_ALIAS, kw->loc);

	for (int i = 0; i < names.n; i++) {
		struct probe_point *pp = names.v[i];

		if (pp->cond || pp->optional || pp->sufficient)
			parse_error(P, pp->loc, NULL, "a probe alias name may "
				    "not be optional, sufficient or conditional");
	}
	d->names = names;
	d->points = points;
	d->body = body;
	d->body2 = body2;
	d->epilogue = epilogue;
	add_decl(P, d);
}

/* Negation wraps, so -9223372036854775808 is INT64_MIN. */
static void negate_literal(struct expr *e)
{
	e->num = (int64_t)(0 - (uint64_t)e->num);
}

static struct probe_point *mk_pp_comp(struct parser *P, const struct token *name,
				      struct expr *arg)
{
	struct probe_point *pp = ppoint_new(P, name->loc);
	struct pp_comp *c = arena_alloc(P->arena, sizeof(*c));

	c->name = name->text;
	c->arg = arg;
	c->loc = name->loc;
	pv_push(P->arena, &pp->comps, c);
	return pp;
}

static struct token *glue(struct parser *P, struct token *a,
			  const struct token *b)
{
	if (b->ws_before)
		parse_error(P, b->loc, b, "unexpected whitespace inside a probe "
			    "point component name");
	a->text = arena_printf(P->arena, "%s%s", a->text, b->text);
	a->len += b->len;
	return a;
}

static struct foreach_key *mk_fe_key(struct parser *P, const struct token *t,
				     int sort)
{
	struct foreach_key *k = arena_alloc(P->arena, sizeof(*k));

	k->name = t->text;
	k->sort = sort;
	k->loc = t->loc;
	return k;
}
}

%union {
	struct token *tok;
	struct expr *e;
	struct stmt *s;
	struct decl *d;
	struct ptrvec pv;
	struct probe_point *pp;
	struct foreach_key *fk;
	struct ptrvec *pvp;
	struct { int sign; enum op agg; } sort;
	int i;
	enum op op;
}

%token <tok> IDENT "identifier" PRETTY_IDENT "identifier$"
%token <tok> NUMBER "number" STRING "string" TARGET "target variable"
%token <tok> PRETTY "'$'"
%token <tok> EMBEDDED "'%{ %}'"
%token <tok> PROBE "'probe'" GLOBAL "'global'" FUNCTION "'function'"
%token <tok> PRIVATE "'private'" IF "'if'" ELSE "'else'" WHILE "'while'"
%token <tok> FOR "'for'" FOREACH "'foreach'" IN "'in'" LIMIT "'limit'"
%token <tok> BREAK "'break'" CONTINUE "'continue'" NEXT "'next'"
%token <tok> RETURN "'return'" DELETE "'delete'" TRY "'try'" CATCH "'catch'"
%token <tok> AT_CAST "'@cast'" AT_DEFINED "'@defined'" AT_ENTRY "'@entry'"
%token <tok> AT_VAR "'@var'" AT_CONST "'@const'" AT_PROBEWRITE "'@probewrite'"
%token <tok> AT_CHOOSE "'@choose_defined'"
%token <tok> AT_COUNT "'@count'" AT_SUM "'@sum'" AT_MIN "'@min'"
%token <tok> AT_MAX "'@max'" AT_AVG "'@avg'" AT_VARIANCE "'@variance'"
%token <tok> AT_HIST_LINEAR "'@hist_linear'" AT_HIST_LOG "'@hist_log'"
/* Consumed by the preprocessor; the grammar never sees them. */
%token <tok> AT_DEFINE "'@define'" AT_IDENT "macro" AT_ARG "'@N'"
%token <tok> AT_HASH "'@#'" DOLLAR_ARG "'$N'" DOLLAR_HASH "'$#'"
%token <tok> PP_OPEN "'%('" PP_THEN "'%?'" PP_ELSE "'%:'" PP_CLOSE "'%)'"
%token <tok> STATS_ADD "'<<<'" SHL "'<<'" SHR "'>>'" EQ "'=='" NE "'!='"
%token <tok> LE "'<='" GE "'>='" MATCH "'=~'" NMATCH "'!~'" LAND "'&&'"
%token <tok> LOR "'||'" INC "'++'" DEC "'--'" ARROW "'->'"
%token <tok> ADD_ASSIGN "'+='" SUB_ASSIGN "'-='" MUL_ASSIGN "'*='"
%token <tok> DIV_ASSIGN "'/='" MOD_ASSIGN "'%='" SHL_ASSIGN "'<<='"
%token <tok> SHR_ASSIGN "'>>='" AND_ASSIGN "'&='" XOR_ASSIGN "'^='"
%token <tok> OR_ASSIGN "'|='" CONCAT_ASSIGN "'.='"
%token <tok> '+' '-' '*' '/' '%' '<' '>' '=' '!' '~' '&' '|' '^' '.'
%token <tok> ',' ';' ':' '?' '(' ')' '[' ']' '{' '}'

/* A simple statement takes a following ';' as its terminator rather than
 * leaving it to stand as an empty statement, so "if (x) a; else b" works. */
%precedence NOSEMI
%precedence ';'

/* SystemTap's precedence, lowest first. */
%right '=' ADD_ASSIGN SUB_ASSIGN MUL_ASSIGN DIV_ASSIGN MOD_ASSIGN
       SHL_ASSIGN SHR_ASSIGN AND_ASSIGN XOR_ASSIGN OR_ASSIGN CONCAT_ASSIGN
       STATS_ADD
%right '?' ':'
%left LOR
%left LAND
%left IN
%left '|'
%left '^'
%left '&'
%left EQ NE '<' '>' LE GE
%left MATCH NMATCH
%left SHL SHR
%left '+' '-' '.'
%left '*' '/' '%'
%right UNARY '!' '~'
%left INC DEC ARROW '[' '('

%nonassoc IFX
%nonassoc ELSE

%type <e> expr primary target opt_expr literal pp_arg index_elem stat_expr
%type <e> call lvalue hist_expr
%type <s> stmt block simple_stmt compound_stmt
%type <pv> stmts args arg_list index_list pp_list pp pp_alts pp_comp_alts
%type <pv> pp_alt_list pp_alt fe_keys param_list params gvar_list
%type <pp> pp_comp
%type <tok> strings pp_name pp_name_first member type_name opt_catch_var
%type <i> pp_flags opt_wrap opt_private
%type <sort> fe_sort
%type <e> pp_cond fe_limit
%type <fk> fe_key
%type <op> stat_op
%type <d> gvar
%type <s> foreach fe_vars opt_epilogue_block
%type <pvp> fe_slice

/* Statements need no separator, so where one statement ends and the next
 * begins is ambiguous whenever the next one starts with a token that could
 * also continue the first: "a" "(b)" (a call), "x" "[k] in a" (an index),
 * "s" "++t" (a postfix), "a" "-b" (a subtraction), "s" "\"t\"" (string
 * concatenation), and "return"/"delete" followed by an expression (its
 * operand).  All 46 conflicts are of this one kind, and shifting - the
 * longest statement - is what SystemTap does. */
%expect 46

%%

program
	: %empty
	| program decl
	| program ';'
	| program error
		{
			/* The lexer now skips to the next declaration keyword
			 * (see yylex); resume reporting from there. */
			if (!starts_declaration(yychar))
				yyclearin;
			yyerrok;
		}
	;

decl
	: PROBE pp_list block
		{
			struct decl *d = decl_new(P, D_PROBE, $1->loc);

			d->points = $2;
			d->body = $3;
			add_decl(P, d);
		}
	| PROBE pp_list '=' pp_list block opt_epilogue_block
		{ add_alias(P, $1, $2, $4, $5, $6, false); }
	| PROBE pp_list ADD_ASSIGN pp_list block
		{ add_alias(P, $1, $2, $4, $5, NULL, true); }
	| opt_private FUNCTION IDENT type_name '(' params ')' block
		{ add_function(P, $1, $2, $3, $4, $6, $8, NULL); }
	| opt_private FUNCTION IDENT type_name '(' params ')' EMBEDDED
		{
			check_embedded(P, $8);
			add_function(P, $1, $2, $3, $4, $6, NULL, $8);
		}
	| opt_private GLOBAL gvar_list
		{
			for (int i = 0; i < $3.n; i++) {
				struct decl *d = $3.v[i];

				d->private_ = $1;
				add_decl(P, d);
			}
		}
	| EMBEDDED
		{
			struct decl *d = decl_new(P, D_EMBEDDED, $1->loc);

			check_embedded(P, $1);
			d->code = $1->text;
			d->code_loc = $1->loc;
			add_decl(P, d);
		}
	;

opt_private
	: %empty	{ $$ = 0; }
	| PRIVATE	{ $$ = 1; }
	;

opt_epilogue_block
	: %empty	{ $$ = NULL; }
	| ',' block	{ $$ = $2; }
	;

type_name
	: %empty	{ $$ = NULL; }
	| ':' IDENT	{ $$ = $2; }
	;

params
	: %empty	{ $$ = (struct ptrvec){ 0 }; }
	| param_list
	;

param_list
	: IDENT type_name
		{ $$ = pv_one(P, mk_param(P, $1, $2)); }
	| param_list ',' IDENT type_name
		{ $$ = $1; pv_push(P->arena, &$$, mk_param(P, $3, $4)); }
	;

gvar_list
	: gvar			{ $$ = pv_one(P, $1); }
	| gvar_list ',' gvar	{ $$ = $1; pv_push(P->arena, &$$, $3); }
	;

gvar
	: IDENT opt_wrap
		{ $$ = mk_global(P, $1); $$->wrap = $2; }
	| IDENT opt_wrap '[' NUMBER ']' opt_wrap
		{
			$$ = mk_global(P, $1);
			$$->wrap = $2 || $6;
			$$->size = global_size(P, $4);
			$$->is_array = true;
		}
	| IDENT '=' literal
		{ $$ = mk_global(P, $1); $$->init = $3; }
	;

opt_wrap
	: %empty	{ $$ = 0; }
	| '%'		{ $$ = 1; }
	;

literal
	: NUMBER	{ $$ = mk_num(P, $1); }
	| '-' NUMBER	{ $$ = mk_num(P, $2); negate_literal($$); }
	| strings	{ $$ = mk_str(P, $1); }
	;

strings
	: STRING
	| strings STRING	{ $$ = join_strings(P, $1, $2); }
	;

/* ---- probe points ---- */

pp_list
	: pp
	| pp_list ',' pp	{ $$ = pv_concat(P, $1, $3); }
	;

pp
	: pp_alts pp_flags pp_cond
		{
			$$ = pp_flag(P, $1, $2);
			for (int i = 0; i < $$.n; i++)
				((struct probe_point *)$$.v[i])->cond = $3;
		}
	;

pp_flags
	: %empty		{ $$ = 0; }
	| pp_flags '?'		{ $$ = $1 | 1; }
	| pp_flags '!'		{ $$ = $1 | 2; }
	;

pp_cond
	: %empty		{ $$ = NULL; }
	| IF '(' expr ')'	{ $$ = $3; }
	;

pp_alts
	: pp_comp_alts
	| pp_alts '.' pp_comp_alts	{ $$ = pp_product(P, $1, $3, $2->loc); }
	;

pp_comp_alts
	: pp_comp		{ $$ = pv_one(P, $1); }
	| '{' pp_alt_list '}'	{ $$ = $2; }
	;

pp_alt_list
	: pp_alt
	| pp_alt_list ',' pp_alt	{ $$ = pv_concat(P, $1, $3); }
	;

pp_alt
	: pp_alts pp_flags	{ $$ = pp_flag(P, $1, $2); }
	;

pp_comp
	: pp_name			{ $$ = mk_pp_comp(P, $1, NULL); }
	| pp_name '(' pp_arg ')'	{ $$ = mk_pp_comp(P, $1, $3); }
	;

pp_arg
	: NUMBER	{ $$ = mk_num(P, $1); }
	| '-' NUMBER	{ $$ = mk_num(P, $2); negate_literal($$); }
	| strings	{ $$ = mk_str(P, $1); }
	;

/* A component name is glued from adjacent pieces: "sys*", "**", "open32". */
pp_name
	: pp_name_first
	| pp_name IDENT		{ $$ = glue(P, $1, $2); }
	| pp_name '*'		{ $$ = glue(P, $1, $2); }
	| pp_name NUMBER	{ $$ = glue(P, $1, $2); }
	;

pp_name_first
	: IDENT | '*' | PROBE | GLOBAL | FUNCTION | PRIVATE | IF | ELSE
	| WHILE | FOR | FOREACH | IN | LIMIT | BREAK | CONTINUE | NEXT
	| RETURN | DELETE | TRY | CATCH
	;

/* ---- statements ---- */

block
	: '{' stmts '}'		{ $$ = mk_block(P, $1->loc, $2); }
	;

stmts
	: %empty		{ $$ = (struct ptrvec){ 0 }; }
	| stmts stmt
		{
			$$ = $1;
			if ($2->kind != S_NULL)
				pv_push(P->arena, &$$, $2);
		}
	;

stmt
	: compound_stmt
	| ';'			{ $$ = stmt_new(P, S_NULL, $1->loc); }
	| simple_stmt %prec NOSEMI
	| simple_stmt ';'
	;

simple_stmt
	: expr
		{
			$$ = stmt_new(P, S_EXPR, $1->loc);
			$$->e = $1;
		}
	| BREAK			{ $$ = stmt_new(P, S_BREAK, $1->loc); }
	| CONTINUE		{ $$ = stmt_new(P, S_CONTINUE, $1->loc); }
	| NEXT			{ $$ = stmt_new(P, S_NEXT, $1->loc); }
	| RETURN		{ $$ = stmt_new(P, S_RETURN, $1->loc); }
	| RETURN expr
		{
			$$ = stmt_new(P, S_RETURN, $1->loc);
			$$->e = $2;
		}
	| DELETE expr
		{
			$$ = stmt_new(P, S_DELETE, $1->loc);
			$$->e = $2;
		}
	;

compound_stmt
	: block
	| IF '(' expr ')' stmt %prec IFX
		{
			$$ = stmt_new(P, S_IF, $1->loc);
			$$->e = $3;
			$$->body = $5;
		}
	| IF '(' expr ')' stmt ELSE stmt
		{
			$$ = stmt_new(P, S_IF, $1->loc);
			$$->e = $3;
			$$->body = $5;
			$$->els = $7;
		}
	| WHILE '(' expr ')' stmt
		{
			$$ = stmt_new(P, S_WHILE, $1->loc);
			$$->e = $3;
			$$->body = $5;
		}
	| FOR '(' opt_expr ';' opt_expr ';' opt_expr ')' stmt
		{
			$$ = stmt_new(P, S_FOR, $1->loc);
			$$->init = $3;
			$$->e = $5;
			$$->incr = $7;
			$$->body = $9;
		}
	| foreach
	| TRY block CATCH opt_catch_var block
		{
			$$ = stmt_new(P, S_TRY, $1->loc);
			$$->body = $2;
			$$->els = $5;
			$$->catch_var = $4 ? $4->text : NULL;
		}
	;

opt_catch_var
	: %empty		{ $$ = NULL; }
	| '(' IDENT ')'		{ $$ = $2; }
	;

opt_expr
	: %empty		{ $$ = NULL; }
	| expr
	;

foreach
	: FOREACH '(' fe_vars IN hist_expr fe_sort fe_limit ')' stmt
		{
			/* Iterates over the buckets of a histogram. */
			$$ = $3;
			$$->loc = $1->loc;
			$$->hist = $5;
			$$->value_sort = $6.sign;
			$$->sort_agg = $6.agg;
			$$->limit = $7;
			$$->body = $9;
		}
	| FOREACH '(' fe_vars IN IDENT fe_slice fe_sort fe_limit ')' stmt
		{
			$$ = $3;
			$$->loc = $1->loc;
			$$->array = $5->text;
			$$->array_loc = $5->loc;
			if ($6) {
				$$->slice = *$6;
				$$->has_slice = true;
			}
			$$->value_sort = $7.sign;
			$$->sort_agg = $7.agg;
			$$->limit = $8;
			$$->body = $10;
		}
	;

fe_vars
	: fe_key
		{
			$$ = stmt_new(P, S_FOREACH, $1->loc);
			pv_push(P->arena, &$$->keys, $1);
		}
	| '[' fe_keys ']'
		{
			$$ = stmt_new(P, S_FOREACH, $1->loc);
			$$->keys = $2;
			$$->keys_bracketed = true;
		}
	| IDENT '=' fe_key
		{
			$$ = stmt_new(P, S_FOREACH, $1->loc);
			$$->value_var = $1->text;
			pv_push(P->arena, &$$->keys, $3);
		}
	| IDENT '=' '[' fe_keys ']'
		{
			$$ = stmt_new(P, S_FOREACH, $1->loc);
			$$->value_var = $1->text;
			$$->keys = $4;
			$$->keys_bracketed = true;
		}
	;

fe_keys
	: fe_key		{ $$ = pv_one(P, $1); }
	| fe_keys ',' fe_key	{ $$ = $1; pv_push(P->arena, &$$, $3); }
	;

fe_key
	: IDENT		{ $$ = mk_fe_key(P, $1, 0); }
	| IDENT '+'	{ $$ = mk_fe_key(P, $1, 1); }
	| IDENT '-'	{ $$ = mk_fe_key(P, $1, -1); }
	;

fe_slice
	: %empty		{ $$ = NULL; }
	| '[' index_list ']'
		{
			$$ = arena_alloc(P->arena, sizeof(*$$));
			*$$ = $2;
		}
	;

fe_sort
	: %empty		{ $$.sign = 0; $$.agg = OP_NONE; }
	| '+'			{ $$.sign = 1; $$.agg = OP_NONE; }
	| '-'			{ $$.sign = -1; $$.agg = OP_NONE; }
	| stat_op '+'		{ $$.sign = 1; $$.agg = $1; }
	| stat_op '-'		{ $$.sign = -1; $$.agg = $1; }
	;

fe_limit
	: %empty		{ $$ = NULL; }
	| LIMIT expr		{ $$ = $2; }
	;

/* ---- expressions ---- */

expr
	: primary
	| expr '=' expr			{ $$ = mk_assign(P, OP_ASSIGN, $1, $3, $2); }
	| expr ADD_ASSIGN expr		{ $$ = mk_assign(P, OP_ADD_ASSIGN, $1, $3, $2); }
	| expr SUB_ASSIGN expr		{ $$ = mk_assign(P, OP_SUB_ASSIGN, $1, $3, $2); }
	| expr MUL_ASSIGN expr		{ $$ = mk_assign(P, OP_MUL_ASSIGN, $1, $3, $2); }
	| expr DIV_ASSIGN expr		{ $$ = mk_assign(P, OP_DIV_ASSIGN, $1, $3, $2); }
	| expr MOD_ASSIGN expr		{ $$ = mk_assign(P, OP_MOD_ASSIGN, $1, $3, $2); }
	| expr SHL_ASSIGN expr		{ $$ = mk_assign(P, OP_SHL_ASSIGN, $1, $3, $2); }
	| expr SHR_ASSIGN expr		{ $$ = mk_assign(P, OP_SHR_ASSIGN, $1, $3, $2); }
	| expr AND_ASSIGN expr		{ $$ = mk_assign(P, OP_AND_ASSIGN, $1, $3, $2); }
	| expr XOR_ASSIGN expr		{ $$ = mk_assign(P, OP_XOR_ASSIGN, $1, $3, $2); }
	| expr OR_ASSIGN expr		{ $$ = mk_assign(P, OP_OR_ASSIGN, $1, $3, $2); }
	| expr CONCAT_ASSIGN expr	{ $$ = mk_assign(P, OP_CONCAT_ASSIGN, $1, $3, $2); }
	| expr STATS_ADD expr
		{
			if ($1->kind != E_SYM && $1->kind != E_INDEX)
				parse_error(P, $2->loc, $2, "expected a variable or "
					    "array element on the left of '<<<'");
			$$ = mk_bin(P, E_STATS_ADD, OP_NONE, $1, $3, $2->loc);
		}
	| expr '?' expr ':' expr
		{
			$$ = mk(P, E_TERNARY, $2->loc);
			$$->a = $1;
			$$->b = $3;
			$$->c = $5;
		}
	| expr LOR expr		{ $$ = mk_bin(P, E_BINARY, OP_LOR, $1, $3, $2->loc); }
	| expr LAND expr	{ $$ = mk_bin(P, E_BINARY, OP_LAND, $1, $3, $2->loc); }
	| expr IN IDENT
		{
			$$ = mk(P, E_IN, $2->loc);
			$$->name = $3->text;
			pv_push(P->arena, &$$->args, $1);
		}
	| '[' index_list ']' IN IDENT
		{
			$$ = mk(P, E_IN, $4->loc);
			$$->name = $5->text;
			$$->args = $2;
		}
	| expr '|' expr		{ $$ = mk_bin(P, E_BINARY, OP_BOR, $1, $3, $2->loc); }
	| expr '^' expr		{ $$ = mk_bin(P, E_BINARY, OP_BXOR, $1, $3, $2->loc); }
	| expr '&' expr		{ $$ = mk_bin(P, E_BINARY, OP_BAND, $1, $3, $2->loc); }
	| expr EQ expr		{ $$ = mk_bin(P, E_BINARY, OP_EQ, $1, $3, $2->loc); }
	| expr NE expr		{ $$ = mk_bin(P, E_BINARY, OP_NE, $1, $3, $2->loc); }
	| expr '<' expr		{ $$ = mk_bin(P, E_BINARY, OP_LT, $1, $3, $2->loc); }
	| expr '>' expr		{ $$ = mk_bin(P, E_BINARY, OP_GT, $1, $3, $2->loc); }
	| expr LE expr		{ $$ = mk_bin(P, E_BINARY, OP_LE, $1, $3, $2->loc); }
	| expr GE expr		{ $$ = mk_bin(P, E_BINARY, OP_GE, $1, $3, $2->loc); }
	| expr MATCH expr	{ $$ = mk_bin(P, E_BINARY, OP_MATCH, $1, $3, $2->loc); }
	| expr NMATCH expr	{ $$ = mk_bin(P, E_BINARY, OP_NMATCH, $1, $3, $2->loc); }
	| expr SHL expr		{ $$ = mk_bin(P, E_BINARY, OP_SHL, $1, $3, $2->loc); }
	| expr SHR expr		{ $$ = mk_bin(P, E_BINARY, OP_SHR, $1, $3, $2->loc); }
	| expr '+' expr		{ $$ = mk_bin(P, E_BINARY, OP_ADD, $1, $3, $2->loc); }
	| expr '-' expr		{ $$ = mk_bin(P, E_BINARY, OP_SUB, $1, $3, $2->loc); }
	| expr '.' expr		{ $$ = mk_bin(P, E_BINARY, OP_CONCAT, $1, $3, $2->loc); }
	| expr '*' expr		{ $$ = mk_bin(P, E_BINARY, OP_MUL, $1, $3, $2->loc); }
	| expr '/' expr		{ $$ = mk_bin(P, E_BINARY, OP_DIV, $1, $3, $2->loc); }
	| expr '%' expr		{ $$ = mk_bin(P, E_BINARY, OP_MOD, $1, $3, $2->loc); }
	| '!' expr		{ $$ = mk_un(P, E_UNARY, OP_NOT, $2, $1->loc); }
	| '~' expr		{ $$ = mk_un(P, E_UNARY, OP_BNOT, $2, $1->loc); }
	| '-' expr %prec UNARY
		{
			/* Fold so that -9223372036854775808 is a literal. */
			if ($2->kind == E_NUM && !$2->parens) {
				$$ = $2;
				$$->loc = $1->loc;
				negate_literal($$);
			} else {
				$$ = mk_un(P, E_UNARY, OP_NEG, $2, $1->loc);
			}
		}
	| '+' expr %prec UNARY	{ $$ = mk_un(P, E_UNARY, OP_PLUS, $2, $1->loc); }
	| '&' expr %prec UNARY
		{
			if ($2->kind != E_TARGET && $2->kind != E_CAST &&
			    $2->kind != E_ATVAR)
				parse_error(P, $1->loc, $1, "'&' applies only to "
					    "target variables and @cast/@var expressions");
			$$ = mk_un(P, E_UNARY, OP_ADDR, $2, $1->loc);
		}
	| INC lvalue		{ $$ = mk_un(P, E_UNARY, OP_INC, $2, $1->loc); }
	| DEC lvalue		{ $$ = mk_un(P, E_UNARY, OP_DEC, $2, $1->loc); }
	;

/* ++ and -- apply only to what can be assigned, and never twice, so
 * "(a)" or "++g" followed by "--g" on the next line are two statements, as
 * in SystemTap. */
primary
	: NUMBER		{ $$ = mk_num(P, $1); }
	| strings		{ $$ = mk_str(P, $1); }
	| lvalue
	| lvalue INC		{ $$ = mk_un(P, E_POSTFIX, OP_INC, $1, $2->loc); }
	| lvalue DEC		{ $$ = mk_un(P, E_POSTFIX, OP_DEC, $1, $2->loc); }
	| call
	| EMBEDDED
		{
			check_embedded(P, $1);
			$$ = mk(P, E_EMBEDDED, $1->loc);
			$$->str = $1->text;
		}
	| '(' expr ')'		{ $$ = $2; $$->parens = true; }
	| stat_expr
	| AT_DEFINED '(' expr ')'
		{ $$ = mk_un(P, E_DEFINED, OP_NONE, $3, $1->loc); }
	| AT_ENTRY '(' expr ')'
		{ $$ = mk_un(P, E_ENTRY, OP_NONE, $3, $1->loc); }
	| AT_PROBEWRITE '(' expr ')'
		{ $$ = mk_un(P, E_PROBEWRITE, OP_NONE, $3, $1->loc); }
	| AT_CHOOSE '(' expr ',' expr ')'
		{ $$ = mk_bin(P, E_CHOOSE, OP_NONE, $3, $5, $1->loc); }
	| AT_CONST '(' strings ')'
		{
			$$ = mk(P, E_CONST, $1->loc);
			$$->str = $3->text;
		}
	;

lvalue
	: IDENT
		{
			$$ = mk(P, E_SYM, $1->loc);
			$$->name = $1->text;
		}
	| IDENT '[' index_list ']'
		{
			$$ = mk(P, E_INDEX, $1->loc);
			$$->name = $1->text;
			$$->args = $3;
		}
	| target
	;

call
	: IDENT '(' args ')'
		{
			$$ = mk(P, E_CALL, $1->loc);
			$$->name = $1->text;
			$$->args = $3;
		}
	;

args
	: %empty		{ $$ = (struct ptrvec){ 0 }; }
	| arg_list
	;

arg_list
	: expr			{ $$ = pv_one(P, $1); }
	| arg_list ',' expr	{ $$ = $1; pv_push(P->arena, &$$, $3); }
	;

index_list
	: index_elem			{ $$ = pv_one(P, $1); }
	| index_list ',' index_elem	{ $$ = $1; pv_push(P->arena, &$$, $3); }
	;

index_elem
	: expr
	| '*'			{ $$ = mk(P, E_STAR, $1->loc); }
	;

target
	: TARGET		{ $$ = mk_target(P, $1); }
	| AT_CAST '(' expr ',' strings ')'
		{
			$$ = mk_un(P, E_CAST, OP_NONE, $3, $1->loc);
			$$->str2 = $5->text;
		}
	| AT_CAST '(' expr ',' strings ',' strings ')'
		{
			$$ = mk_un(P, E_CAST, OP_NONE, $3, $1->loc);
			$$->str2 = $5->text;
			$$->str3 = $7->text;
		}
	| AT_VAR '(' strings ')'
		{
			$$ = mk(P, E_ATVAR, $1->loc);
			$$->str2 = $3->text;
		}
	| AT_VAR '(' strings ',' strings ')'
		{
			$$ = mk(P, E_ATVAR, $1->loc);
			$$->str2 = $3->text;
			$$->str3 = $5->text;
		}
	| target ARROW member	{ $$ = add_comp(P, $1, $3, NULL); }
	| target '[' expr ']'	{ $$ = add_comp(P, $1, $2, $3); }
	| target PRETTY		{ $$ = add_pretty(P, $1, $2); }
	;

member
	: IDENT | PRETTY_IDENT | PROBE | GLOBAL | FUNCTION | PRIVATE | IF | ELSE
	| WHILE | FOR | FOREACH | IN | LIMIT | BREAK | CONTINUE | NEXT
	| RETURN | DELETE | TRY | CATCH
	;

hist_expr
	: AT_HIST_LINEAR '(' expr ',' expr ',' expr ',' expr ')'
		{
			$$ = mk_un(P, E_HIST, OP_HIST_LINEAR, $3, $1->loc);
			pv_push(P->arena, &$$->args, $5);
			pv_push(P->arena, &$$->args, $7);
			pv_push(P->arena, &$$->args, $9);
		}
	| AT_HIST_LOG '(' expr ')'
		{ $$ = mk_un(P, E_HIST, OP_HIST_LOG, $3, $1->loc); }
	;

stat_expr
	: hist_expr
	| stat_op '(' expr ')'
		{ $$ = mk_un(P, E_STATOP, $1, $3, @1); }
	| stat_op '(' expr ',' NUMBER ')'
		{
			/* @variance(s, bit_shift) */
			if ($1 != OP_VARIANCE)
				parse_error(P, $4->loc, $4, "only @variance takes "
					    "a second argument");
			$$ = mk_un(P, E_STATOP, $1, $3, @1);
			$$->b = mk_num(P, $5);
		}
	| stat_expr '[' expr ']'
		{
			if ($1->kind != E_HIST || $1->b)
				parse_error(P, $2->loc, $2, "only a histogram "
					    "may be indexed by bucket");
			$$ = $1;
			$$->b = $3;
		}
	;

stat_op
	: AT_COUNT	{ $$ = OP_COUNT; }
	| AT_SUM	{ $$ = OP_SUM; }
	| AT_MIN	{ $$ = OP_MIN; }
	| AT_MAX	{ $$ = OP_MAX; }
	| AT_AVG	{ $$ = OP_AVG; }
	| AT_VARIANCE	{ $$ = OP_VARIANCE; }
	;

%%

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *P)
{
	/* pp_next fills every field. */
	struct token *t = arena_alloc_raw(P->arena, sizeof(*t));

	pp_next(P->pp, t);
	/* After a syntax error, resynchronise at the next declaration. */
	while (P->recovering && t->type != 0 && !starts_declaration(t->type))
		pp_next(P->pp, t);
	P->recovering = false;
	P->la = t;
	lval->tok = t;
	*lloc = t->loc;
	return t->type;
}

static void yyerror(YYLTYPE *loc, struct parser *P, const char *msg)
{
	if (!strcmp(msg, "memory exhausted"))
		parse_error(P, *loc, NULL, "script nested too deeply");
	else
		parse_error(P, *loc, NULL, "%s", msg);
}

/* ---- error messages ---- */

/* A token's name as the user knows it: 'probe', ';', identifier. */
static const char *symbol_display(yysymbol_kind_t k, char *buf, size_t n)
{
	const char *name = yysymbol_name(k);
	size_t len = strlen(name);

	if (len >= 2 && name[0] == '"' && name[len - 1] == '"') {
		snprintf(buf, n, "%.*s", (int)len - 2, name + 1);
		return buf;
	}
	return name;
}

/* The character of a single-character token, or 0. */
static char symbol_char(yysymbol_kind_t k)
{
	const char *name = yysymbol_name(k);

	return name[0] == '\'' && name[1] && name[2] == '\'' ? name[1] : 0;
}

static bool starts_expression(yysymbol_kind_t k)
{
	char c = symbol_char(k);

	if (c)
		return strchr("(*+-!~&[", c) != NULL;
	switch (k) {
	case YYSYMBOL_IDENT: case YYSYMBOL_NUMBER: case YYSYMBOL_STRING:
	case YYSYMBOL_TARGET: case YYSYMBOL_EMBEDDED: case YYSYMBOL_AT_CAST:
	case YYSYMBOL_AT_DEFINED: case YYSYMBOL_AT_ENTRY: case YYSYMBOL_AT_VAR:
	case YYSYMBOL_AT_CONST: case YYSYMBOL_AT_PROBEWRITE:
	case YYSYMBOL_AT_CHOOSE: case YYSYMBOL_AT_COUNT: case YYSYMBOL_AT_SUM:
	case YYSYMBOL_AT_MIN: case YYSYMBOL_AT_MAX: case YYSYMBOL_AT_AVG:
	case YYSYMBOL_AT_VARIANCE: case YYSYMBOL_AT_HIST_LINEAR:
	case YYSYMBOL_AT_HIST_LOG: case YYSYMBOL_INC: case YYSYMBOL_DEC:
		return true;
	default:
		return false;
	}
}

static bool starts_statement(yysymbol_kind_t k)
{
	char c = symbol_char(k);

	if (c == '{' || c == ';')
		return true;
	switch (k) {
	case YYSYMBOL_IF: case YYSYMBOL_WHILE: case YYSYMBOL_FOR:
	case YYSYMBOL_FOREACH: case YYSYMBOL_BREAK: case YYSYMBOL_CONTINUE:
	case YYSYMBOL_NEXT: case YYSYMBOL_RETURN: case YYSYMBOL_DELETE:
	case YYSYMBOL_TRY:
		return true;
	default:
		return starts_expression(k);
	}
}

static bool is_operator(yysymbol_kind_t k)
{
	char c = symbol_char(k);

	if (c)
		return strchr("+-*/%<>=&|^.?[(", c) != NULL;
	switch (k) {
	case YYSYMBOL_STATS_ADD: case YYSYMBOL_SHL: case YYSYMBOL_SHR:
	case YYSYMBOL_EQ: case YYSYMBOL_NE: case YYSYMBOL_LE: case YYSYMBOL_GE:
	case YYSYMBOL_MATCH: case YYSYMBOL_NMATCH: case YYSYMBOL_LAND:
	case YYSYMBOL_LOR: case YYSYMBOL_INC: case YYSYMBOL_DEC:
	case YYSYMBOL_ARROW: case YYSYMBOL_ADD_ASSIGN: case YYSYMBOL_SUB_ASSIGN:
	case YYSYMBOL_MUL_ASSIGN: case YYSYMBOL_DIV_ASSIGN:
	case YYSYMBOL_MOD_ASSIGN: case YYSYMBOL_SHL_ASSIGN:
	case YYSYMBOL_SHR_ASSIGN: case YYSYMBOL_AND_ASSIGN:
	case YYSYMBOL_XOR_ASSIGN: case YYSYMBOL_OR_ASSIGN:
	case YYSYMBOL_CONCAT_ASSIGN: case YYSYMBOL_IN:
		return true;
	default:
		return false;
	}
}

/* "expected X, Y, or Z", with expression starters folded into
 * "expression", statement starters into "statement" and binary operators
 * into "operator", so the list stays short enough to read. */
static int yyreport_syntax_error(const yypcontext_t *ctx, struct parser *P)
{
	P->recovering = true;
	yysymbol_kind_t exp[YYNTOKENS];
	const char *items[YYNTOKENS + 3];
	char bufs[YYNTOKENS][40];
	int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS), m = 0;
	bool any_expr = false, any_stmt = false, any_op = false;
	struct strbuf sb;

	if (n < 0)
		n = 0;
	for (int i = 0; i < n; i++) {
		if (exp[i] == YYSYMBOL_IF)
			any_stmt = true;
		if (exp[i] == YYSYMBOL_IDENT)
			any_expr = true;
		/* '==' can only follow an expression: operators are expected. */
		if (exp[i] == YYSYMBOL_EQ)
			any_op = true;
	}
	if (any_stmt)
		items[m++] = "statement";
	else if (any_expr && n > 3)
		items[m++] = "expression";
	else
		any_expr = false;
	for (int i = 0; i < n; i++) {
		yysymbol_kind_t k = exp[i];

		if ((any_stmt && starts_statement(k)) ||
		    (any_expr && starts_expression(k)) ||
		    (any_op && is_operator(k)))
			continue;
		if (m < 7)
			items[m++] = symbol_display(k, bufs[i], sizeof(bufs[i]));
	}
	if (any_op)
		items[m++] = "operator";
	sb_init(&sb);
	for (int i = 0; i < m; i++) {
		if (i && m > 2)
			sb_puts(&sb, ", ");
		else if (i)
			sb_puts(&sb, " ");
		if (i && i == m - 1)
			sb_puts(&sb, "or ");
		sb_puts(&sb, items[i]);
	}
	if (m)
		parse_error(P, P->la->loc, P->la, "expected %s", sb_cstr(&sb));
	else
		parse_error(P, P->la->loc, P->la, "unexpected token");
	sb_free(&sb);
	return 0;
}

const char *token_kind_name(int type)
{
	switch (type) {
	case TOK_IDENT: case TOK_PRETTY_IDENT:
		return "identifier";
	case TOK_NUMBER:
		return "number";
	case TOK_STRING:
		return "string";
	case TOK_TARGET:
		return "target variable";
	case TOK_EMBEDDED:
		return "embedded code";
	case TOK_AT_IDENT:
		return "macro";
	case TOK_PROBE: case TOK_GLOBAL: case TOK_FUNCTION: case TOK_PRIVATE:
	case TOK_IF: case TOK_ELSE: case TOK_WHILE: case TOK_FOR:
	case TOK_FOREACH: case TOK_IN: case TOK_LIMIT: case TOK_BREAK:
	case TOK_CONTINUE: case TOK_NEXT: case TOK_RETURN: case TOK_DELETE:
	case TOK_TRY: case TOK_CATCH:
		return "keyword";
	default:
		return "operator";
	}
}

/* ---- entry point ---- */

struct script *parse_file(struct arena *arena, const struct srcfile *file,
			  const struct parse_opts *opts, int *nerrors)
{
	struct parser P;

	memset(&P, 0, sizeof(P));
	P.arena = arena;
	P.opts = opts;
	P.file = file;
	P.max_errors = opts->max_errors;
	P.script = arena_alloc(arena, sizeof(*P.script));
	P.script->file = file;
	P.script->library = opts->library;
	P.pp = pp_new(&P);
	if (yyparse(&P) != 0 && P.nerrors == 0)
		parse_error(&P, P.la ? P.la->loc : (struct srcloc){ file, 1, 1 }, NULL, "parse failed");
	pp_free(P.pp);
	*nerrors = P.nerrors;
	return P.script;
}
