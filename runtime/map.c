/* map.c - associative arrays.
 *
 * Everything is allocated by stp_map_new: a pool of max_entries entries of
 * one fixed size, a chained hash table of twice as many heads, and the
 * foreach snapshot buffers.  An entry holds its keys inline (8 bytes for a
 * long, MAXSTRINGLEN for a string), then its value (a long, a string, or a
 * stats accumulator with its histogram).  Entries are also linked oldest to
 * newest: that order is foreach's unsorted order, breaks sort ties, and
 * tells % wrap which entry to evict.
 *
 * Maps are not locked here: generated code holds the global's lock.  The
 * snapshot slots are the exception, since foreach only takes a read lock
 * and several CPUs may iterate one map at once. */

#ifndef STP_MAP_ITERS
#define STP_MAP_ITERS 4
#endif

struct stp_map_ent {
	uint32_t hash;
	int32_t next;			/* hash chain, or the free list */
	int32_t older, newer;		/* insertion order */
	uint64_t seq;			/* insertion number; 0 when free */
};

struct stp_map_slot {
	const void *owner;		/* the iterator; NULL when free */
	int cpu;
	unsigned long run;
	int32_t *idx;
};

struct stp_map {
	enum stp_type vtype;
	int nkeys;
	char ktype[STP_MAXKEYS];
	uint32_t koff[STP_MAXKEYS];
	uint32_t voff;
	size_t esize;
	int max, count;
	bool wrap;
	struct stp_stat_layout sl;	/* stats values */
	uint32_t hmask;
	int32_t *heads;
	char *pool;
	int32_t free;
	int32_t oldest, newest;
	uint64_t seq;
	bool warned;
	stp_spinlock_t slot_lock;
	struct stp_map_slot slot[STP_MAP_ITERS];
};

#define STP_ALIGN8(n) (((n) + 7) & ~(size_t)7)

static inline struct stp_map_ent *stp_ent(const struct stp_map *m, int32_t i)
{
	return (struct stp_map_ent *)(m->pool + (size_t)i * m->esize);
}

static inline char *stp_ent_key(const struct stp_map *m, int32_t i, int k)
{
	return (char *)stp_ent(m, i) + m->koff[k];
}

static inline char *stp_ent_val(const struct stp_map *m, int32_t i)
{
	return (char *)stp_ent(m, i) + m->voff;
}

/* ---- hashing ---- */
static inline uint64_t stp_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* String keys go eight bytes at a time (little-endian words; byte i of a
 * word is the string's byte n + i).  In the kernel, where the arch has
 * word-at-a-time loads, load_unaligned_zeropad reads the word (a read
 * past the NUL may touch the next page: that reads as zeros); elsewhere
 * the word is put together a byte at a time, stopping at the NUL, with the
 * same value. */
#if defined(STP_RUNTIME_KERNEL) && defined(CONFIG_DCACHE_WORD_ACCESS) && \
	defined(__LITTLE_ENDIAN) && BITS_PER_LONG == 64
#include <asm/word-at-a-time.h>
#define STP_KEY_WORDS 1
static inline uint64_t stp_key_word(const char *s)
{
	return load_unaligned_zeropad(s);
}
#else
static inline uint64_t stp_key_word(const char *s)
{
	uint64_t w = 0;
	int i;

	for (i = 0; i < 8; i++) {
		unsigned char ch = (unsigned char)s[i];

		w |= (uint64_t)ch << (8 * i);
		if (!ch)
			break;
	}
	return w;
}
#endif

#define STP_ONES  0x0101010101010101ULL
#define STP_HIGHS 0x8080808080808080ULL

/* Hash of the bytes a stored key keeps (MAXSTRINGLEN - 1 at most, a word
 * per step); *len is how many, *last the word that holds the key's end
 * (the bytes of s from len & ~7 up to len, zeros above). */
static inline uint64_t stp_hash_str(const char *s, uint32_t *len,
				    uint64_t *last)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t n;

	*last = 0;
	for (n = 0; n < MAXSTRINGLEN - 1; n += 8) {
		uint64_t w = stp_key_word(s + n), z;
		size_t room = MAXSTRINGLEN - 1 - n;

		if (room < 8)		/* the byte at the limit counts as NUL */
			w &= ((uint64_t)1 << (8 * room)) - 1;
		/* z's lowest set bit is the top bit of w's first zero byte
		 * (higher ones may be false: only the lowest is used). */
		z = (w - STP_ONES) & ~w & STP_HIGHS;
		if (z) {
			w &= ((z - 1) & ~z) >> 7;	/* the bytes before it */
			h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
			n += (size_t)__builtin_ctzll(z) >> 3;
			*last = w;
			break;
		}
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h = h << 29 | h >> 35;
	}
	*len = (uint32_t)(n < MAXSTRINGLEN - 1 ? n : MAXSTRINGLEN - 1);
	return h;
}

