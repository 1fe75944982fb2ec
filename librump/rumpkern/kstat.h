/*
 * Named counters.  A layer registers a group of uint64_t counters under a
 * prefix ("ip", "virt0"); each is then readable as "prefix.name" through
 * rump_kstat_get() and printed by rump_kstat_dump().  Tests assert through
 * these, tools print them.
 */
#ifndef RUMPKERN_KSTAT_H
#define RUMPKERN_KSTAT_H

#include "rumpkern/kern.h"

struct kstat_desc {
	const char *ksd_name;
	size_t ksd_off;			/* offset of the uint64_t in the base */
};

struct kstat_group {
	char kg_prefix[24];
	const struct kstat_desc *kg_desc;
	int kg_ndesc;
	const void *kg_base;
	void (*kg_sync)(void);
	LIST_ENTRY(kstat_group) kg_list;
};

#define KSTAT_DESC(type, field, name)	{ name, offsetof(type, field) }

void kstat_register(struct kstat_group *kg, const char *prefix,
    const struct kstat_desc *desc, int ndesc, const void *base);
/*
 * The same for counters kept apart (per CPU): sync, called with the
 * registry locked before the group's values are read, gathers them
 * into base.
 */
void kstat_register_sync(struct kstat_group *kg, const char *prefix,
    const struct kstat_desc *desc, int ndesc, const void *base,
    void (*sync)(void));
void kstat_unregister(struct kstat_group *kg);
int kstat_init(void);
void kstat_fini(void);

#endif
