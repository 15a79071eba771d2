/* bench_runtime.c - ns/op of the runtime's hot paths (user platform).
 *
 *   gcc -O2 -I runtime -DSTP_RUNTIME_USER bench/bench_runtime.c \
 *	-o /tmp/br && /tmp/br [iterations]
 *
 * Targets: map get/set with one long key < 50 ns, with (long, string,
 * long) keys < 150 ns; stp_stat_add < 20 ns; stp_printf("%d %s\n") into
 * the output buffer < 100 ns.  Maps hold 1000 entries and the keys cycle
 * through all of them, so lookups miss the cache as a real script's do. */
#include "stp_runtime.c"

#include <stdio.h>

const struct stp_probe stp_probes[1];
const int stp_nprobes = 0;
const size_t stp_locals_size = 0;

int stp_globals_init(void)
{
	return 0;
}

void stp_globals_free(void)
{
}

#define NKEYS 1024		/* a power of two: i & (NKEYS - 1) */

static volatile int64_t sink;
static long iters = 10000000;
static union stp_key k1[NKEYS], k3[NKEYS][3];
static char names[NKEYS][16];

static double now_ns(void)
{
	return (double)stp_time_ns();
}

static void report(const char *what, double t0, double target)
{
	double ns = (now_ns() - t0) / (double)iters;

	printf("%-44s %7.1f ns/op  (target < %.0f)%s\n", what, ns, target,
	       ns < target ? "" : "  SLOW");
}

static void setup_keys(void)
{
	static const char *const comm[] = { "bash", "systemd", "sshd",
		"kworker/0:1", "firefox", "gcc", "make", "postgres" };
	int i;

	for (i = 0; i < NKEYS; i++) {
		k1[i].n = (int64_t)i * 7919 + 1;
		snprintf(names[i], sizeof(names[i]), "%s-%d", comm[i % 8],
			 i / 8);
		k3[i][0].n = i % 37;
		k3[i][1].s = names[i];
		k3[i][2].n = i;
	}
}

static void bench_maps(void)
{
	struct stp_map *m1 = stp_map_new("l", STP_LONG, 0, false, NULL);
	struct stp_map *m3 = stp_map_new("lsl", STP_LONG, 0, false, NULL);
	double t0;
	int64_t acc = 0;
	long i;

	for (i = 0; i < NKEYS; i++) {
		stp_map_set_long(m1, &k1[i], i);
		stp_map_set_long(m3, k3[i], i);
	}
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		acc += stp_map_get_long(m1, &k1[i & (NKEYS - 1)]);
	report("map get, 1 long key", t0, 50);
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		stp_map_set_long(m1, &k1[i & (NKEYS - 1)], i);
	report("map set (update), 1 long key", t0, 50);
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		acc += stp_map_get_long(m3, k3[i & (NKEYS - 1)]);
	report("map get, keys (long, string, long)", t0, 150);
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		stp_map_set_long(m3, k3[i & (NKEYS - 1)],
				 stp_map_get_long(m3, k3[i & (NKEYS - 1)]) + 1);
	report("map x[l,s,l]++ (get + set)", t0, 300);
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		if (!(i & (NKEYS - 1)))
			stp_map_clear(m1);
		stp_map_set_long(m1, &k1[i & (NKEYS - 1)], i);
	}
	report("map set (insert, cleared every 1024)", t0, 50);
	sink = acc;
	stp_map_free(m1);
	stp_map_free(m3);
}

static void bench_stats(void)
{
	struct stp_hist_spec lin = { STP_HIST_LINEAR, 0, 1000, 10, 0 };
	struct stp_hist_spec lg = { STP_HIST_LOG, 0, 0, 0, 0 };
	struct stp_stat *s = stp_stat_new(NULL);
	struct stp_stat *sl = stp_stat_new(&lin), *sg = stp_stat_new(&lg);
	struct stp_stat_result r;
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < iters; i++)
		stp_stat_add(s, i & 1023);
	report("stat_add, no histogram", t0, 20);
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		stp_stat_add(sl, i & 1023);
	report("stat_add, hist_linear", t0, 20);
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		stp_stat_add(sg, i & 1023);
	report("stat_add, hist_log", t0, 20);
	stp_stat_get(sg, &r, 0);
	sink = r.variance;
	stp_stat_free(s);
	stp_stat_free(sl);
	stp_stat_free(sg);
}

static void bench_print(void)
{
	struct stp_context *c = stp_sess.ctx[0];
	struct stp_arg a[2] = { { false, 0, NULL }, { true, 0, "firefox" } };
	char buf[64];
	double t0;
	long i;

	/* Emptied before it fills, so no write(2) is timed. */
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		a[0].n = i;
		stp_printf(c, "%d %s\n", a, 2);
		if (!(i & 1023))
			stp_out_discard();
	}
	report("stp_printf(\"%d %s\\n\") into the buffer", t0, 100);
	stp_out_discard();
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		a[0].n = i;
		sink += stp_format(buf, sizeof(buf), "%-8x|%5s|", a, 2);
	}
	report("stp_format(\"%-8x|%5s|\")", t0, 100);
}

static void bench_regex(void)
{
	struct stp_context *c = stp_sess.ctx[0];
	double t0;
	long i, n = iters / 10;

	t0 = now_ns();
	for (i = 0; i < n; i++)
		sink += stp_regex_match(c, "^(k|s)[a-z]+/[0-9]+", names[i & 7]);
	printf("%-44s %7.1f ns/op\n",
	       "regex =~ ^(k|s)[a-z]+/[0-9]+ (~12 chars)",
	       (now_ns() - t0) / (double)n);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		iters = atol(argv[1]);
	if (iters < 1024)
		iters = 1024;
	if (stp_session_start())
		return 1;
	setup_keys();
	bench_maps();
	bench_stats();
	bench_print();
	bench_regex();
	stp_session_stop();
	return stp_session_end();
}
