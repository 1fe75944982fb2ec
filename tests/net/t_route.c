/*
 * The routing table: longest-prefix match, gateways, deletion of held
 * routes, purges, the references routes hold on interfaces and
 * addresses, and routes cached between lookups, on fake interfaces that
 * drop whatever they are given.
 */
#include "ktest.h"
#include "net/route.h"
#include "netinet/in.h"
#include "rumpkern/kmem.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"

/* A counter by its kstat name ("route.lookups"). */
static uint64_t
kstat_read(const char *name)
{
	uint64_t v = ~0ULL;

	assert_int_equal(rumppriv_kstat_get(name, &v), 0);
	return v;
}

/* Routes the kernel had before the tests (lo0's), not counted by them. */
static unsigned rt_boot_count;

static unsigned
test_routes(void)
{
	return rt_count(AF_INET) - rt_boot_count;
}

static int
route_boot(void **state)
{
	int error = ktest_boot(state);

	if (error == 0) {
		KTEST_ENTER();
		NET_LOCK();
		rt_boot_count = rt_count(AF_INET);
		NET_UNLOCK();
		KTEST_EXIT();
	}
	return error;
}

#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))
/* A struct sockaddr * for a host-order IPv4 address, valid in its block. */
#define SA(x)	((const struct sockaddr *)&(struct sockaddr_in){	\
	.sin_family = AF_INET, .sin_addr = { htonl(x) } })

static uint32_t
mask4(int plen)
{
	return plen == 0 ? 0 : 0xffffffffu << (32 - plen);
}

/* ---- a fake interface ---- */

struct fakeif {
	struct ifnet ifnet;
	struct ifaddr addr[2];
	int naddr;
};

static int
fake_transmit(struct ifnet *ifp, struct mbuf *m)
{
	(void)ifp;
	m_freem(m);
	return 0;
}

static int
fake_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt)
{
	(void)ifp;
	(void)dst;
	(void)rt;
	m_freem(m);
	return 0;
}

static void
fake_input(struct ifnet *ifp, struct mbuf *m)
{
	(void)ifp;
	m_freem(m);
}

static const struct if_driverops fake_driverops = {
	.ifd_transmit = fake_transmit,
};
static const struct if_linkops fake_linkops = {
	.ifl_output = fake_output,
	.ifl_input = fake_input,
};

static void
fakeif_attach(struct fakeif *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	if_init_ifnet(&f->ifnet, name);
	f->ifnet.if_drv = &fake_driverops;
	f->ifnet.if_link = &fake_linkops;
	assert_int_equal(if_attach(&f->ifnet), 0);
}

/* Gives f the address a/plen (f's own ifaddr, never freed). */
static struct ifaddr *
fakeif_addr(struct fakeif *f, uint32_t a, int plen)
{
	struct ifaddr *ifa = &f->addr[f->naddr++];
	struct sockaddr_in *sin;

	sin = (struct sockaddr_in *)&ifa->ifa_addr;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(a);
	sin = (struct sockaddr_in *)&ifa->ifa_netmask;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(mask4(plen));
	NET_LOCK();
	ifa_insert(&f->ifnet, ifa);
	NET_UNLOCK();
	return ifa;
}

/* Removes f's addresses and detaches it; routes must not hold on to them. */
static void
fakeif_detach(struct fakeif *f)
{
	NET_LOCK();
	for (int i = 0; i < f->naddr; i++)
		ifa_remove(&f->ifnet, &f->addr[i]);
	NET_UNLOCK();
	if_detach(&f->ifnet);
	assert_int_equal(f->ifnet.if_refcnt, 0);
	for (int i = 0; i < f->naddr; i++)
		assert_int_equal(f->addr[i].ifa_refcnt, 0);
}

/* ---- helpers, called with softnet_lock held ---- */

/* Adds dst/plen through gw (0: on-link) and ifp, NULLs picked by rt_add. */
static int
route_add_ifa(uint32_t dst, int plen, uint32_t gw, struct ifnet *ifp,
    struct ifaddr *ifa, struct rtentry **rtp)
{
	struct rt_addinfo info = {
		.dst = SA(dst), .plen = plen, .ifp = ifp, .ifa = ifa,
		.flags = RTF_STATIC,
	};
	struct sockaddr_in gwsa = {
		.sin_family = AF_INET, .sin_addr = { htonl(gw) }
	};

	if (gw != 0)
		info.gateway = (const struct sockaddr *)&gwsa;
	return rt_add(&info, rtp);
}

static int
route_add(uint32_t dst, int plen, uint32_t gw, struct ifnet *ifp)
{
	return route_add_ifa(dst, plen, gw, ifp, NULL, NULL);
}

static uint32_t
route_dst(const struct rtentry *rt)
{
	uint32_t v;

	memcpy(&v, rt->rt_dst, sizeof(v));
	return ntohl(v);
}

