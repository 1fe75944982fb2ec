/*
 * Bad images fail cleanly: each class of corruption (a truncated image,
 * bad superblock fields, descriptors and inodes outside the disk, block
 * pointers into metadata, bad directory entries, directory cycles, link
 * counts of zero, unsupported features, device errors) refuses the mount
 * or gives EUCLEAN/EIO, and a few hundred random mutations of metadata
 * are mounted and walked without a crash, a leak or a write.
 */
#include "ext2fs_memdev.h"
#include "ext2fs_walk.h"
#include "rumpkern/endian.h"

static struct ext2fs_dsb *
dsb_of(struct memdev *md)
{
	return (struct ext2fs_dsb *)(md->md_data + EXT2_SBOFF);
}

/* Group g's descriptor in an image of 1 KiB blocks. */
static struct ext2fs_dgd *
dgd_of(struct memdev *md, uint32_t g)
{
	return (struct ext2fs_dgd *)(md->md_data + 2 * 1024) + g;
}

static void
expect_refused(struct memdev *md, int flags, int error)
{
	struct ext2fs_mount *um = NULL;

	assert_int_equal(memdev_mount(md, flags, &um), error);
	assert_null(um);
	assert_int_equal(md->md_writes, 0);
}

static void
a_truncated_image_is_refused(void **state)
{
	struct memdev md;
	uint64_t size;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	size = md.md_size;
	md.md_size = size / 2;
	expect_refused(&md, 0, EUCLEAN);
	md.md_size = 1500;
	expect_refused(&md, 0, EUCLEAN);
	md.md_size = size;
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_bad_superblock_magic_is_refused(void **state)
{
	struct memdev md;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	le16enc(&dsb_of(&md)->s_magic, 0xef54);
	expect_refused(&md, EXT2_MNT_RDONLY, EINVAL);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
superblock_counts_that_disagree_are_refused(void **state)
{
	static const struct {
		size_t off;
		uint32_t value;
	} bad[] = {
		{ offsetof(struct ext2fs_dsb, s_inodes_count), 4096 },
		{ offsetof(struct ext2fs_dsb, s_blocks_per_group), 0 },
		{ offsetof(struct ext2fs_dsb, s_blocks_per_group), 100000 },
		{ offsetof(struct ext2fs_dsb, s_inodes_per_group), 0 },
		{ offsetof(struct ext2fs_dsb, s_log_block_size), 7 },
		{ offsetof(struct ext2fs_dsb, s_first_data_block), 0 },
		{ offsetof(struct ext2fs_dsb, s_blocks_count), 1 },
		{ offsetof(struct ext2fs_dsb, s_blocks_count), 0xffffffff },
		{ offsetof(struct ext2fs_dsb, s_free_blocks_count), 0xffffff },
		{ offsetof(struct ext2fs_dsb, s_first_ino), 1 },
		{ offsetof(struct ext2fs_dsb, s_rev_level), 2 },
	};
	struct memdev md;
	uint8_t save[4];

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	for (size_t i = 0; i < __arraycount(bad); i++) {
		uint8_t *p = md.md_data + EXT2_SBOFF + bad[i].off;
		struct ext2fs_mount *um = NULL;

		memcpy(save, p, 4);
		le32enc(p, bad[i].value);
		assert_int_not_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um),
		    0);
		assert_null(um);
		memcpy(p, save, 4);
	}
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_bad_inode_size_is_refused(void **state)
{
	struct memdev md;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	le16enc(&dsb_of(&md)->s_inode_size, 100);
	expect_refused(&md, EXT2_MNT_RDONLY, EUCLEAN);
	le16enc(&dsb_of(&md)->s_inode_size, 2048);
	expect_refused(&md, EXT2_MNT_RDONLY, EUCLEAN);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_group_descriptor_pointing_outside_the_disk_is_refused(void **state)
{
	struct memdev md;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	le32enc(&dgd_of(&md, 0)->bg_inode_table, 1000000);
	expect_refused(&md, EXT2_MNT_RDONLY, EUCLEAN);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_bitmap_in_the_superblock_or_the_inode_table_is_refused(void **state)
{
	struct memdev md;
	uint32_t it, bb;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	it = le32dec(&dgd_of(&md, 0)->bg_inode_table);
	bb = le32dec(&dgd_of(&md, 0)->bg_block_bitmap);
	le32enc(&dgd_of(&md, 0)->bg_block_bitmap, 1);
	expect_refused(&md, EXT2_MNT_RDONLY, EUCLEAN);
	le32enc(&dgd_of(&md, 0)->bg_block_bitmap, it + 3);
	expect_refused(&md, EXT2_MNT_RDONLY, EUCLEAN);
	le32enc(&dgd_of(&md, 0)->bg_block_bitmap, bb);
	le16enc(&dgd_of(&md, 0)->bg_free_inodes_count, 60000);
	expect_refused(&md, EXT2_MNT_RDONLY, EUCLEAN);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
an_ext4_image_is_refused_naming_its_feature(void **state)
{
	struct memdev md;
	struct ext2fs_sb sb;
	char why[128];
	bool ronly = true;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "ext4");
	expect_refused(&md, EXT2_MNT_RDONLY, EINVAL);
	ext2fs_sb_load(dsb_of(&md), &sb);
	assert_int_equal(ext2fs_features_check(&sb, &ronly, why, sizeof(why)),
	    EINVAL);
	assert_non_null(__builtin_strstr(why, "unsupported feature"));
	assert_non_null(__builtin_strstr(why, "extent"));
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_journal_needing_recovery_mounts_read_only_but_not_read_write(void **state)
{
	struct ext2fs_mount *um;
	struct memdev md;
	uint32_t incompat;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "ext3");
	incompat = le32dec(&dsb_of(&md)->s_feature_incompat);
	le32enc(&dsb_of(&md)->s_feature_incompat,
	    incompat | EXT3_FEATURE_INCOMPAT_RECOVER);
	expect_refused(&md, 0, EROFS);
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	assert_int_equal(ext2fs_mount_close(um), 0);
	assert_int_equal(md.md_writes, 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
an_unknown_read_only_feature_refuses_a_read_write_mount(void **state)
{
	struct ext2fs_mount *um;
	struct memdev md;
	struct ext2fs_sb sb;
	char why[128];
	bool ronly = false;
	uint32_t ro;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	ro = le32dec(&dsb_of(&md)->s_feature_ro_compat);
	le32enc(&dsb_of(&md)->s_feature_ro_compat,
	    ro | EXT4_FEATURE_RO_COMPAT_METADATA_CSUM);
	expect_refused(&md, 0, EROFS);
	ext2fs_sb_load(dsb_of(&md), &sb);
	assert_int_equal(ext2fs_features_check(&sb, &ronly, why, sizeof(why)),
	    EROFS);
	assert_non_null(__builtin_strstr(why, "metadata_csum"));
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_clean_ext3_journal_is_left_untouched_by_writing(void **state)
{
	struct ext2fs_inode j, ip;
	struct ext2fs_mount *um;
	uint8_t *before;
	struct memdev md;
	uint64_t size;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "ext3");
	assert_int_equal(memdev_mount(&md, 0, &um), 0);
	assert_int_equal(ext2fs_iget(um, EXT2_JOURNAL_INO, &j), 0);
	size = j.i_size;
	before = kmem_alloc(&M_TEMP, size, KM_SLEEP);
	for (uint64_t b = 0; b < size / um->um_bsize; b++) {
		uint32_t blk;

		assert_int_equal(ext2fs_bmap(um, &j, b, &blk), 0);
		memcpy(before + b * um->um_bsize,
		    md.md_data + (uint64_t)blk * um->um_bsize, um->um_bsize);
	}
	assert_int_equal(memdev_namei(um, "", &ip), 0);
	{
		struct ext2fs_inode root = ip;

		assert_int_equal(ext2fs_mknode(um, &root, "new", 3,
		    EXT2_IFREG | 0644, 0, 0, &ip), 0);
		assert_int_equal(ext2fs_write(um, &ip, 0, "data", 4), 0);
		assert_int_equal(ext2fs_iput(um, &ip), 0);
	}
	for (uint64_t b = 0; b < size / um->um_bsize; b++) {
		uint32_t blk;

		assert_int_equal(ext2fs_bmap(um, &j, b, &blk), 0);
		assert_memory_equal(before + b * um->um_bsize,
		    md.md_data + (uint64_t)blk * um->um_bsize, um->um_bsize);
	}
	kmem_free(&M_TEMP, before, size);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

/* The on-disk inode ino of a mounted image. */
static struct ext2fs_dinode *
dinode_of(struct memdev *md, struct ext2fs_mount *um, uint32_t ino)
{
	uint32_t idx = (ino - 1) % um->um_sb.s_inodes_per_group;
	uint32_t g = (ino - 1) / um->um_sb.s_inodes_per_group;
	uint64_t off = (uint64_t)um->um_gd[g].bg_inode_table * um->um_bsize +
	    (uint64_t)idx * um->um_isize;

	return (struct ext2fs_dinode *)(md->md_data + off);
}

/* Mounts 1k read-only and finds path's inode number. */
static struct ext2fs_mount *
mount_find(struct memdev *md, const char *path, uint32_t *inop)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;

	memdev_load(md, "1k");
	assert_int_equal(memdev_mount(md, EXT2_MNT_RDONLY, &um), 0);
	assert_int_equal(memdev_namei(um, path, &ip), 0);
	*inop = ip.i_number;
	return um;
}

static void
finish(struct memdev *md, struct ext2fs_mount *um)
{
	assert_int_equal(ext2fs_mount_close(um), 0);
	assert_int_equal(md->md_writes, 0);
	memdev_free(md);
}

static void
a_root_inode_that_is_not_a_directory_is_refused(void **state)
{
	struct ext2fs_dinode *root;
	struct ext2fs_mount *um;
	struct memdev md;
	uint32_t ino;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "", &ino);
	root = dinode_of(&md, um, EXT2_ROOT_INO);
	assert_int_equal(ext2fs_mount_close(um), 0);
	le16enc(&root->i_mode, EXT2_IFREG | 0755);
	expect_refused(&md, EXT2_MNT_RDONLY, EUCLEAN);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
block_pointers_into_metadata_or_outside_the_disk_give_euclean(void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint32_t ino, bad[4];
	uint8_t buf[64];
	size_t done;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "direct", &ino);
	bad[0] = um->um_gd[0].bg_inode_table + 2;
	bad[1] = um->um_gd[0].bg_block_bitmap;
	bad[2] = 1;			/* the superblock */
	bad[3] = um->um_sb.s_blocks_count + 10;
	for (size_t i = 0; i < __arraycount(bad); i++) {
		le32enc(&dinode_of(&md, um, ino)->i_block[3], bad[i]);
		assert_int_equal(memdev_namei(um, "direct", &ip), 0);
		assert_int_equal(ext2fs_read(um, &ip, 3 * 1024, buf,
		    sizeof(buf), &done), EUCLEAN);
	}
	finish(&md, um);
	KTEST_EXIT();
}

static void
an_indirect_pointer_into_metadata_gives_euclean(void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint8_t buf[64];
	uint32_t ino;
	size_t done;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "sub/single", &ino);
	le32enc(&dinode_of(&md, um, ino)->i_block[EXT2_NDADDR + 1],
	    um->um_gd[0].bg_inode_table);
	assert_int_equal(memdev_namei(um, "sub/single", &ip), 0);
	assert_int_equal(ext2fs_read(um, &ip, 0, buf, sizeof(buf), &done), 0);
	assert_int_equal(ext2fs_read(um, &ip, 290 * 1024, buf, sizeof(buf),
	    &done), EUCLEAN);
	finish(&md, um);
	KTEST_EXIT();
}

static void
an_inode_with_a_link_count_of_zero_gives_euclean(void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint32_t ino;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "small", &ino);
	le16enc(&dinode_of(&md, um, ino)->i_links_count, 0);
	assert_int_equal(memdev_namei(um, "small", &ip), EUCLEAN);
	finish(&md, um);
	KTEST_EXIT();
}

static void
an_inode_with_a_bad_mode_or_size_gives_euclean(void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint32_t ino;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "sub", &ino);
	le16enc(&dinode_of(&md, um, ino)->i_mode, 0170755);
	assert_int_equal(memdev_namei(um, "sub", &ip), EUCLEAN);
	le16enc(&dinode_of(&md, um, ino)->i_mode, EXT2_IFDIR | 0755);
	le32enc(&dinode_of(&md, um, ino)->i_size, 1000);
	assert_int_equal(memdev_namei(um, "sub", &ip), EUCLEAN);
	le32enc(&dinode_of(&md, um, ino)->i_size, 1024);
	le32enc(&dinode_of(&md, um, ino)->i_flags, EXT4_EXTENTS_FL);
	assert_int_equal(memdev_namei(um, "sub", &ip), EUCLEAN);
	finish(&md, um);
	KTEST_EXIT();
}

/* The first block of directory path, in the image. */
static uint8_t *
dirblock_of(struct memdev *md, struct ext2fs_mount *um, const char *path)
{
	struct ext2fs_inode dp;
	uint32_t blk;

	assert_int_equal(memdev_namei(um, path, &dp), 0);
	assert_int_equal(ext2fs_bmap(um, &dp, 0, &blk), 0);
	return md->md_data + (uint64_t)blk * um->um_bsize;
}

static void
directory_entries_with_bad_lengths_give_euclean(void **state)
{
	/* rec_len of "..": zero, unaligned, past the block, under its name. */
	static const uint16_t reclens[] = { 0, 14, 2000, 8 };
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint8_t *blk, save[2];
	uint32_t ino;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "sub", &ino);
	blk = dirblock_of(&md, um, "sub");
	memcpy(save, blk + 12 + 4, 2);
	for (size_t i = 0; i < __arraycount(reclens); i++) {
		le16enc(blk + 12 + 4, reclens[i]);
		assert_int_equal(memdev_namei(um, "sub/single", &ip), EUCLEAN);
	}
	memcpy(blk + 12 + 4, save, 2);
	blk[12 + 6] = 200;		/* a name longer than its record */
	assert_int_equal(memdev_namei(um, "sub/single", &ip), EUCLEAN);
	finish(&md, um);
	KTEST_EXIT();
}

