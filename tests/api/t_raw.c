/*
 * Raw IP sockets through the public interface, over the loopback interface
 * of one rump kernel, as raw(7) describes them: a socket of protocol p gets
 * a copy of every packet of protocol p (IP header included) that its bound
 * and connected addresses allow; the kernel writes the IP header of what it
 * sends unless the socket asked to write its own (IP_HDRINCL, IPPROTO_RAW).
 * Protocol 253 is the one RFC 3692 sets aside for experiments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "apitest.h"

#define PROTO		253
#define OTHERPROTO	254

static struct sockaddr_in
addr(const char *a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	assert_int_equal(inet_pton(AF_INET, a, &sin.sin_addr), 1);
	return sin;
}

static int
raw_socket(int proto)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	int s = rump_sys_socket(AF_INET, SOCK_RAW, proto);

	assert_true(s >= 0);
	/* What a test expects not to come is waited for this long. */
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	return s;
}

static void
send_to(int s, const char *to, const void *data, size_t len)
{
	struct sockaddr_in sin = addr(to);

	assert_int_equal(rump_sys_sendto(s, data, len, 0,
	    (struct sockaddr *)&sin, sizeof(sin)), (ssize_t)len);
}

/* The next packet of socket s, whole; its length. */
static int
receive(int s, char *buf, size_t len, struct sockaddr_in *from)
{
	socklen_t fromlen = sizeof(*from);

	return (int)rump_sys_recvfrom(s, buf, len, 0, (struct sockaddr *)from,
	    &fromlen);
}

static void
nothing_comes(int s)
{
	char buf[64];

	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EAGAIN);
}

static void
a_raw_socket_gets_its_protocols_packets_with_the_ip_header(void **state)
{
	struct sockaddr_in from;
	struct ip *ip;
	char buf[256];
	int r, s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	r = raw_socket(PROTO);
	s = raw_socket(PROTO);
	send_to(s, "127.0.0.1", "payload", 7);
	assert_int_equal(receive(r, buf, sizeof(buf), &from),
	    (int)sizeof(struct ip) + 7);
	ip = (struct ip *)buf;
	assert_int_equal(ip->ip_v, 4);
	assert_int_equal(ip->ip_hl, 5);
	assert_int_equal(ip->ip_p, PROTO);
	assert_int_equal(ntohs(ip->ip_len), sizeof(struct ip) + 7);
	assert_memory_equal(buf + sizeof(struct ip), "payload", 7);
	assert_int_equal(from.sin_family, AF_INET);
	assert_int_equal(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	/* The sender is a socket of the protocol too: it gets its copy. */
	assert_int_equal(receive(s, buf, sizeof(buf), &from),
	    (int)sizeof(struct ip) + 7);
	rump_sys_close(r);
	rump_sys_close(s);
}

static void
a_raw_socket_of_another_protocol_gets_nothing(void **state)
{
	char buf[256];
	struct sockaddr_in from;
	int r, s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	r = raw_socket(OTHERPROTO);
	s = raw_socket(PROTO);
	send_to(s, "127.0.0.1", "x", 1);
	assert_true(receive(s, buf, sizeof(buf), &from) > 0);
	nothing_comes(r);
	rump_sys_close(r);
	rump_sys_close(s);
}

static void
a_raw_socket_bound_to_an_address_gets_only_packets_to_it(void **state)
{
	struct sockaddr_in lo = addr("127.0.0.1"), from;
	char buf[256];
	int r, s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	r = raw_socket(PROTO);
	s = raw_socket(PROTO);
	assert_int_equal(rump_sys_bind(r, (struct sockaddr *)&lo, sizeof(lo)),
	    0);
	send_to(s, "127.0.0.1", "to", 2);
	assert_int_equal(receive(r, buf, sizeof(buf), &from),
	    (int)sizeof(struct ip) + 2);
	/* Another address of loopback's network is not the bound one. */
	send_to(s, "127.0.0.2", "not", 3);
	assert_true(receive(s, buf, sizeof(buf), &from) > 0);
	nothing_comes(r);
	rump_sys_close(r);
	rump_sys_close(s);
}

static void
binding_a_raw_socket_to_a_foreign_address_is_eaddrnotavail(void **state)
{
	struct sockaddr_in foreign = addr("198.18.200.1");
	int s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	s = raw_socket(PROTO);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&foreign,
	    sizeof(foreign)), -1);
	assert_int_equal(errno, EADDRNOTAVAIL);
	rump_sys_close(s);
}

