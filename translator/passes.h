/* passes.h - what the driver (main.c) calls in the files of passes 2 to 5
 * besides the passes' own headers. */
#ifndef STAP_PASSES_H
#define STAP_PASSES_H

#include <stdio.h>

#include "parse.h"
#include "session.h"

/* library.c */
const char *data_dir(struct session *s, const char *env, const char *sub,
		     const char *probe_file);
int load_library(struct session *s, const struct parse_opts *po,
		 struct ptrvec *scripts, bool other_runtime);
/* The tapset directories' macro libraries (*.stpm, a later directory's
 * file shadowing an earlier one of the same name), read into *files as
 * struct srcfile *, for parse_opts.macro_files. */
void load_macro_libraries(struct session *s, struct ptrvec *files);

/* build.c */
/* $XDG_CACHE_HOME/stapc, or ~/.cache/stapc: built modules, BTF. */
const char *cache_dir(struct session *s);
int build_user(struct session *s, const char *dir, const char *csrc,
	       const char *exe);
/* kbuild against s->kernel_build_tree, through the module cache; *ko is
 * the built (or cached) module. */
int build_kernel(struct session *s, const char *csrc_text, const char **ko);

/* sign.c: --sign-module: KO signed with the build tree's sign-file and
 * the key in s->sign_keydir (made when missing) into *signed_ko.  0, or
 * -1 after a message. */
int sign_module(struct session *s, const char *ko, const char **signed_ko);

/* listing.c: stap -l / -L over an elaborated 'probe PATTERN ? {}' */
struct program;
void list_probes(struct session *s, const struct program *p, bool vars,
		 FILE *out);

/* run.c */
int run_user(struct session *s, const char *exe);
/* The kernel: staprun here, or in a throwaway VM (--vm). */
int run_staprun(struct session *s, const char *ko);
int run_vm(struct session *s, const char *ko);
void remove_dir(const char *dir);

#endif
