/* guru.h - guru mode and privilege levels in pass 2: the pragmas of
 * embedded-C function bodies, which probe points an unprivileged
 * (--privilege=stapusr) script may use, and the two optimisations the
 * pragmas allow. */
#ifndef STAP_GURU_H
#define STAP_GURU_H

#include <stdbool.h>

#include "sema.h"

/* Pragmas: comments in an embedded-C body, written exactly as
 * / * pure * / (white space inside the comment is free). */
enum {
	GP_PURE = 1,		/* no side effects: a call whose value is
				   unused may be dropped */
	GP_STABLE = 2,		/* same value all through one probe hit:
				   called at most once per hit */
	GP_UNPRIV = 4,		/* safe for --privilege=stapusr */
	GP_MYPROC = 8,		/* the same, in the user's own processes
				   only (checked when it runs) */
	GP_GURU = 16,		/* needs stap -g even in a tapset */
};

unsigned guru_pragmas(const char *code);

/* --privilege=stapusr (or --unprivileged). */
bool guru_stapusr(const struct session *s);

/* Whether a stapusr script may use a probe on this target. */
bool guru_probe_unprivileged(const struct probe_target *t);

/* After a successful pass 2 (not with -u): a statement that only calls a
 * pure embedded function with plain arguments is dropped; each stable
 * embedded function without arguments called in a probe body is called
 * once at the start of the handler and the calls read a local
 * (__stable_NAME) instead. */
void guru_optimize(struct arena *a, struct program *p);

/* Why a resolved target variable cannot be assigned (guru mode), or NULL:
 * memory of 1, 2, 4 or 8 bytes, or a register argument, DWARF register
 * or $return. */
const char *guru_target_unwritable(const struct tv_access *acc);

#endif
