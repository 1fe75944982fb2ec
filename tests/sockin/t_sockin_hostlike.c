/*
 * What sockin reports of its host sockets is what a host socket reports
 * of itself: each test does the same on a host socket and on a sockin
 * socket and compares the answers (buffer sizes, control messages).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"
#include "udptest.h"

/* The calls both kinds of socket answer alike. */
struct sockapi {
	int (*so_socket)(int, int, int);
	int (*so_setsockopt)(int, int, int, const void *, socklen_t);
	int (*so_getsockopt)(int, int, int, void *, socklen_t *);
	ssize_t (*so_recvmsg)(int, struct msghdr *, int);
	int (*so_close)(int);
};

static const struct sockapi hostapi = {
	socket, setsockopt, getsockopt, recvmsg, close,
};
static const struct sockapi rumpapi = {
	rump_sys_socket, rump_sys_setsockopt, rump_sys_getsockopt,
	rump_sys_recvmsg, rump_sys_close,
};

static int
getint(const struct sockapi *api, int s, int level, int name)
{
	int val = -1;
	socklen_t len = sizeof(val);

	assert_int_equal(api->so_getsockopt(s, level, name, &val, &len), 0);
	assert_int_equal(len, sizeof(val));
	return val;
}

static void
setint(const struct sockapi *api, int s, int level, int name, int val)
{
	assert_int_equal(api->so_setsockopt(s, level, name, &val,
	    sizeof(val)), 0);
}

/* SO_SNDBUF and SO_RCVBUF of a socket of type, set to val first if not 0. */
static void
buffers(const struct sockapi *api, int type, int val, int out[2])
{
	int s = api->so_socket(AF_INET, type, 0);

	assert_true(s >= 0);
	if (val != 0) {
		setint(api, s, SOL_SOCKET, SO_SNDBUF, val);
		setint(api, s, SOL_SOCKET, SO_RCVBUF, val);
	}
	out[0] = getint(api, s, SOL_SOCKET, SO_SNDBUF);
	out[1] = getint(api, s, SOL_SOCKET, SO_RCVBUF);
	assert_int_equal(api->so_close(s), 0);
}

static void
buffers_compare(int type, int val)
{
	int host[2], rump[2];

	buffers(&hostapi, type, val, host);
	buffers(&rumpapi, type, val, rump);
	assert_int_equal(rump[0], host[0]);
	assert_int_equal(rump[1], host[1]);
}

/* The host's defaults (its own, per protocol), not the socket layer's. */
static void
the_buffer_sizes_of_a_new_socket_are_the_hosts_defaults(void **state)
{
	(void)state;
	buffers_compare(SOCK_STREAM, 0);
	buffers_compare(SOCK_DGRAM, 0);
}

/* Linux doubles what is set, and caps it: what the host made of it. */
static void
the_buffer_sizes_set_read_back_as_the_host_made_them(void **state)
{
	(void)state;
	buffers_compare(SOCK_STREAM, 10000);
	buffers_compare(SOCK_DGRAM, 10000);
	buffers_compare(SOCK_STREAM, 1 << 30);
	buffers_compare(SOCK_DGRAM, 1 << 30);
}

/* A host UDP socket bound to 127.0.0.1 and an ephemeral port. */
static int
host_bound(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	*sin = (struct sockaddr_in){ .sin_family = AF_INET,
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	assert_int_equal(bind(s, (struct sockaddr *)sin, sizeof(*sin)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)sin, &len), 0);
	return s;
}

/* Control messages of four kinds on every datagram s receives. */
static void
ask_for_control_messages(const struct sockapi *api, int s)
{
	setint(api, s, IPPROTO_IP, IP_PKTINFO, 1);
	setint(api, s, IPPROTO_IP, IP_RECVTTL, 1);
	setint(api, s, IPPROTO_IP, IP_RECVTOS, 1);
	setint(api, s, IPPROTO_IP, IP_RECVORIGDSTADDR, 1);
}

struct received {
	char control[512];
	size_t controllen;
	int flags;
};

/*
 * A datagram sent from the host to s (bound to sin), received with room
 * bytes for control messages (the buffer is control when room is 0).
 */
static void
receive(const struct sockapi *api, int s, const struct sockaddr_in *sin,
    size_t room, struct received *r)
{
	int out = socket(AF_INET, SOCK_DGRAM, 0);
	char data[8];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = r->control, .msg_controllen = room };

	assert_true(out >= 0);
	memset(r->control, 0, sizeof(r->control));
	assert_int_equal(sendto(out, "cmsg", 4, 0, (const struct sockaddr *)sin,
	    sizeof(*sin)), 4);
	close(out);
	assert_int_equal(api->so_recvmsg(s, &msg, 0), 4);
	r->controllen = msg.msg_controllen;
	r->flags = msg.msg_flags;
}

/*
 * The same datagram received by a host socket and a sockin socket with
 * the same room; the kinds of control message the sockin socket got in
 * *kinds (those the host socket's bear the same).
 */
