/* translate.h - pass 3: C code for an elaborated program. */
#ifndef STAP_TRANSLATE_H
#define STAP_TRANSLATE_H

#include <stdio.h>

#include "sema.h"

void translate(struct session *s, const struct program *p,
	       const char *script_name, FILE *out);

#endif
