/*
 * Ethernet: the frame header on the wire (IEEE 802.3 / Ethernet II) and
 * the link layer that turns protocol packets into frames and back.
 *
 * Protocols plug in from above through two tables, so net/ never names
 * them: ether_proto_register() for received frames of an ethertype, and
 * ether_resolver_register() for turning a next-hop address of a family
 * into a destination MAC (ARP for AF_INET).
 *
 * The Ethernet layer is a component of its own (RUMP_COMPONENT_NET_ROUTE,
 * in net/if_ethersubr.c), so protocols at RUMP_COMPONENT_NET_PROTO find
 * the tables ready.  Its counters are the kstat group "ether".
 *
 * Frames below ETHER_MIN_LEN are sent unpadded (the host pads, see
 * if_ethersubr.c).  Locking: input and output run under softnet_lock; the
 * (un)registration functions take it themselves, so call them without it.
 */
#ifndef NET_IF_ETHER_H
#define NET_IF_ETHER_H

#include "rumpnet/if.h"

#define ETHER_ADDR_LEN	6
#define ETHER_TYPE_LEN	2
#define ETHER_HDR_LEN	14
#define ETHER_MIN_LEN	60	/* without the FCS */
#define ETHERMTU	1500
#define ETHER_MAX_MTU	9000

#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_ARP	0x0806
#define ETHERTYPE_IPV6	0x86dd

struct ether_header {
	uint8_t ether_dhost[ETHER_ADDR_LEN];
	uint8_t ether_shost[ETHER_ADDR_LEN];
	uint16_t ether_type;		/* network byte order */
} __packed;
CTASSERT(sizeof(struct ether_header) == ETHER_HDR_LEN);

extern const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN];

#define ETHER_IS_MULTICAST(a)	((a)[0] & 0x01)

/*
 * Makes ifp an Ethernet interface with MAC lla (if_type, if_addrlen,
 * if_hdrlen, if_hwaddr, if_link; if_mtu ETHERMTU unless the driver set
 * one); the driver calls if_attach() after.  ether_ifdetach() goes after
 * if_detach().
 */
void ether_ifattach(struct ifnet *ifp, const uint8_t lla[ETHER_ADDR_LEN]);
void ether_ifdetach(struct ifnet *ifp);

/* Parses "02:00:00:00:00:01"; EINVAL when malformed. */
int ether_aton(const char *s, uint8_t lla[ETHER_ADDR_LEN]);
/* Formats into buf (18 bytes). */
char *ether_ntoa(const uint8_t lla[ETHER_ADDR_LEN], char *buf);
/* A random locally administered unicast MAC. */
void ether_random_addr(uint8_t lla[ETHER_ADDR_LEN]);

/*
 * Received frames of an ethertype go to input(ifp, m) with the Ethernet
 * header removed (m_flags M_BCAST/M_MCAST set as received).  Owns m.
 * EINVAL for an ethertype below 0x0600 (an 802.3 length), EEXIST when the
 * ethertype is taken, ENOSPC when the table is full.
 */
int ether_proto_register(uint16_t ethertype,
    void (*input)(struct ifnet *ifp, struct mbuf *m));
void ether_proto_unregister(uint16_t ethertype);

/*
 * Resolves the next hop dst of family af on ifp to a MAC.  Returns 0 with
 * lla filled in; EWOULDBLOCK when it took m to send once resolved (then the
 * caller must not touch m); any other error when it freed m.  Frames for
 * af then carry ethertype.  EINVAL for a bad af, EEXIST when af is taken.
 *
 * Output (the interface's if_output) drops a packet larger than the MTU
 * (IFDROP_TOOBIG, EMSGSIZE) or of a family without resolver
 * (IFDROP_NOPROTO, EAFNOSUPPORT), and returns 0 when the resolver kept it.
 */
typedef int (*ether_resolve_t)(struct ifnet *ifp, struct mbuf *m,
    const struct sockaddr *dst, struct rtentry *rt, uint8_t lla[ETHER_ADDR_LEN]);
int ether_resolver_register(int af, ether_resolve_t resolve, uint16_t ethertype);
void ether_resolver_unregister(int af);

/*
 * Sends a ready payload (e.g. an ARP packet) to dhost with ethertype, our
 * MAC as source.  Owns m.  ENETDOWN when ifp is not running, EMSGSIZE when
 * m is larger than the MTU, ENOBUFS; else what the driver returned.
 */
int ether_output_frame(struct ifnet *ifp, struct mbuf *m,
    const uint8_t dhost[ETHER_ADDR_LEN], uint16_t ethertype);

#endif
