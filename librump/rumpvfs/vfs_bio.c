/*
 * The buffer cache (buf.h says what each call does).
 *
 * bufcache_lock protects the hash table, the free list, every vnode's
 * buffer list and every buffer's flags; it is never held across I/O or a
 * call into a file system.  A buffer is owned by one thread while B_BUSY;
 * a thread wanting a busy buffer sets B_WANTED and waits on bufcache_cv,
 * which brelse() and biodone() broadcast.
 *
 * Every buffer that is not busy is on one of two lists: clean ones on
 * the free list, least recently released first (those over BUF_CACHE_MAX
 * bytes are freed or recycled from its head), dirty ones on the dirty
 * queue, oldest first, which every dirty buffer (busy or not) is on, and
 * on its vnode's v_dirtybufs.  So trimming, sync and fsync only ever look
 * at buffers they have work for.  Dirty buffers are written back by the
 * sync thread every BUF_SYNC_INTERVAL_MS, by vflushbuf() and
 * bufcache_sync(), and when they pass BUF_DIRTY_MAX bytes; blocks
 * written whole (bdwrite_age) are also on the aged queue, oldest first,
 * written back when they pass BUF_AGED_MAX bytes and then reused first,
 * so that a stream of writes cycles through a few buffers.  A dirty
 * buffer of a device vnode is written together with the dirty buffers
 * around it on the device, up to BUF_MAXCLUSTER bytes, in one call of the
 * device's strategy (one host write for a host file); reads of blocks
 * that follow each other on the device (a block and its read-ahead) are
 * one call too.
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

/* Buckets, a power of two: about one per buffer of BUF_CACHE_MAX. */
#define BUF_HASHSIZE	16384
#define BUF_MAXCLUSTER	(256 * 1024)	/* bytes of one clustered write */
#define BUF_MAXRUN	(BUF_MAXCLUSTER / DEV_BSIZE)

TAILQ_HEAD(buflist, buf);

static kmutex_t bufcache_lock;
static kcondvar_t bufcache_cv;
static struct buflist buf_hash[BUF_HASHSIZE];
static struct buflist buf_freelist = TAILQ_HEAD_INITIALIZER(buf_freelist);
static struct buflist buf_dirtyq = TAILQ_HEAD_INITIALIZER(buf_dirtyq);
static struct buflist buf_agedq = TAILQ_HEAD_INITIALIZER(buf_agedq);
static struct bufstats buf_stat;
static uint64_t buf_dirtybytes;
static uint64_t buf_agedbytes;

/* The limits, for tests to lower: BUF_CACHE_MAX, BUF_DIRTY_MAX, BUF_AGED_MAX. */
uint64_t bufcache_max = BUF_CACHE_MAX;
uint64_t bufcache_dirtymax = BUF_DIRTY_MAX;
uint64_t bufcache_agedmax = BUF_AGED_MAX;

/*
 * The bounce buffer of clustered I/O, kept so that a cluster's memory is
 * not mapped afresh (and faulted in page by page) for every run; a second
 * cluster at the same time allocates its own.  bufcache_lock.
 */
static void *buf_clbuf;
static bool buf_clbusy;

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

/* Takes bp, a block written whole, off the aged queue; bufcache_lock held. */
static void
buf_unage(struct buf *bp)
{
	KASSERT(mutex_owned(&bufcache_lock));
	if ((bp->b_flags & B_WRONCE) == 0)
		return;
	bp->b_flags &= ~B_WRONCE;
	buf_agedbytes -= bp->b_bufsize;
	TAILQ_REMOVE(&buf_agedq, bp, b_aged);
}

/*
 * Marks bp dirty or clean, keeping the counts and the dirty lists;
 * bufcache_lock held.  A block written whole is, once clean, reused first.  A buffer not busy is on the free list when clean.
 */
