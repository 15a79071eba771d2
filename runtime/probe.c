/* probe.c - the session and the probe dispatcher, for every platform.
 *
 * The session moves STARTING (begin probes) -> RUNNING (everything else)
 * -> STOPPING (end probes) -> STOPPED.  exit() moves it to STOPPING; an
 * error past MAXERRORS (or too many skipped probes) moves it to ERROR
 * instead, and then, as in SystemTap, the end probes are skipped and the
 * error probes run.  A probe whose kind does not belong to the current
 * state returns at once: after exit(), later begin and timer probes just
 * do not run. */

static int stp_probe_state(enum stp_probe_kind kind)
{
	switch (kind) {
	case STP_PROBE_BEGIN:
		return STP_SESSION_STARTING;
	case STP_PROBE_END:
		return STP_SESSION_STOPPING;
	case STP_PROBE_ERROR:
		return STP_SESSION_ERROR;
	default:
		return STP_SESSION_RUNNING;
	}
}

int stp_session_state(void)
{
	return (int)stp_atomic_read(&stp_sess.state);
}

/* Moves from one of the live states to next; ERROR and STOPPED stay. */
static void stp_session_move(int next)
{
	long s;

	for (;;) {
		s = stp_atomic_read(&stp_sess.state);
		if (s == STP_SESSION_ERROR || s == STP_SESSION_STOPPED ||
		    s == next)
			return;
		if (next != STP_SESSION_ERROR && s == STP_SESSION_STOPPING)
			return;
		if (stp_atomic_cmpxchg(&stp_sess.state, s, next) == s)
			return;
	}
}

void stp_request_exit(void)
{
	stp_session_move(STP_SESSION_STOPPING);
}

void stp_session_set_running(void)
{
	stp_atomic_cmpxchg(&stp_sess.state, STP_SESSION_STARTING,
			   STP_SESSION_RUNNING);
}

/* Reports c->error as SystemTap does and counts it; past MAXERRORS the
 * session ends through the error probes. */
static void stp_probe_error(struct stp_context *c)
{
	stp_out_flush();	/* the output before the error, in order */
	if (c->last_stmt)
		stp_msg("ERROR: %s near %s\n", c->error, c->last_stmt);
	else
		stp_msg("ERROR: %s\n", c->error);
	stp_strlcpy(c->last_error, c->error);
	stp_spin_lock(&stp_sess.msg_lock);
	stp_strlcpy(stp_sess.last_error, c->error);
	stp_spin_unlock(&stp_sess.msg_lock);
	if (stp_atomic_inc(&stp_sess.errors) > MAXERRORS)
		stp_session_move(STP_SESSION_ERROR);
}

static void stp_probe_skipped(void)
{
	if (stp_atomic_inc(&stp_sess.skipped) != MAXSKIPPED + 1)
		return;
	stp_msg("ERROR: Skipped too many probes, check MAXSKIPPED or try "
		"again with stap -t for more details.\n");
	stp_sess.failed = true;
	stp_session_move(STP_SESSION_ERROR);
}

void stp_probe_run(const struct stp_probe *p)
{
	stp_probe_run_regs(p, NULL);
}

#ifndef MAXTRYLOCK
#define MAXTRYLOCK 1000
#endif

/* The probe's global locks from the first-th on, in their order (those
 * before first are held); false (none held) when one stays taken for
 * MAXTRYLOCK tries. */
static bool stp_probe_lock_from(const struct stp_probe *p, int first)
{
	int i, tries;

	for (i = first; i < p->nlocks; i++) {
		const struct stp_lock *l = &p->locks[i];

		for (tries = 0; !stp_rw_trylock(l->lock, l->write); tries++) {
			if (tries == MAXTRYLOCK) {
				while (--i >= 0)
					stp_rw_unlock(p->locks[i].lock,
						      p->locks[i].write);
				return false;
			}
			stp_lock_delay();
		}
	}
	return true;
}

static bool stp_probe_lock(const struct stp_probe *p)
{
	return stp_probe_lock_from(p, 0);
}

static inline __attribute__((__always_inline__)) void stp_probe_unlock(const struct stp_probe *p)
{
	int i;

	for (i = p->nlocks - 1; i >= 0; i--)
		stp_rw_unlock(p->locks[i].lock, p->locks[i].write);
}

/* Runs p's handler (or, with entry, its entry half) on this CPU's context;
 * false when it did not run or ended in an error. */
