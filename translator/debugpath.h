/* debugpath.h - where separate debuginfo files are looked for: the
 * directories of $SYSTEMTAP_DEBUGINFO_PATH (SystemTap's default
 * "+:.debug:/usr/lib/debug:build"), for the kernel (kdwarf.c), its modules
 * (targets.c) and, through libdwfl, user programs (dwarf.c). */
#ifndef STAP_DEBUGPATH_H
#define STAP_DEBUGPATH_H

#include <stdbool.h>

struct arena;
struct session;

/* The search path: $SYSTEMTAP_DEBUGINFO_PATH when set and not empty. */
const char *debugpath(void);

/* Calls fn on each element of debugpath() in order until it returns
 * non-NULL, and returns that (NULL when none did). */
const char *debugpath_each(struct arena *a,
			   const char *(*fn)(struct arena *a, const char *el,
					     void *data),
			   void *data);

/* path is an ELF file whose .debug_info has contents. */
bool debugpath_has_dwarf(const char *path);

/* path's GNU build id in hex; "" when it has none, NULL when path is not
 * a readable ELF file. */
const char *debugpath_build_id(struct arena *a, const char *path);

/* Module file names use '-' and '_' alike: a's first n bytes name b. */
bool debugpath_same_module(const char *a, const char *b, size_t n);

/* The separate debuginfo file of module name (ko: its .ko, NULL when not
 * installed) for s's release, with DWARF and, when both have one, ko's
 * build id: in each absolute directory DIR of the path
 * DIR/.build-id/xx/rest.debug, DIR/lib/modules/R/REL[.debug] (REL: ko's
 * path under /lib/modules/R), then any DIR/lib/modules/R/.../NAME.ko
 * [.debug].  A file whose build id differs is skipped (said with -v).
 * NULL when there is none. */
const char *debugpath_module(struct session *s, const char *ko,
			     const char *name);

#endif
