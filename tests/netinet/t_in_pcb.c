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

/* ---- the hash tables ---- */

#define NMANY	2048

static unsigned
longest_chain(struct inpcbhead *h, unsigned n, size_t link_offset)
{
	unsigned longest = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned len = 0;

		for (struct inpcb *inp = LIST_FIRST(&h[i]); inp != NULL;
		    inp = *(struct inpcb **)(void *)((char *)inp + link_offset))
			len++;
		if (len > longest)
			longest = len;
	}
	return longest;
}

#define LONGEST(t, table, field) longest_chain((t)->table, \
	(t)->inpt_hashmask + 1, offsetof(struct inpcb, field.le_next))

/* A UDP socket bound to 127.0.0.1:port (any address if !lo), options set. */
static struct socket *
udp_bound(in_port_t port, bool lo, int options)
{
	struct in_addr a = { lo ? htonl(INADDR_LOOPBACK) : INADDR_ANY };
	struct sockaddr_in sin;
	struct socket *so;

	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	NET_LOCK();
	so->so_options |= options;
	NET_UNLOCK();
	sockaddr_in_init(&sin, a, htons(port));
	assert_int_equal(sobind(so, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	return so;
}

static void
udp_connect_to(struct socket *so, in_port_t fport)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct sockaddr_in sin;

	sockaddr_in_init(&sin, lo, htons(fport));
	assert_int_equal(soconnect(so, (const struct sockaddr *)&sin,
	    sizeof(sin), false), 0);
}

/*
 * Thousands of connected PCBs: the table grows past its first size, and
 * each is found by its own 4-tuple, none by another's.
 */
static void
many_connected_pcbs_are_each_found_by_their_4_tuple(void **state)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct inpcbtable *t;
	unsigned nbuckets, nfound = 0, nwrong = 0;

	(void)state;
	KTEST_ENTER();
	for (unsigned i = 0; i < NMANY; i++) {
		socks[i] = udp_bound(0, true, 0);
		udp_connect_to(socks[i], (in_port_t)(1000 + i));
	}
	NET_LOCK();
	t = sotoinpcb(socks[0])->inp_table;
	nbuckets = t->inpt_hashmask + 1;
	for (unsigned i = 0; i < NMANY; i++) {
		struct inpcb *inp = sotoinpcb(socks[i]);
		struct inpcb *found = in_pcblookup(t, lo,
		    htons((in_port_t)(1000 + i)), lo, inp->inp_lport);

		if (found == inp)
			nfound++;
		else
			nwrong++;
	}
	NET_UNLOCK();
	close_all(NMANY);
	KTEST_EXIT();
	assert_true(nbuckets >= NMANY / 2);
	assert_int_equal(nfound, NMANY);
	assert_int_equal(nwrong, 0);
}

/*
 * A packet of no connection goes to the socket bound to its address, else
 * to the one bound to the wildcard address; a connected one gets its own.
 */
static void
lookup_falls_back_from_the_connection_to_the_bound_socket(void **state)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct in_addr other = { htonl(0x7f000002) };
	struct socket *wild, *exact, *conn;
	struct inpcb *got_exact, *got_wild, *got_conn, *got_none;
	bool is_exact, is_wild, is_conn;

	(void)state;
	KTEST_ENTER();
	wild = udp_bound(7000, false, SO_OPT_REUSEADDR);
	exact = udp_bound(7000, true, SO_OPT_REUSEADDR);
	conn = udp_bound(7000, true, SO_OPT_REUSEADDR);
	udp_connect_to(conn, 7001);
	NET_LOCK();
	got_exact = in_pcblookup(sotoinpcb(wild)->inp_table, lo, htons(9),
	    lo, htons(7000));
	got_wild = in_pcblookup(sotoinpcb(wild)->inp_table, lo, htons(9),
	    other, htons(7000));
	got_conn = in_pcblookup(sotoinpcb(wild)->inp_table, lo, htons(7001),
	    lo, htons(7000));
	got_none = in_pcblookup(sotoinpcb(wild)->inp_table, lo, htons(9),
	    lo, htons(7002));
	is_exact = got_exact == sotoinpcb(exact);
	is_wild = got_wild == sotoinpcb(wild);
	is_conn = got_conn == sotoinpcb(conn);
	NET_UNLOCK();
	assert_int_equal(soclose(wild), 0);
	assert_int_equal(soclose(exact), 0);
	assert_int_equal(soclose(conn), 0);
	KTEST_EXIT();
	assert_true(is_exact);
	assert_true(is_wild);
	assert_true(is_conn);
	assert_null(got_none);
}

