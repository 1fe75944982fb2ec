/*
 * rump_nc: netcat over a rump kernel's sockets.  UDP for now; TCP comes
 * as a second struct nc_proto next to nc_udp.
 *
 * Standard input is a host descriptor and the socket a rump one, and one
 * poll cannot wait for both: a host thread reads standard input and sends
 * what it reads, while the main thread polls the rump socket (with the
 * signal pipe and the reader's event pipe) and writes what arrives to
 * standard output.
 *
 *	client:	rump_nc -u HOST PORT	each read of standard input (a line
 *		from a terminal, up to 65507 bytes from a pipe) is one datagram
 *		to HOST:PORT; datagrams from HOST:PORT go to standard output;
 *		after end of input, waits -q seconds for answers, then exits.
 *	server:	rump_nc -u -l -p PORT	prints the datagrams that arrive;
 *		standard input goes to the last sender; runs until a signal.
 *		With -e, sends every datagram back to its sender instead.
 *
 * Exit status: 0 on success or after SIGINT/SIGTERM, 1 on network errors,
 * 2 for bad options.
 */
#include <errno.h>
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

#include "netopts.h"
#include "toolsig.h"
#include "toolboot.h"
#include "toolusage.h"
#include "toolutil.h"

#define PROG		"rump_nc"
#define MAXDGRAM	65507		/* the largest UDP payload over IPv4 */

static const char usage_text[] =
"usage: rump_nc [interface options] -u [-v] [-p LPORT] [-q SECS] HOST PORT\n"
"       rump_nc [interface options] -u -l -p PORT [-e] [-v]\n"
"       rump_nc --help\n"
"\n"
"Netcat over the sockets of a rump kernel configured by the interface\n"
"options.  UDP only for now (-u is required).\n"
"\n"
"Without -l, each read of standard input (a line from a terminal, up to\n"
"65507 bytes from a pipe) is sent as one datagram to HOST:PORT, and the\n"
"datagrams HOST:PORT sends back are written to standard output; at the end\n"
"of standard input rump_nc waits -q seconds for answers, then exits.\n"
"With -l, rump_nc receives on PORT and writes what arrives to standard\n"
"output until SIGINT or SIGTERM; standard input goes to the last sender.\n"
"\n"
"  -u            UDP\n"
"  -l            listen: receive on the port given with -p\n"
"  -p PORT       the local port (with -l: required; else: default any)\n"
"  -e            with -l: echo, send every datagram back to its sender\n"
"                (nothing is written to standard output)\n"
"  -q SECS       after the end of standard input, wait SECS seconds for\n"
"                answers (default 1, fractions allowed; -1: forever)\n"
"  -v            report peers and datagrams on standard error\n"
"  -h, --help    print this help and exit\n"
"\n";

static const char example_text[] =
"\n"
"Examples (as root, the host side of tap1 being 198.18.1.1/24):\n"
"  echo hello | rump_nc --if virt0,tap=tap1 --addr virt0,198.18.1.2/24 \\\n"
"      -u 198.18.1.1 7777\n"
"  rump_nc --if virt0,tap=tap1 --addr virt0,198.18.1.2/24 -u -l -p 7 -e\n"
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
	/* The socket is readable: takes what is there. */
	int (*input)(struct nc *nc);
	/* The end of standard input (TCP will shut down its sending side). */
	void (*stdin_eof)(struct nc *nc);
};

