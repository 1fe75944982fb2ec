/*
 * TCP through the public interface over lo0: the calls a Linux socket
 * program makes, with rump_sys_ in front.  TIME_WAIT is shortened with
 * RUMP_TCP_MSL_MS so that each test can wait for its connections to be
 * gone (tcptest_wait_done) before the leak check.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"

static struct sockaddr_in
loopback(in_port_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr = { htonl(INADDR_LOOPBACK) },
	};

	return sin;
}

static void
tcp_connect_accept_and_exchange_data(void **state)
{
	struct sockaddr_in sin, peer, name;
	socklen_t plen = sizeof(peer), nlen = sizeof(name);
	char buf[16];
	int l, c, a;

	(void)state;
	l = tcptest_listener(&sin, 16);
	c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	a = rump_sys_accept(l, (struct sockaddr *)&peer, &plen);
	assert_true(a >= 0);
	assert_int_equal(rump_sys_getsockname(c, (struct sockaddr *)&name,
	    &nlen), 0);
	assert_int_equal(peer.sin_port, name.sin_port);
	assert_int_equal(rump_sys_write(c, "hello", 5), 5);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(rump_sys_write(a, "world!", 6), 6);
	assert_int_equal(rump_sys_read(c, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "world!", 6);
	assert_int_equal(rump_sys_close(c), 0);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_close(a), 0);
	assert_int_equal(rump_sys_close(l), 0);
	tcptest_wait_done();
}

static void
tcp_connect_to_a_closed_port_is_econnrefused(void **state)
{
	struct sockaddr_in sin = loopback(9);
	int c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(rump_sys_close(c), 0);
	tcptest_wait_done();
}

/*
 * A connect that reports its failure leaves the socket unconnected, as
 * Linux's (tcp_disconnect): a receive is ENOTCONN, not end of file; a
 * send is EPIPE (no SIGPIPE: MSG_NOSIGNAL).
 */
static void
tcp_a_receive_after_a_refused_connect_is_enotconn(void **state)
{
	struct sockaddr_in sin = loopback(9);
	int c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	char buf[4] = { 0 };

	(void)state;
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL),
	    -1);
	assert_int_equal(errno, ENOTCONN);
	assert_int_equal(rump_sys_recvfrom(c, buf, sizeof(buf), MSG_DONTWAIT,
	    NULL, NULL), -1);
	assert_int_equal(errno, ENOTCONN);
	assert_int_equal(rump_sys_sendto(c, buf, sizeof(buf), MSG_NOSIGNAL,
	    NULL, 0), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(rump_sys_close(c), 0);
	tcptest_wait_done();
}

/* Sends n bytes of a pattern from one thread while the test reads them. */
struct sender {
	int fd;
	size_t n;
	int error;
};

static unsigned char
pattern(size_t i)
{
	return (unsigned char)(i * 31 + (i >> 11));
}

static void *
sender_run(void *arg)
{
	struct sender *s = arg;
	unsigned char buf[65536];
	size_t done = 0;

	while (done < s->n) {
		size_t len = s->n - done < sizeof(buf) ? s->n - done : sizeof(buf);
		ssize_t w;

		for (size_t i = 0; i < len; i++)
			buf[i] = pattern(done + i);
		if ((w = rump_sys_write(s->fd, buf, len)) < 0) {
			s->error = errno;
			break;
		}
		done += (size_t)w;
	}
	rump_sys_shutdown(s->fd, SHUT_WR);
	return NULL;
}

