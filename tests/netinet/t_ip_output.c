/*
 * IPv4 output: the header fields IP fills in, the next hop and source it
 * picks from the route, broadcast permission, errors, and fragmentation
 * (sizes, offsets, flags, options of later fragments) at MTUs of 1500 and
 * 576, on a fake interface (fip0, 10.0.0.1/24) that keeps what it is given.
 */
#include "ktest.h"
#include "fake_ip.h"
#include "ipstat_check.h"

static struct fake_ip fi;
static struct in_addr local, remote;
static uint8_t out[FI_MAXPKT];
static uint8_t payload[FI_MAXPKT];

static int
setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	local = fi_ip(10, 0, 0, 1);
	remote = fi_ip(10, 0, 0, 2);
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13 + i / 251);
	KTEST_ENTER();
	fi_attach(&fi, "fip0", local, 24);
	icmp_errppslimit = 0;
	KTEST_EXIT();
	return 0;
}

static int
teardown(void **state)
{
	KTEST_ENTER();
	fi_detach(&fi);
	KTEST_EXIT();
	return ktest_halt(state);
}

/*
 * A packet as a transport hands it to ip_output: a header with protocol,
 * addresses, TTL and flags, then len bytes of payload[].
 */
static struct mbuf *
mkpkt(struct in_addr src, struct in_addr dst, uint8_t ttl, uint16_t off,
    int len)
{
	static uint8_t buf[FI_MAXPKT + 20];
	struct ip *ip = (struct ip *)(void *)buf;
	struct mbuf *m;

	memset(ip, 0, sizeof(*ip));
	ip->ip_p = 253;
	ip->ip_ttl = ttl;
	ip->ip_tos = 0x10;
	ip->ip_off = htons(off);
	ip->ip_src = src;
	ip->ip_dst = dst;
	memcpy(buf + sizeof(*ip), payload, len);
	m = m_devget(buf, (int)sizeof(*ip) + len, NULL);
	assert_non_null(m);
	return m;
}

static int
output(struct mbuf *m, int flags, const struct ip_opts *opts)
{
	int error;

	NET_LOCK();
	error = ip_output(m, flags, opts);
	NET_UNLOCK();
	return error;
}

/* Takes the next packet sent into out[]; returns its length. */
static int
take(struct in_addr *nexthop, int *mflags)
{
	struct mbuf *m = fi_dequeue(&fi, nexthop);
	int len;

	assert_non_null(m);
	if (mflags != NULL)
		*mflags = m->m_flags;
	len = fi_flatten(m, out);
	m_freem(m);
	fi_check_ip(out, len);
	return len;
}

static int
route_add(struct in_addr dst, int plen, const struct in_addr *gw, int flags,
    int mtu)
{
	struct sockaddr_in d, g;
	struct rt_addinfo info;
	int error;

	sockaddr_in_init(&d, dst, 0);
	memset(&info, 0, sizeof(info));
	info.dst = (const struct sockaddr *)&d;
	info.plen = plen;
	if (gw != NULL) {
		sockaddr_in_init(&g, *gw, 0);
		info.gateway = (const struct sockaddr *)&g;
	} else
		info.ifp = &fi.fi_if;
	info.flags = RTF_STATIC | flags;
	info.mtu = mtu;
	NET_LOCK();
	error = rt_add(&info, NULL);
	NET_UNLOCK();
	return error;
}

static void
route_delete(struct in_addr dst, int plen)
{
	struct sockaddr_in d;

	sockaddr_in_init(&d, dst, 0);
	NET_LOCK();
	assert_int_equal(rt_delete(AF_INET, (const struct sockaddr *)&d, plen),
	    0);
	NET_UNLOCK();
}

