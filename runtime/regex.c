/* regex.c - =~ and !~: POSIX extended regular expressions.
 *
 * Supported: literals, '.', bracket expressions ([a-z], [^...], [[:alpha:]]
 * and the other POSIX classes), '*', '+', '?', {m}, {m,}, {m,n}, '|',
 * groups, '^', '$' and backslash escapes.  A pattern compiles (through a
 * small parse tree) into at most STP_RE_MAXINST instructions, and a
 * Pike-VM simulation runs them: every live thread advances one character
 * at a time, so matching is linear in the subject and needs only arrays
 * sized by the instruction limit, allocated per CPU at start-up.  Among
 * the matches the leftmost one wins, and of those the longest, as POSIX
 * requires; groups are taken from the first thread reaching that match.
 * The last compiled pattern is kept per CPU, so a probe matching one
 * literal regex over and over compiles it once. */

#define STP_RE_MAXINST 256
#define STP_RE_MAXNODES 256
#define STP_RE_MAXCLASS 64
#define STP_RE_MAXDEPTH 32	/* nesting of groups and repetitions */
#define STP_RE_NSUB 10		/* matched(0) .. matched(9) */
#define STP_RE_NSLOT (2 * STP_RE_NSUB)
#define STP_RE_DUPMAX 255

enum {
	RE_CHAR, RE_ANY, RE_CLASS, RE_SPLIT, RE_JMP, RE_SAVE, RE_BOL, RE_EOL,
	RE_MATCH,
};

struct stp_re_inst {
	uint8_t op;
	uint8_t ch;
	int16_t x, y;			/* targets, class or slot */
};

enum {
	N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_SEQ, N_ALT, N_GROUP, N_REPEAT,
};

/* A parse tree node.  Sequences and alternations keep their children in
 * a list (first child, next sibling) so that long patterns do not make
 * deep trees. */
struct stp_re_node {
	uint8_t type;
	uint8_t ch;
	int16_t child, next;
	int16_t min, max;		/* repeat; max -1: no bound */
	int16_t arg;			/* class index, group number */
};

struct stp_re_thread {
	int pc;
	int cap[STP_RE_NSLOT];
};

struct stp_re_list {
	int n;
	struct stp_re_thread t[STP_RE_MAXINST];
};

/* One stack entry of the closure walk: explore pc, or restore a slot. */
struct stp_re_frame {
	int16_t pc;			/* -1: restore */
	int16_t slot;
	int val;
};

struct stp_re_work {
	/* the compiled pattern */
	char pattern[MAXSTRINGLEN];
	bool valid;
	int ninst, ngroups, nclass;
	struct stp_re_inst inst[STP_RE_MAXINST];
	uint8_t cls[STP_RE_MAXCLASS][32];
	/* compiler state */
	struct stp_re_node node[STP_RE_MAXNODES];
	int nnodes;
	const char *p;
	const char *err;
	/* matcher state */
	struct stp_re_list list[2];
	unsigned mark[STP_RE_MAXINST];
	unsigned gen;
	struct stp_re_frame stack[3 * STP_RE_MAXINST + 4];
	int cur[STP_RE_NSLOT];
	/* the last successful match, for matched() */
	bool have_match;
	int match_groups;
	int match_cap[STP_RE_NSLOT];
	char subject[MAXSTRINGLEN];
};

/* ---- parser ---- */
static int stp_re_new(struct stp_re_work *w, int type)
{
	struct stp_re_node *n;

	if (w->nnodes >= STP_RE_MAXNODES) {
		w->err = "regular expression too large";
		return -1;
	}
	n = &w->node[w->nnodes];
	memset(n, 0, sizeof(*n));
	n->type = (uint8_t)type;
	n->child = n->next = -1;
	return w->nnodes++;
}

static void stp_re_setbit(uint8_t *set, unsigned ch)
{
	set[ch >> 3] |= (uint8_t)(1u << (ch & 7));
}

static const char *const stp_re_class_names[] = {
	"alpha", "digit", "alnum", "upper", "lower", "space", "blank",
	"punct", "print", "graph", "cntrl", "xdigit",
};