/* The prefix length of the route that a leads to, -1 for none; *dstp its dst. */
static int
lookup_plen(uint32_t a, uint32_t *dstp)
{
	struct rtentry *rt = rt_lookup(SA(a));
	int plen;

	if (rt == NULL)
		return -1;
	assert_true(rt->rt_flags & RTF_UP);
	plen = rt->rt_plen;
	if (dstp != NULL)
		*dstp = route_dst(rt);
	rt_rele(rt);
	return plen;
}

/* ---- tests ---- */

static void
host_route_beats_network_route_beats_default(void **state)
{
	struct fakeif f;
	uint32_t dst;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), 0);
	assert_int_equal(route_add(0, 0, IP4(192, 0, 2, 254), NULL), 0);
	assert_int_equal(route_add(IP4(192, 0, 2, 7), 32, 0, &f.ifnet), 0);

	assert_int_equal(lookup_plen(IP4(192, 0, 2, 7), &dst), 32);
	assert_int_equal(dst, IP4(192, 0, 2, 7));
	assert_int_equal(lookup_plen(IP4(192, 0, 2, 8), &dst), 24);
	assert_int_equal(dst, IP4(192, 0, 2, 0));
	assert_int_equal(lookup_plen(IP4(192, 0, 3, 7), &dst), 0);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
longest_prefix_wins_among_overlapping_prefixes(void **state)
{
	static const int plens[] = { 8, 16, 24, 32 };
	struct fakeif f;
	uint32_t a = IP4(10, 20, 30, 40), dst;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(10, 0, 0, 1), 8);
	NET_LOCK();
	/* Added shortest first, then longest first: order must not matter. */
	for (size_t i = 0; i < __arraycount(plens); i++)
		assert_int_equal(route_add(a & mask4(plens[i]), plens[i], 0,
		    &f.ifnet), 0);
	for (int i = (int)__arraycount(plens) - 1; i >= 0; i--) {
		int p = plens[i];

		/* An address inside the /p but outside every longer prefix. */
		uint32_t probe = p == 32 ? a :
		    (a & mask4(p)) | ((~a) & ~mask4(p));

		assert_int_equal(lookup_plen(probe, &dst), p);
		assert_int_equal(dst, a & mask4(p));
	}
	assert_int_equal(route_add(IP4(10, 20, 30, 41), 32, 0, &f.ifnet), 0);
	assert_int_equal(route_add(IP4(10, 20, 0, 0), 20, 0, &f.ifnet), 0);
	assert_int_equal(lookup_plen(IP4(10, 20, 30, 41), &dst), 32);
	assert_int_equal(dst, IP4(10, 20, 30, 41));
	assert_int_equal(lookup_plen(IP4(10, 20, 15, 1), &dst), 20);
	assert_int_equal(lookup_plen(IP4(10, 20, 16, 1), &dst), 16);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
default_route_catches_everything_else(void **state)
{
	static const uint32_t probes[] = {
		IP4(0, 0, 0, 0), IP4(1, 2, 3, 4), IP4(100, 64, 0, 1),
		IP4(203, 0, 113, 9), IP4(255, 255, 255, 255),
	};
	struct fakeif f;
	struct rtentry *rt;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), 0);
	assert_int_equal(route_add(0, 0, IP4(192, 0, 2, 254), NULL), 0);
	for (size_t i = 0; i < __arraycount(probes); i++) {
		rt = rt_lookup(SA(probes[i]));
		assert_non_null(rt);
		assert_int_equal(rt->rt_plen, 0);
		assert_true(rt->rt_flags & RTF_GATEWAY);
		assert_ptr_equal(rt->rt_ifp, &f.ifnet);
		rt_rele(rt);
	}
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
no_route_gives_null(void **state)
{
	struct fakeif f;
	uint64_t lookups, misses, v;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	assert_int_equal(rumppriv_kstat_get("route.lookups", &lookups), 0);
	assert_int_equal(rumppriv_kstat_get("route.misses", &misses), 0);
	NET_LOCK();
	assert_null(rt_lookup(SA(IP4(192, 0, 2, 1))));
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), 0);
	assert_null(rt_lookup(SA(IP4(192, 0, 3, 1))));
	assert_null(rt_lookup(SA(IP4(10, 0, 0, 1))));
	NET_UNLOCK();
	assert_int_equal(rumppriv_kstat_get("route.lookups", &v), 0);
	assert_int_equal(v, lookups + 3);
	assert_int_equal(rumppriv_kstat_get("route.misses", &v), 0);
	assert_int_equal(v, misses + 3);
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
lookup_counts_use_of_the_route(void **state)
{
	struct fakeif f;
	struct rtentry *rt, *held;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add_ifa(IP4(192, 0, 2, 0), 24, 0, &f.ifnet,
	    NULL, &held), 0);
	assert_int_equal(held->rt_use, 0);
	for (int i = 0; i < 5; i++) {
		rt = rt_lookup(SA(IP4(192, 0, 2, 10 + i)));
		assert_ptr_equal(rt, held);
		rt_rele(rt);
	}
	rt = rt_lookup_exact(AF_INET, SA(IP4(192, 0, 2, 0)), 24);
	assert_ptr_equal(rt, held);
	rt_rele(rt);
	assert_int_equal(held->rt_use, 5);
	rt_rele(held);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
