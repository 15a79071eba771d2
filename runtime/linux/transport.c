/* transport.c (kernel runtime) - the debugfs files of a loaded script.
 *
 *	/sys/kernel/debug/stapc/MODULE/trace	0400  script output
 *	/sys/kernel/debug/stapc/MODULE/errors	0400  ERROR:/WARNING: lines
 *	/sys/kernel/debug/stapc/MODULE/control	0600  start, exit, status
 *
 * trace and errors are streams: read() takes bytes out of the matching
 * ring (see linux/platform.h) in the order they were produced, sleeps
 * while the ring is empty and the session is not finished, and returns 0
 * once it is finished and the ring is drained.  The commands of control
 * are carried out by linux/module.c.
 *
 * trace is opened by one staprun at a time (EBUSY for a second one): the
 * reader is "attached".  While nobody is attached the rings overwrite
 * their oldest lines instead of dropping new output (linux/flight.h), so
 * the module can go on tracing after staprun -L, a detach (SIGQUIT) or a
 * staprun that was killed, and the next staprun -A reads the newest
 * output; closing trace is all a detach takes.
 *
 * An open file holds a reference on the module (the fops owner), so the
 * module cannot be unloaded while a reader sleeps in read().  The stapc
 * directory is shared by every loaded script and is never removed:
 * another module may be creating its own directory in it at any time.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/version.h>

#define STP_BOUNCE_SIZE 16384		/* bytes taken per spinlock hold */

struct stp_kstream {
	struct stp_kring *ring;
	struct mutex lock;		/* readers, one at a time */
	char *bounce;			/* STP_BOUNCE_SIZE */
	char last;			/* the last byte read, 0: none */
};

static struct stp_kstream stp_trace_stream, stp_errors_stream;
static bool stp_transport_done;		/* nothing more will be put */
static atomic_t stp_attached;		/* trace is open */
static bool stp_was_attached;		/* it has been opened once */
static struct dentry *stp_debugfs_dir;

/* The session is finished: readers get EOF once they have drained. */
static void stp_transport_finish(void)
{
	smp_store_release(&stp_transport_done, true);
	wake_up_interruptible_all(&stp_kout.trace.wait);
	wake_up_interruptible_all(&stp_kout.errors.wait);
}

static bool stp_stream_ready(struct stp_kstream *s)
{
	return smp_load_acquire(&stp_transport_done) ||
	       stp_kring_len(s->ring);
}

/* Nobody reads: keep the newest output (on), or a reader came (off). */
static void stp_transport_overwrite(bool on)
{
	stp_kring_set_overwrite(&stp_kout.trace, on);
	stp_kring_set_overwrite(&stp_kout.errors, on);
}

static int stp_stream_open(struct inode *inode, struct file *file)
{
	file->private_data = inode->i_private;
	if (file->private_data == &stp_trace_stream) {
		if (atomic_cmpxchg(&stp_attached, 0, 1) != 0)
			return -EBUSY;
		WRITE_ONCE(stp_was_attached, true);
		stp_transport_overwrite(false);
	}
	return stream_open(inode, file);
}

static int stp_stream_release(struct inode *inode, struct file *file)
{
	struct stp_kstream *s = file->private_data;

	if (s == &stp_trace_stream) {
		/* A reader gone mid-line: the next one starts at a line. */
		mutex_lock(&s->lock);
		if (s->last && s->last != '\n')
			stp_kring_skip_line(s->ring);
		s->last = 0;
		mutex_unlock(&s->lock);
		stp_transport_overwrite(true);
		atomic_set(&stp_attached, 0);
	}
	return 0;
}

static ssize_t stp_stream_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct stp_kstream *s = file->private_data;
	size_t got, total = 0;
	bool done;
	int rc;

	if (!count)
		return 0;
	for (;;) {
		if (mutex_lock_interruptible(&s->lock))
			return -ERESTARTSYS;
		/* done first: once it is seen, every byte is in the ring. */
		done = smp_load_acquire(&stp_transport_done);
		got = stp_kring_take(s->ring, s->bounce,
				     min_t(size_t, count, STP_BOUNCE_SIZE));
		if (got)
			break;
		mutex_unlock(&s->lock);
		if (done)
			return 0;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(s->ring->wait,
					      stp_stream_ready(s));
		if (rc)
			return rc;
	}
	/* Bounded by count: each round takes up to STP_BOUNCE_SIZE bytes. */
	while (got) {
		if (copy_to_user(ubuf + total, s->bounce, got)) {
			mutex_unlock(&s->lock);
			return total ? total : -EFAULT;
		}
		s->last = s->bounce[got - 1];
		total += got;
		if (total == count)
			break;
		got = stp_kring_take(s->ring, s->bounce,
				     min_t(size_t, count - total,
					   STP_BOUNCE_SIZE));
	}
	mutex_unlock(&s->lock);
	return total;
}

static __poll_t stp_stream_poll(struct file *file, poll_table *pt)
{
	struct stp_kstream *s = file->private_data;
	bool done;

	poll_wait(file, &s->ring->wait, pt);
	done = smp_load_acquire(&stp_transport_done);
	if (stp_kring_len(s->ring))
		return EPOLLIN | EPOLLRDNORM;
	if (done)
		return EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	return 0;
}