static void
receive_compare(size_t room, struct received *r, int *kinds)
{
	struct sockaddr_in hsin, rsin;
	struct received h;
	struct msghdr msg = { .msg_control = r->control };
	struct cmsghdr *c, *hc;
	int hs = host_bound(&hsin), rs = udptest_bound(&rsin);

	ask_for_control_messages(&hostapi, hs);
	ask_for_control_messages(&rumpapi, rs);
	receive(&hostapi, hs, &hsin, room, &h);
	receive(&rumpapi, rs, &rsin, room, r);
	assert_int_equal(r->flags, h.flags);
	assert_int_equal(r->controllen, h.controllen);
	msg.msg_controllen = r->controllen;
	*kinds = 0;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		hc = (struct cmsghdr *)(h.control +
		    ((char *)c - r->control));
		assert_int_equal(c->cmsg_level, hc->cmsg_level);
		assert_int_equal(c->cmsg_type, hc->cmsg_type);
		assert_int_equal(c->cmsg_len, hc->cmsg_len);
		(*kinds)++;
	}
	close(hs);
	rump_sys_close(rs);
}

static void
several_control_messages_arrive_whole_in_a_buffer_holding_them(void **state)
{
	struct received r;
	int kinds;

	(void)state;
	receive_compare(sizeof(r.control), &r, &kinds);
	assert_int_equal(r.flags & MSG_CTRUNC, 0);
	assert_int_equal(kinds, 4);
}

/* Room for the first message and part of the second: cut as Linux cuts. */
static void
control_messages_cut_for_a_small_buffer_say_msg_ctrunc(void **state)
{
	struct received r;
	int kinds;

	(void)state;
	receive_compare(CMSG_SPACE(sizeof(struct in_pktinfo)) +
	    sizeof(struct cmsghdr), &r, &kinds);
	assert_int_not_equal(r.flags & MSG_CTRUNC, 0);
	assert_true(kinds >= 1 && kinds < 4);
}

static void
control_messages_with_no_room_say_msg_ctrunc(void **state)
{
	struct received r;
	int kinds;

	(void)state;
	receive_compare(0, &r, &kinds);
	assert_int_not_equal(r.flags & MSG_CTRUNC, 0);
	assert_int_equal(r.controllen, 0);
	assert_int_equal(kinds, 0);
}

/* A connected pair of host sockets on 127.0.0.1: *c connects, *a accepts. */
static void
host_pair(int *c, int *a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	assert_true((*c = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(*c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_true((*a = accept(l, NULL, NULL)) >= 0);
	close(l);
}

/* The same with sockin sockets. */
static void
rump_pair(int *c, int *a)
{
	struct sockaddr_in sin;
	int l = tcptest_listener(&sin, 1);

	assert_true((*c = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(rump_sys_connect(*c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_true((*a = rump_sys_accept(l, NULL, NULL)) >= 0);
	rump_sys_close(l);
}

/* The bytes waiting in a host socket, and in a sockin socket (FIONREAD). */
static int
host_fionread(int s)
{
	int n = -1;

	assert_int_equal(ioctl(s, FIONREAD, &n), 0);
	return n;
}

static int
rump_fionread(int s)
{
	int n = -1;

	assert_int_equal(rump_sys_ioctl(s, FIONREAD, &n), 0);
	return n;
}

/* Until n bytes wait for a, then what poll says of it now. */
static int
pollin_at(int (*fionread)(int), int (*pollf)(struct pollfd *, nfds_t, int),
    int a, int n)
{
	struct pollfd pfd = { .fd = a, .events = POLLIN };

	for (int i = 0; fionread(a) < n; i++)
		assert_true(i < 100000);
	assert_true(pollf(&pfd, 1, 0) >= 0);
	return pfd.revents;
}

#define LOWAT	10

/* Linux's poll says "readable" once SO_RCVLOWAT bytes are there. */
static void
so_rcvlowat_holds_back_pollin_as_on_the_host(void **state)
{
	int hc, ha, rc, ra, lowat = LOWAT;

	(void)state;
	host_pair(&hc, &ha);
	rump_pair(&rc, &ra);
	setint(&hostapi, ha, SOL_SOCKET, SO_RCVLOWAT, lowat);
	setint(&rumpapi, ra, SOL_SOCKET, SO_RCVLOWAT, lowat);
	assert_int_equal(send(hc, "12345", 5, 0), 5);
	assert_int_equal(rump_sys_send(rc, "12345", 5, 0), 5);
	assert_int_equal(pollin_at(rump_fionread, rump_sys_poll, ra, 5),
	    pollin_at(host_fionread, poll, ha, 5));
	assert_int_equal(send(hc, "67890", 5, 0), 5);
	assert_int_equal(rump_sys_send(rc, "67890", 5, 0), 5);
	assert_int_equal(pollin_at(rump_fionread, rump_sys_poll, ra, LOWAT),
	    POLLIN);
	assert_int_equal(pollin_at(host_fionread, poll, ha, LOWAT), POLLIN);
	close(ha);
	close(hc);
	rump_sys_close(ra);
	rump_sys_close(rc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(the_buffer_sizes_of_a_new_socket_are_the_hosts_defaults),
		leak_test(the_buffer_sizes_set_read_back_as_the_host_made_them),
		leak_test(several_control_messages_arrive_whole_in_a_buffer_holding_them),
		leak_test(control_messages_cut_for_a_small_buffer_say_msg_ctrunc),
		leak_test(control_messages_with_no_room_say_msg_ctrunc),
		leak_test(so_rcvlowat_holds_back_pollin_as_on_the_host),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
