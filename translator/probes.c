/* probes.c - the table of probe-point providers.
 *
 * begin, end, error and never run in every runtime; timer.* runs in both
 * (hrtimers in the kernel, an event loop in user space); kernel and module
 * functions are kprobes, user-space functions uprobes.  The kernel's other
 * providers are recognised here so that they get a clear message until
 * they exist. */
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo.h"
#include "debugpath.h"
#include "elfsyms.h"
#include "kblacklist.h"
#include "kdwarf.h"
#include "kdwprobes.h"
#include "ksyms.h"
#include "probes.h"
#include "procevents.h"
#include "procfs.h"
#include "usdt.h"
#include "targets.h"
#include "tracepoints.h"
#include "udwarf.h"

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

const char *function_pp(struct arena *a, const struct probe_point *pp,
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
	const char *file;		/* f@FILE[:LINE]: where f is declared */
	int line;
	struct session *s;		/* .exported: only exported functions */
	bool exported;
	bool where;			/* pp() says f@FILE:LINE (not kprobe.) */
};

/* SystemTap's pp() for a function known from DWARF names where it is
 * declared: kernel.function("vfs_read@fs/read_write.c:450"). */
static const char *func_where(struct arena *a, const struct dfunc *f)
{
	if (!f->dwarf || !f->decl_file || f->decl_line <= 0)
		return f->name;
	return arena_printf(a, "%s@%s:%d", f->name, f->decl_file, f->decl_line);
}

static int add_function(const struct dfunc *f, void *data)
{
	struct wild *w = data;
	struct probe_target *t;

	if (w->file && (!f->decl_file || !dwarf_file_matches(f->decl_file, w->file) ||
			(w->line && f->decl_line != w->line)))
		return 0;
	if (w->exported && !ksym_exported(w->s, w->proto->module, f->name))
		return 0;
	t = arena_alloc(w->a, sizeof(*t));
	*t = *w->proto;
	t->symbol = f->name;
	t->func = f;
	t->pp = function_pp(w->a, w->pp, w->fn_index,
			    w->where ? func_where(w->a, f) : f->name);
	t->optional = true;
	pv_push(w->a, w->out, t);
	return 0;
}

/* A module function from its .ko's symbol table (no types). */
static int add_symbol(const char *name, void *data)
{
	struct dfunc f = { .name = name };
	struct wild *w = data;
	struct probe_target *t;
	int before = w->out->n;

	add_function(&f, data);
	if (w->out->n > before) {
		t = w->out->v[w->out->n - 1];
		t->func = NULL;
		t->types_why = "its .ko has no DWARF";
	}
	return 0;
}

int split_func_spec(struct arena *a, const char *spec, const char **func,
		    const char **file, int *line)
{
	const char *at = strchr(spec, '@'), *colon;
	char *end;

	*func = spec;
	*file = NULL;
	*line = 0;
	if (!at)
		return strchr(spec, ':') ? -1 : 0;
	*func = at == spec ? "*" : arena_strndup(a, spec, (size_t)(at - spec));
	colon = strchr(at, ':');
	*file = arena_strndup(a, at + 1, colon ? (size_t)(colon - at - 1)
					       : strlen(at + 1));
	if (!**file)
		return -1;
	if (!colon)
		return 0;
	*line = (int)strtol(colon + 1, &end, 10);
	return *end || *line <= 0 ? -1 : 0;
}

/* The module's DWARF for module("m") probes, when its .ko is found and
 * has it; t->module becomes the kernel's name for the module. */
static struct dsource *module_dwarf(struct session *s, struct probe_target *t,
				    const char **why)
{
	const char *name, *path = module_file(s, t->module, &name);

	if (!path) {
		*why = t->module[0] == '/'
		       ? arena_printf(&s->arena, "'%s' is not a readable .ko "
				      "file", t->module)
		       : arena_printf(&s->arena, "no %s.ko under /lib/modules/%s, "
				      "nor a debug file for it along "
				      "SYSTEMTAP_DEBUGINFO_PATH=%s (Debian: "
				      "linux-image-%s-dbg)", t->module,
				      s->kernel_release_resolved, debugpath(),
				      s->kernel_release_resolved);
		return NULL;
	}
	t->module = name;
	return module_types(s, path, why);
}

