/*
 * sockin asks the host for data without softnet_lock (sockin_recv.c,
 * sockin_send.c).  A shutdown that another thread makes meanwhile wakes
 * nobody, the caller not being asleep yet; the socket layer sees that a
 * wake-up came (sb_wakeups) and looks again instead of sleeping through
 * it.  The host's recvmsg and sendmsg are wrapped (-Wl,--wrap): while
 * armed, the next call lets the test's main thread make its shutdown
 * before the host is asked, and a send then answers "full" as a full
 * host socket would.  The caller must end without waiting again
 * (sockin.hostwaits, the blocked calls' sleeps, stays as it was while it
 * was in the host).  Run as an
 * ordinary user on 127.0.0.1.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "apitest.h"
#include "tcptest.h"
#include "udptest.h"

ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static enum { IDLE, ARMED, IN_HOST, SHUT } phase;

/* In the wrap: the main thread makes its shutdown now; true if armed. */
static bool
hold_for_shutdown(void)
{
	bool armed;

	pthread_mutex_lock(&lock);
	armed = phase == ARMED;
	if (armed) {
		phase = IN_HOST;
		pthread_cond_broadcast(&cond);
		while (phase != SHUT)
			pthread_cond_wait(&cond, &lock);
		phase = IDLE;
	}
	pthread_mutex_unlock(&lock);
	return armed;
}

ssize_t
__wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	(void)hold_for_shutdown();
	return __real_recvmsg(fd, msg, flags);
}

ssize_t
__wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (hold_for_shutdown()) {
		errno = EAGAIN;
		return -1;
	}
	return __real_sendmsg(fd, msg, flags);
}

static uint64_t
hostwaits(void)
{
	uint64_t v;

	assert_int_equal(rump_kstat_get("sockin.hostwaits", &v), 0);
	return v;
}

struct call {
	int fd;
	bool send;
	ssize_t rv;
	int error;
	uint64_t waits;		/* sockin.hostwaits when it was in the host */
};

static void *
caller(void *arg)
{
	struct call *c = arg;
	char b[4] = "data";

	c->rv = c->send ? rump_sys_send(c->fd, b, sizeof(b), 0) :
	    rump_sys_recv(c->fd, b, sizeof(b), 0);
	c->error = errno;
	return NULL;
}

/*
 * c's call runs in a thread of its own; once it is in the host, s is shut
 * down (how); the call's answer is in c.
 */
static void
call_while_shut(struct call *c, int s, int how)
{
	struct timeval tv = { .tv_sec = 30 };
	pthread_t t;

	/* Should the fix be gone: the call fails instead of hanging. */
	assert_int_equal(rump_sys_setsockopt(c->fd, SOL_SOCKET, c->send ?
	    SO_SNDTIMEO : SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	phase = ARMED;
	assert_int_equal(pthread_create(&t, NULL, caller, c), 0);
	pthread_mutex_lock(&lock);
	while (phase != IN_HOST)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	c->waits = hostwaits();
	(void)rump_sys_shutdown(s, how);
	pthread_mutex_lock(&lock);
	phase = SHUT;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void
a_stream_shut_for_reading_while_its_reader_asks_the_host_ends_the_read(
    void **state)
{
	int c, a;
	struct call r;

	(void)state;
	tcptest_pair(&c, &a);
	r = (struct call){ .fd = a };
	call_while_shut(&r, a, SHUT_RD);
	assert_int_equal(r.rv, 0);
	assert_int_equal(hostwaits(), r.waits);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
a_datagram_socket_shut_while_its_reader_asks_the_host_ends_the_read(
    void **state)
{
	struct sockaddr_in sin;
	struct call r;

	(void)state;
	r = (struct call){ .fd = udptest_bound(&sin) };
	call_while_shut(&r, r.fd, SHUT_RD);
	assert_int_equal(r.rv, 0);
	assert_int_equal(hostwaits(), r.waits);
	rump_sys_close(r.fd);
}

static void
a_stream_shut_for_writing_while_its_writer_gives_to_the_host_is_epipe(
    void **state)
{
	int c, a;
	struct call w;

	(void)state;
	tcptest_pair(&c, &a);
	w = (struct call){ .fd = c, .send = true };
	call_while_shut(&w, c, SHUT_WR);
	assert_int_equal(w.rv, -1);
	assert_int_equal(w.error, EPIPE);
	assert_int_equal(hostwaits(), w.waits);
	rump_sys_close(a);
	rump_sys_close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_stream_shut_for_reading_while_its_reader_asks_the_host_ends_the_read),
		leak_test(a_datagram_socket_shut_while_its_reader_asks_the_host_ends_the_read),
		leak_test(a_stream_shut_for_writing_while_its_writer_gives_to_the_host_is_epipe),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
