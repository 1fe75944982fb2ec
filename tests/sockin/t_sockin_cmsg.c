/*
 * A datagram's control messages reach a sockin socket's caller as far as
 * the caller has room for them, as a host socket's do, however much the
 * host attaches (sockin_recv.c: no cap below the socket layer's largest
 * buffer).  Linux attaches kilobytes only to IPv6 datagrams whose
 * extension headers a sender with CAP_NET_RAW crafted, so the host's
 * recvmsg() is wrapped (-Wl,--wrap) to attach, to every datagram it
 * receives while armed, one IPV6_DSTOPTS message of fake_len bytes as
 * Linux's put_cmsg() does: cut to the room with MSG_CTRUNC.  The same
 * datagram is received by a host socket and a sockin socket, both
 * through the wrap, and their answers compared.  Run as an ordinary
 * user on 127.0.0.1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "apitest.h"
#include "udptest.h"

#define CONTROLMAX	(64 * 1024)	/* the most room a test gives */

/* The data of the message the wrap attaches: 0 attaches none. */
static size_t fake_len;

ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);

/* byte i of the fake message's data */
static unsigned char
fake_byte(size_t i)
{
	return (unsigned char)(i * 7 + 1);
}

/* As Linux's put_cmsg(), in place of the messages the host attached. */
static void
fake_cmsg(struct msghdr *msg, size_t room)
{
	size_t len = CMSG_LEN(fake_len), space = CMSG_SPACE(fake_len);
	struct cmsghdr c = { .cmsg_len = len, .cmsg_level = IPPROTO_IPV6,
	    .cmsg_type = IPV6_DSTOPTS };
	unsigned char *p = msg->msg_control;

	msg->msg_flags &= ~MSG_CTRUNC;
	if (room < sizeof(c)) {
		msg->msg_flags |= MSG_CTRUNC;
		msg->msg_controllen = 0;
		return;
	}
	if (room < len) {
		msg->msg_flags |= MSG_CTRUNC;
		len = room;
	}
	memcpy(p, &c, sizeof(c));
	for (size_t i = 0; i < len - CMSG_LEN(0); i++)
		p[CMSG_LEN(0) + i] = fake_byte(i);
	msg->msg_controllen = space < room ? space : room;
}

ssize_t
__wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	size_t room = msg->msg_controllen;
	ssize_t n = __real_recvmsg(fd, msg, flags);

	if (n >= 0 && fake_len != 0 && msg->msg_control != NULL)
		fake_cmsg(msg, room);
	return n;
}

/* What recvmsg answered. */
struct received {
	size_t controllen;
	int flags;
};

/* A datagram from the host to sin, received by s with room for control. */
static void
receive(ssize_t (*recv)(int, struct msghdr *, int), int s,
    const struct sockaddr_in *sin, unsigned char *control, size_t room,
    struct received *r)
{
	int out = socket(AF_INET, SOCK_DGRAM, 0);
	char data[8];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = control, .msg_controllen = room };

	assert_true(out >= 0);
	assert_int_equal(sendto(out, "cmsg", 4, 0, (const struct sockaddr *)sin,
	    sizeof(*sin)), 4);
	close(out);
	assert_int_equal(recv(s, &msg, 0), 4);
	r->controllen = msg.msg_controllen;
	r->flags = msg.msg_flags;
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

/*
 * A datagram with len bytes of control data, received with room by a
 * host socket and by a sockin socket: the same answer, the same bytes;
 * the sockin socket's answer in *r.
 */
static void
receive_compare(size_t len, size_t room, struct received *r)
{
	static unsigned char hcontrol[CONTROLMAX], rcontrol[CONTROLMAX];
	struct sockaddr_in hsin, rsin;
	struct received h;
	int hs = host_bound(&hsin), rs = udptest_bound(&rsin);

	assert_true(room <= sizeof(hcontrol));
	memset(hcontrol, 0, sizeof(hcontrol));
	memset(rcontrol, 0, sizeof(rcontrol));
	fake_len = len;
	receive(recvmsg, hs, &hsin, hcontrol, room, &h);
	receive(rump_sys_recvmsg, rs, &rsin, rcontrol, room, r);
	fake_len = 0;
	assert_int_equal(r->flags, h.flags);
	assert_int_equal(r->controllen, h.controllen);
	assert_memory_equal(rcontrol, hcontrol, room);
	close(hs);
	rump_sys_close(rs);
}

#define BIG	6000	/* more than a page, and than the old 4 KiB cap */

static void
control_messages_of_kilobytes_arrive_whole_when_the_caller_has_room(void **state)
{
	struct received r;

	(void)state;
	receive_compare(BIG, 2 * BIG, &r);
	assert_int_equal(r.flags & MSG_CTRUNC, 0);
	assert_int_equal(r.controllen, CMSG_SPACE(BIG));
}

static void
control_messages_of_kilobytes_are_cut_to_the_callers_room_with_msg_ctrunc(void **state)
{
	struct received r;

	(void)state;
	receive_compare(BIG, BIG / 2, &r);
	assert_int_not_equal(r.flags & MSG_CTRUNC, 0);
	assert_int_equal(r.controllen, BIG / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(control_messages_of_kilobytes_arrive_whole_when_the_caller_has_room),
		leak_test(control_messages_of_kilobytes_are_cut_to_the_callers_room_with_msg_ctrunc),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