/* The bucket hash of a key's 64-bit hash: the high half of one multiply,
 * after folding the high bits down (a long key that differs only there
 * still spreads). */
static inline uint32_t stp_hash_fin(uint64_t h)
{
	h ^= h >> 32;
	h *= 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(h >> 32);
}

/* Is the stored key at p the string whose first len bytes (len <=
 * MAXSTRINGLEN - 1) are at s, and whose word at len & ~7 is last (as
 * stp_hash_str gives it)?  A stored key is NUL-padded to the end of its
 * 8-aligned room (stp_map_insert zeroes the entry first), so whole words
 * compare: those before len & ~7, then last against the stored word there,
 * which matches only when the stored key has the same bytes and ends at
 * len. */
static inline bool stp_key_eq_last(const char *p, const char *s, uint32_t len,
				   uint64_t last)
{
	uint32_t i, tail = len & ~7u;
	uint64_t a, b;

	for (i = 0; i < tail; i += 8) {
		__builtin_memcpy(&a, p + i, 8);
		__builtin_memcpy(&b, s + i, 8);
		if (a != b)
			return false;
	}
	__builtin_memcpy(&a, p + tail, 8);
	return a == last;
}

static inline bool stp_key_eq(const char *p, const char *s, uint32_t len)
{
	uint32_t tail = len & ~7u;
	uint64_t last = (len & 7) ? stp_key_word(s + tail) &
			(((uint64_t)1 << (8 * (len & 7))) - 1) : 0;

	return stp_key_eq_last(p, s, len, last);
}

static inline const char *stp_kstr(const union stp_key *k)
{
	return k->s ? k->s : "";
}

/* The keys' hash; len[i] is string key i's length (what the lookup
 * compares, see stp_map_key_match).  A one-key map's hash is
 * stp_hash_fin of its key's (what the one-key functions compute). */
static inline uint64_t stp_key_hash(char type, const union stp_key *k,
				    uint32_t *len)
{
	uint64_t last;

	return type == 'l' ? (uint64_t)k->n
			   : stp_hash_str(stp_kstr(k), len, &last);
}

static inline uint32_t stp_map_hash(const struct stp_map *m,
				    const union stp_key *k, uint32_t *len)
{
	uint64_t h = stp_key_hash(m->ktype[0], &k[0], &len[0]);
	int i;

	for (i = 1; i < m->nkeys; i++) {
		h = (h << 7 | h >> 57) * 0x9e3779b97f4a7c15ULL;
		h ^= stp_key_hash(m->ktype[i], &k[i], &len[i]);
	}
	return stp_hash_fin(h);
}

/* Does entry e match k on every key not wildcarded in mask?  (mask 0:
 * an exact match, the lookup's case.) */
static inline bool stp_map_slice_match(const struct stp_map *m, int32_t e,
				       const union stp_key *k, unsigned mask)
{
	int i;

	for (i = 0; i < m->nkeys; i++) {
		const char *p = stp_ent_key(m, e, i);

		if (mask & (1u << i))
			continue;
		if (m->ktype[i] == 'l') {
			if (*(const int64_t *)p != k[i].n)
				return false;
		} else if (strncmp(p, stp_kstr(&k[i]), MAXSTRINGLEN - 1)) {
			return false;
		}
	}
	return true;
}

/* Entry e's keys are k's, whose string lengths the hash gave: a string
 * compares as its len bytes, a word at a time (stp_key_eq), then the
 * entry's key must end there. */
static inline bool stp_map_key_match(const struct stp_map *m, int32_t e,
				     const union stp_key *k, const uint32_t *len)
{
	int i;

	for (i = 0; i < m->nkeys; i++) {
		const char *p = stp_ent_key(m, e, i);

		if (m->ktype[i] == 'l') {
			if (*(const int64_t *)p != k[i].n)
				return false;
		} else if (!stp_key_eq(p, stp_kstr(&k[i]), len[i])) {
			return false;
		}
	}
	return true;
}

