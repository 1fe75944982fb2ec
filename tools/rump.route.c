/*
 * rump.route: the IPv4 routing table of a running rump_server, shown as
 * route -n shows Linux's, changed with SIOCADDRT and SIOCDELRT (Linux's
 * struct rtentry), and asked which route a destination takes (as ip route
 * get, from the table: the longest prefix that matches).
 *
 * Exit status: 0 on success, 1 when the server refused, 2 for bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <rump/rump.h>
#include <rump/rump_netinfo.h>

#include "rtool.h"
#include "toolusage.h"
#include "toolutil.h"

#define PROG	"rump.route"

static const char usage_text[] =
"usage: rump.route [-n] [show]\n"
"       rump.route add|del {default|DEST[/LEN]} [netmask MASK] [gw GW]\n"
"                  [dev IFNAME] [mtu MTU] [reject]\n"
"       rump.route get DEST\n"
"       rump.route --help\n"
"\n"
"Shows the IPv4 routing table of a running rump_server as route -n does,\n"
"adds or deletes a route (as root in the server), or says which route a\n"
"destination takes.  DEST without LEN or netmask is a host route.\n"
"\n"
"  -n          numeric (always)\n"
"  -h, --help  print this help and exit\n"
"\n";

static const char example_text[] =
"\n"
"Examples:\n"
"  RUMP_SERVER=unix:///tmp/rump.sock rump.route add 198.18.5.0/24 gw 198.18.0.1\n"
"  RUMP_SERVER=unix:///tmp/rump.sock rump.route get 198.18.5.7\n";

static void
route_flags(uint32_t f, char buf[8])
{
	char *p = buf;

	if (f & RUMP_RTF_UP)
		*p++ = 'U';
	if (f & RUMP_RTF_GATEWAY)
		*p++ = 'G';
	if (f & RUMP_RTF_HOST)
		*p++ = 'H';
	if (f & RUMP_RTF_REJECT)
		*p++ = '!';
	if (f & RUMP_RTF_LOCAL)
		*p++ = 'L';
	if (f & RUMP_RTF_STATIC)
		*p++ = 'S';
	*p = '\0';
}

static void
show(void)
{
	size_t len;
	struct rump_rtinfo *rt = rtool_sysctl("net.inet.routes", &len);
	char d[16], g[16], m[16], fl[8];

	printf("Kernel IP routing table\n");
	printf("%-15s %-15s %-15s %-5s %-6s %-6s %3s %s\n", "Destination",
	    "Gateway", "Genmask", "Flags", "Metric", "Ref", "Use", "Iface");
	for (size_t i = 0; i < len / sizeof(*rt); i++) {
		route_flags(rt[i].rti_flags, fl);
		printf("%-15s %-15s %-15s %-5s %-6d %-6d %3" PRIu64 " %s\n",
		    rtool_inet(rt[i].rti_dst, d),
		    rtool_inet(rt[i].rti_gateway, g),
		    rtool_inet(htonl(tool_prefix_mask((int)rt[i].rti_plen)), m),
		    fl, 0, 0, rt[i].rti_use, rt[i].rti_ifname);
	}
	free(rt);
}

static void
get(const char *dst)
{
	size_t len;
	struct rump_rtinfo *rt, *best = NULL;
	uint32_t a;
	char b1[16], b2[16];

	if (rtool_parse_inet(dst, &a) != 0)
		usage_error("not an address: %s", dst);
	rt = rtool_sysctl("net.inet.routes", &len);
	for (size_t i = 0; i < len / sizeof(*rt); i++) {
		uint32_t mask = htonl(tool_prefix_mask((int)rt[i].rti_plen));

		if ((a & mask) == rt[i].rti_dst &&
		    (best == NULL || rt[i].rti_plen > best->rti_plen))
			best = &rt[i];
	}
	if (best == NULL)
		rtool_fail(ENETUNREACH, "get %s", dst);
	if (best->rti_flags & RUMP_RTF_REJECT)
		printf("unreachable %s", dst);
	else if (best->rti_flags & RUMP_RTF_LOCAL)
		printf("local %s dev %s", dst, best->rti_ifname);
	else if (best->rti_flags & RUMP_RTF_GATEWAY)
		printf("%s via %s dev %s", dst, rtool_inet(best->rti_gateway, b1),
		    best->rti_ifname);
	else
		printf("%s dev %s", dst, best->rti_ifname);
	if (best->rti_src != 0 && !(best->rti_flags & RUMP_RTF_REJECT))
		printf(" src %s", rtool_inet(best->rti_src, b2));
	printf("\n");
	free(rt);
}

static struct sockaddr
sa_in(uint32_t addr)
{
	struct sockaddr sa;
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = addr;
	memcpy(&sa, &sin, sizeof(sa));
	return sa;
}

/* DEST: default, A.B.C.D/LEN or A.B.C.D (a host). */
static void
parse_dest(const char *s, struct rtentry *rt, uint32_t *mask)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	uint32_t a = 0;
	long plen = 32;

	if (strcmp(s, "default") == 0)
		plen = 0;
	else {
		snprintf(buf, sizeof(buf), "%.*s", slash != NULL ?
		    (int)(slash - s) : (int)strlen(s), s);
		if (rtool_parse_inet(buf, &a) != 0 || (slash != NULL &&
		    tool_parse_long(slash + 1, 0, 32, &plen) != 0))
			usage_error("bad destination: %s", s);
	}
	rt->rt_dst = sa_in(a);
	*mask = htonl(tool_prefix_mask((int)plen));
}

