/*
 * Private to the IPv4 files of netinet (ip_input.c, ip_output.c,
 * ip_reass.c, ip_icmp.c) and their tests: what they share with each other
 * and nobody else needs.
 */
#ifndef NETINET_IP_PRIVATE_H
#define NETINET_IP_PRIVATE_H

#include "netinet/ip_var.h"

struct mbuf;

/*
 * Makes the first hlen bytes of m contiguous and writable in its first
 * mbuf: when they lie in shared storage (an m_copym of a cluster), they
 * are copied into a fresh mbuf put in front.  Frees m and returns NULL
 * when out of memory.  hlen <= 60.
 */
struct mbuf *ip_hdr_private(struct mbuf *m, int hlen);

/* ICMP's kstat group "icmp"; called by ip_init and ip_fini. */
void icmp_init(void);
void icmp_fini(void);
/*
 * The clock of ICMP's error rate limit, in nanoseconds: getnsuptime.  A
 * test sets its own to count exactly what the limit lets through.
 */
extern uint64_t (*icmp_clock)(void);

/* Seeds ip_newid() (ip_output.c); called by ip_init. */
void ip_newid_init(void);

/* Fragments held in all by reassembly (for tests and statistics). */
unsigned ip_reass_nfrags(void);

/*
 * The Internet checksum after one 16-bit word of the summed data changed
 * from old to new, all three as they lie in memory (RFC 1624, equation 3:
 * HC' = ~(~HC + ~m + m')).  Equation 3 gives 0x0000 when the data then
 * sums to zero, as an echo reply with id, sequence and data all zero does;
 * only 0xffff checks out then, and 0xffff is as good as 0x0000 whenever
 * 0x0000 is right, so 0x0000 is never returned.
 */
static inline uint16_t
ip_cksum_adjust(uint16_t sum, uint16_t old, uint16_t new)
{
	uint32_t s = (uint32_t)(uint16_t)~sum + (uint16_t)~old + new;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = ~s & 0xffff;
	return s == 0 ? 0xffff : (uint16_t)s;
}

#endif
