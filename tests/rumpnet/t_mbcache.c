/*
 * The per-CPU caches under mbufs (mbcache.h), on a cache of their own with
 * small limits: what a CPU frees it reuses, a full stack gives a batch to
 * the pool and an empty one takes a batch back, a full pool frees to kmem,
 * objects out are counted, and kmem counts cached objects as idle.
 */
#include "ktest.h"
#include "rumpkern/lwp.h"
#include "rumpnet/mbcache.h"

KMEM_DEFINE(M_TESTOBJ, "testobj");

#define OBJSIZE		64
#define CPUMAX		4
#define BATCH		2
#define POOLMAX		4

static struct mbcache mc;

/* The leak check spans the cache's life: its own memory is freed too. */
static int
cache_setup(void **state)
{
	int error = leakcheck_setup(state);

	KTEST_ENTER();
	mbcache_init(&mc, &M_TESTOBJ, OBJSIZE, CPUMAX, BATCH, POOLMAX, ncpu);
	KTEST_EXIT();
	return error;
}

static int
cache_teardown(void **state)
{
	KTEST_ENTER();
	mbcache_fini(&mc);
	KTEST_EXIT();
	assert_int_equal(M_TESTOBJ.kt_inuse, 0);
	return leakcheck_teardown(state);
}

#define cache_test(f) cmocka_unit_test_setup_teardown(f, cache_setup, \
	cache_teardown)

static void
an_empty_cache_allocates_from_kmem(void **state)
{
	uint64_t total = M_TESTOBJ.kt_total;
	void *p;

	(void)state;
	KTEST_ENTER();
	p = mbcache_alloc(&mc, KM_SLEEP);
	mbcache_free(&mc, p);
	KTEST_EXIT();
	assert_int_equal(M_TESTOBJ.kt_total, total + 1);
}

static void
a_freed_object_is_reused_without_kmem(void **state)
{
	uint64_t total;
	void *p, *q;

	(void)state;
	KTEST_ENTER();
	p = mbcache_alloc(&mc, KM_SLEEP);
	mbcache_free(&mc, p);
	total = M_TESTOBJ.kt_total;
	q = mbcache_alloc(&mc, KM_SLEEP);
	mbcache_free(&mc, q);
	KTEST_EXIT();
	assert_ptr_equal(p, q);
	assert_int_equal(M_TESTOBJ.kt_total, total);
}

/* One more than a stack holds: a batch goes to the pool. */
static void
a_full_stack_gives_a_batch_to_the_pool(void **state)
{
	void *p[CPUMAX + 1];
	unsigned npool;

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < CPUMAX + 1; i++)
		p[i] = mbcache_alloc(&mc, KM_SLEEP);
	for (int i = 0; i < CPUMAX + 1; i++)
		mbcache_free(&mc, p[i]);
	npool = mc.mc_npool;
	KTEST_EXIT();
	assert_int_equal(npool, BATCH);
	assert_int_equal(mbcache_idle(&mc), CPUMAX + 1);
}

/*
 * Five freed: the stack (4) spilled two to the pool and kept three.  Five
 * allocated: three from the stack, then a batch of two from the pool, and
 * none from kmem.
 */
static void
an_empty_stack_takes_a_batch_from_the_pool(void **state)
{
	void *p[CPUMAX + 1];
	uint64_t total;
	unsigned npool;

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < CPUMAX + 1; i++)
		p[i] = mbcache_alloc(&mc, KM_SLEEP);
	for (int i = 0; i < CPUMAX + 1; i++)
		mbcache_free(&mc, p[i]);
	total = M_TESTOBJ.kt_total;
	for (int i = 0; i < CPUMAX + 1; i++)
		p[i] = mbcache_alloc(&mc, KM_SLEEP);
	npool = mc.mc_npool;
	for (int i = 0; i < CPUMAX + 1; i++)
		mbcache_free(&mc, p[i]);
	KTEST_EXIT();
	assert_int_equal(npool, 0);
	assert_int_equal(M_TESTOBJ.kt_total, total);
}

