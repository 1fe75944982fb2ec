/*
 * TCP through sockin: rump_sys_* socket calls carried by the host's own
 * TCP/IP on 127.0.0.1, run as an ordinary user.  The program is linked
 * with librumpnet_sockin instead of the rump TCP/IP stack.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"
#include "threadstate.h"

#define MIN(a, b)	((a) < (b) ? (a) : (b))

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

static int
connected(const struct sockaddr_in *sin)
{
	int s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	assert_int_equal(rump_sys_connect(s, (const struct sockaddr *)sin,
	    sizeof(*sin)), 0);
	return s;
}

static void
connection_is_accepted_and_carries_data_both_ways(void **state)
{
	struct sockaddr_in sin, peer, local;
	socklen_t plen = sizeof(peer), llen = sizeof(local);
	char buf[16];
	int l, c, a;

	(void)state;
	l = tcptest_listener(&sin, 5);
	c = connected(&sin);
	a = rump_sys_accept(l, (struct sockaddr *)&peer, &plen);
	assert_true(a >= 0);
	assert_int_equal(plen, sizeof(peer));
	assert_int_equal(rump_sys_getsockname(c, (struct sockaddr *)&local,
	    &llen), 0);
	assert_int_equal(peer.sin_port, local.sin_port);
	assert_int_equal(rump_sys_send(c, "ping", 4, 0), 4);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(rump_sys_write(a, "pong", 4), 4);
	assert_int_equal(rump_sys_read(c, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "pong", 4);
	rump_sys_close(a);
	rump_sys_close(c);
	rump_sys_close(l);
}

static void
connect_to_a_closed_port_is_econnrefused(void **state)
{
	struct sockaddr_in sin = loopback(0);
	socklen_t len = sizeof(sin);
	int b, s;

	(void)state;
	/*
	 * A port bound by a socket that does not listen: closed to
	 * connections, and no other program on the loopback can take it
	 * meanwhile, as it could a port bound and closed again.
	 */
	b = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(b >= 0);
	assert_int_equal(rump_sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(rump_sys_getsockname(b, (struct sockaddr *)&sin, &len), 0);
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	rump_sys_close(s);
	rump_sys_close(b);
}

static void
bind_to_a_listening_port_is_eaddrinuse(void **state)
{
	struct sockaddr_in sin;
	int l, s;

	(void)state;
	l = tcptest_listener(&sin, 1);
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, EADDRINUSE);
	rump_sys_close(s);
	rump_sys_close(l);
}

static void
accept_on_an_empty_nonblocking_listener_is_eagain(void **state)
{
	struct sockaddr_in sin;
	int l;

	(void)state;
	l = tcptest_listener(&sin, 1);
	assert_int_equal(rump_sys_fcntl(l, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(rump_sys_accept(l, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	rump_sys_close(l);
}

static void
send_to_a_closed_peer_is_epipe_or_econnreset_not_sigpipe(void **state)
{
	char buf[4096] = { 0 };
	int c, a, i, rv = 0;

	(void)state;
	tcptest_pair(&c, &a);
	rump_sys_close(a);
	/* The first send may go out; the peer's reset ends the ones after. */
	for (i = 0; i < 1000 && (rv = rump_sys_send(c, buf, sizeof(buf), 0)) > 0; i++) {
		struct pollfd pfd = { .fd = c, .events = POLLIN };

		(void)rump_sys_poll(&pfd, 1, 100);
	}
	assert_int_equal(rv, -1);
	assert_true(errno == EPIPE || errno == ECONNRESET);
	rump_sys_close(c);
}

static void
shutdown_wr_gives_the_peer_end_of_file_and_keeps_reading(void **state)
{
	char buf[8];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_send(c, "bye", 3, 0), 3);
	assert_int_equal(rump_sys_shutdown(c, SHUT_WR), 0);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), MSG_WAITALL), 3);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), 0), 0);
	assert_int_equal(rump_sys_send(a, "ok", 2, 0), 2);
	assert_int_equal(rump_sys_recv(c, buf, sizeof(buf), 0), 2);
	assert_int_equal(rump_sys_send(c, "x", 1, MSG_NOSIGNAL), -1);
	assert_int_equal(errno, EPIPE);
	rump_sys_close(a);
	rump_sys_close(c);
}

/*
 * SO_LINGER waits for the protocol to be done with the data; sockin is
 * once the host socket holds it (whose own close lingers).  Broken, the
 * close would hang for the hour.
 */
static void
close_with_so_linger_returns_once_the_host_holds_the_data(void **state)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 3600 };
	char buf[8];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)), 0);
	assert_int_equal(rump_sys_send(c, "data", 4, 0), 4);
	assert_int_equal(rump_sys_close(c), 0);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), MSG_WAITALL), 4);
	assert_memory_equal(buf, "data", 4);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), 0), 0);
	rump_sys_close(a);
}

