/*
 * Directory entry packing: where a new name goes (the slack of an entry,
 * a free slot, a new block), how removal gives the space back (merged
 * into the entry before, or a free entry first in its block), the rec_len
 * rules kept for names of every length, the empty check, and reading a
 * directory entry by entry.
 */
#include "ext2fs_memdev.h"

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

/* The record length of the entry at off of directory block lbn. */
static struct ext2fs_dirent
entry_at(struct dfs *d, uint64_t lbn, uint32_t off)
{
	struct ext2fs_dirent de;
	struct ext2fs_bh bh;
	uint32_t blk;

	assert_int_equal(ext2fs_bmap(d->um, &d->dir, lbn, &blk), 0);
	assert_int_equal(ext2fs_bread(d->um, blk, &bh), 0);
	assert_int_equal(ext2fs_dirblk_check(d->um, bh.bh_data), 0);
	assert_int_equal(ext2fs_dirent_get(d->um, bh.bh_data, off, &de), 0);
	de.d_name = NULL;
	ext2fs_brelse(d->um, &bh);
	return de;
}

static void
enter(struct dfs *d, const char *name)
{
	assert_int_equal(ext2fs_dir_enter(d->um, &d->dir, name, strlen(name),
	    d->root.i_number, EXT2_IFREG), 0);
}

static void
a_new_name_takes_the_slack_of_the_entry_before_it(void **state)
{
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	assert_int_equal(entry_at(&d, 0, 12).d_reclen, 1024 - 12);
	enter(&d, "abcde");
	assert_int_equal(entry_at(&d, 0, 12).d_reclen, 12);
	assert_int_equal(entry_at(&d, 0, 24).d_reclen, 1024 - 24);
	assert_int_equal(entry_at(&d, 0, 24).d_namlen, 5);
	assert_int_equal(entry_at(&d, 0, 24).d_type, EXT2_FT_REG_FILE);
	dfs_teardown(&d);
}

static void
a_removed_name_gives_its_space_to_the_entry_before(void **state)
{
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	enter(&d, "first");
	enter(&d, "second");
	assert_int_equal(ext2fs_dir_remove(d.um, &d.dir, "first", 5), 0);
	/* ".." now spans first's record; second stays where it was. */
	assert_int_equal(entry_at(&d, 0, 12).d_reclen, 28);
	assert_int_equal(entry_at(&d, 0, 40).d_namlen, 6);
	/* A name that fits the hole goes there. */
	enter(&d, "third");
	assert_int_equal(entry_at(&d, 0, 24).d_namlen, 5);
	assert_int_equal(entry_at(&d, 0, 24).d_reclen, 16);
	dfs_teardown(&d);
}

static void
the_first_name_of_a_block_is_freed_in_place_and_reused(void **state)
{
	char name[64];
	struct ext2fs_dirent de;
	struct dfs d;
	int n = 0;

	(void)state;
	dfs_setup(&d);
	/* Names of 56 bytes take 64: fill block 0, the next opens block 1. */
	while (d.dir.i_size == 1024) {
		ksnprintf(name, sizeof(name), "%056d", n++);
		enter(&d, name);
	}
	de = entry_at(&d, 1, 0);
	assert_int_equal(de.d_reclen, 1024);
	assert_int_equal(ext2fs_dir_remove(d.um, &d.dir, name, 56), 0);
	de = entry_at(&d, 1, 0);
	assert_int_equal(de.d_ino, 0);
	assert_int_equal(de.d_reclen, 1024);
	/* Block 0 keeps 40 bytes of slack: a name needing 64 cannot go there. */
	enter(&d, name);
	assert_int_equal(entry_at(&d, 1, 0).d_namlen, 56);
	assert_int_equal(d.dir.i_size, 2048);
	dfs_teardown(&d);
}

