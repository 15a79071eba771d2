/* kconfig.h - the target kernel's configuration, read on demand. */
#ifndef STAP_KCONFIG_H
#define STAP_KCONFIG_H

#include <stdbool.h>

struct kconfig_entry;

struct kconfig {
	const char *build_tree;
	bool loaded;
	struct kconfig_entry *entries;
	int n, cap;
};

void kconfig_init(struct kconfig *kc, const char *build_tree);
/* Value of CONFIG_NAME ("y", "m", "64", a string) or NULL when unset;
 * the signature fits parse_opts.kconfig. */
const char *kconfig_lookup(void *kc, const char *name);
void kconfig_free(struct kconfig *kc);

#endif