static void
buf_setdirty(struct buf *bp, bool dirty)
{
	bool busy = (bp->b_flags & B_BUSY) != 0;

	KASSERT(mutex_owned(&bufcache_lock));
	if (dirty == ((bp->b_flags & B_DELWRI) != 0))
		return;
	if (dirty) {
		/* Written: no longer a block read ahead, nor as checked. */
		bp->b_flags = (bp->b_flags & ~(B_RAHEAD | B_AGE | B_FSCHECKED)) |
		    B_DELWRI;
		buf_dirtybytes += bp->b_bufsize;
		buf_stat.bs_dirty++;
		TAILQ_INSERT_TAIL(&buf_dirtyq, bp, b_dirty);
		TAILQ_INSERT_TAIL(&bp->b_vp->v_dirtybufs, bp, b_vndirty);
		if (!busy)
			TAILQ_REMOVE(&buf_freelist, bp, b_freelist);
	} else {
		if ((bp->b_flags & B_WRONCE) != 0) {
			buf_unage(bp);
			bp->b_flags |= B_AGE;
		}
		bp->b_flags &= ~B_DELWRI;
		buf_dirtybytes -= bp->b_bufsize;
		buf_stat.bs_dirty--;
		TAILQ_REMOVE(&buf_dirtyq, bp, b_dirty);
		TAILQ_REMOVE(&bp->b_vp->v_dirtybufs, bp, b_vndirty);
		if (!busy)
			TAILQ_INSERT_TAIL(&buf_freelist, bp, b_freelist);
	}
}

/*
 * Takes bp out of the hash table and every list, leaving it busy (so no
 * longer anybody's but the caller's); bufcache_lock held.
 */
static void
buf_unhash(struct buf *bp)
{
	KASSERT(mutex_owned(&bufcache_lock));
	if ((bp->b_flags & (B_BUSY | B_DELWRI)) == 0)
		TAILQ_REMOVE(&buf_freelist, bp, b_freelist);
	bp->b_flags |= B_BUSY;
	buf_setdirty(bp, false);
	TAILQ_REMOVE(buf_bucket(bp->b_vp, bp->b_lblkno), bp, b_hash);
	TAILQ_REMOVE(&bp->b_vp->v_bufs, bp, b_vnbufs);
}

/* Takes a buffer out of the cache and frees it; bufcache_lock held. */
static void
buf_destroy(struct buf *bp)
{
	buf_unhash(bp);
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
	if ((bp->b_flags & B_DELWRI) == 0)
		TAILQ_REMOVE(&buf_freelist, bp, b_freelist);
}

/* Whether clean buffers take more than the limit with size bytes more. */
static bool
buf_overlimit(size_t size)
{
	return buf_stat.bs_bytes - buf_dirtybytes + size > bufcache_max;
}

