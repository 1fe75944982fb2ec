/*
 * UDP sockets behaving as Linux's do where BSD's differ, through the
 * public interface over the loopback interface: sendto() with an address
 * on a connected socket sends there.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "apitest.h"

static struct sockaddr_in
sin_of(in_addr_t addr, in_port_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr = { htonl(addr) },
	};

	return sin;
}

/* A UDP socket bound to addr and an ephemeral port, which *sin gets. */
static int
udp_bound_to(in_addr_t addr, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	*sin = sin_of(addr, 0);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)sin,
	    sizeof(*sin)), 0);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)sin, &len),
	    0);
	assert_int_not_equal(sin->sin_port, 0);
	return s;
}

/* Receives a datagram on s (waiting up to 5 s); checks it and its source. */
static void
expect_datagram(int s, const char *data, const struct sockaddr_in *src)
{
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	size_t len = strlen(data);
	char buf[64];

	assert_int_equal(rump_sys_poll(&(struct pollfd){ .fd = s,
	    .events = POLLIN }, 1, 5000), 1);
	assert_int_equal(rump_sys_recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fromlen), (ssize_t)len);
	assert_memory_equal(buf, data, len);
	assert_int_equal(from.sin_addr.s_addr, src->sin_addr.s_addr);
	assert_int_equal(from.sin_port, src->sin_port);
}

static void
udp_sendto_on_connected_socket_goes_to_the_address_given(void **state)
{
	struct sockaddr_in a, b, c;
	int sa, sb, sc;

	(void)state;
	sa = udp_bound_to(INADDR_LOOPBACK, &a);
	sb = udp_bound_to(INADDR_LOOPBACK, &b);
	sc = udp_bound_to(INADDR_LOOPBACK, &c);
	assert_int_equal(rump_sys_connect(sa, (struct sockaddr *)&b,
	    sizeof(b)), 0);
	assert_int_equal(rump_sys_sendto(sa, "to c", 4, 0,
	    (struct sockaddr *)&c, sizeof(c)), 4);
	expect_datagram(sc, "to c", &a);
	/* Still connected: send() goes to b. */
	assert_int_equal(rump_sys_send(sa, "to b", 4, 0), 4);
	expect_datagram(sb, "to b", &a);
	rump_sys_close(sa);
	rump_sys_close(sb);
	rump_sys_close(sc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(udp_sendto_on_connected_socket_goes_to_the_address_given),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
