/*
 * Spurious retransmission timeouts, driven by crafted ACKs and the test
 * clock.  With timestamps (Eifel, RFC 3522 and RFC 4015; a SACK
 * connection): an ACK delayed past the timeout echoes the timestamp of
 * the original segment, and the timeout is undone; an ACK echoing the
 * resend's timestamp says the data was lost, and recovery goes on.
 * Without timestamps (F-RTO, RFC 5682 2.1): after the first ACK of new
 * data two new segments go out; a second ACK of new data undoes the
 * timeout, a duplicate ACK resends in slow start.
 */
#include "ktest.h"
#include "tcp_fixture.h"

/* What a flight of four segments looked like before its timeout. */
struct flight {
	tcp_seq first;
	uint32_t tsval;			/* the first segment's, on the wire */
	uint32_t cwnd, ssthresh;
};

/*
 * Sends four full segments and more data behind them, then lets the
 * retransmission timer expire: the first segment goes again.  Returns
 * the resend's timestamp.
 */
static uint32_t
flight_of_times_out(struct tcpcb *tp, struct socket *so, struct flight *f,
    int queued)
{
	uint64_t rto = tcpstat.tcps_rexmttimeo;
	struct tseg s;

	tp->t_cc.cc_cwnd = 4 * tcp_effmss(tp);
	send_bytes(so, queued * (int)tcp_effmss(tp));
	tpeer_expect(&peer, &s);
	f->first = s.seq;
	f->tsval = s.opts.to_tsval;
	f->cwnd = tp->t_cc.cc_cwnd;
	f->ssthresh = tp->t_cc.cc_ssthresh;
	assert_int_equal(fi_flush(&peer.fi), 3);
	tpeer_advance(tp, tcp_rexmt_timeout(tp));
	assert_int_equal(tcpstat.tcps_rexmttimeo, rto + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, f->first);
	assert_true(tp->t_cc.cc_cwnd < f->cwnd);
	assert_false(tpeer_recv(&peer, &s));
	return s.opts.to_tsval;
}

/* The same, with four more segments waiting behind the four sent. */
static uint32_t
flight_times_out(struct tcpcb *tp, struct socket *so, struct flight *f)
{
	return flight_of_times_out(tp, so, f, 8);
}

static struct socket *
connect_ts_sack(void)
{
	peer.ts = true;
	peer.tsval = 100;
	return tpeer_connect_sack();
}

static void
an_ack_delayed_past_the_timeout_undoes_it(void **state)
{
	uint64_t spurious = tcpstat.tcps_spuriousrto;
	uint32_t mss;
	struct flight f;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_ts_sack();
	tp = tpeer_tcb(so);
	mss = tcp_effmss(tp);
	(void)flight_times_out(tp, so, &f);
	/* The first two arrived long ago; their ACK echoes the original. */
	peer.tsecr = f.tsval;
	peer.ack = f.first + 2 * mss;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcpstat.tcps_spuriousrto, spurious + 1);
	assert_true(tp->t_cc.cc_cwnd >= f.cwnd);
	assert_int_equal(tp->t_cc.cc_ssthresh, f.ssthresh);
	assert_false(tp->t_flags & TF_RTOEPISODE);
	/* New data follows; the two still in flight are not sent again. */
	while (tpeer_recv(&peer, &s))
		assert_true(SEQ_GEQ(s.seq, f.first + 4 * mss));
	assert_int_equal(tp->snd_max, f.first + 8 * mss);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
an_ack_echoing_the_resend_keeps_the_timeout_and_resends_the_rest(
    void **state)
{
	uint64_t spurious = tcpstat.tcps_spuriousrto;
	uint32_t mss, rxt_tsval;
	struct flight f;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_ts_sack();
	tp = tpeer_tcb(so);
	mss = tcp_effmss(tp);
	rxt_tsval = flight_times_out(tp, so, &f);
	/* The flight was lost: the resend's ACK echoes the resend. */
	peer.tsecr = rxt_tsval;
	peer.ack = f.first + mss;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcpstat.tcps_spuriousrto, spurious);
	assert_true(tp->t_cc.cc_cwnd < f.cwnd);
	/* Slow start resends what followed the first segment. */
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, f.first + mss);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
only_the_first_ack_of_new_data_after_the_timeout_is_judged(void **state)
{
	uint64_t spurious = tcpstat.tcps_spuriousrto;
	uint32_t mss, rxt_tsval;
	struct flight f;
	struct socket *so;
	struct tcpcb *tp;

	(void)state;
	KTEST_ENTER();
	so = connect_ts_sack();
	tp = tpeer_tcb(so);
	mss = tcp_effmss(tp);
	rxt_tsval = flight_times_out(tp, so, &f);
	peer.tsecr = rxt_tsval;
	peer.ack = f.first + mss;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	fi_flush(&peer.fi);
	/* A later ACK echoing an old timestamp proves nothing any more. */
	peer.tsecr = f.tsval;
	peer.ack = f.first + 2 * mss;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcpstat.tcps_spuriousrto, spurious);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* F-RTO: the first ACK of new data lets two new segments out. */