static bool stp_re_inclass(int id, unsigned ch)
{
	bool up = ch >= 'A' && ch <= 'Z', lo = ch >= 'a' && ch <= 'z';
	bool dig = ch >= '0' && ch <= '9';

	switch (id) {
	case 0:
		return up || lo;
	case 1:
		return dig;
	case 2:
		return up || lo || dig;
	case 3:
		return up;
	case 4:
		return lo;
	case 5:
		return ch == ' ' || (ch >= '\t' && ch <= '\r');
	case 6:
		return ch == ' ' || ch == '\t';
	case 7:
		return ch > ' ' && ch < 0x7f && !(up || lo || dig);
	case 8:
		return ch >= ' ' && ch < 0x7f;
	case 9:
		return ch > ' ' && ch < 0x7f;
	case 10:
		return ch < ' ' || ch == 0x7f;
	default:
		return dig || (ch >= 'a' && ch <= 'f') ||
		       (ch >= 'A' && ch <= 'F');
	}
}

/* "[:name:]" at p: adds the class to set, returns its length or 0. */
static int stp_re_named_class(struct stp_re_work *w, const char *p,
			      uint8_t *set)
{
	const char *name = p + 2, *end = name;
	size_t len;
	unsigned ch;
	int id;

	while (*end && !(end[0] == ':' && end[1] == ']'))
		end++;
	len = (size_t)(end - name);
	for (id = 0; id < (int)(sizeof(stp_re_class_names) /
				sizeof(stp_re_class_names[0])); id++) {
		if (*end && strlen(stp_re_class_names[id]) == len &&
		    !memcmp(stp_re_class_names[id], name, len)) {
			for (ch = 1; ch < 256; ch++)
				if (stp_re_inclass(id, ch))
					stp_re_setbit(set, ch);
			return (int)(end + 2 - p);
		}
	}
	w->err = "unknown character class";
	return 0;
}

/* A bracket expression; w->p is just past the '['. */
static int stp_re_bracket(struct stp_re_work *w)
{
	uint8_t set[32];
	bool neg = false, first = true;
	unsigned lo, hi, ch;
	int n, k;

	memset(set, 0, sizeof(set));
	if (*w->p == '^') {
		neg = true;
		w->p++;
	}
	while (*w->p && (*w->p != ']' || first)) {
		first = false;
		if (w->p[0] == '[' && w->p[1] == ':') {
			k = stp_re_named_class(w, w->p, set);
			if (!k)
				return -1;
			w->p += k;
			continue;
		}
		lo = (unsigned char)*w->p++;
		hi = lo;
		if (w->p[0] == '-' && w->p[1] && w->p[1] != ']') {
			hi = (unsigned char)w->p[1];
			w->p += 2;
			if (hi < lo) {
				w->err = "invalid character range";
				return -1;
			}
		}
		for (ch = lo; ch <= hi; ch++)
			stp_re_setbit(set, ch);
	}
	if (*w->p != ']') {
		w->err = "unmatched [";
		return -1;
	}
	w->p++;
	if (neg)
		for (k = 0; k < 32; k++)
			set[k] = (uint8_t)~set[k];
	set[0] &= (uint8_t)~1u;		/* never the terminating NUL */
	if (w->nclass >= STP_RE_MAXCLASS) {
		w->err = "regular expression too large";
		return -1;
	}
	memcpy(w->cls[w->nclass], set, sizeof(set));
	n = stp_re_new(w, N_CLASS);
	if (n >= 0)
		w->node[n].arg = (int16_t)w->nclass++;
	return n;
}

static int stp_re_alt(struct stp_re_work *w, int depth);

static int stp_re_escape(unsigned ch)
{
	switch (ch) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	case 'f':
		return '\f';
	case 'v':
		return '\v';
	case 'a':
		return '\a';
	default:
		return (int)ch;
	}
}