static inline int32_t stp_map_find(const struct stp_map *m,
				   const union stp_key *k, uint32_t h,
				   const uint32_t *len)
{
	int32_t i;

	for (i = m->heads[h & m->hmask]; i >= 0; i = stp_ent(m, i)->next)
		if (stp_ent(m, i)->hash == h && stp_map_key_match(m, i, k, len))
			return i;
	return -1;
}

/* ---- creation ---- */
static void stp_map_reset(struct stp_map *m)
{
	int32_t i;

	memset(m->heads, 0xff, (size_t)(m->hmask + 1) * sizeof(int32_t));
	for (i = 0; i < m->max; i++) {
		stp_ent(m, i)->seq = 0;
		stp_ent(m, i)->next = i + 1 < m->max ? i + 1 : -1;
	}
	m->free = 0;
	m->oldest = m->newest = -1;
	m->count = 0;
}

/* Offsets of the keys and the value inside an entry. */
static int stp_map_layout(struct stp_map *m, const char *key_types,
			  enum stp_type value, const struct stp_hist_spec *h)
{
	size_t off = sizeof(struct stp_map_ent), vsize = sizeof(int64_t);
	int i;

	for (i = 0; key_types[i]; i++) {
		if (i >= STP_MAXKEYS ||
		    (key_types[i] != 'l' && key_types[i] != 's'))
			return -1;
		m->ktype[i] = key_types[i];
		m->koff[i] = (uint32_t)off;
		off += key_types[i] == 'l' ? 8 : STP_ALIGN8(MAXSTRINGLEN);
	}
	m->nkeys = i;
	if (!i)
		return -1;
	if (value == STP_STRING) {
		vsize = MAXSTRINGLEN;
	} else if (value == STP_STATS) {
		if (stp_stat_layout_init(&m->sl, h))
			return -1;
		vsize = stp_acc_size(&m->sl);
	}
	m->voff = (uint32_t)off;
	m->esize = STP_ALIGN8(off + vsize);
	return 0;
}

struct stp_map *stp_map_new(const char *key_types, enum stp_type value,
			    int max_entries, bool wrap,
			    const struct stp_hist_spec *hist)
{
	struct stp_map *m = stp_alloc(sizeof(*m));
	uint32_t nheads = 2;
	int i;

	if (!m)
		return NULL;
	m->vtype = value;
	m->wrap = wrap;
	m->max = max_entries > 0 ? max_entries : MAXMAPENTRIES;
	stp_spin_init(&m->slot_lock);
	if (stp_map_layout(m, key_types, value, hist))
		goto fail;
	while (nheads < 2 * (uint32_t)m->max)
		nheads <<= 1;
	m->hmask = nheads - 1;
	m->heads = stp_alloc(nheads * sizeof(int32_t));
	m->pool = stp_alloc((size_t)m->max * m->esize);
	if (!m->heads || !m->pool)
		goto fail;
	for (i = 0; i < STP_MAP_ITERS; i++) {
		m->slot[i].idx = stp_alloc((size_t)m->max * sizeof(int32_t));
		if (!m->slot[i].idx)
			goto fail;
	}
	stp_map_reset(m);
	return m;
fail:
	stp_map_free(m);
	return NULL;
}

void stp_map_free(struct stp_map *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < STP_MAP_ITERS; i++)
		stp_free(m->slot[i].idx);
	stp_free(m->heads);
	stp_free(m->pool);
	stp_free(m);
}

int stp_map_size(struct stp_map *m)
{
	return m->count;
}

void stp_map_clear(struct stp_map *m)
{
	stp_map_reset(m);
}

/* ---- insertion and removal ---- */
static void stp_map_unlink(struct stp_map *m, int32_t i)
{
	struct stp_map_ent *e = stp_ent(m, i);
	int32_t *pp = &m->heads[e->hash & m->hmask];

	while (*pp != i)
		pp = &stp_ent(m, *pp)->next;
	*pp = e->next;
	if (e->older >= 0)
		stp_ent(m, e->older)->newer = e->newer;
	else
		m->oldest = e->newer;
	if (e->newer >= 0)
		stp_ent(m, e->newer)->older = e->older;
	else
		m->newest = e->older;
	e->seq = 0;
	e->next = m->free;
	m->free = i;
	m->count--;
}

