/*
 * Block allocation.  A block is taken as close after its goal as the
 * group's bitmap allows (the block after the file's previous one, or the
 * start of the inode's group), so files stay contiguous and near their
 * inodes.  The group descriptors' and the superblock's free counts move
 * with every bit, under um_lock.
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

static uint32_t
ext2fs_blk_group(const struct ext2fs_mount *um, uint32_t blk)
{
	return (blk - um->um_sb.s_first_data_block) /
	    um->um_sb.s_blocks_per_group;
}

static uint32_t
ext2fs_group_nblocks(const struct ext2fs_mount *um, uint32_t g)
{
	uint32_t first = um->um_sb.s_first_data_block +
	    g * um->um_sb.s_blocks_per_group;

	return MIN(um->um_sb.s_blocks_per_group,
	    um->um_sb.s_blocks_count - first);
}

/* Takes a free block of group g at or after bit goal. */
static int
ext2fs_blkalloc_group(struct ext2fs_mount *um, uint32_t g, uint32_t goal,
    uint32_t *blkp)
{
	struct ext2fs_gd *gd = &um->um_gd[g];
	struct ext2fs_bh bh;
	uint32_t bit, blk;
	int error;

	error = ext2fs_bread(um, gd->bg_block_bitmap, &bh);
	if (error != 0)
		return error;
	error = ext2fs_bitmap_find(bh.bh_data, ext2fs_group_nblocks(um, g),
	    goal, &bit);
	blk = um->um_sb.s_first_data_block + g * um->um_sb.s_blocks_per_group +
	    bit;
	if (error != 0 || ext2fs_blk_is_meta(um, blk)) {
		ext2fs_brelse(um, &bh);
		kprintf("ext2fs: group %u: block bitmap disagrees with its "
		    "free count or marks metadata free\n", g);
		return EUCLEAN;
	}
	ext2fs_bitmap_set(bh.bh_data, bit);
	ext2fs_bdwrite(um, &bh);
	gd->bg_free_blocks_count--;
	um->um_sb.s_free_blocks_count--;
	um->um_fmod = true;
	*blkp = blk;
	return 0;
}

int
ext2fs_blkalloc(struct ext2fs_mount *um, uint32_t goal, uint32_t *blkp)
{
	uint32_t g0 = 0, bit = 0;
	int error = ENOSPC;

	if (ext2fs_blk_in_disk(um, goal)) {
		g0 = ext2fs_blk_group(um, goal);
		bit = goal - um->um_sb.s_first_data_block -
		    g0 * um->um_sb.s_blocks_per_group;
	}
	mutex_enter(&um->um_lock);
	for (uint32_t i = 0; i < um->um_ngroups; i++) {
		uint32_t g = (g0 + i) % um->um_ngroups;

		if (um->um_gd[g].bg_free_blocks_count == 0)
			continue;
		error = ext2fs_blkalloc_group(um, g, i == 0 ? bit : 0, blkp);
		break;
	}
	mutex_exit(&um->um_lock);
	return error;
}

int
ext2fs_blkfree(struct ext2fs_mount *um, uint32_t blk)
{
	struct ext2fs_bh bh;
	struct ext2fs_gd *gd;
	uint32_t g, bit;
	int error;

	if (ext2fs_blk_is_meta(um, blk)) {
		kprintf("ext2fs: refusing to free metadata block %u\n", blk);
		return EUCLEAN;
	}
	g = ext2fs_blk_group(um, blk);
	gd = &um->um_gd[g];
	bit = blk - um->um_sb.s_first_data_block -
	    g * um->um_sb.s_blocks_per_group;
	mutex_enter(&um->um_lock);
	error = ext2fs_bread(um, gd->bg_block_bitmap, &bh);
	if (error != 0)
		goto out;
	if (!ext2fs_bitmap_test(bh.bh_data, bit)) {
		ext2fs_brelse(um, &bh);
		kprintf("ext2fs: freeing block %u, which is free\n", blk);
		error = EUCLEAN;
		goto out;
	}
	ext2fs_bitmap_clear(bh.bh_data, bit);
	ext2fs_bdwrite(um, &bh);
	gd->bg_free_blocks_count++;
	um->um_sb.s_free_blocks_count++;
	um->um_fmod = true;
out:
	mutex_exit(&um->um_lock);
	return error;
}

/* Where the next block of ip should go: after prev, or in ip's group. */
uint32_t
ext2fs_blkpref(const struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    uint32_t prev)
{
	const struct ext2fs_gd *gd;

	if (prev != 0 && prev + 1 < um->um_sb.s_blocks_count)
		return prev + 1;
	gd = &um->um_gd[ext2fs_ino_group(um, ip->i_number)];
	return gd->bg_inode_table + um->um_itblocks;
}
