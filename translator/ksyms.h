/* ksyms.h - kernel symbols without debuginfo (ksyms.c). */
#ifndef STAP_KSYMS_H
#define STAP_KSYMS_H

#include <stdbool.h>

#include "session.h"

/* Is name exported (EXPORT_SYMBOL*) by module (NULL: the kernel itself),
 * as the target build tree's Module.symvers says? */
bool ksym_exported(struct session *s, const char *module, const char *name);
/* Is there a Module.symvers to ask? */
bool ksym_have_exports(struct session *s);

/* fn(name, data) for each function of the .ko at path (its symbol table:
 * code outside .init and .exit, no NAME.cold parts, each name once,
 * sorted) matching the
 * wildcard pattern; stops when fn returns non-zero.  The count, or -1
 * with *why; 0 with *why when none matches. */
int ksym_ko_each_func(struct session *s, const char *path,
		      const char *pattern,
		      int (*fn)(const char *name, void *data), void *data,
		      const char **why);

#endif