static void
change(unsigned long req, int argc, char *argv[])
{
	struct rtentry rt;
	uint32_t mask, a;
	long mtu;
	int s;

	memset(&rt, 0, sizeof(rt));
	rt.rt_flags = RTF_UP;
	if (argc < 1)
		usage_error("no destination");
	parse_dest(argv[0], &rt, &mask);
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(w, "reject") == 0) {
			rt.rt_flags |= RTF_REJECT;
			continue;
		}
		if (v == NULL)
			usage_error("%s needs a value", w);
		i++;
		if (strcmp(w, "gw") == 0 && rtool_parse_inet(v, &a) == 0) {
			rt.rt_gateway = sa_in(a);
			rt.rt_flags |= RTF_GATEWAY;
		} else if (strcmp(w, "netmask") == 0 &&
		    rtool_parse_inet(v, &mask) == 0)
			continue;
		else if (strcmp(w, "dev") == 0)
			rt.rt_dev = argv[i];
		else if (strcmp(w, "mtu") == 0 &&
		    tool_parse_long(v, 68, 65536, &mtu) == 0) {
			rt.rt_mtu = (unsigned long)mtu;
			rt.rt_flags |= RTF_MTU;
		} else
			usage_error("bad %s: %s", w, v);
	}
	if (mask == 0xffffffffu)
		rt.rt_flags |= RTF_HOST;
	rt.rt_genmask = sa_in(mask);
	s = rtool_socket();
	if (rump_sys_ioctl(s, req, &rt) != 0)
		rtool_fail(errno, "%s %s", req == SIOCADDRT ? "add" : "del",
		    argv[0]);
	rump_sys_close(s);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct tool_usage u = { PROG, usage_text, example_text,
	    true };
	const char *cmd;
	int c;

	tool_usage_init(&u);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage_bad_option(c, argv);
		}
	}
	cmd = optind < argc ? argv[optind++] : "show";
	if (strcmp(cmd, "show") != 0 && strcmp(cmd, "add") != 0 &&
	    strcmp(cmd, "del") != 0 && strcmp(cmd, "delete") != 0 &&
	    strcmp(cmd, "get") != 0)
		usage_error("unknown command: %s", cmd);
	if (strcmp(cmd, "get") == 0 && argc - optind != 1)
		usage_error("get takes one destination");
	if (strcmp(cmd, "show") == 0 && optind != argc)
		usage_error("show takes no arguments");
	rtool_connect(PROG);
	if (strcmp(cmd, "show") == 0)
		show();
	else if (strcmp(cmd, "get") == 0)
		get(argv[optind]);
	else
		change(strcmp(cmd, "add") == 0 ? SIOCADDRT : SIOCDELRT,
		    argc - optind, argv + optind);
	rump_fini();
	return 0;
}
