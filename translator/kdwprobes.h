/* kdwprobes.h - kernel probe points answered by the kernel's DWARF
 * (kdwprobes.c): kernel.function("F@FILE:LINE"), .inline,
 * kernel.statement("F@FILE:LINE"). */
#ifndef STAP_KDWPROBES_H
#define STAP_KDWPROBES_H

#include "probes.h"

struct dsource;

/* pp's component i (function or statement, with a string argument) and
 * the component after it (.call, .return, .inline, or none) against the
 * kernel's DWARF ds: the targets into out. */
enum match_result kdwarf_match(struct session *s, struct dsource *ds,
			       const struct probe_point *pp, int i,
			       struct probe_target *t, struct ptrvec *out,
			       const char **msg);
/* "it needs the kernel's DWARF debuginfo (Debian: linux-image-R-dbg...)" */
const char *kdwarf_needed(struct session *s);

#endif
