/* fuzz_modinfo.c - libFuzzer entry point for staprun's .ko reader
 * (staprun/modinfo.c), which decides what staprun does with the module a
 * user hands it: the input is the file's bytes.  Every key staprun asks
 * for is looked up; any crash, leak or sanitizer report is a bug. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "staprun.h"

/* staprun's own (main.c) is not linked in */
void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "name", "vermagic", "license", "" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *v = modinfo_get_mem(data, size, keys[i]);

		/* a value is a NUL-terminated copy */
		if (v && strlen(v) >= size)
			abort();
		free(v);
	}
	return 0;
}