gateway_route_resolves_interface_through_connected_route(void **state)
{
	struct fakeif a, b;
	struct rtentry *rt;
	struct sockaddr_in *gw;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&a, "fake0");
	fakeif_addr(&a, IP4(192, 0, 2, 1), 24);
	fakeif_attach(&b, "fake1");
	fakeif_addr(&b, IP4(198, 51, 100, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &a.ifnet), 0);
	assert_int_equal(route_add(IP4(198, 51, 100, 0), 24, 0, &b.ifnet), 0);
	assert_int_equal(route_add_ifa(IP4(203, 0, 113, 0), 24,
	    IP4(198, 51, 100, 254), NULL, NULL, &rt), 0);
	assert_ptr_equal(rt->rt_ifp, &b.ifnet);
	assert_ptr_equal(rt->rt_ifa, &b.addr[0]);
	assert_int_equal(rt->rt_flags & (RTF_UP | RTF_GATEWAY | RTF_HOST |
	    RTF_STATIC), RTF_UP | RTF_GATEWAY | RTF_STATIC);
	gw = (struct sockaddr_in *)&rt->rt_gateway;
	assert_int_equal(gw->sin_family, AF_INET);
	assert_int_equal(ntohl(gw->sin_addr.s_addr), IP4(198, 51, 100, 254));
	rt_rele(rt);
	NET_UNLOCK();
	fakeif_detach(&b);
	fakeif_detach(&a);
	KTEST_EXIT();
}

static void
gateway_route_takes_address_of_the_gateways_subnet(void **state)
{
	struct fakeif f;
	struct ifaddr *first, *second;
	struct rtentry *rt;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	first = fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	second = fakeif_addr(&f, IP4(198, 51, 100, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add_ifa(IP4(192, 0, 2, 0), 24, 0, &f.ifnet,
	    first, NULL), 0);
	assert_int_equal(route_add_ifa(IP4(198, 51, 100, 0), 24, 0, &f.ifnet,
	    second, NULL), 0);
	/* Through the second subnet: its address, not the interface's first. */
	assert_int_equal(route_add_ifa(IP4(203, 0, 113, 0), 24,
	    IP4(198, 51, 100, 254), NULL, NULL, &rt), 0);
	assert_ptr_equal(rt->rt_ifa, second);
	rt_rele(rt);
	/* Given the interface only: its first address. */
	assert_int_equal(route_add_ifa(IP4(10, 0, 0, 0), 8, 0, &f.ifnet,
	    NULL, &rt), 0);
	assert_ptr_equal(rt->rt_ifa, first);
	rt_rele(rt);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
gateway_with_no_route_to_it_gives_enetunreach(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(203, 0, 113, 0), 24,
	    IP4(192, 0, 2, 254), NULL), ENETUNREACH);
	assert_int_equal(test_routes(), 0);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
gateway_reached_only_through_a_gateway_gives_enetunreach(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), 0);
	assert_int_equal(route_add(0, 0, IP4(192, 0, 2, 254), NULL), 0);
	/* 198.51.100.1 is reached by the default route: not on-link. */
	assert_int_equal(route_add(IP4(203, 0, 113, 0), 24,
	    IP4(198, 51, 100, 1), NULL), ENETUNREACH);
	assert_int_equal(test_routes(), 2);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
duplicate_prefix_gives_eexist(void **state)
{
	struct fakeif f;
	struct rtentry *rt;
	uint64_t adds, v;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	assert_int_equal(rumppriv_kstat_get("route.adds", &adds), 0);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), 0);
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), EEXIST);
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24,
	    IP4(192, 0, 2, 254), NULL), EEXIST);
	/* Same address, other length: a different prefix. */
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 25, 0, &f.ifnet), 0);
	assert_int_equal(test_routes(), 2);
	rt = rt_lookup_exact(AF_INET, SA(IP4(192, 0, 2, 0)), 24);
	assert_non_null(rt);
	assert_false(rt->rt_flags & RTF_GATEWAY);
	rt_rele(rt);
	NET_UNLOCK();
	assert_int_equal(rumppriv_kstat_get("route.adds", &v), 0);
	assert_int_equal(v, adds + 2);
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
delete_of_missing_route_gives_esrch(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 2, 0)), 24), ESRCH);
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), 0);
	/* Neither a longer, a shorter nor a neighbouring prefix matches. */
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 2, 0)), 25), ESRCH);
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 0, 0)), 16), ESRCH);
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 3, 0)), 24), ESRCH);
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 2, 0)), 24), 0);
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 2, 0)), 24), ESRCH);
	assert_int_equal(test_routes(), 0);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
dst_with_host_bits_set_gives_einval(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 1), 24, 0, &f.ifnet), EINVAL);
	assert_int_equal(route_add(IP4(11, 0, 0, 0), 7, 0, &f.ifnet), EINVAL);
	assert_int_equal(route_add(IP4(0, 0, 0, 1), 0, 0, &f.ifnet), EINVAL);
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 2, 1)), 24), EINVAL);
	assert_int_equal(test_routes(), 0);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
