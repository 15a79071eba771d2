/* tracepoints.h - kernel.trace("NAME") probes (tracepoints.c). */
#ifndef STAP_TRACEPOINTS_H
#define STAP_TRACEPOINTS_H

#include "probes.h"

/* kernel.trace("NAME"), kernel.trace("SYSTEM:NAME"), either part a
 * wildcard: one target per tracepoint of the kernel's BTF, its arguments
 * (without the callback's data pointer) as the target's parameters.
 * MATCH_NONE when pp is not a kernel.trace probe point. */
enum match_result match_trace(struct session *s, const struct probe_point *pp,
			      struct probe_target *t, struct ptrvec *out,
			      const char **msg);

/* Pass 3: the kernel callbacks of the program's tracepoint targets (one
 * per target, with the tracepoint's exact prototype) and the table the
 * runtime registers them from, stp_tracepoint_defs[]; the targets are
 * numbered as in stp_probes[]. */
void gen_tracepoints(FILE *out, const struct program *P);

#endif
