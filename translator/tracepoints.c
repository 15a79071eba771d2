/* tracepoints.c - kernel.trace("NAME") probes: the kernel's static
 * tracepoints.
 *
 * What tracepoints there are, and their prototypes, comes from the
 * kernel's BTF: every tracepoint NAME has a typedef btf_trace_NAME, a
 * pointer to void (void *__data, ARGS...), the exact type of a callback.
 * A function pointer's prototype has no parameter names, so the names come
 * from the event class's __bpf_trace_CLASS function (same parameters,
 * named); which class a DEFINE_EVENT tracepoint belongs to, and which
 * subsystem ("sched" in "sched:sched_switch") it is part of, the kernel's
 * trace headers say (include/trace/events/ *.h in the headers package:
 * TRACE_SYSTEM, TRACE_EVENT(name, ...), DEFINE_EVENT(class, name, ...),
 * also through a header's own macros, DEFINE_EVENT(class, name##_entry)
 * in #define DEFINE_X(name); a driver's private trace header is not in
 * the package, so its tracepoints have no SYSTEM: part).
 * When no header names a tracepoint's class, a class function with the
 * same parameter types gives the names; failing that they are arg1...
 *
 * Pass 3 emits one callback per probed tracepoint with its prototype,
 * each argument declared with its exact width and signedness (the upper
 * bits of a narrow argument's register are garbage on x86_64), widened
 * into an array of longs that $NAME reads (runtime/linux/tracepoint.c
 * registers them). */
#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "debuginfo.h"
#include "targets.h"
#include "tracepoints.h"

/* One tracepoint of the kernel. */
struct tracepoint {
	const char *name;
	const char *system;		/* NULL when no header names it */
	struct dfunc *f;		/* its arguments, named; arg i+1 is
					   the i-th after __data */
	const char *unsupported;	/* why it cannot be probed, or NULL */
};

/* What the trace headers say about one tracepoint. */
struct hdr_event {
	const char *event, *class, *system;
};

struct tp_list {
	bool loaded;
	const char *why;		/* why there is no list */
	struct tracepoint **v;		/* by name */
	int n;
	struct hdr_event *ev;		/* by event name */
	int nev, capev;
	struct ptrvec classes;		/* __bpf_trace_* functions */
	struct arena *a;
};

static struct tp_list tpl;

/* ---- the trace headers ---- */

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
	       (*p == '\\' && p[1] == '\n'))
		p += *p == '\\' ? 2 : 1;
	return p;
}

/* An identifier at p into buf (empty when there is none). */
static const char *read_ident(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	while (ident_char(*p)) {
		if (n + 1 < size)
			buf[n++] = *p;
		p++;
	}
	buf[n] = '\0';
	return p;
}

/* The text of the macro argument at p without blanks (and line
 * continuations), up to the ',' or ')' that ends it; returns that end. */
static const char *raw_arg(const char *p, char *out, size_t size)
{
	size_t n = 0;
	int depth = 0;

	for (; *p; p++) {
		if (depth == 0 && (*p == ',' || *p == ')'))
			break;
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\\')
			continue;
		if (n + 1 < size)
			out[n++] = *p;
	}
	out[n] = '\0';
	return p;
}

/* Up to max arguments of a macro call whose '(' is at p, into args (each
 * 128 bytes); returns how many. */
static int macro_args(const char *p, char (*args)[128], int max)
{
	int n = 0;

	for (p++; n < max; n++) {
		p = raw_arg(p, args[n], sizeof(args[n]));
		if (*p != ',') {
			n += args[n][0] != '\0';
			break;
		}
		p++;
	}
	return n;
}

static bool is_ident(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!ident_char(*s))
			return false;
	return true;
}

/* A macro of a trace header that declares tracepoints from its
 * parameters, such as
 *	#define DEFINE_IRQ_VECTOR_EVENT(name) \
 *	DEFINE_EVENT_FN(x86_irq_vector, name##_entry, ...); ...
 * with its declarations' class and name as written (templates). */
#define MAX_HPARAMS 4
#define MAX_HDECLS 8
struct hmacro {
	char name[128];
	char params[MAX_HPARAMS][128];
	int nparams;
	char cls[MAX_HDECLS][128], ev[MAX_HDECLS][128];
	int nd;
};

/* A template with the macro's parameters replaced by a call's arguments
 * (pieces joined by ##). */