struct closer {
	int fd;
	pid_t tid;
	int rv;
	bool done;
};

static void *
closer_run(void *arg)
{
	struct closer *cl = arg;

	__atomic_store_n(&cl->tid, thread_self_id(), __ATOMIC_RELEASE);
	cl->rv = rump_sys_close(cl->fd);
	__atomic_store_n(&cl->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A close with SO_LINGER whose peer reads nothing waits in the host's
 * close; with the one virtual CPU held, or softnet_lock, every other
 * call would wait with it (for the hour).  The peer's reading ends it.
 */
static void
a_lingering_close_lets_other_threads_calls_go_on(void **state)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 3600 };
	struct closer cl = { .tid = 0 };
	static char buf[65536];
	pthread_t t;
	ssize_t n;
	int a, s;

	(void)state;
	tcptest_pair(&cl.fd, &a);
	assert_int_equal(rump_sys_setsockopt(cl.fd, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)), 0);
	/* Both hosts' buffers full: the peer cannot acknowledge a close. */
	while (rump_sys_send(cl.fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		continue;
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(pthread_create(&t, NULL, closer_run, &cl), 0);
	wait_thread_asleep(&cl.tid);
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_close(s), 0);
	assert_false(__atomic_load_n(&cl.done, __ATOMIC_ACQUIRE));
	while ((n = rump_sys_read(a, buf, sizeof(buf))) > 0)
		continue;
	assert_int_equal(n, 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(cl.rv, 0);
	rump_sys_close(a);
}

static void
nonblocking_connect_completes_and_poll_says_writable(void **state)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	int l, s, a, err;
	socklen_t len = sizeof(err);

	(void)state;
	l = tcptest_listener(&sin, 1);
	s = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (rump_sys_connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		assert_int_equal(errno, EINPROGRESS);
	pfd = (struct pollfd){ .fd = s, .events = POLLOUT };
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_true(pfd.revents & POLLOUT);
	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_ERROR, &err,
	    &len), 0);
	assert_int_equal(err, 0);
	a = rump_sys_accept(l, NULL, NULL);
	assert_true(a >= 0);
	rump_sys_close(a);
	rump_sys_close(s);
	rump_sys_close(l);
}

static void
poll_sees_a_sockin_socket_and_a_pipe_together(void **state)
{
	struct pollfd pfd[2];
	int c, a, p[2];

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	pfd[0] = (struct pollfd){ .fd = a, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	assert_int_equal(rump_sys_poll(pfd, 2, 0), 0);
	assert_int_equal(rump_sys_write(p[1], "p", 1), 1);
	assert_int_equal(rump_sys_poll(pfd, 2, -1), 1);
	assert_int_equal(pfd[1].revents, POLLIN);
	assert_int_equal(pfd[0].revents, 0);
	assert_int_equal(rump_sys_send(c, "s", 1, 0), 1);
	pfd[1].fd = -1;
	assert_int_equal(rump_sys_poll(pfd, 2, -1), 1);
	assert_int_equal(pfd[0].revents, POLLIN);
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
protocol_options_reach_the_host_socket(void **state)
{
	int c, a, on = 1, val = 0;
	socklen_t len = sizeof(val);

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on)), 0);
	assert_int_equal(rump_sys_getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &val,
	    &len), 0);
	assert_int_not_equal(val, 0);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
ipv6_connection_over_the_hosts_loopback_carries_data(void **state)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
	    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(sin6);
	char buf[8];
	int l, c, a;

	(void)state;
	l = rump_sys_socket(AF_INET6, SOCK_STREAM, 0);
	assert_true(l >= 0);
	if (rump_sys_bind(l, (struct sockaddr *)&sin6, sizeof(sin6)) != 0) {
		assert_int_equal(errno, EADDRNOTAVAIL);
		rump_sys_close(l);
		print_message("the host has no ::1\n");
		skip();
	}
	assert_int_equal(rump_sys_listen(l, 1), 0);
	assert_int_equal(rump_sys_getsockname(l, (struct sockaddr *)&sin6,
	    &len), 0);
	c = rump_sys_socket(AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin6,
	    sizeof(sin6)), 0);
	a = rump_sys_accept(l, NULL, NULL);
	assert_true(a >= 0);
	assert_int_equal(rump_sys_send(c, "six", 3, 0), 3);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), 0), 3);
	assert_memory_equal(buf, "six", 3);
	rump_sys_close(a);
	rump_sys_close(c);
	rump_sys_close(l);
}