/* module("m").statement("FUNC@FILE:LINE"): a kprobe at the line's lowest
 * address in FUNC, by symbol and offset; pp() names the function found. */
static enum match_result match_statement(struct session *s,
					 const struct probe_point *pp, int i,
					 struct probe_target *t,
					 struct ptrvec *out, const char **msg)
{
	const char *spec = comp(pp, i)->arg->str, *func = NULL, *file = NULL;
	const struct dfunc *f;
	struct dsource *ds;
	int line = 0;

	if (split_func_spec(&s->arena, spec, &func, &file, &line) || !file || !line) {
		*msg = "a statement probe names FUNC@FILE:LINE";
		return MATCH_ERROR;
	}
	ds = module_dwarf(s, t, msg);
	if (!ds)
		return MATCH_UNAVAILABLE;
	f = dwarf_find_line(ds, func, file, line, msg);
	if (!f)
		return MATCH_ERROR;
	t->symbol = f->name;
	t->offset = (int64_t)f->offset;
	t->func = f;
	t->pp = function_pp(&s->arena, pp, i, arena_printf(&s->arena,
			    "%s@%s:%d", f->name, file, line));
	pv_push(&s->arena, out, arena_dup(&s->arena, t, sizeof(*t)));
	return MATCH_OK;
}

static enum match_result match_kprobe(struct session *s,
				      const struct probe_point *pp,
				      struct probe_target *t,
				      struct ptrvec *out, const char **msg);

struct modwild {
	struct session *s;
	const struct probe_point *pp;
	int mi;				/* the module component */
	const struct probe_target *proto;
	struct ptrvec *out;
	const char *func;		/* the function pattern */
	int matched;
};

static int has_func(const char *name, void *data)
{
	(void)name;
	(void)data;
	return 1;
}

/* One module of module("PATTERN"): the probe point again with the
 * module's own name, its matches optional (a module may refuse one). */
static int match_one_module(const char *name, void *data)
{
	struct modwild *w = data;
	struct arena *a = &w->s->arena;
	struct probe_point *pp = arena_dup(a, w->pp, sizeof(*pp));
	struct pp_comp *mc;
	struct expr *arg;
	struct probe_target t = *w->proto;
	const char *msg = NULL, *kname, *why, *ko;
	int before = w->out->n;
	char *fn = arena_strdup(a, w->func);

	/* a name without wildcards is only probed where the module has it */
	fn[strcspn(fn, "@")] = '\0';
	ko = module_file(w->s, name, &kname);
	if (!ko || (!strpbrk(fn, "*?[") &&
		    ksym_ko_each_func(w->s, ko, fn, has_func, NULL, &why) <= 0))
		return 0;
	memset(&pp->comps, 0, sizeof(pp->comps));
	for (int i = 0; i < w->pp->comps.n; i++)
		pv_push(a, &pp->comps, w->pp->comps.v[i]);
	mc = arena_dup(a, w->pp->comps.v[w->mi], sizeof(*mc));
	arg = arena_dup(a, mc->arg, sizeof(*arg));
	arg->str = (char *)name;
	mc->arg = arg;
	pp->comps.v[w->mi] = mc;
	t.pp = probe_point_text(a, pp);
	if (match_kprobe(w->s, pp, &t, w->out, &msg) != MATCH_OK)
		return 0;
	for (int i = before; i < w->out->n; i++)
		((struct probe_target *)w->out->v[i])->optional = true;
	w->matched++;
	return 0;
}

