/*
 * Network-layer input by address family (librump/rumpnet/netisr.c), which
 * loopback delivers through: a registered family gets its packets; a
 * packet of any other family is dropped and counted on the interface it
 * came in on (lo0 here).  And lo0's own queue (if_loop.c), which holds
 * LOQLEN packets.
 */
#include "ktest.h"
#include "rumpkern/config.h"
#include "rumpkern/ktime.h"
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

static int delivered;

static void
count_input(struct ifnet *ifp, struct mbuf *m)
{
	(void)ifp;
	NET_ASSERT_LOCKED();
	m_freem(m);
	delivered++;
}

static uint64_t
kstat(const char *name)
{
	uint64_t v = ~0ULL;

	assert_int_equal(rumppriv_kstat_get(name, &v), 0);
	return v;
}

static struct mbuf *
packet(void)
{
	uint8_t buf[16] = { 0 };
	struct mbuf *m = m_devget(buf, sizeof(buf), NULL);

	assert_non_null(m);
	return m;
}

/* Dispatches a 16-byte packet of family af as if lo0 had received it. */
static struct mbuf *
dispatch(int af)
{
	struct mbuf *m = packet();
	struct ifnet *lo0;

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

static void
a_full_loopback_queue_drops_and_counts(void **state)
{
	const struct sockaddr dst = { .sa_family = TEST_AF };
	struct ifnet *lo0;
	uint64_t before;
	int n = 0;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(netisr_register(TEST_AF, count_input), 0);
	before = kstat("lo0.drop.nobufs");
	delivered = 0;
	/* The queue drains once softnet_lock is released, not before. */
	NET_LOCK();
	lo0 = if_find_byname("lo0");
	assert_non_null(lo0);
	for (int i = 0; i < LOQLEN; i++)
		assert_int_equal(if_output(lo0, packet(), &dst, NULL), 0);
	assert_int_equal(if_output(lo0, packet(), &dst, NULL), ENOBUFS);
	if_rele(lo0);
	NET_UNLOCK();
	assert_int_equal(kstat("lo0.drop.nobufs"), before + 1);
	/* Every packet queued is delivered. */
	while (n < LOQLEN) {
		kpause(NSEC_PER_TICK);
		NET_LOCK();
		n = delivered;
		NET_UNLOCK();
	}
	assert_int_equal(n, LOQLEN);
	netisr_unregister(TEST_AF);
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
		leak_test(a_full_loopback_queue_drops_and_counts),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
