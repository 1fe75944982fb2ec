/*
 * ARP on a fake Ethernet interface with the address 10.0.0.1/24: the
 * test plays the peers by injecting ARP frames and reads every frame ARP
 * sends.  Timers are shortened through arp_keep and arp_rexmit, and a test
 * that waits for one polls the state it expects with a generous deadline
 * instead of asserting on how long anything took.
 */
#include "ktest.h"
#include "fake_ether.h"
#include "rumpkern/ktime.h"
#include "netinet/if_arp.h"

#define ARP_FRAME_LEN	(ETHER_HDR_LEN + (int)sizeof(struct arphdr))
#define IP_LEN		40	/* the stand-in IP packets */

static const uint8_t our_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t peer2_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0x03 };
static const uint8_t zero_mac[ETHER_ADDR_LEN];

#define OUR	fe_ip(10, 0, 0, 1)
#define PEER	fe_ip(10, 0, 0, 2)
#define ANY	fe_ip(0, 0, 0, 0)

/* Every test starts with the defaults and fake0 as 10.0.0.1/24. */
static void
arp_test_start(struct fake_ether *fe)
{
	arp_keep = 20 * 60 * 1000;
	arp_rexmit = 1000;
	arp_maxtries = 3;
	fe_attach(fe, "fake", our_mac);
	fe_addaddr(fe, OUR, 24);
	assert_int_equal(arp_count(), 0);
}

static void
arp_test_end(struct fake_ether *fe)
{
	fe_detach(fe);
	assert_int_equal(arp_count(), 0);
	arp_keep = 20 * 60 * 1000;
	arp_rexmit = 1000;
	arp_maxtries = 3;
}

/* An Ethernet frame carrying an ARP packet; returns its length (42). */
static int
mkarp(uint8_t *buf, const uint8_t edst[ETHER_ADDR_LEN], int op,
    const uint8_t sha[ETHER_ADDR_LEN], struct in_addr spa,
    const uint8_t tha[ETHER_ADDR_LEN], struct in_addr tpa)
{
	uint8_t *a = buf + fe_ethhdr(buf, edst, sha, ETHERTYPE_ARP);

	be16enc(a, ARPHRD_ETHER);
	be16enc(a + 2, ETHERTYPE_IP);
	a[4] = ETHER_ADDR_LEN;
	a[5] = 4;
	be16enc(a + 6, (uint16_t)op);
	memcpy(a + 8, sha, ETHER_ADDR_LEN);
	memcpy(a + 14, &spa, 4);
	memcpy(a + 18, tha, ETHER_ADDR_LEN);
	memcpy(a + 24, &tpa, 4);
	return ARP_FRAME_LEN;
}

static void
inject_arp(struct fake_ether *fe, const uint8_t edst[ETHER_ADDR_LEN], int op,
    const uint8_t sha[ETHER_ADDR_LEN], struct in_addr spa,
    const uint8_t tha[ETHER_ADDR_LEN], struct in_addr tpa)
{
	uint8_t buf[ARP_FRAME_LEN];

	fe_inject(fe, buf, mkarp(buf, edst, op, sha, spa, tha, tpa));
}

/* The peer at PEER asks for our MAC, and we answer; pops the answer. */
static void
learn_peer(struct fake_ether *fe, const uint8_t mac[ETHER_ADDR_LEN])
{
	uint8_t f[128];

	inject_arp(fe, etherbroadcastaddr, ARPOP_REQUEST, mac, PEER, zero_mac,
	    OUR);
	assert_int_equal(fe_pop(fe, f, sizeof(f)), ARP_FRAME_LEN);
}

/* Sends a stand-in IP packet whose first byte is marker to dst. */
static int
send_ip(struct fake_ether *fe, struct in_addr dst, uint8_t marker)
{
	struct sockaddr_storage ss;
	uint8_t payload[IP_LEN];
	struct mbuf *m;
	int error;

	for (int i = 0; i < IP_LEN; i++)
		payload[i] = (uint8_t)(marker + i);
	m = m_gethdr(M_WAIT, MT_DATA);
	m_align(m, IP_LEN);
	assert_int_equal(m_append(m, IP_LEN, payload), 0);
	fe_sin(&ss, dst);
	NET_LOCK();
	error = if_output(&fe->fe_if, m, (const struct sockaddr *)&ss, NULL);
	NET_UNLOCK();
	return error;
}