/* kprobe.function("f")[.return], kernel.function("f")[.call|.return],
 * module("m").function("f")[...], kprobe.module("m").function("f")[...]:
 * a kprobe on a symbol.  A name with wildcards matches the functions of
 * the kernel's type information (BTF), or of a module's DWARF; which of
 * them kprobes refuses is only known when the module registers them (they
 * are skipped, and counted).  module("m").statement("f@file:line") is a
 * kprobe inside a function. */
static enum match_result match_kprobe(struct session *s,
				      const struct probe_point *pp,
				      struct probe_target *t,
				      struct ptrvec *out, const char **msg)
{
	const struct pp_comp *c0 = comp(pp, 0), *c1 = comp(pp, 1), *fn, *tail;
	struct dsource *ds = NULL;
	const char *why = NULL, *name, *file = NULL;
	int i = 1, before = out->n, line = 0;
	bool exported = false;
	const char *mspec = NULL;	/* module("...") as written */

	if (is(c0, "module") || (is(c0, "kprobe") && is(c1, "module"))) {
		const struct pp_comp *m = is(c0, "module") ? c0 : c1;

		if (!m->arg || m->arg->kind != E_STR)
			return MATCH_NONE;
		t->module = m->arg->str;
		i = is(c0, "module") ? 1 : 2;
		fn = comp(pp, i);
		/* module("*"), module("ext*"): each module of the release */
		if (t->module[0] != '/' && strpbrk(t->module, "*?[") &&
		    fn && fn->arg && fn->arg->kind == E_STR &&
		    strcmp(s->runtime, "user")) {
			struct modwild w = { s, pp, i - 1, t, out,
					     fn->arg->str, 0 };
			int n = module_each(s, t->module, match_one_module, &w);

			if (w.matched)
				return MATCH_OK;
			*msg = n ? arena_printf(&s->arena, "no function matches "
						"'%s' in the %d modules matching "
						"'%s'", fn->arg->str, n,
						t->module)
				 : arena_printf(&s->arena, "no module under "
						"/lib/modules/%s matches '%s'",
						s->kernel_release_resolved,
						t->module);
			return MATCH_NOTHING;
		}
	} else if (!is(c0, "kprobe") && !is(c0, "kernel")) {
		return MATCH_NONE;
	}
	fn = comp(pp, i);
	tail = comp(pp, i + 1);
	/* the kernel's own DWARF, when its debuginfo is found (kdwprobes.c) */
	if (is(c0, "kernel") && (is(fn, "function") || is(fn, "statement")) &&
	    fn->arg && fn->arg->kind == E_STR && strcmp(s->runtime, "user") &&
	    (!tail || (pp->comps.n == i + 2 && is(fn, "function") &&
		       (is(tail, "return") || is(tail, "call") ||
			is(tail, "inline"))))) {
		struct dsource *kds = kdwarf_find(s) ? kernel_types(s, NULL) : NULL;

		if (kdwarf_is(kds))
			return kdwarf_match(s, kds, pp, i, t, out, msg);
		if (is(fn, "statement") || is(tail, "inline")) {
			*msg = kdwarf_needed(s);
			return MATCH_UNAVAILABLE;
		}
	}
	if (t->module && is(fn, "statement") && fn->arg &&
	    fn->arg->kind == E_STR && pp->comps.n == i + 1) {
		if (!strcmp(s->runtime, "user")) {
			*msg = "it needs the kernel";
			return MATCH_UNAVAILABLE;
		}
		t->kind = PROV_KPROBE;
		return match_statement(s, pp, i, t, out, msg);
	}
	if (!is(fn, "function") || !fn->arg || fn->arg->kind != E_STR)
		return MATCH_NONE;
	/* .return or .call, and .exported, in either order */
	tail = NULL;
	for (int k = i + 1; k < pp->comps.n; k++) {
		const struct pp_comp *c = comp(pp, k);

		if (c->arg)
			return MATCH_NONE;
		if (is(c, "exported") && !exported)
			exported = true;
		else if ((is(c, "return") || is(c, "call")) && !tail)
			tail = c;
		else
			return MATCH_NONE;
	}
	if (!strcmp(s->runtime, "user")) {
		*msg = "it needs the kernel";
		return MATCH_UNAVAILABLE;
	}
	t->kind = PROV_KPROBE;
	t->is_return = is(tail, "return");
	if (t->module) {
		bool path = t->module[0] == '/';

		mspec = t->module;

		ds = module_dwarf(s, t, &why);
		/* a file that is not there cannot be probed either */
		if (path && t->module[0] == '/') {
			*msg = why;
			return MATCH_ERROR;
		}
	}
	name = fn->arg->str;
	if (ds && split_func_spec(&s->arena, name, &name, &file, &line)) {
		*msg = "a function probe names FUNC or FUNC@FILE[:LINE]";
		return MATCH_ERROR;
	}
	if (strpbrk(name, "@:")) {
		*msg = t->module ? arena_printf(&s->arena, "@FILE needs the "
						"module's DWARF debuginfo: %s",
						why)
				 : kdwarf_needed(s);
		return MATCH_UNAVAILABLE;
	}
	if (exported && !ksym_have_exports(s)) {
		*msg = arena_printf(&s->arena, ".exported needs the build tree's "
				    "Module.symvers (%s)", s->kernel_build_tree
				    ? s->kernel_build_tree : "no build tree");
		return MATCH_UNAVAILABLE;
	}
	if (!strpbrk(name, "*?[") && !file) {
		if (exported && !ksym_exported(s, t->module, name)) {
			*msg = arena_printf(&s->arena, "%s '%s' is not exported "
					    "(EXPORT_SYMBOL)", t->module ?
					    "the module's function" : "function",
					    name);
			return MATCH_NOTHING;
		}
		t->symbol = name;
		t->func = ds ? ds->find_func(ds, t->symbol) : NULL;
		if (t->func && !is(c0, "kprobe"))
			t->pp = function_pp(&s->arena, pp, i,
					    func_where(&s->arena, t->func));
		if (t->module && !t->func)
			t->types_why = ds ? arena_printf(&s->arena, "its DWARF "
					    "has no function '%s'", t->symbol)
					  : why;
		pv_push(&s->arena, out, arena_dup(&s->arena, t, sizeof(*t)));
		return MATCH_OK;
	}
	if (t->module && !ds) {
		/* no DWARF: the .ko's own symbol table names its functions */
		const char *kname, *ko = module_file(s, mspec, &kname);
		struct wild w = { &s->arena, pp, t, i, out, NULL, 0, s,
				  exported, false };

		if (!ko || file) {
			*msg = arena_printf(&s->arena, "%s: %s", file ?
					    "@FILE needs the module's DWARF "
					    "debuginfo" : "cannot find the "
					    "module", why);
			return MATCH_UNAVAILABLE;
		}
		t->module = kname;
		if (ksym_ko_each_func(s, ko, name, add_symbol, &w, msg) < 0)
			return MATCH_ERROR;
		if (out->n == before) {
			if (exported)	/* else ksyms.c said which file */
				*msg = "no exported function of the module "
				       "matches";
			return MATCH_NOTHING;
		}
		return MATCH_OK;
	}
	if (!ds)
		ds = kernel_types(s, msg);
	if (!ds)
		return MATCH_UNAVAILABLE;
	{
		struct wild w = { &s->arena, pp, t, i, out, file, line, s,
				  exported, !is(c0, "kprobe") };

		ds->each_func(ds, name, add_function, &w);
	}
	if (out->n == before && file) {
		*msg = arena_printf(&s->arena, "no function '%s' declared in '%s'",
				    name, file);
		return MATCH_NOTHING;
	}
	if (out->n == before) {
		*msg = t->module ? exported ? "no exported function of the "
					      "module matches"
					    : "no function of the module matches"
				 : exported ? "no exported kernel function matches"
					    : "no kernel function matches";
		return MATCH_NOTHING;
	}
	return MATCH_OK;
}

