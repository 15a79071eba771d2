/* parse.h - pass 1: turn script text into an AST.
 *
 * The lexer (lexer.l) produces raw tokens, the preprocessor (pp.c) resolves
 * %( %? %: %) conditionals, @define macros and $1/@1 script arguments, and
 * the bison grammar (parser.y) builds the AST from what is left. */
#ifndef STAP_PARSE_H
#define STAP_PARSE_H

#include <stdio.h>

#include "ast.h"

/* A source file held in memory for the whole session; error messages quote
 * lines from it. */
struct srcfile {
	const char *name;
	const char *buf;
	size_t len;
};

/* What %( %) conditionals may ask about, and what the parser allows. */
struct parse_opts {
	const char *kernel_v;		/* "6.1.0" */
	const char *kernel_vr;		/* "6.1.0-56-amd64" */
	const char *arch;		/* "x86_64" */
	const char *runtime;		/* "kernel" or "user" */
	const char *systemtap_v;	/* language level, "5.0" */
	const char *privilege;		/* "stapdev", "stapsys", "stapusr" */
	int guru;			/* -g */
	int argc;			/* script arguments for $1 @1 $# @# */
	char **argv;
	/* Kernel config: returns the value of CONFIG_NAME ("y", "m", "64"...)
	 * or NULL when unset. */
	const char *(*kconfig)(void *data, const char *name);
	void *kconfig_data;
	int library;			/* a tapset file: embedded C allowed */
	/* macro libraries (a tapset's .stpm files): their @define's are
	 * known in the file parsed, as if at its top */
	const struct srcfile *const *macro_files;
	int nmacro_files;
	FILE *err;			/* diagnostics; NULL for silence */
	int max_errors;			/* 0: default cap */
};

/* Parses one file.  Returns the script (allocated in arena) and stores the
 * number of errors reported in *nerrors; the script is NULL or partial when
 * there were errors. */
struct script *parse_file(struct arena *arena, const struct srcfile *file,
			  const struct parse_opts *opts, int *nerrors);

/* Prints a script in canonical form: parsing the output again prints the
 * same text. */
void print_script(FILE *out, const struct script *s);

#endif
