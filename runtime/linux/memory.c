/* memory.c (kernel runtime) - reading kernel and user memory without
 * faulting.  Used by the memory tapset (kernel_long(), user_string()...)
 * and by target variables ($file->f_pos): a bad address is a runtime
 * error that ends the handler cleanly, never an oops. */
#include <linux/uaccess.h>

/* size bytes (1, 2, 4 or 8) at addr, sign-extended. */
static __maybe_unused int64_t stp_kread(struct stp_context *c, int64_t addr,
					size_t size, bool user)
{
	union { int8_t c; int16_t s; int32_t i; int64_t l; } v;
	long rc;

	v.l = 0;
	rc = user ? copy_from_user_nofault(&v, (const void __user *)(uintptr_t)addr, size)
		  : copy_from_kernel_nofault(&v, (const void *)(uintptr_t)addr, size);
	if (rc) {
		stp_error(c, "%s read fault at 0x%016llx", user ? "user" : "kernel",
			  (unsigned long long)addr);
		return 0;
	}
	switch (size) {
	case 1: return v.c;
	case 2: return v.s;
	case 4: return v.i;
	default: return v.l;
	}
}

/* strncpy_from_kernel_nofault() is not exported to modules: the same in
 * chunks that never cross a page (a string may end just before an
 * unmapped one).  The length copied without the NUL, n when there is
 * none in the first n bytes, or -EFAULT. */
static long stp_strncpy_kernel(char *dst, int64_t addr, long n)
{
	long i = 0;

	while (i < n) {
		uintptr_t a = (uintptr_t)addr + i;
		long chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		const char *z;

		chunk = min3(chunk, n - i, 64L);
		if (copy_from_kernel_nofault(dst + i, (const void *)a, chunk))
			return -EFAULT;
		z = memchr(dst + i, '\0', chunk);
		if (z)
			return z - dst;
		i += chunk;
	}
	return n;
}

/* At most max bytes (and MAXSTRINGLEN-1) of the string at addr. */
static __maybe_unused void stp_kread_string(struct stp_context *c, char *out,
					    int64_t addr, int64_t max, bool user)
{
	long n = max > 0 && max < MAXSTRINGLEN ? (long)max + 1 : MAXSTRINGLEN;
	long rc;

	if (user) {
		/* With page faults disabled a missing page is -EFAULT, not
		 * a sleep (strncpy_from_user_nofault is not exported). */
		pagefault_disable();
		rc = strncpy_from_user(out, (const char __user *)(uintptr_t)addr, n);
		pagefault_enable();
	} else {
		rc = stp_strncpy_kernel(out, addr, n);
	}

	if (rc < 0) {
		out[0] = '\0';
		stp_error(c, "%s string copy fault at 0x%016llx",
			  user ? "user" : "kernel", (unsigned long long)addr);
		return;
	}
	out[n - 1] = '\0';
	if (max > 0 && max < MAXSTRINGLEN)
		out[max] = '\0';
}

/* Guru mode's writes to target variables ($p->m = x): size bytes (1, 2, 4
 * or 8) of v at the kernel address addr.  copy_to_kernel_nofault() is not
 * exported to modules, so the same thing here: a kernel address only, the
 * store through the exception table with page faults disabled; a bad or
 * read-only address is a runtime error, never an oops. */
static __maybe_unused void stp_kwrite(struct stp_context *c, int64_t addr,
				      size_t size, int64_t v)
{
	void *dst = (void *)(uintptr_t)addr;
	u8 b = (u8)v;
	u16 h = (u16)v;
	u32 w = (u32)v;
	u64 l = (u64)v;

	if ((unsigned long)addr < TASK_SIZE_MAX)
		goto fault;
	pagefault_disable();
	switch (size) {
	case 1: __put_kernel_nofault(dst, &b, u8, bad); break;
	case 2: __put_kernel_nofault(dst, &h, u16, bad); break;
	case 4: __put_kernel_nofault(dst, &w, u32, bad); break;
	case 8: __put_kernel_nofault(dst, &l, u64, bad); break;
	default: goto bad;
	}
	pagefault_enable();
	return;
bad:
	pagefault_enable();
fault:
	stp_error(c, "kernel write fault at 0x%016llx", (unsigned long long)addr);
}

/* Guru mode's safe readers for embedded C (SystemTap's kread/kderef):
 * kderef(size, addr) is the size-byte (1, 2, 4 or 8) value at addr,
 * kread(ptr) is *ptr.  A bad address (or size) sets the read-fault error
 * and jumps to the embedded function's deref_fault label, which leaves the
 * function; the probe then ends with that error. */
static __maybe_unused int64_t stp_kderef(struct stp_context *c, size_t size,
					 const void *addr, bool *bad)
{
	int64_t v;

	if (size != 1 && size != 2 && size != 4 && size != 8) {
		stp_error(c, "kderef of %zu bytes at 0x%016llx: only 1, 2, 4 "
			  "or 8", size, (unsigned long long)(uintptr_t)addr);
		*bad = true;
		return 0;
	}
	v = stp_kread(c, (int64_t)(uintptr_t)addr, size, false);
	*bad = c->error != NULL;
	return v;
}

#define kderef(size, addr) ({						\
	bool __stp_bad;							\
	int64_t __stp_v = stp_kderef(CONTEXT, (size),			\
				     (const void *)(uintptr_t)(addr),	\
				     &__stp_bad);			\
	if (__stp_bad)							\
		goto deref_fault;					\
	__stp_v; })
#define kread(ptr) ((typeof(*(ptr)))kderef(sizeof(*(ptr)), (ptr)))
