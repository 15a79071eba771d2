/* kprobes.c - kprobe.function / kernel.function probes by symbol name
 * (module("m") ones as "m:symbol", statements at an offset from it).
 *
 * One kprobe or kretprobe per probe point, registered when the session
 * starts and unregistered (which waits for running handlers) when it
 * stops.  A point that cannot be registered is a clear error at start;
 * none is skipped silently. */
#include <linux/kprobes.h>

struct stp_kprobe {
	const struct stp_probe *p;
	bool registered;
	/* "module:symbol": a module's function, not a kernel one of the
	 * same name (kallsyms resolves this form) */
	char name[MODULE_NAME_LEN + KSYM_NAME_LEN + 1];
	union {
		struct kprobe kp;
		struct kretprobe rp;
	};
};

static struct stp_kprobe *stp_kprobes;
static int stp_nkprobes;

static int stp_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct stp_kprobe *k = container_of(kp, struct stp_kprobe, kp);

	stp_kprobe_run_regs(k->p, regs);
	return 0;
}

/* The generated code's own pre-handler for the kprobe stp_probes[N]
 * (entry probes without @entry): the dispatcher inlined with N constant
 * (stp_probe_run_const), no lookup of the probe and no indirect call. */
#define STP_KPROBE_FAST_DECL(N)						\
	static int stp_kprobe_pre_##N(struct kprobe *kp, struct pt_regs *regs)
#define STP_KPROBE_FAST(N)						\
	STP_KPROBE_FAST_DECL(N)						\
	{								\
		(void)kp;						\
		stp_probe_run_const(&stp_probes[N], regs,		\
				    stp_kprobe_end_check);		\
		return 0;						\
	}

static int stp_kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct stp_kprobe *k = container_of(get_kretprobe(ri), struct stp_kprobe, rp);

	stp_kprobe_run_regs(k->p, regs);
	return 0;
}

/* A .return probe with @entry values: the instance's data holds whether
 * the entry half ran, then what it saved. */
struct stp_entry_data {
	bool valid;
	u64 data[];
};

static int stp_kretprobe_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct stp_kprobe *k = container_of(get_kretprobe(ri), struct stp_kprobe, rp);
	struct stp_entry_data *d = (struct stp_entry_data *)ri->data;

	d->valid = stp_probe_run_entry(k->p, regs, d->data);
	return 0;
}

static int stp_kretprobe_ret_entry(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	struct stp_kprobe *k = container_of(get_kretprobe(ri), struct stp_kprobe, rp);
	struct stp_entry_data *d = (struct stp_entry_data *)ri->data;

	if (!d->valid) {
		/* its entry half was skipped or failed: nothing to read */
		stp_probe_skipped();
		return 0;
	}
	stp_probe_run_return(k->p, regs, d->data);
	stp_kprobe_end_check();
	return 0;
}

static int stp_kprobes_init(void)
{
	int i, n = 0;

	for (i = 0; i < stp_nprobes; i++)
		n += stp_probes[i].kind == STP_PROBE_KPROBE;
	if (!n)
		return 0;
	stp_kprobes = kcalloc(n, sizeof(*stp_kprobes), GFP_KERNEL);
	if (!stp_kprobes)
		return -ENOMEM;
	for (i = 0; i < stp_nprobes; i++) {
		const struct stp_probe *p = &stp_probes[i];
		struct stp_kprobe *k;

		if (p->kind != STP_PROBE_KPROBE)
			continue;
		k = &stp_kprobes[stp_nkprobes++];
		k->p = p;
		if (p->module)
			snprintf(k->name, sizeof(k->name), "%s:%s", p->module,
				 p->symbol);
		else
			strscpy(k->name, p->symbol, sizeof(k->name));
		if (p->is_return) {
			k->rp.kp.symbol_name = k->name;
			/* a function reached from another symbol (the kernel
			 * DWARF's _stext+offset for a name several share) */
			k->rp.kp.offset = (unsigned int)p->offset;
			k->rp.handler = stp_kretprobe_ret;
			k->rp.maxactive = 0;	/* the kernel's default */
			if (p->entry_handler) {
				k->rp.entry_handler = stp_kretprobe_entry;
				k->rp.handler = stp_kretprobe_ret_entry;
				k->rp.data_size = sizeof(struct stp_entry_data) +
						  p->entry_size;
			}
		} else {
			k->kp.symbol_name = k->name;
			k->kp.offset = (unsigned int)p->offset;
			k->kp.pre_handler = p->kprobe_pre ? p->kprobe_pre
							  : stp_kprobe_pre;
		}
	}
	return 0;
}

static void stp_kprobes_stop(void)
{
	int i;

	for (i = 0; i < stp_nkprobes; i++) {
		struct stp_kprobe *k = &stp_kprobes[i];

		if (!k->registered)
			continue;
		if (k->p->is_return) {
			unregister_kretprobe(&k->rp);
			if (k->rp.nmissed)
				stp_msg("WARNING: %s: %d return probes missed "
					"(maxactive)\n", k->p->pp, k->rp.nmissed);
		} else {
			unregister_kprobe(&k->kp);
		}
		k->registered = false;
	}
}

/* Registers every kprobe; on the first failure unregisters the ones
 * done and reports which point could not be probed. */
static int stp_kprobes_start(void)
{
	int i, rc, skipped = 0;
	u64 start = ktime_get_ns();

	for (i = 0; i < stp_nkprobes; i++) {
		struct stp_kprobe *k = &stp_kprobes[i];

		rc = k->p->is_return ? register_kretprobe(&k->rp)
				     : register_kprobe(&k->kp);
		if (rc && k->p->optional) {
			/* a wildcard's match the kernel will not probe
			 * (blacklisted, notrace, inlined away) */
			skipped++;
			continue;
		}
		if (rc) {
			stp_msg("ERROR: cannot probe %s: %s (%d)\n", k->p->pp,
				rc == -ENOENT ? "no such function" :
				rc == -EINVAL ? "the kernel refuses to probe it" :
				"registration failed", rc);
			stp_kprobes_stop();
			return rc;
		}
		k->registered = true;
	}
	stp_registered("kernel function probes", stp_nkprobes, skipped,
		       " (the kernel refuses to probe them)", start);
	return 0;
}

static void stp_kprobes_free(void)
{
	stp_kprobes_stop();
	kfree(stp_kprobes);
	stp_kprobes = NULL;
	stp_nkprobes = 0;
}
