/*
 * The virtio-net header of a tap with offloads (virtif_vnet.h): parsed on
 * receive into the mbuf's checksum and segmentation state, built on
 * transmit from it.  Every offset the host gives is checked against the
 * frame before it is used.
 */
#include "rumpnet/mbuf.h"
#include "net/if_ether.h"
#include "netinet/ip.h"
#include "netinet/tcp.h"
#include "virtif/virtif_vnet.h"

int
virtif_vnet_parse(const struct virtif_vnet_hdr *vh, struct mbuf *m)
{
	uint32_t len = (uint32_t)m->m_pkthdr.len;
	uint32_t start = vh->vh_csum_start, field;
	uint8_t gso = vh->vh_gso_type & (uint8_t)~VIRTIF_VNET_GSO_ECN;

	m->m_pkthdr.csum_flags = 0;
	m->m_pkthdr.tso_segsz = 0;
	if (vh->vh_flags & VIRTIF_VNET_F_NEEDS_CSUM) {
		field = start + vh->vh_csum_offset;
		if (start < ETHER_HDR_LEN + sizeof(struct ip) || field + 2 > len)
			return EINVAL;
		/* The host wrote the frame itself: nothing to verify. */
		m->m_pkthdr.csum_flags = M_CSUM_PARTIAL | M_CSUM_DATA_OK;
		m->m_pkthdr.csum_data = (start - ETHER_HDR_LEN) << 16 |
		    vh->vh_csum_offset;
	} else if (vh->vh_flags & VIRTIF_VNET_F_DATA_VALID) {
		m->m_pkthdr.csum_flags = M_CSUM_DATA_OK;
	}
	if (gso == VIRTIF_VNET_GSO_NONE)
		return 0;
	if (gso != VIRTIF_VNET_GSO_TCPV4 || vh->vh_gso_size == 0 ||
	    vh->vh_hdr_len > len ||
	    !(vh->vh_flags & VIRTIF_VNET_F_NEEDS_CSUM))
		return EINVAL;
	m->m_pkthdr.csum_flags |= M_CSUM_TSOv4;
	m->m_pkthdr.tso_segsz = vh->vh_gso_size;
	return 0;
}

/* The lengths of the IPv4 and TCP headers of frame m, checked. */
static int
vnet_tcpip_hlen(const struct mbuf *m, uint32_t *iphlenp, uint32_t *thlenp)
{
	struct ether_header eh;
	struct ip ip;
	struct tcphdr th;
	uint32_t len = (uint32_t)m->m_pkthdr.len, iphlen;

	if (len < ETHER_HDR_LEN + sizeof(ip))
		return EINVAL;
	m_copydata(m, 0, ETHER_HDR_LEN, &eh);
	m_copydata(m, ETHER_HDR_LEN, sizeof(ip), &ip);
	iphlen = (uint32_t)IP_HL(&ip);
	if (ntohs(eh.ether_type) != ETHERTYPE_IP || iphlen < sizeof(ip) ||
	    ETHER_HDR_LEN + iphlen + sizeof(th) > len)
		return EINVAL;
	m_copydata(m, (int)(ETHER_HDR_LEN + iphlen), sizeof(th), &th);
	*iphlenp = iphlen;
	*thlenp = (uint32_t)(th.th_offx2 >> 4) << 2;
	return 0;
}

int
virtif_vnet_build(const struct mbuf *m, struct virtif_vnet_hdr *vh)
{
	int flags = m->m_pkthdr.csum_flags;
	uint32_t start, off, iphlen, thlen;

	memset(vh, 0, sizeof(*vh));
	if (flags & M_CSUM_PARTIAL) {
		start = ETHER_HDR_LEN + (m->m_pkthdr.csum_data >> 16);
		off = m->m_pkthdr.csum_data & 0xffff;
		if (start + off + 2 > (uint32_t)m->m_pkthdr.len)
			return EINVAL;
		vh->vh_flags = VIRTIF_VNET_F_NEEDS_CSUM;
		vh->vh_csum_start = (uint16_t)start;
		vh->vh_csum_offset = (uint16_t)off;
	}
	if (!(flags & M_CSUM_TSOv4))
		return 0;
	if (!(flags & M_CSUM_PARTIAL) || m->m_pkthdr.tso_segsz == 0 ||
	    m->m_pkthdr.tso_segsz > UINT16_MAX ||
	    vnet_tcpip_hlen(m, &iphlen, &thlen) != 0 ||
	    ETHER_HDR_LEN + iphlen + thlen > (uint32_t)m->m_pkthdr.len)
		return EINVAL;
	vh->vh_gso_type = VIRTIF_VNET_GSO_TCPV4;
	vh->vh_gso_size = (uint16_t)m->m_pkthdr.tso_segsz;
	vh->vh_hdr_len = (uint16_t)(ETHER_HDR_LEN + iphlen + thlen);
	return 0;
}
