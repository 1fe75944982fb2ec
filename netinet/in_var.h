/*
 * IPv4 addresses of interfaces.
 *
 * Setting an address adds a route to the connected subnet and a local
 * host route for the address itself, and announces the address (gratuitous
 * ARP on Ethernet).  Called under softnet_lock.
 */
#ifndef NETINET_IN_VAR_H
#define NETINET_IN_VAR_H

#include "netinet/in.h"
#include "rumpnet/if.h"

struct in_ifaddr {
	struct ifaddr ia_ifa;		/* first: an in_ifaddr is an ifaddr */
	struct in_addr ia_addr;
	struct in_addr ia_netmask;
	struct in_addr ia_broadaddr;
	int ia_plen;
	LIST_ENTRY(in_ifaddr) ia_hash;	/* by ia_addr (in_addrhash.c) */
	LIST_ENTRY(in_ifaddr) ia_bhash;	/* by ia_broadaddr, if it has one */
	LIST_ENTRY(in_ifaddr) ia_loop;	/* on a loopback interface */
	bool ia_hasbroad, ia_isloop;
};

#define ifatoia(ifa)	((struct in_ifaddr *)(ifa))

/* Adds addr/plen to ifp (and brings ifp up); EEXIST if already there. */
int in_addr_add(struct ifnet *ifp, struct in_addr addr, int plen);
int in_addr_delete(struct ifnet *ifp, struct in_addr addr);
/* Removes every IPv4 address of ifp. */
void in_ifdetach(struct ifnet *ifp);

/*
 * The hashes behind the lookups below (in_addrhash.c): every address by
 * itself, and those of subnets with a broadcast address (shorter than
 * /31) by it, so that no lookup walks the list of all addresses.
 * in_addr_add and in_addr_delete keep them.
 */
void in_addrhash_init(void);
void in_addrhash_fini(void);
void in_addrhash_insert(struct in_ifaddr *ia);
void in_addrhash_remove(struct in_ifaddr *ia);

/* Lookups; none takes a reference (valid while softnet_lock is held). */
struct in_ifaddr *in_ifaddr_first(struct ifnet *ifp);	/* primary of ifp */
struct in_ifaddr *in_ifaddr_byaddr(struct in_addr addr); /* ours, on any ifp */
/* Whether addr is one of ours, or a broadcast address of ifp's subnets. */
bool in_islocal(struct in_addr addr);
bool in_isbroadcast(struct in_addr addr, struct ifnet *ifp);
/*
 * A destination of 0.0.0.0, which RFC 1122 (3.2.1.3) allows only as a
 * source, means this host to Linux and the BSDs: the local address src if
 * one is chosen, else loopback.  Other destinations come back unchanged.
 */
struct in_addr in_thishost(struct in_addr dst, struct in_addr src);
/*
 * The source address to use towards dst, from its route (taken from and
 * kept in rc, a PCB's), or ENETUNREACH.
 */
struct rtcache;
int in_selectsrc_rc(struct in_addr dst, struct rtcache *rc,
    struct in_addr *src);

/* Helpers for sockaddr_in. */
void sockaddr_in_init(struct sockaddr_in *sin, struct in_addr addr,
    in_port_t port);
/* Parses dotted quads "198.18.0.2" (EINVAL) and "a.b.c.d/len" (plen). */
int inet_aton_k(const char *s, struct in_addr *addr);
int inet_cidr_k(const char *s, struct in_addr *addr, int *plen);

/* Prefix length <-> netmask (host order in, network order out). */
struct in_addr in_plen2mask(int plen);

#endif
