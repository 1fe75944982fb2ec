/*
 * UDP and raw IP sockets through the public interface, over the loopback
 * interface of one rump kernel: the calls a Linux socket program makes,
 * with rump_sys_ in front.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include "apitest.h"
#include "udptest.h"

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
udp_datagram_reaches_bound_socket_with_source_address(void **state)
{
	struct sockaddr_in a, b, from;
	socklen_t fromlen = sizeof(from);
	char buf[64];
	int sa, sb;

	(void)state;
	sa = udptest_bound(&a);
	sb = udptest_bound(&b);
	assert_int_equal(rump_sys_sendto(sb, "hello", 5, 0,
	    (struct sockaddr *)&a, sizeof(a)), 5);
	assert_int_equal(rump_sys_recvfrom(sa, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &fromlen), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(fromlen, sizeof(from));
	assert_int_equal(from.sin_family, AF_INET);
	assert_int_equal(from.sin_port, b.sin_port);
	assert_int_equal(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	rump_sys_close(sa);
	rump_sys_close(sb);
}

static void
udp_connected_socket_sends_and_receives_with_send_recv(void **state)
{
	struct sockaddr_in a, b, peer;
	socklen_t len = sizeof(peer);
	char buf[16];
	int sa, sb;

	(void)state;
	sa = udptest_bound(&a);
	sb = udptest_bound(&b);
	assert_int_equal(rump_sys_connect(sb, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(rump_sys_getpeername(sb, (struct sockaddr *)&peer, &len), 0);
	assert_int_equal(peer.sin_port, a.sin_port);
	assert_int_equal(rump_sys_write(sb, "abc", 3), 3);
	assert_int_equal(rump_sys_read(sa, buf, sizeof(buf)), 3);
	rump_sys_close(sa);
	rump_sys_close(sb);
}

static void
udp_connected_socket_gets_econnrefused_from_closed_port(void **state)
{
	struct sockaddr_in a, closed;
	char buf[16];
	int sa, sc;

	(void)state;
	/* A port that was bound and closed again is certainly free. */
	sc = udptest_bound(&closed);
	rump_sys_close(sc);
	sa = udptest_bound(&a);
	assert_int_equal(rump_sys_connect(sa, (struct sockaddr *)&closed,
	    sizeof(closed)), 0);
	assert_int_equal(rump_sys_send(sa, "x", 1, 0), 1);
	errno = 0;
	assert_int_equal(rump_sys_recv(sa, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, ECONNREFUSED);
	rump_sys_close(sa);
}

static void
udp_getpeername_on_unconnected_socket_is_enotconn(void **state)
{
	struct sockaddr_in a, peer;
	socklen_t len = sizeof(peer);
	int sa;

	(void)state;
	sa = udptest_bound(&a);
	assert_int_equal(rump_sys_getpeername(sa, (struct sockaddr *)&peer, &len), -1);
	assert_int_equal(errno, ENOTCONN);
	rump_sys_close(sa);
}

static void
udp_bind_to_taken_port_is_eaddrinuse_unless_reuseaddr(void **state)
{
	struct sockaddr_in a;
	int sa, sb, on = 1;

	(void)state;
	sa = udptest_bound(&a);
	sb = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(rump_sys_bind(sb, (struct sockaddr *)&a, sizeof(a)), -1);
	assert_int_equal(errno, EADDRINUSE);
	rump_sys_close(sb);
	sb = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(rump_sys_setsockopt(sa, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)), 0);
	assert_int_equal(rump_sys_setsockopt(sb, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)), 0);
	assert_int_equal(rump_sys_bind(sb, (struct sockaddr *)&a, sizeof(a)), 0);
	rump_sys_close(sa);
	rump_sys_close(sb);
}

static void
udp_bind_to_foreign_address_is_eaddrnotavail(void **state)
{
	struct sockaddr_in sin = loopback(0);
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	(void)state;
	sin.sin_addr.s_addr = htonl(0xc6120063);	/* 198.18.0.99 */
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(errno, EADDRNOTAVAIL);
	rump_sys_close(s);
}

static void
udp_recv_on_empty_nonblocking_socket_is_eagain(void **state)
{
	struct sockaddr_in a;
	char buf[8];
	int s, on = 1;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rump_sys_ioctl(s, FIONBIO, &on), 0);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EAGAIN);
	rump_sys_close(s);
	s = rump_sys_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(rump_sys_fcntl(s, F_GETFL, 0) & O_NONBLOCK);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EAGAIN);
	rump_sys_close(s);
}

