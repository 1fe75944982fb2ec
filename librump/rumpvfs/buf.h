/*
 * The buffer cache (vfs_bio.c), shaped like NetBSD's.
 *
 * A buffer holds one block of a vnode: (b_vp, b_lblkno) is its key, in
 * the vnode's own block numbering (for a device vnode, DEV_BSIZE units;
 * for a file, the file system's logical blocks).  A file system reads
 * metadata through the device vnode of its mount and, if it likes, file
 * data through the file's vnode; I/O goes through VOP_STRATEGY of b_vp,
 * which for a file maps the block with VOP_BMAP and passes it on to the
 * device.
 *
 * Ownership: bread()/getblk() return the buffer busy (B_BUSY), owned by
 * the caller alone; brelse() gives it back to the cache unchanged,
 * bwrite() writes it and gives it back, bdwrite() marks it dirty
 * (B_DELWRI) to be written later, bawrite() starts the write and gives it
 * back.  While a buffer is busy, others asking for it wait.
 *
 * A file's buffer starts with b_blkno == b_lblkno, meaning "not mapped";
 * the file system sets b_blkno when it maps or allocates the block, or
 * its strategy maps it (VOP_BMAP) then.  Strategy routines run without
 * the vnode lock: the sync thread writes buffers of any vnode.  A file
 * system that frees a file's blocks first throws the file's buffers away
 * (vinvalbuf(vp, false)), or they might be written over blocks that
 * belong to another file by then.  At reclaim the VFS writes and frees
 * what buffers a vnode still has.
 *
 * Delayed writes are written back by vflushbuf() (fsync), by the sync
 * thread every BUF_SYNC_INTERVAL_MS, by vfs_syncall(), when dirty
 * buffers pass BUF_DIRTY_MAX, and those of blocks written whole
 * (bdwrite_age) when they pass BUF_AGED_MAX.  Runs of dirty, contiguous
 * device blocks are written with one host call, and so are read-ahead
 * blocks read.  Clean buffers beyond BUF_CACHE_MAX bytes are freed (or
 * used again for another block), least recently used first.
 */
#ifndef RUMPVFS_BUF_H
#define RUMPVFS_BUF_H

#include "rumpkern/kern.h"
#include "rumpkern/condvar.h"
#include "rumpvfs/vnode.h"

#define DEV_BSHIFT	9
#define DEV_BSIZE	(1 << DEV_BSHIFT)	/* the unit of device blocks */

struct buf {
	struct vnode *b_vp;		/* the vnode whose block this is */
	daddr_t b_lblkno;		/* the block, in b_vp's numbering */
	daddr_t b_blkno;		/* the device block (DEV_BSIZE units) */
	void *b_data;
	size_t b_bcount;		/* valid bytes */
	size_t b_bufsize;		/* bytes allocated */
	size_t b_resid;			/* bytes not transferred */
	int b_error;
	unsigned b_flags;		/* B_*, bufcache_lock */
	TAILQ_ENTRY(buf) b_vnbufs;	/* b_vp->v_bufs */
	TAILQ_ENTRY(buf) b_hash;
	TAILQ_ENTRY(buf) b_freelist;	/* clean, not busy: LRU first */
	TAILQ_ENTRY(buf) b_dirty;	/* dirty: oldest first */
	TAILQ_ENTRY(buf) b_vndirty;	/* dirty: b_vp->v_dirtybufs */
	TAILQ_ENTRY(buf) b_aged;	/* B_WRONCE: the aged queue */
};

/* b_flags. */
#define B_BUSY		0x0001	/* owned by one thread */
#define B_DONE		0x0002	/* b_data holds the block */
#define B_DELWRI	0x0004	/* dirty: write before reusing */
#define B_READ		0x0008	/* the I/O in progress reads */
#define B_ASYNC		0x0010	/* release when the I/O is done */
#define B_INVAL		0x0020	/* contents invalid; free on release */
#define B_ERROR		0x0040	/* the last I/O failed: b_error */
#define B_WANTED	0x0080	/* someone waits for it */
#define B_INFLIGHT	0x0100	/* I/O started, not done */
#define B_RAHEAD	0x0200	/* read ahead, not yet asked for */
#define B_AGE		0x0400	/* read ahead and used once: reused first */
#define B_FSCHECKED	0x0800	/* checked by the file system: buf_setchecked */
#define B_WRONCE	0x1000	/* dirty, written whole by bdwrite_age */

