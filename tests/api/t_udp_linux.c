/*
 * UDP sockets behaving as Linux's do where BSD's differ, through the
 * public interface over the loopback interface: sendto() with an address
 * on a connected socket sends there; disconnecting (connect to AF_UNSPEC)
 * keeps an address the socket was bound to and forgets one connect
 * picked.  lo0 is 127.0.0.1/8, and all of 127/8 is ours: a socket may
 * bind 127.0.0.2.
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

#define LO2	(INADDR_LOOPBACK + 1)	/* 127.0.0.2 */

static void
disconnect(int s)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	assert_int_equal(rump_sys_connect(s, &unspec, sizeof(unspec)), 0);
}

/* A socket bound to 127.0.0.2, connected to a peer, then disconnected. */
static int
bound_connected_disconnected(struct sockaddr_in *bound)
{
	struct sockaddr_in peer;
	int s, sp;

	s = udp_bound_to(LO2, bound);
	sp = udp_bound_to(INADDR_LOOPBACK, &peer);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&peer,
	    sizeof(peer)), 0);
	disconnect(s);
	rump_sys_close(sp);
	return s;
}

static void
udp_disconnect_keeps_an_explicitly_bound_address(void **state)
{
	struct sockaddr_in bound, name;
	socklen_t len = sizeof(name);
	int s;

	(void)state;
	SKIP_ON_SOCKIN("Linux itself forgets a port bind() picked (not an explicit one) "
	    "on disconnect, which the rump stack keeps");
	s = bound_connected_disconnected(&bound);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)&name,
	    &len), 0);
	assert_int_equal(name.sin_addr.s_addr, htonl(LO2));
	assert_int_equal(name.sin_port, bound.sin_port);
	rump_sys_close(s);
}

/*
 * Disconnected, the socket still receives only what is sent to the
 * address it bound: a datagram to 127.0.0.1 on its port finds no socket
 * (udp.noport), and the one sent after it to 127.0.0.2 arrives alone.
 */
static void
udp_disconnected_socket_receives_only_for_its_bound_address(void **state)
{
	struct sockaddr_in bound, other, from;
	uint64_t noport, now, unreach0, unreach;
	char buf[8];
	int s, sf;

	(void)state;
	SKIP_ON_SOCKIN("reads the rump stack's UDP and ICMP counters");
	s = bound_connected_disconnected(&bound);
	sf = udp_bound_to(INADDR_LOOPBACK, &from);
	other = sin_of(INADDR_LOOPBACK, ntohs(bound.sin_port));
	assert_int_equal(rump_kstat_get("udp.noport", &noport), 0);
	assert_int_equal(rump_kstat_get("icmp.in.unreach", &unreach0), 0);
	assert_int_equal(rump_sys_sendto(sf, "stray", 5, 0,
	    (struct sockaddr *)&other, sizeof(other)), 5);
	assert_int_equal(rump_sys_sendto(sf, "mine", 4, 0,
	    (struct sockaddr *)&bound, sizeof(bound)), 4);
	/* Loopback keeps the order: the stray was handled before. */
	expect_datagram(s, "mine", &from);
	assert_int_equal(rump_kstat_get("udp.noport", &now), 0);
	assert_int_equal(now, noport + 1);
	assert_int_equal(rump_sys_recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	/* The stray's port unreachable is still on its way back: let it land. */
	for (int waited = 0; waited < 10000; waited++) {
		assert_int_equal(rump_kstat_get("icmp.in.unreach", &unreach), 0);
		if (unreach > unreach0)
			break;
		rump_sys_poll(NULL, 0, 1);
	}
	assert_int_equal(unreach, unreach0 + 1);
	rump_sys_close(sf);
	rump_sys_close(s);
}

/* The port on the addresses the socket did not bind stays free for others. */
static void
udp_disconnect_leaves_the_port_free_on_other_addresses(void **state)
{
	struct sockaddr_in bound, other;
	int s, s2;

	(void)state;
	s = bound_connected_disconnected(&bound);
	other = sin_of(INADDR_LOOPBACK, ntohs(bound.sin_port));
	s2 = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(rump_sys_bind(s2, (struct sockaddr *)&other,
	    sizeof(other)), 0);
	rump_sys_close(s2);
	rump_sys_close(s);
}

/* An address connect picked (the socket bound none) is forgotten. */
static void
udp_disconnect_forgets_the_address_connect_picked(void **state)
{
	struct sockaddr_in bound, peer, name;
	socklen_t len = sizeof(name);
	int s, sp;

	(void)state;
	SKIP_ON_SOCKIN("Linux itself forgets a port bind() picked (not an explicit one) "
	    "on disconnect, which the rump stack keeps");
	s = udp_bound_to(INADDR_ANY, &bound);
	sp = udp_bound_to(INADDR_LOOPBACK, &peer);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&peer,
	    sizeof(peer)), 0);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)&name,
	    &len), 0);
	assert_int_equal(name.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	disconnect(s);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)&name,
	    &len), 0);
	assert_int_equal(name.sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(name.sin_port, bound.sin_port);
	rump_sys_close(sp);
	rump_sys_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(udp_sendto_on_connected_socket_goes_to_the_address_given),
		leak_test(udp_disconnect_keeps_an_explicitly_bound_address),
		leak_test(udp_disconnected_socket_receives_only_for_its_bound_address),
		leak_test(udp_disconnect_leaves_the_port_free_on_other_addresses),
		leak_test(udp_disconnect_forgets_the_address_connect_picked),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
