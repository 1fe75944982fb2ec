/* Per-CPU caches of mbufs and clusters; see mbcache.h. */
#include "rumpkern/lwp.h"
#include "rumpnet/mbcache.h"
#include "rump/rumpuser.h"

KMEM_DEFINE(M_MBCACHE, "mbcache");

/*
 * The stack of the CPU the calling thread runs on; NULL for a thread
 * without one or before the cache is set up.
 */
static struct mbcache_cpu *
mbcache_mycpu(struct mbcache *mc)
{
	struct lwp *l = lwp_cur;

	if (mc->mc_cpus == NULL || l == NULL || l->l_cpu == NULL)
		return NULL;
	KASSERT(l->l_cpu->ci_index < mc->mc_ncpu);
	return &mc->mc_cpus[l->l_cpu->ci_index];
}

/* kmem's question: how much of the type is held idle here. */
static void
mbcache_kmem_idle(const void *arg, uint64_t *bytes, uint64_t *blocks)
{
	const struct mbcache *mc = arg;

	*blocks = mbcache_idle(mc);
	*bytes = *blocks * mc->mc_size;
}

void
mbcache_init(struct mbcache *mc, struct kmem_type *type, size_t size,
    unsigned cpumax, unsigned batch, unsigned poolmax, unsigned ncpus)
{
	KASSERT(cpumax <= MBCACHE_CPUMAX && batch > 0 && batch <= cpumax);
	KASSERT(ncpus > 0);
	mc->mc_type = type;
	mc->mc_size = size;
	mc->mc_cpumax = cpumax;
	mc->mc_batch = batch;
	mc->mc_poolmax = poolmax;
	mc->mc_ncpu = ncpus;
	mc->mc_npool = 0;
	memset(&mc->mc_nocpu, 0, sizeof(mc->mc_nocpu));
	mutex_init(&mc->mc_lock, MUTEX_DEFAULT);
	mc->mc_pool = kmem_alloc(&M_MBCACHE, poolmax * sizeof(void *),
	    KM_SLEEP);
	/* The last store: from here on the stacks are used. */
	mc->mc_cpus = kmem_zalloc(&M_MBCACHE, ncpus * sizeof(*mc->mc_cpus),
	    KM_SLEEP);
	type->kt_idle_arg = mc;
	type->kt_idle = mbcache_kmem_idle;
}

static void
mbcache_drain_stack(struct mbcache *mc, struct mbcache_cpu *cc)
{
	while (cc->mcc_n > 0)
		kmem_free(mc->mc_type, cc->mcc_objs[--cc->mcc_n], mc->mc_size);
}

void
mbcache_fini(struct mbcache *mc)
{
	struct mbcache_cpu *cpus = mc->mc_cpus;

	mc->mc_type->kt_idle = NULL;
	mc->mc_cpus = NULL;
	for (unsigned i = 0; i < mc->mc_ncpu; i++)
		mbcache_drain_stack(mc, &cpus[i]);
	mbcache_drain_stack(mc, &mc->mc_nocpu);
	while (mc->mc_npool > 0)
		kmem_free(mc->mc_type, mc->mc_pool[--mc->mc_npool],
		    mc->mc_size);
	kmem_free(&M_MBCACHE, cpus, mc->mc_ncpu * sizeof(*cpus));
	kmem_free(&M_MBCACHE, mc->mc_pool, mc->mc_poolmax * sizeof(void *));
	mutex_destroy(&mc->mc_lock);
}

/*
 * mcc_n is written only by the CPU's owner (or under mc_lock for
 * mc_nocpu) and read by mbcache_idle from anywhere, hence the atomics.
 */
static void
mbcache_push(struct mbcache_cpu *cc, void *obj)
{
	cc->mcc_objs[cc->mcc_n] = obj;
	atomic_store_relaxed(&cc->mcc_n, cc->mcc_n + 1);
}

static void *
mbcache_pop(struct mbcache_cpu *cc)
{
	atomic_store_relaxed(&cc->mcc_n, cc->mcc_n - 1);
	return cc->mcc_objs[cc->mcc_n];
}

/* Moves up to n objects from the pool to cc (under mc_lock). */
static void
mbcache_refill(struct mbcache *mc, struct mbcache_cpu *cc, unsigned n)
{
	while (n-- > 0 && mc->mc_npool > 0 && cc->mcc_n < mc->mc_cpumax) {
		mbcache_push(cc, mc->mc_pool[--mc->mc_npool]);
		atomic_store_relaxed(&mc->mc_npool, mc->mc_npool);
	}
}

