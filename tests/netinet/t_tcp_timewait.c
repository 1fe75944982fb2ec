/*
 * TIME-WAIT (RFC 9293 3.6.1 and 3.10.7.4) driven by crafted segments and
 * the test clock: the peer's FIN again is acknowledged and restarts the
 * 2 MSL timer, a RST is ignored (RFC 1337), a SYN reopens the ports only
 * when it cannot be an old duplicate (RFC 6191), and old segments are
 * answered with an ACK.  The test's peer is 198.18.0.2; TCP is
 * 198.18.0.1:8000.
 */
#include "ktest.h"
#include "tcp_fixture.h"

#define TWO_MSL	(2ULL * tcp_msl_ms * 1000000ULL)

/*
 * An active close: our FIN, its ACK and the peer's FIN, which we ACK;
 * returns the connection, in TIME-WAIT since tp_now.
 */
static struct tcpcb *
timewait_enter(void)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	assert_int_equal(soclose(so), 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_FIN | TH_ACK);
	peer.ack = s.seq + 1;
	tpeer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	assert_false(tpeer_recv(&peer, &s));
	return tp;
}

/* Lets TIME-WAIT run out: the connection is freed. */
static void
timewait_end(struct tcpcb *tp)
{
	uint64_t pcbs = tcpstat.tcps_pcbs;

	fi_flush(&peer.fi);
	tpeer_advance(tp, TWO_MSL);
	assert_int_equal(tcpstat.tcps_pcbs, pcbs - 1);
}

