/*
 * Socket ioctls that configure the network, with Linux's structures and
 * errors: interfaces by name (struct ifreq), the list of addresses
 * (SIOCGIFCONF), routes and ARP (handed to the socket's family), and
 * creating and destroying interfaces (RUMP_SIOCIFCREATE, ours: Linux has
 * no such request; <rump/rump_netinfo.h>).  As on Linux, permission is
 * checked before the interface is looked up, and every request that
 * changes something needs the right to configure the network, here an
 * effective uid of 0 (CAP_NET_ADMIN).
 */
#include "rumpkern/cred.h"
#include "rumpkern/lwp.h"
#include "rumpkern/uio.h"
#include "rumpnet/domain.h"
#include "rumpnet/if.h"
#include "rumpnet/netlock.h"
#include "rump/rump_netinfo.h"

#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK	772

enum if_req_kind { IFREQ_NONE, IFREQ_GET, IFREQ_SET };

/* What a request is, and the size of its structure. */
static enum if_req_kind
if_ioctl_kind(unsigned long cmd, size_t *size)
{
	*size = sizeof(struct ifreq);
	switch (cmd) {
	case SIOCGIFFLAGS: case SIOCGIFADDR: case SIOCGIFNETMASK:
	case SIOCGIFMTU: case SIOCGIFHWADDR: case SIOCGIFINDEX:
		return IFREQ_GET;
	case SIOCSIFFLAGS: case SIOCSIFADDR: case SIOCSIFNETMASK:
	case SIOCSIFMTU: case RUMP_SIOCIFDESTROY:
		return IFREQ_SET;
	case SIOCGIFCONF:
		*size = sizeof(struct ifconf);
		return IFREQ_GET;
	case RUMP_SIOCIFCREATE:
		*size = sizeof(struct rump_ifcreate);
		return IFREQ_SET;
	case SIOCADDRT: case SIOCDELRT:
		*size = sizeof(struct linux_rtentry);
		return IFREQ_SET;
	case SIOCSARP: case SIOCDARP:
		*size = sizeof(struct arpreq);
		return IFREQ_SET;
	case SIOCGARP:
		*size = sizeof(struct arpreq);
		return IFREQ_GET;
	default:
		return IFREQ_NONE;
	}
}

bool
if_ioctl_isnet(unsigned long cmd)
{
	size_t size;

	return if_ioctl_kind(cmd, &size) != IFREQ_NONE;
}

static bool
if_ioctl_mayconfigure(void)
{
	struct cred *c = proc_cred(curproc);
	bool ok = cred_is_root(c);

	cred_release(c);
	return ok;
}

static int
if_ioctl_ifreq(struct ifnet *ifp, unsigned long cmd, struct ifreq *ifr)
{
	switch (cmd) {
	case SIOCGIFFLAGS:
		ifr->ifr_ifru.ifru_flags = (short)ifp->if_flags;
		return 0;
	case SIOCSIFFLAGS:
		return if_setflags(ifp, (unsigned short)ifr->ifr_ifru.ifru_flags);
	case SIOCGIFMTU:
		ifr->ifr_ifru.ifru_mtu = ifp->if_mtu;
		return 0;
	case SIOCSIFMTU:
		return if_setmtu(ifp, ifr->ifr_ifru.ifru_mtu);
	case SIOCGIFINDEX:
		ifr->ifr_ifru.ifru_ivalue = (int)ifp->if_index;
		return 0;
	case SIOCGIFHWADDR:
		memset(&ifr->ifr_ifru.ifru_hwaddr, 0, sizeof(struct sockaddr));
		ifr->ifr_ifru.ifru_hwaddr.sa_family =
		    ifp->if_type == IFT_ETHER ? ARPHRD_ETHER : ARPHRD_LOOPBACK;
		memcpy(ifr->ifr_ifru.ifru_hwaddr.sa_data, ifp->if_hwaddr,
		    ifp->if_addrlen);
		return 0;
	default:
		return ENOTTY;
	}
}

