/* stat.c - statistics: per-CPU accumulators, aggregation, histograms.
 *
 * A handler adds to its own CPU's accumulator without a lock; readers
 * merge all CPUs.  The variance follows SystemTap exactly, integer
 * rounding included, because scripts print it: each CPU runs Welford's
 * algorithm on values scaled by 2^bit_shift, and the CPUs are merged with
 * the total-variance formula
 *	var = (sum n_i (mean_i - mean)^2 + sum (n_i - 1) var_i) / (n - 1)
 * then scaled back by 2^(2 bit_shift).  All sums wrap like SystemTap's
 * (done in unsigned arithmetic to keep C's overflow rules out of it). */

#define STP_LOG_BUCKETS 128
#define STP_LOG_ZERO 64		/* the bucket of 0 */
#define STP_LINEAR_MAX 128	/* regular linear buckets */

struct stp_stat_layout {
	enum stp_hist_kind kind;
	int64_t start, interval;
	int nbuckets;
	int shift;
	bool novariance;	/* avg_s and m2 are not kept */
};

struct stp_stat_acc {
	int64_t count, sum, min, max;
	int64_t avg_s, m2;		/* Welford's mean and M2, scaled */
	int64_t bucket[];
};

struct stp_stat {
	struct stp_stat_layout l;
	size_t acc_size;
	int ncpus;
	struct stp_stat_acc *acc[];	/* per CPU */
};

static int stp_stat_layout_init(struct stp_stat_layout *l,
				const struct stp_hist_spec *h)
{
	uint64_t n;

	memset(l, 0, sizeof(*l));
	if (!h)
		return 0;
	l->kind = h->kind;
	l->novariance = h->novariance;
	l->shift = h->bit_shift < 0 ? 0 : STP_MIN(h->bit_shift, 62);
	if (h->kind == STP_HIST_LOG) {
		l->nbuckets = STP_LOG_BUCKETS;
	} else if (h->kind == STP_HIST_LINEAR) {
		if (h->interval <= 0 || h->stop < h->start)
			return -1;
		n = ((uint64_t)h->stop - (uint64_t)h->start) /
		    (uint64_t)h->interval + 1;
		if (n > STP_LINEAR_MAX)
			return -1;
		l->start = h->start;
		l->interval = h->interval;
		l->nbuckets = (int)n + 2;	/* underflow, overflow */
	}
	return 0;
}

static size_t stp_acc_size(const struct stp_stat_layout *l)
{
	return sizeof(struct stp_stat_acc) +
	       (size_t)l->nbuckets * sizeof(int64_t);
}

/* Bucket b >= 65 holds 2^(b-65) .. 2^(b-64)-1, b <= 63 the negatives
 * mirrored around 64, which holds 0. */
static inline int stp_log_bucket(int64_t v)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int lg;

	if (!v)
		return STP_LOG_ZERO;
	lg = 63 - __builtin_clzll(u);
	return v > 0 ? STP_LOG_ZERO + 1 + lg : STP_LOG_ZERO - 1 - lg;
}

static inline int stp_linear_bucket(const struct stp_stat_layout *l,
				    int64_t v)
{
	uint64_t i;

	if (v < l->start)
		return 0;
	i = ((uint64_t)v - (uint64_t)l->start) / (uint64_t)l->interval + 1;
	return i >= (uint64_t)l->nbuckets - 1 ? l->nbuckets - 1 : (int)i;
}

static inline void stp_acc_add(const struct stp_stat_layout *l,
			       struct stp_stat_acc *a, int64_t v)
{
	int64_t x, delta;

