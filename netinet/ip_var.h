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

/*
 * Counters, registered as kstat group "ip" ("ip.badsum", ...).  Each
 * reason to drop a packet has its own counter; fragment drops are counted
 * twice: in ips_fragdropped (all of them but timeouts) and in the counter
 * of their reason.
 */
struct ipstat {
	uint64_t ips_total;		/* packets received */
	uint64_t ips_toosmall;		/* shorter than the minimal header */
	uint64_t ips_badvers;		/* version not 4 */
	uint64_t ips_badhlen;		/* header length < 20 or > packet */
	uint64_t ips_badsum;		/* header checksum wrong */
	uint64_t ips_badlen;		/* total length < header or > frame */
	uint64_t ips_badaddr;		/* martian source or destination */
	uint64_t ips_badoptions;	/* malformed options */
	uint64_t ips_nobufs;		/* dropped on input: no memory */
	uint64_t ips_notmember;		/* multicast destination (not joined) */
	uint64_t ips_delivered;		/* handed to a protocol */
	uint64_t ips_noproto;		/* unknown protocol */
	uint64_t ips_cantforward;	/* not for us, forwarding off or no route */
	uint64_t ips_forward;		/* forwarded */
	uint64_t ips_ttlexceeded;	/* dropped forwarding with TTL <= 1 */
	uint64_t ips_fragments;		/* fragments received */
	uint64_t ips_fragdropped;	/* fragments dropped (all reasons below) */
	uint64_t ips_fragbad;		/* malformed or inconsistent fragments */
	uint64_t ips_fragdup;		/* exact duplicates of a held fragment */
	uint64_t ips_fragoverlap;	/* dropped with a datagram that overlapped */
	uint64_t ips_fragoverflow;	/* dropped by the reassembly limits */
	uint64_t ips_fragtimeout;	/* fragments dropped by reassembly timeout */
	uint64_t ips_reassembled;	/* packets reassembled */
	uint64_t ips_toolong;		/* datagrams beyond 65535 bytes */
	uint64_t ips_localout;		/* packets sent from here */
	uint64_t ips_noroute;		/* no route (or no source) on output */
	uint64_t ips_bcastdenied;	/* broadcast without IP_ALLOWBROADCAST */
	uint64_t ips_obadhdr;		/* IP_RAWOUTPUT header malformed */
	uint64_t ips_fragmented;	/* packets fragmented on output */
	uint64_t ips_ofragments;	/* fragments created */
	uint64_t ips_cantfrag;		/* DF set and too big */
	uint64_t ips_odropped;		/* dropped on output: no memory */
	uint64_t ips_swcsum;		/* checksums completed for an interface */
	uint64_t ips_swtso;		/* super-segments cut for an interface */
	uint64_t ips_badoffload;	/* offload metadata outside the packet */
};
extern struct ipstat ipstat;

/* ip_output flags */
#define IP_FORWARDING	0x01	/* the packet is being forwarded */
#define IP_RAWOUTPUT	0x02	/* the header is complete (IP_HDRINCL) */
#define IP_ALLOWBROADCAST 0x04	/* SO_BROADCAST is set */
#define IP_ROUTETOIF	0x08	/* SO_DONTROUTE: on-link only */

/* Per-socket options IP applies to the packets of a socket. */
struct ip_moptions;
struct rtcache;
struct ip_opts {
	uint8_t ipo_ttl;		/* IP_TTL */
	uint8_t ipo_tos;		/* IP_TOS */
	int ipo_pmtudisc;		/* IP_MTU_DISCOVER: DF only with ..._DO */
	struct rtcache *ipo_route;	/* the socket's cached route, or NULL */
};

