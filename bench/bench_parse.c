/* bench_parse.c - pass 1 benchmarks.  Prints numbers; never fails on them.
 *
 *   bench-parse STAP [LINES [SCRIPT]]
 *
 * 1. A one-liner through the real driver: `STAP -p1 -e '...'` run many
 *    times, reporting the median wall time and the peak RSS of the child.
 * 2. Passes 1-3 of a 50-line script (SCRIPT, default
 *    bench/fifty-lines.stp): `STAP -p3 SCRIPT`, median wall time.
 * 3. Raw parse throughput: a generated script of LINES lines (default one
 *    million) parsed in-process, reporting lines per second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"

#define RUNS 50

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median wall time and peak RSS of running argv RUNS times. */
static void bench_exec(char *const argv[], double *median, double *min, long *rss)
{
	double times[RUNS];

	*rss = 0;
	fflush(stdout);		/* or each child prints it again */
	for (int i = 0; i < RUNS; i++) {
		struct rusage ru;
		double t0 = now();
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			if (!freopen("/dev/null", "w", stdout))
				_exit(127);
			execv(argv[0], argv);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench: '%s %s ...' failed\n", argv[0], argv[1]);
			exit(1);
		}
		times[i] = now() - t0;
		if (ru.ru_maxrss > *rss)
			*rss = ru.ru_maxrss;
	}
	qsort(times, RUNS, sizeof(times[0]), cmp_double);
	*median = times[RUNS / 2];
	*min = times[0];
}

static void bench_passes(const char *stap, const char *script)
{
	char *argv[] = { (char *)stap, "-p3", (char *)script, NULL };
	double med, min;
	long rss;

	bench_exec(argv, &med, &min, &rss);
	printf("passes 1-3 of a 50-line script (stap -p3): median %.2f ms, "
	       "min %.2f ms over %d runs; peak RSS %.1f MB\n", med * 1e3,
	       min * 1e3, RUNS, (double)rss / 1024);
}

static void bench_oneliner(const char *stap)
{
	static const char script[] =
		"probe kernel.function(\"vfs_read\") { reads[execname()]++ } "
		"probe timer.s(5) { foreach (n in reads- limit 10) "
		"printf(\"%s %d\\n\", n, reads[n]); delete reads }";
	char *argv[] = { (char *)stap, "-p1", "-e", (char *)script, NULL };
	double med, min;
	long rss;

	bench_exec(argv, &med, &min, &rss);
	printf("pass 1 of a one-liner (stap -p1 -e): median %.2f ms, "
	       "min %.2f ms over %d runs; peak RSS %.1f MB\n",
	       med * 1e3, min * 1e3, RUNS, (double)rss / 1024);
}

/* A script shaped like real ones (the examples and tests here average 25
 * bytes a line): comments, blank lines, probes, functions, globals and most
 * kinds of statement.  The density is printed with the result. */
static const char block[] =
	"# block %ld: reads per process and their sizes\n"
	"global reads%ld, sizes%ld[1000], last%ld = -1\n"
	"\n"
	"probe kernel.function(\"vfs_read\").return?,\n"
	"      kernel.function(\"vfs_readv\").return? {\n"
	"\tif (pid() == target())\n"
	"\t\tnext\n"
	"\treads%ld[execname(), tid()]++\n"
	"\tsizes%ld[cpu()] <<< $count\n"
	"\tlast%ld = gettimeofday_us()\n"
	"}\n"
	"\n"
	"/* Scales a size to kilobytes. */\n"
	"function kb%ld:long(bytes:long) {\n"
	"\treturn (bytes + 1023) >> 10\n"
	"}\n"
	"\n"
	"probe timer.s(%ld) {\n"
	"\tforeach ([name, t] in reads%ld- limit 10)\n"
	"\t\tprintf(\"%%-16s %%5d %%d\\n\", name, t,\n"
	"\t\t       kb%ld(@sum(sizes%ld[cpu()])))\n"
	"\tdelete reads%ld\n"
	"}\n"
	"\n";

#define BLOCK_LINES 24

static char *generate(long lines, size_t *len)
{
	struct strbuf sb;

	sb_init(&sb);
	for (long i = 0, n = 0; n < lines; i++, n += BLOCK_LINES)
		sb_printf(&sb, block, i, i, i, i, i, i, i, i, i % 60 + 1, i, i,
			  i, i);
	*len = sb.len;
	return sb.buf;
}

static void bench_throughput(long lines)
{
	struct parse_opts o;
	struct srcfile f;
	struct arena a;
	size_t len;
	char *text = generate(lines, &len);
	double best = 1e9;
	int nerrors = 0;

	memset(&o, 0, sizeof(o));
	o.kernel_v = "6.1.0";
	o.kernel_vr = "6.1.0-56-amd64";
	o.arch = "x86_64";
	o.systemtap_v = "5.0";
	f.name = "<generated>";
	f.buf = text;
	f.len = len;
	for (int round = 0; round < 3; round++) {
		double t0 = now(), t;

		arena_init(&a);
		parse_file(&a, &f, &o, &nerrors);
		t = now() - t0;
		arena_free(&a);
		if (nerrors) {
			fprintf(stderr, "bench: generated script has %d errors\n", nerrors);
			exit(1);
		}
		if (t < best)
			best = t;
	}
	printf("raw parse throughput: %ld lines (%.1f MB, %.1f bytes/line) in "
	       "%.3f s = %.2f million lines/s, %.0f MB/s\n", lines,
	       (double)len / 1e6, (double)len / (double)lines, best,
	       (double)lines / best / 1e6, (double)len / best / 1e6);
	free(text);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-parse STAP [LINES]\n");
		return 2;
	}
	bench_oneliner(argv[1]);
	bench_passes(argv[1], argc > 3 ? argv[3] : "bench/fifty-lines.stp");
	bench_throughput(argc > 2 ? atol(argv[2]) : 1000000);
	return 0;
}
