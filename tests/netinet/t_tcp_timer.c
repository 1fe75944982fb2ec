/*
 * TCP's timers and its sending side, on a fake interface with the test's
 * clock: retransmission with backoff (RFC 6298), fast retransmit
 * (RFC 5681), the persist timer (RFC 9293 3.8.6.1), keepalive (RFC 1122
 * 4.2.3.6), an active open that gets no answer or a RST, simultaneous
 * open, and SYN cookies when the listen queue is full (RFC 4987).
 */
#include "ktest.h"
#include "tcp_fixture.h"

static void
unacknowledged_data_is_resent_with_the_timeout_doubling(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint64_t rto;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	send_bytes(so, 100);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, 100);
	rto = tcp_rexmt_timeout(tp);
	tpeer_advance(tp, rto - 1);
	assert_int_equal(fi_queued(&peer.fi), 0);
	tpeer_advance(tp, 1);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, 100);
	assert_int_equal(s.seq, peer.ack);
	/* The second timeout is twice the first (RFC 6298 5.5). */
	assert_int_equal(tcp_rexmt_timeout(tp), 2 * rto);
	tpeer_advance(tp, 2 * rto);
	tpeer_expect(&peer, &s);
	assert_int_equal(tp->t_rxtshift, 2);
	/* An ACK stops the timer and the backoff. */
	peer.ack += 100;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_false(tcp_timer_isset(tp, TCPT_REXMT));
	assert_int_equal(tp->t_rxtshift, 0);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_connection_is_dropped_after_tcp_retries2_timeouts(void **state)
{
	struct socket *so;
	struct tcpcb *tp;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	send_bytes(so, 10);
	for (unsigned i = 0; i <= tcp_retries2 && so->so_pcb != NULL; i++)
		tpeer_advance(tp, tcp_rexmt_timeout(tp));
	assert_null(so->so_pcb);
	assert_int_equal(so->so_error, ETIMEDOUT);
	assert_int_equal(soclose(so), 0);
	fi_flush(&peer.fi);
	KTEST_EXIT();
}

static void
three_duplicate_acks_resend_the_first_segment_at_once(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint64_t before = tcpstat.tcps_fastrexmit;
	tcp_seq first;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	send_bytes(so, 5 * 1460);
	tpeer_expect(&peer, &s);
	first = s.seq;
	assert_int_equal(fi_flush(&peer.fi), 4);
	for (int i = 0; i < 3; i++)
		tpeer_send(&peer, TH_ACK, NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, first);
	assert_int_equal(s.len, 1460);
	assert_int_equal(tcpstat.tcps_fastrexmit, before + 1);
	assert_true(tp->t_flags & TF_FASTRECOVERY);
	/* A full ACK ends the recovery. */
	peer.ack = first + 5 * 1460;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_false(tp->t_flags & TF_FASTRECOVERY);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_zero_window_is_probed_until_it_opens(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	peer.win = 0;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	send_bytes(so, 50);
	assert_int_equal(fi_queued(&peer.fi), 0);
	assert_true(tcp_timer_isset(tp, TCPT_PERSIST));
	tpeer_advance(tp, (uint64_t)TCP_PERSMAX_MS * 1000000);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, 1);
	assert_int_equal(s.seq, peer.ack);
	/* The window opens: everything goes. */
	peer.win = 65535;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq + (tcp_seq)s.len, peer.ack + 50);
	assert_false(tcp_timer_isset(tp, TCPT_PERSIST));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
keepalive_probes_an_idle_connection_and_drops_it_unanswered(void **state)
{
	int one = 1;
	struct sockopt sopt = {
		.sopt_level = SOL_SOCKET, .sopt_name = SO_KEEPALIVE,
		.sopt_data = &one, .sopt_size = sizeof(one),
	};
	struct socket *so;
	struct tcpcb *tp;
	struct tseg s;
	uint64_t intvl;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	assert_int_equal(sosetopt(so, &sopt), 0);
	tpeer_advance(tp, tcp_keepidle_ns(tp));
	tpeer_expect(&peer, &s);
	assert_int_equal(s.seq, peer.ack - 1);
	assert_int_equal(s.len, 0);
	/* An answer shows the peer is there: the count starts again. */
	tpeer_send(&peer, TH_ACK, NULL, 0);
	assert_int_equal(tp->t_keepprobes, 0);
	tpeer_advance(tp, tcp_keepidle_ns(tp));
	/* t_keepcnt probes, each unanswered for t_keepintvl: dropped. */
	intvl = (uint64_t)tp->t_keepintvl * NSEC_PER_SEC;
	for (unsigned i = 0, n = tp->t_keepcnt; i < n; i++) {
		assert_non_null(so->so_pcb);
		tpeer_advance(tp, intvl);
	}
	assert_null(so->so_pcb);
	assert_int_equal(so->so_error, ETIMEDOUT);
	assert_int_equal(soclose(so), 0);
	fi_flush(&peer.fi);
	KTEST_EXIT();
}

