/* print.c - output from handlers.  Text goes straight into the platform's
 * buffer (formatted in place, no intermediate copy); the dispatcher
 * flushes it after each handler.  Only when the buffer is full does a
 * handler flush early; what still does not fit is counted as lost. */

void stp_print(struct stp_context *c, const char *s, size_t len)
{
	size_t avail, n;
	char *p;

	(void)c;
	while (len) {
		p = stp_out_reserve(&avail);
		if (!avail) {
			stp_out_flush();
			p = stp_out_reserve(&avail);
			if (!avail) {
				stp_out_add_lost((int64_t)len);
				return;
			}
		}
		n = STP_MIN(len, avail);
		memcpy(p, s, n);
		stp_out_commit(n);
		s += n;
		len -= n;
	}
}

static int stp_printf_try(char *p, size_t avail, const char *fmt,
			  const struct stp_arg *args, int nargs,
			  int64_t *fault, bool *user)
{
	if (!avail)
		return 1;	/* never fits: even "" needs its NUL */
	return stp_format_mem(p, avail, fmt, args, nargs, fault, user);
}

void stp_printf(struct stp_context *c, const char *fmt,
		const struct stp_arg *args, int nargs)
{
	size_t avail;
	int64_t fault = 0;
	bool user = false;
	char *p = stp_out_reserve(&avail);
	int n = stp_printf_try(p, avail, fmt, args, nargs, &fault, &user);

	/* The NUL that stp_format adds needs one more byte than we keep. */
	if (n >= 0 && (size_t)n >= avail) {
		stp_out_flush();
		p = stp_out_reserve(&avail);
		n = stp_printf_try(p, avail, fmt, args, nargs, &fault, &user);
		if (n >= 0 && (size_t)n >= avail) {
			stp_out_add_lost(n - (int64_t)(avail ? avail - 1 : 0));
			n = avail ? (int)avail - 1 : 0;
		}
	}
	if (n < 0) {
		stp_error(c, "%s read fault at 0x%llx", user ? "user" :
			  "kernel", (unsigned long long)fault);
		return;
	}
	stp_out_commit((size_t)n);
}

/* "WARNING: msg" as one write, so lines from CPUs do not interleave. */
void stp_warn(struct stp_context *c, const char *msg)
{
	(void)c;
	stp_msg("WARNING: %s\n", msg);
}
