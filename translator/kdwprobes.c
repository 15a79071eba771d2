/* kdwprobes.c - kernel probe points that the kernel's DWARF answers
 * (kdwarf.c), matched in pass 2 for probes.c:
 *
 *   kernel.function("PATTERN[@FILE[:LINE]]")[.call|.return|.inline]
 *   kprobe.function("PATTERN")[.return]
 *   kernel.statement("FUNC@FILE:LINE"), ("FUNC@FILE+N") (N lines after
 *   FUNC's declaration), ("*@FILE:LINE")
 *
 * Each match is a kprobe at an ELF symbol plus an offset: a function's
 * own symbol (a .isra/.constprop clone's when gcc only emitted that), an
 * inlined instance's caller, a line's address in its function.  Without
 * the kernel's DWARF, what only DWARF can answer is an error naming the
 * package that has it. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "kdwarf.h"
#include "kdwprobes.h"
#include "targets.h"

static const struct pp_comp *comp(const struct probe_point *pp, int i)
{
	return i < pp->comps.n ? pp->comps.v[i] : NULL;
}

static bool is(const struct pp_comp *c, const char *name)
{
	return c && !strcmp(c->name, name);
}

struct kmatch {
	struct session *s;
	const struct probe_point *pp;
	const struct probe_target *proto;
	int i;
	struct ptrvec *out;
	const char *stmt;		/* statement: the pp's argument */
};

static int add_hit(const struct kdwarf_hit *h, void *data)
{
	struct kmatch *m = data;
	struct probe_target *t = arena_alloc(&m->s->arena, sizeof(*t));

	*t = *m->proto;
	t->symbol = h->symbol;
	t->offset = h->offset;
	t->func = h->f;
	/* pp() names where the function is declared, as SystemTap's does */
	t->pp = function_pp(&m->s->arena, m->pp, m->i, m->stmt ? m->stmt
			    : !h->file ? h->name
			    : arena_printf(&m->s->arena, "%s@%s:%d", h->name,
					   h->file, h->line));
	pv_push(&m->s->arena, m->out, t);
	return 0;
}

/* "f@file:line", "f@file+n", "f@file", "f": the parts; -1 if malformed. */
static int split(struct arena *a, const char *spec, const char **func,
		 const char **file, int *line, bool *rel)
{
	const char *at = strchr(spec, '@'), *sep;
	char *end;

	*func = spec;
	*file = NULL;
	*line = 0;
	*rel = false;
	if (!at)
		return strpbrk(spec, ":+") ? -1 : 0;
	*func = at == spec ? "*" : arena_strndup(a, spec, (size_t)(at - spec));
	sep = strpbrk(at, ":+");
	*file = arena_strndup(a, at + 1, sep ? (size_t)(sep - at - 1)
					     : strlen(at + 1));
	if (!**file)
		return -1;
	if (!sep)
		return 0;
	*rel = *sep == '+';
	*line = (int)strtol(sep + 1, &end, 10);
	return *end || *line < (*rel ? 0 : 1) ? -1 : 0;
}

enum match_result kdwarf_match(struct session *s, struct dsource *ds,
			       const struct probe_point *pp, int i,
			       struct probe_target *t, struct ptrvec *out,
			       const char **msg)
{
	const struct pp_comp *fn = comp(pp, i), *tail = comp(pp, i + 1);
	struct kmatch m = { s, pp, t, i, out, NULL };
	const char *func, *file;
	int line, n;
	bool rel, inl = is(tail, "inline");

	if (split(&s->arena, fn->arg->str, &func, &file, &line, &rel)) {
		*msg = is(fn, "statement")
		       ? "a statement probe names FUNC@FILE:LINE or FUNC@FILE+N"
		       : "a function probe names FUNC, FUNC@FILE or FUNC@FILE:LINE";
		return MATCH_ERROR;
	}
	t->kind = PROV_KPROBE;
	t->is_return = is(tail, "return");
	if (is(fn, "statement")) {
		if (!file || (!line && !rel)) {
			*msg = "a statement probe names FUNC@FILE:LINE or "
			       "FUNC@FILE+N";
			return MATCH_ERROR;
		}
		if (rel) {
			int decl = kdwarf_decl_line(ds, func, file);

			if (!decl) {
				*msg = arena_printf(&s->arena, "no function '%s' "
						    "declared in '%s' in the "
						    "kernel's DWARF", func, file);
				return MATCH_ERROR;
			}
			line += decl;
		}
		m.stmt = arena_printf(&s->arena, "%s@%s:%d", func, file, line);
		n = kdwarf_lines(ds, func, file, line, add_hit, &m, msg);
		if (!n)
			return MATCH_ERROR;
		/* one line of a wildcard: each function's copy of it */
		for (int k = out->n - n; k < out->n && strpbrk(func, "*?["); k++) {
			struct probe_target *u = out->v[k];

			u->pp = function_pp(&s->arena, pp, i, arena_printf(&s->arena,
					"%s@%s:%d", u->func->name, file, line));
			u->optional = true;
		}
		return MATCH_OK;
	}
	if (rel) {
		*msg = "a function probe names FUNC, FUNC@FILE or FUNC@FILE:LINE";
		return MATCH_ERROR;
	}
	n = kdwarf_each(ds, func, file, line, inl, add_hit, &m);
	if (n && (n > 1 || strpbrk(func, "*?[") || inl))
		for (int k = out->n - n; k < out->n; k++)
			((struct probe_target *)out->v[k])->optional = true;
	if (n)
		return MATCH_OK;
	if (!file && !inl && !strpbrk(func, "*?[")) {
		/* not in the DWARF (assembly, a name only kallsyms knows):
		 * by symbol, without target variables */
		struct probe_target *u = arena_alloc(&s->arena, sizeof(*u));

		*u = *t;
		u->symbol = func;
		pv_push(&s->arena, out, u);
		return MATCH_OK;
	}
	*msg = inl ? arena_printf(&s->arena, "no inlined instance of '%s'%s%s "
				  "in the kernel's DWARF", func,
				  file ? " declared in " : "", file ? file : "")
	       : file ? arena_printf(&s->arena, "no function '%s' declared in "
				     "'%s'", func, file)
		      : "no kernel function matches";
	return MATCH_NOTHING;
}

const char *kdwarf_needed(struct session *s)
{
	return arena_printf(&s->arena, "it needs the kernel's DWARF debuginfo "
			    "(Debian: linux-image-%s-dbg; see "
			    "SYSTEMTAP_DEBUGINFO_PATH in stap(1))",
			    s->kernel_release_resolved);
}