static void
a_connected_raw_socket_gets_only_its_peers_packets(void **state)
{
	struct sockaddr_in other = addr("127.0.0.9"), lo = addr("127.0.0.1");
	struct sockaddr_in peer, from;
	socklen_t len = sizeof(peer);
	char buf[256];
	int r, s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	r = raw_socket(PROTO);
	s = raw_socket(PROTO);
	assert_int_equal(rump_sys_connect(r, (struct sockaddr *)&other,
	    sizeof(other)), 0);
	assert_int_equal(rump_sys_getpeername(r, (struct sockaddr *)&peer,
	    &len), 0);
	assert_int_equal(peer.sin_addr.s_addr, other.sin_addr.s_addr);
	send_to(s, "127.0.0.1", "a", 1);
	assert_true(receive(s, buf, sizeof(buf), &from) > 0);
	nothing_comes(r);
	/* Connecting again replaces the peer. */
	assert_int_equal(rump_sys_connect(r, (struct sockaddr *)&lo,
	    sizeof(lo)), 0);
	send_to(s, "127.0.0.1", "b", 1);
	assert_int_equal(receive(r, buf, sizeof(buf), &from),
	    (int)sizeof(struct ip) + 1);
	assert_int_equal(buf[sizeof(struct ip)], 'b');
	rump_sys_close(r);
	rump_sys_close(s);
}

static void
a_connected_raw_socket_sends_to_its_peer_without_an_address(void **state)
{
	struct sockaddr_in lo = addr("127.0.0.1"), from;
	char buf[256];
	int r, s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	r = raw_socket(PROTO);
	s = raw_socket(PROTO);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&lo,
	    sizeof(lo)), 0);
	assert_int_equal(rump_sys_send(s, "hi", 2, 0), 2);
	assert_int_equal(receive(r, buf, sizeof(buf), &from),
	    (int)sizeof(struct ip) + 2);
	rump_sys_close(r);
	rump_sys_close(s);
}

static void
an_unconnected_raw_socket_sending_without_an_address_is_edestaddrreq(
    void **state)
{
	int s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	s = raw_socket(PROTO);
	assert_int_equal(rump_sys_send(s, "hi", 2, 0), -1);
	assert_int_equal(errno, EDESTADDRREQ);
	rump_sys_close(s);
}

static void
a_payload_with_no_room_for_the_ip_header_is_emsgsize(void **state)
{
	size_t len = IP_MAXPACKET - sizeof(struct ip) + 1;
	struct sockaddr_in lo = addr("127.0.0.1");
	char *big;
	int s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	assert_non_null(big = calloc(1, len));
	s = raw_socket(PROTO);
	assert_int_equal(rump_sys_sendto(s, big, len, 0,
	    (struct sockaddr *)&lo, sizeof(lo)), -1);
	assert_int_equal(errno, EMSGSIZE);
	rump_sys_close(s);
	free(big);
}

/* An IP header for len bytes of protocol PROTO from 127.0.0.1 to itself. */
static struct ip
header(size_t len)
{
	struct ip ip = {
		.ip_v = 4, .ip_hl = 5, .ip_ttl = 64, .ip_p = PROTO,
		.ip_len = htons((uint16_t)(sizeof(struct ip) + len)),
		.ip_src = { htonl(INADDR_LOOPBACK) },
		.ip_dst = { htonl(INADDR_LOOPBACK) },
	};

	return ip;
}

