/*
 * Network configuration by ioctl on AF_INET sockets, with Linux's
 * structures and errors: interfaces (struct ifreq), the address list
 * (SIOCGIFCONF), routes (struct rtentry), ARP (struct arpreq), and
 * creating interfaces (RUMP_SIOCIFCREATE).
 *
 * Tests of an Ethernet interface run on virt0 over a tap in a network
 * namespace of this process's own (unshare before the kernel boots; the
 * namespace and the tap go when the process does); without root or
 * /dev/net/tun they are skipped, saying so.  Built against sockin too,
 * where the host owns the interfaces: there every interface request
 * answers as Linux does for an interface it does not have.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apitest.h"
#include "threadstate.h"

#include <rump/rump_netinfo.h>
#include <rump/rump_sysctl.h>

#define assert_fails(call, e) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, (e));					\
} while (0)

#define VIRT	"virt0"
#define TAP	"ifiotap0"

static bool have_virt;
static const char *no_virt_why = "needs root and /dev/net/tun";

#define SKIP_WITHOUT_VIRT() do {					\
	SKIP_ON_SOCKIN("needs a rump-owned interface");			\
	if (!have_virt) {						\
		print_message("skipped: %s\n", no_virt_why);		\
		skip();							\
	}								\
} while (0)

static struct ifreq
ifreq_of(const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	return ifr;
}

static struct sockaddr
sa_in(const char *addr)
{
	struct sockaddr sa;
	struct sockaddr_in *sin = (struct sockaddr_in *)&sa;

	memset(&sa, 0, sizeof(sa));
	sin->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
	return sa;
}

static in_addr_t
ina(const char *addr)
{
	struct in_addr in;

	assert_int_equal(inet_pton(AF_INET, addr, &in), 1);
	return in.s_addr;
}

static int
inet_socket(void)
{
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	return s;
}

static void
become_nobody(void)
{
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setuid(65534), 0);
}

/* The route dst/plen from the routing table, or NULL. */
static bool
route_listed(in_addr_t dst, unsigned plen, struct rump_rtinfo *out)
{
	struct rump_rtinfo rt[256];
	size_t len = sizeof(rt);

	assert_int_equal(rump_sys_sysctl("net.inet.routes", rt, &len, NULL, 0),
	    0);
	for (size_t i = 0; i < len / sizeof(rt[0]); i++) {
		if (rt[i].rti_dst == dst && rt[i].rti_plen == plen) {
			if (out != NULL)
				*out = rt[i];
			return true;
		}
	}
	return false;
}

/* ---- interfaces ---- */

static void
unknown_interface_is_enodev(void **state)
{
	struct ifreq ifr = ifreq_of("nosuch0");
	int s = inet_socket();

	(void)state;
	assert_fails(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), ENODEV);
	assert_fails(rump_sys_ioctl(s, SIOCGIFMTU, &ifr), ENODEV);
	assert_fails(rump_sys_ioctl(s, SIOCGIFINDEX, &ifr), ENODEV);
	rump_sys_close(s);
}

static void
loopback_flags_mtu_and_index_are_read(void **state)
{
	struct ifreq ifr = ifreq_of("lo0");
	int s;

	(void)state;
	SKIP_ON_SOCKIN("needs a rump-owned interface (lo0)");
	s = inet_socket();
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	assert_int_equal(ifr.ifr_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING),
	    IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFMTU, &ifr), 0);
	assert_true(ifr.ifr_mtu > 0);
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFINDEX, &ifr), 0);
	assert_int_equal(ifr.ifr_ifindex, 1);
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFHWADDR, &ifr), 0);
	assert_int_equal(ifr.ifr_hwaddr.sa_family, ARPHRD_LOOPBACK);
	rump_sys_close(s);
}

