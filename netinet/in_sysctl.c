/*
 * IPv4's sysctl names: forwarding and the tunables of IP, ICMP and ARP,
 * and the tables the tools read (addresses, routes, the ARP cache;
 * <rump/rump_netinfo.h>).  TCP's are in tcp_sysctl.c, the socket lists
 * in in_pcb_sysctl.c.
 */
#include "rumpkern/sysctl.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "net/route.h"
#include "netinet/if_arp.h"
#include "netinet/in_sysctl.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/ip_raw.h"
#include "netinet/ip_var.h"
#include "netinet/udp_var.h"
#include "rump/rump_netinfo.h"

CTASSERT(RTF_UP == RUMP_RTF_UP && RTF_GATEWAY == RUMP_RTF_GATEWAY &&
    RTF_HOST == RUMP_RTF_HOST && RTF_STATIC == RUMP_RTF_STATIC &&
    RTF_CONNECTED == RUMP_RTF_CONNECTED && RTF_LOCAL == RUMP_RTF_LOCAL &&
    RTF_BROADCAST == RUMP_RTF_BROADCAST && RTF_REJECT == RUMP_RTF_REJECT);
CTASSERT(ATF_COM == RUMP_ATF_COM && ATF_PERM == RUMP_ATF_PERM);

static int
in_sysctl_forwarding(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req)
{
	int v, error;

	(void)sn;
	(void)sub;
	NET_LOCK();
	v = ip_forwarding;
	NET_UNLOCK();
	if ((error = sysctl_out(req, &v, sizeof(v))) != 0 ||
	    req->sr_newp == NULL)
		return error;
	if ((error = sysctl_in(req, &v, sizeof(v))) != 0)
		return error;
	if (v != 0 && v != 1)
		return EINVAL;
	NET_LOCK();
	ip_forwarding = v;
	NET_UNLOCK();
	return 0;
}

static int
in_sysctl_addr_one(struct ifnet *ifp, void *arg)
{
	struct rump_inaddrinfo iai;
	struct ifaddr *ifa;
	int error;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
		struct in_ifaddr *ia = ifatoia(ifa);

		if (ifa->ifa_addr.ss_family != AF_INET)
			continue;
		memset(&iai, 0, sizeof(iai));
		iai.iai_ifindex = ifp->if_index;
		iai.iai_addr = ia->ia_addr.s_addr;
		iai.iai_netmask = ia->ia_netmask.s_addr;
		if (ia->ia_hasbroad)
			iai.iai_broadaddr = ia->ia_broadaddr.s_addr;
		if ((error = sysctl_out(arg, &iai, sizeof(iai))) != 0)
			return error;
	}
	return 0;
}

static int
in_sysctl_addrs(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req)
{
	int error;

	(void)sn;
	(void)sub;
	NET_LOCK();
	error = if_foreach(in_sysctl_addr_one, req);
	NET_UNLOCK();
	return error;
}

static int
in_sysctl_route_one(struct rtentry *rt, void *arg)
{
	struct rump_rtinfo rti;

	memset(&rti, 0, sizeof(rti));
	memcpy(&rti.rti_dst, rt->rt_dst, sizeof(rti.rti_dst));
	if (rt->rt_flags & RTF_GATEWAY)
		rti.rti_gateway = ((const struct sockaddr_in *)(const void *)
		    &rt->rt_gateway)->sin_addr.s_addr;
	if (rt->rt_ifa != NULL && rt->rt_ifa->ifa_addr.ss_family == AF_INET)
		rti.rti_src = ifatoia(rt->rt_ifa)->ia_addr.s_addr;
	rti.rti_flags = (uint32_t)rt->rt_flags;
	rti.rti_plen = (uint32_t)rt->rt_plen;
	rti.rti_mtu = rt->rt_mtu;
	strlcpy(rti.rti_ifname, rt->rt_ifp->if_xname, sizeof(rti.rti_ifname));
	rti.rti_use = rt->rt_use;
	return sysctl_out(arg, &rti, sizeof(rti));
}