/* Control messages the host attaches to a datagram reach recvmsg. */
static void
udp_control_messages_of_the_host_reach_recvmsg(void **state)
{
	struct sockaddr_in sin = loopback(0);
	socklen_t len = sizeof(sin);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	char data[4];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cm.buf, .msg_controllen = sizeof(cm.buf) };
	struct cmsghdr *cmsg;
	int s, on = 1, ttl;

	(void)state;
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)&sin,
	    &len), 0);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on,
	    sizeof(on)), 0);
	assert_int_equal(rump_sys_sendto(s, "ttl", 3, 0,
	    (struct sockaddr *)&sin, sizeof(sin)), 3);
	assert_int_equal(rump_sys_recvmsg(s, &msg, 0), 3);
	cmsg = CMSG_FIRSTHDR(&msg);
	assert_non_null(cmsg);
	assert_int_equal(cmsg->cmsg_level, IPPROTO_IP);
	assert_int_equal(cmsg->cmsg_type, IP_TTL);
	memcpy(&ttl, CMSG_DATA(cmsg), sizeof(ttl));
	assert_true(ttl > 0);
	rump_sys_close(s);
}

/* A datagram's control messages on sendmsg reach the host: its TTL. */
static void
udp_control_messages_of_sendmsg_reach_the_host(void **state)
{
	struct sockaddr_in sin = loopback(0);
	socklen_t len = sizeof(sin);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} out, in;
	char data[4];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_name = &sin, .msg_namelen = sizeof(sin),
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = out.buf,
	    .msg_controllen = sizeof(out.buf) };
	struct cmsghdr *cmsg;
	int s, on = 1, ttl = 42;

	(void)state;
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)&sin,
	    &len), 0);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on,
	    sizeof(on)), 0);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = IPPROTO_IP;
	cmsg->cmsg_type = IP_TTL;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &ttl, sizeof(ttl));
	memcpy(data, "ttl!", 4);
	assert_int_equal(rump_sys_sendmsg(s, &msg, 0), 4);
	msg = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = in.buf, .msg_controllen = sizeof(in.buf) };
	assert_int_equal(rump_sys_recvmsg(s, &msg, 0), 4);
	cmsg = CMSG_FIRSTHDR(&msg);
	assert_non_null(cmsg);
	assert_int_equal(cmsg->cmsg_type, IP_TTL);
	ttl = 0;
	memcpy(&ttl, CMSG_DATA(cmsg), sizeof(ttl));
	assert_int_equal(ttl, 42);
	rump_sys_close(s);
}

static void
shutdown_wr_of_a_connected_udp_socket_ends_its_sends(void **state)
{
	struct sockaddr_in sin = loopback(9);
	int s;

	(void)state;
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(rump_sys_shutdown(s, SHUT_WR), 0);
	assert_int_equal(rump_sys_send(s, "x", 1, MSG_NOSIGNAL), -1);
	assert_int_equal(errno, EPIPE);
	rump_sys_close(s);
}

static void
urgent_data_on_a_stream_is_eopnotsupp(void **state)
{
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_send(c, "u", 1, MSG_OOB), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
an_option_the_host_does_not_know_is_its_error(void **state)
{
	int s, v = 1;
	socklen_t len = sizeof(v);

	(void)state;
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_TCP, 9999, &v, &len), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_TCP, 9999, &v,
	    sizeof(v)), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	rump_sys_close(s);
}

static void
getpeername_of_an_unconnected_stream_is_enotconn(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int s;

	(void)state;
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_getpeername(s, (struct sockaddr *)&sin,
	    &len), -1);
	assert_int_equal(errno, ENOTCONN);
	rump_sys_close(s);
}

static void
readv_skips_an_empty_piece_of_the_buffer(void **state)
{
	char none[1], buf[4];
	struct iovec iov[2] = { { none, 0 }, { buf, sizeof(buf) } };
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_send(c, "vecs", 4, 0), 4);
	assert_int_equal(rump_sys_readv(a, iov, 2), 4);
	assert_memory_equal(buf, "vecs", 4);
	rump_sys_close(a);
	rump_sys_close(c);
}

/* At the host's descriptor limit, a socket is the host's EMFILE. */
/*
 * The lowest host descriptor free now, and the descriptor limit lowered to
 * it in *low (the old one in *old): no new host descriptor from then on.
 */
static void
host_fds_exhaust(struct rlimit *old, struct rlimit *low)
{
	int lowest;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, old), 0);
	lowest = dup(0);
	assert_true(lowest >= 0);
	close(lowest);
	*low = *old;
	low->rlim_cur = (rlim_t)lowest;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, low), 0);
}

