/* timer.c (kernel runtime) - timer.s/ms/us/ns/hz/jiffies probes.
 *
 * One hrtimer per timer probe, armed by "start" once the begin probes have
 * run.  Its callback (hard interrupt context) runs the handler through
 * stp_kprobe_run() and re-arms itself with hrtimer_forward_now(), which
 * skips the periods it fell behind by, unless the timers are being
 * stopped or the session has left the running state.  timer.jiffies(N)
 * counts N ticks of HZ.  A randomized timer draws each period from
 * period +/- randomize.  stp_timers_stop() waits for running callbacks.
 */
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/random.h>

/* Shortest period armed: a timer.ns(1) must not hold a CPU in interrupts. */
#ifndef STP_TIMER_MIN_NS
#define STP_TIMER_MIN_NS 10000
#endif

struct stp_ktimer {
	struct hrtimer hrt;
	const struct stp_probe *p;
	s64 period, spread;		/* ns */
};

static struct stp_ktimer *stp_ktimers;
static int stp_nktimers;
static bool stp_ktimers_stopping;

static s64 stp_ktimer_scale(s64 v, bool jiffies)
{
	if (!jiffies)
		return v;
	if (v > S64_MAX / TICK_NSEC)
		return S64_MAX;
	return v * TICK_NSEC;
}

/* The next period: any context. */
static ktime_t stp_ktimer_interval(const struct stp_ktimer *t)
{
	s64 d = t->period;
	u64 r;

	if (t->spread > 0) {
		div64_u64_rem(get_random_u64(), (u64)t->spread * 2 + 1, &r);
		d += (s64)r - t->spread;
	}
	return ns_to_ktime(max_t(s64, d, STP_TIMER_MIN_NS));
}

static enum hrtimer_restart stp_ktimer_fire(struct hrtimer *hrt)
{
	struct stp_ktimer *t = container_of(hrt, struct stp_ktimer, hrt);

	stp_kprobe_run(t->p);
	if (READ_ONCE(stp_ktimers_stopping) ||
	    stp_session_state() != STP_SESSION_RUNNING)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(hrt, stp_ktimer_interval(t));
	return HRTIMER_RESTART;
}

static void stp_ktimer_setup(struct stp_ktimer *t)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(&t->hrt, stp_ktimer_fire, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
#else
	hrtimer_init(&t->hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->hrt.function = stp_ktimer_fire;
#endif
}

/* Module init: process context, may allocate. */
static int stp_timers_init(void)
{
	int i, n = 0;

	for (i = 0; i < stp_nprobes; i++)
		n += stp_probes[i].kind == STP_PROBE_TIMER;
	stp_nktimers = 0;
	if (!n)
		return 0;
	stp_ktimers = kcalloc(n, sizeof(*stp_ktimers), GFP_KERNEL);
	if (!stp_ktimers)
		return -ENOMEM;
	for (i = 0; i < stp_nprobes; i++) {
		const struct stp_probe *p = &stp_probes[i];
		struct stp_ktimer *t;

		if (p->kind != STP_PROBE_TIMER)
			continue;
		t = &stp_ktimers[stp_nktimers++];
		t->p = p;
		t->period = stp_ktimer_scale(p->period_ns, p->jiffies);
		t->spread = stp_ktimer_scale(p->randomize_ns, p->jiffies);
		stp_ktimer_setup(t);
	}
	return 0;
}

static void stp_timers_start(void)
{
	int i;

	WRITE_ONCE(stp_ktimers_stopping, false);
	for (i = 0; i < stp_nktimers; i++)
		hrtimer_start(&stp_ktimers[i].hrt,
			      stp_ktimer_interval(&stp_ktimers[i]),
			      HRTIMER_MODE_REL);
}

/* Process context: returns once no callback runs or will run. */
static void stp_timers_stop(void)
{
	int i;

	WRITE_ONCE(stp_ktimers_stopping, true);
	for (i = 0; i < stp_nktimers; i++)
		hrtimer_cancel(&stp_ktimers[i].hrt);
}

static void stp_timers_free(void)
{
	kfree(stp_ktimers);
	stp_ktimers = NULL;
	stp_nktimers = 0;
}
