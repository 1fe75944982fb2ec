/*
 * The host's Internet ABI (Linux, x86-64) declared for kernel code:
 * addresses, socket addresses, protocol numbers and IP-level options.
 */
#ifndef NETINET_IN_H
#define NETINET_IN_H

#include "rumpkern/endian.h"
#include "rumpnet/net_abi.h"

typedef uint32_t in_addr_t;
typedef uint16_t in_port_t;

struct in_addr {
	in_addr_t s_addr;		/* network byte order */
};

struct sockaddr_in {
	sa_family_t sin_family;
	in_port_t sin_port;		/* network byte order */
	struct in_addr sin_addr;
	unsigned char sin_zero[8];
};
CTASSERT(sizeof(struct sockaddr_in) == 16);

#define IPPROTO_IP	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_RAW	255
#define IPPROTO_MAX	256

#define INADDR_ANY		((in_addr_t)0x00000000)
#define INADDR_BROADCAST	((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK		((in_addr_t)0x7f000001)	/* host order */

/* IP-level socket options (level IPPROTO_IP) */
#define IP_TOS		1
#define IP_TTL		2
#define IP_HDRINCL	3
#define IP_OPTIONS	4
#define IP_RECVERR	11
#define IP_MTU_DISCOVER	10
#define IP_MTU		14
#define IP_RECVTTL	12
#define IP_MULTICAST_TTL 33
#define IP_MULTICAST_LOOP 34

#define IP_PMTUDISC_DONT	0
#define IP_PMTUDISC_WANT	1
#define IP_PMTUDISC_DO		2

/* Address classes, on host-order values. */
#define IN_LOOPBACK(a)	(((a) & 0xff000000) == 0x7f000000)
#define IN_MULTICAST(a)	(((a) & 0xf0000000) == 0xe0000000)
#define IN_EXPERIMENTAL(a) (((a) & 0xf0000000) == 0xf0000000)
#define IN_ZERONET(a)	(((a) & 0xff000000) == 0)

#endif
