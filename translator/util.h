/* util.h - arena allocation, growable buffers and small helpers shared by
 * every pass of the translator. */
#ifndef STAP_UTIL_H
#define STAP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

/* An arena owns everything one parse (or one pass) allocates; it is freed
 * in one call, so no AST node is ever freed individually and nothing leaks
 * on error paths. */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t used, cap;
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);	/* zeroed */
void *arena_alloc_raw(struct arena *a, size_t size);	/* not zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A growable byte buffer on the heap (used for output and file reading). */
struct strbuf {
	char *buf;
	size_t len, cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_putc(struct strbuf *sb, char c);
void sb_put(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
const char *sb_cstr(struct strbuf *sb);	/* NUL-terminated view */

/* A growable array of pointers, allocated from an arena. */
struct ptrvec {
	void **v;
	int n, cap;
};

void pv_push(struct arena *a, struct ptrvec *pv, void *p);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Reads a whole file (or stdin for "-") into a NUL-terminated heap buffer. */
char *read_file(const char *path, size_t *len);
/* mkdir -p: path and its missing parents (0755), path itself with mode.
 * 0, or -1 with errno. */
int mkdir_p(const char *path, mode_t mode);

#endif