/*
 * A connection that came while the host had no descriptor for it: the
 * accept says EMFILE, and, the connection left in the host's backlog
 * (whose readiness the host reported once), the next accept takes it
 * once a descriptor is free.
 */
static void
a_connection_a_failed_host_accept_left_is_accepted_once_descriptors_free_up(void **state)
{
	struct rlimit old, low;
	struct sockaddr_in sin;
	int l, c, a;

	(void)state;
	l = tcptest_listener(&sin, 4);
	c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c >= 0);
	host_fds_exhaust(&old, &low);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	a = rump_sys_accept(l, NULL, NULL);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(a, -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(rump_sys_fcntl(l, F_SETFL, O_NONBLOCK), 0);
	a = rump_sys_accept(l, NULL, NULL);
	assert_true(a >= 0);
	assert_int_equal(rump_sys_send(c, "x", 1, 0), 1);
	assert_int_equal(rump_sys_recv(a, &(char){ 0 }, 1, 0), 1);
	rump_sys_close(a);
	rump_sys_close(c);
	rump_sys_close(l);
}

/* Poll on such a listener tries again too, and says it has one. */
static void
poll_on_a_listener_a_failed_host_accept_left_a_connection_says_readable(void **state)
{
	struct rlimit old, low;
	struct sockaddr_in sin;
	struct pollfd pfd;
	int l, c, a;

	(void)state;
	l = tcptest_listener(&sin, 4);
	c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c >= 0);
	host_fds_exhaust(&old, &low);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	pfd = (struct pollfd){ .fd = l, .events = POLLIN };
	/* The failure is reported (POLLERR), then the error to accept. */
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(pfd.revents, POLLERR);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(rump_sys_accept(l, NULL, NULL), -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(rump_sys_poll(&pfd, 1, 0), 1);
	assert_int_equal(pfd.revents, POLLIN);
	a = rump_sys_accept(l, NULL, NULL);
	assert_true(a >= 0);
	rump_sys_close(a);
	rump_sys_close(c);
	rump_sys_close(l);
}

static void
socket_at_the_hosts_descriptor_limit_is_emfile(void **state)
{
	struct rlimit old, low;
	int s;

	(void)state;
	host_fds_exhaust(&old, &low);
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(s, -1);
	assert_int_equal(errno, EMFILE);
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	rump_sys_close(s);
}

static uint64_t
sockin_pcbs(void)
{
	uint64_t v = 0;

	assert_int_equal(rump_kstat_get("sockin.pcbs", &v), 0);
	return v;
}

/* Sends without waiting until the host socket is full; what it took. */
static size_t
fill(int s)
{
	static char chunk[64 * 1024];
	size_t sent = 0;
	ssize_t n;

	while ((n = rump_sys_send(s, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		sent += (size_t)n;
	assert_int_equal(n, -1);
	assert_int_equal(errno, EAGAIN);
	return sent;
}

/* Reads exactly n bytes. */
static void
drain(int s, size_t n)
{
	static char chunk[64 * 1024];
	ssize_t got;

	while (n > 0) {
		got = rump_sys_read(s, chunk, MIN(n, sizeof(chunk)));
		assert_true(got > 0);
		n -= (size_t)got;
	}
}

/*
 * What a stream sent is in the host socket, none of it in ours: closed,
 * its control block goes at once, and the host's close sends the rest
 * on; the peer reads every byte and then end of file.
 */
static void
a_closed_stream_goes_at_once_and_the_host_delivers_what_it_took(void **state)
{
	char b;
	size_t sent;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	sent = fill(c);
	assert_int_equal(rump_sys_close(c), 0);
	assert_int_equal(sockin_pcbs(), 1);
	drain(a, sent);
	assert_int_equal(rump_sys_read(a, &b, 1), 0);
	rump_sys_close(a);
}

/*
 * MSG_DONTWAIT on a blocking socket: EAGAIN once the host is full, and
 * poll says "not writable" until the peer has read, then "writable".
 */
static void
a_full_host_socket_is_eagain_and_not_writable_until_the_peer_reads(void **state)
{
	struct pollfd pfd;
	size_t sent;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	sent = fill(c);
	pfd = (struct pollfd){ .fd = c, .events = POLLOUT };
	assert_int_equal(rump_sys_poll(&pfd, 1, 0), 0);
	drain(a, sent);
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(pfd.revents, POLLOUT);
	rump_sys_close(a);
	rump_sys_close(c);
}

/* A writer blocked in send(fd, len bytes of buf) on a thread of its own. */
struct writer {
	int fd;
	const char *buf;
	size_t len;
	pid_t tid;
	pthread_t t;
	ssize_t rv;
	int error;
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;

	__atomic_store_n(&w->tid, thread_self_id(), __ATOMIC_RELEASE);
	w->rv = rump_sys_send(w->fd, w->buf, w->len, MSG_NOSIGNAL);
	w->error = errno;
	return NULL;
}

/* Starts the writer on a full host socket and waits until it sleeps. */
static void
writer_start(struct writer *w, int fd, const char *buf, size_t len)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->buf = buf;
	w->len = len;
	assert_int_equal(pthread_create(&w->t, NULL, writer_main, w), 0);
	wait_thread_asleep(&w->tid);
}

static void
a_blocked_writer_sends_everything_once_the_peer_reads(void **state)
{
	static char big[4 * 1024 * 1024];
	struct writer w;
	size_t sent;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	sent = fill(c);
	writer_start(&w, c, big, sizeof(big));
	drain(a, sent + sizeof(big));
	assert_int_equal(pthread_join(w.t, NULL), 0);
	assert_int_equal(w.rv, sizeof(big));
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
a_blocked_writer_wakes_with_epipe_when_its_socket_is_shut(void **state)
{
	struct writer w;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	(void)fill(c);
	writer_start(&w, c, "x", 1);
	assert_int_equal(rump_sys_shutdown(c, SHUT_WR), 0);
	assert_int_equal(pthread_join(w.t, NULL), 0);
	assert_int_equal(w.rv, -1);
	assert_int_equal(w.error, EPIPE);
	rump_sys_close(a);
	rump_sys_close(c);
}

/*
 * SO_SNDTIMEO ends a blocking send that the host stopped taking: the
 * bytes it took are the count; a send taking none is EAGAIN.
 */
static void
so_sndtimeo_ends_a_blocked_send_with_what_the_host_took(void **state)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 20000 };
	size_t len = 64 * 1024 * 1024;
	char *big = calloc(1, len);
	ssize_t n;
	int c, a;

	(void)state;
	assert_non_null(big);
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)), 0);
	n = rump_sys_send(c, big, len, 0);
	assert_true(n > 0 && (size_t)n < len);
	assert_int_equal(rump_sys_send(c, big, len, 0), -1);
	assert_int_equal(errno, EAGAIN);
	free(big);
	rump_sys_close(a);
	rump_sys_close(c);
}

