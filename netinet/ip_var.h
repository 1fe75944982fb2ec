/*
 * IPv4: the interface between IP and the protocols above and below it,
 * and IP's statistics.  Every reason to drop a packet has its own counter.
 */
#ifndef NETINET_IP_VAR_H
#define NETINET_IP_VAR_H

#include "netinet/ip.h"
#include "rumpnet/if.h"

struct mbuf;
struct rtentry;

struct ipstat {
	uint64_t ips_total;		/* packets received */
	uint64_t ips_toosmall;		/* shorter than the minimal header */
	uint64_t ips_badvers;		/* version not 4 */
	uint64_t ips_badhlen;		/* header length < 20 or > packet */
	uint64_t ips_badsum;		/* header checksum wrong */
	uint64_t ips_badlen;		/* total length < header or > frame */
	uint64_t ips_badaddr;		/* source martian (broadcast/multicast) */
	uint64_t ips_badoptions;	/* malformed options */
	uint64_t ips_delivered;		/* handed to a protocol */
	uint64_t ips_noproto;		/* unknown protocol */
	uint64_t ips_cantforward;	/* not for us, forwarding off or no route */
	uint64_t ips_forward;		/* forwarded */
	uint64_t ips_ttlexceeded;	/* dropped forwarding with TTL <= 1 */
	uint64_t ips_fragments;		/* fragments received */
	uint64_t ips_fragdropped;	/* fragments dropped (bad, overlap, limit) */
	uint64_t ips_fragtimeout;	/* fragments dropped by reassembly timeout */
	uint64_t ips_reassembled;	/* packets reassembled */
	uint64_t ips_toolong;		/* reassembled beyond 65535 bytes */
	uint64_t ips_localout;		/* packets sent from here */
	uint64_t ips_noroute;		/* no route on output */
	uint64_t ips_fragmented;	/* packets fragmented on output */
	uint64_t ips_ofragments;	/* fragments created */
	uint64_t ips_cantfrag;		/* DF set and too big */
	uint64_t ips_odropped;		/* dropped on output: no memory */
};
extern struct ipstat ipstat;

/* ip_output flags */
#define IP_FORWARDING	0x01	/* the packet is being forwarded */
#define IP_RAWOUTPUT	0x02	/* the header is complete (IP_HDRINCL) */
#define IP_ALLOWBROADCAST 0x04	/* SO_BROADCAST is set */
#define IP_ROUTETOIF	0x08	/* SO_DONTROUTE: on-link only */

/* Per-socket options IP applies to the packets of a socket. */
struct ip_moptions;
struct ip_opts {
	uint8_t ipo_ttl;		/* IP_TTL */
	uint8_t ipo_tos;		/* IP_TOS */
	int ipo_pmtudisc;		/* IP_MTU_DISCOVER: default DF on */
};

/*
 * Sends m, which begins with an IP header with ip_p, ip_src, ip_dst, ip_tos,
 * ip_ttl and ip_off's DF filled in (ip_len, ip_id and the checksum are
 * filled here).  Routes it, fragments it to the MTU unless DF (then
 * EMSGSIZE), and passes it to the interface.  Owns m.  Under softnet_lock.
 */
int ip_output(struct mbuf *m, int flags, const struct ip_opts *opts);

/* Input from the link layer (registered for ETHERTYPE_IP / AF_INET). */
void ip_input(struct ifnet *ifp, struct mbuf *m);

/* Called for each fragment; returns the whole packet once complete. */
struct mbuf *ip_reass(struct mbuf *m);
void ip_reass_init(void);
void ip_reass_fini(void);
unsigned ip_reass_count(void);		/* packets being reassembled */

/* IPv4 forwarding (sysctl net.inet.ip.forwarding), off by default. */
extern bool ip_forwarding;

/* A fresh IP identification value. */
uint16_t ip_newid(void);

/*
 * The Internet checksum (RFC 1071).  A partial sum is the plain sum of
 * big-endian 16-bit words, not yet folded: add ntohs(field) or two partial
 * sums with +.  The final checksum (in_cksum, in_cksum_fold) is the folded
 * sum's complement as a host-order number: store it with htons().  A sum
 * continued by in_cksum_add* must cover an even number of bytes.
 */
/* The checksum of len bytes of m from off (which must lie in the chain). */
uint16_t in_cksum(const struct mbuf *m, int off, int len);
/* Of a flat buffer, continuing from a partial sum. */
uint32_t in_cksum_add(uint32_t sum, const void *buf, size_t len);
/* Of len bytes of m from off, continuing from a partial sum. */
uint32_t in_cksum_add_mbuf(uint32_t sum, const struct mbuf *m, int off,
    int len);
/* The checksum of a partial sum. */
uint16_t in_cksum_fold(uint32_t sum);
/*
 * The pseudo-header sum for TCP and UDP (RFC 793, 768), a partial sum;
 * len is the TCP or UDP length in host order.
 */
uint32_t in_pseudo(struct in_addr src, struct in_addr dst, uint8_t proto,
    uint16_t len);

/* The protocol switch of AF_INET, indexed by protocol number. */
const struct protosw *ip_protosw(int proto);

#endif
