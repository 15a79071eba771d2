/* main.c - staprun's command line and the order of its steps:
 * check, fork a held -c command, load, run the session, unload. */
#include "staprun.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int verbose;

static void vmsg(const char *fmt, va_list ap)
{
	char buf[2048];
	int n = snprintf(buf, sizeof buf, "staprun: ");

	vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	n = (int)strlen(buf);
	buf[n++] = '\n';
	/* One write, so the line is not split up among other output. */
	if (write(2, buf, (size_t)n) < 0)
		return;
}

void err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void info(int level, const char *fmt, ...)
{
	va_list ap;

	if (verbose < level)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		err("out of memory");
		exit(1);
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static void usage(FILE *f)
{
	fputs(
"Usage: staprun [OPTIONS] MODULE.ko [NAME=VALUE ...]\n"
"       staprun [-v] -d NAME|'*'\n"
"       staprun [-v] [-o FILE [-S SIZE_MB[,N]]] -A NAME\n"
"Load a module built by stap, start its probes, copy its output until the\n"
"script ends, then unload it.  NAME=VALUE sets the script global NAME before\n"
"its begin probes run.  Root may load any module; with staprun setuid root,\n"
"members of group stapdev too, and members of group stapusr the root-owned\n"
"modules in /lib/modules/$(uname -r)/systemtap/.  The -o file and the -c\n"
"command get the invoking user's ids.\n"
"\n"
"Options:\n"
"  -o FILE        write the script's output to FILE instead of stdout\n"
"  -c CMD         run CMD with /bin/sh once the probes are armed; target()\n"
"                 is its process id, and the script stops when it exits\n"
"  -x PID         target() is PID\n"
"  -G NAME=VALUE  the same as NAME=VALUE after MODULE.ko\n"
"  -b MB          output buffer size in MB (1-4095; default 1)\n"
"  -d NAME        stop and unload the module NAME left loaded (not one a\n"
"                 staprun is attached to); '*': every such stapc module\n"
"  -L             load the module, start its probes and detach: it keeps\n"
"                 the newest output in its buffer (-b) until staprun -A\n"
"  -A NAME        attach to the module NAME left running: print what its\n"
"                 buffer holds, oldest first, then the output as it comes\n"
"  -D             run in the background and print staprun's pid (needs -o)\n"
"  -S SIZE[,N]    with -o FILE: write FILE.0, FILE.1, ..., switching before\n"
"                 a file passes SIZE MB and keeping only the newest N\n"
"  -w             suppress warnings\n"
"  -u             accepted; uprobes are part of the kernel, nothing to load\n"
"  -v             tell more about what staprun does (repeat for more)\n"
"  -h, --help     show this help\n"
"\n"
"-o FILE may hold strftime(3) conversions (%Y%m%d-%H%M%S ...).\n"
"Interrupting staprun (SIGINT, SIGTERM, SIGHUP) stops the script; a third\n"
"interrupt unloads the module without waiting for its end probes.  SIGQUIT\n"
"(Ctrl-\\) detaches and leaves the script running; SIGUSR2 switches to the\n"
"next -S file.  -s is accepted and ignored.\n",
	      f);
}

enum { OPT_NO_LOAD = 256 };

static int parse_positive(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 0x7fffffffL)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "no-load", no_argument, NULL, OPT_NO_LOAD },
		{ NULL, 0, NULL, 0 },
	};
	struct options o;
	char *name = NULL, *kname = NULL, *params = NULL;
	int c, rc = 1, mod_fd = -1, out_open_done = 0, detached = 0;
	long pid;

	memset(&o, 0, sizeof o);
	o.globals = xmalloc(sizeof *o.globals * (size_t)argc);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:c:x:G:d:wuvhb:s:S:LA:D",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.outfile = optarg;
			break;
		case 'c':
			o.command = optarg;
			break;
		case 'x':
			if (parse_positive(optarg, &o.target) != 0) {
				err("-x needs a process id, not '%s'", optarg);
				goto done;
			}
			break;
		case 'G':
			o.globals[o.nglobals++] = optarg;
			break;
		case 'd':
			o.unload = optarg;
			break;
		case 'w':
			o.suppress_warnings = 1;
			break;
		case 'u':
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto done;
		case 'b':
			if (parse_positive(optarg, &o.bufsize) != 0 ||
			    o.bufsize > 4095) {
				err("-b needs a buffer size in MB from 1 to 4095, "
				    "not '%s'", optarg);
				goto done;
			}
			break;
		case 's':
			err("-s is not available; ignored (-b sets the buffer)");
			break;
		case 'S':
			if (parse_size_spec(optarg, &o.file_mb,
					    &o.file_count) != 0) {
				err("-S needs SIZE_MB[,N]: a size in MB from 1 "
				    "to 4095 and a file count from 1 to 100000, "
				    "not '%s'", optarg);
				goto done;
			}
			break;
		case 'L':
			o.load_only = 1;
			break;
		case 'A':
			o.attach = optarg;
			break;
		case 'D':
			o.daemon = 1;
			break;
		case OPT_NO_LOAD:
			o.no_load = 1;
			break;
		default:
			if (optopt && strchr("ocxGdbsSA", optopt))
				err("option -%c needs an argument", optopt);
			else if (optopt)
				err("unknown option -%c", optopt);
			else
				err("unknown option %s", argv[optind - 1]);
			usage(stderr);
			goto done;
		}
	}

	if (o.file_mb && !o.outfile) {
		err("-S needs -o FILE: it names the files it switches between");
		goto done;
	}
	if (o.daemon && !o.outfile) {
		err("-D needs -o FILE: in the background the output has "
		    "nowhere else to go");
		goto done;
	}
	if ((o.load_only != 0) + (o.attach != NULL) + (o.unload != NULL) > 1) {
		err("-L, -A and -d cannot be used together");
		goto done;
	}
	if (o.load_only && (o.daemon || o.outfile)) {
		err("-L detaches at once: -D and -o are for staprun -A or a "
		    "staprun that stays");
		goto done;
	}
	if (o.attach) {
		if (optind < argc) {
			err("-A takes no module or NAME=VALUE arguments");
			usage(stderr);
			goto done;
		}
		if (o.command || o.target || o.nglobals || o.bufsize) {
			err("-A attaches to a running module: -c, -x, -b and "
			    "globals are set when it is loaded");
			goto done;
		}
		name = module_name(o.attach);
		kname = kernel_module_name(NULL, name);
		if (!o.no_load && (privilege_may_unload() != 0 ||
				   debugfs_ensure() != 0))
			goto done;
		if (attach_check(name) != 0)
			goto done;
		goto run;
	}
	if (o.unload) {
		if (optind < argc) {
			err("-d takes no module or NAME=VALUE arguments");
			usage(stderr);
			goto done;
		}
		if (!o.no_load && privilege_may_unload() != 0)
			goto done;
		rc = unload_leftover(&o, o.unload);
		goto done;
	}
	if (optind >= argc) {
		err("no module given");
		usage(stderr);
		goto done;
	}
	o.module = argv[optind++];
	/* NAME=VALUE, also as -G NAME=VALUE, after the module. */
	while (optind < argc) {
		const char *a = argv[optind++];

		if (strcmp(a, "-G") == 0 && optind < argc)
			a = argv[optind++];
		else if (strncmp(a, "-G", 2) == 0 && a[2])
			a += 2;
		o.globals[o.nglobals++] = a;
	}
	if (o.command && o.target) {
		err("-c and -x cannot be used together");
		goto done;
	}
	if (check_globals(&o) != 0)
		goto done;
	name = module_name(o.module);
	if (!*name) {
		err("'%s' does not name a module", o.module);
		goto done;
	}

	if (!o.no_load) {
		/* Who may load what (privilege.c), before anything else. */
		mod_fd = privilege_open_module(o.module);
		if (mod_fd < 0)
			goto done;
		if (debugfs_ensure() != 0)
			goto done;
		kname = kernel_module_name(o.module, name);
	}
run:
	if (out_open(&o) != 0)
		goto done;
	out_open_done = 1;
	if (o.daemon && daemon_start() != 0)
		goto done;
	if (signals_init() != 0)
		goto done;
	pid = o.target;
	if (o.command && (pid = command_fork(o.command)) < 0)
		goto done;
	params = module_params(&o, pid);
	if (o.attach) {
		/* loaded long ago */
	} else if (o.no_load) {
		info(1, "--no-load: not loading %s (parameters '%s')", name,
		     params);
	} else if (module_load(mod_fd, o.module, name, kname, params) != 0) {
		command_abandon();
		goto done;
	}
	if (mod_fd >= 0) {
		close(mod_fd);
		mod_fd = -1;
	}
	rc = session_run(&o, name, &detached);
	if (detached)
		detach_message(name);
	else if (!o.no_load && module_unload(kname, name) != 0)
		rc = 1;
done:
	if (mod_fd >= 0)
		close(mod_fd);
	if (out_open_done && out_close() != 0)
		rc = 1;
	free(params);
	free(kname);
	free(name);
	free(o.globals);
	return rc;
}
