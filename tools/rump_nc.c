/*
 * rump_nc: netcat over a rump kernel's sockets, TCP and UDP.
 *
 * Standard input is a host descriptor and the socket a rump one, and one
 * poll cannot wait for both: a host thread reads standard input and sends
 * what it reads, while the main thread polls the rump socket (with the
 * signal pipe and the reader's event pipe) and writes what arrives to
 * standard output.
 *
 *	TCP:	rump_nc HOST PORT	connects; standard input goes to the
 *		peer and what the peer sends to standard output; at the end of
 *		standard input the sending side is shut down, and rump_nc ends
 *		when the peer closes (as nc -N).
 *		rump_nc -l PORT		the same with the first connection to
 *		PORT; with -k, the next one after it ends, and so on.
 *		--echo, --sink, --source BYTES: no standard input or output,
 *		many connections in one poll loop (tools/common/ncstream.c).
 *	UDP:	rump_nc -u HOST PORT	each read of standard input (a line
 *		from a terminal, up to 65507 bytes from a pipe) is one datagram
 *		to HOST:PORT; datagrams from HOST:PORT go to standard output;
 *		after end of input, waits -q seconds for answers, then exits.
 *		rump_nc -u -l PORT	prints the datagrams that arrive;
 *		standard input goes to the last sender; runs until a signal.
 *		With -e, sends every datagram back to its sender instead.
 *
 * Exit status: 0 on success or after SIGINT/SIGTERM, 1 on network errors,
 * 2 for bad options.
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_netconfig.h>

#include "ncstream.h"
#include "netopts.h"
#include "toolsig.h"
#include "toolboot.h"
#include "toolusage.h"
#include "toolutil.h"

#define PROG		"rump_nc"
#define MAXDGRAM	65507		/* the largest UDP payload over IPv4 */

static const char usage_text[] =
"usage: rump_nc [interface options] [-v] [-p LPORT] HOST PORT\n"
"       rump_nc [interface options] -l [-k] [-v] PORT\n"
"       rump_nc [interface options] -l [-k] --echo | --sink | --source BYTES PORT\n"
"       rump_nc [interface options] --sink | --source BYTES HOST PORT\n"
"       rump_nc [interface options] -u [-v] [-p LPORT] [-q SECS] HOST PORT\n"
"       rump_nc [interface options] -u -l [-e] [-v] PORT\n"
"       rump_nc --help\n"
"\n"
"--bind ADDR binds the local end to ADDR (default: any address).\n"
"\n"
"Netcat over the sockets of a rump kernel configured by the interface\n"
"options.\n"
"\n"
"TCP (the default): without -l, connects to HOST:PORT; standard input goes\n"
"to the peer and what the peer sends to standard output.  At the end of\n"
"standard input the sending side is shut down; rump_nc ends when the peer\n"
"closes.  With -l, the same with the first connection to PORT.\n"
"--echo, --sink and --source take no standard input or output: --echo\n"
"sends every connection's bytes back (many connections at once, until\n"
"SIGINT or SIGTERM), --sink reads and discards, --source sends BYTES bytes\n"
"of a pattern (byte i is i mod 251); both print the byte count and the\n"
"rate at the end of each connection.\n"
"\n"
"UDP (-u): without -l, each read of standard input (a line from a\n"
"terminal, up to 65507 bytes from a pipe) is sent as one datagram to\n"
"HOST:PORT, and the datagrams HOST:PORT sends back are written to standard\n"
"output; at the end of standard input rump_nc waits -q seconds for\n"
"answers, then exits.  With -l, rump_nc receives on PORT and writes what\n"
"arrives to standard output until SIGINT or SIGTERM; standard input goes\n"
"to the last sender.\n"
"\n"
"  -u            UDP instead of TCP\n"
"  -l            listen on PORT (given as the argument or with -p)\n"
"  -k            TCP, with -l: after a connection ends, take the next one\n"
"  -p PORT       the local port\n"
"  --echo, -e    with -l: send everything back to its sender (nothing is\n"
"                written to standard output)\n"
"  --sink        TCP: read and discard, then print the count and rate\n"
"  --source BYTES  TCP: send BYTES bytes, then print the count and rate\n"
"  -q SECS       UDP: after the end of standard input, wait SECS seconds\n"
"                for answers (default 1, fractions allowed; -1: forever)\n"
"  -v            report peers (and UDP datagrams) on standard error, and\n"
"                at exit the kernel counters that are not zero (tcp.*, ...)\n"
"  -h, --help    print this help and exit\n"
"\n";