/* Pops the next frame and checks it is this ARP packet, field by field. */
static void
expect_arp(struct fake_ether *fe, const uint8_t edst[ETHER_ADDR_LEN], int op,
    const uint8_t sha[ETHER_ADDR_LEN], struct in_addr spa,
    const uint8_t tha[ETHER_ADDR_LEN], struct in_addr tpa)
{
	uint8_t f[128];
	const uint8_t *a = f + ETHER_HDR_LEN;

	assert_int_equal(fe_pop(fe, f, sizeof(f)), ARP_FRAME_LEN);
	assert_memory_equal(f, edst, ETHER_ADDR_LEN);
	assert_memory_equal(f + 6, our_mac, ETHER_ADDR_LEN);
	assert_int_equal(be16dec(f + 12), ETHERTYPE_ARP);
	assert_int_equal(be16dec(a), ARPHRD_ETHER);
	assert_int_equal(be16dec(a + 2), ETHERTYPE_IP);
	assert_int_equal(a[4], ETHER_ADDR_LEN);
	assert_int_equal(a[5], 4);
	assert_int_equal(be16dec(a + 6), op);
	assert_memory_equal(a + 8, sha, ETHER_ADDR_LEN);
	assert_memory_equal(a + 14, &spa, 4);
	assert_memory_equal(a + 18, tha, ETHER_ADDR_LEN);
	assert_memory_equal(a + 24, &tpa, 4);
}

/* Pops the next frame and checks it is the IP packet marker to edst. */
static void
expect_ip(struct fake_ether *fe, const uint8_t edst[ETHER_ADDR_LEN],
    uint8_t marker)
{
	uint8_t f[128];

	assert_int_equal(fe_pop(fe, f, sizeof(f)), ETHER_HDR_LEN + IP_LEN);
	assert_memory_equal(f, edst, ETHER_ADDR_LEN);
	assert_memory_equal(f + 6, our_mac, ETHER_ADDR_LEN);
	assert_int_equal(be16dec(f + 12), ETHERTYPE_IP);
	for (int i = 0; i < IP_LEN; i++)
		assert_int_equal(f[ETHER_HDR_LEN + i], (uint8_t)(marker + i));
}

static int
lookup(struct fake_ether *fe, struct in_addr a, uint8_t lla[ETHER_ADDR_LEN])
{
	uint8_t dummy[ETHER_ADDR_LEN];
	int error;

	NET_LOCK();
	error = arp_lookup(&fe->fe_if, a, lla != NULL ? lla : dummy);
	NET_UNLOCK();
	return error;
}

/* Polls cond for up to 20 seconds; the caller asserts the state after. */
static void
wait_for(bool (*cond)(struct fake_ether *), struct fake_ether *fe)
{
	for (int i = 0; i < 4000 && !cond(fe); i++)
		kpause(5 * 1000 * 1000);
}

static bool
cache_empty(struct fake_ether *fe)
{
	(void)fe;
	return arp_count() == 0;
}

static void
arp_unresolved_holds_and_broadcasts_request(void **state)
{
	static struct fake_ether fe;
	uint64_t requests, purged;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	requests = kstat_read("arp.out.requests");
	purged = kstat_read("arp.drop.purged");

	/* Held: the sender sees success, the wire sees only the request. */
	assert_int_equal(send_ip(&fe, PEER, 1), 0);
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, PEER);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(lookup(&fe, PEER, NULL), EINPROGRESS);
	assert_int_equal(lookup(&fe, fe_ip(10, 0, 0, 3), NULL), ENOENT);
	assert_int_equal(arp_count(), 1);
	assert_int_equal(kstat_read("arp.out.requests"), requests + 1);

	/* Going away with it frees what it held. */
	arp_test_end(&fe);
	assert_int_equal(kstat_read("arp.drop.purged"), purged + 1);
	KTEST_EXIT();
}

static void
arp_reply_resolves_and_sends_held(void **state)
{
	static struct fake_ether fe;
	uint8_t lla[ETHER_ADDR_LEN];
	uint64_t resolved;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_rexmit = 60 * 1000;		/* no retransmission in between */
	resolved = kstat_read("arp.resolved");

	assert_int_equal(send_ip(&fe, PEER, 1), 0);
	assert_int_equal(send_ip(&fe, PEER, 2), 0);
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, PEER);
	assert_int_equal(fe_queued(&fe), 0);

	inject_arp(&fe, our_mac, ARPOP_REPLY, peer_mac, PEER, our_mac, OUR);
	expect_ip(&fe, peer_mac, 1);
	expect_ip(&fe, peer_mac, 2);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(lookup(&fe, PEER, lla), 0);
	assert_memory_equal(lla, peer_mac, ETHER_ADDR_LEN);
	assert_int_equal(kstat_read("arp.resolved"), resolved + 1);

	/* Resolved: straight out. */
	assert_int_equal(send_ip(&fe, PEER, 3), 0);
	expect_ip(&fe, peer_mac, 3);
	assert_int_equal(fe_queued(&fe), 0);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_request_for_us_is_answered(void **state)
{
	static struct fake_ether fe;
	uint8_t buf[60], lla[ETHER_ADDR_LEN];
	uint64_t replies;
	int len;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	replies = kstat_read("arp.out.replies");

	/* As on the wire: padded to the 60-byte minimum. */
	memset(buf, 0, sizeof(buf));
	len = mkarp(buf, etherbroadcastaddr, ARPOP_REQUEST, peer_mac, PEER,
	    zero_mac, OUR);
	assert_true(len < (int)sizeof(buf));
	fe_inject(&fe, buf, sizeof(buf));
	expect_arp(&fe, peer_mac, ARPOP_REPLY, our_mac, OUR, peer_mac, PEER);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(kstat_read("arp.out.replies"), replies + 1);

	/* RFC 826: the target adds the sender. */
	assert_int_equal(lookup(&fe, PEER, lla), 0);
	assert_memory_equal(lla, peer_mac, ETHER_ADDR_LEN);
	assert_int_equal(arp_count(), 1);

	/* A unicast request too, with the target MAC filled in. */
	inject_arp(&fe, our_mac, ARPOP_REQUEST, peer_mac, PEER, our_mac, OUR);
	expect_arp(&fe, peer_mac, ARPOP_REPLY, our_mac, OUR, peer_mac, PEER);
	assert_int_equal(arp_count(), 1);
	arp_test_end(&fe);
	KTEST_EXIT();
}