static int stp_re_atom(struct stp_re_work *w, int depth)
{
	char c = *w->p;
	int n, sub;

	switch (c) {
	case '(':
		w->p++;
		if (depth >= STP_RE_MAXDEPTH) {
			w->err = "regular expression nested too deeply";
			return -1;
		}
		n = stp_re_new(w, N_GROUP);
		if (n < 0)
			return -1;
		w->node[n].arg = (int16_t)++w->ngroups;
		sub = stp_re_alt(w, depth + 1);
		if (sub < 0)
			return -1;
		if (*w->p != ')') {
			w->err = "unmatched (";
			return -1;
		}
		w->p++;
		w->node[n].child = (int16_t)sub;
		return n;
	case '[':
		w->p++;
		return stp_re_bracket(w);
	case '.':
		w->p++;
		return stp_re_new(w, N_ANY);
	case '^':
		w->p++;
		return stp_re_new(w, N_BOL);
	case '$':
		w->p++;
		return stp_re_new(w, N_EOL);
	case '\\':
		if (!w->p[1]) {
			w->err = "trailing backslash";
			return -1;
		}
		c = (char)stp_re_escape((unsigned char)w->p[1]);
		w->p += 2;
		break;
	case '*':
	case '+':
	case '?':
	case '{':
		w->err = "repetition operator without operand";
		return -1;
	default:
		w->p++;
		break;
	}
	n = stp_re_new(w, N_CHAR);
	if (n >= 0)
		w->node[n].ch = (uint8_t)c;
	return n;
}

static int stp_re_number(struct stp_re_work *w)
{
	int v = 0;

	if (*w->p < '0' || *w->p > '9')
		return -1;
	while (*w->p >= '0' && *w->p <= '9') {
		v = v * 10 + (*w->p++ - '0');
		if (v > STP_RE_DUPMAX)
			return -2;
	}
	return v;
}

/* "{m}", "{m,}" or "{m,n}" at w->p (past the '{'). */
static int stp_re_bounds(struct stp_re_work *w, int *min, int *max)
{
	*min = stp_re_number(w);
	*max = *min;
	if (*min >= 0 && *w->p == ',') {
		w->p++;
		*max = *w->p == '}' ? -1 : stp_re_number(w);
	}
	if (*min < 0 || *max < -1 || *w->p != '}' ||
	    (*max >= 0 && *max < *min)) {
		w->err = *min == -2 || *max == -2 ?
			 "regular expression too large" :
			 "invalid repetition bounds";
		return -1;
	}
	w->p++;
	return 0;
}

static int stp_re_piece(struct stp_re_work *w, int depth)
{
	int n = stp_re_atom(w, depth), r, min, max;

	while (n >= 0 && (*w->p == '*' || *w->p == '+' || *w->p == '?' ||
			  *w->p == '{')) {
		char q = *w->p++;

		if (++depth > STP_RE_MAXDEPTH) {
			w->err = "regular expression nested too deeply";
			return -1;
		}
		min = q == '+';
		max = q == '?' ? 1 : -1;
		if (q == '{' && stp_re_bounds(w, &min, &max))
			return -1;
		r = stp_re_new(w, N_REPEAT);
		if (r < 0)
			return -1;
		w->node[r].child = (int16_t)n;
		w->node[r].min = (int16_t)min;
		w->node[r].max = (int16_t)max;
		n = r;
	}
	return n;
}

/* A list node (N_SEQ or N_ALT) from items produced by next(). */
static int stp_re_seq(struct stp_re_work *w, int depth)
{
	int seq = stp_re_new(w, N_SEQ), last = -1, n;

	while (seq >= 0 && *w->p && *w->p != '|' && *w->p != ')') {
		n = stp_re_piece(w, depth);
		if (n < 0)
			return -1;
		if (last < 0)
			w->node[seq].child = (int16_t)n;
		else
			w->node[last].next = (int16_t)n;
		last = n;
	}
	return seq;
}

static int stp_re_alt(struct stp_re_work *w, int depth)
{
	int alt = stp_re_new(w, N_ALT), last = -1, n;

	for (;;) {
		if (alt < 0)
			return -1;
		n = stp_re_seq(w, depth);
		if (n < 0)
			return -1;
		if (last < 0)
			w->node[alt].child = (int16_t)n;
		else
			w->node[last].next = (int16_t)n;
		last = n;
		if (*w->p != '|')
			return alt;
		w->p++;
	}
}

