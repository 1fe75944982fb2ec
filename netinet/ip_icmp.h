/*
 * ICMP (RFC 792): the message header on the wire, and the calls that
 * generate errors.  Error generation follows RFC 1122 section 3.2.2: never
 * about an ICMP error, a broadcast or multicast, a non-initial fragment, or
 * a packet whose source is not a unicast address; and it is rate limited.
 */
#ifndef NETINET_IP_ICMP_H
#define NETINET_IP_ICMP_H

#include "netinet/ip.h"

struct icmp {
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t icmp_cksum;
	union {
		struct { uint16_t id, seq; } echo;
		struct { uint16_t unused, mtu; } frag;	/* needfrag */
		struct { uint8_t ptr, unused[3]; } pp;	/* paramprob */
		uint32_t gateway;			/* redirect */
		uint32_t unused;
	} icmp_hun;
} __packed;
CTASSERT(sizeof(struct icmp) == 8);

#define ICMP_MINLEN		8
/* An error quotes the IP header and at least 8 bytes (RFC 792). */
#define ICMP_ADVLENMIN		(ICMP_MINLEN + 20 + 8)
/* An error is at most 576 bytes, IP header included (RFC 1812 4.3.2.3). */
#define ICMP_MAXERRLEN		576
#define ICMP_ECHOREPLY		0
#define ICMP_UNREACH		3
#define ICMP_UNREACH_NET	0
#define ICMP_UNREACH_HOST	1
#define ICMP_UNREACH_PROTOCOL	2
#define ICMP_UNREACH_PORT	3
#define ICMP_UNREACH_NEEDFRAG	4
#define ICMP_UNREACH_SRCFAIL	5
#define ICMP_UNREACH_NET_UNKNOWN 6
#define ICMP_UNREACH_HOST_UNKNOWN 7
#define ICMP_UNREACH_ISOLATED	8
#define ICMP_UNREACH_NET_PROHIB	9
#define ICMP_UNREACH_HOST_PROHIB 10
#define ICMP_UNREACH_TOSNET	11
#define ICMP_UNREACH_TOSHOST	12
#define ICMP_UNREACH_FILTER_PROHIB 13
#define ICMP_UNREACH_HOST_PRECEDENCE 14
#define ICMP_UNREACH_PRECEDENCE_CUTOFF 15
#define ICMP_SOURCEQUENCH	4
#define ICMP_REDIRECT		5
#define ICMP_ECHO		8
#define ICMP_ROUTERADVERT	9
#define ICMP_ROUTERSOLICIT	10
#define ICMP_TIMXCEED		11
#define ICMP_TIMXCEED_INTRANS	0
#define ICMP_TIMXCEED_REASS	1
#define ICMP_PARAMPROB		12
#define ICMP_TSTAMP		13
#define ICMP_TSTAMPREPLY	14
#define ICMP_IREQ		15
#define ICMP_IREQREPLY		16
#define ICMP_MASKREQ		17
#define ICMP_MASKREPLY		18
#define ICMP_MAXTYPE		18

/* Queries and replies, as opposed to errors (RFC 1122 section 3.2.2). */
#define ICMP_INFOTYPE(t)	((t) == ICMP_ECHOREPLY || (t) == ICMP_ECHO || \
	(t) == ICMP_ROUTERADVERT || (t) == ICMP_ROUTERSOLICIT || \
	(t) == ICMP_TSTAMP || (t) == ICMP_TSTAMPREPLY || \
	(t) == ICMP_IREQ || (t) == ICMP_IREQREPLY || \
	(t) == ICMP_MASKREQ || (t) == ICMP_MASKREPLY)

/* Counters, registered as kstat group "icmp" ("icmp.checksum", ...). */
struct icmpstat {
	uint64_t icps_error;		/* errors generated */
	uint64_t icps_oldicmp;		/* not generated: about an ICMP error */
	uint64_t icps_ratelimited;	/* not generated: rate limit */
	uint64_t icps_suppressed;	/* not generated: bcast/frag/bad source */
	uint64_t icps_tooshort;		/* received: shorter than ICMP_MINLEN */
	uint64_t icps_checksum;		/* received: bad checksum */
	uint64_t icps_badtype;		/* received: unknown type */
	uint64_t icps_badcode;		/* received: unknown code of an error */
	uint64_t icps_badlen;		/* received: error quoting < header + 8 */
	uint64_t icps_bmcastecho;	/* received: echo to broadcast, ignored */
	uint64_t icps_badaddr;		/* received: echo from a non-unicast source */
	uint64_t icps_nobufs;		/* dropped or not sent: no memory */
	uint64_t icps_inhist[ICMP_MAXTYPE + 1];
	uint64_t icps_outhist[ICMP_MAXTYPE + 1];
	uint64_t icps_reflect;		/* echo replies sent */
};
extern struct icmpstat icmpstat;

/*
 * Sends an error about packet m (which begins with its IP header, as
 * received: fields in network byte order) back to its source.  Owns m.
 * arg is the next-hop MTU for ICMP_UNREACH_NEEDFRAG and the offset of the
 * offending octet for ICMP_PARAMPROB; 0 otherwise.  Under softnet_lock.
 *
 * Nothing is sent (icps_suppressed, icps_oldicmp) about a non-initial
 * fragment, a link-level broadcast or multicast (M_BCAST, M_MCAST), an IP
 * broadcast or multicast destination, a source that is not a unicast host,
 * or an ICMP error; and at most icmp_errppslimit errors leave per second
 * (icps_ratelimited).  The error quotes the packet up to 576 bytes in all
 * (RFC 1812 4.3.2.3) and is sent from the address the packet was sent to
 * if that is ours, else from the first address of the interface it
 * arrived on (RFC 1812 4.3.2.4), else from the route's.
 */
void icmp_error(struct mbuf *m, int type, int code, uint32_t arg);

/*
 * Input: the AF_INET protosw entry of IPPROTO_ICMP.  Every message that
 * passes the length and checksum checks is first handed, as a copy
 * (m_copym), to raw sockets through ip_protosw(IPPROTO_RAW)->pr_input
 * (the raw wildcard entry, rip_input), whatever its type; then:
 *   - echo requests are answered (RFC 792, RFC 1122 3.2.2.6) from the
 *     address they were sent to, with id, sequence and data unchanged and
 *     without the request's IP options; requests to a broadcast or
 *     multicast address are ignored (icps_bmcastecho), as Linux does by
 *     default (net.ipv4.icmp_echo_ignore_broadcasts);
 *   - errors (unreachable, time exceeded, parameter problem) that quote at
 *     least an IP header and 8 bytes are reported to the protocol of the
 *     quoted packet: ip_protosw(quoted ip_p)->pr_ctlinput(cmd, dst, ip,
 *     iplen, arg), with dst a sockaddr_in of the quoted destination, ip
 *     the quoted header and iplen >= its length + 8 bytes, contiguous; arg
 *     is the MTU for PRC_MSGSIZE (0 if the router gave none), the pointer
 *     for PRC_PARAMPROB;
 *   - source quench is ignored (RFC 6633), and so are redirects.
 */
void icmp_input(struct mbuf *m, int off, int proto);

/*
 * Errors per second allowed (a token bucket holding up to one second's
 * worth, so bursts of that many pass); 0 disables the limit.  Default 100.
 */
extern unsigned icmp_errppslimit;

#endif
