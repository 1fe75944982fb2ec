/* The UDP header on the wire (RFC 768). Fields in network byte order. */
#ifndef NETINET_UDP_H
#define NETINET_UDP_H

#include "netinet/ip.h"

struct udphdr {
	uint16_t uh_sport;
	uint16_t uh_dport;
	uint16_t uh_ulen;		/* header and data */
	uint16_t uh_sum;		/* 0: none sent */
} __packed;
CTASSERT(sizeof(struct udphdr) == 8);

/* The IP and UDP headers together, as UDP builds them for output. */
struct udpiphdr {
	struct ip ui_ip;
	struct udphdr ui_udp;
} __packed;
CTASSERT(sizeof(struct udpiphdr) == 28);

#define UDP_MAXDATA	(IP_MAXPACKET - (int)sizeof(struct udpiphdr))

#endif
