/* probes.c - the table of probe-point providers.
 *
 * begin, end, error and never run in every runtime; timer.* runs in both
 * (hrtimers in the kernel, an event loop in user space); kernel and module
 * functions are kprobes.  The kernel's other providers are recognised
 * here so that they get a clear message until they exist. */
#include <string.h>

#include "debuginfo.h"
#include "probes.h"
#include "targets.h"

static void *arena_dup(struct arena *a, const void *p, size_t n)
{
	void *r = arena_alloc_raw(a, n);

	memcpy(r, p, n);
	return r;
}

static const struct pp_comp *comp(const struct probe_point *pp, int i)
{
	return i < pp->comps.n ? pp->comps.v[i] : NULL;
}

static bool is(const struct pp_comp *c, const char *name)
{
	return c && !strcmp(c->name, name);
}

/* The numeric argument of a component, or false. */
static bool num_arg(const struct pp_comp *c, int64_t *v)
{
	if (!c || !c->arg || c->arg->kind != E_NUM)
		return false;
	*v = c->arg->num;
	return true;
}

static enum match_result match_session(const struct probe_point *pp,
				       struct probe_target *t, const char **msg)
{
	static const struct { const char *name; enum provider kind; } kinds[] = {
		{ "begin", PROV_BEGIN }, { "end", PROV_END },
		{ "error", PROV_ERROR }, { "never", PROV_NEVER },
	};
	const struct pp_comp *c = comp(pp, 0);

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!is(c, kinds[i].name))
			continue;
		if (pp->comps.n != 1) {
			*msg = "nothing may follow this probe point";
			return MATCH_ERROR;
		}
		t->kind = kinds[i].kind;
		if (c->arg && (kinds[i].kind == PROV_NEVER ||
			       !num_arg(c, &t->priority))) {
			*msg = "the argument must be a number (a priority)";
			return MATCH_ERROR;
		}
		return MATCH_OK;
	}
	return MATCH_NONE;
}

static enum match_result match_timer(const struct probe_point *pp,
				     const char *runtime,
				     struct probe_target *t, const char **msg)
{
	static const struct { const char *unit; int64_t ns; } units[] = {
		{ "s", 1000000000 }, { "sec", 1000000000 },
		{ "ms", 1000000 }, { "msec", 1000000 },
		{ "us", 1000 }, { "usec", 1000 },
		{ "ns", 1 }, { "nsec", 1 },
		{ "jiffies", 0 }, { "hz", -1 },
	};
	const struct pp_comp *c = comp(pp, 1), *r = comp(pp, 2);
	int64_t n, m = 0;

	if (!is(comp(pp, 0), "timer"))
		return MATCH_NONE;
	/* timer.profile and its other name timer.profile.tick */
	if (is(c, "profile")) {
		if (c->arg || (r && (!is(r, "tick") || r->arg)) ||
		    pp->comps.n > 3) {
			*msg = "timer.profile takes no argument";
			return MATCH_ERROR;
		}
		if (!strcmp(runtime, "user")) {
			*msg = "it needs the kernel";
			return MATCH_UNAVAILABLE;
		}
		t->kind = PROV_PROFILE;
		return MATCH_OK;
	}
	for (size_t i = 0; c && i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(c->name, units[i].unit))
			continue;
		if (!num_arg(c, &n) || n <= 0) {
			*msg = "a timer needs a positive number argument";
			return MATCH_ERROR;
		}
		if (r && (!is(r, "randomize") || !num_arg(r, &m) || m < 0 ||
			  pp->comps.n > 3)) {
			*msg = "only .randomize(N) may follow a timer";
			return MATCH_ERROR;
		}
		t->kind = PROV_TIMER;
		if (units[i].ns == 0) {
			t->jiffies = true;
			t->period_ns = n;
			t->randomize_ns = m;
		} else if (units[i].ns < 0) {
			if (n > 1000000000) {
				*msg = "timer.hz is at most 1000000000";
				return MATCH_ERROR;
			}
			t->period_ns = 1000000000 / n;
			t->randomize_ns = m ? 1000000000 / m : 0;
		} else {
			t->period_ns = n * units[i].ns;
			t->randomize_ns = m * units[i].ns;
		}
		if (t->randomize_ns >= t->period_ns && m) {
			*msg = "the randomization must be smaller than the period";
			return MATCH_ERROR;
		}
		return MATCH_OK;
	}
	/* Not a timer unit: a mismatch, like any unknown probe point. */
	return MATCH_NONE;
}

/* The pp() text of a function probe on one function of a wildcard. */
static const char *function_pp(struct arena *a, const struct probe_point *pp,
			       int fn_index, const char *name)
{
	struct strbuf sb;
	const char *r;

	sb_init(&sb);
	for (int i = 0; i < pp->comps.n; i++) {
		const struct pp_comp *c = pp->comps.v[i];

		sb_printf(&sb, "%s%s", i ? "." : "", c->name);
		if (i == fn_index)
			sb_printf(&sb, "(\"%s\")", name);
		else if (c->arg && c->arg->kind == E_NUM)
			sb_printf(&sb, "(%lld)", (long long)c->arg->num);
		else if (c->arg)
			sb_printf(&sb, "(\"%s\")", c->arg->str);
	}
	r = arena_strdup(a, sb_cstr(&sb));
	sb_free(&sb);
	return r;
}