static void
a_directory_entry_whose_name_holds_a_nul_or_a_slash_gives_euclean(
    void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint32_t ino;
	uint8_t *blk;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "sub", &ino);
	blk = dirblock_of(&md, um, "sub");
	/* The third entry's name ("deeper") after "." (12) and ".." (12). */
	blk[24 + 8 + 2] = '\0';
	assert_int_equal(memdev_namei(um, "sub/deeper", &ip), EUCLEAN);
	blk[24 + 8 + 2] = '/';
	assert_int_equal(memdev_namei(um, "sub/deeper", &ip), EUCLEAN);
	finish(&md, um);
	KTEST_EXIT();
}

static void
entries_leaving_four_bytes_at_a_blocks_end_give_euclean(void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint32_t ino;
	uint8_t *blk;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "sub", &ino);
	blk = dirblock_of(&md, um, "sub");
	/* ".." (at 12) spans the rest of sub's block but for four bytes. */
	le16enc(blk + 12 + 4, (uint16_t)(um->um_bsize - 12 - 4));
	assert_int_equal(memdev_namei(um, "sub/x", &ip), EUCLEAN);
	finish(&md, um);
	KTEST_EXIT();
}

static void
a_type_byte_in_an_image_without_filetype_gives_euclean(void **state)
{
	struct ext2fs_inode root, ip;
	struct ext2fs_mount *um;
	struct memdev md;
	uint32_t blk;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "rev0");
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	assert_int_equal(ext2fs_iget(um, EXT2_ROOT_INO, &root), 0);
	assert_int_equal(ext2fs_bmap(um, &root, 0, &blk), 0);
	/* The high byte of "."'s name length, a type byte elsewhere. */
	md.md_data[(uint64_t)blk * um->um_bsize + 7] = 1;
	assert_int_equal(memdev_namei(um, "small", &ip), EUCLEAN);
	finish(&md, um);
	KTEST_EXIT();
}

