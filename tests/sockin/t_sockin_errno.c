/*
 * The host's errors reach a sockin socket's caller as a host program gets
 * them: each test does the same with a host socket and a sockin socket
 * and compares the errors, in order.  Run as an ordinary user on
 * 127.0.0.1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"

/* The calls both kinds of socket answer alike. */
struct sockapi {
	int (*so_socket)(int, int, int);
	int (*so_bind)(int, const struct sockaddr *, socklen_t);
	int (*so_listen)(int, int);
	int (*so_getsockname)(int, struct sockaddr *, socklen_t *);
	int (*so_connect)(int, const struct sockaddr *, socklen_t);
	int (*so_accept)(int, struct sockaddr *, socklen_t *);
	int (*so_setsockopt)(int, int, int, const void *, socklen_t);
	ssize_t (*so_send)(int, const void *, size_t, int);
	int (*so_poll)(struct pollfd *, nfds_t, int);
	int (*so_close)(int);
};

/* A host program asks for no SIGPIPE; a rump kernel's never raises one. */
static ssize_t
host_send(int s, const void *buf, size_t len, int flags)
{
	return send(s, buf, len, flags | MSG_NOSIGNAL);
}

static const struct sockapi hostapi = {
	socket, bind, listen, getsockname, connect, accept, setsockopt,
	host_send, poll, close,
};
static const struct sockapi rumpapi = {
	rump_sys_socket, rump_sys_bind, rump_sys_listen, rump_sys_getsockname,
	rump_sys_connect, rump_sys_accept, rump_sys_setsockopt, rump_sys_send,
	rump_sys_poll, rump_sys_close,
};

/* A listener on 127.0.0.1 and an ephemeral port, its address in *sin. */
static int
listener(const struct sockapi *api, struct sockaddr_in *sin, int backlog)
{
	socklen_t len = sizeof(*sin);
	int l = api->so_socket(AF_INET, SOCK_STREAM, 0);

	assert_true(l >= 0);
	*sin = (struct sockaddr_in){ .sin_family = AF_INET,
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	assert_int_equal(api->so_bind(l, (struct sockaddr *)sin,
	    sizeof(*sin)), 0);
	assert_int_equal(api->so_listen(l, backlog), 0);
	assert_int_equal(api->so_getsockname(l, (struct sockaddr *)sin, &len),
	    0);
	return l;
}

/* A connected pair: *c the client's end, *a the accepted one. */
static void
tcp_pair(const struct sockapi *api, int *c, int *a)
{
	struct sockaddr_in sin;
	int l = listener(api, &sin, 1);

	assert_true((*c = api->so_socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(api->so_connect(*c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_true((*a = api->so_accept(l, NULL, NULL)) >= 0);
	api->so_close(l);
}

/* The errno of a call that must fail. */
static int
failed(long rv)
{
	assert_int_equal(rv, -1);
	return errno;
}

/*
 * A connection whose peer closed with data unread, which resets it (RFC
 * 2525, 2.17): *c its end, once the reset is there (poll says it can be
 * read); what that poll said.
 */
static int
reset_connection(const struct sockapi *api, int *c)
{
	struct pollfd pfd;
	int a;

	tcp_pair(api, c, &a);
	assert_int_equal(api->so_send(*c, "unread", 6, 0), 6);
	pfd = (struct pollfd){ .fd = a, .events = POLLIN };
	assert_int_equal(api->so_poll(&pfd, 1, -1), 1);
	api->so_close(a);
	pfd = (struct pollfd){ .fd = *c, .events = POLLIN };
	assert_int_equal(api->so_poll(&pfd, 1, -1), 1);
	return pfd.revents;
}

static void
poll_of_a_reset_connection_says_pollerr_and_pollhup_as_the_hosts(void **state)
{
	int h, r, hrevents, rrevents;

	(void)state;
	hrevents = reset_connection(&hostapi, &h);
	rrevents = reset_connection(&rumpapi, &r);
	assert_int_equal(hrevents, POLLIN | POLLERR | POLLHUP);
	assert_int_equal(rrevents, hrevents);
	rump_sys_close(r);
	close(h);
}

/* The sends after the reset: ECONNRESET, then EPIPE, and no SIGPIPE. */
static void
reset_errors(const struct sockapi *api, int error[2])
{
	int c;

	(void)reset_connection(api, &c);
	error[0] = failed(api->so_send(c, "x", 1, 0));
	error[1] = failed(api->so_send(c, "x", 1, 0));
	api->so_close(c);
}

static void
sends_after_a_reset_are_econnreset_then_epipe_without_sigpipe_as_the_hosts(void **state)
{
	int host[2], rump[2];

	(void)state;
	reset_errors(&hostapi, host);
	reset_errors(&rumpapi, rump);
	assert_int_equal(host[0], ECONNRESET);
	assert_int_equal(host[1], EPIPE);
	assert_int_equal(rump[0], host[0]);
	assert_int_equal(rump[1], host[1]);
}

/*
 * A host listener whose accept queue is full (backlog 0 and a connection
 * queued): Linux drops the SYNs that come, and a connect allowed one
 * retransmission (TCP_SYNCNT) and a millisecond (TCP_USER_TIMEOUT) gives
 * up at its first or second timeout.
 */
static void
a_connect_the_host_gives_up_on_is_etimedout_as_the_hosts(void **state)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int l, filler, h, r, one = 1, error = 0;

	(void)state;
	l = listener(&hostapi, &sin, 0);
	assert_true((filler = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(filler, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_true((h = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) >= 0);
	assert_true((r = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(setsockopt(h, IPPROTO_TCP, TCP_SYNCNT, &one,
	    sizeof(one)), 0);
	assert_int_equal(setsockopt(h, IPPROTO_TCP, TCP_USER_TIMEOUT, &one,
	    sizeof(one)), 0);
	assert_int_equal(rump_sys_setsockopt(r, IPPROTO_TCP, TCP_SYNCNT, &one,
	    sizeof(one)), 0);
	assert_int_equal(rump_sys_setsockopt(r, IPPROTO_TCP, TCP_USER_TIMEOUT,
	    &one, sizeof(one)), 0);
	assert_int_equal(failed(connect(h, (struct sockaddr *)&sin,
	    sizeof(sin))), EINPROGRESS);
	assert_int_equal(failed(rump_sys_connect(r, (struct sockaddr *)&sin,
	    sizeof(sin))), ETIMEDOUT);
	pfd = (struct pollfd){ .fd = h, .events = POLLOUT };
	assert_int_equal(poll(&pfd, 1, -1), 1);
	assert_int_equal(getsockopt(h, SOL_SOCKET, SO_ERROR, &error, &len), 0);
	assert_int_equal(error, ETIMEDOUT);
	rump_sys_close(r);
	close(h);
	close(filler);
	close(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(poll_of_a_reset_connection_says_pollerr_and_pollhup_as_the_hosts),
		leak_test(sends_after_a_reset_are_econnreset_then_epipe_without_sigpipe_as_the_hosts),
		leak_test(a_connect_the_host_gives_up_on_is_etimedout_as_the_hosts),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
