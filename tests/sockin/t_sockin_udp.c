/*
 * UDP through sockin: a datagram waits in the host socket until its
 * reader takes it, straight into the reader's buffer, with its source
 * and control messages, as a host program gets it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "apitest.h"
#include "udptest.h"

/* The TTL a datagram's IP_TTL control message gives, or -1 for none. */
static int
msg_ttl(struct msghdr *msg)
{
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(msg);
	int ttl;

	if (cmsg == NULL || cmsg->cmsg_level != IPPROTO_IP ||
	    cmsg->cmsg_type != IP_TTL)
		return -1;
	memcpy(&ttl, CMSG_DATA(cmsg), sizeof(ttl));
	return ttl;
}

/* As on Linux: a peek gives what the read after it gives, all of it. */
static void
a_peek_reports_the_datagrams_source_and_control_messages_too(void **state)
{
	struct sockaddr_in sin, from;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	char data[8];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_name = &from, .msg_iov = &iov,
	    .msg_iovlen = 1, .msg_control = cm.buf };
	int s, on = 1;

	(void)state;
	s = udptest_bound(&sin);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on,
	    sizeof(on)), 0);
	assert_int_equal(rump_sys_sendto(s, "peek", 4, 0,
	    (struct sockaddr *)&sin, sizeof(sin)), 4);
	for (int flags = MSG_PEEK;; flags = 0) {
		memset(&from, 0, sizeof(from));
		msg.msg_namelen = sizeof(from);
		msg.msg_controllen = sizeof(cm.buf);
		assert_int_equal(rump_sys_recvmsg(s, &msg, flags), 4);
		assert_memory_equal(data, "peek", 4);
		assert_int_equal(msg.msg_namelen, sizeof(from));
		assert_int_equal(from.sin_port, sin.sin_port);
		assert_true(msg_ttl(&msg) > 0);
		if (flags == 0)
			break;
	}
	assert_int_equal(rump_sys_recv(s, data, sizeof(data), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	rump_sys_close(s);
}

/* A datagram goes whole into a buffer of more pieces than a stream's read. */
static void
a_datagram_fills_a_buffer_of_many_pieces_in_order(void **state)
{
	static const char text[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char got[sizeof(text)];
	struct iovec iov[sizeof(text)];
	struct sockaddr_in sin;
	int s;

	(void)state;
	for (size_t i = 0; i < sizeof(text); i++)
		iov[i] = (struct iovec){ &got[i], 1 };
	s = udptest_bound(&sin);
	assert_int_equal(rump_sys_sendto(s, text, sizeof(text), 0,
	    (struct sockaddr *)&sin, sizeof(sin)), (ssize_t)sizeof(text));
	assert_int_equal(rump_sys_readv(s, iov, (int)sizeof(text)),
	    (ssize_t)sizeof(text));
	assert_memory_equal(got, text, sizeof(text));
	rump_sys_close(s);
}

/*
 * An ICMP error of a connected socket is the socket's pending error, as
 * on Linux: poll says POLLERR, the next call reports it, and only that one.
 */
static void
an_icmp_error_is_reported_by_poll_then_once_by_the_next_call(void **state)
{
	struct sockaddr_in a, closed;
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	char buf[4];
	int s, error = -1;

	(void)state;
	/* A port that was bound and closed again is certainly free. */
	rump_sys_close(udptest_bound(&closed));
	s = udptest_bound(&a);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&closed,
	    sizeof(closed)), 0);
	assert_int_equal(rump_sys_send(s, "x", 1, 0), 1);
	pfd.fd = s;
	pfd.events = POLLIN;
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), 1);
	assert_int_equal(pfd.revents, POLLERR);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rump_sys_getsockopt(s, SOL_SOCKET, SO_ERROR, &error,
	    &len), 0);
	assert_int_equal(error, 0);
	rump_sys_close(s);
}

/*
 * The datagrams wait in the host socket, so SO_RCVBUF must size the
 * host's buffer: a small one keeps few of many datagrams, and the host
 * drops the rest, as Linux does.
 */
static void
so_rcvbuf_bounds_the_datagrams_the_host_keeps(void **state)
{
	struct sockaddr_in sin;
	char buf[1000] = { 0 };
	int s, size = 4096, got = 1;

	(void)state;
	s = udptest_bound(&sin);
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size,
	    sizeof(size)), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(rump_sys_sendto(s, buf, sizeof(buf), 0,
		    (struct sockaddr *)&sin, sizeof(sin)), (ssize_t)sizeof(buf));
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), 0), sizeof(buf));
	while (rump_sys_recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	assert_int_equal(errno, EAGAIN);
	assert_true(got < 20);
	rump_sys_close(s);
}

/* A UDP socket on the host's ::1 and an ephemeral port; -1 without ::1. */
static int
udp6_bound(struct sockaddr_in6 *sin6)
{
	socklen_t len = sizeof(*sin6);
	int s = rump_sys_socket(AF_INET6, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	*sin6 = (struct sockaddr_in6){ .sin6_family = AF_INET6,
	    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	if (rump_sys_bind(s, (struct sockaddr *)sin6, sizeof(*sin6)) != 0) {
		assert_int_equal(errno, EADDRNOTAVAIL);
		rump_sys_close(s);
		return -1;
	}
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)sin6,
	    &len), 0);
	return s;
}

static void
a_datagram_over_the_hosts_ipv6_loopback_arrives_with_its_source(void **state)
{
	struct sockaddr_in6 rsin6, ssin6, from;
	socklen_t len = sizeof(from);
	char buf[8];
	int r, s;

	(void)state;
	if ((r = udp6_bound(&rsin6)) == -1) {
		print_message("the host has no ::1\n");
		skip();
	}
	assert_true((s = udp6_bound(&ssin6)) >= 0);
	assert_int_equal(rump_sys_sendto(s, "six", 3, 0,
	    (struct sockaddr *)&rsin6, sizeof(rsin6)), 3);
	assert_int_equal(rump_sys_recvfrom(r, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &len), 3);
	assert_memory_equal(buf, "six", 3);
	assert_int_equal(len, sizeof(from));
	assert_int_equal(from.sin6_family, AF_INET6);
	assert_int_equal(from.sin6_port, ssin6.sin6_port);
	assert_memory_equal(&from.sin6_addr, &in6addr_loopback,
	    sizeof(in6addr_loopback));
	rump_sys_close(s);
	rump_sys_close(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_peek_reports_the_datagrams_source_and_control_messages_too),
		leak_test(a_datagram_fills_a_buffer_of_many_pieces_in_order),
		leak_test(an_icmp_error_is_reported_by_poll_then_once_by_the_next_call),
		leak_test(so_rcvbuf_bounds_the_datagrams_the_host_keeps),
		leak_test(a_datagram_over_the_hosts_ipv6_loopback_arrives_with_its_source),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
