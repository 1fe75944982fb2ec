/*
 * tcpcheck: the rump side of the TCP integration tests that need more than
 * a tool shows (t_tcp_peer.sh, t_tcp_many.sh).  It takes the interface
 * options of the tools, then one of:
 *
 *	echo PORT N BACKLOG BYTES
 *				serves N connections (listen backlog BACKLOG),
 *				each echoing BYTES and then closing first (so
 *				the connection ends in TIME-WAIT); then waits
 *				for TIME-WAIT to drain (RUMP_TCP_MSL_MS short)
 *				and checks that no socket, PCB, mbuf or kernel
 *				memory of the last N - 1 is left (the first
 *				one sets the baseline)
 *	keepalive HOST PORT	connects with keepalive after 1 s idle, probes
 *				1 s apart, 3 unanswered ones ending it, and
 *				waits in recv: ETIMEDOUT when the peer vanished
 *	zerowin HOST PORT BYTES	sends BYTES of the tcpstream pattern to a peer
 *				that does not read; says "probing" once the
 *				persist timer probed the zero window twice,
 *				and ends when all went through
 *	abort HOST PORT		connects, reads one byte, closes with
 *				SO_LINGER 0: the peer must see a reset
 *	reset PORT		accepts one connection, sends a byte, and
 *				expects ECONNRESET from recv
 *	refused HOST PORT	expects ECONNREFUSED from connect
 *
 * It says what happened on standard error; the exit status is 0 when that
 * was what the test expects, 1 when not, 2 for bad usage.  No signal
 * handling: the tests end it with SIGTERM's default action.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rump/rump.h>
#include <rump/rump_netconfig.h>

#include "netopts.h"

#define PROG		"tcpcheck"
#define PATTERN		251	/* byte i of a stream is i mod 251 */
#define DRAIN_S		120	/* TIME-WAIT must drain within this */
#define STALL_MS	60000	/* the echo server gives up after this idle */

static int
fail(const char *what)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(errno));
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

static int
connect_to(const struct sockaddr_in *sin)
{
	int s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		return -1;
	if (rump_sys_connect(s, (const struct sockaddr *)sin,
	    sizeof(*sin)) != 0) {
		int e = errno;

		rump_sys_close(s);
		errno = e;
		return -1;
	}
	return s;
}

static int
listen_on(const struct sockaddr_in *sin, int backlog)
{
	int s = rump_sys_socket(AF_INET, SOCK_STREAM, 0), on = 1;

	if (s < 0)
		return -1;
	if (rump_sys_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) != 0 || rump_sys_bind(s,
	    (const struct sockaddr *)sin, sizeof(*sin)) != 0 ||
	    rump_sys_listen(s, backlog) != 0) {
		int e = errno;

		rump_sys_close(s);
		errno = e;
		return -1;
	}
	return s;
}

static uint64_t
counter(const char *name)
{
	uint64_t v = 0;

	(void)rump_kstat_get(name, &v);
	return v;
}

/* The kernel memory the connections use, by type, and the total. */
static const char *const conn_types[] = {
	"socket", "inpcb", "tcpcb", "tcpreass", "mbuf", "mcluster", "mjumbo",
	"mextref",
};
#define NTYPES	(sizeof(conn_types) / sizeof(conn_types[0]))

struct memsnap {
	uint64_t blocks[NTYPES], bytes[NTYPES];
	uint64_t inuse;		/* all types but the descriptor table's */
};

static void
memsnap(struct memsnap *m)
{
	struct rump_kmem_stat st;

	for (size_t i = 0; i < NTYPES; i++) {
		memset(&st, 0, sizeof(st));
		(void)rump_kmem_stat(conn_types[i], &st);
		m->blocks[i] = st.blocks;
		m->bytes[i] = st.inuse;
	}
	/* The descriptor table keeps the size the most descriptors needed. */
	memset(&st, 0, sizeof(st));
	(void)rump_kmem_stat("filedesc", &st);
	m->inuse = rump_kmem_inuse() - st.inuse;
}

