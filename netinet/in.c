/*
 * IPv4 addresses of interfaces.  Each address brings two routes: its
 * connected subnet through the interface, and a local host route through
 * lo0 so that packets to our own addresses loop back.
 */
#include "rumpkern/kmem.h"
#include "rumpnet/if.h"
#include "rumpnet/netlock.h"
#include "net/route.h"
#include "netinet/if_arp.h"
#include "netinet/in_var.h"

KMEM_DEFINE(M_IFADDR, "in_ifaddr");

struct in_addr
in_plen2mask(int plen)
{
	struct in_addr mask;

	mask.s_addr = plen == 0 ? 0 : htonl(0xffffffffu << (32 - plen));
	return mask;
}

void
sockaddr_in_init(struct sockaddr_in *sin, struct in_addr addr, in_port_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr = addr;
	sin->sin_port = port;
}

static void
in_ifaddr_free(struct ifaddr *ifa)
{
	kmem_free(&M_IFADDR, ifatoia(ifa), sizeof(struct in_ifaddr));
}

struct in_ifaddr *
in_ifaddr_first(struct ifnet *ifp)
{
	struct ifaddr *ifa;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list)
		if (ifa->ifa_addr.ss_family == AF_INET)
			return ifatoia(ifa);
	return NULL;
}

struct in_addr
in_thishost(struct in_addr dst, struct in_addr src)
{
	if (dst.s_addr != INADDR_ANY)
		return dst;
	if (src.s_addr != INADDR_ANY)
		return src;
	return (struct in_addr){ htonl(INADDR_LOOPBACK) };
}

int
in_selectsrc_rc(struct in_addr dst, struct rtcache *rc, struct in_addr *src)
{
	struct sockaddr_in sin;
	struct rtentry *rt;

	sockaddr_in_init(&sin, dst, 0);
	rt = rtcache_lookup(rc, (struct sockaddr *)&sin);
	if (rt == NULL)
		return ENETUNREACH;
	/* Every route has an address (rt_add), never 0.0.0.0 (in_addr_add). */
	if (rt->rt_flags & RTF_LOCAL)
		*src = dst;
	else
		*src = ifatoia(rt->rt_ifa)->ia_addr;
	rt_rele(rt);
	return 0;
}

/* The two routes an address brings; the subnet one may exist already. */
static int
in_addroutes(struct ifnet *ifp, struct in_ifaddr *ia)
{
	struct sockaddr_in net, host;
	struct rt_addinfo info;
	int error;

	sockaddr_in_init(&net, (struct in_addr){ ia->ia_addr.s_addr &
	    ia->ia_netmask.s_addr }, 0);
	memset(&info, 0, sizeof(info));
	info.dst = (struct sockaddr *)&net;
	info.plen = ia->ia_plen;
	info.ifp = ifp;
	info.ifa = &ia->ia_ifa;
	info.flags = RTF_CONNECTED;
	error = rt_add(&info, NULL);
	if (error != 0 && error != EEXIST)
		return error;
	if (ifp->if_flags & IFF_LOOPBACK)
		return 0;
	sockaddr_in_init(&host, ia->ia_addr, 0);
	info.dst = (struct sockaddr *)&host;
	info.plen = 32;
	info.ifp = lo0ifp;
	info.flags = RTF_LOCAL;
	error = rt_add(&info, NULL);
	return error == EEXIST ? 0 : error;
}

int
in_addr_add(struct ifnet *ifp, struct in_addr addr, int plen)
{
	struct in_ifaddr *ia;
	struct sockaddr_in *sin;
	uint32_t haddr = ntohl(addr.s_addr);
	bool was_up = (ifp->if_flags & IFF_UP) != 0;
	int error;

	NET_ASSERT_LOCKED();
	if (plen < 0 || plen > 32 || haddr == 0 || IN_MULTICAST(haddr) ||
	    IN_EXPERIMENTAL(haddr))
		return EINVAL;
	if (in_ifaddr_byaddr(addr) != NULL)
		return EEXIST;
	ia = kmem_zalloc(&M_IFADDR, sizeof(*ia), KM_SLEEP);
	ia->ia_addr = addr;
	ia->ia_plen = plen;
	ia->ia_netmask = in_plen2mask(plen);
	ia->ia_broadaddr.s_addr = addr.s_addr | ~ia->ia_netmask.s_addr;
	sin = (struct sockaddr_in *)&ia->ia_ifa.ifa_addr;
	sockaddr_in_init(sin, addr, 0);
	sockaddr_in_init((struct sockaddr_in *)&ia->ia_ifa.ifa_netmask,
	    ia->ia_netmask, 0);
	sockaddr_in_init((struct sockaddr_in *)&ia->ia_ifa.ifa_broadaddr,
	    ia->ia_broadaddr, 0);
	ia->ia_ifa.ifa_free = in_ifaddr_free;
	ifa_insert(ifp, &ia->ia_ifa);
	in_addrhash_insert(ia);
	if ((error = if_setflags(ifp, ifp->if_flags | IFF_UP)) != 0 ||
	    (error = in_addroutes(ifp, ia)) != 0) {
		in_addr_delete(ifp, addr);
		return error;
	}
	/* Bringing the interface up announced every address already. */
	if (was_up && ifp->if_type == IFT_ETHER)
		arp_announce(ifp, addr);
	return 0;
}

static void
in_ifaddr_remove(struct ifnet *ifp, struct in_ifaddr *ia)
{
	rt_purge_ifa(&ia->ia_ifa);
	in_addrhash_remove(ia);
	ifa_remove(ifp, &ia->ia_ifa);
}

int
in_addr_delete(struct ifnet *ifp, struct in_addr addr)
{
	struct in_ifaddr *ia = in_ifaddr_byaddr(addr);

	NET_ASSERT_LOCKED();
	if (ia == NULL || ia->ia_ifa.ifa_ifp != ifp)
		return EADDRNOTAVAIL;
	in_ifaddr_remove(ifp, ia);
	return 0;
}

void
in_ifdetach(struct ifnet *ifp)
{
	struct in_ifaddr *ia;

	NET_ASSERT_LOCKED();
	while ((ia = in_ifaddr_first(ifp)) != NULL)
		in_ifaddr_remove(ifp, ia);
}

/* ---- text forms ---- */

static const char *
inet_parse_quad(const char *s, uint32_t *haddr)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		uint32_t octet = 0;
		int digits = 0;

		for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
			octet = octet * 10 + (uint32_t)(*s - '0');
		if (digits == 0 || digits > 3 || octet > 255)
			return NULL;
		v = v << 8 | octet;
		if (i < 3 && *s++ != '.')
			return NULL;
	}
	*haddr = v;
	return s;
}

int
inet_aton_k(const char *s, struct in_addr *addr)
{
	uint32_t haddr;
	const char *end = inet_parse_quad(s, &haddr);

	if (end == NULL || *end != '\0')
		return EINVAL;
	addr->s_addr = htonl(haddr);
	return 0;
}

int
inet_cidr_k(const char *s, struct in_addr *addr, int *plen)
{
	uint32_t haddr;
	uint64_t len;
	const char *end = inet_parse_quad(s, &haddr);

	if (end == NULL || *end != '/' || kstrtou64(end + 1, 10, &len) != 0 ||
	    len > 32)
		return EINVAL;
	addr->s_addr = htonl(haddr);
	*plen = (int)len;
	return 0;
}