/*
 * Poll says "not writable" as soon as the host does, before a send met a
 * full host socket, and wakes when the peer has read.
 */
static void
poll_not_writable_before_a_send_meets_a_full_host_is_woken_by_room(void **state)
{
	static char piece[16 * 1024];
	struct pollfd pfd;
	size_t sent = 0;
	ssize_t n;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	pfd = (struct pollfd){ .fd = c, .events = POLLOUT };
	while (rump_sys_poll(&pfd, 1, 0) == 1) {
		n = rump_sys_send(c, piece, sizeof(piece), MSG_DONTWAIT);
		assert_true(n > 0);
		sent += (size_t)n;
	}
	drain(a, sent);
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(pfd.revents, POLLOUT);
	rump_sys_close(a);
	rump_sys_close(c);
}

/* Control messages on a stream are the host's to ignore, as Linux does. */
static void
control_messages_on_a_stream_do_not_stop_its_data(void **state)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} out;
	char data = 'x', got = 0;
	struct iovec iov = { &data, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = out.buf, .msg_controllen = sizeof(out.buf) };
	struct cmsghdr *cmsg;
	int c, a, ttl = 42;

	(void)state;
	tcptest_pair(&c, &a);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = IPPROTO_IP;
	cmsg->cmsg_type = IP_TTL;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &ttl, sizeof(ttl));
	assert_int_equal(rump_sys_sendmsg(c, &msg, 0), 1);
	assert_int_equal(rump_sys_recv(a, &got, 1, 0), 1);
	assert_int_equal(got, 'x');
	rump_sys_close(a);
	rump_sys_close(c);
}

/* A datagram socket is always writable: the host refuses what it cannot take. */
static void
poll_says_a_udp_socket_is_writable(void **state)
{
	struct pollfd pfd;
	int s;

	(void)state;
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	pfd = (struct pollfd){ .fd = s, .events = POLLOUT };
	assert_int_equal(rump_sys_poll(&pfd, 1, 0), 1);
	assert_int_equal(pfd.revents, POLLOUT);
	rump_sys_close(s);
}

/* More pieces than one host call took before reach the peer in order. */
static void
writev_of_many_pieces_reaches_the_peer_in_order(void **state)
{
	struct iovec iov[100];
	char src[100], dst[100];
	int c, a, i;

	(void)state;
	tcptest_pair(&c, &a);
	for (i = 0; i < 100; i++) {
		src[i] = (char)i;
		iov[i] = (struct iovec){ .iov_base = &src[i], .iov_len = 1 };
	}
	assert_int_equal(rump_sys_writev(c, iov, 100), 100);
	assert_int_equal(rump_sys_recv(a, dst, sizeof(dst), MSG_WAITALL), 100);
	assert_memory_equal(src, dst, sizeof(src));
	rump_sys_close(a);
	rump_sys_close(c);
}

