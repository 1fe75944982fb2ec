/* The public configuration calls of IPv4 (rump_netconfig_ipv4_*). */
#include "rumpnet/if.h"
#include "rumpnet/netlock.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "rumpnet_netinet_if_priv.h"

struct in_prefix {
	struct in_addr addr;
	int plen;
};

static int
in_netconfig_add(struct ifnet *ifp, const void *arg)
{
	const struct in_prefix *p = arg;

	return in_addr_add(ifp, p->addr, p->plen);
}

static int
in_netconfig_del(struct ifnet *ifp, const void *arg)
{
	return in_addr_delete(ifp, *(const struct in_addr *)arg);
}

int
rumppriv_netconfig_ipv4_ifaddr(const char *ifname, const char *cidr)
{
	struct in_prefix p;

	if (cidr == NULL || inet_cidr_k(cidr, &p.addr, &p.plen) != 0)
		return EINVAL;
	return if_call_byname(ifname, in_netconfig_add, &p);
}

int
rumppriv_netconfig_ipv4_ifaddr_del(const char *ifname, const char *addrstr)
{
	struct in_addr addr;

	if (addrstr == NULL || inet_aton_k(addrstr, &addr) != 0)
		return EINVAL;
	return if_call_byname(ifname, in_netconfig_del, &addr);
}

/* "default" or "a.b.c.d/len" into a destination and prefix length. */
static int
in_parse_dst(const char *dst, struct sockaddr_in *sin, int *plen)
{
	struct in_addr addr = { INADDR_ANY };

	*plen = 0;
	if (strcmp(dst, "default") != 0 && inet_cidr_k(dst, &addr, plen) != 0) {
		if (inet_aton_k(dst, &addr) != 0)
			return EINVAL;
		*plen = 32;
	}
	if ((addr.s_addr & ~in_plen2mask(*plen).s_addr) != 0)
		return EINVAL;
	sockaddr_in_init(sin, addr, 0);
	return 0;
}

int
rumppriv_netconfig_ipv4_route_add(const char *dst, const char *gw,
    const char *ifname)
{
	struct sockaddr_in dsin, gsin;
	struct rt_addinfo info;
	struct ifnet *ifp = NULL;
	int error;

	memset(&info, 0, sizeof(info));
	if (dst == NULL || (gw == NULL && ifname == NULL) ||
	    in_parse_dst(dst, &dsin, &info.plen) != 0)
		return EINVAL;
	info.dst = (struct sockaddr *)&dsin;
	info.flags = RTF_STATIC;
	if (gw != NULL) {
		struct in_addr gaddr;

		if (inet_aton_k(gw, &gaddr) != 0)
			return EINVAL;
		sockaddr_in_init(&gsin, gaddr, 0);
		info.gateway = (struct sockaddr *)&gsin;
	}
	NET_LOCK();
	if (ifname != NULL && (ifp = if_find_byname(ifname)) == NULL) {
		NET_UNLOCK();
		return ENXIO;
	}
	info.ifp = ifp;
	error = rt_add(&info, NULL);
	if (ifp != NULL)
		if_rele(ifp);
	NET_UNLOCK();
	return error;
}

int
rumppriv_netconfig_ipv4_route_del(const char *dst)
{
	struct sockaddr_in dsin;
	int plen, error;

	if (dst == NULL || in_parse_dst(dst, &dsin, &plen) != 0)
		return EINVAL;
	NET_LOCK();
	error = rt_delete(AF_INET, (struct sockaddr *)&dsin, plen);
	NET_UNLOCK();
	return error;
}

int
rumppriv_netconfig_ipv4_forwarding(int on)
{
	NET_LOCK();
	ip_forwarding = on != 0;
	NET_UNLOCK();
	return 0;
}
