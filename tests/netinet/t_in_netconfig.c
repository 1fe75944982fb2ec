/*
 * The public IPv4 configuration calls (netinet/in_netconfig.c:
 * rump_netconfig_ipv4_ifaddr, ifaddr_del, route_add, route_del) on a fake
 * Ethernet interface: addresses and routes as the text forms give them,
 * and every refusal of a bad string, a missing interface or a missing
 * address.
 */
#include "ktest.h"
#include "fake_ether.h"
#include "net/route.h"
#include "rumpnet_netinet_if_priv.h"

static const uint8_t fe_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 1 };
static struct fake_ether fe;

/* The interface lives as long as the kernel; each test leaves it bare. */
static int
fe_boot(void **state)
{
	int error = ktest_boot(state);

	if (error == 0) {
		KTEST_ENTER();
		fe_attach(&fe, "fe", fe_mac);
		KTEST_EXIT();
	}
	return error;
}

static int
fe_halt(void **state)
{
	KTEST_ENTER();
	fe_detach(&fe);
	KTEST_EXIT();
	return ktest_halt(state);
}

/* The route the table would use for a.b.c.d, held, or NULL. */
static struct rtentry *
route_to(struct in_addr a)
{
	struct sockaddr_storage ss;
	struct rtentry *rt;

	fe_sin(&ss, a);
	NET_LOCK();
	rt = rt_lookup((struct sockaddr *)&ss);
	NET_UNLOCK();
	return rt;
}

/* Whether the exact prefix a.b.c.d/plen is in the table. */
static bool
have_route(struct in_addr a, int plen)
{
	struct sockaddr_storage ss;
	struct rtentry *rt;

	fe_sin(&ss, a);
	NET_LOCK();
	rt = rt_lookup_exact(AF_INET, (struct sockaddr *)&ss, plen);
	if (rt != NULL)
		rt_rele(rt);
	NET_UNLOCK();
	return rt != NULL;
}

static bool
have_addr(struct in_addr a)
{
	bool found;

	NET_LOCK();
	found = in_ifaddr_byaddr(a) != NULL;
	NET_UNLOCK();
	return found;
}

static void
an_address_is_added_and_deleted_by_interface_name(void **state)
{
	const char *ifname = fe.fe_if.if_xname;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(ifname,
	    "198.18.7.1/24"), 0);
	assert_true(have_addr(fe_ip(198, 18, 7, 1)));
	assert_true(have_route(fe_ip(198, 18, 7, 0), 24));
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del(ifname,
	    "198.18.7.1"), 0);
	assert_false(have_addr(fe_ip(198, 18, 7, 1)));
	assert_false(have_route(fe_ip(198, 18, 7, 0), 24));
	fe_flush(&fe);		/* the address's announcement */
	KTEST_EXIT();
}

static void
deleting_an_address_the_interface_does_not_have_is_eaddrnotavail(void **state)
{
	const char *ifname = fe.fe_if.if_xname;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del(ifname,
	    "198.18.7.1"), EADDRNOTAVAIL);
	/* lo0's address is not the fake interface's to delete. */
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del(ifname,
	    "127.0.0.1"), EADDRNOTAVAIL);
	assert_true(have_addr(fe_ip(127, 0, 0, 1)));
	KTEST_EXIT();
}

static void
an_address_another_interface_has_is_eexist(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(fe.fe_if.if_xname,
	    "127.0.0.1/8"), EEXIST);
	KTEST_EXIT();
}

static void
unusable_addresses_are_einval(void **state)
{
	const char *ifname = fe.fe_if.if_xname;

	(void)state;
	KTEST_ENTER();
	/* Multicast, class E, and the unspecified address. */
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(ifname,
	    "224.0.0.1/24"), EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(ifname,
	    "240.0.0.1/24"), EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(ifname,
	    "0.0.0.0/0"), EINVAL);
	assert_null(in_ifaddr_first(&fe.fe_if));
	KTEST_EXIT();
}

static void
malformed_address_strings_are_einval(void **state)
{
	static const char *const bad[] = {
		"198.18.7.1",		/* no prefix length */
		"198.18.7.1/33",
		"198.18.7.1/",
		"198.18.7.1/2x",
		"198.18.7/24",		/* three parts */
		"198.18.7.256/24",
		"198.18.7.0001/24",	/* four digits */
		"198..7.1/24",
		"198.18.7.1.5/24",
	};
	const char *ifname = fe.fe_if.if_xname;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(bad); i++)
		assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(ifname, bad[i]),
		    EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(ifname, NULL), EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del(ifname, NULL),
	    EINVAL);
	/* Deleting names an address, not a prefix. */
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del(ifname,
	    "198.18.7.1/24"), EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del(ifname,
	    "198.18.7.1 "), EINVAL);
	assert_null(in_ifaddr_first(&fe.fe_if));
	KTEST_EXIT();
}

static void
address_calls_on_a_missing_interface_are_enxio(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr("nosuch0",
	    "198.18.7.1/24"), ENXIO);
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del("nosuch0",
	    "198.18.7.1"), ENXIO);
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(NULL,
	    "198.18.7.1/24"), EINVAL);
	KTEST_EXIT();
}

