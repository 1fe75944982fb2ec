/*
 * Applying the interface options to the rump kernel (see netopts.h), and
 * turning the kernel's errno values into messages that say what to do.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_netconfig.h>

#include "netopts.h"
#include "toolutil.h"


/* ENOSYS: the call's component is not linked into the program. */
static int
nosys(struct netopts *no, const char *opt, const char *what)
{
	return netopts_seterr(no, "%s: this program has no %s in its rump kernel "
	    "(the call gave ENOSYS)", opt, what);
}

static int
ifcreate_error(struct netopts *no, const struct netopts_if *ifp, int rc)
{
	char driver[NETOPTS_NAMELEN];
	size_t n = strcspn(ifp->name, "0123456789");

	memcpy(driver, ifp->name, n);
	driver[n] = '\0';
	switch (rc) {
	case EPERM:
	case EACCES:
		return netopts_seterr(no, "--if %s: cannot open tap %s: needs root or "
		    "CAP_NET_ADMIN", ifp->name, ifp->tap);
	case EEXIST:
		return netopts_seterr(no, "--if %s: interface %s already exists",
		    ifp->name, ifp->name);
	case ENXIO:
		return netopts_seterr(no, "--if %s: no such interface driver '%s'",
		    ifp->name, driver);
	case EBUSY:
		return netopts_seterr(no, "--if %s: tap %s is busy: another process "
		    "has it open", ifp->name, ifp->tap);
	case ENOENT:
	case ENODEV:
		return netopts_seterr(no, "--if %s: cannot open /dev/net/tun (%s): is "
		    "the tun module loaded?", ifp->name, strerror(rc));
	case EINVAL:
		return netopts_seterr(no, "--if %s: the %s driver refused the options "
		    "'%s' (or tap %s exists and is not a tap device)",
		    ifp->name, driver, ifp->params, ifp->tap);
	case ENOSYS:
		return nosys(no, "--if", "interface support");
	default:
		return netopts_seterr(no, "--if %s: cannot create the interface on tap "
		    "%s: %s", ifp->name, ifp->tap, strerror(rc));
	}
}

static int
ifaddr_error(struct netopts *no, const struct netopts_addr *ad,
    const char *cidr, int rc)
{
	switch (rc) {
	case EEXIST:
	case EADDRINUSE:
		return netopts_seterr(no, "--addr %s: %s is already configured",
		    ad->ifname, cidr);
	case ENXIO:
	case ENOENT:
	case ENODEV:
		return netopts_seterr(no, "--addr %s: the kernel has no interface %s",
		    ad->ifname, ad->ifname);
	case EINVAL:
		return netopts_seterr(no, "--addr %s: the kernel refused %s", ad->ifname,
		    cidr);
	case ENOSYS:
		return nosys(no, "--addr", "IPv4");
	default:
		return netopts_seterr(no, "--addr %s: cannot add %s: %s", ad->ifname,
		    cidr, strerror(rc));
	}
}

static int
route_error(struct netopts *no, const char *dst, const char *gw, int rc)
{
	switch (rc) {
	case EEXIST:
		return netopts_seterr(no, "--route %s: a route to %s exists already",
		    dst, dst);
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ESRCH:
		return netopts_seterr(no, "--route %s: gateway %s is not on the subnet "
		    "of any interface", dst, gw);
	case EINVAL:
		return netopts_seterr(no, "--route %s: the kernel refused %s,%s", dst,
		    dst, gw);
	case ENOSYS:
		return nosys(no, "--route", "IPv4");
	default:
		return netopts_seterr(no, "--route %s: cannot add the route via %s: %s",
		    dst, gw, strerror(rc));
	}
}

static int
pcap_error(struct netopts *no, const struct netopts_pcap *pc, int rc)
{
	switch (rc) {
	case EBUSY:
	case EALREADY:
	case EEXIST:
		return netopts_seterr(no, "--pcap %s: a capture of %s is already "
		    "running", pc->ifname, pc->ifname);
	case ENOSYS:
		return nosys(no, "--pcap", "packet capture");
	default:
		return netopts_seterr(no, "--pcap %s: cannot write %s: %s", pc->ifname,
		    pc->path, strerror(rc));
	}
}

