/*
 * The Internet checksum (RFC 1071): known values, odd lengths and
 * alignments, and chains of every shape compared with a byte-at-a-time
 * reference, from a fixed-seed generator so a failure repeats.
 */
#include "ktest.h"
#include "rumpkern/endian.h"
#include "rumpnet/mbuf.h"
#include "netinet/ip_var.h"

/* RFC 1071 as written: big-endian words, a zero after an odd last byte. */
static uint32_t
ref_sum(const uint8_t *p, int len)
{
	uint32_t s = 0;

	for (int i = 0; i < len; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static uint16_t
ref_cksum(const uint8_t *p, int len)
{
	return (uint16_t)~ref_sum(p, len);
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void
rnd_bytes(uint8_t *p, int len)
{
	for (int i = 0; i < len; i++)
		p[i] = (uint8_t)rnd(256);
}

/* A chain holding buf split into pieces of random length (some odd, some empty). */
static struct mbuf *
random_chain(const uint8_t *buf, int len)
{
	struct mbuf *top = m_gethdr(M_WAIT, MT_DATA), *m = top;
	int off = 0;

	for (;;) {
		int r = (int)rnd(rnd(4) == 0 ? 1500 : 9);
		int n = MIN(len - off, r);

		if (n > M_TRAILINGSPACE(m))
			n = M_TRAILINGSPACE(m);
		/* Start some pieces at odd addresses too. */
		if (m->m_len == 0 && M_TRAILINGSPACE(m) > n + 1 && rnd(2))
			m->m_data++;
		memcpy(mtod(m, uint8_t *), buf + off, n);
		m->m_len = n;
		off += n;
		if (off == len && rnd(3) != 0)
			break;
		m->m_next = rnd(5) == 0 ? m_getcl(M_WAIT, MT_DATA, 0) :
		    m_get(M_WAIT, MT_DATA);
		m = m->m_next;
	}
	top->m_pkthdr.len = len;
	assert_true(m_check(top));
	return top;
}

static void
in_cksum_rfc1071_example(void **state)
{
	/* RFC 1071 section 3: the sum of these bytes is ddf2. */
	static const uint8_t data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
	    0xf6, 0xf7 };

	(void)state;
	assert_int_equal(in_cksum_add(0, data, sizeof(data)), 0xddf2);
	assert_int_equal(in_cksum_fold(in_cksum_add(0, data, sizeof(data))),
	    0x220d);
}

static void
in_cksum_ipv4_header(void **state)
{
	uint8_t hdr[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
	    0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00,
	    0xc7 };
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = m_devget(hdr, sizeof(hdr), NULL);
	assert_int_equal(in_cksum(m, 0, sizeof(hdr)), 0xb861);
	m_freem(m);
	KTEST_EXIT();
	assert_int_equal(in_cksum_fold(in_cksum_add(0, hdr, sizeof(hdr))),
	    0xb861);
	/* Stored with htons, it is the b8 61 of the wire. */
	be16enc(hdr + 10, 0xb861);
	assert_int_equal(hdr[10], 0xb8);
}

static void
in_cksum_of_data_with_its_checksum_is_zero(void **state)
{
	uint8_t buf[1501];

	(void)state;
	for (int len = 2; len <= 1500; len += 2 + (int)rnd(40)) {
		uint16_t c;

		rnd_bytes(buf, len);
		buf[0] = buf[1] = 0;		/* where the checksum goes */
		c = in_cksum_fold(in_cksum_add(0, buf, (size_t)len));
		be16enc(buf, c);
		assert_int_equal(in_cksum_fold(in_cksum_add(0, buf,
		    (size_t)len)), 0);
	}
}

static void
in_cksum_add_odd_length_pads_with_zero(void **state)
{
	static const uint8_t data[] = { 0x01, 0x02, 0x03 };

	(void)state;
	assert_int_equal(in_cksum_add(0, data, 1), 0x0100);
	assert_int_equal(in_cksum_add(0, data, 3), 0x0402);
	assert_int_equal(in_cksum_add(0, data, 0), 0);
}

static void
in_cksum_add_matches_reference_at_every_length_and_alignment(void **state)
{
	static uint8_t buf[2100];

	(void)state;
	rnd_bytes(buf, sizeof(buf));
	for (int align = 0; align < 8; align++)
		for (int len = 0; len <= 2048; len++)
			assert_int_equal(in_cksum_fold(in_cksum_add(0,
			    buf + align, (size_t)len)),
			    ref_cksum(buf + align, len));
}

static void
in_cksum_add_handles_carries(void **state)
{
	static uint8_t ones[4096];

	(void)state;
	memset(ones, 0xff, sizeof(ones));
	assert_int_equal(ref_cksum(ones, sizeof(ones)), 0);
	assert_int_equal(in_cksum_fold(in_cksum_add(0, ones, sizeof(ones))), 0);
	assert_int_equal(in_cksum_fold(in_cksum_add(0xffffffff, ones, 2)), 0);
	assert_int_equal(in_cksum_fold(0xffffffff), 0);
	assert_int_equal(in_cksum_fold(0x0001fffe), 0);
	assert_int_equal(in_cksum_fold(0), 0xffff);
}

static void
in_cksum_add_continues_partial_sum(void **state)
{
	uint8_t buf[999];
	uint32_t s;

	(void)state;
	rnd_bytes(buf, sizeof(buf));
	for (int cut = 0; cut < (int)sizeof(buf); cut += 2) {
		s = in_cksum_add(0, buf, (size_t)cut);
		s = in_cksum_add(s, buf + cut, sizeof(buf) - (size_t)cut);
		assert_int_equal(in_cksum_fold(s), ref_cksum(buf, sizeof(buf)));
	}
	/* Partial sums are plain numbers: they add with +. */
	s = in_cksum_add(0, buf, 100) + in_cksum_add(0, buf + 100, 800);
	assert_int_equal(in_cksum_fold(s), ref_cksum(buf, 900));
}

static void
in_cksum_chain_with_odd_mbufs_matches_flat(void **state)
{
	static uint8_t buf[9000];

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < 2000; i++) {
		int len = (int)rnd(i < 1000 ? 64 : sizeof(buf));
		struct mbuf *m;

		rnd_bytes(buf, len);
		m = random_chain(buf, len);
		assert_int_equal(in_cksum(m, 0, len), ref_cksum(buf, len));
		m_freem(m);
	}
	KTEST_EXIT();
}

static void
in_cksum_from_offset_in_chain_matches_flat(void **state)
{
	static uint8_t buf[5000];

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < 1000; i++) {
		int len = (int)rnd(sizeof(buf)), off, n;
		struct mbuf *m;

		rnd_bytes(buf, len);
		m = random_chain(buf, len);
		off = (int)rnd((unsigned)len + 1);
		n = (int)rnd((unsigned)(len - off) + 1);
		assert_int_equal(in_cksum(m, off, n), ref_cksum(buf + off, n));
		m_freem(m);
	}
	KTEST_EXIT();
}

