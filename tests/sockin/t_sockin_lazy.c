/*
 * sockin registers an accepted stream with the host's epoll set only once
 * a user is to wait for its news (sockin/sockin_lazy.c): a request read
 * and answered without waiting costs no registration, and whoever waits
 * (a poll that finds nothing, a blocking reader, a writer the host has no
 * room for) registers it first, losing no news that came meanwhile.
 *
 * The peers are host sockets, so that a test knows when its data has
 * reached the accepted socket (acknowledged: SIOCOUTQ 0).  Link-time mocks
 * of the host's poll() and epoll_ctl() (-Wl,--wrap) hide readiness from
 * one poll, as if it came just after, count sockin's polls, and refuse a
 * registration.  Run as an ordinary user on 127.0.0.1.
 */
#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"
#include "blocker.h"

/* ---- the mocks ---- */

static int mock_hide;		/* events the next poll() does not report */
static int mock_addfail;	/* errno of the next EPOLL_CTL_ADD */
static unsigned mock_polls;	/* poll() calls */

int __real_poll(struct pollfd *fds, nfds_t n, int timeout);
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout);
int __real_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);

int
__wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int hide = __atomic_exchange_n(&mock_hide, 0, __ATOMIC_SEQ_CST);
	int rv = __real_poll(fds, n, timeout);

	__atomic_add_fetch(&mock_polls, 1, __ATOMIC_SEQ_CST);
	if (rv <= 0 || hide == 0)
		return rv;
	rv = 0;
	for (nfds_t i = 0; i < n; i++) {
		fds[i].revents &= (short)~hide;
		rv += fds[i].revents != 0;
	}
	return rv;
}

int
__wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	int error;

	if (op == EPOLL_CTL_ADD &&
	    (error = __atomic_exchange_n(&mock_addfail, 0, __ATOMIC_SEQ_CST))) {
		errno = error;
		return -1;
	}
	return __real_epoll_ctl(epfd, op, fd, ev);
}

static unsigned
polls(void)
{
	return __atomic_load_n(&mock_polls, __ATOMIC_SEQ_CST);
}

/* ---- helpers ---- */

static uint64_t
registered(void)
{
	uint64_t v;

	assert_int_equal(rump_kstat_get("sockin.registered", &v), 0);
	return v;
}

/* A host socket connected to sin. */
static int
host_client(const struct sockaddr_in *sin)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	assert_int_equal(connect(s, (const struct sockaddr *)sin, sizeof(*sin)), 0);
	return s;
}

/* Sends s from the host socket hc and waits until the peer has it all. */
static void
host_send_acked(int hc, const char *s)
{
	const struct timespec ms = { 0, 1000000 };
	int queued;

	assert_int_equal(send(hc, s, strlen(s), 0), (ssize_t)strlen(s));
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(ioctl(hc, SIOCOUTQ, &queued), 0);
		if (queued == 0)
			return;
		nanosleep(&ms, NULL);
	}
	fail_msg("the peer never acknowledged the data");
}

/* A host client *hc and its connection *a, accepted by the kernel. */
static void
pair(int *hc, int *a)
{
	struct sockaddr_in sin;
	int l = tcptest_listener(&sin, 1);

	*hc = host_client(&sin);
	*a = rump_sys_accept(l, NULL, NULL);
	assert_true(*a >= 0);
	rump_sys_close(l);
}

static int
poll1(int s, short events, int timeout)
{
	struct pollfd pfd = { .fd = s, .events = events };
	int n = rump_sys_poll(&pfd, 1, timeout);

	return n == 1 ? pfd.revents : n;
}

/* Reads what the peer sends and keeps nothing, until its end. */
static void *
host_sink(void *arg)
{
	char buf[65536];

	while (recv(*(int *)arg, buf, sizeof(buf), 0) > 0)
		continue;
	return NULL;
}