static void
tcp_transfers_megabytes_byte_exact(void **state)
{
	struct sender snd = { .n = 8u << 20 };
	unsigned char buf[30000];
	pthread_t t;
	size_t got = 0;
	ssize_t r;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	snd.fd = c;
	assert_int_equal(pthread_create(&t, NULL, sender_run, &snd), 0);
	while ((r = rump_sys_read(a, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] != pattern(got + (size_t)i))
				fail_msg("byte %zu differs", got + (size_t)i);
		got += (size_t)r;
	}
	assert_int_equal(r, 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(snd.error, 0);
	assert_int_equal(got, snd.n);
	assert_int_equal(rump_sys_close(a), 0);
	assert_int_equal(rump_sys_close(c), 0);
	tcptest_wait_done();
}

static void
tcp_non_blocking_connect_is_in_progress_then_writable(void **state)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	int err = -1, l, c, a;
	socklen_t len = sizeof(err);

	(void)state;
	l = tcptest_listener(&sin, 16);
	c = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, EINPROGRESS);
	pfd.fd = c;
	pfd.events = POLLOUT;
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_true(pfd.revents & POLLOUT);
	assert_int_equal(rump_sys_getsockopt(c, SOL_SOCKET, SO_ERROR, &err,
	    &len), 0);
	assert_int_equal(err, 0);
	a = rump_sys_accept(l, NULL, NULL);
	assert_true(a >= 0);
	rump_sys_close(a);
	rump_sys_close(c);
	rump_sys_close(l);
	tcptest_wait_done();
}

static void
tcp_non_blocking_connect_to_a_closed_port_reports_econnrefused(void **state)
{
	struct sockaddr_in sin = loopback(9);
	struct pollfd pfd;
	int err = 0, c;
	socklen_t len = sizeof(err);

	(void)state;
	c = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, EINPROGRESS);
	pfd.fd = c;
	pfd.events = POLLOUT;
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_true(pfd.revents & (POLLERR | POLLHUP));
	assert_int_equal(rump_sys_getsockopt(c, SOL_SOCKET, SO_ERROR, &err,
	    &len), 0);
	assert_int_equal(err, ECONNREFUSED);
	rump_sys_close(c);
	tcptest_wait_done();
}

/* As on Linux: the connect after a non-blocking one reports its outcome. */
static void
tcp_a_connect_after_a_non_blocking_one_was_made_returns_0_then_eisconn(void **state)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	int l, c, a;

	(void)state;
	l = tcptest_listener(&sin, 16);
	c = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, EINPROGRESS);
	pfd = (struct pollfd){ .fd = c, .events = POLLOUT };
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, EISCONN);
	a = rump_sys_accept(l, NULL, NULL);
	assert_true(a >= 0);
	rump_sys_close(a);
	rump_sys_close(c);
	rump_sys_close(l);
	tcptest_wait_done();
}

static void
tcp_a_connect_after_a_refused_non_blocking_one_is_econnrefused(void **state)
{
	struct sockaddr_in sin = loopback(9);
	struct pollfd pfd;
	int c;

	(void)state;
	c = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, EINPROGRESS);
	pfd = (struct pollfd){ .fd = c, .events = POLLOUT };
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	rump_sys_close(c);
	tcptest_wait_done();
}

/*
 * As on Linux: a socket whose connect failed is a closed socket again,
 * which may be named, bound and connected anew, and the new connection
 * carries data both ways (nothing of the old one's end is left).
 */
static void
tcp_a_socket_whose_connect_was_refused_connects_anew(void **state)
{
	struct sockaddr_in closed = loopback(9), sin, name;
	socklen_t len = sizeof(name);
	char buf[4];
	int l, c, a;

	(void)state;
	c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&closed,
	    sizeof(closed)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(rump_sys_getsockname(c, (struct sockaddr *)&name,
	    &len), 0);
	assert_int_equal(name.sin_family, AF_INET);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&closed,
	    sizeof(closed)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	name = loopback(0);
	assert_int_equal(rump_sys_bind(c, (struct sockaddr *)&name,
	    sizeof(name)), 0);
	l = tcptest_listener(&sin, 1);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	a = rump_sys_accept(l, NULL, NULL);
	assert_true(a >= 0);
	assert_int_equal(rump_sys_write(c, "ping", 4), 4);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 4);
	assert_int_equal(rump_sys_write(a, "pong", 4), 4);
	assert_int_equal(rump_sys_read(c, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "pong", 4);
	rump_sys_close(a);
	rump_sys_close(c);
	rump_sys_close(l);
	tcptest_wait_done();
}

