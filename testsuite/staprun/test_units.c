/* test_units.c - staprun's helpers without a kernel: .modinfo reading
 * (also from every truncation of the file, for memory safety), module and
 * kernel names, the parameter string and its checks, control status lines.
 *
 *   test_units FIXTURE.ko [FIXTURE32.ko]
 *
 * A fixture is an object file whose .modinfo holds license=GPL,
 * vermagic=6.1.0-test SMP preempt mod_unload and name=stap_fixture.
 * Prints one line per failed check and "units: N passed, N failed". */
#include "staprun.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int verbose;
static int passed, failed;

void err(const char *fmt, ...)
{
	(void)fmt;	/* the checks look at results, not messages */
}

void info(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s\n", what);
	}
}

/* Takes ownership of GOT. */
static void check_str(char *got, const char *want, const char *what)
{
	int ok = want ? got && strcmp(got, want) == 0 : got == NULL;

	if (!ok)
		printf("  got '%s', want '%s'\n", got ? got : "(null)",
		       want ? want : "(null)");
	check(ok, what);
	free(got);
}

static void fixture_checks(const char *path, const char *tag)
{
	char what[256];
	FILE *f;
	char *data;
	long size, len;
	char tmp[64];
	int fd;

	snprintf(what, sizeof what, "%s: vermagic", tag);
	check_str(modinfo_get(path, "vermagic"),
		  "6.1.0-test SMP preempt mod_unload", what);
	snprintf(what, sizeof what, "%s: name", tag);
	check_str(modinfo_get(path, "name"), "stap_fixture", what);
	snprintf(what, sizeof what, "%s: license", tag);
	check_str(modinfo_get(path, "license"), "GPL", what);
	snprintf(what, sizeof what, "%s: no such key", tag);
	check_str(modinfo_get(path, "author"), NULL, what);
	snprintf(what, sizeof what, "%s: a key's prefix is not the key", tag);
	check_str(modinfo_get(path, "vermag"), NULL, what);
	snprintf(what, sizeof what, "%s: kernel name from .modinfo", tag);
	check_str(kernel_module_name(path, "stap-other"), "stap_fixture",
		  what);

	/* Every truncation of the file, and a byte flipped at every place:
	 * no crash, and never a wrong vermagic from a whole section. */
	f = fopen(path, "rb");
	if (!f) {
		check(0, "fixture readable");
		return;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = xmalloc((size_t)size);
	if (fread(data, 1, (size_t)size, f) != (size_t)size)
		size = 0;
	fclose(f);
	/* In memory: truncating a disk file this often can be slow. */
	fd = memfd_create("staprun-unit", 0);
	if (fd < 0) {
		check(0, "memfd_create");
		free(data);
		return;
	}
	snprintf(tmp, sizeof tmp, "/proc/self/fd/%d", fd);
	for (len = 0; len < size; len++) {
		char *v;

		if (ftruncate(fd, 0) != 0 || pwrite(fd, data, (size_t)len, 0)
		    != len)
			break;
		v = modinfo_get(tmp, "vermagic");
		free(v);
	}
	for (len = 0; len < size; len++) {
		char *v;

		data[len] ^= 0x80;
		if (ftruncate(fd, 0) != 0 || pwrite(fd, data, (size_t)size, 0)
		    != size)
			break;
		data[len] ^= 0x80;
		v = modinfo_get(tmp, "vermagic");
		free(v);
	}
	snprintf(what, sizeof what, "%s: truncated and damaged copies read "
		 "safely", tag);
	check(len == size, what);
	close(fd);
	free(data);
}

static void params_checks(void)
{
	const char *g1[] = { "a=1", "msg=hello world", "empty=", "t=x\ty" };
	const char *bad[] = { "novalue", "=1", "1a=2", "a-b=1", "q=say \"hi\"",
			      "stp_target=5" };
	struct options o;
	size_t i;

	memset(&o, 0, sizeof o);
	check_str(module_params(&o, 0), "", "params: none");
	check_str(module_params(&o, 42), "stp_target=42", "params: target");
	o.globals = g1;
	o.nglobals = 4;
	check(check_globals(&o) == 0, "params: good globals accepted");
	check_str(module_params(&o, 7),
		  "stp_target=7 a=1 msg=\"hello world\" empty= t=\"x\ty\"",
		  "params: quoting");
	check_str(module_params(&o, 0),
		  "a=1 msg=\"hello world\" empty= t=\"x\ty\"",
		  "params: no target");
	verbose = 2;	/* -v -v: the module's own reports */
	check_str(module_params(&o, 7),
		  "stp_target=7 stp_verbose=2 a=1 msg=\"hello world\" empty= "
		  "t=\"x\ty\"", "params: verbose");
	verbose = 0;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char what[128];

		o.globals = &bad[i];
		o.nglobals = 1;
		snprintf(what, sizeof what, "params: '%s' refused", bad[i]);
		check(check_globals(&o) != 0, what);
	}
}

static void name_checks(void)
{
	check_str(module_name("/tmp/x/stap_ab-c.ko"), "stap_ab-c",
		  "name: path and .ko stripped");
	check_str(module_name("plain"), "plain", "name: plain name");
	check_str(module_name("a.ko.ko"), "a.ko", "name: one .ko only");
	check_str(module_name(".ko"), ".ko", "name: .ko alone stays");
	check_str(kernel_module_name(NULL, "stap-a-b"), "stap_a_b",
		  "name: kernel name turns - into _");
	check_str(kernel_module_name("/nonexistent.ko", "x-y"), "x_y",
		  "name: kernel name without a readable file");
	check_str(modinfo_get("/nonexistent.ko", "vermagic"), NULL,
		  "modinfo: missing file");
	check_str(modinfo_get("/dev/null", "vermagic"), NULL,
		  "modinfo: not a regular file");
	check_str(modinfo_get("/proc/self/cmdline", "vermagic"), NULL,
		  "modinfo: not ELF");
}

static void status_checks(void)
{
	struct status st;

	check(parse_status("state=running errors=3 skipped=4 lost=5\n", &st)
	      == 0 && !strcmp(st.state, "running") && st.errors == 3 &&
	      st.skipped == 4 && st.lost == 5, "status: one line");
	check(parse_status("state=done errors=0 skipped=0 lost=0\nstart\n"
			   "exit\nstate=stopping errors=1 skipped=0 lost=0",
			   &st) == 0 && !strcmp(st.state, "stopping") &&
	      st.errors == 1, "status: the last state= line counts");
	check(parse_status("lost=9 state=done future=1 errors=2", &st) == 0 &&
	      !strcmp(st.state, "done") && st.errors == 2 && st.lost == 9 &&
	      st.skipped == 0, "status: any order, unknown keys ignored");
	check(parse_status("start\nexit\n", &st) != 0, "status: none");
	check(parse_status("", &st) != 0, "status: empty");
	check(parse_status("state=averyveryverylongstatename errors=1", &st)
	      == 0 && strlen(st.state) == sizeof st.state - 1,
	      "status: long state cut");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FIXTURE.ko [FIXTURE32.ko]\n",
			argv[0]);
		return 2;
	}
	fixture_checks(argv[1], "elf64");
	if (argc > 2)
		fixture_checks(argv[2], "elf32");
	params_checks();
	name_checks();
	status_checks();
	printf("units: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
