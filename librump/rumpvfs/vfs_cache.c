/*
 * The name cache (namecache.h says what it promises).
 *
 * Entries hang on a hash of (directory vnode, name), on one LRU list and
 * on their directory's v_nclist, so a directory's names go at once when
 * its vnode does.  namecache_lock, a leaf lock (nothing is called with
 * it held but the allocator), guards all three and the counts.  Entries
 * are cache, not state: the kmem type reports them idle, as a pool does,
 * so a test that leaves names cached has not leaked.  The counts are the
 * kstat group "namecache" (namecache.hits, ...); the bound is the sysctl
 * vfs.namecache.max.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/kstat.h"
#include "rumpkern/siphash.h"
#include "rumpkern/sysctl.h"
#include "rumpvfs/namecache.h"

KMEM_DEFINE(M_NAMECACHE, "namecache");

#define NC_HASHSIZE	4096		/* buckets; a power of two */

struct namecache {
	TAILQ_ENTRY(namecache) nc_hash;
	TAILQ_ENTRY(namecache) nc_lru;		/* least recently used first */
	TAILQ_ENTRY(namecache) nc_dirlist;	/* nc_dvp->v_nclist */
	struct vnode *nc_dvp;
	uint64_t nc_id;
	bool nc_negative;
	uint8_t nc_len;
	char nc_name[NAMECACHE_NAMELEN];
};

TAILQ_HEAD(nclist, namecache);

unsigned namecache_max = NAMECACHE_MAX;

static kmutex_t namecache_lock;
static struct nclist nc_hash[NC_HASHSIZE];
static struct siphash_key nc_key;
static struct nclist nc_lru = TAILQ_HEAD_INITIALIZER(nc_lru);
static struct nchstats nc_stat;
static struct kstat_group nc_kstat;

static struct sysctl_node nc_sysctl = {
	.sn_name = "vfs.namecache.max", .sn_type = RUMP_SYSCTL_INT,
	.sn_flags = RUMP_SYSCTL_WRITABLE, .sn_handler = sysctl_int,
	.sn_data = &namecache_max, .sn_min = 0, .sn_max = 1 << 24,
};

static const struct kstat_desc nc_kstat_desc[] = {
	KSTAT_DESC(struct nchstats, ncs_hits, "hits"),
	KSTAT_DESC(struct nchstats, ncs_neghits, "neghits"),
	KSTAT_DESC(struct nchstats, ncs_misses, "misses"),
	KSTAT_DESC(struct nchstats, ncs_enters, "enters"),
	KSTAT_DESC(struct nchstats, ncs_purges, "purges"),
	KSTAT_DESC(struct nchstats, ncs_entries, "entries"),
};

static struct nclist *
nc_bucket(const struct vnode *dvp, const char *name, size_t len)
{
	/* Keyed: names come from users and images, who must not choose
	   names that all land in one chain. */
	uint64_t h = siphash24(&nc_key, name, len) ^
	    (uint64_t)(uintptr_t)dvp * 0x9e3779b97f4a7c15ULL;

	h ^= h >> 32;
	return &nc_hash[h & (NC_HASHSIZE - 1)];
}

static struct namecache *
nc_find(const struct vnode *dvp, const char *name, size_t len)
{
	struct namecache *ncp;

	KASSERT(mutex_owned(&namecache_lock));
	TAILQ_FOREACH(ncp, nc_bucket(dvp, name, len), nc_hash)
		if (ncp->nc_dvp == dvp && ncp->nc_len == len &&
		    memcmp(ncp->nc_name, name, len) == 0)
			return ncp;
	return NULL;
}

/* Takes ncp off every list; namecache_lock held. */
static void
nc_unlink(struct namecache *ncp)
{
	TAILQ_REMOVE(nc_bucket(ncp->nc_dvp, ncp->nc_name, ncp->nc_len), ncp,
	    nc_hash);
	TAILQ_REMOVE(&nc_lru, ncp, nc_lru);
	TAILQ_REMOVE(&ncp->nc_dvp->v_nclist, ncp, nc_dirlist);
	nc_stat.ncs_entries--;
}

static void
nc_remove(struct namecache *ncp)
{
	nc_unlink(ncp);
	kmem_free(&M_NAMECACHE, ncp, sizeof(*ncp));
}