static int
in_sysctl_routes(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req)
{
	int error;

	(void)sn;
	(void)sub;
	NET_LOCK();
	error = rt_foreach(AF_INET, in_sysctl_route_one, req);
	NET_UNLOCK();
	return error;
}

static int
in_sysctl_arp_one(const struct arp_entryinfo *ai, void *arg)
{
	struct rump_arpinfo arpi;

	memset(&arpi, 0, sizeof(arpi));
	arpi.arpi_addr = ai->ai_addr.s_addr;
	arpi.arpi_flags = (ai->ai_resolved ? ATF_COM : 0) |
	    (ai->ai_perm ? ATF_PERM : 0);
	arpi.arpi_expire_ms = ai->ai_expire_ms;
	strlcpy(arpi.arpi_ifname, ai->ai_ifp->if_xname,
	    sizeof(arpi.arpi_ifname));
	memcpy(arpi.arpi_hwaddr, ai->ai_lla, sizeof(arpi.arpi_hwaddr));
	return sysctl_out(arg, &arpi, sizeof(arpi));
}

static int
in_sysctl_arp(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req)
{
	int error;

	(void)sn;
	(void)sub;
	NET_LOCK();
	error = arp_foreach(in_sysctl_arp_one, req);
	NET_UNLOCK();
	return error;
}

#define IN_SYSCTL_TABLE(name, fn)					\
	{ .sn_name = (name), .sn_type = RUMP_SYSCTL_TABLE, .sn_handler = (fn) }
#define IN_SYSCTL_RANGE(name, var, min, max)				\
	{ .sn_name = (name), .sn_type = RUMP_SYSCTL_INT,		\
	  .sn_flags = RUMP_SYSCTL_WRITABLE, .sn_handler = sysctl_int,	\
	  .sn_data = &(var), .sn_min = (min), .sn_max = (max) }
#define IN_SYSCTL_UINT(name, var, max)	IN_SYSCTL_RANGE(name, var, 0, max)

static struct sysctl_node in_sysctl_nodes[] = {
	{ .sn_name = "net.inet.ip.forwarding", .sn_type = RUMP_SYSCTL_INT,
	  .sn_flags = RUMP_SYSCTL_WRITABLE,
	  .sn_handler = in_sysctl_forwarding },
	IN_SYSCTL_UINT("net.inet.ip.maxfragpackets", ip_maxfragpackets, 1 << 20),
	IN_SYSCTL_UINT("net.inet.ip.maxfrags", ip_maxfrags, 1 << 20),
	IN_SYSCTL_UINT("net.inet.ip.reass_timeout_ms", ip_reass_timeout,
	    3600 * 1000),
	IN_SYSCTL_UINT("net.inet.icmp.errppslimit", icmp_errppslimit, 1 << 20),
	IN_SYSCTL_RANGE("net.inet.udp.recvspace", udp_recvspace, 4096, SB_MAX),
	IN_SYSCTL_RANGE("net.inet.raw.recvspace", rip_recvspace, 4096, SB_MAX),
	IN_SYSCTL_UINT("net.inet.arp.keep_ms", arp_keep, 24 * 3600 * 1000),
	IN_SYSCTL_UINT("net.inet.arp.rexmit_ms", arp_rexmit, 3600 * 1000),
	IN_SYSCTL_UINT("net.inet.arp.maxtries", arp_maxtries, 100),
	IN_SYSCTL_TABLE("net.inet.addrs", in_sysctl_addrs),
	IN_SYSCTL_TABLE("net.inet.routes", in_sysctl_routes),
	IN_SYSCTL_TABLE("net.inet.arp.table", in_sysctl_arp),
};

void
in_sysctl_init(void)
{
	sysctl_register_array(in_sysctl_nodes, __arraycount(in_sysctl_nodes));
	tcp_sysctl_init();
	in_pcb_sysctl_init();
}

void
in_sysctl_fini(void)
{
	in_pcb_sysctl_fini();
	tcp_sysctl_fini();
	sysctl_unregister_array(in_sysctl_nodes, __arraycount(in_sysctl_nodes));
}