static void
udp_recv_times_out_after_so_rcvtimeo(void **state)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 50000 }, got;
	socklen_t len = sizeof(got);
	struct timespec t0, t1;
	struct sockaddr_in a;
	char buf[8];
	int s;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got,
	    &len), 0);
	assert_int_equal(got.tv_usec, 50000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(errno, EAGAIN);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000000000L +
	    (t1.tv_nsec - t0.tv_nsec) >= 49000000L);
	rump_sys_close(s);
}

static void
udp_short_buffer_truncates_datagram_and_says_so(void **state)
{
	struct sockaddr_in a;
	struct iovec iov;
	struct msghdr msg;
	char buf[4];
	int s;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_sendto(s, "0123456789", 10, 0,
	    (struct sockaddr *)&a, sizeof(a)), 10);
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	assert_int_equal(rump_sys_recvmsg(s, &msg, 0), 4);
	assert_true(msg.msg_flags & MSG_TRUNC);
	assert_memory_equal(buf, "0123", 4);
	/* The rest of the datagram is gone. */
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	rump_sys_close(s);
}

static void
udp_peek_leaves_the_datagram_and_fionread_reports_its_size(void **state)
{
	struct sockaddr_in a;
	char buf[16];
	int s, n = -1;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_sendto(s, "first", 5, 0, (struct sockaddr *)&a,
	    sizeof(a)), 5);
	assert_int_equal(rump_sys_sendto(s, "second!", 7, 0,
	    (struct sockaddr *)&a, sizeof(a)), 7);
	/* Loopback delivers from a soft interrupt: wait for the first. */
	assert_int_equal(rump_sys_poll(&(struct pollfd){ .fd = s,
	    .events = POLLIN }, 1, 5000), 1);
	assert_int_equal(rump_sys_ioctl(s, FIONREAD, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), MSG_PEEK), 5);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), 5);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), 7);
	assert_memory_equal(buf, "second!", 7);
	rump_sys_close(s);
}

static void
udp_empty_datagram_is_delivered_as_zero_bytes(void **state)
{
	struct sockaddr_in a;
	char buf[8];
	int s;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_sendto(s, "", 0, 0, (struct sockaddr *)&a,
	    sizeof(a)), 0);
	assert_int_equal(rump_sys_sendto(s, "after", 5, 0,
	    (struct sockaddr *)&a, sizeof(a)), 5);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), 0);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), 5);
	rump_sys_close(s);
}

static void
udp_large_datagram_crosses_loopback_whole(void **state)
{
	static char out[60000], in[60000];
	struct sockaddr_in a;
	int s;

	(void)state;
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7);
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_sendto(s, out, sizeof(out), 0,
	    (struct sockaddr *)&a, sizeof(a)), (ssize_t)sizeof(out));
	assert_int_equal(rump_sys_recv(s, in, sizeof(in), 0), (ssize_t)sizeof(in));
	assert_memory_equal(in, out, sizeof(out));
	rump_sys_close(s);
}

static void
udp_datagram_beyond_65507_bytes_is_emsgsize(void **state)
{
	static char big[65508];
	struct sockaddr_in a;
	int s;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_sendto(s, big, sizeof(big), 0,
	    (struct sockaddr *)&a, sizeof(a)), -1);
	assert_int_equal(errno, EMSGSIZE);
	rump_sys_close(s);
}

static void
udp_full_receive_buffer_drops_and_counts(void **state)
{
	struct sockaddr_in a;
	uint64_t before, after, dbefore, dafter;
	char buf[1000];
	int s, size = 4096, got = 0;

	(void)state;
	SKIP_ON_REMOTE("needs the kernel's counters or rump_lwproc_rfork");
	SKIP_ON_SOCKIN("reads the rump stack's UDP counters");
	memset(buf, 0, sizeof(buf));
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size,
	    sizeof(size)), 0);

	assert_int_equal(rump_kstat_get("udp.fullsock", &before), 0);
	assert_int_equal(rump_kstat_get("udp.delivered", &dbefore), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(rump_sys_sendto(s, buf, sizeof(buf), 0,
		    (struct sockaddr *)&a, sizeof(a)), (ssize_t)sizeof(buf));
	/* Loopback delivers from a softint: wait until all 20 are decided. */
	for (int waited = 0; waited < 10000; waited++) {
		assert_int_equal(rump_kstat_get("udp.fullsock", &after), 0);
		assert_int_equal(rump_kstat_get("udp.delivered", &dafter), 0);
		if ((after - before) + (dafter - dbefore) >= 20)
			break;
		rump_sys_poll(NULL, 0, 1);
	}
	while (rump_sys_recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	assert_true(got >= 1 && got < 20);
	assert_int_equal(dafter - dbefore, (uint64_t)got);
	assert_int_equal(after - before, (uint64_t)(20 - got));
	rump_sys_close(s);
}

static void
udp_recv_with_msg_trunc_returns_the_whole_datagrams_length(void **state)
{
	struct sockaddr_in a;
	char buf[2];
	int s;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_sendto(s, "hello world", 11, 0,
	    (struct sockaddr *)&a, sizeof(a)), 11);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), MSG_TRUNC), 11);
	assert_memory_equal(buf, "he", 2);
	rump_sys_close(s);
}