/* A new entry for k with a zero value, or -1 when the map is full. */
static int32_t stp_map_insert(struct stp_map *m, const union stp_key *k,
			      uint32_t h)
{
	struct stp_map_ent *e;
	int32_t i;
	int j;

	if (m->free < 0) {
		if (!m->wrap || m->oldest < 0)
			return -1;
		stp_map_unlink(m, m->oldest);
	}
	i = m->free;
	e = stp_ent(m, i);
	m->free = e->next;
	memset(e + 1, 0, m->esize - sizeof(*e));
	for (j = 0; j < m->nkeys; j++) {
		if (m->ktype[j] == 'l')
			*(int64_t *)stp_ent_key(m, i, j) = k[j].n;
		else
			stp_strlcpy(stp_ent_key(m, i, j), stp_kstr(&k[j]));
	}
	e->hash = h;
	e->next = m->heads[h & m->hmask];
	m->heads[h & m->hmask] = i;
	e->older = m->newest;
	e->newer = -1;
	if (m->newest >= 0)
		stp_ent(m, m->newest)->newer = i;
	else
		m->oldest = i;
	m->newest = i;
	e->seq = ++m->seq;
	m->count++;
	return i;
}

static inline int32_t stp_map_get_or_add(struct stp_map *m,
					 const union stp_key *k)
{
	uint32_t len[STP_MAXKEYS];
	uint32_t h = stp_map_hash(m, k, len);
	int32_t i = stp_map_find(m, k, h, len);

	return i >= 0 ? i : stp_map_insert(m, k, h);
}

static inline int32_t stp_map_lookup(struct stp_map *m,
				     const union stp_key *k)
{
	uint32_t len[STP_MAXKEYS];
	uint32_t h = stp_map_hash(m, k, len);

	return stp_map_find(m, k, h, len);
}

/* ---- access ---- */
bool stp_map_exists(struct stp_map *m, const union stp_key *k)
{
	return stp_map_lookup(m, k) >= 0;
}

int64_t stp_map_get_long(struct stp_map *m, const union stp_key *k)
{
	int32_t i = stp_map_lookup(m, k);

	return i < 0 ? 0 : *(int64_t *)stp_ent_val(m, i);
}

void stp_map_get_str(struct stp_map *m, const union stp_key *k, char *out)
{
	int32_t i = stp_map_lookup(m, k);

	if (i < 0)
		out[0] = '\0';
	else
		stp_strlcpy(out, stp_ent_val(m, i));
}

int stp_map_set_long(struct stp_map *m, const union stp_key *k, int64_t v)
{
	int32_t i = stp_map_get_or_add(m, k);

	if (i < 0)
		return -1;
	*(int64_t *)stp_ent_val(m, i) = v;
	return 0;
}

int stp_map_add_long(struct stp_map *m, const union stp_key *k, int64_t delta,
		     int64_t *old)
{
	int32_t i = stp_map_get_or_add(m, k);
	int64_t *v;

	if (i < 0)
		return -1;
	v = (int64_t *)stp_ent_val(m, i);
	*old = *v;
	*v = (int64_t)((uint64_t)*v + (uint64_t)delta);
	return 0;
}

int stp_map_set_str(struct stp_map *m, const union stp_key *k, const char *v)
{
	int32_t i = stp_map_get_or_add(m, k);

	if (i < 0)
		return -1;
	stp_strlcpy(stp_ent_val(m, i), v ? v : "");
	return 0;
}

int stp_map_add_stat(struct stp_map *m, const union stp_key *k, int64_t v)
{
	int32_t i = stp_map_get_or_add(m, k);

	if (i < 0)
		return -1;
	stp_acc_add(&m->sl, (struct stp_stat_acc *)stp_ent_val(m, i), v);
	return 0;
}

/* ---- one-key maps ----
 * What generated code calls for a map with one key (_l: a long, _s: a
 * string, never NULL): the key goes by value, with no key array to walk,
 * and the key and value sit at offsets known here (the key right after
 * the entry header, the value after the key).  Same hash as the generic
 * functions (stp_map_hash), so both kinds of call share the entries. */
#define STP_KOFF1 sizeof(struct stp_map_ent)
#define STP_VOFF1_L (STP_KOFF1 + 8)
#define STP_VOFF1_S (STP_KOFF1 + STP_ALIGN8(MAXSTRINGLEN))

