/*
 * IPv4 forwarding (RFC 1812) between two fake interfaces, fip0
 * (10.0.0.1/24) and fip1 (10.1.0.1/24): TTL and checksum, the ICMP errors
 * a router owes (time exceeded, unreachable, fragmentation needed),
 * fragmentation on the way, and what is never forwarded.
 */
#include "ktest.h"
#include "fake_ip.h"
#include "ipstat_check.h"

static struct fake_ip fi0, fi1;
static struct in_addr a0, a1, h0, h1;
static uint8_t out[FI_MAXPKT];

static int
setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	a0 = fi_ip(10, 0, 0, 1);
	h0 = fi_ip(10, 0, 0, 2);
	a1 = fi_ip(10, 1, 0, 1);
	h1 = fi_ip(10, 1, 0, 2);
	KTEST_ENTER();
	fi_attach(&fi0, "fip0", a0, 24);
	fi_attach(&fi1, "fip1", a1, 24);
	icmp_errppslimit = 0;
	ip_forwarding = true;
	KTEST_EXIT();
	return 0;
}

static int
teardown(void **state)
{
	KTEST_ENTER();
	ip_forwarding = false;
	fi_detach(&fi0);
	fi_detach(&fi1);
	KTEST_EXIT();
	return ktest_halt(state);
}

/* Takes the next packet fi sent into out[]; returns its length. */
static int
take(struct fake_ip *fi, struct in_addr *nexthop)
{
	struct mbuf *m = fi_dequeue(fi, nexthop);
	int len;

	assert_non_null(m);
	len = fi_flatten(m, out);
	m_freem(m);
	fi_check_ip(out, len);
	return len;
}

/* Takes an ICMP error from fip0 to h0 about pkt and checks it. */
static void
expect_error(uint8_t type, uint8_t code, const uint8_t *pkt, int len)
{
	const struct ip *ip = (const void *)out;
	struct in_addr nexthop;
	int olen = take(&fi0, &nexthop), quote = MIN(len, 576 - 28);

	assert_int_equal(nexthop.s_addr, h0.s_addr);
	assert_int_equal(ip->ip_p, IPPROTO_ICMP);
	/* From the address of the interface the packet came in on. */
	assert_int_equal(ip->ip_src.s_addr, a0.s_addr);
	assert_int_equal(ip->ip_dst.s_addr, h0.s_addr);
	assert_int_equal(olen, 28 + quote);
	assert_int_equal(fi_cksum(out + 20, olen - 20), 0);
	assert_int_equal(out[20], type);
	assert_int_equal(out[21], code);
	/* The quote, but for the TTL and checksum a router changed. */
	assert_memory_equal(out + 28, pkt, 8);
	assert_memory_equal(out + 28 + 12, pkt + 12, quote - 12);
}

static void
forwards_with_ttl_decremented(void **state)
{
	const struct ip *ip = (const void *)out;
	struct in_addr nexthop;
	struct ipstat before;
	uint8_t buf[256];
	int len;

	(void)state;
	KTEST_ENTER();
	for (int ttl = 2; ttl <= 255; ttl += 253) {
		len = fi_ipbuild(buf, 20, h0, h1, 253, (uint8_t)ttl, 77, 0,
		    NULL, 100);
		before = ipstat;
		fi_inject(&fi0, buf, len, 0);
		IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_forward, 1));
		assert_int_equal(take(&fi1, &nexthop), len);
		assert_int_equal(nexthop.s_addr, h1.s_addr);
		assert_int_equal(ip->ip_ttl, ttl - 1);
		/* Only the TTL and the checksum (which fi_check_ip checked) moved. */
		assert_memory_equal(out, buf, 8);
		assert_memory_equal(out + 9, buf + 9, 1);
		assert_memory_equal(out + 12, buf + 12, len - 12);
		assert_int_equal(fi_queued(&fi0), 0);
	}
	KTEST_EXIT();
}

static void
forwards_through_gateway(void **state)
{
	struct in_addr gw = fi_ip(10, 1, 0, 254), far = fi_ip(192, 0, 2, 9);
	struct in_addr nexthop;
	struct sockaddr_in d, g;
	struct rt_addinfo info;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	sockaddr_in_init(&d, fi_ip(192, 0, 2, 0), 0);
	sockaddr_in_init(&g, gw, 0);
	memset(&info, 0, sizeof(info));
	info.dst = (const struct sockaddr *)&d;
	info.plen = 24;
	info.gateway = (const struct sockaddr *)&g;
	NET_LOCK();
	assert_int_equal(rt_add(&info, NULL), 0);
	NET_UNLOCK();
	len = fi_ipbuild(buf, 20, h0, far, 253, 64, 1, 0, NULL, 20);
	fi_inject(&fi0, buf, len, 0);
	take(&fi1, &nexthop);
	assert_int_equal(nexthop.s_addr, gw.s_addr);
	NET_LOCK();
	assert_int_equal(rt_delete(AF_INET, (const struct sockaddr *)&d, 24),
	    0);
	NET_UNLOCK();
	KTEST_EXIT();
}