/* The file a process("PATH") names: PATH itself when it has a '/'
 * (relative to the current directory), else the first executable of that
 * name on $PATH, as a shell finds it.  Symbolic links are left alone: the
 * module opens the path where it runs (in a VM for --vm), whose links may
 * differ.  NULL with *msg when there is no such file. */
/* A shared library named without a directory, as the dynamic loader
 * finds it: $LD_LIBRARY_PATH, then the loader's cache (ldconfig -p; its
 * 64-bit entry).  NULL when neither has it. */
static const char *find_library(struct arena *a, const char *name)
{
	const char *env = getenv("LD_LIBRARY_PATH"), *dir, *end = NULL;
	char line[PATH_MAX + 128], *found = NULL;
	struct stat st;
	FILE *p;

	for (dir = env; env && *env && dir; dir = *end ? end + 1 : NULL) {
		const char *f;

		end = strchrnul(dir, ':');
		if (end == dir)
			continue;
		f = arena_printf(a, "%.*s/%s", (int)(end - dir), dir, name);
		if (!stat(f, &st) && S_ISREG(st.st_mode))
			return f;
	}
	p = popen("/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null", "r");
	if (!p)
		return NULL;
	/* "\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6" */
	while (fgets(line, sizeof(line), p)) {
		char *l = line + strspn(line, " \t"), *arrow = strstr(l, " => ");
		size_t n = strlen(name);

		if (!arrow || strncmp(l, name, n) || l[n] != ' ')
			continue;
		arrow[strcspn(arrow, "\n")] = '\0';
		if (!found || strstr(l, "x86-64")) {
			free(found);
			found = xstrdup(arrow + 4);
		}
		if (strstr(l, "x86-64"))
			break;
	}
	pclose(p);
	if (found) {
		const char *r = arena_strdup(a, found);

		free(found);
		return r;
	}
	return NULL;
}

