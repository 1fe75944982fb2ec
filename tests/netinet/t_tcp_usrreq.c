/*
 * The socket layer's calls into TCP (tcp_usrreq.c) on a fake interface:
 * addresses a stream refuses, shutdown in every state, urgent data, the
 * peer's address, and the calls the socket layer guards itself against
 * (listen or connect on a connected control block), made directly.
 */
#include "ktest.h"
#include "tcp_fixture.h"

static struct socket *
new_stream(void)
{
	struct socket *so;

	assert_int_equal(socreate(AF_INET, &so, SOCK_STREAM, 0), 0);
	return so;
}

static void
a_stream_binds_no_broadcast_multicast_or_foreign_address(void **state)
{
	struct socket *so;
	struct sockaddr_in sin;

	(void)state;
	KTEST_ENTER();
	so = new_stream();
	sockaddr_in_init(&sin, fi_ip(255, 255, 255, 255), htons(7000));
	assert_int_equal(sobind(so, (struct sockaddr *)&sin, sizeof(sin)),
	    EADDRNOTAVAIL);
	sockaddr_in_init(&sin, fi_ip(224, 0, 0, 1), htons(7000));
	assert_int_equal(sobind(so, (struct sockaddr *)&sin, sizeof(sin)),
	    EADDRNOTAVAIL);
	/* A short address is refused before it is read. */
	assert_int_equal(sobind(so, (struct sockaddr *)&sin, 4), EINVAL);
	/* And an address that is not ours. */
	sockaddr_in_init(&sin, fi_ip(198, 19, 0, 1), htons(7000));
	assert_int_equal(sobind(so, (struct sockaddr *)&sin, sizeof(sin)),
	    EADDRNOTAVAIL);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
a_stream_connects_to_no_broadcast_multicast_or_unrouted_address(void **state)
{
	struct socket *so;
	struct sockaddr_in sin;

	(void)state;
	KTEST_ENTER();
	so = new_stream();
	sockaddr_in_init(&sin, fi_ip(224, 0, 0, 1), htons(7000));
	assert_int_equal(soconnect(so, (struct sockaddr *)&sin, sizeof(sin),
	    true), ENETUNREACH);
	sockaddr_in_init(&sin, fi_ip(198, 18, 0, 255), htons(7000));
	assert_int_equal(soconnect(so, (struct sockaddr *)&sin, sizeof(sin),
	    true), ENETUNREACH);
	/* No route leads to this one. */
	sockaddr_in_init(&sin, fi_ip(198, 19, 0, 1), htons(7000));
	assert_int_equal(soconnect(so, (struct sockaddr *)&sin, sizeof(sin),
	    true), ENETUNREACH);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
shutting_down_a_connecting_socket_ends_the_attempt(void **state)
{
	struct socket *so;
	struct sockaddr_in sin;
	struct tseg s;
	char b = 'x';
	struct iovec iov = { &b, 1 };
	struct uio uio;

	(void)state;
	KTEST_ENTER();
	so = new_stream();
	sockaddr_in_init(&sin, peer.remote, htons(RPORT));
	assert_int_equal(soconnect(so, (struct sockaddr *)&sin, sizeof(sin),
	    true), EINPROGRESS);
	tpeer_expect(&peer, &s);
	assert_int_equal(s.flags, TH_SYN);
	assert_int_equal(soshutdown(so, SHUT_WR), 0);
	assert_null(so->so_pcb);
	/* Nothing is left to send with. */
	uio_setup(&uio, &iov, 1, UIO_WRITE);
	assert_int_equal(sosend(so, NULL, 0, &uio, NULL, NULL, MSG_NOSIGNAL,
	    true), EPIPE);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
a_second_shutdown_sends_nothing_more(void **state)
{
	struct socket *so;
	struct tseg s;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	assert_int_equal(soshutdown(so, SHUT_WR), 0);
	tpeer_expect(&peer, &s);
	assert_true(s.flags & TH_FIN);
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_FIN_WAIT_1);
	assert_int_equal(soshutdown(so, SHUT_WR), 0);
	assert_false(tpeer_recv(&peer, &s));
	assert_int_equal(tpeer_tcb(so)->t_state, TCPS_FIN_WAIT_1);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
urgent_data_is_refused_and_control_data_ignored(void **state)
{
	struct socket *so;
	struct mbuf *m, *control;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	m = m_gethdr(M_WAIT, MT_DATA);
	m->m_len = m->m_pkthdr.len = 1;
	NET_LOCK();
	assert_int_equal(pru_send(so, m, NULL, 0, NULL, MSG_OOB), EOPNOTSUPP);
	m = m_gethdr(M_WAIT, MT_DATA);
	m->m_len = m->m_pkthdr.len = 1;
	*mtod(m, char *) = 'x';
	control = m_get(M_WAIT, MT_CONTROL);
	assert_int_equal(pru_send(so, m, NULL, 0, control, 0), 0);
	NET_UNLOCK();
	assert_int_equal(so->so_snd.sb_cc, 1);
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
the_peer_address_is_there_only_when_connected(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	socklen_t len = sizeof(ss);
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = new_stream();
	NET_LOCK();
	assert_int_equal(pru_peeraddr(so, &ss, &len), ENOTCONN);
	NET_UNLOCK();
	assert_int_equal(soclose(so), 0);
	so = tpeer_connect(&peer, ls);
	NET_LOCK();
	assert_int_equal(pru_peeraddr(so, &ss, &len), 0);
	NET_UNLOCK();
	assert_int_equal(sin->sin_addr.s_addr, peer.remote.s_addr);
	assert_int_equal(sin->sin_port, htons(peer.rport));
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

/* The socket layer refuses these first; TCP refuses them too. */
static void
a_connected_control_block_neither_listens_nor_connects(void **state)
{
	struct sockaddr_in sin;
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	sockaddr_in_init(&sin, peer.remote, htons(RPORT));
	NET_LOCK();
	assert_int_equal(pru_listen(so, 1), EINVAL);
	assert_int_equal(pru_connect(so, (struct sockaddr *)&sin,
	    sizeof(sin)), EISCONN);
	assert_int_equal(pru_connect(so, (struct sockaddr *)&sin, 4), EINVAL);
	NET_UNLOCK();
	tpeer_abort(&peer, so);
	KTEST_EXIT();
}

static void
a_read_after_the_connection_was_reset_is_harmless(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = tpeer_connect(&peer, ls);
	tpeer_send(&peer, TH_RST, NULL, 0);
	assert_null(so->so_pcb);
	assert_int_equal(so->so_error, ECONNRESET);
	NET_LOCK();
	assert_int_equal(pru_rcvd(so, 0), 0);
	NET_UNLOCK();
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		tcp_test(a_stream_binds_no_broadcast_multicast_or_foreign_address),
		tcp_test(a_stream_connects_to_no_broadcast_multicast_or_unrouted_address),
		tcp_test(shutting_down_a_connecting_socket_ends_the_attempt),
		tcp_test(a_second_shutdown_sends_nothing_more),
		tcp_test(urgent_data_is_refused_and_control_data_ignored),
		tcp_test(the_peer_address_is_there_only_when_connected),
		tcp_test(a_connected_control_block_neither_listens_nor_connects),
		tcp_test(a_read_after_the_connection_was_reset_is_harmless),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