/* ---- code generation ---- */
static int stp_re_emit(struct stp_re_work *w, int op, int x, int y)
{
	struct stp_re_inst *in;

	if (w->ninst >= STP_RE_MAXINST) {
		w->err = "regular expression too large";
		return -1;
	}
	in = &w->inst[w->ninst];
	in->op = (uint8_t)op;
	in->ch = 0;
	in->x = (int16_t)x;
	in->y = (int16_t)y;
	return w->ninst++;
}

static int stp_re_gen(struct stp_re_work *w, int n);

/* x{min,max}: min copies, then either a loop or max-min optional ones,
 * each of which may skip to the end. */
static int stp_re_gen_repeat(struct stp_re_work *w,
			     const struct stp_re_node *nd)
{
	int i, pc, next, chain = -1;

	for (i = 0; i < nd->min; i++) {
		if (i == nd->min - 1 && nd->max < 0) {
			pc = w->ninst;		/* x+ */
			if (stp_re_gen(w, nd->child) < 0 ||
			    stp_re_emit(w, RE_SPLIT, pc, w->ninst + 1) < 0)
				return -1;
			return 0;
		}
		if (stp_re_gen(w, nd->child) < 0)
			return -1;
	}
	if (nd->max < 0) {			/* x* */
		pc = stp_re_emit(w, RE_SPLIT, w->ninst + 1, 0);
		if (pc < 0 || stp_re_gen(w, nd->child) < 0 ||
		    stp_re_emit(w, RE_JMP, pc, 0) < 0)
			return -1;
		w->inst[pc].y = (int16_t)w->ninst;
		return 0;
	}
	/* The splits' exits chain through y until the end is known: no
	 * array on the stack of a recursive function. */
	for (i = nd->min; i < nd->max; i++) {
		pc = stp_re_emit(w, RE_SPLIT, w->ninst + 1, chain);
		if (pc < 0 || stp_re_gen(w, nd->child) < 0)
			return -1;
		chain = pc;
	}
	for (; chain >= 0; chain = next) {
		next = w->inst[chain].y;
		w->inst[chain].y = (int16_t)w->ninst;
	}
	return 0;
}

static int stp_re_gen_alt(struct stp_re_work *w, int c)
{
	int split, jmp, next, chain = -1;

	while (c >= 0) {
		if (w->node[c].next < 0)
			break;
		split = stp_re_emit(w, RE_SPLIT, w->ninst + 1, 0);
		if (split < 0 || stp_re_gen(w, c) < 0)
			return -1;
		jmp = stp_re_emit(w, RE_JMP, chain, 0);
		if (jmp < 0)
			return -1;
		chain = jmp;
		w->inst[split].y = (int16_t)w->ninst;
		c = w->node[c].next;
	}
	if (stp_re_gen(w, c) < 0)
		return -1;
	for (; chain >= 0; chain = next) {
		next = w->inst[chain].x;
		w->inst[chain].x = (int16_t)w->ninst;
	}
	return 0;
}

/* Recursion depth is bounded by STP_RE_MAXDEPTH: only groups and
 * repetitions nest, lists are walked in a loop. */
static int stp_re_gen(struct stp_re_work *w, int n)
{
	const struct stp_re_node *nd = &w->node[n];
	int c, pc;

	switch (nd->type) {
	case N_CHAR:
		pc = stp_re_emit(w, RE_CHAR, 0, 0);
		if (pc >= 0)
			w->inst[pc].ch = nd->ch;
		return pc;
	case N_ANY:
		return stp_re_emit(w, RE_ANY, 0, 0);
	case N_CLASS:
		return stp_re_emit(w, RE_CLASS, nd->arg, 0);
	case N_BOL:
		return stp_re_emit(w, RE_BOL, 0, 0);
	case N_EOL:
		return stp_re_emit(w, RE_EOL, 0, 0);
	case N_SEQ:
		for (c = nd->child; c >= 0; c = w->node[c].next)
			if (stp_re_gen(w, c) < 0)
				return -1;
		return 0;
	case N_ALT:
		return stp_re_gen_alt(w, nd->child);
	case N_GROUP:
		if (nd->arg < STP_RE_NSUB &&
		    stp_re_emit(w, RE_SAVE, 2 * nd->arg, 0) < 0)
			return -1;
		if (stp_re_gen(w, nd->child) < 0)
			return -1;
		if (nd->arg < STP_RE_NSUB &&
		    stp_re_emit(w, RE_SAVE, 2 * nd->arg + 1, 0) < 0)
			return -1;
		return 0;
	default:
		return stp_re_gen_repeat(w, nd);
	}
}

