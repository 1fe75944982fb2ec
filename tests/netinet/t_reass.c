/*
 * IPv4 reassembly: fragments in order, out of order, reversed and
 * duplicated give the datagram back; overlaps, inconsistent or malformed
 * fragments and datagrams beyond 65535 bytes are dropped whole; the
 * timeout frees what is held and reports it; and floods of fragments stay
 * within the datagram and fragment limits, with memory back to where it
 * was afterwards.  Fragments go to ip_reass() directly, and end to end
 * through a fake interface (fip0, 10.0.0.1/24).
 */
#include "ktest.h"
#include "fake_ip.h"
#include "ipstat_check.h"
#include "netinet/ip_private.h"
#include "rumpkern/callout.h"

/* The mbuf counters now, summed over the CPUs. */
static struct mbstat
mbs(void)
{
	struct mbstat st;

	mbstat_read(&st);
	return st;
}

static struct fake_ip fi;
static struct in_addr local, remote;
static uint8_t data[FI_MAXPKT];
static uint8_t out[FI_MAXPKT];

static void
callout_warm(void *arg)
{
	(void)arg;
}

static int
setup(void **state)
{
	callout_t warm;

	int error = ktest_boot(state);

	if (error != 0)
		return error;
	local = fi_ip(10, 0, 0, 1);
	remote = fi_ip(10, 0, 0, 2);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + (i >> 8));
	KTEST_ENTER();
	fi_attach(&fi, "fip0", local, 24);
	icmp_errppslimit = 0;
	/* The callout heap is allocated once, at the first callout. */
	callout_init(&warm, 0);
	callout_reset(&warm, 1000 * hz, callout_warm, NULL);
	callout_halt(&warm, NULL);
	callout_destroy(&warm);
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

/* A fragment of datagram id from remote: data[off, off + len). */
static struct mbuf *
frag_from(struct in_addr src, uint16_t id, int off, int len, bool mf)
{
	static uint8_t buf[FI_MAXPKT + 60];
	struct mbuf *m;
	int plen;

	assert_true(off % 8 == 0);
	plen = fi_ipbuild(buf, 20, src, local, 253, 64, id,
	    (uint16_t)((off >> 3) | (mf ? IP_MF : 0)), data + off, len);
	m = m_devget(buf, plen, &fi.fi_if);
	assert_non_null(m);
	return m;
}

static struct mbuf *
frag(uint16_t id, int off, int len, bool mf)
{
	return frag_from(remote, id, off, len, mf);
}

static struct mbuf *
reass(struct mbuf *m)
{
	NET_LOCK();
	m = ip_reass(m);
	NET_UNLOCK();
	return m;
}

/* Checks m is the whole datagram id of len bytes, and frees it. */
static void
check_whole(struct mbuf *m, uint16_t id, int len)
{
	const struct ip *ip = (const void *)out;
	int olen;

	assert_non_null(m);
	assert_true(m_check(m));
	olen = fi_flatten(m, out);
	m_freem(m);
	assert_int_equal(olen, 20 + len);
	fi_check_ip(out, olen);
	assert_int_equal(ntohs(ip->ip_off), 0);
	assert_int_equal(ntohs(ip->ip_id), id);
	assert_int_equal(ip->ip_src.s_addr, remote.s_addr);
	assert_memory_equal(out + 20, data, len);
}

/* Throws away everything held (and checks that ip_reass_fini does). */
static void
reass_flush(void)
{
	ip_reass_fini();
	assert_int_equal(ip_reass_count(), 0);
	assert_int_equal(ip_reass_nfrags(), 0);
	ip_reass_init();
}

/* Sends fragments of sizes sz[] of a datagram in the order given. */
static struct mbuf *
send_in_order(uint16_t id, const int *sz, int n, const int *order)
{
	struct mbuf *m = NULL;
	int offs[16], total = 0;

	assert_true(n <= 16);
	for (int i = 0; i < n; i++) {
		offs[i] = total;
		total += sz[i];
	}
	for (int k = 0; k < n; k++) {
		int i = order[k];

		assert_null(m);
		m = reass(frag(id, offs[i], sz[i], i < n - 1));
		if (k < n - 1) {
			assert_null(m);
			assert_int_equal(ip_reass_count(), 1);
		}
	}
	return m;
}

