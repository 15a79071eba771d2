/* parse_int.h - what the lexer, preprocessor and grammar share inside
 * pass 1.  Nothing outside pass 1 includes this. */
#ifndef STAP_PARSE_INT_H
#define STAP_PARSE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"

struct token {
	int type;		/* a TOK_ value from the generated parser.h */
	const char *text;	/* token text (string/embedded: contents only) */
	int len;
	struct srcloc loc;
	bool ws_before;		/* whitespace or comment before it */
	uint64_t num;		/* NUMBER value */
};

struct lexer;
struct pp;

struct parser {
	struct arena *arena;
	const struct parse_opts *opts;
	const struct srcfile *file;
	struct pp *pp;
	struct script *script;
	int nerrors;
	int max_errors;
	struct token *la;	/* the last token handed to the grammar */
	bool recovering;	/* after a syntax error: skip to a declaration */
};

/* ast.c: node constructors over the parse arena */
struct expr *expr_new(struct parser *P, enum expr_kind kind, struct srcloc loc);
struct stmt *stmt_new(struct parser *P, enum stmt_kind kind, struct srcloc loc);
struct decl *decl_new(struct parser *P, enum decl_kind kind, struct srcloc loc);

/* lexer.l */
struct lexer *lexer_new(struct parser *P, const struct srcfile *file,
			const char *buf, size_t len, const struct srcloc *at);
void lexer_free(struct lexer *lx);
void lexer_next(struct lexer *lx, struct token *t);
const char *token_kind_name(int type);	/* "identifier", "string", ... */

/* pp.c */
struct pp *pp_new(struct parser *P);
void pp_free(struct pp *pp);
void pp_next(struct pp *pp, struct token *t);

/* diag.c: every pass-1 error goes through here.  'saw' may be NULL. */
void parse_error(struct parser *P, struct srcloc loc, const struct token *saw,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_source_line(FILE *out, struct srcloc loc);
void diag_token_desc(char *buf, size_t n, const struct token *t);

#endif
