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

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "kconfig.h"
#include "parse.h"
#include "sema.h"
#include "session.h"
#include "passes.h"
#include "targets.h"
#include "translate.h"

/* The SystemTap language level this translator implements. */
#define LANGUAGE_LEVEL "5.0"


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
"The kernel runtime builds a module with kbuild (pass 4) and runs it with\n"
"staprun (pass 5), in a throwaway VM with --vm; --runtime=user compiles a\n"
"program for begin/end/timer scripts and runs it.\n"
"\n"
"Options:\n"
"  -h, --help         show this help and exit\n"
"  -V, --version      show the version and exit\n"
"  -p NUM             stop after pass NUM (1-5)\n"
"  -v                 more verbose (repeatable)\n"
"  -e SCRIPT          run SCRIPT given on the command line\n"
"  -I DIR             look for tapset library files in DIR too\n"
"  -D NAME[=VALUE]    define a C macro for the module (MAXSTRINGLEN=N, ...)\n"
"  -g                 guru mode: allow embedded C (%%{ %%}) and writing\n"
"                     $target variables\n"
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
"  -F                 flight recorder: load the module, start it and return;\n"
"                     it keeps the newest -s MB of output until\n"
"                     'staprun -A NAME'; with -o, run in the background\n"
"                     and print staprun's pid\n"
"  -S SIZE[,N]        with -o FILE: FILE.0, FILE.1, ... switched before\n"
"                     SIZE MB, only the newest N kept (SIGUSR2: switch)\n"
"  -s MB              transport buffer size in MB\n"
"  -b                 bulk (per-CPU) output files\n"
"  -t                 collect probe timing statistics\n"
"  -G VAR=VALUE       set a global variable when the module starts\n"
"  -B OPT             pass OPT to make (kbuild)\n"
"  -d FILE            put FILE's symbol table (an executable or shared\n"
"                     library) in the module, for usymname() and\n"
"                     print_ubacktrace(); -c CMD's executable and\n"
"                     process(\"PATH\") probes' files are added anyway\n"
"  --ldd              add the shared libraries those files need (ldd)\n"
"  --runtime=MODE     kernel (default) or user\n"
"  --privilege=LEVEL  stapdev (default), stapsys or stapusr (stapusr: only\n"
"                     probes and functions safe for unprivileged users)\n"
"  --unprivileged     the same as --privilege=stapusr\n"
"  --sign-module[=KEYDIR]  sign the module with the kernel's sign-file and\n"
"                     KEYDIR/signing_key.pem (default ~/.cache/stapc/\n"
"                     signing-key/, made with openssl when missing)\n"
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
	       "Runtimes: kernel (kbuild module, staprun), user (a program)\n"
	       "This is free software; see the source for copying conditions.\n");
}