/*
 * Sends m, which begins with an IP header with ip_p, ip_src, ip_dst, ip_tos,
 * ip_ttl and ip_off's DF filled in (ip_len, ip_id and the checksum are
 * filled here).  Routes it, fragments it to the MTU unless DF (then
 * EMSGSIZE), and passes it to the interface.  Owns m.  Under softnet_lock.
 *
 *   - The header is sent without options (ip_vhl is set to 20 bytes)
 *     unless IP_RAWOUTPUT: then the caller's header is used as it is, with
 *     its options; ip_len and the checksum are still filled in, ip_id when
 *     it is 0.
 *   - ip_src INADDR_ANY is replaced by the address of the route (rt_ifa).
 *   - opts, if not NULL, sets the header's TTL (when ipo_ttl is not 0),
 *     TOS, and DF (set with IP_PMTUDISC_DO only: DONT and WANT, the
 *     default, let IP fragment to the route's MTU); it is ignored with
 *     IP_RAWOUTPUT and IP_FORWARDING.  Its ipo_route, if not NULL, is
 *     where the route is taken from and kept (rtcache_lookup), so a
 *     connection searches the table only when it changed.
 *   - Errors: ENETUNREACH (no route), EHOSTUNREACH (RTF_REJECT),
 *     EACCES (broadcast without IP_ALLOWBROADCAST), EMSGSIZE (DF and larger
 *     than the MTU, or larger than 65535 bytes), ENOBUFS, EINVAL (malformed
 *     IP_RAWOUTPUT header), or what the interface returns.
 *   - IP_FORWARDING: the header is sent unchanged (ip_forward decremented
 *     the TTL and updated the checksum); the ICMP errors a router owes are
 *     sent from here, as only here the packet is known to be undeliverable:
 *     destination unreachable (net, or host for an RTF_HOST/RTF_REJECT
 *     route) and fragmentation needed with the next hop's MTU (RFC 1191).
 */
int ip_output(struct mbuf *m, int flags, const struct ip_opts *opts);

/*
 * Input from the link layer (registered for ETHERTYPE_IP / AF_INET).
 * Under softnet_lock.  A protocol's pr_input(m, off, proto) then gets a
 * packet that begins with its IP header, contiguous and writable in the
 * first mbuf (off = its length), whose m_pkthdr.len equals ip_len (link
 * padding trimmed), reassembled if it was fragmented.  Header fields stay
 * in network byte order.
 */
void ip_input(struct ifnet *ifp, struct mbuf *m);

/*
 * IP's set-up and tear-down, for the netinet component: registers the
 * kstat groups "ip" and "icmp", seeds ip_newid and starts reassembly;
 * ip_fini frees the fragments still held.  Called once each, without
 * softnet_lock held.
 */
void ip_init(void);
void ip_fini(void);

/*
 * Called by ip_input for each fragment addressed to us (header checked,
 * contiguous and writable); returns the whole datagram once complete,
 * else NULL (the fragment is kept or dropped).  Under softnet_lock.
 */
struct mbuf *ip_reass(struct mbuf *m);
/* Called by ip_init and ip_fini; ip_reass_fini frees every fragment held. */
void ip_reass_init(void);
void ip_reass_fini(void);
unsigned ip_reass_count(void);		/* packets being reassembled */

/*
 * Reassembly limits: at most ip_maxfragpackets datagrams in reassembly
 * and ip_maxfrags fragments held in all (beyond either, the oldest
 * datagram is dropped to make room); a datagram not complete
 * ip_reass_timeout milliseconds after its first fragment came is dropped.
 */
extern unsigned ip_maxfragpackets;	/* default 200 */
extern unsigned ip_maxfrags;		/* default 2000 */
extern unsigned ip_reass_timeout;	/* milliseconds, default 30000 */

/* IPv4 forwarding (sysctl net.inet.ip.forwarding), off by default. */
extern bool ip_forwarding;

/*
 * A fresh IP identification value (host order): one counter for all
 * datagrams, started at a random value and incremented, so that 65536
 * datagrams pass before an id repeats (RFC 6864 section 4.1 asks ids to
 * be unique per source, destination and protocol within a datagram's
 * lifetime; RFC 791 section 3.2).
 */
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

/*
 * Offloads done in software (ip_offload.c) when the interface will not.
 * in_cksum_complete() completes an M_CSUM_PARTIAL checksum in place;
 * tcp_tso_segment() cuts an M_CSUM_TSOv4 packet with an IP header of hlen
 * bytes into a list (m_nextpkt) of segments with complete checksums.
 * Both own m: EINVAL for headers or offsets outside the packet, ENOBUFS;
 * the packet is freed then.
 */
int in_cksum_complete(struct mbuf *m);
int tcp_tso_segment(struct mbuf *m, int hlen, struct mbuf **listp);

/*
 * The protocol switch of AF_INET, indexed by protocol number: the entry of
 * proto, or the raw-IP wildcard entry (rip_input), or NULL.  ip_input
 * sends ICMP protocol unreachable only when it gets NULL (or an entry
 * without pr_input); for a protocol that only raw sockets handle, the raw
 * input is the one to answer unreachable when no socket takes the packet.
 */
const struct protosw *ip_protosw(uint8_t proto);

#endif
