/* procevents.c - process.begin, process.end, process.thread.begin and
 * process.thread.end, each alone or with process("PATH") / process(PID).
 *
 * .begin fires in a process's own context when it starts: each process
 * that exists when the session starts, each one forked later, and again
 * when a process execs a new program; .end when it exits (its last
 * thread).  .thread.begin / .thread.end do the same for the other
 * threads of a process (not its first).  PATH limits them to processes
 * running that executable (found as a shell would, on $PATH); PID to that
 * process.  Without either, with -c or -x, to the target process and its
 * descendants.  The runtime part is runtime/linux/procevents.c. */
#include <string.h>

#include "procevents.h"

static const struct pp_comp *comp(const struct probe_point *pp, int i)
{
	return i < pp->comps.n ? pp->comps.v[i] : NULL;
}

static bool is(const struct pp_comp *c, const char *name)
{
	return c && !strcmp(c->name, name);
}

enum match_result match_procevents(struct session *s,
				   const struct probe_point *pp,
				   struct probe_target *t, struct ptrvec *out,
				   const char **msg)
{
	const struct pp_comp *c0 = comp(pp, 0), *c1 = comp(pp, 1), *ev, *c;
	const char *path = NULL, *what;
	bool thread;
	struct probe_target *u;

	if (!is(c0, "process") ||
	    !(is(c1, "begin") || is(c1, "end") || is(c1, "thread")))
		return MATCH_NONE;
	thread = is(c1, "thread");
	ev = thread ? comp(pp, 2) : c1;
	if (thread && (c1->arg || !(is(ev, "begin") || is(ev, "end")))) {
		*msg = "process(...).thread is followed by .begin or .end, "
		       "and takes no argument";
		return MATCH_ERROR;
	}
	what = thread ? "thread" : "process";
	if (ev->arg) {
		*msg = arena_printf(&s->arena, "%s.%s takes no argument: a "
				    "process is named with process(PID) or "
				    "process(\"PATH\")", what, ev->name);
		return MATCH_ERROR;
	}
	c = comp(pp, thread ? 3 : 2);
	if (c) {
		*msg = arena_printf(&s->arena, "nothing may follow .%s%s",
				    thread ? "thread." : "", ev->name);
		return MATCH_ERROR;
	}
	if (c0->arg && c0->arg->kind == E_NUM &&
	    (c0->arg->num <= 0 || c0->arg->num > 0x3fffffff)) {
		*msg = "process(PID) takes a process id, a positive number";
		return MATCH_ERROR;
	}
	if (!strcmp(s->runtime, "user")) {
		*msg = "it needs the kernel";
		return MATCH_UNAVAILABLE;
	}
	if (c0->arg && c0->arg->kind == E_STR) {
		path = find_executable(&s->arena, c0->arg->str, msg);
		if (!path)
			return MATCH_NOTHING;
	}
	t->kind = PROV_PROCEVENT;
	t->procevent = (is(ev, "begin") ? PE_BEGIN : PE_END) +
		       (thread ? PE_THREAD_BEGIN : 0);
	t->path = path;
	t->pid = c0->arg && c0->arg->kind == E_NUM ? c0->arg->num : 0;
	if (path)
		t->pp = arena_printf(&s->arena, "process(\"%s\").%s%s", path,
				     thread ? "thread." : "", ev->name);
	else if (t->pid)
		t->pp = arena_printf(&s->arena, "process(%lld).%s%s",
				     (long long)t->pid,
				     thread ? "thread." : "", ev->name);
	else
		t->pp = arena_printf(&s->arena, "process.%s%s",
				     thread ? "thread." : "", ev->name);
	u = arena_alloc(&s->arena, sizeof(*u));
	*u = *t;
	pv_push(&s->arena, out, u);
	return MATCH_OK;
}

/* s as a C string literal. */
static void put_c_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\%03o", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

void gen_procevents(FILE *out, const struct program *P)
{
	int index = 0, n = 0;

	fputs("\n/* process events: probe, event, pid, path. */\n"
	      "const struct stp_procevent_def stp_procevent_defs[] = {\n", out);
	for (int i = 0; i < P->probes.n; i++) {
		const struct rprobe *p = P->probes.v[i];

		for (int j = 0; j < p->targets.n; j++, index++) {
			const struct probe_target *t = p->targets.v[j];

			if (t->kind != PROV_PROCEVENT)
				continue;
			fprintf(out, "\t{ %d, %d, %lld, ", index, t->procevent,
				(long long)t->pid);
			if (t->path)
				put_c_string(out, t->path);
			else
				fputs("NULL", out);
			fputs(" },\n", out);
			n++;
		}
	}
	fprintf(out, "\t{ -1, 0, 0, NULL }\n};\nconst int stp_nprocevent_defs = "
		"%d;\n", n);
}
