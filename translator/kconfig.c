/* kconfig.c - CONFIG_* values of the target kernel for %( CONFIG_X == "y" %),
 * read from the build tree's .config the first time one is asked for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

struct kconfig_entry {
	char *name, *value;
};

void kconfig_init(struct kconfig *kc, const char *build_tree)
{
	memset(kc, 0, sizeof(*kc));
	kc->build_tree = build_tree;
}

static void kconfig_load(struct kconfig *kc)
{
	char path[4096], line[4096];
	FILE *f;

	kc->loaded = true;
	if (!kc->build_tree)
		return;
	snprintf(path, sizeof(path), "%s/.config", kc->build_tree);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *val, *end;

		if (strncmp(line, "CONFIG_", 7) || !eq)
			continue;
		*eq = '\0';
		val = eq + 1;
		end = val + strlen(val);
		while (end > val && (end[-1] == '\n' || end[-1] == '\r'))
			*--end = '\0';
		if (end - val >= 2 && val[0] == '"' && end[-1] == '"') {
			end[-1] = '\0';
			val++;
		}
		if (kc->n == kc->cap) {
			kc->cap = kc->cap ? kc->cap * 2 : 256;
			kc->entries = realloc(kc->entries,
					      sizeof(*kc->entries) * (size_t)kc->cap);
			if (!kc->entries) {
				kc->n = kc->cap = 0;
				break;
			}
		}
		kc->entries[kc->n].name = strdup(line);
		kc->entries[kc->n].value = strdup(val);
		kc->n++;
	}
	fclose(f);
}

const char *kconfig_lookup(void *data, const char *name)
{
	struct kconfig *kc = data;

	if (!kc->loaded)
		kconfig_load(kc);
	for (int i = 0; i < kc->n; i++)
		if (!strcmp(kc->entries[i].name, name))
			return kc->entries[i].value;
	return NULL;
}

void kconfig_free(struct kconfig *kc)
{
	for (int i = 0; i < kc->n; i++) {
		free(kc->entries[i].name);
		free(kc->entries[i].value);
	}
	free(kc->entries);
	memset(kc, 0, sizeof(*kc));
}
