/*
 * Whether an address is ours or a broadcast address of ours, answered from
 * the address hashes as addresses come and go.  On fake interfaces.
 */
#include "ktest.h"
#include "fake_ip.h"

static struct fake_ip fi0, fi1;

static int
setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	KTEST_ENTER();
	fi_attach(&fi0, "fip0", fi_ip(198, 18, 0, 1), 24);
	fi_attach(&fi1, "fip1", fi_ip(198, 18, 1, 1), 24);
	KTEST_EXIT();
	return 0;
}

static int
teardown(void **state)
{
	KTEST_ENTER();
	fi_detach(&fi0);
	fi_detach(&fi1);
	KTEST_EXIT();
	return ktest_halt(state);
}

static bool
islocal(struct in_addr a)
{
	bool r;

	NET_LOCK();
	r = in_islocal(a);
	NET_UNLOCK();
	return r;
}

static bool
isbroadcast(struct in_addr a, struct ifnet *ifp)
{
	bool r;

	NET_LOCK();
	r = in_isbroadcast(a, ifp);
	NET_UNLOCK();
	return r;
}

static int
addr_add(struct fake_ip *fi, struct in_addr a, int plen)
{
	int error;

	NET_LOCK();
	error = in_addr_add(&fi->fi_if, a, plen);
	NET_UNLOCK();
	return error;
}

static int
addr_delete(struct fake_ip *fi, struct in_addr a)
{
	int error;

	NET_LOCK();
	error = in_addr_delete(&fi->fi_if, a);
	NET_UNLOCK();
	return error;
}

static void
an_address_is_local_from_its_addition_to_its_removal(void **state)
{
	struct in_addr a = fi_ip(198, 18, 0, 5);
	bool before, during, after;

	(void)state;
	KTEST_ENTER();
	before = islocal(a);
	assert_int_equal(addr_add(&fi0, a, 24), 0);
	during = islocal(a);
	assert_int_equal(addr_delete(&fi0, a), 0);
	after = islocal(a);
	KTEST_EXIT();
	assert_false(before);
	assert_true(during);
	assert_false(after);
}

static void
another_address_of_the_subnet_is_not_local(void **state)
{
	bool r;

	(void)state;
	KTEST_ENTER();
	r = islocal(fi_ip(198, 18, 0, 2));
	KTEST_EXIT();
	assert_false(r);
}

/* As on Linux: 127.0.0.1/8 on lo0 makes every 127.x.y.z ours. */
static void
all_of_the_loopback_subnet_is_local(void **state)
{
	bool r;

	(void)state;
	KTEST_ENTER();
	r = islocal(fi_ip(127, 1, 2, 3));
	KTEST_EXIT();
	assert_true(r);
}

static void
a_subnet_broadcast_address_is_broadcast_on_its_interface_only(void **state)
{
	struct in_addr b = fi_ip(198, 18, 0, 255);
	bool any, own, other;

	(void)state;
	KTEST_ENTER();
	any = isbroadcast(b, NULL);
	own = isbroadcast(b, &fi0.fi_if);
	other = isbroadcast(b, &fi1.fi_if);
	KTEST_EXIT();
	assert_true(any);
	assert_true(own);
	assert_false(other);
}

static void
the_limited_broadcast_and_zero_addresses_are_broadcast(void **state)
{
	bool all, zero, unicast;

	(void)state;
	KTEST_ENTER();
	all = isbroadcast(fi_ip(255, 255, 255, 255), NULL);
	zero = isbroadcast(fi_ip(0, 0, 0, 0), NULL);
	unicast = isbroadcast(fi_ip(198, 18, 0, 7), NULL);
	KTEST_EXIT();
	assert_true(all);
	assert_true(zero);
	assert_false(unicast);
}

/* RFC 3021: a /31 has two hosts and no broadcast address. */
static void
a_slash_31_has_no_broadcast_address(void **state)
{
	struct in_addr a = fi_ip(198, 18, 2, 0);
	bool r;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(addr_add(&fi1, a, 31), 0);
	r = isbroadcast(fi_ip(198, 18, 2, 1), NULL);
	assert_int_equal(addr_delete(&fi1, a), 0);
	KTEST_EXIT();
	assert_false(r);
}

/* Two addresses in one subnet: the broadcast stays until both are gone. */
static void
a_broadcast_address_stays_while_an_address_of_its_subnet_does(void **state)
{
	struct in_addr a = fi_ip(198, 18, 3, 1), b = fi_ip(198, 18, 3, 2);
	struct in_addr bcast = fi_ip(198, 18, 3, 255);
	bool both, one, none;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(addr_add(&fi1, a, 24), 0);
	assert_int_equal(addr_add(&fi1, b, 24), 0);
	both = isbroadcast(bcast, &fi1.fi_if);
	assert_int_equal(addr_delete(&fi1, a), 0);
	one = isbroadcast(bcast, &fi1.fi_if);
	assert_int_equal(addr_delete(&fi1, b), 0);
	none = isbroadcast(bcast, NULL);
	KTEST_EXIT();
	assert_true(both);
	assert_true(one);
	assert_false(none);
}

/* Many more addresses than buckets: each found, its interface's own. */
static void
many_addresses_are_each_found(void **state)
{
	enum { N = 512 };
	unsigned nfound = 0, nlocal = 0;

	(void)state;
	KTEST_ENTER();
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(addr_add(&fi1, fi_ip(198, 19, i / 256, i % 256),
		    32), 0);
	NET_LOCK();
	for (unsigned i = 0; i < N; i++) {
		struct in_addr a = fi_ip(198, 19, i / 256, i % 256);
		struct in_ifaddr *ia = in_ifaddr_byaddr(a);

		if (ia != NULL && ia->ia_addr.s_addr == a.s_addr &&
		    ia->ia_ifa.ifa_ifp == &fi1.fi_if)
			nfound++;
		if (in_islocal(a))
			nlocal++;
	}
	NET_UNLOCK();
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(addr_delete(&fi1,
		    fi_ip(198, 19, i / 256, i % 256)), 0);
	KTEST_EXIT();
	assert_int_equal(nfound, N);
	assert_int_equal(nlocal, N);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(an_address_is_local_from_its_addition_to_its_removal),
		leak_test(another_address_of_the_subnet_is_not_local),
		leak_test(all_of_the_loopback_subnet_is_local),
		leak_test(a_subnet_broadcast_address_is_broadcast_on_its_interface_only),
		leak_test(the_limited_broadcast_and_zero_addresses_are_broadcast),
		leak_test(a_slash_31_has_no_broadcast_address),
		leak_test(a_broadcast_address_stays_while_an_address_of_its_subnet_does),
		leak_test(many_addresses_are_each_found),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
