/* UDP sockets on the loopback for the socket API tests (after apitest.h). */
#ifndef TESTS_UDPTEST_H
#define TESTS_UDPTEST_H

#include <netinet/in.h>
#include <sys/socket.h>

/* A UDP socket bound to 127.0.0.1 and an ephemeral port, its address in *sin. */
static inline int
udptest_bound(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	*sin = (struct sockaddr_in){ .sin_family = AF_INET,
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)sin,
	    sizeof(*sin)), 0);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)sin,
	    &len), 0);
	assert_int_equal(len, sizeof(*sin));
	assert_int_not_equal(sin->sin_port, 0);
	return s;
}

#endif
