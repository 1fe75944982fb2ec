/*
 * The socket system calls' own checks of their arguments
 * (librump/rumpnet/sys_socket.c), before any protocol sees them, with
 * the errors Linux gives: descriptors that are not open, flags, lengths
 * and pointers.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include "apitest.h"
#include "tcptest.h"

#define NOTOPEN	1000

#define assert_fails(call, e) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, (e));					\
} while (0)

static int
udp_socket(void)
{
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	return s;
}

static void
every_socket_call_on_a_descriptor_not_open_is_ebadf(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct iovec iov = { "x", 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	char c;
	int v = 1;

	(void)state;
	assert_fails(rump_sys_bind(NOTOPEN, (struct sockaddr *)&sin,
	    sizeof(sin)), EBADF);
	assert_fails(rump_sys_listen(NOTOPEN, 1), EBADF);
	assert_fails(rump_sys_connect(NOTOPEN, (struct sockaddr *)&sin,
	    sizeof(sin)), EBADF);
	assert_fails(rump_sys_accept(NOTOPEN, NULL, NULL), EBADF);
	assert_fails(rump_sys_sendto(NOTOPEN, "x", 1, 0, NULL, 0), EBADF);
	assert_fails(rump_sys_sendmsg(NOTOPEN, &msg, 0), EBADF);
	assert_fails(rump_sys_recvfrom(NOTOPEN, &c, 1, 0, NULL, NULL), EBADF);
	assert_fails(rump_sys_recvmsg(NOTOPEN, &msg, 0), EBADF);
	assert_fails(rump_sys_shutdown(NOTOPEN, SHUT_RDWR), EBADF);
	assert_fails(rump_sys_getsockname(NOTOPEN, (struct sockaddr *)&sin,
	    &len), EBADF);
	assert_fails(rump_sys_getpeername(NOTOPEN, (struct sockaddr *)&sin,
	    &len), EBADF);
	assert_fails(rump_sys_setsockopt(NOTOPEN, SOL_SOCKET, SO_REUSEADDR,
	    &v, sizeof(v)), EBADF);
	len = sizeof(v);
	assert_fails(rump_sys_getsockopt(NOTOPEN, SOL_SOCKET, SO_REUSEADDR,
	    &v, &len), EBADF);
}

static void
flags_beyond_nonblock_and_cloexec_are_einval(void **state)
{
	int s;

	(void)state;
	assert_fails(rump_sys_socket(AF_INET, SOCK_DGRAM | 0x100, 0), EINVAL);
	s = udp_socket();
	/* Checked before the descriptor: accept4 on a UDP socket. */
	assert_fails(rump_sys_accept4(s, NULL, NULL, 0x100), EINVAL);
	assert_fails(rump_sys_accept4(NOTOPEN, NULL, NULL, SOCK_CLOEXEC),
	    EBADF);
	rump_sys_close(s);
}

static void
sock_cloexec_makes_a_close_on_exec_descriptor(void **state)
{
	int s, t;

	(void)state;
	s = rump_sys_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_fcntl(s, F_GETFD, 0), FD_CLOEXEC);
	t = udp_socket();
	assert_int_equal(rump_sys_fcntl(t, F_GETFD, 0), 0);
	rump_sys_close(s);
	rump_sys_close(t);
}

static void
address_lengths_out_of_range_are_einval(void **state)
{
	struct sockaddr_storage ss[2];
	socklen_t len = (socklen_t)-1;
	int s;

	(void)state;
	memset(ss, 0, sizeof(ss));
	ss[0].ss_family = AF_INET;
	s = udp_socket();
	/* No room for a family; more than any address. */
	assert_fails(rump_sys_bind(s, (struct sockaddr *)ss, 1), EINVAL);
	assert_fails(rump_sys_bind(s, (struct sockaddr *)ss,
	    sizeof(ss[0]) + 1), EINVAL);
	assert_fails(rump_sys_getsockname(s, (struct sockaddr *)ss, &len),
	    EINVAL);
	rump_sys_close(s);
}

static void
option_lengths_out_of_range_are_einval(void **state)
{
	char big[4096];
	socklen_t len = (socklen_t)-1;
	int s, v;

	(void)state;
	memset(big, 0, sizeof(big));
	s = udp_socket();
	assert_fails(rump_sys_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, big,
	    sizeof(big)), EINVAL);
	assert_fails(rump_sys_getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v,
	    &len), EINVAL);
	rump_sys_close(s);
}

static void
missing_buffers_are_efault(void **state)
{
	struct msghdr msg = { .msg_iov = NULL, .msg_iovlen = 1 };
	int s;

	(void)state;
	s = udp_socket();
	assert_fails(rump_sys_sendmsg(s, NULL, 0), EFAULT);
	assert_fails(rump_sys_recvmsg(s, NULL, 0), EFAULT);
	assert_fails(rump_sys_sendmsg(s, &msg, 0), EFAULT);
	assert_fails(rump_sys_recvmsg(s, &msg, 0), EFAULT);
	assert_fails(rump_sys_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL,
	    sizeof(int)), EFAULT);
	assert_fails(rump_sys_getsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL,
	    NULL), EFAULT);
	rump_sys_close(s);
}

static void
control_data_of_no_header_or_beyond_a_cluster_is_einval(void **state)
{
	static char control[65536];
	struct iovec iov = { "x", 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
	};
	struct sockaddr_in lo = {
		.sin_family = AF_INET,
		.sin_port = htons(9),
		.sin_addr = { htonl(INADDR_LOOPBACK) },
	};
	int s;

	(void)state;
	s = udp_socket();
	msg.msg_name = &lo;
	msg.msg_namelen = sizeof(lo);
	msg.msg_controllen = sizeof(struct cmsghdr) - 1;
	assert_fails(rump_sys_sendmsg(s, &msg, 0), EINVAL);
	msg.msg_controllen = sizeof(control);
	assert_fails(rump_sys_sendmsg(s, &msg, 0), EINVAL);
	rump_sys_close(s);
}

/*
 * The connection accept took is closed again when its address cannot be
 * given back: the peer reads the end of the stream.
 */
static void
accepting_into_an_address_without_its_length_is_efault(void **state)
{
	struct timeval tv = { .tv_sec = 10 };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr = { htonl(INADDR_LOOPBACK) },
	};
	socklen_t len = sizeof(sin);
	char c;
	int l, s;

	(void)state;
	l = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0) {
		print_message("skipped: a kernel without TCP\n");
		skip();
	}
	assert_int_equal(rump_sys_bind(l, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(rump_sys_listen(l, 1), 0);
	assert_int_equal(rump_sys_getsockname(l, (struct sockaddr *)&sin,
	    &len), 0);
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_fails(rump_sys_accept(l, (struct sockaddr *)&sin, NULL),
	    EFAULT);
	assert_int_equal(rump_sys_recv(s, &c, 1, 0), 0);
	/* A reset from our side: no TIME_WAIT to outlast. */
	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)), 0);
	rump_sys_close(s);
	rump_sys_close(l);
	tcptest_wait_done();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(every_socket_call_on_a_descriptor_not_open_is_ebadf),
		leak_test(flags_beyond_nonblock_and_cloexec_are_einval),
		leak_test(sock_cloexec_makes_a_close_on_exec_descriptor),
		leak_test(address_lengths_out_of_range_are_einval),
		leak_test(option_lengths_out_of_range_are_einval),
		leak_test(missing_buffers_are_efault),
		leak_test(control_data_of_no_header_or_beyond_a_cluster_is_einval),
		leak_test(accepting_into_an_address_without_its_length_is_efault),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
