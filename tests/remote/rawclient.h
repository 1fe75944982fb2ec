/*
 * A client of rump_server that speaks the protocol by hand, for the
 * tests of the protocol itself (t_rpc.c, t_rpc_chan.c): frames as the
 * tests make them, malformed ones included, on a unix socket to the
 * program's server (tests/common/remotetest.h).  Every step asserts:
 * include it after apitest.h.
 */
#ifndef TESTS_REMOTE_RAWCLIENT_H
#define TESTS_REMOTE_RAWCLIENT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rpc_wire.h"

/* Linux x86-64 system call numbers, as syscalls.master has them. */
#define NR_READ		0
#define NR_WRITE	1
#define NR_WRITEV	20
#define NR_GETPID	39
#define NR_SOCKET	41
#define NR_BIND		49
#define NR_PIPE2	293

/*
 * A fake server's listening socket, at remotetest_dir's "fake", and the
 * RUMP_SERVER url for it in url (urllen bytes).
 */
static inline int
raw_fake_listen(char *url, size_t urllen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(ls >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/fake", remotetest_dir);
	unlink(sun.sun_path);
	assert_int_equal(bind(ls, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(ls, 2), 0);
	snprintf(url, urllen, "unix://%s", sun.sun_path);
	return ls;
}

static int
raw_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", remotetest_dir);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void
raw_write(int fd, const void *p, size_t len)
{
	assert_int_equal(send(fd, p, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* A frame of the given type whose payload is b's after its header room. */
static void
raw_frame(int fd, struct rpc_wbuf *b, uint16_t type, uint64_t id)
{
	assert_false(b->rb_nomem);
	rpc_put_hdr(b->rb_data, (uint32_t)b->rb_len, type, id);
	raw_write(fd, b->rb_data, b->rb_len);
	free(b->rb_data);
	*b = (struct rpc_wbuf){ .rb_data = NULL };
}

static void
raw_begin(struct rpc_wbuf *b)
{
	*b = (struct rpc_wbuf){ .rb_data = NULL };
	rpc_wbuf_room(b, RUMP_RPC_HDRLEN);
}

static void
raw_readall(int fd, void *p, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = recv(fd, (char *)p + done, len - done, 0);
		assert_true(n > 0);
		done += (size_t)n;
	}
}

/* A frame from the server: its header, and its payload into buf. */
static size_t
raw_reply(int fd, struct rump_rpc_hdr *h, uint8_t *buf, size_t cap)
{
	uint8_t hb[RUMP_RPC_HDRLEN];

	raw_readall(fd, hb, sizeof(hb));
	rpc_get_hdr(hb, h);
	assert_true(h->rh_len >= RUMP_RPC_HDRLEN);
	assert_true(h->rh_len - RUMP_RPC_HDRLEN <= cap);
	raw_readall(fd, buf, h->rh_len - RUMP_RPC_HDRLEN);
	return h->rh_len - RUMP_RPC_HDRLEN;
}

/*
 * The handshake asking for features; the pid the server made for this
 * client, and the features it offers in *offeredp.
 */
static uint32_t
raw_hello_features(int fd, uint32_t features, uint32_t *offeredp)
{
	struct rump_rpc_hello hello = { .rhe_features = features };
	struct rump_rpc_welcome wel;
	struct rump_rpc_hdr h;
	struct rpc_wbuf b;
	struct rpc_rcur c;
	uint8_t buf[64];
	size_t len;

	raw_begin(&b);
	rpc_put_hello(&b, &hello);
	raw_frame(fd, &b, RUMP_RPC_HANDSHAKE, 0);
	len = raw_reply(fd, &h, buf, sizeof(buf));
	assert_int_equal(h.rh_type, RUMP_RPC_HANDSHAKE);
	c = (struct rpc_rcur){ .rc_p = buf, .rc_left = len };
	rpc_get_welcome(&c, &wel);
	assert_false(c.rc_bad);
	assert_int_equal(wel.rw_error, 0);
	*offeredp = wel.rw_features;
	return wel.rw_pid;
}

/* The handshake; the pid the server made for this client. */
static uint32_t
raw_hello(int fd)
{
	uint32_t offered;

	return raw_hello_features(fd, 0, &offered);
}

static int
raw_client(void)
{
	int fd = raw_connect();

	assert_true(raw_hello(fd) > 1);
	return fd;
}

/* The reply of call id: its error, its result, its out-data in buf. */
static int
raw_result(int fd, uint64_t id, long *retp, uint8_t *buf, size_t cap,
    size_t *lenp)
{
	struct rump_rpc_hdr h;
	struct rpc_rcur c;
	size_t len;
	int error;

	len = raw_reply(fd, &h, buf, cap);
	assert_int_equal(h.rh_type, RUMP_RPC_REPLY);
	assert_int_equal(h.rh_reqid, id);
	c = (struct rpc_rcur){ .rc_p = buf, .rc_left = len };
	error = (int)rpc_get32(&c);
	(void)rpc_get32(&c);
	*retp = (long)rpc_get64(&c);
	assert_false(c.rc_bad);
	if (lenp != NULL)
		*lenp = c.rc_left;
	memmove(buf, c.rc_p, c.rc_left);
	return error;
}

static long
raw_getpid(int fd)
{
	struct rpc_wbuf b;
	uint8_t buf[64];
	long ret;

	raw_begin(&b);
	rpc_put32(&b, NR_GETPID);
	rpc_put32(&b, 0);
	raw_frame(fd, &b, RUMP_RPC_CALL, 1);
	assert_int_equal(raw_result(fd, 1, &ret, buf, sizeof(buf), NULL), 0);
	return ret;
}

/* The server closed the connection (after nothing more than replies). */
static void
assert_closed(int fd)
{
	char c;
	ssize_t n;

	do
		n = recv(fd, &c, 1, 0);
	while (n > 0);
	assert_true(n == 0 || errno == ECONNRESET);
	close(fd);
}

/* pipe2(fds, 0) over a raw client. */
static void
raw_pipe(int fd, int32_t fds[2])
{
	struct rpc_wbuf b;
	uint8_t buf[64];
	size_t len;
	long ret;

	raw_begin(&b);
	rpc_put32(&b, NR_PIPE2);
	rpc_put32(&b, 2);
	rpc_put32(&b, 8);
	rpc_put64(&b, 0);
	raw_frame(fd, &b, RUMP_RPC_CALL, 2);
	assert_int_equal(raw_result(fd, 2, &ret, buf, sizeof(buf), &len), 0);
	assert_int_equal(ret, 0);
	assert_int_equal(len, 4 + 8);
	memcpy(fds, buf + 4, 8);
}

#endif
