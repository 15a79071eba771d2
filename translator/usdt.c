/* usdt.c - process("PATH").mark("NAME"): probes on the static markers
 * <sys/sdt.h> (STAP_PROBE, DTRACE_PROBE) puts in a program.
 *
 * Each marker is a nop in the code and a note in .note.stapsdt (owner
 * "stapsdt", type 3): the marker's address, the link-time address of the
 * .stapsdt.base section (to adjust for prelinking), the address of its
 * semaphore (0: none), then provider, name and the arguments as assembler
 * operands, "SIZE@OPERAND" separated by spaces ("-4@%edi 8@-16(%rbp)
 * 4@$42"; a negative size is a signed value).  A match is a uprobe at the
 * marker's file offset; $argN reads the operand from the user registers
 * the uprobe saved, or user memory through the non-faulting reader
 * (runtime/linux/usdt.c), cut to its size.  $name and $provider (also
 * $$name, $$provider) are the note's strings. */
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsyms.h"
#include "usdt.h"

static const struct pp_comp *comp(const struct probe_point *pp, int i)
{
	return i < pp->comps.n ? pp->comps.v[i] : NULL;
}

/* x86_64 register names (64, 32, 16, 8 bits) by DWARF number. */
static int reg_number(const char *r, size_t n)
{
	static const char *const names[16][4] = {
		{ "rax", "eax", "ax", "al" }, { "rdx", "edx", "dx", "dl" },
		{ "rcx", "ecx", "cx", "cl" }, { "rbx", "ebx", "bx", "bl" },
		{ "rsi", "esi", "si", "sil" }, { "rdi", "edi", "di", "dil" },
		{ "rbp", "ebp", "bp", "bpl" }, { "rsp", "esp", "sp", "spl" },
		{ "r8", "r8d", "r8w", "r8b" }, { "r9", "r9d", "r9w", "r9b" },
		{ "r10", "r10d", "r10w", "r10b" }, { "r11", "r11d", "r11w", "r11b" },
		{ "r12", "r12d", "r12w", "r12b" }, { "r13", "r13d", "r13w", "r13b" },
		{ "r14", "r14d", "r14w", "r14b" }, { "r15", "r15d", "r15w", "r15b" },
	};

	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 4; j++)
			if (strlen(names[i][j]) == n && !strncmp(names[i][j], r, n))
				return i;
	return -1;
}

/* symbol_value()'s search. */
struct sym_search {
	const char *name;
	size_t n;
	uint64_t value;
};

static int same_symbol(const GElf_Sym *sym, const char *name, void *data)
{
	struct sym_search *ss = data;

	if (strlen(name) != ss->n || strncmp(name, ss->name, ss->n))
		return 0;
	ss->value = sym->st_value;
	return 1;
}

/* The value of symbol name[0..n) in e's symbol tables; false if none. */
static bool symbol_value(Elf *e, const char *name, size_t n, uint64_t *v)
{
	struct sym_search ss = { name, n, 0 };

	if (!e || (elf_each_symbol(e, SHT_SYMTAB, same_symbol, &ss) <= 0 &&
		   elf_each_symbol(e, SHT_DYNSYM, same_symbol, &ss) <= 0))
		return false;
	*v = ss.value;
	return true;
}

/* An operand's displacement op[0..n): a number, or SYM, SYM+N, SYM-N
 * (a->biased: the symbol's link-time address plus N).  False with
 * a->why when it is neither. */
static bool parse_disp(struct arena *ar, Elf *e, const char *op, size_t n,
		       struct usdt_arg *a)
{
	const char *txt = arena_strndup(ar, op, n);
	size_t sl = strcspn(txt, "+-");
	char *end;
	uint64_t v;

	if (txt[0] == '-' || (txt[0] >= '0' && txt[0] <= '9')) {
		a->disp = strtoll(txt, &end, 0);
		if (*end)
			a->why = "its displacement is not a number";
		return !*end;
	}
	if (!sl || !symbol_value(e, txt, sl, &v)) {
		a->why = arena_printf(ar, "the symbol '%.*s' is not in the "
				      "program's symbol table", (int)sl, txt);
		return false;
	}
	a->biased = true;
	a->disp = (int64_t)v;
	if (txt[sl]) {
		int64_t k = strtoll(txt + sl, &end, 0);

		if (*end) {
			a->why = "its displacement is not SYMBOL+NUMBER";
			return false;
		}
		/* wraps as the address arithmetic does, without overflow */
		a->disp = (int64_t)((uint64_t)a->disp + (uint64_t)k);
	}
	return true;
}

