/* targets.h - pass 2 for target variables (targets.c). */
#ifndef STAP_TARGETS_H
#define STAP_TARGETS_H

#include "sema.h"

struct dsource;

/* The kernel's type information for s's release, opened on first use;
 * NULL with *why (a sentence naming what to install) when there is none. */
struct dsource *kernel_types(struct session *s, const char **why);
/* The kernel's BTF, whatever kernel_types() chose (tracepoints read their
 * arguments the BTF way); NULL with *why. */
struct dsource *kernel_btf(struct session *s, const char **why);
/* The file of module("module"): an absolute path ending in .ko as it is,
 * else NAME.ko (or with '-' for '_') anywhere under /lib/modules/RELEASE;
 * the module's name as the kernel knows it in *name.  NULL: not found. */
const char *module_file(struct session *s, const char *module,
			const char **name);
/* fn(name, data) for each module under /lib/modules/RELEASE (its .ko
 * files) whose name, with '-' read as '_', matches the wildcard pattern,
 * in name order, until fn returns non-zero; the count. */
int module_each(struct session *s, const char *pattern,
		int (*fn)(const char *name, void *data), void *data);
/* The DWARF of a module file, opened once; NULL with *why. */
struct dsource *module_types(struct session *s, const char *path,
			     const char **why);
/* Frees what kernel_types() and module_types() opened (at exit). */
void kernel_types_close(void);

/* Resolves E_TARGET or E_CAST e (its index expressions already resolved)
 * in a probe on t (NULL in a function): sets e->tv to a struct tv_access
 * and e->type.  address_of: e is the operand of &; at_entry: inside
 * @entry() of a .return probe (read at the function's entry).  Returns
 * NULL, or why it cannot be resolved. */
const char *resolve_target(struct session *s, const struct probe_target *t,
			   struct expr *e, bool address_of, bool at_entry);

/* e, @var("NAME[@FILE]"[, "kernel"]) made $NAME with FILE in e->str3, as
 * the kernel's global or file-static variable from its DWARF (t: the
 * probe's target, whose unit is searched first; NULL in a function or a
 * probe without one).  Sets e->tv and e->type; NULL, or why not. */
const char *resolve_kernel_var(struct session *s, const struct probe_target *t,
			       struct expr *e, bool address_of);

#endif
