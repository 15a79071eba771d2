/* stp_internal.h - what the core files share and generated code does not
 * use.  The runtime is one translation unit, so this is a plain list of
 * declarations in include order. */
#ifndef STP_INTERNAL_H
#define STP_INTERNAL_H

struct stp_re_work;

/* The session: one instance, set up by stp_session_start(). */
struct stp_session {
	stp_atomic_t state;
	stp_atomic_t errors;
	stp_atomic_t skipped;
	bool failed;			/* ended by something not counted */
	int ncpus;
	struct stp_context **ctx;	/* per CPU */
	/* Handlers run so far on each CPU: a foreach snapshot left behind
	 * by break is free again once its handler has returned. */
	unsigned long *runs;
	struct stp_re_work **re;	/* per CPU regex workspace */
	int *order;			/* stp_probes indices by priority */
	stp_spinlock_t msg_lock;	/* msg and last_error */
	char msg[2 * MAXSTRINGLEN + 256];
	char last_error[MAXSTRINGLEN];
};

static struct stp_session stp_sess;

static unsigned long stp_cpu_runs(int cpu)
{
	return stp_sess.runs ? stp_sess.runs[cpu] : 0;
}

static size_t stp_strnlen(const char *s, size_t max);
static int stp_format_mem(char *out, size_t size, const char *fmt,
			  const struct stp_arg *args, int nargs,
			  int64_t *fault_addr, bool *fault_user);
static void stp_msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int stp_regex_init(int ncpus);
static void stp_regex_exit(void);

#endif
