/*
 * File contents, block by block through the block map: holes read as
 * zeros; a write allocates what it reaches and zeroes the parts of a new
 * block it does not cover.
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

int
ext2fs_read(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    uint64_t off, void *buf, size_t len, size_t *donep)
{
	uint8_t *dst = buf;
	size_t done = 0;
	int error = 0;

	if (off >= ip->i_size)
		len = 0;
	else
		len = (size_t)MIN((uint64_t)len, ip->i_size - off);
	while (done < len) {
		uint32_t boff = (uint32_t)(off & (um->um_bsize - 1)), blk;
		size_t n = MIN(len - done, (size_t)(um->um_bsize - boff));
		struct ext2fs_bh bh;

		error = ext2fs_bmap(um, ip, off >> um->um_bshift, &blk);
		if (error != 0)
			break;
		if (blk == 0) {
			memset(dst + done, 0, n);
		} else {
			error = ext2fs_bread(um, blk, &bh);
			if (error != 0)
				break;
			memcpy(dst + done, (uint8_t *)bh.bh_data + boff, n);
			ext2fs_brelse(um, &bh);
		}
		done += n;
		off += n;
	}
	*donep = done;
	return error;
}

/* Writes n bytes at boff of block blk; isnew: the rest of it is zeroed. */
static int
ext2fs_write_blk(struct ext2fs_mount *um, uint32_t blk, bool isnew,
    uint32_t boff, const uint8_t *src, size_t n)
{
	struct ext2fs_bh bh;
	int error;

	if (isnew || n == um->um_bsize)
		error = ext2fs_getblk(um, blk, &bh);
	else
		error = ext2fs_bread(um, blk, &bh);
	if (error != 0)
		return error;
	if (isnew && n != um->um_bsize)
		memset(bh.bh_data, 0, um->um_bsize);
	memcpy((uint8_t *)bh.bh_data + boff, src, n);
	ext2fs_bdwrite(um, &bh);
	return 0;
}

/*
 * Writes len bytes at off, growing the file when it ends beyond.  The
 * caller writes the inode, also on error (blocks may have been added).
 */
int
ext2fs_write(struct ext2fs_mount *um, struct ext2fs_inode *ip, uint64_t off,
    const void *buf, size_t len)
{
	const uint8_t *src = buf;
	size_t done = 0;
	int error = 0;

	if (off > ext2fs_maxfilesize(um) ||
	    len > ext2fs_maxfilesize(um) - off)
		return EFBIG;
	while (done < len) {
		uint32_t boff = (uint32_t)(off & (um->um_bsize - 1)), blk;
		size_t n = MIN(len - done, (size_t)(um->um_bsize - boff));
		bool isnew;

		error = ext2fs_bmap_alloc(um, ip, off >> um->um_bshift, &blk,
		    &isnew);
		if (error == 0)
			error = ext2fs_write_blk(um, blk, isnew, boff,
			    src + done, n);
		if (error != 0)
			break;
		done += n;
		off += n;
		if (off > ip->i_size)
			ip->i_size = off;
	}
	return error;
}