static void
a_connect_answered_with_syn_ack_completes(void **state)
{
	struct socket *so;
	struct tseg syn, s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_active_open(&syn);
	peer.ack = syn.seq + 1;
	tpeer_send(&peer, TH_SYN | TH_ACK, NULL, 0);
	assert_true(so->so_state & SS_ISCONNECTED);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_ACK);
	assert_int_equal(s.ack, peer.seq);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_connect_answered_with_rst_is_refused(void **state)
{
	struct socket *so;
	struct tseg syn;

	(void)state;
	KTEST_ENTER();
	so = tpeer_active_open(&syn);
	tpeer_inject(&peer, TH_RST | TH_ACK, 0, syn.seq + 1, NULL, 0, NULL, 0);
	assert_null(so->so_pcb);
	assert_int_equal(so->so_error, ECONNREFUSED);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
a_syn_ack_acknowledging_something_else_is_answered_with_rst(void **state)
{
	struct socket *so;
	struct tseg syn, s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_active_open(&syn);
	tpeer_inject(&peer, TH_SYN | TH_ACK, PEER_ISS, syn.seq + 77, NULL, 0,
	    NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_RST);
	assert_int_equal(s.seq, syn.seq + 77);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_SYN_SENT);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
an_unanswered_connect_times_out_after_the_syn_retries(void **state)
{
	struct socket *so;
	struct tcpcb *tp;
	struct tseg syn;
	unsigned sent = 0;

	(void)state;
	KTEST_ENTER();
	so = tpeer_active_open(&syn);
	tp = tpeer_tcb(so);
	while (so->so_pcb != NULL) {
		tpeer_advance(tp, tcp_rexmt_timeout(tp));
		sent += fi_flush(&peer.fi);
	}
	assert_int_equal(sent, tcp_syn_retries);
	assert_int_equal(so->so_error, ETIMEDOUT);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
simultaneous_open_goes_through_syn_received(void **state)
{
	struct socket *so;
	struct tseg syn, s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_active_open(&syn);
	/* The peer's SYN crosses ours. */
	tpeer_send(&peer, TH_SYN, NULL, 0);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_SYN_RECEIVED);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	assert_int_equal(s.seq, syn.seq);
	assert_int_equal(s.ack, peer.seq);
	peer.ack = syn.seq + 1;
	tpeer_send(&peer, TH_SYN | TH_ACK, NULL, 0);
	tpeer_inject(&peer, TH_ACK, peer.seq, peer.ack, NULL, 0, NULL, 0);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_ESTABLISHED);
	assert_true(so->so_state & SS_ISCONNECTED);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_full_listen_queue_answers_with_a_syn_cookie_that_makes_a_connection(
    void **state)
{
	static const uint8_t mss[4] = { TCPOPT_MAXSEG, 4, 0x05, 0xb4 };
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	uint64_t sent = tcpstat.tcps_syncookiesent, bad;
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	/* Fill the queue with handshakes that never complete. */
	for (int i = 0; i < 16; i++) {
		peer.rport++;
		tpeer_inject(&peer, TH_SYN, PEER_ISS, 0, mss, 4, NULL, 0);
	}
	fi_flush(&peer.fi);
	assert_true(tcpstat.tcps_syncookiesent > sent);
	peer.rport++;
	tpeer_inject(&peer, TH_SYN, PEER_ISS, 0, mss, 4, NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	assert_int_equal(s.opts.to_mss, 1460);
	/*
	 * A wrong cookie is refused, silently while cookies are in use: it
	 * may be a client's later segment, whose ACK was dropped.
	 */
	bad = tcpstat.tcps_syncookiebad;
	tpeer_inject(&peer, TH_ACK, PEER_ISS + 1, s.seq + 2, NULL, 0, NULL, 0);
	assert_int_equal(tcpstat.tcps_syncookiebad, bad + 1);
	assert_false(tpeer_recv(&peer, &s));
	tpeer_inject(&peer, TH_SYN, PEER_ISS, 0, mss, 4, NULL, 0);
	tpeer_expect(&peer, &s);
	tpeer_inject(&peer, TH_ACK, PEER_ISS + 1, s.seq + 1, NULL, 0, "hi", 2);
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), 0);
	assert_int_equal(so->so_rcv.sb_cc, 2);
	assert_true(tpeer_tcb(so)->t_flags & TF_SYNCOOKIE);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* Once the last cookie expired, an ACK to the listener gets a RST again. */
static void
a_wrong_cookie_after_the_last_one_expired_is_answered_with_a_reset(
    void **state)
{
	static const uint8_t mss[4] = { TCPOPT_MAXSEG, 4, 0x05, 0xb4 };
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < 8; i++) {
		peer.rport++;
		tpeer_inject(&peer, TH_SYN, PEER_ISS, 0, mss, 4, NULL, 0);
	}
	fi_flush(&peer.fi);
	tp_now += 2 * 64 * NSEC_PER_SEC;
	tpeer_inject(&peer, TH_ACK, PEER_ISS + 1, 12345, NULL, 0, NULL, 0);
	assert_true(tpeer_recv(&peer, &s));
	assert_int_equal(s.flags, TH_RST);
	assert_int_equal(s.dport, peer.rport);
	KTEST_EXIT();
}

