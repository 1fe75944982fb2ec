/*
 * Per-CPU caches of the buffers mbufs are made of (uipc_mbcache.c): the
 * mbufs themselves, clusters and jumbo clusters.  Private to uipc_mbuf.c
 * and its tests.
 *
 * Each virtual CPU keeps a small stack of free objects of each kind, used
 * without a lock: a thread owns its CPU until it blocks, and nothing here
 * blocks between finding its CPU's stack and leaving it.  A stack that
 * runs empty takes a batch from a global pool under a mutex, one that
 * runs full gives a batch back; only an empty pool means a host
 * allocation, only a full pool a host free.  So the per-packet path costs
 * neither a lock nor a host call in the steady state.
 *
 * Accounting: objects are allocated from kmem and stay allocated while
 * cached, so the kmem type counts them; the type's kt_idle reports the
 * cached ones, which rump_kmem_inuse() leaves out, so that the leak check
 * of a test sees only what is really in use.  How many objects are out
 * (allocated and not freed) is counted per CPU and summed on reading.
 */
#ifndef RUMPNET_MBCACHE_H
#define RUMPNET_MBCACHE_H

#include "rumpkern/kmem.h"
#include "rumpkern/mutex.h"

#define MBCACHE_CPUMAX	64	/* objects a CPU's stack holds at most */

struct mbcache_cpu {
	void *mcc_objs[MBCACHE_CPUMAX];
	unsigned mcc_n;			/* objects on the stack */
	int64_t mcc_out;		/* allocated here minus freed here */
} __attribute__((__aligned__(64)));

struct mbcache {
	struct kmem_type *mc_type;
	size_t mc_size;			/* of each object */
	unsigned mc_cpumax;		/* stack size used (<= MBCACHE_CPUMAX) */
	unsigned mc_batch;		/* moved to or from the pool at once */
	unsigned mc_poolmax;		/* objects the pool holds at most */
	struct mbcache_cpu *mc_cpus;	/* ncpu of them; NULL: not set up */
	unsigned mc_ncpu;
	kmutex_t mc_lock;		/* the pool and mc_nocpu */
	void **mc_pool;
	unsigned mc_npool;
	/* Threads without a CPU (none should allocate, but may free). */
	struct mbcache_cpu mc_nocpu;
};

/*
 * Sets up mc for ncpus CPUs: objects of size bytes from kmem type, stacks
 * of cpumax, moved in batches of batch, a pool of poolmax.  Also sets the
 * type's kt_idle.
 */
void mbcache_init(struct mbcache *mc, struct kmem_type *type, size_t size,
    unsigned cpumax, unsigned batch, unsigned poolmax, unsigned ncpus);
/* Frees every cached object; objects still out are the caller's leak. */
void mbcache_fini(struct mbcache *mc);

/* An object, from the cache or else from kmem (flags: KM_SLEEP/NOSLEEP). */
void *mbcache_alloc(struct mbcache *mc, int flags);
void mbcache_free(struct mbcache *mc, void *obj);

/* Objects out now, summed over the CPUs. */
uint64_t mbcache_out(const struct mbcache *mc);
/* Objects cached now (free, held for reuse), on the stacks and the pool. */
uint64_t mbcache_idle(const struct mbcache *mc);

#endif
