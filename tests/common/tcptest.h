/* TCP sockets on the loopback for the socket API tests (after apitest.h). */
#ifndef TESTS_TCPTEST_H
#define TESTS_TCPTEST_H

#include <netinet/in.h>
#include <sys/socket.h>

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

#endif
