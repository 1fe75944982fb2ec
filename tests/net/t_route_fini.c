/*
 * Routes left when the kernel shuts down (here one through lo0, which
 * never detaches) go with the address they use, which netinet removes
 * at its fini, before the routing component's (which finds none left),
 * with the references they hold on lo0 and its address: rump_fini()
 * succeeds and no kernel memory is left.
 *
 * A kernel boots once per process: this program is this one test.
 */
#include "ktest.h"
#include "net/route.h"
#include "netinet/in.h"
#include "rumpnet/if.h"
#include "rumpnet/netlock.h"

static void
routes_left_at_fini_are_deleted(void **state)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
	    .sin_addr = { htonl(0x0a060000) } };
	struct rt_addinfo info = { .dst = (const struct sockaddr *)&dst,
	    .plen = 16, .flags = RTF_STATIC };

	(void)state;
	assert_int_equal(rump_init(), 0);
	info.ifp = lo0ifp;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(rt_add(&info, NULL), 0);
	NET_UNLOCK();
	KTEST_EXIT();
	assert_int_equal(rump_fini(), 0);
	assert_int_equal(rump_kmem_inuse(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_left_at_fini_are_deleted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