	if (stp_unlikely(!a->count)) {
		a->count = 1;
		a->sum = a->min = a->max = v;
		a->avg_s = (int64_t)((uint64_t)v << l->shift);
		a->m2 = 0;
	} else {
		a->count++;
		a->sum = (int64_t)((uint64_t)a->sum + (uint64_t)v);
		if (v > a->max)
			a->max = v;
		if (v < a->min)
			a->min = v;
		if (l->novariance)
			goto hist;
		x = (int64_t)((uint64_t)v << l->shift);
		delta = (int64_t)((uint64_t)x - (uint64_t)a->avg_s);
		a->avg_s = (int64_t)((uint64_t)a->avg_s +
				     (uint64_t)(delta / a->count));
		a->m2 = (int64_t)((uint64_t)a->m2 + (uint64_t)delta *
				  ((uint64_t)x - (uint64_t)a->avg_s));
	}
hist:
	if (l->kind == STP_HIST_LOG)
		a->bucket[stp_log_bucket(v)]++;
	else if (l->kind == STP_HIST_LINEAR)
		a->bucket[stp_linear_bucket(l, v)]++;
}

static int64_t stp_wmul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

static void stp_acc_variance(const struct stp_stat_layout *l,
			     struct stp_stat_acc *const *acc, int n,
			     struct stp_stat_result *r)
{
	int64_t avg_s, d, s = 0, var_s;
	int i;

	avg_s = (int64_t)((uint64_t)r->sum << l->shift) / r->count;
	for (i = 0; i < n; i++) {
		const struct stp_stat_acc *a = acc[i];

		if (!a->count)
			continue;
		d = (int64_t)((uint64_t)a->avg_s - (uint64_t)avg_s);
		s = (int64_t)((uint64_t)s + (uint64_t)stp_wmul(a->count,
							  stp_wmul(d, d)));
		if (a->count > 1)
			s = (int64_t)((uint64_t)s + (uint64_t)stp_wmul(
				a->count - 1, a->m2 / (a->count - 1)));
	}
	var_s = s / (r->count - 1);
	if (2 * l->shift >= 64)
		r->variance = var_s < 0 ? -1 : 0;
	else
		r->variance = var_s >> (2 * l->shift);
}

/* Merges n accumulators (CPUs, or one map entry) into r. */
static void stp_acc_result(const struct stp_stat_layout *l,
			   struct stp_stat_acc *const *acc, int n,
			   struct stp_stat_result *r)
{
	int i, j;

	memset(r, 0, sizeof(*r));
	r->nbuckets = l->nbuckets;
	for (i = 0; i < n; i++) {
		const struct stp_stat_acc *a = acc[i];

		if (!a->count)
			continue;
		if (!r->count || a->min < r->min)
			r->min = a->min;
		if (!r->count || a->max > r->max)
			r->max = a->max;
		r->count += a->count;
		r->sum = (int64_t)((uint64_t)r->sum + (uint64_t)a->sum);
		for (j = 0; j < l->nbuckets; j++)
			r->buckets[j] += a->bucket[j];
	}
	if (!r->count)
		return;
	r->avg = r->sum / r->count;
	if (r->count > 1)
		stp_acc_variance(l, acc, n, r);
}

struct stp_stat *stp_stat_new(const struct stp_hist_spec *h)
{
	struct stp_stat_layout l;
	struct stp_stat *s;
	int i, n = stp_ncpus();

	if (stp_stat_layout_init(&l, h))
		return NULL;
	s = stp_alloc(sizeof(*s) + (size_t)n * sizeof(s->acc[0]));
	if (!s)
		return NULL;
	s->l = l;
	s->ncpus = n;
	s->acc_size = stp_acc_size(&l);
	for (i = 0; i < n; i++) {
		s->acc[i] = stp_alloc(s->acc_size);
		if (!s->acc[i]) {
			stp_stat_free(s);
			return NULL;
		}
	}
	return s;
}

void stp_stat_free(struct stp_stat *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->ncpus; i++)
		stp_free(s->acc[i]);
	stp_free(s);
}

void stp_stat_add(struct stp_stat *s, int64_t v)
{
	stp_acc_add(&s->l, s->acc[(unsigned int)stp_cpu()], v);
}

