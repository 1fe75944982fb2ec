/*
 * TCP's state machine (RFC 9293 3.10.7) driven by crafted segments on a
 * fake interface: the handshake both ways, data in and out of order, the
 * checks of RFC 5961 against blind attacks, PAWS, and closing from either
 * side.  The test's peer is 198.18.0.2:5555; TCP is 198.18.0.1:8000.
 */
#include "ktest.h"
#include "tcp_fixture.h"

static void
a_syn_to_a_listener_is_answered_with_a_syn_ack_and_its_options(void **state)
{
	static const uint8_t opts[] = {
		TCPOPT_MAXSEG, 4, 0x05, 0xb4, TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
	};
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct tseg s;
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	peer.ts = true;
	peer.tsval = 77;
	tpeer_inject(&peer, TH_SYN, PEER_ISS, 0, opts, sizeof(opts), NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	assert_int_equal(s.ack, PEER_ISS + 1);
	assert_int_equal(s.sport, LPORT);
	assert_int_equal(s.dport, peer.rport);
	assert_true(s.opts.to_flags & TOF_MSS);
	assert_int_equal(s.opts.to_mss, 1460);
	assert_true(s.opts.to_flags & TOF_SCALE);
	assert_true(s.opts.to_flags & TOF_TS);
	assert_int_equal(s.opts.to_tsecr, 77);
	/* Not yet accepted: the handshake is not complete. */
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), EAGAIN);
	KTEST_EXIT();
}