/* A request on the interface named in ifr. */
static int
if_ioctl_byname(struct domain *dp, unsigned long cmd, struct ifreq *ifr)
{
	struct ifnet *ifp;
	char name[IFNAMSIZ];
	int error;

	if (dp->dom_flags & DOM_HOSTIFS)
		return ENODEV;
	memcpy(name, ifr->ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	if (cmd == RUMP_SIOCIFDESTROY) {
		error = if_clone_destroy(name);
		return error == ENXIO ? ENODEV : error;
	}
	NET_LOCK();
	ifp = if_find_byname(name);
	if (ifp == NULL) {
		NET_UNLOCK();
		return ENODEV;
	}
	error = if_ioctl_ifreq(ifp, cmd, ifr);
	if (error == ENOTTY)
		error = dp->dom_ifioctl != NULL ?
		    dp->dom_ifioctl(cmd, ifr, ifp) : EOPNOTSUPP;
	if_rele(ifp);
	NET_UNLOCK();
	return error;
}

struct if_conf_walk {
	struct domain *dp;
	char *ubuf;			/* NULL: count only */
	int len, used;
	int error;
};

/* One struct ifreq per address of the socket's family, as Linux lists. */
static int
if_conf_one(struct ifnet *ifp, void *arg)
{
	struct if_conf_walk *w = arg;
	struct ifaddr *ifa;
	struct ifreq ifr;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
		if (ifa->ifa_addr.ss_family != w->dp->dom_family)
			continue;
		if (w->ubuf != NULL) {
			/* Linux stops at the last whole entry that fits. */
			if (w->len - w->used < (int)sizeof(ifr))
				return 0;
			memset(&ifr, 0, sizeof(ifr));
			strlcpy(ifr.ifr_name, ifp->if_xname, IFNAMSIZ);
			memcpy(&ifr.ifr_ifru.ifru_addr, &ifa->ifa_addr,
			    sizeof(struct sockaddr));
			w->error = copyout(&ifr, w->ubuf + w->used, sizeof(ifr));
			if (w->error != 0)
				return w->error;
		}
		w->used += (int)sizeof(ifr);
	}
	return 0;
}

static int
if_ioctl_conf(struct domain *dp, struct ifconf *ifc)
{
	struct if_conf_walk w = { .dp = dp, .ubuf = ifc->ifc_ifcu.ifcu_buf,
	    .len = ifc->ifc_len };

	if (w.ubuf != NULL && w.len < 0)
		return EINVAL;
	if (!(dp->dom_flags & DOM_HOSTIFS)) {
		NET_LOCK();
		(void)if_foreach(if_conf_one, &w);
		NET_UNLOCK();
		if (w.error != 0)
			return w.error;
	}
	ifc->ifc_len = w.used;
	return 0;
}

static int
if_ioctl_create(struct domain *dp, struct rump_ifcreate *ic)
{
	if (dp->dom_flags & DOM_HOSTIFS)
		return ENODEV;
	ic->ifc_name[sizeof(ic->ifc_name) - 1] = '\0';
	if (strnlen(ic->ifc_params, sizeof(ic->ifc_params)) ==
	    sizeof(ic->ifc_params))
		return EINVAL;
	return if_clone_create(ic->ifc_name, ic->ifc_params);
}

/* The request with its structure in kernel memory. */
static int
if_ioctl_kernel(struct domain *dp, unsigned long cmd, void *kdata)
{
	switch (cmd) {
	case SIOCGIFCONF:
		return if_ioctl_conf(dp, kdata);
	case RUMP_SIOCIFCREATE:
		return if_ioctl_create(dp, kdata);
	case SIOCADDRT: case SIOCDELRT:
	case SIOCSARP: case SIOCGARP: case SIOCDARP:
		if (dp->dom_flags & DOM_HOSTIFS)
			return ENODEV;
		return dp->dom_ioctl != NULL ? dp->dom_ioctl(cmd, kdata) :
		    EOPNOTSUPP;
	default:
		return if_ioctl_byname(dp, cmd, kdata);
	}
}

int
if_ioctl(struct domain *dp, unsigned long cmd, void *data)
{
	union {
		struct ifreq ifr;
		struct ifconf ifc;
		struct linux_rtentry rt;
		struct arpreq arp;
		struct rump_ifcreate ic;
	} k;
	enum if_req_kind kind;
	size_t size;
	int error;

	kind = if_ioctl_kind(cmd, &size);
	KASSERT(kind != IFREQ_NONE && size <= sizeof(k));
	if ((error = copyin(data, &k, size)) != 0)
		return error;
	if (kind == IFREQ_SET && !if_ioctl_mayconfigure())
		return EPERM;
	if ((error = if_ioctl_kernel(dp, cmd, &k)) != 0)
		return error;
	return kind == IFREQ_GET ? copyout(&k, data, size) : 0;
}
