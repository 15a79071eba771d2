/* main.c - the stap driver: command line, then the passes in order. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

#include "config.h"
#include "kconfig.h"
#include "parse.h"
#include "session.h"

/* The SystemTap language level this translator implements. */
#define LANGUAGE_LEVEL "5.0"

static const char *const pass_names[] = {
	[PASS_PARSE] = "parse", [PASS_ELABORATE] = "elaborate",
	[PASS_TRANSLATE] = "translate", [PASS_BUILD] = "compile",
	[PASS_RUN] = "run",
};

static void usage(FILE *out)
{
	fprintf(out,
"Usage: stap [OPTIONS] FILENAME [ARGUMENTS]\n"
"   or: stap [OPTIONS] - [ARGUMENTS]       (script on standard input)\n"
"   or: stap [OPTIONS] -e SCRIPT [ARGUMENTS]\n"
"   or: stap [OPTIONS] -l PROBE | -L PROBE\n"
"\n"
"Translates a SystemTap script into a kernel module and runs it.\n"
"Passes: 1 parse, 2 elaborate, 3 translate, 4 compile, 5 run.\n"
"This version runs pass 1 only; later passes are not available yet.\n"
"\n"
"Options:\n"
"  -h, --help         show this help and exit\n"
"  -V, --version      show the version and exit\n"
"  -p NUM             stop after pass NUM (1-5)\n"
"  -v                 more verbose (repeatable)\n"
"  -e SCRIPT          run SCRIPT given on the command line\n"
"  -I DIR             look for tapset library files in DIR too\n"
"  -D NAME[=VALUE]    define a C macro for the module (MAXSTRINGLEN=N, ...)\n"
"  -g                 guru mode: allow embedded C (%%{ %%})\n"
"  -u                 keep unused functions, globals and locals\n"
"  -w                 suppress warnings\n"
"  -W                 turn warnings into errors\n"
"  -m NAME            name the module NAME\n"
"  -r RELEASE|DIR     target kernel release or build tree\n"
"  -a ARCH            target architecture\n"
"  -k                 keep the temporary build directory\n"
"  -o FILE            send the script's output to FILE\n"
"  -c CMD             run CMD and trace it; target() is its pid\n"
"  -x PID             set target() to PID\n"
"  -l PROBE           list probe points matching PROBE\n"
"  -L PROBE           list probe points and their variables\n"
"  -F                 flight recorder: leave the module running\n"
"  -S SIZE[,N]        switch output files at SIZE MB, keep N\n"
"  -s MB              transport buffer size in MB\n"
"  -b                 bulk (per-CPU) output files\n"
"  -t                 collect probe timing statistics\n"
"  -G VAR=VALUE       set a global variable when the module starts\n"
"  -B OPT             pass OPT to make (kbuild)\n"
"  --runtime=MODE     kernel (default) or user\n"
"  --privilege=LEVEL  stapdev (default), stapsys or stapusr\n"
"  --compatible=VER   behave as language level VER\n"
"  --vm[=RELEASE]     run in a throwaway qemu VM booting RELEASE\n"
"\n"
"Script arguments are available as $1, $2... (numbers or tokens) and\n"
"@1, @2... (strings); $# and @# give their count.\n");
}

static void version(void)
{
	printf("stap (" PACKAGE_NAME ") " PACKAGE_VERSION
	       ", SystemTap language level " LANGUAGE_LEVEL "\n"
	       "Passes available: 1 (%s)\n"
	       "This is free software; see the source for copying conditions.\n",
	       pass_names[LAST_AVAILABLE_PASS]);
}

/* Options and the pass each one serves, so that an option whose pass is not
 * built yet can say so. */
enum {
	OPT_RUNTIME = 256, OPT_PRIVILEGE, OPT_COMPATIBLE, OPT_VM,
	OPT_UNPRIVILEGED,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "privilege", required_argument, NULL, OPT_PRIVILEGE },
	{ "unprivileged", no_argument, NULL, OPT_UNPRIVILEGED },
	{ "compatible", required_argument, NULL, OPT_COMPATIBLE },
	{ "vm", optional_argument, NULL, OPT_VM },
	{ NULL, 0, NULL, 0 },
};

static void not_yet(const char *opt, int pass)
{
	fprintf(stderr, "stap: note: %s is accepted, but pass %d (%s) which it "
		"affects is not available yet in this version\n",
		opt, pass, pass_names[pass]);
}

static long parse_long(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, "stap: invalid %s '%s'\n", what, s);
		exit(1);
	}
	return v;
}

