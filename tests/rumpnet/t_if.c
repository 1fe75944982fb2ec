/*
 * The interface layer: counting, taps, cloning and fault injection, on a
 * fake interface that records what it is handed on the way out (the
 * driver) and on the way in (the link layer).
 */
#include "ktest.h"
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "rumpnet/if.h"
#include "rumpnet/if_fault.h"
#include "rumpnet/if_tap.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"

#define NREC	64

struct rec {
	struct mbuf *m[NREC];
	int n;
};

struct fakeif {
	struct ifnet ifnet;
	struct rec out, in;
};

static void
rec_add(struct rec *r, struct mbuf *m)
{
	assert_true(r->n < NREC);
	r->m[r->n++] = m;
}

static void
rec_clear(struct rec *r)
{
	for (int i = 0; i < r->n; i++)
		m_freem(r->m[i]);
	r->n = 0;
}

/* The first byte of each recorded frame, which the tests number. */
static int
rec_byte(struct rec *r, int i)
{
	uint8_t b;

	m_copydata(r->m[i], 0, 1, &b);
	return b;
}

static int
fake_transmit(struct ifnet *ifp, struct mbuf *m)
{
	rec_add(&container_of(ifp, struct fakeif, ifnet)->out, m);
	return 0;
}

static int
fake_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt)
{
	(void)dst;
	(void)rt;
	return if_transmit(ifp, m);
}

static void
fake_input(struct ifnet *ifp, struct mbuf *m)
{
	rec_add(&container_of(ifp, struct fakeif, ifnet)->in, m);
}

static const struct if_driverops fake_driverops = {
	.ifd_transmit = fake_transmit,
};
static const struct if_linkops fake_linkops = {
	.ifl_output = fake_output,
	.ifl_input = fake_input,
};

static void
fake_attach(struct fakeif *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	if_init_ifnet(&f->ifnet, name);
	f->ifnet.if_drv = &fake_driverops;
	f->ifnet.if_link = &fake_linkops;
	assert_int_equal(if_attach(&f->ifnet), 0);
	NET_LOCK();
	assert_int_equal(if_setflags(&f->ifnet, IFF_UP), 0);
	NET_UNLOCK();
}

static void
fake_detach(struct fakeif *f)
{
	if_detach(&f->ifnet);
	rec_clear(&f->out);
	rec_clear(&f->in);
}

/* A 64-byte frame whose bytes all say n. */
static struct mbuf *
frame(int n)
{
	uint8_t buf[64];

	memset(buf, n, sizeof(buf));
	return m_devget(buf, sizeof(buf), NULL);
}

static const struct sockaddr any = { .sa_family = AF_INET };

static void
send_frames(struct fakeif *f, int n)
{
	NET_LOCK();
	for (int i = 0; i < n; i++)
		assert_int_equal(if_output(&f->ifnet, frame(i), &any, NULL), 0);
	NET_UNLOCK();
}

static uint64_t
kstat(const char *name)
{
	uint64_t v = ~0ULL;

	assert_int_equal(rumppriv_kstat_get(name, &v), 0);
	return v;
}

static void
frames_are_counted_both_ways_by_name(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	send_frames(&f, 3);
	if_input(&f.ifnet, frame(9));
	assert_int_equal(kstat("fake0.opackets"), 3);
	assert_int_equal(kstat("fake0.obytes"), 3 * 64);
	assert_int_equal(kstat("fake0.ipackets"), 1);
	assert_int_equal(f.out.n, 3);
	assert_int_equal(f.in.n, 1);
	fake_detach(&f);
	KTEST_EXIT();
}

static void
interface_down_drops_both_ways_and_counts(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	NET_LOCK();
	assert_int_equal(if_setflags(&f.ifnet, 0), 0);
	assert_int_equal(if_output(&f.ifnet, frame(1), &any, NULL), ENETDOWN);
	NET_UNLOCK();
	if_input(&f.ifnet, frame(2));
	assert_int_equal(kstat("fake0.drop.down"), 2);
	assert_int_equal(f.out.n + f.in.n, 0);
	fake_detach(&f);
	KTEST_EXIT();
}