const char *find_executable(struct arena *a, const char *name,
			    const char **msg)
{
	const char *env = getenv("PATH"), *dir, *end = NULL;
	struct stat st;
	char cwd[PATH_MAX];

	if (strchr(name, '/')) {
		const char *p = name;

		if (name[0] != '/' && getcwd(cwd, sizeof(cwd))) {
			while (!strncmp(p, "./", 2))
				p += 2;
			p = arena_printf(a, "%s/%s", cwd, p);
		}
		if (stat(p, &st)) {
			*msg = arena_printf(a, "cannot find executable '%s'",
					    name);
			return NULL;
		}
		return p;
	}
	for (dir = env; env && *env && dir; dir = *end ? end + 1 : NULL) {
		const char *p;

		end = strchrnul(dir, ':');
		if (end == dir)		/* an empty entry is the current dir */
			p = arena_printf(a, "%s/%s", getcwd(cwd, sizeof(cwd))
					 ? cwd : ".", name);
		else
			p = arena_printf(a, "%.*s/%s", (int)(end - dir), dir,
					 name);
		if (!stat(p, &st) && S_ISREG(st.st_mode) && !access(p, X_OK))
			return p;
	}
	if (strstr(name, ".so")) {
		const char *lib = find_library(a, name);

		if (lib)
			return lib;
		*msg = arena_printf(a, "cannot find '%s' on $PATH, "
				    "$LD_LIBRARY_PATH or in the loader's cache "
				    "(ldconfig -p)", name);
		return NULL;
	}
	*msg = arena_printf(a, "cannot find executable '%s' on $PATH", name);
	return NULL;
}

/* pp() of one uprobe: the file as found, the function it matched or the
 * address, then .call/.return as written. */