static void parse_args(struct session *s, int argc, char **argv)
{
	int c, later_pass = 0;
	const char *later_opt = NULL;

	s->last_pass = PASS_RUN;
	s->runtime = "kernel";
	s->privilege = "stapdev";
	s->compatible = LANGUAGE_LEVEL;
	/* '+': stop at the script name, so script arguments like -5 pass. */
	while ((c = getopt_long(argc, argv,
				"+hVp:ve:I:D:guwWm:r:a:ko:c:x:l:L:FS:s:btG:B:",
				long_opts, NULL)) != -1) {
		int needs = 0;
		char optname[32];

		snprintf(optname, sizeof(optname), "-%c", c);
		switch (c) {
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			version();
			exit(0);
		case 'p':
			s->last_pass = (int)parse_long(optarg, "pass number");
			if (s->last_pass < 1 || s->last_pass > 5) {
				fprintf(stderr, "stap: invalid pass number '%s' "
					"(must be 1-5)\n", optarg);
				exit(1);
			}
			break;
		case 'v':
			s->verbose++;
			break;
		case 'e':
			if (s->script_text) {
				fprintf(stderr, "stap: only one -e SCRIPT allowed\n");
				exit(1);
			}
			s->script_text = optarg;
			break;
		case 'I':
			pv_push(&s->arena, &s->include_dirs, optarg);
			needs = PASS_ELABORATE;
			break;
		case 'D':
			pv_push(&s->arena, &s->macros, optarg);
			needs = PASS_BUILD;
			break;
		case 'g':
			s->guru = true;
			break;
		case 'u':
			s->unoptimized = true;
			needs = PASS_ELABORATE;
			break;
		case 'w':
			s->suppress_warnings = true;
			break;
		case 'W':
			s->warnings_are_errors = true;
			break;
		case 'm':
			s->module_name = optarg;
			needs = PASS_BUILD;
			break;
		case 'r':
			s->kernel_release = optarg;
			break;
		case 'a':
			s->arch = optarg;
			break;
		case 'k':
			s->keep_tmpdir = true;
			needs = PASS_BUILD;
			break;
		case 'o':
			s->output_file = optarg;
			needs = PASS_RUN;
			break;
		case 'c':
			s->target_cmd = optarg;
			needs = PASS_RUN;
			break;
		case 'x':
			s->target_pid = parse_long(optarg, "pid");
			needs = PASS_RUN;
			break;
		case 'l':
			s->list_probe = optarg;
			needs = PASS_ELABORATE;
			break;
		case 'L':
			s->list_probe_vars = optarg;
			needs = PASS_ELABORATE;
			break;
		case 'F':
			s->flight_recorder = true;
			needs = PASS_RUN;
			break;
		case 'S':
			s->size_spec = optarg;
			needs = PASS_RUN;
			break;
		case 's':
			s->buffer_mb = (int)parse_long(optarg, "buffer size");
			needs = PASS_RUN;
			break;
		case 'b':
			s->bulk = true;
			needs = PASS_RUN;
			break;
		case 't':
			s->timing = true;
			needs = PASS_TRANSLATE;
			break;
		case 'G':
			if (!strchr(optarg, '=')) {
				fprintf(stderr, "stap: -G needs VAR=VALUE, not '%s'\n",
					optarg);
				exit(1);
			}
			pv_push(&s->arena, &s->globals, optarg);
			needs = PASS_RUN;
			break;
		case 'B':
			pv_push(&s->arena, &s->make_opts, optarg);
			needs = PASS_BUILD;
			break;
		case OPT_RUNTIME:
			if (strcmp(optarg, "kernel") && strcmp(optarg, "user")) {
				fprintf(stderr, "stap: unknown runtime '%s' "
					"(kernel or user)\n", optarg);
				exit(1);
			}
			s->runtime = optarg;
			strcpy(optname, "--runtime");
			needs = PASS_TRANSLATE;
			break;
		case OPT_PRIVILEGE:
			if (strcmp(optarg, "stapdev") && strcmp(optarg, "stapsys") &&
			    strcmp(optarg, "stapusr")) {
				fprintf(stderr, "stap: unknown privilege level '%s' "
					"(stapdev, stapsys or stapusr)\n", optarg);
				exit(1);
			}
			s->privilege = optarg;
			break;
		case OPT_UNPRIVILEGED:
			s->privilege = "stapusr";
			break;
		case OPT_COMPATIBLE:
			s->compatible = optarg;
			break;
		case OPT_VM:
			s->vm = true;
			s->vm_release = optarg;
			strcpy(optname, "--vm");
			needs = PASS_RUN;
			break;
		default:
			usage(stderr);
			exit(1);
		}
		if (needs > LAST_AVAILABLE_PASS && !later_pass) {
			later_pass = needs;
			later_opt = arena_strdup(&s->arena, optname);
		}
	}
	if (s->list_probe || s->list_probe_vars) {
		fprintf(stderr, "stap: listing probe points (-l/-L) needs pass 2 "
			"(elaborate), which is not available yet in this version\n");
		exit(1);
	}
	if (!s->script_text) {
		if (optind >= argc) {
			fprintf(stderr, "stap: no script given: use FILENAME, - "
				"or -e SCRIPT\n");
			usage(stderr);
			exit(1);
		}
		s->script_file = argv[optind++];
	}
	s->argc = argc - optind;
	s->argv = argv + optind;
	if (s->last_pass > LAST_AVAILABLE_PASS) {
		fprintf(stderr, "stap: pass %d (%s) is not available yet in this "
			"version; the last pass it can run is %d (%s): use -p%d\n",
			s->last_pass, pass_names[s->last_pass],
			LAST_AVAILABLE_PASS, pass_names[LAST_AVAILABLE_PASS],
			LAST_AVAILABLE_PASS);
		exit(1);
	}
	if (later_pass && s->verbose)
		not_yet(later_opt, later_pass);
}

