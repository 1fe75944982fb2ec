/*
 * The offloads an interface does not do, done in software before a packet
 * leaves through it: completing a partial transport checksum
 * (M_CSUM_PARTIAL) and cutting a TCP/IPv4 super-segment (M_CSUM_TSOv4)
 * into segments of at most tso_segsz data each, as a device doing TCP
 * segmentation offload would (RFC 9293 3.7.4 for what each segment keeps:
 * the options of the first, FIN and PSH on the last, CWR on the first;
 * RFC 6864 4.1 for consecutive IP ids).
 *
 * Such packets come from TCP when the interface it expected to do the work
 * changed under it (a packet tap or fault injection attached, a route
 * moved), and from forwarding what a host tap handed us as a super-frame.
 */
#include "rumpnet/mbuf.h"
#include "netinet/ip.h"
#include "netinet/ip_var.h"
#include "netinet/tcp.h"

int
in_cksum_complete(struct mbuf *m)
{
	int start = (int)(m->m_pkthdr.csum_data >> 16);
	int field = start + (int)(m->m_pkthdr.csum_data & 0xffff);
	uint16_t sum;

	if (start > m->m_pkthdr.len || field + 2 > m->m_pkthdr.len) {
		m_freem(m);
		return EINVAL;
	}
	sum = htons(in_cksum(m, start, m->m_pkthdr.len - start));
	if (m_copyback(m, field, sizeof(sum), &sum) != 0) {
		m_freem(m);
		return ENOBUFS;
	}
	m->m_pkthdr.csum_flags &= ~M_CSUM_PARTIAL;
	return 0;
}

/* The headers of a super-segment, checked: lengths within the packet. */
static int
tso_headers(const struct mbuf *m, int hlen, int *thlenp)
{
	struct tcphdr th;
	int thlen;

	if (m->m_pkthdr.len < hlen + (int)sizeof(th) ||
	    m->m_pkthdr.tso_segsz == 0)
		return EINVAL;
	m_copydata(m, hlen, sizeof(th), &th);
	thlen = (th.th_offx2 >> 4) << 2;
	if (thlen < (int)sizeof(th) || hlen + thlen > m->m_pkthdr.len ||
	    hlen + thlen > MHLEN)
		return EINVAL;
	*thlenp = thlen;
	return 0;
}

/* One segment: a copy of the headers, then len data bytes from off. */
static struct mbuf *
tso_piece(struct mbuf *m, int hdrlen, int hlen, int off, int len,
    int i, bool last)
{
	struct mbuf *n;
	struct ip *ip;
	struct tcphdr *th;
	int tlen = hdrlen - hlen + len;

	if ((n = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL)
		return NULL;
	m_align(n, hdrlen);
	n->m_len = hdrlen;
	m_copydata(m, 0, hdrlen, mtod(n, void *));
	n->m_flags |= m->m_flags & (M_BCAST | M_MCAST);
	if ((n->m_next = m_copym(m, hdrlen + off, len, M_DONTWAIT)) == NULL &&
	    len > 0) {
		m_freem(n);
		return NULL;
	}
	n->m_pkthdr.len = hdrlen + len;
	ip = mtod(n, struct ip *);
	th = (struct tcphdr *)(void *)(mtod(n, char *) + hlen);
	ip->ip_len = htons((uint16_t)(hdrlen + len));
	ip->ip_id = htons((uint16_t)(ntohs(ip->ip_id) + i));
	ip->ip_sum = 0;
	ip->ip_sum = htons(in_cksum(n, 0, hlen));
	th->th_seq = htonl(ntohl(th->th_seq) + (uint32_t)off);
	if (!last)
		th->th_flags &= (uint8_t)~(TH_FIN | TH_PUSH);
	if (i > 0)
		th->th_flags &= (uint8_t)~TH_CWR;
	th->th_sum = 0;
	th->th_sum = htons(in_cksum_fold(in_cksum_add_mbuf(in_pseudo(ip->ip_src,
	    ip->ip_dst, IPPROTO_TCP, (uint16_t)tlen), n, hlen, tlen)));
	return n;
}

int
tcp_tso_segment(struct mbuf *m, int hlen, struct mbuf **listp)
{
	struct mbuf *head = NULL, **tailp = &head, *n;
	int thlen, hdrlen, plen, segsz, off, i;

	*listp = NULL;
	if (tso_headers(m, hlen, &thlen) != 0) {
		m_freem(m);
		return EINVAL;
	}
	hdrlen = hlen + thlen;
	plen = m->m_pkthdr.len - hdrlen;
	segsz = (int)MIN(m->m_pkthdr.tso_segsz, (uint32_t)IP_MAXPACKET);
	for (off = 0, i = 0; off < plen || i == 0; off += segsz, i++) {
		int len = MIN(segsz, plen - off);

		n = tso_piece(m, hdrlen, hlen, off, len, i, off + len >= plen);
		if (n == NULL) {
			m_freem_list(head);
			m_freem(m);
			return ENOBUFS;
		}
		*tailp = n;
		tailp = &n->m_nextpkt;
	}
	m_freem(m);
	*listp = head;
	return 0;
}