/* A socket whose connection was reset can still be asked its name. */
static void
tcp_a_reset_socket_still_has_a_name(void **state)
{
	struct linger lg = { 1, 0 };
	struct sockaddr_in name;
	socklen_t len = sizeof(name);
	char buf[4];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)), 0);
	assert_int_equal(rump_sys_close(c), 0);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ECONNRESET);
	assert_int_equal(rump_sys_getsockname(a, (struct sockaddr *)&name,
	    &len), 0);
	assert_int_equal(name.sin_family, AF_INET);
	rump_sys_close(a);
	tcptest_wait_done();
}

static void
tcp_accept_on_an_empty_non_blocking_listener_is_eagain(void **state)
{
	struct sockaddr_in sin;
	int l;

	(void)state;
	l = tcptest_listener(&sin, 16);
	assert_int_equal(rump_sys_fcntl(l, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(rump_sys_accept(l, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	rump_sys_close(l);
	tcptest_wait_done();
}

static void
tcp_half_close_lets_the_other_direction_go_on(void **state)
{
	char buf[8];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_shutdown(c, SHUT_WR), 0);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_write(a, "late", 4), 4);
	assert_int_equal(rump_sys_read(c, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "late", 4);
	assert_int_equal(rump_sys_write(c, "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	rump_sys_close(a);
	rump_sys_close(c);
	tcptest_wait_done();
}

static void
tcp_peek_leaves_data_and_waitall_waits_for_all(void **state)
{
	char buf[16];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_write(c, "abcdef", 6), 6);
	assert_int_equal(rump_sys_recvfrom(a, buf, 3, MSG_PEEK | MSG_WAITALL,
	    NULL, NULL), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(rump_sys_write(c, "gh", 2), 2);
	assert_int_equal(rump_sys_recvfrom(a, buf, 8, MSG_WAITALL, NULL, NULL),
	    8);
	assert_memory_equal(buf, "abcdefgh", 8);
	assert_int_equal(rump_sys_recvfrom(a, buf, 8, MSG_DONTWAIT, NULL,
	    NULL), -1);
	assert_int_equal(errno, EAGAIN);
	rump_sys_close(a);
	rump_sys_close(c);
	tcptest_wait_done();
}

/* Waits until s is readable (everything the peer wrote has come). */
static void
wait_readable(int s)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };

	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(pfd.revents, POLLIN);
}

static void
tcp_fionread_counts_the_bytes_waiting(void **state)
{
	char buf[2];
	int c, a, n = -1;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_ioctl(a, FIONREAD, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(rump_sys_write(c, "sixbyt", 6), 6);
	wait_readable(a);
	assert_int_equal(rump_sys_ioctl(a, FIONREAD, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 2);
	assert_int_equal(rump_sys_ioctl(a, FIONREAD, &n), 0);
	assert_int_equal(n, 4);
	rump_sys_close(a);
	rump_sys_close(c);
	tcptest_wait_done();
}

static void
tcp_poll_is_not_readable_once_everything_is_read(void **state)
{
	struct pollfd pfd;
	char buf[4];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_write(c, "four", 4), 4);
	wait_readable(a);
	/* Exactly what came: nothing tells the reader there is no more. */
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 4);
	pfd.fd = a;
	pfd.events = POLLIN;
	assert_int_equal(rump_sys_poll(&pfd, 1, 0), 0);
	assert_int_equal(rump_sys_write(c, "more", 4), 4);
	wait_readable(a);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "more", 4);
	rump_sys_close(a);
	rump_sys_close(c);
	tcptest_wait_done();
}

static void
tcp_non_blocking_read_of_an_empty_socket_is_eagain(void **state)
{
	char buf[4];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_fcntl(a, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rump_sys_write(c, "late", 4), 4);
	wait_readable(a);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 4);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);
	rump_sys_close(a);
	rump_sys_close(c);
	tcptest_wait_done();
}