static void
reassembles_in_order(void **state)
{
	const int sz[] = { 1480, 1480, 40 };
	const int order[] = { 0, 1, 2 };
	struct ipstat before = ipstat;

	(void)state;
	KTEST_ENTER();
	check_whole(send_in_order(1, sz, 3, order), 1, 3000);
	IPSTAT_CHECK(before, IPS(ips_reassembled, 1));
	assert_int_equal(ip_reass_count(), 0);
	KTEST_EXIT();
}

static void
reassembles_out_of_order(void **state)
{
	const int sz[] = { 8, 512, 1480, 8, 992, 5 };
	const int order[] = { 3, 0, 5, 1, 4, 2 };

	(void)state;
	KTEST_ENTER();
	check_whole(send_in_order(2, sz, 6, order), 2, 3005);
	assert_int_equal(ip_reass_count(), 0);
	KTEST_EXIT();
}

static void
reassembles_reversed(void **state)
{
	int sz[12], order[12];

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < 12; i++) {
		sz[i] = i < 11 ? 96 : 33;
		order[i] = 11 - i;
	}
	check_whole(send_in_order(3, sz, 12, order), 3, 11 * 96 + 33);
	KTEST_EXIT();
}

/* Datagrams differing in source, id or protocol do not mix. */
static void
keeps_datagrams_apart(void **state)
{
	struct in_addr other = fi_ip(10, 0, 0, 3);
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	assert_null(reass(frag(4, 0, 800, true)));
	assert_null(reass(frag_from(other, 4, 800, 200, false)));
	assert_null(reass(frag(5, 800, 200, false)));
	assert_int_equal(ip_reass_count(), 3);
	m = reass(frag(4, 800, 200, false));
	check_whole(m, 4, 1000);
	assert_int_equal(ip_reass_count(), 2);
	reass_flush();
	KTEST_EXIT();
}

static void
drops_exact_duplicate_only(void **state)
{
	struct ipstat before;
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	assert_null(reass(frag(6, 0, 800, true)));
	before = ipstat;
	assert_null(reass(frag(6, 0, 800, true)));
	IPSTAT_CHECK(before, IPS(ips_fragdropped, 1), IPS(ips_fragdup, 1));
	assert_null(reass(frag(6, 1600, 100, false)));
	assert_null(reass(frag(6, 1600, 100, false)));
	m = reass(frag(6, 800, 800, true));
	check_whole(m, 6, 1700);
	KTEST_EXIT();
}

/* Overlapping fragments (RFC 5722 policy): the whole datagram goes. */
static void
drops_datagram_on_overlap(void **state)
{
	const struct { int off, len; } second[] = {
		{ 792, 16 },	/* over the end of the first */
		{ 8, 16 },	/* inside it */
		{ 0, 1600 },	/* over all of it */
		{ 0, 808 },	/* same start, longer */
	};
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(second); i++) {
		assert_null(reass(frag(7, 0, 800, true)));
		assert_null(reass(frag(7, 1600, 80, false)));
		before = ipstat;
		assert_null(reass(frag(7, second[i].off, second[i].len, true)));
		IPSTAT_CHECK(before, IPS(ips_fragdropped, 3),
		    IPS(ips_fragoverlap, 3));
		assert_int_equal(ip_reass_count(), 0);
		assert_int_equal(ip_reass_nfrags(), 0);
	}
	KTEST_EXIT();
}

static void
drops_malformed_fragments(void **state)
{
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	before = ipstat;
	/* Not a multiple of 8 and not the last. */
	assert_null(reass(frag(8, 0, 100, true)));
	/* No data. */
	assert_null(reass(frag(8, 800, 0, true)));
	assert_null(reass(frag(8, 800, 0, false)));
	IPSTAT_CHECK(before, IPS(ips_fragdropped, 3), IPS(ips_fragbad, 3));
	assert_int_equal(ip_reass_count(), 0);
	KTEST_EXIT();
}

