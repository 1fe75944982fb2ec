/*
 * The IPv4 header on the wire (RFC 791, section 3.1).  Multi-byte fields
 * stay in network byte order in the structure; code reads and writes them
 * with ntohs/htons at the point of use in ip_input.c and ip_output.c.
 */
#ifndef NETINET_IP_H
#define NETINET_IP_H

#include "netinet/in.h"

#define IPVERSION	4
#define IP_MAXPACKET	65535
#define IP_DEFTTL	64
#define IP_MAXTTL	255

struct ip {
	uint8_t ip_vhl;			/* version << 4 | header length / 4 */
	uint8_t ip_tos;
	uint16_t ip_len;		/* total length */
	uint16_t ip_id;
	uint16_t ip_off;		/* flags and fragment offset / 8 */
	uint8_t ip_ttl;
	uint8_t ip_p;
	uint16_t ip_sum;
	struct in_addr ip_src;
	struct in_addr ip_dst;
} __packed;
CTASSERT(sizeof(struct ip) == 20);

#define IP_RF		0x8000		/* reserved fragment flag */
#define IP_DF		0x4000		/* don't fragment */
#define IP_MF		0x2000		/* more fragments */
#define IP_OFFMASK	0x1fff

/*
 * Options (RFC 791 section 3.1): a type octet, then for all but EOL and NOP
 * a length octet counting the whole option.  The copied flag says whether
 * the option is repeated in every fragment.
 */
#define IPOPT_OPTVAL	0		/* offset of the type */
#define IPOPT_OLEN	1		/* offset of the length */
#define IPOPT_EOL	0		/* end of the option list */
#define IPOPT_NOP	1		/* no operation (padding) */
#define IPOPT_COPIED(o)	((o) & 0x80)

/*
 * The option at offset off of an IP header of hlen bytes (RFC 791 section
 * 3.1): returns its type and sets *lenp to its whole length (1 for EOL and
 * NOP).  Returns -1 when it does not fit in the header, with *lenp then
 * the distance from off to the octet in error.
 */
static inline int
ip_option_at(const uint8_t *hdr, int hlen, int off, int *lenp)
{
	uint8_t opt = hdr[off + IPOPT_OPTVAL];

	if (opt == IPOPT_EOL || opt == IPOPT_NOP) {
		*lenp = 1;
		return opt;
	}
	if (off + IPOPT_OLEN >= hlen) {
		*lenp = 0;
		return -1;
	}
	*lenp = hdr[off + IPOPT_OLEN];
	if (*lenp < 2 || *lenp > hlen - off) {
		*lenp = IPOPT_OLEN;
		return -1;
	}
	return opt;
}
#define IP_MAXOPTLEN	40		/* 60-byte header less the fixed 20 */

#define IP_V(ip)	((ip)->ip_vhl >> 4)
#define IP_HL(ip)	(((ip)->ip_vhl & 0x0f) << 2)	/* in bytes */
#define IP_VHL(v, hl)	((uint8_t)((v) << 4 | ((hl) >> 2)))

#endif