/* Fills a's host socket until the host takes no more; what went. */
static size_t
fill(int a)
{
	static char buf[65536];
	size_t total = 0;
	ssize_t n;

	while ((n = rump_sys_send(a, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		total += (size_t)n;
	return total;
}

/* ---- without waiting ---- */

static void
a_request_read_and_answered_without_waiting_registers_nothing(void **state)
{
	char buf[16];
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	reg = registered();
	host_send_acked(hc, "GET");
	assert_int_equal(poll1(a, POLLIN, -1), POLLIN);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), MSG_DONTWAIT), 3);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rump_sys_send(a, "OK", 2, 0), 2);
	assert_int_equal(rump_sys_close(a), 0);
	assert_int_equal(recv(hc, buf, sizeof(buf), MSG_WAITALL), 2);
	assert_memory_equal(buf, "OK", 2);
	assert_int_equal(registered(), reg);
	close(hc);
}

/*
 * The second connection waits in the host's backlog behind the first
 * (a queue of one) and is accepted, its request there, when the first
 * is: poll finds the request without asking the host.
 */
static void
a_request_there_at_accept_is_readable_without_asking_the_host(void **state)
{
	struct sockaddr_in sin;
	char buf[16];
	int l, hc1, hc2, a1, a2;
	unsigned n;

	(void)state;
	l = tcptest_listener(&sin, 1);
	hc1 = host_client(&sin);
	hc2 = host_client(&sin);
	host_send_acked(hc2, "GET");
	assert_true((a1 = rump_sys_accept(l, NULL, NULL)) >= 0);
	assert_true((a2 = rump_sys_accept(l, NULL, NULL)) >= 0);
	n = polls();
	assert_int_equal(poll1(a2, POLLIN, 0), POLLIN);
	assert_int_equal(polls(), n);
	assert_int_equal(rump_sys_recv(a2, buf, sizeof(buf), 0), 3);
	rump_sys_close(a2);
	rump_sys_close(a1);
	rump_sys_close(l);
	close(hc2);
	close(hc1);
}

static void
a_nonblocking_read_of_nothing_leaves_the_stream_unregistered(void **state)
{
	char buf[16];
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	reg = registered();
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	host_send_acked(hc, "late");
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), MSG_DONTWAIT), 4);
	assert_int_equal(registered(), reg);
	rump_sys_close(a);
	close(hc);
}

/* ---- waiting ---- */

static void
a_poll_that_finds_nothing_registers_the_stream_and_data_wakes_the_next(void **state)
{
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	reg = registered();
	assert_int_equal(poll1(a, POLLIN, 0), 0);
	assert_int_equal(registered(), reg + 1);
	host_send_acked(hc, "x");
	assert_int_equal(poll1(a, POLLIN, -1), POLLIN);
	rump_sys_close(a);
	close(hc);
}

/*
 * The host's "nothing" for the poll hides data that is there, as if it
 * came between that answer and the registration: the registration
 * reports it, and the poll wakes.
 */
static void
data_that_came_before_the_registration_wakes_the_poller(void **state)
{
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	host_send_acked(hc, "x");
	reg = registered();
	__atomic_store_n(&mock_hide, POLLIN, __ATOMIC_SEQ_CST);
	assert_int_equal(poll1(a, POLLIN, -1), POLLIN);
	assert_int_equal(registered(), reg + 1);
	rump_sys_close(a);
	close(hc);
}

static long
blocking_recv(struct blocker *b)
{
	char c;

	return rump_sys_recv(b->fds[0], &c, 1, 0);
}

static void
a_blocking_reader_registers_the_stream_and_data_wakes_it(void **state)
{
	struct blocker b;
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	reg = registered();
	blocker_start(&b, 0, NULL, blocking_recv, (int[]){ a, -1 });
	assert_int_equal(registered(), reg + 1);
	host_send_acked(hc, "y");
	blocker_join(&b);
	assert_int_equal(b.ret, 1);
	rump_sys_close(a);
	close(hc);
}

static void
a_send_the_host_has_no_room_for_registers_the_stream_and_room_wakes_poll(void **state)
{
	pthread_t sink;
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	reg = registered();
	assert_true(fill(a) > 0);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(registered(), reg + 1);
	assert_int_equal(poll1(a, POLLOUT, 0), 0);
	assert_int_equal(pthread_create(&sink, NULL, host_sink, &hc), 0);
	assert_int_equal(poll1(a, POLLOUT, -1), POLLOUT);
	rump_sys_close(a);
	assert_int_equal(pthread_join(sink, NULL), 0);
	close(hc);
}