static void
fills_header_fields(void **state)
{
	const struct ip *ip = (const void *)out;
	struct in_addr nexthop;
	struct ipstat before;
	uint16_t id;
	int len;

	(void)state;
	KTEST_ENTER();
	before = ipstat;
	assert_int_equal(output(mkpkt((struct in_addr){ 0 }, remote, 33, 0,
	    100), 0, NULL), 0);
	assert_int_equal(output(mkpkt(local, remote, 33, 0, 100), 0, NULL), 0);
	IPSTAT_CHECK(before, IPS(ips_localout, 2));
	len = take(&nexthop, NULL);
	assert_int_equal(len, 120);
	assert_int_equal(ip->ip_vhl, 0x45);
	assert_int_equal(ip->ip_tos, 0x10);
	assert_int_equal(ip->ip_ttl, 33);
	assert_int_equal(ip->ip_p, 253);
	assert_int_equal(ntohs(ip->ip_off), 0);
	/* The source from the route, the next hop the on-link destination. */
	assert_int_equal(ip->ip_src.s_addr, local.s_addr);
	assert_int_equal(ip->ip_dst.s_addr, remote.s_addr);
	assert_int_equal(nexthop.s_addr, remote.s_addr);
	assert_memory_equal(out + 20, payload, 100);
	id = ntohs(ip->ip_id);
	take(NULL, NULL);
	assert_int_equal(ntohs(ip->ip_id), (uint16_t)(id + 1));
	KTEST_EXIT();
}

static void
applies_socket_options(void **state)
{
	const struct ip *ip = (const void *)out;
	struct ip_opts opts = { .ipo_ttl = 7, .ipo_tos = 0x20,
	    .ipo_pmtudisc = IP_PMTUDISC_DO };

	(void)state;
	KTEST_ENTER();
	assert_int_equal(output(mkpkt(local, remote, 64, 0, 10), 0, &opts), 0);
	take(NULL, NULL);
	assert_int_equal(ip->ip_ttl, 7);
	assert_int_equal(ip->ip_tos, 0x20);
	assert_int_equal(ntohs(ip->ip_off), IP_DF);
	opts.ipo_pmtudisc = IP_PMTUDISC_WANT;
	opts.ipo_ttl = 0;		/* keeps the header's */
	assert_int_equal(output(mkpkt(local, remote, 64, IP_DF, 10), 0,
	    &opts), 0);
	take(NULL, NULL);
	assert_int_equal(ip->ip_ttl, 64);
	assert_int_equal(ntohs(ip->ip_off), 0);
	KTEST_EXIT();
}

static void
routes_through_gateway(void **state)
{
	const struct ip *ip = (const void *)out;
	struct in_addr gw = fi_ip(10, 0, 0, 254), far = fi_ip(192, 0, 2, 1);
	struct in_addr nexthop;
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	/* No route yet. */
	before = ipstat;
	assert_int_equal(output(mkpkt((struct in_addr){ 0 }, far, 64, 0, 10),
	    0, NULL), ENETUNREACH);
	IPSTAT_CHECK(before, IPS(ips_noroute, 1));
	assert_int_equal(route_add((struct in_addr){ 0 }, 0, &gw, 0, 0), 0);
	assert_int_equal(output(mkpkt((struct in_addr){ 0 }, far, 64, 0, 10),
	    0, NULL), 0);
	take(&nexthop, NULL);
	assert_int_equal(nexthop.s_addr, gw.s_addr);
	assert_int_equal(ip->ip_dst.s_addr, far.s_addr);
	assert_int_equal(ip->ip_src.s_addr, local.s_addr);
	/* SO_DONTROUTE: on-link only. */
	before = ipstat;
	assert_int_equal(output(mkpkt(local, far, 64, 0, 10), IP_ROUTETOIF,
	    NULL), ENETUNREACH);
	IPSTAT_CHECK(before, IPS(ips_noroute, 1));
	route_delete((struct in_addr){ 0 }, 0);
	KTEST_EXIT();
}

static void
refuses_reject_route(void **state)
{
	struct in_addr net = fi_ip(198, 51, 100, 0);
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(route_add(net, 24, NULL, RTF_REJECT, 0), 0);
	before = ipstat;
	assert_int_equal(output(mkpkt(local, fi_ip(198, 51, 100, 7), 64, 0,
	    10), 0, NULL), EHOSTUNREACH);
	IPSTAT_CHECK(before, IPS(ips_noroute, 1));
	assert_int_equal(fi_queued(&fi), 0);
	route_delete(net, 24);
	KTEST_EXIT();
}