static void
names_of_every_length_are_packed_by_the_rules_and_found(void **state)
{
	char name[EXT2_MAXNAMLEN + 2];
	uint32_t ino;
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	for (int len = 1; len <= EXT2_MAXNAMLEN; len++) {
		memset(name, 'a' + len % 26, (size_t)len);
		name[len] = '\0';
		enter(&d, name);
	}
	/* entry_at checks every block's entries against the rules. */
	for (uint64_t lbn = 0; lbn < d.dir.i_size / 1024; lbn++)
		(void)entry_at(&d, lbn, 0);
	for (int len = 1; len <= EXT2_MAXNAMLEN; len++) {
		memset(name, 'a' + len % 26, (size_t)len);
		assert_int_equal(ext2fs_dir_lookup(d.um, &d.dir, name,
		    (size_t)len, &ino), 0);
	}
	assert_int_equal(ext2fs_dir_enter(d.um, &d.dir, name, 256, 2,
	    EXT2_IFREG), ENAMETOOLONG);
	assert_int_equal(ext2fs_dir_lookup(d.um, &d.dir, "absent", 6, &ino),
	    ENOENT);
	dfs_teardown(&d);
}

static void
a_directory_is_empty_with_only_dot_and_dotdot(void **state)
{
	bool empty;
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	assert_int_equal(ext2fs_dir_isempty(d.um, &d.dir, &empty), 0);
	assert_true(empty);
	enter(&d, "one");
	assert_int_equal(ext2fs_dir_isempty(d.um, &d.dir, &empty), 0);
	assert_false(empty);
	assert_int_equal(ext2fs_dir_remove(d.um, &d.dir, "one", 3), 0);
	assert_int_equal(ext2fs_dir_isempty(d.um, &d.dir, &empty), 0);
	assert_true(empty);
	dfs_teardown(&d);
}

static void
reading_a_directory_returns_every_entry_once_in_order(void **state)
{
	char name[EXT2_MAXNAMLEN + 1], want[16];
	struct ext2fs_dirent de;
	uint64_t off = 0;
	struct dfs d;
	int n = 0;

	(void)state;
	dfs_setup(&d);
	for (int i = 0; i < 100; i++) {
		ksnprintf(want, sizeof(want), "entry%d", i);
		enter(&d, want);
	}
	while (ext2fs_dir_next(d.um, &d.dir, &off, &de, name) == 0) {
		if (n == 0)
			assert_string_equal(name, ".");
		else if (n == 1)
			assert_string_equal(name, "..");
		else {
			ksnprintf(want, sizeof(want), "entry%d", n - 2);
			assert_string_equal(name, want);
		}
		n++;
	}
	assert_int_equal(n, 102);
	assert_int_equal(off, d.dir.i_size);
	dfs_teardown(&d);
}

static void
dotdot_names_the_parent_and_follows_a_move(void **state)
{
	uint32_t parent;
	struct dfs d;

	(void)state;
	dfs_setup(&d);
	assert_int_equal(ext2fs_dir_getparent(d.um, &d.dir, &parent), 0);
	assert_int_equal(parent, EXT2_ROOT_INO);
	assert_int_equal(ext2fs_dir_setparent(d.um, &d.dir, 11), 0);
	assert_int_equal(ext2fs_dir_getparent(d.um, &d.dir, &parent), 0);
	assert_int_equal(parent, 11);
	assert_int_equal(ext2fs_dir_checkparent(d.um, &d.dir, EXT2_ROOT_INO),
	    EUCLEAN);
	assert_int_equal(ext2fs_dir_setparent(d.um, &d.dir, EXT2_ROOT_INO), 0);
	dfs_teardown(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_new_name_takes_the_slack_of_the_entry_before_it),
		leak_test(a_removed_name_gives_its_space_to_the_entry_before),
		leak_test(the_first_name_of_a_block_is_freed_in_place_and_reused),
		leak_test(names_of_every_length_are_packed_by_the_rules_and_found),
		leak_test(a_directory_is_empty_with_only_dot_and_dotdot),
		leak_test(reading_a_directory_returns_every_entry_once_in_order),
		leak_test(dotdot_names_the_parent_and_follows_a_move),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
