/*
 * Kernel memory: host allocations with per-type accounting.
 *
 * Counters are updated with atomics so allocation takes no lock.  Types
 * register themselves from constructors, before the kernel boots; the
 * registry is a simple list because types are few and looked up rarely.
 */
#include "rump/rumpuser.h"
#include "rumpkern/kmem.h"
#include "rump_private.h"

KMEM_DEFINE(M_TEMP, "temp");

static struct kmem_type *kmem_types;

void
kmem_type_register(struct kmem_type *type)
{
	type->kt_next = kmem_types;
	kmem_types = type;
}

struct kmem_type *
kmem_type_lookup(const char *name)
{
	for (struct kmem_type *kt = kmem_types; kt != NULL; kt = kt->kt_next)
		if (strcmp(kt->kt_name, name) == 0)
			return kt;
	return NULL;
}

static void
kmem_account(struct kmem_type *type, size_t len)
{
	uint64_t inuse, peak;

	inuse = __atomic_add_fetch(&type->kt_inuse, len, __ATOMIC_RELAXED);
	__atomic_add_fetch(&type->kt_blocks, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&type->kt_total, 1, __ATOMIC_RELAXED);
	peak = __atomic_load_n(&type->kt_peak, __ATOMIC_RELAXED);
	while (inuse > peak && !__atomic_compare_exchange_n(&type->kt_peak,
	    &peak, inuse, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		continue;
}

void *
kmem_alloc(struct kmem_type *type, size_t len, int flags)
{
	void *mem;

	if (rumpuser_malloc(len, 0, &mem) != 0) {
		if (flags & KM_NOSLEEP)
			return NULL;
		panic("kmem_alloc: host out of memory for %zu bytes of %s",
		    len, type->kt_name);
	}
	kmem_account(type, len);
	return mem;
}

void *
kmem_zalloc(struct kmem_type *type, size_t len, int flags)
{
	void *mem = kmem_alloc(type, len, flags);

	if (mem != NULL)
		memset(mem, 0, len);
	return mem;
}

void
kmem_free(struct kmem_type *type, void *mem, size_t len)
{
	KASSERT(mem != NULL);
	KASSERTMSG(__atomic_load_n(&type->kt_inuse, __ATOMIC_RELAXED) >= len,
	    "kmem_free: freeing %zu bytes of %s, only %llu in use", len,
	    type->kt_name, (unsigned long long)type->kt_inuse);
	__atomic_sub_fetch(&type->kt_inuse, len, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&type->kt_blocks, 1, __ATOMIC_RELAXED);
	rumpuser_free(mem, len);
}

char *
kmem_strdup(struct kmem_type *type, const char *s, int flags)
{
	size_t len = strlen(s) + 1;
	char *p = kmem_alloc(type, len, flags);

	if (p != NULL)
		memcpy(p, s, len);
	return p;
}

void
kmem_strfree(struct kmem_type *type, char *s)
{
	kmem_free(type, s, strlen(s) + 1);
}

/* Bytes and blocks of kt in use: allocated, less what a cache holds idle. */
static void
kmem_type_inuse(const struct kmem_type *kt, uint64_t *bytes, uint64_t *blocks)
{
	uint64_t idlebytes = 0, idleblocks = 0;

	*bytes = __atomic_load_n(&kt->kt_inuse, __ATOMIC_RELAXED);
	*blocks = __atomic_load_n(&kt->kt_blocks, __ATOMIC_RELAXED);
	if (kt->kt_idle != NULL)
		kt->kt_idle(kt->kt_idle_arg, &idlebytes, &idleblocks);
	/* Read while others allocate, the two may disagree for a moment. */
	*bytes -= MIN(*bytes, idlebytes);
	*blocks -= MIN(*blocks, idleblocks);
}

int
rumppriv_kmem_stat(const char *name, struct rump_kmem_stat *st)
{
	struct kmem_type *kt = kmem_type_lookup(name);

	if (kt == NULL)
		return ENOENT;
	kmem_type_inuse(kt, &st->inuse, &st->blocks);
	st->total = __atomic_load_n(&kt->kt_total, __ATOMIC_RELAXED);
	st->peak = __atomic_load_n(&kt->kt_peak, __ATOMIC_RELAXED);
	return 0;
}

uint64_t
rumppriv_kmem_inuse(void)
{
	uint64_t sum = 0;

	for (struct kmem_type *kt = kmem_types; kt != NULL; kt = kt->kt_next) {
		uint64_t bytes, blocks;

		kmem_type_inuse(kt, &bytes, &blocks);
		sum += bytes;
	}
	return sum;
}

void
rumppriv_kmem_dump(void)
{
	for (struct kmem_type *kt = kmem_types; kt != NULL; kt = kt->kt_next) {
		uint64_t inuse, blocks;

		kmem_type_inuse(kt, &inuse, &blocks);
		if (inuse != 0)
			kprintf("kmem: %-16s %llu bytes in %llu blocks\n",
			    kt->kt_name, (unsigned long long)inuse,
			    (unsigned long long)blocks);
	}
}