/*
 * A burst of legitimate clients fills the embryonic queue; a cookie's ACK
 * then makes its connection beside them, and none of them is reset: each
 * completes when its own ACK comes.
 */
static void
a_syn_cookies_ack_leaves_the_embryonic_connections_alone(void **state)
{
	static const uint8_t mss[4] = { TCPOPT_MAXSEG, 4, 0x05, 0xb4 };
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	uint64_t rst = tcpstat.tcps_sndrst;
	struct socket *so;
	struct tseg s;
	unsigned embryos;
	tcp_seq iss;

	(void)state;
	KTEST_ENTER();
	peer.rport = 6000;
	tpeer_inject(&peer, TH_SYN, PEER_ISS, 0, mss, 4, NULL, 0);
	tpeer_expect(&peer, &s);
	iss = s.seq;
	for (int i = 0; i < 16; i++) {
		peer.rport++;
		tpeer_inject(&peer, TH_SYN, PEER_ISS, 0, mss, 4, NULL, 0);
	}
	embryos = (unsigned)ls->so_q0len;
	fi_flush(&peer.fi);
	peer.rport++;
	tpeer_inject(&peer, TH_SYN, PEER_ISS, 0, mss, 4, NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(ls->so_q0len, embryos);
	/* That SYN got a cookie; its ACK makes a connection. */
	tpeer_inject(&peer, TH_ACK, PEER_ISS + 1, s.seq + 1, NULL, 0, NULL, 0);
	assert_int_equal(ls->so_qlen, 1);
	assert_int_equal(ls->so_q0len, embryos);
	assert_int_equal(tcpstat.tcps_sndrst, rst);
	fi_flush(&peer.fi);
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), 0);
	assert_true(tpeer_tcb(so)->t_flags & TF_SYNCOOKIE);
	tpeer_abort(&peer, so);
	/* The first embryo's client completes its handshake. */
	peer.rport = 6000;
	tpeer_inject(&peer, TH_ACK, PEER_ISS + 1, iss + 1, NULL, 0, NULL, 0);
	assert_int_equal(soaccept(ls, &so, &ss, &sslen, true), 0);
	assert_false(tpeer_tcb(so)->t_flags & TF_SYNCOOKIE);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/*
 * An ICMP error about a segment of so's: the IP header and the first 8
 * bytes of TCP header it quotes (RFC 792), with sequence number seq.
 */
