/*
 * IPv4 input: each validation rule drops its packet under its own counter
 * and nothing else; what passes is delivered to its protocol (ICMP echo,
 * UDP, an unknown protocol) with link padding trimmed.  Packets are
 * injected on a fake interface (fip0, 10.0.0.1/24) whose output queue
 * shows what IP sent back.
 */
#include "ktest.h"
#include "fake_ip.h"
#include "ipstat_check.h"

static struct fake_ip fi;
static struct in_addr local, remote, bcast;

static int
setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	local = fi_ip(10, 0, 0, 1);
	remote = fi_ip(10, 0, 0, 2);
	bcast = fi_ip(10, 0, 0, 255);
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

/* An echo request of datalen bytes of data into buf; returns its length. */
static int
echo_request(uint8_t *buf, int hlen, struct in_addr src, struct in_addr dst,
    int datalen)
{
	uint8_t icmp[2048];
	int len = ICMP_MINLEN + datalen;

	memset(icmp, 0, sizeof(icmp));
	icmp[0] = ICMP_ECHO;
	be16enc(icmp + 4, 0x1234);	/* id */
	be16enc(icmp + 6, 7);		/* seq */
	for (int i = 0; i < datalen; i++)
		icmp[ICMP_MINLEN + i] = (uint8_t)(i + 1);
	fi_setsum(icmp, len, 2);
	return fi_ipbuild(buf, hlen, src, dst, IPPROTO_ICMP, 64, 99, 0, icmp,
	    len);
}

/* Injects buf and checks that only counter field moved, by one, and nothing was sent. */
static void
expect_drop(const uint8_t *buf, int len, size_t field)
{
	struct ipstat before = ipstat;
	struct icmpstat ibefore = icmpstat;

	fi_inject(&fi, buf, len, 0);
	{
		const struct stat_delta want[] = {
			IPS(ips_total, 1), { field, 1 },
		};
		stat_check(&before, &ipstat, sizeof(ipstat), want,
		    __arraycount(want), "ipstat");
	}
	ICMPSTAT_CHECK(ibefore, ICPS(icps_error, 0));
	assert_int_equal(fi_queued(&fi), 0);
}

static void
drops_packet_shorter_than_header(void **state)
{
	uint8_t buf[64];

	(void)state;
	KTEST_ENTER();
	fi_ipbuild(buf, 20, remote, local, IPPROTO_ICMP, 64, 1, 0, NULL, 0);
	expect_drop(buf, 19, offsetof(struct ipstat, ips_toosmall));
	expect_drop(buf, 0, offsetof(struct ipstat, ips_toosmall));
	KTEST_EXIT();
}

static void
drops_bad_version(void **state)
{
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = echo_request(buf, 20, remote, local, 8);
	buf[0] = 0x65;
	fi_setsum(buf, 20, 10);
	expect_drop(buf, len, offsetof(struct ipstat, ips_badvers));
	KTEST_EXIT();
}

static void
drops_bad_header_length(void **state)
{
	uint8_t buf[128];
	int len;

	(void)state;
	KTEST_ENTER();
	/* Below 20 bytes. */
	len = echo_request(buf, 20, remote, local, 8);
	buf[0] = IP_VHL(4, 16);
	fi_setsum(buf, 20, 10);
	expect_drop(buf, len, offsetof(struct ipstat, ips_badhlen));
	/* 60 bytes of header in a 36-byte packet. */
	len = echo_request(buf, 20, remote, local, 8);
	buf[0] = IP_VHL(4, 60);
	expect_drop(buf, len, offsetof(struct ipstat, ips_badhlen));
	KTEST_EXIT();
}

static void
drops_bad_checksum(void **state)
{
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = echo_request(buf, 20, remote, local, 8);
	buf[10] ^= 0x01;
	expect_drop(buf, len, offsetof(struct ipstat, ips_badsum));
	/* A header byte changed under a checksum that is not updated. */
	len = echo_request(buf, 20, remote, local, 8);
	buf[8] = 3;
	expect_drop(buf, len, offsetof(struct ipstat, ips_badsum));
	KTEST_EXIT();
}

/* With M_CSUM_IPv4_OK the header checksum is not looked at. */
static void
skips_checksum_verified_by_hardware(void **state)
{
	struct ipstat before;
	uint8_t buf[64];
	struct mbuf *m;
	int len;

	(void)state;
	KTEST_ENTER();
	len = echo_request(buf, 20, remote, local, 8);
	buf[10] ^= 0x01;
	before = ipstat;
	m = m_devget(buf, len, &fi.fi_if);
	m->m_pkthdr.csum_flags = M_CSUM_IPv4_OK;
	if_input(&fi.fi_if, m);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_delivered, 1),
	    IPS(ips_localout, 1));
	assert_int_equal(fi_flush(&fi), 1);
	KTEST_EXIT();
}

