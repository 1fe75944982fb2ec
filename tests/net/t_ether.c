/*
 * The Ethernet link layer on a fake interface: what ether_input accepts,
 * drops and hands to which protocol, what ether_output puts on the wire,
 * and the address helpers.  A protocol and a resolver registered by the
 * tests stand in for IP and ARP.
 */
#include "ktest.h"
#include "fake_ether.h"

/* An ethertype for local experiments (IEEE 802 local experimental 1). */
#define TEST_ETHERTYPE	0x88b5
/* A family no protocol resolves here (AF_MCTP on Linux). */
#define TEST_AF		45

static const uint8_t our_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t other_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0x99 };
static const uint8_t mcast_mac[ETHER_ADDR_LEN] = { 0x01, 0, 0x5e, 0, 0, 0xfb };

/* What the test protocol received. */
static struct {
	unsigned count;
	int flags;		/* m_flags of the last one */
	int len;		/* its m_pkthdr.len */
	uint8_t data[64];	/* its first bytes */
	struct ifnet *ifp;
} rx;

static void
test_input(struct ifnet *ifp, struct mbuf *m)
{
	NET_ASSERT_LOCKED();
	assert_true(m_check(m));
	rx.count++;
	rx.flags = m->m_flags;
	rx.len = m->m_pkthdr.len;
	rx.ifp = ifp;
	m_copydata(m, 0, MIN(rx.len, (int)sizeof(rx.data)), rx.data);
	m_freem(m);
}

/* What the test resolver does. */
static enum { RES_OK, RES_KEEP, RES_FAIL } res_mode;
static struct mbuf *res_kept;
static unsigned res_calls;

static int
test_resolve(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt, uint8_t lla[ETHER_ADDR_LEN])
{
	(void)ifp;
	(void)rt;
	assert_int_equal(dst->sa_family, TEST_AF);
	res_calls++;
	switch (res_mode) {
	case RES_OK:
		memcpy(lla, peer_mac, ETHER_ADDR_LEN);
		return 0;
	case RES_KEEP:
		res_kept = m;
		return EWOULDBLOCK;
	default:
		m_freem(m);
		return EHOSTUNREACH;
	}
}

static int
group_setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	KTEST_ENTER();
	error = ether_proto_register(TEST_ETHERTYPE, test_input);
	if (error == 0)
		error = ether_resolver_register(TEST_AF, test_resolve, 0x88b6);
	KTEST_EXIT();
	return error;
}

static int
group_teardown(void **state)
{
	KTEST_ENTER();
	ether_resolver_unregister(TEST_AF);
	ether_proto_unregister(TEST_ETHERTYPE);
	KTEST_EXIT();
	return ktest_halt(state);
}

static void
test_reset(void)
{
	memset(&rx, 0, sizeof(rx));
	res_mode = RES_OK;
	res_kept = NULL;
	res_calls = 0;
}

/* A frame of len bytes with the given header and a counting payload. */
static int
mkframe(uint8_t *buf, int len, const uint8_t dst[ETHER_ADDR_LEN],
    uint16_t type)
{
	fe_ethhdr(buf, dst, peer_mac, type);
	for (int i = ETHER_HDR_LEN; i < len; i++)
		buf[i] = (uint8_t)(i - ETHER_HDR_LEN);
	return len;
}

/* A packet of len payload bytes; with room in front if lead. */
static struct mbuf *
mkpacket(int len, bool lead)
{
	uint8_t buf[2048];
	struct mbuf *m;

	for (int i = 0; i < len; i++)
		buf[i] = (uint8_t)(0xa0 + i);
	if (lead) {
		m = m_gethdr(M_WAIT, MT_DATA);
		m_align(m, 64);
		assert_int_equal(m_append(m, len, buf), 0);
	} else {
		m = m_devget(buf, len, NULL);
	}
	assert_non_null(m);
	return m;
}

