/*
 * ARP (RFC 826) for IPv4 over Ethernet: the packet on the wire, the
 * resolver the Ethernet layer calls, and the cache.
 *
 * The cache holds one entry per (interface, IPv4 address): incomplete
 * while a request is out (holding up to ARP_MAXHOLD packets to send once
 * resolved, and ARP_MAXHOLD_TOTAL for all entries), then resolved until it
 * expires.  Called under softnet_lock, except arp_init(), arp_fini() and
 * arp_count().
 *
 * arp_init() registers ARP with the Ethernet layer (ethertype 0x0806 and
 * the resolver for AF_INET, which maps broadcast and multicast
 * destinations without asking) and an if_hooks entry: an interface going
 * down or away loses its entries, one coming up announces its addresses.
 * Counters are the kstat group "arp" ("arp.drop.badop"...).
 */
#ifndef NETINET_IF_ARP_H
#define NETINET_IF_ARP_H

#include "rumpkern/config.h"
#include "net/if_ether.h"
#include "netinet/in.h"

struct arphdr {
	uint16_t ar_hrd;		/* hardware type: 1, Ethernet */
	uint16_t ar_pro;		/* protocol: ETHERTYPE_IP */
	uint8_t ar_hln;			/* 6 */
	uint8_t ar_pln;			/* 4 */
	uint16_t ar_op;			/* ARPOP_* */
	uint8_t ar_sha[ETHER_ADDR_LEN];
	uint8_t ar_spa[4];
	uint8_t ar_tha[ETHER_ADDR_LEN];
	uint8_t ar_tpa[4];
} __packed;
CTASSERT(sizeof(struct arphdr) == 28);

#define ARPHRD_ETHER	1
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2

/* The limits (ARP_MAXHOLD, ARP_MAXHOLD_TOTAL, ARP_MAXENTRIES) are tunables. */
CTASSERT(ARP_MAXHOLD <= ARP_MAXHOLD_TOTAL);

/*
 * Tunables, in milliseconds (tests shorten them): how long a resolved
 * entry lives after its owner was last heard (20 minutes), the interval
 * between requests for an incomplete one (1 s; also the least time
 * between two requests for one address), and how many requests are sent
 * before an incomplete entry gives up and drops what it holds (3).
 */
extern unsigned arp_keep;
extern unsigned arp_rexmit;
extern unsigned arp_maxtries;

/* Announces addr on ifp (gratuitous ARP request), when an address is set. */
void arp_announce(struct ifnet *ifp, struct in_addr addr);
/* Forgets every entry of ifp (interface down or going away). */
void arp_ifdetach(struct ifnet *ifp);
/*
 * The state of addr on ifp: 0 with its MAC in lla when resolved,
 * EINPROGRESS while a request is out, ENOENT when not in the cache.
 */
int arp_lookup(struct ifnet *ifp, struct in_addr addr,
    uint8_t lla[ETHER_ADDR_LEN]);
/*
 * Entries set by hand (SIOCSARP): addr is at lla on ifp, for good when
 * perm (no expiry, no eviction, not changed by what the network says),
 * else for arp_keep like a learnt one.  Packets the entry held go out.
 * ENOMEM: the cache is full of incomplete entries.
 */
int arp_set(struct ifnet *ifp, struct in_addr addr,
    const uint8_t lla[ETHER_ADDR_LEN], bool perm);
/* Deletes the entry of addr on ifp; ENXIO when there is none. */
int arp_delete(struct ifnet *ifp, struct in_addr addr);

/* An entry as the ioctls and the ARP table show it. */
struct arp_entryinfo {
	struct ifnet *ai_ifp;
	struct in_addr ai_addr;
	uint8_t ai_lla[ETHER_ADDR_LEN];	/* when resolved */
	bool ai_resolved, ai_perm;
	uint32_t ai_expire_ms;		/* resolved, not permanent: left */
};
/* The entry of addr on ifp (ENXIO: none). */
int arp_get(struct ifnet *ifp, struct in_addr addr, struct arp_entryinfo *ai);
/* Calls fn for every entry until it returns non-zero. */
int arp_foreach(int (*fn)(const struct arp_entryinfo *ai, void *arg),
    void *arg);

/* Entries in the cache, on all interfaces. */
unsigned arp_count(void);
int arp_init(void);
void arp_fini(void);

#endif