static const struct file_operations stp_stream_fops = {
	.owner = THIS_MODULE,
	.open = stp_stream_open,
	.release = stp_stream_release,
	.read = stp_stream_read,
	.poll = stp_stream_poll,
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	.llseek = no_llseek,	/* 6.12 dropped it: no llseek is no seeking */
#endif
};

/* ---- control: the commands and the status line are module.c's ---- */

static ssize_t stp_control_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char line[128];
	int n = stp_ctl_status(line, sizeof(line));

	return simple_read_from_buffer(ubuf, count, ppos, line, n);
}

/* One command per line: "start", "exit". */
static ssize_t stp_control_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char buf[64], *p, *cmd;
	int rc = 0;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	p = buf;
	while (!rc && (cmd = strsep(&p, "\n")) != NULL) {
		cmd = strim(cmd);
		if (*cmd)
			rc = stp_ctl_command(cmd);
	}
	return rc ? rc : count;
}

static const struct file_operations stp_control_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = stp_control_read,
	.write = stp_control_write,
	.llseek = default_llseek,
};

/* ---- set-up ---- */

static int stp_stream_init(struct stp_kstream *s, struct stp_kring *ring)
{
	s->ring = ring;
	mutex_init(&s->lock);
	s->bounce = kvmalloc(STP_BOUNCE_SIZE, GFP_KERNEL);
	return s->bounce ? 0 : -ENOMEM;
}

/* stapc/, shared by every script: found, or made by whoever comes first.
 * Returns it with a reference the caller drops. */
static struct dentry *stp_debugfs_root(void)
{
	struct dentry *root = debugfs_lookup("stapc", NULL);

	if (!IS_ERR_OR_NULL(root))
		return root;
	root = debugfs_create_dir("stapc", NULL);
	if (!IS_ERR(root))
		return dget(root);
	/* Another script made it in the meantime. */
	root = debugfs_lookup("stapc", NULL);
	return IS_ERR_OR_NULL(root) ? ERR_PTR(-ENODEV) : root;
}

static void stp_transport_exit(void)
{
	/* Readers of a removed file would wait forever: wake them. */
	stp_transport_finish();
	debugfs_remove_recursive(stp_debugfs_dir);
	stp_debugfs_dir = NULL;
	kvfree(stp_trace_stream.bounce);
	kvfree(stp_errors_stream.bounce);
	stp_trace_stream.bounce = NULL;
	stp_errors_stream.bounce = NULL;
}

static int stp_transport_init(void)
{
	struct dentry *root, *f;
	int rc;

	stp_transport_done = false;
	atomic_set(&stp_attached, 0);
	stp_was_attached = false;
	stp_transport_overwrite(true);
	rc = stp_stream_init(&stp_trace_stream, &stp_kout.trace);
	if (!rc)
		rc = stp_stream_init(&stp_errors_stream, &stp_kout.errors);
	if (rc)
		goto fail;
	root = stp_debugfs_root();
	if (IS_ERR(root)) {
		rc = PTR_ERR(root);
		goto fail;
	}
	stp_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, root);
	dput(root);
	if (IS_ERR(stp_debugfs_dir)) {
		rc = PTR_ERR(stp_debugfs_dir);
		stp_debugfs_dir = NULL;
		goto fail;
	}
	f = debugfs_create_file("trace", 0400, stp_debugfs_dir,
				&stp_trace_stream, &stp_stream_fops);
	if (!IS_ERR(f))
		f = debugfs_create_file("errors", 0400, stp_debugfs_dir,
					&stp_errors_stream, &stp_stream_fops);
	if (!IS_ERR(f))
		f = debugfs_create_file("control", 0600, stp_debugfs_dir,
					NULL, &stp_control_fops);
	if (IS_ERR(f)) {
		rc = PTR_ERR(f);
		goto fail;
	}
	return 0;
fail:
	printk(KERN_ERR "%s: cannot create debugfs stapc/%s: %d\n",
	       KBUILD_MODNAME, KBUILD_MODNAME, rc);
	stp_transport_exit();
	return rc;
}

/* At unload: what nobody read.  Error lines go to the kernel log, one
 * printk each; unread output is only counted, and only when no staprun
 * ever read it (after a detach, unread output is the flight recorder's
 * normal state: staprun -d unloads it without a word). */
static void stp_kout_leftovers(void)
{
	size_t n, i, start, unread;
	char *buf;

	unread = stp_kout.trace.buf ? stp_kring_len(&stp_kout.trace) : 0;
	if (unread && !stp_was_attached)
		printk(KERN_WARNING "%s: %zu bytes of output were not read\n",
		       KBUILD_MODNAME, unread);
	if (!stp_kout.errors.buf || !stp_kring_len(&stp_kout.errors))
		return;
	buf = kvmalloc(stp_kout.errors.size, GFP_KERNEL);
	if (!buf)
		return;
	n = stp_kring_take(&stp_kout.errors, buf, stp_kout.errors.size);
	for (i = 0, start = 0; i < n; i++) {
		if (buf[i] != '\n' && i + 1 < n)
			continue;
		printk(KERN_ERR "%s: %.*s%s", KBUILD_MODNAME,
		       (int)(i + 1 - start), buf + start,
		       buf[i] == '\n' ? "" : "\n");
		start = i + 1;
	}
	kvfree(buf);
}