static void
drops_bad_total_length(void **state)
{
	uint8_t buf[128];
	int len;

	(void)state;
	KTEST_ENTER();
	/* Less than the header. */
	len = echo_request(buf, 20, remote, local, 8);
	be16enc(buf + 2, 19);
	fi_setsum(buf, 20, 10);
	expect_drop(buf, len, offsetof(struct ipstat, ips_badlen));
	/* More than the frame carries. */
	len = echo_request(buf, 20, remote, local, 8);
	be16enc(buf + 2, (uint16_t)(len + 1));
	fi_setsum(buf, 20, 10);
	expect_drop(buf, len, offsetof(struct ipstat, ips_badlen));
	KTEST_EXIT();
}

static void
drops_martian_addresses(void **state)
{
	const struct in_addr bad_src[] = {
		fi_ip(255, 255, 255, 255), fi_ip(224, 0, 0, 1),
		fi_ip(240, 0, 0, 1), fi_ip(127, 0, 0, 1), bcast,
	};
	const struct in_addr bad_dst[] = {
		fi_ip(0, 0, 0, 0), fi_ip(127, 0, 0, 1), fi_ip(240, 1, 2, 3),
	};
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(bad_src); i++) {
		len = echo_request(buf, 20, bad_src[i], local, 8);
		expect_drop(buf, len, offsetof(struct ipstat, ips_badaddr));
	}
	for (size_t i = 0; i < __arraycount(bad_dst); i++) {
		len = echo_request(buf, 20, remote, bad_dst[i], 8);
		expect_drop(buf, len, offsetof(struct ipstat, ips_badaddr));
	}
	KTEST_EXIT();
}

static void
drops_multicast_destination(void **state)
{
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = echo_request(buf, 20, remote, fi_ip(224, 0, 0, 1), 8);
	expect_drop(buf, len, offsetof(struct ipstat, ips_notmember));
	KTEST_EXIT();
}

static void
drops_packet_for_others_when_not_forwarding(void **state)
{
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	assert_false(ip_forwarding);
	len = echo_request(buf, 20, remote, fi_ip(10, 0, 0, 3), 8);
	expect_drop(buf, len, offsetof(struct ipstat, ips_cantforward));
	KTEST_EXIT();
}

/* Takes the one packet sent and checks it is an echo reply to req. */
static void
expect_echo_reply(const uint8_t *req, int reqhlen, int reqlen)
{
	static uint8_t out[FI_MAXPKT];
	struct in_addr nexthop;
	const struct ip *rip = (const void *)req, *oip = (const void *)out;
	struct mbuf *m;
	int len, datalen = reqlen - reqhlen;

	m = fi_dequeue(&fi, &nexthop);
	assert_non_null(m);
	len = fi_flatten(m, out);
	m_freem(m);
	assert_null(fi_dequeue(&fi, NULL));
	fi_check_ip(out, len);
	/* No options back, and nothing of the padding. */
	assert_int_equal(IP_HL(oip), 20);
	assert_int_equal(len, 20 + datalen);
	assert_int_equal(nexthop.s_addr, rip->ip_src.s_addr);
	assert_int_equal(oip->ip_src.s_addr, rip->ip_dst.s_addr);
	assert_int_equal(oip->ip_dst.s_addr, rip->ip_src.s_addr);
	assert_int_equal(oip->ip_p, IPPROTO_ICMP);
	assert_int_equal(out[20], ICMP_ECHOREPLY);
	assert_int_equal(out[21], 0);
	assert_int_equal(fi_cksum(out + 20, datalen), 0);
	/* id, sequence and data as they were. */
	assert_memory_equal(out + 24, req + reqhlen + 4, datalen - 4);
}

static void
delivers_echo_request_and_trims_padding(void **state)
{
	struct ipstat before;
	uint8_t buf[128];
	int len;

	(void)state;
	KTEST_ENTER();
	/* 28 bytes in a 60-byte Ethernet minimum frame. */
	len = echo_request(buf, 20, remote, local, 0);
	assert_int_equal(len, 28);
	memset(buf + len, 0xee, 60 - len);
	before = ipstat;
	fi_inject(&fi, buf, 60, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_delivered, 1),
	    IPS(ips_localout, 1));
	expect_echo_reply(buf, 20, len);
	KTEST_EXIT();
}