/* Whether now matches before; says what differs. */
static bool
memsnap_same(const struct memsnap *before, const struct memsnap *now)
{
	bool same = true;

	for (size_t i = 0; i < NTYPES; i++) {
		if (before->blocks[i] == now->blocks[i] &&
		    before->bytes[i] == now->bytes[i])
			continue;
		fprintf(stderr, PROG ": %s: %llu blocks (%llu bytes) in use, "
		    "%llu (%llu) before\n", conn_types[i],
		    (unsigned long long)now->blocks[i],
		    (unsigned long long)now->bytes[i],
		    (unsigned long long)before->blocks[i],
		    (unsigned long long)before->bytes[i]);
		same = false;
	}
	if (before->inuse != now->inuse) {
		fprintf(stderr, PROG ": kernel memory: %llu bytes in use, "
		    "%llu before\n", (unsigned long long)now->inuse,
		    (unsigned long long)before->inuse);
		rump_kmem_dump();
		same = false;
	}
	return same;
}

/*
 * Echoes what is readable on s, *left bytes at most; 1 when all of them
 * went back, -1 on an error or an early end.
 */
static int
echo_some(int s, size_t *left)
{
	static char buf[65536];
	size_t len = *left < sizeof(buf) ? *left : sizeof(buf);
	ssize_t n = rump_sys_recvfrom(s, buf, len, MSG_DONTWAIT, NULL, NULL);

	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	/* A blocking send: the echoed bytes are few, the buffer large. */
	if (rump_sys_sendto(s, buf, (size_t)n, 0, NULL, 0) != n)
		return -1;
	*left -= (size_t)n;
	return *left == 0;
}

/*
 * Serves n connections on the listener l, echoing bytes on each, then
 * closing it; 0 when all went well.
 */
static int
echo_serve(int l, unsigned n, size_t bytes)
{
	struct pollfd *p = calloc(n + 1, sizeof(*p));
	size_t *left = calloc(n + 1, sizeof(*left));
	unsigned nfds = 1, served = 0, accepted = 0;
	int rv = 1;

	if (p == NULL || left == NULL) {
		free(p);
		return fail("calloc");
	}
	p[0].fd = l;
	p[0].events = POLLIN;
	while (served < n) {
		int r = rump_sys_poll(p, nfds, STALL_MS);

		if (r <= 0) {
			fprintf(stderr, PROG ": %s after %u of %u connections\n",
			    r == 0 ? "nothing happens" : strerror(errno),
			    served, n);
			goto out;
		}
		if ((p[0].revents & POLLIN) && accepted < n) {
			int c = rump_sys_accept(l, NULL, NULL);

			if (c < 0) {
				fail("accept");
				goto out;
			}
			left[nfds] = bytes;
			p[nfds].fd = c;
			p[nfds++].events = POLLIN;
			accepted++;
		}
		for (unsigned i = 1; i < nfds; i++) {
			if (p[i].revents == 0)
				continue;
			if ((r = echo_some(p[i].fd, &left[i])) < 0) {
				fail("echo");
				goto out;
			}
			if (r == 0)
				continue;
			rump_sys_close(p[i].fd);
			left[i] = left[--nfds];
			p[i--] = p[nfds];
			served++;
		}
	}
	rv = 0;
out:
	for (unsigned i = 1; i < nfds; i++)
		rump_sys_close(p[i].fd);
	free(left);
	free(p);
	return rv;
}

/* Until only the listener's PCB is left, DRAIN_S seconds at most. */
static int
wait_drained(void)
{
	for (int i = 0; i < DRAIN_S * 10; i++) {
		if (counter("tcp.pcbs") == 1)
			return 0;
		rump_sys_poll(NULL, 0, 100);
	}
	fprintf(stderr, PROG ": %llu PCBs left after %d s\n",
	    (unsigned long long)counter("tcp.pcbs"), DRAIN_S);
	return 1;
}

