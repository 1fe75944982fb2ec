/*
 * TCP through the public interface over lo0: the calls a Linux socket
 * program makes, with rump_sys_ in front.  TIME_WAIT is shortened with
 * RUMP_TCP_MSL_MS so that each test can wait for its connections to be
 * gone (tcp.pcbs back where it was) before the leak check.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apitest.h"

static uint64_t
kstat(const char *name)
{
	uint64_t v = 0;

	assert_int_equal(rump_kstat_get(name, &v), 0);
	return v;
}

/* Waits until every connection is gone, TIME_WAIT included. */
static void
wait_no_connections(void)
{
	while (kstat("tcp.pcbs") != 0)
		usleep(1000);
}

static struct sockaddr_in
loopback(in_port_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr = { htonl(INADDR_LOOPBACK) },
	};

	return sin;
}

/* A listening socket on 127.0.0.1 and an ephemeral port (in *sin). */
static int
tcp_listener(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	*sin = loopback(0);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)sin, sizeof(*sin)), 0);
	assert_int_equal(rump_sys_listen(s, 16), 0);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)sin, &len), 0);
	return s;
}

/* A connected pair: *c connected to the listener's accepted *a. */
static void
tcp_pair(int *c, int *a)
{
	struct sockaddr_in sin;
	int l = tcp_listener(&sin);

	*c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*c >= 0);
	assert_int_equal(rump_sys_connect(*c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	*a = rump_sys_accept(l, NULL, NULL);
	assert_true(*a >= 0);
	assert_int_equal(rump_sys_close(l), 0);
}

static void
tcp_connect_accept_and_exchange_data(void **state)
{
	struct sockaddr_in sin, peer, name;
	socklen_t plen = sizeof(peer), nlen = sizeof(name);
	char buf[16];
	int l, c, a;

	(void)state;
	l = tcp_listener(&sin);
	c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	a = rump_sys_accept(l, (struct sockaddr *)&peer, &plen);
	assert_true(a >= 0);
	assert_int_equal(rump_sys_getsockname(c, (struct sockaddr *)&name,
	    &nlen), 0);
	assert_int_equal(peer.sin_port, name.sin_port);
	assert_int_equal(rump_sys_write(c, "hello", 5), 5);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(rump_sys_write(a, "world!", 6), 6);
	assert_int_equal(rump_sys_read(c, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "world!", 6);
	assert_int_equal(rump_sys_close(c), 0);
	assert_int_equal(rump_sys_read(a, buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_close(a), 0);
	assert_int_equal(rump_sys_close(l), 0);
	wait_no_connections();
}

static void
tcp_connect_to_a_closed_port_is_econnrefused(void **state)
{
	struct sockaddr_in sin = loopback(9);
	int c = rump_sys_socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	assert_int_equal(rump_sys_connect(c, (struct sockaddr *)&sin,
	    sizeof(sin)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(rump_sys_close(c), 0);
	wait_no_connections();
}

/* Sends n bytes of a pattern from one thread while the test reads them. */
struct sender {
	int fd;
	size_t n;
	int error;
};

static unsigned char
pattern(size_t i)
{
	return (unsigned char)(i * 31 + (i >> 11));
}

static void *
sender_run(void *arg)
{
	struct sender *s = arg;
	unsigned char buf[65536];
	size_t done = 0;

	while (done < s->n) {
		size_t len = s->n - done < sizeof(buf) ? s->n - done : sizeof(buf);
		ssize_t w;

		for (size_t i = 0; i < len; i++)
			buf[i] = pattern(done + i);
		if ((w = rump_sys_write(s->fd, buf, len)) < 0) {
			s->error = errno;
			break;
		}
		done += (size_t)w;
	}
	rump_sys_shutdown(s->fd, SHUT_WR);
	return NULL;
}

static void
tcp_transfers_megabytes_byte_exact(void **state)
{
	struct sender snd = { .n = 8u << 20 };
	unsigned char buf[30000];
	pthread_t t;
	size_t got = 0;
	ssize_t r;
	int c, a;

	(void)state;
	tcp_pair(&c, &a);
	snd.fd = c;
	assert_int_equal(pthread_create(&t, NULL, sender_run, &snd), 0);
	while ((r = rump_sys_read(a, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] != pattern(got + (size_t)i))
				fail_msg("byte %zu differs", got + (size_t)i);
		got += (size_t)r;
	}
	assert_int_equal(r, 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(snd.error, 0);
	assert_int_equal(got, snd.n);
	assert_int_equal(rump_sys_close(a), 0);
	assert_int_equal(rump_sys_close(c), 0);
	wait_no_connections();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(tcp_connect_accept_and_exchange_data),
		leak_test(tcp_connect_to_a_closed_port_is_econnrefused),
		leak_test(tcp_transfers_megabytes_byte_exact),
	};

	setenv("RUMP_TCP_MSL_MS", "5", 1);
	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
