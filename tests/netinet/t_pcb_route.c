/*
 * The route a PCB keeps: a connected socket's datagrams take the route
 * found when it connected, without searching the table, until the table
 * changes: a route added or deleted, an address removed.  On fake
 * interfaces (fip0, 198.18.0.1/24; fip1, 198.18.1.1/24) whose output
 * queues show each packet's next hop.
 */
#include "ktest.h"
#include "fake_ip.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"

static struct fake_ip fi0;

static int
setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	KTEST_ENTER();
	fi_attach(&fi0, "fip0", fi_ip(198, 18, 0, 1), 24);
	KTEST_EXIT();
	return 0;
}

static int
teardown(void **state)
{
	KTEST_ENTER();
	fi_detach(&fi0);
	KTEST_EXIT();
	return ktest_halt(state);
}

static uint64_t
kstat_read(const char *name)
{
	uint64_t v = ~0ULL;

	assert_int_equal(rumppriv_kstat_get(name, &v), 0);
	return v;
}

static struct socket *
connected_to(struct in_addr dst)
{
	struct sockaddr_in sin;
	struct socket *so;

	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&sin, dst, htons(9));
	assert_int_equal(soconnect(so, (const struct sockaddr *)&sin,
	    sizeof(sin), false), 0);
	return so;
}

static int
send_one(struct socket *so)
{
	struct mbuf *m = m_gethdr(M_WAIT, MT_DATA);

	m->m_len = m->m_pkthdr.len = 8;
	memset(mtod(m, void *), 0, 8);
	return sosend(so, NULL, 0, NULL, m, NULL, 0, false);
}

/* The next hop of the oldest packet fi sent (0.0.0.0 if none); frees it. */
static struct in_addr
sent_nexthop(struct fake_ip *fi)
{
	struct in_addr nh = { INADDR_ANY };
	struct mbuf *m = fi_dequeue(fi, &nh);

	m_freem(m);
	return nh;
}

static void
datagrams_of_a_connected_socket_take_the_cached_route(void **state)
{
	struct socket *so;
	uint64_t lookups, hits;
	int e1, e2, e3;

	(void)state;
	KTEST_ENTER();
	so = connected_to(fi_ip(198, 18, 0, 2));
	lookups = kstat_read("route.lookups");
	hits = kstat_read("route.cache_hits");
	e1 = send_one(so);
	e2 = send_one(so);
	e3 = send_one(so);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
	assert_int_equal(e1 | e2 | e3, 0);
	assert_int_equal(fi_flush(&fi0), 3);
	assert_int_equal(kstat_read("route.lookups"), lookups);
	assert_int_equal(kstat_read("route.cache_hits"), hits + 3);
}

/* A host route added towards the peer is taken; once deleted, not. */
static void
the_cached_route_follows_routes_added_and_deleted(void **state)
{
	struct in_addr peer = fi_ip(198, 18, 0, 2), gw = fi_ip(198, 18, 0, 9);
	struct sockaddr_in dst, gwsin;
	struct rt_addinfo info;
	struct in_addr before, during, after;
	struct socket *so;

	(void)state;
	sockaddr_in_init(&dst, peer, 0);
	sockaddr_in_init(&gwsin, gw, 0);
	memset(&info, 0, sizeof(info));
	info.dst = (const struct sockaddr *)&dst;
	info.plen = 32;
	info.gateway = (const struct sockaddr *)&gwsin;
	KTEST_ENTER();
	so = connected_to(peer);
	assert_int_equal(send_one(so), 0);
	before = sent_nexthop(&fi0);
	NET_LOCK();
	assert_int_equal(rt_add(&info, NULL), 0);
	NET_UNLOCK();
	assert_int_equal(send_one(so), 0);
	during = sent_nexthop(&fi0);
	NET_LOCK();
	assert_int_equal(rt_delete(AF_INET, info.dst, 32), 0);
	NET_UNLOCK();
	assert_int_equal(send_one(so), 0);
	after = sent_nexthop(&fi0);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
	assert_int_equal(before.s_addr, peer.s_addr);
	assert_int_equal(during.s_addr, gw.s_addr);
	assert_int_equal(after.s_addr, peer.s_addr);
}

/*
 * The address of the interface the route went through is removed: its
 * routes go, the cached one with them, and the socket has no route.
 */
static void
removing_the_address_drops_the_cached_route(void **state)
{
	struct fake_ip fi1;
	struct socket *so;
	int before, after;

	(void)state;
	KTEST_ENTER();
	fi_attach(&fi1, "fip1", fi_ip(198, 18, 1, 1), 24);
	so = connected_to(fi_ip(198, 18, 1, 2));
	before = send_one(so);
	NET_LOCK();
	assert_int_equal(in_addr_delete(&fi1.fi_if, fi_ip(198, 18, 1, 1)), 0);
	NET_UNLOCK();
	after = send_one(so);
	assert_int_equal(soclose(so), 0);
	fi_detach(&fi1);
	KTEST_EXIT();
	assert_int_equal(before, 0);
	assert_int_equal(after, ENETUNREACH);
}

/* A socket whose route is cached does not hold its interface. */
static void
a_socket_with_a_cached_route_lets_its_interface_detach(void **state)
{
	struct fake_ip fi1;
	struct socket *so;
	int error;

	(void)state;
	KTEST_ENTER();
	fi_attach(&fi1, "fip1", fi_ip(198, 18, 1, 1), 24);
	so = connected_to(fi_ip(198, 18, 1, 2));
	error = send_one(so);
	fi_detach(&fi1);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
	assert_int_equal(error, 0);
	assert_int_equal(fi1.fi_if.if_refcnt, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(datagrams_of_a_connected_socket_take_the_cached_route),
		leak_test(the_cached_route_follows_routes_added_and_deleted),
		leak_test(removing_the_address_drops_the_cached_route),
		leak_test(a_socket_with_a_cached_route_lets_its_interface_detach),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
