/*
 * TCP with an interface that offloads work, on a fake interface: super-
 * segments received from a host that coalesced them (longer than the
 * MSS: sequence space, SACK, the ACK every two full segments) and sent to
 * an interface that cuts them (TSO) and completes checksums; and the
 * software fallback in IP that does both when the interface will not.
 */
#include "ktest.h"
#include "tcp_fixture.h"
#include "rumpnet/if_fault.h"

#define SUPER	4096	/* more than two segments of MSS 1460 */

static uint8_t data[2 * SUPER];	/* the most a test sends in one piece */

static void
a_super_segment_is_delivered_whole_and_acked_at_once(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_tcb(so)->t_quickack = 0;
	tpeer_send(&peer, TH_ACK, data, SUPER);
	assert_int_equal(so->so_rcv.sb_cc, SUPER);
	assert_int_equal(tpeer_tcb(so)->rcv_nxt, peer.seq);
	/* It holds two full segments: no delayed ACK for it. */
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_segment_of_less_than_two_full_segments_waits_for_the_delayed_ack(
    void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_tcb(so)->t_quickack = 0;
	tpeer_send(&peer, TH_ACK, data, 2 * 1460 - 1);
	assert_int_equal(fi_queued(&peer.fi), 0);
	assert_true(tpeer_tcb(so)->t_flags & TF_DELACK);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
an_out_of_order_super_segment_is_sacked_whole_and_joined(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect_sack();
	tpeer_inject(&peer, TH_ACK, peer.seq + 100, peer.ack, NULL, 0, data,
	    SUPER);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(s.opts.to_nsacks, 1);
	assert_int_equal(s.opts.to_sacks[0].start, peer.seq + 100);
	assert_int_equal(s.opts.to_sacks[0].end, peer.seq + 100 + SUPER);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, data, 100);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq + 100 + SUPER);
	assert_int_equal(s.opts.to_nsacks, 0);
	assert_int_equal(so->so_rcv.sb_cc, 100 + SUPER);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* A connection whose interface cuts super-segments and checksums. */
static struct socket *
connect_offload(void)
{
	struct socket *so = tpeer_connect(&peer, ls);

	peer.fi.fi_if.if_capabilities = IFCAP_CSUM | IFCAP_TSO4;
	peer.fi.fi_if.if_capenable = IFCAP_CSUM | IFCAP_TSO4;
	return so;
}

static void
offload_off(void)
{
	peer.fi.fi_if.if_capabilities = 0;
	peer.fi.fi_if.if_capenable = 0;
}

/* The header length of the packet at the head of m (IP, then TCP). */
static int
tcpip_hlen(struct mbuf *m)
{
	uint8_t b[60];

	m_copydata(m, 0, 20, b);
	m_copydata(m, (b[0] & 0x0f) * 4 + 12, 1, b + 20);
	return (b[0] & 0x0f) * 4 + (b[20] >> 4) * 4;
}

/* Whether the TCP checksum of packet m is right. */
static bool
tcp_sum_ok(struct mbuf *m)
{
	struct ip ip;
	int tlen;

	m_copydata(m, 0, sizeof(ip), &ip);
	tlen = m->m_pkthdr.len - IP_HL(&ip);
	return in_cksum_fold(in_cksum_add_mbuf(in_pseudo(ip.ip_src, ip.ip_dst,
	    IPPROTO_TCP, (uint16_t)tlen), m, IP_HL(&ip), tlen)) == 0;
}

static void
data_leaves_as_one_super_segment_for_the_interface_to_cut(void **state)
{
	struct socket *so;
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	so = connect_offload();
	send_bytes(so, 10000);
	m = fi_dequeue(&peer.fi, NULL);
	assert_non_null(m);
	assert_int_equal(fi_queued(&peer.fi), 0);
	assert_int_equal(m->m_pkthdr.csum_flags, M_CSUM_PARTIAL | M_CSUM_TSOv4);
	assert_int_equal(m->m_pkthdr.tso_segsz, 1460);
	assert_int_equal(m->m_pkthdr.len - tcpip_hlen(m), 10000);
	/* Completed, the checksum is right: the pseudo header was there. */
	assert_int_equal(in_cksum_complete(m), 0);
	assert_true(tcp_sum_ok(m));
	m_freem(m);
	offload_off();
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_fault_injector_on_the_interface_gets_wire_segments(void **state)
{
	struct if_fault_params fp;
	struct socket *so;
	struct tseg s;
	int total = 0;

	(void)state;
	KTEST_ENTER();
	so = connect_offload();
	assert_int_equal(if_fault_parse("drop=0", &fp), 0);
	NET_LOCK();
	assert_int_equal(if_fault_set(&peer.fi.fi_if, &fp), 0);
	NET_UNLOCK();
	send_bytes(so, 6 * 1460);
	NET_LOCK();
	if_fault_clear(&peer.fi.fi_if);
	NET_UNLOCK();
	/* tpeer_recv checks each checksum whole. */
	while (tpeer_recv(&peer, &s)) {
		assert_int_equal(s.len, 1460);
		total += s.len;
	}
	assert_int_equal(total, 6 * 1460);
	offload_off();
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* A TCP/IPv4 super-segment of dlen bytes from us to the peer, for IP. */
static struct mbuf *
super_packet(int dlen, uint8_t flags)
{
	struct mbuf *m = m_gethdr(M_WAIT, MT_HEADER);
	struct tcpiphdr *ti;

	m_align(m, sizeof(*ti));
	m->m_len = m->m_pkthdr.len = sizeof(*ti);
	ti = mtod(m, struct tcpiphdr *);
	memset(ti, 0, sizeof(*ti));
	ti->ti_ip.ip_vhl = IP_VHL(IPVERSION, sizeof(struct ip));
	ti->ti_ip.ip_ttl = 64;
	ti->ti_ip.ip_p = IPPROTO_TCP;
	ti->ti_ip.ip_src = peer.local;
	ti->ti_ip.ip_dst = peer.remote;
	ti->ti_tcp.th_sport = htons(LPORT);
	ti->ti_tcp.th_dport = htons(peer.rport);
	ti->ti_tcp.th_seq = htonl(1000);
	ti->ti_tcp.th_offx2 = 5 << 4;
	ti->ti_tcp.th_flags = flags;
	ti->ti_tcp.th_win = htons(100);
	assert_int_equal(m_append(m, dlen, data), 0);
	tcp_cksum_partial(m);
	m->m_pkthdr.csum_flags |= M_CSUM_TSOv4;
	m->m_pkthdr.tso_segsz = 1460;
	return m;
}

static void
ip_cuts_a_super_segment_the_interface_will_not(void **state)
{
	uint64_t swtso = ipstat.ips_swtso;
	struct tseg s;
	int i;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(ip_output(super_packet(5000, TH_ACK | TH_PUSH | TH_FIN),
	    0, NULL), 0);
	NET_UNLOCK();
	/* tpeer_recv checks both checksums of each whole. */
	for (i = 0; tpeer_recv(&peer, &s); i++) {
		assert_int_equal(s.seq, 1000 + 1460 * i);
		assert_int_equal(s.len, i < 3 ? 1460 : 5000 - 3 * 1460);
		assert_int_equal(s.flags, i < 3 ? TH_ACK :
		    TH_ACK | TH_PUSH | TH_FIN);
	}
	assert_int_equal(i, 4);
	assert_int_equal(ipstat.ips_swtso, swtso + 1);
	KTEST_EXIT();
}

static void
ip_completes_a_checksum_the_interface_will_not(void **state)
{
	uint64_t swcsum = ipstat.ips_swcsum;
	struct mbuf *m;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	m = super_packet(1000, TH_ACK);
	m->m_pkthdr.csum_flags = M_CSUM_PARTIAL;
	NET_LOCK();
	assert_int_equal(ip_output(m, 0, NULL), 0);
	NET_UNLOCK();
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, 1000);
	assert_int_equal(ipstat.ips_swcsum, swcsum + 1);
	KTEST_EXIT();
}

static void
offload_metadata_outside_the_packet_is_counted_and_dropped(void **state)
{
	uint64_t bad = ipstat.ips_badoffload;
	struct mbuf *m1, *m2;

	(void)state;
	KTEST_ENTER();
	m1 = super_packet(100, TH_ACK);
	m1->m_pkthdr.csum_flags = M_CSUM_PARTIAL;
	m1->m_pkthdr.csum_data = 20 << 16 | 200;
	m2 = super_packet(100, TH_ACK);
	m2->m_pkthdr.tso_segsz = 0;
	NET_LOCK();
	assert_int_equal(ip_output(m1, 0, NULL), EINVAL);
	assert_int_equal(ip_output(m2, 0, NULL), EINVAL);
	NET_UNLOCK();
	assert_int_equal(fi_queued(&peer.fi), 0);
	assert_int_equal(ipstat.ips_badoffload, bad + 2);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		tcp_test(a_super_segment_is_delivered_whole_and_acked_at_once),
		tcp_test(a_segment_of_less_than_two_full_segments_waits_for_the_delayed_ack),
		tcp_test(an_out_of_order_super_segment_is_sacked_whole_and_joined),
		tcp_test(data_leaves_as_one_super_segment_for_the_interface_to_cut),
		tcp_test(a_fault_injector_on_the_interface_gets_wire_segments),
		tcp_test(ip_cuts_a_super_segment_the_interface_will_not),
		tcp_test(ip_completes_a_checksum_the_interface_will_not),
		tcp_test(offload_metadata_outside_the_packet_is_counted_and_dropped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
