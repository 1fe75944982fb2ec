/*
 * What a connection owes at the end of a batch of input (tcp_batch.c):
 * segments a driver hands over together are acknowledged once, at the
 * batch's end, after at most TCP_ACKBATCH_SEGS full segments; a batch of
 * one segment is answered at once, as RFC 1122 4.2.3.2 asks.  The test's
 * peer is 198.18.0.2; TCP is 198.18.0.1:8000.
 */
#include "ktest.h"
#include "tcp_fixture.h"
#include "rumpkern/condvar.h"

#define MSS	1460

/* n full segments from the peer, in one batch. */
static void
batch_of_segments(int n)
{
	static char data[MSS];

	tpeer_batch_begin(&peer);
	for (int i = 0; i < n; i++)
		tpeer_send(&peer, TH_ACK, data, MSS);
	tpeer_batch_end(&peer);
}

/*
 * A connection with window scaling (so that the window we offer is not
 * held at 64 KiB and every segment would make room for a window update),
 * past its quick ACKs: every second segment wants an ACK.
 */
static struct socket *
connect_steady(void)
{
	static const uint8_t opts[] = {
		TCPOPT_MAXSEG, 4, 0x05, 0xb4, TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
	};
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct socket *so;
	struct tseg s;

	tpeer_inject(&peer, TH_SYN, peer.seq, 0, opts, sizeof(opts), NULL, 0);
	peer.seq++;
	tpeer_expect(&peer, &s);
	peer.ack = s.seq + 1;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), 0);
	assert_true(tpeer_tcb(so)->t_flags & TF_RCVD_SCALE);
	tpeer_tcb(so)->t_quickack = 0;
	/* The window beyond 64 KiB, announced once the SYNs are done. */
	fi_flush(&peer.fi);
	return so;
}

static void
segments_of_one_batch_are_acked_once_at_its_end(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_steady();
	batch_of_segments(6);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	assert_false(tpeer_recv(&peer, &s));
	assert_int_equal(so->so_rcv.sb_cc, 6 * MSS);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
an_ack_waits_for_at_most_tcp_ackbatch_segs_segments(void **state)
{
	struct socket *so;
	tcp_seq first;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_steady();
	first = peer.seq;
	batch_of_segments(TCP_ACKBATCH_SEGS + 4);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, first + TCP_ACKBATCH_SEGS * MSS);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	assert_false(tpeer_recv(&peer, &s));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_batch_of_two_segments_is_acked_as_it_ends(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_steady();
	batch_of_segments(1);
	/* One segment: the ACK is delayed. */
	assert_false(tpeer_recv(&peer, &s));
	batch_of_segments(1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_connection_reset_within_a_batch_owes_nothing_at_its_end(void **state)
{
	static char data[MSS];
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_steady();
	tpeer_batch_begin(&peer);
	tpeer_send(&peer, TH_ACK, data, MSS);
	tpeer_send(&peer, TH_ACK, data, MSS);
	tpeer_send(&peer, TH_RST, NULL, 0);
	tpeer_batch_end(&peer);
	assert_false(tpeer_recv(&peer, &s));
	assert_int_equal(so->so_error, ECONNRESET);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
data_sent_within_the_batch_carries_the_ack_owed(void **state)
{
	static char data[MSS];
	struct socket *so;
	tcp_seq first;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_steady();
	/* The initial window sends ten segments; two wait for an ACK. */
	send_bytes(so, 12 * MSS);
	tpeer_expect(&peer, &s);
	first = s.seq;
	assert_int_equal(fi_flush(&peer.fi), 9);
	tpeer_batch_begin(&peer);
	tpeer_send(&peer, TH_ACK, data, MSS);
	tpeer_send(&peer, TH_ACK, data, MSS);
	peer.ack = first + 10 * MSS;
	tpeer_send(&peer, TH_ACK, data, MSS);
	tpeer_batch_end(&peer);
	/* The two go out with the ACK; nothing else is owed at the end. */
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, MSS);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, MSS);
	assert_int_equal(s.ack, peer.seq);
	assert_false(tpeer_recv(&peer, &s));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/*
 * A thread that sleeps with softnet_lock as interlock runs the work
 * deferred to its release first, still holding it (netlock.h): an ACK
 * owed goes out then.  The timed wait only makes the thread sleep; what
 * is checked was done before it slept.
 */
static void
an_ack_owed_goes_out_before_a_thread_sleeps_with_the_lock(void **state)
{
	kcondvar_t cv;
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = connect_steady();
	cv_init(&cv);
	NET_LOCK();
	tcp_batch_ack(tpeer_tcb(so));
	(void)cv_timedwait(&cv, &softnet_lock, 1);
	/* Sent while the lock was held: not on release. */
	assert_non_null(peer.fi.fi_head);
	assert_null(peer.fi.fi_head->m_nextpkt);
	NET_UNLOCK();
	cv_destroy(&cv);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		tcp_test(segments_of_one_batch_are_acked_once_at_its_end),
		tcp_test(an_ack_waits_for_at_most_tcp_ackbatch_segs_segments),
		tcp_test(a_batch_of_two_segments_is_acked_as_it_ends),
		tcp_test(a_connection_reset_within_a_batch_owes_nothing_at_its_end),
		tcp_test(data_sent_within_the_batch_carries_the_ack_owed),
		tcp_test(an_ack_owed_goes_out_before_a_thread_sleeps_with_the_lock),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
