/*
 * netinet_init failing at its domain: here a component of this test,
 * initialised one level before netinet, has taken the AF_INET family
 * with a domain of its own, so netinet fails after ARP started and
 * undoes it.  rump_init then shuts the kernel down again; no kernel
 * memory may be left.  (t_netinet_init fails netinet one step later.)
 *
 * A kernel boots once per process: this program is this one test.
 */
#include "ktest.h"
#include "rumpkern/component.h"
#include "rumpnet/domain.h"

static struct domain squatter_domain = {
	.dom_family = AF_INET,
	.dom_name = "squatter",
};

static int
squatter_init(void)
{
	int error;

	NET_LOCK();
	error = domain_attach(&squatter_domain);
	NET_UNLOCK();
	return error;
}

static void
squatter_fini(void)
{
	NET_LOCK();
	domain_detach(&squatter_domain);
	NET_UNLOCK();
}

RUMP_COMPONENT(squatter_component, "squatter", RUMP_COMPONENT_NET_ROUTE,
    squatter_init, squatter_fini);

static void
netinet_init_failing_at_its_domain_leaves_nothing_behind(void **state)
{
	(void)state;
	assert_int_equal(rump_init(), EEXIST);
	assert_int_equal(rump_kmem_inuse(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netinet_init_failing_at_its_domain_leaves_nothing_behind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
