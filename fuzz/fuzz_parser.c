/* fuzz_parser.c - libFuzzer entry point for pass 1.
 *
 * The input is a script; a first line "#@ args: ..." is not special here,
 * but a leading byte selects guru mode and library mode so both paths of
 * the embedded-code checks are reached.  Any crash, leak, sanitizer report
 * or hang is a bug. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

static const char *fake_kconfig(void *data, const char *name)
{
	(void)data;
	return strcmp(name, "CONFIG_SMP") ? NULL : "y";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *argv[] = { "kernel.function(\"vfs_read\")", "42", "x y" };
	struct srcfile f = { "<fuzz>", NULL, 0 };
	struct parse_opts o;
	struct arena a;
	struct script *s;
	int nerrors, flags = size ? data[0] : 0;
	FILE *out;

	if (size) {
		data++;
		size--;
	}
	f.buf = (const char *)data;
	f.len = size;
	memset(&o, 0, sizeof(o));
	o.kernel_v = "6.1.0";
	o.kernel_vr = "6.1.0-56-amd64";
	o.arch = "x86_64";
	o.runtime = "kernel";
	o.systemtap_v = "5.0";
	o.privilege = "stapdev";
	o.guru = flags & 1;
	o.library = (flags & 2) != 0;
	o.argc = 3;
	o.argv = argv;
	o.kconfig = fake_kconfig;
	o.err = NULL;
	arena_init(&a);
	s = parse_file(&a, &f, &o, &nerrors);
	/* Printing walks the whole tree, so it must cope with what parsed. */
	if (!nerrors && (out = fopen("/dev/null", "w"))) {
		print_script(out, s);
		fclose(out);
	}
	arena_free(&a);
	return 0;
}
