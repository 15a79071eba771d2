/* fuzz_usdt.c - libFuzzer entry point for the USDT note reader
 * (translator/usdt.c): the .note.stapsdt notes of any program stap is
 * pointed at, and their argument strings ("-4@%eax", "8@-16(%rbp)",
 * "8@sym+8(%rip)").
 *
 * The first byte selects the mode: bit 0 clear, the rest is a
 * .note.stapsdt section's data (bit 1: notes padded to 8); set, the rest is
 * one mark's argument string, wrapped in a note here.  The section goes
 * into a small ELF file made in memory, read by libelf as stap reads a
 * program (it has no symbols: an operand naming one cannot be read).  Any
 * crash, leak, sanitizer report or hang is a bug. */
#include <gelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usdt.h"

/* probes.c's, which the note reader does not call */
const char *find_executable(struct arena *a, const char *name,
			    const char **msg)
{
	(void)a;
	(void)name;
	(void)msg;
	abort();
}

/* A note of owner "stapsdt", type 3, for provider "p", name "m" and the
 * argument string args[0..n). */
static uint8_t *wrap(const uint8_t *args, size_t n, size_t *len)
{
	static const char strs[] = "p\0m";
	uint32_t hdr[3] = { 8, (uint32_t)(24 + sizeof(strs) + n + 1), 3 };
	size_t desc = 24 + sizeof(strs) + n + 1;
	uint8_t *b = calloc(1, 12 + 8 + desc + 4), *p = b;

	if (!b)
		abort();
	memcpy(p, hdr, 12);
	memcpy(p + 12, "stapsdt", 8);
	p += 20;
	memset(p, 0x11, 24);		/* pc, base, semaphore */
	memcpy(p + 24, strs, sizeof(strs));
	memcpy(p + 24 + sizeof(strs), args, n);
	*len = 20 + desc;
	return b;
}

/* An ELF64 relocatable file of this host's byte order holding the note
 * section (n bytes, aligned to align) and the section names. */
static uint8_t *elf_with_notes(const uint8_t *notes, size_t n, size_t align,
			       size_t *len)
{
	static const char names[] = "\0.note.stapsdt\0.shstrtab";
	size_t data = sizeof(Elf64_Ehdr), strs = data + n, shoff;
	Elf64_Ehdr eh = { 0 };
	Elf64_Shdr sh[3] = { { 0 } };
	uint8_t *b;

	shoff = (strs + sizeof(names) + 7) & ~(size_t)7;
	*len = shoff + sizeof(sh);
	b = calloc(1, *len);
	if (!b)
		abort();
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = *(const uint8_t *)&(uint16_t){ 1 }
			      ? ELFDATA2LSB : ELFDATA2MSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = shoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 3;
	eh.e_shstrndx = 2;
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_NOTE,
			      .sh_offset = data, .sh_size = n,
			      .sh_addralign = align };
	sh[2] = (Elf64_Shdr){ .sh_name = 16, .sh_type = SHT_STRTAB,
			      .sh_offset = strs, .sh_size = sizeof(names),
			      .sh_addralign = 1 };
	memcpy(b, &eh, sizeof(eh));
	memcpy(b + data, notes, n);
	memcpy(b + strs, names, sizeof(names));
	memcpy(b + shoff, sh, sizeof(sh));
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct ptrvec out = { 0 };
	int mode = size ? data[0] : 0, n;
	uint8_t *notes, *file;
	size_t len, flen;
	Elf *e;
	Elf_Scn *scn;

	if (size) {
		data++;
		size--;
	}
	if (mode & 1) {
		if (size > 4096)
			return 0;
		notes = wrap(data, size, &len);
	} else {
		len = size;
		notes = malloc(size ? size : 1);
		if (!notes)
			abort();
		memcpy(notes, data, size);
	}
	file = elf_with_notes(notes, len, mode & 2 ? 8 : 4, &flen);
	free(notes);
	elf_version(EV_CURRENT);
	e = elf_memory((char *)file, flen);
	scn = e ? elf_getscn(e, 1) : NULL;
	arena_init(&a);
	n = usdt_parse_notes(&a, e, scn ? elf_getdata(scn, NULL) : NULL,
			     0x1000, mode & 4, &out);
	if (!e || !scn || n != out.n)
		abort();
	for (int i = 0; i < out.n; i++) {
		const struct usdt_mark *m = out.v[i];

		/* every string is terminated, every argument explained */
		if (!m->provider || !m->name || !m->args_text ||
		    strlen(m->args_text) > len)
			abort();
		for (int k = 0; k < m->nargs; k++)
			if (!m->args[k].why && (m->args[k].size < 1 ||
						m->args[k].size > 8))
				abort();
	}
	arena_free(&a);
	elf_end(e);
	free(file);
	return 0;
}