static void
address_without_a_length_pointer_is_efault(void **state)
{
	struct sockaddr_in a, from;
	char buf[8];
	int s;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)&from,
	    NULL), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&a,
	    sizeof(a)), 1);
	assert_int_equal(rump_sys_recvfrom(s, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, NULL), -1);
	assert_int_equal(errno, EFAULT);
	rump_sys_close(s);
}

static void
socket_at_the_descriptor_limit_is_emfile(void **state)
{
	int fd, s;

	(void)state;
	SKIP_ON_REMOTE("needs the kernel's counters or rump_lwproc_rfork");
	/* A process of its own, whose table is filled and then freed. */
	assert_int_equal(rump_lwproc_rfork(RUMP_RFCFDG), 0);
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	while ((fd = rump_sys_dup(s)) >= 0)
		continue;
	assert_int_equal(errno, EMFILE);
	assert_int_equal(rump_sys_socket(AF_INET, SOCK_DGRAM, 0), -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
}

static void
interface_ioctl_with_a_null_pointer_is_efault(void **state)
{
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	(void)state;
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFFLAGS, NULL), -1);
	assert_int_equal(errno, EFAULT);
	rump_sys_close(s);
}

static void
interface_address_is_read_through_the_sockets_family(void **state)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int s;

	(void)state;
	SKIP_ON_SOCKIN("needs a rump-owned interface (lo0)");
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	/* As Linux programs do: only the name is set. */
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo0");
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFADDR, &ifr), 0);
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	assert_true(ifr.ifr_flags & IFF_UP);
	assert_true(ifr.ifr_flags & IFF_LOOPBACK);
	strcpy(ifr.ifr_name, "nosuch0");
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), -1);
	assert_int_equal(errno, ENODEV);
	rump_sys_close(s);
}

struct dontwait_sender {
	int s;
	struct sockaddr_in to;
	int eagain;
};

static void *
send_dontwait(void *arg)
{
	struct dontwait_sender *d = arg;
	static char big[30000];

	for (int i = 0; i < 500; i++)
		if (rump_sys_sendto(d->s, big, sizeof(big), MSG_DONTWAIT,
		    (struct sockaddr *)&d->to, sizeof(d->to)) < 0 &&
		    errno == EAGAIN)
			d->eagain++;
	return NULL;
}

static void
non_blocking_senders_on_one_socket_do_not_turn_each_other_away(void **state)
{
	struct dontwait_sender a, b;
	struct sockaddr_in sink;
	uint64_t in0, drop0, in, drop;
	pthread_t ta, tb;
	int s, r, size = 1;

	(void)state;
	SKIP_ON_REMOTE("needs the kernel's counters or rump_lwproc_rfork");
	SKIP_ON_SOCKIN("reads the rump stack's UDP counters");
	assert_int_equal(rump_kstat_get("udp.ipackets", &in0), 0);
	assert_int_equal(rump_kstat_get("udp.oqdrops", &drop0), 0);
	r = udptest_bound(&sink);
	/* The sink drops what it cannot hold; senders must not care. */
	assert_int_equal(rump_sys_setsockopt(r, SOL_SOCKET, SO_RCVBUF, &size,
	    sizeof(size)), 0);
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	a = (struct dontwait_sender){ .s = s, .to = sink };
	b = a;
	assert_int_equal(pthread_create(&ta, NULL, send_dontwait, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, send_dontwait, &b), 0);
	assert_int_equal(pthread_join(ta, NULL), 0);
	assert_int_equal(pthread_join(tb, NULL), 0);
	assert_int_equal(a.eagain, 0);
	assert_int_equal(b.eagain, 0);
	/* Loopback delivers later: wait until all 1000 arrived or were lost. */
	for (int waited = 0; waited < 10000; waited++) {
		assert_int_equal(rump_kstat_get("udp.ipackets", &in), 0);
		assert_int_equal(rump_kstat_get("udp.oqdrops", &drop), 0);
		if ((in - in0) + (drop - drop0) >= 1000)
			break;
		rump_sys_poll(NULL, 0, 1);
	}
	assert_int_equal((in - in0) + (drop - drop0), 1000);
	rump_sys_close(s);
	rump_sys_close(r);
}

