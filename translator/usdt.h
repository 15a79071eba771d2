/* usdt.h - process("PATH").mark("NAME") probes on sys/sdt.h (USDT)
 * markers (usdt.c). */
#ifndef STAP_USDT_H
#define STAP_USDT_H

#include <libelf.h>

#include "probes.h"

/* How one argument of a mark is found (kind, as tv_access.arg) */
enum usdt_arg_kind {
	USDT_REG,		/* register reg (DWARF number) */
	USDT_MEM,		/* user memory at reg + index * scale + disp
				   (reg, index -1: none; biased: disp is a
				   link-time address, moved by the load bias) */
	USDT_IMM,		/* the constant disp */
};

struct usdt_arg {
	enum usdt_arg_kind kind;
	int reg;
	int index, scale;		/* USDT_MEM */
	bool biased;			/* USDT_MEM: disp names a symbol */
	int64_t disp;
	int size;			/* 1, 2, 4 or 8 bytes */
	bool is_signed;
	const char *text;		/* as the note has it: "-4@%edi" */
	const char *why;		/* non-NULL: cannot be read (why) */
};

struct usdt_mark {
	const char *provider, *name;
	uint64_t pc;			/* link-time address */
	int64_t offset;			/* the breakpoint's file offset */
	uint64_t semaphore;		/* link-time address, 0: none */
	int64_t sem_offset;		/* its file offset */
	const char *args_text;
	struct usdt_arg *args;
	int nargs;
};

/* process("PATH").mark("NAME"): one uprobe target per note of the file's
 * .note.stapsdt whose name matches NAME (a wildcard, or
 * "PROVIDER:NAME").  MATCH_NONE when pp is not a mark probe point. */
enum match_result match_usdt(struct session *s, const struct probe_point *pp,
			     struct probe_target *t, struct ptrvec *out,
			     const char **msg);

/* The notes of d (a .note.stapsdt section's data, read by libelf's
 * gelf_getnote), each a usdt_mark pushed on out with its arguments
 * parsed; base_addr (when have_base) is .stapsdt.base's address.  e is
 * the program, for the symbols an operand may name.  Returns the marks
 * found. */
int usdt_parse_notes(struct arena *ar, Elf *e, Elf_Data *d,
		     uint64_t base_addr, bool have_base, struct ptrvec *out);

/* Pass 2: $argN, $name, $provider, $$name, $$provider, $$parms in a mark
 * probe.  May turn e into a string constant.  NULL or why not. */
const char *usdt_resolve(struct arena *a, const struct probe_target *t,
			 struct expr *e, bool address_of);

#endif
