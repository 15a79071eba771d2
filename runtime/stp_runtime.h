/* stp_runtime.h - the contract between generated code and the runtime.
 *
 * Pass 3 emits one C file per script.  It defines the tunables below (or
 * leaves the defaults), includes "stp_runtime.c" (which pulls in the
 * portable core and the platform layer chosen by STP_RUNTIME_USER or
 * STP_RUNTIME_KERNEL), and provides the probe table and the init/exit
 * functions declared at the end of this file.  A userspace program also
 * defines STP_RUNTIME_MAIN to get main() from runtime/user/main.c.
 *
 * Rules that hold everywhere in the core: nothing allocates or sleeps after
 * stp_session_start(); every loop is bounded by a size fixed at start-up;
 * strings are NUL-terminated char arrays of STP_MAXSTRINGLEN bytes,
 * silently truncated. */
#ifndef STP_RUNTIME_H
#define STP_RUNTIME_H

/* ---- tunables (-D NAME=VALUE on the stap command line) ---- */
#ifndef MAXSTRINGLEN
#define MAXSTRINGLEN 512
#endif
#ifndef MAXMAPENTRIES
#define MAXMAPENTRIES 2048
#endif
#ifndef MAXACTION
#define MAXACTION 1000
#endif
#ifndef MAXNESTING
#define MAXNESTING 10
#endif
#ifndef MAXERRORS
#define MAXERRORS 0
#endif
#ifndef MAXSKIPPED
#define MAXSKIPPED 100
#endif
#define STP_MAXSTRINGLEN MAXSTRINGLEN
#define STP_MAXKEYS 9
/* Histogram layout of print(@hist_*): bar width, and how many empty
 * buckets are kept around data before a run is elided with "~" (negative:
 * never elide). */
#ifndef HIST_WIDTH
#define HIST_WIDTH 50
#endif
#ifndef HIST_ELISION
#define HIST_ELISION 2
#endif
/* Histogram buckets: linear ones have at most 128 plus under/overflow. */
#define STP_MAXBUCKETS 132

#include "stp_platform.h"	/* int64_t, bool, size_t, stp_* platform calls */

/* ---- values ---- */
enum stp_type { STP_LONG = 1, STP_STRING = 2, STP_STATS = 3 };

/* One key of a map access, as generated code passes it. */
union stp_key {
	int64_t n;
	const char *s;
};

/* One printf argument. */
struct stp_arg {
	bool is_str;
	int64_t n;
	const char *s;
};

/* ---- the probe context: one per CPU (kernel) or one (user) ---- */
struct stp_context {
	int busy;			/* a handler is running on this CPU */
	const char *probe_point;	/* pp() of the running probe */
	const char *error;		/* set by stp_error(); NULL if none */
	char error_buf[MAXSTRINGLEN];
	const char *last_stmt;		/* "operator '/' at x.stp:3:12" */
	int64_t actionremaining;	/* MAXACTION countdown */
	int nesting;			/* function call depth */
	bool in_try;			/* inside try { }: errors are caught */
	void *regs;			/* kernel: the probed point's struct
					 * pt_regs (NULL in timers, begin...) */
	void *locals;			/* generated frames, see below */
	/* The message of the error that ended the session, for the error
	 * probes (c->error itself is NULL while they run). */
	char last_error[MAXSTRINGLEN];
	/* tokenize()'s input and position: per CPU, so that handlers on
	 * other CPUs cannot tear it. */
	char tok_buf[MAXSTRINGLEN];
	char *tok_pos;
	/* a string read while pretty-printing a target variable */
	char scratch[MAXSTRINGLEN];
	/* a .return probe's values saved at entry (@entry), or NULL */
	void *entry_data;
};

/* Raise a runtime error in the running handler: printf-style message.  The
 * handler unwinds (generated code tests c->error after each statement);
 * then stp_probe_end() reports "ERROR: msg near last_stmt", runs the error
 * probes and, past MAXERRORS, ends the session. */
