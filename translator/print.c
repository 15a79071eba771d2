/* print.c - the canonical form of a parsed script (stap -p1).
 *
 * The output is itself a valid script and parses back to the same text:
 * parentheses appear only where precedence needs them, and every simple
 * statement ends in ';' so that statements cannot run together when read
 * again. */
#include <inttypes.h>
#include <stdio.h>

#include "parse.h"

enum {
	PREC_ASSIGN = 1, PREC_TERNARY, PREC_LOR, PREC_LAND, PREC_IN, PREC_BOR,
	PREC_BXOR, PREC_BAND, PREC_CMP, PREC_REGEX, PREC_SHIFT, PREC_ADD,
	PREC_MUL, PREC_UNARY, PREC_POSTFIX
};

static int binary_prec(enum op op)
{
	switch (op) {
	case OP_LOR: return PREC_LOR;
	case OP_LAND: return PREC_LAND;
	case OP_BOR: return PREC_BOR;
	case OP_BXOR: return PREC_BXOR;
	case OP_BAND: return PREC_BAND;
	case OP_EQ: case OP_NE: case OP_LT: case OP_GT: case OP_LE: case OP_GE:
		return PREC_CMP;
	case OP_MATCH: case OP_NMATCH: return PREC_REGEX;
	case OP_SHL: case OP_SHR: return PREC_SHIFT;
	case OP_ADD: case OP_SUB: case OP_CONCAT: return PREC_ADD;
	default: return PREC_MUL;
	}
}

static int expr_prec(const struct expr *e)
{
	switch (e->kind) {
	case E_ASSIGN: case E_STATS_ADD: return PREC_ASSIGN;
	case E_TERNARY: return PREC_TERNARY;
	case E_IN: return PREC_IN;
	case E_BINARY: return binary_prec(e->op);
	case E_UNARY: return PREC_UNARY;
	case E_NUM: return e->num < 0 ? PREC_UNARY : PREC_POSTFIX;
	default: return PREC_POSTFIX;
	}
}

static void print_expr(FILE *out, const struct expr *e, int minprec);

static void print_list(FILE *out, const struct ptrvec *args)
{
	for (int i = 0; i < args->n; i++) {
		if (i)
			fputs(", ", out);
		print_expr(out, args->v[i], PREC_ASSIGN);
	}
}

static void print_str(FILE *out, const char *raw)
{
	fprintf(out, "\"%s\"", raw);
}

static void print_comps(FILE *out, const struct expr *e)
{
	for (int i = 0; i < e->comps.n; i++) {
		const struct target_comp *c = e->comps.v[i];

		if (c->is_index) {
			fputc('[', out);
			print_expr(out, c->index, PREC_ASSIGN);
			fputc(']', out);
		} else {
			fprintf(out, "->%s", c->member);
		}
	}
	for (int i = 0; i < e->pretty; i++)
		fputc('$', out);
}

/* "- -x" must not print as "--x", nor "+ +x" as "++x". */
static bool needs_space_guard(const struct expr *e)
{
	const struct expr *a = e->a;

	if (e->op != OP_NEG && e->op != OP_PLUS)
		return false;
	return (a->kind == E_UNARY && (a->op == OP_NEG || a->op == OP_PLUS ||
				       a->op == OP_INC || a->op == OP_DEC)) ||
	       (a->kind == E_NUM && a->num < 0);
}