static const char example_text[] =
"\n"
"Examples (as root, the host side of tap1 being 198.18.1.1/24):\n"
"  echo hello | rump_nc --if virt0,tap=tap1 --addr virt0,198.18.1.2/24 \\\n"
"      198.18.1.1 7777\n"
"  rump_nc --if virt0,tap=tap1 --addr virt0,198.18.1.2/24 -l --sink 5001\n"
"  rump_nc --if virt0,tap=tap1 --addr virt0,198.18.1.2/24 -u -l -e 7\n"
"\n"
"Exit status: 0 on success or after SIGINT/SIGTERM, 1 on network errors,\n"
"2 for bad options.\n";

struct nc;

/*
 * What differs between protocols.  Each returns 0, or -1 after printing
 * what went wrong.
 */
struct nc_proto {
	const char *name;
	/* Creates nc->s: bound, and connected (client) or listening (-l). */
	int (*open)(struct nc *nc);
	/* Sends a chunk of standard input (called by the reader thread). */
	int (*send)(struct nc *nc, const void *buf, size_t len);
	/*
	 * The socket is readable: takes what is there.  Returns 1 when the
	 * stream has ended (TCP: the peer closed).
	 */
	int (*input)(struct nc *nc);
	/* The end of standard input. */
	void (*stdin_eof)(struct nc *nc);
};

struct nc {
	const struct nc_proto *proto;
	bool listen, keep, echo, verbose;
	bool sink;
	uint64_t source;		/* --source BYTES; 0: none */
	bool stdin_done;		/* the reader saw the end of input */
	int ls;				/* TCP: the listening socket */
	uint16_t lport;
	uint32_t laddr;			/* --bind, network order; 0: any */
	struct sockaddr_in remote;	/* client: HOST PORT */
	char remote_text[32];
	double linger;			/* -q; < 0: forever */
	int s;

	/* Where standard input goes when listening: the last sender. */
	pthread_mutex_t peer_lock;
	struct sockaddr_in peer;
	bool has_peer;

	/* The reader thread. */
	pthread_t reader;
	bool reader_running;
	_Atomic bool stopping;		/* errors are no news when stopping */
	int evpipe[2];			/* rump pipe: reader -> main loop */
	int stoppipe[2];		/* host pipe: main loop -> reader */

	char inbuf[MAXDGRAM + 1];	/* main thread */
	char stdinbuf[MAXDGRAM];	/* reader thread */
};

/* Bytes the reader writes into evpipe. */
#define EV_EOF		'e'		/* end of standard input */
#define EV_ERROR	'x'		/* the reader gave up (message printed) */

static const struct tool_usage usage_info = {
	.prog = PROG,
	.synopsis = usage_text,
	.examples = example_text,
};

static const char *
sin_text(const struct sockaddr_in *sin, char buf[32])
{
	char a[16];

	snprintf(buf, 32, "%s:%u", tool_format_ipv4(ntohl(sin->sin_addr.s_addr),
	    a), ntohs(sin->sin_port));
	return buf;
}