static void expand(const char *tmpl, const struct hmacro *m,
		   char (*args)[128], int nargs, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	while (*tmpl) {
		const char *e = strstr(tmpl, "##");
		size_t len = e ? (size_t)(e - tmpl) : strlen(tmpl);
		const char *piece = NULL;

		for (int i = 0; i < m->nparams && i < nargs; i++)
			if (strlen(m->params[i]) == len &&
			    !strncmp(m->params[i], tmpl, len))
				piece = args[i];
		if (piece)
			len = strlen(piece);
		else
			piece = tmpl;
		if (n + len + 1 < size) {
			memcpy(out + n, piece, len);
			n += len;
			out[n] = '\0';
		}
		tmpl = e ? e + 2 : tmpl + strlen(tmpl);
	}
}

static void add_event(const char *event, const char *class,
		      const char *system)
{
	struct hdr_event *e;

	if (!event[0] || !class[0])
		return;
	if (tpl.nev == tpl.capev) {
		tpl.capev = tpl.capev ? tpl.capev * 2 : 256;
		tpl.ev = xrealloc(tpl.ev, sizeof(*tpl.ev) * (size_t)tpl.capev);
	}
	e = &tpl.ev[tpl.nev++];
	e->event = arena_strdup(tpl.a, event);
	e->class = arena_strdup(tpl.a, class);
	e->system = system[0] ? arena_strdup(tpl.a, system) : NULL;
}

/* One trace header: its TRACE_SYSTEM and the tracepoints it declares,
 * directly or through a macro of its own.  Other macro calls inside
 * #define bodies are not declarations. */
static void scan_header(const char *path)
{
	static const struct { const char *macro; bool has_class; } decls[] = {
		{ "TRACE_EVENT", false }, { "TRACE_EVENT_FN", false },
		{ "TRACE_EVENT_FN_COND", false },
		{ "TRACE_EVENT_CONDITION", false }, { "DECLARE_TRACE", false },
		{ "DECLARE_TRACE_CONDITION", false },
		{ "DEFINE_EVENT", true }, { "DEFINE_EVENT_FN", true },
		{ "DEFINE_EVENT_PRINT", true }, { "DEFINE_EVENT_CONDITION", true },
	};
	static struct hmacro macros[64];
	int nmacros = 0;
	struct hmacro *cur = NULL;	/* the #define being read */
	size_t len;
	char *text = read_file(path, &len), system[128] = "";
	char id[128], args[MAX_HPARAMS][128], cls[128], ev[128];
	bool in_define = false, line_start = true;

	if (!text)
		return;
	for (const char *p = text; *p;) {
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
			continue;
		}
		if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
			continue;
		}
		if (*p == '\n') {
			in_define = in_define && p > text && p[-1] == '\\';
			if (!in_define)
				cur = NULL;
			line_start = true;
			p++;
			continue;
		}
		if (*p == '#' && line_start) {
			p = read_ident(skip_space(p + 1), id, sizeof(id));
			if (strcmp(id, "define"))
				continue;
			p = read_ident(skip_space(p), id, sizeof(id));
			if (!strcmp(id, "TRACE_SYSTEM")) {
				p = read_ident(skip_space(p), system, sizeof(system));
				continue;
			}
			in_define = true;
			if (*p == '(' && nmacros < 64) {
				cur = &macros[nmacros++];
				memset(cur, 0, sizeof(*cur));
				strcpy(cur->name, id);
				cur->nparams = macro_args(p, cur->params, MAX_HPARAMS);
			}
			continue;
		}
		if (*p != ' ' && *p != '\t')
			line_start = false;
		if (!ident_char(*p) || (p > text && ident_char(p[-1]))) {
			p++;
			continue;
		}
		p = read_ident(p, id, sizeof(id));
		if (*skip_space(p) != '(')
			continue;
		for (size_t i = 0; i < sizeof(decls) / sizeof(decls[0]); i++) {
			const char *c, *e;

			if (strcmp(id, decls[i].macro))
				continue;
			if (macro_args(skip_space(p), args, 2) < 1)
				break;
			c = args[0];
			e = decls[i].has_class ? args[1] : args[0];
			if (in_define && cur && cur->nd < MAX_HDECLS) {
				strcpy(cur->cls[cur->nd], c);
				strcpy(cur->ev[cur->nd++], e);
			} else if (!in_define && is_ident(c) && is_ident(e)) {
				add_event(e, c, system);
			}
			break;
		}
		for (int i = 0; !in_define && i < nmacros; i++) {
			const struct hmacro *m = &macros[i];
			int n;

			if (strcmp(id, m->name) || !m->nd)
				continue;
			n = macro_args(skip_space(p), args, MAX_HPARAMS);
			for (int k = 0; k < m->nd; k++) {
				expand(m->cls[k], m, args, n, cls, sizeof(cls));
				expand(m->ev[k], m, args, n, ev, sizeof(ev));
				if (is_ident(cls) && is_ident(ev))
					add_event(ev, cls, system);
			}
			break;
		}
	}
	free(text);
}

