/*
 * ICMP: echo replies (fields, checksum, source address, broadcast
 * requests ignored), raw sockets seeing every message, the rules of RFC
 * 1122 3.2.2 for generating errors (never about an ICMP error, a
 * broadcast, a non-initial fragment or a non-unicast source; quote size;
 * source address; rate limit), and errors received: checked for a quote
 * long enough and reported to the socket they concern.  On a fake
 * interface fip0 (10.0.0.1/24).
 */
#include "ktest.h"
#include "fake_ip.h"
#include "ipstat_check.h"
#include "rumpnet/socketvar.h"
#include "netinet/ip_private.h"
#include "netinet/in_pcb.h"

static struct fake_ip fi;
static struct in_addr local, remote, bcast;
static uint8_t out[FI_MAXPKT];

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

/* An ICMP message of type and code with body (after the 4-byte header). */
static int
icmp_build(uint8_t *buf, struct in_addr src, struct in_addr dst, uint8_t type,
    uint8_t code, const void *body, int bodylen)
{
	uint8_t icmp[2048];

	icmp[0] = type;
	icmp[1] = code;
	memcpy(icmp + 4, body, bodylen);
	fi_setsum(icmp, 4 + bodylen, 2);
	return fi_ipbuild(buf, 20, src, dst, IPPROTO_ICMP, 64, 42, 0, icmp,
	    4 + bodylen);
}

/* Takes the next packet sent into out[], checked; returns its length. */
static int
take(struct in_addr *nexthop)
{
	struct mbuf *m = fi_dequeue(&fi, nexthop);
	int len;

	assert_non_null(m);
	len = fi_flatten(m, out);
	m_freem(m);
	fi_check_ip(out, len);
	assert_int_equal(out[9], IPPROTO_ICMP);
	assert_int_equal(fi_cksum(out + 20, len - 20), 0);
	return len;
}

static void
echo_reply_fields_and_checksum(void **state)
{
	const struct ip *ip = (const void *)out;
	uint8_t body[60], buf[128];
	struct in_addr nexthop;
	struct icmpstat before;
	int len;

	(void)state;
	KTEST_ENTER();
	be16enc(body, 0xbeef);		/* id */
	be16enc(body + 2, 0x0102);	/* seq */
	for (int i = 4; i < 60; i++)
		body[i] = (uint8_t)(0xa0 + i);
	len = icmp_build(buf, remote, local, ICMP_ECHO, 0, body, sizeof(body));
	buf[1] = 0x28;			/* TOS */
	fi_setsum(buf, 20, 10);
	before = icmpstat;
	fi_inject(&fi, buf, len, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_inhist[ICMP_ECHO], 1),
	    ICPS(icps_reflect, 1), ICPS(icps_outhist[ICMP_ECHOREPLY], 1));
	assert_int_equal(take(&nexthop), len);
	assert_int_equal(nexthop.s_addr, remote.s_addr);
	assert_int_equal(ip->ip_src.s_addr, local.s_addr);
	assert_int_equal(ip->ip_dst.s_addr, remote.s_addr);
	assert_int_equal(ip->ip_ttl, IP_DEFTTL);
	assert_int_equal(ip->ip_tos, 0x28);
	assert_int_equal(out[20], ICMP_ECHOREPLY);
	assert_int_equal(out[21], 0);
	assert_memory_equal(out + 24, body, sizeof(body));
	KTEST_EXIT();
}

/* All zero but the type: the updated checksum must be 0xffff, not 0. */
static void
echo_reply_of_all_zero_request(void **state)
{
	uint8_t body[4] = { 0 }, buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = icmp_build(buf, remote, local, ICMP_ECHO, 0, body, sizeof(body));
	fi_inject(&fi, buf, len, 0);
	take(NULL);
	assert_int_equal(be16dec(out + 22), 0xffff);
	KTEST_EXIT();
}

