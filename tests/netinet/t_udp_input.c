/*
 * UDP input (RFC 768, RFC 1122 4.1.3): datagrams shorter than the header,
 * with a length field below the header or beyond the packet, or with a
 * wrong checksum are each dropped under their own counter; a zero
 * checksum means none was computed, and the datagram is delivered.  So
 * are the drops after validation: a socket shut down for receiving, no
 * mbuf to pull the header up into or to copy a broadcast into.
 * Crafted packets are injected on a fake interface (fip0, 10.0.0.1/24)
 * and go through ip_input to udp_input; a socket bound to local:PORT
 * shows what was delivered.
 */
#include "ktest.h"
#include "fake_ip.h"
#include "ipstat_check.h"
#include "rumpnet/socketvar.h"
#include "netinet/udp_var.h"

#define PORT	7000
#define UDPS(field, d)	{ offsetof(struct udpstat, field), (d) }

/* Checks that only these udpstat counters moved (by these amounts). */
#define UDPSTAT_CHECK(before, ...) do {					\
	const struct stat_delta want_[] = { __VA_ARGS__ };		\
	stat_check(&(before), &udpstat, sizeof(udpstat), want_,		\
	    __arraycount(want_), "udpstat");				\
} while (0)

static struct fake_ip fi;
static struct in_addr local, remote;
static struct socket *so;