static inline int32_t stp_map_find_l(const struct stp_map *m, int64_t n,
				     uint32_t h)
{
	int32_t i;

	for (i = m->heads[h & m->hmask]; i >= 0; i = stp_ent(m, i)->next) {
		const struct stp_map_ent *e = stp_ent(m, i);

		if (e->hash == h &&
		    *(const int64_t *)((const char *)e + STP_KOFF1) == n)
			return i;
	}
	return -1;
}

static inline int32_t stp_map_find_s(const struct stp_map *m, const char *s,
				     uint32_t h, uint32_t len, uint64_t last)
{
	int32_t i;

	for (i = m->heads[h & m->hmask]; i >= 0; i = stp_ent(m, i)->next) {
		const struct stp_map_ent *e = stp_ent(m, i);

		if (e->hash == h &&
		    stp_key_eq_last((const char *)e + STP_KOFF1, s, len, last))
			return i;
	}
	return -1;
}

/* New keys are rare: inserts stay out of line. */
static __attribute__((__noinline__)) int32_t
stp_map_insert_l(struct stp_map *m, int64_t n, uint32_t h)
{
	union stp_key k = { .n = n };

	return stp_map_insert(m, &k, h);
}

static __attribute__((__noinline__)) int32_t
stp_map_insert_s(struct stp_map *m, const char *s, uint32_t h)
{
	union stp_key k = { .s = s };

	return stp_map_insert(m, &k, h);
}

/* The entry of key n (add: made when missing), or -1; inlined into each
 * caller (the generated handler, in the end), the insert is not. */
static inline __attribute__((__always_inline__)) int32_t
stp_map_slot_l(struct stp_map *m, int64_t n, bool add)
{
	uint32_t h = stp_hash_fin((uint64_t)n);
	int32_t i = stp_map_find_l(m, n, h);

	return i >= 0 || !add ? i : stp_map_insert_l(m, n, h);
}

static inline __attribute__((__always_inline__)) int32_t
stp_map_slot_s(struct stp_map *m, const char *s, bool add)
{
	uint32_t len;
	uint64_t last;
	uint32_t h = stp_hash_fin(stp_hash_str(s, &len, &last));
	int32_t i = stp_map_find_s(m, s, h, len, last);

	return i >= 0 || !add ? i : stp_map_insert_s(m, s, h);
}

/* Inlined into generated code (each is a lookup and a store or two); the
 * out-of-line copies serve calls from elsewhere. */
#define STP_MAP1_INLINE inline __attribute__((__always_inline__))

#define STP_MAP1_FUNCS(SFX, KT, VOFF)					\
STP_MAP1_INLINE bool							\
stp_map_exists_##SFX(struct stp_map *m, KT key)				\
{									\
	return stp_map_slot_##SFX(m, key, false) >= 0;			\
}									\
									\
STP_MAP1_INLINE int64_t							\
stp_map_get_long_##SFX(struct stp_map *m, KT key)			\
{									\
	int32_t i = stp_map_slot_##SFX(m, key, false);			\
									\
	return i < 0 ? 0 : *(int64_t *)((char *)stp_ent(m, i) + VOFF);	\
}									\
									\
STP_MAP1_INLINE int							\
stp_map_set_long_##SFX(struct stp_map *m, KT key, int64_t v)		\
{									\
	int32_t i = stp_map_slot_##SFX(m, key, true);			\
									\
	if (i < 0)							\
		return -1;						\
	*(int64_t *)((char *)stp_ent(m, i) + VOFF) = v;			\
	return 0;							\
}									\
									\
STP_MAP1_INLINE int							\
stp_map_add_long_##SFX(struct stp_map *m, KT key, int64_t delta,	\
		       int64_t *old)					\
{									\
	int32_t i = stp_map_slot_##SFX(m, key, true);			\
	int64_t *v;							\
									\
	if (i < 0)							\
		return -1;						\
	v = (int64_t *)((char *)stp_ent(m, i) + VOFF);			\
	*old = *v;							\
	*v = (int64_t)((uint64_t)*v + (uint64_t)delta);			\
	return 0;							\
}									\
									\
STP_MAP1_INLINE int							\
stp_map_add_stat_##SFX(struct stp_map *m, KT key, int64_t v)		\
{									\
	int32_t i = stp_map_slot_##SFX(m, key, true);			\
									\
	if (i < 0)							\
		return -1;						\
	stp_acc_add(&m->sl,						\
		    (struct stp_stat_acc *)((char *)stp_ent(m, i) + VOFF), v); \
	return 0;							\
}

