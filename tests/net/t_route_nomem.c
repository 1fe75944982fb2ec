/*
 * The routing table without memory: its allocations may fail
 * (KM_NOSLEEP, as they happen under softnet_lock on the packet path's
 * behalf), and then a route is not added, a table is not grown, a walk
 * is not made, and nothing taken is kept.  The host's allocator is
 * wrapped at link time (-Wl,--wrap=rumpuser_malloc, mk/tests.mk) and
 * fails the nth allocation of the test's own thread from now, so no other
 * kernel thread's allocation is hit.
 */
#include "ktest.h"
#include "net/route.h"
#include "netinet/in.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"

int __wrap_rumpuser_malloc(size_t len, size_t alignment, void **memp);
int __real_rumpuser_malloc(size_t len, size_t alignment, void **memp);

static struct lwp *fail_lwp;	/* whose allocations count down */
static unsigned fail_countdown;	/* fail the nth from now; 0: none */

int
__wrap_rumpuser_malloc(size_t len, size_t alignment, void **memp)
{
	if (fail_countdown != 0 && lwp_cur == fail_lwp &&
	    --fail_countdown == 0)
		return ENOMEM;
	return __real_rumpuser_malloc(len, alignment, memp);
}

/* This thread's nth allocation from now fails. */
static void
fail_nth(unsigned n)
{
	fail_lwp = curlwp;
	fail_countdown = n;
}

#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))
#define SA(x)	((const struct sockaddr *)&(struct sockaddr_in){	\
	.sin_family = AF_INET, .sin_addr = { htonl(x) } })

/* Routes through lo0, which has 127.0.0.1 (softnet_lock held). */
static int
route_add(uint32_t dst, int plen)
{
	struct rt_addinfo info = {
		.dst = SA(dst), .plen = plen, .ifp = lo0ifp,
		.flags = RTF_STATIC,
	};

	return rt_add(&info, NULL);
}

static bool
found(uint32_t dst, int plen)
{
	struct rtentry *rt = rt_lookup_exact(AF_INET, SA(dst), plen);

	if (rt == NULL)
		return false;
	rt_rele(rt);
	return true;
}

/* The allocation the entry, the table or its buckets needs fails. */
static void
a_route_without_memory_is_enomem_and_leaves_nothing(void **state)
{
	unsigned before;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	before = rt_count(AF_INET);
	/* /27: no route of that length yet, so a table is made too. */
	for (unsigned n = 1; n <= 3; n++) {
		fail_nth(n);
		assert_int_equal(route_add(IP4(10, 9, 8, 32), 27), ENOMEM);
		assert_int_equal(fail_countdown, 0);
		assert_int_equal(rt_count(AF_INET), before);
		assert_false(found(IP4(10, 9, 8, 32), 27));
	}
	/* With memory the same route is made, as a check of the above. */
	assert_int_equal(route_add(IP4(10, 9, 8, 32), 27), 0);
	assert_int_equal(rt_delete(AF_INET, SA(IP4(10, 9, 8, 32)), 27), 0);
	NET_UNLOCK();
	KTEST_EXIT();
}

/* A table that cannot double keeps its buckets, and every route. */
static void
a_table_that_cannot_grow_keeps_working(void **state)
{
	const unsigned n = 9;	/* one beyond a new table's 8 buckets */

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	for (unsigned i = 0; i < n - 1; i++)
		assert_int_equal(route_add(IP4(10, 7, 0, i), 32), 0);
	/* The entry comes, the larger bucket array does not. */
	fail_nth(2);
	assert_int_equal(route_add(IP4(10, 7, 0, n - 1), 32), 0);
	assert_int_equal(fail_countdown, 0);
	for (unsigned i = 0; i < n; i++) {
		assert_true(found(IP4(10, 7, 0, i), 32));
		assert_int_equal(rt_delete(AF_INET, SA(IP4(10, 7, 0, i)), 32),
		    0);
	}
	NET_UNLOCK();
	KTEST_EXIT();
}

static int
count_visit(struct rtentry *rt, void *arg)
{
	(void)rt;
	(*(int *)arg)++;
	return 0;
}

static void
a_walk_without_memory_for_its_snapshot_is_enomem(void **state)
{
	int visited = 0;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	fail_nth(1);
	assert_int_equal(rt_foreach(AF_INET, count_visit, &visited), ENOMEM);
	assert_int_equal(visited, 0);
	assert_int_equal(rt_foreach(AF_INET, count_visit, &visited), 0);
	assert_int_equal((unsigned)visited, rt_count(AF_INET));
	NET_UNLOCK();
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_route_without_memory_is_enomem_and_leaves_nothing),
		leak_test(a_table_that_cannot_grow_keeps_working),
		leak_test(a_walk_without_memory_for_its_snapshot_is_enomem),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