static void
icmp_about(struct socket *so, enum prc_cmd cmd, tcp_seq seq, uint32_t arg)
{
	struct inpcb *inp = sotoinpcb(so);
	uint8_t q[28];
	struct ip *ip = (struct ip *)(void *)q;
	struct sockaddr_in dst;

	memset(q, 0, sizeof(q));
	ip->ip_vhl = IP_VHL(IPVERSION, 20);
	ip->ip_p = IPPROTO_TCP;
	ip->ip_src = inp->inp_laddr;
	ip->ip_dst = inp->inp_faddr;
	memcpy(q + 20, &inp->inp_lport, 2);
	memcpy(q + 22, &inp->inp_fport, 2);
	be32enc(q + 24, seq);
	sockaddr_in_init(&dst, inp->inp_faddr, 0);
	NET_LOCK();
	tcp_ctlinput(cmd, (const struct sockaddr *)&dst, q, sizeof(q), arg);
	NET_UNLOCK();
}

static void
port_unreachable_refuses_a_connection_being_opened(void **state)
{
	struct socket *so;
	struct tseg syn;

	(void)state;
	KTEST_ENTER();
	so = tpeer_active_open(&syn);
	/* A sequence number we never sent is not believed (RFC 5927). */
	icmp_about(so, PRC_UNREACH_PORT, syn.seq + 1000, 0);
	assert_non_null(so->so_pcb);
	icmp_about(so, PRC_UNREACH_PORT, syn.seq, 0);
	assert_null(so->so_pcb);
	assert_int_equal(so->so_error, ECONNREFUSED);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
host_unreachable_is_reported_only_when_the_connection_times_out(
    void **state)
{
	struct socket *so;
	struct tcpcb *tp;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tp = tpeer_tcb(so);
	send_bytes(so, 10);
	icmp_about(so, PRC_UNREACH_HOST, peer.ack, 0);
	assert_int_equal(so->so_error, 0);
	while (so->so_pcb != NULL)
		tpeer_advance(tp, tcp_rexmt_timeout(tp));
	assert_int_equal(so->so_error, EHOSTUNREACH);
	assert_int_equal(soclose(so), 0);
	fi_flush(&peer.fi);
	KTEST_EXIT();
}

static void
fragmentation_needed_lowers_the_segment_size_and_resends(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	send_bytes(so, 1460);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, 1460);
	icmp_about(so, PRC_MSGSIZE, s.seq, 1000);
	assert_int_equal(tpeer_tcb(so)->t_maxseg, 960);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, 960);
	assert_int_equal(s.seq, peer.ack);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
nagle_holds_a_small_segment_until_the_ack_unless_nodelay(void **state)
{
	struct sockopt sopt = { .sopt_level = IPPROTO_TCP,
	    .sopt_name = TCP_NODELAY };
	int one = 1;
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	send_bytes(so, 10);
	tpeer_expect(&peer, &s);
	send_bytes(so, 10);
	assert_int_equal(fi_queued(&peer.fi), 0);
	peer.ack += 10;
	tpeer_send(&peer, TH_ACK, NULL, 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, 10);
	sopt.sopt_data = &one;
	sopt.sopt_size = sizeof(one);
	assert_int_equal(sosetopt(so, &sopt), 0);
	send_bytes(so, 10);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, 10);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