/* Fragments that disagree on where the datagram ends: all dropped. */
static void
drops_inconsistent_end(void **state)
{
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	/* Two different last fragments. */
	assert_null(reass(frag(9, 0, 800, true)));
	assert_null(reass(frag(9, 1600, 80, false)));
	before = ipstat;
	assert_null(reass(frag(9, 2400, 80, false)));
	IPSTAT_CHECK(before, IPS(ips_fragdropped, 3), IPS(ips_fragbad, 3));
	/* A fragment beyond the known end. */
	assert_null(reass(frag(9, 800, 800, false)));
	before = ipstat;
	assert_null(reass(frag(9, 1600, 800, true)));
	IPSTAT_CHECK(before, IPS(ips_fragdropped, 2), IPS(ips_fragbad, 2));
	/* A last fragment ending before one held. */
	assert_null(reass(frag(9, 1600, 800, true)));
	before = ipstat;
	assert_null(reass(frag(9, 800, 8, false)));
	IPSTAT_CHECK(before, IPS(ips_fragdropped, 2), IPS(ips_fragbad, 2));
	assert_int_equal(ip_reass_count(), 0);
	KTEST_EXIT();
}

/* The ping of death: a fragment reaching beyond 65535 bytes. */
static void
drops_datagram_beyond_65535(void **state)
{
	struct ipstat before;
	int off;

	(void)state;
	KTEST_ENTER();
	/* A whole train of fragments, then the one too far. */
	for (off = 0; off + 1480 <= 65000; off += 1480)
		assert_null(reass(frag(10, off, 1480, true)));
	assert_int_equal(ip_reass_nfrags(), (unsigned)(off / 1480));
	before = ipstat;
	/* 20 + 65512 + 24 = 65556 bytes. */
	assert_null(reass(frag(10, 65512, 24, false)));
	IPSTAT_CHECK(before, IPS(ips_toolong, 1),
	    IPS(ips_fragdropped, (uint64_t)(off / 1480 + 1)),
	    IPS(ips_fragbad, (uint64_t)(off / 1480 + 1)));
	assert_int_equal(ip_reass_count(), 0);
	assert_int_equal(ip_reass_nfrags(), 0);
	/* Exactly 65535 is fine. */
	for (off = 0; off + 1480 <= 65000; off += 1480)
		assert_null(reass(frag(11, off, 1480, true)));
	assert_null(reass(frag(11, off, 65512 - off, true)));
	check_whole(reass(frag(11, 65512, 3, false)), 11, 65515);
	KTEST_EXIT();
}

static void
wait_reass_empty(unsigned ms)
{
	for (unsigned i = 0; i < ms && ip_reass_count() != 0; i++)
		kpause(1000 * 1000);
}

/*
 * The timeout frees the datagram; the source hears of it (time exceeded
 * in reassembly) only when the first fragment had come.
 */
static void
times_out_and_reports(void **state)
{
	const struct ip *ip = (const void *)out;
	uint64_t mbufs = mbs().m_mbufs;
	struct ipstat before;
	struct in_addr nexthop;
	struct mbuf *m;
	uint8_t first[1024];
	int len;

	(void)state;
	KTEST_ENTER();
	ip_reass_timeout = 100;
	before = ipstat;
	m = frag(12, 0, 800, true);
	m_copydata(m, 0, 820, first);
	assert_null(reass(m));
	assert_null(reass(frag(12, 1600, 8, false)));
	/* And one without its first fragment. */
	assert_null(reass(frag(13, 800, 800, false)));
	assert_int_equal(ip_reass_count(), 2);
	wait_reass_empty(2000);
	assert_int_equal(ip_reass_count(), 0);
	assert_int_equal(ip_reass_nfrags(), 0);
	IPSTAT_CHECK(before, IPS(ips_fragtimeout, 3), IPS(ips_localout, 1));
	m = fi_dequeue(&fi, &nexthop);
	assert_non_null(m);
	len = fi_flatten(m, out);
	m_freem(m);
	assert_null(fi_dequeue(&fi, NULL));
	fi_check_ip(out, len);
	assert_int_equal(nexthop.s_addr, remote.s_addr);
	assert_int_equal(ip->ip_src.s_addr, local.s_addr);
	assert_int_equal(out[20], ICMP_TIMXCEED);
	assert_int_equal(out[21], ICMP_TIMXCEED_REASS);
	assert_int_equal(fi_cksum(out + 20, len - 20), 0);
	assert_int_equal(len, 576);
	assert_memory_equal(out + 28, first, 576 - 28);
	assert_int_equal(mbs().m_mbufs, mbufs);
	ip_reass_timeout = 30 * 1000;
	KTEST_EXIT();
}

