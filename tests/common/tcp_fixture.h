/*
 * The fixture the kernel tests of TCP share: one test peer (tcp_peer.h)
 * for the group, and for each test a fresh peer state and a listener on
 * LPORT (ls), closed at the end with every frame the peer holds.  Tests
 * are listed with tcp_test(f).
 *
 * Include after ktest.h.
 */
#ifndef TESTS_TCP_FIXTURE_H
#define TESTS_TCP_FIXTURE_H

#include "tcp_peer.h"
#include "rumpkern/uio.h"

static struct tpeer peer;
static struct socket *ls;

static int
setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	KTEST_ENTER();
	tpeer_init(&peer);
	KTEST_EXIT();
	return 0;
}

static int
teardown(void **state)
{
	KTEST_ENTER();
	tpeer_fini(&peer);
	KTEST_EXIT();
	return ktest_halt(state);
}

static int
test_setup(void **state)
{
	leakcheck_setup(state);
	KTEST_ENTER();
	peer.seq = PEER_ISS;
	peer.ack = 0;
	peer.ts = false;
	peer.tsecr = 0;
	peer.win = 65535;
	peer.rport++;
	peer.lport = LPORT;
	ls = tpeer_listen(&peer);
	KTEST_EXIT();
	return 0;
}

static int
test_teardown(void **state)
{
	KTEST_ENTER();
	assert_int_equal(soclose(ls), 0);
	fi_flush(&peer.fi);
	KTEST_EXIT();
	return leakcheck_teardown(state);
}

#define tcp_test(f)	cmocka_unit_test_setup_teardown(f, test_setup, \
	test_teardown)

/* Queues len bytes (a pattern) on so, as a write would. */
static inline void
send_bytes(struct socket *so, int len)
{
	static char buf[65536];
	struct iovec iov = { buf, (size_t)len };
	struct uio uio;

	for (int i = 0; i < len; i++)
		buf[i] = (char)i;
	uio_setup(&uio, &iov, 1, UIO_WRITE);
	assert_int_equal(sosend(so, NULL, 0, &uio, NULL, NULL, 0, true), 0);
	assert_int_equal(uio.uio_resid, 0);
}

/* The handshake with MSS 1460 and SACK-permitted; the accepted socket. */
static inline struct socket *
tpeer_connect_sack(void)
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

/* An active open to the peer; the peer's segments then go to its port. */
static inline struct socket *
tpeer_active_open(struct tseg *syn)
{
	struct sockaddr_in sin;
	struct socket *so;

	assert_int_equal(socreate(AF_INET, &so, SOCK_STREAM, 0), 0);
	sockaddr_in_init(&sin, peer.remote, htons(peer.rport));
	assert_int_equal(soconnect(so, (const struct sockaddr *)&sin,
	    sizeof(sin), true), EINPROGRESS);
	tpeer_expect(&peer, syn);
	assert_int_equal(syn->flags, TH_SYN);
	assert_true(syn->opts.to_flags & TOF_MSS);
	peer.lport = syn->sport;
	return so;
}

#endif