/* Writes all of buf to the host's standard output. */
static int
write_stdout(const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDOUT_FILENO, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": writing standard output: %s\n",
			    strerror(errno));
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
bind_local(struct nc *nc, int s)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(nc->lport);
	sin.sin_addr.s_addr = nc->laddr;
	if (rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		fprintf(stderr, PROG ": cannot bind %s port %u: %s\n",
		    nc->proto->name, nc->lport, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- UDP --------------------------------------------------------------- */

static int
udp_open(struct nc *nc)
{
	nc->s = rump_sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (nc->s < 0) {
		fprintf(stderr, PROG ": cannot create a UDP socket: %s\n",
		    strerror(errno));
		return -1;
	}
	if ((nc->listen || nc->lport != 0) && bind_local(nc, nc->s) != 0)
		return -1;
	if (nc->listen)
		return 0;
	/*
	 * A connected UDP socket takes datagrams from HOST:PORT only, and
	 * reports an ICMP port unreachable as ECONNREFUSED.
	 */
	if (rump_sys_connect(nc->s, (struct sockaddr *)&nc->remote,
	    sizeof(nc->remote)) != 0) {
		fprintf(stderr, PROG ": %s: %s%s\n", nc->remote_text,
		    strerror(errno), errno == ENETUNREACH ?
		    " (no route: check --addr and --route)" : "");
		return -1;
	}
	return 0;
}

static int
udp_send(struct nc *nc, const void *buf, size_t len)
{
	struct sockaddr_in to;
	char t[32];
	ssize_t n;

	if (!nc->listen) {
		n = rump_sys_sendto(nc->s, buf, len, 0, NULL, 0);
		if (n < 0) {
			fprintf(stderr, PROG ": %s: %s\n", nc->remote_text,
			    strerror(errno));
			return -1;
		}
		if (nc->verbose)
			fprintf(stderr, PROG ": sent %zu bytes to %s\n", len,
			    nc->remote_text);
		return 0;
	}
	pthread_mutex_lock(&nc->peer_lock);
	to = nc->peer;
	if (!nc->has_peer) {
		pthread_mutex_unlock(&nc->peer_lock);
		fprintf(stderr, PROG ": nobody has sent anything yet; dropped "
		    "%zu bytes of standard input\n", len);
		return 0;
	}
	pthread_mutex_unlock(&nc->peer_lock);
	/* A lost datagram to a past peer is no reason to stop listening. */
	if (rump_sys_sendto(nc->s, buf, len, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0)
		fprintf(stderr, PROG ": %s: %s\n", sin_text(&to, t),
		    strerror(errno));
	return 0;
}

static int
udp_input(struct nc *nc)
{
	struct sockaddr_in from;
	socklen_t fromlen;
	ssize_t n;
	char t[32];

	for (;;) {
		fromlen = sizeof(from);
		n = rump_sys_recvfrom(nc->s, nc->inbuf, sizeof(nc->inbuf),
		    MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 0;
			if (nc->listen) {
				/* An ICMP error about an earlier answer. */
				if (nc->verbose)
					fprintf(stderr, PROG ": %s\n",
					    strerror(errno));
				continue;
			}
			fprintf(stderr, PROG ": %s: %s%s\n", nc->remote_text,
			    strerror(errno), errno == ECONNREFUSED ?
			    " (ICMP port unreachable: nothing listens there)" :
			    "");
			return -1;
		}
		if (nc->verbose)
			fprintf(stderr, PROG ": %zd bytes from %s\n", n,
			    sin_text(&from, t));
		if (nc->listen) {
			pthread_mutex_lock(&nc->peer_lock);
			nc->peer = from;
			nc->has_peer = true;
			pthread_mutex_unlock(&nc->peer_lock);
		}
		if (nc->echo) {
			if (rump_sys_sendto(nc->s, nc->inbuf, (size_t)n, 0,
			    (struct sockaddr *)&from, fromlen) < 0)
				fprintf(stderr, PROG ": echo to %s: %s\n",
				    sin_text(&from, t), strerror(errno));
			continue;
		}
		if (write_stdout(nc->inbuf, (size_t)n) != 0)
			return -1;
	}
}

static void
udp_stdin_eof(struct nc *nc)
{
	(void)nc;	/* Datagrams have no end of stream to send. */
}

static const struct nc_proto nc_udp = {
	.name = "UDP",
	.open = udp_open,
	.send = udp_send,
	.input = udp_input,
	.stdin_eof = udp_stdin_eof,
};

/* ---- TCP --------------------------------------------------------------- */

static int
tcp_listen(struct nc *nc)
{
	int one = 1;

	nc->ls = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (nc->ls < 0) {
		fprintf(stderr, PROG ": cannot create a TCP socket: %s\n",
		    strerror(errno));
		return -1;
	}
	if (rump_sys_setsockopt(nc->ls, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0)
		fprintf(stderr, PROG ": SO_REUSEADDR: %s\n", strerror(errno));
	if (bind_local(nc, nc->ls) != 0)
		return -1;
	if (rump_sys_listen(nc->ls, 128) != 0) {
		fprintf(stderr, PROG ": cannot listen on TCP port %u: %s\n",
		    nc->lport, strerror(errno));
		return -1;
	}
	return 0;
}

static int
tcp_open(struct nc *nc)
{
	if (nc->listen)
		return tcp_listen(nc);
	nc->s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	if (nc->s < 0) {
		fprintf(stderr, PROG ": cannot create a TCP socket: %s\n",
		    strerror(errno));
		return -1;
	}
	if (nc->lport != 0 && bind_local(nc, nc->s) != 0)
		return -1;
	if (rump_sys_connect(nc->s, (struct sockaddr *)&nc->remote,
	    sizeof(nc->remote)) != 0) {
		fprintf(stderr, PROG ": %s: %s%s\n", nc->remote_text,
		    strerror(errno), errno == ENETUNREACH ?
		    " (no route: check --addr and --route)" : "");
		return -1;
	}
	ncstream_linger(nc->s, PROG);
	return 0;
}

static int
tcp_send(struct nc *nc, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = rump_sys_write(nc->s, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (!nc->stopping)
				fprintf(stderr, PROG ": sending: %s\n",
				    strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
tcp_input(struct nc *nc)
{
	ssize_t n;

	for (;;) {
		n = rump_sys_recvfrom(nc->s, nc->inbuf, sizeof(nc->inbuf),
		    MSG_DONTWAIT, NULL, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			fprintf(stderr, PROG ": receiving: %s\n",
			    strerror(errno));
			return -1;
		}
		if (n == 0)
			return 1;
		if (write_stdout(nc->inbuf, (size_t)n) != 0)
			return -1;
	}
}

static void
tcp_stdin_eof(struct nc *nc)
{
	/* Our FIN; what the peer still sends is read on (as nc -N). */
	if (rump_sys_shutdown(nc->s, SHUT_WR) != 0)
		fprintf(stderr, PROG ": shutdown: %s\n", strerror(errno));
}

static const struct nc_proto nc_tcp = {
	.name = "TCP",
	.open = tcp_open,
	.send = tcp_send,
	.input = tcp_input,
	.stdin_eof = tcp_stdin_eof,
};

/* Waits for a connection on nc->ls; 0: nc->s is it, 1: a signal came. */
static int
tcp_accept(struct nc *nc, int sigfd)
{
	struct sockaddr_in sin;
	struct pollfd pfd[2];
	socklen_t len;
	char t[32];

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = nc->ls, .events = POLLIN };
		if (rump_sys_poll(pfd, 2, -1) < 0 && errno != EINTR) {
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return -1;
		}
		if (pfd[0].revents != 0)
			return 1;
		len = sizeof(sin);
		nc->s = rump_sys_accept4(nc->ls, (struct sockaddr *)&sin, &len,
		    0);
		if (nc->s >= 0) {
			ncstream_linger(nc->s, PROG);
			break;
		}
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
			fprintf(stderr, PROG ": accept: %s\n", strerror(errno));
			return -1;
		}
	}
	if (nc->verbose)
		fprintf(stderr, PROG ": connection from %s\n",
		    sin_text(&sin, t));
	return 0;
}

/* ---- the reader of standard input -------------------------------------- */

static void
notify(struct nc *nc, char ev)
{
	rump_sys_write(nc->evpipe[1], &ev, 1);
}

static void *
reader_main(void *arg)
{
	struct nc *nc = arg;
	struct pollfd pfd[2];
	ssize_t n;

	for (;;) {
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = nc->stoppipe[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			notify(nc, EV_ERROR);
			return NULL;
		}
		if (pfd[1].revents != 0)
			return NULL;
		if (pfd[0].revents == 0)
			continue;
		n = read(STDIN_FILENO, nc->stdinbuf, sizeof(nc->stdinbuf));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, PROG ": reading standard input: %s\n",
			    strerror(errno));
			notify(nc, EV_ERROR);
			return NULL;
		}
		if (n == 0) {
			notify(nc, EV_EOF);
			return NULL;
		}
		if (nc->proto->send(nc, nc->stdinbuf, (size_t)n) != 0) {
			notify(nc, EV_ERROR);
			return NULL;
		}
	}
}

static int
reader_start(struct nc *nc)
{
	int err;

	if (pipe(nc->stoppipe) != 0) {
		fprintf(stderr, PROG ": pipe: %s\n", strerror(errno));
		return -1;
	}
	err = pthread_create(&nc->reader, NULL, reader_main, nc);
	if (err != 0) {
		fprintf(stderr, PROG ": cannot start the reader: %s\n",
		    strerror(err));
		return -1;
	}
	nc->reader_running = true;
	return 0;
}

static void
reader_stop(struct nc *nc)
{
	char c = 0;

	nc->stopping = true;
	/* A reader blocked sending on a TCP socket wakes with EPIPE. */
	if (nc->reader_running && nc->proto == &nc_tcp && nc->s >= 0)
		rump_sys_shutdown(nc->s, SHUT_RDWR);
	if (nc->reader_running) {
		if (write(nc->stoppipe[1], &c, 1) < 0)
			fprintf(stderr, PROG ": cannot stop the reader: %s\n",
			    strerror(errno));
		pthread_join(nc->reader, NULL);
		nc->reader_running = false;
	}
	nc->stopping = false;
	if (nc->stoppipe[0] >= 0) {
		close(nc->stoppipe[0]);
		close(nc->stoppipe[1]);
		nc->stoppipe[0] = nc->stoppipe[1] = -1;
	}
}

/* ---- the main loop ----------------------------------------------------- */

/*
 * Pipes standard input to nc->s and nc->s to standard output.  Returns 0
 * when done (TCP: both directions ended - the peer's FIN came and all of
 * standard input went out before ours; UDP: -q ran out), 1 after a
 * signal, -1 on errors.
 */
static int
run(struct nc *nc, int sigfd)
{
	struct pollfd pfd[3];
	uint64_t deadline = 0, now;
	bool eof = nc->stdin_done, peer_done = false;
	int timeout, rc;
	char ev;

	for (;;) {
		timeout = -1;
		if (deadline != 0) {
			now = tool_now_ns();
			if (now >= deadline)
				return 0;
			timeout = (int)((deadline - now + 999999) / 1000000);
		}
		pfd[0].fd = sigfd;
		pfd[1].fd = peer_done ? -1 : nc->s;
		pfd[2].fd = nc->evpipe[0];
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		if (rump_sys_poll(pfd, eof ? 2 : 3, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return -1;
		}
		if (pfd[0].revents != 0)
			return 1;
		if (pfd[1].revents != 0 && (rc = nc->proto->input(nc)) != 0) {
			if (rc < 0)
				return -1;
			/* The peer is done sending; we may not be. */
			peer_done = true;
			if (eof)
				return 0;
		}
		if (!eof && pfd[2].revents != 0 &&
		    rump_sys_read(nc->evpipe[0], &ev, 1) == 1) {
			if (ev == EV_ERROR)
				return -1;
			eof = true;
			nc->stdin_done = true;
			nc->proto->stdin_eof(nc);
			if (peer_done)
				return 0;
			if (nc->listen)
				continue;
			if (nc->linger == 0)
				return 0;
			if (nc->linger > 0)
				deadline = tool_now_ns() +
				    (uint64_t)llround(nc->linger * 1e9);
		}
	}
}

/*
 * TCP with standard input and output: one connection (the one made, or
 * the first accepted), or with -k one after another.
 */
static int
tcp_pipe(struct nc *nc, int sigfd)
{
	int rc;

	for (;;) {
		if (nc->listen && (rc = tcp_accept(nc, sigfd)) != 0)
			return rc;
		if (nc->stdin_done)
			nc->proto->stdin_eof(nc);
		else if (reader_start(nc) != 0)
			return -1;
		rc = run(nc, sigfd);
		reader_stop(nc);
		rump_sys_close(nc->s);
		nc->s = -1;
		if (rc != 0 || !nc->keep)
			return rc;
	}
}

/* --echo, --sink, --source: many connections, no standard input. */
static int
tcp_streams(struct nc *nc, int sigfd)
{
	struct ncstream_opts o = {
		.prog = PROG,
		.mode = nc->echo ? NCSTREAM_ECHO : nc->sink ? NCSTREAM_SINK :
		    NCSTREAM_SOURCE,
		.source_bytes = nc->source,
		.keep = nc->keep,
		.verbose = nc->verbose,
		.maxconns = nc->listen ? 4096 : 1,
		.report = stderr,
	};
	int s = nc->s;

	if (!nc->listen && rump_sys_fcntl(s, F_SETFL, O_NONBLOCK) != 0) {
		fprintf(stderr, PROG ": O_NONBLOCK: %s\n", strerror(errno));
		return -1;
	}
	/* ncstream closes it. */
	nc->s = -1;
	return ncstream_run(&o, nc->listen ? nc->ls : -1, s, sigfd);
}

/* The arguments after the options: HOST PORT, or with -l PORT or none. */
static void
parse_operands(struct nc *nc, int argc, char **argv)
{
	uint32_t host;
	uint16_t port;

	if (nc->listen) {
		if (argc - optind > 1 || (argc - optind == 1 && nc->lport != 0))
			usage_error("unexpected argument '%s': with -l, give "
			    "only the port to listen on", argv[argc - 1]);
		if (argc - optind == 1 &&
		    tool_parse_port(argv[optind], &nc->lport) != 0)
			usage_error("bad PORT '%s': expected 1..65535",
			    argv[optind]);
		if (nc->lport == 0)
			usage_error("-l needs the port to listen on: -l PORT");
		return;
	}
	if (argc - optind == 0)
		usage_error("missing HOST PORT");
	if (argc - optind == 1)
		usage_error("missing PORT after HOST %s", argv[optind]);
	if (argc - optind > 2)
		usage_error("unexpected argument '%s' after HOST PORT",
		    argv[optind + 2]);
	if (tool_parse_ipv4(argv[optind], &host) != 0)
		usage_error("bad HOST '%s': expected an IPv4 address A.B.C.D "
		    "(no names: the rump kernel has no resolver)", argv[optind]);
	if (tool_parse_port(argv[optind + 1], &port) != 0)
		usage_error("bad PORT '%s': expected 1..65535", argv[optind + 1]);
	nc->remote.sin_family = AF_INET;
	nc->remote.sin_addr.s_addr = htonl(host);
	nc->remote.sin_port = htons(port);
	sin_text(&nc->remote, nc->remote_text);
}

/* Options that do not go together. */
static void
check_modes(struct nc *nc, bool udp, bool linger_given)
{
	int modes = nc->echo + nc->sink + (nc->source != 0);

	if (modes > 1)
		usage_error("--echo, --sink and --source exclude each other");
	if (nc->echo && !nc->listen)
		usage_error("--echo works with -l only");
	if (udp && (nc->sink || nc->source != 0))
		usage_error("--sink and --source are TCP only: leave out -u");
	if (udp && nc->keep)
		usage_error("-k is TCP only: with -u -l, rump_nc receives "
		    "until a signal anyway");
	if (nc->keep && !nc->listen)
		usage_error("-k works with -l only");
	if (!udp && linger_given)
		usage_error("-q is UDP only: over TCP, rump_nc ends when the "
		    "peer closes");
	/* An echo server serves every connection that comes. */
	if (nc->echo && !udp)
		nc->keep = true;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		NETOPTS_LONGOPTS,
		{ "echo", no_argument, NULL, 'e' },
		{ "sink", no_argument, NULL, 'S' },
		{ "source", required_argument, NULL, 'O' },
		{ "bind", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct netopts no;
	static struct nc nc;
	bool udp = false, linger_given = false;
	int c, sigfd, rc, status = 1;

	tool_usage_init(&usage_info);
	setvbuf(stdout, NULL, _IOLBF, 0);
	netopts_init(&no);
	nc.s = nc.ls = -1;
	nc.linger = 1;
	nc.evpipe[0] = nc.evpipe[1] = -1;
	nc.stoppipe[0] = nc.stoppipe[1] = -1;
	pthread_mutex_init(&nc.peer_lock, NULL);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ulkp:eq:vh", longopts,
	    NULL)) != -1) {
		if (netopts_isopt(c)) {
			if (netopts_parse(&no, c, optarg) != 0)
				usage_error("%s", no.err);
			continue;
		}
		switch (c) {
		case 'u':
			udp = true;
			break;
		case 'l':
			nc.listen = true;
			break;
		case 'k':
			nc.keep = true;
			break;
		case 'p':
			if (tool_parse_port(optarg, &nc.lport) != 0)
				usage_error("-p: bad port '%s': expected "
				    "1..65535", optarg);
			break;
		case 'e':
			nc.echo = true;
			break;
		case 'S':
			nc.sink = true;
			break;
		case 'O':
			if (tool_parse_u64(optarg, &nc.source) != 0 ||
			    nc.source == 0)
				usage_error("--source: bad byte count '%s': "
				    "expected a positive number", optarg);
			break;
		case 'q':
			linger_given = true;
			if (strcmp(optarg, "-1") == 0)
				nc.linger = -1;
			else if (tool_parse_decimal(optarg, 0, 86400,
			    &nc.linger) != 0)
				usage_error("-q: bad time '%s': expected seconds "
				    "from 0 to 86400, or -1 for forever", optarg);
			break;
		case 'B':
			if (inet_pton(AF_INET, optarg, &nc.laddr) != 1)
				usage_error("--bind: bad address '%s': expected "
				    "A.B.C.D", optarg);
			break;
		case 'v':
			nc.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage_bad_option(c, argv);
		}
	}
	check_modes(&nc, udp, linger_given);
	parse_operands(&nc, argc, argv);
	nc.proto = udp ? &nc_udp : &nc_tcp;
	if (!udp)
		nc.linger = -1;
	if (netopts_check(&no) != 0)
		usage_error("%s", no.err);

	switch (tool_boot(PROG, &no, &sigfd)) {
	case TOOL_BOOT_NOKERNEL:
		return 1;
	case TOOL_BOOT_FAILED:
		goto out;
	case TOOL_BOOT_OK:
		break;
	}
	if (rump_sys_pipe2(nc.evpipe, 0) != 0) {
		fprintf(stderr, PROG ": pipe2: %s\n", strerror(errno));
		goto out;
	}
	if (nc.proto->open(&nc) != 0)
		goto out;
	if (nc.verbose) {
		if (nc.listen)
			fprintf(stderr, PROG ": listening on %s port %u\n",
			    nc.proto->name, nc.lport);
		else
			fprintf(stderr, PROG ": %s %s (%s)\n", udp ?
			    "sending to" : "connected to", nc.remote_text,
			    nc.proto->name);
	}
	if (udp)
		rc = reader_start(&nc) != 0 ? -1 : run(&nc, sigfd);
	else if (nc.echo || nc.sink || nc.source != 0)
		rc = tcp_streams(&nc, sigfd);
	else
		rc = tcp_pipe(&nc, sigfd);
	if (rc >= 0)
		status = 0;

out:
	reader_stop(&nc);
	if (nc.s >= 0)
		rump_sys_close(nc.s);
	if (nc.ls >= 0)
		rump_sys_close(nc.ls);
	if (nc.evpipe[0] >= 0) {
		rump_sys_close(nc.evpipe[0]);
		rump_sys_close(nc.evpipe[1]);
	}
	/* On standard error, like every kernel message: stdout is data. */
	if (nc.verbose)
		rump_kstat_dump("");
	tool_shutdown(PROG, &no);
	return status;
}