/*
 * A sender off our subnets gets its answer, but no entry: otherwise any
 * neighbour could fill the cache by asking from made-up addresses.
 */
static void
arp_request_from_off_subnet_sender_is_answered_not_learnt(void **state)
{
	static struct fake_ether fe;
	struct in_addr far = fe_ip(192, 168, 7, 9);

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	inject_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, peer_mac, far,
	    zero_mac, OUR);
	expect_arp(&fe, peer_mac, ARPOP_REPLY, our_mac, OUR, peer_mac, far);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(lookup(&fe, far, NULL), ENOENT);
	assert_int_equal(arp_count(), 0);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_request_for_other_is_ignored_but_merges(void **state)
{
	static struct fake_ether fe;
	uint8_t lla[ETHER_ADDR_LEN];
	uint64_t requests, changed;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	requests = kstat_read("arp.in.requests");
	changed = kstat_read("arp.in.llchanged");

	/* Not for us and the sender unknown: no answer, no entry. */
	inject_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, peer_mac, PEER,
	    zero_mac, fe_ip(10, 0, 0, 99));
	inject_arp(&fe, etherbroadcastaddr, ARPOP_REPLY, peer_mac, PEER,
	    zero_mac, fe_ip(10, 0, 0, 99));
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(arp_count(), 0);
	assert_int_equal(lookup(&fe, PEER, NULL), ENOENT);
	assert_int_equal(kstat_read("arp.in.requests"), requests + 1);

	/* Known sender: updated by any packet it sends (the merge). */
	learn_peer(&fe, peer_mac);
	inject_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, peer2_mac, PEER,
	    zero_mac, fe_ip(10, 0, 0, 99));
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(lookup(&fe, PEER, lla), 0);
	assert_memory_equal(lla, peer2_mac, ETHER_ADDR_LEN);
	assert_int_equal(kstat_read("arp.in.llchanged"), changed + 1);
	assert_int_equal(arp_count(), 1);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_broadcast_and_multicast_need_no_request(void **state)
{
	static const uint8_t mdns[ETHER_ADDR_LEN] =
	    { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	static const uint8_t high[ETHER_ADDR_LEN] =
	    { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 };
	static struct fake_ether fe;
	uint64_t requests;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	requests = kstat_read("arp.out.requests");
	assert_int_equal(send_ip(&fe, fe_ip(255, 255, 255, 255), 1), 0);
	expect_ip(&fe, etherbroadcastaddr, 1);
	assert_int_equal(send_ip(&fe, fe_ip(10, 0, 0, 255), 2), 0);
	expect_ip(&fe, etherbroadcastaddr, 2);
	/* RFC 1112: the low 23 bits of the group. */
	assert_int_equal(send_ip(&fe, fe_ip(224, 0, 0, 251), 3), 0);
	expect_ip(&fe, mdns, 3);
	assert_int_equal(send_ip(&fe, fe_ip(239, 129, 2, 3), 4), 0);
	expect_ip(&fe, high, 4);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(arp_count(), 0);
	assert_int_equal(kstat_read("arp.out.requests"), requests);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static bool
peer_gone(struct fake_ether *fe)
{
	return lookup(fe, PEER, NULL) == ENOENT;
}

static void
arp_resolved_entries_expire(void **state)
{
	static struct fake_ether fe;
	uint64_t expired;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_keep = 50;
	expired = kstat_read("arp.expired");
	learn_peer(&fe, peer_mac);
	assert_int_equal(arp_count(), 1);

	wait_for(peer_gone, &fe);
	assert_int_equal(lookup(&fe, PEER, NULL), ENOENT);
	assert_int_equal(arp_count(), 0);
	assert_int_equal(kstat_read("arp.expired"), expired + 1);
	/* Expiry is silent. */
	assert_int_equal(fe_queued(&fe), 0);

	/* The next packet asks again. */
	assert_int_equal(send_ip(&fe, PEER, 1), 0);
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, PEER);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static int
set_entry(struct fake_ether *fe, struct in_addr a,
    const uint8_t mac[ETHER_ADDR_LEN], bool perm)
{
	int error;

	NET_LOCK();
	error = arp_set(&fe->fe_if, a, mac, perm);
	NET_UNLOCK();
	return error;
}

static bool
third_gone(struct fake_ether *fe)
{
	return lookup(fe, fe_ip(10, 0, 0, 3), NULL) == ENOENT;
}

static void
arp_permanent_entry_outlives_keep_and_ignores_the_network(void **state)
{
	static struct fake_ether fe;
	uint8_t lla[ETHER_ADDR_LEN];

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_keep = 50;
	assert_int_equal(set_entry(&fe, PEER, peer_mac, true), 0);
	assert_int_equal(set_entry(&fe, fe_ip(10, 0, 0, 3), peer2_mac, false),
	    0);
	/* What the network says of PEER does not change an entry set by hand. */
	learn_peer(&fe, peer2_mac);
	assert_int_equal(lookup(&fe, PEER, lla), 0);
	assert_memory_equal(lla, peer_mac, ETHER_ADDR_LEN);
	/* The other entry expires after arp_keep; the permanent one stays. */
	wait_for(third_gone, &fe);
	assert_true(third_gone(&fe));
	assert_int_equal(lookup(&fe, PEER, lla), 0);
	assert_memory_equal(lla, peer_mac, ETHER_ADDR_LEN);
	/* Set again, as a learnt entry: the network may change it now. */
	assert_int_equal(set_entry(&fe, PEER, peer_mac, false), 0);
	learn_peer(&fe, peer2_mac);
	assert_int_equal(lookup(&fe, PEER, lla), 0);
	assert_memory_equal(lla, peer2_mac, ETHER_ADDR_LEN);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static int
count_entry(const struct arp_entryinfo *ai, void *arg)
{
	(void)ai;
	(*(int *)arg)++;
	return 0;
}

static void
arp_entry_set_by_hand_sends_what_was_held_and_is_deleted(void **state)
{
	static struct fake_ether fe;
	struct arp_entryinfo ai;
	int n = 0;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	assert_int_equal(send_ip(&fe, PEER, 1), 0);
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, PEER);
	assert_int_equal(set_entry(&fe, PEER, peer_mac, false), 0);
	expect_ip(&fe, peer_mac, 1);
	NET_LOCK();
	assert_int_equal(arp_get(&fe.fe_if, PEER, &ai), 0);
	assert_true(ai.ai_resolved);
	assert_false(ai.ai_perm);
	assert_true(ai.ai_expire_ms > 0);
	assert_int_equal(arp_foreach(count_entry, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(arp_delete(&fe.fe_if, PEER), 0);
	assert_int_equal(arp_delete(&fe.fe_if, PEER), ENXIO);
	assert_int_equal(arp_get(&fe.fe_if, PEER, &ai), ENXIO);
	NET_UNLOCK();
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_incomplete_entry_gives_up(void **state)
{
	static struct fake_ether fe;
	struct in_addr dead = fe_ip(10, 0, 0, 3);
	uint64_t timeouts, dropped;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_rexmit = 20;
	timeouts = kstat_read("arp.timeouts");
	dropped = kstat_read("arp.drop.timeout");

	assert_int_equal(send_ip(&fe, dead, 1), 0);
	assert_int_equal(send_ip(&fe, dead, 2), 0);
	wait_for(cache_empty, &fe);
	assert_int_equal(arp_count(), 0);
	/* arp_maxtries requests, then the held packets were dropped. */
	for (unsigned i = 0; i < arp_maxtries; i++)
		expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac,
		    OUR, zero_mac, dead);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(kstat_read("arp.timeouts"), timeouts + 1);
	assert_int_equal(kstat_read("arp.drop.timeout"), dropped + 2);

	/* A later packet starts again. */
	arp_rexmit = 60 * 1000;
	assert_int_equal(send_ip(&fe, dead, 3), 0);
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, dead);
	assert_int_equal(lookup(&fe, dead, NULL), EINPROGRESS);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_requests_are_rate_limited(void **state)
{
	static struct fake_ether fe;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_rexmit = 60 * 1000;
	for (uint8_t i = 0; i < 5; i++)
		assert_int_equal(send_ip(&fe, PEER, i), 0);
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, PEER);
	assert_int_equal(fe_queued(&fe), 0);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_hold_queue_drops_oldest(void **state)
{
	const int extra = 3;
	static struct fake_ether fe;
	uint64_t holdfull;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_rexmit = 60 * 1000;
	holdfull = kstat_read("arp.drop.holdfull");
	for (int i = 0; i < ARP_MAXHOLD + extra; i++)
		assert_int_equal(send_ip(&fe, PEER, (uint8_t)i), 0);
	assert_int_equal(kstat_read("arp.drop.holdfull"), holdfull + extra);
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, PEER);

	inject_arp(&fe, our_mac, ARPOP_REPLY, peer_mac, PEER, our_mac, OUR);
	/* The newest ARP_MAXHOLD, in the order they were sent. */
	for (int i = extra; i < ARP_MAXHOLD + extra; i++)
		expect_ip(&fe, peer_mac, (uint8_t)i);
	assert_int_equal(fe_queued(&fe), 0);
	arp_test_end(&fe);
	KTEST_EXIT();
}

/*
 * Packets to ARP_MAXHOLD_TOTAL + 3 silent addresses, one each: the three
 * held longest are dropped, the entries stay, and the others go out when
 * their addresses answer.
 */
static void
arp_hold_is_capped_across_entries(void **state)
{
	const unsigned extra = 3, n = ARP_MAXHOLD_TOTAL + extra;
	static struct fake_ether fe;
	uint64_t holdtotal;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_rexmit = 60 * 1000;
	holdtotal = kstat_read("arp.drop.holdtotal");
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(send_ip(&fe, fe_ip(10, 1, i >> 8, i & 0xff),
		    (uint8_t)i), 0);
		fe_flush(&fe);
	}
	assert_int_equal(kstat_read("arp.drop.holdtotal"), holdtotal + extra);
	assert_int_equal(arp_count(), n);

	/* The first held nothing any more; the next held its packet. */
	inject_arp(&fe, our_mac, ARPOP_REPLY, peer_mac, fe_ip(10, 1, 0, 0),
	    our_mac, OUR);
	assert_int_equal(fe_queued(&fe), 0);
	inject_arp(&fe, our_mac, ARPOP_REPLY, peer_mac,
	    fe_ip(10, 1, 0, extra), our_mac, OUR);
	expect_ip(&fe, peer_mac, (uint8_t)extra);
	assert_int_equal(fe_queued(&fe), 0);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_announce_has_sender_as_target(void **state)
{
	static struct fake_ether fe;
	uint64_t announces;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	announces = kstat_read("arp.out.announces");
	NET_LOCK();
	arp_announce(&fe.fe_if, OUR);
	NET_UNLOCK();
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, OUR);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(kstat_read("arp.out.announces"), announces + 1);
	/* Announcing creates no entry. */
	assert_int_equal(arp_count(), 0);

	/* Nothing while down; coming up announces the addresses. */
	NET_LOCK();
	assert_int_equal(if_setflags(&fe.fe_if, 0), 0);
	arp_announce(&fe.fe_if, OUR);
	NET_UNLOCK();
	assert_int_equal(fe_queued(&fe), 0);
	NET_LOCK();
	assert_int_equal(if_setflags(&fe.fe_if, IFF_UP), 0);
	NET_UNLOCK();
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, OUR);
	assert_int_equal(fe_queued(&fe), 0);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_probe_for_us_is_answered(void **state)
{
	static struct fake_ether fe;
	uint64_t probes;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	probes = kstat_read("arp.in.probes");

	/* RFC 5227: sender 0.0.0.0, the address the prober wants. */
	inject_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, peer_mac, ANY,
	    zero_mac, OUR);
	expect_arp(&fe, peer_mac, ARPOP_REPLY, our_mac, OUR, peer_mac, ANY);
	/* The prober has no address: no entry. */
	assert_int_equal(arp_count(), 0);

	/* A probe for an address not ours goes unanswered. */
	inject_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, peer_mac, ANY,
	    zero_mac, fe_ip(10, 0, 0, 77));
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(arp_count(), 0);
	assert_int_equal(kstat_read("arp.in.probes"), probes + 2);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_conflict_is_counted_and_defended(void **state)
{
	static struct fake_ether fe;
	uint64_t dup;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	dup = kstat_read("arp.drop.dupaddr");

	/* Another station announces our address: we defend it once. */
	inject_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, peer_mac, OUR,
	    zero_mac, OUR);
	assert_int_equal(kstat_read("arp.drop.dupaddr"), dup + 1);
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, OUR);
	/* RFC 5227, 2.4 (b): not again within DEFEND_INTERVAL. */
	inject_arp(&fe, our_mac, ARPOP_REPLY, peer_mac, OUR, our_mac, PEER);
	assert_int_equal(kstat_read("arp.drop.dupaddr"), dup + 2);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(arp_count(), 0);
	arp_test_end(&fe);
	KTEST_EXIT();
}