prefix_length_out_of_range_gives_einval(void **state)
{
	struct fakeif f;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 33, 0, &f.ifnet), EINVAL);
	assert_int_equal(route_add(IP4(192, 0, 2, 0), -1, 0, &f.ifnet), EINVAL);
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 2, 0)), 33), EINVAL);
	assert_null(rt_lookup_exact(AF_INET, SA(IP4(192, 0, 2, 0)), 33));
	assert_int_equal(test_routes(), 0);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
held_route_stays_valid_after_delete_but_is_down(void **state)
{
	struct fakeif f;
	struct rtentry *rt, *net;
	unsigned ifrefs;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), 0);
	assert_int_equal(route_add(IP4(192, 0, 2, 9), 32, 0, &f.ifnet), 0);
	rt = rt_lookup(SA(IP4(192, 0, 2, 9)));
	assert_non_null(rt);
	assert_int_equal(rt->rt_plen, 32);
	assert_true(rt->rt_flags & RTF_HOST);
	ifrefs = f.ifnet.if_refcnt;

	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 2, 9)), 32), 0);
	/* Still ours to read, with its interface and address, but down. */
	assert_false(rt->rt_flags & RTF_UP);
	assert_int_equal(rt->rt_refcnt, 1);
	assert_int_equal(route_dst(rt), IP4(192, 0, 2, 9));
	assert_ptr_equal(rt->rt_ifp, &f.ifnet);
	assert_ptr_equal(rt->rt_ifa, &f.addr[0]);
	assert_int_equal(f.ifnet.if_refcnt, ifrefs);
	/* Lookups no longer find it: the /24 answers instead. */
	net = rt_lookup(SA(IP4(192, 0, 2, 9)));
	assert_non_null(net);
	assert_ptr_not_equal(net, rt);
	assert_int_equal(net->rt_plen, 24);
	rt_rele(net);
	assert_null(rt_lookup_exact(AF_INET, SA(IP4(192, 0, 2, 9)), 32));
	assert_int_equal(test_routes(), 1);

	rt_rele(rt);			/* the last reference frees it */
	assert_int_equal(f.ifnet.if_refcnt, ifrefs - 1);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

/* A small deterministic generator (xorshift32), so failures repeat. */
static uint32_t
xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

#define NRANDOM	10000

static uint32_t ref_dst[NRANDOM];
static int ref_plen[NRANDOM];
static bool ref_gone[NRANDOM];

/* The brute-force answer: index of the longest matching prefix, or -1. */
static int
ref_lookup(uint32_t a)
{
	int best = -1;

	for (int i = 0; i < NRANDOM; i++)
		if (!ref_gone[i] && (a & mask4(ref_plen[i])) == ref_dst[i] &&
		    (best < 0 || ref_plen[i] > ref_plen[best]))
			best = i;
	return best;
}

/* Looks up a /24 and /32 of every route and as many random addresses. */
static void
check_against_reference(uint32_t *seed)
{
	for (int i = 0; i < 2 * NRANDOM; i++) {
		uint32_t a, dst = 0;
		int want, plen;

		if (i < NRANDOM)	/* inside route i (maybe deleted) */
			a = ref_dst[i] | (xorshift32(seed) & ~mask4(ref_plen[i]));
		else			/* anywhere in the /12 */
			a = IP4(10, 0, 0, 0) | (xorshift32(seed) & 0xfffff);
		want = ref_lookup(a);
		plen = lookup_plen(a, &dst);
		if (want < 0) {
			assert_int_equal(plen, -1);
		} else {
			assert_int_equal(plen, ref_plen[want]);
			assert_int_equal(dst, ref_dst[want]);
		}
	}
}