/* A shorter timeout set while datagrams wait applies to new ones. */
static void
shorter_timeout_takes_effect(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_null(reass(frag(14, 800, 8, false)));
	ip_reass_timeout = 50;
	assert_null(reass(frag(15, 800, 8, false)));
	for (int i = 0; i < 2000 && ip_reass_count() > 1; i++)
		kpause(1000 * 1000);
	assert_int_equal(ip_reass_count(), 1);
	ip_reass_timeout = 30 * 1000;
	reass_flush();
	KTEST_EXIT();
}

/* Deterministic random numbers (xorshift32). */
static uint32_t rnd_state = 2463534242u;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static void
check_limits(void)
{
	assert_true(ip_reass_count() <= ip_maxfragpackets);
	assert_true(ip_reass_nfrags() <= ip_maxfrags);
}

/*
 * 10000 random fragments of random datagrams: no more than
 * ip_maxfragpackets datagrams are held at any time, and when it is over
 * memory is back where it was.
 */
static void
flood_of_datagrams_stays_within_limit(void **state)
{
	uint64_t mbufs = mbs().m_mbufs, clusters = mbs().m_clusters;
	struct ipstat before = ipstat;
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < 10000; i++) {
		struct in_addr src = fi_ip(10, 0, 0, 2 + rnd() % 200);

		m = frag_from(src, (uint16_t)rnd(), (int)(rnd() % 8000) * 8,
		    (int)(1 + rnd() % 64) * 8, rnd() % 8 != 0);
		m = reass(m);
		m_freem(m);
		check_limits();
	}
	assert_int_equal(ip_reass_count(), ip_maxfragpackets);
	assert_true(ipstat.ips_fragoverflow - before.ips_fragoverflow > 9000 -
	    ip_maxfragpackets);
	reass_flush();
	assert_int_equal(mbs().m_mbufs, mbufs);
	assert_int_equal(mbs().m_clusters, clusters);
	KTEST_EXIT();
}

/*
 * 10000 fragments of 150 datagrams, none overlapping: the fragment limit
 * holds, the oldest datagrams making room.
 */
static void
flood_of_fragments_stays_within_limit(void **state)
{
	uint64_t mbufs = mbs().m_mbufs, clusters = mbs().m_clusters;
	bool hit = false;
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < 10000; i++) {
		unsigned d = rnd() % 150, j = rnd() % 256;

		/* Pieces of 8 bytes: a repeated one is a duplicate. */
		m = reass(frag((uint16_t)(1000 + d), (int)j * 8, 8, true));
		m_freem(m);
		check_limits();
		if (ip_reass_nfrags() == ip_maxfrags)
			hit = true;
	}
	assert_true(hit);
	reass_flush();
	assert_int_equal(mbs().m_mbufs, mbufs);
	assert_int_equal(mbs().m_clusters, clusters);
	KTEST_EXIT();
}

/*
 * At the fragment limit, a fragment that is then dropped (a duplicate, an
 * overlap, one inconsistent with the known end) costs no other datagram
 * its place: the oldest datagram, A, completes afterwards.
 */
