/*
 * Protocol control blocks.  Ephemeral ports (RFC 6056): each is in the
 * range, distinct from every port still held, not a fixed step from the
 * one before, and binding goes on succeeding until the whole range is
 * taken.  Sockets are bound to 127.0.0.1 with port 0 through the kernel's
 * socket calls.  Then what UDP, raw IP and TCP share through in_pcb: the
 * addresses they report, the IP header they send, their datagram checks.
 */
#include "ktest.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"

#define NEPHEMERAL	(IPPORT_EPHEMERALLAST - IPPORT_EPHEMERALFIRST + 1)

static struct socket *socks[NEPHEMERAL];

/* Binds a new UDP socket to 127.0.0.1:0; the error, and *port (host order). */
static int
bind_ephemeral(struct socket **sop, unsigned *port)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct sockaddr_in sin;
	int error;

	assert_int_equal(socreate(AF_INET, sop, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&sin, lo, 0);
	error = sobind(*sop, (const struct sockaddr *)&sin, sizeof(sin));
	if (error == 0) {
		NET_LOCK();
		*port = ntohs(sotoinpcb(*sop)->inp_lport);
		NET_UNLOCK();
	}
	return error;
}

static void
close_all(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(soclose(socks[i]), 0);
}

/*
 * 64 ports in a row show no fixed step: sequential ports (a step of 1)
 * would give one difference 63 times.  Random ports give 63 differences
 * spread over 16384 values; fewer than 32 distinct among them needs 32
 * of them to hit one of at most 63 earlier values, a chance below
 * C(63, 32) * (63 / 16384)^32 < 2^-190: the test cannot fail by chance.
 */
static void
ephemeral_ports_have_no_fixed_step(void **state)
{
	enum { N = 64 };
	unsigned port[N], diff[N - 1], ndistinct = 0;

	(void)state;
	KTEST_ENTER();
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(bind_ephemeral(&socks[i], &port[i]), 0);
	for (unsigned i = 0; i + 1 < N; i++) {
		bool seen = false;

		diff[i] = (port[i + 1] - port[i] + NEPHEMERAL) % NEPHEMERAL;
		for (unsigned j = 0; j < i; j++)
			seen = seen || diff[j] == diff[i];
		if (!seen)
			ndistinct++;
	}
	close_all(N);
	assert_true(ndistinct >= (N - 1) / 2);
	KTEST_EXIT();
}

/*
 * Every port of the range is handed out once, each distinct from those
 * still held; then binding fails with EADDRINUSE (the search ends).
 */
static void
ephemeral_ports_fill_the_range_then_fail(void **state)
{
	static uint8_t taken[NEPHEMERAL];
	struct socket *extra;
	unsigned port, first = 0;

	(void)state;
	KTEST_ENTER();
	memset(taken, 0, sizeof(taken));
	for (unsigned i = 0; i < NEPHEMERAL; i++) {
		assert_int_equal(bind_ephemeral(&socks[i], &port), 0);
		assert_true(port >= IPPORT_EPHEMERALFIRST &&
		    port <= IPPORT_EPHEMERALLAST);
		assert_int_equal(taken[port - IPPORT_EPHEMERALFIRST], 0);
		taken[port - IPPORT_EPHEMERALFIRST] = 1;
		if (i == 0)
			first = port;
	}
	assert_int_equal(bind_ephemeral(&extra, &port), EADDRINUSE);
	assert_int_equal(soclose(extra), 0);
	/* A port given back is the one handed out next. */
	assert_int_equal(soclose(socks[0]), 0);
	assert_int_equal(bind_ephemeral(&socks[0], &port), 0);
	assert_int_equal(port, first);
	close_all(NEPHEMERAL);
	KTEST_EXIT();
}


