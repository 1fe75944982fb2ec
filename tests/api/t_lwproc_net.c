/*
 * Interrupting socket calls and the sockets of an exiting process, over
 * TCP on loopback.  Built twice, like the other socket API tests: against
 * the rump stack and against sockin (RUMP_TEST_SOCKIN), whose threads
 * wait on the same socket-layer sleeps while its event thread waits on
 * the host.  A peer that does not answer is made with fault injection on
 * lo0, which only the rump stack has: those tests are not in the sockin
 * build.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"
#include "blocker.h"

#ifndef RUMP_TEST_SOCKIN
#include <rump/rumpnet_net_if_pub.h>
#endif

static int
tcp_connect(const struct sockaddr_in *sin)
{
	int c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);

	if (c < 0 || rump_sys_connect(c, (const struct sockaddr *)sin,
	    sizeof(*sin)) != 0)
		return -1;
	return c;
}

/* fds[0] connected to the listener's accepted fds[1]. */
static void
tcp_pair(int fds[2])
{
	struct sockaddr_in sin;
	int l = tcptest_listener(&sin, 16);

	fds[0] = tcp_connect(&sin);
	assert_true(fds[0] >= 0);
	fds[1] = rump_sys_accept(l, NULL, NULL);
	assert_true(fds[1] >= 0);
	assert_int_equal(rump_sys_close(l), 0);
}

static void
close_pair(const int fds[2])
{
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
	tcptest_wait_done();
}

static void
interrupt(struct blocker *b)
{
	assert_int_equal(rump_lwproc_interrupt(rump_sys_getpid(), b->lid), 0);
}

static long
block_recv(struct blocker *b)
{
	char c;

	return rump_sys_recvfrom(b->fds[0], &c, 1, 0, NULL, NULL);
}

static long
block_recv_waitall(struct blocker *b)
{
	char buf[4];

	return rump_sys_recvfrom(b->fds[0], buf, sizeof(buf), MSG_WAITALL,
	    NULL, NULL);
}

/* More than the buffers on both sides and the host's hold. */
#define SEND_TOTAL	(64 * 1024 * 1024)

static long
block_send(struct blocker *b)
{
	char *buf = calloc(1, SEND_TOTAL);
	long n;

	if (buf == NULL)
		abort();
	n = rump_sys_sendto(b->fds[0], buf, SEND_TOTAL, 0, NULL, 0);
	free(buf);
	return n;
}

static long
block_accept(struct blocker *b)
{
	return rump_sys_accept(b->fds[0], NULL, NULL);
}

/* Waits until fd has exactly want bytes to read: arrived, or taken. */
static void
wait_unread(int fd, int want)
{
	int n;

	for (;;) {
		assert_int_equal(rump_sys_ioctl(fd, FIONREAD, &n), 0);
		if (n == want)
			return;
		usleep(1000);
	}
}

static void
interrupt_wakes_a_blocked_recv_with_eintr(void **state)
{
	struct blocker b;
	int fds[2];

	(void)state;
	tcp_pair(fds);
	blocker_start(&b, 0, NULL, block_recv, fds);
	interrupt(&b);
	blocker_join_failed(&b, EINTR);
	/* The connection is unharmed. */
	assert_int_equal(rump_sys_write(fds[1], "y", 1), 1);
	assert_int_equal(block_recv(&b), 1);
	close_pair(fds);
}

static void
an_interrupted_waitall_recv_returns_what_it_got(void **state)
{
	struct blocker b;
	int fds[2];

	(void)state;
	tcp_pair(fds);
	assert_int_equal(rump_sys_write(fds[1], "ab", 2), 2);
	wait_unread(fds[0], 2);
	blocker_start(&b, 0, NULL, block_recv_waitall, fds);
	interrupt(&b);
	blocker_join(&b);
	assert_int_equal(b.ret, 2);
	/* No error left behind for the next call. */
	assert_int_equal(rump_sys_write(fds[1], "c", 1), 1);
	assert_int_equal(block_recv(&b), 1);
	close_pair(fds);
}

static void
interrupt_wakes_a_reader_waiting_behind_a_waitall_reader(void **state)
{
	struct blocker whole, behind;
	int fds[2];

	(void)state;
	tcp_pair(fds);
	assert_int_equal(rump_sys_write(fds[1], "a", 1), 1);
	wait_unread(fds[0], 1);
	/* It has one byte of four and sleeps keeping the receive lock. */
	blocker_start(&whole, 0, NULL, block_recv_waitall, fds);
	wait_unread(fds[0], 0);
	blocker_start(&behind, 0, NULL, block_recv, fds);
	interrupt(&behind);
	blocker_join_failed(&behind, EINTR);
	assert_int_equal(rump_sys_write(fds[1], "bcd", 3), 3);
	blocker_join(&whole);
	assert_int_equal(whole.ret, 4);
	close_pair(fds);
}

static void
an_interrupted_send_returns_the_count_sent(void **state)
{
	struct blocker b;
	int fds[2];

	(void)state;
	tcp_pair(fds);
	blocker_start(&b, 0, NULL, block_send, fds);
	interrupt(&b);
	blocker_join(&b);
	assert_true(b.ret > 0);
	assert_true(b.ret < SEND_TOTAL);
	close_pair(fds);
}