/* The reply comes from the address the request was sent to. */
static void
echo_reply_from_address_asked(void **state)
{
	const struct ip *ip = (const void *)out;
	struct in_addr second = fi_ip(10, 0, 0, 5);
	uint8_t body[8] = { 1, 2, 3, 4 }, buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(in_addr_add(&fi.fi_if, second, 24), 0);
	NET_UNLOCK();
	len = icmp_build(buf, remote, second, ICMP_ECHO, 0, body, sizeof(body));
	fi_inject(&fi, buf, len, 0);
	take(NULL);
	assert_int_equal(ip->ip_src.s_addr, second.s_addr);
	NET_LOCK();
	assert_int_equal(in_addr_delete(&fi.fi_if, second), 0);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
ignores_broadcast_echo(void **state)
{
	const struct { struct in_addr dst; int mflags; } cases[] = {
		{ bcast, 0 },
		{ fi_ip(255, 255, 255, 255), 0 },
		{ local, M_BCAST },		/* unicast in a link broadcast */
	};
	uint8_t body[8] = { 0 }, buf[64];
	struct icmpstat before;
	int len;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(cases); i++) {
		len = icmp_build(buf, remote, cases[i].dst, ICMP_ECHO, 0, body,
		    sizeof(body));
		before = icmpstat;
		fi_inject(&fi, buf, len, cases[i].mflags);
		ICMPSTAT_CHECK(before, ICPS(icps_inhist[ICMP_ECHO], 1),
		    ICPS(icps_bmcastecho, 1));
		assert_int_equal(fi_queued(&fi), 0);
	}
	KTEST_EXIT();
}

static void
drops_short_or_corrupt_messages(void **state)
{
	uint8_t body[8] = { 0 }, buf[64];
	struct icmpstat before;
	int len;

	(void)state;
	KTEST_ENTER();
	/* Seven bytes of ICMP. */
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_ICMP, 64, 1, 0, body,
	    7);
	before = icmpstat;
	fi_inject(&fi, buf, len, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_tooshort, 1));
	len = icmp_build(buf, remote, local, ICMP_ECHO, 0, body, sizeof(body));
	buf[len - 1] ^= 0x40;
	before = icmpstat;
	fi_inject(&fi, buf, len, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_checksum, 1));
	/* An unknown type is counted (and given to raw sockets only). */
	len = icmp_build(buf, remote, local, 200, 0, body, sizeof(body));
	before = icmpstat;
	fi_inject(&fi, buf, len, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_badtype, 1));
	assert_int_equal(fi_queued(&fi), 0);
	KTEST_EXIT();
}

static size_t
rcv_cc(struct socket *so)
{
	size_t cc;

	NET_LOCK();
	cc = so->so_rcv.sb_cc;
	NET_UNLOCK();
	return cc;
}

/* A raw ICMP socket gets a copy of everything, echo requests included. */
static void
raw_socket_sees_every_message(void **state)
{
	uint8_t body[8] = { 9, 9 }, buf[64];
	struct socket *so;
	int len;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so, SOCK_RAW, IPPROTO_ICMP), 0);
	len = icmp_build(buf, remote, local, ICMP_ECHO, 0, body, sizeof(body));
	fi_inject(&fi, buf, len, 0);
	assert_int_equal(rcv_cc(so), (size_t)len);
	/* The reply went out all the same, and the copy was not changed. */
	assert_int_equal(fi_flush(&fi), 1);
	len = icmp_build(buf, remote, local, 200, 7, body, sizeof(body));
	fi_inject(&fi, buf, len, 0);
	len = icmp_build(buf, remote, local, ICMP_ECHOREPLY, 0, body,
	    sizeof(body));
	fi_inject(&fi, buf, len, 0);
	assert_int_equal(rcv_cc(so), 3 * (size_t)len);
	/* A corrupt one is not. */
	buf[len - 1] ^= 1;
	fi_inject(&fi, buf, len, 0);
	assert_int_equal(rcv_cc(so), 3 * (size_t)len);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/* icmp_error on a packet built in buf; returns how many errors went out. */
static unsigned
error_about(const uint8_t *buf, int len, int mflags, struct ifnet *rcvif,
    int type, int code, uint32_t arg)
{
	struct mbuf *m = m_devget(buf, len, rcvif);

	assert_non_null(m);
	m->m_flags |= mflags;
	NET_LOCK();
	icmp_error(m, type, code, arg);
	NET_UNLOCK();
	return fi_queued(&fi);
}

