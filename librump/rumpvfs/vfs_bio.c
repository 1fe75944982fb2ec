/*
 * The buffer cache (buf.h says what each call does).
 *
 * bufcache_lock protects the hash table, the free list, every vnode's
 * buffer list and every buffer's flags; it is never held across I/O or a
 * call into a file system.  A buffer is owned by one thread while B_BUSY;
 * a thread wanting a busy buffer sets B_WANTED and waits on bufcache_cv,
 * which brelse() and biodone() broadcast.
 *
 * The free list holds every buffer that is not busy, least recently
 * released first, dirty or clean.  Clean ones over BUF_CACHE_MAX bytes
 * are freed from its head; dirty ones are written back by the sync
 * thread every BUF_SYNC_INTERVAL_MS, by vflushbuf() and bufcache_sync(),
 * and when they pass BUF_DIRTY_MAX bytes.  A dirty buffer of a device
 * vnode is written together with the dirty buffers that follow it on the
 * device, up to BUF_MAXCLUSTER bytes, in one call of the device's
 * strategy (one host write for a host file).
 *
 * I/O here is synchronous: the strategy routines of this kernel finish
 * before they return, so an "asynchronous" write (bawrite) is written at
 * once too.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/kthread.h"
#include "rumpkern/ktime.h"
#include "rumpvfs/buf.h"

KMEM_DEFINE(M_BUF, "buf");

#define BUF_HASHSIZE	4096		/* buckets; a power of two */
#define BUF_MAXCLUSTER	(256 * 1024)	/* bytes of one clustered write */
#define BUF_MAXRUN	(BUF_MAXCLUSTER / DEV_BSIZE)

TAILQ_HEAD(buflist, buf);

static kmutex_t bufcache_lock;
static kcondvar_t bufcache_cv;
static struct buflist buf_hash[BUF_HASHSIZE];
static struct buflist buf_freelist = TAILQ_HEAD_INITIALIZER(buf_freelist);
static struct bufstats buf_stat;
static uint64_t buf_dirtybytes;

/* The limits, for tests to lower: BUF_CACHE_MAX and BUF_DIRTY_MAX. */
uint64_t bufcache_max = BUF_CACHE_MAX;
uint64_t bufcache_dirtymax = BUF_DIRTY_MAX;

static struct lwp *buf_synclwp;
static kcondvar_t buf_synccv;
static bool buf_syncexit;

static struct buflist *
buf_bucket(const struct vnode *vp, daddr_t blkno)
{
	uint64_t h = (uint64_t)(uintptr_t)vp * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)blkno;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return &buf_hash[h & (BUF_HASHSIZE - 1)];
}

static struct buf *
buf_find(const struct vnode *vp, daddr_t blkno)
{
	struct buf *bp;

	KASSERT(mutex_owned(&bufcache_lock));
	TAILQ_FOREACH(bp, buf_bucket(vp, blkno), b_hash)
		if (bp->b_vp == vp && bp->b_lblkno == blkno)
			return bp;
	return NULL;
}

/* Marks bp dirty or clean, keeping the counts; bufcache_lock held. */
static void
buf_setdirty(struct buf *bp, bool dirty)
{
	KASSERT(mutex_owned(&bufcache_lock));
	if (dirty == ((bp->b_flags & B_DELWRI) != 0))
		return;
	if (dirty) {
		bp->b_flags |= B_DELWRI;
		buf_dirtybytes += bp->b_bufsize;
		buf_stat.bs_dirty++;
	} else {
		bp->b_flags &= ~B_DELWRI;
		buf_dirtybytes -= bp->b_bufsize;
		buf_stat.bs_dirty--;
	}
}

/* Takes a buffer out of the cache and frees it; bufcache_lock held. */
static void
buf_destroy(struct buf *bp)
{
	KASSERT(mutex_owned(&bufcache_lock));
	buf_setdirty(bp, false);
	TAILQ_REMOVE(buf_bucket(bp->b_vp, bp->b_lblkno), bp, b_hash);
	TAILQ_REMOVE(&bp->b_vp->v_bufs, bp, b_vnbufs);
	if ((bp->b_flags & B_BUSY) == 0)
		TAILQ_REMOVE(&buf_freelist, bp, b_freelist);
	buf_stat.bs_bytes -= bp->b_bufsize;
	kmem_free(&M_BUF, bp->b_data, bp->b_bufsize);
	kmem_free(&M_BUF, bp, sizeof(*bp));
	cv_broadcast(&bufcache_cv);
}

