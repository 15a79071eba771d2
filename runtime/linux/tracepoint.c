/* tracepoint.c - kernel.trace("NAME") probes on the kernel's static
 * tracepoints.
 *
 * The translator emits one callback per probed tracepoint, with the
 * tracepoint's prototype (void *data, ARGS...); it widens each argument,
 * by its exact C type, into an array of longs and calls
 * stp_tracepoint_hit(), which runs the probe with that array where the
 * handler's $NAME reads (stp_tv_tparg) find it.  At start the module finds
 * each tracepoint by name among the kernel's (for_each_kernel_tracepoint)
 * and registers its callback, with the probe as the callback's data; at
 * stop it unregisters them and waits until no callback is still running
 * (tracepoint_synchronize_unregister), before the session is freed. */
#include <linux/tracepoint.h>

/* What generated code provides: one entry per tracepoint target, the
 * probe's index in stp_probes[], the tracepoint's name, the callback and
 * how many arguments it passes; ends with probe -1. */
struct stp_tracepoint_def {
	int probe;
	const char *name;
	void *func;
	int nargs;
};

extern const struct stp_tracepoint_def stp_tracepoint_defs[];
extern const int stp_ntracepoint_defs;

struct stp_tracepoint {
	const struct stp_tracepoint_def *def;
	struct tracepoint *tp;		/* found at init, or NULL */
	bool registered;
};

static struct stp_tracepoint *stp_tps;

/* The tracepoint arguments of the running probe: argument n (1-based),
 * already widened to a long by its type. */
static __maybe_unused int64_t stp_tv_tparg(struct stp_context *c, int n)
{
	const int64_t *args = c->entry_data;

	if (!args || n < 1) {
		stp_error(c, "no tracepoint argument %d here", n);
		return 0;
	}
	return args[n - 1];
}

/* Called by the generated callbacks: data is the probe. */
static __maybe_unused void stp_tracepoint_hit(void *data, int64_t *args)
{
	stp_probe_run_return(data, NULL, args);
	stp_kprobe_end_check();
}

static void stp_tracepoint_find(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < stp_ntracepoint_defs; i++)
		if (!stp_tps[i].tp && !strcmp(tp->name, stp_tps[i].def->name))
			stp_tps[i].tp = tp;
}

static int stp_tracepoints_init(void)
{
	int i;

	if (!stp_ntracepoint_defs)
		return 0;
	stp_tps = kcalloc(stp_ntracepoint_defs, sizeof(*stp_tps), GFP_KERNEL);
	if (!stp_tps)
		return -ENOMEM;
	for (i = 0; i < stp_ntracepoint_defs; i++)
		stp_tps[i].def = &stp_tracepoint_defs[i];
	for_each_kernel_tracepoint(stp_tracepoint_find, NULL);
	return 0;
}

static void stp_tracepoints_stop(void)
{
	bool any = false;
	int i;

	for (i = 0; stp_tps && i < stp_ntracepoint_defs; i++) {
		struct stp_tracepoint *t = &stp_tps[i];

		if (!t->registered)
			continue;
		tracepoint_probe_unregister(t->tp, t->def->func,
					    (void *)&stp_probes[t->def->probe]);
		t->registered = false;
		any = true;
	}
	/* no callback may still be running once the session goes */
	if (any)
		tracepoint_synchronize_unregister();
}

/* Registers every tracepoint callback; a tracepoint the running kernel
 * lacks is an error, unless a wildcard matched it (then it is counted
 * and skipped). */
static int stp_tracepoints_start(void)
{
	int i, rc, skipped = 0;
	u64 start = ktime_get_ns();

	for (i = 0; stp_tps && i < stp_ntracepoint_defs; i++) {
		struct stp_tracepoint *t = &stp_tps[i];
		const struct stp_probe *p = &stp_probes[t->def->probe];

		rc = t->tp ? tracepoint_probe_register(t->tp, t->def->func,
						      (void *)p)
			   : -ENOENT;
		if (rc && p->optional) {
			skipped++;
			continue;
		}
		if (rc) {
			stp_msg("ERROR: cannot probe %s: %s (%d)\n", p->pp,
				rc == -ENOENT ? "the running kernel has no such "
				"tracepoint" : "registration failed", rc);
			stp_tracepoints_stop();
			return rc;
		}
		t->registered = true;
	}
	stp_registered("tracepoints", stp_ntracepoint_defs, skipped, "",
		       start);
	return 0;
}

static void stp_tracepoints_free(void)
{
	stp_tracepoints_stop();
	kfree(stp_tps);
	stp_tps = NULL;
}