static int
output(struct fake_ether *fe, struct mbuf *m, int af)
{
	struct sockaddr sa;
	int error;

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = (sa_family_t)af;
	NET_LOCK();
	error = if_output(&fe->fe_if, m, &sa, NULL);
	NET_UNLOCK();
	return error;
}

static void
ether_ifattach_sets_link_fields(void **state)
{
	static struct fake_ether fe;
	struct ifnet ifp;

	(void)state;
	KTEST_ENTER();
	fe_attach(&fe, "fake", our_mac);
	assert_int_equal(fe.fe_if.if_type, IFT_ETHER);
	assert_int_equal(fe.fe_if.if_addrlen, ETHER_ADDR_LEN);
	assert_int_equal(fe.fe_if.if_hdrlen, ETHER_HDR_LEN);
	assert_int_equal(fe.fe_if.if_mtu, ETHERMTU);
	assert_memory_equal(fe.fe_if.if_hwaddr, our_mac, ETHER_ADDR_LEN);
	assert_true(fe.fe_if.if_flags & IFF_BROADCAST);
	assert_true(fe.fe_if.if_flags & IFF_MULTICAST);
	assert_non_null(fe.fe_if.if_link);
	fe_detach(&fe);

	/* A driver's MTU stays; none set gets Ethernet's. */
	if_init_ifnet(&ifp, "fake");
	ifp.if_mtu = 9000;
	ether_ifattach(&ifp, our_mac);
	assert_int_equal(ifp.if_mtu, 9000);
	if_init_ifnet(&ifp, "fake");
	ifp.if_mtu = 0;
	ether_ifattach(&ifp, our_mac);
	assert_int_equal(ifp.if_mtu, ETHERMTU);
	KTEST_EXIT();
}

static void
ether_input_drops_short_frames(void **state)
{
	static struct fake_ether fe;
	uint8_t buf[64];

	(void)state;
	KTEST_ENTER();
	test_reset();
	fe_attach(&fe, "fake", our_mac);
	for (int len = 1; len < ETHER_HDR_LEN; len++)
		fe_inject(&fe, buf, mkframe(buf, len, our_mac, TEST_ETHERTYPE));
	assert_int_equal(fe.fe_if.if_stats.drops[IFDROP_SHORT],
	    ETHER_HDR_LEN - 1);
	assert_int_equal(rx.count, 0);

	/* A bare header is a frame with an empty payload. */
	fe_inject(&fe, buf, mkframe(buf, ETHER_HDR_LEN, our_mac,
	    TEST_ETHERTYPE));
	assert_int_equal(rx.count, 1);
	assert_int_equal(rx.len, 0);
	/* A runt (below 60 bytes) is taken as it is. */
	fe_inject(&fe, buf, mkframe(buf, 42, our_mac, TEST_ETHERTYPE));
	assert_int_equal(rx.count, 2);
	assert_int_equal(rx.len, 42 - ETHER_HDR_LEN);
	fe_detach(&fe);
	KTEST_EXIT();
}

static void
ether_input_drops_frames_for_other_macs(void **state)
{
	static struct fake_ether fe;
	uint8_t buf[64];
	uint64_t promisc;

	(void)state;
	KTEST_ENTER();
	test_reset();
	fe_attach(&fe, "fake", our_mac);
	fe_inject(&fe, buf, mkframe(buf, 60, other_mac, TEST_ETHERTYPE));
	assert_int_equal(fe.fe_if.if_stats.drops[IFDROP_NOTFORUS], 1);
	assert_int_equal(rx.count, 0);

	/* Promiscuous mode shows it to taps, not to protocols. */
	promisc = kstat_read("ether.in.promisc");
	NET_LOCK();
	assert_int_equal(if_setflags(&fe.fe_if, IFF_UP | IFF_PROMISC), 0);
	NET_UNLOCK();
	fe_inject(&fe, buf, mkframe(buf, 60, other_mac, TEST_ETHERTYPE));
	assert_int_equal(fe.fe_if.if_stats.drops[IFDROP_NOTFORUS], 2);
	assert_int_equal(kstat_read("ether.in.promisc"), promisc + 1);
	assert_int_equal(rx.count, 0);
	fe_detach(&fe);
	KTEST_EXIT();
}

