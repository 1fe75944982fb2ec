/*
 * Reading back what the kernel chose for each interface (a random MAC, the
 * default MTU), through the same interface ioctls as on Linux.  Best effort:
 * what cannot be read is left as it was.
 */
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rump/rump.h>

#include "netopts.h"

void
netopts_readback(struct netopts *no)
{
	struct ifreq ifr;
	int s, i;

	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return;
	for (i = 0; i < no->nifs; i++) {
		struct netopts_if *ifp = &no->ifs[i];

		if (!ifp->created)
			continue;
		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, ifp->name, sizeof(ifr.ifr_name) - 1);
		if (rump_sys_ioctl(s, SIOCGIFHWADDR, &ifr) == 0) {
			memcpy(ifp->mac, ifr.ifr_hwaddr.sa_data, 6);
			ifp->has_mac = true;
		}
		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, ifp->name, sizeof(ifr.ifr_name) - 1);
		if (rump_sys_ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
			ifp->mtu = ifr.ifr_mtu;
	}
	rump_sys_close(s);
}
