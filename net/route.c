/*
 * The routing table (see route.h for the contract).
 *
 * Each address family has one hash table per prefix length in use and a
 * bitmap of those lengths.  A lookup walks the bitmap from the longest
 * length down, masks the destination to that length and probes one
 * bucket; the first hit is the longest match.  So a lookup costs at most
 * one probe per distinct prefix length in use (33 for IPv4), whatever the
 * number of routes, and each probe is O(1) because a table doubles its
 * buckets whenever it holds more routes than buckets.
 *
 * Hashing: the masked key is folded in 32-bit words (only the words the
 * prefix covers; the rest are zero) into a 64-bit state seeded from the
 * host's random source at rt_init() and mixed with the prefix length, each
 * step through the MurmurHash3 64-bit finaliser, whose avalanche makes the
 * low bits used as the bucket index depend on every key bit.  Keys that
 * differ only in the high bits of an address (10.1.0.0/24, 10.2.0.0/24)
 * thus spread evenly, and the seed keeps the bucket of a given prefix
 * unpredictable from outside.
 *
 * Growth: a table starts with RT_MINBUCKETS buckets and doubles when its
 * route count exceeds its bucket count (load factor at most 1; the rehash
 * is amortised O(1) per add).  It halves when the count falls below a
 * quarter of the buckets, and is freed with the last route of its length,
 * clearing the length's bit.  If the larger bucket array cannot be
 * allocated, the table simply stays as it is (longer chains, still
 * correct).
 *
 * The table holds one reference on each route it links; rt_delete() and
 * the purges unlink, clear RTF_UP and drop that reference.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/kstat.h"
#include "net/route.h"
#include "rumpnet/netlock.h"

static KMEM_DEFINE(M_RTENTRY, "rtentry");
static KMEM_DEFINE(M_RTTABLE, "rttable");

#define RT_MAXPLEN	(RT_MAXKEYLEN * 8)
#define RT_NWORDS	((RT_MAXPLEN + 1 + 63) / 64)	/* bitmap words */
#define RT_MINBUCKETS	8

LIST_HEAD(rt_bucket, rtentry);

struct rt_table {
	struct rt_bucket *rtt_buckets;
	unsigned rtt_nbuckets;		/* a power of two */
	unsigned rtt_count;
};

struct rt_family {
	int rf_family;
	int rf_keyoff;			/* offset of the address in its sockaddr */
	int rf_keylen;			/* bytes */
	int rf_salen;			/* size of the family's sockaddr */
	unsigned rf_count;		/* routes in all its tables */
	uint64_t rf_used[RT_NWORDS];	/* bit plen: rf_tables[plen] exists */
	struct rt_table *rf_tables[RT_MAXPLEN + 1];
};

/*
 * The families with routes.  AF_INET: struct sockaddr_in has sin_addr at
 * offset 4.  AF_INET6 would be { AF_INET6, 8, 16, 28 } (sin6_addr at 8 in
 * the 28-byte struct sockaddr_in6).
 */
static struct rt_family rt_families[] = {
	{ .rf_family = AF_INET, .rf_keyoff = 4, .rf_keylen = 4, .rf_salen = 16 },
};

struct rt_stats {
	uint64_t rts_lookups;		/* rt_lookup() calls */
	uint64_t rts_misses;		/* of which found no route */
	uint64_t rts_adds;		/* routes added */
	uint64_t rts_deletes;		/* routes deleted or purged */
	uint64_t rts_cache_hits;	/* rtcache_lookup() without a search */
	uint64_t rts_cache_misses;	/* rtcache_lookup() that searched */
};

static struct rt_stats rt_stats;
static struct kstat_group rt_kstat;
static const struct kstat_desc rt_kstat_desc[] = {
	KSTAT_DESC(struct rt_stats, rts_lookups, "lookups"),
	KSTAT_DESC(struct rt_stats, rts_misses, "misses"),
	KSTAT_DESC(struct rt_stats, rts_adds, "adds"),
	KSTAT_DESC(struct rt_stats, rts_deletes, "deletes"),
	KSTAT_DESC(struct rt_stats, rts_cache_hits, "cache_hits"),
	KSTAT_DESC(struct rt_stats, rts_cache_misses, "cache_misses"),
};