static void
rejected_fragment_at_the_limit_evicts_nothing(void **state)
{
	static const struct {
		int off, len;
		bool mf;
		size_t why;
		uint64_t dropped;
	} bad[] = {
		{ 800, 800, false, offsetof(struct ipstat, ips_fragdup), 1 },
		{ 808, 8, true, offsetof(struct ipstat, ips_fragoverlap), 2 },
		{ 0, 800, false, offsetof(struct ipstat, ips_fragbad), 2 },
	};
	struct ipstat before;

	(void)state;
	KTEST_ENTER();
	ip_maxfrags = 2;
	for (size_t i = 0; i < __arraycount(bad); i++) {
		assert_null(reass(frag(30, 0, 800, true)));	/* A */
		assert_null(reass(frag(31, 800, 800, false)));	/* B */
		assert_int_equal(ip_reass_nfrags(), ip_maxfrags);
		before = ipstat;
		assert_null(reass(frag(31, bad[i].off, bad[i].len,
		    bad[i].mf)));
		{
			const struct stat_delta want[] = {
				IPS(ips_fragdropped, bad[i].dropped),
				{ bad[i].why, bad[i].dropped },
			};
			stat_check(&before, &ipstat, sizeof(ipstat), want,
			    __arraycount(want), "ipstat");
		}
		check_whole(reass(frag(30, 800, 8, false)), 30, 808);
		reass_flush();
	}
	ip_maxfrags = 2000;
	KTEST_EXIT();
}

/* Limits of 0 keep nothing. */
static void
zero_limits_hold_nothing(void **state)
{
	(void)state;
	KTEST_ENTER();
	ip_maxfragpackets = 0;
	assert_null(reass(frag(16, 0, 8, true)));
	assert_int_equal(ip_reass_count(), 0);
	ip_maxfragpackets = 200;
	ip_maxfrags = 0;
	assert_null(reass(frag(16, 0, 8, true)));
	assert_int_equal(ip_reass_nfrags(), 0);
	ip_maxfrags = 2000;
	reass_flush();
	KTEST_EXIT();
}

/* Fragments that came on an interface go with it. */
static void
interface_detach_drops_its_fragments(void **state)
{
	static struct fake_ip fi1;
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	fi_attach(&fi1, "fip1", fi_ip(10, 9, 0, 1), 24);
	assert_null(reass(frag(17, 0, 8, true)));
	m = frag(18, 0, 8, true);
	m->m_pkthdr.rcvif = &fi1.fi_if;
	assert_null(reass(m));
	assert_int_equal(ip_reass_count(), 2);
	fi_detach(&fi1);
	assert_int_equal(ip_reass_count(), 1);
	reass_flush();
	KTEST_EXIT();
}

/* End to end: a fragmented echo request gets its (fragmented) reply. */
static void
answers_fragmented_echo(void **state)
{
	static uint8_t icmp[2008], buf[2100];
	const int cut[] = { 0, 1480, 2008 };
	struct ipstat before = ipstat;
	int n;

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < sizeof(icmp); i++)
		icmp[i] = (uint8_t)i;
	icmp[0] = ICMP_ECHO;
	icmp[1] = 0;
	fi_setsum(icmp, sizeof(icmp), 2);
	for (int i = 1; i >= 0; i--) {
		int len = fi_ipbuild(buf, 20, remote, local, IPPROTO_ICMP, 64,
		    20, (uint16_t)((cut[i] >> 3) | (i == 0 ? IP_MF : 0)),
		    icmp + cut[i], cut[i + 1] - cut[i]);

		fi_inject(&fi, buf, len, 0);
	}
	IPSTAT_CHECK(before, IPS(ips_total, 2), IPS(ips_fragments, 2),
	    IPS(ips_reassembled, 1), IPS(ips_delivered, 1),
	    IPS(ips_localout, 1), IPS(ips_fragmented, 1),
	    IPS(ips_ofragments, 2));
	n = fi_flush(&fi);
	assert_int_equal(n, 2);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(reassembles_in_order),
		leak_test(reassembles_out_of_order),
		leak_test(reassembles_reversed),
		leak_test(keeps_datagrams_apart),
		leak_test(drops_exact_duplicate_only),
		leak_test(drops_datagram_on_overlap),
		leak_test(drops_malformed_fragments),
		leak_test(drops_inconsistent_end),
		leak_test(drops_datagram_beyond_65535),
		leak_test(times_out_and_reports),
		leak_test(shorter_timeout_takes_effect),
		leak_test(flood_of_datagrams_stays_within_limit),
		leak_test(flood_of_fragments_stays_within_limit),
		leak_test(rejected_fragment_at_the_limit_evicts_nothing),
		leak_test(zero_limits_hold_nothing),
		leak_test(interface_detach_drops_its_fragments),
		leak_test(answers_fragmented_echo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