static void
no_error_about_icmp_error(void **state)
{
	uint8_t body[40] = { 0 }, buf[128];
	struct icmpstat before;
	int len;

	(void)state;
	KTEST_ENTER();
	for (int type = 0; type <= ICMP_MAXTYPE; type++) {
		len = icmp_build(buf, remote, local, (uint8_t)type, 0, body,
		    sizeof(body));
		before = icmpstat;
		if (ICMP_INFOTYPE(type)) {
			/* Queries are fine to complain about. */
			assert_int_equal(error_about(buf, len, 0, &fi.fi_if,
			    ICMP_UNREACH, ICMP_UNREACH_PORT, 0), 1);
			fi_flush(&fi);
		} else {
			assert_int_equal(error_about(buf, len, 0, &fi.fi_if,
			    ICMP_UNREACH, ICMP_UNREACH_PORT, 0), 0);
			ICMPSTAT_CHECK(before, ICPS(icps_oldicmp, 1));
		}
	}
	KTEST_EXIT();
}

static void
no_error_about_broadcast_or_bad_source(void **state)
{
	const struct {
		struct in_addr src, dst;
		int mflags;
	} cases[] = {
		{ remote, bcast, 0 },
		{ remote, fi_ip(255, 255, 255, 255), 0 },
		{ remote, fi_ip(224, 0, 0, 9), 0 },
		{ remote, local, M_BCAST },
		{ remote, local, M_MCAST },
		{ { 0 }, local, 0 },
		{ fi_ip(224, 1, 2, 3), local, 0 },
		{ fi_ip(240, 1, 2, 3), local, 0 },
		{ bcast, local, 0 },
	};
	struct icmpstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(cases); i++) {
		len = fi_ipbuild(buf, 20, cases[i].src, cases[i].dst,
		    IPPROTO_UDP, 64, 1, 0, NULL, 16);
		before = icmpstat;
		assert_int_equal(error_about(buf, len, cases[i].mflags,
		    &fi.fi_if, ICMP_UNREACH, ICMP_UNREACH_PORT, 0), 0);
		ICMPSTAT_CHECK(before, ICPS(icps_suppressed, 1));
	}
	KTEST_EXIT();
}

static void
no_error_about_later_fragment(void **state)
{
	struct icmpstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 1, 1, NULL,
	    16);
	before = icmpstat;
	assert_int_equal(error_about(buf, len, 0, &fi.fi_if, ICMP_UNREACH,
	    ICMP_UNREACH_PORT, 0), 0);
	ICMPSTAT_CHECK(before, ICPS(icps_suppressed, 1));
	/* The first fragment is fine. */
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 1, IP_MF,
	    NULL, 16);
	assert_int_equal(error_about(buf, len, 0, &fi.fi_if, ICMP_UNREACH,
	    ICMP_UNREACH_PORT, 0), 1);
	fi_flush(&fi);
	KTEST_EXIT();
}

/* The quote: all of a small packet, 576 bytes in all of a large one. */
static void
error_quotes_up_to_576_bytes(void **state)
{
	static uint8_t buf[2048];
	struct icmpstat before;
	int len, olen;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 1, 0, NULL,
	    20);
	before = icmpstat;
	error_about(buf, len, 0, &fi.fi_if, ICMP_UNREACH, ICMP_UNREACH_PORT, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_error, 1),
	    ICPS(icps_outhist[ICMP_UNREACH], 1));
	olen = take(NULL);
	assert_int_equal(olen, 28 + len);
	assert_memory_equal(out + 28, buf, len);
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 1, 0, NULL,
	    1400);
	error_about(buf, len, 0, &fi.fi_if, ICMP_PARAMPROB, 0, 13);
	olen = take(NULL);
	assert_int_equal(olen, 576);
	assert_int_equal(out[20], ICMP_PARAMPROB);
	assert_int_equal(out[24], 13);
	assert_memory_equal(out + 28, buf, 576 - 28);
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 1, 0, NULL,
	    100);
	error_about(buf, len, 0, &fi.fi_if, ICMP_UNREACH,
	    ICMP_UNREACH_NEEDFRAG, 1280);
	take(NULL);
	assert_int_equal(be16dec(out + 26), 1280);
	KTEST_EXIT();
}