static void
interrupt_wakes_a_blocked_accept_with_eintr(void **state)
{
	struct sockaddr_in sin;
	struct blocker b;
	int fds[2];

	(void)state;
	fds[0] = tcptest_listener(&sin, 16);
	fds[1] = -1;
	blocker_start(&b, 0, NULL, block_accept, fds);
	interrupt(&b);
	blocker_join_failed(&b, EINTR);
	assert_int_equal(rump_sys_close(fds[0]), 0);
}

#ifndef RUMP_TEST_SOCKIN
static long
block_connect(struct blocker *b)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (rump_sys_getsockname(b->fds[1], (struct sockaddr *)&sin, &len) != 0)
		abort();
	return rump_sys_connect(b->fds[0], (struct sockaddr *)&sin,
	    sizeof(sin));
}

static void
interrupt_wakes_a_blocked_connect_with_eintr(void **state)
{
	struct sockaddr_in sin;
	struct blocker b;
	int fds[2];

	(void)state;
	fds[1] = tcptest_listener(&sin, 16);
	fds[0] = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fds[0] >= 0);
	/* The SYN and its retransmissions go nowhere. */
	assert_int_equal(rump_netconfig_iffault("lo0", "drop=100%"), 0);
	blocker_start(&b, 0, NULL, block_connect, fds);
	interrupt(&b);
	blocker_join_failed(&b, EINTR);
	assert_int_equal(rump_netconfig_iffault("lo0", "none"), 0);
	close_pair(fds);
}

static long
close_lingering(struct blocker *b)
{
	return rump_sys_close(b->fds[0]);
}

/* fds[0] connected, SO_LINGER set, data it sent unacknowledged. */
static void
linger_unacknowledged(int fds[2])
{
	struct linger lg = { .l_onoff = 1, .l_linger = 3600 };

	tcp_pair(fds);
	assert_int_equal(rump_sys_setsockopt(fds[0], SOL_SOCKET, SO_LINGER,
	    &lg, sizeof(lg)), 0);
	assert_int_equal(rump_netconfig_iffault("lo0", "drop=100%"), 0);
	assert_int_equal(rump_sys_write(fds[0], "x", 1), 1);
}

static void
interrupt_ends_the_linger_of_a_close(void **state)
{
	struct blocker b;
	int fds[2];

	(void)state;
	linger_unacknowledged(fds);
	blocker_start(&b, 0, NULL, close_lingering, fds);
	interrupt(&b);
	blocker_join(&b);
	assert_int_equal(b.ret, 0);
	assert_int_equal(rump_netconfig_iffault("lo0", "none"), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
	tcptest_wait_done();
}

#endif

/* Where connect_to_listener() connects: a listener of process 1. */
static struct sockaddr_in listener_addr;

static void
connect_to_listener(struct blocker *b)
{
	b->fds[0] = tcp_connect(&listener_addr);
	if (b->fds[0] < 0)
		abort();
}

static void
exit_wakes_the_process_and_its_sockets_peer_sees_the_close(void **state)
{
	struct blocker b;
	int l, a;
	pid_t pid;
	char c;

	(void)state;
	l = tcptest_listener(&listener_addr, 16);
	assert_int_equal(rump_lwproc_newproc(&pid), 0);
	blocker_start(&b, pid, connect_to_listener, block_recv, NULL);
	a = rump_sys_accept(l, NULL, NULL);
	assert_true(a >= 0);
	assert_int_equal(rump_lwproc_exit(pid), 0);
	blocker_join_failed(&b, EINTR);
	assert_int_equal(rump_sys_read(a, &c, 1), 0);
	assert_int_equal(rump_sys_close(a), 0);
	assert_int_equal(rump_sys_close(l), 0);
	tcptest_wait_done();
}

#ifndef RUMP_TEST_SOCKIN
static void
exit_closes_a_lingering_socket_without_waiting(void **state)
{
	int fds[2];
	pid_t pid;

	(void)state;
	assert_int_equal(rump_lwproc_newproc(&pid), 0);
	assert_int_equal(rump_lwproc_attach(pid), 0);
	linger_unacknowledged(fds);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	/* No thread is left: the exit closes them here, not lingering. */
	assert_int_equal(rump_lwproc_exit(pid), 0);
	assert_int_equal(rump_netconfig_iffault("lo0", "none"), 0);
	tcptest_wait_done();
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(interrupt_wakes_a_blocked_recv_with_eintr),
		leak_test(an_interrupted_waitall_recv_returns_what_it_got),
		leak_test(interrupt_wakes_a_reader_waiting_behind_a_waitall_reader),
		leak_test(an_interrupted_send_returns_the_count_sent),
		leak_test(interrupt_wakes_a_blocked_accept_with_eintr),
		leak_test(exit_wakes_the_process_and_its_sockets_peer_sees_the_close),
#ifndef RUMP_TEST_SOCKIN
		leak_test(interrupt_wakes_a_blocked_connect_with_eintr),
		leak_test(interrupt_ends_the_linger_of_a_close),
		leak_test(exit_closes_a_lingering_socket_without_waiting),
#endif
	};

	setenv("RUMP_TCP_MSL_MS", "5", 1);
	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