static void
tcp_receive_timeout_ends_a_read_that_gets_nothing_with_eagain(void **state)
{
	struct timeval tv = { 0, 20000 };
	char buf[4];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);
	/* The connection goes on: data after the timeout is read. */
	assert_int_equal(rump_sys_write(c, "on", 2), 2);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 2);
	rump_sys_close(a);
	rump_sys_close(c);
	tcptest_wait_done();
}

static void
tcp_abortive_close_resets_the_peer(void **state)
{
	struct linger lg = { 1, 0 };
	char buf[4];
	int c, a;
#if !defined(RUMP_TEST_SOCKIN) && !defined(RUMP_TEST_REMOTE)
	/* The count of resets sent is the rump stack's, seen locally. */
	uint64_t rst = tcptest_kstat("tcp.sndrst");
#endif

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)), 0);
	assert_int_equal(rump_sys_close(c), 0);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ECONNRESET);
#if !defined(RUMP_TEST_SOCKIN) && !defined(RUMP_TEST_REMOTE)
	assert_true(tcptest_kstat("tcp.sndrst") > rst);
#endif
	rump_sys_close(a);
	tcptest_wait_done();
}

static void
tcp_close_with_unread_data_resets_the_peer(void **state)
{
	struct pollfd pfd;
	char buf[4];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_write(c, "unread", 6), 6);
	pfd.fd = a;
	pfd.events = POLLIN;
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(rump_sys_close(a), 0);
	assert_int_equal(rump_sys_read(c, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ECONNRESET);
	rump_sys_close(c);
	tcptest_wait_done();
}

/* Connections nobody accepted are reset when their listener closes. */
static void
tcp_closing_a_listener_resets_the_connections_it_had_not_given_out(
    void **state)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	char buf[4];
	int l, c;

	(void)state;
	l = tcptest_listener(&sin, 16);
	c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	/* Readable: the connection waits in the listener's queue. */
	pfd.fd = l;
	pfd.events = POLLIN;
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(rump_sys_close(l), 0);
	assert_int_equal(rump_sys_read(c, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ECONNRESET);
	rump_sys_close(c);
	tcptest_wait_done();
}

/* A send far larger than both socket buffers, from its own thread. */
#define BIGSEND	(64u << 20)

struct bigsend {
	int fd;
	char *buf;
	ssize_t rv;
};

static void *
bigsend_run(void *arg)
{
	struct bigsend *b = arg;

	b->rv = rump_sys_send(b->fd, b->buf, BIGSEND, MSG_NOSIGNAL);
	return NULL;
}

/*
 * As on Linux: the send returns what it moved, the reset is the next
 * call's error (once), and the connection's end (EPIPE) every later one's.
 */
static void
tcp_a_send_cut_short_by_a_reset_returns_its_count_then_the_reset(void **state)
{
	struct linger lg = { 1, 0 };
	struct bigsend b;
	struct pollfd pfd;
	pthread_t t;
	int a;

	(void)state;
	tcptest_pair(&b.fd, &a);
	assert_non_null(b.buf = calloc(1, BIGSEND));
	assert_int_equal(pthread_create(&t, NULL, bigsend_run, &b), 0);
	/* Data arrived: the send has moved some, and cannot finish. */
	pfd.fd = a;
	pfd.events = POLLIN;
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(rump_sys_setsockopt(a, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)), 0);
	assert_int_equal(rump_sys_close(a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(b.rv > 0 && b.rv < (ssize_t)BIGSEND);
	assert_int_equal(rump_sys_send(b.fd, "x", 1, MSG_NOSIGNAL), -1);
	assert_int_equal(errno, ECONNRESET);
	assert_int_equal(rump_sys_send(b.fd, "x", 1, MSG_NOSIGNAL), -1);
	assert_int_equal(errno, EPIPE);
	free(b.buf);
	rump_sys_close(b.fd);
	tcptest_wait_done();
}

/* A timeout belongs to the write it ended: no error is left behind. */
static void
tcp_a_write_cut_short_by_its_timeout_returns_its_count_and_no_error(
    void **state)
{
	struct timeval tv = { 0, 20000 };
	socklen_t len = sizeof(int);
	char *buf, c1;
	ssize_t rv;
	int c, a, error = -1;

	(void)state;
	tcptest_pair(&c, &a);
	assert_non_null(buf = calloc(1, BIGSEND));
	assert_int_equal(rump_sys_setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)), 0);
	rv = rump_sys_write(c, buf, BIGSEND);
	assert_true(rv > 0 && rv < (ssize_t)BIGSEND);
	assert_int_equal(rump_sys_getsockopt(c, SOL_SOCKET, SO_ERROR, &error,
	    &len), 0);
	assert_int_equal(error, 0);
	assert_int_equal(rump_sys_read(a, &c1, 1), 1);
	free(buf);
	rump_sys_close(a);
	rump_sys_close(c);
	tcptest_wait_done();
}

