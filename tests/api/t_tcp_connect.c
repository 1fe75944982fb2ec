/*
 * A connect while another is in progress, as Linux's
 * __inet_stream_connect answers it: a non-blocking one is EALREADY; a
 * blocking one waits for the handshake like a first blocking connect
 * (interruptible: EINTR; SO_SNDTIMEO: EALREADY, where a first connect
 * says EINPROGRESS) and returns 0 once the connection is made, or the
 * connection's error; the connect goes on after a timeout or an
 * interrupt.  The host's own sockets answer so (checked on this
 * machine's Linux with the same calls).
 *
 * Built twice, like the other socket API tests.  The connect is kept in
 * progress by a peer that does not answer its SYN: on the rump stack
 * every frame on lo0 is dropped (fault injection), which the rump stack
 * alone has; on sockin the peer is a host listener whose accept queue is
 * full (backlog 0 and one connection queued: Linux drops further SYNs),
 * since the rump stack would answer a full queue with a SYN cookie.
 * Either way the peer lets the connect complete, or refuses it, at the
 * SYN's next retransmission.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"
#include "blocker.h"

#ifndef RUMP_TEST_SOCKIN
#include <rump/rumpnet_net_if_pub.h>
#endif

/* A peer on 127.0.0.1 that leaves the SYNs sent to it unanswered. */
struct silent {
	struct sockaddr_in sin;
	int l;			/* the listener, -1 once closed */
	int filler;		/* sockin: the connection filling its queue */
};

#ifndef RUMP_TEST_SOCKIN
static void
silent_start(struct silent *p)
{
	p->l = tcptest_listener(&p->sin, 16);
	p->filler = -1;
	assert_int_equal(rump_netconfig_iffault("lo0", "drop=100%"), 0);
}

/* The next SYN gets through: the listener takes it. */
static void
silent_answer(struct silent *p)
{
	(void)p;
	assert_int_equal(rump_netconfig_iffault("lo0", "none"), 0);
}

/* The next SYN gets through to a closed port: refused. */
static void
silent_refuse(struct silent *p)
{
	assert_int_equal(rump_sys_close(p->l), 0);
	p->l = -1;
	assert_int_equal(rump_netconfig_iffault("lo0", "none"), 0);
}

static void
silent_end(struct silent *p)
{
	assert_int_equal(rump_netconfig_iffault("lo0", "none"), 0);
	if (p->l >= 0)
		assert_int_equal(rump_sys_close(p->l), 0);
}
#else
static void
silent_start(struct silent *p)
{
	socklen_t len = sizeof(p->sin);

	p->sin = (struct sockaddr_in){ .sin_family = AF_INET,
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	assert_true((p->l = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(p->l, (struct sockaddr *)&p->sin,
	    sizeof(p->sin)), 0);
	assert_int_equal(listen(p->l, 0), 0);
	assert_int_equal(getsockname(p->l, (struct sockaddr *)&p->sin, &len),
	    0);
	assert_true((p->filler = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(p->filler, (struct sockaddr *)&p->sin,
	    sizeof(p->sin)), 0);
}

/* Room in the queue: the next SYN is taken. */
static void
silent_answer(struct silent *p)
{
	int a;

	assert_int_equal(listen(p->l, 8), 0);
	assert_true((a = accept(p->l, NULL, NULL)) >= 0);
	assert_int_equal(close(a), 0);
}

/* No listener: the next SYN is refused. */
static void
silent_refuse(struct silent *p)
{
	assert_int_equal(close(p->l), 0);
	p->l = -1;
}

static void
silent_end(struct silent *p)
{
	if (p->l >= 0)
		assert_int_equal(close(p->l), 0);
	assert_int_equal(close(p->filler), 0);
}
#endif

/* A blocking socket whose non-blocking connect to p is in progress. */
static int
connecting(const struct silent *p)
{
	int c = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(c >= 0);
	assert_int_equal(rump_sys_connect(c, (const struct sockaddr *)&p->sin,
	    sizeof(p->sin)), -1);
	assert_int_equal(errno, EINPROGRESS);
	assert_int_equal(rump_sys_fcntl(c, F_SETFL, 0), 0);
	return c;
}

static struct sockaddr_in blocked_to;

static long
block_connect(struct blocker *b)
{
	return rump_sys_connect(b->fds[0], (struct sockaddr *)&blocked_to,
	    sizeof(blocked_to));
}

/*
 * A non-blocking connect to a silent peer left in progress in fds[0], and
 * a second, blocking, connect of it to the same peer, in b.
 */
static void
second_connect_start(struct silent *p, struct blocker *b, int fds[2])
{
	silent_start(p);
	fds[0] = connecting(p);
	fds[1] = -1;
	blocked_to = p->sin;
	blocker_start(b, 0, NULL, block_connect, fds);
}

static int
so_error(int s)
{
	socklen_t len = sizeof(int);
	int error = -1;

	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_ERROR, &error,
	    &len), 0);
	return error;
}

/* getpeername's answer: 0 with the peer in *sin, or the errno. */
static int
peer_error(int s, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);

	return rump_sys_getpeername(s, (struct sockaddr *)sin, &len) == 0 ?
	    0 : errno;
}