static void
mtu_is_set_within_its_range(void **state)
{
	struct ifreq ifr = ifreq_of("lo0");
	int s, old;

	(void)state;
	SKIP_ON_SOCKIN("needs a rump-owned interface (lo0)");
	s = inet_socket();
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFMTU, &ifr), 0);
	old = ifr.ifr_mtu;
	ifr.ifr_mtu = 9000;
	assert_int_equal(rump_sys_ioctl(s, SIOCSIFMTU, &ifr), 0);
	ifr.ifr_mtu = 0;
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFMTU, &ifr), 0);
	assert_int_equal(ifr.ifr_mtu, 9000);
	ifr.ifr_mtu = 67;
	assert_fails(rump_sys_ioctl(s, SIOCSIFMTU, &ifr), EINVAL);
	ifr.ifr_mtu = old;
	assert_int_equal(rump_sys_ioctl(s, SIOCSIFMTU, &ifr), 0);
	rump_sys_close(s);
}

static void
setting_needs_root_and_is_checked_before_the_name(void **state)
{
	struct ifreq ifr = ifreq_of("lo0");
	struct rump_ifcreate ic = { .ifc_name = "virt7" };
	struct rtentry rt;
	int s = inet_socket();

	(void)state;
	become_nobody();
	ifr.ifr_mtu = 1500;
	assert_fails(rump_sys_ioctl(s, SIOCSIFMTU, &ifr), EPERM);
	assert_fails(rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr), EPERM);
	ifr = ifreq_of("nosuch0");
	ifr.ifr_addr = sa_in("198.18.9.1");
	assert_fails(rump_sys_ioctl(s, SIOCSIFADDR, &ifr), EPERM);
	assert_fails(rump_sys_ioctl(s, RUMP_SIOCIFCREATE, &ic), EPERM);
	memset(&rt, 0, sizeof(rt));
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), EPERM);
	/* Reading stays allowed. */
	ifr = ifreq_of("nosuch0");
	assert_fails(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), ENODEV);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	rump_sys_close(s);
}

static void
ifconf_lists_one_entry_per_address(void **state)
{
	struct ifreq buf[16];
	struct ifconf ifc = { .ifc_len = 0, .ifc_buf = NULL };
	struct sockaddr_in *sin;
	int s;

	(void)state;
	SKIP_ON_SOCKIN("needs a rump-owned interface (lo0)");
	s = inet_socket();
	/* A NULL buffer asks for the length. */
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFCONF, &ifc), 0);
	assert_true(ifc.ifc_len >= (int)sizeof(struct ifreq));
	assert_int_equal(ifc.ifc_len % sizeof(struct ifreq), 0);
	ifc.ifc_len = sizeof(buf);
	ifc.ifc_req = buf;
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFCONF, &ifc), 0);
	assert_string_equal(buf[0].ifr_name, "lo0");
	sin = (struct sockaddr_in *)&buf[0].ifr_addr;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	/* A buffer too short for one entry gets none. */
	ifc.ifc_len = sizeof(struct ifreq) - 1;
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFCONF, &ifc), 0);
	assert_int_equal(ifc.ifc_len, 0);
	rump_sys_close(s);
}

/* ---- routes ---- */

static struct rtentry
rtentry_of(const char *dst, const char *mask, const char *gw, char *dev)
{
	struct rtentry rt;

	memset(&rt, 0, sizeof(rt));
	rt.rt_dst = sa_in(dst);
	rt.rt_genmask = sa_in(mask);
	rt.rt_flags = RTF_UP;
	if (gw != NULL) {
		rt.rt_gateway = sa_in(gw);
		rt.rt_flags |= RTF_GATEWAY;
	}
	rt.rt_dev = dev;
	return rt;
}

static void
a_route_is_added_and_deleted(void **state)
{
	struct rtentry rt = rtentry_of("198.18.200.0", "255.255.255.0", NULL,
	    "lo0");
	struct rump_rtinfo rti;
	int s;

	(void)state;
	SKIP_ON_SOCKIN("routes are the rump stack's");
	s = inet_socket();
	assert_int_equal(rump_sys_ioctl(s, SIOCADDRT, &rt), 0);
	assert_true(route_listed(ina("198.18.200.0"), 24, &rti));
	assert_string_equal(rti.rti_ifname, "lo0");
	assert_true(rti.rti_flags & RUMP_RTF_STATIC);
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), EEXIST);
	assert_int_equal(rump_sys_ioctl(s, SIOCDELRT, &rt), 0);
	assert_false(route_listed(ina("198.18.200.0"), 24, NULL));
	assert_fails(rump_sys_ioctl(s, SIOCDELRT, &rt), ESRCH);
	rump_sys_close(s);
}