static void
ether_input_dispatches_by_ethertype(void **state)
{
	static struct fake_ether fe;
	uint8_t buf[64];
	uint64_t bcast, mcast;

	(void)state;
	KTEST_ENTER();
	bcast = kstat_read("ether.in.bcast");
	mcast = kstat_read("ether.in.mcast");
	test_reset();
	fe_attach(&fe, "fake", our_mac);

	fe_inject(&fe, buf, mkframe(buf, 60, our_mac, TEST_ETHERTYPE));
	assert_int_equal(rx.count, 1);
	assert_ptr_equal(rx.ifp, &fe.fe_if);
	assert_int_equal(rx.len, 60 - ETHER_HDR_LEN);
	assert_int_equal(rx.flags & (M_BCAST | M_MCAST), 0);
	/* The header is gone: the payload starts at its first byte. */
	for (int i = 0; i < rx.len; i++)
		assert_int_equal(rx.data[i], i);

	fe_inject(&fe, buf, mkframe(buf, 60, etherbroadcastaddr,
	    TEST_ETHERTYPE));
	assert_int_equal(rx.count, 2);
	assert_int_equal(rx.flags & (M_BCAST | M_MCAST), M_BCAST);

	fe_inject(&fe, buf, mkframe(buf, 60, mcast_mac, TEST_ETHERTYPE));
	assert_int_equal(rx.count, 3);
	assert_int_equal(rx.flags & (M_BCAST | M_MCAST), M_MCAST);

	assert_int_equal(fe.fe_if.if_stats.imcasts, 2);
	assert_int_equal(kstat_read("ether.in.bcast"), bcast + 1);
	assert_int_equal(kstat_read("ether.in.mcast"), mcast + 1);
	assert_int_equal(fe.fe_if.if_stats.ipackets, 3);
	fe_detach(&fe);
	KTEST_EXIT();
}

static void
ether_input_counts_unknown_ethertypes(void **state)
{
	static struct fake_ether fe;
	uint8_t buf[64];
	uint64_t unknown, llc;

	(void)state;
	KTEST_ENTER();
	unknown = kstat_read("ether.in.unknown");
	llc = kstat_read("ether.in.llc");
	test_reset();
	fe_attach(&fe, "fake", our_mac);
	fe_inject(&fe, buf, mkframe(buf, 60, our_mac, 0x1234));
	fe_inject(&fe, buf, mkframe(buf, 60, etherbroadcastaddr, 0x8100));
	/* IEEE 802.3: a length (46) where the ethertype would be. */
	fe_inject(&fe, buf, mkframe(buf, 60, our_mac, 46));
	assert_int_equal(rx.count, 0);
	assert_int_equal(fe.fe_if.if_stats.drops[IFDROP_NOPROTO], 3);
	assert_int_equal(kstat_read("ether.in.unknown"), unknown + 2);
	assert_int_equal(kstat_read("ether.in.llc"), llc + 1);
	fe_detach(&fe);
	KTEST_EXIT();
}

static void
check_frame(const uint8_t *f, int len, int plen)
{
	assert_int_equal(len, ETHER_HDR_LEN + plen);
	assert_memory_equal(f, peer_mac, ETHER_ADDR_LEN);
	assert_memory_equal(f + 6, our_mac, ETHER_ADDR_LEN);
	assert_int_equal(be16dec(f + 12), 0x88b6);
	for (int i = 0; i < plen; i++)
		assert_int_equal(f[ETHER_HDR_LEN + i], (uint8_t)(0xa0 + i));
}

