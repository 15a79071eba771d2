/* session.h - everything the command line asked for, shared by the passes. */
#ifndef STAP_SESSION_H
#define STAP_SESSION_H

#include <stdbool.h>

#include "util.h"

/* The passes, as stap -p numbers them. */
enum pass { PASS_PARSE = 1, PASS_ELABORATE, PASS_TRANSLATE, PASS_BUILD, PASS_RUN };

struct session {
	int last_pass;			/* -p, default PASS_RUN */
	int verbose;			/* -v count */
	bool guru;			/* -g */
	bool unoptimized;		/* -u */
	bool suppress_warnings;		/* -w */
	bool warnings_are_errors;	/* -W */
	bool keep_tmpdir;		/* -k */
	bool bulk;			/* -b */
	bool flight_recorder;		/* -F */
	bool timing;			/* -t */
	const char *script_text;	/* -e */
	const char *script_file;	/* FILE or - */
	const char *module_name;	/* -m */
	const char *kernel_release;	/* -r: release or build tree path */
	const char *kernel_release_resolved;	/* e.g. "6.1.0-56-amd64" */
	const char *kernel_build_tree;	/* where kbuild runs */
	const char *output_file;	/* -o */
	const char *target_cmd;		/* -c */
	long target_pid;		/* -x */
	const char *list_probe;		/* -l */
	const char *list_probe_vars;	/* -L */
	const char *size_spec;		/* -S SIZE[,N] */
	int buffer_mb;			/* -s */
	const char *runtime;		/* --runtime: "kernel" or "user" */
	const char *privilege;		/* --privilege */
	bool sign_module;		/* --sign-module[=KEYDIR] */
	const char *sign_keydir;	/* KEYDIR, or NULL: the cache's */
	const char *compatible;		/* --compatible: language level */
	const char *arch;		/* -a */
	const char *vm_release;		/* --vm[=RELEASE] */
	bool vm;
	struct ptrvec include_dirs;	/* -I */
	struct ptrvec macros;		/* -D NAME[=VAL] */
	struct ptrvec globals;		/* -G VAR=VAL */
	struct ptrvec make_opts;	/* -B OPT */
	struct ptrvec sym_files;	/* -d FILE: user symbol tables */
	bool ldd;			/* --ldd: their shared libraries too */
	int argc;			/* script arguments */
	char **argv;
	struct arena arena;
};

#endif