static uint64_t rt_seed;
/* Starts at 1 so that a zeroed rtcache is never current. */
static uint64_t rt_gen = 1;

static void rt_ifdetach(struct ifnet *ifp);
static void rt_ifupdown(struct ifnet *ifp, bool up);
static struct if_hooks rt_ifhooks = {
	.ifh_detach = rt_ifdetach,
	.ifh_updown = rt_ifupdown,
};

/* ---- keys ---- */

static struct rt_family *
rt_family_of(int family)
{
	for (size_t i = 0; i < __arraycount(rt_families); i++)
		if (rt_families[i].rf_family == family)
			return &rt_families[i];
	return NULL;
}

static const uint8_t *
rt_family_key(const struct rt_family *rf, const struct sockaddr *sa)
{
	return (const uint8_t *)sa + rf->rf_keyoff;
}

/* Clears the bits of key beyond plen. */
static void
rt_mask(uint8_t *key, int keylen, int plen)
{
	int byte = plen / 8;

	if (plen % 8 != 0)
		key[byte++] &= (uint8_t)(0xff << (8 - plen % 8));
	if (byte < keylen)
		memset(key + byte, 0, (size_t)(keylen - byte));
}

/* Whether key has no bit set beyond plen. */
static bool
rt_is_masked(const uint8_t *key, int keylen, int plen)
{
	uint8_t m[RT_MAXKEYLEN];

	memcpy(m, key, (size_t)keylen);
	rt_mask(m, keylen, plen);
	return memcmp(m, key, (size_t)keylen) == 0;
}

