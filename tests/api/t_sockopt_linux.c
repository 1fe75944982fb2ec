/*
 * Socket-level options (SOL_SOCKET) answered as Linux's sockets answer
 * them: each test makes the same calls on a host socket and on a rump
 * socket and compares what they say.  Built twice, like the other socket
 * API tests: the rump stack's answers are the socket layer's, sockin's
 * the socket layer's and the host socket's behind it.
 *
 * Not compared on the rump stack: SO_DEBUG, which Linux lets only a
 * privileged caller set (the suite may run as nobody) and the rump
 * stack, which has no privileges, lets anybody; sockin asks the host.
 * Not compared at all: what depends on the stack's own limits and
 * defaults (buffer sizes, the cap on the receive low water mark, the
 * linger time of a negative SO_LINGER, which Linux reads back in ticks
 * of its clock); timeouts that are not a whole number of the host's
 * clock ticks, which Linux rounds up to one.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The calls both kinds of socket answer alike. */
struct sockapi {
	int (*so_socket)(int, int, int);
	int (*so_setsockopt)(int, int, int, const void *, socklen_t);
	int (*so_getsockopt)(int, int, int, void *, socklen_t *);
	int (*so_close)(int);
};

static const struct sockapi hostapi = {
	socket, setsockopt, getsockopt, close,
};
static const struct sockapi rumpapi = {
	rump_sys_socket, rump_sys_setsockopt, rump_sys_getsockopt,
	rump_sys_close,
};

/* An option's value as setsockopt takes it, len bytes of it. */
struct optval {
	const char *what;
	int name;
	union {
		int i;
		struct linger lg;
		struct timeval tv;
	} v;
	socklen_t len;
};

#define OPT_INT(n, x)	{ #n " " #x, n, { .i = (x) }, sizeof(int) }
#define OPT_LG(n, on, t) \
	{ #n " {" #on "," #t "}", n, { .lg = { (on), (t) } }, \
	    sizeof(struct linger) }
#define OPT_TV(n, s, us) \
	{ #n " {" #s "," #us "}", n, { .tv = { (s), (us) } }, \
	    sizeof(struct timeval) }
#define OPT_SHORT(n, l)	{ #n " of " #l " bytes", n, { .i = 1 }, (l) }

static const int types[] = { SOCK_STREAM, SOCK_DGRAM };

/* 0 if the call succeeded, else its errno. */
static int
set_error(const struct sockapi *api, int s, const struct optval *o)
{
	return api->so_setsockopt(s, SOL_SOCKET, o->name, &o->v, o->len) == 0 ?
	    0 : errno;
}

/* Sets o on a new socket of each type, host and rump: the same answer. */
static void
expect_set_as_the_host(const struct optval *o)
{
	for (size_t t = 0; t < NELEM(types); t++) {
		int h = socket(AF_INET, types[t], 0);
		int r = rump_sys_socket(AF_INET, types[t], 0);
		int herr, rerr;

		assert_true(h >= 0 && r >= 0);
		herr = set_error(&hostapi, h, o);
		rerr = set_error(&rumpapi, r, o);
		if (herr != rerr)
			fail_msg("%s on a socket of type %d: host %s, rump %s",
			    o->what, types[t], strerror(herr), strerror(rerr));
		assert_int_equal(close(h), 0);
		assert_int_equal(rump_sys_close(r), 0);
	}
}

static void
every_socket_option_is_set_or_refused_as_on_the_host(void **state)
{
	static const struct optval opts[] = {
		OPT_INT(SO_REUSEADDR, 7), OPT_INT(SO_REUSEPORT, 1),
		OPT_INT(SO_KEEPALIVE, 1), OPT_INT(SO_DONTROUTE, 1),
		OPT_INT(SO_BROADCAST, 1), OPT_INT(SO_OOBINLINE, 0),
		OPT_SHORT(SO_KEEPALIVE, 2),
		OPT_LG(SO_LINGER, 1, 5), OPT_LG(SO_LINGER, 0, 5),
		OPT_LG(SO_LINGER, 1, -1), OPT_SHORT(SO_LINGER, 4),
		OPT_INT(SO_SNDBUF, 10000), OPT_INT(SO_SNDBUF, 0),
		OPT_INT(SO_SNDBUF, -1), OPT_INT(SO_RCVBUF, -1),
		OPT_SHORT(SO_RCVBUF, 3),
		OPT_INT(SO_RCVLOWAT, 100), OPT_INT(SO_RCVLOWAT, 0),
		OPT_INT(SO_RCVLOWAT, -1),
		OPT_INT(SO_SNDLOWAT, 100), OPT_INT(SO_SNDLOWAT, 1),
		OPT_TV(SO_RCVTIMEO, 1, 0), OPT_TV(SO_RCVTIMEO, -1, 0),
		OPT_TV(SO_SNDTIMEO, 0, -1), OPT_TV(SO_SNDTIMEO, 0, 1000000),
		OPT_TV(SO_RCVTIMEO, -1, -1), OPT_SHORT(SO_SNDTIMEO, 8),
		OPT_INT(SO_TYPE, 1), OPT_INT(SO_PROTOCOL, 6),
		OPT_INT(SO_DOMAIN, AF_INET), OPT_INT(SO_ERROR, 0),
		OPT_INT(SO_ACCEPTCONN, 1),
#ifdef RUMP_TEST_SOCKIN
		OPT_INT(SO_DEBUG, 1),
#endif
	};

	(void)state;
	for (size_t i = 0; i < NELEM(opts); i++)
		expect_set_as_the_host(&opts[i]);
}

