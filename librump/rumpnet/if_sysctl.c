/* The interface table for the tools: "net.interfaces" (rump_netinfo.h). */
#include "rumpkern/sysctl.h"
#include "rumpnet/if.h"
#include "rumpnet/netlock.h"
#include "rumpnet_private.h"
#include "rump/rump_netinfo.h"

static int
if_sysctl_one(struct ifnet *ifp, void *arg)
{
	const struct if_stats *st = &ifp->if_stats;
	struct rump_ifinfo ifi;

	memset(&ifi, 0, sizeof(ifi));
	strlcpy(ifi.ifi_name, ifp->if_xname, sizeof(ifi.ifi_name));
	ifi.ifi_index = ifp->if_index;
	ifi.ifi_flags = ifp->if_flags;
	ifi.ifi_mtu = ifp->if_mtu;
	ifi.ifi_hwtype = ifp->if_type == IFT_ETHER ? 1 : 772;
	ifi.ifi_hwaddrlen = ifp->if_addrlen;
	memcpy(ifi.ifi_hwaddr, ifp->if_hwaddr, sizeof(ifi.ifi_hwaddr));
	ifi.ifi_ipackets = st->ipackets;
	ifi.ifi_ibytes = st->ibytes;
	ifi.ifi_ierrors = st->ierrors;
	ifi.ifi_opackets = st->opackets;
	ifi.ifi_obytes = st->obytes;
	ifi.ifi_oerrors = st->oerrors;
	for (int i = 0; i < IFDROP_NDROPS; i++)
		ifi.ifi_drops += st->drops[i];
	return sysctl_out(arg, &ifi, sizeof(ifi));
}

static int
if_sysctl(const struct sysctl_node *sn, const char *sub,
    struct sysctl_req *req)
{
	int error;

	(void)sn;
	(void)sub;
	NET_LOCK();
	error = if_foreach(if_sysctl_one, req);
	NET_UNLOCK();
	return error;
}

static struct sysctl_node if_sysctl_node = {
	.sn_name = "net.interfaces",
	.sn_type = RUMP_SYSCTL_TABLE,
	.sn_handler = if_sysctl,
};

void
if_sysctl_init(void)
{
	sysctl_register(&if_sysctl_node);
}

void
if_sysctl_fini(void)
{
	sysctl_unregister(&if_sysctl_node);
}