/*
 * The source of an error: the address the packet was sent to when it is
 * ours, else the address of the interface it came in on.
 */
static void
error_source_address(void **state)
{
	const struct ip *ip = (const void *)out;
	struct in_addr nexthop;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 1, 0, NULL,
	    8);
	error_about(buf, len, 0, &fi.fi_if, ICMP_UNREACH, ICMP_UNREACH_PORT, 0);
	take(&nexthop);
	assert_int_equal(ip->ip_src.s_addr, local.s_addr);
	assert_int_equal(ip->ip_dst.s_addr, remote.s_addr);
	assert_int_equal(nexthop.s_addr, remote.s_addr);
	len = fi_ipbuild(buf, 20, remote, fi_ip(192, 0, 2, 1), IPPROTO_UDP, 64,
	    1, 0, NULL, 8);
	error_about(buf, len, 0, &fi.fi_if, ICMP_UNREACH, ICMP_UNREACH_NET, 0);
	take(NULL);
	assert_int_equal(ip->ip_src.s_addr, local.s_addr);
	/* Without a receiving interface: the route's address. */
	error_about(buf, len, 0, NULL, ICMP_UNREACH, ICMP_UNREACH_NET, 0);
	take(NULL);
	assert_int_equal(ip->ip_src.s_addr, local.s_addr);
	KTEST_EXIT();
}

/* The rate limit's clock, in the tests that set it. */
static uint64_t fake_ns;

static uint64_t
fake_clock(void)
{
	return fake_ns;
}

/*
 * Sets a limit of pps errors per second on the fake clock, after a
 * silence long enough to fill the bucket whatever was sent before (by
 * either clock: the fake one never goes back).
 */
static void
rate_limit_start(unsigned pps)
{
	NET_LOCK();
	fake_ns = MAX(fake_ns, getnsuptime()) + 100 * NSEC_PER_SEC;
	icmp_clock = fake_clock;
	icmp_errppslimit = pps;
	NET_UNLOCK();
}

static void
rate_limit_end(void)
{
	NET_LOCK();
	icmp_clock = getnsuptime;
	icmp_errppslimit = 0;
	NET_UNLOCK();
}

/* Asks for n port unreachables, all at once; returns how many were sent. */
static unsigned
errors_sent(unsigned n)
{
	uint8_t buf[64];
	int len;

	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 1, 0, NULL,
	    8);
	for (unsigned i = 0; i < n; i++)
		error_about(buf, len, 0, &fi.fi_if, ICMP_UNREACH,
		    ICMP_UNREACH_PORT, 0);
	return fi_flush(&fi);
}

/*
 * A full bucket lets a second's worth of errors through at once (5 at 5
 * per second); then one more per 200 ms, and not a nanosecond earlier.
 */
static void
rate_limit_passes_a_burst_then_one_per_interval(void **state)
{
	struct icmpstat before;

	(void)state;
	KTEST_ENTER();
	rate_limit_start(5);
	before = icmpstat;
	assert_int_equal(errors_sent(100), 5);
	ICMPSTAT_CHECK(before, ICPS(icps_error, 5),
	    ICPS(icps_outhist[ICMP_UNREACH], 5), ICPS(icps_ratelimited, 95));
	fake_ns += NSEC_PER_SEC / 5 - 1;
	assert_int_equal(errors_sent(10), 0);
	fake_ns += 1;
	assert_int_equal(errors_sent(10), 1);
	fake_ns += 3 * NSEC_PER_SEC / 5;
	assert_int_equal(errors_sent(10), 3);
	rate_limit_end();
	KTEST_EXIT();
}

/* However long the silence, the bucket holds one second's worth. */
static void
rate_limit_bucket_holds_one_second(void **state)
{
	(void)state;
	KTEST_ENTER();
	rate_limit_start(5);
	assert_int_equal(errors_sent(10), 5);
	fake_ns += 3600 * NSEC_PER_SEC;
	assert_int_equal(errors_sent(10), 5);
	rate_limit_end();
	KTEST_EXIT();
}