static void
random_routes_match_brute_force_reference(void **state)
{
	struct fakeif f;
	struct rump_kmem_stat st;
	uint32_t seed = 0x2545f491;
	int n = 0, left;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	/*
	 * /24s and /32s within 10.0.0.0/12 (4096 /24s), so many /32s fall
	 * inside a /24 and the longer one must win.
	 */
	while (n < NRANDOM) {
		uint32_t r = xorshift32(&seed);
		int plen = (r & 3) == 0 ? 24 : 32;
		uint32_t dst = (IP4(10, 0, 0, 0) | (xorshift32(&seed) & 0xfffff)) &
		    mask4(plen);
		int error = route_add(dst, plen, 0, &f.ifnet);

		if (error == EEXIST) {
			bool found = false;

			for (int i = 0; i < n && !found; i++)
				found = ref_dst[i] == dst && ref_plen[i] == plen;
			assert_true(found);
			continue;
		}
		assert_int_equal(error, 0);
		ref_dst[n] = dst;
		ref_plen[n] = plen;
		ref_gone[n] = false;
		n++;
	}
	assert_int_equal(test_routes(), NRANDOM);
	/* The tables grew: at least one bucket per route (load factor <= 1). */
	assert_int_equal(rumppriv_kmem_stat("rttable", &st), 0);
	assert_true(st.inuse >= NRANDOM * sizeof(void *));
	check_against_reference(&seed);

	/* Deleting half shrinks the tables; lookups still agree. */
	for (int i = 0; i < NRANDOM; i += 2) {
		assert_int_equal(rt_delete(AF_INET, SA(ref_dst[i]), ref_plen[i]),
		    0);
		ref_gone[i] = true;
	}
	left = NRANDOM / 2;
	assert_int_equal(test_routes(), left);
	check_against_reference(&seed);

	for (int i = 1; i < NRANDOM; i += 2)
		assert_int_equal(rt_delete(AF_INET, SA(ref_dst[i]), ref_plen[i]),
		    0);
	assert_int_equal(test_routes(), 0);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
purge_ifp_removes_exactly_that_interfaces_routes(void **state)
{
	struct fakeif a, b;
	struct rtentry *held;
	uint32_t dst;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&a, "fake0");
	fakeif_addr(&a, IP4(192, 0, 2, 1), 24);
	fakeif_attach(&b, "fake1");
	fakeif_addr(&b, IP4(198, 51, 100, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &a.ifnet), 0);
	assert_int_equal(route_add(IP4(10, 0, 0, 0), 8, IP4(192, 0, 2, 254),
	    NULL), 0);
	assert_int_equal(route_add_ifa(IP4(192, 0, 2, 77), 32, 0, &a.ifnet,
	    NULL, &held), 0);
	assert_int_equal(route_add(IP4(198, 51, 100, 0), 24, 0, &b.ifnet), 0);
	assert_int_equal(route_add(0, 0, IP4(198, 51, 100, 254), NULL), 0);
	assert_int_equal(route_add(IP4(10, 1, 0, 0), 16, IP4(198, 51, 100, 254),
	    NULL), 0);
	/* Out through b but with a's address: it must go with a as well. */
	assert_int_equal(route_add_ifa(IP4(172, 16, 0, 0), 12, 0, &b.ifnet,
	    &a.addr[0], NULL), 0);
	assert_int_equal(test_routes(), 7);

	rt_purge_ifp(&a.ifnet);
	assert_int_equal(test_routes(), 3);
	assert_false(held->rt_flags & RTF_UP);
	rt_rele(held);
	assert_int_equal(a.ifnet.if_refcnt, 1);		/* attached */
	assert_int_equal(a.addr[0].ifa_refcnt, 1);	/* on the list */
	/* What was a's now goes by b's routes. */
	assert_int_equal(lookup_plen(IP4(192, 0, 2, 77), NULL), 0);
	assert_int_equal(lookup_plen(IP4(10, 2, 0, 1), NULL), 0);
	assert_int_equal(lookup_plen(IP4(172, 16, 0, 1), NULL), 0);
	assert_int_equal(lookup_plen(IP4(10, 1, 0, 1), &dst), 16);
	assert_int_equal(lookup_plen(IP4(198, 51, 100, 9), &dst), 24);
	NET_UNLOCK();
	fakeif_detach(&b);
	fakeif_detach(&a);
	KTEST_EXIT();
}

