/*
 * Kernel memory with per-type accounting.
 *
 * Every allocation names a type defined once with KMEM_DEFINE; each type
 * counts bytes and blocks in use, so a test reads the counters before and
 * after and a leak shows up by name.  Freeing takes the size that was
 * allocated, as NetBSD's kmem_free does.
 */
#ifndef RUMPKERN_KMEM_H
#define RUMPKERN_KMEM_H

#include "rumpkern/kern.h"

struct kmem_type {
	const char *kt_name;
	uint64_t kt_inuse;	/* bytes */
	uint64_t kt_blocks;	/* allocations not yet freed */
	uint64_t kt_total;	/* allocations ever made */
	uint64_t kt_peak;	/* bytes, high-water mark */
	/*
	 * A cache that keeps freed blocks of this type for reuse says here
	 * how many it holds: they stay counted above, as they are still
	 * allocated, but rump_kmem_inuse(), rump_kmem_stat() and
	 * rump_kmem_dump() leave them out, as nothing uses them.
	 */
	void (*kt_idle)(const void *arg, uint64_t *bytes, uint64_t *blocks);
	const void *kt_idle_arg;
	struct kmem_type *kt_next;
};

#define KMEM_DECLARE(var)	extern struct kmem_type var
/* Defines a type and registers it before main() runs. */
#define KMEM_DEFINE(var, name)						\
	struct kmem_type var = { .kt_name = name };			\
	static void __attribute__((__constructor__))			\
	var##_register(void) { kmem_type_register(&var); }

#define KM_SLEEP	0x01	/* may not fail: panics when the host is out */
#define KM_NOSLEEP	0x02	/* may return NULL */

void *kmem_alloc(struct kmem_type *type, size_t len, int flags);
void *kmem_zalloc(struct kmem_type *type, size_t len, int flags);
void kmem_free(struct kmem_type *type, void *mem, size_t len);
char *kmem_strdup(struct kmem_type *type, const char *s, int flags);
void kmem_strfree(struct kmem_type *type, char *s);

void kmem_type_register(struct kmem_type *type);
struct kmem_type *kmem_type_lookup(const char *name);

KMEM_DECLARE(M_TEMP);

#endif