/* A limit of 0 lets every error through. */
static void
rate_limit_of_zero_is_none(void **state)
{
	(void)state;
	KTEST_ENTER();
	rate_limit_start(0);
	assert_int_equal(errors_sent(50), 50);
	rate_limit_end();
	KTEST_EXIT();
}

/*
 * An error about a datagram of a connected UDP socket: quoted with the
 * IP header and 8 bytes it reaches the socket; quoted shorter, or with a
 * code we do not know, it is dropped.
 */
static void
errors_reach_socket_if_quote_is_long_enough(void **state)
{
	struct sockaddr_in peer;
	struct socket *so;
	struct inpcb *inp;
	struct icmpstat before;
	uint8_t inner[64], buf[128];
	int len, error;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&peer, remote, htons(9999));
	assert_int_equal(soconnect(so, (const struct sockaddr *)&peer,
	    sizeof(peer), false), 0);
	inp = sotoinpcb(so);
	/* What we would have sent: local:lport -> remote:9999. */
	(void)fi_ipbuild(inner, 20, local, remote, IPPROTO_UDP, 64, 1, 0,
	    NULL, 12);
	memcpy(inner + 20, &inp->inp_lport, 2);
	be16enc(inner + 22, 9999);
	be16enc(inner + 24, 12);

	/* The quote is the IP header and 4 bytes: too short. */
	len = icmp_build(buf, remote, local, ICMP_UNREACH, ICMP_UNREACH_PORT,
	    (const uint8_t[28]){ 0 }, 28);
	memcpy(buf + 28, inner, 24);
	fi_setsum(buf + 20, len - 20, 2);
	before = icmpstat;
	fi_inject(&fi, buf, len, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_inhist[ICMP_UNREACH], 1),
	    ICPS(icps_badlen, 1));
	/* An inner header that is not IPv4. */
	len = icmp_build(buf, remote, local, ICMP_UNREACH, ICMP_UNREACH_PORT,
	    (const uint8_t[32]){ 0 }, 32);
	memcpy(buf + 28, inner, 28);
	buf[28] = 0x65;
	fi_setsum(buf + 20, len - 20, 2);
	before = icmpstat;
	fi_inject(&fi, buf, len, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_inhist[ICMP_UNREACH], 1),
	    ICPS(icps_badlen, 1));
	/* A code we do not know. */
	len = icmp_build(buf, remote, local, ICMP_UNREACH, 99,
	    (const uint8_t[32]){ 0 }, 32);
	memcpy(buf + 28, inner, 28);
	fi_setsum(buf + 20, len - 20, 2);
	before = icmpstat;
	fi_inject(&fi, buf, len, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_inhist[ICMP_UNREACH], 1),
	    ICPS(icps_badcode, 1));
	NET_LOCK();
	assert_int_equal(so->so_error, 0);
	NET_UNLOCK();

	/* Header and 8 bytes: the socket hears of it. */
	len = icmp_build(buf, remote, local, ICMP_UNREACH, ICMP_UNREACH_PORT,
	    (const uint8_t[32]){ 0 }, 32);
	memcpy(buf + 28, inner, 28);
	fi_setsum(buf + 20, len - 20, 2);
	before = icmpstat;
	fi_inject(&fi, buf, len, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_inhist[ICMP_UNREACH], 1));
	NET_LOCK();
	error = so->so_error;
	so->so_error = 0;
	NET_UNLOCK();
	assert_int_equal(error, ECONNREFUSED);
	/* Fragmentation needed carries the MTU up (UDP makes it EMSGSIZE). */
	len = icmp_build(buf, remote, local, ICMP_UNREACH,
	    ICMP_UNREACH_NEEDFRAG, (const uint8_t[32]){ 0, 0, 0x05, 0x00 },
	    32);
	memcpy(buf + 28, inner, 28);
	fi_setsum(buf + 20, len - 20, 2);
	fi_inject(&fi, buf, len, 0);
	NET_LOCK();
	error = so->so_error;
	so->so_error = 0;
	NET_UNLOCK();
	assert_int_equal(error, EMSGSIZE);
	assert_int_equal(fi_queued(&fi), 0);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/* A UDP socket connected to remote:9999. */
