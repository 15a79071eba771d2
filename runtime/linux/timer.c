/* timer.c (kernel runtime) - timer.s/ms/us/ns/hz/jiffies probes.
 *
 * One hrtimer per timer probe, armed by "start" once the begin probes have
 * run.  Its callback (hard interrupt context) runs the handler through
 * stp_kprobe_run() and re-arms itself with hrtimer_forward_now(), which
 * skips the periods it fell behind by, unless the timers are being
 * stopped or the session has left the running state.  timer.jiffies(N)
 * counts N ticks of HZ.  A randomized timer draws each period from
 * period +/- randomize.  stp_timers_stop() waits for running callbacks.
 *
 * timer.profile: one pinned hrtimer per CPU and profile probe, every
 * TICK_NSEC, armed on each CPU by an IPI (a pinned timer must be started on
 * its own CPU).  The handler sees the interrupted context's registers
 * (get_irq_regs()), so pid() and execname() are whoever was running.  CPUs
 * brought online during the session are not covered.
 */
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/smp.h>
#include <asm/irq_regs.h>

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

struct stp_ptimer {
	struct hrtimer hrt;
	const struct stp_probe *p;
};

/* stp_nptimers per-CPU arrays: stp_ptimers[i] is timer.profile probe i. */
static struct stp_ptimer __percpu **stp_ptimers;
static int stp_nptimers;

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

static enum hrtimer_restart stp_ptimer_fire(struct hrtimer *hrt)
{
	struct stp_ptimer *t = container_of(hrt, struct stp_ptimer, hrt);

	stp_kprobe_run_regs(t->p, get_irq_regs());
	if (READ_ONCE(stp_ktimers_stopping) ||
	    stp_session_state() != STP_SESSION_RUNNING)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(hrt, ns_to_ktime(TICK_NSEC));
	return HRTIMER_RESTART;
}

static void stp_hrtimer_setup(struct hrtimer *hrt,
			      enum hrtimer_restart (*fn)(struct hrtimer *),
			      enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(hrt, fn, CLOCK_MONOTONIC, mode);
#else
	hrtimer_init(hrt, CLOCK_MONOTONIC, mode);
	hrt->function = fn;
#endif
}

/* IPI on each CPU: arm this CPU's profile timers. */
static void stp_ptimers_start_cpu(void *unused)
{
	int i;

	for (i = 0; i < stp_nptimers; i++)
		hrtimer_start(&this_cpu_ptr(stp_ptimers[i])->hrt,
			      ns_to_ktime(TICK_NSEC), HRTIMER_MODE_REL_PINNED);
}

static void stp_ptimers_free(void)
{
	int i;

	for (i = 0; stp_ptimers && i < stp_nptimers; i++)
		free_percpu(stp_ptimers[i]);
	kfree(stp_ptimers);
	stp_ptimers = NULL;
	stp_nptimers = 0;
}

static int stp_ptimers_init(void)
{
	int i, cpu, n = 0;

	for (i = 0; i < stp_nprobes; i++)
		n += stp_probes[i].kind == STP_PROBE_PROFILE;
	stp_nptimers = 0;
	if (!n)
		return 0;
	stp_ptimers = kcalloc(n, sizeof(*stp_ptimers), GFP_KERNEL);
	if (!stp_ptimers)
		return -ENOMEM;
	for (i = 0; i < stp_nprobes; i++) {
		const struct stp_probe *p = &stp_probes[i];
		struct stp_ptimer __percpu *pt;

		if (p->kind != STP_PROBE_PROFILE)
			continue;
		pt = alloc_percpu(struct stp_ptimer);
		if (!pt) {
			stp_ptimers_free();
			return -ENOMEM;
		}
		stp_ptimers[stp_nptimers++] = pt;
		for_each_possible_cpu(cpu) {
			struct stp_ptimer *t = per_cpu_ptr(pt, cpu);

			t->p = p;
			stp_hrtimer_setup(&t->hrt, stp_ptimer_fire,
					  HRTIMER_MODE_REL_PINNED);
		}
	}
	return 0;
}

/* Module init: process context, may allocate. */
static int stp_timers_init(void)
{
	int i, n = 0;

	for (i = 0; i < stp_nprobes; i++)
		n += stp_probes[i].kind == STP_PROBE_TIMER;
	stp_nktimers = 0;
	if (!n)
		return stp_ptimers_init();
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
		stp_hrtimer_setup(&t->hrt, stp_ktimer_fire, HRTIMER_MODE_REL);
	}
	if (stp_ptimers_init()) {
		kfree(stp_ktimers);
		stp_ktimers = NULL;
		stp_nktimers = 0;
		return -ENOMEM;
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
	if (stp_nptimers)
		on_each_cpu(stp_ptimers_start_cpu, NULL, 1);
}

/* Process context: returns once no callback runs or will run. */
static void stp_timers_stop(void)
{
	int i, cpu;

	WRITE_ONCE(stp_ktimers_stopping, true);
	for (i = 0; i < stp_nktimers; i++)
		hrtimer_cancel(&stp_ktimers[i].hrt);
	for (i = 0; i < stp_nptimers; i++)
		for_each_possible_cpu(cpu)
			hrtimer_cancel(&per_cpu_ptr(stp_ptimers[i], cpu)->hrt);
}

static void stp_timers_free(void)
{
	stp_ptimers_free();
	kfree(stp_ktimers);
	stp_ktimers = NULL;
	stp_nktimers = 0;
}