static void print_expr(FILE *out, const struct expr *e, int minprec)
{
	int prec = expr_prec(e);
	bool paren = prec < minprec;

	if (paren)
		fputc('(', out);
	switch (e->kind) {
	case E_NUM:
		fprintf(out, "%" PRId64, e->num);
		break;
	case E_STR:
		print_str(out, e->str);
		break;
	case E_SYM:
		fputs(e->name, out);
		break;
	case E_EMBEDDED:
		fprintf(out, "%%{%s%%}", e->str);
		break;
	case E_UNARY:
		fputs(op_str(e->op), out);
		if (needs_space_guard(e)) {
			fputc('(', out);
			print_expr(out, e->a, PREC_ASSIGN);
			fputc(')', out);
		} else {
			print_expr(out, e->a, PREC_UNARY);
		}
		break;
	case E_POSTFIX:
		print_expr(out, e->a, PREC_POSTFIX);
		fputs(op_str(e->op), out);
		break;
	case E_BINARY:
		print_expr(out, e->a, prec);
		fprintf(out, " %s ", op_str(e->op));
		print_expr(out, e->b, prec + 1);
		break;
	case E_TERNARY:
		print_expr(out, e->a, PREC_LOR);
		fputs(" ? ", out);
		print_expr(out, e->b, PREC_ASSIGN);
		fputs(" : ", out);
		print_expr(out, e->c, PREC_TERNARY);
		break;
	case E_ASSIGN:
	case E_STATS_ADD:
		print_expr(out, e->a, PREC_TERNARY);
		fprintf(out, " %s ", e->kind == E_STATS_ADD ? "<<<" : op_str(e->op));
		print_expr(out, e->b, PREC_ASSIGN);
		break;
	case E_IN:
		if (e->args.n == 1 &&
		    ((const struct expr *)e->args.v[0])->kind != E_STAR) {
			print_expr(out, e->args.v[0], PREC_IN);
		} else {
			fputc('[', out);
			print_list(out, &e->args);
			fputc(']', out);
		}
		fprintf(out, " in %s", e->name);
		break;
	case E_INDEX:
		fprintf(out, "%s[", e->name);
		print_list(out, &e->args);
		fputc(']', out);
		break;
	case E_CALL:
		fprintf(out, "%s(", e->name);
		print_list(out, &e->args);
		fputc(')', out);
		break;
	case E_STAR:
		fputc('*', out);
		break;
	case E_TARGET:
		fputs(e->name, out);
		print_comps(out, e);
		break;
	case E_CAST:
		fputs("@cast(", out);
		print_expr(out, e->a, PREC_ASSIGN);
		fputs(", ", out);
		print_str(out, e->str2);
		if (e->str3) {
			fputs(", ", out);
			print_str(out, e->str3);
		}
		fputc(')', out);
		print_comps(out, e);
		break;
	case E_ATVAR:
		fputs("@var(", out);
		print_str(out, e->str2);
		if (e->str3) {
			fputs(", ", out);
			print_str(out, e->str3);
		}
		fputc(')', out);
		print_comps(out, e);
		break;
	case E_ENTRY:
	case E_DEFINED:
	case E_PROBEWRITE:
		fprintf(out, "%s(", e->kind == E_ENTRY ? "@entry" :
			e->kind == E_DEFINED ? "@defined" : "@probewrite");
		print_expr(out, e->a, PREC_ASSIGN);
		fputc(')', out);
		break;
	case E_CHOOSE:
		fputs("@choose_defined(", out);
		print_expr(out, e->a, PREC_ASSIGN);
		fputs(", ", out);
		print_expr(out, e->b, PREC_ASSIGN);
		fputc(')', out);
		break;
	case E_CONST:
		fputs("@const(", out);
		print_str(out, e->str);
		fputc(')', out);
		break;
	case E_STATOP:
		fprintf(out, "%s(", op_str(e->op));
		print_expr(out, e->a, PREC_ASSIGN);
		if (e->b)
			fprintf(out, ", %" PRId64, e->b->num);
		fputc(')', out);
		break;
	case E_HIST:
		fprintf(out, "%s(", op_str(e->op));
		print_expr(out, e->a, PREC_ASSIGN);
		if (e->args.n) {
			fputs(", ", out);
			print_list(out, &e->args);
		}
		fputc(')', out);
		if (e->b) {
			fputc('[', out);
			print_expr(out, e->b, PREC_ASSIGN);
			fputc(']', out);
		}
		break;
	}
	if (paren)
		fputc(')', out);
}