static void
frto_first_ack(struct tcpcb *tp, const struct flight *f)
{
	uint32_t mss = tcp_effmss(tp);
	struct tseg s;

	peer.ack = f->first + 2 * mss;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, f->first + 4 * mss);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, f->first + 5 * mss);
	assert_false(tpeer_recv(&peer, &s));
}

static void
without_timestamps_a_second_ack_of_new_data_undoes_the_timeout(
    void **state)
{
	uint64_t spurious = tcpstat.tcps_spuriousrto;
	struct flight f;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	(void)flight_times_out(tp, so, &f);
	frto_first_ack(tp, &f);
	/* The third segment, sent before the timeout, arrived. */
	peer.ack = f.first + 3 * tcp_effmss(tp);
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcpstat.tcps_spuriousrto, spurious + 1);
	assert_true(tp->t_cc.cc_cwnd >= f.cwnd);
	assert_int_equal(tp->t_cc.cc_ssthresh, f.ssthresh);
	/* The rest goes out new; nothing is resent. */
	while (tpeer_recv(&peer, &s))
		assert_true(SEQ_GEQ(s.seq, f.first + 6 * tcp_effmss(tp)));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
without_timestamps_a_duplicate_ack_after_the_new_segments_resends(
    void **state)
{
	uint64_t spurious = tcpstat.tcps_spuriousrto;
	struct flight f;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	(void)flight_times_out(tp, so, &f);
	frto_first_ack(tp, &f);
	/* A new segment arrived above a hole: the third was lost. */
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcpstat.tcps_spuriousrto, spurious);
	assert_true(tp->t_cc.cc_cwnd <= 3 * tcp_effmss(tp));
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, f.first + 2 * tcp_effmss(tp));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
without_timestamps_an_ack_of_everything_leaves_the_timeout_alone(
    void **state)
{
	uint64_t spurious = tcpstat.tcps_spuriousrto;
	struct flight f;
	struct socket *so;
	struct tcpcb *tp;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	(void)flight_times_out(tp, so, &f);
	peer.ack = f.first + 4 * tcp_effmss(tp);
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_false(tp->t_flags & (TF_FRTO1 | TF_FRTO2));
	assert_int_equal(tcpstat.tcps_spuriousrto, spurious);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
without_timestamps_a_duplicate_ack_first_leaves_the_timeout_alone(
    void **state)
{
	struct flight f;
	struct socket *so;
	struct tcpcb *tp;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	(void)flight_times_out(tp, so, &f);
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_false(tp->t_flags & (TF_FRTO1 | TF_FRTO2));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
without_timestamps_and_nothing_new_to_send_the_rest_is_resent(
    void **state)
{
	struct flight f;
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	(void)flight_of_times_out(tp, so, &f, 4);
	peer.ack = f.first + 2 * tcp_effmss(tp);
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_false(tp->t_flags & (TF_FRTO1 | TF_FRTO2));
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, f.first + 2 * tcp_effmss(tp));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_second_timeout_ends_frto(void **state)
{
	struct flight f;
	struct socket *so;
	struct tcpcb *tp;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	(void)flight_times_out(tp, so, &f);
	frto_first_ack(tp, &f);
	assert_true(tp->t_flags & TF_FRTO2);
	tpeer_advance(tp, tcp_rexmt_timeout(tp));
	assert_false(tp->t_flags & (TF_FRTO1 | TF_FRTO2));
	fi_flush(&peer.fi);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		tcp_test(an_ack_delayed_past_the_timeout_undoes_it),
		tcp_test(an_ack_echoing_the_resend_keeps_the_timeout_and_resends_the_rest),
		tcp_test(only_the_first_ack_of_new_data_after_the_timeout_is_judged),
		tcp_test(without_timestamps_a_second_ack_of_new_data_undoes_the_timeout),
		tcp_test(without_timestamps_a_duplicate_ack_after_the_new_segments_resends),
		tcp_test(without_timestamps_an_ack_of_everything_leaves_the_timeout_alone),
		tcp_test(without_timestamps_a_duplicate_ack_first_leaves_the_timeout_alone),
		tcp_test(without_timestamps_and_nothing_new_to_send_the_rest_is_resent),
		tcp_test(a_second_timeout_ends_frto),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