static struct socket *
udp_connected(void)
{
	struct sockaddr_in peer;
	struct socket *so;

	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&peer, remote, htons(9999));
	assert_int_equal(soconnect(so, (const struct sockaddr *)&peer,
	    sizeof(peer), false), 0);
	return so;
}

/*
 * remote tells us, with an ICMP error of type and code (and 4 bytes of
 * rest), about a datagram so sent; returns so's error, which is cleared.
 */
static int
error_to_udp_socket(struct socket *so, uint8_t type, uint8_t code,
    uint32_t rest)
{
	uint8_t body[32], buf[128];
	int len, error;

	be32enc(body, rest);
	(void)fi_ipbuild(body + 4, 20, local, remote, IPPROTO_UDP, 64, 1, 0,
	    NULL, 8);
	memcpy(body + 24, &sotoinpcb(so)->inp_lport, 2);
	be16enc(body + 26, 9999);
	be16enc(body + 28, 12);
	be16enc(body + 30, 0);
	len = icmp_build(buf, remote, local, type, code, body, sizeof(body));
	fi_inject(&fi, buf, len, 0);
	assert_int_equal(fi_queued(&fi), 0);
	NET_LOCK();
	error = so->so_error;
	so->so_error = 0;
	NET_UNLOCK();
	return error;
}

/*
 * Soft errors (net or host unreachable, time exceeded) do not fail the
 * next call on a connected UDP socket, as on Linux: the next datagram may
 * well get there.
 */
static void
soft_errors_do_not_reach_udp_socket(void **state)
{
	static const uint8_t soft[][2] = {
		{ ICMP_UNREACH, ICMP_UNREACH_NET },
		{ ICMP_UNREACH, ICMP_UNREACH_HOST },
		{ ICMP_UNREACH, ICMP_UNREACH_NET_UNKNOWN },
		{ ICMP_UNREACH, ICMP_UNREACH_HOST_PROHIB },
		{ ICMP_TIMXCEED, ICMP_TIMXCEED_INTRANS },
		{ ICMP_TIMXCEED, ICMP_TIMXCEED_REASS },
	};
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = udp_connected();
	for (size_t i = 0; i < __arraycount(soft); i++)
		assert_int_equal(error_to_udp_socket(so, soft[i][0],
		    soft[i][1], 0), 0);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/*
 * Hard errors say no datagram will get there: port and protocol
 * unreachable, fragmentation needed and parameter problem fail the next
 * call, with Linux's errno values (but EPROTO for parameter problem).
 */
static void
hard_errors_reach_udp_socket(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = udp_connected();
	assert_int_equal(error_to_udp_socket(so, ICMP_UNREACH,
	    ICMP_UNREACH_PORT, 0), ECONNREFUSED);
	assert_int_equal(error_to_udp_socket(so, ICMP_UNREACH,
	    ICMP_UNREACH_PROTOCOL, 0), ENOPROTOOPT);
	assert_int_equal(error_to_udp_socket(so, ICMP_UNREACH,
	    ICMP_UNREACH_NEEDFRAG, 1280), EMSGSIZE);
	assert_int_equal(error_to_udp_socket(so, ICMP_PARAMPROB, 0,
	    20u << 24), ENOPROTOOPT);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/*
 * No error about what cannot be a datagram: shorter than an IP header, a
 * header longer than the packet, or an ICMP message without even a type.
 */
static void
no_error_about_a_packet_that_is_not_one(void **state)
{
	struct icmpstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 1, 0, NULL,
	    16);
	before = icmpstat;
	assert_int_equal(error_about(buf, 19, 0, &fi.fi_if, ICMP_UNREACH,
	    ICMP_UNREACH_PORT, 0), 0);
	buf[0] = IP_VHL(4, 60);
	assert_int_equal(error_about(buf, len, 0, &fi.fi_if, ICMP_UNREACH,
	    ICMP_UNREACH_PORT, 0), 0);
	ICMPSTAT_CHECK(before, ICPS(icps_suppressed, 2));
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_ICMP, 64, 1, 0, NULL,
	    0);
	before = icmpstat;
	assert_int_equal(error_about(buf, len, 0, &fi.fi_if, ICMP_UNREACH,
	    ICMP_UNREACH_PORT, 0), 0);
	ICMPSTAT_CHECK(before, ICPS(icps_oldicmp, 1));
	KTEST_EXIT();
}

