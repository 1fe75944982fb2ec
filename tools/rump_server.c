/*
 * rump_server: a rump kernel TCP/IP stack on host tap devices, serving
 * until SIGINT or SIGTERM.  The stack answers ARP and ping by itself;
 * --udp-echo PORT also runs a UDP echo server on a rump socket;
 * --listen URL serves the system calls of remote clients (librumpclient).
 *
 * Exit status: 0 after a signal, 1 when the stack could not be set up,
 * 2 for bad options.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rump/rump.h>
#include <rump/rump_netconfig.h>

#include "librumpserver/rumpserver.h"
#include "netopts.h"
#include "toolsig.h"
#include "toolboot.h"
#include "toolusage.h"
#include "toolutil.h"

#define PROG	"rump_server"
#define MAXLISTEN	4

static const char usage_text[] =
"usage: rump_server [--listen URL] [--max-channels N]\n"
"                   [--if NAME,tap=TAP[,mac=..][,mtu=..]]\n"
"                   [--addr NAME,A.B.C.D/LEN] [--route DEST,GW]\n"
"                   [--pcap NAME,FILE] [--fault NAME,SPEC]\n"
"                   [--forward] [--udp-echo PORT] [-v]\n"
"       rump_server --help\n"
"\n"
"Runs a rump kernel TCP/IP stack on host tap devices until SIGINT or SIGTERM;\n"
"it answers ARP and ping by itself.  Prints one line starting with\n"
"\"rump_server: up:\" when the interfaces are configured and the listeners\n"
"are up.\n"
"\n"
"  --listen URL        serve the system calls of remote clients (programs\n"
"                      linked with librumpclient, RUMP_SERVER=URL), each in\n"
"                      a process of its own: unix:///PATH (a socket only\n"
"                      its owner may use) or tcp://[ADDR]:PORT (ADDR\n"
"                      127.0.0.1 if not given; PORT 0: any).  Up to 4.\n"
"  --max-channels N    at most N shared-memory channels (a client thread's\n"
"                      fast path on a unix socket: a thread of the server\n"
"                      and 4 MiB of the client's memory each) for all\n"
"                      clients together; other threads make their calls\n"
"                      over the socket and ask again later.  Default: no\n"
"                      limit\n"
"  --udp-echo PORT     also send every UDP datagram that arrives on PORT back\n"
"                      to its sender\n"
"  -v, --verbose       at exit, print the kernel counters that are not zero;\n"
"                      log each client that disconnects\n"
"  -h, --help          print this help and exit\n"
"\n";

static const char example_text[] =
"\n"
"Example (as root): serve on a new tap device tap0, give the host's side an\n"
"address, ping the rump stack:\n"
"  rump_server --if virt0,tap=tap0 --addr virt0,198.18.0.2/24 --udp-echo 7 &\n"
"  ip addr add 198.18.0.1/24 dev tap0 && ip link set tap0 up\n"
"  ping 198.18.0.2\n"
"\n"
"Serve remote system calls on a unix socket, no network interface:\n"
"  rump_server --listen unix:///tmp/rump.sock &\n"
"  RUMP_SERVER=unix:///tmp/rump.sock ./program-linked-with-lrumpclient\n"
"\n"
"Exit status: 0 after SIGINT or SIGTERM, 1 if the stack could not be set up,\n"
"2 for bad options.\n";

static const struct tool_usage usage_info = {
	.prog = PROG,
	.synopsis = usage_text,
	.examples = example_text,
};

struct echo {
	int s;
	uint16_t port;
	uint64_t echoed, errors;
	char buf[65536];
};

static int
echo_open(struct echo *e)
{
	struct sockaddr_in sin;

	e->s = rump_sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (e->s < 0) {
		fprintf(stderr, PROG ": --udp-echo: cannot create a UDP socket: "
		    "%s\n", strerror(errno));
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(e->port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (rump_sys_bind(e->s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		fprintf(stderr, PROG ": --udp-echo: cannot bind UDP port %u: "
		    "%s\n", e->port, strerror(errno));
		rump_sys_close(e->s);
		e->s = -1;
		return -1;
	}
	return 0;
}

/* Echoes every datagram waiting on the socket. */
static void
echo_drain(struct echo *e, bool verbose)
{
	struct sockaddr_in from;
	socklen_t fromlen;
	ssize_t n;
	char a[16];

	for (;;) {
		fromlen = sizeof(from);
		n = rump_sys_recvfrom(e->s, e->buf, sizeof(e->buf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			/* An ICMP error reported on the socket: not fatal. */
			e->errors++;
			if (verbose)
				fprintf(stderr, PROG ": udp-echo: recvfrom: "
				    "%s\n", strerror(errno));
			continue;
		}
		if (rump_sys_sendto(e->s, e->buf, (size_t)n, 0,
		    (struct sockaddr *)&from, fromlen) < 0) {
			e->errors++;
			if (verbose)
				fprintf(stderr, PROG ": udp-echo: sendto "
				    "%s:%u: %s\n",
				    tool_format_ipv4(ntohl(from.sin_addr.s_addr),
				    a), ntohs(from.sin_port), strerror(errno));
			continue;
		}
		e->echoed++;
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		NETOPTS_LONGOPTS,
		{ "udp-echo", required_argument, NULL, 'E' },
		{ "listen", required_argument, NULL, 'L' },
		{ "max-channels", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct netopts no;
	static struct echo echo = { .s = -1 };
	struct rump_server *srv[MAXLISTEN];
	const char *urls[MAXLISTEN];
	int nlisten = 0, nsrv = 0;
	struct pollfd pfd[2];
	char desc[2048];
	bool verbose = false, want_echo = false;
	long maxchannels;
	int c, sigfd, status = 1;

	tool_usage_init(&usage_info);
	setvbuf(stdout, NULL, _IOLBF, 0);
	netopts_init(&no);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		if (netopts_isopt(c)) {
			if (netopts_parse(&no, c, optarg) != 0)
				usage_error("%s", no.err);
			continue;
		}
		switch (c) {
		case 'E':
			if (tool_parse_port(optarg, &echo.port) != 0)
				usage_error("--udp-echo: bad port '%s': expected "
				    "1..65535", optarg);
			want_echo = true;
			break;
		case 'L':
			if (nlisten == MAXLISTEN)
				usage_error("--listen: at most %d", MAXLISTEN);
			urls[nlisten++] = optarg;
			break;
		case 'C':
			if (tool_parse_long(optarg, 0, INT_MAX, &maxchannels) != 0)
				usage_error("--max-channels: bad count '%s'", optarg);
			rump_server_maxchannels((unsigned int)maxchannels);
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage_bad_option(c, argv);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (no.nifs == 0 && nlisten == 0)
		usage_error("%s", "nothing to serve: give at least one --if or --listen");
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
	if (want_echo && echo_open(&echo) != 0)
		goto out;
	for (; nsrv < nlisten; nsrv++) {
		if (rump_server_start(urls[nsrv], verbose, &srv[nsrv]) != 0)
			goto out;
		printf(PROG ": listening on %s\n", rump_server_where(srv[nsrv]));
	}
	netopts_readback(&no);
	netopts_describe(&no, desc, sizeof(desc));
	if (no.nifs == 0)
		snprintf(desc, sizeof(desc), "no interfaces");
	if (want_echo)
		printf(PROG ": up: %s; udp-echo %u\n", desc, echo.port);
	else
		printf(PROG ": up: %s\n", desc);

	for (;;) {
		nfds_t n = 1;

		pfd[0].fd = sigfd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		if (echo.s >= 0) {
			pfd[1].fd = echo.s;
			pfd[1].events = POLLIN;
			pfd[1].revents = 0;
			n = 2;
		}
		if (rump_sys_poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			goto out;
		}
		if (pfd[0].revents != 0)
			break;
		if (n == 2 && pfd[1].revents != 0)
			echo_drain(&echo, verbose);
	}
	printf(PROG ": %s, shutting down\n", toolsig_name(toolsig_caught()));
	status = 0;

out:
	while (nsrv > 0)
		rump_server_stop(srv[--nsrv]);
	if (echo.s >= 0) {
		rump_sys_close(echo.s);
		if (verbose)
			printf(PROG ": udp-echo: %llu datagrams echoed, %llu "
			    "errors\n", (unsigned long long)echo.echoed,
			    (unsigned long long)echo.errors);
	}
	if (verbose) {
		fflush(stdout);
		rump_kstat_dump("");
	}
	/* Memory left in the kernel at shutdown is a failure too. */
	if (tool_shutdown(PROG, &no) != 0)
		status = 1;
	return status;
}