static void
a_host_route_with_a_gateway_uses_its_interface(void **state)
{
	struct rtentry rt = rtentry_of("198.18.201.7", "0.0.0.0", "127.0.0.2",
	    NULL);
	struct rump_rtinfo rti;
	int s;

	(void)state;
	SKIP_ON_SOCKIN("routes are the rump stack's");
	s = inet_socket();
	rt.rt_flags |= RTF_HOST;
	assert_int_equal(rump_sys_ioctl(s, SIOCADDRT, &rt), 0);
	assert_true(route_listed(ina("198.18.201.7"), 32, &rti));
	assert_true(rti.rti_flags & RUMP_RTF_GATEWAY);
	assert_int_equal(rti.rti_gateway, ina("127.0.0.2"));
	assert_string_equal(rti.rti_ifname, "lo0");
	assert_int_equal(rump_sys_ioctl(s, SIOCDELRT, &rt), 0);
	rump_sys_close(s);
}

static void
reject_and_mtu_routes_are_added(void **state)
{
	struct rtentry rt = rtentry_of("198.18.202.0", "255.255.255.0", NULL,
	    NULL);
	struct rump_rtinfo rti;
	int s;

	(void)state;
	SKIP_ON_SOCKIN("routes are the rump stack's");
	s = inet_socket();
	rt.rt_flags |= RTF_REJECT;
	assert_int_equal(rump_sys_ioctl(s, SIOCADDRT, &rt), 0);
	assert_true(route_listed(ina("198.18.202.0"), 24, &rti));
	assert_true(rti.rti_flags & RUMP_RTF_REJECT);
	assert_int_equal(rump_sys_ioctl(s, SIOCDELRT, &rt), 0);
	rt = rtentry_of("198.18.203.0", "255.255.255.0", NULL, "lo0");
	rt.rt_flags |= RTF_MTU;
	rt.rt_mtu = 1280;
	assert_int_equal(rump_sys_ioctl(s, SIOCADDRT, &rt), 0);
	assert_true(route_listed(ina("198.18.203.0"), 24, &rti));
	assert_int_equal(rti.rti_mtu, 1280);
	assert_int_equal(rump_sys_ioctl(s, SIOCDELRT, &rt), 0);
	rt.rt_mtu = 67;
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), EINVAL);
	rump_sys_close(s);
}

static void
bad_routes_get_linuxs_errors(void **state)
{
	struct rtentry rt;
	int s;

	(void)state;
	SKIP_ON_SOCKIN("routes are the rump stack's");
	s = inet_socket();
	rt = rtentry_of("198.18.200.0", "255.255.0.255", NULL, "lo0");
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), EINVAL);
	rt = rtentry_of("198.18.200.1", "255.255.255.0", NULL, "lo0");
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), EINVAL);
	rt = rtentry_of("198.18.200.0", "255.255.255.0", NULL, "nosuch0");
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), ENODEV);
	rt = rtentry_of("198.18.200.0", "255.255.255.0", NULL, "lo0");
	rt.rt_dst.sa_family = AF_INET6;
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), EAFNOSUPPORT);
	rt = rtentry_of("198.18.200.0", "255.255.255.0", NULL, NULL);
	rt.rt_flags |= RTF_GATEWAY;
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), EINVAL);
	rt = rtentry_of("198.18.200.0", "255.255.255.0", "198.19.0.1", NULL);
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), ENETUNREACH);
	rt = rtentry_of("198.18.200.0", "255.255.255.0", NULL, "lo0");
	rt.rt_genmask.sa_family = AF_INET6;
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), EAFNOSUPPORT);
	rt = rtentry_of("198.18.200.0", "255.255.255.0", NULL,
	    "aname-longer-than-ifnamsiz");
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), ENODEV);
	rump_sys_close(s);
}

/* ---- an Ethernet interface ---- */

