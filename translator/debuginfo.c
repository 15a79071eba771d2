/* debuginfo.c - the source-independent half of debuginfo.h: the lazy
 * accessors that ask the reader for a type's target or members the first
 * time they are wanted, member search, type lookup by spelling, and type
 * names spelled the way `stap -L` prints them. */
#include <string.h>

#include "debuginfo.h"

/* Deeper than any real declarator; stops a malformed source's cycle. */
#define DT_MAX_DEPTH 64

/* The dtype is const to its users but filled in behind their back: every
 * dtype a reader hands out lives, writable, in its arena. */
struct dtype *dt_new(struct dsource *s, enum dtype_kind kind, uint32_t id,
		     const char *name)
{
	struct dtype *t = arena_alloc(s->a, sizeof(*t));

	t->kind = kind;
	t->name = name ? name : "";
	t->src = s;
	t->id = id;
	/* only these have members, or a target, to fill in later */
	t->members_done = kind != DT_STRUCT && kind != DT_UNION;
	t->target_done = kind == DT_VOID || kind == DT_INT || kind == DT_ENUM ||
			 kind == DT_STRUCT || kind == DT_UNION ||
			 kind == DT_FLOAT || kind == DT_UNKNOWN;
	return t;
}

const struct dtype *dt_target(const struct dtype *t)
{
	struct dtype *w = (struct dtype *)t;

	if (!t)
		return NULL;
	if (!w->target_done) {
		w->target_done = true;
		if (w->src && w->src->fill_target)
			w->src->fill_target(w->src, w);
	}
	return w->target_;
}

static void dt_fill_members(const struct dtype *t)
{
	struct dtype *w = (struct dtype *)t;

	if (w->members_done)
		return;
	w->members_done = true;
	if (w->src && w->src->fill_members)
		w->src->fill_members(w->src, w);
}

int dt_nmembers(const struct dtype *t)
{
	if (!t)
		return 0;
	dt_fill_members(t);
	return t->nmembers_;
}

const struct dmember *dt_member(const struct dtype *t, int i)
{
	if (i < 0 || i >= dt_nmembers(t))
		return NULL;
	return &t->members_[i];
}

static bool dt_is_alias(const struct dtype *t)
{
	switch (t->kind) {
	case DT_TYPEDEF: case DT_CONST: case DT_VOLATILE: case DT_RESTRICT:
		return true;
	default:
		return false;
	}
}

const struct dtype *dt_resolve(const struct dtype *t)
{
	for (int depth = 0; t && dt_is_alias(t); depth++) {
		const struct dtype *next = dt_target(t);

		/* "const void" and friends: the alias is all there is */
		if (!next || depth == DT_MAX_DEPTH)
			break;
		t = next;
	}
	return t;
}

static const struct dmember *find_member(const struct dtype *t,
					 const char *name, int64_t *bit_offset,
					 int depth)
{
	int n;

	t = dt_resolve(t);
	if (!t || (t->kind != DT_STRUCT && t->kind != DT_UNION) ||
	    depth > DT_MAX_DEPTH)
		return NULL;
	n = dt_nmembers(t);
	for (int i = 0; i < n; i++) {
		const struct dmember *m = &t->members_[i];
		const struct dmember *in;
		int64_t off;

		if (m->name[0]) {
			if (strcmp(m->name, name))
				continue;
			*bit_offset = m->bit_offset;
			return m;
		}
		/* C puts an anonymous member's fields in the outer scope */
		in = find_member(m->type, name, &off, depth + 1);
		if (in) {
			*bit_offset = m->bit_offset + off;
			return in;
		}
	}
	return NULL;
}

const struct dmember *dt_find_member(const struct dtype *t, const char *name,
				     int64_t *bit_offset)
{
	int64_t off = 0;
	const struct dmember *m;

	if (!name || !name[0])
		return NULL;
	m = find_member(t, name, &off, 0);
	if (m && bit_offset)
		*bit_offset = off;
	return m;
}

static void put_name(struct strbuf *sb, const struct dtype *t, int depth);

static void put_tagged(struct strbuf *sb, const char *kw, const struct dtype *t)
{
	sb_printf(sb, "%s %s", kw, t->name && t->name[0] ? t->name : "{...}");
}

/* Outermost dimension first, as C writes it: int[2][3]. */
static void put_array(struct strbuf *sb, const struct dtype *t, int depth)
{
	const struct dtype *dims[DT_MAX_DEPTH];
	int n = 0;

	while (t && t->kind == DT_ARRAY && n < DT_MAX_DEPTH) {
		dims[n++] = t;
		t = dt_target(t);
	}
	put_name(sb, t, depth + n);
	for (int i = 0; i < n; i++) {
		if (dims[i]->nelems)
			sb_printf(sb, "[%lld]", (long long)dims[i]->nelems);
		else
			sb_puts(sb, "[]");
	}
}