/*
 * A fragment ending beyond 65535 bytes belongs to no datagram: it is not
 * forwarded, even when it fits the next hop (as the fuzzer found: a
 * 92-byte fragment at offset 65528), nor fragmented again, which would
 * overflow its offset into the flags.  No ICMP error either: it is not a
 * first fragment.
 */
static void
drops_fragment_beyond_65535(void **state)
{
	static uint8_t buf[2000];
	struct ipstat before;
	struct icmpstat ibefore;
	int len;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(if_setmtu(&fi1.fi_if, 576), 0);
	NET_UNLOCK();
	for (int plen = 72; plen <= 1400; plen += 1328) {
		len = fi_ipbuild(buf, 20, h0, h1, 254, 64, 0xfffe,
		    IP_MF | IP_OFFMASK, NULL, plen);
		before = ipstat;
		ibefore = icmpstat;
		fi_inject(&fi0, buf, len, 0);
		IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_toolong, 1));
		assert_memory_equal(&ibefore, &icmpstat, sizeof(icmpstat));
		assert_int_equal(fi_queued(&fi0), 0);
		assert_int_equal(fi_queued(&fi1), 0);
	}
	/* One ending at 65535 exactly goes: 20 + 65512 + 3. */
	len = fi_ipbuild(buf, 20, h0, h1, 254, 64, 0xfffe, 65512 / 8, NULL, 3);
	fi_inject(&fi0, buf, len, 0);
	assert_int_equal(take(&fi1, NULL), len);
	NET_LOCK();
	assert_int_equal(if_setmtu(&fi1.fi_if, 1500), 0);
	NET_UNLOCK();
	KTEST_EXIT();
}

/*
 * A packet from the broadcast address of the other interface's subnet is
 * a martian (RFC 1122 3.2.1.3 (d)), as one from the receiving interface's
 * is: neither forwarded (as the fuzzer saw: out of the interface it came
 * in on, to a neighbour) nor delivered.
 */
static void
drops_source_broadcast_of_other_subnet(void **state)
{
	const struct in_addr to[] = { h0, h1, a0, a1 };
	const struct in_addr from[] = { fi_ip(10, 1, 0, 255),
	    fi_ip(10, 0, 0, 255) };
	struct ipstat before;
	uint8_t buf[128];
	int len;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(from); i++) {
		for (size_t j = 0; j < __arraycount(to); j++) {
			len = fi_ipbuild(buf, 20, from[i], to[j], 253, 64, 3, 0,
			    NULL, 16);
			before = ipstat;
			fi_inject(&fi0, buf, len, 0);
			IPSTAT_CHECK(before, IPS(ips_total, 1),
			    IPS(ips_badaddr, 1));
			assert_int_equal(fi_queued(&fi0), 0);
			assert_int_equal(fi_queued(&fi1), 0);
		}
	}
	KTEST_EXIT();
}

static void
sends_time_exceeded(void **state)
{
	struct ipstat before;
	struct icmpstat ibefore;
	uint8_t buf[1024];
	int len;

	(void)state;
	KTEST_ENTER();
	for (int ttl = 0; ttl <= 1; ttl++) {
		len = fi_ipbuild(buf, 20, h0, h1, 253, (uint8_t)ttl, 5, 0, NULL,
		    700);
		before = ipstat;
		ibefore = icmpstat;
		fi_inject(&fi0, buf, len, 0);
		IPSTAT_CHECK(before, IPS(ips_total, 1),
		    IPS(ips_ttlexceeded, 1), IPS(ips_localout, 1));
		ICMPSTAT_CHECK(ibefore, ICPS(icps_error, 1),
		    ICPS(icps_outhist[ICMP_TIMXCEED], 1));
		expect_error(ICMP_TIMXCEED, ICMP_TIMXCEED_INTRANS, buf, len);
		assert_int_equal(fi_queued(&fi1), 0);
	}
	KTEST_EXIT();
}

static void
sends_net_unreachable(void **state)
{
	struct ipstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, 20, h0, fi_ip(192, 0, 2, 1), 253, 64, 5, 0,
	    NULL, 30);
	before = ipstat;
	fi_inject(&fi0, buf, len, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_cantforward, 1),
	    IPS(ips_localout, 1));
	expect_error(ICMP_UNREACH, ICMP_UNREACH_NET, buf, len);
	KTEST_EXIT();
}

/* DF and too big for the next hop: the MTU goes back (RFC 1191). */
static void
sends_fragmentation_needed(void **state)
{
	struct ipstat before;
	uint8_t buf[1024];
	int len;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(if_setmtu(&fi1.fi_if, 576), 0);
	NET_UNLOCK();
	len = fi_ipbuild(buf, 20, h0, h1, 253, 64, 5, IP_DF, NULL, 800);
	before = ipstat;
	fi_inject(&fi0, buf, len, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_cantfrag, 1),
	    IPS(ips_localout, 1));
	expect_error(ICMP_UNREACH, ICMP_UNREACH_NEEDFRAG, buf, len);
	assert_int_equal(be16dec(out + 26), 576);
	assert_int_equal(fi_queued(&fi1), 0);
	NET_LOCK();
	assert_int_equal(if_setmtu(&fi1.fi_if, 1500), 0);
	NET_UNLOCK();
	KTEST_EXIT();
}