static uint64_t
rt_fmix(uint64_t h)
{
	/* MurmurHash3's 64-bit finaliser. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/*
 * Hash of a masked key: only the 32-bit words the prefix covers count
 * (key lengths are multiples of 4).
 */
static uint64_t
rt_hash(const uint8_t *key, int plen)
{
	uint64_t h = rt_seed ^ ((uint64_t)plen * 0x9e3779b97f4a7c15ULL);
	uint32_t w;

	for (int i = 0; i < (plen + 31) / 32; i++) {
		memcpy(&w, key + 4 * i, sizeof(w));
		h = rt_fmix(h ^ w);
	}
	return rt_fmix(h);
}

/* ---- one table: the routes of one prefix length ---- */

static struct rt_bucket *
rt_bucket_of(struct rt_table *t, const uint8_t *key, int plen)
{
	return &t->rtt_buckets[rt_hash(key, plen) & (t->rtt_nbuckets - 1)];
}

static struct rtentry *
rt_table_find(struct rt_table *t, const uint8_t *key, int keylen, int plen)
{
	struct rtentry *rt;

	LIST_FOREACH(rt, rt_bucket_of(t, key, plen), rt_hash)
		if (memcmp(rt->rt_dst, key, (size_t)keylen) == 0)
			return rt;
	return NULL;
}

/* Moves every route into n fresh buckets; keeps the old ones without memory. */
static void
rt_table_resize(struct rt_table *t, int plen, unsigned n)
{
	struct rt_bucket *nb;
	struct rtentry *rt;

	nb = kmem_alloc(&M_RTTABLE, n * sizeof(*nb), KM_NOSLEEP);
	if (nb == NULL)
		return;
	for (unsigned i = 0; i < n; i++)
		LIST_INIT(&nb[i]);
	for (unsigned i = 0; i < t->rtt_nbuckets; i++) {
		while ((rt = LIST_FIRST(&t->rtt_buckets[i])) != NULL) {
			LIST_REMOVE(rt, rt_hash);
			LIST_INSERT_HEAD(&nb[rt_hash(rt->rt_dst, plen) & (n - 1)],
			    rt, rt_hash);
		}
	}
	kmem_free(&M_RTTABLE, t->rtt_buckets,
	    t->rtt_nbuckets * sizeof(*t->rtt_buckets));
	t->rtt_buckets = nb;
	t->rtt_nbuckets = n;
}

static struct rt_table *
rt_table_get(struct rt_family *rf, int plen)
{
	struct rt_table *t = rf->rf_tables[plen];

	if (t != NULL)
		return t;
	t = kmem_alloc(&M_RTTABLE, sizeof(*t), KM_NOSLEEP);
	if (t == NULL)
		return NULL;
	t->rtt_buckets = kmem_alloc(&M_RTTABLE,
	    RT_MINBUCKETS * sizeof(*t->rtt_buckets), KM_NOSLEEP);
	if (t->rtt_buckets == NULL) {
		kmem_free(&M_RTTABLE, t, sizeof(*t));
		return NULL;
	}
	for (unsigned i = 0; i < RT_MINBUCKETS; i++)
		LIST_INIT(&t->rtt_buckets[i]);
	t->rtt_nbuckets = RT_MINBUCKETS;
	t->rtt_count = 0;
	rf->rf_tables[plen] = t;
	rf->rf_used[plen / 64] |= (uint64_t)1 << (plen % 64);
	return t;
}

/*
 * Brings a table's size back in line with its count after routes left
 * (plen's table exists: a route of it was just unlinked): frees it when
 * empty, halves it when under a quarter full.
 */
static void
rt_table_settle(struct rt_family *rf, int plen)
{
	struct rt_table *t = rf->rf_tables[plen];

	if (t->rtt_count == 0) {
		rf->rf_used[plen / 64] &= ~((uint64_t)1 << (plen % 64));
		rf->rf_tables[plen] = NULL;
		kmem_free(&M_RTTABLE, t->rtt_buckets,
		    t->rtt_nbuckets * sizeof(*t->rtt_buckets));
		kmem_free(&M_RTTABLE, t, sizeof(*t));
	} else if (t->rtt_nbuckets > RT_MINBUCKETS &&
	    t->rtt_count < t->rtt_nbuckets / 4) {
		rt_table_resize(t, plen, t->rtt_nbuckets / 2);
	}
}

/*
 * The longest match for key among the routes of rf: probes the lengths in
 * use from the longest down, masking a copy of the key as it goes.
 */
static struct rtentry *
rt_match(struct rt_family *rf, const uint8_t *key)
{
	uint8_t m[RT_MAXKEYLEN];
	struct rtentry *rt;
	uint64_t bits;
	int plen;

	memcpy(m, key, (size_t)rf->rf_keylen);
	for (int w = RT_NWORDS - 1; w >= 0; w--) {
		bits = rf->rf_used[w];
		while (bits != 0) {
			int b = 63 - __builtin_clzll(bits);

			bits &= ~((uint64_t)1 << b);
			plen = w * 64 + b;
			rt_mask(m, rf->rf_keylen, plen);
			rt = rt_table_find(rf->rf_tables[plen], m, rf->rf_keylen,
			    plen);
			if (rt != NULL)
				return rt;
		}
	}
	return NULL;
}

/* ---- references ---- */

void
rt_ref(struct rtentry *rt)
{
	NET_ASSERT_LOCKED();
	KASSERT(rt->rt_refcnt > 0);
	rt->rt_refcnt++;
}

void
rt_rele(struct rtentry *rt)
{
	NET_ASSERT_LOCKED();
	KASSERT(rt->rt_refcnt > 0);
	if (--rt->rt_refcnt > 0)
		return;
	/* The table's reference is gone: the route was unlinked. */
	KASSERT(!(rt->rt_flags & RTF_UP));
	ifa_rele(rt->rt_ifa);
	if_rele(rt->rt_ifp);
	kmem_free(&M_RTENTRY, rt, sizeof(*rt));
}

/* Takes rt out of its table (without settling the table's size). */
static void
rt_unlink(struct rt_family *rf, struct rtentry *rt)
{
	struct rt_table *t = rf->rf_tables[rt->rt_plen];

	KASSERT(rt->rt_flags & RTF_UP);
	LIST_REMOVE(rt, rt_hash);
	t->rtt_count--;
	rf->rf_count--;
	rt->rt_flags &= ~RTF_UP;
	rt_stats.rts_deletes++;
	rt_gen++;
	rt_rele(rt);
}

/* ---- adding and deleting ---- */

/* The first address of family on ifp, or NULL. */
static struct ifaddr *
rt_ifp_addr(struct ifnet *ifp, int family)
{
	struct ifaddr *ifa;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list)
		if (ifa->ifa_addr.ss_family == family)
			return ifa;
	return NULL;
}

