/* debuginfo.h - what pass 2 knows about the target's functions and types.
 *
 * One model for every source of type information: BTF (btf.c, the
 * kernel's own compact type data, always present on Debian kernels) and
 * DWARF (dwarf.c, elfutils' libdw: modules built with -g, with locals and
 * variable locations).  Types are converted lazily: a struct's members
 * and a pointer's target are read from the source the first time someone
 * asks, so looking at one function costs almost nothing however big the
 * kernel is. */
#ifndef STAP_DEBUGINFO_H
#define STAP_DEBUGINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

enum dtype_kind {
	DT_VOID, DT_INT, DT_ENUM, DT_FLOAT, DT_PTR, DT_ARRAY, DT_STRUCT,
	DT_UNION, DT_FUNC, DT_TYPEDEF, DT_CONST, DT_VOLATILE, DT_RESTRICT,
	DT_UNKNOWN,
};

struct dsource;

/* A type as the source spells it: typedefs and qualifiers are nodes of
 * their own (for printing); dt_resolve() looks through them. */
struct dtype {
	enum dtype_kind kind;
	const char *name;		/* "int", "file" (tag), "size_t", or "" */
	int64_t size;			/* bytes; 0 when unknown or void */
	bool is_signed;			/* DT_INT, DT_ENUM */
	bool is_char;			/* DT_INT of size 1 spelled char */
	int64_t nelems;			/* DT_ARRAY; 0 when flexible */
	/* lazily filled through the source: use the accessors */
	struct dsource *src;
	uint32_t id;
	const struct dtype *target_;	/* ptr, array, typedef, qualifiers */
	bool target_done;
	struct dmember *members_;	/* struct, union */
	int nmembers_;
	bool members_done;
};

struct dmember {
	const char *name;		/* "" for an anonymous struct/union */
	const struct dtype *type;
	int64_t bit_offset;
	int bit_size;			/* 0 unless a bitfield */
};

/* One operation of a DWARF location expression (DW_OP_*). */
struct dloc_op {
	uint8_t atom;
	uint64_t number, number2;
};

/* A variable a probe can read: a parameter or (DWARF) a local. */
struct dvar {
	const char *name;
	const struct dtype *type;
	int arg;			/* 1-based register argument, 0 if none */
	/* DWARF: where it is at the probe's address; nloc == 0 with
	 * has_loc set means optimized out there.  DW_OP_fbreg is already
	 * rewritten against the frame's CFA rule at that address. */
	bool has_loc;
	const struct dloc_op *loc;
	int nloc;
};

/* A probe-able function. */
struct dfunc {
	const char *name;
	const char *module;		/* NULL: the kernel */
	const struct dtype *ret;	/* DT_VOID when none */
	struct dvar *params;
	int nparams;
	bool variadic;
	bool dwarf;			/* from DWARF: locals are known */
	/* DWARF: the locals (of every lexical block), where the vars'
	 * locations were taken, and the declaration for listings */
	struct dvar *locals;
	int nlocals;
	uint64_t pc;			/* link-time address in the file */
	uint64_t offset;		/* pc minus the function's entry */
	const char *decl_file;
	int decl_line;
};

/* The type information of one kernel, loaded once per run. */
struct dsource {
	struct arena *a;
	const char *what;		/* "BTF from /sys/kernel/btf/vmlinux" */
	void *impl;			/* the reader's own state */
	const struct dtype **types;	/* by id, converted ones */
	uint32_t ntypes;
	/* reader hooks */
	void (*fill_target)(struct dsource *, struct dtype *);
	void (*fill_members)(struct dsource *, struct dtype *);
	const struct dtype *(*find_type)(struct dsource *, const char *name,
					 enum dtype_kind kind);
	/* calls fn for each function whose name matches the fnmatch pattern,
	 * in name order; stops early when fn returns non-zero */
	int (*each_func)(struct dsource *, const char *pattern,
			 int (*fn)(const struct dfunc *, void *), void *data);
	const struct dfunc *(*find_func)(struct dsource *, const char *name);
	/* BTF: each typedef named PREFIX... that points to a function
	 * prototype, as a dfunc of that name (unnamed parameters); may be
	 * NULL */
	int (*each_proto_typedef)(struct dsource *, const char *prefix,
				  int (*fn)(const struct dfunc *, void *),
				  void *data);
	/* frees what the reader holds outside the arena; may be NULL */
	void (*close)(struct dsource *);
};

