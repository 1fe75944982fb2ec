/*
 * The AF_INET family's own socket requests (dom_ioctl): routes
 * (SIOCADDRT, SIOCDELRT, with Linux's struct rtentry, as route(8) makes
 * them) here, ARP in arp_ioctl.c.  The errors are Linux's
 * (net/ipv4/fib_frontend.c, rtentry_to_fib_config): EAFNOSUPPORT for a
 * destination or netmask of another family, EINVAL for a netmask that is
 * not contiguous or leaves destination bits outside it, or RTF_GATEWAY
 * without a gateway; ENODEV for an unknown rt_dev; EEXIST, ESRCH.
 */
#include "rumpkern/uio.h"
#include "rumpnet/netlock.h"
#include "net/route.h"
#include "netinet/in_var.h"

int in_ioctl(unsigned long cmd, void *data);
int arp_ioctl(unsigned long cmd, struct arpreq *ar);

static struct in_addr
in_rt_sinaddr(const struct sockaddr *sa)
{
	return ((const struct sockaddr_in *)(const void *)sa)->sin_addr;
}

/* The prefix length of the request; <0 with the error negated. */
static int
in_rt_plen(const struct linux_rtentry *rt, struct in_addr dst)
{
	struct in_addr mask = in_rt_sinaddr(&rt->rt_genmask);
	uint32_t h = ntohl(mask.s_addr);
	int plen = 0;

	if (rt->rt_flags & LINUX_RTF_HOST)
		return 32;
	if (rt->rt_genmask.sa_family != AF_INET &&
	    (mask.s_addr != 0 || rt->rt_genmask.sa_family != AF_UNSPEC))
		return -EAFNOSUPPORT;
	while (h & 0x80000000u) {
		plen++;
		h <<= 1;
	}
	if (h != 0 || (dst.s_addr & ~mask.s_addr) != 0)
		return -EINVAL;
	return plen;
}

/* The interface rt_dev names, held, or NULL for none named. */
static int
in_rt_dev(const struct linux_rtentry *rt, struct ifnet **ifpp)
{
	char name[IFNAMSIZ];
	size_t done;
	int error;

	*ifpp = NULL;
	if (rt->rt_dev == NULL)
		return 0;
	error = copyinstr(rt->rt_dev, name, sizeof(name), &done);
	if (error != 0)
		return error == ENAMETOOLONG ? ENODEV : error;
	NET_LOCK();
	*ifpp = if_find_byname(name);
	NET_UNLOCK();
	return *ifpp == NULL ? ENODEV : 0;
}

static int
in_rt_add(const struct linux_rtentry *rt, struct sockaddr_in *dst, int plen,
    struct ifnet *ifp)
{
	struct sockaddr_in gw;
	struct rt_addinfo info;

	memset(&info, 0, sizeof(info));
	info.dst = (struct sockaddr *)dst;
	info.plen = plen;
	info.ifp = ifp;
	info.flags = RTF_STATIC;
	if (rt->rt_gateway.sa_family == AF_INET &&
	    in_rt_sinaddr(&rt->rt_gateway).s_addr != INADDR_ANY) {
		sockaddr_in_init(&gw, in_rt_sinaddr(&rt->rt_gateway), 0);
		info.gateway = (struct sockaddr *)&gw;
	} else if (rt->rt_flags & LINUX_RTF_GATEWAY)
		return EINVAL;
	if (rt->rt_flags & LINUX_RTF_REJECT) {
		info.flags |= RTF_REJECT;
		if (info.ifp == NULL)
			info.ifp = lo0ifp;
	}
	if (rt->rt_flags & LINUX_RTF_MTU) {
		if (rt->rt_mtu < 68 || rt->rt_mtu > 65536)
			return EINVAL;
		info.mtu = (int)rt->rt_mtu;
	}
	return rt_add(&info, NULL);
}

static int
in_rtioctl(unsigned long cmd, const struct linux_rtentry *rt)
{
	struct sockaddr_in dst;
	struct ifnet *ifp;
	int plen, error;

	if (rt->rt_dst.sa_family != AF_INET)
		return EAFNOSUPPORT;
	sockaddr_in_init(&dst, in_rt_sinaddr(&rt->rt_dst), 0);
	if ((plen = in_rt_plen(rt, dst.sin_addr)) < 0)
		return -plen;
	if ((error = in_rt_dev(rt, &ifp)) != 0)
		return error;
	NET_LOCK();
	if (cmd == SIOCADDRT)
		error = in_rt_add(rt, &dst, plen, ifp);
	else
		error = rt_delete(AF_INET, (struct sockaddr *)&dst, plen);
	if (ifp != NULL)
		if_rele(ifp);
	NET_UNLOCK();
	return error;
}

int
in_ioctl(unsigned long cmd, void *data)
{
	switch (cmd) {
	case SIOCADDRT:
	case SIOCDELRT:
		return in_rtioctl(cmd, data);
	case SIOCSARP:
	case SIOCGARP:
	case SIOCDARP:
		return arp_ioctl(cmd, data);
	default:
		return ENOTTY;
	}
}