static void
recv_of_zero_bytes_waits_for_a_datagram(void **state)
{
	struct sockaddr_in a;
	char c;
	int s;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_recv(s, &c, 0, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rump_sys_sendto(s, "abc", 3, 0, (struct sockaddr *)&a,
	    sizeof(a)), 3);
	/* The usual way to learn a datagram's size before reading it. */
	assert_int_equal(rump_sys_recv(s, NULL, 0, MSG_PEEK | MSG_TRUNC), 3);
	assert_int_equal(rump_sys_recv(s, &c, 1, 0), 1);
	rump_sys_close(s);
}

static void
datagram_larger_than_the_socket_buffers_goes_through(void **state)
{
	static char out[8000], in[8000];
	struct sockaddr_in a;
	int s, small = 1024;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &small,
	    sizeof(small)), 0);
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small,
	    sizeof(small)), 0);
	assert_int_equal(rump_sys_sendto(s, out, sizeof(out), 0,
	    (struct sockaddr *)&a, sizeof(a)), (ssize_t)sizeof(out));
	assert_int_equal(rump_sys_recv(s, in, sizeof(in), 0), (ssize_t)sizeof(in));
	rump_sys_close(s);
}

static void
poll_finds_the_one_readable_socket_among_many(void **state)
{
	enum { N = 100 };
	struct pollfd pfd[N];
	struct sockaddr_in sin[N];
	char buf[8];

	(void)state;
	SKIP_ON_REMOTE("needs the kernel's counters or rump_lwproc_rfork");
	/* A process of its own: its grown descriptor table goes with it. */
	assert_int_equal(rump_lwproc_rfork(RUMP_RFCFDG), 0);
	for (int i = 0; i < N; i++) {
		pfd[i].fd = udptest_bound(&sin[i]);
		pfd[i].events = POLLIN;
	}
	assert_int_equal(rump_sys_poll(pfd, N, 0), 0);
	assert_int_equal(rump_sys_sendto(pfd[0].fd, "p", 1, 0,
	    (struct sockaddr *)&sin[57], sizeof(sin[57])), 1);
	assert_int_equal(rump_sys_poll(pfd, N, 5000), 1);
	for (int i = 0; i < N; i++)
		assert_int_equal(pfd[i].revents, i == 57 ? POLLIN : 0);
	assert_int_equal(rump_sys_recv(pfd[57].fd, buf, sizeof(buf), 0), 1);
	for (int i = 0; i < N; i++)
		rump_sys_close(pfd[i].fd);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
}

static void
shutdown_rd_makes_recv_return_end_of_file(void **state)
{
	struct sockaddr_in a;
	char buf[8];
	int s;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(rump_sys_shutdown(s, SHUT_RD), 0);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), 0);
	assert_int_equal(rump_sys_shutdown(s, 7), -1);
	assert_int_equal(errno, EINVAL);
	rump_sys_close(s);
}

static void
shutdown_of_an_unconnected_socket_is_enotconn_but_shuts_it(void **state)
{
	struct pollfd pfd;
	struct sockaddr_in a;
	char buf[8];
	int s;

	(void)state;
	s = udptest_bound(&a);
	/* As Linux: the error is reported and the shutdown done anyway. */
	assert_int_equal(rump_sys_shutdown(s, SHUT_RD), -1);
	assert_int_equal(errno, ENOTCONN);
	pfd = (struct pollfd){ .fd = s, .events = POLLIN | POLLRDHUP };
	assert_int_equal(rump_sys_poll(&pfd, 1, 0), 1);
	assert_true(pfd.revents & POLLRDHUP);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), 0);
	rump_sys_close(s);
}

static void
udp_urgent_data_is_eopnotsupp(void **state)
{
	struct sockaddr_in a;
	int s;

	(void)state;
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_sendto(s, "x", 1, MSG_OOB,
	    (struct sockaddr *)&a, sizeof(a)), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	rump_sys_close(s);
}