/* The connect of c to p is made: the listener's, if any, is dropped. */
static void
end_connected(int c, struct silent *p)
{
	assert_int_equal(rump_sys_close(c), 0);
#ifndef RUMP_TEST_SOCKIN
	int a = rump_sys_accept(p->l, NULL, NULL);

	assert_true(a >= 0);
	assert_int_equal(rump_sys_close(a), 0);
#endif
	silent_end(p);
	tcptest_wait_done();
}

static void
a_non_blocking_connect_while_one_is_in_progress_is_ealready(void **state)
{
	struct silent p;
	int c;

	(void)state;
	silent_start(&p);
	c = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(c >= 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&p.sin,
	    sizeof(p.sin)), -1);
	assert_int_equal(errno, EINPROGRESS);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&p.sin,
	    sizeof(p.sin)), -1);
	assert_int_equal(errno, EALREADY);
	assert_int_equal(rump_sys_close(c), 0);
	silent_end(&p);
	tcptest_wait_done();
}

static void
a_blocking_connect_while_one_is_in_progress_returns_0_once_it_is_made(
    void **state)
{
	struct sockaddr_in peer;
	struct silent p;
	struct blocker b;
	int fds[2];

	(void)state;
	second_connect_start(&p, &b, fds);
	silent_answer(&p);
	blocker_join(&b);
	assert_int_equal(b.ret, 0);
	assert_int_equal(peer_error(fds[0], &peer), 0);
	assert_int_equal(peer.sin_port, p.sin.sin_port);
	assert_int_equal(so_error(fds[0]), 0);
	assert_int_equal(rump_sys_connect(fds[0], (struct sockaddr *)&p.sin,
	    sizeof(p.sin)), -1);
	assert_int_equal(errno, EISCONN);
	end_connected(fds[0], &p);
}

/* The refusal is the connect's, reported once: SO_ERROR has none left. */
static void
a_blocking_connect_while_one_is_in_progress_returns_its_refusal(void **state)
{
	struct sockaddr_in peer;
	struct silent p;
	struct blocker b;
	int fds[2];

	(void)state;
	second_connect_start(&p, &b, fds);
	silent_refuse(&p);
	blocker_join_failed(&b, ECONNREFUSED);
	assert_int_equal(peer_error(fds[0], &peer), ENOTCONN);
	assert_int_equal(so_error(fds[0]), 0);
	/* The socket is unconnected again: a connect tries anew. */
	assert_int_equal(rump_sys_connect(fds[0], (struct sockaddr *)&p.sin,
	    sizeof(p.sin)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(rump_sys_close(fds[0]), 0);
	silent_end(&p);
	tcptest_wait_done();
}

/* Its SO_SNDTIMEO ends the wait with EALREADY; the connect goes on. */
static void
a_blocking_connect_while_one_is_in_progress_times_out_with_ealready(
    void **state)
{
	struct timeval tv = { 0, 20000 }, none = { 0, 0 };
	struct sockaddr_in peer;
	struct silent p;
	int c;

	(void)state;
	silent_start(&p);
	c = connecting(&p);
	assert_int_equal(rump_sys_setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&p.sin,
	    sizeof(p.sin)), -1);
	assert_int_equal(errno, EALREADY);
	assert_int_equal(peer_error(c, &peer), ENOTCONN);
	assert_int_equal(so_error(c), 0);
	assert_int_equal(rump_sys_setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &none,
	    sizeof(none)), 0);
	silent_answer(&p);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&p.sin,
	    sizeof(p.sin)), 0);
	end_connected(c, &p);
}

/* Interrupted, it says EINTR; the connect goes on and is made. */
static void
an_interrupted_blocking_connect_while_one_is_in_progress_is_eintr(
    void **state)
{
	struct silent p;
	struct blocker b;
	int fds[2];

	(void)state;
	second_connect_start(&p, &b, fds);
	assert_int_equal(rump_lwproc_interrupt(rump_sys_getpid(), b.lid), 0);
	blocker_join_failed(&b, EINTR);
	silent_answer(&p);
	assert_int_equal(rump_sys_connect(fds[0], (struct sockaddr *)&p.sin,
	    sizeof(p.sin)), 0);
	assert_int_equal(rump_sys_connect(fds[0], (struct sockaddr *)&p.sin,
	    sizeof(p.sin)), -1);
	assert_int_equal(errno, EISCONN);
	end_connected(fds[0], &p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_non_blocking_connect_while_one_is_in_progress_is_ealready),
		leak_test(a_blocking_connect_while_one_is_in_progress_returns_0_once_it_is_made),
		leak_test(a_blocking_connect_while_one_is_in_progress_returns_its_refusal),
		leak_test(a_blocking_connect_while_one_is_in_progress_times_out_with_ealready),
		leak_test(an_interrupted_blocking_connect_while_one_is_in_progress_is_eintr),
	};

	setenv("RUMP_TCP_MSL_MS", "5", 1);
	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
