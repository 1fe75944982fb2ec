/*
 * rump_ping: ICMP echo from a rump kernel of its own, configured by the
 * interface options, in the manner of ping(8) (the logic is ping.c's,
 * shared with rump.ping).
 *
 * Exit status (as ping(8)): 0 when at least one reply came, 1 when none
 * did, 2 on errors.
 */
#include <getopt.h>
#include <stdio.h>

#include <rump/rump.h>

#include "netopts.h"
#include "ping.h"
#include "toolboot.h"
#include "toolusage.h"

#define PROG		"rump_ping"

static const char usage_text[] =
"usage: rump_ping [interface options] [-c COUNT] [-i INTERVAL] [-s SIZE]\n"
"                 [-W TIMEOUT] [-t TTL] [-q] HOST\n"
"       rump_ping --help\n"
"\n"
"Sends ICMP echo requests to HOST (an IPv4 address) from a rump kernel\n"
"configured by the interface options, and prints the replies and statistics\n"
"as ping(8) does.\n"
"\n";

static const char example_text[] =
"\n"
"Example (as root, the host side of tap1 being 198.18.1.1/24):\n"
"  rump_ping --if virt0,tap=tap1 --addr virt0,198.18.1.2/24 -c 3 198.18.1.1\n"
"\n"
"Exit status: 0 when a reply came, 1 when none did, 2 on errors.\n";

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		NETOPTS_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char synopsis[sizeof(usage_text) + 1024];
	static struct tool_usage u = { .prog = PROG, .examples = example_text };
	static struct netopts no;
	static struct ping pg;
	int c, sigfd, status = 2;

	snprintf(synopsis, sizeof(synopsis), "%s%s", usage_text,
	    ping_usage_options);
	u.synopsis = synopsis;
	tool_usage_init(&u);
	setvbuf(stdout, NULL, _IOLBF, 0);
	netopts_init(&no);
	ping_init(&pg, PROG);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" PING_OPTSTRING "h", longopts,
	    NULL)) != -1) {
		if (netopts_isopt(c)) {
			if (netopts_parse(&no, c, optarg) != 0)
				usage_error("%s", no.err);
			continue;
		}
		if (ping_option(&pg, c, optarg))
			continue;
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		usage_bad_option(c, argv);
	}
	ping_host(&pg, argc, argv, optind);
	if (netopts_check(&no) != 0)
		usage_error("%s", no.err);

	switch (tool_boot(PROG, &no, &sigfd)) {
	case TOOL_BOOT_NOKERNEL:
		return 2;
	case TOOL_BOOT_FAILED:
		break;
	case TOOL_BOOT_OK:
		status = ping_main(&pg, argv[optind], sigfd);
		break;
	}
	tool_shutdown(PROG, &no);
	return status;
}