static void
broadcast_needs_permission(void **state)
{
	const struct in_addr to = fi_ip(10, 0, 0, 255);
	struct in_addr nexthop;
	struct ipstat before;
	int mflags;

	(void)state;
	KTEST_ENTER();
	before = ipstat;
	assert_int_equal(output(mkpkt(local, to, 64, 0, 10), 0, NULL), EACCES);
	IPSTAT_CHECK(before, IPS(ips_bcastdenied, 1));
	assert_int_equal(fi_queued(&fi), 0);
	assert_int_equal(output(mkpkt((struct in_addr){ 0 }, to, 64, 0, 10),
	    IP_ALLOWBROADCAST, NULL), 0);
	take(&nexthop, &mflags);
	assert_int_equal(nexthop.s_addr, to.s_addr);
	assert_true(mflags & M_BCAST);
	assert_int_equal(((const struct ip *)(const void *)out)->ip_src.s_addr,
	    local.s_addr);
	KTEST_EXIT();
}

/*
 * Sends an 8000-byte payload at mtu and checks the fragments: each a
 * valid datagram of at most mtu bytes, data in multiples of 8 but the
 * last, offsets adding up, MF on all but the last, one id, and the data
 * whole again when put together.
 */
static void
check_fragments(int mtu, int rtmtu)
{
	static uint8_t data[FI_MAXPKT];
	const struct ip *ip = (const void *)out;
	const int plen = 8000;
	struct ipstat before;
	int fraglen, nfrag, expect, got = 0, id = -1;
	struct in_addr dst = rtmtu != 0 ? fi_ip(10, 0, 0, 9) : remote;

	NET_LOCK();
	assert_int_equal(if_setmtu(&fi.fi_if, mtu), 0);
	NET_UNLOCK();
	if (rtmtu != 0) {
		assert_int_equal(route_add(dst, 32, NULL, 0, rtmtu), 0);
		mtu = rtmtu;
	}
	fraglen = (mtu - 20) & ~7;
	expect = (plen + fraglen - 1) / fraglen;
	before = ipstat;
	assert_int_equal(output(mkpkt(local, dst, 64, 0, plen), 0, NULL), 0);
	IPSTAT_CHECK(before, IPS(ips_localout, 1), IPS(ips_fragmented, 1),
	    IPS(ips_ofragments, (uint64_t)expect));
	assert_int_equal(fi_queued(&fi), expect);
	for (nfrag = 0; nfrag < expect; nfrag++) {
		int len = take(NULL, NULL), dlen = len - 20;
		uint16_t off = ntohs(ip->ip_off);

		assert_true(len <= mtu);
		assert_int_equal(IP_HL(ip), 20);
		assert_int_equal((off & IP_OFFMASK) * 8, got);
		if (nfrag < expect - 1) {
			assert_int_equal(dlen, fraglen);
			assert_true(off & IP_MF);
		} else {
			assert_int_equal(dlen, plen - got);
			assert_false(off & IP_MF);
		}
		if (id < 0)
			id = ntohs(ip->ip_id);
		assert_int_equal(ntohs(ip->ip_id), id);
		memcpy(data + got, out + 20, dlen);
		got += dlen;
	}
	assert_int_equal(got, plen);
	assert_memory_equal(data, payload, plen);
	if (rtmtu != 0)
		route_delete(dst, 32);
	NET_LOCK();
	assert_int_equal(if_setmtu(&fi.fi_if, 1500), 0);
	NET_UNLOCK();
}

static void
fragments_to_mtu_1500(void **state)
{
	(void)state;
	KTEST_ENTER();
	check_fragments(1500, 0);
	KTEST_EXIT();
}

static void
fragments_to_mtu_576(void **state)
{
	(void)state;
	KTEST_ENTER();
	check_fragments(576, 0);
	KTEST_EXIT();
}

static void
fragments_to_route_mtu(void **state)
{
	(void)state;
	KTEST_ENTER();
	check_fragments(1500, 1000);
	KTEST_EXIT();
}

/* Exactly the MTU is not fragmented; one byte more is. */
static void
fragments_only_beyond_mtu(void **state)
{
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	before = ipstat;
	assert_int_equal(output(mkpkt(local, remote, 64, 0, 1480), 0, NULL), 0);
	IPSTAT_CHECK(before, IPS(ips_localout, 1));
	assert_int_equal(take(NULL, NULL), 1500);
	assert_int_equal(output(mkpkt(local, remote, 64, 0, 1481), 0, NULL), 0);
	assert_int_equal(fi_flush(&fi), 2);
	KTEST_EXIT();
}

