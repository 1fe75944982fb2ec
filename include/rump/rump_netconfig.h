/*
 * Configuring the rump kernel's TCP/IP stack.  Link with
 * -lrumpnet_virtif -lrumpnet_netinet -lrumpnet_net -lrumpnet -lrump
 * -lrumpuser.  Every call returns 0 or an errno value.
 *
 * Three lines bring up an interface on a host tap device:
 *
 *	rump_init();
 *	rump_netconfig_ifcreate("virt0", "tap=tap0");
 *	rump_netconfig_ipv4_ifaddr("virt0", "198.18.0.2/24");
 *
 * rump_netconfig_ifcreate(ifname, params)
 *	creates interface ifname (a clone name and unit: "virt0", "virt1")
 *	with driver options params, comma-separated: for virt,
 *	tap=NAME (attach to, or create, the host tap device NAME),
 *	mac=02:00:00:00:00:01 (default random), mtu=1500.
 *	ENXIO: no such driver; EEXIST: the interface exists; EPERM: the tap
 *	needs root or CAP_NET_ADMIN; EINVAL: malformed options.
 * rump_netconfig_ifdestroy(ifname)
 * rump_netconfig_ifup(ifname), rump_netconfig_ifdown(ifname)
 * rump_netconfig_ifsetmtu(ifname, mtu)
 * rump_netconfig_iffault(ifname, spec)
 *	injects faults into ifname's traffic, e.g.
 *	"drop=1%,dup=0.5%,reorder=1%,corrupt=0.1%,seed=42,dir=both"
 *	(dir: in, out or both); "" or "none" turns it off.
 * rump_netconfig_pcap_start(ifname, path), rump_netconfig_pcap_stop(ifname)
 *	captures every frame of ifname into a pcap file.
 * rump_netconfig_ipv4_ifaddr(ifname, "198.18.0.2/24")
 *	adds an address (and the route to its subnet) and brings ifname up.
 * rump_netconfig_ipv4_ifaddr_del(ifname, "198.18.0.2")
 * rump_netconfig_ipv4_route_add(dst, gw, ifname)
 *	dst is "default" or "a.b.c.d/len"; gw is a next-hop address or NULL
 *	for a route on ifname's link; ifname may be NULL when gw is given.
 * rump_netconfig_ipv4_route_del(dst)
 * rump_netconfig_ipv4_forwarding(on)
 *	forwards IPv4 between interfaces (off by default).
 *
 * Counters of every layer are read with rump_kstat_get("ip.badsum", &v) or
 * per interface ("virt0.ipackets", "virt0.drop.short"); rump_kstat_dump("")
 * prints all of them that are not zero.
 */
#ifndef RUMP_RUMP_NETCONFIG_H
#define RUMP_RUMP_NETCONFIG_H

#include <rump/rumpnet_net_if_pub.h>
#include <rump/rumpnet_netinet_if_pub.h>

#endif
