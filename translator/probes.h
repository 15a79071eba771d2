/* probes.h - probe-point providers: what a probe point may name.
 *
 * Each provider matches a probe point's components and fills in a
 * probe_target; pass 3 turns targets into registrations.  Adding a kind of
 * probe means one entry in probes.c and its runtime part. */
#ifndef STAP_PROBES_H
#define STAP_PROBES_H

#include "sema.h"

enum match_result {
	MATCH_NONE,		/* not this provider's: try aliases, then fail */
	MATCH_OK,
	MATCH_ERROR,		/* this provider's, but malformed: *msg says why */
	MATCH_UNAVAILABLE,	/* valid, but not in this runtime: *msg says why */
	MATCH_NOTHING,		/* a wildcard that matched nothing: *msg */
};

/* Matches pp against the providers: on MATCH_OK its targets (one, or one
 * per function a wildcard matched) are appended to out. */
enum match_result match_provider(struct session *s, const struct probe_point *pp,
				 struct ptrvec *out, const char **msg);

/* The file a process("PATH") names (PATH, or the first executable of
 * that name on $PATH, or for a "NAME.so..." the library the dynamic
 * loader would load: $LD_LIBRARY_PATH, ldconfig -p); NULL with *msg when
 * there is none. */
const char *find_executable(struct arena *a, const char *name,
			    const char **msg);

/* "f@file:line" into f, file and line (NULL, 0 when absent; "@file"
 * alone is f "*").  Non-zero when malformed ("f:10", "f@", a bad line). */
int split_func_spec(struct arena *a, const char *spec, const char **func,
		    const char **file, int *line);

/* The pp() text of a probe point, with component fn_index's argument
 * replaced by name (one match of a wildcard); fn_index -1: as written. */
const char *function_pp(struct arena *a, const struct probe_point *pp,
			int fn_index, const char *name);

/* Canonical text of a probe point, as pp() returns it. */
const char *probe_point_text(struct arena *a, const struct probe_point *pp);

#endif
