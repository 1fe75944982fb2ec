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
 * who hold it but is marked down (no RTF_UP); it is freed, and its
 * interface and address released, at the last rt_rele().  Every call but
 * rt_init() and rt_fini() is made under softnet_lock.
 *
 * Families: AF_INET (4-byte keys).  Keys, bitmaps and tables are sized by
 * RT_MAXKEYLEN, so a family with 16-byte keys (AF_INET6) is one more row
 * in route.c's table of families.
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

/*
 * Adds a route and, when rtp is not NULL, returns it held.  The route is
 * RTF_UP, RTF_GATEWAY when a gateway is given and RTF_HOST when plen is
 * the full key length; those three bits in info->flags are ignored.
 *
 * Without info->ifp, the interface is the one of the route that reaches
 * the gateway, which must be a direct (neither RTF_GATEWAY nor
 * RTF_REJECT) route; without a gateway it is info->ifa's interface.
 * Without info->ifa, the source address is that of the route that reaches
 * the gateway when it is on the same interface (the address of the
 * gateway's subnet), else the first address of the family on the
 * interface.  The route holds a reference on both.
 *
 * Errors: EAFNOSUPPORT for a family without routes; EINVAL for a prefix
 * length out of range, a destination with bits set beyond the prefix (no
 * silent masking: 10.1.2.3/8 is a mistake, not 10.0.0.0/8), a gateway or
 * address of another family, a negative MTU, or neither ifp, ifa nor
 * gateway; EEXIST when the same prefix exists; ENETUNREACH when no direct
 * route reaches the gateway; EADDRNOTAVAIL when the interface has no
 * address of the family; ENXIO when the interface is being detached;
 * ENOMEM when out of memory.
 */
int rt_add(const struct rt_addinfo *info, struct rtentry **rtp);
/*
 * Deletes the route for exactly dst/plen (dst read as an address of
 * family): marks it down, unlinks it and drops the table's reference.
 * ESRCH when there is no such route; EINVAL and EAFNOSUPPORT as rt_add.
 */
int rt_delete(int family, const struct sockaddr *dst, int plen);
/* Longest-prefix match, held, counted in rt_use; NULL when no route. */
struct rtentry *rt_lookup(const struct sockaddr *dst);
/* The exact prefix, held (not counted in rt_use); NULL when none. */
struct rtentry *rt_lookup_exact(int family, const struct sockaddr *dst, int plen);
void rt_ref(struct rtentry *rt);
void rt_rele(struct rtentry *rt);
/*
 * Deletes every route through ifp or whose source address is on ifp
 * (interface going away: neither may outlive it).  rt_init() registers
 * this as an interface detach hook.
 */
void rt_purge_ifp(struct ifnet *ifp);
/* Deletes every route whose source address is ifa. */
void rt_purge_ifa(struct ifaddr *ifa);
/*
 * Calls fn for each route of family (that is still up) until it returns
 * non-zero, and returns that value.  fn may add and delete routes; it sees
 * the routes that existed when rt_foreach began.  ENOMEM when out of memory.
 */
int rt_foreach(int family, int (*fn)(struct rtentry *rt, void *arg), void *arg);
unsigned rt_count(int family);

/*
 * The generation of the routing table: it changes with every route added,
 * deleted or purged and every interface going up or down, so whoever
 * keeps a route found earlier can tell whether a new lookup could differ.
 */
uint64_t rt_generation(void);

/*
 * A route kept between packets to one destination (a PCB's): a lookup
 * with the same destination while the table's generation is unchanged
 * returns the kept route without searching the table.  A zeroed rtcache
 * is empty; the cache holds no reference (route.c says why), so there is
 * nothing to release.
 */
struct rtcache {
	struct rtentry *rc_rt;		/* valid in generation rc_gen only */
	uint64_t rc_gen;		/* rt_generation() when it was found */
	struct sockaddr_storage rc_dst;
};

/*
 * The route to dst, held like rt_lookup's (NULL when none), from rc when
 * still valid, else looked up and kept in rc.  Counted in route.cache_hits
 * and route.cache_misses.
 */
struct rtentry *rtcache_lookup(struct rtcache *rc, const struct sockaddr *dst);

/*
 * The routing component: rt_init() registers the "route" counters
 * (route.lookups, .misses, .adds, .deletes, .cache_hits, .cache_misses)
 * and the interface hooks;
 * rt_fini() removes them; no route is left by then (the protocols removed
 * their addresses, and with them the routes).  Both are called without
 * softnet_lock.
 */
int rt_init(void);
void rt_fini(void);

#endif
