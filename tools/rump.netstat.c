/*
 * rump.netstat: the sockets of a running rump_server with their states
 * and queues, as ss -tan shows Linux's, or its protocol counters, as
 * netstat -s does (from the "net.inet.*.pcblist" tables and the
 * "kern.counters" names).
 *
 * Exit status: 0 on success, 1 when the server refused, 2 for bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_netinfo.h>
#include <rump/rump_sysctl.h>

#include "rtool.h"
#include "toolusage.h"

#define PROG	"rump.netstat"

static const char usage_text[] =
"usage: rump.netstat [-t] [-u] [-w] [-l] [-a] [-n]\n"
"       rump.netstat -s [PROTOCOL...]\n"
"       rump.netstat --help\n"
"\n"
"Lists the sockets of a running rump_server with their states and the\n"
"bytes queued, as ss -tan does (a listener's Recv-Q is the connections\n"
"waiting for accept, its Send-Q the backlog), or, with -s, its counters\n"
"by protocol (ip, icmp, udp, tcp, arp, ... or all of them).\n"
"\n"
"  -t, --tcp   TCP sockets       -u, --udp   UDP sockets\n"
"  -w, --raw   raw sockets       (none of the three: all of them)\n"
"  -l          listening sockets only\n"
"  -a, -n      all sockets, numeric (always)\n"
"  -s          counters\n"
"  -h, --help  print this help and exit\n"
"\n";

static const char example_text[] =
"\n"
"Example:\n"
"  RUMP_SERVER=unix:///tmp/rump.sock rump.netstat -t\n";

/* Linux's TCP states (include/net/tcp_states.h), as ss names them. */
static const char *const tcp_states[] = {
	"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
	"FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK",
	"LISTEN", "CLOSING",
};

static void
endpoint(uint32_t addr, uint16_t port, char *buf, size_t len)
{
	char a[16];

	rtool_inet(addr, a);
	if (port == 0)
		snprintf(buf, len, "%s:*", a);
	else
		snprintf(buf, len, "%s:%u", a, ntohs(port));
}

static void
list(const char *table, const char *netid, bool listening)
{
	size_t len;
	struct rump_sockinfo *si = rtool_sysctl(table, &len);
	char local[32], peer[32];

	for (size_t i = 0; i < len / sizeof(*si); i++) {
		const char *state = "UNCONN";

		if (si[i].si_proto == IPPROTO_TCP)
			state = si[i].si_state < sizeof(tcp_states) /
			    sizeof(tcp_states[0]) ?
			    tcp_states[si[i].si_state] : "UNKNOWN";
		/* Listening: a TCP listener, or an unconnected datagram socket. */
		if (listening && strcmp(state, "LISTEN") != 0 &&
		    !(strcmp(state, "UNCONN") == 0 && si[i].si_fport == 0))
			continue;
		endpoint(si[i].si_laddr, si[i].si_lport, local, sizeof(local));
		endpoint(si[i].si_faddr, si[i].si_fport, peer, sizeof(peer));
		printf("%-6s %-10s %-6" PRIu32 " %-6" PRIu32 " %-21s %s\n",
		    netid, state, si[i].si_rcvq, si[i].si_sndq, local, peer);
	}
	free(si);
}

/* Every counter of group (or all groups), netstat -s style. */
static void
counters(const char *group)
{
	char node[RUMP_SYSCTL_NAMEMAX], last[RUMP_SYSCTL_NAMEMAX] = "";
	const size_t plen = strlen("kern.counters.");
	struct rump_sysctl_entry *e;
	size_t len;

	snprintf(node, sizeof(node), "kern.counters%s%s", *group ? "." : "",
	    group);
	e = rtool_sysctl(node, &len);
	for (size_t i = 0; i < len / sizeof(*e); i++) {
		const char *name = e[i].rse_name + plen;
		const char *dot = strchr(name, '.');
		size_t glen = dot != NULL ? (size_t)(dot - name) : strlen(name);
		uint64_t v = 0;
		size_t vlen = sizeof(v);

		if (strlen(last) != glen || strncmp(last, name, glen) != 0) {
			snprintf(last, sizeof(last), "%.*s", (int)glen, name);
			printf("%s:\n", last);
		}
		if (rump_sys_sysctl(e[i].rse_name, &v, &vlen, NULL, 0) != 0)
			rtool_fail(errno, "sysctl %s", e[i].rse_name);
		printf("    %" PRIu64 " %s\n", v, dot != NULL ? dot + 1 : name);
	}
	free(e);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "tcp", no_argument, NULL, 't' },
		{ "udp", no_argument, NULL, 'u' },
		{ "raw", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct tool_usage u = { PROG, usage_text, example_text,
	    true };
	bool tcp = false, udp = false, raw = false, stats = false;
	bool listening = false;
	int c;

	tool_usage_init(&u);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":tuwlansh", longopts, NULL)) != -1) {
		switch (c) {
		case 't': tcp = true; break;
		case 'u': udp = true; break;
		case 'w': raw = true; break;
		case 'l': listening = true; break;
		case 'a': case 'n': break;
		case 's': stats = true; break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage_bad_option(c, argv);
		}
	}
	if (!stats && optind != argc)
		usage_error("unexpected argument: %s", argv[optind]);
	if (!tcp && !udp && !raw)
		tcp = udp = raw = true;
	rtool_connect(PROG);
	if (stats) {
		if (optind == argc)
			counters("");
		for (int i = optind; i < argc; i++)
			counters(argv[i]);
	} else {
		printf("%-6s %-10s %-6s %-6s %-21s %s\n", "Netid", "State",
		    "Recv-Q", "Send-Q", "Local Address:Port",
		    "Peer Address:Port");
		if (tcp)
			list("net.inet.tcp.pcblist", "tcp", listening);
		if (udp)
			list("net.inet.udp.pcblist", "udp", listening);
		if (raw)
			list("net.inet.raw.pcblist", "raw", listening);
	}
	rump_fini();
	return 0;
}