/*
 * Reads block blkno of vp (size bytes) into a busy buffer: from the cache,
 * or from the disk.  On error *bpp is NULL and nothing is held.
 */
int bread(struct vnode *vp, daddr_t blkno, int size, struct buf **bpp);
/*
 * bread, and reads the nra blocks rablks (sizes rasizes) ahead: those not
 * cached, in runs that follow each other on the device, one I/O per run.
 */
int breadn(struct vnode *vp, daddr_t blkno, int size, const daddr_t *rablks,
    const int *rasizes, int nra, struct buf **bpp);
/* Only the read-ahead of breadn: a hint, whose failures reach nobody. */
void breada(struct vnode *vp, const daddr_t *rablks, const int *rasizes,
    int nra);
/*
 * breada of blocks used more than once (metadata, such as an inode
 * table): read ahead as ordinary blocks, not aged by their first use.
 */
void breada_keep(struct vnode *vp, const daddr_t *rablks, const int *rasizes,
    int nra);
/*
 * Reads the nblks blocks of size bytes from device block blkno on, one
 * after the other on vp, straight into dst with one strategy call,
 * caching nothing; EAGAIN (nothing read) when the cache holds any of
 * them, which the caller then reads with bread.  The caller sees to it
 * that nobody writes these blocks meanwhile (a file system holds the
 * file they belong to locked) and caches them only in blocks of size
 * bytes: those are the keys looked up.
 */
int bread_direct(struct vnode *vp, daddr_t blkno, int size, int nblks,
    void *dst);
/*
 * The busy buffer of block blkno, size bytes, without reading it: its
 * contents are valid only if B_DONE.  A cached buffer of another size is
 * written if dirty and resized.
 */
struct buf *getblk(struct vnode *vp, daddr_t blkno, int size);
/* Gives a busy buffer back; set B_INVAL to throw its contents away. */
void brelse(struct buf *bp, unsigned set);
/* Writes a busy buffer now, waits, and gives it back. */
int bwrite(struct buf *bp);
/* Marks a busy buffer dirty and gives it back. */
void bdwrite(struct buf *bp);
/*
 * bdwrite of a block written whole that is not expected to be read soon
 * (4.4BSD's ffs_write ages such blocks): once BUF_AGED_MAX bytes of them
 * are dirty the oldest are written back, with the blocks around them,
 * and their buffers, clean, are the first taken for new blocks.  A block
 * read before it is written back is an ordinary dirty block.
 */
void bdwrite_age(struct buf *bp);
/* Starts writing a busy buffer and gives it back when done. */
void bawrite(struct buf *bp);

/*
 * Marks the contents of a busy buffer as checked by its file system
 * (B_FSCHECKED), which a read from the disk, getblk() and a write
 * clear: a file system checks a block once, not on every bread.
 */
void buf_setchecked(struct buf *bp);

/* Called by a strategy routine when the I/O of bp is done. */
void biodone(struct buf *bp);
/* Waits for the I/O of bp; its error. */
int biowait(struct buf *bp);

/* Writes every dirty buffer of vp; with wait, waits for them. */
int vflushbuf(struct vnode *vp, bool wait);
/* Throws away every buffer of vp (writing dirty ones first if save). */
int vinvalbuf(struct vnode *vp, bool save);

/*
 * BUF_CACHE_MAX, BUF_DIRTY_MAX and BUF_AGED_MAX, variables so that tests
 * may lower them.
 */
extern uint64_t bufcache_max;
extern uint64_t bufcache_dirtymax;
extern uint64_t bufcache_agedmax;

/* Writes every dirty buffer (sync(2)); the first error. */
int bufcache_sync(void);

/* Counts, for tests and statistics. */
struct bufstats {
	uint64_t bs_bytes;		/* allocated to buffers */
	uint64_t bs_dirty;		/* dirty buffers */
	uint64_t bs_reads;		/* device reads started */
	uint64_t bs_writes;		/* device writes started */
	uint64_t bs_hits;		/* bread served from the cache */
};
void buf_stats(struct bufstats *bs);

int bufcache_init(void);
void bufcache_fini(void);

#endif