static void
df_gives_emsgsize(void **state)
{
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	before = ipstat;
	assert_int_equal(output(mkpkt(local, remote, 64, IP_DF, 8000), 0,
	    NULL), EMSGSIZE);
	IPSTAT_CHECK(before, IPS(ips_localout, 1), IPS(ips_cantfrag, 1));
	assert_int_equal(fi_queued(&fi), 0);
	KTEST_EXIT();
}

static void
refuses_more_than_65535_bytes(void **state)
{
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	before = ipstat;
	assert_int_equal(output(mkpkt(local, remote, 64, 0, 65516), 0, NULL),
	    EMSGSIZE);
	IPSTAT_CHECK(before, IPS(ips_toolong, 1));
	KTEST_EXIT();
}

/*
 * A header a raw socket wrote, of a fragment that would end beyond 65535
 * bytes: refused, also when it fits the MTU.  Fragmenting it would put
 * offsets beyond 13 bits into the flags.
 */
static void
refuses_raw_fragment_beyond_65535(void **state)
{
	struct ipstat before;
	struct mbuf *m;
	struct ip *ip;

	(void)state;
	KTEST_ENTER();
	for (int len = 72; len <= 3000; len += 2928) {
		m = mkpkt(local, remote, 64, 8191, len);
		ip = mtod(m, struct ip *);
		ip->ip_vhl = IP_VHL(IPVERSION, sizeof(*ip));
		ip->ip_len = htons(m->m_pkthdr.len);
		before = ipstat;
		assert_int_equal(output(m, IP_RAWOUTPUT, NULL), EMSGSIZE);
		IPSTAT_CHECK(before, IPS(ips_toolong, 1));
		assert_int_equal(fi_queued(&fi), 0);
	}
	/* Ending at 65535 exactly is fine: 20 + 65512 + 3. */
	m = mkpkt(local, remote, 64, 65512 / 8, 3);
	ip = mtod(m, struct ip *);
	ip->ip_vhl = IP_VHL(IPVERSION, sizeof(*ip));
	ip->ip_len = htons(m->m_pkthdr.len);
	assert_int_equal(output(m, IP_RAWOUTPUT, NULL), 0);
	assert_int_equal(fi_flush(&fi), 1);
	KTEST_EXIT();
}

/*
 * IP_RAWOUTPUT: the caller's header with its options and id; later
 * fragments carry only the options with the copied flag (RFC 791).
 */
static void
raw_output_keeps_header_and_copies_options(void **state)
{
	static uint8_t buf[4000];
	const struct ip *ip = (const void *)out;
	struct mbuf *m;
	int len, hlen = 32, got = 0, n = 0;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, hlen, local, remote, 253, 9, 0x4242, 0, payload,
	    3000);
	/* Router alert (copied), record route (not copied), EOL. */
	memcpy(buf + 20, "\x94\x04\x00\x00" "\x07\x07\x04\x00\x00\x00\x00"
	    "\x00", 12);
	m = m_devget(buf, len, NULL);
	assert_int_equal(output(m, IP_RAWOUTPUT, NULL), 0);
	while (fi_queued(&fi) > 0) {
		int flen = take(NULL, NULL), fhlen = IP_HL(ip);

		assert_int_equal(ntohs(ip->ip_id), 0x4242);
		assert_int_equal(ip->ip_ttl, 9);
		if (n++ == 0) {
			assert_int_equal(fhlen, 32);
			assert_memory_equal(out + 20, buf + 20, 12);
		} else {
			assert_int_equal(fhlen, 24);
			assert_memory_equal(out + 20, "\x94\x04\x00\x00", 4);
		}
		assert_int_equal((ntohs(ip->ip_off) & IP_OFFMASK) * 8, got);
		assert_memory_equal(out + fhlen, payload + got, flen - fhlen);
		got += flen - fhlen;
	}
	assert_int_equal(got, 3000);
	assert_int_equal(n, 3);
	/* An id of 0 is filled in. */
	len = fi_ipbuild(buf, 20, local, remote, 253, 9, 0, 0, payload, 10);
	assert_int_equal(output(m_devget(buf, len, NULL), IP_RAWOUTPUT, NULL),
	    0);
	take(NULL, NULL);
	assert_int_equal(ip->ip_ttl, 9);
	KTEST_EXIT();
}