/* Reads option name of s into buf: its length, or -errno. */
static int
get_bytes(const struct sockapi *api, int s, int name, void *buf)
{
	socklen_t len = sizeof(struct timeval);

	memset(buf, 0xa5, sizeof(struct timeval));
	if (api->so_getsockopt(s, SOL_SOCKET, name, buf, &len) != 0)
		return -errno;
	return (int)len;
}

/* Options whose value Linux decides alone, whatever the stack. */
static const struct {
	const char *what;
	int name;
} readable[] = {
	{ "SO_REUSEADDR", SO_REUSEADDR }, { "SO_REUSEPORT", SO_REUSEPORT },
	{ "SO_KEEPALIVE", SO_KEEPALIVE }, { "SO_DONTROUTE", SO_DONTROUTE },
	{ "SO_BROADCAST", SO_BROADCAST }, { "SO_OOBINLINE", SO_OOBINLINE },
	{ "SO_LINGER", SO_LINGER }, { "SO_RCVLOWAT", SO_RCVLOWAT },
	{ "SO_SNDLOWAT", SO_SNDLOWAT }, { "SO_RCVTIMEO", SO_RCVTIMEO },
	{ "SO_SNDTIMEO", SO_SNDTIMEO }, { "SO_TYPE", SO_TYPE },
	{ "SO_PROTOCOL", SO_PROTOCOL }, { "SO_DOMAIN", SO_DOMAIN },
	{ "SO_ERROR", SO_ERROR }, { "SO_ACCEPTCONN", SO_ACCEPTCONN },
};

/* Every option of the list reads the same on h and r, after what. */
static void
expect_read_as_the_host(int h, int r, const char *what)
{
	unsigned char hb[sizeof(struct timeval)], rb[sizeof(struct timeval)];

	for (size_t i = 0; i < NELEM(readable); i++) {
		int hl = get_bytes(&hostapi, h, readable[i].name, hb);
		int rl = get_bytes(&rumpapi, r, readable[i].name, rb);

		if (hl != rl || (hl > 0 && memcmp(hb, rb, (size_t)hl) != 0))
			fail_msg("%s (%s): the host's and the rump socket's "
			    "differ", readable[i].what, what);
	}
}

static void
a_new_sockets_options_read_as_on_the_host(void **state)
{
	(void)state;
	for (size_t t = 0; t < NELEM(types); t++) {
		int h = socket(AF_INET, types[t], 0);
		int r = rump_sys_socket(AF_INET, types[t], 0);

		assert_true(h >= 0 && r >= 0);
		expect_read_as_the_host(h, r, "a new socket");
		assert_int_equal(close(h), 0);
		assert_int_equal(rump_sys_close(r), 0);
	}
}

static void
options_read_back_as_on_the_host_after_being_set(void **state)
{
	static const struct optval opts[] = {
		OPT_INT(SO_REUSEADDR, 7), OPT_INT(SO_KEEPALIVE, 1),
		OPT_INT(SO_OOBINLINE, 1),
		OPT_LG(SO_LINGER, 1, 7), OPT_LG(SO_LINGER, 0, 3),
		OPT_INT(SO_RCVLOWAT, 0), OPT_INT(SO_RCVLOWAT, 100),
		OPT_INT(SO_SNDLOWAT, 100),
		OPT_TV(SO_RCVTIMEO, 2, 500000), OPT_TV(SO_SNDTIMEO, -1, 0),
	};

	(void)state;
	for (size_t t = 0; t < NELEM(types); t++) {
		int h = socket(AF_INET, types[t], 0);
		int r = rump_sys_socket(AF_INET, types[t], 0);

		assert_true(h >= 0 && r >= 0);
		for (size_t i = 0; i < NELEM(opts); i++) {
			(void)set_error(&hostapi, h, &opts[i]);
			(void)set_error(&rumpapi, r, &opts[i]);
			expect_read_as_the_host(h, r, opts[i].what);
		}
		assert_int_equal(close(h), 0);
		assert_int_equal(rump_sys_close(r), 0);
	}
}

/* A UDP socket on 127.0.0.1 with nothing to read, timeout {-1, 0}. */
static int
udp_no_wait(const struct sockapi *api)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	struct timeval tv = { -1, 0 };
	int s = api->so_socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	assert_int_equal(api->so_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal((api == &hostapi ? bind : rump_sys_bind)(s,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	return s;
}

static void
a_negative_receive_timeout_is_eagain_at_once_as_on_the_host(void **state)
{
	int h = udp_no_wait(&hostapi), r = udp_no_wait(&rumpapi);
	char c;

	(void)state;
	assert_int_equal(recv(h, &c, 1, 0), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rump_sys_recvfrom(r, &c, 1, 0, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(close(h), 0);
	assert_int_equal(rump_sys_close(r), 0);
}

/* Lingering without a limit is not a reset: the peer reads to the end. */
static void
a_close_lingering_without_limit_ends_the_connection_in_order(void **state)
{
	struct linger lg = { 1, -1 };
	char buf[4];
	int c, a;

	(void)state;
	tcptest_pair(&c, &a);
	assert_int_equal(rump_sys_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)), 0);
	assert_int_equal(rump_sys_write(c, "bye", 3), 3);
	assert_int_equal(rump_sys_close(c), 0);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "bye", 3);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_close(a), 0);
	tcptest_wait_done();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(every_socket_option_is_set_or_refused_as_on_the_host),
		leak_test(a_new_sockets_options_read_as_on_the_host),
		leak_test(options_read_back_as_on_the_host_after_being_set),
		leak_test(a_negative_receive_timeout_is_eagain_at_once_as_on_the_host),
		leak_test(a_close_lingering_without_limit_ends_the_connection_in_order),
	};

	setenv("RUMP_TCP_MSL_MS", "5", 1);
	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
