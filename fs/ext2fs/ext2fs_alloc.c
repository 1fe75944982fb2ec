/*
 * Inode allocation.  Files go to their directory's group, so a directory's
 * files and their blocks sit together.  Directories are spread in the
 * manner of Orlov's allocator: a directory made in the root goes to the
 * group with the fewest directories among those with at least the average
 * free inodes and three quarters of the average free blocks (a group
 * holding a superblock copy is not passed over for it), so top-level trees
 * start far apart; a deeper
 * directory stays near its parent while that group has room.
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

uint32_t
ext2fs_ino_group(const struct ext2fs_mount *um, uint32_t ino)
{
	return (ino - 1) / um->um_sb.s_inodes_per_group;
}

/* The top-level directory case: the emptiest above-average group. */
static uint32_t
ext2fs_find_group_spread(const struct ext2fs_mount *um)
{
	uint32_t avgi = um->um_sb.s_free_inodes_count / um->um_ngroups;
	uint32_t avgb = um->um_sb.s_free_blocks_count / um->um_ngroups;
	uint32_t minb = avgb - avgb / 4;
	uint32_t start = cprng_u32() % um->um_ngroups;
	uint32_t best = UINT32_MAX, bestdirs = UINT32_MAX;

	for (uint32_t i = 0; i < um->um_ngroups; i++) {
		uint32_t g = (start + i) % um->um_ngroups;
		const struct ext2fs_gd *gd = &um->um_gd[g];

		if (gd->bg_free_inodes_count == 0 ||
		    gd->bg_free_inodes_count < avgi ||
		    gd->bg_free_blocks_count < minb)
			continue;
		if (gd->bg_used_dirs_count < bestdirs) {
			best = g;
			bestdirs = gd->bg_used_dirs_count;
		}
	}
	return best;
}

/* The parent's group while it has room, else the next that does. */
static uint32_t
ext2fs_find_group_near(const struct ext2fs_mount *um, uint32_t pg)
{
	for (uint32_t i = 0; i < um->um_ngroups; i++) {
		uint32_t g = (pg + i) % um->um_ngroups;
		const struct ext2fs_gd *gd = &um->um_gd[g];

		if (gd->bg_free_inodes_count > 0 &&
		    gd->bg_free_blocks_count > 0)
			return g;
	}
	return UINT32_MAX;
}

static uint32_t
ext2fs_find_group_any(const struct ext2fs_mount *um, uint32_t pg)
{
	for (uint32_t i = 0; i < um->um_ngroups; i++) {
		uint32_t g = (pg + i) % um->um_ngroups;

		if (um->um_gd[g].bg_free_inodes_count > 0)
			return g;
	}
	return UINT32_MAX;
}

static uint32_t
ext2fs_find_group(const struct ext2fs_mount *um, uint32_t pino, uint16_t mode)
{
	uint32_t pg = ext2fs_ino_group(um, pino), g = UINT32_MAX;

	if ((mode & EXT2_IFMT) == EXT2_IFDIR && pino == EXT2_ROOT_INO)
		g = ext2fs_find_group_spread(um);
	if (g == UINT32_MAX)
		g = ext2fs_find_group_near(um, pg);
	if (g == UINT32_MAX)
		g = ext2fs_find_group_any(um, pg);
	return g;
}

static int
ext2fs_ialloc_group(struct ext2fs_mount *um, uint32_t g, uint16_t mode,
    uint32_t *inop)
{
	struct ext2fs_gd *gd = &um->um_gd[g];
	struct ext2fs_bh bh;
	uint32_t bit, first = 0;
	int error;

	/* The reserved inodes of group 0 are never handed out. */
	if (g == 0)
		first = um->um_first_ino - 1;
	error = ext2fs_bread(um, gd->bg_inode_bitmap, &bh);
	if (error != 0)
		return error;
	error = ext2fs_bitmap_find(bh.bh_data, um->um_sb.s_inodes_per_group,
	    first, &bit);
	if (error != 0 || (g == 0 && bit < first)) {
		ext2fs_brelse(um, &bh);
		kprintf("ext2fs: group %u: inode bitmap disagrees with its "
		    "free count\n", g);
		return EUCLEAN;
	}
	ext2fs_bitmap_set(bh.bh_data, bit);
	ext2fs_bdwrite(um, &bh);
	gd->bg_free_inodes_count--;
	if ((mode & EXT2_IFMT) == EXT2_IFDIR)
		gd->bg_used_dirs_count++;
	um->um_sb.s_free_inodes_count--;
	um->um_fmod = true;
	*inop = g * um->um_sb.s_inodes_per_group + bit + 1;
	return 0;
}

/* Takes an inode number for a new inode of mode in directory pino. */
int
ext2fs_ialloc(struct ext2fs_mount *um, uint32_t pino, uint16_t mode,
    uint32_t *inop)
{
	uint32_t g;
	int error;

	mutex_enter(&um->um_lock);
	g = ext2fs_find_group(um, pino, mode);
	if (g == UINT32_MAX)
		error = ENOSPC;
	else
		error = ext2fs_ialloc_group(um, g, mode, inop);
	mutex_exit(&um->um_lock);
	return error;
}

int
ext2fs_ifree(struct ext2fs_mount *um, uint32_t ino, uint16_t mode)
{
	struct ext2fs_bh bh;
	struct ext2fs_gd *gd;
	uint32_t g, bit;
	int error;

	if (ino < um->um_first_ino || ino > um->um_sb.s_inodes_count)
		return EUCLEAN;
	g = ext2fs_ino_group(um, ino);
	gd = &um->um_gd[g];
	bit = (ino - 1) % um->um_sb.s_inodes_per_group;
	mutex_enter(&um->um_lock);
	error = ext2fs_bread(um, gd->bg_inode_bitmap, &bh);
	if (error != 0)
		goto out;
	if (!ext2fs_bitmap_test(bh.bh_data, bit)) {
		ext2fs_brelse(um, &bh);
		kprintf("ext2fs: freeing inode %u, which is free\n", ino);
		error = EUCLEAN;
		goto out;
	}
	ext2fs_bitmap_clear(bh.bh_data, bit);
	ext2fs_bdwrite(um, &bh);
	gd->bg_free_inodes_count++;
	if ((mode & EXT2_IFMT) == EXT2_IFDIR && gd->bg_used_dirs_count > 0)
		gd->bg_used_dirs_count--;
	um->um_sb.s_free_inodes_count++;
	um->um_fmod = true;
out:
	mutex_exit(&um->um_lock);
	return error;
}
