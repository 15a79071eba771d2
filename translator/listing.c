/* listing.c - stap -l and -L: the probe points a pattern matches, and
 * (with -L) the target variables each one offers, with their types:
 *
 *	kernel.function("vfs_read") $file:struct file* $buf:char* ...
 *
 * A module's function with DWARF is shown SystemTap's way, with where it
 * is declared and its locals after its parameters:
 *
 *	module("m").function("f@/src/m.c:36") $a:int $p:struct s* $i:int
 *
 * A probe alias is listed under its own name (syscall.read), with -L the
 * variables its body sets.
 *
 * The pattern goes through pass 2 like a probe with an empty body, so it
 * matches exactly what a script's probe would. */
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"
#include "passes.h"
#include "targets.h"
#include "usdt.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* SystemTap's form for a module function with DWARF: the module by
 * name, the function with where it is declared; a statement as is. */
static void dwarf_pp(struct strbuf *sb, const struct probe_target *t)
{
	const struct dfunc *f = t->func;
	const char *p = strstr(t->pp, ").function(\""), *rest;

	sb_printf(sb, "module(\"%s\")", t->module);
	if (!p || !f->decl_file) {
		p = strstr(t->pp, ").statement(\"");
		sb_puts(sb, p ? p + 1 : t->pp);
		return;
	}
	rest = strstr(p + 12, "\")");
	sb_printf(sb, ".function(\"%s@%s:%d\")%s", f->name, f->decl_file,
		  f->decl_line, rest ? rest + 2 : "");
}

static void put_vars(struct strbuf *sb, struct session *s,
		     const struct dvar *v, int n)
{
	for (int i = 0; i < n; i++)
		sb_printf(sb, " $%s:%s", v[i].name, dt_name(&s->arena, v[i].type));
}

static const char *describe_target(struct session *s,
				   const struct probe_target *t, bool vars)
{
	const struct dfunc *f = t->func;
	struct strbuf sb;
	const char *r;
	struct dsource *ds;

	if (vars && t->kind == PROV_PROCFS)
		return arena_printf(&s->arena, "%s $value:string", t->pp);
	if (vars && t->usdt) {		/* usdt.c: $argN by the note */
		const struct usdt_mark *m = t->usdt;

		sb_init(&sb);
		sb_puts(&sb, t->pp);
		for (int i = 0; i < m->nargs; i++)
			if (!m->args[i].why)
				sb_printf(&sb, " $arg%d:long", i + 1);
		sb_puts(&sb, " $name:string $provider:string");
		r = arena_strdup(&s->arena, sb_cstr(&sb));
		sb_free(&sb);
		return r;
	}
	if (!vars || (t->kind != PROV_KPROBE && t->kind != PROV_TRACE &&
		      (t->kind != PROV_UPROBE || !f)))
		return t->pp;
	if (!f && !t->module && (ds = kernel_types(s, NULL)))
		f = ds->find_func(ds, t->symbol);
	if (!f)
		return t->pp;
	sb_init(&sb);
	if (f->dwarf && t->module)
		dwarf_pp(&sb, t);
	else	/* kernel DWARF: the pp already says f@file:line */
		sb_puts(&sb, t->pp);
	if (!t->is_return) {
		put_vars(&sb, s, f->params, f->nparams);
		put_vars(&sb, s, f->locals, f->nlocals);
	}
	if (t->is_return && dt_resolve(f->ret)->kind != DT_VOID)
		sb_printf(&sb, " $return:%s", dt_name(&s->arena, f->ret));
	r = arena_strdup(&s->arena, sb_cstr(&sb));
	sb_free(&sb);
	return r;
}

/* A probe alias is listed by its name, with (-L) the script variables
 * its body sets, SystemTap's way: syscall.read name:string fd:long ... */
static const char *describe_alias(struct session *s, const struct rprobe *rp,
				  bool vars)
{
	struct strbuf sb;
	const char *r;

	if (!vars)
		return rp->alias;
	sb_init(&sb);
	sb_puts(&sb, rp->alias);
	for (int i = 0; i < rp->locals.n; i++) {
		const struct symbol *l = rp->locals.v[i];

		if (l->name[0] != '_' && l->written && l->nkeys <= 0)
			sb_printf(&sb, " %s:%s", l->name, type_name(l->type));
	}
	r = arena_strdup(&s->arena, sb_cstr(&sb));
	sb_free(&sb);
	return r;
}

void list_probes(struct session *s, const struct program *p, bool vars,
		 FILE *out)
{
	struct ptrvec lines = { 0 };

	for (int i = 0; i < p->probes.n; i++) {
		const struct rprobe *rp = p->probes.v[i];

		if (rp->alias) {
			pv_push(&s->arena, &lines,
				(void *)describe_alias(s, rp, vars));
			continue;
		}
		for (int j = 0; j < rp->targets.n; j++)
			pv_push(&s->arena, &lines, (void *)describe_target(s,
				rp->targets.v[j], vars));
	}
	if (lines.n)
		qsort(lines.v, (size_t)lines.n, sizeof(*lines.v), cmp_str);
	for (int i = 0; i < lines.n; i++)
		if (!i || strcmp(lines.v[i], lines.v[i - 1]))
			fprintf(out, "%s\n", (const char *)lines.v[i]);
}
