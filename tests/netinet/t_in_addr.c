/*
 * IPv4 addresses of interfaces (netinet/in.c): the source address chosen
 * towards a destination, what 0.0.0.0 means as a destination, and an
 * address whose interface cannot be brought up.
 */
#include "ktest.h"
#include "fake_ether.h"
#include "net/route.h"

static const uint8_t fe_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 2 };
static struct fake_ether fe;

static int
fe_boot(void **state)
{
	int error = ktest_boot(state);

	if (error == 0) {
		KTEST_ENTER();
		fe_attach(&fe, "fe", fe_mac);
		NET_LOCK();
		assert_int_equal(in_addr_add(&fe.fe_if, fe_ip(198, 18, 7, 1),
		    24), 0);
		NET_UNLOCK();
		fe_flush(&fe);		/* the address's announcement */
		KTEST_EXIT();
	}
	return error;
}

static int
fe_halt(void **state)
{
	KTEST_ENTER();
	NET_LOCK();
	in_ifdetach(&fe.fe_if);
	NET_UNLOCK();
	fe_detach(&fe);
	KTEST_EXIT();
	return ktest_halt(state);
}

/* in_selectsrc_rc() towards a.b.c.d with a fresh route cache. */
static int
selectsrc(struct in_addr dst, struct in_addr *src)
{
	struct rtcache rc;
	int error;

	memset(&rc, 0, sizeof(rc));
	NET_LOCK();
	error = in_selectsrc_rc(dst, &rc, src);
	NET_UNLOCK();
	return error;
}

static void
the_source_towards_a_neighbour_is_the_address_of_its_subnet(void **state)
{
	struct in_addr src;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(selectsrc(fe_ip(198, 18, 7, 9), &src), 0);
	assert_int_equal(src.s_addr, fe_ip(198, 18, 7, 1).s_addr);
	KTEST_EXIT();
}

static void
the_source_towards_an_address_of_ours_is_that_address(void **state)
{
	struct in_addr src;

	(void)state;
	KTEST_ENTER();
	/* Its local route goes through lo0, which has 127.0.0.1. */
	assert_int_equal(selectsrc(fe_ip(198, 18, 7, 1), &src), 0);
	assert_int_equal(src.s_addr, fe_ip(198, 18, 7, 1).s_addr);
	KTEST_EXIT();
}

static void
no_source_is_chosen_without_a_route(void **state)
{
	struct in_addr src = fe_ip(198, 18, 99, 99);

	(void)state;
	KTEST_ENTER();
	assert_int_equal(selectsrc(fe_ip(198, 19, 0, 1), &src), ENETUNREACH);
	KTEST_EXIT();
}

static void
a_destination_of_0_0_0_0_is_the_source_or_else_loopback(void **state)
{
	struct in_addr any = { INADDR_ANY };
	struct in_addr src = fe_ip(198, 18, 7, 1), dst = fe_ip(198, 18, 7, 9);

	(void)state;
	KTEST_ENTER();
	assert_int_equal(in_thishost(any, src).s_addr, src.s_addr);
	assert_int_equal(in_thishost(any, any).s_addr,
	    fe_ip(127, 0, 0, 1).s_addr);
	assert_int_equal(in_thishost(dst, src).s_addr, dst.s_addr);
	KTEST_EXIT();
}

/* ---- an interface that fails to come up ---- */

static int
broken_init(struct ifnet *ifp)
{
	(void)ifp;
	return EIO;
}

static const struct if_driverops broken_driverops = {
	.ifd_transmit = fe_transmit,
	.ifd_init = broken_init,
};

static struct fake_ether broken;

static void
an_address_is_not_kept_when_its_interface_fails_to_come_up(void **state)
{
	static const uint8_t mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 3 };
	struct in_addr addr = fe_ip(198, 18, 8, 1);
	struct sockaddr_storage ss;
	struct rtentry *rt;

	(void)state;
	KTEST_ENTER();
	memset(&broken, 0, sizeof(broken));
	if_init_ifnet(&broken.fe_if, "broken0");
	broken.fe_if.if_drv = &broken_driverops;
	ether_ifattach(&broken.fe_if, mac);
	assert_int_equal(if_attach(&broken.fe_if), 0);
	NET_LOCK();
	assert_int_equal(in_addr_add(&broken.fe_if, addr, 24), EIO);
	assert_null(in_ifaddr_byaddr(addr));
	assert_null(in_ifaddr_first(&broken.fe_if));
	assert_false(broken.fe_if.if_flags & IFF_UP);
	fe_sin(&ss, fe_ip(198, 18, 8, 0));
	rt = rt_lookup_exact(AF_INET, (struct sockaddr *)&ss, 24);
	assert_null(rt);
	NET_UNLOCK();
	if_detach(&broken.fe_if);
	ether_ifdetach(&broken.fe_if);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(the_source_towards_a_neighbour_is_the_address_of_its_subnet),
		leak_test(the_source_towards_an_address_of_ours_is_that_address),
		leak_test(no_source_is_chosen_without_a_route),
		leak_test(a_destination_of_0_0_0_0_is_the_source_or_else_loopback),
		leak_test(an_address_is_not_kept_when_its_interface_fails_to_come_up),
	};

	return cmocka_run_group_tests(tests, fe_boot, fe_halt);
}