STP_MAP1_FUNCS(l, int64_t, STP_VOFF1_L)
STP_MAP1_FUNCS(s, const char *, STP_VOFF1_S)

static void stp_map_stat_result(struct stp_map *m, int32_t i,
				struct stp_stat_result *r)
{
	struct stp_stat_acc *a = (struct stp_stat_acc *)stp_ent_val(m, i);

	stp_acc_result(&m->sl, &a, 1, r);
}

void stp_map_get_stat(struct stp_map *m, const union stp_key *k,
		      struct stp_stat_result *r, int bit_shift)
{
	int32_t i = stp_map_lookup(m, k);

	(void)bit_shift;
	if (i < 0) {
		memset(r, 0, sizeof(*r));
		r->nbuckets = m->sl.nbuckets;
		return;
	}
	stp_map_stat_result(m, i, r);
}

void stp_map_delete(struct stp_map *m, const union stp_key *k)
{
	int32_t i = stp_map_lookup(m, k);

	if (i >= 0)
		stp_map_unlink(m, i);
}

void stp_map_delete_slice(struct stp_map *m, const union stp_key *k,
			  unsigned mask)
{
	int32_t i = m->oldest, next;

	while (i >= 0) {
		next = stp_ent(m, i)->newer;
		if (stp_map_slice_match(m, i, k, mask))
			stp_map_unlink(m, i);
		i = next;
	}
}

/* ---- foreach ---- */
struct stp_sort {
	const struct stp_map *m;
	int key;			/* 0 value, else key - 1 */
	int dir;
	enum stp_agg agg;
};

static int64_t stp_map_agg(const struct stp_map *m, int32_t i,
			   enum stp_agg agg)
{
	const struct stp_stat_acc *a =
		(const struct stp_stat_acc *)stp_ent_val(m, i);

	switch (agg) {
	case STP_AGG_SUM:
		return a->sum;
	case STP_AGG_MIN:
		return a->min;
	case STP_AGG_MAX:
		return a->max;
	case STP_AGG_AVG:
		return a->count ? a->sum / a->count : 0;
	default:
		return a->count;
	}
}

static int stp_cmp64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* Negative if a comes first; ties keep insertion order either way. */
static int stp_sort_cmp(const struct stp_sort *s, int32_t a, int32_t b)
{
	const struct stp_map *m = s->m;
	int r;

	if (s->key > 0) {
		const char *pa = stp_ent_key(m, a, s->key - 1);
		const char *pb = stp_ent_key(m, b, s->key - 1);

		r = m->ktype[s->key - 1] == 'l' ?
			stp_cmp64(*(const int64_t *)pa, *(const int64_t *)pb) :
			strcmp(pa, pb);
	} else if (m->vtype == STP_STRING) {
		r = strcmp(stp_ent_val(m, a), stp_ent_val(m, b));
	} else if (m->vtype == STP_STATS) {
		r = stp_cmp64(stp_map_agg(m, a, s->agg),
			      stp_map_agg(m, b, s->agg));
	} else {
		r = stp_cmp64(*(const int64_t *)stp_ent_val(m, a),
			      *(const int64_t *)stp_ent_val(m, b));
	}
	r = r < 0 ? -s->dir : r > 0 ? s->dir : 0;
	if (!r)
		r = stp_ent(m, a)->seq < stp_ent(m, b)->seq ? -1 : 1;
	return r;
}

static void stp_sift_down(const struct stp_sort *s, int32_t *v, int root,
			  int n)
{
	int child;
	int32_t t;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n &&
		    stp_sort_cmp(s, v[child], v[child + 1]) < 0)
			child++;
		if (stp_sort_cmp(s, v[root], v[child]) >= 0)
			return;
		t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

/* Heapsort: O(n log n), no recursion, no extra memory.  Not stable by
 * itself, which is why stp_sort_cmp never returns 0. */
static void stp_heapsort(const struct stp_sort *s, int32_t *v, int n)
{
	int i;
	int32_t t;

	for (i = n / 2 - 1; i >= 0; i--)
		stp_sift_down(s, v, i, n);
	for (i = n - 1; i > 0; i--) {
		t = v[0];
		v[0] = v[i];
		v[i] = t;
		stp_sift_down(s, v, 0, i);
	}
}