static void
an_ipproto_raw_socket_sends_the_header_it_was_given(void **state)
{
	struct sockaddr_in from;
	char pkt[sizeof(struct ip) + 4], buf[256];
	struct ip ip = header(4), *got;
	int r, s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	r = raw_socket(PROTO);
	s = raw_socket(IPPROTO_RAW);
	ip.ip_tos = 0x28;
	ip.ip_ttl = 7;
	memcpy(pkt, &ip, sizeof(ip));
	memcpy(pkt + sizeof(ip), "mine", 4);
	send_to(s, "127.0.0.1", pkt, sizeof(pkt));
	assert_int_equal(receive(r, buf, sizeof(buf), &from),
	    (int)sizeof(pkt));
	got = (struct ip *)buf;
	assert_int_equal(got->ip_tos, 0x28);
	assert_int_equal(got->ip_ttl, 7);
	assert_memory_equal(buf + sizeof(struct ip), "mine", 4);
	rump_sys_close(r);
	rump_sys_close(s);
}

static void
ip_hdrincl_on_a_protocols_socket_sends_the_header_it_was_given(void **state)
{
	struct sockaddr_in from;
	char pkt[sizeof(struct ip) + 3], buf[256];
	struct ip ip = header(3);
	int r, s, on = 1;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	r = raw_socket(PROTO);
	s = raw_socket(PROTO);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_HDRINCL, &on,
	    sizeof(on)), 0);
	/* A length of 0 is the kernel's to fill. */
	ip.ip_len = 0;
	ip.ip_ttl = 9;
	memcpy(pkt, &ip, sizeof(ip));
	memcpy(pkt + sizeof(ip), "own", 3);
	send_to(s, "127.0.0.1", pkt, sizeof(pkt));
	assert_int_equal(receive(r, buf, sizeof(buf), &from),
	    (int)sizeof(pkt));
	assert_int_equal(((struct ip *)buf)->ip_ttl, 9);
	assert_int_equal(ntohs(((struct ip *)buf)->ip_len), sizeof(pkt));
	rump_sys_close(r);
	rump_sys_close(s);
}

/* A caller-written header that send refuses with EINVAL. */
static void
refused_header(const void *pkt, size_t len)
{
	struct sockaddr_in lo = addr("127.0.0.1");
	int s = raw_socket(IPPROTO_RAW);

	assert_int_equal(rump_sys_sendto(s, pkt, len, 0,
	    (struct sockaddr *)&lo, sizeof(lo)), -1);
	assert_int_equal(errno, EINVAL);
	rump_sys_close(s);
}

static void
a_given_header_shorter_than_an_ip_header_is_einval(void **state)
{
	struct ip ip = header(0);

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	refused_header(&ip, sizeof(ip) - 1);
}

static void
a_given_header_of_another_ip_version_is_einval(void **state)
{
	struct ip ip = header(0);

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	ip.ip_v = 6;
	refused_header(&ip, sizeof(ip));
}

static void
a_given_header_longer_than_the_packet_is_einval(void **state)
{
	struct ip ip = header(0);

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	ip.ip_hl = 15;
	refused_header(&ip, sizeof(ip));
}

static void
a_given_length_that_is_not_the_packets_is_einval(void **state)
{
	char pkt[sizeof(struct ip) + 8];
	struct ip ip = header(4);

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	memcpy(pkt, &ip, sizeof(ip));
	memset(pkt + sizeof(ip), 0, 8);
	refused_header(pkt, sizeof(pkt));
}

static void
a_protocol_no_socket_has_is_answered_protocol_unreachable(void **state)
{
	char pkt[sizeof(struct ip) + 1], buf[256];
	struct ip ip = header(1);
	struct sockaddr_in from;
	struct icmphdr *icmp;
	int icmps, s, n;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	icmps = raw_socket(IPPROTO_ICMP);
	/* Sent by an IPPROTO_RAW socket, no socket of PROTO exists. */
	s = raw_socket(IPPROTO_RAW);
	memcpy(pkt, &ip, sizeof(ip));
	pkt[sizeof(ip)] = 'x';
	send_to(s, "127.0.0.1", pkt, sizeof(pkt));
	n = receive(icmps, buf, sizeof(buf), &from);
	assert_true(n >= (int)(2 * sizeof(struct ip) + 8));
	icmp = (struct icmphdr *)(buf + ((struct ip *)buf)->ip_hl * 4);
	assert_int_equal(icmp->type, ICMP_DEST_UNREACH);
	assert_int_equal(icmp->code, ICMP_PROT_UNREACH);
	rump_sys_close(s);
	rump_sys_close(icmps);
}