/* "%BASE[,%INDEX[,SCALE]]" or ",%INDEX[,SCALE]" or "%rip" (n bytes at r)
 * into a; a->why when malformed. */
static void parse_regs(struct arena *ar, const char *r, size_t n,
		       struct usdt_arg *a)
{
	const char *txt = arena_strndup(ar, r, n), *c1 = strchr(txt, ','), *c2;
	size_t bl = c1 ? (size_t)(c1 - txt) : n;

	if (bl == 4 && !strncmp(txt, "%rip", 4) && !c1) {
		/* the assembler made SYM(%rip) from SYM's address */
		if (!a->biased)
			a->why = "a %rip-relative operand without a symbol "
				 "is not supported";
		return;
	}
	if (bl) {
		a->reg = txt[0] == '%' ? reg_number(txt + 1, bl - 1) : -1;
		if (a->reg < 0) {
			a->why = arena_printf(ar, "'%.*s' is not a general "
					      "register", (int)bl, txt);
			return;
		}
	}
	if (!c1) {
		if (!bl)
			a->why = "the operand has no register";
		return;
	}
	c2 = strchr(c1 + 1, ',');
	bl = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
	a->index = c1[1] == '%' ? reg_number(c1 + 2, bl - 1) : -1;
	if (a->index < 0) {
		a->why = arena_printf(ar, "'%.*s' is not a general register",
				      (int)bl, c1 + 1);
		return;
	}
	if (c2) {
		char *end;

		a->scale = (int)strtol(c2 + 1, &end, 10);
		if (*end || (a->scale != 1 && a->scale != 2 && a->scale != 4 &&
			     a->scale != 8))
			a->why = "its scale is not 1, 2, 4 or 8";
	}
}

/* One "SIZE@OPERAND" into *a; a->why says when it cannot be read.  e is
 * the program, for the symbols an operand may name. */
static void parse_arg(struct arena *ar, Elf *e, const char *text,
		      struct usdt_arg *a)
{
	char *end;
	const char *op, *p;
	long size;

	memset(a, 0, sizeof(*a));
	a->text = text;
	size = strtol(text, &end, 10);
	/* in range before labs(): labs(LONG_MIN) overflows */
	if (*end != '@' || !size || size < -8 || size > 8 ||
	    (labs(size) & (labs(size) - 1))) {
		/* no size: the operand alone, a long */
		size = 8;
		op = text;
		if (strchr(text, '@')) {
			a->why = "its size is not 1, 2, 4 or 8";
			return;
		}
	} else {
		op = end + 1;
	}
	a->size = (int)labs(size);
	a->is_signed = size < 0;
	if (op[0] == '%') {
		a->kind = USDT_REG;
		a->reg = reg_number(op + 1, strlen(op + 1));
		if (a->reg < 0)
			a->why = arena_printf(ar, "register '%s' is not a general "
					      "register", op);
		return;
	}
	if (op[0] == '$') {
		a->kind = USDT_IMM;
		a->disp = strtoll(op + 1, &end, 0);
		if (*end || end == op + 1)
			a->why = "its constant is not a number";
		return;
	}
	/* DISP(%BASE[,%INDEX[,SCALE]]), DISP(,%INDEX[,SCALE]), SYM[+-N],
	 * SYM[+-N](%rip): DISP a number or a symbol plus a number */
	a->kind = USDT_MEM;
	a->reg = a->index = -1;
	a->scale = 1;
	p = strchr(op, '(');
	if (p ? op[strlen(op) - 1] != ')' : op[0] == '%') {
		a->why = "the operand is not a register, a constant or an "
			 "address";
		return;
	}
	if (p != op && !parse_disp(ar, e, op, p ? (size_t)(p - op)
				   : strlen(op), a))
		return;
	if (!p) {		/* a bare symbol: an absolute address */
		if (!a->biased)
			a->why = "the operand is not a register, a constant or "
				 "an address";
		return;
	}
	parse_regs(ar, p + 1, strlen(p + 1) - 1, a);
}