static void
tcp_poll_reports_end_of_file_and_hang_up(void **state)
{
	struct pollfd pfd;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	pfd.fd = a;
	pfd.events = POLLIN | POLLOUT | POLLRDHUP;
	assert_int_equal(rump_sys_poll(&pfd, 1, 0), 1);
	assert_int_equal(pfd.revents, POLLOUT);
	assert_int_equal(rump_sys_shutdown(c, SHUT_WR), 0);
	pfd.events = POLLIN | POLLRDHUP;
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(pfd.revents, POLLIN | POLLRDHUP);
	rump_sys_close(a);
	rump_sys_close(c);
	tcptest_wait_done();
}

static void
tcp_socket_options_read_back(void **state)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	char cc[16];
	int one = 1, v, c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one)), 0);
	len = sizeof(v);
	assert_int_equal(rump_sys_getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v,
	    &len), 0);
	assert_int_equal(v, 1);
	len = sizeof(ti);
	assert_int_equal(rump_sys_getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti,
	    &len), 0);
	assert_int_equal(len, 104);
	assert_int_equal(ti.tcpi_state, 1);	/* TCP_ESTABLISHED */
	assert_true(ti.tcpi_snd_cwnd >= 10);
	assert_true(ti.tcpi_options & TCPI_OPT_TIMESTAMPS);
	assert_int_equal(rump_sys_setsockopt(c, IPPROTO_TCP, TCP_CONGESTION,
	    "reno", 4), 0);
	len = sizeof(cc);
	assert_int_equal(rump_sys_getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, cc,
	    &len), 0);
	assert_string_equal(cc, "reno");
	assert_int_equal(rump_sys_setsockopt(c, IPPROTO_TCP, TCP_CONGESTION,
	    "nosuch", 6), -1);
	assert_int_equal(errno, ENOENT);
	v = 10;
	assert_int_equal(rump_sys_setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &v,
	    sizeof(v)), 0);
	v = 0;
	assert_int_equal(rump_sys_setsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &v,
	    sizeof(v)), -1);
	assert_int_equal(errno, EINVAL);
	rump_sys_close(a);
	rump_sys_close(c);
	tcptest_wait_done();
}

/* getsockopt of an int option; fails the test if the call fails. */
static int
getint(int s, int level, int name)
{
	socklen_t len = sizeof(int);
	int v = -1;

	assert_int_equal(rump_sys_getsockopt(s, level, name, &v, &len), 0);
	assert_int_equal(len, sizeof(int));
	return v;
}