static bool stp_probe_dispatch(const struct stp_probe *p, void *regs,
			       void *data, bool entry)
{
	struct stp_context *c;
	unsigned long flags;
	bool ok;
	int cpu;

	if (p->kind == STP_PROBE_NEVER ||
	    stp_session_state() != stp_probe_state(p->kind))
		return false;
	flags = stp_irq_save();
	cpu = stp_cpu();
	c = stp_sess.ctx[cpu];
	if (!stp_busy_enter(&c->busy)) {
		stp_probe_skipped();
		stp_irq_restore(flags);
		return false;
	}
	if (!stp_probe_lock(p)) {
		stp_probe_skipped();
		stp_busy_exit(&c->busy);
		stp_irq_restore(flags);
		return false;
	}
	stp_sess.runs[cpu]++;
	c->probe_point = p->pp;
	c->error = NULL;
	c->last_stmt = NULL;
	c->actionremaining = MAXACTION;
	c->nesting = 0;
	c->in_try = false;
	c->regs = regs;
	c->entry_data = data;
	if (entry)
		p->entry_handler(c);
	else
		p->handler(c);
	stp_probe_unlock(p);
	ok = !c->error;
	if (c->error)
		stp_probe_error(c);
	/* as stp_probe_run_const expects to find the context */
	c->error = NULL;
	c->last_stmt = NULL;
	c->entry_data = NULL;
	stp_out_flush();
	stp_busy_exit(&c->busy);
	stp_irq_restore(flags);
	return ok;
}

#ifdef STP_RUNTIME_KERNEL
/* The slow half of stp_probe_run_const: c->error is set; reports it,
 * leaves the context as a run expects to find it, and flushes. */
static __attribute__((__noinline__)) void stp_probe_run_failed(struct stp_context *c)
{
	stp_probe_error(c);
	c->error = NULL;
	c->last_stmt = NULL;
	stp_out_flush();
}

/* One lock was busy at the first try: the generic retry loop. */
static __attribute__((__noinline__)) bool stp_probe_lock_slow(const struct stp_probe *p, int i)
{
	return stp_probe_lock_from(p, i);
}

/* stp_probe_dispatch for a probe known when the module is compiled:
 * p is &stp_probes[N] with N a constant (the generated STP_KPROBE_FAST),
 * so its kind, locks and handler fold into straight-line code: one
 * trylock per lock, a direct (usually inlined) call of the handler.
 * Between runs a context keeps error and last_stmt NULL (the error path
 * clears them), nesting 0 (calls restore it) and entry_data NULL (only
 * the entry/return dispatcher sets it, and clears it), so a run sets only
 * what differs per probe.  Same checks as stp_probe_dispatch: session
 * state, reentrancy guard, locks, MAXACTION, errors, skipped counts.
 * end_check (inlined) runs when the session may have left RUNNING: after
 * a skip, an error, or a handler that is not p->quiet.  A quiet handler
 * (no calls, no target variables, no foreach: translator/locks.c) cannot
 * print, read pp() or the registers, or hold a foreach slot, so it needs
 * no flush, no probe_point, no regs and no run count (stp_cpu_runs only
 * ages foreach slots). */
static inline __attribute__((__always_inline__)) void
stp_probe_run_const(const struct stp_probe *p, void *regs,
		    void (*end_check)(void))
{
	struct stp_context *c;
	unsigned long flags;
	unsigned int cpu;	/* unsigned: indexes without a sign extension */
	int i;

	if (stp_unlikely(stp_session_state() != STP_SESSION_RUNNING))
		return;
	flags = stp_irq_save();
	cpu = (unsigned int)stp_cpu();
	c = stp_sess.ctx[cpu];
	if (stp_unlikely(!stp_busy_enter(&c->busy)))
		goto skipped;
	for (i = 0; i < p->nlocks; i++) {
		if (stp_unlikely(!stp_rw_trylock(p->locks[i].lock,
						 p->locks[i].write)) &&
		    !stp_probe_lock_slow(p, i)) {
			stp_busy_exit(&c->busy);
			goto skipped;
		}
	}
	if (!p->quiet) {
		stp_sess.runs[cpu]++;
		c->probe_point = p->pp;
		c->regs = regs;
	}
	c->actionremaining = MAXACTION;
	p->handler(c);
	stp_probe_unlock(p);
	if (stp_unlikely(c->error)) {
		stp_probe_run_failed(c);
		stp_busy_exit(&c->busy);
		stp_irq_restore(flags);
		end_check();
		return;
	}
	if (!p->quiet)
		stp_out_flush();
	stp_busy_exit(&c->busy);
	stp_irq_restore(flags);
	if (!p->quiet)
		end_check();
	return;
skipped:
	stp_probe_skipped();
	stp_irq_restore(flags);
	end_check();
}
#endif

void stp_probe_run_regs(const struct stp_probe *p, void *regs)
{
	stp_probe_dispatch(p, regs, NULL, false);
}