static void
ether_output_prepends_header(void **state)
{
	static struct fake_ether fe;
	uint8_t f[2048];
	int len;

	(void)state;
	KTEST_ENTER();
	test_reset();
	fe_attach(&fe, "fake", our_mac);
	/* In the packet's leading space, and in a new mbuf when it has none. */
	assert_int_equal(output(&fe, mkpacket(20, true), TEST_AF), 0);
	assert_int_equal(output(&fe, mkpacket(100, false), TEST_AF), 0);
	/* The largest that fits the MTU; unpadded below 60 bytes. */
	assert_int_equal(output(&fe, mkpacket(ETHERMTU, false), TEST_AF), 0);
	assert_int_equal(output(&fe, mkpacket(1, true), TEST_AF), 0);
	assert_int_equal(res_calls, 4);

	len = fe_pop(&fe, f, sizeof(f));
	check_frame(f, len, 20);
	len = fe_pop(&fe, f, sizeof(f));
	check_frame(f, len, 100);
	len = fe_pop(&fe, f, sizeof(f));
	check_frame(f, len, ETHERMTU);
	len = fe_pop(&fe, f, sizeof(f));
	check_frame(f, len, 1);
	assert_int_equal(fe_pop(&fe, f, sizeof(f)), -1);
	assert_int_equal(fe.fe_if.if_stats.opackets, 4);
	assert_int_equal(fe.fe_if.if_stats.obytes,
	    4 * ETHER_HDR_LEN + 20 + 100 + ETHERMTU + 1);
	fe_detach(&fe);
	KTEST_EXIT();
}

static void
ether_output_frame_sends_to_given_mac(void **state)
{
	static struct fake_ether fe;
	uint8_t f[128];
	int len, error;

	(void)state;
	KTEST_ENTER();
	test_reset();
	fe_attach(&fe, "fake", our_mac);
	NET_LOCK();
	error = ether_output_frame(&fe.fe_if, mkpacket(28, true),
	    etherbroadcastaddr, ETHERTYPE_ARP);
	NET_UNLOCK();
	assert_int_equal(error, 0);
	len = fe_pop(&fe, f, sizeof(f));
	assert_int_equal(len, ETHER_HDR_LEN + 28);
	assert_memory_equal(f, etherbroadcastaddr, ETHER_ADDR_LEN);
	assert_memory_equal(f + 6, our_mac, ETHER_ADDR_LEN);
	assert_int_equal(be16dec(f + 12), ETHERTYPE_ARP);
	assert_int_equal(fe.fe_if.if_stats.omcasts, 1);

	/* Not while the interface is down. */
	NET_LOCK();
	assert_int_equal(if_setflags(&fe.fe_if, 0), 0);
	error = ether_output_frame(&fe.fe_if, mkpacket(28, true),
	    etherbroadcastaddr, ETHERTYPE_ARP);
	NET_UNLOCK();
	assert_int_equal(error, ENETDOWN);
	assert_int_equal(fe.fe_if.if_stats.drops[IFDROP_DOWN], 1);
	assert_int_equal(fe_queued(&fe), 0);
	fe_detach(&fe);
	KTEST_EXIT();
}

static void
ether_output_resolver_keeps_or_fails(void **state)
{
	static struct fake_ether fe;
	uint64_t held;
	uint8_t f[128];
	int error;

	(void)state;
	KTEST_ENTER();
	held = kstat_read("ether.out.held");
	test_reset();
	fe_attach(&fe, "fake", our_mac);

	/* Kept: success for the sender, nothing on the wire yet. */
	res_mode = RES_KEEP;
	assert_int_equal(output(&fe, mkpacket(30, true), TEST_AF), 0);
	assert_non_null(res_kept);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(kstat_read("ether.out.held"), held + 1);
	/* Resolved later, it goes out through ether_output_frame. */
	NET_LOCK();
	error = ether_output_frame(&fe.fe_if, res_kept, peer_mac, 0x88b6);
	NET_UNLOCK();
	assert_int_equal(error, 0);
	check_frame(f, fe_pop(&fe, f, sizeof(f)), 30);

	/* Failed: the resolver's error, the resolver freed it. */
	res_mode = RES_FAIL;
	assert_int_equal(output(&fe, mkpacket(30, true), TEST_AF),
	    EHOSTUNREACH);
	assert_int_equal(fe_queued(&fe), 0);
	fe_detach(&fe);
	KTEST_EXIT();
}

