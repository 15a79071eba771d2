/* listing.c - stap -l and -L: the probe points a pattern matches, and
 * (with -L) the target variables each one offers, with their types:
 *
 *	kernel.function("vfs_read") $file:struct file* $buf:char* ...
 *
 * The pattern goes through pass 2 like a probe with an empty body, so it
 * matches exactly what a script's probe would. */
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"
#include "passes.h"
#include "targets.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *describe_target(struct session *s,
				   const struct probe_target *t, bool vars)
{
	const struct dfunc *f = t->func;
	struct strbuf sb;
	const char *r;
	struct dsource *ds;

	if (!vars || t->kind != PROV_KPROBE)
		return t->pp;
	if (!f && !t->module && (ds = kernel_types(s, NULL)))
		f = ds->find_func(ds, t->symbol);
	if (!f)
		return t->pp;
	sb_init(&sb);
	sb_puts(&sb, t->pp);
	for (int i = 0; i < f->nparams && !t->is_return; i++)
		sb_printf(&sb, " $%s:%s", f->params[i].name,
			  dt_name(&s->arena, f->params[i].type));
	if (t->is_return && dt_resolve(f->ret)->kind != DT_VOID)
		sb_printf(&sb, " $return:%s", dt_name(&s->arena, f->ret));
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