static void parse_args(struct arena *ar, Elf *e, struct usdt_mark *m)
{
	const char *p = m->args_text;
	int n = 0, cap = 4;

	m->args = arena_alloc(ar, sizeof(*m->args) * (size_t)cap);
	while (*p) {
		const char *end;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, ' ');
		if (n == cap) {
			struct usdt_arg *v = arena_alloc(ar, sizeof(*v) *
							 (size_t)cap * 2);

			memcpy(v, m->args, sizeof(*v) * (size_t)cap);
			m->args = v;
			cap *= 2;
		}
		parse_arg(ar, e, arena_strndup(ar, p, (size_t)(end - p)),
			  &m->args[n++]);
		p = end;
	}
	m->nargs = n;
}

int usdt_parse_notes(struct arena *ar, Elf *e, Elf_Data *d,
		     uint64_t base_addr, bool have_base, struct ptrvec *out)
{
	GElf_Nhdr nh;
	size_t off = 0, noff, doff;
	int n = 0;

	while (d && d->d_buf &&
	       (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
		const char *desc = (const char *)d->d_buf + doff;
		const char *owner = (const char *)d->d_buf + noff;
		const char *str, *lim = desc + nh.n_descsz;
		struct usdt_mark *m;
		uint64_t a[3];

		if (nh.n_type != 3 || nh.n_namesz != 8 ||
		    memcmp(owner, "stapsdt", 8) || nh.n_descsz < 27)
			continue;
		memcpy(a, desc, sizeof(a));
		m = arena_alloc(ar, sizeof(*m));
		memset(m, 0, sizeof(*m));
		str = desc + 24;
		m->provider = arena_strndup(ar, str, strnlen(str, (size_t)(lim - str)));
		str += strlen(m->provider) + 1;
		if (str >= lim)
			continue;
		m->name = arena_strndup(ar, str, strnlen(str, (size_t)(lim - str)));
		str += strlen(m->name) + 1;
		m->args_text = str < lim ? arena_strndup(ar, str,
					strnlen(str, (size_t)(lim - str))) : "";
		/* prelinked: the notes keep the old base */
		m->pc = a[0] + (have_base ? base_addr - a[1] : 0);
		m->semaphore = a[2] ? a[2] + (have_base ? base_addr - a[1] : 0)
				    : 0;
		parse_args(ar, e, m);
		pv_push(ar, out, m);
		n++;
	}
	return n;
}

/* The notes of path's .note.stapsdt.  -1 with *why when the file cannot
 * be read; 0 with *n = 0 when it has none. */
static int read_notes(struct arena *ar, const char *path, struct ptrvec *out,
		      const char **why)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	uint64_t base_addr = 0;
	bool have_base = false;
	int fd;
	Elf *e = elf_open_file(path, &fd, &shstrndx, why);

	if (!e)
		return -1;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".stapsdt.base")) {
			base_addr = sh.sh_addr;
			have_base = true;
		}
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".note.stapsdt"))
			continue;
		d = elf_getdata(scn, NULL);
		usdt_parse_notes(ar, e, d, base_addr, have_base, out);
	}
	elf_close_file(e, fd);
	return 0;
}

static bool mark_matches(const struct usdt_mark *m, const char *spec)
{
	const char *colon = strchr(spec, ':');

	if (colon) {
		char prov[256];
		size_t n = (size_t)(colon - spec);

		if (n >= sizeof(prov))
			return false;
		memcpy(prov, spec, n);
		prov[n] = '\0';
		return !fnmatch(prov, m->provider, 0) &&
		       !fnmatch(colon + 1, m->name, 0);
	}
	return !fnmatch(spec, m->name, 0);
}