static int stp_re_compile(struct stp_re_work *w, const char *re)
{
	int root;

	w->valid = false;
	w->nnodes = w->ninst = w->ngroups = w->nclass = 0;
	w->err = NULL;
	w->p = re;
	root = stp_re_alt(w, 0);
	if (root >= 0 && *w->p == ')') {
		w->err = "unmatched )";
		root = -1;
	}
	if (root < 0 || stp_re_emit(w, RE_SAVE, 0, 0) < 0 ||
	    stp_re_gen(w, root) < 0 || stp_re_emit(w, RE_SAVE, 1, 0) < 0 ||
	    stp_re_emit(w, RE_MATCH, 0, 0) < 0)
		return -1;
	if (stp_strnlen(re, MAXSTRINGLEN) < MAXSTRINGLEN) {
		stp_strlcpy(w->pattern, re);
		w->valid = true;
	}
	return 0;
}

/* ---- matching ---- */

/* Adds the thread at pc and everything reachable from it without
 * consuming a character, in priority order, to l. */
static void stp_re_add(struct stp_re_work *w, struct stp_re_list *l, int pc,
		       const int *cap, const char *s, int pos)
{
	struct stp_re_frame *st = w->stack;
	const struct stp_re_inst *in;
	int sp = 0;

	memcpy(w->cur, cap, sizeof(w->cur));
	st[sp++] = (struct stp_re_frame){ (int16_t)pc, 0, 0 };
	while (sp) {
		struct stp_re_frame f = st[--sp];

		if (f.pc < 0) {
			w->cur[f.slot] = f.val;
			continue;
		}
		if (w->mark[f.pc] == w->gen)
			continue;
		w->mark[f.pc] = w->gen;
		in = &w->inst[f.pc];
		switch (in->op) {
		case RE_JMP:
			st[sp++] = (struct stp_re_frame){ in->x, 0, 0 };
			break;
		case RE_SPLIT:
			st[sp++] = (struct stp_re_frame){ in->y, 0, 0 };
			st[sp++] = (struct stp_re_frame){ in->x, 0, 0 };
			break;
		case RE_SAVE:
			st[sp++] = (struct stp_re_frame){ -1, in->x,
							  w->cur[in->x] };
			w->cur[in->x] = pos;
			st[sp++] = (struct stp_re_frame){
				(int16_t)(f.pc + 1), 0, 0 };
			break;
		case RE_BOL:
			if (pos == 0)
				st[sp++] = (struct stp_re_frame){
					(int16_t)(f.pc + 1), 0, 0 };
			break;
		case RE_EOL:
			if (!s[pos])
				st[sp++] = (struct stp_re_frame){
					(int16_t)(f.pc + 1), 0, 0 };
			break;
		default:
			l->t[l->n].pc = f.pc;
			memcpy(l->t[l->n].cap, w->cur, sizeof(w->cur));
			l->n++;
			break;
		}
	}
}

static bool stp_re_step(const struct stp_re_work *w,
			const struct stp_re_inst *in, unsigned char ch)
{
	switch (in->op) {
	case RE_CHAR:
		return ch && ch == in->ch;
	case RE_ANY:
		return ch != 0;
	case RE_CLASS:
		return w->cls[in->x][ch >> 3] & (1u << (ch & 7));
	default:
		return false;
	}
}

static void stp_re_newgen(struct stp_re_work *w)
{
	if (!++w->gen) {
		memset(w->mark, 0, sizeof(w->mark));
		w->gen = 1;
	}
}