/* Takes a buffer that is not busy for the caller; bufcache_lock held. */
static void
buf_take(struct buf *bp)
{
	KASSERT((bp->b_flags & B_BUSY) == 0);
	bp->b_flags |= B_BUSY;
	TAILQ_REMOVE(&buf_freelist, bp, b_freelist);
}

/* Frees clean buffers from the head of the free list while over the limit. */
static void
buf_trim(void)
{
	struct buf *bp, *next;

	KASSERT(mutex_owned(&bufcache_lock));
	TAILQ_FOREACH_SAFE(bp, &buf_freelist, b_freelist, next) {
		if (buf_stat.bs_bytes - buf_dirtybytes <= bufcache_max)
			break;
		if ((bp->b_flags & B_DELWRI) == 0)
			buf_destroy(bp);
	}
}

/* ---- I/O ---- */

void
biodone(struct buf *bp)
{
	mutex_enter(&bufcache_lock);
	bp->b_flags &= ~B_INFLIGHT;
	if (bp->b_error != 0)
		bp->b_flags |= B_ERROR;
	cv_broadcast(&bufcache_cv);
	mutex_exit(&bufcache_lock);
}

int
biowait(struct buf *bp)
{
	mutex_enter(&bufcache_lock);
	while ((bp->b_flags & B_INFLIGHT) != 0)
		cv_wait(&bufcache_cv, &bufcache_lock);
	mutex_exit(&bufcache_lock);
	return bp->b_error;
}

/* Reads or writes bp (busy, or a cluster's own) through its vnode. */
static int
buf_io(struct buf *bp, bool read)
{
	int error;

	mutex_enter(&bufcache_lock);
	bp->b_flags &= ~(B_READ | B_ERROR);
	bp->b_flags |= B_INFLIGHT | (read ? B_READ : 0);
	if (read)
		buf_stat.bs_reads++;
	else
		buf_stat.bs_writes++;
	mutex_exit(&bufcache_lock);
	bp->b_error = 0;
	if (bp->b_vp->v_type == VBLK)
		bp->b_blkno = bp->b_lblkno;
	error = VOP_STRATEGY(bp->b_vp, bp);
	if (error != 0) {
		bp->b_error = error;
		biodone(bp);
	}
	return biowait(bp);
}

/* ---- getting and giving back buffers ---- */

static struct buf *
buf_alloc(struct vnode *vp, daddr_t blkno, int size)
{
	struct buf *bp = kmem_zalloc(&M_BUF, sizeof(*bp), KM_SLEEP);

	bp->b_vp = vp;
	bp->b_lblkno = bp->b_blkno = blkno;
	bp->b_data = kmem_zalloc(&M_BUF, (size_t)size, KM_SLEEP);
	bp->b_bcount = bp->b_bufsize = (size_t)size;
	bp->b_flags = B_BUSY;
	return bp;
}

/*
 * A cached buffer asked for with another size: written if dirty, then
 * given the new size; its contents are valid only if it did not grow.
 */
static void
buf_resize(struct buf *bp, int size)
{
	void *data = kmem_zalloc(&M_BUF, (size_t)size, KM_SLEEP);
	size_t old = bp->b_bufsize;

	if ((bp->b_flags & B_DELWRI) != 0) {
		(void)buf_io(bp, false);
		mutex_enter(&bufcache_lock);
		buf_setdirty(bp, false);
		mutex_exit(&bufcache_lock);
	}
	memcpy(data, bp->b_data, MIN(old, (size_t)size));
	kmem_free(&M_BUF, bp->b_data, old);
	mutex_enter(&bufcache_lock);
	bp->b_data = data;
	bp->b_bcount = bp->b_bufsize = (size_t)size;
	buf_stat.bs_bytes += (size_t)size;
	buf_stat.bs_bytes -= old;
	if ((size_t)size > old)
		bp->b_flags &= ~B_DONE;
	mutex_exit(&bufcache_lock);
}

