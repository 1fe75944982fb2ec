/*
 * The offloads IP does in software (netinet/ip_offload.c) when memory or
 * the headers fail them: completing a partial checksum in storage shared
 * with another packet, cutting a super-segment whose TCP header is out of
 * bounds, and cutting one without mbufs.  Each owns and frees the packet.
 */
#include "ktest.h"
#include "rumpnet/mbuf.h"
#include "netinet/ip.h"
#include "netinet/ip_var.h"
#include "netinet/tcp.h"

#define HLEN	((int)sizeof(struct ip))
#define THLEN	((int)sizeof(struct tcphdr))

/*
 * A TCP/IPv4 packet with len data bytes and a TCP header of thlen bytes
 * (as its offset field says), in a cluster; the checksum left partial
 * and the segment size 100 for cutting.
 */
static struct mbuf *
tcp_packet(int len, int thoff)
{
	struct mbuf *m = m_getcl(M_WAIT, MT_DATA, M_PKTHDR);
	struct ip *ip = mtod(m, struct ip *);
	struct tcphdr *th = (struct tcphdr *)(ip + 1);

	memset(ip, 0, HLEN + THLEN);
	ip->ip_vhl = IP_VHL(IPVERSION, HLEN);
	ip->ip_p = IPPROTO_TCP;
	ip->ip_len = htons((uint16_t)(HLEN + THLEN + len));
	th->th_offx2 = (uint8_t)(thoff << 4);
	th->th_flags = TH_ACK;
	memset((char *)(th + 1), 'd', (size_t)len);
	m->m_len = m->m_pkthdr.len = HLEN + THLEN + len;
	m->m_pkthdr.csum_flags = M_CSUM_PARTIAL | M_CSUM_TSOv4;
	m->m_pkthdr.csum_data = (uint32_t)HLEN << 16 |
	    (uint32_t)offsetof(struct tcphdr, th_sum);
	m->m_pkthdr.tso_segsz = 100;
	return m;
}

static void
completing_a_checksum_in_shared_storage_without_an_mbuf_is_enobufs(void **state)
{
	struct mbuf *m, *copy;
	int error;

	(void)state;
	KTEST_ENTER();
	m = tcp_packet(300, THLEN / 4);
	/* The copy shares the cluster: writing the sum needs a private one. */
	copy = m_copym(m, 0, M_COPYALL, M_WAIT);
	mb_failnext(1);
	error = in_cksum_complete(m);
	mb_failnext(0);
	assert_int_equal(error, ENOBUFS);
	/* The other packet's bytes are as they were. */
	assert_int_equal(((struct tcphdr *)(void *)(mtod(copy, char *) +
	    HLEN))->th_sum, 0);
	m_freem(copy);
	KTEST_EXIT();
}

static void
a_tcp_header_out_of_bounds_cannot_be_cut(void **state)
{
	struct mbuf *list = NULL;

	(void)state;
	KTEST_ENTER();
	/* Shorter than a TCP header, and longer than the packet. */
	assert_int_equal(tcp_tso_segment(tcp_packet(0, 4), HLEN, &list),
	    EINVAL);
	assert_null(list);
	assert_int_equal(tcp_tso_segment(tcp_packet(0, 15), HLEN, &list),
	    EINVAL);
	assert_null(list);
	KTEST_EXIT();
}

/*
 * The first allocation is the header of a segment, the second its share
 * of the data; the fifth the data of the third segment, after two were
 * made and must be freed too.
 */
static void
cutting_without_mbufs_is_enobufs_and_leaves_nothing(void **state)
{
	static const unsigned nth[] = { 1, 2, 5 };
	struct mbuf *list;
	int n = 0;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(nth); i++) {
		struct mbuf *m = tcp_packet(1000, THLEN / 4);
		int error;

		list = NULL;
		mb_failnext(nth[i]);
		error = tcp_tso_segment(m, HLEN, &list);
		mb_failnext(0);
		assert_int_equal(error, ENOBUFS);
		assert_null(list);
	}
	/* With mbufs, ten segments of 100 bytes. */
	assert_int_equal(tcp_tso_segment(tcp_packet(1000, THLEN / 4), HLEN,
	    &list), 0);
	for (struct mbuf *m = list; m != NULL; m = m->m_nextpkt) {
		assert_int_equal(m->m_pkthdr.len, HLEN + THLEN + 100);
		n++;
	}
	assert_int_equal(n, 10);
	m_freem_list(list);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(completing_a_checksum_in_shared_storage_without_an_mbuf_is_enobufs),
		leak_test(a_tcp_header_out_of_bounds_cannot_be_cut),
		leak_test(cutting_without_mbufs_is_enobufs_and_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
