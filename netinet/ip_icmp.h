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
		uint32_t gateway;			/* redirect */
		uint32_t unused;
	} icmp_hun;
} __packed;
CTASSERT(sizeof(struct icmp) == 8);

#define ICMP_MINLEN		8
#define ICMP_ECHOREPLY		0
#define ICMP_UNREACH		3
#define ICMP_UNREACH_NET	0
#define ICMP_UNREACH_HOST	1
#define ICMP_UNREACH_PROTOCOL	2
#define ICMP_UNREACH_PORT	3
#define ICMP_UNREACH_NEEDFRAG	4
#define ICMP_SOURCEQUENCH	4
#define ICMP_REDIRECT		5
#define ICMP_ECHO		8
#define ICMP_TIMXCEED		11
#define ICMP_TIMXCEED_INTRANS	0
#define ICMP_TIMXCEED_REASS	1
#define ICMP_PARAMPROB		12
#define ICMP_MAXTYPE		18

struct icmpstat {
	uint64_t icps_error;		/* errors generated */
	uint64_t icps_oldicmp;		/* not generated: about an ICMP error */
	uint64_t icps_ratelimited;	/* not generated: rate limit */
	uint64_t icps_suppressed;	/* not generated: bcast/frag/bad source */
	uint64_t icps_tooshort;		/* received: shorter than ICMP_MINLEN */
	uint64_t icps_checksum;		/* received: bad checksum */
	uint64_t icps_badtype;		/* received: unknown type */
	uint64_t icps_inhist[ICMP_MAXTYPE + 1];
	uint64_t icps_outhist[ICMP_MAXTYPE + 1];
	uint64_t icps_reflect;		/* echo replies sent */
};
extern struct icmpstat icmpstat;

/*
 * Sends an error about packet m (which begins with its IP header) back to
 * its source.  Owns m.  mtu is for ICMP_UNREACH_NEEDFRAG.  Under softnet_lock.
 */
void icmp_error(struct mbuf *m, int type, int code, uint32_t mtu);

/* Input, from the protocol switch. */
void icmp_input(struct mbuf *m, int off, int proto);

/* Errors per second allowed (token bucket); 0 disables the limit. */
extern unsigned icmp_errppslimit;

#endif