/*
 * getblk, or with nowait, NULL rather than waiting for a busy buffer (for
 * read-ahead, which must not wait while it holds a buffer busy).
 */
static struct buf *
getblk_flags(struct vnode *vp, daddr_t blkno, int size, bool nowait)
{
	struct buf *bp, *new = NULL;

	KASSERT(size > 0);
	mutex_enter(&bufcache_lock);
	for (;;) {
		bp = buf_find(vp, blkno);
		if (bp != NULL && (bp->b_flags & B_BUSY) != 0 && nowait) {
			mutex_exit(&bufcache_lock);
			if (new != NULL) {
				kmem_free(&M_BUF, new->b_data, new->b_bufsize);
				kmem_free(&M_BUF, new, sizeof(*new));
			}
			return NULL;
		}
		if (bp != NULL && (bp->b_flags & B_BUSY) != 0) {
			bp->b_flags |= B_WANTED;
			cv_wait(&bufcache_cv, &bufcache_lock);
			continue;
		}
		if (bp != NULL || new != NULL)
			break;
		mutex_exit(&bufcache_lock);
		new = buf_alloc(vp, blkno, size);
		mutex_enter(&bufcache_lock);
	}
	if (bp != NULL) {
		buf_take(bp);
		mutex_exit(&bufcache_lock);
		if (new != NULL) {
			kmem_free(&M_BUF, new->b_data, new->b_bufsize);
			kmem_free(&M_BUF, new, sizeof(*new));
		}
		if (bp->b_bcount != (size_t)size)
			buf_resize(bp, size);
		return bp;
	}
	TAILQ_INSERT_HEAD(buf_bucket(vp, blkno), new, b_hash);
	TAILQ_INSERT_TAIL(&vp->v_bufs, new, b_vnbufs);
	buf_stat.bs_bytes += new->b_bufsize;
	mutex_exit(&bufcache_lock);
	return new;
}

struct buf *
getblk(struct vnode *vp, daddr_t blkno, int size)
{
	return getblk_flags(vp, blkno, size, false);
}

void
brelse(struct buf *bp, unsigned set)
{
	mutex_enter(&bufcache_lock);
	KASSERT((bp->b_flags & B_BUSY) != 0);
	bp->b_flags |= set;
	if ((bp->b_flags & B_INVAL) != 0 ||
	    ((bp->b_flags & B_ERROR) != 0 && (bp->b_flags & B_DELWRI) == 0)) {
		buf_destroy(bp);
		mutex_exit(&bufcache_lock);
		return;
	}
	bp->b_flags &= ~(B_BUSY | B_WANTED | B_ASYNC);
	TAILQ_INSERT_TAIL(&buf_freelist, bp, b_freelist);
	cv_broadcast(&bufcache_cv);
	buf_trim();
	mutex_exit(&bufcache_lock);
}

int
bread(struct vnode *vp, daddr_t blkno, int size, struct buf **bpp)
{
	struct buf *bp = getblk(vp, blkno, size);
	int error;

	*bpp = NULL;
	if ((bp->b_flags & B_DONE) != 0) {
		mutex_enter(&bufcache_lock);
		buf_stat.bs_hits++;
		mutex_exit(&bufcache_lock);
		*bpp = bp;
		return 0;
	}
	error = buf_io(bp, true);
	if (error != 0) {
		brelse(bp, B_INVAL);
		return error;
	}
	bp->b_flags |= B_DONE;
	*bpp = bp;
	return 0;
}

/*
 * Reads n buffers (busy, not valid) that follow each other on their
 * device with one strategy call, and marks them valid.
 */
static int
buf_read_cluster(struct buf **run, int n)
{
	struct buf cl;
	size_t bytes = 0, off = 0;
	int error;

	for (int i = 0; i < n; i++)
		bytes += run[i]->b_bcount;
	memset(&cl, 0, sizeof(cl));
	cl.b_vp = run[0]->b_vp;
	cl.b_lblkno = run[0]->b_lblkno;
	cl.b_data = kmem_alloc(&M_BUF, bytes, KM_SLEEP);
	cl.b_bcount = cl.b_bufsize = bytes;
	error = buf_io(&cl, true);
	for (int i = 0; error == 0 && i < n; i++) {
		memcpy(run[i]->b_data, (char *)cl.b_data + off, run[i]->b_bcount);
		off += run[i]->b_bcount;
		run[i]->b_flags |= B_DONE;
	}
	kmem_free(&M_BUF, cl.b_data, bytes);
	return error;
}

