/* diag.c - pass-1 diagnostics: the message, the token seen, the place, and
 * the source line with a caret under the column. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse_int.h"
#include "parser.h"

#define DEFAULT_MAX_ERRORS 20

void diag_source_line(FILE *out, struct srcloc loc)
{
	const struct srcfile *f = loc.file;
	const char *p, *end, *line;
	int n = 1;

	if (!f || !f->buf || loc.line < 1)
		return;
	p = f->buf;
	end = f->buf + f->len;
	while (n < loc.line && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			return;
		p = nl + 1;
		n++;
	}
	if (n != loc.line)
		return;
	line = p;
	while (p < end && *p != '\n')
		p++;
	fprintf(out, "     source: %.*s\n", (int)(p - line), line);
	/* Keep tabs so the caret lines up under the column in a terminal. */
	fputs("             ", out);
	for (int i = 0; i < loc.col - 1 && line + i < p; i++)
		fputc(line[i] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

void diag_token_desc(char *buf, size_t n, const struct token *t)
{
	const char *kind = token_kind_name(t->type);

	if (t->type == 0)
		snprintf(buf, n, "end of input");
	else if (t->type == TOK_STRING)
		snprintf(buf, n, "string \"%.40s%s\"", t->text,
			 t->len > 40 ? "..." : "");
	else if (t->type == TOK_EMBEDDED)
		snprintf(buf, n, "embedded code");
	else
		snprintf(buf, n, "%s '%.40s'", kind, t->text);
}

void parse_error(struct parser *P, struct srcloc loc, const struct token *saw,
		 const char *fmt, ...)
{
	FILE *out = P->opts->err;
	int max = P->max_errors ? P->max_errors : DEFAULT_MAX_ERRORS;
	va_list ap;

	P->nerrors++;
	if (!out || P->nerrors > max)
		return;
	fputs("parse error: ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	if (saw) {
		char desc[128];

		diag_token_desc(desc, sizeof(desc), saw);
		fprintf(out, "\tsaw: %s at %s:%d:%d\n", desc,
			loc.file ? loc.file->name : "<input>", loc.line, loc.col);
	} else {
		fprintf(out, "\tat: %s:%d:%d\n",
			loc.file ? loc.file->name : "<input>", loc.line, loc.col);
	}
	diag_source_line(out, loc);
	if (P->nerrors == max)
		fprintf(out, "Too many parse errors; giving up.\n");
}