/* Long options without a one-letter form. */
enum {
	OPT_RUNTIME = 256, OPT_PRIVILEGE, OPT_COMPATIBLE, OPT_VM,
	OPT_UNPRIVILEGED, OPT_SIGN_MODULE, OPT_LDD,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "privilege", required_argument, NULL, OPT_PRIVILEGE },
	{ "unprivileged", no_argument, NULL, OPT_UNPRIVILEGED },
	{ "compatible", required_argument, NULL, OPT_COMPATIBLE },
	{ "vm", optional_argument, NULL, OPT_VM },
	{ "sign-module", optional_argument, NULL, OPT_SIGN_MODULE },
	{ "ldd", no_argument, NULL, OPT_LDD },
	{ NULL, 0, NULL, 0 },
};

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
	int c;

	s->last_pass = PASS_RUN;
	s->runtime = "kernel";
	s->privilege = "stapdev";
	s->compatible = LANGUAGE_LEVEL;
	/* '+': stop at the script name, so script arguments like -5 pass. */
	while ((c = getopt_long(argc, argv,
				"+hVp:ve:I:D:guwWm:r:a:ko:c:x:l:L:FS:s:btG:B:d:",
				long_opts, NULL)) != -1) {
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
			break;
		case 'D':
			pv_push(&s->arena, &s->macros, optarg);
			break;
		case 'g':
			s->guru = true;
			break;
		case 'u':
			s->unoptimized = true;
			break;
		case 'w':
			s->suppress_warnings = true;
			break;
		case 'W':
			s->warnings_are_errors = true;
			break;
		case 'm':
			s->module_name = optarg;
			break;
		case 'r':
			s->kernel_release = optarg;
			break;
		case 'a':
			s->arch = optarg;
			break;
		case 'k':
			s->keep_tmpdir = true;
			break;
		case 'o':
			s->output_file = optarg;
			break;
		case 'c':
			s->target_cmd = optarg;
			break;
		case 'x':
			s->target_pid = parse_long(optarg, "pid");
			break;
		case 'l':
			s->list_probe = optarg;
			break;
		case 'L':
			s->list_probe_vars = optarg;
			break;
		case 'F':
			s->flight_recorder = true;
			break;
		case 'S':
			s->size_spec = optarg;
			break;
		case 's':
			s->buffer_mb = (int)parse_long(optarg, "buffer size");
			break;
		case 'b':
			s->bulk = true;
			break;
		case 't':
			s->timing = true;
			break;
		case 'G':
			if (!strchr(optarg, '=')) {
				fprintf(stderr, "stap: -G needs VAR=VALUE, not '%s'\n",
					optarg);
				exit(1);
			}
			pv_push(&s->arena, &s->globals, optarg);
			break;
		case 'B':
			pv_push(&s->arena, &s->make_opts, optarg);
			break;
		case 'd':
			pv_push(&s->arena, &s->sym_files, optarg);
			break;
		case OPT_LDD:
			s->ldd = true;
			break;
		case OPT_RUNTIME:
			if (strcmp(optarg, "kernel") && strcmp(optarg, "user")) {
				fprintf(stderr, "stap: unknown runtime '%s' "
					"(kernel or user)\n", optarg);
				exit(1);
			}
			s->runtime = optarg;
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
		case OPT_SIGN_MODULE:
			s->sign_module = true;
			s->sign_keydir = optarg;
			break;
		case OPT_VM:
			s->vm = true;
			s->vm_release = optarg;
			break;
		default:
			usage(stderr);
			exit(1);
		}
	}
	if ((s->flight_recorder || s->size_spec) && s->runtime &&
	    !strcmp(s->runtime, "user")) {
		fprintf(stderr, "stap: %s needs the kernel runtime (staprun)\n",
			s->flight_recorder ? "-F" : "-S");
		exit(1);
	}
	if (s->size_spec && !s->output_file) {
		fprintf(stderr, "stap: -S needs -o FILE: it names the files "
			"the output is switched between\n");
		exit(1);
	}
	if (s->guru && s->privilege && !strcmp(s->privilege, "stapusr")) {
		fprintf(stderr, "stap: You can't specify -g and "
			"--privilege=stapusr together.\n");
		exit(1);
	}
	if (s->list_probe || s->list_probe_vars) {
		/* Listing is pass 2 of a probe with an empty body; a pattern
		 * that matches nothing lists nothing. */
		s->script_text = arena_printf(&s->arena, "probe %s ? {}",
					      s->list_probe ? s->list_probe
							    : s->list_probe_vars);
		s->last_pass = PASS_ELABORATE;
		s->suppress_warnings = true;
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

}

/* --vm without a release: the one vm/setup-kernel prepared, from the
 * VM cache ($STAPC_VM_CACHE, default /var/cache/stapc/vm). */
static const char *vm_default_release(struct session *s)
{
	const char *cache = getenv("STAPC_VM_CACHE");
	char buf[256];
	FILE *f;

	if (s->vm_release)
		return s->vm_release;
	f = fopen(arena_printf(&s->arena, "%s/default",
			       cache && *cache ? cache : "/var/cache/stapc/vm"), "r");
	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? arena_strdup(&s->arena, buf) : NULL;
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
		if (!rel && s->vm)
			rel = vm_default_release(s);
		if (!rel)
			rel = u.release;
		*build_tree = arena_printf(&s->arena, "/lib/modules/%s/build", rel);
	}
	*release = rel;
	s->kernel_release_resolved = rel;
	s->kernel_build_tree = *build_tree;
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

/* Passes 4 and 5 for the kernel runtime. */
static int kernel_passes(struct session *s, const struct program *prog,
			 const struct srcfile *file, const struct timespec *t0)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const char *ko;
	int rc;

	if (!f) {
		perror("stap: open_memstream");
		return 1;
	}
	translate(s, prog, file->name, f);
	fclose(f);
	if (s->verbose)
		report_pass(PASS_TRANSLATE, "translated to C", t0);
	rc = build_kernel(s, text, &ko);
	free(text);
	if (!rc && s->sign_module)
		rc = sign_module(s, ko, &ko);
	if (rc) {
		fprintf(stderr, "Pass 4: compilation failed.  [man error::pass4]\n");
		return 1;
	}
	if (s->verbose)
		report_pass(PASS_BUILD, arena_printf(&s->arena, "compiled C into "
			"\"%s\"", ko), t0);
	if (s->last_pass == PASS_BUILD) {
		printf("%s\n", ko);
		return 0;
	}
	rc = s->vm ? run_vm(s, ko) : run_staprun(s, ko);
	if (s->verbose)
		report_pass(PASS_RUN, "run completed", t0);
	return rc;
}