/* As for data: room hidden from the poll is reported by the registration. */
static void
room_there_before_the_registration_wakes_the_poller(void **state)
{
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	reg = registered();
	__atomic_store_n(&mock_hide, POLLOUT, __ATOMIC_SEQ_CST);
	assert_int_equal(poll1(a, POLLOUT, -1), POLLOUT);
	assert_int_equal(registered(), reg + 1);
	rump_sys_close(a);
	close(hc);
}

/* ---- a registration the host refuses ---- */

static void
a_poll_the_host_refuses_to_register_for_is_pollerr_and_the_next_tries_again(void **state)
{
	uint64_t reg;
	int hc, a, error;
	socklen_t len = sizeof(error);

	(void)state;
	pair(&hc, &a);
	reg = registered();
	__atomic_store_n(&mock_addfail, ENOSPC, __ATOMIC_SEQ_CST);
	assert_int_equal(poll1(a, POLLIN, 0), POLLERR);
	assert_int_equal(rump_sys_getsockopt(a, SOL_SOCKET, SO_ERROR, &error,
	    &len), 0);
	assert_int_equal(error, ENOSPC);
	assert_int_equal(registered(), reg);
	assert_int_equal(poll1(a, POLLIN, 0), 0);
	assert_int_equal(registered(), reg + 1);
	rump_sys_close(a);
	close(hc);
}

static void
a_poll_for_room_the_host_refuses_to_register_for_is_pollerr(void **state)
{
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	reg = registered();
	__atomic_store_n(&mock_addfail, ENOSPC, __ATOMIC_SEQ_CST);
	__atomic_store_n(&mock_hide, POLLOUT, __ATOMIC_SEQ_CST);
	assert_int_equal(poll1(a, POLLOUT, 0), POLLERR);
	assert_int_equal(rump_sys_send(a, "z", 1, 0), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(poll1(a, POLLOUT, 0), POLLOUT);
	assert_int_equal(registered(), reg);
	rump_sys_close(a);
	close(hc);
}

static void
a_blocking_read_the_host_refuses_to_register_for_fails_with_its_error(void **state)
{
	char buf[16];
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	reg = registered();
	__atomic_store_n(&mock_addfail, ENOMEM, __ATOMIC_SEQ_CST);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(registered(), reg);
	host_send_acked(hc, "ok");
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), 0), 2);
	rump_sys_close(a);
	close(hc);
}

/*
 * A send that filled the host and could not register: what went is
 * counted, the error is the next send's.
 */
static void
a_send_the_host_refuses_to_register_for_fails_with_its_error(void **state)
{
	uint64_t reg;
	int hc, a;

	(void)state;
	pair(&hc, &a);
	reg = registered();
	__atomic_store_n(&mock_addfail, ENOSPC, __ATOMIC_SEQ_CST);
	(void)fill(a);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(registered(), reg);
	assert_int_equal(rump_sys_send(a, "z", 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(registered(), reg + 1);
	rump_sys_close(a);
	close(hc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_request_read_and_answered_without_waiting_registers_nothing),
		leak_test(a_request_there_at_accept_is_readable_without_asking_the_host),
		leak_test(a_nonblocking_read_of_nothing_leaves_the_stream_unregistered),
		leak_test(a_poll_that_finds_nothing_registers_the_stream_and_data_wakes_the_next),
		leak_test(data_that_came_before_the_registration_wakes_the_poller),
		leak_test(a_blocking_reader_registers_the_stream_and_data_wakes_it),
		leak_test(a_send_the_host_has_no_room_for_registers_the_stream_and_room_wakes_poll),
		leak_test(room_there_before_the_registration_wakes_the_poller),
		leak_test(a_poll_the_host_refuses_to_register_for_is_pollerr_and_the_next_tries_again),
		leak_test(a_poll_for_room_the_host_refuses_to_register_for_is_pollerr),
		leak_test(a_blocking_read_the_host_refuses_to_register_for_fails_with_its_error),
		leak_test(a_send_the_host_refuses_to_register_for_fails_with_its_error),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
