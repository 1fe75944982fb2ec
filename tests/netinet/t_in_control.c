/*
 * The interface ioctls of IPv4 addresses (netinet/in_control.c) on a fake
 * Ethernet interface, as Linux's ifconfig(8) issues them: reading,
 * setting and removing the primary address, and its netmask.
 */
#include "ktest.h"
#include "fake_ether.h"

int in_ifioctl(unsigned long cmd, void *data, struct ifnet *ifp);

static const uint8_t fe_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 4 };
static struct fake_ether fe;

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

/* in_ifioctl(cmd) on fe with an ifreq holding address a (family af). */
static int
ifioctl(unsigned long cmd, int af, struct in_addr a, struct in_addr *out)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_ifru.ifru_addr;
	int error;

	memset(&ifr, 0, sizeof(ifr));
	sockaddr_in_init(sin, a, 0);
	sin->sin_family = (sa_family_t)af;
	NET_LOCK();
	error = in_ifioctl(cmd, &ifr, &fe.fe_if);
	NET_UNLOCK();
	if (out != NULL)
		*out = sin->sin_addr;
	return error;
}

static struct in_addr
addr_of(unsigned long cmd)
{
	struct in_addr a = { INADDR_ANY };

	assert_int_equal(ifioctl(cmd, AF_INET, a, &a), 0);
	return a;
}

/* Removes fe's address the Linux way, and what it announced. */
static void
remove_addr(void)
{
	struct in_addr any = { INADDR_ANY };

	assert_int_equal(ifioctl(SIOCSIFADDR, AF_INET, any, NULL), 0);
	assert_null(in_ifaddr_first(&fe.fe_if));
	fe_flush(&fe);
}

static void
without_an_address_reading_it_or_setting_a_mask_is_eaddrnotavail(void **state)
{
	struct in_addr mask = fe_ip(255, 255, 255, 0);

	(void)state;
	KTEST_ENTER();
	assert_int_equal(ifioctl(SIOCGIFADDR, AF_INET, mask, NULL),
	    EADDRNOTAVAIL);
	assert_int_equal(ifioctl(SIOCGIFNETMASK, AF_INET, mask, NULL),
	    EADDRNOTAVAIL);
	assert_int_equal(ifioctl(SIOCSIFNETMASK, AF_INET, mask, NULL),
	    EADDRNOTAVAIL);
	KTEST_EXIT();
}

static void
an_address_set_without_a_mask_takes_its_classful_one(void **state)
{
	(void)state;
	KTEST_ENTER();
	/* 198.18/15 is in the old class C. */
	assert_int_equal(ifioctl(SIOCSIFADDR, AF_INET, fe_ip(198, 18, 7, 1),
	    NULL), 0);
	assert_int_equal(addr_of(SIOCGIFADDR).s_addr,
	    fe_ip(198, 18, 7, 1).s_addr);
	assert_int_equal(addr_of(SIOCGIFNETMASK).s_addr,
	    fe_ip(255, 255, 255, 0).s_addr);
	remove_addr();
	KTEST_EXIT();
}

static void
setting_another_address_replaces_the_first(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(ifioctl(SIOCSIFADDR, AF_INET, fe_ip(198, 18, 7, 1),
	    NULL), 0);
	assert_int_equal(ifioctl(SIOCSIFADDR, AF_INET, fe_ip(198, 18, 7, 2),
	    NULL), 0);
	assert_int_equal(addr_of(SIOCGIFADDR).s_addr,
	    fe_ip(198, 18, 7, 2).s_addr);
	NET_LOCK();
	assert_null(in_ifaddr_byaddr(fe_ip(198, 18, 7, 1)));
	NET_UNLOCK();
	remove_addr();
	KTEST_EXIT();
}

static void
setting_the_address_it_has_keeps_its_mask(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(ifioctl(SIOCSIFADDR, AF_INET, fe_ip(198, 18, 7, 1),
	    NULL), 0);
	assert_int_equal(ifioctl(SIOCSIFNETMASK, AF_INET,
	    fe_ip(255, 255, 0, 0), NULL), 0);
	assert_int_equal(ifioctl(SIOCSIFADDR, AF_INET, fe_ip(198, 18, 7, 1),
	    NULL), 0);
	assert_int_equal(addr_of(SIOCGIFNETMASK).s_addr,
	    fe_ip(255, 255, 0, 0).s_addr);
	remove_addr();
	KTEST_EXIT();
}

static void
an_address_of_another_family_is_einval(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(ifioctl(SIOCSIFADDR, AF_UNSPEC, fe_ip(198, 18, 7, 1),
	    NULL), EINVAL);
	assert_null(in_ifaddr_first(&fe.fe_if));
	KTEST_EXIT();
}

static void
a_mask_with_holes_is_einval_and_leaves_the_old_one(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(ifioctl(SIOCSIFADDR, AF_INET, fe_ip(198, 18, 7, 1),
	    NULL), 0);
	assert_int_equal(ifioctl(SIOCSIFNETMASK, AF_INET,
	    fe_ip(255, 0, 255, 0), NULL), EINVAL);
	assert_int_equal(addr_of(SIOCGIFNETMASK).s_addr,
	    fe_ip(255, 255, 255, 0).s_addr);
	remove_addr();
	KTEST_EXIT();
}

static void
removing_an_address_it_does_not_have_does_nothing(void **state)
{
	struct in_addr any = { INADDR_ANY };

	(void)state;
	KTEST_ENTER();
	assert_int_equal(ifioctl(SIOCSIFADDR, AF_INET, any, NULL), 0);
	assert_null(in_ifaddr_first(&fe.fe_if));
	KTEST_EXIT();
}

static void
another_request_is_enotty(void **state)
{
	struct in_addr any = { INADDR_ANY };

	(void)state;
	KTEST_ENTER();
	assert_int_equal(ifioctl(SIOCGIFMTU, AF_INET, any, NULL), ENOTTY);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(without_an_address_reading_it_or_setting_a_mask_is_eaddrnotavail),
		leak_test(an_address_set_without_a_mask_takes_its_classful_one),
		leak_test(setting_another_address_replaces_the_first),
		leak_test(setting_the_address_it_has_keeps_its_mask),
		leak_test(an_address_of_another_family_is_einval),
		leak_test(a_mask_with_holes_is_einval_and_leaves_the_old_one),
		leak_test(removing_an_address_it_does_not_have_does_nothing),
		leak_test(another_request_is_enotty),
	};

	return cmocka_run_group_tests(tests, fe_boot, fe_halt);
}
