/*
 * The net component: the routing table and packet capture, on top of the
 * interface layer of rumpnet.  The Ethernet link layer is part of this
 * library too and has no state to set up beyond its dispatch tables.
 */
#include "rumpkern/component.h"
#include "rumpnet/if.h"
#include "net/if_pcap.h"
#include "net/route.h"

static void
net_if_detach(struct ifnet *ifp)
{
	if_pcap_ifdetach(ifp);
}

static struct if_hooks net_hooks = {
	.ifh_detach = net_if_detach,
};

static int
net_init(void)
{
	int error = rt_init();

	if (error == 0)
		if_hooks_register(&net_hooks);
	return error;
}

static void
net_fini(void)
{
	if_hooks_unregister(&net_hooks);
	rt_fini();
}

RUMP_COMPONENT(net_component, "net", RUMP_COMPONENT_NET_ROUTE, net_init,
    net_fini)