/* Kept short on purpose: "int (*)()", the parameters left out. */
static void put_pointer(struct strbuf *sb, const struct dtype *t, int depth)
{
	const struct dtype *to = dt_target(t);

	if (to && to->kind == DT_FUNC) {
		put_name(sb, dt_target(to), depth + 1);
		sb_puts(sb, " (*)()");
		return;
	}
	put_name(sb, to, depth + 1);
	sb_putc(sb, '*');
}

/* SystemTap writes qualifiers after what they qualify: "char const*". */
static void put_name(struct strbuf *sb, const struct dtype *t, int depth)
{
	if (depth > DT_MAX_DEPTH) {
		sb_puts(sb, "...");
		return;
	}
	if (!t) {
		sb_puts(sb, "void");
		return;
	}
	switch (t->kind) {
	case DT_VOID:
		sb_puts(sb, "void");
		break;
	case DT_INT: case DT_FLOAT: case DT_TYPEDEF:
		sb_puts(sb, t->name && t->name[0] ? t->name : "?");
		break;
	case DT_ENUM:
		put_tagged(sb, "enum", t);
		break;
	case DT_STRUCT:
		put_tagged(sb, "struct", t);
		break;
	case DT_UNION:
		put_tagged(sb, "union", t);
		break;
	case DT_PTR:
		put_pointer(sb, t, depth);
		break;
	case DT_ARRAY:
		put_array(sb, t, depth);
		break;
	case DT_FUNC:
		/* a DT_FUNC's target is its return type */
		put_name(sb, dt_target(t), depth + 1);
		sb_puts(sb, " ()");
		break;
	case DT_CONST:
		put_name(sb, dt_target(t), depth + 1);
		sb_puts(sb, " const");
		break;
	case DT_VOLATILE:
		put_name(sb, dt_target(t), depth + 1);
		sb_puts(sb, " volatile");
		break;
	case DT_RESTRICT:
		put_name(sb, dt_target(t), depth + 1);
		sb_puts(sb, " restrict");
		break;
	case DT_UNKNOWN:
	default:
		sb_puts(sb, "?");
		break;
	}
}

const char *dt_name(struct arena *a, const struct dtype *t)
{
	struct strbuf sb;
	const char *r;

	sb_init(&sb);
	put_name(&sb, t, 0);
	r = arena_strdup(a, sb_cstr(&sb));
	sb_free(&sb);
	return r;
}

static const struct dtype *lookup_base(struct dsource *s, const char *name)
{
	static const enum dtype_kind order[] = {
		DT_STRUCT, DT_UNION, DT_TYPEDEF, DT_INT, DT_ENUM,
	};
	static const struct {
		const char *kw;
		enum dtype_kind kind;
	} tags[] = {
		{ "struct", DT_STRUCT }, { "union", DT_UNION }, { "enum", DT_ENUM },
	};
	const struct dtype *t;

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t n = strlen(tags[i].kw);

		if (!strncmp(name, tags[i].kw, n) && (name[n] == ' ' || name[n] == '\t')) {
			name += n;
			name += strspn(name, " \t");
			return s->find_type(s, name, tags[i].kind);
		}
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		t = s->find_type(s, name, order[i]);
		if (t)
			return t;
	}
	return NULL;
}

/* A trailing "*" (as in @cast(p, "struct file*")) makes a pointer of our
 * own: sources only have the pointer types the kernel happens to use. */
const struct dtype *dt_lookup(struct dsource *s, const char *spelling)
{
	const char *b, *e;
	const struct dtype *t;
	int nptr = 0;

	if (!s || !s->find_type || !spelling)
		return NULL;
	b = spelling + strspn(spelling, " \t");
	e = b + strlen(b);
	for (;;) {
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == b || e[-1] != '*')
			break;
		e--;
		nptr++;
	}
	if (e == b)
		return NULL;
	t = lookup_base(s, arena_strndup(s->a, b, (size_t)(e - b)));
	while (t && nptr--) {
		struct dtype *p = arena_alloc(s->a, sizeof(*p));

		p->kind = DT_PTR;
		p->name = "";
		p->size = sizeof(void *);
		p->target_ = t;
		p->target_done = true;
		p->members_done = true;
		t = p;
	}
	return t;
}

void dsource_close(struct dsource *s)
{
	if (s && s->close)
		s->close(s);
}
