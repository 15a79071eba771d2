/* udwarf.h - process("PATH") probes through the program's own DWARF
 * (udwarf.c): functions by name, wildcard and FUNC@FILE[:LINE], source
 * lines as statements, and the variables each one offers. */
#ifndef STAP_UDWARF_H
#define STAP_UDWARF_H

#include "elfsyms.h"
#include "probes.h"

struct dsource;

/* process("PATH").function("SPEC")[.call|.return] over ds, the DWARF of
 * t->path (es its segments): a target per matching function, with its
 * variables located after the prologue of unoptimized code (at the entry
 * of a .return probe).  MATCH_NONE when SPEC is a plain name the DWARF
 * lacks (the symbol table may have it). */
enum match_result udwarf_functions(struct session *s,
				   const struct probe_point *pp,
				   struct probe_target *t,
				   const struct elf_syms *es, struct dsource *ds,
				   const char *spec, struct ptrvec *out,
				   const char **msg);

/* process("PATH").statement("FUNC@FILE:LINE"): a uprobe at the line's
 * lowest address; ds NULL (no DWARF) is an error naming why (dwhy). */
enum match_result udwarf_statement(struct session *s,
				   const struct probe_point *pp,
				   struct probe_target *t,
				   const struct elf_syms *es, struct dsource *ds,
				   const char *dwhy, const char *spec,
				   struct ptrvec *out, const char **msg);

#endif