/* Checks dst/plen and finds its family and key. */
static int
rt_prefix(int family, const struct sockaddr *dst, int plen,
    struct rt_family **rfp, const uint8_t **keyp)
{
	struct rt_family *rf;

	if (dst == NULL)
		return EINVAL;
	if ((rf = rt_family_of(family)) == NULL)
		return EAFNOSUPPORT;
	if (plen < 0 || plen > rf->rf_keylen * 8)
		return EINVAL;
	if (!rt_is_masked(rt_family_key(rf, dst), rf->rf_keylen, plen))
		return EINVAL;
	*rfp = rf;
	*keyp = rt_family_key(rf, dst);
	return 0;
}

int
rt_add(const struct rt_addinfo *info, struct rtentry **rtp)
{
	struct ifnet *ifp = info->ifp;
	struct ifaddr *ifa = info->ifa;
	struct rt_family *rf;
	struct rt_table *t;
	struct rtentry *rt, *gwrt;
	const uint8_t *key;
	int error;

	NET_ASSERT_LOCKED();
	if (info->dst == NULL)
		return EINVAL;
	error = rt_prefix(info->dst->sa_family, info->dst, info->plen, &rf, &key);
	if (error != 0)
		return error;
	if (info->mtu < 0)
		return EINVAL;
	if (info->gateway != NULL && info->gateway->sa_family != rf->rf_family)
		return EINVAL;
	if (ifa != NULL && ifa->ifa_addr.ss_family != rf->rf_family)
		return EINVAL;
	t = rf->rf_tables[info->plen];
	if (t != NULL && rt_table_find(t, key, rf->rf_keylen, info->plen) != NULL)
		return EEXIST;

	if (ifp == NULL && info->gateway != NULL) {
		/* RFC 1812 5.2.1: the next hop must be on a connected network. */
		gwrt = rt_match(rf, rt_family_key(rf, info->gateway));
		if (gwrt == NULL || (gwrt->rt_flags & (RTF_GATEWAY | RTF_REJECT)))
			return ENETUNREACH;
		ifp = gwrt->rt_ifp;
		if (ifa == NULL && gwrt->rt_ifa->ifa_ifp == ifp)
			ifa = gwrt->rt_ifa;
	} else if (ifp == NULL) {
		if (ifa == NULL)
			return EINVAL;
		ifp = ifa->ifa_ifp;
	}
	if (ifp->if_detaching)
		return ENXIO;
	if (ifa == NULL && (ifa = rt_ifp_addr(ifp, rf->rf_family)) == NULL)
		return EADDRNOTAVAIL;

	rt = kmem_zalloc(&M_RTENTRY, sizeof(*rt), KM_NOSLEEP);
	if (rt == NULL)
		return ENOMEM;
	if ((t = rt_table_get(rf, info->plen)) == NULL) {
		kmem_free(&M_RTENTRY, rt, sizeof(*rt));
		return ENOMEM;
	}
	rt->rt_family = rf->rf_family;
	memcpy(rt->rt_dst, key, (size_t)rf->rf_keylen);
	rt->rt_plen = info->plen;
	rt->rt_flags = (info->flags & ~(RTF_UP | RTF_GATEWAY | RTF_HOST)) |
	    RTF_UP;
	if (info->gateway != NULL) {
		memcpy(&rt->rt_gateway, info->gateway, (size_t)rf->rf_salen);
		rt->rt_flags |= RTF_GATEWAY;
	}
	if (info->plen == rf->rf_keylen * 8)
		rt->rt_flags |= RTF_HOST;
	rt->rt_mtu = info->mtu;
	if_ref(ifp);
	rt->rt_ifp = ifp;
	ifa_ref(ifa);
	rt->rt_ifa = ifa;
	rt->rt_refcnt = 1;		/* the table's */

	LIST_INSERT_HEAD(rt_bucket_of(t, key, info->plen), rt, rt_hash);
	t->rtt_count++;
	rf->rf_count++;
	if (t->rtt_count > t->rtt_nbuckets)
		rt_table_resize(t, info->plen, t->rtt_nbuckets * 2);
	rt_stats.rts_adds++;
	rt_gen++;
	if (rtp != NULL) {
		rt->rt_refcnt++;
		*rtp = rt;
	}
	return 0;
}

