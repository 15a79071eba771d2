/* fuzz_kdwarf.c - libFuzzer entry point for the check of the kernel DWARF
 * index read back from the cache ($XDG_CACHE_HOME/stapc/kdwarf/BUILDID.idx,
 * translator/kdwarf.c): any bytes there must be refused or be an index
 * whose every offset lies inside it; a refused one is rebuilt.
 *
 * The input is the file.  The first byte's low bits give the build id's
 * length asked for (0..63: over 32 must be refused); the id is the
 * header's own when the input holds one, so that the checks past it are
 * reached.  Any crash, leak or sanitizer report is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "debugpath.h"
#include "kdwarf.h"
#include "passes.h"

/* What kdwarf.c calls from dwarf.c, debugpath.c and build.c, which the
 * index check does not reach. */
#define UNREACHED abort()
struct dsource *dwarf_open_bare(struct arena *a, const char *path,
				const char **why) { UNREACHED; }
Dwarf *dwarf_handle(struct dsource *s) { UNREACHED; }
Dwfl_Module *dwarf_dwfl_module(struct dsource *s) { UNREACHED; }
const struct dtype *dwarf_type_at(struct dsource *s, Dwarf_Off die)
{ UNREACHED; }
int dwarf_tag_of(enum dtype_kind kind) { UNREACHED; }
const struct dfunc *dwarf_func_at(struct dsource *s, Dwarf_Die *fn,
				  const char *name, Dwarf_Addr pc)
{ UNREACHED; }
const struct dfunc *dwarf_func_line(struct dsource *s, Dwarf_Die *fn,
				    const char *name, const char *file,
				    int line, const char **why) { UNREACHED; }
int dwarf_cu_global(Dwarf_Die *cud, const char *name, const char *file,
		    Dwarf_Die *found) { UNREACHED; }
const struct dvar *dwarf_var_of(struct dsource *s, Dwarf_Die *d,
				const char *name) { UNREACHED; }
bool dwarf_file_matches(const char *path, const char *file) { UNREACHED; }
void dsource_close(struct dsource *s) { UNREACHED; }
const char *debugpath_each(struct arena *a,
			   const char *(*fn)(struct arena *a, const char *el,
					     void *data),
			   void *data) { UNREACHED; }
bool debugpath_has_dwarf(const char *path) { UNREACHED; }
const char *cache_dir(struct session *s) { UNREACHED; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the header: magic[8], 6 x uint32_t, build_id[32] */
	enum { BID_AT = 8 + 6 * 4, HDR = BID_AT + 32 };
	uint8_t bid[64] = { 0 };
	int bidlen;
	void *buf;

	if (!size)
		return 0;
	bidlen = data[0] & 63;
	data++;
	size--;
	if (size >= BID_AT)
		memcpy(bid, data + BID_AT, size - BID_AT < sizeof(bid) ?
		       size - BID_AT : sizeof(bid));
	/* its own copy, 8-byte aligned as a mapped file is, and exactly
	 * size bytes long for ASan */
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	if (kdwarf_index_check(buf, size, bid, bidlen) &&
	    (bidlen > 32 || size < HDR))
		abort();
	free(buf);
	return 0;
}
