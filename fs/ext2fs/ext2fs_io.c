/*
 * File-system blocks through the device.  Every block number is checked
 * against the disk before it reaches the device: a number taken from a
 * corrupt image gives EUCLEAN here, whatever path it came by.
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

static int
ext2fs_blk_check(const struct ext2fs_mount *um, uint32_t blk)
{
	if (blk >= um->um_sb.s_blocks_count ||
	    ((uint64_t)blk + 1) * um->um_bsize > um->um_devsize) {
		kprintf("ext2fs: block %u is outside the disk\n", blk);
		return EUCLEAN;
	}
	return 0;
}

int
ext2fs_bread(struct ext2fs_mount *um, uint32_t blk, struct ext2fs_bh *bh)
{
	int error = ext2fs_blk_check(um, blk);

	if (error != 0)
		return error;
	bh->bh_checked = false;
	return um->um_devops->ed_bread(um->um_dev, ext2fs_fsbtodb(um, blk),
	    um->um_bsize, bh);
}

int
ext2fs_getblk(struct ext2fs_mount *um, uint32_t blk, struct ext2fs_bh *bh)
{
	int error = ext2fs_blk_check(um, blk);

	if (error != 0)
		return error;
	bh->bh_checked = false;
	return um->um_devops->ed_getblk(um->um_dev, ext2fs_fsbtodb(um, blk),
	    um->um_bsize, bh);
}

void
ext2fs_brelse(struct ext2fs_mount *um, struct ext2fs_bh *bh)
{
	um->um_devops->ed_brelse(um->um_dev, bh);
}

void
ext2fs_bdwrite(struct ext2fs_mount *um, struct ext2fs_bh *bh)
{
	KASSERT(!um->um_ronly);
	um->um_devops->ed_bdwrite(um->um_dev, bh);
}

/* A block of file data written whole (ed_bdwrite_age, else ed_bdwrite). */
void
ext2fs_bdwrite_age(struct ext2fs_mount *um, struct ext2fs_bh *bh)
{
	KASSERT(!um->um_ronly);
	if (um->um_devops->ed_bdwrite_age == NULL)
		um->um_devops->ed_bdwrite(um->um_dev, bh);
	else
		um->um_devops->ed_bdwrite_age(um->um_dev, bh);
}

/*
 * Hands the blocks blks (checked against the disk first) to the device to
 * read ahead, kept as ordinary blocks with keep (metadata); the count
 * handed, 0 when the device does not read ahead.
 */
int
ext2fs_breada(struct ext2fs_mount *um, const uint32_t *blks, int n, bool keep)
{
	uint64_t dblks[EXT2_RA_MAXBLKS];
	int m = 0;

	KASSERT(n <= EXT2_RA_MAXBLKS);
	if (um->um_devops->ed_readahead == NULL)
		return 0;
	for (int i = 0; i < n && ext2fs_blk_check(um, blks[i]) == 0; i++)
		dblks[m++] = ext2fs_fsbtodb(um, blks[i]);
	if (m > 0)
		um->um_devops->ed_readahead(um->um_dev, dblks, m, um->um_bsize,
		    keep);
	return m;
}

/* A checked directory block is not checked again while it stays as is. */
void
ext2fs_bsetchecked(struct ext2fs_mount *um, struct ext2fs_bh *bh)
{
	if (um->um_devops->ed_setchecked != NULL)
		um->um_devops->ed_setchecked(um->um_dev, bh);
}

/*
 * Reads the n blocks from blk on (one after the other on the disk)
 * straight into dst, past the cache; EAGAIN when the device cannot (any
 * of them is cached, or it has no direct reads): read them with
 * ext2fs_bread.  The caller holds the file they belong to locked, so
 * nobody writes them meanwhile.
 */
int
ext2fs_bread_direct(struct ext2fs_mount *um, uint32_t blk, uint32_t n,
    void *dst)
{
	int error = 0;

	KASSERT(n >= 1);
	if (um->um_devops->ed_readdirect == NULL)
		return EAGAIN;
	for (uint32_t i = 0; i < n && error == 0; i++)
		error = ext2fs_blk_check(um, blk + i);
	if (error != 0)
		return error;
	return um->um_devops->ed_readdirect(um->um_dev,
	    ext2fs_fsbtodb(um, blk), um->um_bsize, n, dst);
}