struct wild {
	struct arena *a;
	const struct probe_point *pp;
	const struct probe_target *proto;
	int fn_index;
	struct ptrvec *out;
};

static int add_function(const struct dfunc *f, void *data)
{
	struct wild *w = data;
	struct probe_target *t = arena_alloc(w->a, sizeof(*t));

	*t = *w->proto;
	t->symbol = f->name;
	t->func = f;
	t->pp = function_pp(w->a, w->pp, w->fn_index, f->name);
	pv_push(w->a, w->out, t);
	return 0;
}

/* kprobe.function("f")[.return], kernel.function("f")[.call|.return],
 * module("m").function("f")[...], kprobe.module("m").function("f")[...]:
 * a kprobe on a symbol.  A name with wildcards matches the functions of
 * the kernel's type information (BTF); which of them kprobes refuses is
 * only known when the module registers them (they are skipped, and
 * counted). */
static enum match_result match_kprobe(struct session *s,
				      const struct probe_point *pp,
				      struct probe_target *t,
				      struct ptrvec *out, const char **msg)
{
	const struct pp_comp *c0 = comp(pp, 0), *c1 = comp(pp, 1), *fn, *tail;
	struct dsource *ds;
	int i = 1, before = out->n;

	if (is(c0, "module") || (is(c0, "kprobe") && is(c1, "module"))) {
		const struct pp_comp *m = is(c0, "module") ? c0 : c1;

		if (!m->arg || m->arg->kind != E_STR)
			return MATCH_NONE;
		t->module = m->arg->str;
		i = is(c0, "module") ? 1 : 2;
	} else if (!is(c0, "kprobe") && !is(c0, "kernel")) {
		return MATCH_NONE;
	}
	fn = comp(pp, i);
	tail = comp(pp, i + 1);
	if (!is(fn, "function") || !fn->arg || fn->arg->kind != E_STR ||
	    pp->comps.n > i + 2 ||
	    (tail && !is(tail, "return") && !is(tail, "call")))
		return MATCH_NONE;
	if (!strcmp(s->runtime, "user")) {
		*msg = "it needs the kernel";
		return MATCH_UNAVAILABLE;
	}
	t->kind = PROV_KPROBE;
	t->is_return = is(tail, "return");
	if (strpbrk(fn->arg->str, "@:")) {
		*msg = "@file:line needs the kernel's DWARF debuginfo, which "
		       "is not supported yet in this version";
		return MATCH_UNAVAILABLE;
	}
	if (!strpbrk(fn->arg->str, "*?[")) {
		t->symbol = fn->arg->str;
		pv_push(&s->arena, out, arena_dup(&s->arena, t, sizeof(*t)));
		return MATCH_OK;
	}
	if (t->module) {
		*msg = "wildcards over a module's functions need its type "
		       "information, which is not supported yet in this "
		       "version";
		return MATCH_UNAVAILABLE;
	}
	ds = kernel_types(s, msg);
	if (!ds)
		return MATCH_UNAVAILABLE;
	{
		struct wild w = { &s->arena, pp, t, i, out };

		ds->each_func(ds, fn->arg->str, add_function, &w);
	}
	if (out->n == before) {
		*msg = "no kernel function matches";
		return MATCH_NOTHING;
	}
	return MATCH_OK;
}

/* Families the kernel backend provides. */
static const char *const kernel_families[] = {
	"kernel", "kprobe", "module", "process", "perf", "procfs",
	"netfilter", "hrtimer", "input", "java", "python2", "python3", NULL,
};

enum match_result match_provider(struct session *s,
				 const struct probe_point *pp,
				 struct ptrvec *out, const char **msg)
{
	struct arena *a = &s->arena;
	struct probe_target t;
	enum match_result r;

	memset(&t, 0, sizeof(t));
	t.pp = probe_point_text(a, pp);
	r = match_session(pp, &t, msg);
	if (r == MATCH_NONE)
		r = match_timer(pp, s->runtime, &t, msg);
	if (r == MATCH_OK) {
		pv_push(a, out, arena_dup(a, &t, sizeof(t)));
		return r;
	}
	if (r == MATCH_NONE)
		r = match_kprobe(s, pp, &t, out, msg);
	if (r == MATCH_NONE) {
		const struct pp_comp *c = comp(pp, 0);

		for (int i = 0; c && kernel_families[i]; i++)
			if (!strcmp(c->name, kernel_families[i])) {
				*msg = strcmp(s->runtime, "user")
					? "this kind of probe point is not "
					  "available yet in this version"
					: "it needs the kernel";
				return MATCH_UNAVAILABLE;
			}
	}
	return r;
}

const char *probe_point_text(struct arena *a, const struct probe_point *pp)
{
	struct strbuf sb;
	char *r;

	sb_init(&sb);
	for (int i = 0; i < pp->comps.n; i++) {
		const struct pp_comp *c = pp->comps.v[i];

		sb_printf(&sb, "%s%s", i ? "." : "", c->name);
		if (c->arg && c->arg->kind == E_NUM)
			sb_printf(&sb, "(%lld)", (long long)c->arg->num);
		else if (c->arg)
			sb_printf(&sb, "(\"%s\")", c->arg->str);
	}
	r = arena_strdup(a, sb_cstr(&sb));
	sb_free(&sb);
	return r;
}
