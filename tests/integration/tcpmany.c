/*
 * tcpmany [-w] HOST PORT N BYTES: opens N TCP connections to an echo
 * server at once, sends BYTES of the tcpstream pattern on each, reads the
 * echo back and checks it, and closes each connection when its echo is
 * complete (with -w: when the server closed it after the echo, so that
 * the server's end is the one in TIME-WAIT).
 * One epoll loop over non-blocking sockets.  Says "ok: N connections" and
 * exits 0 when all of them did that; else says what went wrong (exit 1);
 * 2 for bad usage.  Gives up when nothing happens for a minute.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PATTERN		251	/* byte i of a stream is i mod 251 */
#define IDLE_MS		60000

struct conn {
	int fd;
	size_t sent, got;
};

static unsigned char pattern[65536 + PATTERN];
static size_t bytes;
static int wait_close;		/* -w */

static int
conn_start(struct conn *c, const struct sockaddr_in *sin, int ep)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		perror("tcpmany: socket");
		return -1;
	}
	if (connect(c->fd, (const struct sockaddr *)sin, sizeof(*sin)) != 0 &&
	    errno != EINPROGRESS) {
		perror("tcpmany: connect");
		return -1;
	}
	if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
		perror("tcpmany: epoll_ctl");
		return -1;
	}
	return 0;
}

/* Moves c on; 1 when its echo is complete, 0 for more, -1 on error. */
static int
conn_step(struct conn *c, int ep)
{
	static unsigned char buf[65536];
	ssize_t n;

	while (c->sent < bytes) {
		size_t len = bytes - c->sent;

		n = send(c->fd, pattern + c->sent % PATTERN,
		    len < 65536 ? len : 65536, MSG_NOSIGNAL);
		if (n < 0)
			break;
		c->sent += (size_t)n;
	}
	if (c->sent < bytes && errno != EAGAIN) {
		printf("send: %s\n", strerror(errno));
		return -1;
	}
	if (c->sent == bytes) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

		(void)epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	}
	while ((n = recv(c->fd, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != pattern[(c->got + (size_t)i) % PATTERN]) {
				printf("echo differs at byte %zu\n",
				    c->got + (size_t)i);
				return -1;
			}
		}
		c->got += (size_t)n;
	}
	if (n == 0 && c->got == bytes && wait_close)
		return 1;
	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		printf("recv after %zu of %zu bytes: %s\n", c->got, bytes,
		    n == 0 ? "end of file" : strerror(errno));
		return -1;
	}
	return c->got == bytes && !wait_close;
}

/* Runs the n connections; 0 when each one's echo came back whole. */
static int
run(struct conn *conns, unsigned long n, const struct sockaddr_in *sin,
    int ep)
{
	struct epoll_event evs[256];
	unsigned long done = 0;

	for (unsigned long i = 0; i < n; i++) {
		if (conn_start(&conns[i], sin, ep) != 0)
			return 1;
	}
	while (done < n) {
		int k = epoll_wait(ep, evs, 256, IDLE_MS);

		if (k <= 0) {
			printf("%s after %lu of %lu connections\n",
			    k == 0 ? "nothing happens" : strerror(errno), done, n);
			return 1;
		}
		for (int i = 0; i < k; i++) {
			struct conn *c = evs[i].data.ptr;
			int r = conn_step(c, ep);

			if (r < 0)
				return 1;
			if (r == 1) {
				close(c->fd);
				c->fd = -1;
				done++;
			}
		}
	}
	printf("ok: %lu connections\n", n);
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct rlimit rl;
	struct conn *conns;
	unsigned long n;
	int ep, rv;

	if (argc > 1 && strcmp(argv[1], "-w") == 0) {
		wait_close = 1;
		argc--;
		argv++;
	}
	if (argc != 5 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    (n = strtoul(argv[3], NULL, 10)) == 0 ||
	    (bytes = strtoul(argv[4], NULL, 10)) == 0) {
		fprintf(stderr, "usage: tcpmany [-w] HOST PORT N BYTES\n");
		return 2;
	}
	sin.sin_port = htons((uint16_t)atoi(argv[2]));
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (unsigned char)(i % PATTERN);
	/* A descriptor per connection, more than the usual 1024. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 16) {
		rl.rlim_cur = rl.rlim_max < n + 16 ? rl.rlim_max : n + 16;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((conns = calloc(n, sizeof(*conns))) == NULL) {
		perror("tcpmany");
		return 1;
	}
	for (unsigned long i = 0; i < n; i++)
		conns[i].fd = -1;
	if ((ep = epoll_create1(0)) < 0) {
		perror("tcpmany: epoll_create1");
		free(conns);
		return 1;
	}
	rv = run(conns, n, &sin, ep);
	for (unsigned long i = 0; i < n; i++) {
		if (conns[i].fd >= 0)
			close(conns[i].fd);
	}
	close(ep);
	free(conns);
	return rv;
}
