/* debugpath.c - finding separate debuginfo files along
 * $SYSTEMTAP_DEBUGINFO_PATH (see debugpath.h).
 *
 * Debian's linux-image-R-dbg ships every module's unstripped .ko under
 * /usr/lib/debug/lib/modules/R/ at the stripped one's relative path, with
 * no .build-id links; Fedora-style trees have DIR/.build-id/xx/rest.debug
 * (and .ko.debug files).  Both are looked for here; user programs' debug
 * files are libdwfl's to find (dwarf.c passes it the same path). */
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <ftw.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debugpath.h"
#include "elfsyms.h"
#include "passes.h"

#define DEFAULT_PATH "+:.debug:/usr/lib/debug:build"

const char *debugpath(void)
{
	const char *env = getenv("SYSTEMTAP_DEBUGINFO_PATH");

	return env && *env ? env : DEFAULT_PATH;
}

const char *debugpath_each(struct arena *a,
			   const char *(*fn)(struct arena *a, const char *el,
					     void *data),
			   void *data)
{
	const char *p, *end, *r;

	for (p = debugpath(); *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		r = fn(a, arena_strndup(a, p, (size_t)(end - p)), data);
		if (r)
			return r;
	}
	return NULL;
}

bool debugpath_has_dwarf(const char *path)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool found = false;
	const char *why;
	int fd;
	Elf *e = elf_open_file(path, &fd, &shstrndx, &why);

	if (!e)
		return false;
	while (!found && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *n;

		/* an only-keep-debug file's code is NOBITS, not its DWARF; a
		 * stripped one has no .debug_info */
		if (gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS &&
		    sh.sh_size && (n = elf_strptr(e, shstrndx, sh.sh_name)) &&
		    !strcmp(n, ".debug_info"))
			found = true;
	}
	elf_close_file(e, fd);
	return found;
}

const char *debugpath_build_id(struct arena *a, const char *path)
{
	const unsigned char *id;
	const void *v;
	ssize_t n;
	char *hex;
	const char *why;
	size_t shstrndx;
	int fd;
	Elf *e = elf_open_file(path, &fd, &shstrndx, &why);

	if (!e)
		return NULL;
	n = dwelf_elf_gnu_build_id(e, &v);
	id = v;
	hex = arena_alloc(a, n > 0 ? (size_t)n * 2 + 1 : 1);
	for (ssize_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	elf_close_file(e, fd);
	return hex;
}

bool debugpath_same_module(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++, a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') &&
				  (*b == '-' || *b == '_')))
			return false;
	return *b == '\0';
}

/* One module search: what is looked for. */
struct modsearch {
	struct session *s;
	const char *ko, *name, *bid;	/* bid: ko's, NULL/"": none */
};

/* A candidate debug file: readable, with DWARF, and ko's build id. */
static bool usable(struct modsearch *m, const char *path)
{
	const char *bid;

	if (access(path, R_OK) || !debugpath_has_dwarf(path))
		return false;
	bid = debugpath_build_id(&m->s->arena, path);
	if (m->bid && *m->bid && bid && *bid && strcmp(bid, m->bid)) {
		if (m->s->verbose)
			fprintf(stderr, "Pass 2: skipped %s: build id %s is not "
				"%s's (%s)\n", path, bid, m->ko, m->bid);
		return false;
	}
	return true;
}

/* The .ko and .ko.debug files under a directory, walked once per run: a
 * wildcard over the installed modules looks each one up. */
struct kodir {
	const char *dir;
	struct ptrvec files;
};
static struct ptrvec kodirs;
static struct kodir *walking;
static struct arena *walk_arena;

static int add_ko(const char *path, const struct stat *st, int type,
		  struct FTW *f)
{
	const char *base = path + f->base;
	size_t n = strlen(base);

	(void)st;
	if (type == FTW_F && ((n > 3 && !strcmp(base + n - 3, ".ko")) ||
			      (n > 9 && !strcmp(base + n - 9, ".ko.debug"))))
		pv_push(walk_arena, &walking->files,
			arena_strdup(walk_arena, path));
	return 0;
}

static const struct ptrvec *ko_files(struct arena *a, const char *dir)
{
	struct kodir *d;

	for (int i = 0; i < kodirs.n; i++) {
		d = kodirs.v[i];
		if (!strcmp(d->dir, dir))
			return &d->files;
	}
	d = arena_alloc(a, sizeof(*d));
	d->dir = arena_strdup(a, dir);
	walking = d;
	walk_arena = a;
	nftw(dir, add_ko, 16, FTW_PHYS);
	walking = NULL;
	pv_push(a, &kodirs, d);
	return &d->files;
}

static const char *module_in(struct arena *a, const char *el, void *data)
{
	struct modsearch *m = data;
	const char *r = m->s->kernel_release_resolved, *rel = NULL, *t;
	const char *mods = arena_printf(a, "/lib/modules/%s/", r);
	const struct ptrvec *files;
	struct stat st;

	/* "+", ".debug" (next to the .ko: libdwfl's) and "build" (the
	 * kernel's) name no module directory */
	if (el[0] != '/' || stat(el, &st) || !S_ISDIR(st.st_mode))
		return NULL;
	if (m->bid && strlen(m->bid) > 2) {
		t = arena_printf(a, "%s/.build-id/%.2s/%s.debug", el, m->bid,
				 m->bid + 2);
		if (usable(m, t))
			return t;
	}
	if (m->ko && !strncmp(m->ko, mods, strlen(mods)))
		rel = m->ko + strlen(mods);
	if (rel) {
		t = arena_printf(a, "%s%s%s", el, mods, rel);
		if (usable(m, t))
			return t;
		t = arena_printf(a, "%s%s%s.debug", el, mods, rel);
		if (usable(m, t))
			return t;
	}
	files = ko_files(a, arena_printf(a, "%s%s", el, mods));
	for (int i = 0; i < files->n; i++) {
		const char *base = strrchr(files->v[i], '/') + 1;
		size_t n = strcspn(base, ".");

		if (!strncmp(base + n, ".ko", 3) &&
		    debugpath_same_module(base, m->name, n) &&
		    usable(m, files->v[i]))
			return files->v[i];
	}
	return NULL;
}

const char *debugpath_module(struct session *s, const char *ko,
			     const char *name)
{
	struct modsearch m = { s, ko, name, NULL };

	if (ko)
		m.bid = debugpath_build_id(&s->arena, ko);
	return debugpath_each(&s->arena, module_in, &m);
}