int
rt_delete(int family, const struct sockaddr *dst, int plen)
{
	struct rt_family *rf;
	struct rt_table *t;
	struct rtentry *rt;
	const uint8_t *key;
	int error;

	NET_ASSERT_LOCKED();
	if ((error = rt_prefix(family, dst, plen, &rf, &key)) != 0)
		return error;
	if ((t = rf->rf_tables[plen]) == NULL ||
	    (rt = rt_table_find(t, key, rf->rf_keylen, plen)) == NULL)
		return ESRCH;
	rt_unlink(rf, rt);
	rt_table_settle(rf, plen);
	return 0;
}

/* ---- lookups ---- */

struct rtentry *
rt_lookup(const struct sockaddr *dst)
{
	struct rt_family *rf;
	struct rtentry *rt;

	NET_ASSERT_LOCKED();
	rt_stats.rts_lookups++;
	if ((rf = rt_family_of(dst->sa_family)) == NULL ||
	    (rt = rt_match(rf, rt_family_key(rf, dst))) == NULL) {
		rt_stats.rts_misses++;
		return NULL;
	}
	rt->rt_use++;
	rt->rt_refcnt++;
	return rt;
}

struct rtentry *
rt_lookup_exact(int family, const struct sockaddr *dst, int plen)
{
	struct rt_family *rf;
	struct rt_table *t;
	struct rtentry *rt;
	const uint8_t *key;

	NET_ASSERT_LOCKED();
	if (rt_prefix(family, dst, plen, &rf, &key) != 0 ||
	    (t = rf->rf_tables[plen]) == NULL ||
	    (rt = rt_table_find(t, key, rf->rf_keylen, plen)) == NULL)
		return NULL;
	rt->rt_refcnt++;
	return rt;
}

unsigned
rt_count(int family)
{
	struct rt_family *rf = rt_family_of(family);

	NET_ASSERT_LOCKED();
	return rf != NULL ? rf->rf_count : 0;
}

int
rt_foreach(int family, int (*fn)(struct rtentry *rt, void *arg), void *arg)
{
	struct rt_family *rf = rt_family_of(family);
	struct rtentry **snap, *rt;
	unsigned n = 0, i;
	int error = 0;

	NET_ASSERT_LOCKED();
	if (rf == NULL || rf->rf_count == 0)
		return 0;
	/*
	 * fn may change the tables (even resize or free them), so walk a
	 * held snapshot instead of the buckets.
	 */
	snap = kmem_alloc(&M_TEMP, rf->rf_count * sizeof(*snap), KM_NOSLEEP);
	if (snap == NULL)
		return ENOMEM;
	for (int plen = 0; plen <= RT_MAXPLEN; plen++) {
		struct rt_table *t = rf->rf_tables[plen];

		for (i = 0; t != NULL && i < t->rtt_nbuckets; i++) {
			LIST_FOREACH(rt, &t->rtt_buckets[i], rt_hash) {
				rt->rt_refcnt++;
				snap[n++] = rt;
			}
		}
	}
	KASSERT(n == rf->rf_count);
	for (i = 0; i < n; i++) {
		if (error == 0 && (snap[i]->rt_flags & RTF_UP))
			error = fn(snap[i], arg);
		rt_rele(snap[i]);
	}
	kmem_free(&M_TEMP, snap, n * sizeof(*snap));
	return error;
}

/* ---- purges ---- */

