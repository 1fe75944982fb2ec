/*
 * mbufs: every operation of mbuf.h, one behaviour per test.  Each test
 * checks its chains with m_check(), and its teardown that no kernel memory
 * leaked and that mbstat counts no mbuf or cluster more than before.
 *
 * Test packets carry a pattern, byte i of a packet being pat(i), so a
 * chain is checked against the pattern wherever its bytes ended up.
 */
#include "ktest.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kthread.h"
#include "rumpkern/mutex.h"
#include "rumpnet/mbuf.h"

/* The mbuf counters now, summed over the CPUs. */
static struct mbstat
mbs(void)
{
	struct mbstat st;

	mbstat_read(&st);
	return st;
}

static struct mbstat mbstat_before;

static int
mb_setup(void **state)
{
	mbstat_read(&mbstat_before);
	return leakcheck_setup(state);
}

static int
mb_teardown(void **state)
{
	ktest_release();
	mb_failnext(0);
	assert_int_equal(mbs().m_mbufs, mbstat_before.m_mbufs);
	assert_int_equal(mbs().m_clusters, mbstat_before.m_clusters);
	return leakcheck_teardown(state);
}

/* A test with the leak check and the mbstat check around it. */
#define mb_test(f)	cmocka_unit_test_setup_teardown(f, mb_setup, mb_teardown)

static uint8_t
pat(int i)
{
	return (uint8_t)(i * 7 + (i >> 8) * 13 + 1);
}

static void
fill(char *p, int off, int len)
{
	for (int i = 0; i < len; i++)
		p[i] = (char)pat(off + i);
}

/*
 * A chain, a packet if hdr, of one mbuf per letter of kinds: 'i' internal
 * data at the start, 'e' internal data at the end (leading space), 'c' a
 * cluster.  lens[k] bytes in the k-th; the bytes are pat(0) onwards.
 */
static struct mbuf *
mkchain(bool hdr, const char *kinds, const int *lens)
{
	struct mbuf *top = NULL, **mp = &top, *m;
	int pos = 0;

	for (int k = 0; kinds[k] != '\0'; k++) {
		bool h = hdr && k == 0;

		if (kinds[k] == 'c')
			m = m_getcl(M_WAIT, MT_DATA, h ? M_PKTHDR : 0);
		else
			m = h ? m_gethdr(M_WAIT, MT_DATA) : m_get(M_WAIT, MT_DATA);
		if (kinds[k] == 'e')
			m_align(m, lens[k]);
		fill(mtod(m, char *), pos, lens[k]);
		m->m_len = lens[k];
		pos += lens[k];
		*mp = m;
		mp = &m->m_next;
	}
	if (hdr)
		top->m_pkthdr.len = pos;
	assert_true(m_check(top));
	return top;
}

static char flat[2 * MAXMCLBYTES];

/* m is valid and holds len bytes, pat(off) onwards. */
static void
assert_pattern(const struct mbuf *m, int off, int len)
{
	char want[512];

	assert_true(m_check(m));
	assert_int_equal(m_length(m), len);
	m_copydata(m, 0, len, flat);
	for (int done = 0; done < len; done += (int)sizeof(want)) {
		int n = MIN(len - done, (int)sizeof(want));

		fill(want, off + done, n);
		assert_memory_equal(flat + done, want, n);
	}
}

static int
nmbufs(const struct mbuf *m)
{
	int n = 0;

	for (; m != NULL; m = m->m_next)
		n++;
	return n;
}

static unsigned
refs(const struct mbuf *m)
{
	assert_true(m->m_flags & M_EXT);
	return *M_EXTP(m)->ext_refcnt;
}

/* ---- allocation ---------------------------------------------------------- */

