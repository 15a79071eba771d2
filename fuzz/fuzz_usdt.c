/* fuzz_usdt.c - libFuzzer entry point for the USDT note reader
 * (translator/usdt.c): the .note.stapsdt notes of any program stap is
 * pointed at, and their argument strings ("-4@%eax", "8@-16(%rbp)",
 * "8@sym+8(%rip)").
 *
 * The first byte selects the mode: bit 0 clear, the rest is a
 * .note.stapsdt section's data (bit 1: notes padded to 8); set, the rest is
 * one mark's argument string, wrapped in a note here.  There is no program
 * (a NULL Elf): an operand naming a symbol cannot be read.  Any crash,
 * leak, sanitizer report or hang is a bug. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct ptrvec out = { 0 };
	int mode = size ? data[0] : 0, n;
	uint8_t *buf;
	size_t len;

	if (size) {
		data++;
		size--;
	}
	if (mode & 1) {
		if (size > 4096)
			return 0;
		buf = wrap(data, size, &len);
	} else {
		/* its own copy, so that ASan sees the end of the section */
		len = size;
		buf = malloc(size ? size : 1);
		if (!buf)
			abort();
		memcpy(buf, data, size);
	}
	arena_init(&a);
	n = usdt_parse_notes(&a, NULL, buf, len, mode & 2 ? 8 : 4,
			     0x1000, mode & 4, &out);
	if (n != out.n)
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
	free(buf);
	return 0;
}