static int tap_seen[2];

static void
count_tap(void *arg, const struct mbuf *m, enum if_tap_dir dir)
{
	(void)arg;
	(void)m;
	tap_seen[dir]++;
}

static void
taps_see_every_frame_in_and_out(void **state)
{
	struct if_tap tap = { .tap_func = count_tap };
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	tap_seen[0] = tap_seen[1] = 0;
	NET_LOCK();
	if_tap_attach(&f.ifnet, &tap);
	NET_UNLOCK();
	send_frames(&f, 2);
	if_input(&f.ifnet, frame(5));
	NET_LOCK();
	if_tap_detach(&f.ifnet, &tap);
	NET_UNLOCK();
	send_frames(&f, 1);
	assert_int_equal(tap_seen[IF_TAP_OUT], 2);
	assert_int_equal(tap_seen[IF_TAP_IN], 1);
	fake_detach(&f);
	KTEST_EXIT();
}

static int
is_fake(struct ifnet *ifp, const void *arg)
{
	return strcmp(ifp->if_xname, arg) == 0 ? 0 : EINVAL;
}

static void
interface_is_found_by_name_until_detached(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	assert_int_equal(if_call_byname("fake0", is_fake, "fake0"), 0);
	assert_int_equal(if_call_byname(NULL, is_fake, "fake0"), EINVAL);
	fake_detach(&f);
	assert_int_equal(if_call_byname("fake0", is_fake, "fake0"), ENXIO);
	KTEST_EXIT();
}

static void
fault_specs_parse_rates_seed_and_direction(void **state)
{
	struct if_fault_params p;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(if_fault_parse("drop=1%,dup=0.5,reorder=100%,"
	    "corrupt=0.000001,seed=42,dir=out", &p), 0);
	assert_int_equal(p.drop_ppm, 10000);
	assert_int_equal(p.dup_ppm, 500000);
	assert_int_equal(p.reorder_ppm, 1000000);
	assert_int_equal(p.corrupt_ppm, 1);
	assert_int_equal(p.seed, 42);
	assert_int_equal(p.dirs, IF_FAULT_OUT);
	assert_int_equal(if_fault_parse("", &p), 0);
	assert_int_equal(p.dirs, IF_FAULT_IN | IF_FAULT_OUT);
	assert_int_equal(if_fault_parse("drop=101%", &p), EINVAL);
	assert_int_equal(if_fault_parse("drop=1.5", &p), EINVAL);
	assert_int_equal(if_fault_parse("drop", &p), EINVAL);
	assert_int_equal(if_fault_parse("loss=1%", &p), EINVAL);
	assert_int_equal(if_fault_parse("dir=sideways", &p), EINVAL);
	assert_int_equal(if_fault_parse("seed=x", &p), EINVAL);
	KTEST_EXIT();
}

static void
fault_set(struct fakeif *f, const char *spec)
{
	struct if_fault_params p;

	assert_int_equal(if_fault_parse(spec, &p), 0);
	NET_LOCK();
	assert_int_equal(if_fault_set(&f->ifnet, &p), 0);
	NET_UNLOCK();
}

static void
fault_drop_all_drops_and_counts_every_frame(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	fault_set(&f, "drop=100%,dir=out");
	send_frames(&f, 10);
	if_input(&f.ifnet, frame(1));
	assert_int_equal(f.out.n, 0);
	assert_int_equal(f.in.n, 1);	/* only "out" was asked for */
	assert_int_equal(kstat("fake0.drop.fault"), 10);
	assert_int_equal(kstat("fake0.fault.dropped"), 10);
	fake_detach(&f);
	KTEST_EXIT();
}

