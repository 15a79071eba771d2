/* ast.h - the abstract syntax tree shared by every pass.
 *
 * Pass 1 builds it, later passes annotate it in place (types, resolved
 * symbols).  All nodes live in the arena of the parse that made them. */
#ifndef STAP_AST_H
#define STAP_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct srcfile;

/* A position in a script: file, 1-based line and column. */
struct srcloc {
	const struct srcfile *file;
	int line, col;
};

enum expr_kind {
	E_NUM,		/* num */
	E_STR,		/* str: raw literal text, escapes kept as written */
	E_SYM,		/* name: a local or global variable */
	E_EMBEDDED,	/* code: %{ expr %} */
	E_UNARY,	/* op a: ! ~ - + & ++pre --pre */
	E_POSTFIX,	/* op a: ++ -- */
	E_BINARY,	/* op a b: arithmetic, logical, compare, concat, regex */
	E_TERNARY,	/* a ? b : c */
	E_ASSIGN,	/* op a b: = += ... .= */
	E_STATS_ADD,	/* a <<< b */
	E_IN,		/* args in name (args: keys, may hold E_STAR) */
	E_INDEX,	/* name[args] */
	E_CALL,		/* name(args) */
	E_STAR,		/* '*' in an array slice */
	E_TARGET,	/* name ($var, $$parms, ...) with comps and pretty */
	E_CAST,		/* @cast(a, str [, str2]) with comps and pretty */
	E_ATVAR,	/* @var(str [, str2]) with comps and pretty */
	E_ENTRY,	/* @entry(a) */
	E_DEFINED,	/* @defined(a) */
	E_PROBEWRITE,	/* @probewrite(a) */
	E_CHOOSE,	/* @choose_defined(a, b) */
	E_CONST,	/* @const(str) */
	E_STATOP,	/* @count(a) etc.: op */
	E_HIST,		/* @hist_linear(a, args) / @hist_log(a); b = bucket index */
};

/* Operators keep their source spelling; printing and later passes switch
 * on the enum. */
enum op {
	OP_NONE,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_SHL, OP_SHR,
	OP_BAND, OP_BOR, OP_BXOR, OP_LAND, OP_LOR, OP_CONCAT,
	OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE, OP_MATCH, OP_NMATCH,
	OP_NOT, OP_BNOT, OP_NEG, OP_PLUS, OP_ADDR, OP_INC, OP_DEC,
	OP_ASSIGN, OP_ADD_ASSIGN, OP_SUB_ASSIGN, OP_MUL_ASSIGN,
	OP_DIV_ASSIGN, OP_MOD_ASSIGN, OP_SHL_ASSIGN, OP_SHR_ASSIGN,
	OP_AND_ASSIGN, OP_XOR_ASSIGN, OP_OR_ASSIGN, OP_CONCAT_ASSIGN,
	OP_COUNT, OP_SUM, OP_MIN, OP_MAX, OP_AVG, OP_VARIANCE,
	OP_HIST_LINEAR, OP_HIST_LOG,
	OP__LAST
};

const char *op_str(enum op op);

/* One step of a target-variable access: ->member or [index]. */
struct target_comp {
	bool is_index;
	const char *member;
	struct expr *index;
	struct srcloc loc;
};

struct expr {
	enum expr_kind kind;
	enum op op;
	struct srcloc loc;
	int64_t num;
	const char *str;	/* E_STR raw text; E_EMBEDDED code */
	const char *name;	/* symbol, function, array, target name */
	const char *str2;	/* @cast type / @var module etc. */
	const char *str3;	/* @cast module */
	struct expr *a, *b, *c;
	struct ptrvec args;	/* struct expr * */
	struct ptrvec comps;	/* struct target_comp * */
	int pretty;		/* trailing $ (1) or $$ (2) */
	bool parens;		/* written in parentheses (pass 1) */
	int type;		/* filled in by pass 2 */
	void *sym;		/* filled in by pass 2 */
	void *tv;		/* pass 2: E_TARGET/E_CAST's struct tv_access */
};

enum stmt_kind {
	S_BLOCK,	/* stmts */
	S_EXPR,		/* e */
	S_NULL,		/* ; */
	S_IF,		/* e, body, els */
	S_WHILE,	/* e, body */
	S_FOR,		/* init, e, incr, body (any of the first three may be NULL) */
	S_FOREACH,	/* see foreach fields */
	S_BREAK,
	S_CONTINUE,
	S_NEXT,
	S_RETURN,	/* e (may be NULL) */
	S_DELETE,	/* e */
	S_TRY,		/* body, els = catch block, catch_var */
};

struct foreach_key {
	const char *name;
	int sort;		/* 0, +1 ascending, -1 descending */
	struct srcloc loc;
};

struct stmt {
	enum stmt_kind kind;
	struct srcloc loc;
	struct expr *e, *init, *incr;
	struct stmt *body, *els;
	struct ptrvec stmts;	/* struct stmt * */
	const char *catch_var;
	/* foreach */
	const char *value_var;	/* v = [k] in ... */
	struct ptrvec keys;	/* struct foreach_key * */
	bool keys_bracketed;	/* [k] rather than k */
	const char *array;	/* the array iterated over, or */
	struct expr *hist;	/* the histogram whose buckets are */
	struct srcloc array_loc;
	struct ptrvec slice;	/* struct expr *, E_STAR for * */
	bool has_slice;
	int value_sort;		/* sort by value: +1/-1 */
	enum op sort_agg;	/* @sum+ etc., OP_NONE if none */
	struct expr *limit;
};

/* A probe point: components with optional literal arguments. */
struct pp_comp {
	const char *name;
	struct expr *arg;	/* E_NUM or E_STR, or NULL */
	struct srcloc loc;
};

struct probe_point {
	struct ptrvec comps;	/* struct pp_comp * */
	bool optional;		/* ? */
	bool sufficient;	/* ! */
	struct expr *cond;	/* if (cond) */
	struct srcloc loc;
};

enum decl_kind { D_PROBE, D_ALIAS, D_FUNCTION, D_GLOBAL, D_EMBEDDED };

enum val_type { T_UNKNOWN, T_LONG, T_STRING, T_STATS };

struct param {
	const char *name;
	enum val_type type;
	struct srcloc loc;
};

struct decl {
	enum decl_kind kind;
	struct srcloc loc;
	bool private_;
	/* probe / alias */
	struct ptrvec points;	/* struct probe_point * */
	struct ptrvec names;	/* alias names: struct probe_point * */
	bool epilogue;		/* += alias */
	struct stmt *body;
	struct stmt *body2;	/* alias second block */
	/* function */
	const char *name;
	enum val_type ret_type;
	struct ptrvec params;	/* struct param * */
	const char *code;	/* embedded body / top-level %{ %} */
	struct srcloc code_loc;	/* where the code starts (after %{) */
	/* global */
	int size;		/* declared [N], 0 if none */
	bool wrap;		/* % */
	struct expr *init;	/* E_NUM or E_STR, or NULL */
	bool is_array;
};

/* One parsed file. */
struct script {
	const struct srcfile *file;
	struct ptrvec decls;	/* struct decl * */
	bool library;		/* from the tapset library: embedded C allowed */
};

/* Deep copies in arena a. */
struct expr *ast_clone_expr(struct arena *a, const struct expr *e);
struct stmt *ast_clone_stmt(struct arena *a, const struct stmt *s);

/* Calls fn on every expression of the script, parents before children. */
void ast_walk(struct script *s, void (*fn)(struct expr *e, void *data),
	      void *data);

#endif
