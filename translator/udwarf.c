/* udwarf.c - process("PATH") probes through the program's DWARF.
 *
 * An executable or shared library built with -g is read like a module
 * built with -g (dwarf.c): its functions, their parameters and locals with
 * their location expressions, its line table.  What differs for user code:
 * each probe is a file offset (elfsyms.c maps a link-time address back to
 * the file), pp() names the function SystemTap's way with where it is
 * declared, function("f@/src/prog.c:12"), and unoptimized code (-O0)
 * keeps its variables in stack slots that only hold them once the
 * prologue has run, so an entry probe there is placed at the function's
 * first statement, as SystemTap does. */
#include <dwarf.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"
#include "udwarf.h"

static const char *sb_done(struct arena *a, struct strbuf *sb)
{
	const char *r = arena_strdup(a, sb_cstr(sb));

	sb_free(sb);
	return r;
}

/* process("PATH").function("NAME@FILE:LINE") and what followed it. */
static const char *func_pp(struct arena *a, const struct probe_point *pp,
			   const char *path, const struct dfunc *f)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_printf(&sb, "process(\"%s\").function(\"%s", path, f->name);
	if (f->decl_file)
		sb_printf(&sb, "@%s:%d", f->decl_file, f->decl_line);
	sb_puts(&sb, "\")");
	for (int i = 2; i < pp->comps.n; i++)
		sb_printf(&sb, ".%s", ((const struct pp_comp *)pp->comps.v[i])->name);
	return sb_done(a, &sb);
}

/* f at its entry as @entry sees it in unoptimized code, whose stack slots
 * the prologue has not filled yet: its parameters where the x86_64
 * calling convention passes them (register arguments by position), and
 * of the locals only the static ones (DW_OP_addr), whose storage is
 * there all along. */
static const struct dfunc *entry_args(struct arena *a, const struct dfunc *f)
{
	struct dfunc *g = arena_alloc(a, sizeof(*g));
	struct dvar *p = arena_alloc(a, sizeof(*p) * (size_t)(f->nparams + 1));
	struct dvar *l = arena_alloc(a, sizeof(*l) * (size_t)(f->nlocals + 1));
	int n = 0;

	*g = *f;
	for (int i = 0; i < f->nlocals; i++)
		if (f->locals[i].nloc >= 1 && f->locals[i].loc[0].atom == DW_OP_addr)
			l[n++] = f->locals[i];
	for (int i = 0; i < f->nparams; i++) {
		p[i] = f->params[i];
		p[i].has_loc = false;
		p[i].loc = NULL;
		p[i].nloc = 0;
	}
	g->params = p;
	g->locals = l;
	g->nlocals = n;
	return g;
}

struct ufunc_walk {
	struct session *s;
	const struct probe_point *pp;
	const struct probe_target *proto;
	const struct elf_syms *es;
	struct dsource *ds;
	const char *file;
	int line;
	struct ptrvec *out;
	int skipped;			/* no code in a loaded segment */
};

static int add_ufunc(const struct dfunc *f, void *data)
{
	struct ufunc_walk *w = data;
	struct arena *a = &w->s->arena;
	const struct dfunc *at = f;
	struct probe_target *t;
	int64_t off;

	if (w->file && (!f->decl_file || !dwarf_file_matches(f->decl_file, w->file) ||
			(w->line && f->decl_line != w->line)))
		return 0;
	/* a .return probe's uprobe must be the entry itself */
	{
		const struct dfunc *body = dwarf_func_body(w->ds, f->name);

		if (body && !w->proto->is_return)
			at = body;
		else if (body)
			at = entry_args(a, f);
	}
	off = elf_addr_offset(w->es, at->pc);
	if (off < 0) {
		w->skipped++;
		return 0;
	}
	t = arena_alloc(a, sizeof(*t));
	*t = *w->proto;
	t->symbol = f->name;
	t->func = at;
	t->offset = off;
	t->pp = func_pp(a, w->pp, t->path, f);
	pv_push(a, w->out, t);
	return 0;
}

enum match_result udwarf_functions(struct session *s,
				   const struct probe_point *pp,
				   struct probe_target *t,
				   const struct elf_syms *es, struct dsource *ds,
				   const char *spec, struct ptrvec *out,
				   const char **msg)
{
	struct ufunc_walk w = { s, pp, t, es, ds, NULL, 0, out, 0 };
	const char *name;
	int before = out->n;

	if (split_func_spec(&s->arena, spec, &name, &w.file, &w.line)) {
		*msg = "a function probe names FUNC or FUNC@FILE[:LINE]";
		return MATCH_ERROR;
	}
	if (!w.file && !strpbrk(name, "*?[") && !ds->find_func(ds, name))
		return MATCH_NONE;
	ds->each_func(ds, name, add_ufunc, &w);
	if (out->n > before)
		return MATCH_OK;
	if (!w.file)
		return MATCH_NONE;	/* a wildcard: the symbol table's turn */
	*msg = arena_printf(&s->arena, "no function '%s' declared in '%s'%s "
			    "in %s", name, w.file, w.line ? arena_printf(
			    &s->arena, " at line %d", w.line) : "", t->path);
	return MATCH_NOTHING;
}

enum match_result udwarf_statement(struct session *s,
				   const struct probe_point *pp,
				   struct probe_target *t,
				   const struct elf_syms *es, struct dsource *ds,
				   const char *dwhy, const char *spec,
				   struct ptrvec *out, const char **msg)
{
	struct arena *a = &s->arena;
	const char *func, *file;
	const struct dfunc *f;
	struct strbuf sb;
	int line;

	(void)pp;
	if (split_func_spec(a, spec, &func, &file, &line) || !file || !line) {
		*msg = "a statement probe names FUNC@FILE:LINE (or an address)";
		return MATCH_ERROR;
	}
	if (!ds) {
		*msg = arena_printf(a, "statement(\"%s\") needs DWARF debuginfo: "
				    "%s", spec, dwhy);
		return MATCH_ERROR;
	}
	f = dwarf_find_line(ds, func, file, line, msg);
	if (!f)
		return MATCH_ERROR;
	t->offset = elf_addr_offset(es, f->pc);
	if (t->offset < 0) {
		*msg = arena_printf(a, "%s:%d has no code in a loaded segment "
				    "of %s", file, line, t->path);
		return MATCH_ERROR;
	}
	t->symbol = f->name;
	t->func = f;
	sb_init(&sb);
	sb_printf(&sb, "process(\"%s\").statement(\"%s@%s:%d\")", t->path,
		  f->name, f->decl_file && dwarf_file_matches(f->decl_file, file)
		  ? f->decl_file : file, line);
	t->pp = sb_done(a, &sb);
	{
		struct probe_target *u = arena_alloc(a, sizeof(*u));

		*u = *t;
		pv_push(a, out, u);
	}
	return MATCH_OK;
}
