/*
 * The virtio-net header of a tap with offloads (virtif/virtif_vnet.c):
 * what a received header sets on the frame, which headers are refused
 * (to be counted and dropped by the driver), and the header built for a
 * frame we send.
 */
#include "ktest.h"
#include "rumpnet/mbuf.h"
#include "net/if_ether.h"
#include "netinet/ip.h"
#include "netinet/tcp.h"
#include "virtif/virtif_vnet.h"

#define FRAME	(ETHER_HDR_LEN + 20 + 32 + 3000)	/* TCP with 12 option bytes */
#define CSUM_START	(ETHER_HDR_LEN + 20)
#define CSUM_OFF	16				/* th_sum */

/* An Ethernet, IPv4 and TCP frame of FRAME bytes; the caller frees it. */
static struct mbuf *
frame(void)
{
	uint8_t hdr[ETHER_HDR_LEN + 20 + 32];
	struct mbuf *m = m_gethdr(M_WAIT, MT_DATA);

	memset(hdr, 0, sizeof(hdr));
	hdr[12] = 0x08;					/* IPv4 */
	hdr[ETHER_HDR_LEN] = 0x45;
	hdr[ETHER_HDR_LEN + 9] = IPPROTO_TCP;
	hdr[ETHER_HDR_LEN + 20 + 12] = 8 << 4;		/* 32 bytes */
	assert_int_equal(m_append(m, sizeof(hdr), hdr), 0);
	for (int i = (int)sizeof(hdr); i < FRAME; i++) {
		uint8_t b = (uint8_t)i;

		assert_int_equal(m_append(m, 1, &b), 0);
	}
	return m;
}

static struct virtif_vnet_hdr
tso_hdr(void)
{
	struct virtif_vnet_hdr vh = {
		.vh_flags = VIRTIF_VNET_F_NEEDS_CSUM,
		.vh_gso_type = VIRTIF_VNET_GSO_TCPV4,
		.vh_hdr_len = ETHER_HDR_LEN + 20 + 32,
		.vh_gso_size = 1448,
		.vh_csum_start = CSUM_START,
		.vh_csum_offset = CSUM_OFF,
	};

	return vh;
}

/* virtif_vnet_parse() of vh on a fresh frame; its flags in *flagsp. */
static int
parse(const struct virtif_vnet_hdr *vh, int *flagsp, uint32_t *segszp)
{
	struct mbuf *m;
	int error;

	KTEST_ENTER();
	m = frame();
	m->m_pkthdr.csum_flags = M_CSUM_IPv4_OK;
	error = virtif_vnet_parse(vh, m);
	*flagsp = m->m_pkthdr.csum_flags;
	if (segszp != NULL)
		*segszp = m->m_pkthdr.tso_segsz;
	m_freem(m);
	KTEST_EXIT();
	return error;
}

static void
a_plain_header_leaves_the_frame_to_be_checked(void **state)
{
	struct virtif_vnet_hdr vh = { 0 };
	int flags;

	(void)state;
	assert_int_equal(parse(&vh, &flags, NULL), 0);
	assert_int_equal(flags, 0);
}

static void
data_valid_marks_the_transport_checksum_verified(void **state)
{
	struct virtif_vnet_hdr vh = { .vh_flags = VIRTIF_VNET_F_DATA_VALID };
	int flags;

	(void)state;
	assert_int_equal(parse(&vh, &flags, NULL), 0);
	assert_int_equal(flags, M_CSUM_DATA_OK);
}

static void
a_partial_checksum_is_verified_and_kept_to_complete(void **state)
{
	struct virtif_vnet_hdr vh = {
		.vh_flags = VIRTIF_VNET_F_NEEDS_CSUM,
		.vh_csum_start = CSUM_START,
		.vh_csum_offset = CSUM_OFF,
	};
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = frame();
	assert_int_equal(virtif_vnet_parse(&vh, m), 0);
	assert_int_equal(m->m_pkthdr.csum_flags,
	    M_CSUM_PARTIAL | M_CSUM_DATA_OK);
	/* From the IP header on: the Ethernet header is stripped later. */
	assert_int_equal(m->m_pkthdr.csum_data, 20 << 16 | CSUM_OFF);
	m_freem(m);
	KTEST_EXIT();
}

static void
a_tcp_super_frame_carries_its_segment_size(void **state)
{
	struct virtif_vnet_hdr vh = tso_hdr();
	uint32_t segsz;
	int flags;

	(void)state;
	vh.vh_gso_type |= VIRTIF_VNET_GSO_ECN;
	assert_int_equal(parse(&vh, &flags, &segsz), 0);
	assert_int_equal(flags, M_CSUM_PARTIAL | M_CSUM_DATA_OK | M_CSUM_TSOv4);
	assert_int_equal(segsz, 1448);
}

static void
a_super_frame_without_a_segment_size_is_refused(void **state)
{
	struct virtif_vnet_hdr vh = tso_hdr();
	int flags;

	(void)state;
	vh.vh_gso_size = 0;
	assert_int_equal(parse(&vh, &flags, NULL), EINVAL);
}

static void
headers_longer_than_the_frame_are_refused(void **state)
{
	struct virtif_vnet_hdr vh = tso_hdr();
	int flags;

	(void)state;
	vh.vh_hdr_len = FRAME + 1;
	assert_int_equal(parse(&vh, &flags, NULL), EINVAL);
}