static void
purge_ifa_removes_the_routes_using_that_address(void **state)
{
	struct fakeif f;
	struct ifaddr *first, *second;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	first = fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	second = fakeif_addr(&f, IP4(198, 51, 100, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add_ifa(IP4(192, 0, 2, 0), 24, 0, &f.ifnet,
	    first, NULL), 0);
	assert_int_equal(route_add_ifa(IP4(198, 51, 100, 0), 24, 0, &f.ifnet,
	    second, NULL), 0);
	assert_int_equal(route_add(IP4(203, 0, 113, 0), 24,
	    IP4(198, 51, 100, 254), NULL), 0);
	assert_int_equal(route_add(IP4(10, 0, 0, 0), 8, IP4(192, 0, 2, 254),
	    NULL), 0);
	rt_purge_ifa(second);
	assert_int_equal(test_routes(), 2);
	assert_int_equal(second->ifa_refcnt, 1);
	assert_int_equal(lookup_plen(IP4(198, 51, 100, 1), NULL), -1);
	assert_int_equal(lookup_plen(IP4(203, 0, 113, 1), NULL), -1);
	assert_int_equal(lookup_plen(IP4(192, 0, 2, 1), NULL), 24);
	assert_int_equal(lookup_plen(IP4(10, 0, 0, 1), NULL), 8);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
interface_detach_purges_its_routes(void **state)
{
	struct fakeif a, b;
	uint64_t deletes, v;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&a, "fake0");
	fakeif_addr(&a, IP4(192, 0, 2, 1), 24);
	fakeif_attach(&b, "fake1");
	fakeif_addr(&b, IP4(198, 51, 100, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &a.ifnet), 0);
	assert_int_equal(route_add(0, 0, IP4(192, 0, 2, 254), NULL), 0);
	assert_int_equal(route_add(IP4(198, 51, 100, 0), 24, 0, &b.ifnet), 0);
	NET_UNLOCK();
	assert_int_equal(rumppriv_kstat_get("route.deletes", &deletes), 0);
	/* Without the hook, if_detach would wait for a's references forever. */
	fakeif_detach(&a);
	assert_int_equal(rumppriv_kstat_get("route.deletes", &v), 0);
	assert_int_equal(v, deletes + 2);
	NET_LOCK();
	assert_int_equal(test_routes(), 1);
	assert_int_equal(lookup_plen(IP4(198, 51, 100, 7), NULL), 24);
	NET_UNLOCK();
	fakeif_detach(&b);
	NET_LOCK();
	assert_int_equal(test_routes(), 0);
	NET_UNLOCK();
	KTEST_EXIT();
}

static int
delete_visited(struct rtentry *rt, void *arg)
{
	int *visited = arg;

	/* The kernel's own routes (lo0's) are not the test's to delete. */
	if (rt->rt_ifp == lo0ifp)
		return 0;
	(*visited)++;
	assert_true(rt->rt_flags & RTF_UP);
	assert_int_equal(rt_delete(rt->rt_family, SA(route_dst(rt)),
	    rt->rt_plen), 0);
	return 0;
}

static void
foreach_visits_every_route_and_allows_deleting_it(void **state)
{
	struct fakeif f;
	int visited = 0;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(10, 0, 0, 1), 8);
	NET_LOCK();
	/* Enough to grow the tables, so deleting also shrinks and frees them. */
	for (uint32_t i = 0; i < 100; i++) {
		assert_int_equal(route_add(IP4(10, 0, i, 0), 24, 0, &f.ifnet), 0);
		assert_int_equal(route_add(IP4(10, 1, 0, i), 32, 0, &f.ifnet), 0);
	}
	assert_int_equal(rt_foreach(AF_INET, delete_visited, &visited), 0);
	assert_int_equal(visited, 200);
	assert_int_equal(test_routes(), 0);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

static void
references_on_ifp_and_ifa_are_balanced(void **state)
{
	struct fakeif f;
	struct rtentry *rt;
	unsigned ifrefs, ifarefs, lorefs;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	ifrefs = f.ifnet.if_refcnt;
	ifarefs = f.addr[0].ifa_refcnt;
	lorefs = lo0ifp->if_refcnt;

	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), 0);
	assert_int_equal(route_add(0, 0, IP4(192, 0, 2, 254), NULL), 0);
	/* Our own address through lo0 with fake0's address, as IP's local routes. */
	assert_int_equal(route_add_ifa(IP4(192, 0, 2, 1), 32, 0, lo0ifp,
	    &f.addr[0], NULL), 0);
	assert_int_equal(f.ifnet.if_refcnt, ifrefs + 2);
	assert_int_equal(f.addr[0].ifa_refcnt, ifarefs + 3);
	assert_int_equal(lo0ifp->if_refcnt, lorefs + 1);
	/* Failed adds take nothing. */
	assert_int_equal(route_add(IP4(192, 0, 2, 0), 24, 0, &f.ifnet), EEXIST);
	assert_int_equal(route_add(IP4(203, 0, 113, 0), 24, IP4(10, 9, 9, 9),
	    NULL), ENETUNREACH);
	assert_int_equal(f.ifnet.if_refcnt, ifrefs + 2);
	assert_int_equal(f.addr[0].ifa_refcnt, ifarefs + 3);
	/* Lookups give back what they take. */
	rt = rt_lookup(SA(IP4(8, 8, 8, 8)));
	assert_non_null(rt);
	assert_int_equal(rt->rt_refcnt, 2);
	rt_rele(rt);
	assert_int_equal(rt->rt_refcnt, 1);

	assert_int_equal(rt_delete(AF_INET, SA(0), 0), 0);
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 2, 1)), 32), 0);
	assert_int_equal(rt_delete(AF_INET, SA(IP4(192, 0, 2, 0)), 24), 0);
	assert_int_equal(f.ifnet.if_refcnt, ifrefs);
	assert_int_equal(f.addr[0].ifa_refcnt, ifarefs);
	assert_int_equal(lo0ifp->if_refcnt, lorefs);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}


/* ---- cached routes ---- */

