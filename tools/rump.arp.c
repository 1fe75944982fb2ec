/*
 * rump.arp: the ARP cache of a running rump_server, shown as arp -n shows
 * Linux's, with entries set and deleted by SIOCSARP and SIOCDARP (Linux's
 * struct arpreq).
 *
 * Exit status: 0 on success, 1 when the server refused, 2 for bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if_arp.h>
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

#define PROG	"rump.arp"

static const char usage_text[] =
"usage: rump.arp [-n] [-i IFNAME]\n"
"       rump.arp [-i IFNAME] -s ADDR MAC [temp]\n"
"       rump.arp [-i IFNAME] -d ADDR\n"
"       rump.arp --help\n"
"\n"
"Shows the ARP cache of a running rump_server as arp -n does, or sets an\n"
"entry (permanent unless temp; the interface is the one of the route to\n"
"ADDR unless -i names it) or deletes one (as root in the server).\n"
"\n"
"  -n              numeric (always)\n"
"  -i, --device IFNAME  only entries of IFNAME\n"
"  -s ADDR MAC     set an entry\n"
"  -d ADDR         delete an entry\n"
"  -h, --help      print this help and exit\n"
"\n";

static const char example_text[] =
"\n"
"Example:\n"
"  RUMP_SERVER=unix:///tmp/rump.sock rump.arp -s 198.18.0.9 02:00:00:00:00:09\n";

static void
show(const char *ifname)
{
	size_t len;
	struct rump_arpinfo *a = rtool_sysctl("net.inet.arp.table", &len);
	char b[16], mac[18];

	printf("%-24s%-8s%-20s%-6s%-16s%s\n", "Address", "HWtype", "HWaddress",
	    "Flags", "Mask", "Iface");
	for (size_t i = 0; i < len / sizeof(*a); i++) {
		const uint8_t *m = a[i].arpi_hwaddr;

		if (ifname != NULL && strcmp(ifname, a[i].arpi_ifname) != 0)
			continue;
		if (!(a[i].arpi_flags & RUMP_ATF_COM)) {
			printf("%-24s%-8s%-20s%-6s%-16s%s\n",
			    rtool_inet(a[i].arpi_addr, b), "",
			    "(incomplete)", "", "", a[i].arpi_ifname);
			continue;
		}
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    m[0], m[1], m[2], m[3], m[4], m[5]);
		printf("%-24s%-8s%-20s%-6s%-16s%s\n",
		    rtool_inet(a[i].arpi_addr, b), "ether", mac,
		    a[i].arpi_flags & RUMP_ATF_PERM ? "CM" : "C", "",
		    a[i].arpi_ifname);
	}
	free(a);
}

static int
parse_mac(const char *s, unsigned char mac[6])
{
	unsigned v[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
	    &v[4], &v[5], &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)v[i];
	return 0;
}

static void
change(unsigned long req, const char *ifname, char *argv[], int argc)
{
	struct arpreq ar;
	struct sockaddr_in sin;
	int s;

	memset(&ar, 0, sizeof(ar));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (rtool_parse_inet(argv[0], &sin.sin_addr.s_addr) != 0)
		usage_error("not an address: %s", argv[0]);
	memcpy(&ar.arp_pa, &sin, sizeof(sin));
	if (ifname != NULL)
		snprintf(ar.arp_dev, sizeof(ar.arp_dev), "%s", ifname);
	if (req == SIOCSARP) {
		if (argc < 2 || parse_mac(argv[1],
		    (unsigned char *)ar.arp_ha.sa_data) != 0)
			usage_error("-s needs an address and a MAC "
			    "(aa:bb:cc:dd:ee:ff)");
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "temp") != 0))
			usage_error("unexpected argument: %s", argv[argc - 1]);
		ar.arp_ha.sa_family = ARPHRD_ETHER;
		ar.arp_flags = ATF_COM | (argc == 3 ? 0 : ATF_PERM);
	} else if (argc != 1)
		usage_error("-d takes one address");
	s = rtool_socket();
	if (rump_sys_ioctl(s, req, &ar) != 0)
		rtool_fail(errno, "%s %s", req == SIOCSARP ? "set" : "delete",
		    argv[0]);
	rump_sys_close(s);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct tool_usage u = { PROG, usage_text, example_text,
	    true };
	const char *ifname = NULL;
	unsigned long req = 0;
	int c;

	tool_usage_init(&u);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ni:sdh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			break;
		case 'i':
			ifname = optarg;
			break;
		case 's':
		case 'd':
			if (req != 0)
				usage_error("-s and -d at once");
			req = c == 's' ? SIOCSARP : SIOCDARP;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage_bad_option(c, argv);
		}
	}
	if (req == 0 && optind != argc)
		usage_error("unexpected argument: %s", argv[optind]);
	if (req != 0 && optind == argc)
		usage_error("%s needs an address", req == SIOCSARP ? "-s" : "-d");
	if (ifname != NULL && strlen(ifname) >= RUMP_IFNAMSIZ)
		usage_error("interface name too long: %s", ifname);
	rtool_connect(PROG);
	if (req == 0)
		show(ifname);
	else
		change(req, ifname, argv + optind, argc - optind);
	rump_fini();
	return 0;
}