/* A datagram of many pieces goes whole, one datagram. */
static void
sendmsg_of_a_datagram_in_many_pieces_sends_one_datagram(void **state)
{
	struct sockaddr_in sin = loopback(0);
	socklen_t len = sizeof(sin);
	struct iovec iov[100];
	char src[100], dst[200];
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 100 };
	int r, s, i;

	(void)state;
	r = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(r >= 0 && s >= 0);
	assert_int_equal(rump_sys_bind(r, (struct sockaddr *)&sin, len), 0);
	assert_int_equal(rump_sys_getsockname(r, (struct sockaddr *)&sin, &len), 0);
	msg.msg_name = &sin;
	msg.msg_namelen = len;
	for (i = 0; i < 100; i++) {
		src[i] = (char)i;
		iov[i] = (struct iovec){ .iov_base = &src[i], .iov_len = 1 };
	}
	assert_int_equal(rump_sys_sendmsg(s, &msg, 0), 100);
	assert_int_equal(rump_sys_recv(r, dst, sizeof(dst), 0), 100);
	assert_memory_equal(src, dst, sizeof(src));
	rump_sys_close(r);
	rump_sys_close(s);
}

/* ---- large transfers ---- */

#define BIG	(16 * 1024 * 1024)

static unsigned char
pattern(size_t i)
{
	return (unsigned char)((i * 7) ^ (i >> 13));
}

static void *
big_sender(void *arg)
{
	int s = *(int *)arg;
	static unsigned char chunk[256 * 1024];
	size_t off = 0;

	while (off < BIG) {
		size_t n = MIN(sizeof(chunk), (size_t)(BIG - off));
		ssize_t w;

		for (size_t i = 0; i < n; i++)
			chunk[i] = pattern(off + i);
		w = rump_sys_write(s, chunk, n);
		if (w <= 0)
			return (void *)1;
		off += (size_t)w;
		/* A short write leaves the rest of the chunk: start it again. */
	}
	rump_sys_shutdown(s, SHUT_WR);
	return NULL;
}

