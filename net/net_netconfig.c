/* The public configuration calls of interfaces (rump_netconfig_if*). */
#include "rumpnet/if.h"
#include "rumpnet/if_fault.h"
#include "rumpnet/netlock.h"
#include "net/if_pcap.h"
#include "rumpnet_net_if_priv.h"

int
rumppriv_netconfig_ifcreate(const char *ifname, const char *params)
{
	if (ifname == NULL)
		return EINVAL;
	return if_clone_create(ifname, params != NULL ? params : "");
}

int
rumppriv_netconfig_ifdestroy(const char *ifname)
{
	if (ifname == NULL)
		return EINVAL;
	return if_clone_destroy(ifname);
}

static int
netconfig_up(struct ifnet *ifp, const void *arg)
{
	bool up = *(const bool *)arg;

	return if_setflags(ifp, up ? ifp->if_flags | IFF_UP :
	    ifp->if_flags & ~IFF_UP);
}

int
rumppriv_netconfig_ifup(const char *ifname)
{
	bool up = true;

	return if_call_byname(ifname, netconfig_up, &up);
}

int
rumppriv_netconfig_ifdown(const char *ifname)
{
	bool up = false;

	return if_call_byname(ifname, netconfig_up, &up);
}

static int
netconfig_mtu(struct ifnet *ifp, const void *arg)
{
	return if_setmtu(ifp, *(const int *)arg);
}

int
rumppriv_netconfig_ifsetmtu(const char *ifname, int mtu)
{
	return if_call_byname(ifname, netconfig_mtu, &mtu);
}

static int
netconfig_fault(struct ifnet *ifp, const void *arg)
{
	const char *spec = arg;
	struct if_fault_params p;
	int error;

	if (*spec == '\0' || strcmp(spec, "none") == 0) {
		if_fault_clear(ifp);
		return 0;
	}
	if ((error = if_fault_parse(spec, &p)) != 0)
		return error;
	return if_fault_set(ifp, &p);
}

int
rumppriv_netconfig_iffault(const char *ifname, const char *spec)
{
	if (spec == NULL)
		return EINVAL;
	return if_call_byname(ifname, netconfig_fault, spec);
}

static int
netconfig_pcap_start(struct ifnet *ifp, const void *arg)
{
	return if_pcap_start(ifp, arg);
}

static int
netconfig_pcap_stop(struct ifnet *ifp, const void *arg)
{
	(void)arg;
	return if_pcap_stop(ifp);
}

int
rumppriv_netconfig_pcap_start(const char *ifname, const char *path)
{
	if (path == NULL)
		return EINVAL;
	return if_call_byname(ifname, netconfig_pcap_start, path);
}

int
rumppriv_netconfig_pcap_stop(const char *ifname)
{
	return if_call_byname(ifname, netconfig_pcap_stop, NULL);
}