static void indent(FILE *out, int n)
{
	while (n-- > 0)
		fputc('\t', out);
}

static void print_stmt(FILE *out, const struct stmt *s, int depth);

static void print_block(FILE *out, const struct stmt *s, int depth)
{
	fputs("{\n", out);
	for (int i = 0; i < s->stmts.n; i++) {
		indent(out, depth + 1);
		print_stmt(out, s->stmts.v[i], depth + 1);
	}
	indent(out, depth);
	fputc('}', out);
}

/* A statement governed by if/while/for/foreach: blocks stay on the same
 * line, anything else goes on the next line, one level deeper.  Returns
 * whether it was a block (so "else" can follow on the same line). */
static bool print_body(FILE *out, const struct stmt *s, int depth)
{
	if (s->kind == S_BLOCK) {
		fputc(' ', out);
		print_block(out, s, depth);
		return true;
	}
	fputc('\n', out);
	indent(out, depth + 1);
	print_stmt(out, s, depth + 1);
	return false;
}

static void print_foreach(FILE *out, const struct stmt *s, int depth)
{
	fputs("foreach (", out);
	if (s->value_var)
		fprintf(out, "%s = ", s->value_var);
	if (s->keys_bracketed)
		fputc('[', out);
	for (int i = 0; i < s->keys.n; i++) {
		const struct foreach_key *k = s->keys.v[i];

		fprintf(out, "%s%s%s", i ? ", " : "", k->name,
			k->sort > 0 ? "+" : k->sort < 0 ? "-" : "");
	}
	if (s->keys_bracketed)
		fputc(']', out);
	fputs(" in ", out);
	if (s->hist)
		print_expr(out, s->hist, PREC_ASSIGN);
	else
		fputs(s->array, out);
	if (s->has_slice) {
		fputc('[', out);
		print_list(out, &s->slice);
		fputc(']', out);
	}
	if (s->sort_agg != OP_NONE)
		fprintf(out, " %s", op_str(s->sort_agg));
	if (s->value_sort)
		fputc(s->value_sort > 0 ? '+' : '-', out);
	if (s->limit) {
		fputs(" limit ", out);
		print_expr(out, s->limit, PREC_ASSIGN);
	}
	fputc(')', out);
	if (!print_body(out, s->body, depth))
		return;
	fputc('\n', out);
}

static void print_opt_expr(FILE *out, const struct expr *e)
{
	if (e)
		print_expr(out, e, PREC_ASSIGN);
}

/* Prints one statement at the current position, ending with a newline. */
static void print_stmt(FILE *out, const struct stmt *s, int depth)
{
	switch (s->kind) {
	case S_BLOCK:
		print_block(out, s, depth);
		fputc('\n', out);
		break;
	case S_EXPR:
		print_expr(out, s->e, PREC_ASSIGN);
		fputs(";\n", out);
		break;
	case S_NULL:
		fputs(";\n", out);
		break;
	case S_IF:
		fputs("if (", out);
		print_expr(out, s->e, PREC_ASSIGN);
		fputc(')', out);
		if (print_body(out, s->body, depth)) {
			if (!s->els) {
				fputc('\n', out);
				break;
			}
			fputs(" else", out);
		} else {
			if (!s->els)
				break;
			indent(out, depth);
			fputs("else", out);
		}
		if (s->els->kind == S_IF) {
			fputc(' ', out);
			print_stmt(out, s->els, depth);
		} else if (print_body(out, s->els, depth)) {
			fputc('\n', out);
		}
		break;
	case S_WHILE:
		fputs("while (", out);
		print_expr(out, s->e, PREC_ASSIGN);
		fputc(')', out);
		if (print_body(out, s->body, depth))
			fputc('\n', out);
		break;
	case S_FOR:
		fputs("for (", out);
		print_opt_expr(out, s->init);
		fputs("; ", out);
		print_opt_expr(out, s->e);
		fputs("; ", out);
		print_opt_expr(out, s->incr);
		fputc(')', out);
		if (print_body(out, s->body, depth))
			fputc('\n', out);
		break;
	case S_FOREACH:
		print_foreach(out, s, depth);
		break;
	case S_BREAK:
		fputs("break;\n", out);
		break;
	case S_CONTINUE:
		fputs("continue;\n", out);
		break;
	case S_NEXT:
		fputs("next;\n", out);
		break;
	case S_RETURN:
		fputs("return", out);
		if (s->e) {
			fputc(' ', out);
			print_expr(out, s->e, PREC_ASSIGN);
		}
		fputs(";\n", out);
		break;
	case S_DELETE:
		fputs("delete ", out);
		print_expr(out, s->e, PREC_ASSIGN);
		fputs(";\n", out);
		break;
	case S_TRY:
		fputs("try ", out);
		print_block(out, s->body, depth);
		fputs(" catch ", out);
		if (s->catch_var)
			fprintf(out, "(%s) ", s->catch_var);
		print_block(out, s->els, depth);
		fputc('\n', out);
		break;
	}
}