static void
a_raw_socket_shut_for_reading_gets_nothing(void **state)
{
	struct sockaddr_in lo = addr("127.0.0.1"), from;
	char buf[256];
	int r, s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	r = raw_socket(PROTO);
	s = raw_socket(PROTO);
	/* Connected: shutdown of an unconnected socket is ENOTCONN. */
	assert_int_equal(rump_sys_connect(r, (struct sockaddr *)&lo,
	    sizeof(lo)), 0);
	assert_int_equal(rump_sys_shutdown(r, SHUT_RD), 0);
	send_to(s, "127.0.0.1", "x", 1);
	assert_true(receive(s, buf, sizeof(buf), &from) > 0);
	/* Nothing was queued: a blocking read finds the end of file. */
	assert_int_equal(rump_sys_recv(r, buf, sizeof(buf), 0), 0);
	rump_sys_close(r);
	rump_sys_close(s);
}

static void
a_raw_socket_of_a_protocol_beyond_255_is_refused(void **state)
{
	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	assert_int_equal(rump_sys_socket(AF_INET, SOCK_RAW, 256), -1);
	assert_int_equal(errno, EPROTONOSUPPORT);
}

static uint64_t
counter(const char *name)
{
	uint64_t v;

	assert_int_equal(rump_kstat_get(name, &v), 0);
	return v;
}

/*
 * Packets that come while the receive buffer is full are dropped and
 * counted; what fits is read afterwards.  The sender is an IPPROTO_RAW
 * socket, which gets no copies itself.
 */
static void
a_raw_socket_with_a_full_receive_buffer_drops_and_counts(void **state)
{
	const struct timespec ms = { 0, 1000000 };
	char pkt[sizeof(struct ip) + 1000], buf[2048];
	struct ip ip = header(1000);
	uint64_t delivered, full, dd = 0, df = 0;
	const int n = 16;
	int r, s, one = 1, got = 0;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	r = raw_socket(PROTO);
	s = raw_socket(IPPROTO_RAW);
	assert_int_equal(rump_sys_setsockopt(r, SOL_SOCKET, SO_RCVBUF, &one,
	    sizeof(one)), 0);
	memcpy(pkt, &ip, sizeof(ip));
	memset(pkt + sizeof(ip), 'x', 1000);
	delivered = counter("raw.delivered");
	full = counter("raw.fullsock");
	for (int i = 0; i < n; i++)
		send_to(s, "127.0.0.1", pkt, sizeof(pkt));
	/* Loopback delivers in a softint: wait until every packet came. */
	for (int i = 0; i < 10000 && dd + df < (uint64_t)n; i++) {
		nanosleep(&ms, NULL);
		dd = counter("raw.delivered") - delivered;
		df = counter("raw.fullsock") - full;
	}
	assert_int_equal(dd + df, n);
	assert_true(df > 0);
	while (receive(r, buf, sizeof(buf), NULL) == (int)sizeof(pkt))
		got++;
	assert_int_equal(got, dd);
	rump_sys_close(r);
	rump_sys_close(s);
}

static void
addresses_too_short_or_not_ipv4_are_refused(void **state)
{
	struct sockaddr_in lo = addr("127.0.0.1");
	struct sockaddr_in v6 = lo;
	int s;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	s = raw_socket(PROTO);
	v6.sin_family = AF_INET6;
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&lo, 8), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&v6, sizeof(v6)),
	    -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&lo, 8), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&lo,
	    8), -1);
	assert_int_equal(errno, EINVAL);
	rump_sys_close(s);
}