static int
cmd_echo(char **av)
{
	struct sockaddr_in sin;
	struct memsnap before, after;
	unsigned long n = strtoul(av[1], NULL, 10);
	size_t bytes = strtoul(av[3], NULL, 10);
	int l, backlog = atoi(av[2]), rv;

	if (parse_addr(NULL, av[0], &sin) != 0 || n == 0 || backlog <= 0 ||
	    bytes == 0)
		return 2;
	if ((l = listen_on(&sin, backlog)) < 0)
		return fail("listen");
	fprintf(stderr, PROG ": listening on port %s, backlog %d\n", av[0],
	    backlog);
	/*
	 * The first connection fills what the stack keeps for good (the
	 * interface's receive buffers, the host's ARP entry, the mbuf
	 * caches); what is in use once it is gone is the baseline.
	 */
	if ((rv = echo_serve(l, 1, bytes)) != 0 || (rv = wait_drained()) != 0)
		goto out;
	memsnap(&before);
	fprintf(stderr, PROG ": the first connection is gone: baseline taken\n");
	if (n > 1 && (rv = echo_serve(l, (unsigned)n - 1, bytes)) != 0)
		goto out;
	if ((rv = wait_drained()) != 0)
		goto out;
	memsnap(&after);
	if (!memsnap_same(&before, &after))
		rv = 1;
out:
	if (rv == 0)
		fprintf(stderr, PROG ": clean: %lu connections served, "
		    "TIME-WAIT drained, no socket, PCB, mbuf or kernel memory "
		    "left of them\n", n);
	rump_kstat_dump("tcp");
	rump_sys_close(l);
	return rv;
}

static int
cmd_keepalive(char **av)
{
	struct sockaddr_in sin;
	int s, on = 1, idle = 1, intvl = 1, cnt = 3;
	char b;

	if (parse_addr(av[0], av[1], &sin) != 0)
		return 2;
	if ((s = connect_to(&sin)) < 0)
		return fail("connect");
	if (rump_sys_setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &on,
	    sizeof(on)) != 0 ||
	    rump_sys_setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &idle,
	    sizeof(idle)) != 0 ||
	    rump_sys_setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
	    sizeof(intvl)) != 0 ||
	    rump_sys_setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &cnt,
	    sizeof(cnt)) != 0)
		return fail("setsockopt");
	fprintf(stderr, PROG ": connected, keepalive on\n");
	if (rump_sys_recvfrom(s, &b, 1, 0, NULL, NULL) >= 0) {
		fprintf(stderr, PROG ": recv returned, no error\n");
		return 1;
	}
	fail("recv");
	rump_kstat_dump("tcp");
	rump_sys_close(s);
	return errno == ETIMEDOUT ? 0 : 1;
}

static void *
probe_watch(void *arg)
{
	(void)arg;
	while (counter("tcp.persisttimeo") < 2)
		rump_sys_poll(NULL, 0, 20);
	fprintf(stderr, PROG ": probing the zero window\n");
	return NULL;
}

static int
cmd_zerowin(char **av)
{
	static unsigned char pat[65536 + PATTERN];
	struct sockaddr_in sin;
	unsigned long long bytes = strtoull(av[2], NULL, 10), off = 0;
	pthread_t t;
	int s;
	char b;

	if (parse_addr(av[0], av[1], &sin) != 0 || bytes == 0)
		return 2;
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (unsigned char)(i % PATTERN);
	if ((s = connect_to(&sin)) < 0)
		return fail("connect");
	if (pthread_create(&t, NULL, probe_watch, NULL) != 0)
		return fail("pthread_create");
	while (off < bytes) {
		size_t len = bytes - off < 65536 ? (size_t)(bytes - off) : 65536;
		ssize_t w = rump_sys_sendto(s, pat + off % PATTERN, len, 0,
		    NULL, 0);

		if (w < 0)
			return fail("send");
		off += (unsigned long long)w;
	}
	/* All sent can only mean the window opened again after the probes. */
	pthread_join(t, NULL);
	if (rump_sys_shutdown(s, SHUT_WR) != 0)
		return fail("shutdown");
	if (rump_sys_recvfrom(s, &b, 1, 0, NULL, NULL) != 0)
		return fail("recv of the peer's close");
	fprintf(stderr, PROG ": sent %llu bytes\n", bytes);
	rump_kstat_dump("tcp");
	rump_sys_close(s);
	return 0;
}