/* A slot is free when no iterator holds it, when this very iterator
 * restarts, or when the handler that took it has returned (a foreach left
 * by break or an error never reaches its end). */
static int stp_map_grab_slot(struct stp_map *m, const void *it)
{
	int i, found = -1, cpu = stp_cpu();
	struct stp_map_slot *sl;

	stp_spin_lock(&m->slot_lock);
	for (i = 0; i < STP_MAP_ITERS && found < 0; i++) {
		sl = &m->slot[i];
		if (!sl->owner || sl->owner == it ||
		    sl->run != stp_cpu_runs(sl->cpu))
			found = i;
	}
	if (found >= 0) {
		sl = &m->slot[found];
		sl->owner = it;
		sl->cpu = cpu;
		sl->run = stp_cpu_runs(cpu);
	}
	stp_spin_unlock(&m->slot_lock);
	return found;
}

void stp_map_iter_start(struct stp_map_iter *it, struct stp_map *m,
			int sort_key, int dir, enum stp_agg agg, int64_t limit,
			const union stp_key *slice, unsigned slice_mask)
{
	struct stp_sort s = { m, sort_key, dir < 0 ? -1 : 1, agg };
	int32_t *idx, i;
	int n = 0;

	it->m = m;
	it->pos = it->n = 0;
	it->cur = -1;
	it->slice = slice;
	it->slice_mask = slice_mask;
	it->walk = !dir || sort_key < 0 || sort_key > m->nkeys;
	if (it->walk) {
		it->slot = -1;
		it->n = limit < 0 || limit > m->max ? m->max : (int)limit;
		return;
	}
	it->slot = stp_map_grab_slot(m, it);
	if (it->slot < 0) {
		if (!m->warned)
			stp_msg("WARNING: more than %d nested foreach on one "
				"array; the innermost loops run empty\n",
				STP_MAP_ITERS);
		m->warned = true;
		return;
	}
	idx = m->slot[it->slot].idx;
	for (i = m->oldest; i >= 0; i = stp_ent(m, i)->newer)
		if (!slice || stp_map_slice_match(m, i, slice, slice_mask))
			idx[n++] = i;
	stp_heapsort(&s, idx, n);
	if (limit >= 0 && limit < n)
		n = (int)limit;
	it->n = n;
}

/* Unsorted: the next entry in insertion order that the slice admits. */
static bool stp_map_walk_next(struct stp_map_iter *it)
{
	const struct stp_map *m = it->m;
	int32_t i;

	if (it->pos >= it->n)
		return false;
	i = !it->pos ? m->oldest : it->cur >= 0 ? stp_ent(m, it->cur)->newer
						: -1;
	while (i >= 0 && it->slice &&
	       !stp_map_slice_match(m, i, it->slice, it->slice_mask))
		i = stp_ent(m, i)->newer;
	if (i < 0) {
		it->n = it->pos;
		return false;
	}
	it->cur = i;
	it->pos++;
	return true;
}

bool stp_map_iter_next(struct stp_map_iter *it)
{
	struct stp_map *m = it->m;

	if (it->walk)
		return stp_map_walk_next(it);
	if (it->pos >= it->n) {
		if (it->slot >= 0 && m->slot[it->slot].owner == it) {
			stp_spin_lock(&m->slot_lock);
			m->slot[it->slot].owner = NULL;
			stp_spin_unlock(&m->slot_lock);
		}
		it->slot = -1;
		return false;
	}
	it->cur = m->slot[it->slot].idx[it->pos++];
	return true;
}

int64_t stp_map_iter_key_long(struct stp_map_iter *it, int i)
{
	return *(const int64_t *)stp_ent_key(it->m, it->cur, i);
}

const char *stp_map_iter_key_str(struct stp_map_iter *it, int i)
{
	return stp_ent_key(it->m, it->cur, i);
}

int64_t stp_map_iter_value_long(struct stp_map_iter *it)
{
	return *(const int64_t *)stp_ent_val(it->m, it->cur);
}

const char *stp_map_iter_value_str(struct stp_map_iter *it)
{
	return stp_ent_val(it->m, it->cur);
}

void stp_map_iter_value_stat(struct stp_map_iter *it,
			     struct stp_stat_result *r, int bit_shift)
{
	(void)bit_shift;
	stp_map_stat_result(it->m, it->cur, r);
}