enum cache_result
cache_lookup(struct vnode *dvp, const char *name, size_t len, uint64_t *idp)
{
	struct namecache *ncp;
	enum cache_result res = CACHE_MISS;

	mutex_enter(&namecache_lock);
	ncp = len <= NAMECACHE_NAMELEN ? nc_find(dvp, name, len) : NULL;
	if (ncp == NULL) {
		nc_stat.ncs_misses++;
	} else {
		TAILQ_REMOVE(&nc_lru, ncp, nc_lru);
		TAILQ_INSERT_TAIL(&nc_lru, ncp, nc_lru);
		*idp = ncp->nc_id;
		res = ncp->nc_negative ? CACHE_NEGATIVE : CACHE_HIT;
		if (ncp->nc_negative)
			nc_stat.ncs_neghits++;
		else
			nc_stat.ncs_hits++;
	}
	mutex_exit(&namecache_lock);
	return res;
}

/* A new entry: the least recently used one when full; namecache_lock held. */
static struct namecache *
nc_get(void)
{
	struct namecache *ncp = TAILQ_FIRST(&nc_lru);

	if (ncp != NULL && nc_stat.ncs_entries >= namecache_max) {
		nc_unlink(ncp);
		return ncp;
	}
	return kmem_alloc(&M_NAMECACHE, sizeof(*ncp), KM_SLEEP);
}

void
cache_enter(struct vnode *dvp, const char *name, size_t len, uint64_t id,
    bool negative)
{
	struct namecache *ncp;

	if (len > NAMECACHE_NAMELEN || namecache_max == 0)
		return;
	mutex_enter(&namecache_lock);
	ncp = nc_find(dvp, name, len);
	if (ncp != NULL)
		nc_unlink(ncp);
	else
		ncp = nc_get();
	ncp->nc_dvp = dvp;
	ncp->nc_id = id;
	ncp->nc_negative = negative;
	ncp->nc_len = (uint8_t)len;
	memcpy(ncp->nc_name, name, len);
	TAILQ_INSERT_HEAD(nc_bucket(dvp, name, len), ncp, nc_hash);
	TAILQ_INSERT_TAIL(&nc_lru, ncp, nc_lru);
	TAILQ_INSERT_TAIL(&dvp->v_nclist, ncp, nc_dirlist);
	nc_stat.ncs_entries++;
	nc_stat.ncs_enters++;
	/* The bound may have been lowered meanwhile. */
	while (nc_stat.ncs_entries > namecache_max)
		nc_remove(TAILQ_FIRST(&nc_lru));
	mutex_exit(&namecache_lock);
}

void
cache_purge_name(struct vnode *dvp, const char *name, size_t len)
{
	struct namecache *ncp;

	if (len > NAMECACHE_NAMELEN)
		return;
	mutex_enter(&namecache_lock);
	if ((ncp = nc_find(dvp, name, len)) != NULL) {
		nc_remove(ncp);
		nc_stat.ncs_purges++;
	}
	mutex_exit(&namecache_lock);
}

void
cache_purge_dir(struct vnode *dvp)
{
	struct namecache *ncp;

	mutex_enter(&namecache_lock);
	while ((ncp = TAILQ_FIRST(&dvp->v_nclist)) != NULL) {
		nc_remove(ncp);
		nc_stat.ncs_purges++;
	}
	mutex_exit(&namecache_lock);
}

/* All the type's memory is cache: entries in use are idle (kt_idle). */
static void
nc_kmem_idle(const void *arg, uint64_t *bytes, uint64_t *blocks)
{
	(void)arg;
	*blocks = __atomic_load_n(&M_NAMECACHE.kt_blocks, __ATOMIC_RELAXED);
	*bytes = *blocks * sizeof(struct namecache);
}

void
namecache_init(void)
{
	mutex_init(&namecache_lock, MUTEX_DEFAULT);
	for (size_t i = 0; i < NC_HASHSIZE; i++)
		TAILQ_INIT(&nc_hash[i]);
	siphash_key_init(&nc_key);
	memset(&nc_stat, 0, sizeof(nc_stat));
	M_NAMECACHE.kt_idle = nc_kmem_idle;
	kstat_register(&nc_kstat, "namecache", nc_kstat_desc,
	    (int)(sizeof(nc_kstat_desc) / sizeof(nc_kstat_desc[0])), &nc_stat);
	sysctl_register(&nc_sysctl);
}

/* Every vnode has been reclaimed by now, and its names with it. */
void
namecache_fini(void)
{
	KASSERTMSG(TAILQ_EMPTY(&nc_lru), "namecache_fini: %llu names left",
	    (unsigned long long)nc_stat.ncs_entries);
	sysctl_unregister(&nc_sysctl);
	kstat_unregister(&nc_kstat);
	M_NAMECACHE.kt_idle = NULL;
	mutex_destroy(&namecache_lock);
}