/*
 * The read-ahead blocks that continue bp on its device, not cached and
 * not busy, taken busy into run[1..]; the count with bp.
 */
static int
buf_readahead_run(struct buf *bp, const daddr_t *rablks, const int *rasizes,
    int nra, struct buf **run)
{
	size_t bytes = bp->b_bcount;
	int n = 1;

	run[0] = bp;
	if (bp->b_vp->v_type != VBLK)
		return 1;
	for (int i = 0; i < nra && n < BUF_MAXRUN; i++) {
		const struct buf *last = run[n - 1];
		struct buf *rbp;

		if (rablks[i] != last->b_lblkno +
		    (daddr_t)(last->b_bcount >> DEV_BSHIFT) ||
		    rasizes[i] % DEV_BSIZE != 0 ||
		    bytes + (size_t)rasizes[i] > BUF_MAXCLUSTER)
			break;
		rbp = getblk_flags(bp->b_vp, rablks[i], rasizes[i], true);
		if (rbp == NULL)
			break;
		if ((rbp->b_flags & B_DONE) != 0) {
			brelse(rbp, 0);
			break;
		}
		bytes += rbp->b_bcount;
		run[n++] = rbp;
	}
	return n;
}

/*
 * On a device, the block and the read-ahead blocks that continue it are
 * read with one host call; the others are read one by one after.
 * Read-ahead is a favour: its failures are not the caller's.
 */
int
breadn(struct vnode *vp, daddr_t blkno, int size, const daddr_t *rablks,
    const int *rasizes, int nra, struct buf **bpp)
{
	struct buf *run[BUF_MAXRUN];
	struct buf *bp = getblk(vp, blkno, size);
	int n = 0, error = 0;

	*bpp = NULL;
	if ((bp->b_flags & B_DONE) == 0) {
		n = buf_readahead_run(bp, rablks, rasizes, nra, run);
		error = n == 1 ? buf_io(bp, true) : buf_read_cluster(run, n);
		for (int i = 1; i < n; i++)
			brelse(run[i], error != 0 ? B_INVAL : 0);
		if (error != 0) {
			brelse(bp, B_INVAL);
			return error;
		}
		bp->b_flags |= B_DONE;
	} else {
		mutex_enter(&bufcache_lock);
		buf_stat.bs_hits++;
		mutex_exit(&bufcache_lock);
	}
	for (int i = n > 0 ? n - 1 : 0; i < nra; i++) {
		struct buf *rbp = getblk_flags(vp, rablks[i], rasizes[i], true);

		if (rbp == NULL)
			continue;
		if ((rbp->b_flags & B_DONE) == 0 && buf_io(rbp, true) == 0)
			rbp->b_flags |= B_DONE;
		brelse(rbp, (rbp->b_flags & B_DONE) == 0 ? B_INVAL : 0);
	}
	*bpp = bp;
	return 0;
}

/* ---- writing ---- */

/*
 * Collects into run[] the dirty buffers that follow bp (busy, dirty) on
 * its device, taking them busy; bufcache_lock held.  Only device vnodes'
 * buffers are in device order.
 */
static int
buf_collect_run(struct buf *bp, struct buf **run)
{
	size_t bytes = bp->b_bcount;
	int n = 1;

	run[0] = bp;
	if (bp->b_vp->v_type != VBLK)
		return 1;
	while (n < BUF_MAXRUN) {
		struct buf *next = buf_find(bp->b_vp, run[n - 1]->b_lblkno +
		    (daddr_t)(run[n - 1]->b_bcount >> DEV_BSHIFT));

		if (next == NULL || (next->b_flags & (B_BUSY | B_DELWRI)) !=
		    B_DELWRI || bytes + next->b_bcount > BUF_MAXCLUSTER ||
		    next->b_bcount % DEV_BSIZE != 0)
			break;
		buf_take(next);
		bytes += next->b_bcount;
		run[n++] = next;
	}
	return n;
}