static void
raw_output_refuses_bad_header(void **state)
{
	struct ipstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, 20, local, remote, 253, 9, 0, 0, payload, 10);
	buf[0] = 0x55;
	before = ipstat;
	assert_int_equal(output(m_devget(buf, len, NULL), IP_RAWOUTPUT, NULL),
	    EINVAL);
	buf[0] = IP_VHL(4, 60);
	assert_int_equal(output(m_devget(buf, len, NULL), IP_RAWOUTPUT, NULL),
	    EINVAL);
	IPSTAT_CHECK(before, IPS(ips_obadhdr, 2));
	KTEST_EXIT();
}

/*
 * A header in storage shared with another packet (a retransmission queue,
 * a raw socket's copy) is not written in place.
 */
static void
does_not_write_shared_header(void **state)
{
	static uint8_t before[2048];
	struct mbuf *m, *copy;

	(void)state;
	KTEST_ENTER();
	m = m_getcl(M_WAIT, MT_DATA, M_PKTHDR);
	memset(mtod(m, void *), 0, sizeof(struct ip));
	mtod(m, struct ip *)->ip_p = 253;
	mtod(m, struct ip *)->ip_ttl = 5;
	mtod(m, struct ip *)->ip_dst = remote;
	memcpy(mtod(m, char *) + 20, payload, 1000);
	m->m_len = m->m_pkthdr.len = 1020;
	copy = m_copym(m, 0, M_COPYALL, M_WAIT);
	m_copydata(copy, 0, 1020, before);
	assert_int_equal(output(m, 0, NULL), 0);
	assert_int_equal(take(NULL, NULL), 1020);
	m_copydata(copy, 0, 1020, out);
	assert_memory_equal(out, before, 1020);
	m_freem(copy);
	KTEST_EXIT();
}

/* To one of our addresses: the RTF_LOCAL route, through lo0. */
static void
sends_to_ourselves_through_loopback(void **state)
{
	uint64_t replies = icmpstat.icps_inhist[ICMP_ECHOREPLY];
	uint8_t icmp[16];
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	memset(icmp, 0, sizeof(icmp));
	icmp[0] = ICMP_ECHO;
	fi_setsum(icmp, sizeof(icmp), 2);
	m = mkpkt((struct in_addr){ 0 }, local, 64, 0, 0);
	assert_int_equal(m_append(m, sizeof(icmp), icmp), 0);
	mtod(m, struct ip *)->ip_p = IPPROTO_ICMP;
	assert_int_equal(output(m, 0, NULL), 0);
	for (int i = 0; i < 1000 &&
	    icmpstat.icps_inhist[ICMP_ECHOREPLY] == replies; i++)
		kpause(1000 * 1000);
	assert_int_equal(icmpstat.icps_inhist[ICMP_ECHOREPLY], replies + 1);
	assert_int_equal(fi_queued(&fi), 0);
	KTEST_EXIT();
}

/* RFC 791: no fragment may carry less than 8 bytes of data. */
static void
cannot_fragment_to_a_route_mtu_below_68(void **state)
{
	struct in_addr dst = fi_ip(10, 0, 0, 9);
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(route_add(dst, 32, NULL, 0, 24), 0);
	before = ipstat;
	assert_int_equal(output(mkpkt(local, dst, 64, 0, 100), 0, NULL),
	    EMSGSIZE);
	IPSTAT_CHECK(before, IPS(ips_localout, 1), IPS(ips_cantfrag, 1));
	assert_int_equal(fi_queued(&fi), 0);
	route_delete(dst, 32);
	KTEST_EXIT();
}

/* A fragment's header (1) or its share of the data (2) finds no mbuf. */
static void
running_out_of_mbufs_while_fragmenting_sends_nothing(void **state)
{
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	for (unsigned nth = 1; nth <= 2; nth++) {
		struct mbuf *m = mkpkt(local, remote, 64, 0, 4000);
		int error;

		before = ipstat;
		mb_failnext(nth);
		error = output(m, 0, NULL);
		mb_failnext(0);
		assert_int_equal(error, ENOBUFS);
		IPSTAT_CHECK(before, IPS(ips_localout, 1),
		    IPS(ips_odropped, 1));
		assert_int_equal(fi_queued(&fi), 0);
	}
	KTEST_EXIT();
}

