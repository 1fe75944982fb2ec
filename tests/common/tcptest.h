/* TCP sockets on the loopback for the socket API tests (after apitest.h). */
#ifndef TESTS_TCPTEST_H
#define TESTS_TCPTEST_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>

/* A listener on 127.0.0.1 and an ephemeral port, its address in *sin. */
static inline int
tcptest_listener(struct sockaddr_in *sin, int backlog)
{
	socklen_t len = sizeof(*sin);
	int s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	*sin = (struct sockaddr_in){ .sin_family = AF_INET,
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)sin,
	    sizeof(*sin)), 0);
	assert_int_equal(rump_sys_listen(s, backlog), 0);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)sin,
	    &len), 0);
	assert_int_not_equal(sin->sin_port, 0);
	return s;
}

/* A connection on 127.0.0.1: *c the connecting end, *a the accepted one. */
static inline void
tcptest_pair(int *c, int *a)
{
	struct sockaddr_in sin;
	int l = tcptest_listener(&sin, 1);

	*c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*c >= 0);
	assert_int_equal(rump_sys_connect(*c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	*a = rump_sys_accept(l, NULL, NULL);
	assert_true(*a >= 0);
	assert_int_equal(rump_sys_close(l), 0);
}

/*
 * Whether the stack is done with every TCP connection, for a test to
 * wait on before its leak check.  Rump stack: no PCB is left (TIME_WAIT
 * included), lo0 delivered every segment it took (a reset's last ones
 * may still wait for the loopback softint), and the stack holds no
 * mbuf.  The counters are read without the network lock, while the
 * input of the last segment may still run: it counts the segment in
 * on lo0 and closes its connection (tcp.pcbs falls to 0) before it
 * frees the segment, as a kernel does; only the mbufs in use show that
 * it has finished.  Sockin: every socket is gone (the host keeps its
 * own TIME_WAIT).  Remote: the server checks for leaks at its shutdown,
 * nothing to wait for here.
 */
#if defined(RUMP_TEST_REMOTE)
static inline bool
tcptest_stack_done(void)
{
	return true;
}
#else
static inline uint64_t
tcptest_kstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(rump_kstat_get(name, &v), 0);
	return v;
}

#if defined(RUMP_TEST_SOCKIN)
static inline bool
tcptest_stack_done(void)
{
	return tcptest_kstat("sockin.pcbs") == 0;
}
#else
static inline bool
tcptest_stack_done(void)
{
	struct rump_kmem_stat st;

	if (tcptest_kstat("tcp.pcbs") != 0 || tcptest_kstat("lo0.opackets") !=
	    tcptest_kstat("lo0.ipackets") + tcptest_kstat("lo0.drop.down"))
		return false;
	assert_int_equal(rump_kmem_stat("mbuf", &st), 0);
	return st.inuse == 0;
}
#endif
#endif

/*
 * Waits until the stack is done with every connection; a minute is far
 * beyond the retransmissions and TIME_WAITs (RUMP_TCP_MSL_MS) the tests
 * leave behind, and only a stack that never lets go runs into it.
 */
static inline void
tcptest_wait_done(void)
{
	const struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 60000; i++) {
		if (tcptest_stack_done())
			return;
		nanosleep(&ms, NULL);
	}
	fail_msg("connections or segments still held after a minute");
}

#endif