/* Attaches f as fake0 with 198.18.0.1/24 and a route to its subnet. */
static void
fake_subnet(struct fakeif *f)
{
	fakeif_attach(f, "fake0");
	fakeif_addr(f, IP4(198, 18, 0, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add(IP4(198, 18, 0, 0), 24, 0, &f->ifnet), 0);
	NET_UNLOCK();
}

/* rtcache_lookup of a, released at once; the route found, NULL if none. */
static const struct rtentry *
cached(struct rtcache *rc, uint32_t a)
{
	struct rtentry *rt = rtcache_lookup(rc, SA(a));

	if (rt != NULL)
		rt_rele(rt);
	return rt;
}

static void
a_cached_route_is_found_again_without_a_search(void **state)
{
	struct rtcache rc = { 0 };
	struct fakeif f;
	const struct rtentry *first, *second;
	uint64_t lookups, hits;

	(void)state;
	KTEST_ENTER();
	fake_subnet(&f);
	NET_LOCK();
	first = cached(&rc, IP4(198, 18, 0, 7));
	lookups = kstat_read("route.lookups");
	hits = kstat_read("route.cache_hits");
	second = cached(&rc, IP4(198, 18, 0, 7));
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
	assert_non_null(first);
	assert_ptr_equal(first, second);
	assert_int_equal(kstat_read("route.lookups"), lookups);
	assert_int_equal(kstat_read("route.cache_hits"), hits + 1);
}

static void
a_cached_route_holds_no_reference(void **state)
{
	struct rtcache rc = { 0 };
	struct fakeif f;
	unsigned refs;

	(void)state;
	KTEST_ENTER();
	fake_subnet(&f);
	NET_LOCK();
	refs = cached(&rc, IP4(198, 18, 0, 7))->rt_refcnt;
	NET_UNLOCK();
	/* Nothing to give back: the interface detaches. */
	fakeif_detach(&f);
	KTEST_EXIT();
	assert_int_equal(refs, 1);
}

static void
another_destination_is_looked_up(void **state)
{
	struct rtcache rc = { 0 };
	struct fakeif f;
	const struct rtentry *near, *far;

	(void)state;
	KTEST_ENTER();
	fake_subnet(&f);
	NET_LOCK();
	assert_int_equal(route_add(0, 0, IP4(198, 18, 0, 254), NULL), 0);
	near = cached(&rc, IP4(198, 18, 0, 7));
	far = cached(&rc, IP4(198, 19, 0, 7));
	assert_int_equal(rt_delete(AF_INET, SA(0), 0), 0);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
	assert_non_null(near);
	assert_non_null(far);
	assert_ptr_not_equal(near, far);
}

/* A more specific route added after the cache was filled wins. */
static void
a_route_added_replaces_the_cached_one(void **state)
{
	struct rtcache rc = { 0 };
	struct fakeif f;
	int before, after;

	(void)state;
	KTEST_ENTER();
	fake_subnet(&f);
	NET_LOCK();
	before = cached(&rc, IP4(198, 18, 0, 7))->rt_plen;
	assert_int_equal(route_add(IP4(198, 18, 0, 7), 32,
	    IP4(198, 18, 0, 254), NULL), 0);
	after = cached(&rc, IP4(198, 18, 0, 7))->rt_plen;
	assert_int_equal(rt_delete(AF_INET, SA(IP4(198, 18, 0, 7)), 32), 0);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
	assert_int_equal(before, 24);
	assert_int_equal(after, 32);
}

static void
a_deleted_route_is_not_returned_from_the_cache(void **state)
{
	struct rtcache rc = { 0 };
	struct fakeif f;
	const struct rtentry *before, *after, *none;
	int plen, afterplen = -1;

	(void)state;
	KTEST_ENTER();
	fake_subnet(&f);
	NET_LOCK();
	assert_int_equal(route_add(IP4(198, 18, 0, 7), 32,
	    IP4(198, 18, 0, 254), NULL), 0);
	before = cached(&rc, IP4(198, 18, 0, 7));
	plen = before->rt_plen;
	assert_int_equal(rt_delete(AF_INET, SA(IP4(198, 18, 0, 7)), 32), 0);
	after = cached(&rc, IP4(198, 18, 0, 7));
	if (after != NULL)
		afterplen = after->rt_plen;
	assert_int_equal(rt_delete(AF_INET, SA(IP4(198, 18, 0, 0)), 24), 0);
	none = cached(&rc, IP4(198, 18, 0, 7));
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
	assert_int_equal(plen, 32);
	assert_int_equal(afterplen, 24);
	assert_null(none);
}

static void
an_interface_going_down_or_up_changes_the_generation(void **state)
{
	struct fakeif f;
	uint64_t g0, g1, g2;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	NET_LOCK();
	g0 = rt_generation();
	assert_int_equal(if_setflags(&f.ifnet, IFF_UP), 0);
	g1 = rt_generation();
	assert_int_equal(if_setflags(&f.ifnet, 0), 0);
	g2 = rt_generation();
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
	assert_true(g1 != g0);
	assert_true(g2 != g1);
}

/* ---- what is refused ---- */

static int
count_visit(struct rtentry *rt, void *arg)
{
	(void)rt;
	(*(int *)arg)++;
	return 0;
}

/* Only AF_INET has routes: another family is refused and found nowhere. */
static void
a_family_without_routes_is_eafnosupport_and_found_nowhere(void **state)
{
	const struct sockaddr *v6 = (const struct sockaddr *)
	    &(struct sockaddr_storage){ .ss_family = AF_INET6 };
	struct rt_addinfo info = { .dst = v6, .plen = 0, .ifp = lo0ifp };
	struct rtcache rc = { 0 };
	int visited = 0;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(rt_add(&info, NULL), EAFNOSUPPORT);
	assert_int_equal(rt_delete(AF_INET6, v6, 0), EAFNOSUPPORT);
	assert_null(rt_lookup(v6));
	assert_null(rt_lookup_exact(AF_INET6, v6, 0));
	assert_null(rtcache_lookup(&rc, v6));
	assert_int_equal(rt_count(AF_INET6), 0);
	assert_int_equal(rt_foreach(AF_INET6, count_visit, &visited), 0);
	assert_int_equal(visited, 0);
	NET_UNLOCK();
	KTEST_EXIT();
}

/*
 * What rt_add cannot make a route of: no destination, a negative MTU, a
 * gateway or an address of another family, no way to the interface
 * (neither it, an address nor a gateway), an interface going away, one
 * without an address of the family.  Nothing is added.
 */
static void
route_add_refuses_what_cannot_be_a_route(void **state)
{
	struct sockaddr_storage other = { .ss_family = AF_INET6 };
	struct ifaddr otherifa = { .ifa_addr = { .ss_family = AF_INET6 } };
	struct rt_addinfo info;
	struct fakeif f, bare;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	fakeif_attach(&bare, "fake1");
	fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	info = (struct rt_addinfo){ .plen = 24, .ifp = &f.ifnet };
	assert_int_equal(rt_add(&info, NULL), EINVAL);
	info.dst = SA(IP4(192, 0, 2, 0));
	assert_int_equal(rt_delete(AF_INET, NULL, 24), EINVAL);
	info.mtu = -1;
	assert_int_equal(rt_add(&info, NULL), EINVAL);
	info.mtu = 0;
	info.gateway = (const struct sockaddr *)&other;
	assert_int_equal(rt_add(&info, NULL), EINVAL);
	info.gateway = NULL;
	info.ifa = &otherifa;
	assert_int_equal(rt_add(&info, NULL), EINVAL);
	info.ifa = NULL;
	info.ifp = NULL;
	assert_int_equal(rt_add(&info, NULL), EINVAL);
	info.ifp = &bare.ifnet;
	assert_int_equal(rt_add(&info, NULL), EADDRNOTAVAIL);
	info.ifp = &f.ifnet;
	f.ifnet.if_detaching = true;
	assert_int_equal(rt_add(&info, NULL), ENXIO);
	f.ifnet.if_detaching = false;
	assert_int_equal(test_routes(), 0);
	NET_UNLOCK();
	fakeif_detach(&bare);
	fakeif_detach(&f);
	KTEST_EXIT();
}

/* Given an address and no interface, the route goes through its interface. */
static void
a_route_through_an_address_alone_takes_its_interface(void **state)
{
	struct fakeif f;
	struct ifaddr *ifa;
	struct rtentry *rt;

	(void)state;
	KTEST_ENTER();
	fakeif_attach(&f, "fake0");
	ifa = fakeif_addr(&f, IP4(192, 0, 2, 1), 24);
	NET_LOCK();
	assert_int_equal(route_add_ifa(IP4(192, 0, 2, 0), 24, 0, NULL, ifa,
	    &rt), 0);
	assert_ptr_equal(rt->rt_ifp, &f.ifnet);
	assert_ptr_equal(rt->rt_ifa, ifa);
	rt_rele(rt);
	NET_UNLOCK();
	fakeif_detach(&f);
	KTEST_EXIT();
}

/* ---- the group ---- */

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(host_route_beats_network_route_beats_default),
		leak_test(longest_prefix_wins_among_overlapping_prefixes),
		leak_test(default_route_catches_everything_else),
		leak_test(no_route_gives_null),
		leak_test(lookup_counts_use_of_the_route),
		leak_test(gateway_route_resolves_interface_through_connected_route),
		leak_test(gateway_route_takes_address_of_the_gateways_subnet),
		leak_test(gateway_with_no_route_to_it_gives_enetunreach),
		leak_test(gateway_reached_only_through_a_gateway_gives_enetunreach),
		leak_test(duplicate_prefix_gives_eexist),
		leak_test(delete_of_missing_route_gives_esrch),
		leak_test(dst_with_host_bits_set_gives_einval),
		leak_test(prefix_length_out_of_range_gives_einval),
		leak_test(held_route_stays_valid_after_delete_but_is_down),
		leak_test(random_routes_match_brute_force_reference),
		leak_test(purge_ifp_removes_exactly_that_interfaces_routes),
		leak_test(purge_ifa_removes_the_routes_using_that_address),
		leak_test(interface_detach_purges_its_routes),
		leak_test(foreach_visits_every_route_and_allows_deleting_it),
		leak_test(references_on_ifp_and_ifa_are_balanced),
		leak_test(a_cached_route_is_found_again_without_a_search),
		leak_test(a_cached_route_holds_no_reference),
		leak_test(another_destination_is_looked_up),
		leak_test(a_route_added_replaces_the_cached_one),
		leak_test(a_deleted_route_is_not_returned_from_the_cache),
		leak_test(an_interface_going_down_or_up_changes_the_generation),
		leak_test(a_family_without_routes_is_eafnosupport_and_found_nowhere),
		leak_test(route_add_refuses_what_cannot_be_a_route),
		leak_test(a_route_through_an_address_alone_takes_its_interface),
	};

	return cmocka_run_group_tests(tests, route_boot, ktest_halt);
}