static void
ether_output_drops_oversize_and_unknown_family(void **state)
{
	static struct fake_ether fe;
	uint64_t noresolver;

	(void)state;
	KTEST_ENTER();
	noresolver = kstat_read("ether.drop.noresolver");
	test_reset();
	fe_attach(&fe, "fake", our_mac);
	assert_int_equal(output(&fe, mkpacket(ETHERMTU + 1, false), TEST_AF),
	    EMSGSIZE);
	assert_int_equal(fe.fe_if.if_stats.drops[IFDROP_TOOBIG], 1);
	/* Dropped before the resolver could hold it. */
	assert_int_equal(res_calls, 0);

	assert_int_equal(output(&fe, mkpacket(20, true), AF_PACKET),
	    EAFNOSUPPORT);
	assert_int_equal(fe.fe_if.if_stats.drops[IFDROP_NOPROTO], 1);
	assert_int_equal(kstat_read("ether.drop.noresolver"), noresolver + 1);
	assert_int_equal(fe_queued(&fe), 0);

	/* A smaller MTU is honoured. */
	NET_LOCK();
	assert_int_equal(if_setmtu(&fe.fe_if, 576), 0);
	NET_UNLOCK();
	assert_int_equal(output(&fe, mkpacket(577, false), TEST_AF), EMSGSIZE);
	assert_int_equal(output(&fe, mkpacket(576, false), TEST_AF), 0);
	assert_int_equal(fe_queued(&fe), 1);
	fe_detach(&fe);
	KTEST_EXIT();
}

static void
ether_output_without_mbufs_is_counted(void **state)
{
	static struct fake_ether fe;
	struct mbuf *m;
	uint64_t nobufs;
	uint8_t buf[64];

	(void)state;
	KTEST_ENTER();
	test_reset();
	fe_attach(&fe, "fake", our_mac);
	nobufs = kstat_read("ether.drop.nobufs");
	/* No leading space: the header needs a new mbuf, which fails. */
	m = mkpacket(100, false);
	assert_int_equal(M_LEADINGSPACE(m), 0);
	mb_failnext(1);
	assert_int_equal(output(&fe, m, TEST_AF), ENOBUFS);
	mb_failnext(0);
	assert_int_equal(fe.fe_if.if_stats.drops[IFDROP_NOBUFS], 1);
	assert_int_equal(kstat_read("ether.drop.nobufs"), nobufs + 1);
	assert_int_equal(fe_queued(&fe), 0);

	/* Input split inside the header is pulled up and delivered. */
	for (int k = 1; k < ETHER_HDR_LEN + 4; k++)
		fe_inject_split(&fe, buf, mkframe(buf, 60, our_mac,
		    TEST_ETHERTYPE), k);
	assert_int_equal(rx.count, ETHER_HDR_LEN + 3);
	assert_int_equal(rx.len, 60 - ETHER_HDR_LEN);
	for (int i = 0; i < rx.len; i++)
		assert_int_equal(rx.data[i], i);
	fe_detach(&fe);
	KTEST_EXIT();
}

static void
dummy_input(struct ifnet *ifp, struct mbuf *m)
{
	if_drop(ifp, m, IFDROP_NOPROTO);
}

