/*
 * ARP requests on AF_INET sockets (SIOCSARP, SIOCGARP, SIOCDARP) with
 * Linux's struct arpreq and errors (net/ipv4/arp.c, arp_ioctl): the
 * protocol address must be AF_INET (EPFNOSUPPORT); a named device that
 * does not exist is ENODEV; without one, SIOCGARP is ENODEV and the
 * others take the interface of the route to the address (ENETUNREACH);
 * an interface that is not Ethernet, or a hardware address of another
 * type, is EINVAL; a missing entry is ENXIO.  ATF_PERM makes an entry
 * that never expires; proxy ARP (ATF_PUBL) is not supported (EOPNOTSUPP).
 */
#include "rumpnet/netlock.h"
#include "net/route.h"
#include "netinet/if_arp.h"
#include "netinet/in_var.h"

int arp_ioctl(unsigned long cmd, struct arpreq *ar);

/* The interface of the request, held. */
static int
arp_ioctl_ifp(unsigned long cmd, struct arpreq *ar, struct in_addr addr,
    struct ifnet **ifpp)
{
	struct sockaddr_in sin;
	struct rtentry *rt;

	ar->arp_dev[IFNAMSIZ - 1] = '\0';
	if (ar->arp_dev[0] != '\0') {
		*ifpp = if_find_byname(ar->arp_dev);
		return *ifpp == NULL ? ENODEV : 0;
	}
	if (cmd == SIOCGARP)
		return ENODEV;
	sockaddr_in_init(&sin, addr, 0);
	if ((rt = rt_lookup((struct sockaddr *)&sin)) == NULL)
		return ENETUNREACH;
	*ifpp = rt->rt_ifp;
	if_ref(*ifpp);
	rt_rele(rt);
	return 0;
}

static int
arp_ioctl_get(struct ifnet *ifp, struct in_addr addr, struct arpreq *ar)
{
	struct arp_entryinfo ai;
	int error;

	if ((error = arp_get(ifp, addr, &ai)) != 0)
		return error;
	memset(&ar->arp_ha, 0, sizeof(ar->arp_ha));
	ar->arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(ar->arp_ha.sa_data, ai.ai_lla, ETHER_ADDR_LEN);
	ar->arp_flags = (ai.ai_resolved ? ATF_COM : 0) |
	    (ai.ai_perm ? ATF_PERM : 0);
	return 0;
}

static int
arp_ioctl_locked(unsigned long cmd, struct arpreq *ar, struct in_addr addr)
{
	struct ifnet *ifp;
	int error;

	NET_ASSERT_LOCKED();
	if ((error = arp_ioctl_ifp(cmd, ar, addr, &ifp)) != 0)
		return error;
	if (ifp->if_type != IFT_ETHER)
		error = EINVAL;
	else if (cmd == SIOCGARP)
		error = arp_ioctl_get(ifp, addr, ar);
	else if (cmd == SIOCDARP)
		error = arp_delete(ifp, addr);
	else if (ar->arp_ha.sa_family != ARPHRD_ETHER)
		error = EINVAL;
	else
		error = arp_set(ifp, addr, (const uint8_t *)ar->arp_ha.sa_data,
		    (ar->arp_flags & ATF_PERM) != 0);
	if_rele(ifp);
	return error;
}

int
arp_ioctl(unsigned long cmd, struct arpreq *ar)
{
	struct in_addr addr;
	int error;

	if (ar->arp_pa.sa_family != AF_INET)
		return EPFNOSUPPORT;
	if (cmd == SIOCSARP && (ar->arp_flags & ATF_PUBL))
		return EOPNOTSUPP;
	addr = ((const struct sockaddr_in *)(const void *)&ar->arp_pa)->sin_addr;
	NET_LOCK();
	error = arp_ioctl_locked(cmd, ar, addr);
	NET_UNLOCK();
	return error;
}
