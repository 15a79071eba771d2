// SPDX-License-Identifier: GPL-2.0
/*
 * usyms.c - user-space symbols: which function of which file an address
 * of the current process is in, from the tables the translator compiled
 * in (translator/usyms.c: the files -d, -c and process probes name).
 *
 * At load, each table's file is looked up once (process context) and its
 * inode kept, when it has the size the table's file had (a different
 * file at the same path would get wrong names).  In a handler, the address's mapping is found under the
 * mm's mmap_lock taken with a trylock (never waits); the handler runs
 * with interrupts off, where up_read() could wake a waiter and take a
 * run-queue lock the probed code may hold, so the unlock is left to a
 * per-CPU irq_work that runs as soon as interrupts are back on (later
 * lookups of the same handler use the lock still held).  A busy lock
 * means "not found": the caller prints the address in hex.
 */
#include <linux/irq_work.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/namei.h>

struct stp_useg {
	unsigned long offset, vaddr, filesz;	/* a PT_LOAD */
};

struct stp_usym {
	unsigned long addr, size;	/* link-time */
	unsigned int name;		/* in the table's names */
};

struct stp_usym_file {
	const char *path;
	loff_t size;			/* of the file the table was made from */
	const struct stp_useg *segs;
	int nsegs;
	const struct stp_usym *syms;
	int nsyms;
	const char *names;
};

extern const struct stp_usym_file stp_usym_files[];
extern const int stp_nusym_files;

/* What stp_usym_find() found: sym is NULL when the address is in a known
 * file but not in a function of its table. */
struct stp_usym_hit {
	const struct stp_usym_file *file;
	const char *sym;
	unsigned long off, size;	/* from the function's start */
	unsigned long rel;		/* the link-time address */
};

#define STP_USYM_MAX_FILES 64

static struct inode *stp_usym_inodes[STP_USYM_MAX_FILES];
static struct path stp_usym_paths[STP_USYM_MAX_FILES];

struct stp_usym_unlock {
	struct irq_work work;
	struct mm_struct *mm;
};

static void stp_usym_unlock_fn(struct irq_work *w)
{
	struct stp_usym_unlock *u = container_of(w, struct stp_usym_unlock, work);

	mmap_read_unlock_non_owner(u->mm);
}

static DEFINE_PER_CPU(struct stp_usym_unlock, stp_usym_unlock);

/* Process context, before any probe is armed: a file that is gone is
 * left out (its addresses print in hex). */
static void stp_usyms_init(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu)
		init_irq_work(&per_cpu_ptr(&stp_usym_unlock, cpu)->work,
			      stp_usym_unlock_fn);
	for (i = 0; i < stp_nusym_files && i < STP_USYM_MAX_FILES; i++) {
		struct inode *ino;

		if (kern_path(stp_usym_files[i].path, LOOKUP_FOLLOW,
			      &stp_usym_paths[i]))
			continue;
		ino = d_inode(stp_usym_paths[i].dentry);
		if (i_size_read(ino) != stp_usym_files[i].size) {
			/* another file at that path here: not this table's */
			path_put(&stp_usym_paths[i]);
			continue;
		}
		stp_usym_inodes[i] = ino;
	}
}

/* After every probe is gone: no unlock may still be queued. */
static void stp_usyms_free(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(&stp_usym_unlock, cpu)->work);
	for (i = 0; i < STP_USYM_MAX_FILES; i++) {
		if (!stp_usym_inodes[i])
			continue;
		path_put(&stp_usym_paths[i]);
		stp_usym_inodes[i] = NULL;
	}
}

/* The table entry of the function holding link-time address rel. */
static const struct stp_usym *stp_usym_search(const struct stp_usym_file *f,
					      unsigned long rel)
{
	int lo = 0, hi = f->nsyms - 1, best = -1;

	while (lo <= hi) {		/* the last entry with addr <= rel */
		int mid = lo + (hi - lo) / 2;

		if (f->syms[mid].addr <= rel) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (best < 0)
		return NULL;
	/* a zero-size symbol (hand-written assembly) covers up to the next */
	if (f->syms[best].size && rel >= f->syms[best].addr + f->syms[best].size)
		return NULL;
	return &f->syms[best];
}

/* Fills *h for addr in the current process; false when it is not in a
 * file with a table (or the mappings cannot be read without waiting). */
static __maybe_unused bool stp_usym_find(unsigned long addr,
					 struct stp_usym_hit *h)
{
	struct mm_struct *mm = current->mm;
	struct stp_usym_unlock *u = this_cpu_ptr(&stp_usym_unlock);
	struct vm_area_struct *vma;
	struct inode *ino = NULL;
	unsigned long foff = 0;
	const struct stp_usym *sym;
	bool held;
	int i, k;

	if (!stp_nusym_files || (current->flags & PF_KTHREAD) || !mm)
		return false;
	/* An unlock still queued here (interrupts have stayed off since an
	 * earlier lookup of this handler queued it) means this CPU holds
	 * mm's lock for reading already. */
	held = irqs_disabled() && irq_work_is_pending(&u->work) && u->mm == mm;
	if (!held && (irq_work_is_busy(&u->work) || !mmap_read_trylock(mm)))
		return false;
	vma = vma_lookup(mm, addr);
	if (vma && vma->vm_file) {
		ino = file_inode(vma->vm_file);
		foff = addr - vma->vm_start + (vma->vm_pgoff << PAGE_SHIFT);
	}
	if (held) {
		/* the queued unlock releases it */
	} else if (irqs_disabled()) {
		u->mm = mm;
		rwsem_release(&mm->mmap_lock.dep_map, _RET_IP_);
		irq_work_queue(&u->work);
	} else {
		mmap_read_unlock(mm);
	}
	if (!ino)
		return false;
	for (i = 0; i < stp_nusym_files && i < STP_USYM_MAX_FILES; i++)
		if (stp_usym_inodes[i] == ino)
			break;
	if (i == stp_nusym_files || i == STP_USYM_MAX_FILES)
		return false;
	h->file = &stp_usym_files[i];
	h->sym = NULL;
	h->rel = foff;
	for (k = 0; k < h->file->nsegs; k++) {
		const struct stp_useg *s = &h->file->segs[k];

		if (foff >= s->offset && foff < s->offset + s->filesz) {
			h->rel = foff - s->offset + s->vaddr;
			break;
		}
	}
	sym = stp_usym_search(h->file, h->rel);
	if (sym) {
		h->sym = h->file->names + sym->name;
		h->off = h->rel - sym->addr;
		h->size = sym->size;
	}
	return true;
}
