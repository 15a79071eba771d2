/* error.c - raising runtime errors.  The handler unwinds on its own (the
 * generated code tests c->error after each statement); the dispatcher in
 * probe.c reports the message once the handler has returned. */

void stp_error(struct stp_context *c, const char *fmt, ...)
{
	va_list ap;

	/* The first error is the one that counts: later ones are usually
	 * consequences of it. */
	if (c->error)
		return;
	va_start(ap, fmt);
	stp_vsnprintf(c->error_buf, sizeof(c->error_buf), fmt, ap);
	va_end(ap);
	c->error = c->error_buf;
}

/* A runtime message to stderr, outside any handler's error slot. */
static void stp_msg(const char *fmt, ...)
{
	va_list ap;
	int n;

	stp_spin_lock(&stp_sess.msg_lock);
	va_start(ap, fmt);
	n = stp_vsnprintf(stp_sess.msg, sizeof(stp_sess.msg), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(stp_sess.msg) - 1)
		n = sizeof(stp_sess.msg) - 1;
	if (n > 0)
		stp_err_write(stp_sess.msg, (size_t)n);
	stp_spin_unlock(&stp_sess.msg_lock);
}