static void
the_third_segment_of_the_handshake_makes_the_connection_acceptable(
    void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	assert_true(so->so_state & SS_ISCONNECTED);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_syn_to_a_closed_port_is_answered_with_rst_ack(void **state)
{
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(soclose(ls), 0);
	tpeer_inject(&peer, TH_SYN, 5000, 0, NULL, 0, "ab", 2);
	tpeer_expect(&peer, &s);
	ls = tpeer_listen(&peer);
	KTEST_EXIT();
	assert_int_equal(s.flags, TH_RST | TH_ACK);
	assert_int_equal(s.seq, 0);
	assert_int_equal(s.ack, 5000 + 1 + 2);
}

static void
an_ack_to_no_connection_is_answered_with_rst_at_its_ack(void **state)
{
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	tpeer_inject(&peer, TH_ACK, 5000, 123456, NULL, 0, NULL, 0);
	tpeer_expect(&peer, &s);
	KTEST_EXIT();
	assert_int_equal(s.flags, TH_RST);
	assert_int_equal(s.seq, 123456);
}

static void
a_segment_outside_the_window_is_answered_with_an_ack(void **state)
{
	struct socket *so;
	struct tseg s;
	uint64_t before = tcpstat.tcps_rcvoutwin;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_ACK, peer.seq + 10000000, peer.ack, NULL, 0,
	    "x", 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(so->so_rcv.sb_cc, 0);
	assert_int_equal(tcpstat.tcps_rcvoutwin, before + 1);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_rst_in_the_window_but_not_at_rcv_nxt_gets_a_challenge_ack(void **state)
{
	struct socket *so;
	struct tseg s;
	uint64_t before = tcpstat.tcps_challengeack;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_RST, peer.seq + 100, 0, NULL, 0, NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(tcpstat.tcps_challengeack, before + 1);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_rst_at_rcv_nxt_resets_the_connection(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_RST, peer.seq, 0, NULL, 0, NULL, 0);
	assert_null(so->so_pcb);
	assert_int_equal(so->so_error, ECONNRESET);
	assert_true(so->so_state & SS_CANTRCVMORE);
	assert_int_equal(soclose(so), 0);
	assert_int_equal(fi_queued(&peer.fi), 0);
	KTEST_EXIT();
}

static void
a_rst_outside_the_window_is_dropped_silently(void **state)
{
	struct socket *so;
	uint64_t before = tcpstat.tcps_rcvbadrst;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_RST, peer.seq - 5000000, 0, NULL, 0, NULL, 0);
	assert_int_equal(fi_queued(&peer.fi), 0);
	assert_int_equal(tcpstat.tcps_rcvbadrst, before + 1);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_syn_on_an_established_connection_gets_a_challenge_ack(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_SYN, peer.seq + 5, 0, NULL, 0, NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
challenge_acks_are_limited_per_second(void **state)
{
	struct socket *so;
	uint64_t limited = tcpstat.tcps_challengelimit;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	for (unsigned i = 0; i < tcp_challenge_limit + 5; i++)
		tpeer_inject(&peer, TH_RST, peer.seq + 1 + i, 0, NULL, 0,
		    NULL, 0);
	assert_int_equal(fi_flush(&peer.fi), tcp_challenge_limit);
	assert_int_equal(tcpstat.tcps_challengelimit, limited + 5);
	/* A second later there is credit again. */
	tp_now += NSEC_PER_SEC;
	tpeer_inject(&peer, TH_RST, peer.seq + 1, 0, NULL, 0, NULL, 0);
	assert_int_equal(fi_flush(&peer.fi), 1);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
in_order_data_reaches_the_socket_and_is_acked_after_the_delay(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	tp->t_quickack = 0;
	tpeer_send(&peer, TH_ACK | TH_PUSH, "hello", 5);
	assert_int_equal(so->so_rcv.sb_cc, 5);
	/* A single small segment: the ACK waits for the delayed-ACK timer. */
	assert_int_equal(fi_queued(&peer.fi), 0);
	tpeer_advance(tp, (uint64_t)tcp_delack_ms * 1000000 - 1);
	assert_int_equal(fi_queued(&peer.fi), 0);
	tpeer_advance(tp, 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
every_second_full_segment_is_acked_at_once(void **state)
{
	static uint8_t data[1460];
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_tcb(so)->t_quickack = 0;
	tpeer_send(&peer, TH_ACK, data, sizeof(data));
	assert_int_equal(fi_queued(&peer.fi), 0);
	tpeer_send(&peer, TH_ACK, data, sizeof(data));
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
out_of_order_data_waits_for_the_gap_and_is_acked_at_once(void **state)
{
	struct socket *so;
	struct tseg s;
	char buf[8];

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_ACK, peer.seq + 3, peer.ack, NULL, 0, "def", 3);
	assert_int_equal(so->so_rcv.sb_cc, 0);
	/* A duplicate ACK at once tells the sender about the hole. */
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "abc", 3);
	assert_int_equal(so->so_rcv.sb_cc, 6);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq + 6);
	m_copydata(so->so_rcv.sb_mb, 0, 6, buf);
	assert_memory_equal(buf, "abcdef", 6);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
overlapping_segments_are_delivered_once(void **state)
{
	struct socket *so;
	char buf[10];

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_ACK, peer.seq + 4, peer.ack, NULL, 0, "efgh", 4);
	tpeer_inject(&peer, TH_ACK, peer.seq + 2, peer.ack, NULL, 0, "cdefg", 5);
	tpeer_inject(&peer, TH_ACK, peer.seq + 6, peer.ack, NULL, 0, "ghij", 4);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "abc", 3);
	assert_int_equal(so->so_rcv.sb_cc, 10);
	m_copydata(so->so_rcv.sb_mb, 0, 10, buf);
	assert_memory_equal(buf, "abcdefghij", 10);
	assert_true(TAILQ_EMPTY(&tpeer_tcb(so)->t_segq));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
paws_drops_a_segment_with_an_older_timestamp(void **state)
{
	struct socket *so;
	struct tseg s;
	uint64_t before = tcpstat.tcps_pawsdrop;

	(void)state;
	KTEST_ENTER();
	peer.ts = true;
	peer.tsval = 1000;
	so = tpeer_connect(&peer, ls);
	peer.tsval = 999;
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "old", 3);
	assert_int_equal(so->so_rcv.sb_cc, 0);
	assert_int_equal(tcpstat.tcps_pawsdrop, before + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	peer.tsval = 1001;
	tpeer_send(&peer, TH_ACK, "new", 3);
	assert_int_equal(so->so_rcv.sb_cc, 3);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_fin_from_the_peer_moves_to_close_wait_and_reads_end_of_file(
    void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_CLOSE_WAIT);
	assert_true(so->so_state & SS_CANTRCVMORE);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	/* Our close sends our FIN: LAST-ACK, and its ACK frees the block. */
	assert_int_equal(soclose(so), 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_FIN | TH_ACK);
	peer.ack = s.seq + 1;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tcpstat.tcps_pcbs, 1);		/* the listener */
	KTEST_EXIT();
}

static void
an_active_close_waits_in_time_wait_for_two_msl(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	assert_int_equal(soclose(so), 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_FIN | TH_ACK);
	assert_int_equal(tp->t_state, TCPS_FIN_WAIT_1);
	peer.ack = s.seq + 1;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tp->t_state, TCPS_FIN_WAIT_2);
	/* All we sent is acknowledged: a lingering close would return. */
	assert_false(so->so_state & SS_ISCONNECTED);
	tpeer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	tpeer_advance(tp, 2ULL * tcp_msl_ms * 1000000 - 1);
	assert_int_equal(tcpstat.tcps_pcbs, 2);
	tpeer_advance(tp, 1);
	assert_int_equal(tcpstat.tcps_pcbs, 1);
	KTEST_EXIT();
}

static void
simultaneous_close_goes_through_closing(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	assert_int_equal(soclose(so), 0);
	tpeer_expect(&peer, &s);
	/* The peer's FIN crosses ours: it does not acknowledge it. */
	tpeer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tp->t_state, TCPS_CLOSING);
	peer.ack = s.seq + 1;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	fi_flush(&peer.fi);
	tpeer_advance(tp, 2ULL * tcp_msl_ms * 1000000);
	assert_int_equal(tcpstat.tcps_pcbs, 1);
	KTEST_EXIT();
}

static void
data_after_the_user_closed_is_answered_with_rst(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	assert_int_equal(soclose(so), 0);
	tpeer_expect(&peer, &s);
	tpeer_send(&peer, TH_ACK, "late", 4);
	tpeer_expect(&peer, &s);
	assert_true(s.flags & TH_RST);
	assert_int_equal(tcpstat.tcps_pcbs, 1);
	KTEST_EXIT();
}

/* Sets an integer socket option. */
static void
setopt_int(struct socket *so, int level, int name, int val)
{
	struct sockopt sopt = {
		.sopt_level = level, .sopt_name = name,
		.sopt_data = &val, .sopt_size = sizeof(val),
	};

	assert_int_equal(sosetopt(so, &sopt), 0);
}

static void
reuseaddr_binds_over_a_connection_in_time_wait(void **state)
{
	struct sockaddr_in sin;
	struct socket *l2, *so, *n;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	sockaddr_in_init(&sin, peer.local, htons(LPORT + 1));
	assert_int_equal(socreate(AF_INET, &l2, SOCK_STREAM, 0), 0);
	setopt_int(l2, SOL_SOCKET, SO_REUSEADDR, 1);
	assert_int_equal(sobind(l2, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(solisten(l2, 1), 0);
	peer.lport = LPORT + 1;
	so = tpeer_connect(&peer, l2);
	tp = tpeer_tcb(so);
	assert_int_equal(soclose(l2), 0);
	assert_int_equal(soclose(so), 0);
	tpeer_expect(&peer, &s);
	peer.ack = s.seq + 1;
	tpeer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	assert_int_equal(socreate(AF_INET, &n, SOCK_STREAM, 0), 0);
	assert_int_equal(sobind(n, (const struct sockaddr *)&sin,
	    sizeof(sin)), EADDRINUSE);
	setopt_int(n, SOL_SOCKET, SO_REUSEADDR, 1);
	assert_int_equal(sobind(n, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(soclose(n), 0);
	fi_flush(&peer.fi);
	tpeer_advance(tp, 2ULL * tcp_msl_ms * 1000000);
	KTEST_EXIT();
}

static void
a_new_syn_ends_time_wait_and_opens_a_new_connection(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint64_t reuse = tcpstat.tcps_twreuse;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	assert_int_equal(soclose(so), 0);
	tpeer_expect(&peer, &s);
	peer.ack = s.seq + 1;
	tpeer_send(&peer, TH_FIN | TH_ACK, NULL, 0);
	assert_int_equal(tp->t_state, TCPS_TIME_WAIT);
	fi_flush(&peer.fi);
	/* The same ports, a sequence number beyond the old connection's. */
	tpeer_inject(&peer, TH_SYN, peer.seq + 100000, 0, NULL, 0, NULL, 0);
	assert_int_equal(tcpstat.tcps_twreuse, reuse + 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	assert_int_equal(s.ack, peer.seq + 100001);
	KTEST_EXIT();
}

static void
window_scaling_is_agreed_and_applied_both_ways(void **state)
{
	static const uint8_t opts[] = {
		TCPOPT_MAXSEG, 4, 0x05, 0xb4, TCPOPT_NOP, TCPOPT_WINDOW, 3, 4,
	};
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint8_t shift;

	(void)state;
	KTEST_ENTER();
	tpeer_inject(&peer, TH_SYN, peer.seq, 0, opts, sizeof(opts), NULL, 0);
	peer.seq++;
	tpeer_expect(&peer, &s);
	assert_true(s.opts.to_flags & TOF_SCALE);
	shift = s.opts.to_wscale;
	peer.ack = s.seq + 1;
	peer.win = 1000;
	tpeer_send(&peer, TH_ACK, "x", 1);
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), 0);
	tp = tpeer_tcb(so);
	/* The peer's window is shifted by its scale, 4. */
	assert_int_equal(tp->snd_wnd, 1000u << 4);
	assert_int_equal(tp->rcv_scale, shift);
	tpeer_advance(tp, (uint64_t)tcp_delack_ms * 1000000);
	/* Ours goes out shifted by ours. */
	while (tpeer_recv(&peer, &s))
		continue;
	assert_int_equal((uint32_t)s.win, (uint32_t)(sbspace(&so->so_rcv) >>
	    shift));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/*
 * The SYN-ACK's window is never scaled, so it offers less than the
 * buffer holds; the ACK of the peer's first data carries the rest, and
 * the handshake's last ACK is not answered with a window update.
 */
static void
the_ack_completing_the_handshake_is_not_answered(void **state)
{
	static const uint8_t opts[] = {
		TCPOPT_MAXSEG, 4, 0x05, 0xb4, TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
	};
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	tpeer_inject(&peer, TH_SYN, peer.seq, 0, opts, sizeof(opts), NULL, 0);
	peer.seq++;
	tpeer_expect(&peer, &s);
	assert_true(s.opts.to_flags & TOF_SCALE);
	assert_true(sbspace(&ls->so_rcv) > TCP_MAXWIN);
	peer.ack = s.seq + 1;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), 0);
	assert_int_equal(fi_queued(&peer.fi), 0);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/*
 * RFC 7323 7.1 with RFC 6191: the timestamp offset is secret but one per
 * address pair, so a new connection from another port of the same peer
 * sends timestamps on the same clock.
 */
static void
connections_between_two_addresses_share_one_timestamp_offset(void **state)
{
	struct socket *a, *b;

	(void)state;
	KTEST_ENTER();
	a = tpeer_connect(&peer, ls);
	peer.rport++;
	peer.seq = PEER_ISS;
	b = tpeer_connect(&peer, ls);
	assert_int_equal(tpeer_tcb(a)->ts_offset, tpeer_tcb(b)->ts_offset);
	tpeer_abort(&peer, b);
	tpeer_abort(&peer, a);
	KTEST_EXIT();
}

static void
a_rst_in_syn_received_frees_the_embryo_without_an_answer(void **state)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	tpeer_inject(&peer, TH_SYN, peer.seq, 0, NULL, 0, NULL, 0);
	peer.seq++;
	tpeer_expect(&peer, &s);
	assert_int_equal(ls->so_q0len, 1);
	tpeer_inject(&peer, TH_RST, peer.seq, 0, NULL, 0, NULL, 0);
	assert_int_equal(ls->so_q0len, 0);
	assert_int_equal(fi_queued(&peer.fi), 0);
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), EAGAIN);
	KTEST_EXIT();
}

/* RFC 9293 3.10.7.4: what lies before RCV.NXT is cut, the rest taken. */
static void
a_segment_partly_received_before_delivers_only_its_new_bytes(void **state)
{
	struct socket *so;
	uint64_t before = tcpstat.tcps_rcvpartduppack;
	char buf[6];

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "abcd", 4);
	tpeer_inject(&peer, TH_ACK, peer.seq + 2, peer.ack, NULL, 0, "cdef", 4);
	assert_int_equal(tcpstat.tcps_rcvpartduppack, before + 1);
	assert_int_equal(so->so_rcv.sb_cc, 6);
	m_copydata(so->so_rcv.sb_mb, 0, 6, buf);
	assert_memory_equal(buf, "abcdef", 6);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* Data that came before, all of it: a duplicate, answered with an ACK. */
static void
a_whole_duplicate_segment_is_counted_as_one_and_acked(void **state)
{
	uint64_t dup = tcpstat.tcps_rcvduppack;
	uint64_t outwin = tcpstat.tcps_rcvoutwin;
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "abcd", 4);
	fi_flush(&peer.fi);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "abcd", 4);
	assert_int_equal(tcpstat.tcps_rcvduppack, dup + 1);
	assert_int_equal(tcpstat.tcps_rcvoutwin, outwin);
	assert_int_equal(so->so_rcv.sb_cc, 4);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq + 4);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/*
 * The data came before, its FIN did not: the segment is acceptable for
 * the FIN (SEG.LEN counts it), the data is a duplicate, the FIN closes.
 */