static const char *process_pp(struct arena *a, const struct probe_point *pp,
			      const char *path, const char *func, int64_t addr)
{
	struct strbuf sb;
	const char *r;

	sb_init(&sb);
	sb_printf(&sb, "process(\"%s\")", path);
	if (func)
		sb_printf(&sb, ".function(\"%s\")", func);
	else
		sb_printf(&sb, ".statement(0x%llx)", (unsigned long long)addr);
	for (int i = 2; i < pp->comps.n; i++)
		sb_printf(&sb, ".%s", ((const struct pp_comp *)pp->comps.v[i])->name);
	r = arena_strdup(a, sb_cstr(&sb));
	sb_free(&sb);
	return r;
}

/* process("PATH").function("NAME")[.call|.return] and
 * process("PATH").statement(ADDR): uprobes on the file PATH, an executable
 * or a shared library, firing in every process that runs it (SystemTap's
 * behaviour: no target() filter).  NAME, or a wildcard, is matched against
 * the file's function symbols here, and each match becomes a file offset,
 * so the module needs no symbol table; ADDR is a link-time address. */
static enum match_result match_process(struct session *s,
				       const struct probe_point *pp,
				       struct probe_target *t,
				       struct ptrvec *out, const char **msg)
{
	const struct pp_comp *c0 = comp(pp, 0), *c1 = comp(pp, 1),
			     *tail = comp(pp, 2);
	const struct elf_syms *es;
	const char *path, *why, *name, *dwhy = NULL;
	struct dsource *ds;
	enum match_result r;
	bool wild;
	int before = out->n;

	if (!is(c0, "process") || !c0->arg || c0->arg->kind != E_STR || !c1 ||
	    !c1->arg)
		return MATCH_NONE;
	if (is(c1, "function") && c1->arg->kind == E_STR) {
		if (pp->comps.n > 3 ||
		    (tail && (tail->arg || (!is(tail, "return") &&
					    !is(tail, "call")))))
			return MATCH_NONE;
	} else if (!is(c1, "statement") || pp->comps.n > 2) {
		return MATCH_NONE;
	}
	if (!strcmp(s->runtime, "user")) {
		*msg = "it needs the kernel";
		return MATCH_UNAVAILABLE;
	}
	path = find_executable(&s->arena, c0->arg->str, msg);
	if (!path)
		return MATCH_NOTHING;
	es = elf_syms_read(&s->arena, path, &why);
	if (!es) {
		*msg = arena_printf(&s->arena, "cannot read '%s': %s", path, why);
		return MATCH_ERROR;
	}
	t->kind = PROV_UPROBE;
	t->path = path;
	t->is_return = is(tail, "return");
	/* the program's DWARF (udwarf.c), when it was built with -g */
	ds = module_types(s, path, &dwhy);
	t->types_why = ds ? NULL : dwhy;
	if (is(c1, "statement") && c1->arg->kind == E_STR)
		return udwarf_statement(s, pp, t, es, ds, dwhy, c1->arg->str,
					out, msg);
	if (is(c1, "statement")) {
		t->offset = elf_addr_offset(es, (uint64_t)c1->arg->num);
		if (t->offset < 0) {
			*msg = arena_printf(&s->arena, "address 0x%llx is not "
					    "in a loaded segment of %s",
					    (unsigned long long)c1->arg->num,
					    path);
			return MATCH_ERROR;
		}
		t->pp = process_pp(&s->arena, pp, path, NULL, c1->arg->num);
		pv_push(&s->arena, out, arena_dup(&s->arena, t, sizeof(*t)));
		return MATCH_OK;
	}
	name = c1->arg->str;
	if (ds) {
		r = udwarf_functions(s, pp, t, es, ds, name, out, msg);
		/* a wildcard goes on to the symbols DWARF lacks (libc's) */
		if (r != MATCH_NONE && (r != MATCH_OK || strchr(name, '@') ||
					!strpbrk(name, "*?[")))
			return r;
	}
	if (strpbrk(name, "@:")) {
		*msg = arena_printf(&s->arena, "@file:line needs the program's "
				    "DWARF debuginfo: %s", dwhy);
		return MATCH_ERROR;
	}
	wild = strpbrk(name, "*?[") != NULL;
	for (int i = 0; i < es->nfuncs; i++) {
		const struct elf_func *f = &es->funcs[i];
		struct probe_target *u;

		if (wild ? fnmatch(name, f->name, 0) : strcmp(name, f->name))
			continue;
		/* a wildcard's functions with DWARF are matched above */
		if (ds && ds->find_func(ds, f->name))
			continue;
		u = arena_dup(&s->arena, t, sizeof(*t));
		u->symbol = f->name;
		u->offset = (int64_t)f->offset;
		u->pp = process_pp(&s->arena, pp, path, f->name, 0);
		pv_push(&s->arena, out, u);
	}
	if (out->n == before) {
		*msg = arena_printf(&s->arena, "%s '%s' in %s%s",
				    wild ? "no function matches" : "no function",
				    name, path, es->has_symtab ? ""
				    : " (it has no symbol table)");
		return MATCH_NOTHING;
	}
	return MATCH_OK;
}

