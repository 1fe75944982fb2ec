/*
 * Raw IP input: every raw socket of a packet's protocol gets a copy; a
 * copy that cannot be made for want of mbufs is counted as raw.nobufs,
 * not as a full receive buffer.  On a fake interface (fip0, 10.0.0.1/24).
 */
#include "ktest.h"
#include "fake_ip.h"
#include "rumpnet/socketvar.h"
#include "netinet/ip_raw.h"

#define PROTO	253		/* RFC 3692: for experiments */

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
	icmp_errppslimit = 0;
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

static size_t
received(struct socket *so)
{
	size_t cc;

	NET_LOCK();
	cc = so->so_rcv.sb_cc;
	NET_UNLOCK();
	return cc;
}

static void
raw_copy_without_mbufs_is_nobufs(void **state)
{
	struct rawstat before;
	struct socket *so;
	uint8_t buf[64];
	struct mbuf *m;
	int len;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(AF_INET, &so, SOCK_RAW, PROTO), 0);
	len = fi_ipbuild(buf, 20, remote, local, PROTO, 64, 1, 0, NULL, 12);
	m = m_devget(buf, len, &fi.fi_if);
	assert_non_null(m);
	before = rawstat;
	mb_failnext(1);
	if_input(&fi.fi_if, m);
	mb_failnext(0);
	assert_int_equal(rawstat.raws_nobufs, before.raws_nobufs + 1);
	assert_int_equal(rawstat.raws_fullsock, before.raws_fullsock);
	assert_int_equal(rawstat.raws_delivered, before.raws_delivered);
	assert_int_equal(received(so), 0);
	NET_LOCK();
	assert_int_equal(so->so_rcvdrops, 0);
	NET_UNLOCK();
	/* The socket was there: no protocol unreachable. */
	assert_int_equal(fi_queued(&fi), 0);

	/* With mbufs, the same packet arrives whole, IP header included. */
	fi_inject(&fi, buf, len, 0);
	assert_int_equal(rawstat.raws_delivered, before.raws_delivered + 1);
	assert_int_equal(received(so), len);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(raw_copy_without_mbufs_is_nobufs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