/* Writes n contiguous buffers of one device with one strategy call. */
static int
buf_write_cluster(struct buf **run, int n)
{
	struct buf cl;
	size_t bytes = 0, off = 0;
	int error;

	for (int i = 0; i < n; i++)
		bytes += run[i]->b_bcount;
	memset(&cl, 0, sizeof(cl));
	cl.b_vp = run[0]->b_vp;
	cl.b_lblkno = run[0]->b_lblkno;
	cl.b_data = kmem_alloc(&M_BUF, bytes, KM_SLEEP);
	cl.b_bcount = cl.b_bufsize = bytes;
	for (int i = 0; i < n; i++) {
		memcpy((char *)cl.b_data + off, run[i]->b_data, run[i]->b_bcount);
		off += run[i]->b_bcount;
	}
	error = buf_io(&cl, false);
	kmem_free(&M_BUF, cl.b_data, bytes);
	return error;
}

/*
 * Writes bp (busy, dirty) and the dirty buffers after it on its device
 * and gives them all back: clean, or thrown away if the write failed.
 */
static int
buf_flush(struct buf *bp)
{
	struct buf *run[BUF_MAXRUN];
	int n, error;

	mutex_enter(&bufcache_lock);
	n = buf_collect_run(bp, run);
	mutex_exit(&bufcache_lock);
	error = n == 1 ? buf_io(bp, false) : buf_write_cluster(run, n);
	mutex_enter(&bufcache_lock);
	for (int i = 0; i < n; i++) {
		buf_setdirty(run[i], false);
		run[i]->b_error = error;
	}
	mutex_exit(&bufcache_lock);
	for (int i = 0; i < n; i++)
		brelse(run[i], error != 0 ? B_INVAL : 0);
	return error;
}

int
bwrite(struct buf *bp)
{
	mutex_enter(&bufcache_lock);
	buf_setdirty(bp, true);
	bp->b_flags |= B_DONE;
	mutex_exit(&bufcache_lock);
	return buf_flush(bp);
}

void
bawrite(struct buf *bp)
{
	/* Its error reaches nobody, as an asynchronous write's would not. */
	(void)bwrite(bp);
}

/* Writes the oldest dirty buffers until at most half the limit is dirty. */
static void
buf_writeback_some(void)
{
	struct buf *bp;

	mutex_enter(&bufcache_lock);
	while (buf_dirtybytes > bufcache_dirtymax / 2) {
		TAILQ_FOREACH(bp, &buf_freelist, b_freelist)
			if ((bp->b_flags & B_DELWRI) != 0)
				break;
		if (bp == NULL)
			break;
		buf_take(bp);
		mutex_exit(&bufcache_lock);
		(void)buf_flush(bp);
		mutex_enter(&bufcache_lock);
	}
	mutex_exit(&bufcache_lock);
}

void
bdwrite(struct buf *bp)
{
	bool over;

	mutex_enter(&bufcache_lock);
	buf_setdirty(bp, true);
	bp->b_flags |= B_DONE;
	over = buf_dirtybytes > bufcache_dirtymax;
	mutex_exit(&bufcache_lock);
	brelse(bp, 0);
	if (over)
		buf_writeback_some();
}

/* The dirty, not busy buffer of vp lowest on the device; or NULL. */
static struct buf *
buf_first_dirty(struct vnode *vp, bool *busyp)
{
	struct buf *bp, *first = NULL;

	KASSERT(mutex_owned(&bufcache_lock));
	*busyp = false;
	TAILQ_FOREACH(bp, &vp->v_bufs, b_vnbufs) {
		if ((bp->b_flags & B_DELWRI) == 0)
			continue;
		if ((bp->b_flags & B_BUSY) != 0)
			*busyp = true;
		else if (first == NULL || bp->b_lblkno < first->b_lblkno)
			first = bp;
	}
	return first;
}

/*
 * Writes bp, which the caller found dirty with bufcache_lock held, without
 * the lock; keeps the first error in *firstp.
 */
