/* modinfo.c - read KEY=VALUE strings from a kernel module's .modinfo section.
 *
 * A .ko is an ELF relocatable object; kbuild puts "vermagic=...",
 * "name=...", "license=..." and the like, NUL-separated, into .modinfo.
 * Both ELF classes and both byte orders are read, every offset checked
 * against the file's size, so a damaged file gives NULL, never a crash. */
#include "staprun.h"

#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct elf {
	const unsigned char *p;
	size_t size;
	int is64;
	int le;		/* the file is little-endian */
};

/* A WIDTH-byte field at OFF in the file's byte order (the caller has checked
 * that it lies inside the file). */
static uint64_t rd(const struct elf *e, uint64_t off, unsigned width)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < width; i++) {
		unsigned k = e->le ? width - 1 - i : i;

		v = (v << 8) | e->p[off + k];
	}
	return v;
}

struct shdr {
	uint64_t name, type, offset, size, link;
};

static int get_shdr(const struct elf *e, uint64_t shoff, uint64_t shentsize,
		    uint64_t i, struct shdr *s)
{
	uint64_t need = e->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t base;

	/* shoff + i * shentsize computed only when it cannot wrap */
	if (shentsize < need || shoff > e->size ||
	    i > (e->size - shoff) / shentsize)
		return -1;
	base = shoff + i * shentsize;
	if (e->size - base < need)
		return -1;
	if (e->is64) {
		s->name = rd(e, base + offsetof(Elf64_Shdr, sh_name), 4);
		s->type = rd(e, base + offsetof(Elf64_Shdr, sh_type), 4);
		s->offset = rd(e, base + offsetof(Elf64_Shdr, sh_offset), 8);
		s->size = rd(e, base + offsetof(Elf64_Shdr, sh_size), 8);
		s->link = rd(e, base + offsetof(Elf64_Shdr, sh_link), 4);
	} else {
		s->name = rd(e, base + offsetof(Elf32_Shdr, sh_name), 4);
		s->type = rd(e, base + offsetof(Elf32_Shdr, sh_type), 4);
		s->offset = rd(e, base + offsetof(Elf32_Shdr, sh_offset), 4);
		s->size = rd(e, base + offsetof(Elf32_Shdr, sh_size), 4);
		s->link = rd(e, base + offsetof(Elf32_Shdr, sh_link), 4);
	}
	if (s->type != SHT_NOBITS &&
	    (s->offset > e->size || e->size - s->offset < s->size))
		return -1;
	return 0;
}

static char *find_key(const struct elf *e, const char *key)
{
	uint64_t shoff, shentsize, shnum, shstrndx, i;
	struct shdr sec, strs;
	size_t klen = strlen(key);

	if (e->size < EI_NIDENT || memcmp(e->p, ELFMAG, SELFMAG) != 0)
		return NULL;
	if (e->is64) {
		if (e->size < sizeof(Elf64_Ehdr))
			return NULL;
		shoff = rd(e, offsetof(Elf64_Ehdr, e_shoff), 8);
		shentsize = rd(e, offsetof(Elf64_Ehdr, e_shentsize), 2);
		shnum = rd(e, offsetof(Elf64_Ehdr, e_shnum), 2);
		shstrndx = rd(e, offsetof(Elf64_Ehdr, e_shstrndx), 2);
	} else {
		if (e->size < sizeof(Elf32_Ehdr))
			return NULL;
		shoff = rd(e, offsetof(Elf32_Ehdr, e_shoff), 4);
		shentsize = rd(e, offsetof(Elf32_Ehdr, e_shentsize), 2);
		shnum = rd(e, offsetof(Elf32_Ehdr, e_shnum), 2);
		shstrndx = rd(e, offsetof(Elf32_Ehdr, e_shstrndx), 2);
	}
	if (shoff == 0 || shentsize == 0)
		return NULL;
	/* Many sections: the real counts live in section 0. */
	if (shnum == 0 || shstrndx == SHN_XINDEX) {
		if (get_shdr(e, shoff, shentsize, 0, &sec) != 0)
			return NULL;
		if (shnum == 0)
			shnum = sec.size;
		if (shstrndx == SHN_XINDEX)
			shstrndx = sec.link;
	}
	if (shnum > e->size / shentsize || shstrndx >= shnum ||
	    get_shdr(e, shoff, shentsize, shstrndx, &strs) != 0 ||
	    strs.type == SHT_NOBITS)
		return NULL;
	for (i = 1; i < shnum; i++) {
		const char *sname, *p, *end;

		if (get_shdr(e, shoff, shentsize, i, &sec) != 0 ||
		    sec.type == SHT_NOBITS || sec.name >= strs.size)
			continue;
		sname = (const char *)e->p + strs.offset + sec.name;
		if (strnlen(sname, strs.size - sec.name) == strs.size - sec.name
		    || strcmp(sname, ".modinfo") != 0)
			continue;
		p = (const char *)e->p + sec.offset;
		end = p + sec.size;
		while (p < end) {
			size_t len = strnlen(p, (size_t)(end - p));

			if (len > klen && memcmp(p, key, klen) == 0 &&
			    p[klen] == '=') {
				char *v = xmalloc(len - klen);

				memcpy(v, p + klen + 1, len - klen - 1);
				v[len - klen - 1] = '\0';
				return v;
			}
			p += len + 1;
		}
	}
	return NULL;
}

char *modinfo_get_mem(const void *buf, size_t size, const char *key)
{
	struct elf e;

	if (size < EI_NIDENT)
		return NULL;
	e.p = buf;
	e.size = size;
	e.is64 = e.p[EI_CLASS] == ELFCLASS64;
	e.le = e.p[EI_DATA] == ELFDATA2LSB;
	if ((e.p[EI_CLASS] == ELFCLASS32 || e.is64) &&
	    (e.p[EI_DATA] == ELFDATA2LSB || e.p[EI_DATA] == ELFDATA2MSB))
		return find_key(&e, key);
	return NULL;
}

char *modinfo_get(const char *path, const char *key)
{
	struct stat st;
	void *map;
	char *v;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < EI_NIDENT) {
		close(fd);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	v = modinfo_get_mem(map, (size_t)st.st_size, key);
	munmap(map, (size_t)st.st_size);
	return v;
}
