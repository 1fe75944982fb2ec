/*
 * What the IPv4 PCB layer (netinet/in_pcb.c) answers for UDP sockets on
 * the loopback interface: binding twice, connecting to port 0 or onto a
 * pair of addresses another socket has, IP_TTL's default, and options of
 * a level IP does not handle.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "apitest.h"

#define assert_fails(call, e) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, (e));					\
} while (0)

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

static int
udp_socket(void)
{
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	return s;
}

/* A UDP socket bound to 127.0.0.1 and a port of the kernel's choice. */
static int
udp_bound(struct sockaddr_in *sin, int reuse)
{
	socklen_t len = sizeof(*sin);
	int s = udp_socket();

	assert_int_equal(rump_sys_setsockopt(s, SOL_SOCKET, SO_REUSEADDR,
	    &reuse, sizeof(reuse)), 0);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)sin,
	    sizeof(*sin)), 0);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)sin, &len),
	    0);
	return s;
}

static void
binding_a_bound_socket_again_is_einval(void **state)
{
	struct sockaddr_in sin = loopback(0), other = loopback(0);
	int s;

	(void)state;
	s = udp_bound(&sin, 0);
	assert_fails(rump_sys_bind(s, (struct sockaddr *)&other,
	    sizeof(other)), EINVAL);
	rump_sys_close(s);
}

static void
connecting_to_port_0_is_eaddrnotavail(void **state)
{
	struct sockaddr_in sin = loopback(0);
	int s;

	(void)state;
	s = udp_socket();
	assert_fails(rump_sys_connect(s, (struct sockaddr *)&sin, sizeof(sin)),
	    EADDRNOTAVAIL);
	rump_sys_close(s);
}

/*
 * Two sockets may share a local address and port (SO_REUSEADDR), but not
 * be connected to the same peer from it: a datagram from the peer would
 * have two owners.
 */
static void
connecting_onto_another_sockets_pair_of_addresses_is_eaddrinuse(void **state)
{
	struct sockaddr_in a = loopback(0), b, peer = loopback(0);
	int s, t, p;

	(void)state;
	p = udp_bound(&peer, 0);
	s = udp_bound(&a, 1);
	b = a;
	t = udp_bound(&b, 1);
	assert_int_equal(b.sin_port, a.sin_port);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&peer,
	    sizeof(peer)), 0);
	assert_fails(rump_sys_connect(t, (struct sockaddr *)&peer,
	    sizeof(peer)), EADDRINUSE);
	rump_sys_close(s);
	assert_int_equal(rump_sys_connect(t, (struct sockaddr *)&peer,
	    sizeof(peer)), 0);
	rump_sys_close(t);
	rump_sys_close(p);
}

static void
an_ip_ttl_of_minus_one_restores_the_default(void **state)
{
	socklen_t len = sizeof(int);
	int s, dflt, v = 7, minus = -1;

	(void)state;
	s = udp_socket();
	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_IP, IP_TTL, &dflt,
	    &len), 0);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_TTL, &v,
	    sizeof(v)), 0);
	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_IP, IP_TTL, &v, &len),
	    0);
	assert_int_equal(v, 7);
	assert_int_equal(rump_sys_setsockopt(s, IPPROTO_IP, IP_TTL, &minus,
	    sizeof(minus)), 0);
	assert_int_equal(rump_sys_getsockopt(s, IPPROTO_IP, IP_TTL, &v, &len),
	    0);
	assert_int_equal(v, dflt);
	rump_sys_close(s);
}

/* As on Linux: TCP's options on a UDP socket. */
static void
an_option_of_a_level_udp_does_not_handle_is_enoprotoopt(void **state)
{
	socklen_t len = sizeof(int);
	int s, v = 1;

	(void)state;
	s = udp_socket();
	assert_fails(rump_sys_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v,
	    sizeof(v)), ENOPROTOOPT);
	assert_fails(rump_sys_getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v,
	    &len), ENOPROTOOPT);
	rump_sys_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(binding_a_bound_socket_again_is_einval),
		leak_test(connecting_to_port_0_is_eaddrnotavail),
		leak_test(connecting_onto_another_sockets_pair_of_addresses_is_eaddrinuse),
		leak_test(an_ip_ttl_of_minus_one_restores_the_default),
		leak_test(an_option_of_a_level_udp_does_not_handle_is_enoprotoopt),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
