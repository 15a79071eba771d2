/* fuzz_recipe.c - libFuzzer entry point for the reader of recorded kbuild
 * recipes ($XDG_CACHE_HOME/stapc/kbuild/HASH.recipe, translator/recipe.c):
 * the magic line, "tool PATH INO SIZE SEC.NSEC" lines and "step CMD"
 * lines with @DIR@ and @NAME@ put in.  The input is the file; a tool is
 * "unchanged" when its inode number is odd (no file is looked at).  Any
 * crash, leak or sanitizer report is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passes.h"
#include "recipe.h"

/* build.c's, which the reader does not call */
const char *cache_dir(struct session *s)
{
	(void)s;
	abort();
}

static bool tool_odd(const char *path, unsigned long ino, long long size,
		     long long sec, long nsec)
{
	(void)size;
	(void)sec;
	(void)nsec;
	if (strlen(path) >= 4096)
		abort();
	return ino & 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct ptrvec cmds = { 0 };
	char *text = malloc(size + 1);

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	arena_init(&a);
	recipe_parse(&a, text, "/tmp/stapc-fuzz/build", "stap_f00d", &cmds,
		     tool_odd);
	for (int i = 0; i < cmds.n; i++)
		free(cmds.v[i]);
	arena_free(&a);
	free(text);
	return 0;
}