static void
m_get_returns_empty_mbuf(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = m_get(M_WAIT, MT_DATA);
	assert_true(m_check(m));
	assert_int_equal(m->m_len, 0);
	assert_int_equal(m->m_flags, 0);
	assert_int_equal(m->m_type, MT_DATA);
	assert_null(m->m_next);
	assert_int_equal(M_LEADINGSPACE(m), 0);
	assert_int_equal(M_TRAILINGSPACE(m), MLEN);
	assert_int_equal(mbs().m_mbufs, mbstat_before.m_mbufs + 1);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_gethdr_returns_empty_packet(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = m_gethdr(M_WAIT, MT_HEADER);
	assert_true(m_check(m));
	assert_int_equal(m->m_flags, M_PKTHDR);
	assert_int_equal(m->m_pkthdr.len, 0);
	assert_null(m->m_pkthdr.rcvif);
	assert_int_equal(m->m_pkthdr.csum_flags, 0);
	assert_int_equal(M_TRAILINGSPACE(m), MHLEN);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_getcl_attaches_writable_cluster(void **state)
{
	struct mbuf *m;
	uint64_t blocks = kmem_type_lookup("mcluster")->kt_blocks;

	(void)state;
	KTEST_ENTER();
	m = m_getcl(M_WAIT, MT_DATA, M_PKTHDR);
	assert_true(m_check(m));
	assert_int_equal(m->m_flags, M_PKTHDR | M_EXT);
	assert_int_equal(M_EXTP(m)->ext_size, MCLBYTES);
	assert_int_equal(M_TRAILINGSPACE(m), MCLBYTES);
	assert_int_equal(refs(m), 1);
	assert_true(m_writable(m));
	assert_int_equal(mbs().m_clusters, mbstat_before.m_clusters + 1);
	assert_int_equal(kmem_type_lookup("mcluster")->kt_blocks, blocks + 1);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_getlen_picks_internal_cluster_or_large_buffer(void **state)
{
	static const size_t lens[] = { 0, MHLEN, MHLEN + 1, MCLBYTES,
	    MCLBYTES + 1, 9000, MAXMCLBYTES };

	(void)state;
	KTEST_ENTER();
	for (size_t i = 0; i < __arraycount(lens); i++) {
		struct mbuf *m = m_getlen(M_WAIT, MT_DATA, lens[i]);

		assert_true(m_check(m));
		assert_true(m->m_flags & M_PKTHDR);
		assert_true(M_TRAILINGSPACE(m) >= (int)lens[i]);
		if (lens[i] <= (size_t)MHLEN)
			assert_false(m->m_flags & M_EXT);
		else if (lens[i] <= MCLBYTES)
			assert_int_equal(M_EXTP(m)->ext_size, MCLBYTES);
		else
			assert_true(M_EXTP(m)->ext_size >= lens[i]);
		/* The whole room can be written. */
		memset(mtod(m, char *), 0xa5, lens[i]);
		m_freem(m);
	}
	KTEST_EXIT();
}

static void
m_get_dontwait_failure_returns_null_and_counts_drop(void **state)
{
	uint64_t drops = mbs().m_drops;

	(void)state;
	KTEST_ENTER();
	mb_failnext(1);
	assert_null(m_get(M_DONTWAIT, MT_DATA));
	assert_int_equal(mbs().m_drops, drops + 1);
	/* Only the chosen allocation fails. */
	m_freem(m_get(M_DONTWAIT, MT_DATA));
	assert_int_equal(mbs().m_drops, drops + 1);
	KTEST_EXIT();
}

static void
m_getcl_cluster_failure_frees_mbuf(void **state)
{
	(void)state;
	KTEST_ENTER();
	mb_failnext(2);		/* the mbuf succeeds, the cluster fails */
	assert_null(m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR));
	KTEST_EXIT();
}

static void
m_wait_ignores_injected_failure(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	mb_failnext(1);
	m = m_getcl(M_WAIT, MT_DATA, 0);
	assert_non_null(m);
	m_freem(m);
	KTEST_EXIT();
}

/* ---- external storage ---------------------------------------------------- */

static int ext_freed;
static void *ext_freed_buf, *ext_freed_arg;
static size_t ext_freed_size;

static void
ext_free_count(void *buf, size_t size, void *arg)
{
	ext_freed++;
	ext_freed_buf = buf;
	ext_freed_size = size;
	ext_freed_arg = arg;
}

static void
m_extadd_free_callback_runs_on_last_reference(void **state)
{
	static char buf[3000];
	struct mbuf *m, *c;
	int arg;

	(void)state;
	KTEST_ENTER();
	ext_freed = 0;
	m = m_gethdr(M_WAIT, MT_DATA);
	m_extadd(m, buf, sizeof(buf), ext_free_count, &arg);
	fill(buf, 0, sizeof(buf));
	m->m_len = m->m_pkthdr.len = sizeof(buf);
	assert_pattern(m, 0, sizeof(buf));
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	assert_int_equal(refs(m), 2);
	m_freem(m);
	assert_int_equal(ext_freed, 0);
	assert_pattern(c, 0, sizeof(buf));
	m_freem(c);
	assert_int_equal(ext_freed, 1);
	assert_ptr_equal(ext_freed_buf, buf);
	assert_int_equal(ext_freed_size, sizeof(buf));
	assert_ptr_equal(ext_freed_arg, &arg);
	KTEST_EXIT();
}

static void
m_extadd_without_free_function(void **state)
{
	static const char text[] = "constant bytes";
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = m_get(M_WAIT, MT_DATA);
	m_extadd(m, (void *)text, sizeof(text), NULL, NULL);
	m->m_len = sizeof(text);
	assert_true(m_check(m));
	assert_memory_equal(mtod(m, char *), text, sizeof(text));
	m_freem(m);
	KTEST_EXIT();
}

static void
m_writable_false_while_storage_shared(void **state)
{
	struct mbuf *m, *c;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "c", (int[]){ 100 });
	assert_true(m_writable(m));
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	assert_false(m_writable(m));
	assert_false(m_writable(c));
	m_freem(c);
	assert_true(m_writable(m));
	m_freem(m);
	KTEST_EXIT();
}

static void
m_space_is_zero_when_storage_shared(void **state)
{
	struct mbuf *m, *c;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "c", (int[]){ 100 });
	m_adj(m, 10);
	assert_int_equal(M_LEADINGSPACE(m), 10);
	assert_int_equal(M_TRAILINGSPACE(m), MCLBYTES - 100);
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	assert_int_equal(M_LEADINGSPACE(m), 0);
	assert_int_equal(M_TRAILINGSPACE(m), 0);
	assert_int_equal(M_LEADINGSPACE(c), 0);
	m_freem(c);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_freem_list_frees_every_packet(void **state)
{
	struct mbuf *a, *b, *c;

	(void)state;
	KTEST_ENTER();
	a = mkchain(true, "ic", (int[]){ 10, 20 });
	b = mkchain(true, "c", (int[]){ 30 });
	c = mkchain(true, "iii", (int[]){ 1, 2, 3 });
	a->m_nextpkt = b;
	b->m_nextpkt = c;
	m_freem_list(a);
	m_freem(NULL);
	KTEST_EXIT();
}

/* ---- packet headers ------------------------------------------------------ */

static void
m_move_pkthdr_moves_header_and_flags(void **state)
{
	struct mbuf *from, *to;
	int ifp;

	(void)state;
	KTEST_ENTER();
	from = mkchain(true, "i", (int[]){ 50 });
	from->m_flags |= M_BCAST;
	from->m_pkthdr.rcvif = (struct ifnet *)&ifp;
	from->m_pkthdr.csum_flags = M_CSUM_IPv4_OK;
	/* A cluster's descriptor moves when the header comes in front. */
	to = m_getcl(M_WAIT, MT_DATA, 0);
	m_move_pkthdr(to, from);
	assert_int_equal(to->m_flags, M_PKTHDR | M_EXT | M_BCAST);
	assert_ptr_equal(to->m_pkthdr.rcvif, &ifp);
	assert_int_equal(to->m_pkthdr.len, 50);
	assert_int_equal(to->m_pkthdr.csum_flags, M_CSUM_IPv4_OK);
	assert_int_equal(M_EXTP(to)->ext_size, MCLBYTES);
	assert_int_equal(refs(to), 1);
	assert_false(from->m_flags & M_PKTHDR);
	to->m_next = from;
	to->m_pkthdr.len = 50;
	assert_pattern(to, 0, 50);
	m_freem(to);
	KTEST_EXIT();
}

static void
m_move_pkthdr_from_cluster_keeps_its_storage(void **state)
{
	struct mbuf *from, *to;

	(void)state;
	KTEST_ENTER();
	from = mkchain(true, "c", (int[]){ 1500 });
	to = m_get(M_WAIT, MT_DATA);
	m_move_pkthdr(to, from);
	assert_false(from->m_flags & M_PKTHDR);
	assert_int_equal(M_EXTP(from)->ext_size, MCLBYTES);
	to->m_next = from;
	assert_pattern(to, 0, 1500);
	m_freem(to);
	KTEST_EXIT();
}

static void
m_copy_pkthdr_keeps_source_header(void **state)
{
	struct mbuf *from, *to;

	(void)state;
	KTEST_ENTER();
	from = mkchain(true, "i", (int[]){ 20 });
	from->m_flags |= M_MCAST | M_EOR;
	to = m_get(M_WAIT, MT_DATA);
	m_copy_pkthdr(to, from);
	assert_true(from->m_flags & M_PKTHDR);
	assert_int_equal(to->m_flags, M_PKTHDR | M_MCAST | M_EOR);
	assert_int_equal(to->m_pkthdr.len, 20);
	assert_ptr_equal(mtod(to, char *), to->m_pktdat);
	m_freem(to);
	m_freem(from);
	KTEST_EXIT();
}

/* ---- prepend and align --------------------------------------------------- */

static void
m_align_places_room_at_end(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = m_gethdr(M_WAIT, MT_DATA);
	m_align(m, 20);
	assert_int_equal(M_TRAILINGSPACE(m), (MHLEN - 20) % sizeof(long) + 20);
	assert_true(M_TRAILINGSPACE(m) >= 20);
	assert_int_equal((uintptr_t)mtod(m, char *) % sizeof(long), 0);
	m_freem(m);
	m = m_getcl(M_WAIT, MT_DATA, 0);
	m_align(m, 100);
	assert_int_equal(M_LEADINGSPACE(m), MCLBYTES - 104);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_prepend_uses_leading_space(void **state)
{
	struct mbuf *m, *orig;

	(void)state;
	KTEST_ENTER();
	m = orig = mkchain(true, "e", (int[]){ 40 });
	M_PREPEND(m, 8, M_DONTWAIT);
	assert_ptr_equal(m, orig);
	assert_int_equal(m->m_len, 48);
	assert_int_equal(m->m_pkthdr.len, 48);
	fill(mtod(m, char *), -8, 8);
	assert_true(m_check(m));
	m_freem(m);
	KTEST_EXIT();
}

static void
m_prepend_without_leading_space_adds_mbuf(void **state)
{
	struct mbuf *m, *orig;

	(void)state;
	KTEST_ENTER();
	m = orig = mkchain(true, "i", (int[]){ 40 });
	orig->m_flags |= M_BCAST;
	M_PREPEND(m, 14, M_DONTWAIT);
	assert_ptr_not_equal(m, orig);
	assert_ptr_equal(m->m_next, orig);
	assert_int_equal(m->m_flags, M_PKTHDR | M_BCAST);
	assert_false(orig->m_flags & M_PKTHDR);
	assert_int_equal(m->m_len, 14);
	assert_int_equal(m->m_pkthdr.len, 54);
	/* The new mbuf keeps room in front for the next header. */
	assert_true(M_LEADINGSPACE(m) >= MHLEN - 14 - (int)sizeof(long));
	fill(mtod(m, char *), 0, 14);
	fill(mtod(orig, char *), 14, 40);
	assert_pattern(m, 0, 54);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_prepend_to_shared_cluster_adds_mbuf(void **state)
{
	struct mbuf *m, *c;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "c", (int[]){ 100 });
	m_adj(m, 20);
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	/* Writing in front would overwrite bytes the copy may see. */
	M_PREPEND(c, 20, M_WAIT);
	assert_int_equal(nmbufs(c), 2);
	fill(mtod(c, char *), 0, 20);
	assert_pattern(c, 0, 100);
	assert_pattern(m, 20, 80);
	m_freem(c);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_prepend_failure_frees_chain(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ic", (int[]){ 40, 1000 });
	mb_failnext(1);
	M_PREPEND(m, 20, M_DONTWAIT);
	assert_null(m);
	KTEST_EXIT();
}

/* ---- pullup -------------------------------------------------------------- */

static void
m_pullup_returns_chain_when_already_contiguous(void **state)
{
	struct mbuf *m, *orig;

	(void)state;
	KTEST_ENTER();
	m = orig = mkchain(true, "ii", (int[]){ 30, 30 });
	m = m_pullup(m, 30);
	assert_ptr_equal(m, orig);
	assert_int_equal(nmbufs(m), 2);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_pullup_moves_bytes_across_mbufs(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	/* The first is full to the end: a new mbuf gathers the bytes. */
	m = mkchain(true, "ecii", (int[]){ 10, 7, 1, 30 });
	m = m_pullup(m, 20);
	assert_non_null(m);
	assert_true(m->m_len >= 20);
	assert_pattern(m, 0, 48);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_pullup_gathers_in_first_mbufs_room(void **state)
{
	struct mbuf *m, *orig;

	(void)state;
	KTEST_ENTER();
	m = orig = mkchain(true, "iii", (int[]){ 10, 5, 30 });
	m = m_pullup(m, 20);
	assert_ptr_equal(m, orig);
	assert_int_equal(m->m_len, 20);
	/* The emptied second mbuf is gone. */
	assert_int_equal(nmbufs(m), 2);
	assert_pattern(m, 0, 45);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_pullup_copies_out_of_shared_first_mbuf(void **state)
{
	struct mbuf *m, *c;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ci", (int[]){ 10, 40 });
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	c = m_pullup(c, 30);
	assert_non_null(c);
	assert_true(c->m_len >= 30);
	assert_pattern(c, 0, 50);
	assert_pattern(m, 0, 50);
	m_freem(c);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_pullup_fails_on_short_packet_and_frees_it(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "eii", (int[]){ 10, 5, 4 });
	assert_null(m_pullup(m, 20));
	m = mkchain(true, "iii", (int[]){ 10, 5, 4 });
	assert_null(m_pullup(m, 20));
	KTEST_EXIT();
}

static void
m_pullup_fails_beyond_mhlen(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "cc", (int[]){ 100, 1000 });
	assert_null(m_pullup(m, MHLEN + 1));
	m = mkchain(true, "cc", (int[]){ 100, 1000 });
	m = m_pullup(m, MHLEN);
	assert_non_null(m);
	assert_int_equal(m->m_len, MHLEN);
	assert_pattern(m, 0, 1100);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_pullup_allocation_failure_frees_chain(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ec", (int[]){ 10, 100 });
	mb_failnext(1);
	assert_null(m_pullup(m, 40));
	KTEST_EXIT();
}

/* ---- adj, cat, split ----------------------------------------------------- */

static void
m_adj_trims_head_across_mbufs(void **state)
{
	struct mbuf *m, *orig;

	(void)state;
	KTEST_ENTER();
	m = orig = mkchain(true, "icic", (int[]){ 10, 20, 30, 40 });
	m_adj(m, 35);
	assert_ptr_equal(m, orig);
	assert_int_equal(m->m_pkthdr.len, 65);
	/* The first stays (it has the header), the emptied second goes. */
	assert_int_equal(m->m_len, 0);
	assert_int_equal(nmbufs(m), 3);
	assert_pattern(m, 35, 65);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_adj_trims_tail_and_frees_emptied_mbufs(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "icic", (int[]){ 10, 20, 30, 40 });
	m_adj(m, -75);
	assert_int_equal(m->m_pkthdr.len, 25);
	assert_int_equal(nmbufs(m), 2);
	assert_pattern(m, 0, 25);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_adj_beyond_length_empties_packet(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ic", (int[]){ 10, 20 });
	m_adj(m, 1000);
	assert_pattern(m, 0, 0);
	m_freem(m);
	m = mkchain(true, "ic", (int[]){ 10, 20 });
	m_adj(m, -1000);
	assert_pattern(m, 0, 0);
	assert_int_equal(nmbufs(m), 1);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_cat_appends_and_updates_length(void **state)
{
	struct mbuf *m, *n;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "c", (int[]){ 100 });
	n = mkchain(true, "cc", (int[]){ 2000, 50 });
	/* n starts where m ends. */
	fill(mtod(n, char *), 100, 2000);
	fill(mtod(n->m_next, char *), 2100, 50);
	m_cat(m, n);
	assert_false(n->m_flags & M_PKTHDR);
	assert_int_equal(nmbufs(m), 3);
	assert_pattern(m, 0, 2150);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_cat_copies_small_mbufs_into_trailing_space(void **state)
{
	struct mbuf *m, *n;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "i", (int[]){ 20 });
	n = mkchain(true, "iic", (int[]){ 30, 40, 500 });
	fill(mtod(n, char *), 20, 30);
	fill(mtod(n->m_next, char *), 50, 40);
	fill(mtod(n->m_next->m_next, char *), 90, 500);
	m_cat(m, n);
	/* Both internal mbufs were copied; the cluster was linked. */
	assert_int_equal(nmbufs(m), 2);
	assert_int_equal(m->m_len, 90);
	assert_pattern(m, 0, 590);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_split_inside_internal_mbuf(void **state)
{
	struct mbuf *m, *t;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ici", (int[]){ 100, 200, 50 });
	t = m_split(m, 60, M_WAIT);
	assert_non_null(t);
	assert_true(t->m_flags & M_PKTHDR);
	assert_pattern(m, 0, 60);
	assert_pattern(t, 60, 290);
	m_freem(m);
	m_freem(t);
	KTEST_EXIT();
}

static void
m_split_inside_cluster(void **state)
{
	struct mbuf *m, *t;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ic", (int[]){ 100, 2000 });
	t = m_split(m, 1000, M_WAIT);
	assert_non_null(t);
	assert_pattern(m, 0, 1000);
	assert_pattern(t, 1000, 1100);
	/* Both halves point into the one cluster, now read-only. */
	assert_ptr_equal(M_EXTP(t)->ext_buf, M_EXTP(m->m_next)->ext_buf);
	assert_int_equal(refs(t), 2);
	assert_false(m_writable(t));
	m_freem(m);
	assert_int_equal(refs(t), 1);
	m_freem(t);
	KTEST_EXIT();
}

static void
m_split_at_mbuf_boundary_moves_mbufs(void **state)
{
	struct mbuf *m, *t, *second;

	(void)state;
	KTEST_ENTER();
	m = mkchain(false, "ici", (int[]){ 100, 200, 50 });
	second = m->m_next;
	t = m_split(m, 100, M_WAIT);
	assert_ptr_equal(t, second);
	assert_pattern(m, 0, 100);
	assert_pattern(t, 100, 250);
	m_freem(m);
	m_freem(t);
	KTEST_EXIT();
}

static void
m_split_at_ends(void **state)
{
	struct mbuf *m, *t;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ic", (int[]){ 100, 200 });
	t = m_split(m, 300, M_WAIT);
	assert_pattern(m, 0, 300);
	assert_pattern(t, 300, 0);
	m_freem(t);
	t = m_split(m, 0, M_WAIT);
	assert_pattern(m, 0, 0);
	assert_pattern(t, 0, 300);
	m_freem(m);
	m_freem(t);
	KTEST_EXIT();
}

static void
m_split_beyond_end_returns_null(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ic", (int[]){ 100, 200 });
	assert_null(m_split(m, 301, M_WAIT));
	assert_pattern(m, 0, 300);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_split_failure_leaves_chain_intact(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ic", (int[]){ 100, 200 });
	mb_failnext(1);
	assert_null(m_split(m, 150, M_DONTWAIT));
	assert_pattern(m, 0, 300);
	/* The tail of an internal mbuf too large for a header mbuf. */
	m_freem(m);
	m = mkchain(true, "ei", (int[]){ 10, MLEN });
	mb_failnext(2);
	assert_null(m_split(m, 11, M_DONTWAIT));
	assert_pattern(m, 0, 10 + MLEN);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_split_large_internal_tail_takes_two_mbufs(void **state)
{
	struct mbuf *m, *t;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ei", (int[]){ 10, MLEN });
	t = m_split(m, 11, M_WAIT);
	assert_pattern(m, 0, 11);
	assert_pattern(t, 11, MLEN - 1);
	assert_int_equal(nmbufs(t), 2);
	m_freem(m);
	m_freem(t);
	KTEST_EXIT();
}

/* ---- copies -------------------------------------------------------------- */

static void
m_copym_shares_cluster_and_refcounts(void **state)
{
	struct mbuf *m, *c;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "cc", (int[]){ 1500, 2000 });
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	assert_pattern(c, 0, 3500);
	assert_true(c->m_flags & M_PKTHDR);
	assert_int_equal(c->m_pkthdr.len, 3500);
	assert_ptr_equal(mtod(c, char *), mtod(m, char *));
	assert_ptr_equal(mtod(c->m_next, char *), mtod(m->m_next, char *));
	assert_int_equal(refs(m), 2);
	assert_int_equal(refs(m->m_next), 2);
	assert_int_equal(mbs().m_clusters, mbstat_before.m_clusters + 2);
	m_freem(m);
	assert_int_equal(refs(c), 1);
	assert_pattern(c, 0, 3500);
	m_freem(c);
	KTEST_EXIT();
}

static void
m_copym_copies_internal_data(void **state)
{
	struct mbuf *m, *c;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "iii", (int[]){ MHLEN, 10, 20 });
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	assert_pattern(c, 0, MHLEN + 30);
	assert_ptr_not_equal(mtod(c, char *), mtod(m, char *));
	/* Small pieces go into the copy before them while they fit. */
	assert_int_equal(nmbufs(c), 2);
	assert_true(m_writable(c));
	m_freem(m);
	m_freem(c);
	KTEST_EXIT();
}

static void
m_copym_from_middle_has_no_pkthdr(void **state)
{
	struct mbuf *m, *c;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "icic", (int[]){ 10, 1000, 50, 1000 });
	c = m_copym(m, 500, 600, M_WAIT);
	assert_false(c->m_flags & M_PKTHDR);
	assert_pattern(c, 500, 600);
	m_freem(c);
	c = m_copym(m, 0, 5, M_WAIT);
	assert_true(c->m_flags & M_PKTHDR);
	assert_pattern(c, 0, 5);
	m_freem(c);
	c = m_copym(m, 2060, 0, M_WAIT);
	assert_pattern(c, 0, 0);
	m_freem(c);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_copym_failure_frees_partial_copy(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "cic", (int[]){ 100, 100, 100 });
	mb_failnext(3);
	assert_null(m_copym(m, 0, M_COPYALL, M_DONTWAIT));
	assert_int_equal(refs(m), 1);
	assert_pattern(m, 0, 300);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_dup_is_writable(void **state)
{
	struct mbuf *m, *d;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "icc", (int[]){ 10, 2000, 2000 });
	d = m_dup(m, 0, M_COPYALL, M_WAIT);
	assert_pattern(d, 0, 4010);
	assert_int_equal(d->m_pkthdr.len, 4010);
	for (struct mbuf *x = d; x != NULL; x = x->m_next)
		assert_true(m_writable(x));
	assert_true(m_writable(m->m_next));
	m_freem(d);
	d = m_dup(m, 5, 3000, M_WAIT);
	assert_pattern(d, 5, 3000);
	m_freem(d);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_dup_failure_returns_null(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "cc", (int[]){ 2000, 2000 });
	mb_failnext(3);
	assert_null(m_dup(m, 0, M_COPYALL, M_DONTWAIT));
	m_freem(m);
	KTEST_EXIT();
}

static void
m_copydata_reads_across_mbufs(void **state)
{
	struct mbuf *m;
	char buf[100], want[100];

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "iciic", (int[]){ 3, 5, 0, 1, 200 });
	m_copydata(m, 2, 100, buf);
	fill(want, 2, 100);
	assert_memory_equal(buf, want, 100);
	m_copydata(m, 209, 0, buf);
	m_freem(m);
	KTEST_EXIT();
}

/* ---- copyback, append, devget -------------------------------------------- */

static void
m_copyback_overwrites_in_place(void **state)
{
	struct mbuf *m, *second;
	char buf[40];

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ici", (int[]){ 20, 30, 40 });
	second = m->m_next;
	fill(mtod(m, char *), 1000, 20);	/* rewritten below */
	fill(buf, 0, 40);
	assert_int_equal(m_copyback(m, 0, 40, buf), 0);
	assert_ptr_equal(m->m_next, second);
	assert_pattern(m, 0, 90);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_copyback_extends_chain(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "i", (int[]){ 100 });
	fill(flat, 50, 5000);
	assert_int_equal(m_copyback(m, 50, 5000, flat), 0);
	assert_int_equal(m->m_pkthdr.len, 5050);
	assert_true(nmbufs(m) > 1);
	assert_pattern(m, 0, 5050);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_copyback_zero_fills_gap(void **state)
{
	struct mbuf *m;
	char buf[8] = "abcdefgh", out[8];

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "i", (int[]){ 10 });
	assert_int_equal(m_copyback(m, 300, 8, buf), 0);
	assert_true(m_check(m));
	assert_int_equal(m->m_pkthdr.len, 308);
	for (int i = 10; i < 300; i++) {
		m_copydata(m, i, 1, out);
		assert_int_equal(out[0], 0);
	}
	m_copydata(m, 300, 8, out);
	assert_memory_equal(out, buf, 8);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_copyback_unshares_shared_storage(void **state)
{
	struct mbuf *m, *c;
	char buf[1200];

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "cc", (int[]){ 100, 2000 });
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	fill(buf, 50, sizeof(buf));
	memset(buf + 10, 0x55, 1000);
	assert_int_equal(m_copyback(c, 50, sizeof(buf), buf), 0);
	/* The original still sees its bytes; the copy its own. */
	assert_pattern(m, 0, 2100);
	assert_true(m_writable(c) && m_writable(c->m_next));
	assert_int_equal(refs(m), 1);
	assert_int_equal(refs(m->m_next), 1);
	m_copydata(c, 50, sizeof(buf), flat);
	assert_memory_equal(flat, buf, sizeof(buf));
	m_freem(m);
	m_freem(c);
	KTEST_EXIT();
}

static void
m_copyback_enobufs_leaves_data_unchanged(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "i", (int[]){ 100 });
	memset(flat, 0x77, 5000);
	mb_failnext(1);
	assert_int_equal(m_copyback(m, 0, 5000, flat), ENOBUFS);
	assert_pattern(m, 0, 100);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_append_adds_at_end(void **state)
{
	struct mbuf *m;
	char buf[300];

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "i", (int[]){ 50 });
	fill(buf, 50, 300);
	assert_int_equal(m_append(m, 300, buf), 0);
	assert_pattern(m, 0, 350);
	/* What fitted went into the first mbuf's room. */
	assert_int_equal(m->m_len, MHLEN);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_devget_small_packet_is_one_mbuf(void **state)
{
	struct mbuf *m;
	int ifp;

	(void)state;
	KTEST_ENTER();
	fill(flat, 0, 60);
	m = m_devget(flat, 60, (struct ifnet *)&ifp);
	assert_int_equal(nmbufs(m), 1);
	assert_ptr_equal(m->m_pkthdr.rcvif, &ifp);
	assert_pattern(m, 0, 60);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_devget_large_packet_spans_clusters(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	fill(flat, 0, 9000);
	m = m_devget(flat, 9000, NULL);
	assert_int_equal(nmbufs(m), 5);
	assert_true(m->m_flags & M_EXT);
	assert_int_equal(m->m_len, MCLBYTES);
	assert_pattern(m, 0, 9000);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_devget_failure_returns_null(void **state)
{
	(void)state;
	KTEST_ENTER();
	mb_failnext(4);
	assert_null(m_devget(flat, 9000, NULL));
	KTEST_EXIT();
}

/* ---- checks and statistics ----------------------------------------------- */

static void
m_length_sums_chain(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(false, "icii", (int[]){ 1, 2000, 0, 3 });
	assert_int_equal(m_length(m), 2004);
	m_freem(m);
	KTEST_EXIT();
}

static void
m_check_detects_wrong_packet_length(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ii", (int[]){ 10, 10 });
	m->m_pkthdr.len = 21;
	assert_false(m_check(m));
	m->m_pkthdr.len = 20;
	m_freem(m);
	KTEST_EXIT();
}

static void
m_check_detects_data_outside_storage(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "ic", (int[]){ 10, 10 });
	m->m_len = MHLEN + 1;
	m->m_pkthdr.len = MHLEN + 11;
	assert_false(m_check(m));
	m->m_len = 10;
	m->m_pkthdr.len = 20;
	m->m_next->m_data -= 1;
	assert_false(m_check(m));
	m->m_next->m_data += 1;
	m->m_next->m_len = -1;
	assert_false(m_check(m));
	m->m_next->m_len = 10;
	assert_true(m_check(m));
	m_freem(m);
	KTEST_EXIT();
}

static void
m_check_detects_misplaced_header_and_nextpkt(void **state)
{
	struct mbuf *m, *n;

	(void)state;
	KTEST_ENTER();
	m = mkchain(true, "i", (int[]){ 10 });
	n = mkchain(true, "i", (int[]){ 10 });
	m->m_next = n;
	m->m_pkthdr.len = 20;
	assert_false(m_check(m));
	m->m_next = NULL;
	m->m_pkthdr.len = 10;
	n->m_flags &= ~M_PKTHDR;
	m->m_next = n;
	n->m_nextpkt = m;
	m->m_pkthdr.len = 20;
	assert_false(m_check(m));
	n->m_nextpkt = NULL;
	assert_true(m_check(m));
	m_freem(m);
	KTEST_EXIT();
}

static void
m_check_detects_loop(void **state)
{
	struct mbuf *m;

	(void)state;
	KTEST_ENTER();
	m = mkchain(false, "iiii", (int[]){ 1, 1, 1, 1 });
	m->m_next->m_next->m_next->m_next = m->m_next;
	assert_false(m_check(m));
	m->m_next->m_next->m_next->m_next = NULL;
	assert_true(m_check(m));
	assert_false(m_check(NULL));
	m_freem(m);
	KTEST_EXIT();
}

static void
mbstat_is_in_kstat(void **state)
{
	struct mbuf *m;
	uint64_t n;

	(void)state;
	KTEST_ENTER();
	m = m_getcl(M_WAIT, MT_DATA, 0);
	KTEST_EXIT();
	assert_int_equal(rump_kstat_get("mbuf.mbufs", &n), 0);
	assert_int_equal(n, mbs().m_mbufs);
	assert_int_equal(rump_kstat_get("mbuf.clusters", &n), 0);
	assert_int_equal(n, mbs().m_clusters);
	assert_true(n >= 1);
	assert_int_equal(rump_kstat_get("mbuf.drops", &n), 0);
	assert_int_equal(n, mbs().m_drops);
	KTEST_ENTER();
	m_freem(m);
	KTEST_EXIT();
}

static void
mbinit_calls_nest(void **state)
{
	uint64_t n;

	(void)state;
	/* The rumpnet component holds one registration already. */
	KTEST_ENTER();
	mbinit();
	mbfini();
	KTEST_EXIT();
	assert_int_equal(rump_kstat_get("mbuf.mbufs", &n), 0);
}

/* ---- all operations against a flat model --------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

#define MODEL_MAX	12000

struct model {
	struct mbuf *m;
	int len;
	char bytes[MODEL_MAX + 256];
};

static void
model_check(const struct model *md)
{
	assert_true(m_check(md->m));
	assert_int_equal(m_length(md->m), md->len);
	m_copydata(md->m, 0, md->len, flat);
	assert_memory_equal(flat, md->bytes, md->len);
}

static struct mbuf *
random_chain(char *bytes, int *lenp)
{
	struct mbuf *top = NULL, **mp = &top, *m;
	int n = 1 + (int)rnd(6), len = 0;

	for (int k = 0; k < n; k++) {
		int kind = (int)rnd(3), l;

		if (kind == 2)
			m = m_getcl(M_WAIT, MT_DATA, k == 0 ? M_PKTHDR : 0);
		else
			m = k == 0 ? m_gethdr(M_WAIT, MT_DATA) : m_get(M_WAIT, MT_DATA);
		l = (int)rnd((unsigned)M_TRAILINGSPACE(m) + 1);
		if (kind == 1)
			m_align(m, l);
		for (int i = 0; i < l; i++)
			bytes[len + i] = (char)rnd(256);
		memcpy(mtod(m, char *), bytes + len, l);
		m->m_len = l;
		len += l;
		*mp = m;
		mp = &m->m_next;
	}
	top->m_pkthdr.len = len;
	*lenp = len;
	return top;
}

/* One random operation on md, which must still match its bytes after. */
static void
model_step(struct model *md, struct model *shared)
{
	int len = md->len, off = (int)rnd((unsigned)len + 1), n;
	struct mbuf *c;
	char buf[700];

	switch (rnd(8)) {
	case 0:		/* copy a range */
		n = (int)rnd((unsigned)(len - off) + 1);
		c = m_copym(md->m, off, n, M_WAIT);
		assert_true(m_check(c));
		m_copydata(c, 0, n, flat);
		assert_memory_equal(flat, md->bytes + off, n);
		m_freem(c);
		break;
	case 1:		/* split and put back together */
		c = m_split(md->m, off, M_WAIT);
		assert_true(m_check(md->m) && m_check(c));
		assert_int_equal(m_length(c), len - off);
		m_cat(md->m, c);
		break;
	case 2:		/* trim the head or the tail */
		n = (int)rnd(300);
		if (rnd(2)) {
			m_adj(md->m, n);
			n = MIN(n, len);
			memmove(md->bytes, md->bytes + n, len - n);
		} else {
			m_adj(md->m, -n);
			n = MIN(n, len);
		}
		md->len = len - n;
		break;
	case 3:		/* pull up */
		n = (int)rnd((unsigned)MIN(len, MHLEN) + 1);
		md->m = m_pullup(md->m, n);
		assert_non_null(md->m);
		assert_true(md->m->m_len >= n);
		break;
	case 4:		/* write, maybe past the end */
		n = (int)rnd(sizeof(buf));
		off = (int)rnd((unsigned)len + 100);
		if (off + n > MODEL_MAX)
			break;
		for (int i = 0; i < n; i++)
			buf[i] = (char)rnd(256);
		assert_int_equal(m_copyback(md->m, off, n, buf), 0);
		if (off > len)
			memset(md->bytes + len, 0, off - len);
		memcpy(md->bytes + off, buf, n);
		md->len = MAX(len, off + n);
		break;
	case 5:		/* prepend */
		n = (int)rnd(64);
		if (len + n > MODEL_MAX)
			break;
		M_PREPEND(md->m, n, M_WAIT);
		for (int i = 0; i < n; i++)
			buf[i] = (char)rnd(256);
		memcpy(mtod(md->m, char *), buf, n);
		memmove(md->bytes + n, md->bytes, len);
		memcpy(md->bytes, buf, n);
		md->len = len + n;
		break;
	case 6:		/* keep a sharing copy, whose bytes must not change */
		m_freem(shared->m);
		shared->m = m_copym(md->m, 0, M_COPYALL, M_WAIT);
		memcpy(shared->bytes, md->bytes, len);
		shared->len = len;
		break;
	case 7:		/* replace with a deep copy */
		c = m_dup(md->m, 0, M_COPYALL, M_WAIT);
		m_freem(md->m);
		md->m = c;
		break;
	}
}

static struct model model_a, model_shared;

static void
m_operations_match_flat_model_on_random_chains(void **state)
{
	(void)state;
	KTEST_ENTER();
	for (int round = 0; round < 200; round++) {
		model_a.m = random_chain(model_a.bytes, &model_a.len);
		model_shared.m = NULL;
		model_shared.len = 0;
		for (int step = 0; step < 40; step++) {
			model_step(&model_a, &model_shared);
			model_check(&model_a);
			if (model_shared.m != NULL)
				model_check(&model_shared);
		}
		m_freem(model_a.m);
		m_freem(model_shared.m);
	}
	KTEST_EXIT();
}


/* ---- jumbo clusters, the caches, copies from a position ------------------ */

static void
a_jumbo_cluster_holds_mjumclbytes(void **state)
{
	struct mbuf *m;
	int room;
	uint64_t clusters;

	(void)state;
	KTEST_ENTER();
	m = m_getjcl(M_WAIT, MT_DATA, M_PKTHDR, MJUMCLBYTES);
	room = M_TRAILINGSPACE(m);
	clusters = mbs().m_clusters;
	fill(mtod(m, char *), 0, MJUMCLBYTES);
	m->m_len = m->m_pkthdr.len = MJUMCLBYTES;
	assert_pattern(m, 0, MJUMCLBYTES);
	m_freem(m);
	KTEST_EXIT();
	assert_int_equal(room, MJUMCLBYTES);
	assert_int_equal(clusters, mbstat_before.m_clusters + 1);
}

static void
a_jumbo_cluster_fails_cleanly_without_memory(void **state)
{
	struct mbuf *m;
	uint64_t drops = mbs().m_drops;

	(void)state;
	KTEST_ENTER();
	mb_failnext(2);		/* the mbuf comes, the cluster does not */
	m = m_getjcl(M_DONTWAIT, MT_DATA, 0, MJUMCLBYTES);
	KTEST_EXIT();
	assert_null(m);
	assert_int_equal(mbs().m_drops, drops + 1);
}

/* A CPU's cache is a stack: what it freed last it gets first. */
static void
a_freed_mbuf_is_handed_out_again_by_its_cpu(void **state)
{
	struct mbuf *m, *again;
	void *buf, *bufagain;

	(void)state;
	KTEST_ENTER();
	m = m_getcl(M_WAIT, MT_DATA, 0);
	buf = M_EXTP(m)->ext_buf;
	m_free(m);
	again = m_getcl(M_WAIT, MT_DATA, 0);
	bufagain = M_EXTP(again)->ext_buf;
	m_free(again);
	KTEST_EXIT();
	assert_ptr_equal(m, again);
	assert_ptr_equal(buf, bufagain);
}

/*
 * Buffers a cache holds are allocated but not in use: the mbuf type's
 * own count includes them, what kmem reports leaves them out.
 */
static void
cached_mbufs_are_not_memory_in_use(void **state)
{
	enum { N = 300 };
	static struct mbuf *ms[N];
	struct rump_kmem_stat st;
	uint64_t allocated;

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < N; i++)
		ms[i] = m_get(M_WAIT, MT_DATA);
	for (int i = 0; i < N; i++)
		m_free(ms[i]);
	allocated = kmem_type_lookup("mbuf")->kt_inuse;
	KTEST_EXIT();
	assert_int_equal(rump_kmem_stat("mbuf", &st), 0);
	assert_true(allocated >= st.inuse + MSIZE);
	assert_int_equal(mbs().m_mbufs, mbstat_before.m_mbufs);
}

/* A chain of n jumbo clusters full of the pattern. */
static struct mbuf *
jumbo_chain(int n)
{
	struct mbuf *top = NULL, **mp = &top;

	for (int i = 0; i < n; i++) {
		struct mbuf *m = m_getjcl(M_WAIT, MT_DATA, 0, MJUMCLBYTES);

		fill(mtod(m, char *), i * MJUMCLBYTES, MJUMCLBYTES);
		m->m_len = MJUMCLBYTES;
		*mp = m;
		mp = &m->m_next;
	}
	return top;
}

/*
 * Segments copied one after another from a position share the chain's
 * clusters and hold the right bytes; the position ends where each copy
 * did, so the next starts there.
 */
static void
copies_from_a_position_share_the_clusters(void **state)
{
	enum { SEG = 1448, NSEG = 30 };
	struct mbufpos pos = { NULL, 0 };
	struct mbuf *sb, *seg;
	unsigned refs_during = 0;
	bool moved = true;

	(void)state;
	KTEST_ENTER();
	sb = jumbo_chain(3);
	for (int i = 0; i < NSEG; i++) {
		seg = m_copym_pos(sb, i * SEG, SEG, M_WAIT, &pos);
		assert_pattern(seg, i * SEG, SEG);
		moved = moved && pos.mp_off <= (i + 1) * SEG &&
		    pos.mp_off + pos.mp_m->m_len >= (i + 1) * SEG;
		if (i == NSEG / 2)
			refs_during = refs(sb->m_next);
		assert_true(nmbufs(seg) <= 2);
		m_freem(seg);
	}
	m_freem(sb);
	KTEST_EXIT();
	assert_true(moved);
	assert_int_equal(refs_during, 2);	/* the chain and the segment */
}

/* A position beyond the offset asked for is not used: the copy is right. */
static void
a_copy_before_the_position_starts_from_the_chain(void **state)
{
	struct mbufpos pos = { NULL, 0 };
	struct mbuf *sb, *a, *b;

	(void)state;
	KTEST_ENTER();
	sb = jumbo_chain(2);
	a = m_copym_pos(sb, MJUMCLBYTES + 100, 100, M_WAIT, &pos);
	b = m_copym_pos(sb, 10, 100, M_WAIT, &pos);
	assert_pattern(a, MJUMCLBYTES + 100, 100);
	assert_pattern(b, 10, 100);
	m_freem(a);
	m_freem(b);
	m_freem(sb);
	KTEST_EXIT();
}

/*
 * Threads on several CPUs allocate mbufs and clusters and hand them to
 * each other to free, so each CPU frees what others allocated: the
 * counters, summed over the CPUs, come back to where they were, and
 * nothing leaks (the teardown checks both).
 */
#define NTHREADS	4
#define NROUNDS		2000
#define NHELD		48

struct exchange {
	kmutex_t lock;
	struct mbuf *slot;	/* a chain left by one thread for another */
	int nswaps;
};

static void
alloc_and_swap(void *arg)
{
	struct exchange *x = arg;

	for (int r = 0; r < NROUNDS; r++) {
		struct mbuf *top = NULL, *theirs;

		for (int i = 0; i < NHELD; i++) {
			struct mbuf *m = (i % 3 == 0) ?
			    m_getcl(M_WAIT, MT_DATA, 0) :
			    (i % 3 == 1) ? m_get(M_WAIT, MT_DATA) :
			    m_getjcl(M_WAIT, MT_DATA, 0, MJUMCLBYTES);

			m->m_next = top;
			top = m;
		}
		mutex_enter(&x->lock);
		theirs = x->slot;
		x->slot = top;
		x->nswaps++;
		mutex_exit(&x->lock);
		m_freem(theirs);
	}
}

static void
threads_on_several_cpus_allocate_and_free_each_others_mbufs(void **state)
{
	struct exchange x = { .slot = NULL };
	struct lwp *l[NTHREADS];
	int nswaps;

	(void)state;
	KTEST_ENTER();
	mutex_init(&x.lock, MUTEX_DEFAULT);
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(kthread_create(KTHREAD_MUSTJOIN,
		    alloc_and_swap, &x, &l[i], "mbswap"), 0);
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(kthread_join(l[i]), 0);
	m_freem(x.slot);
	nswaps = x.nswaps;
	mutex_destroy(&x.lock);
	KTEST_EXIT();
	assert_int_equal(nswaps, NTHREADS * NROUNDS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		mb_test(m_get_returns_empty_mbuf),
		mb_test(m_gethdr_returns_empty_packet),
		mb_test(m_getcl_attaches_writable_cluster),
		mb_test(m_getlen_picks_internal_cluster_or_large_buffer),
		mb_test(m_get_dontwait_failure_returns_null_and_counts_drop),
		mb_test(m_getcl_cluster_failure_frees_mbuf),
		mb_test(m_wait_ignores_injected_failure),
		mb_test(m_extadd_free_callback_runs_on_last_reference),
		mb_test(m_extadd_without_free_function),
		mb_test(m_writable_false_while_storage_shared),
		mb_test(m_space_is_zero_when_storage_shared),
		mb_test(m_freem_list_frees_every_packet),
		mb_test(m_move_pkthdr_moves_header_and_flags),
		mb_test(m_move_pkthdr_from_cluster_keeps_its_storage),
		mb_test(m_copy_pkthdr_keeps_source_header),
		mb_test(m_align_places_room_at_end),
		mb_test(m_prepend_uses_leading_space),
		mb_test(m_prepend_without_leading_space_adds_mbuf),
		mb_test(m_prepend_to_shared_cluster_adds_mbuf),
		mb_test(m_prepend_failure_frees_chain),
		mb_test(m_pullup_returns_chain_when_already_contiguous),
		mb_test(m_pullup_moves_bytes_across_mbufs),
		mb_test(m_pullup_gathers_in_first_mbufs_room),
		mb_test(m_pullup_copies_out_of_shared_first_mbuf),
		mb_test(m_pullup_fails_on_short_packet_and_frees_it),
		mb_test(m_pullup_fails_beyond_mhlen),
		mb_test(m_pullup_allocation_failure_frees_chain),
		mb_test(m_adj_trims_head_across_mbufs),
		mb_test(m_adj_trims_tail_and_frees_emptied_mbufs),
		mb_test(m_adj_beyond_length_empties_packet),
		mb_test(m_cat_appends_and_updates_length),
		mb_test(m_cat_copies_small_mbufs_into_trailing_space),
		mb_test(m_split_inside_internal_mbuf),
		mb_test(m_split_inside_cluster),
		mb_test(m_split_at_mbuf_boundary_moves_mbufs),
		mb_test(m_split_at_ends),
		mb_test(m_split_beyond_end_returns_null),
		mb_test(m_split_failure_leaves_chain_intact),
		mb_test(m_split_large_internal_tail_takes_two_mbufs),
		mb_test(m_copym_shares_cluster_and_refcounts),
		mb_test(m_copym_copies_internal_data),
		mb_test(m_copym_from_middle_has_no_pkthdr),
		mb_test(m_copym_failure_frees_partial_copy),
		mb_test(m_dup_is_writable),
		mb_test(m_dup_failure_returns_null),
		mb_test(m_copydata_reads_across_mbufs),
		mb_test(m_copyback_overwrites_in_place),
		mb_test(m_copyback_extends_chain),
		mb_test(m_copyback_zero_fills_gap),
		mb_test(m_copyback_unshares_shared_storage),
		mb_test(m_copyback_enobufs_leaves_data_unchanged),
		mb_test(m_append_adds_at_end),
		mb_test(m_devget_small_packet_is_one_mbuf),
		mb_test(m_devget_large_packet_spans_clusters),
		mb_test(m_devget_failure_returns_null),
		mb_test(m_length_sums_chain),
		mb_test(m_check_detects_wrong_packet_length),
		mb_test(m_check_detects_data_outside_storage),
		mb_test(m_check_detects_misplaced_header_and_nextpkt),
		mb_test(m_check_detects_loop),
		mb_test(mbstat_is_in_kstat),
		mb_test(mbinit_calls_nest),
		mb_test(m_operations_match_flat_model_on_random_chains),
		mb_test(a_jumbo_cluster_holds_mjumclbytes),
		mb_test(a_jumbo_cluster_fails_cleanly_without_memory),
		mb_test(a_freed_mbuf_is_handed_out_again_by_its_cpu),
		mb_test(cached_mbufs_are_not_memory_in_use),
		mb_test(copies_from_a_position_share_the_clusters),
		mb_test(a_copy_before_the_position_starts_from_the_chain),
		mb_test(threads_on_several_cpus_allocate_and_free_each_others_mbufs),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