/* Passes 2 to 5. */
static int later_passes(struct session *s, struct script *script,
			const struct parse_opts *po, const struct srcfile *file,
			const struct timespec *t0)
{
	struct ptrvec library = { 0 }, other = { 0 };
	struct program prog;
	char dir[] = "/tmp/stapXXXXXX";
	const char *csrc, *exe;
	FILE *f;
	int rc = 0;

	if (load_library(s, po, &library, false)) {
		fprintf(stderr, "Pass 2: analysis failed (tapset library).  "
			"[man error::pass2]\n");
		return 1;
	}
	load_library(s, po, &other, true);
	if (elaborate(s, script, &library, &other, &prog)) {
		fprintf(stderr, "Pass 2: analysis failed.  [man error::pass2]\n");
		return 1;
	}
	if (s->verbose)
		report_pass(PASS_ELABORATE, arena_printf(&s->arena,
			"analyzed script: %d probe%s, %d function%s, %d embed%s, "
			"%d global%s, pulled in %d library script%s",
			prog.probes.n, prog.probes.n == 1 ? "" : "s",
			prog.funcs.n, prog.funcs.n == 1 ? "" : "s",
			prog.embedded.n, prog.embedded.n == 1 ? "" : "s",
			prog.globals.n, prog.globals.n == 1 ? "" : "s",
			prog.nlibrary, prog.nlibrary == 1 ? "" : "s"), t0);
	if (s->list_probe || s->list_probe_vars) {
		list_probes(s, &prog, s->list_probe_vars != NULL, stdout);
		return 0;
	}
	if (s->last_pass == PASS_ELABORATE) {
		print_program(stdout, &prog);
		return 0;
	}
	if (s->last_pass == PASS_TRANSLATE) {
		translate(s, &prog, file->name, stdout);
		return 0;
	}
	if (strcmp(s->runtime, "user"))
		return kernel_passes(s, &prog, file, t0);
	if (!mkdtemp(dir)) {
		perror("stap: mkdtemp");
		return 1;
	}
	csrc = arena_printf(&s->arena, "%s/%s.c", dir,
			    s->module_name ? s->module_name : "stap_script");
	exe = arena_printf(&s->arena, "%s/%s", dir,
			   s->module_name ? s->module_name : "stap_script");
	f = fopen(csrc, "w");
	if (!f) {
		perror("stap: writing the generated C");
		remove_dir(dir);
		return 1;
	}
	translate(s, &prog, file->name, f);
	fclose(f);
	if (s->verbose)
		report_pass(PASS_TRANSLATE, arena_printf(&s->arena,
			"translated to C into \"%s\"", csrc), t0);
	if (build_user(s, dir, csrc, exe)) {
		fprintf(stderr, "Pass 4: compilation failed.  [man error::pass4]\n");
		rc = 1;
		goto done;
	}
	if (s->verbose)
		report_pass(PASS_BUILD, arena_printf(&s->arena,
			"compiled C into \"%s\"", exe), t0);
	if (s->last_pass == PASS_BUILD) {
		printf("%s\n", exe);
		s->keep_tmpdir = true;
		goto done;
	}
	rc = run_user(s, exe);
	if (s->verbose)
		report_pass(PASS_RUN, "run completed", t0);
done:
	if (s->keep_tmpdir)
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", dir);
	else
		remove_dir(dir);
	return rc;
}

int main(int argc, char **argv)
{
	struct session s;
	struct srcfile file;
	struct parse_opts po;
	struct ptrvec macro_libs = { 0 };
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
	load_macro_libraries(&s, &macro_libs);
	po.macro_files = (const struct srcfile *const *)macro_libs.v;
	po.nmacro_files = macro_libs.n;

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
		} else {
			nerrors = later_passes(&s, script, &po, &file, &t0);
		}
	}
	kconfig_free(&kc);
	kernel_types_close();
	free(text);
	arena_free(&s.arena);
	if (fflush(stdout) != 0) {
		perror("stap: writing output");
		return 1;
	}
	return nerrors ? 1 : 0;
}