struct nc {
	const struct nc_proto *proto;
	bool listen, echo, verbose;
	uint16_t lport;
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
bind_local(struct nc *nc)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(nc->lport);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (rump_sys_bind(nc->s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
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
	if ((nc->listen || nc->lport != 0) && bind_local(nc) != 0)
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

	if (nc->reader_running) {
		if (write(nc->stoppipe[1], &c, 1) < 0)
			fprintf(stderr, PROG ": cannot stop the reader: %s\n",
			    strerror(errno));
		pthread_join(nc->reader, NULL);
		nc->reader_running = false;
	}
	if (nc->stoppipe[0] >= 0) {
		close(nc->stoppipe[0]);
		close(nc->stoppipe[1]);
		nc->stoppipe[0] = nc->stoppipe[1] = -1;
	}
}

/* ---- the main loop ----------------------------------------------------- */

static int
run(struct nc *nc, int sigfd)
{
	struct pollfd pfd[3];
	uint64_t deadline = 0, now;
	bool eof = false;
	int timeout;
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
		pfd[1].fd = nc->s;
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
			return 0;
		if (pfd[1].revents != 0 && nc->proto->input(nc) != 0)
			return -1;
		if (!eof && pfd[2].revents != 0 &&
		    rump_sys_read(nc->evpipe[0], &ev, 1) == 1) {
			if (ev == EV_ERROR)
				return -1;
			eof = true;
			nc->proto->stdin_eof(nc);
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		NETOPTS_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct netopts no;
	static struct nc nc;
	bool udp = false;
	uint32_t host;
	uint16_t port;
	int c, sigfd, status = 1;

	tool_usage_init(&usage_info);
	setvbuf(stdout, NULL, _IOLBF, 0);
	netopts_init(&no);
	nc.s = -1;
	nc.linger = 1;
	nc.evpipe[0] = nc.evpipe[1] = -1;
	nc.stoppipe[0] = nc.stoppipe[1] = -1;
	pthread_mutex_init(&nc.peer_lock, NULL);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ulp:eq:vh", longopts,
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
		case 'p':
			if (tool_parse_port(optarg, &nc.lport) != 0)
				usage_error("-p: bad port '%s': expected "
				    "1..65535", optarg);
			break;
		case 'e':
			nc.echo = true;
			break;
		case 'q':
			if (strcmp(optarg, "-1") == 0)
				nc.linger = -1;
			else if (tool_parse_decimal(optarg, 0, 86400,
			    &nc.linger) != 0)
				usage_error("-q: bad time '%s': expected seconds "
				    "from 0 to 86400, or -1 for forever", optarg);
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
	if (!udp)
		usage_error("TCP is not supported yet: give -u for UDP");
	nc.proto = &nc_udp;
	if (nc.listen) {
		if (nc.lport == 0)
			usage_error("-l needs the port to listen on: -l -p PORT");
		if (optind < argc)
			usage_error("unexpected argument '%s': with -l, give "
			    "the port with -p", argv[optind]);
	} else {
		if (nc.echo)
			usage_error("-e works with -l only");
		if (argc - optind == 0)
			usage_error("missing HOST PORT");
		if (argc - optind == 1)
			usage_error("missing PORT after HOST %s", argv[optind]);
		if (argc - optind > 2)
			usage_error("unexpected argument '%s' after HOST PORT",
			    argv[optind + 2]);
		if (tool_parse_ipv4(argv[optind], &host) != 0)
			usage_error("bad HOST '%s': expected an IPv4 address "
			    "A.B.C.D (no names: the rump kernel has no resolver)",
			    argv[optind]);
		if (tool_parse_port(argv[optind + 1], &port) != 0)
			usage_error("bad PORT '%s': expected 1..65535",
			    argv[optind + 1]);
		nc.remote.sin_family = AF_INET;
		nc.remote.sin_addr.s_addr = htonl(host);
		nc.remote.sin_port = htons(port);
		sin_text(&nc.remote, nc.remote_text);
	}
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
			fprintf(stderr, PROG ": sending to %s (%s)\n",
			    nc.remote_text, nc.proto->name);
	}
	if (reader_start(&nc) != 0)
		goto out;
	if (run(&nc, sigfd) == 0)
		status = 0;

out:
	reader_stop(&nc);
	if (nc.s >= 0)
		rump_sys_close(nc.s);
	if (nc.evpipe[0] >= 0) {
		rump_sys_close(nc.evpipe[0]);
		rump_sys_close(nc.evpipe[1]);
	}
	tool_shutdown(PROG, &no);
	return status;
}