static void
ether_registration_rejects_duplicates(void **state)
{
	int n, error;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(ether_proto_register(TEST_ETHERTYPE, dummy_input),
	    EEXIST);
	assert_int_equal(ether_proto_register(0x05ff, dummy_input), EINVAL);
	assert_int_equal(ether_resolver_register(TEST_AF, test_resolve,
	    0x88b6), EEXIST);
	assert_int_equal(ether_resolver_register(0, test_resolve, 0x88b6),
	    EINVAL);
	assert_int_equal(ether_resolver_register(AF_MAX, test_resolve,
	    0x88b6), EINVAL);

	/* The table fills up, and empties again. */
	for (n = 0; n < 100; n++) {
		error = ether_proto_register((uint16_t)(0x9000 + n),
		    dummy_input);
		if (error != 0)
			break;
	}
	assert_int_equal(error, ENOSPC);
	assert_true(n > 0);
	for (int i = 0; i < n; i++)
		ether_proto_unregister((uint16_t)(0x9000 + i));
	assert_int_equal(ether_proto_register(0x9000, dummy_input), 0);
	ether_proto_unregister(0x9000);
	KTEST_EXIT();
}

static void
ether_aton_parses_and_rejects(void **state)
{
	static const char *const bad[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:01:", "02:00:00:00:00:001",
		"0g:00:00:00:00:01", "02-00-00-00-00-01", "02:00:00:00:00:01 ",
		" 02:00:00:00:00:01", "02::00:00:00:00:01", "020000000001",
		"02:00:00:00:00:01:02",
	};
	uint8_t lla[ETHER_ADDR_LEN], keep[ETHER_ADDR_LEN];
	const uint8_t want[ETHER_ADDR_LEN] = { 0x02, 0x0a, 0xbc, 0x0d, 0xef, 0xff };
	char buf[18];

	(void)state;
	KTEST_ENTER();
	assert_int_equal(ether_aton("02:0a:BC:d:Ef:ff", lla), 0);
	assert_memory_equal(lla, want, ETHER_ADDR_LEN);
	assert_string_equal(ether_ntoa(lla, buf), "02:0a:bc:0d:ef:ff");
	assert_int_equal(ether_aton(buf, lla), 0);
	assert_memory_equal(lla, want, ETHER_ADDR_LEN);
	assert_string_equal(ether_ntoa(etherbroadcastaddr, buf),
	    "ff:ff:ff:ff:ff:ff");

	memcpy(keep, lla, sizeof(keep));
	for (size_t i = 0; i < __arraycount(bad); i++) {
		assert_int_equal(ether_aton(bad[i], lla), EINVAL);
		/* A failed parse leaves the output alone. */
		assert_memory_equal(lla, keep, ETHER_ADDR_LEN);
	}
	assert_int_equal(ether_aton(NULL, lla), EINVAL);
	KTEST_EXIT();
}

static void
ether_random_addr_is_local_unicast(void **state)
{
	uint8_t a[ETHER_ADDR_LEN], b[ETHER_ADDR_LEN];

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < 1000; i++) {
		ether_random_addr(a);
		assert_int_equal(a[0] & 0x01, 0);	/* unicast */
		assert_int_equal(a[0] & 0x02, 0x02);	/* locally administered */
	}
	/* 46 random bits: two equal draws would mean no randomness. */
	ether_random_addr(b);
	assert_memory_not_equal(a, b, ETHER_ADDR_LEN);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(ether_ifattach_sets_link_fields),
		leak_test(ether_input_drops_short_frames),
		leak_test(ether_input_drops_frames_for_other_macs),
		leak_test(ether_input_dispatches_by_ethertype),
		leak_test(ether_input_counts_unknown_ethertypes),
		leak_test(ether_output_prepends_header),
		leak_test(ether_output_frame_sends_to_given_mac),
		leak_test(ether_output_resolver_keeps_or_fails),
		leak_test(ether_output_drops_oversize_and_unknown_family),
		leak_test(ether_output_without_mbufs_is_counted),
		leak_test(ether_registration_rejects_duplicates),
		leak_test(ether_aton_parses_and_rejects),
		leak_test(ether_random_addr_is_local_unicast),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
