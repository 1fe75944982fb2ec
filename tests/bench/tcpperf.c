/*
 * Host-side peers for the TCP benchmark (tests/bench/tcp_bench.sh), on the
 * host's own sockets:
 *	tcpperf rr HOST PORT COUNT	COUNT 1-byte requests, each answered
 *					before the next; prints the median
 *					and 99th percentile round trip in us
 *	tcpperf echo PORT		echoes every connection to PORT, in
 *					one poll loop, until killed
 *	tcpperf hold HOST PORT COUNT	opens COUNT connections, prints
 *					"held COUNT", keeps them open until
 *					standard input ends
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "tcpperf: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct sockaddr_in
addr_of(const char *host, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_port = htons((unsigned short)atoi(port));
	if (host != NULL && inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fprintf(stderr, "tcpperf: not an IPv4 address: %s\n", host);
		exit(2);
	}
	return sin;
}

static int
connect_to(const struct sockaddr_in *sin)
{
	int s, one = 1;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket");
	if (connect(s, (const struct sockaddr *)sin, sizeof(*sin)) != 0)
		die("connect");
	if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		die("TCP_NODELAY");
	return s;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
rr(const char *host, const char *port, long count)
{
	struct sockaddr_in sin = addr_of(host, port);
	double *rtt, t;
	char c = 'x';
	int s;

	if (count < 1 || (rtt = calloc((size_t)count, sizeof(*rtt))) == NULL) {
		fprintf(stderr, "tcpperf: bad count\n");
		return 2;
	}
	s = connect_to(&sin);
	for (long i = 0; i < count; i++) {
		t = now_us();
		if (write(s, &c, 1) != 1)
			die("write");
		if (read(s, &c, 1) != 1)
			die("read");
		rtt[i] = now_us() - t;
	}
	qsort(rtt, (size_t)count, sizeof(*rtt), cmp_double);
	printf("%.1f %.1f\n", rtt[(count - 1) / 2],
	    rtt[(long)(count * 0.99 + 0.999) - 1]);
	free(rtt);
	close(s);
	return 0;
}

/* Reads what fd has and sends it back; false when the connection ended. */
static bool
echo_some(int fd)
{
	char buf[65536];
	ssize_t n;

	n = read(fd, buf, sizeof(buf));
	return n > 0 && write(fd, buf, (size_t)n) == n;
}

/* One poll loop over the listener and every connection (no fork). */
static int
echo(const char *port)
{
	struct sockaddr_in sin = addr_of(NULL, port);
	struct pollfd *pfd;
	size_t n = 1, cap = 1024;
	int one = 1, s;

	if ((pfd = calloc(cap, sizeof(*pfd))) == NULL)
		die("calloc");
	if ((pfd[0].fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket");
	setsockopt(pfd[0].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(pfd[0].fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(pfd[0].fd, 4096) != 0)
		die("bind/listen");
	for (size_t i = 0; i < cap; i++)
		pfd[i].events = POLLIN;
	for (;;) {
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (size_t i = n - 1; i > 0; i--) {
			if (pfd[i].revents == 0 || echo_some(pfd[i].fd))
				continue;
			close(pfd[i].fd);
			pfd[i] = pfd[--n];
		}
		if ((pfd[0].revents & POLLIN) == 0)
			continue;
		if ((s = accept(pfd[0].fd, NULL, NULL)) < 0)
			die("accept");
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (n == cap) {
			if ((pfd = realloc(pfd, 2 * cap * sizeof(*pfd))) == NULL)
				die("realloc");
			for (size_t i = cap; i < 2 * cap; i++)
				pfd[i].events = POLLIN;
			cap *= 2;
		}
		pfd[n++].fd = s;
	}
}

static int
hold(const char *host, const char *port, long count)
{
	struct sockaddr_in sin = addr_of(host, port);
	char c;

	for (long i = 0; i < count; i++)
		(void)connect_to(&sin);
	printf("held %ld\n", count);
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		continue;
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "rr") == 0)
		return rr(argv[2], argv[3], atol(argv[4]));
	if (argc == 3 && strcmp(argv[1], "echo") == 0)
		return echo(argv[2]);
	if (argc == 5 && strcmp(argv[1], "hold") == 0)
		return hold(argv[2], argv[3], atol(argv[4]));
	fprintf(stderr, "usage: tcpperf rr HOST PORT COUNT | echo PORT | "
	    "hold HOST PORT COUNT\n");
	return 2;
}