/* Beyond the stack and the pool, freed objects go back to kmem. */
static void
what_neither_stack_nor_pool_holds_goes_back_to_kmem(void **state)
{
	enum { N = CPUMAX + POOLMAX + 6 };
	void *p[N];
	uint64_t blocks;

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < N; i++)
		p[i] = mbcache_alloc(&mc, KM_SLEEP);
	for (int i = 0; i < N; i++)
		mbcache_free(&mc, p[i]);
	blocks = M_TESTOBJ.kt_blocks;
	KTEST_EXIT();
	assert_true(blocks <= CPUMAX + POOLMAX);
	assert_int_equal(blocks, mbcache_idle(&mc));
}

static void
objects_out_are_counted_until_freed(void **state)
{
	void *p[3];
	uint64_t out;

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < 3; i++)
		p[i] = mbcache_alloc(&mc, KM_SLEEP);
	out = mbcache_out(&mc);
	for (int i = 0; i < 3; i++)
		mbcache_free(&mc, p[i]);
	KTEST_EXIT();
	assert_int_equal(out, 3);
	assert_int_equal(mbcache_out(&mc), 0);
}

/* kmem counts the cached objects as allocated, rump_kmem_stat as idle. */
static void
kmem_leaves_cached_objects_out_of_what_is_in_use(void **state)
{
	struct rump_kmem_stat st;
	void *p;

	(void)state;
	KTEST_ENTER();
	p = mbcache_alloc(&mc, KM_SLEEP);
	mbcache_free(&mc, p);
	KTEST_EXIT();
	assert_int_equal(rump_kmem_stat("testobj", &st), 0);
	assert_int_equal(M_TESTOBJ.kt_inuse, OBJSIZE);
	assert_int_equal(st.inuse, 0);
	assert_int_equal(st.blocks, 0);
}

/* A thread without a CPU frees into the pool, under its lock. */
static void
a_thread_without_a_cpu_frees_into_the_pool(void **state)
{
	void *p;
	unsigned npool;

	(void)state;
	KTEST_ENTER();
	p = mbcache_alloc(&mc, KM_SLEEP);
	KTEST_EXIT();
	mbcache_free(&mc, p);
	npool = mc.mc_npool + mc.mc_nocpu.mcc_n;
	assert_int_equal(npool, 1);
	assert_int_equal(mbcache_out(&mc), 0);
}

/* And takes back from there, under the same lock, without kmem. */
static void
a_thread_without_a_cpu_allocates_from_the_shared_cache(void **state)
{
	uint64_t total;
	void *p, *q;

	(void)state;
	KTEST_ENTER();
	p = mbcache_alloc(&mc, KM_SLEEP);
	KTEST_EXIT();
	mbcache_free(&mc, p);
	total = M_TESTOBJ.kt_total;
	q = mbcache_alloc(&mc, KM_SLEEP);
	assert_ptr_equal(p, q);
	assert_int_equal(M_TESTOBJ.kt_total, total);
	assert_int_equal(mbcache_out(&mc), 1);
	mbcache_free(&mc, q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cache_test(an_empty_cache_allocates_from_kmem),
		cache_test(a_freed_object_is_reused_without_kmem),
		cache_test(a_full_stack_gives_a_batch_to_the_pool),
		cache_test(an_empty_stack_takes_a_batch_from_the_pool),
		cache_test(what_neither_stack_nor_pool_holds_goes_back_to_kmem),
		cache_test(objects_out_are_counted_until_freed),
		cache_test(kmem_leaves_cached_objects_out_of_what_is_in_use),
		cache_test(a_thread_without_a_cpu_frees_into_the_pool),
		cache_test(a_thread_without_a_cpu_allocates_from_the_shared_cache),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
