/* linux/flight.h - the output rings' overwrite mode (flight recorder).
 *
 * While no staprun reads a module's output (after staprun -L, stap -F, a
 * detach with SIGQUIT, or a staprun that was killed), its rings keep the
 * newest output: a record that does not fit pushes out the oldest bytes,
 * rounded up to the end of the line the cut falls in, so that whoever
 * attaches next reads whole lines, oldest first, in the order they were
 * produced.  What was pushed out is counted (stp_kring.overwritten) and
 * shown as overwritten=N in the control file's status line.  The
 * transport (linux/transport.c) turns the mode on when the reader closes
 * the trace file and off when one opens it; while someone reads, a full
 * ring drops the new record and counts it as lost instead.
 *
 * Called with the ring's lock held, from any context: the search for the
 * end of a line looks at STP_FLIGHT_LINE_SCAN bytes at most (a longer
 * line is cut where room was needed).
 */
#ifndef STP_LINUX_FLIGHT_H
#define STP_LINUX_FLIGHT_H

#define STP_FLIGHT_LINE_SCAN 4096

/* Makes room for N bytes (N <= r->size) by dropping the oldest lines. */
static inline void stp_kring_make_room(struct stp_kring *r, size_t n)
{
	size_t used = r->head - r->tail;
	size_t drop, scan, pos, first;
	const char *nl;

	if (r->size - used >= n)
		return;
	drop = n - (r->size - used);	/* <= used, since n <= size */
	scan = min_t(size_t, used - drop, STP_FLIGHT_LINE_SCAN);
	if (scan && r->buf[(r->tail + drop - 1) % r->size] != '\n') {
		pos = (r->tail + drop) % r->size;
		first = min_t(size_t, scan, r->size - pos);
		nl = memchr(r->buf + pos, '\n', first);
		if (nl)
			drop += (size_t)(nl - (r->buf + pos)) + 1;
		else if (scan > first &&
			 (nl = memchr(r->buf, '\n', scan - first)) != NULL)
			drop += first + (size_t)(nl - r->buf) + 1;
	}
	r->tail += drop;
	r->overwritten += drop;
}

/* Process context, when a reader goes away in the middle of a line (a
 * staprun killed between two reads): the rest of that line goes too,
 * counted as overwritten, so that the next reader starts with a whole
 * line.  Looks at STP_FLIGHT_LINE_SCAN bytes at most. */
static inline void stp_kring_skip_line(struct stp_kring *r)
{
	unsigned long flags;
	size_t i, len;

	spin_lock_irqsave(&r->lock, flags);
	len = min_t(size_t, r->head - r->tail, STP_FLIGHT_LINE_SCAN);
	for (i = 0; i < len; i++)
		if (r->buf[(r->tail + i) % r->size] == '\n')
			break;
	if (i < len) {
		r->tail += i + 1;
		r->overwritten += i + 1;
	}
	spin_unlock_irqrestore(&r->lock, flags);
}

/* Process context: switch the mode (the transport's open and release). */
static inline void stp_kring_set_overwrite(struct stp_kring *r, bool on)
{
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	r->overwrite = on;
	spin_unlock_irqrestore(&r->lock, flags);
}

static inline u64 stp_kring_overwritten(struct stp_kring *r)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&r->lock, flags);
	n = r->overwritten;
	spin_unlock_irqrestore(&r->lock, flags);
	return n;
}

#endif