static void
sixteen_mebibytes_cross_byte_exact_and_end_with_eof(void **state)
{
	static unsigned char buf[100000];
	pthread_t t;
	size_t got = 0;
	ssize_t n;
	void *rv;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(pthread_create(&t, NULL, big_sender, &c), 0);
	while ((n = rump_sys_read(a, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(got + (size_t)i))
				fail_msg("byte %zu differs", got + (size_t)i);
		got += (size_t)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(got, BIG);
	assert_int_equal(pthread_join(t, &rv), 0);
	assert_null(rv);
	rump_sys_close(a);
	rump_sys_close(c);
}

/* ---- many connections ---- */

#define NCONN	1000

static void
thousand_concurrent_connections_leave_no_socket_behind(void **state)
{
	static int cl[NCONN], ac[NCONN];
	struct sockaddr_in sin;
	int l, i, before = host_fds();
	char b;

	(void)state;
	/* A process of its own: the descriptor table it grows goes with it. */
	assert_int_equal(rump_lwproc_rfork(RUMP_RFCFDG), 0);
	l = tcptest_listener(&sin, NCONN);
	for (i = 0; i < NCONN; i++) {
		cl[i] = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(cl[i] >= 0);
		if (rump_sys_connect(cl[i], (struct sockaddr *)&sin,
		    sizeof(sin)) == -1)
			assert_int_equal(errno, EINPROGRESS);
	}
	for (i = 0; i < NCONN; i++) {
		ac[i] = rump_sys_accept(l, NULL, NULL);
		assert_true(ac[i] >= 0);
	}
	for (i = 0; i < NCONN; i++) {
		struct pollfd pfd = { .fd = cl[i], .events = POLLOUT };

		assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
		assert_int_equal(rump_sys_send(cl[i], "x", 1, 0), 1);
	}
	for (i = 0; i < NCONN; i++) {
		assert_int_equal(rump_sys_recv(ac[i], &b, 1, 0), 1);
		rump_sys_close(ac[i]);
		rump_sys_close(cl[i]);
	}
	rump_sys_close(l);
	rump_lwproc_releaselwp();
	assert_int_equal(host_fds(), before);
}

/* ---- blocked threads ---- */

#define NWAIT	8

struct waiter {
	int fd;
	pthread_t t;
	ssize_t rv;
	int error;
};

static void *
recv_waiter(void *arg)
{
	struct waiter *w = arg;
	char b[4];

	w->rv = rump_sys_recv(w->fd, b, sizeof(b), 0);
	w->error = errno;
	return NULL;
}

static void *
accept_waiter(void *arg)
{
	struct waiter *w = arg;

	w->rv = rump_sys_accept(w->fd, NULL, NULL);
	w->error = errno;
	return NULL;
}

/* A reader blocked in recv(fd, 8 bytes, flags) on a thread of its own. */
struct reader {
	int fd;
	int flags;
	pid_t tid;
	pthread_t t;
	ssize_t rv;
	int error;
	char buf[8];
};

static void *
reader_main(void *arg)
{
	struct reader *r = arg;

	__atomic_store_n(&r->tid, thread_self_id(), __ATOMIC_RELEASE);
	r->rv = rump_sys_recv(r->fd, r->buf, sizeof(r->buf), r->flags);
	r->error = errno;
	return NULL;
}

/* Starts the reader and waits until it sleeps, nothing to read yet. */
static void
reader_start(struct reader *r, int fd, int flags)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->flags = flags;
	assert_int_equal(pthread_create(&r->t, NULL, reader_main, r), 0);
	wait_thread_asleep(&r->tid);
}

static void
reader_join(struct reader *r)
{
	assert_int_equal(pthread_join(r->t, NULL), 0);
}

static void
a_blocked_waitall_reader_gets_every_piece_sent_while_it_waits(void **state)
{
	struct reader r;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	reader_start(&r, a, MSG_WAITALL);
	assert_int_equal(rump_sys_send(c, "abc", 3, 0), 3);
	assert_int_equal(rump_sys_send(c, "defgh", 5, 0), 5);
	reader_join(&r);
	assert_int_equal(r.rv, 8);
	assert_memory_equal(r.buf, "abcdefgh", 8);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
a_blocked_reader_wakes_with_end_of_file_when_the_peer_closes(void **state)
{
	struct reader r;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	reader_start(&r, a, 0);
	assert_int_equal(rump_sys_close(c), 0);
	reader_join(&r);
	assert_int_equal(r.rv, 0);
	rump_sys_close(a);
}

static void
a_blocked_reader_wakes_with_econnreset_when_the_peer_resets(void **state)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct reader r;
	char b;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	reader_start(&r, a, 0);
	assert_int_equal(rump_sys_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)), 0);
	assert_int_equal(rump_sys_close(c), 0);
	reader_join(&r);
	assert_int_equal(r.rv, -1);
	assert_int_equal(r.error, ECONNRESET);
	/* The connection is gone both ways, as the host's is. */
	assert_int_equal(rump_sys_recv(a, &b, 1, 0), 0);
	assert_int_equal(rump_sys_send(a, "x", 1, MSG_NOSIGNAL), -1);
	assert_int_equal(errno, EPIPE);
	rump_sys_close(a);
}

static void
a_peek_on_a_blocked_reader_leaves_the_data_for_the_next_read(void **state)
{
	struct reader r;
	char buf[8];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	reader_start(&r, a, MSG_PEEK);
	assert_int_equal(rump_sys_send(c, "peek", 4, 0), 4);
	reader_join(&r);
	assert_int_equal(r.rv, 4);
	assert_memory_equal(r.buf, "peek", 4);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "peek", 4);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
fionread_of_a_listener_is_zero(void **state)
{
	struct sockaddr_in sin;
	int l, n = -1;

	(void)state;
	l = tcptest_listener(&sin, 1);
	assert_int_equal(rump_sys_ioctl(l, FIONREAD, &n), 0);
	assert_int_equal(n, 0);
	rump_sys_close(l);
}

/*
 * With one virtual CPU, threads asleep in recv and accept hold none, so
 * other threads' sends, connects and shutdowns go ahead and wake them.
 */