/* Frees clean buffers from the head of the free list while over the limit. */
static void
buf_trim(void)
{
	struct buf *bp;

	KASSERT(mutex_owned(&bufcache_lock));
	while (buf_overlimit(0) && (bp = TAILQ_FIRST(&buf_freelist)) != NULL)
		buf_destroy(bp);
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
	bp->b_flags &= ~(B_READ | B_ERROR | (read ? B_FSCHECKED : 0));
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

static void
buf_free_unhashed(struct buf *bp)
{
	kmem_free(&M_BUF, bp->b_data, bp->b_bufsize);
	kmem_free(&M_BUF, bp, sizeof(*bp));
}

/*
 * When the cache is full, or its oldest clean buffer is a block read
 * ahead and used once (B_AGE), that buffer if it has size bytes, taken
 * out of the cache to be used again (as NetBSD's getnewbuf does): a
 * full cache then reads without freeing and allocating memory for every
 * block, and a file streamed through the cache does not push everything
 * else out of it.  NULL otherwise.  bufcache_lock held.  The old
 * contents stay: a buffer that is not B_DONE is read or written whole
 * before anyone uses it, and clearing it cost every block written a
 * pass over it.
 */
static struct buf *
buf_recycle(struct vnode *vp, daddr_t blkno, int size)
{
	struct buf *bp = TAILQ_FIRST(&buf_freelist);

	if (bp == NULL || bp->b_bufsize != (size_t)size ||
	    ((bp->b_flags & B_AGE) == 0 && !buf_overlimit((size_t)size)))
		return NULL;
	buf_unhash(bp);
	bp->b_vp = vp;
	bp->b_lblkno = bp->b_blkno = blkno;
	bp->b_bcount = (size_t)size;
	bp->b_resid = 0;
	bp->b_error = 0;
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
			if (new != NULL)
				buf_free_unhashed(new);
			return NULL;
		}
		if (bp != NULL && (bp->b_flags & B_BUSY) != 0) {
			bp->b_flags |= B_WANTED;
			cv_wait(&bufcache_cv, &bufcache_lock);
			continue;
		}
		if (bp != NULL || new != NULL)
			break;
		if ((new = buf_recycle(vp, blkno, size)) != NULL) {
			buf_stat.bs_bytes -= new->b_bufsize;
			break;
		}
		mutex_exit(&bufcache_lock);
		new = buf_alloc(vp, blkno, size);
		mutex_enter(&bufcache_lock);
	}
	if (bp != NULL) {
		buf_take(bp);
		mutex_exit(&bufcache_lock);
		if (new != NULL)
			buf_free_unhashed(new);
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

/* The caller may change the contents at will: no longer checked. */
struct buf *
getblk(struct vnode *vp, daddr_t blkno, int size)
{
	struct buf *bp = getblk_flags(vp, blkno, size, false);

	mutex_enter(&bufcache_lock);
	bp->b_flags &= ~B_FSCHECKED;
	mutex_exit(&bufcache_lock);
	return bp;
}

void
buf_setchecked(struct buf *bp)
{
	mutex_enter(&bufcache_lock);
	KASSERT((bp->b_flags & B_BUSY) != 0);
	bp->b_flags |= B_FSCHECKED;
	mutex_exit(&bufcache_lock);
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
	if ((bp->b_flags & (B_DELWRI | B_AGE)) == B_AGE)
		TAILQ_INSERT_HEAD(&buf_freelist, bp, b_freelist);
	else if ((bp->b_flags & B_DELWRI) == 0)
		TAILQ_INSERT_TAIL(&buf_freelist, bp, b_freelist);
	cv_broadcast(&bufcache_cv);
	buf_trim();
	mutex_exit(&bufcache_lock);
}

/*
 * A bread served from the cache.  A block read ahead is used once by a
 * sequential reader, so on its first use it is marked to go first; on a
 * second it is a block like any other.
 */
static void
buf_hit(struct buf *bp)
{
	mutex_enter(&bufcache_lock);
	buf_stat.bs_hits++;
	buf_unage(bp);
	if ((bp->b_flags & B_RAHEAD) != 0)
		bp->b_flags = (bp->b_flags & ~B_RAHEAD) | B_AGE;
	else
		bp->b_flags &= ~B_AGE;
	mutex_exit(&bufcache_lock);
}

int
bread(struct vnode *vp, daddr_t blkno, int size, struct buf **bpp)
{
	return breadn(vp, blkno, size, NULL, NULL, 0, bpp);
}

/* A bounce buffer of bytes (at most BUF_MAXCLUSTER) for a cluster. */
static void *
buf_clalloc(size_t bytes)
{
	void *p = NULL;

	KASSERT(bytes <= BUF_MAXCLUSTER);
	mutex_enter(&bufcache_lock);
	if (!buf_clbusy) {
		buf_clbusy = true;
		p = buf_clbuf;
	}
	mutex_exit(&bufcache_lock);
	return p != NULL ? p : kmem_alloc(&M_BUF, bytes, KM_SLEEP);
}

static void
buf_clfree(void *p, size_t bytes)
{
	if (p != buf_clbuf) {
		kmem_free(&M_BUF, p, bytes);
		return;
	}
	mutex_enter(&bufcache_lock);
	buf_clbusy = false;
	mutex_exit(&bufcache_lock);
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

	if (n == 1) {
		error = buf_io(run[0], true);
		if (error == 0)
			run[0]->b_flags |= B_DONE;
		return error;
	}
	for (int i = 0; i < n; i++)
		bytes += run[i]->b_bcount;
	memset(&cl, 0, sizeof(cl));
	cl.b_vp = run[0]->b_vp;
	cl.b_lblkno = run[0]->b_lblkno;
	cl.b_data = buf_clalloc(bytes);
	cl.b_bcount = cl.b_bufsize = bytes;
	error = buf_io(&cl, true);
	for (int i = 0; error == 0 && i < n; i++) {
		memcpy(run[i]->b_data, (char *)cl.b_data + off, run[i]->b_bcount);
		off += run[i]->b_bcount;
	}
	mutex_enter(&bufcache_lock);
	for (int i = 0; error == 0 && i < n; i++)
		run[i]->b_flags = (run[i]->b_flags & ~B_FSCHECKED) | B_DONE;
	mutex_exit(&bufcache_lock);
	buf_clfree(cl.b_data, bytes);
	return error;
}

/* Whether next continues the run run[0..n-1] on its device. */
static bool
buf_continues(struct buf *const *run, int n, size_t bytes,
    const struct buf *next)
{
	const struct buf *last = run[n - 1];

	return n < BUF_MAXRUN && next->b_vp->v_type == VBLK &&
	    next->b_lblkno == last->b_lblkno +
	    (daddr_t)(last->b_bcount >> DEV_BSHIFT) &&
	    next->b_bcount % DEV_BSIZE == 0 &&
	    bytes + next->b_bcount <= BUF_MAXCLUSTER;
}

/*
 * Reads the run and gives back its read-ahead buffers (all but a first
 * that the caller asked for) with raflags (B_RAHEAD or 0); the error of
 * that first one.
 */
static int
buf_read_run(struct buf **run, int n, bool first, unsigned raflags)
{
	int error = buf_read_cluster(run, n);

	for (int i = first ? 1 : 0; i < n; i++)
		brelse(run[i], error != 0 ? B_INVAL : raflags);
	return error;
}

/*
 * Reads bp (busy, not valid; or NULL) and the blocks rablks that are not
 * cached, in runs of blocks that follow each other on the device, each
 * with one strategy call.  Read-ahead takes only buffers nobody holds,
 * so it never waits while holding one, and its failures are nobody's:
 * the error returned is bp's.
 */
static int
buf_read_runs(struct vnode *vp, struct buf *bp, const daddr_t *rablks,
    const int *rasizes, int nra, unsigned raflags)
{
	struct buf *run[BUF_MAXRUN];
	size_t bytes = 0;
	bool first = bp != NULL;
	int n = 0, error = 0;

	if (bp != NULL) {
		run[n++] = bp;
		bytes = bp->b_bcount;
	}
	for (int i = 0; i < nra; i++) {
		struct buf *rbp = getblk_flags(vp, rablks[i], rasizes[i], true);

		if (rbp != NULL && (rbp->b_flags & B_DONE) != 0) {
			brelse(rbp, 0);
			rbp = NULL;
		}
		if (rbp == NULL)
			continue;
		if (n > 0 && !buf_continues(run, n, bytes, rbp)) {
			if (first)
				error = buf_read_run(run, n, true, raflags);
			else
				(void)buf_read_run(run, n, false, raflags);
			first = false;
			n = 0;
			bytes = 0;
		}
		run[n++] = rbp;
		bytes += rbp->b_bcount;
	}
	if (n > 0 && first)
		error = buf_read_run(run, n, true, raflags);
	else if (n > 0)
		(void)buf_read_run(run, n, false, raflags);
	return error;
}

int
breadn(struct vnode *vp, daddr_t blkno, int size, const daddr_t *rablks,
    const int *rasizes, int nra, struct buf **bpp)
{
	struct buf *bp = getblk_flags(vp, blkno, size, false);
	int error;

	*bpp = NULL;
	if ((bp->b_flags & B_DONE) != 0) {
		buf_hit(bp);
		(void)buf_read_runs(vp, NULL, rablks, rasizes, nra, B_RAHEAD);
		*bpp = bp;
		return 0;
	}
	error = buf_read_runs(vp, bp, rablks, rasizes, nra, B_RAHEAD);
	if (error != 0) {
		brelse(bp, B_INVAL);
		return error;
	}
	*bpp = bp;
	return 0;
}

void
breada(struct vnode *vp, const daddr_t *rablks, const int *rasizes, int nra)
{
	(void)buf_read_runs(vp, NULL, rablks, rasizes, nra, B_RAHEAD);
}

void
breada_keep(struct vnode *vp, const daddr_t *rablks, const int *rasizes,
    int nra)
{
	(void)buf_read_runs(vp, NULL, rablks, rasizes, nra, 0);
}

/*
 * Reading past the cache.  A long sequential read of file data copied
 * each block twice on its way (from the cluster's bounce buffer into a
 * buffer, from the buffer to the reader) and took a buffer, a hash entry
 * and a lock round per block; read straight into the reader's memory it
 * is one host call per run and no copy of ours.  Only blocks the cache
 * does not hold may be read so: a cached block may be newer than the
 * disk.
 */
int
bread_direct(struct vnode *vp, daddr_t blkno, int size, int nblks, void *dst)
{
	daddr_t step = (daddr_t)size >> DEV_BSHIFT;
	struct buf b;

	KASSERT(size > 0 && size % DEV_BSIZE == 0 && nblks > 0);
	mutex_enter(&bufcache_lock);
	for (int i = 0; i < nblks; i++) {
		if (buf_find(vp, blkno + i * step) != NULL) {
			mutex_exit(&bufcache_lock);
			return EAGAIN;
		}
	}
	mutex_exit(&bufcache_lock);
	memset(&b, 0, sizeof(b));
	b.b_vp = vp;
	b.b_lblkno = blkno;
	b.b_data = dst;
	b.b_bcount = b.b_bufsize = (size_t)size * (size_t)nblks;
	return buf_io(&b, true);
}

/* ---- writing ---- */

/*
 * The dirty, not busy buffer that ends where bp begins on its device, or
 * NULL; bufcache_lock held.
 */
static struct buf *
buf_dirty_before(const struct buf *bp)
{
	struct buf *prev = buf_find(bp->b_vp, bp->b_lblkno -
	    (daddr_t)(bp->b_bcount >> DEV_BSHIFT));

	if (prev == NULL || (prev->b_flags & (B_BUSY | B_DELWRI)) != B_DELWRI ||
	    prev->b_lblkno + (daddr_t)(prev->b_bcount >> DEV_BSHIFT) !=
	    bp->b_lblkno)
		return NULL;
	return prev;
}

/*
 * Collects into run[] the dirty buffers around bp (busy, dirty) on its
 * device, in device order, taking them busy: first those before it, so
 * that a run is written from its start whichever buffer of it is found
 * first, then those after.  bufcache_lock held.  Only device vnodes'
 * buffers are in device order.
 */
static int
buf_collect_run(struct buf *bp, struct buf **run)
{
	struct buf *first = bp, *prev, *next;
	size_t bytes = bp->b_bcount;
	int n, before = 0;

	run[0] = bp;
	if (bp->b_vp->v_type != VBLK || bp->b_bcount % DEV_BSIZE != 0)
		return 1;
	while (before < BUF_MAXRUN / 2 &&
	    (prev = buf_dirty_before(first)) != NULL &&
	    bytes + prev->b_bcount <= BUF_MAXCLUSTER / 2) {
		buf_take(prev);
		bytes += prev->b_bcount;
		first = prev;
		before++;
	}
	run[0] = first;
	for (n = 1; n <= before; n++)
		run[n] = buf_find(bp->b_vp, run[n - 1]->b_lblkno +
		    (daddr_t)(run[n - 1]->b_bcount >> DEV_BSHIFT));
	KASSERT(run[before] == bp);
	while ((next = buf_find(bp->b_vp, run[n - 1]->b_lblkno +
	    (daddr_t)(run[n - 1]->b_bcount >> DEV_BSHIFT))) != NULL &&
	    (next->b_flags & (B_BUSY | B_DELWRI)) == B_DELWRI &&
	    buf_continues(run, n, bytes, next)) {
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

	if (n == 1)
		return buf_io(run[0], false);
	for (int i = 0; i < n; i++)
		bytes += run[i]->b_bcount;
	memset(&cl, 0, sizeof(cl));
	cl.b_vp = run[0]->b_vp;
	cl.b_lblkno = run[0]->b_lblkno;
	cl.b_data = buf_clalloc(bytes);
	cl.b_bcount = cl.b_bufsize = bytes;
	for (int i = 0; i < n; i++) {
		memcpy((char *)cl.b_data + off, run[i]->b_data, run[i]->b_bcount);
		off += run[i]->b_bcount;
	}
	error = buf_io(&cl, false);
	buf_clfree(cl.b_data, bytes);
	return error;
}

/*
 * Writes bp (busy, dirty) and the dirty buffers around it on its device
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
	error = buf_write_cluster(run, n);
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

/* The oldest dirty buffer that is not busy, or NULL; bufcache_lock held. */
static struct buf *
buf_dirty_idle(void)
{
	struct buf *bp;

	TAILQ_FOREACH(bp, &buf_dirtyq, b_dirty)
		if ((bp->b_flags & B_BUSY) == 0)
			break;
	return bp;
}

/* The same among vp's dirty buffers. */
static struct buf *
buf_vndirty_idle(struct vnode *vp)
{
	struct buf *bp;

	TAILQ_FOREACH(bp, &vp->v_dirtybufs, b_vndirty)
		if ((bp->b_flags & B_BUSY) == 0)
			break;
	return bp;
}

/*
 * Writes bp, found dirty and not busy with bufcache_lock held, without
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

/* Writes the oldest dirty buffers until at most half the limit is dirty. */
static void
buf_writeback_some(void)
{
	struct buf *bp;
	int error = 0;

	mutex_enter(&bufcache_lock);
	while (buf_dirtybytes > bufcache_dirtymax / 2) {
		if ((bp = buf_dirty_idle()) == NULL)
			break;
		/* A failure stays with the buffers: vflushbuf reports it. */
		buf_flush_unlocked(bp, &error);
	}
	mutex_exit(&bufcache_lock);
}

/* Starts a write-back when dirty buffers are over their limit. */
static void
buf_writeback_over(void)
{
	bool over;

	mutex_enter(&bufcache_lock);
	over = buf_dirtybytes > bufcache_dirtymax;
	mutex_exit(&bufcache_lock);
	if (over)
		buf_writeback_some();
}

void
bdwrite(struct buf *bp)
{
	mutex_enter(&bufcache_lock);
	buf_setdirty(bp, true);
	bp->b_flags |= B_DONE;
	mutex_exit(&bufcache_lock);
	brelse(bp, 0);
	buf_writeback_over();
}

/* Writes the oldest blocks written whole until half their limit is dirty. */
static void
buf_writeback_aged(void)
{
	struct buf *bp;
	int error = 0;

	mutex_enter(&bufcache_lock);
	while (buf_agedbytes > bufcache_agedmax / 2) {
		TAILQ_FOREACH(bp, &buf_agedq, b_aged)
			if ((bp->b_flags & B_BUSY) == 0)
				break;
		if (bp == NULL)
			break;
		/* As in buf_writeback_some, a failure stays with the buffers. */
		buf_flush_unlocked(bp, &error);
	}
	mutex_exit(&bufcache_lock);
}

void
bdwrite_age(struct buf *bp)
{
	bool over;

	mutex_enter(&bufcache_lock);
	buf_setdirty(bp, true);
	bp->b_flags |= B_DONE;
	if ((bp->b_flags & B_WRONCE) == 0) {
		bp->b_flags |= B_WRONCE;
		buf_agedbytes += bp->b_bufsize;
		TAILQ_INSERT_TAIL(&buf_agedq, bp, b_aged);
	}
	over = buf_agedbytes > bufcache_agedmax;
	mutex_exit(&bufcache_lock);
	brelse(bp, 0);
	if (over)
		buf_writeback_aged();
	buf_writeback_over();
}

int
vflushbuf(struct vnode *vp, bool wait)
{
	struct buf *bp;
	int first = 0;

	mutex_enter(&bufcache_lock);
	for (;;) {
		bp = buf_vndirty_idle(vp);
		if (bp == NULL && wait && !TAILQ_EMPTY(&vp->v_dirtybufs)) {
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
		if ((bp = buf_dirty_idle()) == NULL)
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
	buf_agedbytes = 0;
	buf_syncexit = false;
	buf_clbuf = kmem_alloc(&M_BUF, BUF_MAXCLUSTER, KM_SLEEP);
	buf_clbusy = false;
	error = kthread_create(KTHREAD_MUSTJOIN, buf_syncer, NULL, &buf_synclwp,
	    "bufsync");
	if (error != 0) {
		kmem_free(&M_BUF, buf_clbuf, BUF_MAXCLUSTER);
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
	kmem_free(&M_BUF, buf_clbuf, BUF_MAXCLUSTER);
	KASSERTMSG(buf_stat.bs_bytes == 0, "bufcache_fini: %llu bytes of buffers",
	    (unsigned long long)buf_stat.bs_bytes);
	cv_destroy(&buf_synccv);
	cv_destroy(&bufcache_cv);
	mutex_destroy(&bufcache_lock);
}
