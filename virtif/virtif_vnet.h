/*
 * The header a tap opened with IFF_VNET_HDR puts before every frame, in
 * both directions: Linux's struct virtio_net_hdr (the virtio 1.x
 * specification, 5.1.6), which carries checksum and segmentation offload
 * state.  Declared once here; its fields are in the host's byte order (a
 * tap without TUNSETVNETBE/LE uses the legacy, native order) and are read
 * and written only by virtif_vnet_parse() and virtif_vnet_build().
 */
#ifndef VIRTIF_VIRTIF_VNET_H
#define VIRTIF_VIRTIF_VNET_H

#include "rumpkern/kern.h"

struct mbuf;

struct virtif_vnet_hdr {
	uint8_t vh_flags;
	uint8_t vh_gso_type;
	uint16_t vh_hdr_len;		/* Ethernet, IP and TCP headers */
	uint16_t vh_gso_size;		/* data bytes per segment */
	uint16_t vh_csum_start;		/* from the frame's first byte */
	uint16_t vh_csum_offset;	/* of the field from csum_start */
} __packed;
CTASSERT(sizeof(struct virtif_vnet_hdr) == 10);

/* vh_flags */
#define VIRTIF_VNET_F_NEEDS_CSUM	0x01	/* checksum partial */
#define VIRTIF_VNET_F_DATA_VALID	0x02	/* checksum verified */
/* vh_gso_type */
#define VIRTIF_VNET_GSO_NONE		0x00
#define VIRTIF_VNET_GSO_TCPV4		0x01
#define VIRTIF_VNET_GSO_ECN		0x80	/* a flag: CWR was set */

/*
 * Sets the offload state of received frame m (a packet header mbuf of the
 * whole frame) from vh.  EINVAL when the header is malformed (a checksum
 * range outside the frame, a segmentation without a segment size or
 * without a partial checksum, headers longer than the frame) or asks for
 * what we do not take (segmentation other than TCP/IPv4): the caller
 * drops and counts the frame.
 */
int virtif_vnet_parse(const struct virtif_vnet_hdr *vh, struct mbuf *m);

/*
 * Fills vh for frame m, an Ethernet frame about to be sent, from its
 * M_CSUM_PARTIAL and M_CSUM_TSOv4 state.  EINVAL when that state does
 * not fit the frame (not IPv4, offsets outside it).
 */
int virtif_vnet_build(const struct mbuf *m, struct virtif_vnet_hdr *vh);

#endif /* VIRTIF_VIRTIF_VNET_H */