static void
in_cksum_offset_at_odd_position_of_second_mbuf(void **state)
{
	uint8_t buf[64];
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	rnd_bytes(buf, sizeof(buf));
	m = m_devget(buf, 7, NULL);
	assert_int_equal(m_append(m, 9, buf + 7), 0);
	m->m_next = m_get(M_WAIT, MT_DATA);
	memcpy(mtod(m->m_next, uint8_t *), buf + 16, 48);
	m->m_next->m_len = 48;
	m->m_pkthdr.len = 64;
	assert_true(m_check(m));
	/* 16 bytes in the first mbuf; start at 9, run 3 odd bytes into the second. */
	assert_int_equal(in_cksum(m, 9, 10), ref_cksum(buf + 9, 10));
	assert_int_equal(in_cksum(m, 15, 3), ref_cksum(buf + 15, 3));
	assert_int_equal(in_cksum(m, 16, 48), ref_cksum(buf + 16, 48));
	assert_int_equal(in_cksum(m, 64, 0), 0xffff);
	m_freem(m);
	KTEST_EXIT();
}

static void
in_pseudo_matches_flat_pseudo_header(void **state)
{
	uint8_t ph[12];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		struct in_addr src, dst;
		uint8_t proto = (uint8_t)rnd(256);
		uint16_t len = (uint16_t)rnd(65536);

		rnd_bytes(ph, 8);
		memcpy(&src.s_addr, ph, 4);
		memcpy(&dst.s_addr, ph + 4, 4);
		ph[8] = 0;
		ph[9] = proto;
		be16enc(ph + 10, len);
		assert_int_equal(in_cksum_fold(in_pseudo(src, dst, proto, len)),
		    ref_cksum(ph, sizeof(ph)));
	}
}

static void
in_cksum_add_mbuf_with_pseudo_header_gives_udp_checksum(void **state)
{
	/* UDP 192.168.0.1:1234 -> 192.168.0.199:53 "hello", checksum 34e2. */
	static const uint8_t udp[13] = { 0x04, 0xd2, 0x00, 0x35, 0x00, 0x0d,
	    0x00, 0x00, 'h', 'e', 'l', 'l', 'o' };
	struct in_addr src = { htonl(0xc0a80001) }, dst = { htonl(0xc0a800c7) };
	struct mbuf *m;
	uint32_t s;

	(void)state;
	KTEST_ENTER();
	m = m_devget(udp, 6, NULL);
	m->m_next = m_get(M_WAIT, MT_DATA);
	memcpy(mtod(m->m_next, uint8_t *), udp + 6, 7);
	m->m_next->m_len = 7;
	m->m_pkthdr.len = 13;
	s = in_cksum_add_mbuf(in_pseudo(src, dst, IPPROTO_UDP, 13), m, 0, 13);
	assert_int_equal(in_cksum_fold(s), 0x34e2);
	/* With the checksum in place the sum verifies to zero. */
	m_copyback(m, 6, 2, (const uint8_t[]){ 0x34, 0xe2 });
	s = in_cksum_add_mbuf(in_pseudo(src, dst, IPPROTO_UDP, 13), m, 0, 13);
	assert_int_equal(in_cksum_fold(s), 0);
	m_freem(m);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(in_cksum_rfc1071_example),
		leak_test(in_cksum_ipv4_header),
		leak_test(in_cksum_of_data_with_its_checksum_is_zero),
		leak_test(in_cksum_add_odd_length_pads_with_zero),
		leak_test(in_cksum_add_matches_reference_at_every_length_and_alignment),
		leak_test(in_cksum_add_handles_carries),
		leak_test(in_cksum_add_continues_partial_sum),
		leak_test(in_cksum_chain_with_odd_mbufs_matches_flat),
		leak_test(in_cksum_from_offset_in_chain_matches_flat),
		leak_test(in_cksum_offset_at_odd_position_of_second_mbuf),
		leak_test(in_pseudo_matches_flat_pseudo_header),
		leak_test(in_cksum_add_mbuf_with_pseudo_header_gives_udp_checksum),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