/* Kernel release, version and build tree from -r or the running kernel. */
static void target_kernel(struct session *s, const char **release,
			  const char **version, const char **build_tree)
{
	static struct utsname u;
	static char buf[4096];
	const char *rel = s->kernel_release;

	uname(&u);
	if (!s->arch)
		s->arch = u.machine;
	if (rel && rel[0] == '/') {
		/* A build tree: its release is in include/config/kernel.release. */
		FILE *f;

		snprintf(buf, sizeof(buf), "%s/include/config/kernel.release", rel);
		*build_tree = rel;
		f = fopen(buf, "r");
		rel = u.release;
		if (f) {
			if (fgets(buf, sizeof(buf), f)) {
				buf[strcspn(buf, "\n")] = '\0';
				rel = buf;
			}
			fclose(f);
		}
	} else {
		if (!rel)
			rel = u.release;
		*build_tree = arena_printf(&s->arena, "/lib/modules/%s/build", rel);
	}
	*release = rel;
	*version = arena_strndup(&s->arena, rel, strcspn(rel, "-"));
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* SystemTap's per-pass resource line. */
static void report_pass(int pass, const char *what, const struct timespec *t0)
{
	struct rusage ru;
	long virt = 0, res = 0, shr = 0, data = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	long page = 4;

	if (f) {
		if (fscanf(f, "%ld %ld %ld %*d %*d %ld", &virt, &res, &shr, &data) != 4)
			virt = res = shr = data = 0;
		fclose(f);
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "Pass %d: %s using %ldvirt/%ldres/%ldshr/%lddata kb, "
		"in %ldusr/%ldsys/%ldreal ms.\n", pass, what,
		virt * page, res * page, shr * page, data * page,
		ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000,
		ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000,
		elapsed_ms(t0));
}

int main(int argc, char **argv)
{
	struct session s;
	struct srcfile file;
	struct parse_opts po;
	struct kconfig kc;
	struct script *script;
	struct timespec t0;
	const char *release, *kversion, *build_tree;
	char *text = NULL;
	int nerrors;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&s, 0, sizeof(s));
	arena_init(&s.arena);
	parse_args(&s, argc, argv);
	target_kernel(&s, &release, &kversion, &build_tree);

	memset(&file, 0, sizeof(file));
	if (s.script_text) {
		file.name = "<input>";
		file.buf = s.script_text;
		file.len = strlen(s.script_text);
	} else {
		size_t len;

		text = read_file(s.script_file, &len);
		if (!text) {
			fprintf(stderr, "stap: cannot read script '%s': %s\n",
				s.script_file, strerror(errno));
			arena_free(&s.arena);
			return 1;
		}
		file.name = strcmp(s.script_file, "-") ? s.script_file : "<input>";
		file.buf = text;
		file.len = len;
	}

	kconfig_init(&kc, build_tree);
	memset(&po, 0, sizeof(po));
	po.kernel_v = kversion;
	po.kernel_vr = release;
	po.arch = s.arch;
	po.runtime = s.runtime;
	po.systemtap_v = s.compatible;
	po.privilege = s.privilege;
	po.guru = s.guru;
	po.argc = s.argc;
	po.argv = s.argv;
	po.kconfig = kconfig_lookup;
	po.kconfig_data = &kc;
	po.err = stderr;

	script = parse_file(&s.arena, &file, &po, &nerrors);
	if (nerrors) {
		fprintf(stderr, "%d parse error%s.\n", nerrors, nerrors == 1 ? "" : "s");
		fprintf(stderr, "Pass 1: parse failed.  [man error::pass1]\n");
	} else {
		if (s.verbose)
			report_pass(PASS_PARSE, "parsed user script and 0 library scripts", &t0);
		if (s.last_pass == PASS_PARSE) {
			if (s.verbose)
				printf("# file %s\n", file.name);
			print_script(stdout, script);
		}
	}
	kconfig_free(&kc);
	free(text);
	arena_free(&s.arena);
	if (fflush(stdout) != 0) {
		perror("stap: writing output");
		return 1;
	}
	return nerrors ? 1 : 0;
}