static void
creating_an_existing_interface_is_eexist(void **state)
{
	struct rump_ifcreate ic = { .ifc_name = VIRT, .ifc_params = "tap=" TAP };
	int s;

	(void)state;
	SKIP_WITHOUT_VIRT();
	s = inet_socket();
	assert_fails(rump_sys_ioctl(s, RUMP_SIOCIFCREATE, &ic), EEXIST);
	strcpy(ic.ifc_name, "nosuch0");
	assert_fails(rump_sys_ioctl(s, RUMP_SIOCIFCREATE, &ic), ENXIO);
	rump_sys_close(s);
}

static void
an_interface_is_created_and_destroyed_by_ioctl(void **state)
{
	struct rump_ifcreate ic = { .ifc_name = "virt1",
	    .ifc_params = "tap=ifiotap1,mtu=1400" };
	struct ifreq ifr = ifreq_of("virt1");
	int s;

	(void)state;
	SKIP_WITHOUT_VIRT();
	s = inet_socket();
	assert_int_equal(rump_sys_ioctl(s, RUMP_SIOCIFCREATE, &ic), 0);
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFMTU, &ifr), 0);
	assert_int_equal(ifr.ifr_mtu, 1400);
	assert_int_equal(rump_sys_ioctl(s, RUMP_SIOCIFDESTROY, &ifr), 0);
	assert_fails(rump_sys_ioctl(s, SIOCGIFMTU, &ifr), ENODEV);
	assert_fails(rump_sys_ioctl(s, RUMP_SIOCIFDESTROY, &ifr), ENODEV);
	rump_sys_close(s);
}

static void
an_address_brings_its_subnet_route_and_zero_removes_both(void **state)
{
	struct ifreq ifr = ifreq_of(VIRT);
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int s;

	(void)state;
	SKIP_WITHOUT_VIRT();
	s = inet_socket();
	ifr.ifr_addr = sa_in("198.18.7.2");
	assert_int_equal(rump_sys_ioctl(s, SIOCSIFADDR, &ifr), 0);
	ifr.ifr_netmask = sa_in("255.255.255.0");
	assert_int_equal(rump_sys_ioctl(s, SIOCSIFNETMASK, &ifr), 0);
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFADDR, &ifr), 0);
	assert_int_equal(sin->sin_addr.s_addr, ina("198.18.7.2"));
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFNETMASK, &ifr), 0);
	assert_int_equal(sin->sin_addr.s_addr, ina("255.255.255.0"));
	assert_true(route_listed(ina("198.18.7.0"), 24, NULL));
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	assert_true(ifr.ifr_flags & IFF_UP);

	ifr.ifr_addr = sa_in("0.0.0.0");
	assert_int_equal(rump_sys_ioctl(s, SIOCSIFADDR, &ifr), 0);
	assert_fails(rump_sys_ioctl(s, SIOCGIFADDR, &ifr), EADDRNOTAVAIL);
	assert_false(route_listed(ina("198.18.7.0"), 24, NULL));
	assert_false(route_listed(ina("198.18.7.2"), 32, NULL));
	rump_sys_close(s);
}

static void
an_interface_goes_down_and_up_by_its_flags(void **state)
{
	struct ifreq ifr = ifreq_of(VIRT);
	int s;

	(void)state;
	SKIP_WITHOUT_VIRT();
	s = inet_socket();
	ifr.ifr_flags = IFF_UP;
	assert_int_equal(rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	assert_int_equal(ifr.ifr_flags & (IFF_UP | IFF_RUNNING),
	    IFF_UP | IFF_RUNNING);
	ifr.ifr_flags = 0;
	assert_int_equal(rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	assert_int_equal(ifr.ifr_flags & (IFF_UP | IFF_RUNNING), 0);
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFHWADDR, &ifr), 0);
	assert_int_equal(ifr.ifr_hwaddr.sa_family, ARPHRD_ETHER);
	rump_sys_close(s);
}

