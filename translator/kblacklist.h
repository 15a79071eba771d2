/* kblacklist.h - the kernel's kprobe blacklist, read at pass 2 so that a
 * wildcard leaves out what register_kprobe() would refuse and a probe
 * naming such a function is an error before anything is built.
 *
 * The kernel refuses a kprobe inside a NOKPROBE_SYMBOL() function (their
 * addresses are in the _kprobe_blacklist array), in .kprobes.text,
 * .noinstr.text or (x86) .entry.text, and in init and exit code, freed
 * after boot (or never loaded).  STAPC_KBL_ROOT=DIR (tests) reads
 * DIR/proc/kallsyms and DIR/sys/kernel/debug/kprobes/blacklist as the
 * running kernel's.
 * Read, in this order, from:
 *  - the kernel's debuginfo vmlinux (kdwarf_find()): its symbol table and
 *    the array's contents;
 *  - for the running kernel: /sys/kernel/debug/kprobes/blacklist, else
 *    the text ranges /proc/kallsyms shows;
 *  - nothing: refused functions are skipped when the module registers
 *    them, as before. */
#ifndef STAP_KBLACKLIST_H
#define STAP_KBLACKLIST_H

#include <stdint.h>

struct session;

/* Why the kernel would refuse a kprobe at symbol + offset (a phrase:
 * "NOKPROBE_SYMBOL", "in .noinstr.text", ...), or NULL when it would
 * not, as far as the blacklist knows (nothing known: NULL). */
const char *kbl_refused(struct session *s, const char *symbol,
			int64_t offset);

/* Where the blacklist was read from ("/usr/lib/debug/vmlinux-R",
 * "/sys/kernel/debug/kprobes/blacklist", "/proc/kallsyms"), or NULL with
 * *why when there is none. */
const char *kbl_source(struct session *s, const char **why);

#endif
