/*
 * Blocked calls wait on their own host socket (sockin/sockin_wait.c):
 * several on one socket all wake, and one the host gives no descriptor
 * for its kick waits as before, the event thread bringing its news.  Run
 * as an ordinary user on 127.0.0.1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"
#include "blocker.h"

#define NREADERS	3

static uint64_t
kstat(const char *name)
{
	uint64_t v;

	assert_int_equal(rump_kstat_get(name, &v), 0);
	return v;
}

static long
recv_one(struct blocker *b)
{
	char c;

	return rump_sys_recv(b->fds[0], &c, 1, 0);
}

struct plainreader {
	int fd;
	pthread_t t;
	ssize_t ret;
};

static void *
plainreader_main(void *arg)
{
	struct plainreader *r = arg;
	char c;

	r->ret = rump_sys_recv(r->fd, &c, 1, 0);
	return NULL;
}

/* Until n blocked calls went to sleep since the counts were waits. */
static void
wait_sleeps(uint64_t waits, unsigned n)
{
	const struct timespec ms = { 0, 1000000 };

	for (int i = 0; kstat("sockin.hostwaits") + kstat("sockin.plainwaits") <
	    waits + n; i++) {
		assert_true(i < 10000);
		nanosleep(&ms, NULL);
	}
}

/*
 * First in this program, while the pool of kicks holds at most the one
 * tcp_pair's connect or accept used: at the host's descriptor limit the
 * readers after it get none, and sleep on the socket alone (the limit
 * held until they are done: a reader about to sleep meets it too).  Their
 * sleeps are counted under the lock a send wakes them under: sent after,
 * the data wakes them.
 */
static void
readers_without_a_descriptor_for_their_kick_still_get_their_data(void **state)
{
	struct plainreader r[NREADERS];
	struct rlimit old, low;
	int c[NREADERS], lowest;
	uint64_t waits, plain = kstat("sockin.plainwaits");

	(void)state;
	for (int i = 0; i < NREADERS; i++)
		tcptest_pair(&c[i], &r[i].fd);
	waits = kstat("sockin.hostwaits") + plain;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	assert_true((lowest = dup(0)) >= 0);
	close(lowest);
	low = old;
	low.rlim_cur = (rlim_t)lowest;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	for (int i = 0; i < NREADERS; i++)
		assert_int_equal(pthread_create(&r[i].t, NULL,
		    plainreader_main, &r[i]), 0);
	wait_sleeps(waits, NREADERS);
	for (int i = 0; i < NREADERS; i++) {
		assert_int_equal(rump_sys_send(c[i], "x", 1, 0), 1);
		assert_int_equal(pthread_join(r[i].t, NULL), 0);
		assert_int_equal(r[i].ret, 1);
	}
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_true(kstat("sockin.plainwaits") > plain);
	for (int i = 0; i < NREADERS; i++) {
		rump_sys_close(r[i].fd);
		rump_sys_close(c[i]);
	}
}

static void
readers_blocked_on_one_socket_all_wake_when_it_is_shut(void **state)
{
	struct blocker b[NREADERS];
	uint64_t waits;
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	waits = kstat("sockin.hostwaits");
	for (int i = 0; i < NREADERS; i++)
		blocker_start(&b[i], 0, NULL, recv_one, (int[]){ a, -1 });
	assert_int_equal(kstat("sockin.hostwaits"), waits + NREADERS);
	assert_int_equal(rump_sys_shutdown(a, SHUT_RD), 0);
	for (int i = 0; i < NREADERS; i++) {
		blocker_join(&b[i]);
		assert_int_equal(b[i].ret, 0);
	}
	rump_sys_close(a);
	rump_sys_close(c);
}

/* One byte for each: each reader the host wakes takes one, or sleeps again. */
static void
readers_blocked_on_one_socket_share_what_comes(void **state)
{
	struct blocker b[NREADERS];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	for (int i = 0; i < NREADERS; i++)
		blocker_start(&b[i], 0, NULL, recv_one, (int[]){ a, -1 });
	for (int i = 0; i < NREADERS; i++)
		assert_int_equal(rump_sys_send(c, "x", 1, 0), 1);
	for (int i = 0; i < NREADERS; i++) {
		blocker_join(&b[i]);
		assert_int_equal(b[i].ret, 1);
	}
	rump_sys_close(a);
	rump_sys_close(c);
}

/* The kicks sockin keeps between waits: SOCKIN_USER_WAITRESERVE. */
#define KICK_RESERVE	8
#define NBURST		64

static long
accept_one(struct blocker *b)
{
	int s = rump_sys_accept(b->fds[0], NULL, NULL);

	if (s >= 0)
		rump_sys_close(s);
	return s >= 0 ? 0 : -1;
}

/*
 * NBURST accepters blocked at once, each with a kick of its own, then
 * all served: the host descriptors their kicks took are closed but for
 * the reserve (the listener and its host clients are closed too).
 */
static void
a_burst_of_blocked_calls_leaves_at_most_the_reserve_of_kicks_open(void **state)
{
	static struct blocker b[NBURST];
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr = { htonl(INADDR_LOOPBACK) },
	};
	socklen_t len = sizeof(sin);
	int l, h, fds;

	(void)state;
	fds = host_fds();
	assert_true((l = rump_sys_socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(rump_sys_bind(l, (struct sockaddr *)&sin, len), 0);
	assert_int_equal(rump_sys_listen(l, NBURST), 0);
	assert_int_equal(rump_sys_getsockname(l, (struct sockaddr *)&sin,
	    &len), 0);
	for (int i = 0; i < NBURST; i++)
		blocker_start(&b[i], 0, NULL, accept_one, (int[]){ l, -1 });
	for (int i = 0; i < NBURST; i++) {
		assert_true((h = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
		assert_int_equal(connect(h, (struct sockaddr *)&sin,
		    sizeof(sin)), 0);
		close(h);
	}
	for (int i = 0; i < NBURST; i++) {
		blocker_join(&b[i]);
		assert_int_equal(b[i].ret, 0);
	}
	rump_sys_close(l);
	assert_true(host_fds() <= fds + KICK_RESERVE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(readers_without_a_descriptor_for_their_kick_still_get_their_data),
		leak_test(readers_blocked_on_one_socket_all_wake_when_it_is_shut),
		leak_test(readers_blocked_on_one_socket_share_what_comes),
		leak_test(a_burst_of_blocked_calls_leaves_at_most_the_reserve_of_kicks_open),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
