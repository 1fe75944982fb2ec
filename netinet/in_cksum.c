/*
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the
 * ones' complement sum of the data taken as big-endian 16-bit words, an
 * odd last byte padded with a zero.
 *
 * The data is summed in the host's byte order, several words at a time,
 * and the result swapped once at the end: RFC 1071 section 2(B) shows the
 * sum is independent of byte order in that way, and 2(C) that it may be
 * taken over 32- or 64-bit words with the carries folded back in at the
 * end ("end-around carry", 2(A)).
 *
 * Partial sums passed between these functions (in_pseudo, in_cksum_add,
 * in_cksum_add_mbuf) are plain numbers: the sum of the big-endian words,
 * not yet folded to 16 bits, so a caller may add two of them, or
 * ntohs(field), with +.  in_cksum and in_cksum_fold return the final
 * checksum as a number in host order: store it with htons().
 */
#include "rumpkern/endian.h"
#include "rumpnet/mbuf.h"
#include "netinet/ip_var.h"

/* Folds a 64-bit sum of 16-bit words to 16 bits with end-around carry. */
static inline uint32_t
cksum_fold64(uint64_t s)
{
	s = (s >> 32) + (s & 0xffffffff);
	s = (s >> 32) + (s & 0xffffffff);
	s = (s >> 16) + (s & 0xffff);
	s = (s >> 16) + (s & 0xffff);
	return (uint32_t)s;
}

/* A 16-bit sum in host order as the big-endian number, and back. */
static inline uint32_t
cksum_to_be(uint32_t s)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16((uint16_t)s);
#else
	return s;
#endif
}

static inline uint32_t
load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * The sum of len bytes as host-order 16-bit words, folded to 16 bits; an
 * odd last byte is the first byte of a word whose second is zero.
 *
 * 32-bit words go into 64-bit accumulators, so no carry is lost before
 * 2^32 words (16 GB); four of them keep the additions independent.
 */
static uint32_t
cksum_host(const uint8_t *p, size_t len)
{
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	uint16_t w;

	for (; len >= 32; p += 32, len -= 32) {
		s0 += (uint64_t)load32(p) + load32(p + 16);
		s1 += (uint64_t)load32(p + 4) + load32(p + 20);
		s2 += (uint64_t)load32(p + 8) + load32(p + 24);
		s3 += (uint64_t)load32(p + 12) + load32(p + 28);
	}
	for (; len >= 4; p += 4, len -= 4)
		s0 += load32(p);
	if (len >= 2) {
		memcpy(&w, p, 2);
		s1 += w;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		/* The byte sits where it would in memory, padded with zero. */
		w = 0;
		memcpy(&w, p, 1);
		s2 += w;
	}
	return cksum_fold64(s0 + s1 + s2 + s3);
}

uint16_t
in_cksum_fold(uint32_t sum)
{
	return (uint16_t)~cksum_fold64(sum);
}

uint32_t
in_cksum_add(uint32_t sum, const void *buf, size_t len)
{
	return cksum_fold64((uint64_t)sum + cksum_to_be(cksum_host(buf, len)));
}

uint32_t
in_cksum_add_mbuf(uint32_t sum, const struct mbuf *m, int off, int len)
{
	uint64_t s = 0;
	bool odd = false;

	KASSERT(off >= 0 && len >= 0);
	for (; m != NULL && off >= m->m_len; m = m->m_next)
		off -= m->m_len;
	for (; len > 0; m = m->m_next, off = 0) {
		int n;
		uint32_t part;

		KASSERTMSG(m != NULL, "in_cksum: %d bytes beyond the chain", len);
		n = MIN(len, m->m_len - off);
		part = cksum_host(mtod(m, const uint8_t *) + off, (size_t)n);
		/*
		 * A piece that begins at an odd position has every byte in
		 * the other half of its word: swap its sum (RFC 1071, 2(B)).
		 */
		if (odd)
			part = __builtin_bswap16((uint16_t)part);
		s += part;
		odd ^= n & 1;
		len -= n;
	}
	return cksum_fold64((uint64_t)sum + cksum_to_be(cksum_fold64(s)));
}

uint16_t
in_cksum(const struct mbuf *m, int off, int len)
{
	return in_cksum_fold(in_cksum_add_mbuf(0, m, off, len));
}

/*
 * The sum of the pseudo-header TCP and UDP checksum (RFC 793 section 3.1,
 * RFC 768): source and destination address, a zero byte, the protocol
 * and the TCP or UDP length (len, in host order).
 */
uint32_t
in_pseudo(struct in_addr src, struct in_addr dst, uint8_t proto, uint16_t len)
{
	uint32_t s = ntohl(src.s_addr), d = ntohl(dst.s_addr);

	return (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) +
	    proto + len;
}