/* s <<< v from generated code, which passes the spec s was made with (a
 * constant there): the histogram's kind, start and interval and whether
 * the variance is kept fold into the handler's code. */
inline __attribute__((__always_inline__)) void
stp_stat_add_spec(struct stp_stat *s, const struct stp_hist_spec *h, int64_t v)
{
	struct stp_stat_layout l = s->l;

	l.kind = h->kind;
	l.novariance = h->novariance;
	if (h->kind == STP_HIST_LINEAR) {
		l.start = h->start;
		l.interval = h->interval;
	}
	stp_acc_add(&l, s->acc[(unsigned int)stp_cpu()], v);
}

void stp_stat_clear(struct stp_stat *s)
{
	int i;

	for (i = 0; i < s->ncpus; i++)
		memset(s->acc[i], 0, s->acc_size);
}

void stp_stat_get(struct stp_stat *s, struct stp_stat_result *r,
		  int bit_shift)
{
	(void)bit_shift;	/* fixed by the spec, see the header */
	stp_acc_result(&s->l, s->acc, s->ncpus, r);
}

/* ---- print(@hist_*) ----
 * SystemTap's layout: a header, then one row per bucket from two empty
 * buckets before the data to two after (log histograms start at 0 unless
 * there are negative values; linear ones show underflow and overflow rows
 * only when they are not empty); rows are "value |@@@ count" with the
 * bars scaled so the largest count fits in HIST_WIDTH; a zero row whose
 * HIST_ELISION neighbours on both sides are zero too is left out, and a
 * run of left-out rows shows as "~"; a blank line ends it. */

static int stp_num_width(int64_t v)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n = v < 0;

	do {
		n++;
		u /= 10;
	} while (u);
	return n;
}

static void stp_hist_pad(struct stp_context *c, char ch, int n)
{
	static const char spaces[] = "                                ";
	static const char ats[] = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";
	const char *src = ch == '@' ? ats : spaces;
	int k;

	while (n > 0) {
		k = STP_MIN(n, (int)sizeof(spaces) - 1);
		stp_print(c, src, (size_t)k);
		n -= k;
	}
}

static void stp_hist_num(struct stp_context *c, int64_t v)
{
	char buf[24];

	stp_long_to_str(buf, v);
	stp_print(c, buf, strlen(buf));
}

static int64_t stp_hist_label(const struct stp_hist_spec *h, int nb, int i)
{
	uint64_t start = (uint64_t)h->start, step = (uint64_t)h->interval;

	if (h->kind == STP_HIST_LOG) {
		if (i == STP_LOG_ZERO)
			return 0;
		if (i < STP_LOG_ZERO)
			return STP_INT64_MIN >> i;
		return (int64_t)1 << (i - STP_LOG_ZERO - 1);
	}
	if (i == 0)
		return h->start;
	if (i == nb - 1)
		return (int64_t)(start + (uint64_t)(i - 2) * step);
	return (int64_t)(start + (uint64_t)(i - 1) * step);
}

struct stp_hist_rows {
	int low, high, val_space, cnt_space;
	int64_t scale;
	bool under, over;
};

/* The range of rows to show and the column widths. */
static void stp_hist_rows(const struct stp_stat_result *r,
			  const struct stp_hist_spec *h,
			  struct stp_hist_rows *w)
{
	const int64_t *b = r->buckets;
	int nb = r->nbuckets, i;
	int64_t max = 0, top;

