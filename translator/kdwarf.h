/* kdwarf.h - the kernel's own DWARF (vmlinux from linux-image-R-dbg) as a
 * debuginfo source (kdwarf.c), over dwarf.c's types and variables.
 *
 * vmlinux's DWARF is hundreds of MB: the functions, their inlined
 * instances and the named types are indexed once per build id into the
 * user's cache dir (name -> DIE offset, entry address, ELF symbol, file,
 * line) and later runs only open the DIEs they need. */
#ifndef STAP_KDWARF_H
#define STAP_KDWARF_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "debuginfo.h"

struct session;

/* dwarf.c's parts for kdwarf.c: a source without a function index
 * (each_func and find_func are left NULL), its libdw handles, and a
 * function's variables located at pc (0: its entry) or at a line. */
struct dsource *dwarf_open_bare(struct arena *a, const char *path,
				const char **why);
Dwarf *dwarf_handle(struct dsource *s);
Dwfl_Module *dwarf_dwfl_module(struct dsource *s);
const struct dtype *dwarf_type_at(struct dsource *s, Dwarf_Off die);
/* The DW_TAG_* of a kind of named type (-1: none). */
int dwarf_tag_of(enum dtype_kind kind);
const struct dfunc *dwarf_func_at(struct dsource *s, Dwarf_Die *fn,
				  const char *name, Dwarf_Addr pc);
const struct dfunc *dwarf_func_line(struct dsource *s, Dwarf_Die *fn,
				    const char *name, const char *file,
				    int line, const char **why);
/* The top-level DW_TAG_variable named name in unit cud (declared in a file
 * matching file, when not NULL) into *found: 2 a definition (it has a
 * location), 1 a declaration only, 0 none. */
int dwarf_cu_global(Dwarf_Die *cud, const char *name, const char *file,
		    Dwarf_Die *found);
/* A variable DIE as a dvar named name, its location taken as a whole
 * (static data: DW_OP_addr). */
const struct dvar *dwarf_var_of(struct dsource *s, Dwarf_Die *d,
				const char *name);

/* The kernel's debuginfo file for s's release, SystemTap's way: each
 * directory of $SYSTEMTAP_DEBUGINFO_PATH (default
 * "+:.debug:/usr/lib/debug:build") as DIR/vmlinux-R, DIR/boot/vmlinux-R,
 * DIR/lib/modules/R/vmlinux, DIR/vmlinux ("build": the release's build
 * tree), or an element naming a file; only a file with .debug_info
 * counts.  NULL when there is none. */
const char *kdwarf_find(struct session *s);

/* The kernel's DWARF in path as a source (functions, types), its index
 * built or loaded from the cache.  NULL with *why. */
struct dsource *kdwarf_open(struct session *s, const char *path,
			    const char **why);
bool kdwarf_is(const struct dsource *ds);

/* Whether len bytes at buf (8-byte aligned: a mapped or read index file)
 * are a valid index for build id bid (bidlen bytes, at most 32): its
 * magic, version and build id, its size the sum of its parts, every string
 * offset inside the string table, the table NUL-terminated.  A cached
 * index that fails is rebuilt. */
bool kdwarf_index_check(const void *buf, size_t len, const uint8_t *bid,
			int bidlen);

/* One probe-able place: a function's entry (or a line in it), or an
 * inlined instance's entry; the kprobe goes at symbol + offset. */
struct kdwarf_hit {
	const struct dfunc *f;
	const char *name;		/* the function, as DWARF names it */
	const char *symbol;		/* the ELF symbol (vfs_read, or a
					   clone's do_foo.isra.0; an inline's
					   caller) */
	int64_t offset;
	const char *file;		/* declared in, relative to the tree */
	int line;
	bool inlined;
};

/* Calls fn for each function (inl: each inlined instance) whose name
 * matches pattern, declared in a file matching file (NULL: any) at line
 * (0: any), in name order; stops when fn returns non-zero.  Returns the
 * number of matches. */
int kdwarf_each(struct dsource *ds, const char *pattern, const char *file,
		int line, bool inl,
		int (*fn)(const struct kdwarf_hit *, void *), void *data);

/* FUNC@FILE:LINE: each function matching func (in a file matching file)
 * with code at that line, its variables located there.  Returns the
 * number found; with none, *why says what lines have code. */
int kdwarf_lines(struct dsource *ds, const char *func, const char *file,
		 int line, int (*fn)(const struct kdwarf_hit *, void *),
		 void *data, const char **why);

/* A global or file-static variable of the kernel named name (declared in
 * a file matching file, when not NULL): looked for first in the unit
 * holding pc (the probed function's; 0: none), then in every unit; a
 * definition beats a declaration, and a declaration alone (a variable the
 * linker script defines, such as jiffies) takes its address from the ELF
 * symbol of that name.  Its location is DW_OP_addr, a link-time address.
 * NULL with *why when there is none. */
const struct dvar *kdwarf_global(struct dsource *ds, const char *name,
				 const char *file, uint64_t pc,
				 const char **why);
/* The link-time address of the kernel's (global, else local) ELF symbol
 * named name, 0 when there is none. */
uint64_t kdwarf_symbol(struct dsource *ds, const char *name);

/* The line a function is declared at (for FUNC@FILE+N), 0 if unknown. */
int kdwarf_decl_line(struct dsource *ds, const char *func, const char *file);

#endif
