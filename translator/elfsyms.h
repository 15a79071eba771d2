/* elfsyms.h - the function symbols of a user-space ELF file (an
 * executable or a shared library), for process("PATH").function("NAME")
 * probes: uprobes plant their breakpoint at a file offset, so each
 * function's address is mapped back to where its code sits in the file. */
#ifndef STAP_ELFSYMS_H
#define STAP_ELFSYMS_H

#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct elf_func {
	const char *name;
	uint64_t addr;			/* st_value, the link-time address */
	uint64_t offset;		/* in the file */
	uint64_t size;			/* st_size: its code's bytes */
};

struct elf_segment {
	uint64_t vaddr, filesz, offset;	/* a PT_LOAD's bytes in the file */
};

struct elf_syms {
	const char *path;
	/* STT_FUNC symbols with code in the file, from .symtab (or .dynsym
	 * when stripped); sorted by name, then offset, without duplicates */
	struct elf_func *funcs;
	int nfuncs;
	bool has_symtab;		/* false: funcs is empty for want of one */
	struct elf_segment *segs;
	int nsegs;
};

/* path opened for reading as an ELF file (mapped), its section header
 * string table's index in *shstrndx and its descriptor in *fd, for
 * elf_close_file().  NULL with *why ("cannot open it", "not an ELF
 * file") when it is not one. */
Elf *elf_open_file(const char *path, int *fd, size_t *shstrndx,
		   const char **why);
void elf_close_file(Elf *e, int fd);

/* fn(sym, name, data) for each defined, named symbol of e's symbol
 * table of type type (SHT_SYMTAB or SHT_DYNSYM), until fn returns
 * non-zero, which is returned; 0 after the last, -1 when e has no such
 * table. */
int elf_each_symbol(Elf *e, GElf_Word type,
		    int (*fn)(const GElf_Sym *sym, const char *name,
			      void *data),
		    void *data);

/* Reads path's function symbols into a.  NULL with *why (a phrase: "not
 * an ELF file", "No such file or directory"...) when it cannot. */
const struct elf_syms *elf_syms_read(struct arena *a, const char *path,
				     const char **why);

/* The file offset of link-time address addr, or -1 if no loaded segment
 * of the file holds it. */
int64_t elf_addr_offset(const struct elf_syms *es, uint64_t addr);

#endif