static void
threads_blocked_in_accept_and_recv_do_not_stall_the_others(void **state)
{
	struct waiter rw[NWAIT], aw[NWAIT];
	int cl[NWAIT], ac[NWAIT], i;
	struct sockaddr_in sin;
	int l;

	(void)state;
	for (i = 0; i < NWAIT; i++) {
		tcptest_pair(&cl[i], &ac[i]);
		rw[i].fd = ac[i];
		assert_int_equal(pthread_create(&rw[i].t, NULL, recv_waiter,
		    &rw[i]), 0);
	}
	l = tcptest_listener(&sin, NWAIT);
	for (i = 0; i < NWAIT; i++) {
		aw[i].fd = l;
		assert_int_equal(pthread_create(&aw[i].t, NULL, accept_waiter,
		    &aw[i]), 0);
	}
	/* Half the readers get data, the other half their socket shut. */
	for (i = 0; i < NWAIT; i++) {
		if (i % 2 == 0)
			assert_int_equal(rump_sys_send(cl[i], "d", 1, 0), 1);
		else
			assert_int_equal(rump_sys_shutdown(ac[i], SHUT_RD), 0);
	}
	for (i = 0; i < NWAIT; i++) {
		assert_int_equal(pthread_join(rw[i].t, NULL), 0);
		assert_int_equal(rw[i].rv, i % 2 == 0 ? 1 : 0);
		rump_sys_close(ac[i]);
		rump_sys_close(cl[i]);
	}
	for (i = 0; i < NWAIT; i++)
		cl[i] = connected(&sin);
	for (i = 0; i < NWAIT; i++) {
		assert_int_equal(pthread_join(aw[i].t, NULL), 0);
		assert_true(aw[i].rv >= 0);
		rump_sys_close((int)aw[i].rv);
		rump_sys_close(cl[i]);
	}
	rump_sys_close(l);
}

static int
boot_one_cpu(void **state)
{
	setenv("RUMP_NCPU", "1", 1);
	setenv("RUMP_NOFILE", "4096", 1);
	return apitest_boot(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(connection_is_accepted_and_carries_data_both_ways),
		leak_test(connect_to_a_closed_port_is_econnrefused),
		leak_test(bind_to_a_listening_port_is_eaddrinuse),
		leak_test(accept_on_an_empty_nonblocking_listener_is_eagain),
		leak_test(send_to_a_closed_peer_is_epipe_or_econnreset_not_sigpipe),
		leak_test(shutdown_wr_gives_the_peer_end_of_file_and_keeps_reading),
		leak_test(close_with_so_linger_returns_once_the_host_holds_the_data),
		leak_test(a_lingering_close_lets_other_threads_calls_go_on),
		leak_test(nonblocking_connect_completes_and_poll_says_writable),
		leak_test(poll_sees_a_sockin_socket_and_a_pipe_together),
		leak_test(protocol_options_reach_the_host_socket),
		leak_test(ipv6_connection_over_the_hosts_loopback_carries_data),
		leak_test(udp_control_messages_of_the_host_reach_recvmsg),
		leak_test(udp_control_messages_of_sendmsg_reach_the_host),
		leak_test(shutdown_wr_of_a_connected_udp_socket_ends_its_sends),
		leak_test(urgent_data_on_a_stream_is_eopnotsupp),
		leak_test(an_option_the_host_does_not_know_is_its_error),
		leak_test(getpeername_of_an_unconnected_stream_is_enotconn),
		leak_test(readv_skips_an_empty_piece_of_the_buffer),
		leak_test(socket_at_the_hosts_descriptor_limit_is_emfile),
		leak_test(a_connection_a_failed_host_accept_left_is_accepted_once_descriptors_free_up),
		leak_test(poll_on_a_listener_a_failed_host_accept_left_a_connection_says_readable),
		leak_test(a_closed_stream_goes_at_once_and_the_host_delivers_what_it_took),
		leak_test(a_full_host_socket_is_eagain_and_not_writable_until_the_peer_reads),
		leak_test(a_blocked_writer_sends_everything_once_the_peer_reads),
		leak_test(a_blocked_writer_wakes_with_epipe_when_its_socket_is_shut),
		leak_test(so_sndtimeo_ends_a_blocked_send_with_what_the_host_took),
		leak_test(poll_not_writable_before_a_send_meets_a_full_host_is_woken_by_room),
		leak_test(control_messages_on_a_stream_do_not_stop_its_data),
		leak_test(poll_says_a_udp_socket_is_writable),
		leak_test(writev_of_many_pieces_reaches_the_peer_in_order),
		leak_test(sendmsg_of_a_datagram_in_many_pieces_sends_one_datagram),
		leak_test(sixteen_mebibytes_cross_byte_exact_and_end_with_eof),
		leak_test(thousand_concurrent_connections_leave_no_socket_behind),
		leak_test(a_blocked_waitall_reader_gets_every_piece_sent_while_it_waits),
		leak_test(a_blocked_reader_wakes_with_end_of_file_when_the_peer_closes),
		leak_test(a_blocked_reader_wakes_with_econnreset_when_the_peer_resets),
		leak_test(a_peek_on_a_blocked_reader_leaves_the_data_for_the_next_read),
		leak_test(fionread_of_a_listener_is_zero),
		leak_test(threads_blocked_in_accept_and_recv_do_not_stall_the_others),
	};

	return cmocka_run_group_tests(tests, boot_one_cpu, apitest_halt);
}
