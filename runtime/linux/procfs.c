/* procfs.c - procfs("NAME").read / .write probes: files under
 * /proc/systemtap/MODULE/.
 *
 * The translator (translator/procfs.c) emits stp_procfs_defs[], one entry
 * per procfs target.  At init the entries are grouped by file name (a
 * file has at most one .read and one .write probe); when the session
 * starts the files are created, with the directories their names have,
 * and when it ends they are removed (proc_remove waits for readers and
 * writers still inside), before the session is freed.
 *
 * Each open of a file gets a buffer.  The first read at offset 0 runs
 * the .read probe with $value (stp_procfs_value) being that buffer, empty
 * at first; the reader then gets its contents.  A write runs the .write
 * probe once per piece of at most MAXSTRINGLEN-1 bytes, $value holding
 * the piece.  The probes run through the usual dispatcher (trylocks,
 * interrupts off): nothing in them sleeps; copying from and to user
 * space happens outside, under the open file's own mutex.
 *
 * /proc/systemtap itself is created by the first module that needs it
 * and left in place (another module may have files under it). */
#include <linux/namei.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

struct stp_procfs_def {
	int probe;		/* index in stp_probes[], or -1: the end */
	const char *name;	/* "a" or "dir/a" */
	int write;		/* a .write probe, else .read */
	int umask;		/* -1: none */
	int maxsize;		/* .read.maxsize(N), 0: MAXSTRINGLEN */
};

extern const struct stp_procfs_def stp_procfs_defs[];
extern const int stp_nprocfs_defs;

struct stp_procfs_file {
	const char *name;
	const struct stp_probe *read, *write;
	size_t bufsize;			/* $value's size in a .read probe */
	umode_t mode;
};

/* $value while a probe runs: c->entry_data points to this. */
struct stp_procfs_value {
	char *buf;
	size_t size;
};

/* One open file. */
struct stp_procfs_open {
	struct mutex lock;
	const struct stp_procfs_file *f;
	size_t len;			/* of the read probe's value */
	char *rbuf;			/* f->bufsize bytes */
	char wbuf[MAXSTRINGLEN];
};

static struct stp_procfs_file *stp_procfs_files;
static int stp_nprocfs_files;
static struct proc_dir_entry *stp_procfs_dir;	/* systemtap/MODULE */

#define STP_PROCFS_DIR "systemtap/" KBUILD_MODNAME

static __maybe_unused char *stp_procfs_value(struct stp_context *c)
{
	struct stp_procfs_value *v = c->entry_data;

	return v ? v->buf : (char *)"";
}

/* $value = s (append 0) or $value .= s (append 1), cut to the buffer. */
static __maybe_unused void stp_procfs_set(struct stp_context *c,
					  const char *s, int append)
{
	struct stp_procfs_value *v = c->entry_data;
	size_t at, n;

	if (!v || !v->size)
		return;
	at = append ? strnlen(v->buf, v->size - 1) : 0;
	if (s == v->buf + at)		/* $value = $value */
		return;
	n = strnlen(s, v->size - 1 - at);
	memmove(v->buf + at, s, n);	/* s may be $value itself */
	v->buf[at + n] = '\0';
}

static void stp_procfs_run(const struct stp_probe *p, char *buf, size_t size)
{
	struct stp_procfs_value v = { buf, size };

	stp_probe_run_return(p, NULL, &v);
	stp_kprobe_end_check();
}

static int stp_procfs_open(struct inode *inode, struct file *file)
{
	const struct stp_procfs_file *f = pde_data(inode);
	struct stp_procfs_open *o;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	if (f->read) {
		o->rbuf = kzalloc(f->bufsize, GFP_KERNEL);
		if (!o->rbuf) {
			kfree(o);
			return -ENOMEM;
		}
	}
	mutex_init(&o->lock);
	o->f = f;
	file->private_data = o;
	return 0;
}

static int stp_procfs_release(struct inode *inode, struct file *file)
{
	struct stp_procfs_open *o = file->private_data;

	kfree(o->rbuf);
	kfree(o);
	return 0;
}

static ssize_t stp_procfs_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct stp_procfs_open *o = file->private_data;
	ssize_t rc;

	if (!o->f->read)
		return -EINVAL;
	mutex_lock(&o->lock);
	if (*ppos == 0) {		/* a new read runs the probe again */
		o->rbuf[0] = '\0';
		stp_procfs_run(o->f->read, o->rbuf, o->f->bufsize);
		o->len = strnlen(o->rbuf, o->f->bufsize);
	}
	rc = simple_read_from_buffer(ubuf, count, ppos, o->rbuf, o->len);
	mutex_unlock(&o->lock);
	return rc;
}