static void
a_checksum_range_outside_the_frame_is_refused(void **state)
{
	struct virtif_vnet_hdr late = tso_hdr(), early = tso_hdr();
	int flags;

	(void)state;
	late.vh_csum_offset = FRAME - CSUM_START - 1;
	assert_int_equal(parse(&late, &flags, NULL), EINVAL);
	early.vh_csum_start = ETHER_HDR_LEN;
	assert_int_equal(parse(&early, &flags, NULL), EINVAL);
}

static void
a_super_frame_without_a_partial_checksum_is_refused(void **state)
{
	struct virtif_vnet_hdr vh = tso_hdr();
	int flags;

	(void)state;
	vh.vh_flags = 0;
	assert_int_equal(parse(&vh, &flags, NULL), EINVAL);
}

static void
segmentation_other_than_tcp_ipv4_is_refused(void **state)
{
	struct virtif_vnet_hdr udp = tso_hdr(), tcp6 = tso_hdr();
	int flags;

	(void)state;
	udp.vh_gso_type = 3;		/* VIRTIO_NET_HDR_GSO_UDP */
	tcp6.vh_gso_type = 4;		/* VIRTIO_NET_HDR_GSO_TCPV6 */
	assert_int_equal(parse(&udp, &flags, NULL), EINVAL);
	assert_int_equal(parse(&tcp6, &flags, NULL), EINVAL);
}

static void
a_frame_without_offloads_gets_an_empty_header(void **state)
{
	struct virtif_vnet_hdr vh, zero = { 0 };
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = frame();
	assert_int_equal(virtif_vnet_build(m, &vh), 0);
	m_freem(m);
	KTEST_EXIT();
	assert_memory_equal(&vh, &zero, sizeof(vh));
}

static void
a_super_segment_gets_the_header_the_host_cuts_it_by(void **state)
{
	struct virtif_vnet_hdr vh, want = tso_hdr();
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = frame();
	m->m_pkthdr.csum_flags = M_CSUM_PARTIAL | M_CSUM_TSOv4;
	m->m_pkthdr.csum_data = 20 << 16 | CSUM_OFF;
	m->m_pkthdr.tso_segsz = 1448;
	assert_int_equal(virtif_vnet_build(m, &vh), 0);
	m_freem(m);
	KTEST_EXIT();
	assert_memory_equal(&vh, &want, sizeof(vh));
}

static void
offload_state_that_does_not_fit_the_frame_builds_no_header(void **state)
{
	struct virtif_vnet_hdr vh;
	struct mbuf *m;
	int e1, e2, e3;

	(void)state;
	KTEST_ENTER();
	m = frame();
	m->m_pkthdr.csum_flags = M_CSUM_PARTIAL;
	m->m_pkthdr.csum_data = (FRAME - ETHER_HDR_LEN) << 16;
	e1 = virtif_vnet_build(m, &vh);
	/* Segmentation needs the partial checksum, and a segment size. */
	m->m_pkthdr.csum_flags = M_CSUM_TSOv4;
	m->m_pkthdr.tso_segsz = 1448;
	e2 = virtif_vnet_build(m, &vh);
	m->m_pkthdr.csum_flags = M_CSUM_PARTIAL | M_CSUM_TSOv4;
	m->m_pkthdr.csum_data = 20 << 16 | CSUM_OFF;
	m->m_pkthdr.tso_segsz = 0;
	e3 = virtif_vnet_build(m, &vh);
	m_freem(m);
	KTEST_EXIT();
	assert_int_equal(e1, EINVAL);
	assert_int_equal(e2, EINVAL);
	assert_int_equal(e3, EINVAL);
}

static void
a_super_segment_that_is_not_ipv4_builds_no_header(void **state)
{
	struct virtif_vnet_hdr vh;
	struct mbuf *m;
	uint8_t arp[2] = { 0x08, 0x06 };
	int error;

	(void)state;
	KTEST_ENTER();
	m = frame();
	assert_int_equal(m_copyback(m, 12, 2, arp), 0);
	m->m_pkthdr.csum_flags = M_CSUM_PARTIAL | M_CSUM_TSOv4;
	m->m_pkthdr.csum_data = 20 << 16 | CSUM_OFF;
	m->m_pkthdr.tso_segsz = 1448;
	error = virtif_vnet_build(m, &vh);
	m_freem(m);
	KTEST_EXIT();
	assert_int_equal(error, EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_plain_header_leaves_the_frame_to_be_checked),
		leak_test(data_valid_marks_the_transport_checksum_verified),
		leak_test(a_partial_checksum_is_verified_and_kept_to_complete),
		leak_test(a_tcp_super_frame_carries_its_segment_size),
		leak_test(a_super_frame_without_a_segment_size_is_refused),
		leak_test(headers_longer_than_the_frame_are_refused),
		leak_test(a_checksum_range_outside_the_frame_is_refused),
		leak_test(a_super_frame_without_a_partial_checksum_is_refused),
		leak_test(segmentation_other_than_tcp_ipv4_is_refused),
		leak_test(a_frame_without_offloads_gets_an_empty_header),
		leak_test(a_super_segment_gets_the_header_the_host_cuts_it_by),
		leak_test(offload_state_that_does_not_fit_the_frame_builds_no_header),
		leak_test(a_super_segment_that_is_not_ipv4_builds_no_header),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
