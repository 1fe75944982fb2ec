/* Named counters, registered by layers and read by name. */
#include "rumpkern/kstat.h"
#include "rumpkern/mutex.h"
#include "rumpkern/sysctl.h"
#include "rump_private.h"

static LIST_HEAD(, kstat_group) kstat_groups = LIST_HEAD_INITIALIZER(kstat_groups);
static kmutex_t kstat_lock;

static int kstat_sysctl(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req);
static int kstat_sysctl_list(const struct sysctl_node *sn,
    struct sysctl_req *req);

/* Every counter is a leaf "kern.counters.<prefix>.<name>". */
static struct sysctl_node kstat_sysctl_node = {
	.sn_name = "kern.counters",
	.sn_type = RUMP_SYSCTL_U64,
	.sn_flags = SYSCTL_SUBTREE,
	.sn_handler = kstat_sysctl,
	.sn_lister = kstat_sysctl_list,
};

int
kstat_init(void)
{
	mutex_init(&kstat_lock, MUTEX_DEFAULT);
	sysctl_register(&kstat_sysctl_node);
	return 0;
}

void
kstat_fini(void)
{
	sysctl_unregister(&kstat_sysctl_node);
	KASSERTMSG(LIST_EMPTY(&kstat_groups), "kstat_fini: %s still registered",
	    LIST_FIRST(&kstat_groups)->kg_prefix);
	mutex_destroy(&kstat_lock);
}

void
kstat_register(struct kstat_group *kg, const char *prefix,
    const struct kstat_desc *desc, int ndesc, const void *base)
{
	kstat_register_sync(kg, prefix, desc, ndesc, base, NULL);
}

void
kstat_register_sync(struct kstat_group *kg, const char *prefix,
    const struct kstat_desc *desc, int ndesc, const void *base,
    void (*sync)(void))
{
	strlcpy(kg->kg_prefix, prefix, sizeof(kg->kg_prefix));
	kg->kg_desc = desc;
	kg->kg_ndesc = ndesc;
	kg->kg_base = base;
	kg->kg_sync = sync;
	mutex_enter(&kstat_lock);
	LIST_INSERT_HEAD(&kstat_groups, kg, kg_list);
	mutex_exit(&kstat_lock);
}

void
kstat_unregister(struct kstat_group *kg)
{
	mutex_enter(&kstat_lock);
	LIST_REMOVE(kg, kg_list);
	mutex_exit(&kstat_lock);
}

static uint64_t
kstat_value(const struct kstat_group *kg, int i)
{
	const uint64_t *p = (const uint64_t *)(const void *)
	    ((const char *)kg->kg_base + kg->kg_desc[i].ksd_off);

	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

int
rumppriv_kstat_get(const char *name, uint64_t *val)
{
	struct kstat_group *kg;
	int error = ENOENT;

	mutex_enter(&kstat_lock);
	LIST_FOREACH(kg, &kstat_groups, kg_list) {
		size_t plen = strlen(kg->kg_prefix);

		if (strncmp(name, kg->kg_prefix, plen) != 0 || name[plen] != '.')
			continue;
		for (int i = 0; i < kg->kg_ndesc; i++) {
			if (strcmp(name + plen + 1, kg->kg_desc[i].ksd_name) == 0) {
				if (kg->kg_sync != NULL)
					kg->kg_sync();
				*val = kstat_value(kg, i);
				error = 0;
				goto out;
			}
		}
	}
out:
	mutex_exit(&kstat_lock);
	return error;
}

int
rumppriv_kstat_dump(const char *prefix)
{
	struct kstat_group *kg;
	size_t plen = strlen(prefix);

	mutex_enter(&kstat_lock);
	LIST_FOREACH(kg, &kstat_groups, kg_list) {
		if (strncmp(kg->kg_prefix, prefix, plen) != 0)
			continue;
		if (kg->kg_sync != NULL)
			kg->kg_sync();
		for (int i = 0; i < kg->kg_ndesc; i++) {
			uint64_t v = kstat_value(kg, i);

			if (v != 0)
				kprintf("%s.%s %llu\n", kg->kg_prefix,
				    kg->kg_desc[i].ksd_name,
				    (unsigned long long)v);
		}
	}
	mutex_exit(&kstat_lock);
	return 0;
}

static int
kstat_sysctl(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req)
{
	uint64_t v;
	int error;

	(void)sn;
	if ((error = rumppriv_kstat_get(sub, &v)) != 0)
		return error;
	return sysctl_out(req, &v, sizeof(v));
}

static int
kstat_sysctl_list(const struct sysctl_node *sn, struct sysctl_req *req)
{
	char name[RUMP_SYSCTL_NAMEMAX];
	struct kstat_group *kg;
	int error = 0;

	mutex_enter(&kstat_lock);
	LIST_FOREACH(kg, &kstat_groups, kg_list) {
		for (int i = 0; i < kg->kg_ndesc && error == 0; i++) {
			ksnprintf(name, sizeof(name), "%s.%s.%s", sn->sn_name,
			    kg->kg_prefix, kg->kg_desc[i].ksd_name);
			error = sysctl_list_out(req, name, RUMP_SYSCTL_U64, 0);
		}
	}
	mutex_exit(&kstat_lock);
	return error;
}
