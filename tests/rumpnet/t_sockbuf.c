/*
 * Socket buffers: what they accept, what they refuse, and that their
 * accounting of data and storage returns to zero.
 */
#include "ktest.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in.h"

static struct socket *
sb_socket(size_t hiwat)
{
	struct socket *so = soalloc(NULL, SOCK_DGRAM);

	assert_int_equal(sbreserve(&so->so_rcv, hiwat), 0);
	so->so_state = SS_NOFDREF;
	return so;
}

static struct mbuf *
sb_data(int len)
{
	struct mbuf *m = m_getlen(M_WAIT, MT_DATA, (size_t)len);

	memset(mtod(m, void *), 'x', (size_t)len);
	m->m_len = m->m_pkthdr.len = len;
	return m;
}

static const struct sockaddr_in sb_from = {
	.sin_family = AF_INET,
	.sin_port = 0x3412,
	.sin_addr = { 0x0200a8c0 },
};

static void
sbappendaddr_takes_one_datagram_past_hiwat_then_refuses(void **state)
{
	struct socket *so;
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(1000);
	/* Below the limit: taken, even though it ends up beyond it. */
	assert_int_equal(sbappendaddr(&so->so_rcv,
	    (const struct sockaddr *)&sb_from, sizeof(sb_from), sb_data(900),
	    NULL), 0);
	assert_int_equal(sbappendaddr(&so->so_rcv,
	    (const struct sockaddr *)&sb_from, sizeof(sb_from), sb_data(200),
	    NULL), 0);
	/* At or beyond it: refused. */
	m = sb_data(1);
	assert_int_equal(sbappendaddr(&so->so_rcv,
	    (const struct sockaddr *)&sb_from, sizeof(sb_from), m, NULL),
	    ENOBUFS);
	m_freem(m);
	assert_int_equal(so->so_rcv.sb_cc, 1100);
	sbflush(&so->so_rcv);
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
sbappendaddr_takes_a_datagram_larger_than_an_empty_buffer(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(2048);
	assert_int_equal(sbappendaddr(&so->so_rcv,
	    (const struct sockaddr *)&sb_from, sizeof(sb_from), sb_data(4000),
	    NULL), 0);
	assert_int_equal(so->so_rcv.sb_cc, 4000);
	sbflush(&so->so_rcv);
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
sbappendaddr_counts_data_but_not_the_name(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(10000);
	for (int i = 0; i < 5; i++)
		assert_int_equal(sbappendaddr(&so->so_rcv,
		    (const struct sockaddr *)&sb_from, sizeof(sb_from),
		    sb_data(100), NULL), 0);
	assert_int_equal(so->so_rcv.sb_cc, 500);
	assert_true(so->so_rcv.sb_mbcnt >= 10 * MSIZE);
	sbdroprecord(&so->so_rcv);
	assert_int_equal(so->so_rcv.sb_cc, 400);
	sbflush(&so->so_rcv);
	assert_int_equal(so->so_rcv.sb_cc, 0);
	assert_int_equal(so->so_rcv.sb_mbcnt, 0);
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
sbappendstream_merges_small_segments(void **state)
{
	struct socket *so;
	size_t storage_one;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(100000);
	sbappendstream(&so->so_rcv, sb_data(10));
	storage_one = so->so_rcv.sb_mbcnt;
	for (int i = 0; i < 9; i++)
		sbappendstream(&so->so_rcv, sb_data(10));
	/* Ten 10-byte segments fit in the first mbuf's storage. */
	assert_int_equal(so->so_rcv.sb_cc, 100);
	assert_int_equal(so->so_rcv.sb_mbcnt, storage_one);
	sbflush(&so->so_rcv);
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
sbdrop_takes_bytes_from_the_front_across_mbufs(void **state)
{
	struct socket *so;
	char buf[8];

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(100000);
	for (int i = 0; i < 3; i++) {
		struct mbuf *m = sb_data(3000);

		memset(mtod(m, void *), 'a' + i, 3000);
		sbappendstream(&so->so_rcv, m);
	}
	sbdrop(&so->so_rcv, 4000);
	assert_int_equal(so->so_rcv.sb_cc, 5000);
	m_copydata(so->so_rcv.sb_mb, 0, 1, buf);
	assert_int_equal(buf[0], 'b');
	sbdrop(&so->so_rcv, 5000);
	assert_null(so->so_rcv.sb_mb);
	assert_int_equal(so->so_rcv.sb_mbcnt, 0);
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
sbspace_is_limited_by_storage_too(void **state)
{
	struct socket *so;
	struct mbuf *m;
	int n = 0;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(4096);
	/* One-byte datagrams cost an mbuf each: storage runs out first. */
	while (sbappendaddr(&so->so_rcv, (const struct sockaddr *)&sb_from,
	    sizeof(sb_from), (m = sb_data(1)), NULL) == 0)
		n++;
	m_freem(m);
	assert_true(n < 4096);
	assert_true(so->so_rcv.sb_mbcnt <= so->so_rcv.sb_mbmax + 2 * MSIZE);
	sbflush(&so->so_rcv);
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
sbreserve_refuses_zero_and_too_large(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(1000);
	assert_int_equal(sbreserve(&so->so_rcv, 0), ENOBUFS);
	assert_int_equal(sbreserve(&so->so_rcv, SB_MAX + 1), ENOBUFS);
	assert_int_equal(so->so_rcv.sb_hiwat, 1000);
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
sbappendaddr_refuses_a_name_longer_than_an_mbuf(void **state)
{
	char big[MSIZE] = { 0 };
	struct socket *so;
	struct mbuf *m = sb_data(10);

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(1000);
	assert_int_equal(sbappendaddr(&so->so_rcv, (const struct sockaddr *)big,
	    (socklen_t)MLEN + 1, m, NULL), ENOBUFS);
	m_freem(m);
	assert_null(so->so_rcv.sb_mb);
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
sbappendstream_of_nothing_or_an_empty_mbuf_holds_nothing(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(1000);
	sbappendstream(&so->so_rcv, NULL);
	sbappendstream(&so->so_rcv, sb_data(0));
	assert_null(so->so_rcv.sb_mb);
	assert_int_equal(so->so_rcv.sb_mbcnt, 0);
	/* And dropping a record of an empty buffer is harmless. */
	sbdroprecord(&so->so_rcv);
	assert_null(sbunlinkrecord(&so->so_rcv));
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

static void
sbcut_detaches_bytes_from_the_front_splitting_an_mbuf(void **state)
{
	struct socket *so;
	struct mbuf *m;
	char buf[1];

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	so = sb_socket(100000);
	for (int i = 0; i < 3; i++) {
		m = sb_data(3000);
		memset(mtod(m, void *), 'a' + i, 3000);
		sbappendstream(&so->so_rcv, m);
	}
	m = sbcut(&so->so_rcv, 4000);
	assert_int_equal(m_length(m), 4000);
	m_copydata(m, 3999, 1, buf);
	assert_int_equal(buf[0], 'b');
	m_freem(m);
	assert_int_equal(so->so_rcv.sb_cc, 5000);
	m = sbcut(&so->so_rcv, 5000);
	assert_int_equal(m_length(m), 5000);
	m_freem(m);
	assert_null(so->so_rcv.sb_mb);
	assert_null(so->so_rcv.sb_mbtail);
	assert_int_equal(so->so_rcv.sb_mbcnt, 0);
	sofree(so);
	NET_UNLOCK();
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(sbappendaddr_takes_one_datagram_past_hiwat_then_refuses),
		leak_test(sbappendaddr_takes_a_datagram_larger_than_an_empty_buffer),
		leak_test(sbappendaddr_counts_data_but_not_the_name),
		leak_test(sbappendstream_merges_small_segments),
		leak_test(sbappendaddr_refuses_a_name_longer_than_an_mbuf),
		leak_test(sbappendstream_of_nothing_or_an_empty_mbuf_holds_nothing),
		leak_test(sbcut_detaches_bytes_from_the_front_splitting_an_mbuf),
		leak_test(sbdrop_takes_bytes_from_the_front_across_mbufs),
		leak_test(sbspace_is_limited_by_storage_too),
		leak_test(sbreserve_refuses_zero_and_too_large),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