/* Runs the program over s; the best match's groups end up in best.  Each
 * step fills the next list in one generation, the thread starting at the
 * next position last, so no list can hold a pc twice. */
static bool stp_re_run(struct stp_re_work *w, const char *s, int *best)
{
	struct stp_re_list *cl = &w->list[0], *nl = &w->list[1], *t;
	int pos, i, none[STP_RE_NSLOT];
	bool found = false;

	for (i = 0; i < STP_RE_NSLOT; i++)
		none[i] = -1;
	cl->n = 0;
	stp_re_newgen(w);
	stp_re_add(w, cl, 0, none, s, 0);
	for (pos = 0; cl->n; pos++) {
		nl->n = 0;
		stp_re_newgen(w);
		for (i = 0; i < cl->n; i++) {
			struct stp_re_thread *th = &cl->t[i];
			const struct stp_re_inst *in = &w->inst[th->pc];

			/* Threads starting right of a match cannot win. */
			if (found && th->cap[0] > best[0])
				continue;
			if (in->op == RE_MATCH) {
				if (!found || th->cap[0] < best[0] ||
				    (th->cap[0] == best[0] &&
				     th->cap[1] > best[1])) {
					memcpy(best, th->cap, sizeof(none));
					found = true;
				}
				continue;
			}
			if (stp_re_step(w, in, (unsigned char)s[pos]))
				stp_re_add(w, nl, th->pc + 1, th->cap, s,
					   pos + 1);
		}
		if (!s[pos])
			break;
		if (!found)
			stp_re_add(w, nl, 0, none, s, pos + 1);
		t = cl;
		cl = nl;
		nl = t;
	}
	return found;
}

static int stp_regex_init(int ncpus)
{
	int i;

	stp_sess.re = stp_alloc((size_t)ncpus * sizeof(*stp_sess.re));
	if (!stp_sess.re)
		return -1;
	for (i = 0; i < ncpus; i++) {
		stp_sess.re[i] = stp_alloc(sizeof(struct stp_re_work));
		if (!stp_sess.re[i])
			return -1;
	}
	return 0;
}

static void stp_regex_exit(void)
{
	int i;

	if (!stp_sess.re)
		return;
	for (i = 0; i < stp_sess.ncpus; i++)
		stp_free(stp_sess.re[i]);
	stp_free(stp_sess.re);
	stp_sess.re = NULL;
}

int stp_regex_match(struct stp_context *c, const char *re, const char *s)
{
	struct stp_re_work *w;
	int cap[STP_RE_NSLOT];

	if (!stp_sess.re) {
		stp_error(c, "regex matching before the session started");
		return 0;
	}
	w = stp_sess.re[stp_cpu()];
	if (!w->valid || strcmp(w->pattern, re)) {
		if (stp_re_compile(w, re)) {
			w->valid = false;
			stp_error(c, "%s in regex \"%s\"", w->err, re);
			return 0;
		}
	}
	if (!s)
		s = "";
	if (!stp_re_run(w, s, cap))
		return 0;
	w->have_match = true;
	w->match_groups = STP_MIN(w->ngroups, STP_RE_NSUB - 1);
	memcpy(w->match_cap, cap, sizeof(cap));
	stp_strlcpy(w->subject, s);
	return 1;
}

void stp_regex_matched(struct stp_context *c, int64_t n, char *out)
{
	struct stp_re_work *w = stp_sess.re ? stp_sess.re[stp_cpu()] : NULL;
	int b, e;

	out[0] = '\0';
	if (!w || !w->have_match) {
		stp_error(c, "matched(): no successful regex match");
		return;
	}
	if (n < 0 || n > w->match_groups) {
		stp_error(c, "matched(): no subexpression %lld", (long long)n);
		return;
	}
	b = w->match_cap[2 * n];
	e = w->match_cap[2 * n + 1];
	if (b < 0 || e < b || e >= MAXSTRINGLEN)
		return;
	memcpy(out, w->subject + b, (size_t)(e - b));
	out[e - b] = '\0';
}