static int
cmd_abort(char **av)
{
	struct sockaddr_in sin;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int s;
	char b;

	if (parse_addr(av[0], av[1], &sin) != 0)
		return 2;
	if ((s = connect_to(&sin)) < 0)
		return fail("connect");
	if (rump_sys_recvfrom(s, &b, 1, 0, NULL, NULL) != 1)
		return fail("recv");
	if (rump_sys_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)) != 0)
		return fail("setsockopt SO_LINGER");
	if (rump_sys_close(s) != 0)
		return fail("close");
	fprintf(stderr, PROG ": closed with SO_LINGER 0\n");
	return counter("tcp.sndrst") > 0 ? 0 : 1;
}

static int
cmd_reset(char **av)
{
	struct sockaddr_in sin;
	int l, s;
	char b;

	if (parse_addr(NULL, av[0], &sin) != 0)
		return 2;
	if ((l = listen_on(&sin, 1)) < 0)
		return fail("listen");
	fprintf(stderr, PROG ": listening on port %s\n", av[0]);
	if ((s = rump_sys_accept(l, NULL, NULL)) < 0)
		return fail("accept");
	if (rump_sys_sendto(s, "x", 1, 0, NULL, 0) != 1)
		return fail("send");
	if (rump_sys_recvfrom(s, &b, 1, 0, NULL, NULL) >= 0) {
		fprintf(stderr, PROG ": recv returned, no error\n");
		return 1;
	}
	fail("recv");
	rump_sys_close(s);
	rump_sys_close(l);
	return errno == ECONNRESET ? 0 : 1;
}

static int
cmd_refused(char **av)
{
	struct sockaddr_in sin;

	if (parse_addr(av[0], av[1], &sin) != 0)
		return 2;
	if (connect_to(&sin) >= 0) {
		fprintf(stderr, PROG ": connected\n");
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
	{ "echo", 4, cmd_echo },
	{ "keepalive", 2, cmd_keepalive },
	{ "zerowin", 3, cmd_zerowin },
	{ "abort", 2, cmd_abort },
	{ "reset", 1, cmd_reset },
	{ "refused", 2, cmd_refused },
};

static int
usage(void)
{
	fprintf(stderr, "usage: " PROG " [interface options] echo PORT N BACKLOG"
	    " BYTES\n       | keepalive HOST PORT | zerowin HOST PORT BYTES | abort"
	    " HOST PORT | reset PORT | refused HOST PORT\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		NETOPTS_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct netopts no;
	int c, error, rv = 2;

	netopts_init(&no);
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (!netopts_isopt(c) || netopts_parse(&no, c, optarg) != 0)
			return usage();
	}
	if (netopts_check(&no) != 0) {
		fprintf(stderr, PROG ": %s\n", no.err);
		return 2;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].name) != 0)
			continue;
		if (argc - 1 != cmds[i].nargs)
			return usage();
		if ((error = rump_init()) != 0) {
			fprintf(stderr, PROG ": rump_init: %s\n", strerror(error));
			return 1;
		}
		if (netopts_apply(&no) != 0) {
			fprintf(stderr, PROG ": %s\n", no.err);
			rv = 1;
		} else {
			rv = cmds[i].fn(argv + 1);
		}
		netopts_stop(&no);
		if ((error = rump_fini()) != 0) {
			fprintf(stderr, PROG ": rump_fini: %s\n", strerror(error));
			rv = 1;
		}
		return rv == 2 ? usage() : rv;
	}
	return usage();
}