static void
udp_to_0_0_0_0_reaches_this_host(void **state)
{
	struct sockaddr_in a, any;
	char buf[8];
	int s;

	(void)state;
	s = udptest_bound(&a);
	any = a;
	any.sin_addr.s_addr = htonl(INADDR_ANY);
	assert_int_equal(rump_sys_sendto(s, "here", 4, 0,
	    (struct sockaddr *)&any, sizeof(any)), 4);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), 4);
	rump_sys_close(s);
}

/* As Linux's udp_sendmsg: port 0 is nobody's. */
static void
udp_sendto_port_0_is_einval(void **state)
{
	struct sockaddr_in a, zero;
	int s;

	(void)state;
	s = udptest_bound(&a);
	zero = a;
	zero.sin_port = 0;
	assert_int_equal(rump_sys_sendto(s, "x", 1, 0,
	    (struct sockaddr *)&zero, sizeof(zero)), -1);
	assert_int_equal(errno, EINVAL);
	rump_sys_close(s);
}

/* As Linux's: a short address is EINVAL, one not AF_INET EAFNOSUPPORT. */
static void
udp_bind_or_connect_to_a_short_or_foreign_address_is_refused(void **state)
{
	struct sockaddr_in a = loopback(7), foreign = loopback(7);
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	(void)state;
	assert_true(s >= 0);
	foreign.sin_family = AF_INET6;
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&a, 8), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&foreign,
	    sizeof(foreign)), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&a, 8), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&foreign,
	    sizeof(foreign)), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	rump_sys_close(s);
}

/* Only lo0 and its 127/8: 198.18.0.1 has no route. */
static void
udp_sendto_an_address_without_a_route_is_enetunreach(void **state)
{
	struct sockaddr_in far = { .sin_family = AF_INET,
	    .sin_port = htons(9), .sin_addr = { htonl(0xc6120001) } };
	int s;

	(void)state;
	SKIP_ON_SOCKIN("the host's routes are its own");
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&far,
	    sizeof(far)), -1);
	assert_int_equal(errno, ENETUNREACH);
	rump_sys_close(s);
}

static void
socket_options_read_back_what_was_set(void **state)
{
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	int val, ttl = 7, tos = 0x10, size = 65536;
	socklen_t len = sizeof(val);

	(void)state;
	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_TYPE, &val, &len), 0);
	assert_int_equal(val, SOCK_DGRAM);
	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_ERROR, &val, &len), 0);
	assert_int_equal(val, 0);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_TTL, &ttl,
	    sizeof(ttl)), 0);
	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_IP, IP_TTL, &val, &len), 0);
	assert_int_equal(val, 7);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_TOS, &tos,
	    sizeof(tos)), 0);
	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_IP, IP_TOS, &val, &len), 0);
	assert_int_equal(val, 0x10);
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &size,
	    sizeof(size)), 0);
	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_SNDBUF, &val, &len), 0);
	/* Doubled, as Linux reports it (socket(7)). */
	assert_int_equal(val, 131072);
	val = 1;
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_BROADCAST, &val,
	    sizeof(val)), 0);
	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_BROADCAST, &val,
	    &len), 0);
	assert_int_equal(val, 1);
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, 9999, &val,
	    sizeof(val)), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	ttl = 0;
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_TTL, &ttl,
	    sizeof(ttl)), -1);
	assert_int_equal(errno, EINVAL);
	rump_sys_close(s);
}