/* The kernel functions among out[before..] that the kernel's kprobe
 * blacklist (kblacklist.c) has: a wildcard's are dropped and counted (-v),
 * a function named without one is an error, skipped with '?'. */
static enum match_result drop_blacklisted(struct session *s,
					  const struct probe_point *pp,
					  int before, struct ptrvec *out,
					  const char **msg)
{
	static bool said;
	const char *why, *first = NULL;
	int n = before, dropped = 0;
	bool kernel = false;

	for (int i = before; i < out->n; i++) {
		struct probe_target *t = out->v[i];

		why = NULL;
		if (t->kind == PROV_KPROBE && !t->module && t->symbol) {
			kernel = true;
			why = kbl_refused(s, t->symbol, t->offset);
		}
		if (why && !t->optional) {
			*msg = arena_printf(&s->arena, "the kernel's kprobe "
					    "blacklist has '%s' (%s)",
					    t->symbol, why);
			out->n = before;
			return MATCH_UNAVAILABLE;
		}
		if (why) {
			if (s->verbose >= 3)
				fprintf(stderr, "Pass 2: %s: on the kernel's "
					"kprobe blacklist (%s)\n", t->pp, why);
			dropped++;
			first = first ? first : t->symbol;
			continue;
		}
		out->v[n++] = t;
	}
	out->n = n;
	if (s->verbose >= 1 && !said && kernel && !kbl_source(s, &why)) {
		said = true;
		fprintf(stderr, "Pass 2: no kernel kprobe blacklist (%s): "
			"functions the kernel refuses are skipped when the "
			"module registers them\n", why);
	}
	if (!dropped)
		return MATCH_OK;
	if (s->verbose >= 1)
		fprintf(stderr, "Pass 2: %s: %d blacklisted function%s skipped "
			"(the kernel's kprobe blacklist, from %s)\n",
			probe_point_text(&s->arena, pp), dropped,
			dropped == 1 ? "" : "s", kbl_source(s, &why));
	if (out->n > before)
		return MATCH_OK;
	*msg = arena_printf(&s->arena, "every function it matches is on the "
			    "kernel's kprobe blacklist ('%s'%s)", first,
			    dropped > 1 ? " and others" : "");
	return MATCH_NOTHING;
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
		r = match_trace(s, pp, &t, out, msg);
	if (r == MATCH_NONE) {
		int before = out->n;

		r = match_kprobe(s, pp, &t, out, msg);
		if (r == MATCH_OK)
			r = drop_blacklisted(s, pp, before, out, msg);
	}
	if (r == MATCH_NONE)
		r = match_procevents(s, pp, &t, out, msg);
	if (r == MATCH_NONE)
		r = match_process(s, pp, &t, out, msg);
	if (r == MATCH_NONE)
		r = match_procfs(s, pp, &t, out, msg);
	if (r == MATCH_NONE)
		r = match_usdt(s, pp, &t, out, msg);
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
	return function_pp(a, pp, -1, NULL);
}