static void
buf_flush_unlocked(struct buf *bp, int *firstp)
{
	int error;

	buf_take(bp);
	mutex_exit(&bufcache_lock);
	error = buf_flush(bp);
	if (*firstp == 0)
		*firstp = error;
	mutex_enter(&bufcache_lock);
}

int
vflushbuf(struct vnode *vp, bool wait)
{
	struct buf *bp;
	bool busy;
	int first = 0;

	mutex_enter(&bufcache_lock);
	for (;;) {
		bp = buf_first_dirty(vp, &busy);
		if (bp == NULL && busy && wait) {
			cv_wait(&bufcache_cv, &bufcache_lock);
			continue;
		}
		if (bp == NULL)
			break;
		buf_flush_unlocked(bp, &first);
	}
	mutex_exit(&bufcache_lock);
	return first;
}

int
vinvalbuf(struct vnode *vp, bool save)
{
	struct buf *bp;
	int error = save ? vflushbuf(vp, true) : 0;

	mutex_enter(&bufcache_lock);
	while ((bp = TAILQ_FIRST(&vp->v_bufs)) != NULL) {
		if ((bp->b_flags & B_BUSY) != 0) {
			bp->b_flags |= B_WANTED;
			cv_wait(&bufcache_cv, &bufcache_lock);
			continue;
		}
		buf_destroy(bp);
	}
	mutex_exit(&bufcache_lock);
	return error;
}

/*
 * Writes every buffer that is dirty when called (not those dirtied
 * meanwhile, so that a busy writer cannot keep it going forever).
 */
int
bufcache_sync(void)
{
	struct buf *bp;
	uint64_t n;
	int first = 0;

	mutex_enter(&bufcache_lock);
	for (n = buf_stat.bs_dirty; n > 0; n--) {
		TAILQ_FOREACH(bp, &buf_freelist, b_freelist)
			if ((bp->b_flags & B_DELWRI) != 0)
				break;
		if (bp == NULL)
			break;
		buf_flush_unlocked(bp, &first);
	}
	mutex_exit(&bufcache_lock);
	return first;
}

void
buf_stats(struct bufstats *bs)
{
	mutex_enter(&bufcache_lock);
	*bs = buf_stat;
	mutex_exit(&bufcache_lock);
}

/* ---- the sync thread ---- */

static void
buf_syncer(void *arg)
{
	(void)arg;
	mutex_enter(&bufcache_lock);
	while (!buf_syncexit) {
		(void)cv_timedwait(&buf_synccv, &bufcache_lock,
		    (int)mstohz(BUF_SYNC_INTERVAL_MS));
		if (buf_syncexit)
			break;
		mutex_exit(&bufcache_lock);
		(void)bufcache_sync();
		mutex_enter(&bufcache_lock);
	}
	mutex_exit(&bufcache_lock);
}

int
bufcache_init(void)
{
	int error;

	mutex_init(&bufcache_lock, MUTEX_DEFAULT);
	cv_init(&bufcache_cv);
	cv_init(&buf_synccv);
	for (size_t i = 0; i < BUF_HASHSIZE; i++)
		TAILQ_INIT(&buf_hash[i]);
	memset(&buf_stat, 0, sizeof(buf_stat));
	buf_dirtybytes = 0;
	buf_syncexit = false;
	error = kthread_create(KTHREAD_MUSTJOIN, buf_syncer, NULL, &buf_synclwp,
	    "bufsync");
	if (error != 0) {
		cv_destroy(&buf_synccv);
		cv_destroy(&bufcache_cv);
		mutex_destroy(&bufcache_lock);
	}
	return error;
}

void
bufcache_fini(void)
{
	mutex_enter(&bufcache_lock);
	buf_syncexit = true;
	cv_broadcast(&buf_synccv);
	mutex_exit(&bufcache_lock);
	(void)kthread_join(buf_synclwp);
	KASSERTMSG(buf_stat.bs_bytes == 0, "bufcache_fini: %llu bytes of buffers",
	    (unsigned long long)buf_stat.bs_bytes);
	cv_destroy(&buf_synccv);
	cv_destroy(&bufcache_cv);
	mutex_destroy(&bufcache_lock);
}