enum match_result match_usdt(struct session *s, const struct probe_point *pp,
			     struct probe_target *t, struct ptrvec *out,
			     const char **msg)
{
	const struct pp_comp *c0 = comp(pp, 0), *c1 = comp(pp, 1);
	const struct elf_syms *es;
	struct ptrvec notes = { 0 };
	const char *path, *why;
	int before = out->n;

	if (!c0 || strcmp(c0->name, "process") || !c0->arg ||
	    c0->arg->kind != E_STR || !c1 || strcmp(c1->name, "mark"))
		return MATCH_NONE;
	if (!c1->arg || c1->arg->kind != E_STR || pp->comps.n > 2) {
		*msg = "a mark probe point is process(\"PATH\").mark(\"NAME\")";
		return MATCH_ERROR;
	}
	if (!strcmp(s->runtime, "user")) {
		*msg = "it needs the kernel";
		return MATCH_UNAVAILABLE;
	}
	path = find_executable(&s->arena, c0->arg->str, msg);
	if (!path)
		return MATCH_NOTHING;
	es = elf_syms_read(&s->arena, path, &why);
	if (!es || read_notes(&s->arena, path, &notes, &why)) {
		*msg = arena_printf(&s->arena, "cannot read '%s': %s", path, why);
		return MATCH_ERROR;
	}
	for (int i = 0; i < notes.n; i++) {
		struct usdt_mark *m = notes.v[i];
		struct probe_target *u;

		if (!mark_matches(m, c1->arg->str))
			continue;
		m->offset = elf_addr_offset(es, m->pc);
		m->sem_offset = m->semaphore ? elf_addr_offset(es, m->semaphore)
					     : 0;
		if (m->offset < 0 || m->sem_offset < 0) {
			*msg = arena_printf(&s->arena, "mark '%s' of %s: its "
					    "address is not in a loaded segment",
					    m->name, path);
			return MATCH_ERROR;
		}
		u = arena_alloc(&s->arena, sizeof(*u));
		*u = *t;
		u->kind = PROV_UPROBE;
		u->path = path;
		u->offset = m->offset;
		u->symbol = m->name;
		u->usdt = m;
		u->pp = arena_printf(&s->arena, "process(\"%s\").mark(\"%s\")",
				     path, m->name);
		pv_push(&s->arena, out, u);
	}
	if (out->n == before) {
		*msg = arena_printf(&s->arena, "no mark matches '%s' in %s%s",
				    c1->arg->str, path, notes.n ? ""
				    : " (it has no .note.stapsdt markers)");
		return MATCH_NOTHING;
	}
	return MATCH_OK;
}

const char *usdt_resolve(struct arena *a, const struct probe_target *t,
			 struct expr *e, bool address_of)
{
	const struct usdt_mark *m = t->usdt;
	const char *n = e->name + 1;
	struct tv_access *acc;
	char *end;
	long i;

	if (!strcmp(n, "name") || !strcmp(n, "$name") ||
	    !strcmp(n, "provider") || !strcmp(n, "$provider")) {
		if (e->comps.n || address_of)
			return arena_printf(a, "%s is a string", e->name);
		e->str = (char *)(strstr(n, "name") ? m->name : m->provider);
		e->kind = E_STR;
		e->type = T_STRING;
		return NULL;
	}
	if (strncmp(n, "arg", 3) || !n[3] ||
	    (i = strtol(n + 3, &end, 10), *end) || i < 1)
		return arena_printf(a, "unable to find marker variable '%s' "
				    "(alternatives: $arg1..$arg%d $name "
				    "$provider)", e->name, m->nargs);
	if (i > m->nargs)
		return arena_printf(a, "mark '%s' has %d argument%s, no $arg%ld "
				    "(\"%s\")", m->name, m->nargs,
				    m->nargs == 1 ? "" : "s", i, m->args_text);
	if (m->args[i - 1].why)
		return arena_printf(a, "$arg%ld (\"%s\") cannot be read: %s", i,
				    m->args[i - 1].text, m->args[i - 1].why);
	if (e->comps.n || address_of)
		return arena_printf(a, "$arg%ld is a number: it has no members "
				    "or address", i);
	acc = arena_alloc(a, sizeof(*acc));
	memset(acc, 0, sizeof(*acc));
	acc->base = TVB_USDT;
	acc->final = TVF_VALUE;
	acc->arg = m->args[i - 1].kind;
	acc->reg = m->args[i - 1].reg;
	acc->konst = m->args[i - 1].disp;
	acc->index_reg = m->args[i - 1].index;
	acc->scale = m->args[i - 1].scale;
	acc->ubias = m->args[i - 1].biased;
	acc->upc = m->pc;
	acc->size = m->args[i - 1].size;
	acc->is_signed = m->args[i - 1].is_signed;
	e->tv = acc;
	e->type = T_LONG;
	return NULL;
}