static void
fault_dup_all_sends_every_frame_twice(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	fault_set(&f, "dup=100%");
	send_frames(&f, 3);
	assert_int_equal(f.out.n, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(rec_byte(&f.out, i), i / 2);
	fake_detach(&f);
	KTEST_EXIT();
}

static void
fault_reorder_swaps_a_frame_with_the_next(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	fault_set(&f, "reorder=100%");
	send_frames(&f, 2);
	assert_int_equal(f.out.n, 2);
	assert_int_equal(rec_byte(&f.out, 0), 1);
	assert_int_equal(rec_byte(&f.out, 1), 0);
	fake_detach(&f);
	KTEST_EXIT();
}

static void
fault_reordered_frame_goes_out_alone_after_a_while(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	fault_set(&f, "reorder=100%");
	send_frames(&f, 1);
	assert_int_equal(f.out.n, 0);
	/* No frame follows it: the flush timer sends it. */
	for (int i = 0; i < 2000 && __atomic_load_n(&f.out.n, __ATOMIC_ACQUIRE) == 0; i++)
		kpause(NSEC_PER_TICK);
	assert_int_equal(f.out.n, 1);
	fake_detach(&f);
	KTEST_EXIT();
}

static void
a_second_interface_of_the_same_name_is_eexist(void **state)
{
	struct fakeif a, b;

	(void)state;
	KTEST_ENTER();
	fake_attach(&a, "fake0");
	memset(&b, 0, sizeof(b));
	if_init_ifnet(&b.ifnet, "fake0");
	b.ifnet.if_drv = &fake_driverops;
	b.ifnet.if_link = &fake_linkops;
	assert_int_equal(if_attach(&b.ifnet), EEXIST);
	fake_detach(&a);
	KTEST_EXIT();
}

/* The interface went down while a frame was held: it is dropped, not sent. */
static void
fault_reordered_frame_held_while_the_interface_goes_down_is_dropped(
    void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	fault_set(&f, "reorder=100%");
	send_frames(&f, 1);
	NET_LOCK();
	assert_int_equal(if_setflags(&f.ifnet, 0), 0);
	NET_UNLOCK();
	for (int i = 0; i < 2000 && kstat("fake0.drop.down") == 0; i++)
		kpause(NSEC_PER_TICK);
	assert_int_equal(kstat("fake0.drop.down"), 1);
	assert_int_equal(f.out.n, 0);
	fake_detach(&f);
	KTEST_EXIT();
}

static void
fault_corrupt_flips_one_bit_of_a_private_copy(void **state)
{
	uint8_t orig[64], got[64];
	struct fakeif f;
	struct mbuf *m, *shared;
	int bits = 0;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	fault_set(&f, "corrupt=100%");
	m = m_getcl(M_WAIT, MT_DATA, M_PKTHDR);
	memset(mtod(m, void *), 0xa5, 64);
	m->m_len = m->m_pkthdr.len = 64;
	/* A copy sharing the cluster, as a retransmission queue would hold. */
	shared = m_copym(m, 0, M_COPYALL, M_WAIT);
	NET_LOCK();
	assert_int_equal(if_output(&f.ifnet, m, &any, NULL), 0);
	NET_UNLOCK();
	assert_int_equal(f.out.n, 1);
	m_copydata(f.out.m[0], 0, 64, got);
	m_copydata(shared, 0, 64, orig);
	for (int i = 0; i < 64; i++)
		bits += __builtin_popcount(got[i] ^ orig[i]);
	assert_int_equal(bits, 1);
	for (int i = 0; i < 64; i++)
		assert_int_equal(orig[i], 0xa5);
	m_freem(shared);
	fake_detach(&f);
	KTEST_EXIT();
}

/* Which of 200 frames a seeded drop rate lets through, as a bitmap. */
static void
fault_survivors(const char *spec, uint8_t survived[25])
{
	struct fakeif f;

	fake_attach(&f, "fake0");
	fault_set(&f, spec);
	memset(survived, 0, 25);
	for (int i = 0; i < 200; i++) {
		send_frames(&f, 1);
		if (f.out.n > 0)
			survived[i / 8] |= (uint8_t)(1u << (i % 8));
		rec_clear(&f.out);
	}
	fake_detach(&f);
}

static void
fault_with_the_same_seed_repeats_exactly(void **state)
{
	uint8_t a[25], b[25], c[25];

	(void)state;
	KTEST_ENTER();
	fault_survivors("drop=50%,seed=7", a);
	fault_survivors("drop=50%,seed=7", b);
	fault_survivors("drop=50%,seed=8", c);
	KTEST_EXIT();
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
}

static void
fault_replaced_and_cleared_leaves_nothing_behind(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	fault_set(&f, "reorder=100%");
	send_frames(&f, 1);		/* one frame held back */
	fault_set(&f, "drop=100%");	/* the held one goes with the old */
	send_frames(&f, 1);
	assert_int_equal(kstat("fake0.fault.dropped"), 1);
	NET_LOCK();
	if_fault_clear(&f.ifnet);
	NET_UNLOCK();
	send_frames(&f, 1);
	assert_int_equal(f.out.n, 1);
	fake_detach(&f);
	KTEST_EXIT();
}

static void
fault_on_a_detaching_interface_is_refused(void **state)
{
	struct if_fault_params p;
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fake_attach(&f, "fake0");
	assert_int_equal(if_fault_parse("drop=1%", &p), 0);
	NET_LOCK();
	f.ifnet.if_detaching = true;
	assert_int_equal(if_fault_set(&f.ifnet, &p), ENXIO);
	NET_UNLOCK();
	fake_detach(&f);
	KTEST_EXIT();
}

/* A clone "tst" whose interfaces are fake ones. */
static struct fakeif clones[2];

static int
tst_create(struct if_clone *ifc, int unit, const char *params)
{
	char name[IFNAMSIZ];

	(void)params;
	if (unit > 1)
		return EINVAL;
	ksnprintf(name, sizeof(name), "%s%d", ifc->ifc_name, unit);
	fake_attach(&clones[unit], name);
	return 0;
}

static int
tst_destroy(struct ifnet *ifp)
{
	fake_detach(container_of(ifp, struct fakeif, ifnet));
	return 0;
}

static struct if_clone tst_clone = {
	.ifc_name = "tst",
	.ifc_create = tst_create,
	.ifc_destroy = tst_destroy,
};

static void
clones_are_made_and_destroyed_by_name(void **state)
{
	(void)state;
	KTEST_ENTER();
	if_clone_attach(&tst_clone);
	assert_int_equal(if_clone_create("tst0", ""), 0);
	assert_int_equal(if_clone_create("tst0", ""), EEXIST);
	assert_int_equal(if_clone_create("nosuch0", ""), ENXIO);
	assert_int_equal(if_clone_create("tst", ""), EINVAL);
	assert_int_equal(if_clone_create("tstx", ""), EINVAL);
	assert_int_equal(if_clone_destroy("tst0"), 0);
	assert_int_equal(if_clone_destroy("tst0"), ENXIO);
	if_clone_detach(&tst_clone);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(frames_are_counted_both_ways_by_name),
		leak_test(interface_down_drops_both_ways_and_counts),
		leak_test(taps_see_every_frame_in_and_out),
		leak_test(interface_is_found_by_name_until_detached),
		leak_test(fault_specs_parse_rates_seed_and_direction),
		leak_test(fault_drop_all_drops_and_counts_every_frame),
		leak_test(fault_dup_all_sends_every_frame_twice),
		leak_test(fault_reorder_swaps_a_frame_with_the_next),
		leak_test(fault_reordered_frame_goes_out_alone_after_a_while),
		leak_test(fault_reordered_frame_held_while_the_interface_goes_down_is_dropped),
		leak_test(a_second_interface_of_the_same_name_is_eexist),
		leak_test(fault_corrupt_flips_one_bit_of_a_private_copy),
		leak_test(fault_with_the_same_seed_repeats_exactly),
		leak_test(fault_replaced_and_cleared_leaves_nothing_behind),
		leak_test(fault_on_a_detaching_interface_is_refused),
		leak_test(clones_are_made_and_destroyed_by_name),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