/* A new type of source s, id its own key (BTF id, DIE offset); a struct's
 * or union's members and a pointer-like type's target are left for the
 * source's hooks to fill in. */
struct dtype *dt_new(struct dsource *s, enum dtype_kind kind, uint32_t id,
		     const char *name);
const struct dtype *dt_target(const struct dtype *t);
int dt_nmembers(const struct dtype *t);
const struct dmember *dt_member(const struct dtype *t, int i);
/* Through typedefs and qualifiers. */
const struct dtype *dt_resolve(const struct dtype *t);
/* The member named name, looking into anonymous structs and unions;
 * its offset from the start of t in *bit_offset. */
const struct dmember *dt_find_member(const struct dtype *t, const char *name,
				     int64_t *bit_offset);
/* SystemTap's spelling: "struct file*", "char const*", "size_t". */
const char *dt_name(struct arena *a, const struct dtype *t);
/* A struct/union by tag, or a typedef/base type by name: "task_struct",
 * "struct task_struct", "union foo", "size_t". */
const struct dtype *dt_lookup(struct dsource *s, const char *spelling);

/* The kernel's BTF for release (btf.c): from /sys/kernel/btf/vmlinux
 * when release is the running kernel, else from the release's vmlinux or
 * vmlinuz (the .BTF section, cached as cache_dir/btf/RELEASE.btf).  NULL
 * with *why set (a sentence naming what is missing) when there is none. */
struct dsource *btf_open(struct arena *a, const char *release,
			 const char *build_dir, const char *cache_dir,
			 const char **why);

/* The DWARF of one ELF file with debuginfo, a kernel module or a program
 * (dwarf.c): functions are the out-of-line definitions, their variables
 * located at the entry.  The DWARF is read from debug when not NULL (a
 * separate debug file of path), else from path or the debug file libdwfl
 * finds along $SYSTEMTAP_DEBUGINFO_PATH (build id, .gnu_debuglink).
 * NULL with *why set when there is no usable DWARF. */
struct dsource *dwarf_open(struct arena *a, const char *path,
			   const char *debug, const char **why);
/* The file a dwarf_open() source's DWARF came from. */
const char *dwarf_debug_file(struct dsource *s);
/* FUNC@FILE:LINE in a DWARF source: the function (vars located at the
 * line's lowest address in it) or NULL with *why naming the lines near
 * LINE that have code.  func may be a wildcard; the first match wins. */
const struct dfunc *dwarf_find_line(struct dsource *s, const char *func,
				    const char *file, int line,
				    const char **why);
/* Unoptimized code (-O0, as DW_AT_producer says) keeps its variables in
 * stack slots that its prologue fills: the function named name with its
 * variables located at its first statement after the prologue (the
 * second row of its line table).  NULL when the code is optimized (its
 * locations hold at the entry) or there is no such row. */
const struct dfunc *dwarf_func_body(struct dsource *s, const char *name);
/* A global or file-static variable named name (declared in a file
 * matching file, when not NULL): a definition with its location (for a
 * program, DW_OP_addr), else a declaration; NULL when there is none. */
const struct dvar *dwarf_global(struct dsource *s, const char *name,
				const char *file);
/* Does a DWARF file name (a path) match FILE: the same, or ending in
 * "/FILE"? */
bool dwarf_file_matches(const char *path, const char *file);

/* Releases what a source holds outside its arena (libbpf's copy of the
 * BTF); its types stay readable until the arena is freed, but no new ones
 * can be converted.  NULL is fine. */
void dsource_close(struct dsource *s);

#endif
