/*
 * rump.ifconfig: the interfaces of a running rump_server, listed with
 * their addresses, flags, MTU and counters in the manner of Linux's
 * ifconfig(8), and configured: created on a host tap, given or relieved
 * of an address, brought up or down, their MTU set.  Through ordinary
 * ioctls on a socket in the server and the "net.interfaces" and
 * "net.inet.addrs" sysctl tables.
 *
 * Exit status: 0 on success, 1 when the server refused, 2 for bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
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

#define PROG	"rump.ifconfig"

static const char usage_text[] =
"usage: rump.ifconfig [-a]\n"
"       rump.ifconfig IFNAME\n"
"       rump.ifconfig IFNAME create tap=TAP[,mac=MAC][,mtu=MTU]\n"
"       rump.ifconfig IFNAME destroy\n"
"       rump.ifconfig IFNAME [ADDR[/LEN]] [netmask MASK] [delete]\n"
"                     [mtu MTU] [up|down]\n"
"       rump.ifconfig --help\n"
"\n"
"Lists the interfaces of a running rump_server (all of them, or IFNAME)\n"
"with their flags, MTU, addresses and counters, as ifconfig(8) does, or\n"
"configures one: create makes virtN on a host tap, destroy removes it;\n"
"ADDR sets its address (replacing the one it had; the classful netmask\n"
"unless LEN or netmask says otherwise), delete removes it (as does\n"
"0.0.0.0), mtu sets the MTU, up and down bring it up or down.\n"
"\n"
"  -a          every interface (the default)\n"
"  -h, --help  print this help and exit\n"
"\n";

static const char example_text[] =
"\n"
"Examples:\n"
"  RUMP_SERVER=unix:///tmp/rump.sock rump.ifconfig virt1 create tap=tap1\n"
"  RUMP_SERVER=unix:///tmp/rump.sock rump.ifconfig virt1 198.18.1.2/24 up\n";

static const struct {
	int flag;
	const char *name;
} flagnames[] = {
	{ IFF_UP, "UP" }, { IFF_BROADCAST, "BROADCAST" },
	{ IFF_LOOPBACK, "LOOPBACK" }, { IFF_POINTOPOINT, "POINTOPOINT" },
	{ IFF_RUNNING, "RUNNING" }, { IFF_NOARP, "NOARP" },
	{ IFF_PROMISC, "PROMISC" }, { IFF_MULTICAST, "MULTICAST" },
};

static void
print_flags(int flags)
{
	const char *sep = "";

	printf("flags=%d<", flags);
	for (size_t i = 0; i < sizeof(flagnames) / sizeof(flagnames[0]); i++) {
		if (flags & flagnames[i].flag) {
			printf("%s%s", sep, flagnames[i].name);
			sep = ",";
		}
	}
	printf(">");
}

static void
print_if(const struct rump_ifinfo *ifi, const struct rump_inaddrinfo *a,
    size_t na)
{
	char b1[16], b2[16], b3[16];

	printf("%s: ", ifi->ifi_name);
	print_flags(ifi->ifi_flags);
	printf("  mtu %d\n", ifi->ifi_mtu);
	for (size_t i = 0; i < na; i++) {
		if (a[i].iai_ifindex != ifi->ifi_index)
			continue;
		printf("        inet %s  netmask %s", rtool_inet(a[i].iai_addr, b1),
		    rtool_inet(a[i].iai_netmask, b2));
		if (a[i].iai_broadaddr != 0)
			printf("  broadcast %s",
			    rtool_inet(a[i].iai_broadaddr, b3));
		printf("\n");
	}
	if (ifi->ifi_hwtype == 1 && ifi->ifi_hwaddrlen == 6) {
		const uint8_t *m = ifi->ifi_hwaddr;

		printf("        ether %02x:%02x:%02x:%02x:%02x:%02x"
		    "  (Ethernet)\n", m[0], m[1], m[2], m[3], m[4], m[5]);
	} else
		printf("        loop  (Local Loopback)\n");
	printf("        RX packets %" PRIu64 "  bytes %" PRIu64 "\n",
	    ifi->ifi_ipackets, ifi->ifi_ibytes);
	printf("        RX errors %" PRIu64 "  dropped %" PRIu64 "\n",
	    ifi->ifi_ierrors, ifi->ifi_drops);
	printf("        TX packets %" PRIu64 "  bytes %" PRIu64 "\n",
	    ifi->ifi_opackets, ifi->ifi_obytes);
	printf("        TX errors %" PRIu64 "\n\n", ifi->ifi_oerrors);
}

static void
list(const char *name)
{
	size_t ilen, alen;
	struct rump_ifinfo *ifi = rtool_sysctl("net.interfaces", &ilen);
	struct rump_inaddrinfo *a = rtool_sysctl("net.inet.addrs", &alen);
	bool found = false;

	for (size_t i = 0; i < ilen / sizeof(*ifi); i++) {
		if (name != NULL && strcmp(ifi[i].ifi_name, name) != 0)
			continue;
		print_if(&ifi[i], a, alen / sizeof(*a));
		found = true;
	}
	free(ifi);
	free(a);
	if (name != NULL && !found)
		rtool_fail(ENODEV, "%s", name);
}

struct ifcmd {
	const char *ifname;
	const char *create;		/* driver options */
	bool destroy, del, up, down;
	bool haveaddr, havemask;
	uint32_t addr, mask;		/* network order */
	long mtu;			/* 0: unchanged */
};

