/* procfs.c - procfs("NAME").read and procfs("NAME").write probes.
 *
 * Each names a file /proc/systemtap/MODULE/NAME (NAME may have
 * directories, "a/b"); the module creates it when the session starts.  A
 * read of the file runs its .read probe, whose handler sets $value: that
 * string is what the reader gets.  A write runs the .write probe with
 * $value holding the data written (in pieces of at most MAXSTRINGLEN-1
 * bytes).  A file may have one .read and one .write probe; its mode is
 * 0444, 0222 or 0666 by which probes it has, less .umask(N).  The
 * runtime part is runtime/linux/procfs.c. */
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

static const struct pp_comp *comp(const struct probe_point *pp, int i)
{
	return i < pp->comps.n ? pp->comps.v[i] : NULL;
}

static bool is(const struct pp_comp *c, const char *name)
{
	return c && !strcmp(c->name, name);
}

/* NAME: relative path components of letters, digits, '_', '-', '.',
 * neither empty nor "." nor "..". */
static const char *bad_name(const char *name)
{
	const char *p = name, *start = name;

	if (!*name)
		return "the file name is empty";
	for (;; p++) {
		if (*p == '/' || !*p) {
			size_t n = (size_t)(p - start);

			if (!n)
				return "the file name has an empty path component";
			if ((n == 1 && start[0] == '.') ||
			    (n == 2 && !strncmp(start, "..", 2)))
				return "'.' and '..' are not allowed in the "
				       "file name";
			if (!*p)
				return NULL;
			start = p + 1;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-.", *p)))
			return "the file name may only have letters, digits, "
			       "'_', '-', '.' and '/'";
	}
}

/* The names a session has probes on, to refuse a second .read or .write
 * probe on one file (resolving the same probe point twice, as a listing
 * may, is no conflict: the same place in the source). */
struct seen {
	const char *name, *pp;
	struct srcloc loc;
	bool write;
	struct seen *next;
};

static struct seen *seen_list;
static const struct session *seen_session;

static const char *check_duplicate(struct session *s, const char *name,
				   bool write, const char *pp,
				   const struct srcloc *loc)
{
	struct seen *n;

	if (seen_session != s) {
		seen_session = s;
		seen_list = NULL;
	}
	for (n = seen_list; n; n = n->next) {
		size_t a = strlen(n->name), b = strlen(name);

		if ((a < b && !strncmp(n->name, name, a) && name[a] == '/') ||
		    (b < a && !strncmp(n->name, name, b) && n->name[b] == '/'))
			return arena_printf(&s->arena, "procfs file '%s' and "
					    "'%s': one cannot be the other's "
					    "directory", name, n->name);
		if (n->write == write && !strcmp(n->name, name))
			return n->loc.file != loc->file ||
			       n->loc.line != loc->line || n->loc.col != loc->col
				? arena_printf(&s->arena, "procfs file '%s' "
					       "already has a .%s probe (%s)",
					       name, write ? "write" : "read",
					       n->pp)
				: NULL;
	}
	n = arena_alloc(&s->arena, sizeof(*n));
	n->name = name;
	n->pp = pp;
	n->loc = *loc;
	n->write = write;
	n->next = seen_list;
	seen_list = n;
	return NULL;
}

enum match_result match_procfs(struct session *s, const struct probe_point *pp,
			       struct probe_target *t, struct ptrvec *out,
			       const char **msg)
{
	const struct pp_comp *c0 = comp(pp, 0), *c;
	const char *name = "command", *why;
	int i = 1;
	struct probe_target *u;

	if (!is(c0, "procfs"))
		return MATCH_NONE;
	if (c0->arg && c0->arg->kind != E_STR) {
		*msg = "procfs(NAME) takes a string, the file's name";
		return MATCH_ERROR;
	}
	if (c0->arg)
		name = c0->arg->str;
	t->umask = -1;
	c = comp(pp, i);
	if (is(c, "umask")) {
		if (!c->arg || c->arg->kind != E_NUM || c->arg->num < 0 ||
		    c->arg->num > 0777) {
			*msg = "umask(N) takes a file mode mask, 0 to 0777";
			return MATCH_ERROR;
		}
		t->umask = c->arg->num;
		c = comp(pp, ++i);
	}
	if (!(is(c, "read") || is(c, "write")) || c->arg) {
		*msg = "a procfs probe point ends in .read or .write";
		return MATCH_ERROR;
	}
	t->procfs_write = is(c, "write");
	c = comp(pp, ++i);
	if (c && !t->procfs_write && is(c, "maxsize")) {
		if (!c->arg || c->arg->kind != E_NUM || c->arg->num < 1 ||
		    c->arg->num > 65536) {
			*msg = "maxsize(N) takes a buffer size, 1 to 65536 "
			       "bytes";
			return MATCH_ERROR;
		}
		t->maxsize = c->arg->num;
		c = comp(pp, ++i);
	}
	if (c) {
		*msg = t->procfs_write
			? "nothing may follow procfs(NAME).write"
			: "only .maxsize(N) may follow procfs(NAME).read";
		return MATCH_ERROR;
	}
	if (!strcmp(s->runtime, "user")) {
		*msg = "it needs the kernel";
		return MATCH_UNAVAILABLE;
	}
	why = bad_name(name);
	if (why) {
		*msg = arena_printf(&s->arena, "procfs file '%s': %s", name, why);
		return MATCH_ERROR;
	}
	why = check_duplicate(s, name, t->procfs_write, t->pp, &pp->loc);
	if (why) {
		*msg = why;
		return MATCH_ERROR;
	}
	t->kind = PROV_PROCFS;
	t->symbol = name;
	u = arena_alloc(&s->arena, sizeof(*u));
	*u = *t;
	pv_push(&s->arena, out, u);
	return MATCH_OK;
}

const char *procfs_resolve_value(struct arena *a, const struct probe_target *t,
				 struct expr *e, bool write)
{
	struct tv_access *acc;

	if (!t || t->kind != PROV_PROCFS)
		return NULL;
	if (strcmp(e->name, "$value"))
		return arena_printf(a, "unable to find procfs variable '%s' "
				    "(alternatives: $value)", e->name);
	if (e->comps.n)
		return "$value is a string: it has no members or elements";
	if (write && t->procfs_write)
		return "$value is the data written in a procfs .write probe, "
		       "and cannot be assigned to";
	acc = arena_alloc(a, sizeof(*acc));
	memset(acc, 0, sizeof(*acc));
	acc->base = TVB_PROCFS;
	acc->final = TVF_VALUE;
	e->tv = acc;
	e->type = T_STRING;
	return NULL;
}

void gen_procfs(FILE *out, const struct program *P)
{
	int index = 0, n = 0;

	fputs("\n/* procfs files: probe, name, write, umask, maxsize. */\n"
	      "const struct stp_procfs_def stp_procfs_defs[] = {\n", out);
	for (int i = 0; i < P->probes.n; i++) {
		const struct rprobe *p = P->probes.v[i];

		for (int j = 0; j < p->targets.n; j++, index++) {
			const struct probe_target *t = p->targets.v[j];

			if (t->kind != PROV_PROCFS)
				continue;
			/* the name has no characters C would escape */
			fprintf(out, "\t{ %d, \"%s\", %d, %d, %d },\n", index,
				t->symbol, t->procfs_write, (int)t->umask,
				(int)t->maxsize);
			n++;
		}
	}
	fprintf(out, "\t{ -1, NULL, 0, 0, 0 }\n};\nconst int stp_nprocfs_defs = "
		"%d;\n", n);
}
