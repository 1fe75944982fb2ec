/*
 * SACK on a fake interface: the option agreed in the handshake, the
 * receiver's blocks for out-of-order data (RFC 2018) and its D-SACK for
 * data that came twice (RFC 2883), and the sender's SACK-based recovery
 * (RFC 6675) that resends a hole the blocks show at once.
 */
#include "ktest.h"
#include "tcp_fixture.h"

/* The handshake with MSS 1460 and SACK-permitted; the accepted socket. */
static struct socket *
connect_sack(void)
{
	static const uint8_t opts[8] = {
		TCPOPT_MAXSEG, 4, 0x05, 0xb4,
		TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERMITTED, 2,
	};
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct socket *so;
	struct tseg s;

	tpeer_inject(&peer, TH_SYN, peer.seq, 0, opts, sizeof(opts), NULL, 0);
	peer.seq++;
	tpeer_expect(&peer, &s);
	assert_true(s.opts.to_flags & TOF_SACKPERM);
	peer.ack = s.seq + 1;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), 0);
	assert_true(tpeer_tcb(so)->t_flags & TF_SACK_PERMIT);
	return so;
}

static void
out_of_order_data_is_reported_in_sack_blocks(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_sack();
	tpeer_inject(&peer, TH_ACK, peer.seq + 10, peer.ack, NULL, 0,
	    "0123456789", 10);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(s.opts.to_nsacks, 1);
	assert_int_equal(s.opts.to_sacks[0].start, peer.seq + 10);
	assert_int_equal(s.opts.to_sacks[0].end, peer.seq + 20);
	tpeer_inject(&peer, TH_ACK, peer.seq + 30, peer.ack, NULL, 0, "ab", 2);
	tpeer_expect(&peer, &s);
	/* The most recent first (RFC 2018 4). */
	assert_int_equal(s.opts.to_nsacks, 2);
	assert_int_equal(s.opts.to_sacks[0].start, peer.seq + 30);
	assert_int_equal(s.opts.to_sacks[1].start, peer.seq + 10);
	/* The gap fills: no block is left to report. */
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0,
	    "0123456789", 10);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq + 20);
	assert_int_equal(s.opts.to_nsacks, 1);
	assert_int_equal(s.opts.to_sacks[0].start, peer.seq + 30);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
data_that_came_twice_is_reported_as_a_dsack(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_sack();
	tpeer_tcb(so)->t_quickack = 0;
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "abcd", 4);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "abcd", 4);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq + 4);
	assert_int_equal(s.opts.to_nsacks, 1);
	assert_int_equal(s.opts.to_sacks[0].start, peer.seq);
	assert_int_equal(s.opts.to_sacks[0].end, peer.seq + 4);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* An ACK of SND.UNA with one SACK block [start, end). */
static void
sack_ack(tcp_seq start, tcp_seq end)
{
	uint8_t opt[12] = { TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, 10 };

	be32enc(opt + 4, start);
	be32enc(opt + 8, end);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, opt, sizeof(opt),
	    NULL, 0);
}

static void
sack_blocks_above_a_hole_resend_it_at_once(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint64_t rec = tcpstat.tcps_sackrecoveries;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = connect_sack();
	tp = tpeer_tcb(so);
	send_bytes(so, 6 * 1460);
	tpeer_expect(&peer, &s);
	first = s.seq;
	assert_int_equal(fi_flush(&peer.fi), 5);
	/* The first segment was lost; the next ones arrive and are SACKed. */
	for (int i = 2; i <= 4; i++)
		sack_ack(first + 1460, first + (tcp_seq)i * 1460);
	assert_int_equal(tcpstat.tcps_sackrecoveries, rec + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first);
	assert_int_equal(s.len, 1460);
	assert_true(tp->t_flags & TF_FASTRECOVERY);
	fi_flush(&peer.fi);
	/* Everything is acknowledged: the episode ends. */
	peer.ack = first + 6 * 1460;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_false(tp->t_flags & TF_FASTRECOVERY);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/*
 * RFC 3042: with a window of three segments and the first lost, the two
 * duplicate ACKs the others bring each let a new segment out, whose SACKs
 * then show the loss: recovery instead of a timeout.
 */
static void
each_of_the_first_two_duplicate_acks_sends_a_new_segment(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint64_t rec = tcpstat.tcps_sackrecoveries;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = connect_sack();
	tp = tpeer_tcb(so);
	tp->t_cc.cc_cwnd = 3 * 1460;
	send_bytes(so, 8 * 1460);
	tpeer_expect(&peer, &s);
	first = s.seq;
	assert_int_equal(fi_flush(&peer.fi), 2);
	sack_ack(first + 1460, first + 2 * 1460);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first + 3 * 1460);
	assert_int_equal(fi_flush(&peer.fi), 0);
	sack_ack(first + 1460, first + 3 * 1460);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first + 4 * 1460);
	assert_int_equal(fi_flush(&peer.fi), 0);
	assert_int_equal(tp->t_cc.cc_cwnd, 3 * 1460);
	/* The new segments' SACKs make the first one lost. */
	sack_ack(first + 1460, first + 4 * 1460);
	sack_ack(first + 1460, first + 5 * 1460);
	assert_int_equal(tcpstat.tcps_sackrecoveries, rec + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* RFC 2883 4: the old part of a segment that is partly new is a D-SACK. */
static void
the_old_part_of_a_partly_new_segment_is_reported_as_a_dsack(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_sack();
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "abcd", 4);
	tpeer_expect(&peer, &s);
	tpeer_inject(&peer, TH_ACK, peer.seq + 2, peer.ack, NULL, 0, "cdef", 4);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq + 6);
	assert_int_equal(s.opts.to_nsacks, 1);
	assert_int_equal(s.opts.to_sacks[0].start, peer.seq + 2);
	assert_int_equal(s.opts.to_sacks[0].end, peer.seq + 4);
	assert_int_equal(so->so_rcv.sb_cc, 6);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		tcp_test(out_of_order_data_is_reported_in_sack_blocks),
		tcp_test(data_that_came_twice_is_reported_as_a_dsack),
		tcp_test(the_old_part_of_a_partly_new_segment_is_reported_as_a_dsack),
		tcp_test(sack_blocks_above_a_hole_resend_it_at_once),
		tcp_test(each_of_the_first_two_duplicate_acks_sends_a_new_segment),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