static void print_point(FILE *out, const struct probe_point *pp)
{
	for (int i = 0; i < pp->comps.n; i++) {
		const struct pp_comp *c = pp->comps.v[i];

		fprintf(out, "%s%s", i ? "." : "", c->name);
		if (c->arg) {
			fputc('(', out);
			print_expr(out, c->arg, PREC_ASSIGN);
			fputc(')', out);
		}
	}
	if (pp->optional)
		fputc('?', out);
	if (pp->sufficient)
		fputc('!', out);
	if (pp->cond) {
		fputs(" if (", out);
		print_expr(out, pp->cond, PREC_ASSIGN);
		fputc(')', out);
	}
}

static void print_points(FILE *out, const struct ptrvec *pv)
{
	for (int i = 0; i < pv->n; i++) {
		if (i)
			fputs(", ", out);
		print_point(out, pv->v[i]);
	}
}

static const char *type_suffix(enum val_type t)
{
	return t == T_LONG ? ":long" : t == T_STRING ? ":string" : "";
}

static void print_decl(FILE *out, const struct decl *d)
{
	if (d->private_)
		fputs("private ", out);
	switch (d->kind) {
	case D_PROBE:
		fputs("probe ", out);
		print_points(out, &d->points);
		fputc(' ', out);
		print_block(out, d->body, 0);
		break;
	case D_ALIAS:
		fputs("probe ", out);
		print_points(out, &d->names);
		fputs(d->epilogue ? " += " : " = ", out);
		print_points(out, &d->points);
		fputc(' ', out);
		print_block(out, d->body, 0);
		if (d->body2) {
			fputs(", ", out);
			print_block(out, d->body2, 0);
		}
		break;
	case D_FUNCTION:
		fprintf(out, "function %s%s(", d->name, type_suffix(d->ret_type));
		for (int i = 0; i < d->params.n; i++) {
			const struct param *p = d->params.v[i];

			fprintf(out, "%s%s%s", i ? ", " : "", p->name,
				type_suffix(p->type));
		}
		fputs(") ", out);
		if (d->code)
			fprintf(out, "%%{%s%%}", d->code);
		else
			print_block(out, d->body, 0);
		break;
	case D_GLOBAL:
		fprintf(out, "global %s%s", d->name, d->wrap ? "%" : "");
		if (d->size)
			fprintf(out, "[%d]", d->size);
		if (d->init) {
			fputs(" = ", out);
			print_expr(out, d->init, PREC_ASSIGN);
		}
		break;
	case D_EMBEDDED:
		fprintf(out, "%%{%s%%}", d->code);
		break;
	}
	fputc('\n', out);
}

void print_script(FILE *out, const struct script *s)
{
	for (int i = 0; i < s->decls.n; i++)
		print_decl(out, s->decls.v[i]);
}