static void
a_route_through_a_gateway_is_added_and_deleted(void **state)
{
	struct rtentry *rt;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(fe.fe_if.if_xname,
	    "198.18.7.1/24"), 0);
	assert_int_equal(rumppriv_netconfig_ipv4_route_add("198.19.0.0/16",
	    "198.18.7.254", NULL), 0);
	rt = route_to(fe_ip(198, 19, 3, 4));
	assert_non_null(rt);
	assert_int_equal(rt->rt_plen, 16);
	assert_true(rt->rt_flags & RTF_GATEWAY);
	assert_true(rt->rt_flags & RTF_STATIC);
	assert_ptr_equal(rt->rt_ifp, &fe.fe_if);
	NET_LOCK();
	rt_rele(rt);
	NET_UNLOCK();
	assert_int_equal(rumppriv_netconfig_ipv4_route_add("198.19.0.0/16",
	    "198.18.7.254", NULL), EEXIST);
	assert_int_equal(rumppriv_netconfig_ipv4_route_del("198.19.0.0/16"), 0);
	assert_false(have_route(fe_ip(198, 19, 0, 0), 16));
	assert_int_equal(rumppriv_netconfig_ipv4_route_del("198.19.0.0/16"),
	    ESRCH);
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del(fe.fe_if.if_xname,
	    "198.18.7.1"), 0);
	fe_flush(&fe);		/* the address's announcement */
	KTEST_EXIT();
}

static void
a_bare_address_is_a_host_route_on_the_named_interface(void **state)
{
	struct rtentry *rt;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(fe.fe_if.if_xname,
	    "198.18.7.1/24"), 0);
	assert_int_equal(rumppriv_netconfig_ipv4_route_add("198.19.1.1", NULL,
	    fe.fe_if.if_xname), 0);
	rt = route_to(fe_ip(198, 19, 1, 1));
	assert_non_null(rt);
	assert_int_equal(rt->rt_plen, 32);
	assert_true(rt->rt_flags & RTF_HOST);
	assert_false(rt->rt_flags & RTF_GATEWAY);
	assert_ptr_equal(rt->rt_ifp, &fe.fe_if);
	NET_LOCK();
	rt_rele(rt);
	NET_UNLOCK();
	assert_int_equal(rumppriv_netconfig_ipv4_route_del("198.19.1.1"), 0);
	assert_false(have_route(fe_ip(198, 19, 1, 1), 32));
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del(fe.fe_if.if_xname,
	    "198.18.7.1"), 0);
	fe_flush(&fe);		/* the address's announcement */
	KTEST_EXIT();
}

static void
default_is_the_route_of_prefix_length_zero(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr(fe.fe_if.if_xname,
	    "198.18.7.1/24"), 0);
	assert_int_equal(rumppriv_netconfig_ipv4_route_add("default",
	    "198.18.7.254", fe.fe_if.if_xname), 0);
	assert_true(have_route(fe_ip(0, 0, 0, 0), 0));
	assert_int_equal(rumppriv_netconfig_ipv4_route_del("default"), 0);
	assert_false(have_route(fe_ip(0, 0, 0, 0), 0));
	assert_int_equal(rumppriv_netconfig_ipv4_ifaddr_del(fe.fe_if.if_xname,
	    "198.18.7.1"), 0);
	fe_flush(&fe);		/* the address's announcement */
	KTEST_EXIT();
}

static void
bad_routes_are_refused_before_the_table_is_touched(void **state)
{
	unsigned before;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	before = rt_count(AF_INET);
	NET_UNLOCK();
	assert_int_equal(rumppriv_netconfig_ipv4_route_add(NULL,
	    "198.18.7.254", NULL), EINVAL);
	/* Neither a gateway nor an interface. */
	assert_int_equal(rumppriv_netconfig_ipv4_route_add("198.19.0.0/16",
	    NULL, NULL), EINVAL);
	/* Bits beyond the prefix, and words that are no address. */
	assert_int_equal(rumppriv_netconfig_ipv4_route_add("198.19.0.1/16",
	    "198.18.7.254", NULL), EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_route_add("everywhere",
	    "198.18.7.254", NULL), EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_route_add("198.19.0.0/16",
	    "gateway", NULL), EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_route_add("198.19.0.0/16",
	    NULL, "nosuch0"), ENXIO);
	assert_int_equal(rumppriv_netconfig_ipv4_route_del(NULL), EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_route_del("198.19.0.1/16"),
	    EINVAL);
	assert_int_equal(rumppriv_netconfig_ipv4_route_del("everywhere"),
	    EINVAL);
	NET_LOCK();
	assert_int_equal(rt_count(AF_INET), before);
	NET_UNLOCK();
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(an_address_is_added_and_deleted_by_interface_name),
		leak_test(deleting_an_address_the_interface_does_not_have_is_eaddrnotavail),
		leak_test(an_address_another_interface_has_is_eexist),
		leak_test(unusable_addresses_are_einval),
		leak_test(malformed_address_strings_are_einval),
		leak_test(address_calls_on_a_missing_interface_are_enxio),
		leak_test(a_route_through_a_gateway_is_added_and_deleted),
		leak_test(a_bare_address_is_a_host_route_on_the_named_interface),
		leak_test(default_is_the_route_of_prefix_length_zero),
		leak_test(bad_routes_are_refused_before_the_table_is_touched),
	};

	return cmocka_run_group_tests(tests, fe_boot, fe_halt);
}