static int
setup(void **state)
{
	struct sockaddr_in sin;
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	local = fi_ip(10, 0, 0, 1);
	remote = fi_ip(10, 0, 0, 2);
	KTEST_ENTER();
	fi_attach(&fi, "fip0", local, 24);
	icmp_errppslimit = 0;
	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&sin, local, htons(PORT));
	assert_int_equal(sobind(so, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	KTEST_EXIT();
	return 0;
}

static int
teardown(void **state)
{
	KTEST_ENTER();
	assert_int_equal(soclose(so), 0);
	fi_detach(&fi);
	KTEST_EXIT();
	return ktest_halt(state);
}

/*
 * A datagram from remote:5555 to dst:dport with plen bytes of data (a
 * pattern) and a correct checksum, in an IP packet in buf; returns the
 * packet's length.  The UDP header is at buf + 20.
 */
static int
udp_build_to(uint8_t *buf, struct in_addr dst, in_port_t dport, int plen)
{
	uint8_t pseudo[12 + 8 + 256];
	uint8_t udp[8 + 256];
	int ulen = 8 + plen;

	assert_true(plen <= 256);
	be16enc(udp, 5555);
	be16enc(udp + 2, dport);
	be16enc(udp + 4, (uint16_t)ulen);
	memset(udp + 6, 0, 2);
	for (int i = 0; i < plen; i++)
		udp[8 + i] = (uint8_t)(i * 5 + 1);
	/* RFC 768: the sum covers a pseudo header, then the datagram. */
	memcpy(pseudo, &remote, 4);
	memcpy(pseudo + 4, &dst, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	be16enc(pseudo + 10, (uint16_t)ulen);
	memcpy(pseudo + 12, udp, ulen);
	be16enc(udp + 6, fi_cksum(pseudo, 12 + ulen));
	if (be16dec(udp + 6) == 0)
		be16enc(udp + 6, 0xffff);
	return fi_ipbuild(buf, 20, remote, dst, IPPROTO_UDP, 64, 1, 0, udp,
	    ulen);
}

/* The same to local:dport. */
static int
udp_build(uint8_t *buf, in_port_t dport, int plen)
{
	return udp_build_to(buf, local, dport, plen);
}

/* Bytes waiting in the bound socket, which are then thrown away. */
static size_t
take_received(void)
{
	size_t cc;

	NET_LOCK();
	cc = so->so_rcv.sb_cc;
	sbflush(&so->so_rcv);
	NET_UNLOCK();
	return cc;
}

/* Injects buf; only udps_ipackets and the counter at field move, by one. */
static void
expect_udp_drop(const uint8_t *buf, int len, size_t field)
{
	struct udpstat before = udpstat;

	fi_inject(&fi, buf, len, 0);
	{
		const struct stat_delta want[] = {
			UDPS(udps_ipackets, 1), { field, 1 },
		};
		stat_check(&before, &udpstat, sizeof(udpstat), want,
		    __arraycount(want), "udpstat");
	}
	assert_int_equal(take_received(), 0);
	assert_int_equal(fi_queued(&fi), 0);
}

static void
udp_shorter_than_header_is_hdrops(void **state)
{
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = udp_build(buf, PORT, 0);
	/* The IP packet ends 1 to 8 bytes into the 8-byte header. */
	for (int cut = 1; cut <= 8; cut++) {
		be16enc(buf + 2, (uint16_t)(len - cut));
		fi_setsum(buf, 20, 10);
		expect_udp_drop(buf, len - cut,
		    offsetof(struct udpstat, udps_hdrops));
	}
	KTEST_EXIT();
}

static void
udp_length_below_header_or_beyond_packet_is_badlen(void **state)
{
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = udp_build(buf, PORT, 4);
	be16enc(buf + 24, 7);
	expect_udp_drop(buf, len, offsetof(struct udpstat, udps_badlen));
	be16enc(buf + 24, 0);
	expect_udp_drop(buf, len, offsetof(struct udpstat, udps_badlen));
	be16enc(buf + 24, (uint16_t)(len - 20 + 1));
	expect_udp_drop(buf, len, offsetof(struct udpstat, udps_badlen));
	KTEST_EXIT();
}

static void
udp_wrong_checksum_is_badsum(void **state)
{
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = udp_build(buf, PORT, 12);
	buf[len - 1] ^= 0x40;		/* a data byte */
	expect_udp_drop(buf, len, offsetof(struct udpstat, udps_badsum));
	len = udp_build(buf, PORT, 12);
	buf[26] ^= 0x01;		/* the checksum itself */
	expect_udp_drop(buf, len, offsetof(struct udpstat, udps_badsum));
	KTEST_EXIT();
}

/* RFC 768: a zero checksum field means the sender computed none. */
static void
udp_zero_checksum_is_accepted(void **state)
{
	struct udpstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = udp_build(buf, PORT, 12);
	buf[26] = buf[27] = 0;
	buf[len - 1] ^= 0x40;		/* no sum: nothing can tell */
	before = udpstat;
	fi_inject(&fi, buf, len, 0);
	UDPSTAT_CHECK(before, UDPS(udps_ipackets, 1), UDPS(udps_delivered, 1));
	assert_int_equal(take_received(), 12);
	KTEST_EXIT();
}

/* A correct datagram, as a check of what the others change. */
static void
udp_valid_datagram_is_delivered(void **state)
{
	struct udpstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = udp_build(buf, PORT, 12);
	before = udpstat;
	fi_inject(&fi, buf, len, 0);
	UDPSTAT_CHECK(before, UDPS(udps_ipackets, 1), UDPS(udps_delivered, 1));
	assert_int_equal(take_received(), 12);
	KTEST_EXIT();
}

/* Bytes after the length the header gives are not part of the datagram. */
static void
udp_bytes_beyond_length_are_trimmed(void **state)
{
	struct udpstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = udp_build(buf, PORT, 12);
	memset(buf + len, 0xee, 6);
	be16enc(buf + 2, (uint16_t)(len + 6));
	fi_setsum(buf, 20, 10);
	before = udpstat;
	fi_inject(&fi, buf, len + 6, 0);
	UDPSTAT_CHECK(before, UDPS(udps_ipackets, 1), UDPS(udps_delivered, 1));
	assert_int_equal(take_received(), 12);
	KTEST_EXIT();
}

/* A datagram for a socket shut down for receiving is counted as closed. */
static void
udp_datagram_for_shut_down_socket_is_closed(void **state)
{
	struct sockaddr_in sin;
	struct udpstat before;
	struct socket *so2;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so2, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&sin, local, htons(PORT + 1));
	assert_int_equal(sobind(so2, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	/* Unconnected: shut down all the same, and told so (ENOTCONN). */
	assert_int_equal(soshutdown(so2, SHUT_RD), ENOTCONN);
	len = udp_build(buf, PORT + 1, 12);
	before = udpstat;
	fi_inject(&fi, buf, len, 0);
	UDPSTAT_CHECK(before, UDPS(udps_ipackets, 1), UDPS(udps_closed, 1));
	NET_LOCK();
	assert_int_equal(so2->so_rcv.sb_cc, 0);
	NET_UNLOCK();
	assert_int_equal(fi_queued(&fi), 0);
	assert_int_equal(soclose(so2), 0);
	KTEST_EXIT();
}

/*
 * The UDP header in a second mbuf, behind a first one with no room left:
 * pulling it up takes a new mbuf, and none is to be had.
 */
static void
udp_header_pullup_without_mbufs_is_nobufs(void **state)
{
	struct udpstat before;
	struct mbuf *m, *n;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = udp_build(buf, PORT, 12);
	m = m_gethdr(M_WAIT, MT_DATA);
	m_align(m, 20);
	memcpy(mtod(m, void *), buf, 20);
	m->m_len = 20;
	n = m_get(M_WAIT, MT_DATA);
	memcpy(mtod(n, void *), buf + 20, len - 20);
	n->m_len = len - 20;
	m->m_next = n;
	m->m_pkthdr.len = len;
	m->m_pkthdr.rcvif = &fi.fi_if;
	assert_true(m_check(m));
	before = udpstat;
	mb_failnext(1);
	if_input(&fi.fi_if, m);
	mb_failnext(0);
	UDPSTAT_CHECK(before, UDPS(udps_ipackets, 1), UDPS(udps_nobufs, 1));
	assert_int_equal(take_received(), 0);
	KTEST_EXIT();
}

/*
 * A broadcast is copied for each socket it is for; a copy that cannot be
 * made is counted, and the broadcast still had a socket (not noportbcast).
 */
static void
udp_broadcast_copy_without_mbufs_is_nobufs(void **state)
{
	struct sockaddr_in sin;
	struct udpstat before;
	struct socket *so2;
	struct mbuf *m;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so2, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&sin, fi_ip(0, 0, 0, 0), htons(PORT + 2));
	assert_int_equal(sobind(so2, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	len = udp_build_to(buf, fi_ip(10, 0, 0, 255), PORT + 2, 12);
	m = m_devget(buf, len, &fi.fi_if);
	assert_non_null(m);
	m->m_flags |= M_BCAST;
	before = udpstat;
	mb_failnext(1);
	if_input(&fi.fi_if, m);
	mb_failnext(0);
	UDPSTAT_CHECK(before, UDPS(udps_ipackets, 1), UDPS(udps_nobufs, 1));
	NET_LOCK();
	assert_int_equal(so2->so_rcv.sb_cc, 0);
	NET_UNLOCK();
	assert_int_equal(soclose(so2), 0);
	KTEST_EXIT();
}

/* A socket sharing its port (SO_REUSEADDR), bound to addr, maybe connected. */
static struct socket *
bcast_sock(struct in_addr addr, in_port_t port, struct in_addr faddr,
    in_port_t fport)
{
	struct sockaddr_in sin;
	struct socket *s;

	assert_int_equal(socreate(AF_INET, &s, SOCK_DGRAM, 0), 0);
	s->so_options |= SO_OPT_REUSEADDR;
	sockaddr_in_init(&sin, addr, htons(port));
	assert_int_equal(sobind(s, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	if (fport != 0) {
		sockaddr_in_init(&sin, faddr, htons(fport));
		assert_int_equal(soconnect(s, (const struct sockaddr *)&sin,
		    sizeof(sin), false), 0);
	}
	return s;
}

static size_t
bcast_received(struct socket *s)
{
	size_t cc;

	NET_LOCK();
	cc = s->so_rcv.sb_cc;
	NET_UNLOCK();
	assert_int_equal(soclose(s), 0);
	return cc;
}

/*
 * A broadcast to 10.0.0.255:port from remote:5555 goes to each socket of
 * the port that would take it, as Linux's __udp_is_mcast_sock decides:
 * bound to any address or to the broadcast one, and connected, if at all,
 * to its source.  The others (bound to our unicast address, connected to
 * another port or host) do not see it; nor is it an error to anyone.
 */
static void
udp_broadcast_reaches_each_socket_of_its_port_that_takes_it(void **state)
{
	const in_port_t port = PORT + 3;
	struct in_addr any = fi_ip(0, 0, 0, 0), bcast = fi_ip(10, 0, 0, 255);
	struct socket *s_any, *s_unicast, *s_source, *s_otherport, *s_otherhost;
	struct udpstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	s_any = bcast_sock(any, port, any, 0);
	s_unicast = bcast_sock(local, port, any, 0);
	s_source = bcast_sock(bcast, port, remote, 5555);
	s_otherport = bcast_sock(bcast, port, remote, 5556);
	s_otherhost = bcast_sock(bcast, port, fi_ip(10, 0, 0, 3), 5555);
	len = udp_build_to(buf, bcast, port, 12);
	before = udpstat;
	fi_inject(&fi, buf, len, 0);
	UDPSTAT_CHECK(before, UDPS(udps_ipackets, 1), UDPS(udps_delivered, 2));
	assert_int_equal(fi_queued(&fi), 0);
	assert_int_equal(bcast_received(s_any), 12);
	assert_int_equal(bcast_received(s_unicast), 0);
	assert_int_equal(bcast_received(s_source), 12);
	assert_int_equal(bcast_received(s_otherport), 0);
	assert_int_equal(bcast_received(s_otherhost), 0);
	KTEST_EXIT();
}

/* No socket has its port: counted, and no ICMP error (RFC 1122 4.1.3.1). */
static void
udp_broadcast_to_a_port_nobody_has_is_noportbcast(void **state)
{
	struct udpstat before;
	uint8_t buf[64];
	int len;

	(void)state;
	KTEST_ENTER();
	len = udp_build_to(buf, fi_ip(10, 0, 0, 255), PORT + 4, 12);
	before = udpstat;
	fi_inject(&fi, buf, len, 0);
	UDPSTAT_CHECK(before, UDPS(udps_ipackets, 1),
	    UDPS(udps_noportbcast, 1));
	assert_int_equal(fi_queued(&fi), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(udp_valid_datagram_is_delivered),
		leak_test(udp_shorter_than_header_is_hdrops),
		leak_test(udp_length_below_header_or_beyond_packet_is_badlen),
		leak_test(udp_wrong_checksum_is_badsum),
		leak_test(udp_zero_checksum_is_accepted),
		leak_test(udp_bytes_beyond_length_are_trimmed),
		leak_test(udp_datagram_for_shut_down_socket_is_closed),
		leak_test(udp_header_pullup_without_mbufs_is_nobufs),
		leak_test(udp_broadcast_copy_without_mbufs_is_nobufs),
		leak_test(udp_broadcast_reaches_each_socket_of_its_port_that_takes_it),
		leak_test(udp_broadcast_to_a_port_nobody_has_is_noportbcast),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