static void
socket_of_unknown_family_or_type_fails(void **state)
{
	(void)state;
#ifndef RUMP_TEST_SOCKIN
	/* sockin has AF_INET6: the host's. */
	assert_int_equal(rump_sys_socket(AF_INET6, SOCK_DGRAM, 0), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
#endif
	assert_int_equal(rump_sys_socket(AF_PACKET, SOCK_DGRAM, 0), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	assert_int_equal(rump_sys_socket(AF_INET, SOCK_SEQPACKET, 0), -1);
	assert_true(errno == ESOCKTNOSUPPORT || errno == EPROTONOSUPPORT);
	assert_int_equal(rump_sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), -1);
	assert_int_equal(errno, EPROTONOSUPPORT);
}

static void
socket_calls_on_a_pipe_are_enotsock(void **state)
{
	struct sockaddr_in a = loopback(1);
	int fds[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	assert_int_equal(rump_sys_bind(fds[0], (struct sockaddr *)&a, sizeof(a)), -1);
	assert_int_equal(errno, ENOTSOCK);
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);
}

/* The RFC 1071 checksum, as a user program computes it for ICMP. */
static uint16_t
user_cksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void
raw_icmp_socket_gets_echo_reply_with_ip_header(void **state)
{
	struct sockaddr_in lo = loopback(0), from;
	socklen_t fromlen = sizeof(from);
	struct icmphdr req = {
		.type = ICMP_ECHO,
		.un.echo.id = htons(0x4242),
		.un.echo.sequence = htons(1),
	};
	char buf[256];
	int s, n;

	(void)state;
	SKIP_ON_SOCKIN("raw sockets are the rump stack's");
	s = rump_sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	assert_true(s >= 0);
	req.checksum = user_cksum(&req, sizeof(req));
	assert_int_equal(rump_sys_sendto(s, &req, sizeof(req), 0,
	    (struct sockaddr *)&lo, sizeof(lo)), (ssize_t)sizeof(req));
	/* The socket sees every ICMP packet: our request, then the reply. */
	for (;;) {
		struct ip *ip = (struct ip *)buf;
		struct icmphdr *icmp;

		n = (int)rump_sys_recvfrom(s, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fromlen);
		assert_true(n >= (int)(sizeof(struct ip) + sizeof(*icmp)));
		assert_int_equal(ip->ip_v, 4);
		assert_int_equal(ip->ip_p, IPPROTO_ICMP);
		icmp = (struct icmphdr *)(buf + ip->ip_hl * 4);
		if (icmp->type != ICMP_ECHOREPLY)
			continue;
		assert_int_equal(ntohs(icmp->un.echo.id), 0x4242);
		assert_int_equal(ntohs(icmp->un.echo.sequence), 1);
		assert_int_equal(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
		break;
	}
	rump_sys_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(udp_datagram_reaches_bound_socket_with_source_address),
		leak_test(udp_connected_socket_sends_and_receives_with_send_recv),
		leak_test(udp_connected_socket_gets_econnrefused_from_closed_port),
		leak_test(udp_getpeername_on_unconnected_socket_is_enotconn),
		leak_test(udp_bind_to_taken_port_is_eaddrinuse_unless_reuseaddr),
		leak_test(udp_bind_to_foreign_address_is_eaddrnotavail),
		leak_test(udp_recv_on_empty_nonblocking_socket_is_eagain),
		leak_test(udp_recv_times_out_after_so_rcvtimeo),
		leak_test(udp_short_buffer_truncates_datagram_and_says_so),
		leak_test(udp_peek_leaves_the_datagram_and_fionread_reports_its_size),
		leak_test(udp_empty_datagram_is_delivered_as_zero_bytes),
		leak_test(udp_large_datagram_crosses_loopback_whole),
		leak_test(udp_datagram_beyond_65507_bytes_is_emsgsize),
		leak_test(udp_full_receive_buffer_drops_and_counts),
		leak_test(udp_recv_with_msg_trunc_returns_the_whole_datagrams_length),
		leak_test(address_without_a_length_pointer_is_efault),
		leak_test(socket_at_the_descriptor_limit_is_emfile),
		leak_test(interface_ioctl_with_a_null_pointer_is_efault),
		leak_test(interface_address_is_read_through_the_sockets_family),
		leak_test(non_blocking_senders_on_one_socket_do_not_turn_each_other_away),
		leak_test(recv_of_zero_bytes_waits_for_a_datagram),
		leak_test(datagram_larger_than_the_socket_buffers_goes_through),
		leak_test(poll_finds_the_one_readable_socket_among_many),
		leak_test(shutdown_rd_makes_recv_return_end_of_file),
		leak_test(shutdown_of_an_unconnected_socket_is_enotconn_but_shuts_it),
		leak_test(udp_urgent_data_is_eopnotsupp),
		leak_test(udp_to_0_0_0_0_reaches_this_host),
		leak_test(udp_sendto_port_0_is_einval),
		leak_test(udp_bind_or_connect_to_a_short_or_foreign_address_is_refused),
		leak_test(udp_sendto_an_address_without_a_route_is_enetunreach),
		leak_test(socket_options_read_back_what_was_set),
		leak_test(socket_of_unknown_family_or_type_fails),
		leak_test(socket_calls_on_a_pipe_are_enotsock),
		leak_test(raw_icmp_socket_gets_echo_reply_with_ip_header),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