bool stp_probe_run_entry(const struct stp_probe *p, void *regs, void *data)
{
	return stp_probe_dispatch(p, regs, data, true);
}

void stp_probe_run_return(const struct stp_probe *p, void *regs, void *data)
{
	stp_probe_dispatch(p, regs, data, false);
}

void stp_run_probes(enum stp_probe_kind kind)
{
	int i;

	for (i = 0; i < stp_nprobes; i++) {
		const struct stp_probe *p = &stp_probes[stp_sess.order[i]];

		if (p->kind == kind)
			stp_probe_run(p);
	}
}

/* Probe indices by priority, equal priorities in script order: an
 * insertion sort, once, at start-up. */
static void stp_sort_probes(int *order)
{
	int i, j, t;

	for (i = 0; i < stp_nprobes; i++) {
		t = i;
		for (j = i; j > 0 && stp_probes[order[j - 1]].priority >
				     stp_probes[t].priority; j--)
			order[j] = order[j - 1];
		order[j] = t;
	}
}

static void stp_session_free(void)
{
	int i;

	if (stp_sess.ctx) {
		for (i = 0; i < stp_sess.ncpus; i++) {
			if (stp_sess.ctx[i])
				stp_free(stp_sess.ctx[i]->locals);
			stp_free(stp_sess.ctx[i]);
		}
	}
	stp_free(stp_sess.ctx);
	stp_free(stp_sess.runs);
	stp_free(stp_sess.order);
	stp_sess.ctx = NULL;
	stp_sess.runs = NULL;
	stp_sess.order = NULL;
	stp_regex_exit();
	stp_out_exit();
}

static int stp_session_alloc(void)
{
	int i, n = stp_ncpus();

	stp_sess.ncpus = n;
	stp_sess.ctx = stp_alloc((size_t)n * sizeof(*stp_sess.ctx));
	stp_sess.runs = stp_alloc((size_t)n * sizeof(*stp_sess.runs));
	stp_sess.order = stp_alloc((size_t)(stp_nprobes + 1) * sizeof(int));
	if (!stp_sess.ctx || !stp_sess.runs || !stp_sess.order)
		return -1;
	for (i = 0; i < n; i++) {
		stp_sess.ctx[i] = stp_alloc(sizeof(struct stp_context));
		if (!stp_sess.ctx[i])
			return -1;
		if (stp_locals_size) {
			stp_sess.ctx[i]->locals = stp_alloc(stp_locals_size);
			if (!stp_sess.ctx[i]->locals)
				return -1;
		}
	}
	return stp_regex_init(n);
}

int stp_session_start(void)
{
	stp_spin_init(&stp_sess.msg_lock);
	stp_atomic_set(&stp_sess.state, STP_SESSION_STARTING);
	stp_atomic_set(&stp_sess.errors, 0);
	stp_atomic_set(&stp_sess.skipped, 0);
	stp_sess.failed = false;
	stp_sess.last_error[0] = '\0';
	if (stp_out_init() || stp_session_alloc()) {
		stp_session_free();
		stp_msg("ERROR: out of memory starting the session\n");
		return -1;
	}
	stp_sort_probes(stp_sess.order);
	if (stp_globals_init()) {
		stp_globals_free();
		stp_session_free();
		stp_msg("ERROR: cannot initialize the script's globals\n");
		return -1;
	}
	return 0;
}

void stp_session_stop(void)
{
	int i;

	stp_session_move(STP_SESSION_STOPPING);
	if (stp_session_state() == STP_SESSION_STOPPING)
		stp_run_probes(STP_PROBE_END);
	if (stp_session_state() == STP_SESSION_ERROR) {
		for (i = 0; i < stp_sess.ncpus; i++)
			stp_strlcpy(stp_sess.ctx[i]->last_error,
				    stp_sess.last_error);
		stp_run_probes(STP_PROBE_ERROR);
	}
	stp_atomic_set(&stp_sess.state, STP_SESSION_STOPPED);
	stp_out_flush();
}

int stp_session_end(void)
{
	long errors = stp_atomic_read(&stp_sess.errors);
	long skipped = stp_atomic_read(&stp_sess.skipped);
	int64_t lost;

	stp_out_flush();
	lost = stp_out_lost();
	if (lost)
		stp_msg("WARNING: %lld bytes of output were lost\n",
			(long long)lost);
	if (errors || skipped)
		stp_msg("WARNING: Number of errors: %ld, skipped probes: %ld\n",
			errors, skipped);
	stp_globals_free();
	stp_session_free();
	return errors || stp_sess.failed ? 1 : 0;
}