/* A UDP socket bound to 127.0.0.1:port and connected to 127.0.0.1:fport. */
static struct socket *
udp_connected(in_port_t port, in_port_t fport)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct sockaddr_in sin;
	struct socket *so;

	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&sin, lo, htons(port));
	assert_int_equal(sobind(so, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	sockaddr_in_init(&sin, lo, htons(fport));
	assert_int_equal(soconnect(so, (const struct sockaddr *)&sin,
	    sizeof(sin), false), 0);
	return so;
}

static void
sockaddr_and_peeraddr_report_both_ends(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in local, peer;
	struct socket *so;
	socklen_t len = 0, plen = 0;

	(void)state;
	KTEST_ENTER();
	so = udp_connected(4000, 4001);
	NET_LOCK();
	assert_int_equal(in_pcb_sockaddr(so, &ss, &len), 0);
	memcpy(&local, &ss, sizeof(local));
	assert_int_equal(in_pcb_peeraddr(so, &ss, &plen), 0);
	memcpy(&peer, &ss, sizeof(peer));
	NET_UNLOCK();
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(plen, sizeof(struct sockaddr_in));
	assert_int_equal(local.sin_family, AF_INET);
	assert_int_equal(ntohs(local.sin_port), 4000);
	assert_int_equal(ntohs(peer.sin_port), 4001);
	assert_int_equal(ntohl(peer.sin_addr.s_addr), INADDR_LOOPBACK);
}

static void
the_ip_header_carries_the_pcb_options(void **state)
{
	struct in_addr src = { htonl(0xc6120001) }, dst = { htonl(0xc6120002) };
	struct ip ip;
	struct socket *so;
	struct inpcb *inp;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	NET_LOCK();
	inp = sotoinpcb(so);
	inp->inp_opts.ipo_ttl = 7;
	inp->inp_opts.ipo_tos = 0x10;
	inp->inp_opts.ipo_pmtudisc = IP_PMTUDISC_DO;
	in_pcb_iphdr(inp, &ip, IPPROTO_UDP, src, dst);
	NET_UNLOCK();
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
	assert_int_equal(ip.ip_vhl, IP_VHL(IPVERSION, sizeof(struct ip)));
	assert_int_equal(ip.ip_p, IPPROTO_UDP);
	assert_int_equal(ip.ip_ttl, 7);
	assert_int_equal(ip.ip_tos, 0x10);
	assert_int_equal(ntohs(ip.ip_off), IP_DF);
	assert_int_equal(ip.ip_src.s_addr, src.s_addr);
	assert_int_equal(ip.ip_dst.s_addr, dst.s_addr);
}

static void
output_flags_follow_broadcast_and_dontroute(void **state)
{
	struct socket *so;
	int none, both;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so, SOCK_RAW, IPPROTO_ICMP), 0);
	NET_LOCK();
	none = in_pcb_outflags(sotoinpcb(so));
	so->so_options |= SO_OPT_BROADCAST | SO_OPT_DONTROUTE;
	both = in_pcb_outflags(sotoinpcb(so));
	NET_UNLOCK();
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
	assert_int_equal(none, 0);
	assert_int_equal(both, IP_ALLOWBROADCAST | IP_ROUTETOIF);
}

/* The refused packet and its control mbuf are freed: leak_test sees it. */
static void
a_datagram_with_msg_oob_is_refused(void **state)
{
	int error;

	(void)state;
	KTEST_ENTER();
	error = in_pcb_dgram_sendcheck(m_gethdr(M_WAIT, MT_DATA), NULL, 0,
	    m_get(M_WAIT, MT_CONTROL), MSG_OOB);
	KTEST_EXIT();
	assert_int_equal(error, EOPNOTSUPP);
}

static void
a_datagram_to_a_short_address_is_refused(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int error;

	(void)state;
	KTEST_ENTER();
	error = in_pcb_dgram_sendcheck(m_gethdr(M_WAIT, MT_DATA),
	    (const struct sockaddr *)&sin, sizeof(sin) - 1, NULL, 0);
	KTEST_EXIT();
	assert_int_equal(error, EINVAL);
}

static void
a_datagram_to_a_good_address_passes(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct mbuf *m;
	int error;

	(void)state;
	KTEST_ENTER();
	m = m_gethdr(M_WAIT, MT_DATA);
	error = in_pcb_dgram_sendcheck(m, (const struct sockaddr *)&sin,
	    sizeof(sin), NULL, 0);
	m_freem(m);
	KTEST_EXIT();
	assert_int_equal(error, 0);
}

static void
ip_options_set_through_the_socket_read_back(void **state)
{
	struct sockopt sopt;
	struct socket *so;
	int ttl = 9, got = 0, error, gerror;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	memset(&sopt, 0, sizeof(sopt));
	sopt.sopt_level = IPPROTO_IP;
	sopt.sopt_name = IP_TTL;
	sopt.sopt_data = &ttl;
	sopt.sopt_size = sizeof(ttl);
	NET_LOCK();
	error = in_pcb_ctloutput(SOPT_SET, so, &sopt);
	sopt.sopt_data = &got;
	gerror = in_pcb_ctloutput(SOPT_GET, so, &sopt);
	NET_UNLOCK();
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
	assert_int_equal(error, 0);
	assert_int_equal(gerror, 0);
	assert_int_equal(got, 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(ephemeral_ports_have_no_fixed_step),
		leak_test(ephemeral_ports_fill_the_range_then_fail),
		leak_test(sockaddr_and_peeraddr_report_both_ends),
		leak_test(the_ip_header_carries_the_pcb_options),
		leak_test(output_flags_follow_broadcast_and_dontroute),
		leak_test(a_datagram_with_msg_oob_is_refused),
		leak_test(a_datagram_to_a_short_address_is_refused),
		leak_test(a_datagram_to_a_good_address_passes),
		leak_test(ip_options_set_through_the_socket_read_back),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