static int
fault_error(struct netopts *no, const struct netopts_fault *ft, int rc)
{
	switch (rc) {
	case EINVAL:
		return netopts_seterr(no, "--fault %s: the kernel refused '%s'",
		    ft->ifname, ft->spec);
	case ENOSYS:
		return nosys(no, "--fault", "fault injection");
	default:
		return netopts_seterr(no, "--fault %s: %s", ft->ifname, strerror(rc));
	}
}

int
netopts_apply(struct netopts *no)
{
	char cidr[24], dst[24], gw[16], a[16];
	bool hasaddr[NETOPTS_MAXIF] = { false };
	int i, rc;

	no->err[0] = '\0';
	for (i = 0; i < no->nifs; i++) {
		struct netopts_if *ifp = &no->ifs[i];

		rc = rump_netconfig_ifcreate(ifp->name, ifp->params);
		if (rc != 0)
			return ifcreate_error(no, ifp, rc);
		ifp->created = true;
	}
	for (i = 0; i < no->nfaults; i++) {
		const struct netopts_fault *ft = &no->faults[i];

		rc = rump_netconfig_iffault(ft->ifname, ft->spec);
		if (rc != 0)
			return fault_error(no, ft, rc);
	}
	for (i = 0; i < no->npcaps; i++) {
		struct netopts_pcap *pc = &no->pcaps[i];

		rc = rump_netconfig_pcap_start(pc->ifname, pc->path);
		if (rc != 0)
			return pcap_error(no, pc, rc);
		pc->started = true;
	}
	for (i = 0; i < no->naddrs; i++) {
		const struct netopts_addr *ad = &no->addrs[i];

		snprintf(cidr, sizeof(cidr), "%s/%d",
		    tool_format_ipv4(ad->addr, a), ad->plen);
		rc = rump_netconfig_ipv4_ifaddr(ad->ifname, cidr);
		if (rc != 0)
			return ifaddr_error(no, ad, cidr, rc);
		if (ad->ifidx >= 0 && ad->ifidx < NETOPTS_MAXIF)
			hasaddr[ad->ifidx] = true;
	}
	/* Adding an address brings its interface up; the others come up here. */
	for (i = 0; i < no->nifs; i++) {
		if (hasaddr[i])
			continue;
		rc = rump_netconfig_ifup(no->ifs[i].name);
		if (rc != 0)
			return netopts_seterr(no, "--if %s: cannot bring the interface "
			    "up: %s", no->ifs[i].name, strerror(rc));
	}
	for (i = 0; i < no->nroutes; i++) {
		const struct netopts_route *rt = &no->routes[i];

		if (rt->isdefault)
			strcpy(dst, "default");
		else
			snprintf(dst, sizeof(dst), "%s/%d",
			    tool_format_ipv4(rt->dst, a), rt->plen);
		tool_format_ipv4(rt->gw, gw);
		rc = rump_netconfig_ipv4_route_add(dst, gw, NULL);
		if (rc != 0)
			return route_error(no, dst, gw, rc);
	}
	if (no->forward) {
		rc = rump_netconfig_ipv4_forwarding(1);
		if (rc == ENOSYS)
			return nosys(no, "--forward", "IPv4");
		if (rc != 0)
			return netopts_seterr(no, "--forward: cannot turn forwarding on: "
			    "%s", strerror(rc));
	}
	return 0;
}

void
netopts_stop(struct netopts *no)
{
	int i;

	for (i = 0; i < no->npcaps; i++) {
		struct netopts_pcap *pc = &no->pcaps[i];

		if (pc->started) {
			rump_netconfig_pcap_stop(pc->ifname);
			pc->started = false;
		}
	}
}