static void
tcp_keepalive_cork_and_maxseg_options_read_back(void **state)
{
	int v, s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	assert_int_equal(getint(s, IPPROTO_TCP, TCP_KEEPIDLE), 7200);
	assert_int_equal(getint(s, IPPROTO_TCP, TCP_KEEPINTVL), 75);
	assert_int_equal(getint(s, IPPROTO_TCP, TCP_KEEPCNT), 9);
	v = 30;
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v,
	    sizeof(v)), 0);
	assert_int_equal(getint(s, IPPROTO_TCP, TCP_KEEPINTVL), 30);
	v = 1;
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_TCP, TCP_CORK, &v,
	    sizeof(v)), 0);
	assert_int_equal(getint(s, IPPROTO_TCP, TCP_CORK), 1);
	assert_int_equal(getint(s, IPPROTO_TCP, TCP_MAXSEG), 536);
	v = 1000;
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v,
	    sizeof(v)), 0);
	assert_int_equal(getint(s, IPPROTO_TCP, TCP_MAXSEG), 1000);
	v = 10;
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v,
	    sizeof(v)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_TCP, 9999, &v,
	    sizeof(v)), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_TCP, 9999, &v,
	    &(socklen_t){ sizeof(v) }), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	/* IP-level options of a TCP socket go to IP. */
	v = 33;
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_TTL, &v,
	    sizeof(v)), 0);
	assert_int_equal(getint(s, IPPROTO_IP, IP_TTL), 33);
	rump_sys_close(s);
	tcptest_wait_done();
}

static void
tcp_maxseg_limits_the_segments_of_a_connection(void **state)
{
	struct sockaddr_in sin;
	int v = 1000, l, c, a;

	(void)state;
	l = tcptest_listener(&sin, 16);
	c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v,
	    sizeof(v)), 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	a = rump_sys_accept(l, NULL, NULL);
	/* The timestamps take 12 of the 1000 bytes. */
	assert_int_equal(getint(c, IPPROTO_TCP, TCP_MAXSEG), 988);
	assert_int_equal(getint(a, IPPROTO_TCP, TCP_MAXSEG), 988);
	rump_sys_close(a);
	rump_sys_close(c);
	rump_sys_close(l);
	tcptest_wait_done();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(tcp_connect_accept_and_exchange_data),
		leak_test(tcp_connect_to_a_closed_port_is_econnrefused),
		leak_test(tcp_a_receive_after_a_refused_connect_is_enotconn),
		leak_test(tcp_transfers_megabytes_byte_exact),
		leak_test(tcp_non_blocking_connect_is_in_progress_then_writable),
		leak_test(tcp_non_blocking_connect_to_a_closed_port_reports_econnrefused),
		leak_test(tcp_a_connect_after_a_non_blocking_one_was_made_returns_0_then_eisconn),
		leak_test(tcp_a_connect_after_a_refused_non_blocking_one_is_econnrefused),
		leak_test(tcp_a_socket_whose_connect_was_refused_connects_anew),
		leak_test(tcp_a_reset_socket_still_has_a_name),
		leak_test(tcp_accept_on_an_empty_non_blocking_listener_is_eagain),
		leak_test(tcp_half_close_lets_the_other_direction_go_on),
		leak_test(tcp_peek_leaves_data_and_waitall_waits_for_all),
		leak_test(tcp_fionread_counts_the_bytes_waiting),
		leak_test(tcp_poll_is_not_readable_once_everything_is_read),
		leak_test(tcp_non_blocking_read_of_an_empty_socket_is_eagain),
		leak_test(tcp_receive_timeout_ends_a_read_that_gets_nothing_with_eagain),
		leak_test(tcp_abortive_close_resets_the_peer),
		leak_test(tcp_close_with_unread_data_resets_the_peer),
		leak_test(tcp_closing_a_listener_resets_the_connections_it_had_not_given_out),
		leak_test(tcp_a_send_cut_short_by_a_reset_returns_its_count_then_the_reset),
		leak_test(tcp_a_write_cut_short_by_its_timeout_returns_its_count_and_no_error),
		leak_test(tcp_poll_reports_end_of_file_and_hang_up),
		leak_test(tcp_socket_options_read_back),
		leak_test(tcp_keepalive_cork_and_maxseg_options_read_back),
		leak_test(tcp_maxseg_limits_the_segments_of_a_connection),
	};

	setenv("RUMP_TCP_MSL_MS", "5", 1);
	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
