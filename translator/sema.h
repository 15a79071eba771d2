/* sema.h - pass 2 (elaboration) output: the resolved program that pass 3
 * translates.  Symbols are resolved, aliases expanded, probe points matched
 * to providers, every expression typed, unused code dropped. */
#ifndef STAP_SEMA_H
#define STAP_SEMA_H

#include <stdio.h>

#include "ast.h"
#include "session.h"

#define MAX_INDICES 9

enum sym_kind { SYM_LOCAL, SYM_GLOBAL, SYM_PARAM };

struct symbol {
	const char *name;
	enum sym_kind kind;
	enum val_type type;		/* value (element) type */
	int nkeys;			/* -1 not yet known, 0 scalar, >0 array */
	enum val_type keys[MAX_INDICES];
	struct srcloc loc;		/* declaration or first use */
	struct srcloc type_loc;		/* where the type was first inferred */
	const struct decl *decl;	/* globals */
	int id;				/* C name suffix */
	bool read, written, used;
	/* statistics: the histogram its @hist_* uses ask for */
	enum op hist;			/* OP_NONE, OP_HIST_LINEAR, OP_HIST_LOG */
	int64_t hist_args[3];
	int variance_shift;		/* @variance(s, N): N, one per variable */
	bool has_variance_shift;
};

struct func {
	const struct decl *decl;
	const char *name;
	struct ptrvec params;		/* struct symbol * */
	struct ptrvec locals;		/* struct symbol * */
	enum val_type ret;
	struct srcloc ret_loc;
	struct stmt *body;
	bool used, library;
	bool has_value;			/* some 'return expr', or ':type' */
	struct ptrvec writes;		/* arrays it modifies, transitively */
	struct ptrvec calls;		/* functions it calls directly */
	int id;
};

/* The providers pass 2 matches probe points against. */
enum provider {
	PROV_BEGIN, PROV_END, PROV_ERROR, PROV_NEVER, PROV_TIMER, PROV_KPROBE,
	PROV_PROFILE, PROV_UPROBE,
	PROV_TRACE,		/* kernel.trace("NAME"): tracepoints.c */
	PROV_PROCFS,		/* procfs("NAME").read/.write: procfs.c */
	PROV_PROCEVENT,		/* process.begin/.end...: procevents.c */
};

struct dfunc;
struct usdt_mark;

struct probe_target {
	enum provider kind;
	const char *pp;			/* canonical text, what pp() returns */
	int64_t priority;
	int64_t period_ns, randomize_ns;
	bool jiffies;
	const char *symbol, *module;	/* kprobes; uprobes: symbol */
	bool is_return;
	/* uprobes: the executable or library, and the breakpoint's offset
	 * in it */
	const char *path;
	int64_t offset;
	const struct dfunc *func;	/* its types, when known (BTF, DWARF) */
	const char *types_why;		/* module probes: why func is NULL */
	bool optional;			/* one of a wildcard's matches: a
					   registration the kernel refuses
					   is skipped and counted */
	/* procfs: symbol is the file's NAME; a .write probe (else .read),
	 * umask(N) (-1: none), .read.maxsize(N) (0: MAXSTRINGLEN) */
	bool procfs_write;
	int64_t umask, maxsize;
	/* process("PATH").mark("NAME"): the USDT note (a uprobe) */
	const struct usdt_mark *usdt;
	/* process[(PID|"PATH")][.thread].begin/.end: the event (enum
	 * procevent), the PID (0: none); path is PATH as found */
	int procevent;
	int64_t pid;
};

/* A target variable access as pass 2 resolved it (targets.c): a start
 * value, then steps over memory, then what the value is. */
enum tv_base {
	TVB_ARG,		/* register argument 'arg' at function entry */
	TVB_RETURN,		/* the return value */
	TVB_EXPR,		/* a script value: @cast's pointer (e->a) */
	TVB_LOC,		/* DWARF: register 'reg' (DWARF number) or,
				   when reg < 0, the constant 'konst' */
	TVB_TPARG,		/* tracepoint argument 'arg' (1-based) */
	TVB_PROCFS,		/* a procfs probe's $value (a string) */
	TVB_USDT,		/* a USDT mark's $argN: 'arg' the kind (usdt.h),
				   reg, konst, size, is_signed */
};

