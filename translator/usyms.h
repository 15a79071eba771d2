/* usyms.h - user-space symbol tables for the module (usyms.c). */
#ifndef STAP_USYMS_H
#define STAP_USYMS_H

#include <stdio.h>

#include "session.h"
#include "sema.h"

/* Pass 3: stp_usym_files[] for runtime/linux/usyms.c: the symbols of the
 * -d files, -c's executable and process("PATH") probes' files (and with
 * --ldd their libraries), when the program calls a function that reads
 * them; else an empty table. */
void gen_usyms(FILE *out, struct session *s, const struct program *P);

#endif