static struct arpreq
arpreq_of(const char *addr, const char *dev)
{
	static const unsigned char mac[6] = { 0x02, 0, 0, 0, 0x12, 0x34 };
	struct arpreq ar;

	memset(&ar, 0, sizeof(ar));
	ar.arp_pa = sa_in(addr);
	ar.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(ar.arp_ha.sa_data, mac, sizeof(mac));
	if (dev != NULL)
		strcpy(ar.arp_dev, dev);
	return ar;
}

static void
arp_entries_are_set_read_listed_and_deleted(void **state)
{
	struct ifreq ifr = ifreq_of(VIRT);
	struct arpreq ar = arpreq_of("198.18.8.9", NULL);
	struct rump_arpinfo ai[16];
	size_t len = sizeof(ai);
	int s;

	(void)state;
	SKIP_WITHOUT_VIRT();
	s = inet_socket();
	ifr.ifr_addr = sa_in("198.18.8.2");
	assert_int_equal(rump_sys_ioctl(s, SIOCSIFADDR, &ifr), 0);
	/* Without a device, the route to the address says which. */
	ar.arp_flags = ATF_PERM;
	assert_int_equal(rump_sys_ioctl(s, SIOCSARP, &ar), 0);
	ar = arpreq_of("198.18.8.9", VIRT);
	memset(ar.arp_ha.sa_data, 0, sizeof(ar.arp_ha.sa_data));
	assert_int_equal(rump_sys_ioctl(s, SIOCGARP, &ar), 0);
	assert_int_equal(ar.arp_flags, ATF_COM | ATF_PERM);
	assert_int_equal((unsigned char)ar.arp_ha.sa_data[5], 0x34);
	assert_int_equal(rump_sys_sysctl("net.inet.arp.table", ai, &len, NULL,
	    0), 0);
	assert_int_equal(len, sizeof(ai[0]));
	assert_int_equal(ai[0].arpi_addr, ina("198.18.8.9"));
	assert_int_equal(ai[0].arpi_flags, RUMP_ATF_COM | RUMP_ATF_PERM);
	assert_string_equal(ai[0].arpi_ifname, VIRT);
	assert_int_equal(rump_sys_ioctl(s, SIOCDARP, &ar), 0);
	assert_fails(rump_sys_ioctl(s, SIOCGARP, &ar), ENXIO);
	/* Without ATF_PERM, an entry that expires like a learnt one. */
	ar = arpreq_of("198.18.8.9", VIRT);
	ar.arp_flags = ATF_COM;
	assert_int_equal(rump_sys_ioctl(s, SIOCSARP, &ar), 0);
	assert_int_equal(rump_sys_ioctl(s, SIOCGARP, &ar), 0);
	assert_int_equal(ar.arp_flags, ATF_COM);
	assert_int_equal(rump_sys_ioctl(s, SIOCDARP, &ar), 0);
	assert_fails(rump_sys_ioctl(s, SIOCDARP, &ar), ENXIO);
	ifr.ifr_addr = sa_in("0.0.0.0");
	assert_int_equal(rump_sys_ioctl(s, SIOCSIFADDR, &ifr), 0);
	rump_sys_close(s);
}

static void
bad_arp_requests_get_linuxs_errors(void **state)
{
	struct arpreq ar;
	int s;

	(void)state;
	SKIP_WITHOUT_VIRT();
	s = inet_socket();
	ar = arpreq_of("198.18.8.9", NULL);
	assert_fails(rump_sys_ioctl(s, SIOCGARP, &ar), ENODEV);
	ar = arpreq_of("198.18.8.9", "nosuch0");
	assert_fails(rump_sys_ioctl(s, SIOCSARP, &ar), ENODEV);
	ar = arpreq_of("198.18.8.9", VIRT);
	ar.arp_pa.sa_family = AF_INET6;
	assert_fails(rump_sys_ioctl(s, SIOCSARP, &ar), EPFNOSUPPORT);
	ar = arpreq_of("198.18.8.9", "lo0");
	assert_fails(rump_sys_ioctl(s, SIOCSARP, &ar), EINVAL);
	ar = arpreq_of("198.19.99.9", NULL);
	assert_fails(rump_sys_ioctl(s, SIOCSARP, &ar), ENETUNREACH);
	ar = arpreq_of("198.18.8.9", VIRT);
	ar.arp_ha.sa_family = ARPHRD_LOOPBACK;
	assert_fails(rump_sys_ioctl(s, SIOCSARP, &ar), EINVAL);
	ar = arpreq_of("198.18.8.9", VIRT);
	ar.arp_flags = ATF_PUBL;
	assert_fails(rump_sys_ioctl(s, SIOCSARP, &ar), EOPNOTSUPP);
	rump_sys_close(s);
}