static struct ifreq
ifreq_of(const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	return ifr;
}

static void
ioctl_or_fail(int s, unsigned long req, void *arg, const char *what,
    const char *ifname)
{
	if (rump_sys_ioctl(s, req, arg) != 0)
		rtool_fail(errno, "%s %s", ifname, what);
}

static void
set_inaddr(struct ifreq *ifr, uint32_t addr)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = addr;
	memcpy(&ifr->ifr_addr, &sin, sizeof(sin));
}

static void
configure(const struct ifcmd *c)
{
	struct ifreq ifr = ifreq_of(c->ifname);
	int s = rtool_socket();

	if (c->create != NULL) {
		struct rump_ifcreate ic;

		memset(&ic, 0, sizeof(ic));
		snprintf(ic.ifc_name, sizeof(ic.ifc_name), "%s", c->ifname);
		snprintf(ic.ifc_params, sizeof(ic.ifc_params), "%s", c->create);
		ioctl_or_fail(s, RUMP_SIOCIFCREATE, &ic, "create", c->ifname);
	}
	if (c->destroy)
		ioctl_or_fail(s, RUMP_SIOCIFDESTROY, &ifr, "destroy",
		    c->ifname);
	if (c->del || c->haveaddr) {
		/* Linux removes an address by setting 0.0.0.0. */
		set_inaddr(&ifr, c->del ? 0 : c->addr);
		ioctl_or_fail(s, SIOCSIFADDR, &ifr, "address", c->ifname);
	}
	if (c->havemask) {
		set_inaddr(&ifr, c->mask);
		ioctl_or_fail(s, SIOCSIFNETMASK, &ifr, "netmask", c->ifname);
	}
	if (c->mtu != 0) {
		ifr.ifr_mtu = (int)c->mtu;
		ioctl_or_fail(s, SIOCSIFMTU, &ifr, "mtu", c->ifname);
	}
	if (c->up || c->down) {
		ioctl_or_fail(s, SIOCGIFFLAGS, &ifr, "flags", c->ifname);
		if (c->up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		ioctl_or_fail(s, SIOCSIFFLAGS, &ifr, "up/down", c->ifname);
	}
	rump_sys_close(s);
}

/* "A.B.C.D" or "A.B.C.D/LEN" into the command. */
static void
parse_addr(const char *arg, struct ifcmd *c)
{
	char buf[32];
	const char *slash = strchr(arg, '/');
	long plen;

	snprintf(buf, sizeof(buf), "%.*s", slash != NULL ?
	    (int)(slash - arg) : (int)strlen(arg), arg);
	if (rtool_parse_inet(buf, &c->addr) != 0)
		usage_error("not an address or a command: %s", arg);
	c->haveaddr = true;
	if (slash != NULL) {
		if (tool_parse_long(slash + 1, 0, 32, &plen) != 0)
			usage_error("bad prefix length: %s", arg);
		c->mask = htonl(tool_prefix_mask((int)plen));
		c->havemask = true;
	}
}

static void
parse_cmd(int argc, char *argv[], struct ifcmd *c)
{
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(w, "up") == 0)
			c->up = true;
		else if (strcmp(w, "down") == 0)
			c->down = true;
		else if (strcmp(w, "delete") == 0)
			c->del = true;
		else if (strcmp(w, "destroy") == 0)
			c->destroy = true;
		else if (strcmp(w, "create") == 0 || strcmp(w, "mtu") == 0 ||
		    strcmp(w, "netmask") == 0) {
			if (next == NULL)
				usage_error("%s needs a value", w);
			i++;
			if (w[0] == 'c')
				c->create = next;
			else if (w[0] == 'm' &&
			    tool_parse_long(next, 68, 65536, &c->mtu) != 0)
				usage_error("bad mtu: %s", next);
			else if (w[0] == 'n') {
				if (rtool_parse_inet(next, &c->mask) != 0)
					usage_error("bad netmask: %s", next);
				c->havemask = true;
			}
		} else
			parse_addr(w, c);
	}
	if (c->up && c->down)
		usage_error("up and down at once");
	if (c->haveaddr && c->del)
		usage_error("an address and delete at once");
	if (c->haveaddr && c->addr == 0) {
		c->haveaddr = false;
		c->del = true;
	}
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
	struct ifcmd cmd;
	int c;

	tool_usage_init(&u);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:ah", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage_bad_option(c, argv);
		}
	}
	memset(&cmd, 0, sizeof(cmd));
	if (optind < argc) {
		cmd.ifname = argv[optind];
		if (strlen(cmd.ifname) >= IFNAMSIZ)
			usage_error("interface name too long: %s", cmd.ifname);
		parse_cmd(argc - optind - 1, argv + optind + 1, &cmd);
	}
	rtool_connect(PROG);
	if (optind + 1 < argc)
		configure(&cmd);
	else
		list(cmd.ifname);
	rump_fini();
	return 0;
}
