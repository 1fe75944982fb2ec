/*
 * The routing table: longest-prefix match from destination to next hop
 * and interface.
 *
 * Routes are kept per address family in one hash table per prefix length,
 * with a bitmap of the lengths in use; a lookup probes the used lengths
 * from longest to shortest, so its cost depends on the number of distinct
 * prefix lengths (at most 33 for IPv4), never on the number of routes.
 *
 * Routes are reference counted: rt_lookup() returns a held route that the
 * caller gives back with rt_rele().  A deleted route stays valid for those
 * who hold it but is marked down (no RTF_UP).  Called under softnet_lock.
 */
#ifndef NET_ROUTE_H
#define NET_ROUTE_H

#include "rumpnet/if.h"

/* rt_flags */
#define RTF_UP		0x0001	/* usable */
#define RTF_GATEWAY	0x0002	/* next hop is rt_gateway, not the destination */
#define RTF_HOST	0x0004	/* a host route (full-length prefix) */
#define RTF_STATIC	0x0008	/* added by configuration */
#define RTF_CONNECTED	0x0010	/* the subnet of an interface address */
#define RTF_LOCAL	0x0020	/* one of our own addresses */
#define RTF_BROADCAST	0x0040	/* a broadcast address of ours */
#define RTF_REJECT	0x0080	/* destination unreachable */

#define RT_MAXKEYLEN	16	/* address bytes: 4 for IPv4, 16 for IPv6 */

struct rtentry {
	int rt_family;
	uint8_t rt_dst[RT_MAXKEYLEN];	/* network byte order, masked */
	int rt_plen;			/* prefix length in bits */
	struct sockaddr_storage rt_gateway;	/* valid with RTF_GATEWAY */
	struct ifnet *rt_ifp;		/* held */
	struct ifaddr *rt_ifa;		/* source address to use; held */
	int rt_flags;
	int rt_mtu;			/* 0: the interface's */
	uint64_t rt_use;		/* lookups that returned it */
	unsigned rt_refcnt;
	LIST_ENTRY(rtentry) rt_hash;
};

struct rt_addinfo {
	const struct sockaddr *dst;	/* destination (address bits) */
	int plen;			/* prefix length */
	const struct sockaddr *gateway;	/* next hop, or NULL for on-link */
	struct ifnet *ifp;		/* NULL: the interface that reaches gateway */
	struct ifaddr *ifa;		/* NULL: the first address of ifp */
	int flags;			/* RTF_* beyond UP/GATEWAY/HOST */
	int mtu;
};

/* EEXIST when the same prefix exists; ENETUNREACH when no ifp for gateway. */
int rt_add(const struct rt_addinfo *info, struct rtentry **rtp);
/* ESRCH when there is no such route. */
int rt_delete(int family, const struct sockaddr *dst, int plen);
/* Longest-prefix match; NULL when no route. */
struct rtentry *rt_lookup(const struct sockaddr *dst);
/* The exact prefix; NULL when none. */
struct rtentry *rt_lookup_exact(int family, const struct sockaddr *dst, int plen);
void rt_ref(struct rtentry *rt);
void rt_rele(struct rtentry *rt);
/* Deletes every route through ifp (interface going away). */
void rt_purge_ifp(struct ifnet *ifp);
/* Deletes every route whose source address is ifa. */
void rt_purge_ifa(struct ifaddr *ifa);
int rt_foreach(int family, int (*fn)(struct rtentry *rt, void *arg), void *arg);
unsigned rt_count(int family);

/* Key helpers: address bytes of a sockaddr, and their length. */
const uint8_t *rt_key(const struct sockaddr *sa, int *keylen);

#endif