/* Without DF, a packet too big for the next hop is fragmented there. */
static void
fragments_on_the_way(void **state)
{
	const struct ip *ip = (const void *)out;
	struct ipstat before;
	uint8_t buf[1024];
	int len, l1, l2;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(if_setmtu(&fi1.fi_if, 576), 0);
	NET_UNLOCK();
	len = fi_ipbuild(buf, 20, h0, h1, 253, 64, 0x5151, 0, NULL, 800);
	before = ipstat;
	fi_inject(&fi0, buf, len, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_forward, 1),
	    IPS(ips_fragmented, 1), IPS(ips_ofragments, 2));
	l1 = take(&fi1, NULL);
	assert_int_equal(l1, 20 + 552);
	assert_int_equal(ntohs(ip->ip_off), IP_MF);
	assert_int_equal(ntohs(ip->ip_id), 0x5151);
	assert_int_equal(ip->ip_ttl, 63);
	assert_memory_equal(out + 20, buf + 20, 552);
	l2 = take(&fi1, NULL);
	assert_int_equal(l2, 20 + 248);
	assert_int_equal(ntohs(ip->ip_off), 552 / 8);
	assert_int_equal(ntohs(ip->ip_id), 0x5151);
	assert_memory_equal(out + 20, buf + 20 + 552, 248);
	NET_LOCK();
	assert_int_equal(if_setmtu(&fi1.fi_if, 1500), 0);
	NET_UNLOCK();
	KTEST_EXIT();
}

/* A fragment is forwarded as it is, and refragmented keeps its place. */
static void
refragments_a_fragment(void **state)
{
	const struct ip *ip = (const void *)out;
	uint8_t buf[1024];
	int len;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(if_setmtu(&fi1.fi_if, 576), 0);
	NET_UNLOCK();
	/* The middle fragment of something: offset 1480, MF. */
	len = fi_ipbuild(buf, 20, h0, h1, 253, 64, 9, IP_MF | 185, NULL, 800);
	fi_inject(&fi0, buf, len, 0);
	take(&fi1, NULL);
	assert_int_equal(ntohs(ip->ip_off), IP_MF | 185);
	take(&fi1, NULL);
	assert_int_equal(ntohs(ip->ip_off), IP_MF | (185 + 552 / 8));
	NET_LOCK();
	assert_int_equal(if_setmtu(&fi1.fi_if, 1500), 0);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
never_forwards(void **state)
{
	struct {
		struct in_addr src, dst;
		int mflags;
	} cases[] = {
		{ h0, h1, M_BCAST },			/* link broadcast */
		{ h0, h1, M_MCAST },
		{ { 0 }, h1, 0 },			/* from 0.0.0.0 */
		{ h0, fi_ip(10, 1, 0, 255), 0 },	/* directed broadcast */
	};
	struct ipstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(cases); i++) {
		len = fi_ipbuild(buf, 20, cases[i].src, cases[i].dst, 253, 64,
		    1, 0, NULL, 8);
		before = ipstat;
		fi_inject(&fi0, buf, len, cases[i].mflags);
		IPSTAT_CHECK(before, IPS(ips_total, 1),
		    IPS(ips_cantforward, 1));
		assert_int_equal(fi_queued(&fi0) + fi_queued(&fi1), 0);
	}
	/* And nothing when forwarding is off. */
	ip_forwarding = false;
	len = fi_ipbuild(buf, 20, h0, h1, 253, 64, 1, 0, NULL, 8);
	before = ipstat;
	fi_inject(&fi0, buf, len, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_cantforward, 1));
	assert_int_equal(fi_queued(&fi0) + fi_queued(&fi1), 0);
	ip_forwarding = true;
	KTEST_EXIT();
}

/* A router's other address is ours, whichever interface it arrives on. */
static void
delivers_other_interface_address(void **state)
{
	struct ipstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, 20, h0, a1, 253, 64, 1, 0, NULL, 8);
	before = ipstat;
	fi_inject(&fi0, buf, len, 0);
	/* Delivered; raw IP answers protocol unreachable. */
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_delivered, 1),
	    IPS(ips_localout, 1));
	assert_int_equal(fi_flush(&fi0), 1);
	assert_int_equal(fi_queued(&fi1), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(forwards_with_ttl_decremented),
		leak_test(forwards_through_gateway),
		leak_test(drops_fragment_beyond_65535),
		leak_test(drops_source_broadcast_of_other_subnet),
		leak_test(sends_time_exceeded),
		leak_test(sends_net_unreachable),
		leak_test(sends_fragmentation_needed),
		leak_test(fragments_on_the_way),
		leak_test(refragments_a_fragment),
		leak_test(never_forwards),
		leak_test(delivers_other_interface_address),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