cork_holds_partial_segments_until_uncorked(void **state)
{
	struct sockopt sopt = { .sopt_level = IPPROTO_TCP,
	    .sopt_name = TCP_CORK };
	int v = 1;
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	sopt.sopt_data = &v;
	sopt.sopt_size = sizeof(v);
	assert_int_equal(sosetopt(so, &sopt), 0);
	send_bytes(so, 100);
	assert_int_equal(fi_queued(&peer.fi), 0);
	v = 0;
	assert_int_equal(sosetopt(so, &sopt), 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.len, 100);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_drained_full_buffer_sends_a_window_update_at_once(void **state)
{
	static char data[1460];
	struct sockopt sopt = { .sopt_level = SOL_SOCKET,
	    .sopt_name = SO_RCVBUF };
	int size = 8 * 1460, flags = 0;
	static char buf[16 * 1460];
	struct iovec iov = { buf, sizeof(buf) };
	struct uio uio;
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	/* The accepted connection takes the listener's buffer size. */
	sopt.sopt_data = &size;
	sopt.sopt_size = sizeof(size);
	assert_int_equal(sosetopt(ls, &sopt), 0);
	so = tpeer_connect(&peer, ls);
	while (sbspace(&so->so_rcv) >= (long)sizeof(data))
		tpeer_send(&peer, TH_ACK, data, sizeof(data));
	fi_flush(&peer.fi);
	uio_setup(&uio, &iov, 1, UIO_READ);
	assert_int_equal(soreceive(so, NULL, NULL, &uio, NULL, &flags, true,
	    NULL), 0);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.ack, peer.seq);
	assert_true((uint32_t)s.win << tpeer_tcb(so)->rcv_scale >=
	    (uint32_t)size / 2);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_receive_buffer_read_quickly_grows_with_auto_tuning(void **state)
{
	static char data[1000], buf[20000];
	uint32_t space = tcp_recvspace;
	uint64_t grown = tcpstat.tcps_rcvbufgrown;
	struct iovec iov = { buf, sizeof(buf) };
	struct socket *l2, *so;
	struct uio uio;
	int flags = 0;

	(void)state;
	KTEST_ENTER();
	tcp_recvspace = 16384;
	l2 = tpeer_listen_port(&peer, LPORT + 2);
	tcp_recvspace = space;
	peer.lport = LPORT + 2;
	so = tpeer_connect(&peer, l2);
	assert_int_equal(so->so_rcv.sb_hiwat, 16384);
	for (int i = 0; i < 12; i++)
		tpeer_send(&peer, TH_ACK, data, sizeof(data));
	tp_now += 2 * NSEC_PER_TICK;
	uio_setup(&uio, &iov, 1, UIO_READ);
	assert_int_equal(soreceive(so, NULL, NULL, &uio, NULL, &flags, true,
	    NULL), 0);
	assert_int_equal(so->so_rcv.sb_hiwat, 4 * 12000);
	assert_int_equal(tcpstat.tcps_rcvbufgrown, grown + 1);
	assert_int_equal(soclose(l2), 0);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_receive_buffer_the_user_sized_is_not_tuned(void **state)
{
	static char data[1000], buf[20000];
	struct sockopt sopt = { .sopt_level = SOL_SOCKET,
	    .sopt_name = SO_RCVBUF };
	struct iovec iov = { buf, sizeof(buf) };
	int size = 16384, flags = 0;
	struct socket *so;
	struct uio uio;
	size_t hiwat;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	sopt.sopt_data = &size;
	sopt.sopt_size = sizeof(size);
	assert_int_equal(sosetopt(so, &sopt), 0);
	hiwat = so->so_rcv.sb_hiwat;
	/* More than half of it is read in a round trip. */
	for (int i = 0; i < 20; i++)
		tpeer_send(&peer, TH_ACK, data, sizeof(data));
	tp_now += 2 * NSEC_PER_TICK;
	uio_setup(&uio, &iov, 1, UIO_READ);
	assert_int_equal(soreceive(so, NULL, NULL, &uio, NULL, &flags, true,
	    NULL), 0);
	assert_int_equal(so->so_rcv.sb_hiwat, hiwat);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		tcp_test(unacknowledged_data_is_resent_with_the_timeout_doubling),
		tcp_test(a_connection_is_dropped_after_tcp_retries2_timeouts),
		tcp_test(three_duplicate_acks_resend_the_first_segment_at_once),
		tcp_test(a_zero_window_is_probed_until_it_opens),
		tcp_test(keepalive_probes_an_idle_connection_and_drops_it_unanswered),
		tcp_test(a_connect_answered_with_syn_ack_completes),
		tcp_test(a_connect_answered_with_rst_is_refused),
		tcp_test(a_syn_ack_acknowledging_something_else_is_answered_with_rst),
		tcp_test(an_unanswered_connect_times_out_after_the_syn_retries),
		tcp_test(simultaneous_open_goes_through_syn_received),
		tcp_test(a_full_listen_queue_answers_with_a_syn_cookie_that_makes_a_connection),
		tcp_test(a_syn_cookies_ack_leaves_the_embryonic_connections_alone),
		tcp_test(a_wrong_cookie_after_the_last_one_expired_is_answered_with_a_reset),
		tcp_test(port_unreachable_refuses_a_connection_being_opened),
		tcp_test(host_unreachable_is_reported_only_when_the_connection_times_out),
		tcp_test(fragmentation_needed_lowers_the_segment_size_and_resends),
		tcp_test(nagle_holds_a_small_segment_until_the_ack_unless_nodelay),
		tcp_test(cork_holds_partial_segments_until_uncorked),
		tcp_test(a_drained_full_buffer_sends_a_window_update_at_once),
		tcp_test(a_receive_buffer_read_quickly_grows_with_auto_tuning),
		tcp_test(a_receive_buffer_the_user_sized_is_not_tuned),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