	w->low = -1;
	w->high = 0;
	for (i = 0; i < nb; i++) {
		if (b[i] > 0 && w->low < 0)
			w->low = i;
		if (b[i] > 0)
			w->high = i;
		max = STP_MAX(max, b[i]);
	}
	for (i = 0; i < 2; i++) {
		if (w->low > 0 && (h->kind != STP_HIST_LOG ||
				   w->low != STP_LOG_ZERO))
			w->low--;
		if (w->high < nb - 1)
			w->high++;
	}
	w->under = w->over = false;
	if (h->kind == STP_HIST_LINEAR) {
		if (w->low == 0 && !b[0])
			w->low++;
		if (w->high == nb - 1 && !b[w->high])
			w->high--;
		w->under = w->low == 0;
		w->over = w->high == nb - 1;
	}
	w->scale = max <= HIST_WIDTH ? 1 : (max + HIST_WIDTH - 1) / HIST_WIDTH;
	w->cnt_space = stp_num_width(max);
	if (w->low < 0) {
		w->val_space = 5;		/* empty: no rows */
		return;
	}
	if (h->kind == STP_HIST_LINEAR) {
		/* SystemTap sizes the column by start + interval * high. */
		top = (int64_t)((uint64_t)h->start +
				(uint64_t)h->interval * (uint64_t)w->high);
		w->val_space = STP_MAX(stp_num_width(h->start) + w->under,
				       stp_num_width(top) + w->over);
	} else {
		w->val_space = STP_MAX(
			stp_num_width(stp_hist_label(h, nb, w->high)),
			stp_num_width(stp_hist_label(h, nb, w->low)));
	}
	w->val_space = STP_MAX(w->val_space, 5);
}

static bool stp_hist_elide(const struct stp_stat_result *r,
			   const struct stp_hist_rows *w, int i)
{
	int k, lo, hi;

	if (HIST_ELISION < 0)
		return false;
	lo = STP_MAX(w->low, i - STP_MIN(HIST_ELISION, r->nbuckets));
	hi = STP_MIN(w->high, i + STP_MIN(HIST_ELISION, r->nbuckets));
	for (k = lo; k <= hi; k++)
		if (r->buckets[k])
			return false;
	return true;
}

static void stp_hist_row(struct stp_context *c,
			 const struct stp_stat_result *r,
			 const struct stp_hist_spec *h,
			 const struct stp_hist_rows *w, int i)
{
	int64_t val = stp_hist_label(h, r->nbuckets, i);
	int64_t cnt = r->buckets[i], bars = cnt / w->scale;
	bool under = h->kind == STP_HIST_LINEAR && i == 0;
	bool over = h->kind == STP_HIST_LINEAR && i == r->nbuckets - 1;

	stp_hist_pad(c, ' ', w->val_space - stp_num_width(val) -
			     (under || over));
	if (under || over)
		stp_print(c, under ? "<" : ">", 1);
	stp_hist_num(c, val);
	stp_print(c, " |", 2);
	stp_hist_pad(c, '@', (int)bars);
	stp_hist_pad(c, ' ', HIST_WIDTH - (int)bars + 1 + w->cnt_space -
			     stp_num_width(cnt));
	stp_hist_num(c, cnt);
	stp_print(c, "\n", 1);
}

void stp_hist_print(struct stp_context *c, const struct stp_stat_result *r,
		    const struct stp_hist_spec *h)
{
	struct stp_hist_rows w;
	bool eliding = false;
	int i;

	if (!h || h->kind == STP_HIST_NONE || r->nbuckets <= 0)
		return;
	stp_hist_rows(r, h, &w);
	stp_hist_pad(c, ' ', w.val_space - 5);
	stp_print(c, "value |", 7);
	for (i = 0; i < HIST_WIDTH; i++)
		stp_print(c, "-", 1);
	stp_print(c, " count\n", 7);
	/* An empty histogram: the header alone. */
	for (i = w.low; w.low >= 0 && i <= w.high; i++) {
		if (stp_hist_elide(r, &w, i)) {
			eliding = true;
			continue;
		}
		if (eliding) {
			stp_hist_pad(c, ' ', w.val_space);
			stp_print(c, " ~\n", 3);
			eliding = false;
		}
		stp_hist_row(c, r, h, &w, i);
	}
	stp_print(c, "\n", 1);
}
