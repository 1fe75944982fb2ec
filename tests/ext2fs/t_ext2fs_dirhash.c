/*
 * The index of large directories (ext2fs_dirhash.c): built when a
 * directory of EXT2_DIRHASH_MINBLOCKS blocks or more was scanned whole
 * for a missing name, kept right by every entry made and removed (names
 * found, removed names missing, holes filled before the directory
 * grows), dropped with the directory's blocks, and at most
 * EXT2_DIRHASH_MAX per mount.  On a 1 KiB image held in memory.
 */
#include "ext2fs_memdev.h"
#include "rumpkern/config.h"
#include "rumpkern/kmem.h"

#define NNAMES	400		/* names of 5 bytes: about 7 blocks of 1 KiB */

struct dfs {
	struct memdev md;
	struct ext2fs_mount *um;
	struct ext2fs_inode root, dir;
};

static void
dfs_setup(struct dfs *d)
{
	KTEST_ENTER();
	memdev_load(&d->md, "1k");
	assert_int_equal(memdev_mount(&d->md, 0, &d->um), 0);
	assert_int_equal(ext2fs_iget(d->um, EXT2_ROOT_INO, &d->root), 0);
	assert_int_equal(ext2fs_mknode(d->um, &d->root, "dir", 3,
	    EXT2_IFDIR | 0755, 0, 0, &d->dir), 0);
}

static void
dfs_teardown(struct dfs *d)
{
	assert_int_equal(ext2fs_mount_close(d->um), 0);
	memdev_free(&d->md);
	KTEST_EXIT();
}

/* Allocations of the indexes (each index is three). */
static uint64_t
dh_blocks(void)
{
	return kmem_type_lookup("ext2fs dirhash")->kt_blocks;
}

static void
name_of(int i, char *name)
{
	ksnprintf(name, 8, "n%04d", i);
}

/* Fills dp with NNAMES names; each names the root (any inode will do). */
static void
fill(struct dfs *d, struct ext2fs_inode *dp)
{
	char name[8];

	for (int i = 0; i < NNAMES; i++) {
		name_of(i, name);
		assert_int_equal(ext2fs_dir_enter(d->um, dp, name, 5,
		    EXT2_ROOT_INO, EXT2_IFREG), 0);
	}
}

static int
lookup(struct dfs *d, const char *name)
{
	uint32_t ino;

	return ext2fs_dir_lookup(d->um, &d->dir, name, strlen(name), &ino);
}

static void
a_large_directory_scanned_for_a_missing_name_is_indexed(void **state)
{
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	fill(&d, &d.dir);
	assert_true(d.dir.i_size >= EXT2_DIRHASH_MINBLOCKS * 1024);
	assert_int_equal(dh_blocks(), 0);
	assert_int_equal(lookup(&d, "n0001"), 0);
	/* A name found before the end is no whole scan. */
	assert_int_equal(dh_blocks(), 0);
	assert_int_equal(lookup(&d, "none"), ENOENT);
	assert_int_equal(dh_blocks(), 3);
	assert_int_equal(lookup(&d, "none"), ENOENT);
	assert_int_equal(dh_blocks(), 3);
	dfs_teardown(&d);
}

static void
a_small_directory_is_not_indexed(void **state)
{
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	assert_int_equal(lookup(&d, "none"), ENOENT);
	assert_int_equal(dh_blocks(), 0);
	dfs_teardown(&d);
}

static void
the_index_follows_names_made_and_removed(void **state)
{
	char name[8];
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	fill(&d, &d.dir);
	assert_int_equal(lookup(&d, "none"), ENOENT);
	for (int i = 0; i < NNAMES; i += 3) {
		name_of(i, name);
		assert_int_equal(ext2fs_dir_remove(d.um, &d.dir, name, 5), 0);
	}
	for (int i = NNAMES; i < NNAMES + 100; i++) {
		name_of(i, name);
		assert_int_equal(ext2fs_dir_enter(d.um, &d.dir, name, 5,
		    EXT2_ROOT_INO, EXT2_IFREG), 0);
	}
	for (int i = 0; i < NNAMES + 100; i++) {
		name_of(i, name);
		assert_int_equal(lookup(&d, name),
		    i < NNAMES && i % 3 == 0 ? ENOENT : 0);
	}
	assert_int_equal(lookup(&d, "."), 0);
	assert_int_equal(lookup(&d, ".."), 0);
	dfs_teardown(&d);
}