/* The error's own mbuf (the first allocation) is not to be had. */
static void
no_mbuf_for_an_error_is_counted_and_sends_nothing(void **state)
{
	struct icmpstat before;
	struct mbuf *m;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = fi_ipbuild(buf, 20, remote, local, IPPROTO_UDP, 64, 1, 0, NULL,
	    16);
	m = m_devget(buf, len, &fi.fi_if);
	assert_non_null(m);
	before = icmpstat;
	NET_LOCK();
	mb_failnext(1);
	icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PORT, 0);
	mb_failnext(0);
	NET_UNLOCK();
	ICMPSTAT_CHECK(before, ICPS(icps_nobufs, 1));
	assert_int_equal(fi_queued(&fi), 0);
	KTEST_EXIT();
}

/*
 * An echo request from 0.0.0.0 (which IP lets through: a host learning
 * its address sends from it) gets no reply: there is nobody to send it to.
 */
static void
echo_from_0_0_0_0_gets_no_reply(void **state)
{
	uint8_t body[8] = { 0 }, buf[64];
	struct in_addr any = { INADDR_ANY };
	struct icmpstat before;
	int len;

	(void)state;
	KTEST_ENTER();
	len = icmp_build(buf, any, local, ICMP_ECHO, 0, body, sizeof(body));
	before = icmpstat;
	fi_inject(&fi, buf, len, 0);
	ICMPSTAT_CHECK(before, ICPS(icps_inhist[ICMP_ECHO], 1),
	    ICPS(icps_badaddr, 1));
	assert_int_equal(fi_queued(&fi), 0);
	KTEST_EXIT();
}

/*
 * Codes RFC 792 does not define for time exceeded (beyond 1) and
 * parameter problem (beyond 2) are counted and reach no socket.
 */
static void
unknown_codes_of_time_exceeded_and_parameter_problem_are_counted(void **state)
{
	struct icmpstat before;
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = udp_connected();
	before = icmpstat;
	assert_int_equal(error_to_udp_socket(so, ICMP_TIMXCEED, 2, 0), 0);
	assert_int_equal(error_to_udp_socket(so, ICMP_PARAMPROB, 3,
	    20u << 24), 0);
	ICMPSTAT_CHECK(before, ICPS(icps_inhist[ICMP_TIMXCEED], 1),
	    ICPS(icps_inhist[ICMP_PARAMPROB], 1), ICPS(icps_badcode, 2));
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(echo_reply_fields_and_checksum),
		leak_test(echo_reply_of_all_zero_request),
		leak_test(echo_reply_from_address_asked),
		leak_test(ignores_broadcast_echo),
		leak_test(drops_short_or_corrupt_messages),
		leak_test(raw_socket_sees_every_message),
		leak_test(no_error_about_icmp_error),
		leak_test(no_error_about_broadcast_or_bad_source),
		leak_test(no_error_about_later_fragment),
		leak_test(error_quotes_up_to_576_bytes),
		leak_test(error_source_address),
		leak_test(rate_limit_passes_a_burst_then_one_per_interval),
		leak_test(rate_limit_bucket_holds_one_second),
		leak_test(rate_limit_of_zero_is_none),
		leak_test(no_error_about_a_packet_that_is_not_one),
		leak_test(no_mbuf_for_an_error_is_counted_and_sends_nothing),
		leak_test(echo_from_0_0_0_0_gets_no_reply),
		leak_test(unknown_codes_of_time_exceeded_and_parameter_problem_are_counted),
		leak_test(errors_reach_socket_if_quote_is_long_enough),
		leak_test(soft_errors_do_not_reach_udp_socket),
		leak_test(hard_errors_reach_udp_socket),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
