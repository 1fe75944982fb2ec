/*
 * The loopback interface lo0 (librump/rumpnet/if_loop.c) when memory runs
 * out: a packet without room for the family header in front, and one
 * that arrives with the family header split, each dropped and counted in
 * lo0.drop.nobufs rather than sent or delivered.
 */
#include "ktest.h"
#include "rumpkern/kstat.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"

static uint64_t
lo_count(const char *name)
{
	char full[64];
	uint64_t v = 0;

	ksnprintf(full, sizeof(full), "lo0.%s", name);
	assert_int_equal(rump_kstat_get(full, &v), 0);
	return v;
}

static void
no_mbuf_for_the_family_header_drops_the_packet(void **state)
{
	struct sockaddr_storage dst;
	uint64_t nobufs, opackets;
	struct mbuf *m;
	int error;

	(void)state;
	memset(&dst, 0, sizeof(dst));
	dst.ss_family = AF_INET;
	nobufs = lo_count("drop.nobufs");
	opackets = lo_count("opackets");
	KTEST_ENTER();
	/* Data from the start of the mbuf: no room in front. */
	m = m_gethdr(M_WAIT, MT_DATA);
	memset(mtod(m, void *), 0, 20);
	m->m_len = m->m_pkthdr.len = 20;
	NET_LOCK();
	mb_failnext(1);
	error = if_output(lo0ifp, m, (struct sockaddr *)&dst, NULL);
	mb_failnext(0);
	NET_UNLOCK();
	KTEST_EXIT();
	assert_int_equal(error, ENOBUFS);
	assert_int_equal(lo_count("drop.nobufs"), nobufs + 1);
	assert_int_equal(lo_count("opackets"), opackets);
}

static void
no_mbuf_to_gather_a_split_family_header_drops_the_packet(void **state)
{
	uint32_t af = AF_INET;
	uint64_t nobufs, ipackets;
	struct mbuf *m, *n;

	(void)state;
	nobufs = lo_count("drop.nobufs");
	ipackets = lo_count("ipackets");
	KTEST_ENTER();
	/*
	 * Two bytes of the family here, at the end of the mbuf so that they
	 * cannot be gathered in place, two in the next mbuf.
	 */
	m = m_gethdr(M_WAIT, MT_DATA);
	m->m_data += M_TRAILINGSPACE(m) - 2;
	n = m_get(M_WAIT, MT_DATA);
	memcpy(mtod(m, void *), &af, 2);
	memcpy(mtod(n, void *), (char *)&af + 2, 2);
	memset(mtod(n, char *) + 2, 0, 20);
	m->m_len = 2;
	n->m_len = 22;
	m->m_next = n;
	m->m_pkthdr.len = 24;
	m->m_pkthdr.rcvif = lo0ifp;
	mb_failnext(1);
	if_input(lo0ifp, m);
	mb_failnext(0);
	KTEST_EXIT();
	assert_int_equal(lo_count("drop.nobufs"), nobufs + 1);
	assert_int_equal(lo_count("ipackets"), ipackets + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(no_mbuf_for_the_family_header_drops_the_packet),
		leak_test(no_mbuf_to_gather_a_split_family_header_drops_the_packet),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