/* Moves up to n objects from cc to the pool (under mc_lock). */
static void
mbcache_spill(struct mbcache *mc, struct mbcache_cpu *cc, unsigned n)
{
	while (n-- > 0 && cc->mcc_n > 0 && mc->mc_npool < mc->mc_poolmax) {
		mc->mc_pool[mc->mc_npool] = mbcache_pop(cc);
		atomic_store_relaxed(&mc->mc_npool, mc->mc_npool + 1);
	}
}

/*
 * Takes mc_lock and returns the stack to use with it.  mutex_enter may
 * give the CPU away while it waits and come back on another, so the
 * stack is looked up once the lock is held; from then on nothing blocks
 * until mbcache_unlock.
 */
static struct mbcache_cpu *
mbcache_lock(struct mbcache *mc)
{
	struct mbcache_cpu *cc;

	mutex_enter(&mc->mc_lock);
	cc = mbcache_mycpu(mc);
	return cc != NULL ? cc : &mc->mc_nocpu;
}

/*
 * Counts objects going out (delta 1) or coming back (-1) on the caller's
 * CPU: a plain store, as only the CPU's owner writes its counter.
 */
static void
mbcache_count(struct mbcache *mc, int64_t delta)
{
	struct mbcache_cpu *cc = mbcache_mycpu(mc);

	if (__predict_true(cc != NULL))
		atomic_store_relaxed(&cc->mcc_out, cc->mcc_out + delta);
	else
		__atomic_add_fetch(&mc->mc_nocpu.mcc_out, delta,
		    __ATOMIC_RELAXED);
}

void *
mbcache_alloc(struct mbcache *mc, int flags)
{
	struct mbcache_cpu *cc = mbcache_mycpu(mc);
	void *obj = NULL;

	if (__predict_true(cc != NULL && cc->mcc_n > 0)) {
		obj = mbcache_pop(cc);
	} else if (mc->mc_cpus != NULL) {
		/* Popped under the lock: mc_nocpu is shared. */
		cc = mbcache_lock(mc);
		mbcache_refill(mc, cc, mc->mc_batch);
		if (cc->mcc_n > 0)
			obj = mbcache_pop(cc);
		mutex_exit(&mc->mc_lock);
	}
	if (obj == NULL &&
	    (obj = kmem_alloc(mc->mc_type, mc->mc_size, flags)) == NULL)
		return NULL;
	mbcache_count(mc, 1);
	return obj;
}

void
mbcache_free(struct mbcache *mc, void *obj)
{
	struct mbcache_cpu *cc = mbcache_mycpu(mc);

	mbcache_count(mc, -1);
	if (__predict_true(cc != NULL && cc->mcc_n < mc->mc_cpumax)) {
		mbcache_push(cc, obj);
		return;
	}
	if (mc->mc_cpus != NULL) {
		cc = mbcache_lock(mc);
		if (cc->mcc_n == mc->mc_cpumax)
			mbcache_spill(mc, cc, mc->mc_batch);
		if (cc->mcc_n < mc->mc_cpumax) {
			mbcache_push(cc, obj);
			obj = NULL;
		}
		mutex_exit(&mc->mc_lock);
	}
	if (obj != NULL)
		kmem_free(mc->mc_type, obj, mc->mc_size);
}

uint64_t
mbcache_out(const struct mbcache *mc)
{
	int64_t sum = atomic_load_relaxed(&mc->mc_nocpu.mcc_out);

	if (mc->mc_cpus != NULL)
		for (unsigned i = 0; i < mc->mc_ncpu; i++)
			sum += atomic_load_relaxed(&mc->mc_cpus[i].mcc_out);
	return (uint64_t)sum;
}

uint64_t
mbcache_idle(const struct mbcache *mc)
{
	uint64_t sum;

	if (mc->mc_cpus == NULL)
		return 0;
	sum = atomic_load_relaxed(&mc->mc_npool) +
	    atomic_load_relaxed(&mc->mc_nocpu.mcc_n);
	for (unsigned i = 0; i < mc->mc_ncpu; i++)
		sum += atomic_load_relaxed(&mc->mc_cpus[i].mcc_n);
	return sum;
}