static void
a_directory_entry_naming_an_inode_beyond_the_count_gives_euclean(
    void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint32_t ino;
	uint8_t *blk;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "sub", &ino);
	blk = dirblock_of(&md, um, "sub");
	/* The third entry, after "." (12) and ".." (12). */
	le32enc(blk + 24, um->um_sb.s_inodes_count + 1);
	assert_int_equal(memdev_namei(um, "sub/deeper", &ip), EUCLEAN);
	finish(&md, um);
	KTEST_EXIT();
}

static void
a_directory_linked_under_its_own_child_is_refused_as_a_cycle(void **state)
{
	struct ext2fs_inode sub, deeper, ip;
	struct ext2fs_mount *um;
	struct memdev md;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	assert_int_equal(memdev_mount(&md, 0, &um), 0);
	assert_int_equal(memdev_namei(um, "sub", &sub), 0);
	assert_int_equal(memdev_namei(um, "sub/deeper", &deeper), 0);
	/* sub/deeper/loop names sub again: a walk would never end. */
	assert_int_equal(ext2fs_dir_enter(um, &deeper, "loop", 4, sub.i_number,
	    sub.i_mode), 0);
	assert_int_equal(memdev_namei(um, "sub/deeper/loop", &ip), EUCLEAN);
	assert_int_equal(memdev_namei(um, "sub/deeper/..", &ip), 0);
	assert_int_equal(ip.i_number, sub.i_number);
	assert_int_equal(ext2fs_dir_remove(um, &deeper, "loop", 4), 0);
	assert_int_equal(ext2fs_iput(um, &deeper), 0);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
freeing_a_block_the_bitmap_says_is_free_gives_euclean(void **state)
{
	struct ext2fs_mount *um;
	struct memdev md;
	uint32_t blk, freeb;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	assert_int_equal(memdev_mount(&md, 0, &um), 0);
	assert_int_equal(ext2fs_blkalloc(um, 0, &blk), 0);
	assert_int_equal(ext2fs_blkfree(um, blk), 0);
	freeb = um->um_sb.s_free_blocks_count;
	assert_int_equal(ext2fs_blkfree(um, blk), EUCLEAN);
	assert_int_equal(ext2fs_blkfree(um, um->um_gd[0].bg_inode_table),
	    EUCLEAN);
	assert_int_equal(um->um_sb.s_free_blocks_count, freeb);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
device_read_errors_come_back_as_eio(void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint8_t buf[64];
	size_t done;
	uint32_t ino;

	(void)state;
	KTEST_ENTER();
	um = mount_find(&md, "sub/single", &ino);
	assert_int_equal(memdev_namei(um, "sub/single", &ip), 0);
	md.md_fail_reads = 0;
	assert_int_equal(ext2fs_read(um, &ip, 100000, buf, sizeof(buf),
	    &done), EIO);
	assert_int_equal(memdev_namei(um, "sub/deeper/file", &ip), EIO);
	md.md_fail_reads = -1;
	finish(&md, um);
	memdev_load(&md, "1k");
	md.md_fail_reads = 1;		/* the superblock, not the descriptors */
	expect_refused(&md, EXT2_MNT_RDONLY, EIO);
	memdev_free(&md);
	KTEST_EXIT();
}

/* ---- random mutations ------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Mutates a few bytes of metadata; saves what they were in undo. */
static int
mutate(struct memdev *md, const uint32_t *blocks, int nblocks,
    uint64_t *offs, uint8_t *undo)
{
	int n = 1 + (int)rnd(8);

	for (int i = 0; i < n; i++) {
		uint32_t blk = blocks[rnd((uint32_t)nblocks)];

		offs[i] = (uint64_t)blk * 1024 + rnd(1024);
		undo[i] = md->md_data[offs[i]];
		md->md_data[offs[i]] = rnd(4) == 0 ? 0xff : (uint8_t)rnd(256);
	}
	return n;
}

static void
randomly_mutated_metadata_is_mounted_and_walked_without_harm(void **state)
{
	uint32_t blocks[48];
	struct ext2fs_mount *um;
	struct ext2fs_inode root, d;
	struct memdev md;
	uint64_t offs[8];
	uint8_t undo[8];
	unsigned visited = 0, mounted = 0;
	int nb = 0;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	md.md_ronly = true;
	/* The superblock, descriptors, bitmaps, inode table, directories. */
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	blocks[nb++] = 1;
	blocks[nb++] = 2;
	blocks[nb++] = um->um_gd[0].bg_block_bitmap;
	blocks[nb++] = um->um_gd[0].bg_inode_bitmap;
	for (uint32_t b = 0; b < 8; b++)
		blocks[nb++] = um->um_gd[0].bg_inode_table + b;
	blocks[nb++] = um->um_gd[0].bg_inode_table + 80;
	blocks[nb++] = um->um_gd[0].bg_inode_table + 81;
	assert_int_equal(ext2fs_iget(um, EXT2_ROOT_INO, &root), 0);
	assert_int_equal(ext2fs_bmap(um, &root, 0, &blocks[nb++]), 0);
	assert_int_equal(memdev_namei(um, "big", &d), 0);
	for (uint64_t b = 0; b < 4; b++)
		assert_int_equal(ext2fs_bmap(um, &d, b, &blocks[nb++]), 0);
	assert_int_equal(memdev_namei(um, "sub", &d), 0);
	assert_int_equal(ext2fs_bmap(um, &d, 0, &blocks[nb++]), 0);
	assert_int_equal(memdev_namei(um, "sub/single", &d), 0);
	blocks[nb++] = d.i_block[EXT2_NDADDR];
	blocks[nb++] = d.i_block[EXT2_NDADDR + 1];
	assert_int_equal(ext2fs_mount_close(um), 0);
	for (int iter = 0; iter < 400; iter++) {
		int n = mutate(&md, blocks, nb, offs, undo);

		if (memdev_mount(&md, EXT2_MNT_RDONLY, &um) == 0) {
			mounted++;
			if (ext2fs_iget(um, EXT2_ROOT_INO, &root) == 0)
				e2walk(um, &root, 0, &visited);
			assert_int_equal(ext2fs_mount_close(um), 0);
		}
		assert_int_equal(md.md_held, 0);
		while (n-- > 0)
			md.md_data[offs[n]] = undo[n];
	}
	/* Most mutations leave a mountable image that is walked. */
	assert_true(mounted > 100);
	assert_true(visited > 1000);
	assert_int_equal(md.md_rowrites, 0);
	memdev_free(&md);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_truncated_image_is_refused),
		leak_test(a_bad_superblock_magic_is_refused),
		leak_test(superblock_counts_that_disagree_are_refused),
		leak_test(a_bad_inode_size_is_refused),
		leak_test(a_group_descriptor_pointing_outside_the_disk_is_refused),
		leak_test(a_bitmap_in_the_superblock_or_the_inode_table_is_refused),
		leak_test(an_ext4_image_is_refused_naming_its_feature),
		leak_test(a_journal_needing_recovery_mounts_read_only_but_not_read_write),
		leak_test(an_unknown_read_only_feature_refuses_a_read_write_mount),
		leak_test(a_clean_ext3_journal_is_left_untouched_by_writing),
		leak_test(a_root_inode_that_is_not_a_directory_is_refused),
		leak_test(block_pointers_into_metadata_or_outside_the_disk_give_euclean),
		leak_test(an_indirect_pointer_into_metadata_gives_euclean),
		leak_test(an_inode_with_a_link_count_of_zero_gives_euclean),
		leak_test(an_inode_with_a_bad_mode_or_size_gives_euclean),
		leak_test(directory_entries_with_bad_lengths_give_euclean),
		leak_test(a_directory_entry_whose_name_holds_a_nul_or_a_slash_gives_euclean),
		leak_test(entries_leaving_four_bytes_at_a_blocks_end_give_euclean),
		leak_test(a_type_byte_in_an_image_without_filetype_gives_euclean),
		leak_test(a_directory_entry_naming_an_inode_beyond_the_count_gives_euclean),
		leak_test(a_directory_linked_under_its_own_child_is_refused_as_a_cycle),
		leak_test(freeing_a_block_the_bitmap_says_is_free_gives_euclean),
		leak_test(device_read_errors_come_back_as_eio),
		leak_test(randomly_mutated_metadata_is_mounted_and_walked_without_harm),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