static ssize_t stp_procfs_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct stp_procfs_open *o = file->private_data;
	size_t done = 0, n;

	if (!o->f->write)
		return -EINVAL;
	mutex_lock(&o->lock);
	while (done < count) {
		n = min_t(size_t, count - done, sizeof(o->wbuf) - 1);
		if (copy_from_user(o->wbuf, ubuf + done, n)) {
			mutex_unlock(&o->lock);
			return done ? (ssize_t)done : -EFAULT;
		}
		o->wbuf[n] = '\0';
		stp_procfs_run(o->f->write, o->wbuf, sizeof(o->wbuf));
		done += n;
		cond_resched();
	}
	*ppos += done;
	mutex_unlock(&o->lock);
	return done;
}

static const struct proc_ops stp_procfs_ops = {
	.proc_open = stp_procfs_open,
	.proc_release = stp_procfs_release,
	.proc_read = stp_procfs_read,
	.proc_write = stp_procfs_write,
	.proc_lseek = default_llseek,
};

/* Groups the definitions by name. */
static int stp_procfs_init(void)
{
	int i, j;

	if (!stp_nprocfs_defs)
		return 0;
	stp_procfs_files = kcalloc(stp_nprocfs_defs, sizeof(*stp_procfs_files),
				   GFP_KERNEL);
	if (!stp_procfs_files)
		return -ENOMEM;
	for (i = 0; i < stp_nprocfs_defs; i++) {
		const struct stp_procfs_def *d = &stp_procfs_defs[i];
		struct stp_procfs_file *f = NULL;
		umode_t mode;

		for (j = 0; j < stp_nprocfs_files && !f; j++)
			if (!strcmp(stp_procfs_files[j].name, d->name))
				f = &stp_procfs_files[j];
		if (!f) {
			f = &stp_procfs_files[stp_nprocfs_files++];
			f->name = d->name;
			f->bufsize = MAXSTRINGLEN;
		}
		mode = d->write ? 0222 : 0444;
		if (d->umask >= 0)
			mode &= ~(umode_t)d->umask;
		f->mode |= mode;
		if (d->write) {
			f->write = &stp_probes[d->probe];
		} else {
			f->read = &stp_probes[d->probe];
			if (d->maxsize > 0)
				f->bufsize = d->maxsize + 1;
		}
	}
	return 0;
}

static void stp_procfs_stop(void)
{
	if (!stp_procfs_dir)
		return;
	/* waits until no open, read or write is inside the files */
	remove_proc_subtree(STP_PROCFS_DIR, NULL);
	stp_procfs_dir = NULL;
}

/* Has an earlier file than index i the directory name[0..len)? */
static bool stp_procfs_dir_made(int i, const char *name, size_t len)
{
	int j;

	for (j = 0; j < i; j++)
		if (!strncmp(stp_procfs_files[j].name, name, len) &&
		    stp_procfs_files[j].name[len] == '/')
			return true;
	return false;
}

static int stp_procfs_start(void)
{
	struct proc_dir_entry *top;
	struct path path;
	int i;

	if (!stp_nprocfs_files)
		return 0;
	/* /proc/systemtap may be another module's already: proc_mkdir
	 * warns both when a path's directory is missing and when the
	 * directory it makes exists, so look first */
	if (!kern_path("/proc/systemtap", LOOKUP_DIRECTORY, &path)) {
		path_put(&path);
		stp_procfs_dir = proc_mkdir(STP_PROCFS_DIR, NULL);
	} else {
		top = proc_mkdir("systemtap", NULL);
		stp_procfs_dir = top ? proc_mkdir(KBUILD_MODNAME, top) : NULL;
	}
	if (!stp_procfs_dir) {
		stp_msg("ERROR: cannot create /proc/" STP_PROCFS_DIR "\n");
		return -ENOMEM;
	}
	for (i = 0; i < stp_nprocfs_files; i++) {
		struct stp_procfs_file *f = &stp_procfs_files[i];
		const char *slash;
		char *dir;

		for (slash = strchr(f->name, '/'); slash;
		     slash = strchr(slash + 1, '/')) {
			size_t len = slash - f->name;

			if (stp_procfs_dir_made(i, f->name, len))
				continue;
			dir = kstrndup(f->name, len, GFP_KERNEL);
			if (!dir || !proc_mkdir(dir, stp_procfs_dir)) {
				kfree(dir);
				goto fail;
			}
			kfree(dir);
		}
		if (!proc_create_data(f->name, S_IFREG | f->mode,
				      stp_procfs_dir, &stp_procfs_ops, f))
			goto fail;
	}
	return 0;
fail:
	stp_msg("ERROR: cannot create /proc/" STP_PROCFS_DIR "/%s\n",
		stp_procfs_files[i].name);
	stp_procfs_stop();
	return -ENOMEM;
}

static void stp_procfs_free(void)
{
	stp_procfs_stop();
	kfree(stp_procfs_files);
	stp_procfs_files = NULL;
	stp_nprocfs_files = 0;
}