enum tv_step_kind {
	TVS_LOAD,		/* v = *(u64 *)v: follow a pointer */
	TVS_ADD,		/* v += off */
	TVS_INDEX,		/* v += index * size */
};

struct tv_step {
	enum tv_step_kind kind;
	int64_t off;			/* TVS_ADD; TVS_INDEX: element size */
	struct expr *index;		/* TVS_INDEX */
};

enum tv_final {
	TVF_VALUE,		/* v is the value (register, or &) */
	TVF_READ,		/* read size bytes at v */
	TVF_CHARS,		/* the char array of size bytes at v */
	TVF_PRETTY,		/* $var$: v is the object's address... */
	TVF_PRETTY_VALUE,	/* ... or its value (a register) */
	TVF_PRETTY_VARS,	/* $$parms and friends: vars below */
};

/* The exported data symbol whose run-time address tells where KASLR put
 * the kernel (translate.c emits &STP_KERNEL_ANCHOR). */
#define STP_KERNEL_ANCHOR "jiffies"

struct tv_access {
	enum tv_base base;
	int arg;
	int reg;			/* TVB_LOC */
	int64_t konst;
	bool unavailable;		/* $$vars: optimized out, shown as ? */
	struct ptrvec steps;		/* struct tv_step * */
	enum tv_final final;
	int size;			/* TVF_READ/TVF_CHARS bytes */
	bool is_signed;
	int bit_shift, bit_size;	/* a bitfield, TVF_READ */
	const struct dtype *type;	/* of the result (pretty-printing) */
	int depth;			/* pretty: levels of structs opened */
	bool pointee;			/* pretty: type is what v points to */
	struct ptrvec vars;		/* TVF_PRETTY_VARS: struct tv_access *
					   each with its name in 'name' */
	const char *name;
	/* a uprobe's (or @cast to a user program's type): reads through the
	 * user accessors; ubias: konst is a link-time address (DW_OP_addr)
	 * that the load bias moves, found as the probed address (upc, link
	 * time) against the uprobe's instruction pointer */
	bool user;
	bool ubias;
	uint64_t upc;
	/* the kernel's static data (@var, $global): konst is a link-time
	 * address (DW_OP_addr) that KASLR moves as it moves the anchor, an
	 * exported data symbol (translate.c) at link-time address kanchor */
	bool kdata;
	uint64_t kanchor;
	int index_reg, scale;		/* TVB_USDT memory: index register
					   (-1: none) and its scale */
};

/* A global a probe locks while it runs (locks.c). */
struct lock_use {
	const struct symbol *global;
	bool write;
};

struct rprobe {
	struct ptrvec targets;		/* struct probe_target * */
	struct stmt *body;
	struct expr *cond;		/* if (cond), NULL if none */
	struct ptrvec locals;		/* struct symbol * */
	struct srcloc loc;
	int id;
	const char *alias;		/* the alias it came from, as named
					 * (syscall.read), or NULL */
	/* .return probes: the @entry(...) operands, evaluated at the
	 * function's entry; E_ENTRY's num is its slot here */
	struct ptrvec entries;		/* struct expr * */
};

struct program {
	struct ptrvec probes;		/* struct rprobe * */
	struct ptrvec funcs;		/* struct func *, used ones */
	struct ptrvec globals;		/* struct symbol *, used ones */
	struct ptrvec embedded;		/* const struct decl *, top-level %{ %} */
	int nlibrary;			/* library files pulled in */
};

/* printf/print family, handled by the translator itself. */
bool builtin_function(const char *name);
/* The argument types a printf format asks for; -1 and *bad on an invalid
 * conversion. */
int format_arg_types(const char *fmt, enum val_type *types, int max,
		     const char **bad);
const char *type_name(enum val_type t);

/* Runs pass 2 over the user script and the library scripts.  'other' is
 * the library of the other runtime, consulted only to say that a function
 * exists there.  Reports errors on stderr and returns their count. */
int elaborate(struct session *s, struct script *user, struct ptrvec *library,
	      struct ptrvec *other, struct program *out);
void print_program(FILE *out, const struct program *p);

#endif
