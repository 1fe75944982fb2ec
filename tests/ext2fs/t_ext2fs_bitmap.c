/*
 * The allocation bitmaps (ext2fs_bitmap.c) on maps built by hand, and the
 * inode allocator's refusals (ext2fs_alloc.c) on an image made by mke2fs:
 * a bitmap that disagrees with its free count, freeing an inode that is
 * reserved or free, a bitmap that cannot be read.
 */
#include "ext2fs_memdev.h"

static void
the_first_clear_bit_at_or_after_the_goal_is_found_past_full_bytes(
    void **state)
{
	uint8_t map[8] = { 0xff, 0xff, 0xf7, 0, 0, 0, 0, 0 };
	uint32_t bit;

	(void)state;
	assert_int_equal(ext2fs_bitmap_find(map, 64, 0, &bit), 0);
	assert_int_equal(bit, 19);
	assert_int_equal(ext2fs_bitmap_find(map, 64, 20, &bit), 0);
	assert_int_equal(bit, 24);
}

static void
the_search_wraps_around_to_the_start(void **state)
{
	uint8_t map[4] = { 0xfe, 0xff, 0xff, 0xff };
	uint32_t bit;

	(void)state;
	assert_int_equal(ext2fs_bitmap_find(map, 32, 9, &bit), 0);
	assert_int_equal(bit, 0);
}

static void
a_goal_past_the_end_starts_at_the_first_bit(void **state)
{
	uint8_t map[2] = { 0x03, 0 };
	uint32_t bit;

	(void)state;
	assert_int_equal(ext2fs_bitmap_find(map, 16, 400, &bit), 0);
	assert_int_equal(bit, 2);
}

static void
a_full_map_is_enospc_and_bits_past_its_end_do_not_count(void **state)
{
	uint8_t map[2] = { 0xff, 0x0f };
	uint32_t bit = 77;

	(void)state;
	assert_int_equal(ext2fs_bitmap_find(map, 12, 5, &bit), ENOSPC);
	assert_int_equal(bit, 77);
}

static void
set_and_clear_change_one_bit(void **state)
{
	uint8_t map[2] = { 0, 0 };

	(void)state;
	ext2fs_bitmap_set(map, 9);
	assert_int_equal(map[1], 0x02);
	assert_true(ext2fs_bitmap_test(map, 9));
	assert_false(ext2fs_bitmap_test(map, 8));
	ext2fs_bitmap_clear(map, 9);
	assert_int_equal(map[1], 0);
}

/* ---- the inode allocator ------------------------------------------------ */

static void
an_inode_bitmap_full_despite_its_free_count_gives_euclean(void **state)
{
	struct ext2fs_mount *um;
	struct memdev md;
	uint32_t ino, freei;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "groups");
	assert_int_equal(memdev_mount(&md, 0, &um), 0);
	freei = um->um_sb.s_free_inodes_count;
	memset(md.md_data + (uint64_t)um->um_gd[0].bg_inode_bitmap *
	    um->um_bsize, 0xff, um->um_bsize);
	assert_int_equal(ext2fs_ialloc(um, EXT2_ROOT_INO, EXT2_IFREG | 0644,
	    &ino), EUCLEAN);
	assert_int_equal(um->um_sb.s_free_inodes_count, freei);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
freeing_a_reserved_or_a_free_inode_gives_euclean(void **state)
{
	struct ext2fs_mount *um;
	struct memdev md;
	uint32_t freei;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "groups");
	assert_int_equal(memdev_mount(&md, 0, &um), 0);
	freei = um->um_sb.s_free_inodes_count;
	assert_int_equal(ext2fs_ifree(um, EXT2_ROOT_INO, EXT2_IFDIR), EUCLEAN);
	assert_int_equal(ext2fs_ifree(um, um->um_sb.s_inodes_count + 1,
	    EXT2_IFREG), EUCLEAN);
	assert_int_equal(ext2fs_ifree(um, um->um_sb.s_inodes_count,
	    EXT2_IFREG), EUCLEAN);
	assert_int_equal(um->um_sb.s_free_inodes_count, freei);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
an_unreadable_inode_bitmap_fails_allocation_and_freeing_with_eio(
    void **state)
{
	struct ext2fs_mount *um;
	struct memdev md;
	uint32_t ino;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "groups");
	assert_int_equal(memdev_mount(&md, 0, &um), 0);
	assert_int_equal(ext2fs_ialloc(um, EXT2_ROOT_INO, EXT2_IFREG | 0644,
	    &ino), 0);
	md.md_fail_reads = 0;
	assert_int_equal(ext2fs_ialloc(um, EXT2_ROOT_INO, EXT2_IFREG | 0644,
	    &ino), EIO);
	assert_int_equal(ext2fs_ifree(um, ino, EXT2_IFREG), EIO);
	md.md_fail_reads = -1;
	assert_int_equal(ext2fs_ifree(um, ino, EXT2_IFREG), 0);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(the_first_clear_bit_at_or_after_the_goal_is_found_past_full_bytes),
		leak_test(the_search_wraps_around_to_the_start),
		leak_test(a_goal_past_the_end_starts_at_the_first_bit),
		leak_test(a_full_map_is_enospc_and_bits_past_its_end_do_not_count),
		leak_test(set_and_clear_change_one_bit),
		leak_test(an_inode_bitmap_full_despite_its_free_count_gives_euclean),
		leak_test(freeing_a_reserved_or_a_free_inode_gives_euclean),
		leak_test(an_unreadable_inode_bitmap_fails_allocation_and_freeing_with_eio),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
