/* procevents.h - process.begin / .end and .thread.begin / .thread.end
 * probes (procevents.c). */
#ifndef STAP_PROCEVENTS_H
#define STAP_PROCEVENTS_H

#include <stdio.h>

#include "probes.h"

/* The events, as the runtime numbers them (runtime/linux/procevents.c). */
enum procevent {
	PE_BEGIN, PE_END, PE_THREAD_BEGIN, PE_THREAD_END,
};

/* process.begin, process.end, process.thread.begin, process.thread.end,
 * each also with process("PATH") or process(PID) in front.  MATCH_NONE
 * when pp is not one of them (process("PATH").function(...) and others
 * are match_process's). */
enum match_result match_procevents(struct session *s,
				   const struct probe_point *pp,
				   struct probe_target *t, struct ptrvec *out,
				   const char **msg);

/* Pass 3: the table the runtime arms them from, stp_procevent_defs[],
 * with the targets numbered as in stp_probes[]. */
void gen_procevents(FILE *out, const struct program *P);

#endif
