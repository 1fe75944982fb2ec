/*
 * The TCP header and its options on the wire (RFC 9293 section 3.1,
 * RFC 7323, RFC 2018), and the TCP-level socket options (Linux values).
 * Multi-byte fields stay in network byte order in the structure; they are
 * converted in one place, tcp_hdr_load/tcp_hdr_store (tcp_options.c).
 */
#ifndef NETINET_TCP_H
#define NETINET_TCP_H

#include "netinet/ip.h"

typedef uint32_t tcp_seq;

struct tcphdr {
	uint16_t th_sport;
	uint16_t th_dport;
	uint32_t th_seq;
	uint32_t th_ack;
	uint8_t th_offx2;		/* data offset / 4 << 4 */
	uint8_t th_flags;
	uint16_t th_win;
	uint16_t th_sum;
	uint16_t th_urp;
} __packed;
CTASSERT(sizeof(struct tcphdr) == 20);

/* IP and TCP headers together, as a segment without options starts. */
struct tcpiphdr {
	struct ip ti_ip;
	struct tcphdr ti_tcp;
} __packed;
CTASSERT(sizeof(struct tcpiphdr) == 40);

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_PUSH		0x08
#define TH_ACK		0x10
#define TH_URG		0x20
#define TH_ECE		0x40
#define TH_CWR		0x80

#define TCP_HDRLEN_MIN	20
#define TCP_HDRLEN_MAX	60
#define TCP_MAXOLEN	(TCP_HDRLEN_MAX - TCP_HDRLEN_MIN)

/* Options (RFC 9293 3.2, RFC 7323 2.2 and 3.2, RFC 2018 2 and 3). */
#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MAXSEG		2
#define TCPOLEN_MAXSEG		4
#define TCPOPT_WINDOW		3
#define TCPOLEN_WINDOW		3
#define TCPOPT_SACK_PERMITTED	4
#define TCPOLEN_SACK_PERMITTED	2
#define TCPOPT_SACK		5
#define TCPOLEN_SACKBLK		8
#define TCPOPT_TIMESTAMP	8
#define TCPOLEN_TIMESTAMP	10

#define TCP_MAXWINSHIFT	14		/* RFC 7323 2.3 */
#define TCP_MAXWIN	65535		/* the largest unscaled window */
#define TCP_MSS_DEFAULT	536		/* RFC 9293 3.7.1 */
#define TCP_MAXSACKBLKS	4

/* TCP-level socket options, with Linux's numbers. */
#define TCP_NODELAY	1
#define TCP_MAXSEG	2
#define TCP_CORK	3
#define TCP_KEEPIDLE	4
#define TCP_KEEPINTVL	5
#define TCP_KEEPCNT	6
#define TCP_INFO	11
#define TCP_CONGESTION	13

#endif