static void
accepts_and_ignores_options(void **state)
{
	struct ipstat before;
	uint8_t buf[128];
	int len;

	(void)state;
	KTEST_ENTER();
	len = echo_request(buf, 28, remote, local, 16);
	/* NOP, router alert (RFC 2113), EOL. */
	buf[20] = IPOPT_NOP;
	buf[21] = 0x94;
	buf[22] = 4;
	buf[23] = buf[24] = 0;
	buf[25] = IPOPT_EOL;
	fi_setsum(buf, 28, 10);
	before = ipstat;
	fi_inject(&fi, buf, len, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_delivered, 1),
	    IPS(ips_localout, 1));
	expect_echo_reply(buf, 28, len);
	KTEST_EXIT();
}

static void
drops_malformed_options_with_parameter_problem(void **state)
{
	static uint8_t out[FI_MAXPKT];
	struct ipstat before;
	uint8_t buf[128];
	struct mbuf *m;
	int len, olen;

	(void)state;
	KTEST_ENTER();
	len = echo_request(buf, 24, remote, local, 8);
	buf[20] = 7;		/* record route, */
	buf[21] = 11;		/* longer than the 4 bytes left */
	fi_setsum(buf, 24, 10);
	before = ipstat;
	fi_inject(&fi, buf, len, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_badoptions, 1),
	    IPS(ips_localout, 1));
	m = fi_dequeue(&fi, NULL);
	assert_non_null(m);
	olen = fi_flatten(m, out);
	m_freem(m);
	fi_check_ip(out, olen);
	assert_int_equal(out[20], ICMP_PARAMPROB);
	assert_int_equal(out[24], 21);	/* the length octet */
	assert_memory_equal(out + 28, buf, len);
	/* An option without its length octet. */
	len = echo_request(buf, 24, remote, local, 8);
	buf[20] = buf[21] = buf[22] = IPOPT_NOP;
	buf[23] = 7;
	fi_setsum(buf, 24, 10);
	before = ipstat;
	fi_inject(&fi, buf, len, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_badoptions, 1),
	    IPS(ips_localout, 1));
	assert_int_equal(fi_flush(&fi), 1);
	KTEST_EXIT();
}

/* TTL is checked when forwarding only: a TTL of 1 or 0 reaches us. */
static void
delivers_low_ttl_to_us(void **state)
{
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	for (int ttl = 0; ttl <= 1; ttl++) {
		len = echo_request(buf, 20, remote, local, 8);
		buf[8] = (uint8_t)ttl;
		fi_setsum(buf, 20, 10);
		fi_inject(&fi, buf, len, 0);
		expect_echo_reply(buf, 20, len);
	}
	KTEST_EXIT();
}

/* A broadcast is ours, but echo requests to one are not answered. */
static void
delivers_broadcast(void **state)
{
	const struct in_addr to[] = { bcast, fi_ip(255, 255, 255, 255) };
	struct ipstat before;
	struct icmpstat ibefore;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(to); i++) {
		len = echo_request(buf, 20, remote, to[i], 8);
		before = ipstat;
		ibefore = icmpstat;
		fi_inject(&fi, buf, len, M_BCAST);
		IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_delivered, 1));
		ICMPSTAT_CHECK(ibefore, ICPS(icps_inhist[ICMP_ECHO], 1),
		    ICPS(icps_bmcastecho, 1));
		assert_int_equal(fi_queued(&fi), 0);
	}
	KTEST_EXIT();
}

/* UDP to a closed port: delivered to UDP, which answers port unreachable. */
static void
delivers_udp_to_its_protocol(void **state)
{
	static uint8_t out[FI_MAXPKT];
	struct ipstat before;
	struct icmpstat ibefore;
	uint8_t buf[128], udp[16];
	struct in_addr nexthop;
	struct mbuf *m;
	int len, olen;

	(void)state;
	KTEST_ENTER();
	memset(udp, 0, sizeof(udp));
	be16enc(udp, 5555);
	be16enc(udp + 2, 9);		/* discard: nobody listens */
	be16enc(udp + 4, sizeof(udp));
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 5, 0, udp,
	    sizeof(udp));
	before = ipstat;
	ibefore = icmpstat;
	fi_inject(&fi, buf, len, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_delivered, 1),
	    IPS(ips_localout, 1));
	ICMPSTAT_CHECK(ibefore, ICPS(icps_error, 1),
	    ICPS(icps_outhist[ICMP_UNREACH], 1));
	m = fi_dequeue(&fi, &nexthop);
	assert_non_null(m);
	olen = fi_flatten(m, out);
	m_freem(m);
	fi_check_ip(out, olen);
	assert_int_equal(nexthop.s_addr, remote.s_addr);
	assert_int_equal(out[9], IPPROTO_ICMP);
	assert_int_equal(out[20], ICMP_UNREACH);
	assert_int_equal(out[21], ICMP_UNREACH_PORT);
	assert_int_equal(fi_cksum(out + 20, olen - 20), 0);
	/* From the address the datagram went to; quoting all of it. */
	assert_memory_equal(out + 12, &local, 4);
	assert_int_equal(olen, 28 + len);
	assert_memory_equal(out + 28, buf, len);
	KTEST_EXIT();
}