/* The ARP drop counters the malformed packets land in. */
static const char *const drop_names[] = {
	"arp.drop.short", "arp.drop.badhrd", "arp.drop.badpro",
	"arp.drop.badlen", "arp.drop.badop", "arp.drop.badsha",
	"arp.drop.badspa", "arp.drop.loop",
};
enum { D_SHORT, D_BADHRD, D_BADPRO, D_BADLEN, D_BADOP, D_BADSHA, D_BADSPA,
    D_LOOP, D_ETHSHORT, D_N };

static uint32_t
lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void
arp_malformed_packets_are_dropped(void **state)
{
	static const uint8_t mcast_mac[ETHER_ADDR_LEN] =
	    { 0x01, 0x00, 0x5e, 0x7f, 0x00, 0x01 };
	static struct fake_ether fe;
	uint64_t before[D_N], expect[D_N] = { 0 }, replies, requests;
	uint32_t seed = 826;
	uint8_t buf[ARP_FRAME_LEN];
	uint8_t *a = buf + ETHER_HDR_LEN;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	for (int d = 0; d < D_LOOP + 1; d++)
		before[d] = kstat_read(drop_names[d]);
	before[D_ETHSHORT] = fe.fe_if.if_stats.drops[IFDROP_SHORT];
	replies = kstat_read("arp.in.replies");
	requests = kstat_read("arp.in.requests");

	for (int i = 0; i < 1000; i++) {
		int len = mkarp(buf, etherbroadcastaddr, ARPOP_REQUEST,
		    peer_mac, PEER, zero_mac, OUR);
		uint32_t r = lcg(&seed);
		struct in_addr spa;
		int d;

		switch (i % 15) {
		case 0:		/* ARP packet cut short */
			len = ETHER_HDR_LEN + (int)(r % sizeof(struct arphdr));
			d = D_SHORT;
			break;
		case 1:		/* not even an Ethernet header */
			len = 1 + (int)(r % (ETHER_HDR_LEN - 1));
			d = D_ETHSHORT;
			break;
		case 2:
			be16enc(a, (uint16_t)(r % 2 ? 6 : 2 + r % 1000));
			d = D_BADHRD;
			break;
		case 3:
			be16enc(a + 2, (uint16_t)(r % 2 ? 0x86dd : 0x0801));
			d = D_BADPRO;
			break;
		case 4:
			a[4] = (uint8_t)(7 + r % 200);
			d = D_BADLEN;
			break;
		case 5:
			a[5] = (uint8_t)(r % 2 ? 16 : r % 4);
			d = D_BADLEN;
			break;
		case 6:
			be16enc(a + 6, (uint16_t)(r % 2 ? 0 : 3 + r % 60000));
			d = D_BADOP;
			break;
		case 7:
			memcpy(a + 8, etherbroadcastaddr, ETHER_ADDR_LEN);
			d = D_BADSHA;
			break;
		case 8:
			memcpy(a + 8, mcast_mac, ETHER_ADDR_LEN);
			d = D_BADSHA;
			break;
		case 9:
			memcpy(a + 8, zero_mac, ETHER_ADDR_LEN);
			d = D_BADSHA;
			break;
		case 10:
			spa = r % 2 ? fe_ip(255, 255, 255, 255) :
			    fe_ip(10, 0, 0, 255);
			memcpy(a + 14, &spa, 4);
			d = D_BADSPA;
			break;
		case 11:
			spa = fe_ip(224 + r % 16, r >> 8 & 0xff, 0, 1);
			memcpy(a + 14, &spa, 4);
			d = D_BADSPA;
			break;
		case 12:
			spa = fe_ip(127, 0, 0, 1 + r % 200);
			memcpy(a + 14, &spa, 4);
			d = D_BADSPA;
			break;
		case 13:	/* 0.0.0.0 is a probe only in a request */
			be16enc(a + 6, ARPOP_REPLY);
			memset(a + 14, 0, 4);
			d = D_BADSPA;
			break;
		default:	/* our own packet come back */
			memcpy(a + 8, our_mac, ETHER_ADDR_LEN);
			d = D_LOOP;
			break;
		}
		expect[d]++;
		fe_inject(&fe, buf, len);
	}

	for (int d = 0; d < D_LOOP + 1; d++)
		assert_int_equal(kstat_read(drop_names[d]) - before[d],
		    expect[d]);
	assert_int_equal(fe.fe_if.if_stats.drops[IFDROP_SHORT] -
	    before[D_ETHSHORT], expect[D_ETHSHORT]);
	/* Nothing was taken for a valid packet, answered or learnt. */
	assert_int_equal(kstat_read("arp.in.replies"), replies);
	assert_int_equal(kstat_read("arp.in.requests"), requests);
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(arp_count(), 0);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_ifdetach_purges(void **state)
{
	static struct fake_ether fe, fe1;
	uint64_t purged;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_rexmit = 60 * 1000;
	purged = kstat_read("arp.drop.purged");

	/* A resolved entry and an incomplete one holding two packets. */
	learn_peer(&fe, peer_mac);
	assert_int_equal(send_ip(&fe, fe_ip(10, 0, 0, 3), 1), 0);
	assert_int_equal(send_ip(&fe, fe_ip(10, 0, 0, 3), 2), 0);
	fe_flush(&fe);
	/* And one on another interface, which stays. */
	fe_attach(&fe1, "fake", peer2_mac);
	assert_int_equal(send_ip(&fe1, PEER, 3), 0);
	fe_flush(&fe1);
	assert_int_equal(arp_count(), 3);

	NET_LOCK();
	arp_ifdetach(&fe.fe_if);
	NET_UNLOCK();
	assert_int_equal(arp_count(), 1);
	assert_int_equal(kstat_read("arp.drop.purged"), purged + 2);
	assert_int_equal(lookup(&fe, PEER, NULL), ENOENT);
	assert_int_equal(fe_queued(&fe), 0);

	/* Going down purges, through the interface hooks. */
	learn_peer(&fe, peer_mac);
	assert_int_equal(arp_count(), 2);
	NET_LOCK();
	assert_int_equal(if_setflags(&fe.fe_if, 0), 0);
	NET_UNLOCK();
	assert_int_equal(arp_count(), 1);
	NET_LOCK();
	assert_int_equal(if_setflags(&fe.fe_if, IFF_UP), 0);
	NET_UNLOCK();
	fe_flush(&fe);		/* the announcement */

	/* So does going away. */
	learn_peer(&fe, peer_mac);
	assert_int_equal(arp_count(), 2);
	fe_detach(&fe);
	assert_int_equal(arp_count(), 1);
	fe_detach(&fe1);
	assert_int_equal(arp_count(), 0);
	assert_int_equal(kstat_read("arp.drop.purged"), purged + 3);
	arp_keep = 20 * 60 * 1000;
	arp_rexmit = 1000;
	KTEST_EXIT();
}

static void
arp_split_frames_are_parsed(void **state)
{
	static struct fake_ether fe;
	uint8_t buf[ARP_FRAME_LEN];
	int len;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	len = mkarp(buf, etherbroadcastaddr, ARPOP_REQUEST, peer_mac, PEER,
	    zero_mac, OUR);
	/* Split inside the Ethernet header, and inside the ARP packet. */
	for (int k = 1; k < len; k++) {
		fe_inject_split(&fe, buf, len, k);
		expect_arp(&fe, peer_mac, ARPOP_REPLY, our_mac, OUR, peer_mac,
		    PEER);
	}
	assert_int_equal(fe_queued(&fe), 0);
	assert_int_equal(arp_count(), 1);
	arp_test_end(&fe);
	KTEST_EXIT();
}

static void
arp_request_without_mbufs_is_counted(void **state)
{
	static struct fake_ether fe;
	uint64_t nobufs;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_rexmit = 60 * 1000;
	nobufs = kstat_read("arp.out.nobufs");
	/* The request's mbuf is the first allocation that may fail. */
	mb_failnext(1);
	assert_int_equal(send_ip(&fe, PEER, 1), 0);
	mb_failnext(0);
	assert_int_equal(kstat_read("arp.out.nobufs"), nobufs + 1);
	assert_int_equal(fe_queued(&fe), 0);
	/* The packet is still held; an answer sends it. */
	assert_int_equal(lookup(&fe, PEER, NULL), EINPROGRESS);
	inject_arp(&fe, our_mac, ARPOP_REPLY, peer_mac, PEER, our_mac, OUR);
	expect_ip(&fe, peer_mac, 1);
	arp_test_end(&fe);
	KTEST_EXIT();
}

/* fake0 as 10.0.0.1/16 instead: room for over ARP_MAXENTRIES neighbours. */
static void
arp_test_widen(struct fake_ether *fe)
{
	NET_LOCK();
	ifa_remove(&fe->fe_if, &fe->fe_ia.ia_ifa);
	NET_UNLOCK();
	fe_addaddr(fe, OUR, 16);
}

/* Neighbour n of a /16: 10.0.1.0, 10.0.1.1, ... */
static struct in_addr
nbr(unsigned n)
{
	return fe_ip(10, 0, 1 + n / 256, n % 256);
}

/* Neighbour n asks for our MAC, and is answered (and learnt). */
static void
learn_nbr(struct fake_ether *fe, unsigned n)
{
	uint8_t f[128];

	inject_arp(fe, etherbroadcastaddr, ARPOP_REQUEST, peer_mac, nbr(n),
	    zero_mac, OUR);
	assert_int_equal(fe_pop(fe, f, sizeof(f)), ARP_FRAME_LEN);
}

/*
 * Neighbours asking from ARP_MAXENTRIES addresses fill the cache, yet an
 * address we send to still gets its entry and its request: the resolved
 * entry heard from least recently makes room.
 */
static void
arp_cache_full_of_neighbours_still_resolves(void **state)
{
	static struct fake_ether fe;
	uint64_t evicted, full;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_test_widen(&fe);
	arp_rexmit = 60 * 1000;
	evicted = kstat_read("arp.evicted");
	full = kstat_read("arp.drop.cachefull");
	for (unsigned n = 0; n < ARP_MAXENTRIES; n++)
		learn_nbr(&fe, n);
	assert_int_equal(arp_count(), ARP_MAXENTRIES);

	assert_int_equal(send_ip(&fe, fe_ip(10, 0, 200, 1), 1), 0);
	expect_arp(&fe, etherbroadcastaddr, ARPOP_REQUEST, our_mac, OUR,
	    zero_mac, fe_ip(10, 0, 200, 1));
	assert_int_equal(lookup(&fe, fe_ip(10, 0, 200, 1), NULL), EINPROGRESS);
	assert_int_equal(lookup(&fe, nbr(0), NULL), ENOENT);
	assert_int_equal(arp_count(), ARP_MAXENTRIES);
	assert_int_equal(kstat_read("arp.evicted"), evicted + 1);
	assert_int_equal(kstat_read("arp.drop.cachefull"), full);
	arp_test_end(&fe);
	KTEST_EXIT();
}

/* Eviction takes the entry confirmed least recently, not the oldest made. */
static void
arp_eviction_takes_least_recently_confirmed(void **state)
{
	static struct fake_ether fe;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_test_widen(&fe);
	for (unsigned n = 0; n < ARP_MAXENTRIES; n++)
		learn_nbr(&fe, n);
	/* Neighbour 0 is heard from again: 1 is now the least recent. */
	learn_nbr(&fe, 0);
	learn_nbr(&fe, ARP_MAXENTRIES);
	assert_int_equal(lookup(&fe, nbr(ARP_MAXENTRIES), NULL), 0);
	assert_int_equal(lookup(&fe, nbr(0), NULL), 0);
	assert_int_equal(lookup(&fe, nbr(1), NULL), ENOENT);
	assert_int_equal(lookup(&fe, nbr(2), NULL), 0);
	assert_int_equal(arp_count(), ARP_MAXENTRIES);
	arp_test_end(&fe);
	KTEST_EXIT();
}

/*
 * Incomplete entries are not evicted: a cache full of them (our own
 * sending to ARP_MAXENTRIES silent addresses) refuses a new address.
 */
static void
arp_cache_full_of_incomplete_entries_refuses_new_address(void **state)
{
	static struct fake_ether fe;
	uint64_t full, purged, holdtotal;
	unsigned n;

	(void)state;
	KTEST_ENTER();
	arp_test_start(&fe);
	arp_rexmit = 60 * 1000;
	full = kstat_read("arp.drop.cachefull");
	purged = kstat_read("arp.drop.purged");
	holdtotal = kstat_read("arp.drop.holdtotal");
	for (n = 0; n < ARP_MAXENTRIES; n++) {
		assert_int_equal(send_ip(&fe, fe_ip(10, 1, n >> 8, n & 0xff),
		    1), 0);
		fe_flush(&fe);
	}
	assert_int_equal(arp_count(), ARP_MAXENTRIES);
	/* One more address: dropped, counted, nothing sent. */
	assert_int_equal(send_ip(&fe, fe_ip(10, 2, 0, 1), 1), ENOBUFS);
	assert_int_equal(kstat_read("arp.drop.cachefull"), full + 1);
	assert_int_equal(fe_queued(&fe), 0);
	/* Known addresses still take packets. */
	assert_int_equal(send_ip(&fe, fe_ip(10, 1, 0, 0), 2), 0);
	/* All but the newest ARP_MAXHOLD_TOTAL packets were dropped. */
	assert_int_equal(kstat_read("arp.drop.holdtotal"),
	    holdtotal + ARP_MAXENTRIES + 1 - ARP_MAXHOLD_TOTAL);
	arp_test_end(&fe);
	assert_int_equal(kstat_read("arp.drop.purged"),
	    purged + ARP_MAXHOLD_TOTAL);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(arp_unresolved_holds_and_broadcasts_request),
		leak_test(arp_reply_resolves_and_sends_held),
		leak_test(arp_request_for_us_is_answered),
		leak_test(arp_request_from_off_subnet_sender_is_answered_not_learnt),
		leak_test(arp_request_for_other_is_ignored_but_merges),
		leak_test(arp_broadcast_and_multicast_need_no_request),
		leak_test(arp_resolved_entries_expire),
		leak_test(arp_incomplete_entry_gives_up),
		leak_test(arp_requests_are_rate_limited),
		leak_test(arp_hold_queue_drops_oldest),
		leak_test(arp_hold_is_capped_across_entries),
		leak_test(arp_announce_has_sender_as_target),
		leak_test(arp_probe_for_us_is_answered),
		leak_test(arp_conflict_is_counted_and_defended),
		leak_test(arp_malformed_packets_are_dropped),
		leak_test(arp_ifdetach_purges),
		leak_test(arp_split_frames_are_parsed),
		leak_test(arp_request_without_mbufs_is_counted),
		leak_test(arp_cache_full_of_neighbours_still_resolves),
		leak_test(arp_eviction_takes_least_recently_confirmed),
		leak_test(arp_cache_full_of_incomplete_entries_refuses_new_address),
		leak_test(arp_permanent_entry_outlives_keep_and_ignores_the_network),
		leak_test(arp_entry_set_by_hand_sends_what_was_held_and_is_deleted),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