/* (glob, not dirent.h: its DT_UNKNOWN is also debuginfo.h's) */
static void scan_dir(const char *dir)
{
	glob_t g;

	if (glob(arena_printf(tpl.a, "%s/*.h", dir), 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		scan_header(g.gl_pathv[i]);
	globfree(&g);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* The kernel source tree whose include/trace/events the headers package
 * has: /lib/modules/RELEASE/source, Debian's "-common" tree that the
 * build tree's Makefile includes, or the build tree itself. */
static const char *source_tree(struct session *s)
{
	const char *cand[3] = { NULL, NULL, s->kernel_build_tree };
	char *mk;
	size_t len;

	cand[0] = arena_printf(tpl.a, "/lib/modules/%s/source",
			       s->kernel_release_resolved);
	mk = s->kernel_build_tree
	     ? read_file(arena_printf(tpl.a, "%s/Makefile", s->kernel_build_tree),
			 &len) : NULL;
	if (mk) {
		const char *p = strstr(mk, "include /"), *e;

		if (p && (e = strstr(p, "/Makefile")))
			cand[1] = arena_strndup(tpl.a, p + 8, (size_t)(e - p - 8));
		free(mk);
	}
	for (int i = 0; i < 3; i++)
		if (cand[i] && is_dir(arena_printf(tpl.a, "%s/include/trace/events",
						   cand[i])))
			return cand[i];
	return NULL;
}

static int cmp_event(const void *x, const void *y)
{
	return strcmp(((const struct hdr_event *)x)->event,
		      ((const struct hdr_event *)y)->event);
}

static const struct hdr_event *find_event(const char *name)
{
	struct hdr_event key = { name, NULL, NULL };

	return tpl.nev ? bsearch(&key, tpl.ev, (size_t)tpl.nev, sizeof(key),
				 cmp_event) : NULL;
}

/* ---- the tracepoints of the BTF ---- */

/* The C type a callback declares an argument with: its exact width and
 * signedness; NULL when it is not passed in one general register. */
static const char *c_type(const struct dtype *t)
{
	static const char *const s[] = { "s8", "s16", NULL, "s32", NULL, NULL,
					 NULL, "s64" };
	static const char *const u[] = { "u8", "u16", NULL, "u32", NULL, NULL,
					 NULL, "u64" };
	const struct dtype *r = dt_resolve(t);

	if (r->kind == DT_PTR)
		return "unsigned long";
	if ((r->kind != DT_INT && r->kind != DT_ENUM) || r->size < 1 ||
	    r->size > 8)
		return NULL;
	return r->is_signed ? s[r->size - 1] : u[r->size - 1];
}

static bool same_params(const struct dfunc *a, int skip_a,
			const struct dfunc *b, int skip_b)
{
	if (a->nparams - skip_a != b->nparams - skip_b)
		return false;
	for (int i = 0; i < a->nparams - skip_a; i++)
		if (a->params[i + skip_a].type != b->params[i + skip_b].type)
			return false;
	return true;
}

static int add_class(const struct dfunc *f, void *data)
{
	(void)data;
	pv_push(tpl.a, &tpl.classes, (void *)f);
	return 0;
}

/* The function of the event class with these parameters: the header's
 * class, the tracepoint's own name, or the only other with the same
 * parameter types. */
static const struct dfunc *class_func(struct dsource *ds, const char *name,
				      const struct hdr_event *he,
				      const struct dfunc *proto)
{
	const struct dfunc *f, *found = NULL;

	f = ds->find_func(ds, arena_printf(tpl.a, "__bpf_trace_%s",
					   he ? he->class : name));
	if (f && same_params(f, 0, proto, 0))
		return f;
	for (int i = 0; i < tpl.classes.n; i++) {
		f = tpl.classes.v[i];
		if (!same_params(f, 0, proto, 0))
			continue;
		if (found) {
			/* two classes of these types: do their names agree? */
			for (int k = 0; k < f->nparams; k++)
				if (strcmp(f->params[k].name, found->params[k].name))
					return NULL;
			continue;
		}
		found = f;
	}
	return found;
}

static int add_tracepoint(const struct dfunc *proto, void *data)
{
	struct dsource *ds = data;
	const char *name = proto->name + strlen("btf_trace_");
	const struct hdr_event *he = find_event(name);
	const struct dfunc *cf;
	struct tracepoint *tp;
	struct dfunc *f;

	if (!proto->nparams)		/* no __data: not a tracepoint's */
		return 0;
	cf = class_func(ds, name, he, proto);
	tp = arena_alloc(tpl.a, sizeof(*tp));
	tp->name = name;
	tp->system = he ? he->system : NULL;
	tp->f = f = arena_alloc(tpl.a, sizeof(*f));
	f->name = name;
	f->ret = proto->ret;
	f->nparams = proto->nparams - 1;
	f->params = arena_alloc(tpl.a, sizeof(*f->params) *
				(size_t)(f->nparams ? f->nparams : 1));
	for (int i = 0; i < f->nparams; i++) {
		struct dvar *v = &f->params[i];

		*v = proto->params[i + 1];
		v->arg = i + 1;
		v->name = cf && cf->params[i + 1].name[0]
			  ? cf->params[i + 1].name
			  : arena_printf(tpl.a, "arg%d", i + 1);
		if (!tp->unsupported && !c_type(v->type))
			tp->unsupported = arena_printf(tpl.a, "its argument '%s' "
					    "(%s) is not passed in a general "
					    "register", v->name,
					    dt_name(tpl.a, v->type));
	}
	if (proto->variadic)
		tp->unsupported = "it takes variable arguments";
	if (tpl.n % 512 == 0)
		tpl.v = xrealloc(tpl.v, sizeof(*tpl.v) * (size_t)(tpl.n + 512));
	tpl.v[tpl.n++] = tp;
	return 0;
}

static int cmp_tp(const void *x, const void *y)
{
	return strcmp((*(struct tracepoint *const *)x)->name,
		      (*(struct tracepoint *const *)y)->name);
}

/* Every tracepoint of the kernel, loaded once. */
static bool load_tracepoints(struct session *s, const char **why)
{
	struct dsource *ds;
	const char *src;

	if (tpl.loaded) {
		*why = tpl.why;
		return tpl.why == NULL;
	}
	tpl.loaded = true;
	tpl.a = &s->arena;
	ds = kernel_btf(s, &tpl.why);
	if (ds && !ds->each_proto_typedef)
		tpl.why = "the kernel's type information is not BTF";
	if (!ds || tpl.why) {
		*why = tpl.why = tpl.why ? tpl.why : "no kernel type information";
		return false;
	}
	src = source_tree(s);
	if (src) {
		scan_dir(arena_printf(tpl.a, "%s/include/trace/events", src));
		scan_dir(arena_printf(tpl.a, "%s/include/ras", src));
		scan_dir(arena_printf(tpl.a, "%s/arch/x86/include/asm/trace", src));
		scan_header(arena_printf(tpl.a, "%s/arch/x86/include/asm/msr-trace.h",
					 src));
		qsort(tpl.ev, (size_t)tpl.nev, sizeof(*tpl.ev), cmp_event);
	}
	if (s->verbose >= 2)
		fprintf(stderr, "Pass 2: %d tracepoints named in %s\n", tpl.nev,
			src ? src : "(no kernel trace headers found)");
	ds->each_func(ds, "__bpf_trace_*", add_class, NULL);
	ds->each_proto_typedef(ds, "btf_trace_", add_tracepoint, ds);
	if (tpl.n)
		qsort(tpl.v, (size_t)tpl.n, sizeof(*tpl.v), cmp_tp);
	if (!tpl.n) {
		*why = tpl.why = arena_printf(tpl.a, "%s describes no tracepoints "
					      "(no btf_trace_* types)", ds->what);
		return false;
	}
	*why = NULL;
	return true;
}

/* ---- matching ---- */

static const char *trace_pp(struct arena *a, const struct tracepoint *tp)
{
	return tp->system
	       ? arena_printf(a, "kernel.trace(\"%s:%s\")", tp->system, tp->name)
	       : arena_printf(a, "kernel.trace(\"%s\")", tp->name);
}

enum match_result match_trace(struct session *s, const struct probe_point *pp,
			      struct probe_target *t, struct ptrvec *out,
			      const char **msg)
{
	const struct pp_comp *c0, *c1;
	const char *spec, *colon, *sys = NULL, *name, *why;
	bool wild;
	int before = out->n;

	if (pp->comps.n < 2)
		return MATCH_NONE;
	c0 = pp->comps.v[0];
	c1 = pp->comps.v[1];
	if (strcmp(c0->name, "kernel") || c0->arg || strcmp(c1->name, "trace"))
		return MATCH_NONE;
	if (pp->comps.n > 2) {
		*msg = "nothing may follow kernel.trace(...): a tracepoint has "
		       "no .return";
		return MATCH_ERROR;
	}
	if (!c1->arg || c1->arg->kind != E_STR || !c1->arg->str[0]) {
		*msg = "kernel.trace takes a tracepoint name: "
		       "kernel.trace(\"NAME\") or kernel.trace(\"SYSTEM:NAME\")";
		return MATCH_ERROR;
	}
	if (!strcmp(s->runtime, "user")) {
		*msg = "it needs the kernel";
		return MATCH_UNAVAILABLE;
	}
	if (!load_tracepoints(s, &why)) {
		*msg = arena_printf(&s->arena, "cannot list the kernel's "
				    "tracepoints: %s", why);
		return MATCH_UNAVAILABLE;
	}
	spec = c1->arg->str;
	colon = strchr(spec, ':');
	name = spec;
	if (colon) {
		sys = arena_strndup(&s->arena, spec, (size_t)(colon - spec));
		name = colon + 1;
	}
	wild = strpbrk(spec, "*?[") != NULL;
	for (int i = 0; i < tpl.n; i++) {
		const struct tracepoint *tp = tpl.v[i];
		struct probe_target *u;

		if (fnmatch(name, tp->name, 0))
			continue;
		if (sys && (!tp->system || fnmatch(sys, tp->system, 0)))
			continue;
		if (tp->unsupported && wild) {
			if (s->verbose >= 2)
				fprintf(stderr, "Pass 2: skipping tracepoint %s: "
					"%s\n", tp->name, tp->unsupported);
			continue;
		}
		if (tp->unsupported) {
			*msg = arena_printf(&s->arena, "tracepoint '%s' cannot be "
					    "probed: %s", tp->name,
					    tp->unsupported);
			return MATCH_ERROR;
		}
		u = arena_alloc(&s->arena, sizeof(*u));
		*u = *t;
		u->kind = PROV_TRACE;
		u->symbol = tp->name;
		u->func = tp->f;
		u->pp = trace_pp(&s->arena, tp);
		u->optional = wild;
		pv_push(&s->arena, out, u);
	}
	if (out->n > before)
		return MATCH_OK;
	if (wild)
		*msg = arena_printf(&s->arena, "no kernel tracepoint matches "
				    "'%s'", spec);
	else
		*msg = arena_printf(&s->arena, "no kernel tracepoint '%s' "
				    "(stap -l 'kernel.trace(\"*\")' lists them)",
				    spec);
	return MATCH_NOTHING;
}

/* ---- pass 3 ---- */

void gen_tracepoints(FILE *out, const struct program *P)
{
	int index = 0, n = 0;

	fputs("\n/* Tracepoint callbacks: each the tracepoint's prototype. */\n",
	      out);
	for (int i = 0; i < P->probes.n; i++) {
		const struct rprobe *p = P->probes.v[i];

		for (int j = 0; j < p->targets.n; j++, index++) {
			const struct probe_target *t = p->targets.v[j];
			const struct dfunc *f = t->func;

			if (t->kind != PROV_TRACE)
				continue;
			fprintf(out, "static void stp_tp_cb_%d(void *stp_data", index);
			for (int k = 0; k < f->nparams; k++)
				fprintf(out, ", %s a%d", c_type(f->params[k].type), k);
			fprintf(out, ")\n{\n\tint64_t args[%d] = {", f->nparams
				? f->nparams : 1);
			for (int k = 0; k < f->nparams; k++)
				fprintf(out, "%s(int64_t)a%d", k ? ", " : " ", k);
			fputs(f->nparams ? " };\n\n" : " 0 };\n\n", out);
			fputs("\tstp_tracepoint_hit(stp_data, args);\n}\n", out);
			n++;
		}
	}
	fputs("const struct stp_tracepoint_def stp_tracepoint_defs[] = {\n", out);
	index = 0;
	for (int i = 0; i < P->probes.n; i++) {
		const struct rprobe *p = P->probes.v[i];

		for (int j = 0; j < p->targets.n; j++, index++) {
			const struct probe_target *t = p->targets.v[j];

			if (t->kind == PROV_TRACE)
				fprintf(out, "\t{ %d, \"%s\", (void *)stp_tp_cb_%d, %d },\n",
					index, t->symbol, index,
					((const struct dfunc *)t->func)->nparams);
		}
	}
	fprintf(out, "\t{ -1, NULL, NULL, 0 }\n};\nconst int stp_ntracepoint_defs "
		"= %d;\n", n);
}
