/* procfs.h - procfs("NAME").read / .write probes (procfs.c). */
#ifndef STAP_PROCFS_H
#define STAP_PROCFS_H

#include <stdio.h>

#include "probes.h"

/* procfs("NAME").read[.maxsize(N)], procfs("NAME").write, either with
 * .umask(N) after the name, and procfs.read / procfs.write (NAME
 * "command"): the file /proc/systemtap/MODULE/NAME.  MATCH_NONE when pp
 * is not a procfs probe point. */
enum match_result match_procfs(struct session *s, const struct probe_point *pp,
			       struct probe_target *t, struct ptrvec *out,
			       const char **msg);

/* Pass 2: $value in a procfs probe (t may be NULL: not one probe point).
 * write: the expression is assigned to (= or .=).  Fills e->tv and
 * e->type, or returns why it cannot be used. */
const char *procfs_resolve_value(struct arena *a, const struct probe_target *t,
				 struct expr *e, bool write);

/* Pass 3: the table the runtime creates the files from,
 * stp_procfs_defs[], with the targets numbered as in stp_probes[]. */
void gen_procfs(FILE *out, const struct program *P);

#endif