/* ---- sockin ---- */

static void
on_sockin_interface_requests_find_no_interface(void **state)
{
	struct ifreq ifr = ifreq_of("lo0");
	struct ifconf ifc = { .ifc_len = 0, .ifc_buf = NULL };
	struct rtentry rt = rtentry_of("198.18.200.0", "255.255.255.0", NULL,
	    "lo0");
	struct arpreq ar = arpreq_of("198.18.8.9", "lo0");
	int s, n = -1;

	(void)state;
#ifndef RUMP_TEST_SOCKIN
	print_message("skipped: sockin only\n");
	skip();
#endif
	s = inet_socket();
	assert_fails(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), ENODEV);
	assert_int_equal(rump_sys_ioctl(s, SIOCGIFCONF, &ifc), 0);
	assert_int_equal(ifc.ifc_len, 0);
	assert_fails(rump_sys_ioctl(s, SIOCADDRT, &rt), ENODEV);
	assert_fails(rump_sys_ioctl(s, SIOCGARP, &ar), ENODEV);
	assert_int_equal(rump_sys_ioctl(s, FIONREAD, &n), 0);
	assert_int_equal(n, 0);
	rump_sys_close(s);
}

/* ---- set-up ---- */


static int
boot_with_virt(void **state)
{
	struct rump_ifcreate ic = { .ifc_name = VIRT, .ifc_params = "tap=" TAP };
	int error, s;

	if ((error = apitest_boot(state)) != 0)
		return error;
#ifndef RUMP_TEST_SOCKIN
	if (!have_virt)
		return 0;
	s = inet_socket();
	if (rump_sys_ioctl(s, RUMP_SIOCIFCREATE, &ic) != 0) {
		no_virt_why = "virt0 could not be created on a tap";
		have_virt = false;
	}
	rump_sys_close(s);
	wait_other_threads_asleep();
#else
	(void)ic;
	(void)s;
#endif
	return 0;
}

static int
halt_with_virt(void **state)
{
	struct ifreq ifr = ifreq_of(VIRT);
	int s;

	if (have_virt) {
		s = inet_socket();
		assert_int_equal(rump_sys_ioctl(s, RUMP_SIOCIFDESTROY, &ifr), 0);
		rump_sys_close(s);
	}
	return apitest_halt(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(unknown_interface_is_enodev),
		leak_test(loopback_flags_mtu_and_index_are_read),
		leak_test(mtu_is_set_within_its_range),
		leak_test(setting_needs_root_and_is_checked_before_the_name),
		leak_test(ifconf_lists_one_entry_per_address),
		leak_test(a_route_is_added_and_deleted),
		leak_test(a_host_route_with_a_gateway_uses_its_interface),
		leak_test(reject_and_mtu_routes_are_added),
		leak_test(bad_routes_get_linuxs_errors),
		leak_test(creating_an_existing_interface_is_eexist),
		leak_test(an_interface_is_created_and_destroyed_by_ioctl),
		leak_test(an_address_brings_its_subnet_route_and_zero_removes_both),
		leak_test(an_interface_goes_down_and_up_by_its_flags),
		leak_test(arp_entries_are_set_read_listed_and_deleted),
		leak_test(bad_arp_requests_get_linuxs_errors),
		leak_test(on_sockin_interface_requests_find_no_interface),
	};

	/* A namespace of our own, before the kernel's threads exist. */
#ifndef RUMP_TEST_SOCKIN
	have_virt = geteuid() == 0 && access("/dev/net/tun", R_OK | W_OK) == 0 &&
	    unshare(CLONE_NEWNET) == 0;
#endif
	return cmocka_run_group_tests(tests, boot_with_virt, halt_with_virt);
}
