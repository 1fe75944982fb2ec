/*
 * tcppeer: the host's end of t_tcp_peer.sh, facing tests/integration/rump/
 * tcpcheck through a tap:
 *	tcppeer hold PORT	accepts one connection and waits on it (the
 *				peer of a keepalive test, made to vanish)
 *	tcppeer slowread PORT BYTES
 *				accepts one connection with a small receive
 *				buffer, reads nothing until SIGUSR1, then
 *				reads BYTES of the tcpstream pattern to the
 *				end and says "ok"
 *	tcppeer expectreset PORT
 *				accepts one connection, sends a byte, and
 *				expects ECONNRESET from read
 *	tcppeer abort HOST PORT	connects, reads one byte, closes with
 *				SO_LINGER 0
 *	tcppeer refused HOST PORT
 *				expects ECONNREFUSED from connect
 * Says what happened on standard output; exit status 0 when that was what
 * the test expects, 1 when not, 2 for bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PATTERN	251	/* byte i of a stream is i mod 251 */

static int
fail(const char *what)
{
	printf("%s: %s\n", what, strerror(errno));
	return 1;
}

static int
parse_addr(const char *host, const char *port, struct sockaddr_in *sin)
{
	char *end;
	unsigned long p = strtoul(port, &end, 10);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)p);
	if (host != NULL && inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -1;
	return *end == '\0' && p > 0 && p < 65536 ? 0 : -1;
}

/* Listens on PORT (rcvbuf > 0: that receive buffer) and accepts one. */
static int
accept_one(const char *port, int rcvbuf)
{
	struct sockaddr_in sin;
	int l, s, on = 1;

	if (parse_addr(NULL, port, &sin) != 0)
		return -2;
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    (rcvbuf > 0 && setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof(rcvbuf)) != 0) ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(l, 1) != 0)
		return -1;
	printf("listening on port %s\n", port);
	fflush(stdout);
	s = accept(l, NULL, NULL);
	close(l);
	if (s >= 0) {
		printf("accepted\n");
		fflush(stdout);
	}
	return s;
}

static int
connect_to(const char *host, const char *port)
{
	struct sockaddr_in sin;
	int s;

	if (parse_addr(host, port, &sin) != 0)
		return -2;
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		int e = errno;

		close(s);
		errno = e;
		return -1;
	}
	return s;
}

static int
cmd_hold(char **av)
{
	char buf[4096];
	int s = accept_one(av[0], 0);

	if (s < 0)
		return s == -2 ? 2 : fail("accept");
	while (read(s, buf, sizeof(buf)) > 0)
		continue;
	return 0;
}

static int
cmd_slowread(char **av)
{
	static unsigned char buf[65536];
	unsigned long long want = strtoull(av[1], NULL, 10), off = 0;
	sigset_t set;
	ssize_t n;
	int s, sig;

	/* SIGUSR1 is taken by sigwait, never by its default action. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return fail("sigprocmask");
	if ((s = accept_one(av[0], 4096)) < 0)
		return s == -2 ? 2 : fail("accept");
	if (sigwait(&set, &sig) != 0)
		return fail("sigwait");
	while ((n = read(s, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != (off + (unsigned long long)i) % PATTERN) {
				printf("differs at byte %llu\n",
				    off + (unsigned long long)i);
				return 1;
			}
		}
		off += (unsigned long long)n;
	}
	if (n < 0)
		return fail("read");
	close(s);
	if (off != want) {
		printf("%llu bytes, expected %llu\n", off, want);
		return 1;
	}
	printf("ok: %llu bytes\n", off);
	return 0;
}

static int
cmd_expectreset(char **av)
{
	char buf[4096];
	ssize_t n;
	int s = accept_one(av[0], 0);

	if (s < 0)
		return s == -2 ? 2 : fail("accept");
	if (write(s, "x", 1) != 1)
		return fail("write");
	while ((n = read(s, buf, sizeof(buf))) > 0)
		continue;
	if (n == 0) {
		printf("read: end of file, no reset\n");
		return 1;
	}
	fail("read");
	return errno == ECONNRESET ? 0 : 1;
}

static int
cmd_abort(char **av)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char b;
	int s = connect_to(av[0], av[1]);

	if (s < 0)
		return s == -2 ? 2 : fail("connect");
	if (read(s, &b, 1) != 1)
		return fail("read");
	if (setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) != 0)
		return fail("setsockopt SO_LINGER");
	close(s);
	printf("closed with SO_LINGER 0\n");
	return 0;
}

static int
cmd_refused(char **av)
{
	int s = connect_to(av[0], av[1]);

	if (s == -2)
		return 2;
	if (s >= 0) {
		printf("connected\n");
		return 1;
	}
	fail("connect");
	return errno == ECONNREFUSED ? 0 : 1;
}

static const struct {
	const char *name;
	int nargs;
	int (*fn)(char **);
} cmds[] = {
	{ "hold", 1, cmd_hold },
	{ "slowread", 2, cmd_slowread },
	{ "expectreset", 1, cmd_expectreset },
	{ "abort", 2, cmd_abort },
	{ "refused", 2, cmd_refused },
};

int
main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) == 0 &&
		    argc - 2 == cmds[i].nargs)
			return cmds[i].fn(argv + 2);
	}
	fprintf(stderr, "usage: tcppeer hold PORT | slowread PORT BYTES | "
	    "expectreset PORT\n       | abort HOST PORT | refused HOST PORT\n");
	return 2;
}
