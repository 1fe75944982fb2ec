/*
 * Read-ahead of files read sequentially.  A read of the block after the
 * one read last (or of that one again) is sequential; when a sequential
 * read reaches the first block not yet read ahead, the next EXT2_RA_BYTES
 * of the file are mapped and handed to the device at once, which reads
 * blocks that follow each other on the disk with one host call.  So a
 * file laid out contiguously is read in runs of EXT2_RA_BYTES, and the
 * reads in between are served from the cache.  A read elsewhere only
 * moves the mark: random access reads no more than it asks for.
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

/*
 * Called by a read of block lbn of ip before it reads it; the count of
 * blocks handed to the device (0: nothing read ahead).
 */
int
ext2fs_readahead(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    struct ext2fs_ra *ra, uint64_t lbn)
{
	uint64_t next = __atomic_load_n(&ra->ra_next, __ATOMIC_RELAXED);
	uint64_t end = __atomic_load_n(&ra->ra_end, __ATOMIC_RELAXED);
	uint64_t nblocks = (ip->i_size + um->um_bsize - 1) >> um->um_bshift;
	uint64_t want = EXT2_RA_BYTES >> um->um_bshift, b;
	uint32_t blks[EXT2_RA_MAXBLKS], blk;
	int n = 0;

	__atomic_store_n(&ra->ra_next, lbn + 1, __ATOMIC_RELAXED);
	if (lbn != next && lbn + 1 != next) {
		/* Not sequential: the next sequential read starts anew. */
		__atomic_store_n(&ra->ra_end, 0, __ATOMIC_RELAXED);
		return 0;
	}
	if (lbn < end)
		return 0;
	for (b = lbn; b < lbn + want && b < nblocks; b++) {
		if (ext2fs_bmap(um, ip, b, &blk) != 0)
			break;
		if (blk != 0)
			blks[n++] = blk;
	}
	__atomic_store_n(&ra->ra_end, b, __ATOMIC_RELAXED);
	return ext2fs_breada(um, blks, n, false);
}
