/*
 * ARP (RFC 826) for IPv4 over Ethernet: the packet on the wire, the
 * resolver the Ethernet layer calls, and the cache.
 *
 * The cache holds one entry per (interface, IPv4 address): incomplete
 * while a request is out (holding up to ARP_MAXHOLD packets to send once
 * resolved), then resolved until it expires.  Called under softnet_lock.
 */
#ifndef NETINET_IF_ARP_H
#define NETINET_IF_ARP_H

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

/* Announces addr on ifp (gratuitous ARP request), when an address is set. */
void arp_announce(struct ifnet *ifp, struct in_addr addr);
/* Forgets every entry of ifp (interface down or going away). */
void arp_ifdetach(struct ifnet *ifp);
int arp_init(void);
void arp_fini(void);

#endif