static void
a_fin_sent_again_is_acked_and_restarts_the_two_msl_timer(void **state)
{
	uint64_t again = tcpstat.tcps_twfinagain, pcbs;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	tp = timewait_enter();
	pcbs = tcpstat.tcps_pcbs;
	tpeer_advance(tp, TWO_MSL - 1000000);
	/* Our ACK was lost: the peer sends its FIN again. */
	tpeer_inject(&peer, TH_FIN | TH_ACK, peer.seq - 1, peer.ack, NULL, 0,
	    NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(tcpstat.tcps_twfinagain, again + 1);
	/* 2 MSL after the first FIN the connection is still there ... */
	tpeer_advance(tp, 1000000);
	assert_int_equal(tcpstat.tcps_pcbs, pcbs);
	tpeer_advance(tp, TWO_MSL - 1000000 - 1);
	assert_int_equal(tcpstat.tcps_pcbs, pcbs);
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	/* ... and 2 MSL after the second it is gone. */
	timewait_end(tp);
	KTEST_EXIT();
}

/*
 * Our FIN's retransmission timer ran when TIME-WAIT began; the callout
 * is moved to the 2 MSL deadline instead of running for nothing before.
 */
static void
the_callout_waits_for_the_two_msl_deadline_only(void **state)
{
	struct tcpcb *tp;

	(void)state;
	KTEST_ENTER();
	tp = timewait_enter();
	assert_int_equal(tp->t_callout_at, tp->t_timer[TCPT_2MSL]);
	timewait_end(tp);
	KTEST_EXIT();
}

static void
a_rst_is_ignored(void **state)
{
	uint64_t rstdrop = tcpstat.tcps_twrstdrop;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	tp = timewait_enter();
	tpeer_send(&peer, TH_RST, NULL, 0);
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	assert_int_equal(tcpstat.tcps_twrstdrop, rstdrop + 1);
	assert_false(tpeer_recv(&peer, &s));
	timewait_end(tp);
	KTEST_EXIT();
}

static void
a_syn_with_a_newer_timestamp_reopens_below_the_old_sequence(void **state)
{
	uint64_t reuse = tcpstat.tcps_twreuse;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	peer.ts = true;
	peer.tsval = 500;
	(void)timewait_enter();
	peer.tsval = 501;
	tpeer_inject(&peer, TH_SYN, peer.seq - 100, 0, NULL, 0, NULL, 0);
	assert_int_equal(tcpstat.tcps_twreuse, reuse + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	assert_int_equal(s.ack, peer.seq - 99);
	KTEST_EXIT();
}

static void
a_syn_with_the_same_timestamp_reopens_only_beyond_the_old_sequence(
    void **state)
{
	uint64_t reuse = tcpstat.tcps_twreuse;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	peer.ts = true;
	peer.tsval = 500;
	tp = timewait_enter();
	tpeer_inject(&peer, TH_SYN, peer.seq, 0, NULL, 0, NULL, 0);
	assert_false(tpeer_recv(&peer, &s));
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	tpeer_inject(&peer, TH_SYN, peer.seq + 1, 0, NULL, 0, NULL, 0);
	assert_int_equal(tcpstat.tcps_twreuse, reuse + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	KTEST_EXIT();
}

static void
a_syn_with_an_older_timestamp_is_dropped(void **state)
{
	uint64_t syndrop = tcpstat.tcps_twsyndrop;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	peer.ts = true;
	peer.tsval = 500;
	tp = timewait_enter();
	/* Beyond the old sequence space, but its timestamp says it is old. */
	peer.tsval = 499;
	tpeer_inject(&peer, TH_SYN, peer.seq + 100000, 0, NULL, 0, NULL, 0);
	assert_int_equal(tcpstat.tcps_twsyndrop, syndrop + 1);
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	assert_false(tpeer_recv(&peer, &s));
	timewait_end(tp);
	KTEST_EXIT();
}

static void
a_syn_without_timestamps_inside_the_old_sequence_is_dropped(void **state)
{
	uint64_t syndrop = tcpstat.tcps_twsyndrop;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	tp = timewait_enter();
	tpeer_inject(&peer, TH_SYN, peer.seq - 1, 0, NULL, 0, NULL, 0);
	assert_int_equal(tcpstat.tcps_twsyndrop, syndrop + 1);
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	assert_false(tpeer_recv(&peer, &s));
	timewait_end(tp);
	KTEST_EXIT();
}

static void
an_old_data_segment_is_answered_with_an_ack(void **state)
{
	uint64_t outwin = tcpstat.tcps_rcvoutwin;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	tp = timewait_enter();
	tpeer_inject(&peer, TH_ACK, peer.seq - 4, peer.ack, NULL, 0, "old", 3);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(tcpstat.tcps_rcvoutwin, outwin + 1);
	timewait_end(tp);
	KTEST_EXIT();
}

static void
a_bare_ack_is_not_answered(void **state)
{
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	tp = timewait_enter();
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_false(tpeer_recv(&peer, &s));
	timewait_end(tp);
	KTEST_EXIT();
}

static void
a_segment_without_ack_is_dropped(void **state)
{
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	tp = timewait_enter();
	tpeer_inject(&peer, TH_FIN, peer.seq - 1, 0, NULL, 0, NULL, 0);
	assert_false(tpeer_recv(&peer, &s));
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	timewait_end(tp);
	KTEST_EXIT();
}

static void
a_fin_with_an_old_timestamp_is_acked_without_restarting_the_timer(
    void **state)
{
	uint64_t again = tcpstat.tcps_twfinagain;
	uint64_t paws = tcpstat.tcps_pawsdrop;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	peer.ts = true;
	peer.tsval = 500;
	tp = timewait_enter();
	peer.tsval = 499;
	tpeer_inject(&peer, TH_FIN | TH_ACK, peer.seq - 1, peer.ack, NULL, 0,
	    NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(tcpstat.tcps_pawsdrop, paws + 1);
	assert_int_equal(tcpstat.tcps_twfinagain, again);
	timewait_end(tp);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		tcp_test(a_fin_sent_again_is_acked_and_restarts_the_two_msl_timer),
		tcp_test(the_callout_waits_for_the_two_msl_deadline_only),
		tcp_test(a_rst_is_ignored),
		tcp_test(a_syn_with_a_newer_timestamp_reopens_below_the_old_sequence),
		tcp_test(a_syn_with_the_same_timestamp_reopens_only_beyond_the_old_sequence),
		tcp_test(a_syn_with_an_older_timestamp_is_dropped),
		tcp_test(a_syn_without_timestamps_inside_the_old_sequence_is_dropped),
		tcp_test(an_old_data_segment_is_answered_with_an_ack),
		tcp_test(a_bare_ack_is_not_answered),
		tcp_test(a_segment_without_ack_is_dropped),
		tcp_test(a_fin_with_an_old_timestamp_is_acked_without_restarting_the_timer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