/* No protocol and no raw socket: protocol unreachable. */
static void
answers_unknown_protocol_with_unreachable(void **state)
{
	static uint8_t out[FI_MAXPKT];
	struct ipstat before;
	uint8_t buf[64];
	struct mbuf *m;
	int len, olen;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, 20, remote, local, 253, 64, 5, 0, NULL, 12);
	before = ipstat;
	fi_inject(&fi, buf, len, 0);
	IPSTAT_CHECK(before, IPS(ips_total, 1), IPS(ips_delivered, 1),
	    IPS(ips_localout, 1));
	m = fi_dequeue(&fi, NULL);
	assert_non_null(m);
	olen = fi_flatten(m, out);
	m_freem(m);
	assert_int_equal(out[20], ICMP_UNREACH);
	assert_int_equal(out[21], ICMP_UNREACH_PROTOCOL);
	/* Not to a broadcast, though. */
	len = fi_ipbuild(buf, 20, remote, bcast, 253, 64, 5, 0, NULL, 12);
	fi_inject(&fi, buf, len, M_BCAST);
	assert_int_equal(fi_queued(&fi), 0);
	(void)olen;
	KTEST_EXIT();
}

/* A packet split over many small mbufs is pulled up and handled alike. */
static void
handles_header_split_across_mbufs(void **state)
{
	uint8_t buf[64];
	struct mbuf *m, *n;
	int len;

	(void)state;
	KTEST_ENTER();
	len = echo_request(buf, 24, remote, local, 8);
	buf[20] = buf[21] = buf[22] = IPOPT_NOP;
	buf[23] = IPOPT_EOL;
	fi_setsum(buf, 24, 10);
	m = m_gethdr(M_WAIT, MT_DATA);
	m->m_pkthdr.rcvif = &fi.fi_if;
	m->m_len = 0;
	n = m;
	for (int i = 0; i < len; i += 3) {
		int c = MIN(3, len - i);

		if (i > 0) {
			n->m_next = m_get(M_WAIT, MT_DATA);
			n = n->m_next;
		}
		memcpy(mtod(n, char *), buf + i, c);
		n->m_len = c;
	}
	m->m_pkthdr.len = len;
	assert_true(m_check(m));
	if_input(&fi.fi_if, m);
	expect_echo_reply(buf, 24, len);
	KTEST_EXIT();
}

/* The counters are readable by name, as tools and other tests read them. */
static void
counters_are_kstats(void **state)
{
	uint64_t v;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_kstat_get("ip.badsum", &v), 0);
	assert_int_equal(v, ipstat.ips_badsum);
	assert_true(v > 0);
	assert_int_equal(rumppriv_kstat_get("ip.odropped", &v), 0);
	assert_int_equal(rumppriv_kstat_get("ip.fragoverflow", &v), 0);
	assert_int_equal(rumppriv_kstat_get("icmp.bmcastecho", &v), 0);
	assert_int_equal(v, icmpstat.icps_bmcastecho);
	assert_true(v > 0);
	assert_int_equal(rumppriv_kstat_get("icmp.in.echo", &v), 0);
	assert_int_equal(v, icmpstat.icps_inhist[ICMP_ECHO]);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(drops_packet_shorter_than_header),
		leak_test(drops_bad_version),
		leak_test(drops_bad_header_length),
		leak_test(drops_bad_checksum),
		leak_test(skips_checksum_verified_by_hardware),
		leak_test(drops_bad_total_length),
		leak_test(drops_martian_addresses),
		leak_test(drops_multicast_destination),
		leak_test(drops_packet_for_others_when_not_forwarding),
		leak_test(delivers_echo_request_and_trims_padding),
		leak_test(accepts_and_ignores_options),
		leak_test(drops_malformed_options_with_parameter_problem),
		leak_test(delivers_low_ttl_to_us),
		leak_test(delivers_broadcast),
		leak_test(delivers_udp_to_its_protocol),
		leak_test(answers_unknown_protocol_with_unreachable),
		leak_test(handles_header_split_across_mbufs),
		leak_test(counters_are_kstats),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