static void
a_resent_segment_whose_fin_is_new_is_taken_for_the_fin(void **state)
{
	uint64_t dup = tcpstat.tcps_rcvduppack;
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, "abcd", 4);
	fi_flush(&peer.fi);
	tpeer_inject(&peer, TH_ACK | TH_FIN, peer.seq, peer.ack, NULL, 0,
	    "abcd", 4);
	assert_int_equal(tcpstat.tcps_rcvduppack, dup + 1);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_CLOSE_WAIT);
	assert_int_equal(so->so_rcv.sb_cc, 4);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq + 5);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* An old SYN carrying data past RCV.NXT: the SYN is cut, the data taken. */
static void
an_old_syn_carrying_new_data_delivers_the_data(void **state)
{
	struct socket *so;
	char buf[4];

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_SYN | TH_ACK, peer.seq - 1, peer.ack, NULL, 0,
	    "abcd", 4);
	assert_int_equal(so->so_rcv.sb_cc, 4);
	m_copydata(so->so_rcv.sb_mb, 0, 4, buf);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* Data on the SYN-ACK of an active open is taken (3.10.7.3). */
static void
data_on_a_syn_ack_is_taken(void **state)
{
	struct socket *so;
	struct tseg syn, s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_active_open(&syn);
	peer.ack = syn.seq + 1;
	tpeer_send(&peer, TH_SYN | TH_ACK, "hello", 5);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	assert_int_equal(so->so_rcv.sb_cc, 5);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* What lies beyond the window is cut, and a FIN with it. */
static void
a_segment_reaching_beyond_the_window_is_cut_to_it(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	uint64_t before = tcpstat.tcps_rcvafterwin;
	uint32_t wnd;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	wnd = MAX(tcp_rcvwnd(tp), tp->rcv_adv - tp->rcv_nxt);
	tpeer_inject(&peer, TH_ACK | TH_FIN, peer.seq + wnd - 2, peer.ack,
	    NULL, 0, "0123456789", 10);
	assert_int_equal(tcpstat.tcps_rcvafterwin, before + 1);
	/* Two bytes wait for the gap before them; the FIN was cut off. */
	assert_int_equal(tp->t_segqlen, 2);
	assert_int_equal(tp->t_state, TCPS_ESTABLISHED);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* An old SYN, SEG.SEQ below RCV.NXT, is a duplicate: answered with an ACK. */
static void
an_old_syn_on_an_established_connection_is_answered_with_an_ack(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_SYN | TH_ACK, PEER_ISS, peer.ack, NULL, 0,
	    NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/*
 * A TCP segment of tlen bytes whose header says it is hlen bytes long,
 * with a right checksum, from the peer.
 */
static void
inject_header(int tlen, int hlen)
{
	uint8_t tcp[12 + 20], pkt[20 + 20];
	int len;

	memset(tcp, 0, sizeof(tcp));
	memcpy(tcp, &peer.remote, 4);
	memcpy(tcp + 4, &peer.local, 4);
	tcp[9] = IPPROTO_TCP;
	be16enc(tcp + 10, (uint16_t)tlen);
	be16enc(tcp + 12, peer.rport);
	be16enc(tcp + 14, LPORT);
	if (tlen >= 20) {
		tcp[24] = (uint8_t)(hlen / 4 << 4);
		tcp[25] = TH_SYN;
		be16enc(tcp + 28, fi_cksum(tcp, 12 + tlen));
	}
	len = fi_ipbuild(pkt, 20, peer.remote, peer.local, IPPROTO_TCP, 64, 1,
	    0, tcp + 12, tlen);
	fi_inject(&peer.fi, pkt, len, 0);
}

static void
a_segment_shorter_than_a_header_is_dropped_and_counted(void **state)
{
	uint64_t before = tcpstat.tcps_rcvshort;

	(void)state;
	KTEST_ENTER();
	inject_header(10, 20);
	assert_int_equal(tcpstat.tcps_rcvshort, before + 1);
	assert_int_equal(fi_flush(&peer.fi), 0);
	KTEST_EXIT();
}

static void
a_header_length_outside_the_segment_is_dropped_and_counted(void **state)
{
	uint64_t before = tcpstat.tcps_rcvbadoff;

	(void)state;
	KTEST_ENTER();
	inject_header(20, 24);
	inject_header(20, 16);
	assert_int_equal(tcpstat.tcps_rcvbadoff, before + 2);
	assert_int_equal(fi_flush(&peer.fi), 0);
	KTEST_EXIT();
}

/* A SYN sent again with data: the SYN is cut, the data taken. */
static void
a_syn_sent_again_with_data_delivers_the_data(void **state)
{
	struct socket *so;
	char buf[4];

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_SYN | TH_ACK, PEER_ISS, peer.ack, NULL, 0,
	    "abcd", 4);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	assert_int_equal(so->so_rcv.sb_cc, 4);
	m_copydata(so->so_rcv.sb_mb, 0, 4, buf);
	assert_memory_equal(buf, "abcd", 4);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* RFC 9293 3.10.7.4: in a synchronized state a segment needs ACK. */
static void
a_segment_without_ack_is_dropped(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_inject(&peer, TH_PUSH, peer.seq, 0, NULL, 0, "abcd", 4);
	assert_int_equal(so->so_rcv.sb_cc, 0);
	assert_int_equal(fi_flush(&peer.fi), 0);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_segment_to_a_broadcast_address_is_dropped_and_counted(void **state)
{
	uint64_t before = tcpstat.tcps_rcvbcast;
	struct in_addr local = peer.local;

	(void)state;
	KTEST_ENTER();
	peer.local = fi_ip(198, 18, 0, 255);
	tpeer_inject(&peer, TH_SYN, PEER_ISS, 0, NULL, 0, NULL, 0);
	peer.local = local;
	assert_int_equal(tcpstat.tcps_rcvbcast, before + 1);
	assert_int_equal(fi_flush(&peer.fi), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		tcp_test(a_syn_to_a_listener_is_answered_with_a_syn_ack_and_its_options),
		tcp_test(the_third_segment_of_the_handshake_makes_the_connection_acceptable),
		tcp_test(a_syn_to_a_closed_port_is_answered_with_rst_ack),
		tcp_test(an_ack_to_no_connection_is_answered_with_rst_at_its_ack),
		tcp_test(a_segment_outside_the_window_is_answered_with_an_ack),
		tcp_test(a_rst_in_the_window_but_not_at_rcv_nxt_gets_a_challenge_ack),
		tcp_test(a_rst_at_rcv_nxt_resets_the_connection),
		tcp_test(a_rst_outside_the_window_is_dropped_silently),
		tcp_test(a_syn_on_an_established_connection_gets_a_challenge_ack),
		tcp_test(challenge_acks_are_limited_per_second),
		tcp_test(in_order_data_reaches_the_socket_and_is_acked_after_the_delay),
		tcp_test(every_second_full_segment_is_acked_at_once),
		tcp_test(out_of_order_data_waits_for_the_gap_and_is_acked_at_once),
		tcp_test(overlapping_segments_are_delivered_once),
		tcp_test(paws_drops_a_segment_with_an_older_timestamp),
		tcp_test(a_fin_from_the_peer_moves_to_close_wait_and_reads_end_of_file),
		tcp_test(an_active_close_waits_in_time_wait_for_two_msl),
		tcp_test(simultaneous_close_goes_through_closing),
		tcp_test(data_after_the_user_closed_is_answered_with_rst),
		tcp_test(reuseaddr_binds_over_a_connection_in_time_wait),
		tcp_test(a_new_syn_ends_time_wait_and_opens_a_new_connection),
		tcp_test(window_scaling_is_agreed_and_applied_both_ways),
		tcp_test(the_ack_completing_the_handshake_is_not_answered),
		tcp_test(connections_between_two_addresses_share_one_timestamp_offset),
		tcp_test(a_rst_in_syn_received_frees_the_embryo_without_an_answer),
		tcp_test(a_segment_partly_received_before_delivers_only_its_new_bytes),
		tcp_test(a_segment_reaching_beyond_the_window_is_cut_to_it),
		tcp_test(a_whole_duplicate_segment_is_counted_as_one_and_acked),
		tcp_test(a_resent_segment_whose_fin_is_new_is_taken_for_the_fin),
		tcp_test(an_old_syn_carrying_new_data_delivers_the_data),
		tcp_test(data_on_a_syn_ack_is_taken),
		tcp_test(an_old_syn_on_an_established_connection_is_answered_with_an_ack),
		tcp_test(a_segment_shorter_than_a_header_is_dropped_and_counted),
		tcp_test(a_header_length_outside_the_segment_is_dropped_and_counted),
		tcp_test(a_syn_sent_again_with_data_delivers_the_data),
		tcp_test(a_segment_without_ack_is_dropped),
		tcp_test(a_segment_to_a_broadcast_address_is_dropped_and_counted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