void stp_error(struct stp_context *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- strings ---- */
/* Copies at most MAXSTRINGLEN-1 bytes and NUL-terminates. */
void stp_strlcpy(char *dst, const char *src);
void stp_strlcat(char *dst, const char *src);
/* Formats a long as decimal into dst. */
void stp_long_to_str(char *dst, int64_t v);

/* ---- formatted output ---- */
/* SystemTap's printf: %d %i %u %x %X %o %c %s %p %b %m %M %%, flags
 * "-+ #0", width, precision, '*' for either; args already checked by pass 2
 * against the conversions.  Writes at most size-1 bytes plus NUL into out;
 * returns the length it wanted (like snprintf).  %b/%m/%M write binary. */
int stp_format(char *out, size_t size, const char *fmt,
	       const struct stp_arg *args, int nargs);
/* Appends to the output stream (per-CPU buffer in the kernel, stdout in
 * user mode).  When output arrives faster than it is read, the loss is
 * counted and reported at exit, never silent. */
void stp_print(struct stp_context *c, const char *s, size_t len);
void stp_printf(struct stp_context *c, const char *fmt,
		const struct stp_arg *args, int nargs);
/* Warnings go to stderr: "WARNING: msg". */
void stp_warn(struct stp_context *c, const char *msg);

/* ---- statistics ---- */
enum stp_hist_kind { STP_HIST_NONE, STP_HIST_LINEAR, STP_HIST_LOG };

struct stp_hist_spec {
	enum stp_hist_kind kind;
	int64_t start, stop, interval;	/* linear only */
	/* @variance(s, N): N, the one bit-shift this variable's variance
	 * accumulators scale by (0 when the script gives none).  Any kind. */
	int bit_shift;
	/* no @variance reads this variable: <<< skips the variance
	 * accumulators (the translator knows; 0, the default, keeps them) */
	bool novariance;
};

/* Aggregated result of a statistic (what @count ... @hist_* read). */
struct stp_stat_result {
	int64_t count, sum, min, max, avg, variance;
	int nbuckets;
	int64_t buckets[STP_MAXBUCKETS];	/* defined by the core */
};

struct stp_stat;	/* per-CPU accumulators, opaque */
/* h may be NULL: no histogram, bit_shift 0.  Returns NULL when out of
 * memory or when a linear spec is invalid (interval <= 0, stop < start,
 * more than 128 buckets). */
struct stp_stat *stp_stat_new(const struct stp_hist_spec *h);
void stp_stat_free(struct stp_stat *s);
void stp_stat_add(struct stp_stat *s, int64_t v);
/* The same, h being the spec s was made with. */
void stp_stat_add_spec(struct stp_stat *s, const struct stp_hist_spec *h,
		       int64_t v);
void stp_stat_clear(struct stp_stat *s);
/* Aggregates over CPUs.  variance uses bit_shift as @variance(s, N); it
 * must equal the spec's bit_shift, which the accumulators were built with
 * (SystemTap allows one shift per variable).  Empty: all fields 0.
 * buckets: linear [0] underflow, [1..n] start, start+interval, ..., [n+1]
 * overflow; log [0..127] where [64] holds 0, [64+k] holds 2^(k-1) ..
 * 2^k-1 and [64-k] holds -2^(k-1) .. -(2^k-1) (like SystemTap). */
void stp_stat_get(struct stp_stat *s, struct stp_stat_result *r, int bit_shift);
/* print(@hist_linear(...)) / print(@hist_log(...)): SystemTap's ASCII
 * histogram layout (value |@@@@ count), written with stp_print. */
void stp_hist_print(struct stp_context *c, const struct stp_stat_result *r,
		    const struct stp_hist_spec *h);

/* ---- associative arrays ---- */
/* key_types: one char per key, 'l' or 's'; value: STP_LONG, STP_STRING or
 * STP_STATS (with hist).  max_entries 0 means MAXMAPENTRIES.  wrap: when
 * full, a new entry replaces the oldest instead of failing. */
struct stp_map;
struct stp_map *stp_map_new(const char *key_types, enum stp_type value,
			    int max_entries, bool wrap,
			    const struct stp_hist_spec *hist);
void stp_map_free(struct stp_map *m);
int stp_map_size(struct stp_map *m);
void stp_map_clear(struct stp_map *m);
bool stp_map_exists(struct stp_map *m, const union stp_key *k);
/* Reads return 0 / "" for a missing entry (strings are copied into out,
 * MAXSTRINGLEN bytes). */
int64_t stp_map_get_long(struct stp_map *m, const union stp_key *k);
void stp_map_get_str(struct stp_map *m, const union stp_key *k, char *out);
/* Writes return 0, or -1 when the map is full (the caller raises
 * "Array overflow, check MAXMAPENTRIES"). */
int stp_map_set_long(struct stp_map *m, const union stp_key *k, int64_t v);
int stp_map_set_str(struct stp_map *m, const union stp_key *k, const char *v);
/* m[k] += delta (wrapping) in one lookup, the value before in *old; -1
 * when the map is full. */
int stp_map_add_long(struct stp_map *m, const union stp_key *k, int64_t delta,
		     int64_t *old);
int stp_map_add_stat(struct stp_map *m, const union stp_key *k, int64_t v);
void stp_map_get_stat(struct stp_map *m, const union stp_key *k,
		      struct stp_stat_result *r, int bit_shift);
/* The same for a map with one key, given by value (_l: a long key, _s: a
 * string key, not NULL); they share entries with the calls above. */
bool stp_map_exists_l(struct stp_map *m, int64_t key);
bool stp_map_exists_s(struct stp_map *m, const char *key);
int64_t stp_map_get_long_l(struct stp_map *m, int64_t key);
int64_t stp_map_get_long_s(struct stp_map *m, const char *key);
int stp_map_set_long_l(struct stp_map *m, int64_t key, int64_t v);
int stp_map_set_long_s(struct stp_map *m, const char *key, int64_t v);
int stp_map_add_long_l(struct stp_map *m, int64_t key, int64_t delta,
		       int64_t *old);
int stp_map_add_long_s(struct stp_map *m, const char *key, int64_t delta,
		       int64_t *old);
int stp_map_add_stat_l(struct stp_map *m, int64_t key, int64_t v);
int stp_map_add_stat_s(struct stp_map *m, const char *key, int64_t v);
void stp_map_delete(struct stp_map *m, const union stp_key *k);
/* k may hold wildcards for a slice: delete arr[1, *]; mask bit i set means
 * key i is '*'. */
void stp_map_delete_slice(struct stp_map *m, const union stp_key *k,
			  unsigned mask);

/* foreach: a sorted snapshot of the entries, then a cursor over it.
 * sort_key 0 sorts by value (for stats: by the aggregate agg, one of
 * the STP_AGG_ values), 1..n by that key; dir +1 ascending, -1 descending,
 * 0 unsorted (insertion order).  limit < 0 for none.  A slice restricts
 * the entries to those matching k on the keys not in mask.  Bounded by
 * the map's size; no allocation (the map owns the snapshot buffer). */
enum stp_agg { STP_AGG_COUNT = 1, STP_AGG_SUM, STP_AGG_MIN, STP_AGG_MAX,
	       STP_AGG_AVG };
struct stp_map_iter {
	struct stp_map *m;
	int pos, n;
	int slot;			/* the map's snapshot buffer in use */
	int cur;			/* entry the accessors read */
	bool walk;			/* unsorted: no snapshot, see below */
	const union stp_key *slice;
	unsigned slice_mask;
};
void stp_map_iter_start(struct stp_map_iter *it, struct stp_map *m,
			int sort_key, int dir, enum stp_agg agg, int64_t limit,
			const union stp_key *slice, unsigned slice_mask);
/* Returns false at the end.  The entry's keys and value are then read
 * with the accessors below, by key position i counted from 0 (as in the
 * slice mask).  An unsorted iteration (dir 0) walks the map itself: no
 * snapshot, and the slice keys it was given must stay valid and unchanged
 * until the loop ends (pass 2 forbids changing the map meanwhile).  For a
 * sorted one a map keeps STP_MAP_ITERS snapshots: enough for nested
 * foreach over one array; one left by break is reused by the same
 * iterator or once its handler has returned. */
bool stp_map_iter_next(struct stp_map_iter *it);
int64_t stp_map_iter_key_long(struct stp_map_iter *it, int i);
const char *stp_map_iter_key_str(struct stp_map_iter *it, int i);
int64_t stp_map_iter_value_long(struct stp_map_iter *it);
const char *stp_map_iter_value_str(struct stp_map_iter *it);
void stp_map_iter_value_stat(struct stp_map_iter *it,
			     struct stp_stat_result *r, int bit_shift);

/* ---- regular expressions (=~ !~) ---- */
/* Pass 2 compiles each literal regex; the runtime matches.  Returns 1 on
 * match, 0 otherwise; sets matched() captures for the last match. */
int stp_regex_match(struct stp_context *c, const char *re, const char *s);
/* matched(n): group n of this CPU's last successful match (0 is the whole
 * match) into out, "" if the group did not take part.  An error when
 * there was no match or n is out of range. */
void stp_regex_matched(struct stp_context *c, int64_t n, char *out);

/* A global's lock as a probe takes it: shared, or exclusive when the
 * probe modifies the global. */
struct stp_lock {
	stp_rwlock_t *lock;
	bool write;
};

/* ---- what generated code provides ---- */
enum stp_probe_kind {
	STP_PROBE_BEGIN, STP_PROBE_END, STP_PROBE_ERROR, STP_PROBE_TIMER,
	STP_PROBE_NEVER, STP_PROBE_KPROBE,
	STP_PROBE_PROFILE,		/* timer.profile: every tick, every CPU */
	STP_PROBE_UPROBE,		/* process("PATH").function("f") */
	STP_PROBE_TRACE,		/* kernel.trace("NAME") */
	STP_PROBE_PROCFS,		/* procfs("NAME").read/.write */
	STP_PROBE_PROCEVENT,		/* process.begin/.end (linux/procevents.c) */
};

struct kprobe;
struct pt_regs;

struct stp_probe {
	enum stp_probe_kind kind;
	const char *pp;			/* "timer.ms(100)" */
	int64_t priority;		/* begin(N)/end(N)/error(N) order */
	int64_t period_ns;		/* timers */
	int64_t randomize_ns;		/* timer ....randomize(N) */
	bool jiffies;			/* period_ns and randomize_ns count
					 * jiffies (timer.jiffies) */
	void (*handler)(struct stp_context *c);
	/* kprobes (kernel runtime): the function's symbol, its module
	 * (NULL: the kernel itself), entry or return */
	const char *symbol;
	const char *module;
	bool is_return;
	bool optional;			/* a wildcard's match: skipped if it
					   cannot be registered */
	/* uprobes (kernel runtime): the file, and the breakpoint's offset
	 * in it; is_return as for kprobes */
	const char *path;
	int64_t offset;
	/* USDT marks: their semaphore's file offset (the kernel counts the
	 * uprobes on it in every process), 0: none */
	int64_t ref_ctr_offset;
	/* the globals' locks the handler runs under, in one global order
	 * (the translator's locks.c); taken by the dispatcher */
	const struct stp_lock *locks;
	int nlocks;
	/* .return probes with @entry(...): what runs at the function's
	 * entry, saving entry_size bytes that the return handler reads
	 * through c->entry_data */
	void (*entry_handler)(struct stp_context *c);
	unsigned int entry_size;
	/* kprobes (kernel runtime): a pre-handler compiled for this probe
	 * alone (STP_KPROBE_FAST in linux/kprobes.c), or NULL */
	int (*kprobe_pre)(struct kprobe *kp, struct pt_regs *regs);
	/* the handler cannot print or call exit() (only an error ends it
	 * early): the fast dispatcher skips the flush and the end check */
	bool quiet;
};

extern const struct stp_probe stp_probes[];
extern const int stp_nprobes;

/* Scalar globals that -G NAME=VALUE may set before the begin probes. */
struct stp_global_param {
	const char *name;
	enum stp_type type;
	int64_t *lval;			/* STP_LONG */
	char *sval;			/* STP_STRING: MAXSTRINGLEN bytes */
};

extern const struct stp_global_param stp_global_params[];
extern const int stp_nglobal_params;
/* Allocates globals (maps, stats) and applies -G initialisers; returns
 * non-zero with a message on failure.  Called before any probe. */
int stp_globals_init(void);
void stp_globals_free(void);
/* Size of one handler's locals frame set (MAXNESTING+1 frames). */
extern const size_t stp_locals_size;

/* Session control for handlers: exit() asks for the end probes. */
void stp_request_exit(void);

/* ---- the session, driven by the platform's main loop or module init ----
 * stp_session_start: allocates contexts, locals, buffers, then the
 * globals; 0 or -1 (message printed).  stp_probe_run: the dispatcher for
 * every probe kind (state and reentrancy checks, error reporting).
 * stp_run_probes: every probe of a kind in priority order (lower first,
 * stable), used for begin/end/error.  stp_session_stop: ends the session:
 * end probes, or error probes if an error ended it.  stp_session_end:
 * prints the error summary, frees everything and returns the exit status
 * (1 if any error occurred). */
enum stp_session_state {
	STP_SESSION_STARTING, STP_SESSION_RUNNING, STP_SESSION_STOPPING,
	STP_SESSION_ERROR, STP_SESSION_STOPPED,
};
int stp_session_start(void);
void stp_probe_run(const struct stp_probe *p);
/* The same, for probes that have a register set (kprobes). */
void stp_probe_run_regs(const struct stp_probe *p, void *regs);
/* A .return probe's halves: its entry_handler saving into data, then (at
 * the return) its handler reading data; run_entry says whether the entry
 * half ran without an error (the return half is skipped otherwise). */
bool stp_probe_run_entry(const struct stp_probe *p, void *regs, void *data);
void stp_probe_run_return(const struct stp_probe *p, void *regs, void *data);
void stp_run_probes(enum stp_probe_kind kind);
int stp_session_state(void);
void stp_session_set_running(void);
void stp_session_stop(void);
int stp_session_end(void);

#endif
