/* translate.h - pass 3: C code for an elaborated program. */
#ifndef STAP_TRANSLATE_H
#define STAP_TRANSLATE_H

#include <stdio.h>

#include "sema.h"

void translate(struct session *s, const struct program *p,
	       const char *script_name, FILE *out);

/* locks.c: for each probe of p, in order, a list of struct lock_use *
 * in global order. */
struct ptrvec *compute_locks(struct arena *a, const struct program *p);
/* The probe's condition and body call nothing (no function, builtin or
 * embedded C), read no target variable and have no foreach: it cannot
 * print or end the session except by an error. */
bool probe_is_quiet(const struct rprobe *p);

#endif