/* A header split across mbufs is gathered into a new one, if there is one. */
static void
no_mbuf_for_a_split_header_is_enobufs(void **state)
{
	static uint8_t buf[120];
	struct ipstat before;
	struct mbuf *m, *n;
	int error;

	(void)state;
	KTEST_ENTER();
	m = mkpkt(local, remote, 64, 0, 100);
	m_copydata(m, 0, sizeof(buf), buf);
	m_freem(m);
	m = m_gethdr(M_WAIT, MT_DATA);
	n = m_get(M_WAIT, MT_DATA);
	memcpy(mtod(m, void *), buf, 10);
	memcpy(mtod(n, void *), buf + 10, sizeof(buf) - 10);
	m->m_len = 10;
	n->m_len = (int)sizeof(buf) - 10;
	m->m_next = n;
	m->m_pkthdr.len = (int)sizeof(buf);
	before = ipstat;
	mb_failnext(1);
	error = output(m, 0, NULL);
	mb_failnext(0);
	assert_int_equal(error, ENOBUFS);
	IPSTAT_CHECK(before, IPS(ips_odropped, 1));
	assert_int_equal(fi_queued(&fi), 0);
	KTEST_EXIT();
}

/* The first fragment refused: the others are not sent after it. */
static void
a_fragment_the_interface_refuses_ends_the_packet(void **state)
{
	int error;

	(void)state;
	KTEST_ENTER();
	fi.fi_error = ENOBUFS;
	error = output(mkpkt(local, remote, 64, 0, 4000), 0, NULL);
	fi.fi_error = 0;
	assert_int_equal(error, ENOBUFS);
	assert_int_equal(fi_queued(&fi), 0);
	KTEST_EXIT();
}

static void
a_multicast_destination_goes_out_as_multicast(void **state)
{
	struct in_addr group = fi_ip(224, 0, 0, 9);
	int mflags;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(route_add(fi_ip(224, 0, 0, 0), 4, NULL, 0, 0), 0);
	assert_int_equal(output(mkpkt(local, group, 1, 0, 10), 0, NULL), 0);
	take(NULL, &mflags);
	assert_true(mflags & M_MCAST);
	assert_false(mflags & M_BCAST);
	route_delete(fi_ip(224, 0, 0, 0), 4);
	KTEST_EXIT();
}

/* Shorter than the 20 bytes of a header without options. */
static void
a_packet_shorter_than_a_header_is_refused(void **state)
{
	struct ipstat before;
	uint8_t buf[19];

	(void)state;
	KTEST_ENTER();
	memset(buf, 0, sizeof(buf));
	buf[0] = IP_VHL(4, 20);
	before = ipstat;
	assert_int_equal(output(m_devget(buf, sizeof(buf), NULL), IP_RAWOUTPUT,
	    NULL), EINVAL);
	IPSTAT_CHECK(before, IPS(ips_obadhdr, 1));
	assert_int_equal(fi_queued(&fi), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(fills_header_fields),
		leak_test(applies_socket_options),
		leak_test(routes_through_gateway),
		leak_test(refuses_reject_route),
		leak_test(broadcast_needs_permission),
		leak_test(fragments_to_mtu_1500),
		leak_test(fragments_to_mtu_576),
		leak_test(fragments_to_route_mtu),
		leak_test(fragments_only_beyond_mtu),
		leak_test(df_gives_emsgsize),
		leak_test(refuses_more_than_65535_bytes),
		leak_test(refuses_raw_fragment_beyond_65535),
		leak_test(raw_output_keeps_header_and_copies_options),
		leak_test(raw_output_refuses_bad_header),
		leak_test(does_not_write_shared_header),
		leak_test(sends_to_ourselves_through_loopback),
		leak_test(cannot_fragment_to_a_route_mtu_below_68),
		leak_test(running_out_of_mbufs_while_fragmenting_sends_nothing),
		leak_test(no_mbuf_for_a_split_header_is_enobufs),
		leak_test(a_fragment_the_interface_refuses_ends_the_packet),
		leak_test(a_multicast_destination_goes_out_as_multicast),
		leak_test(a_packet_shorter_than_a_header_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
