/*
 * SACK on a fake interface: the option agreed in the handshake, the
 * receiver's blocks for out-of-order data (RFC 2018) and its D-SACK for
 * data that came twice (RFC 2883), the sender's SACK-based recovery
 * (RFC 6675) that resends a hole the blocks show at once, RACK's loss
 * detection by time and the tail loss probe (RFC 8985).
 */
#include "ktest.h"
#include "tcp_fixture.h"

static void
out_of_order_data_is_reported_in_sack_blocks(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect_sack();
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
	so = tpeer_connect_sack();
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
	so = tpeer_connect_sack();
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
	so = tpeer_connect_sack();
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
	so = tpeer_connect_sack();
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

/* A connection whose SRTT is 20 ms: probes are due after 40 ms. */
static struct socket *
connect_srtt20(void)
{
	struct socket *so = tpeer_connect_sack();

	tpeer_tcb(so)->t_rtt.rt_srtt = 20000;
	return so;
}

/* Moves the clock without running the timers (a segment in flight). */
static void
elapse(uint64_t us)
{
	tp_now += us * 1000;
}

static void
a_tail_loss_is_probed_after_two_srtt(void **state)
{
	uint64_t probes = tcpstat.tcps_tlpprobes;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint64_t pto;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = connect_srtt20();
	tp = tpeer_tcb(so);
	send_bytes(so, 3 * 1460);
	tpeer_expect(&peer, &s);
	first = s.seq;
	assert_int_equal(fi_flush(&peer.fi), 2);
	/* The first arrives; the last two are lost: no SACK tells of them. */
	elapse(1000);
	peer.ack = first + 1460;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	/* The ACK restarted the probe timer, with the SRTT it updated. */
	pto = 2ULL * tp->t_rtt.rt_srtt * 1000;
	assert_int_equal(tp->t_timer[TCPT_TLP], tp_now + pto);
	tpeer_advance(tp, pto - 1000);
	assert_false(tpeer_recv(&peer, &s));
	tpeer_advance(tp, 1000);
	assert_int_equal(tcpstat.tcps_tlpprobes, probes + 1);
	/* No new data: the last segment goes again. */
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first + 2 * 1460);
	assert_int_equal(s.len, 1460);
	assert_true(tp->t_flags & TF_TLP);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
the_probes_sack_makes_rack_resend_the_rest_without_a_timeout(void **state)
{
	uint64_t rto = tcpstat.tcps_rexmttimeo, lost = tcpstat.tcps_racklost;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = connect_srtt20();
	tp = tpeer_tcb(so);
	send_bytes(so, 3 * 1460);
	tpeer_expect(&peer, &s);
	first = s.seq;
	fi_flush(&peer.fi);
	elapse(1000);
	peer.ack = first + 1460;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	tpeer_advance(tp, 40000000);
	tpeer_expect(&peer, &s);
	/* The probe arrives a round trip later: the segment before it is lost. */
	elapse(1000);
	sack_ack(first + 2 * 1460, first + 3 * 1460);
	assert_int_equal(tcpstat.tcps_racklost, lost + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first + 1460);
	assert_true(tp->t_flags & TF_FASTRECOVERY);
	/* The probe did its work: the next one watches the retransmission. */
	assert_false(tp->t_flags & TF_TLP);
	assert_true(tcp_timer_isset(tp, TCPT_TLP));
	peer.ack = first + 3 * 1460;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_false(tp->t_flags & (TF_FASTRECOVERY | TF_TLP));
	assert_int_equal(tcpstat.tcps_rexmttimeo, rto);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_probe_that_repaired_the_tail_alone_reduces_the_window(void **state)
{
	uint64_t rec = tcpstat.tcps_tlprecovered;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint32_t cwnd;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = connect_srtt20();
	tp = tpeer_tcb(so);
	send_bytes(so, 2 * 1460);
	tpeer_expect(&peer, &s);
	first = s.seq;
	fi_flush(&peer.fi);
	cwnd = tp->t_cc.cc_cwnd;
	tpeer_advance(tp, 40000000);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first + 1460);
	/* Everything is acknowledged and no D-SACK: the probe repaired it. */
	peer.ack = first + 2 * 1460;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcpstat.tcps_tlprecovered, rec + 1);
	assert_true(tp->t_cc.cc_cwnd < cwnd);
	assert_false(tp->t_flags & TF_TLP);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_dsack_for_the_probe_says_nothing_was_lost(void **state)
{
	uint64_t rec = tcpstat.tcps_tlprecovered;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint32_t cwnd;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = connect_srtt20();
	tp = tpeer_tcb(so);
	send_bytes(so, 2 * 1460);
	tpeer_expect(&peer, &s);
	first = s.seq;
	fi_flush(&peer.fi);
	cwnd = tp->t_cc.cc_cwnd;
	tpeer_advance(tp, 40000000);
	tpeer_expect(&peer, &s);
	/* The originals were only slow: the probe comes back as a D-SACK. */
	peer.ack = first + 2 * 1460;
	sack_ack(first + 1460, first + 2 * 1460);
	assert_int_equal(tcpstat.tcps_tlprecovered, rec);
	assert_int_equal(tp->t_cc.cc_cwnd, cwnd);
	assert_false(tp->t_flags & TF_TLP);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_probe_sends_new_data_when_the_window_allows(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = connect_srtt20();
	tp = tpeer_tcb(so);
	tp->t_cc.cc_cwnd = 2 * 1460;
	send_bytes(so, 4 * 1460);
	tpeer_expect(&peer, &s);
	first = s.seq;
	assert_int_equal(fi_flush(&peer.fi), 1);
	tpeer_advance(tp, 40000000);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first + 2 * 1460);
	assert_int_equal(s.len, 1460);
	assert_false(tp->t_tlp_rxt);
	assert_int_equal(tp->snd_max, first + 3 * 1460);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/*
 * Two segments sent 100 us apart; the second is SACKed 1 ms later.  The
 * minimum RTT is 1 ms, so the reordering window is 250 us: the first is
 * lost 1.25 ms after it was sent, not before.
 */
static struct socket *
second_of_two_sacked(tcp_seq *first)
{
	struct socket *so = connect_srtt20();
	struct tseg s;

	send_bytes(so, 1460);
	tpeer_expect(&peer, &s);
	*first = s.seq;
	elapse(100);
	send_bytes(so, 1460);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, *first + 1460);
	elapse(1000);
	sack_ack(*first + 1460, *first + 2 * 1460);
	return so;
}

static void
rack_does_not_mark_lost_within_the_reordering_window(void **state)
{
	uint64_t lost = tcpstat.tcps_racklost;
	struct socket *so;
	struct tcpcb *tp;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = second_of_two_sacked(&first);
	tp = tpeer_tcb(so);
	assert_int_equal(tcpstat.tcps_racklost, lost);
	assert_int_equal(fi_flush(&peer.fi), 0);
	assert_false(tp->t_flags & TF_FASTRECOVERY);
	/* The RACK timer waits for the window to close. */
	assert_true(tcp_timer_isset(tp, TCPT_RACK));
	assert_int_equal(tp->t_timer[TCPT_RACK], tp_now + 150000);
	tpeer_advance(tp, 149000);
	assert_int_equal(fi_flush(&peer.fi), 0);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
rack_marks_lost_when_a_later_segment_is_sacked_and_the_window_passed(
    void **state)
{
	uint64_t lost = tcpstat.tcps_racklost, tmo = tcpstat.tcps_racktimeo;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = second_of_two_sacked(&first);
	tp = tpeer_tcb(so);
	tpeer_advance(tp, 150000);
	assert_int_equal(tcpstat.tcps_racktimeo, tmo + 1);
	assert_int_equal(tcpstat.tcps_racklost, lost + 1);
	assert_true(tp->t_flags & TF_FASTRECOVERY);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first);
	assert_int_equal(s.len, 1460);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
rack_finds_a_lost_retransmission_by_a_later_delivery(void **state)
{
	uint64_t again = tcpstat.tcps_sackrxtlost;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = second_of_two_sacked(&first);
	tp = tpeer_tcb(so);
	tpeer_advance(tp, 150000);
	tpeer_expect(&peer, &s);
	/* The retransmission is lost too; new data sent after it arrives. */
	elapse(100);
	tp->t_cc.cc_cwnd = 10 * 1460;
	send_bytes(so, 1460);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first + 2 * 1460);
	elapse(2000);
	{
		uint8_t opt[20] = { TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, 18 };

		be32enc(opt + 4, first + 2 * 1460);
		be32enc(opt + 8, first + 3 * 1460);
		be32enc(opt + 12, first + 1460);
		be32enc(opt + 16, first + 2 * 1460);
		tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, opt,
		    sizeof(opt), NULL, 0);
	}
	assert_int_equal(tcpstat.tcps_sackrxtlost, again + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first);
	assert_true(tp->t_flags & TF_FASTRECOVERY);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/*
 * After a timeout everything goes again from SND.UNA; a resent segment
 * lost once more is found by RACK when a later one arrives, and resent
 * at once, without a second reduction, not at the next timeout.
 */
static void
after_a_timeout_rack_resends_a_lost_retransmission_at_once(void **state)
{
	uint64_t rto = tcpstat.tcps_rexmttimeo, rec = tcpstat.tcps_sackrecoveries;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint32_t cwnd;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = connect_srtt20();
	tp = tpeer_tcb(so);
	send_bytes(so, 3 * 1460);
	tpeer_expect(&peer, &s);
	first = s.seq;
	fi_flush(&peer.fi);
	/* All three are lost: the timeout resends the first. */
	tpeer_advance(tp, 2000000000ULL);
	assert_int_equal(tcpstat.tcps_rexmttimeo, rto + 1);
	assert_true(tp->t_flags & TF_RTOEPISODE);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first);
	elapse(1000);
	peer.ack = first + 1460;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	/* Slow start resends the other two; only the last arrives. */
	assert_int_equal(fi_flush(&peer.fi), 2);
	cwnd = tp->t_cc.cc_cwnd;
	elapse(1000);
	sack_ack(first + 2 * 1460, first + 3 * 1460);
	assert_int_equal(tcpstat.tcps_sackrecoveries, rec + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first + 1460);
	assert_int_equal(tp->t_cc.cc_cwnd, cwnd);
	assert_int_equal(tcpstat.tcps_rexmttimeo, rto + 1);
	/* All is acknowledged: the timeout's episode is over. */
	peer.ack = first + 3 * 1460;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_false(tp->t_flags & (TF_FASTRECOVERY | TF_RTOEPISODE));
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
		tcp_test(a_tail_loss_is_probed_after_two_srtt),
		tcp_test(the_probes_sack_makes_rack_resend_the_rest_without_a_timeout),
		tcp_test(a_probe_that_repaired_the_tail_alone_reduces_the_window),
		tcp_test(a_dsack_for_the_probe_says_nothing_was_lost),
		tcp_test(a_probe_sends_new_data_when_the_window_allows),
		tcp_test(rack_does_not_mark_lost_within_the_reordering_window),
		tcp_test(rack_marks_lost_when_a_later_segment_is_sacked_and_the_window_passed),
		tcp_test(rack_finds_a_lost_retransmission_by_a_later_delivery),
		tcp_test(after_a_timeout_rack_resends_a_lost_retransmission_at_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