/* Deletes every route for which match() holds. */
static void
rt_purge(bool (*match)(const struct rtentry *rt, const void *arg),
    const void *arg)
{
	struct rtentry *rt, *next;

	NET_ASSERT_LOCKED();
	for (size_t f = 0; f < __arraycount(rt_families); f++) {
		struct rt_family *rf = &rt_families[f];

		for (int plen = 0; plen <= RT_MAXPLEN; plen++) {
			struct rt_table *t = rf->rf_tables[plen];

			if (t == NULL)
				continue;
			for (unsigned i = 0; i < t->rtt_nbuckets; i++)
				LIST_FOREACH_SAFE(rt, &t->rtt_buckets[i],
				    rt_hash, next)
					if (match(rt, arg))
						rt_unlink(rf, rt);
			rt_table_settle(rf, plen);
		}
	}
}

static bool
rt_match_ifp(const struct rtentry *rt, const void *arg)
{
	return rt->rt_ifp == arg || rt->rt_ifa->ifa_ifp == arg;
}

static bool
rt_match_ifa(const struct rtentry *rt, const void *arg)
{
	return rt->rt_ifa == arg;
}

void
rt_purge_ifp(struct ifnet *ifp)
{
	rt_purge(rt_match_ifp, ifp);
}

void
rt_purge_ifa(struct ifaddr *ifa)
{
	rt_purge(rt_match_ifa, ifa);
}

static void
rt_ifdetach(struct ifnet *ifp)
{
	rt_purge_ifp(ifp);
}

/* Routes through an interface that went down are kept, but not cached. */
static void
rt_ifupdown(struct ifnet *ifp, bool up)
{
	(void)ifp;
	(void)up;
	rt_gen++;
}

/* ---- cached routes ---- */

uint64_t
rt_generation(void)
{
	NET_ASSERT_LOCKED();
	return rt_gen;
}

static bool
rtcache_valid(const struct rtcache *rc, const struct sockaddr *dst)
{
	const struct rt_family *rf;

	if (rc->rc_rt == NULL || rc->rc_gen != rt_gen ||
	    rc->rc_dst.ss_family != dst->sa_family)
		return false;
	/* A route was cached for this family: it is one with routes. */
	rf = rt_family_of(dst->sa_family);
	return memcmp(rt_family_key(rf, dst),
	    rt_family_key(rf, (const struct sockaddr *)&rc->rc_dst),
	    (size_t)rf->rf_keylen) == 0;
}

/*
 * The cache holds no reference: a route is unlinked from the table only by
 * rt_unlink, which changes the generation, and while it is linked the
 * table's reference keeps it.  So a cached route of the current generation
 * is alive, and one of an older generation is never looked at.  Holding a
 * reference would keep a deleted route, and through it its interface,
 * alive for as long as the PCB lives, and if_detach waits for those.
 */
struct rtentry *
rtcache_lookup(struct rtcache *rc, const struct sockaddr *dst)
{
	struct rt_family *rf;

	NET_ASSERT_LOCKED();
	if (rtcache_valid(rc, dst)) {
		rt_stats.rts_cache_hits++;
		rc->rc_rt->rt_use++;
		rt_ref(rc->rc_rt);
		return rc->rc_rt;
	}
	rt_stats.rts_cache_misses++;
	rc->rc_rt = NULL;
	if ((rf = rt_family_of(dst->sa_family)) == NULL)
		return NULL;
	if ((rc->rc_rt = rt_lookup(dst)) == NULL)
		return NULL;
	rc->rc_gen = rt_gen;
	memcpy(&rc->rc_dst, dst, (size_t)rf->rf_salen);
	return rc->rc_rt;
}

/* ---- the component ---- */

int
rt_init(void)
{
	cprng_bytes(&rt_seed, sizeof(rt_seed));
	memset(&rt_stats, 0, sizeof(rt_stats));
	kstat_register(&rt_kstat, "route", rt_kstat_desc,
	    __arraycount(rt_kstat_desc), &rt_stats);
	if_hooks_register(&rt_ifhooks);
	return 0;
}

/*
 * No route is left by now: each holds an address of its family, and the
 * protocol families, finished before the routing component, removed
 * theirs, and with them the routes (rt_purge_ifa).
 */
void
rt_fini(void)
{
	if_hooks_unregister(&rt_ifhooks);
	NET_LOCK();
	for (size_t f = 0; f < __arraycount(rt_families); f++)
		KASSERT(rt_families[f].rf_count == 0);
	NET_UNLOCK();
	kstat_unregister(&rt_kstat);
}
