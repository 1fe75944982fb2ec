/*
 * Network-layer input by address family (librump/rumpnet/netisr.c): a
 * registered family gets its packets; a packet of any other family is
 * dropped and counted on the interface it came in on (lo0 here).
 */
#include "ktest.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netisr.h"
#include "rumpnet/netlock.h"

/* The test's family: nothing else registers packet sockets' family. */
#define TEST_AF	AF_PACKET

static struct mbuf *got;

static void
got_input(struct ifnet *ifp, struct mbuf *m)
{
	(void)ifp;
	got = m;
}

static uint64_t
kstat(const char *name)
{
	uint64_t v = ~0ULL;

	assert_int_equal(rumppriv_kstat_get(name, &v), 0);
	return v;
}

/* Dispatches a 16-byte packet of family af as if lo0 had received it. */
static struct mbuf *
dispatch(int af)
{
	uint8_t buf[16] = { 0 };
	struct mbuf *m = m_devget(buf, sizeof(buf), NULL);
	struct ifnet *lo0;

	assert_non_null(m);
	NET_LOCK();
	lo0 = if_find_byname("lo0");
	assert_non_null(lo0);
	netisr_dispatch(af, lo0, m);
	if_rele(lo0);
	NET_UNLOCK();
	return m;
}

static void
a_family_out_of_range_is_refused(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(netisr_register(AF_UNSPEC, got_input), EINVAL);
	assert_int_equal(netisr_register(-1, got_input), EINVAL);
	assert_int_equal(netisr_register(AF_MAX, got_input), EINVAL);
	KTEST_EXIT();
}

static void
a_family_is_registered_once(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(netisr_register(TEST_AF, got_input), 0);
	assert_int_equal(netisr_register(TEST_AF, got_input), EEXIST);
	netisr_unregister(TEST_AF);
	assert_int_equal(netisr_register(TEST_AF, got_input), 0);
	netisr_unregister(TEST_AF);
	KTEST_EXIT();
}

static void
a_registered_family_gets_its_packets(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(netisr_register(TEST_AF, got_input), 0);
	got = NULL;
	m = dispatch(TEST_AF);
	assert_ptr_equal(got, m);
	m_freem(got);
	netisr_unregister(TEST_AF);
	KTEST_EXIT();
}

static void
a_packet_of_no_registered_family_is_dropped_and_counted(void **state)
{
	uint64_t before;

	(void)state;
	KTEST_ENTER();
	before = kstat("lo0.drop.noproto");
	got = NULL;
	dispatch(TEST_AF);
	dispatch(AF_UNSPEC);
	dispatch(AF_MAX);
	assert_null(got);
	assert_int_equal(kstat("lo0.drop.noproto"), before + 3);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_family_out_of_range_is_refused),
		leak_test(a_family_is_registered_once),
		leak_test(a_registered_family_gets_its_packets),
		leak_test(a_packet_of_no_registered_family_is_dropped_and_counted),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
