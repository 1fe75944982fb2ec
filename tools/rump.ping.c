/*
 * rump.ping: ICMP echo from a running rump_server, in the manner of
 * ping(8) (the logic is ping.c's, shared with rump_ping): a client of the
 * server that RUMP_SERVER names, whose raw ICMP socket lives there.
 *
 * Exit status (as ping(8)): 0 when at least one reply came, 1 when none
 * did, 2 on errors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include <rump/rump.h>

#include "ping.h"
#include "rtool.h"
#include "toolsig.h"
#include "toolusage.h"

#define PROG		"rump.ping"

static const char usage_text[] =
"usage: rump.ping [-c COUNT] [-i INTERVAL] [-s SIZE] [-W TIMEOUT] [-t TTL]\n"
"                 [-q] HOST\n"
"       rump.ping --help\n"
"\n"
"Sends ICMP echo requests to HOST (an IPv4 address) from a running\n"
"rump_server, and prints the replies and statistics as ping(8) does.\n"
"\n";

static const char example_text[] =
"\n"
"Example:\n"
"  RUMP_SERVER=unix:///tmp/rump.sock rump.ping -c 3 198.18.1.1\n"
"\n"
"Exit status: 0 when a reply came, 1 when none did, 2 on errors.\n";

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char synopsis[sizeof(usage_text) + 1024];
	static struct tool_usage u = { .prog = PROG, .examples = example_text,
	    .remote = true };
	static struct ping pg;
	int c, sigfd, status;

	snprintf(synopsis, sizeof(synopsis), "%s%s", usage_text,
	    ping_usage_options);
	u.synopsis = synopsis;
	tool_usage_init(&u);
	setvbuf(stdout, NULL, _IOLBF, 0);
	ping_init(&pg, PROG);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" PING_OPTSTRING "h", longopts,
	    NULL)) != -1) {
		if (ping_option(&pg, c, optarg))
			continue;
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		usage_bad_option(c, argv);
	}
	ping_host(&pg, argc, argv, optind);
	/* Before the client's threads exist, so that they inherit the mask. */
	if (toolsig_block() != 0)
		rtool_fail(errno, "blocking signals");
	rtool_connect(PROG);
	if ((sigfd = toolsig_start()) < 0)
		rtool_fail(errno, "the signal pipe");
	status = ping_main(&pg, argv[optind], sigfd);
	toolsig_stop();
	rump_fini();
	return status;
}