static void
new_names_fill_the_holes_before_the_directory_grows(void **state)
{
	char name[8];
	uint64_t size;
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	fill(&d, &d.dir);
	assert_int_equal(lookup(&d, "none"), ENOENT);
	size = d.dir.i_size;
	for (int i = 100; i < 140; i++) {
		name_of(i, name);
		assert_int_equal(ext2fs_dir_remove(d.um, &d.dir, name, 5), 0);
	}
	for (int i = NNAMES; i < NNAMES + 40; i++) {
		name_of(i, name);
		assert_int_equal(ext2fs_dir_enter(d.um, &d.dir, name, 5,
		    EXT2_ROOT_INO, EXT2_IFREG), 0);
	}
	assert_int_equal(d.dir.i_size, size);
	name_of(NNAMES + 39, name);
	assert_int_equal(lookup(&d, name), 0);
	dfs_teardown(&d);
}

static void
truncating_a_directory_drops_its_index(void **state)
{
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	fill(&d, &d.dir);
	assert_int_equal(lookup(&d, "none"), ENOENT);
	assert_int_equal(dh_blocks(), 3);
	assert_int_equal(ext2fs_truncate(d.um, &d.dir, 0), 0);
	assert_int_equal(dh_blocks(), 0);
	dfs_teardown(&d);
}

/* Reads directory blocks as ext2fs_lookup.c does, but block 2 fails. */
static int
read_but_block_2(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    uint64_t lbn, struct ext2fs_bh *bh)
{
	uint32_t blk;
	int error;

	if (lbn == 2)
		return EIO;
	error = ext2fs_bmap(um, dp, lbn, &blk);
	return error != 0 ? error : ext2fs_bread(um, blk, bh);
}

static int
read_all(struct ext2fs_mount *um, const struct ext2fs_inode *dp,
    uint64_t lbn, struct ext2fs_bh *bh)
{
	uint32_t blk;
	int error;

	error = ext2fs_bmap(um, dp, lbn, &blk);
	return error != 0 ? error : ext2fs_bread(um, blk, bh);
}

static void
a_directory_that_cannot_be_read_whole_is_not_indexed(void **state)
{
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	fill(&d, &d.dir);
	ext2fs_dirhash_build(d.um, &d.dir, read_but_block_2);
	assert_int_equal(dh_blocks(), 0);
	assert_int_equal(d.md.md_held, 0);
	dfs_teardown(&d);
}

static void
an_index_built_twice_is_kept_once(void **state)
{
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	fill(&d, &d.dir);
	ext2fs_dirhash_build(d.um, &d.dir, read_all);
	ext2fs_dirhash_build(d.um, &d.dir, read_all);
	assert_int_equal(dh_blocks(), 3);
	assert_int_equal(lookup(&d, "n0399"), 0);
	dfs_teardown(&d);
}

static void
a_mount_keeps_at_most_the_limit_of_indexes(void **state)
{
	struct ext2fs_inode dirs[EXT2_DIRHASH_MAX + 1];
	char name[8];
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	for (int i = 0; i <= EXT2_DIRHASH_MAX; i++) {
		name_of(i, name);
		assert_int_equal(ext2fs_mknode(d.um, &d.root, name, 5,
		    EXT2_IFDIR | 0755, 0, 0, &dirs[i]), 0);
		fill(&d, &dirs[i]);
		assert_int_equal(ext2fs_dir_lookup(d.um, &dirs[i], "none", 4,
		    &(uint32_t){ 0 }), ENOENT);
	}
	assert_int_equal(dh_blocks(), 3 * EXT2_DIRHASH_MAX);
	dfs_teardown(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_large_directory_scanned_for_a_missing_name_is_indexed),
		leak_test(a_small_directory_is_not_indexed),
		leak_test(the_index_follows_names_made_and_removed),
		leak_test(new_names_fill_the_holes_before_the_directory_grows),
		leak_test(truncating_a_directory_drops_its_index),
		leak_test(a_directory_that_cannot_be_read_whole_is_not_indexed),
		leak_test(an_index_built_twice_is_kept_once),
		leak_test(a_mount_keeps_at_most_the_limit_of_indexes),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
