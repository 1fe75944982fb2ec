/*
 * Interface ioctls for IPv4 addresses (SIOCGIFADDR and friends), as the
 * Linux ifconfig(8) uses them.  SIOCSIFADDR without a netmask takes the
 * address's classful mask, as Linux does, and replaces the interface's
 * primary address; 0.0.0.0 removes it (Linux's way to delete an address:
 * "ifconfig eth0 0.0.0.0"), with the routes it brought.
 */
#include "rumpnet/if.h"
#include "rumpnet/netlock.h"
#include "netinet/in_var.h"

int in_ifioctl(unsigned long cmd, void *data, struct ifnet *ifp);

static int
in_classful_plen(struct in_addr addr)
{
	uint32_t h = ntohl(addr.s_addr);

	if ((h & 0x80000000u) == 0)
		return 8;
	if ((h & 0xc0000000u) == 0x80000000u)
		return 16;
	return 24;
}

static int
in_mask2plen(struct in_addr mask)
{
	uint32_t h = ntohl(mask.s_addr);
	int plen = 0;

	while (h & 0x80000000u) {
		plen++;
		h <<= 1;
	}
	return h == 0 ? plen : -1;
}

int
in_ifioctl(unsigned long cmd, void *data, struct ifnet *ifp)
{
	struct ifreq *ifr = data;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_ifru.ifru_addr;
	struct in_ifaddr *ia = in_ifaddr_first(ifp);
	struct in_addr addr;
	int plen;

	NET_ASSERT_LOCKED();
	switch (cmd) {
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
		if (ia == NULL)
			return EADDRNOTAVAIL;
		sockaddr_in_init(sin, cmd == SIOCGIFADDR ? ia->ia_addr :
		    ia->ia_netmask, 0);
		return 0;
	case SIOCSIFADDR:
		if (sin->sin_family != AF_INET)
			return EINVAL;
		if (ia != NULL && ia->ia_addr.s_addr == sin->sin_addr.s_addr)
			return 0;
		if (ia != NULL)
			in_addr_delete(ifp, ia->ia_addr);
		if (sin->sin_addr.s_addr == INADDR_ANY)
			return 0;
		return in_addr_add(ifp, sin->sin_addr,
		    in_classful_plen(sin->sin_addr));
	case SIOCSIFNETMASK:
		if (ia == NULL)
			return EADDRNOTAVAIL;
		if ((plen = in_mask2plen(sin->sin_addr)) < 0)
			return EINVAL;
		addr = ia->ia_addr;
		in_addr_delete(ifp, addr);
		return in_addr_add(ifp, addr, plen);
	default:
		return ENOTTY;
	}
}