static int
getint(int s, int name)
{
	socklen_t len = sizeof(int);
	int v = -1;

	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_IP, name, &v, &len),
	    0);
	assert_int_equal(len, sizeof(int));
	return v;
}

static void
ip_hdrincl_is_read_back(void **state)
{
	int s, r, on = 1, off = 0;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	s = raw_socket(PROTO);
	r = raw_socket(IPPROTO_RAW);
	assert_int_equal(getint(s, IP_HDRINCL), 0);
	assert_int_equal(getint(r, IP_HDRINCL), 1);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_HDRINCL, &on,
	    sizeof(on)), 0);
	assert_int_equal(getint(s, IP_HDRINCL), 1);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_HDRINCL, &off,
	    sizeof(off)), 0);
	assert_int_equal(getint(s, IP_HDRINCL), 0);
	rump_sys_close(s);
	rump_sys_close(r);
}

/* As on Linux: only a raw socket writes its own headers. */
static void
ip_hdrincl_on_a_udp_socket_is_enoprotoopt(void **state)
{
	int s, on = 1;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_HDRINCL, &on,
	    sizeof(on)), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	rump_sys_close(s);
}

static void
ip_mtu_discover_is_read_back_and_kept_within_its_range(void **state)
{
	int s, v = IP_PMTUDISC_DO, bad = -1;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	s = raw_socket(PROTO);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_MTU_DISCOVER,
	    &v, sizeof(v)), 0);
	assert_int_equal(getint(s, IP_MTU_DISCOVER), IP_PMTUDISC_DO);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_MTU_DISCOVER,
	    &bad, sizeof(bad)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(getint(s, IP_MTU_DISCOVER), IP_PMTUDISC_DO);
	rump_sys_close(s);
}

static void
an_unknown_ip_option_is_enoprotoopt(void **state)
{
	socklen_t len = sizeof(int);
	int s, v = 1;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	s = raw_socket(PROTO);
	/* IP_PKTINFO: Linux has it, this kernel does not. */
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_PKTINFO, &v,
	    sizeof(v)), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_IP, IP_PKTINFO, &v,
	    &len), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	rump_sys_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_raw_socket_gets_its_protocols_packets_with_the_ip_header),
		leak_test(a_raw_socket_of_another_protocol_gets_nothing),
		leak_test(a_raw_socket_bound_to_an_address_gets_only_packets_to_it),
		leak_test(binding_a_raw_socket_to_a_foreign_address_is_eaddrnotavail),
		leak_test(a_connected_raw_socket_gets_only_its_peers_packets),
		leak_test(a_connected_raw_socket_sends_to_its_peer_without_an_address),
		leak_test(an_unconnected_raw_socket_sending_without_an_address_is_edestaddrreq),
		leak_test(a_payload_with_no_room_for_the_ip_header_is_emsgsize),
		leak_test(an_ipproto_raw_socket_sends_the_header_it_was_given),
		leak_test(ip_hdrincl_on_a_protocols_socket_sends_the_header_it_was_given),
		leak_test(a_given_header_shorter_than_an_ip_header_is_einval),
		leak_test(a_given_header_of_another_ip_version_is_einval),
		leak_test(a_given_header_longer_than_the_packet_is_einval),
		leak_test(a_given_length_that_is_not_the_packets_is_einval),
		leak_test(a_protocol_no_socket_has_is_answered_protocol_unreachable),
		leak_test(a_raw_socket_shut_for_reading_gets_nothing),
		leak_test(a_raw_socket_of_a_protocol_beyond_255_is_refused),
		leak_test(a_raw_socket_with_a_full_receive_buffer_drops_and_counts),
		leak_test(addresses_too_short_or_not_ipv4_are_refused),
		leak_test(ip_hdrincl_is_read_back),
		leak_test(ip_hdrincl_on_a_udp_socket_is_enoprotoopt),
		leak_test(ip_mtu_discover_is_read_back_and_kept_within_its_range),
		leak_test(an_unknown_ip_option_is_enoprotoopt),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
