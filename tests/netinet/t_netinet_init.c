/*
 * netinet_init failing half way undoes what it had done: here AF_INET's
 * loopback input is taken by a component of this test, initialised one
 * level before netinet, so netinet fails after it registered with the
 * Ethernet layer.  rump_init then shuts the kernel down again, and each
 * layer below checks at its fini that nothing is left registered (the
 * Ethernet layer panics otherwise); no kernel memory may be left either.
 *
 * A kernel boots once per process: this program is this one test.
 */
#include "ktest.h"
#include "rumpkern/component.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netisr.h"

static void
squatter_input(struct ifnet *ifp, struct mbuf *m)
{
	(void)ifp;
	m_freem(m);
}

static int
squatter_init(void)
{
	return netisr_register(AF_INET, squatter_input);
}

static void
squatter_fini(void)
{
	netisr_unregister(AF_INET);
}

RUMP_COMPONENT(squatter_component, "squatter", RUMP_COMPONENT_NET_ROUTE,
    squatter_init, squatter_fini);

static void
failed_netinet_init_leaves_nothing_behind(void **state)
{
	(void)state;
	assert_int_equal(rump_init(), EEXIST);
	assert_int_equal(rump_kmem_inuse(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_netinet_init_leaves_nothing_behind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
