/*
 * UDP output: a datagram that cannot be sent for want of an mbuf for its
 * headers is counted (udp.onobufs) and the sender told (ENOBUFS).  On a
 * fake interface (fip0, 10.0.0.1/24) whose output queue shows what was
 * sent.
 */
#include "ktest.h"
#include "fake_ip.h"
#include "rumpnet/socketvar.h"
#include "netinet/udp_var.h"

static struct fake_ip fi;
static struct in_addr local, remote;

static int
setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	local = fi_ip(10, 0, 0, 1);
	remote = fi_ip(10, 0, 0, 2);
	KTEST_ENTER();
	fi_attach(&fi, "fip0", local, 24);
	KTEST_EXIT();
	return 0;
}

static int
teardown(void **state)
{
	KTEST_ENTER();
	fi_detach(&fi);
	KTEST_EXIT();
	return ktest_halt(state);
}

/* Data in a packet header mbuf with no room in front of it. */
static struct mbuf *
data_without_headroom(int len)
{
	struct mbuf *m = m_gethdr(M_WAIT, MT_DATA);

	assert_int_equal(M_LEADINGSPACE(m), 0);
	memset(mtod(m, void *), 0x5a, (size_t)len);
	m->m_len = m->m_pkthdr.len = len;
	return m;
}

static void
udp_header_without_mbufs_is_onobufs(void **state)
{
	struct sockaddr_in sin, to;
	struct socket *so;
	uint64_t onobufs, opackets;
	int error;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&sin, local, htons(7000));
	assert_int_equal(sobind(so, (const struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	sockaddr_in_init(&to, remote, htons(9));
	onobufs = udpstat.udps_onobufs;
	opackets = udpstat.udps_opackets;

	mb_failnext(1);
	error = sosend(so, (const struct sockaddr *)&to, sizeof(to), NULL,
	    data_without_headroom(16), NULL, 0, false);
	mb_failnext(0);
	assert_int_equal(error, ENOBUFS);
	assert_int_equal(udpstat.udps_onobufs, onobufs + 1);
	assert_int_equal(udpstat.udps_opackets, opackets);
	assert_int_equal(fi_queued(&fi), 0);

	/* With mbufs, the same goes out. */
	assert_int_equal(sosend(so, (const struct sockaddr *)&to, sizeof(to),
	    NULL, data_without_headroom(16), NULL, 0, false), 0);
	assert_int_equal(udpstat.udps_opackets, opackets + 1);
	assert_int_equal(fi_flush(&fi), 1);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
full_interface_queue_loses_the_datagram_without_an_error(void **state)
{
	struct sockaddr_in to;
	struct socket *so;
	uint64_t oqdrops;
	int error;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&to, remote, htons(9));
	oqdrops = udpstat.udps_oqdrops;
	fi.fi_error = ENOBUFS;
	error = sosend(so, (const struct sockaddr *)&to, sizeof(to), NULL,
	    data_without_headroom(16), NULL, 0, false);
	fi.fi_error = 0;
	/* Lost on the way, as on any path; the sender is not told (Linux). */
	assert_int_equal(error, 0);
	assert_int_equal(udpstat.udps_oqdrops, oqdrops + 1);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(udp_header_without_mbufs_is_onobufs),
		leak_test(full_interface_queue_loses_the_datagram_without_an_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