/*
 * Connections that share their local port (as accepted TCP connections
 * share the listener's) land in different buckets of the 4-tuple table,
 * and the listener stays the answer for everything else.  With NMANY
 * PCBs in at least NMANY / 2 buckets (two a bucket on average), a chain
 * of 24 under a random key has a chance below 2^-40: the test cannot
 * fail by chance.
 */
static void
connections_sharing_a_local_port_spread_over_the_buckets(void **state)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct socket *listener;
	struct inpcbtable *t;
	unsigned longest, nfound = 0;
	bool listener_found;

	(void)state;
	KTEST_ENTER();
	listener = udp_bound(7100, true, SO_OPT_REUSEPORT);
	for (unsigned i = 0; i < NMANY; i++) {
		socks[i] = udp_bound(7100, true, SO_OPT_REUSEPORT);
		udp_connect_to(socks[i], (in_port_t)(1000 + i));
	}
	NET_LOCK();
	t = sotoinpcb(listener)->inp_table;
	longest = LONGEST(t, inpt_hash, inp_hash);
	for (unsigned i = 0; i < NMANY; i++)
		if (in_pcblookup(t, lo, htons((in_port_t)(1000 + i)), lo,
		    htons(7100)) == sotoinpcb(socks[i]))
			nfound++;
	listener_found = in_pcblookup(t, lo, htons(999), lo, htons(7100)) ==
	    sotoinpcb(listener);
	NET_UNLOCK();
	close_all(NMANY);
	assert_int_equal(soclose(listener), 0);
	KTEST_EXIT();
	assert_int_equal(nfound, NMANY);
	assert_true(listener_found);
	assert_true(longest < 24);
}

/*
 * Ports picked to collide in a table hashed without a key (a multiple of
 * any power-of-two table size) spread like any others: the bound table's
 * and the port table's longest chains stay short (the bound as above).
 */
static void
ports_chosen_to_collide_spread_over_the_buckets(void **state)
{
	struct inpcbtable *t;
	unsigned blongest, plongest;

	(void)state;
	KTEST_ENTER();
	for (unsigned i = 0; i < NMANY; i++)
		socks[i] = udp_bound((in_port_t)(32 * (i + 1)), true, 0);
	NET_LOCK();
	t = sotoinpcb(socks[0])->inp_table;
	blongest = LONGEST(t, inpt_bhash, inp_bhash);
	plongest = LONGEST(t, inpt_phash, inp_phash);
	NET_UNLOCK();
	close_all(NMANY);
	KTEST_EXIT();
	assert_true(blongest < 24);
	assert_true(plongest < 24);
}

/* Once the sockets are gone the table is back at the size it started. */
static void
the_tables_shrink_back_when_the_sockets_close(void **state)
{
	struct inpcbtable *t;
	unsigned grown, start, after;
	struct socket *keep;

	(void)state;
	KTEST_ENTER();
	keep = udp_bound(0, true, 0);
	NET_LOCK();
	t = sotoinpcb(keep)->inp_table;
	start = t->inpt_hashmask + 1;
	NET_UNLOCK();
	for (unsigned i = 0; i < NMANY; i++)
		socks[i] = udp_bound(0, true, 0);
	NET_LOCK();
	grown = t->inpt_hashmask + 1;
	NET_UNLOCK();
	close_all(NMANY);
	NET_LOCK();
	after = t->inpt_hashmask + 1;
	NET_UNLOCK();
	assert_int_equal(soclose(keep), 0);
	KTEST_EXIT();
	assert_true(grown > start);
	assert_int_equal(after, start);
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
		leak_test(many_connected_pcbs_are_each_found_by_their_4_tuple),
		leak_test(lookup_falls_back_from_the_connection_to_the_bound_socket),
		leak_test(connections_sharing_a_local_port_spread_over_the_buckets),
		leak_test(ports_chosen_to_collide_spread_over_the_buckets),
		leak_test(the_tables_shrink_back_when_the_sockets_close),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
