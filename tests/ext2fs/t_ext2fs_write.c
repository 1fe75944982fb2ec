/*
 * Writing: files and directories made, written, truncated and removed
 * through the file system's own calls on images made by mke2fs.  Each
 * test checks what it changed and that the free counts come back exactly;
 * with RUMP_EXT2FS_OUT set, each leaves its image there for e2fsck -fn
 * (tests/integration/t_ext2fs_fsck.sh).
 */
#include "ext2fs_memdev.h"
#include "rumpkern/endian.h"

struct wfs {
	struct memdev md;
	struct ext2fs_mount *um;
	struct ext2fs_inode root;
	uint32_t freeb, freei;		/* as mounted */
};

static void
wfs_mount(struct wfs *w, const char *image)
{
	KTEST_ENTER();
	memdev_load(&w->md, image);
	assert_int_equal(memdev_mount(&w->md, 0, &w->um), 0);
	assert_int_equal(ext2fs_iget(w->um, EXT2_ROOT_INO, &w->root), 0);
	w->freeb = w->um->um_sb.s_free_blocks_count;
	w->freei = w->um->um_sb.s_free_inodes_count;
}

/* Unmounts, checks the on-disk superblock, leaves the image for e2fsck. */
static void
wfs_unmount(struct wfs *w, const char *name)
{
	char out[512], path[600];
	struct ext2fs_sb sb;

	assert_int_equal(ext2fs_mount_close(w->um), 0);
	ext2fs_sb_load((const struct ext2fs_dsb *)(w->md.md_data + EXT2_SBOFF),
	    &sb);
	assert_true(sb.s_state & EXT2_VALID_FS);
	if (rumpuser_getparam("RUMP_EXT2FS_OUT", out, sizeof(out)) == 0) {
		ksnprintf(path, sizeof(path), "%s/%s.img", out, name);
		memdev_save(&w->md, path);
	}
	memdev_free(&w->md);
	KTEST_EXIT();
}

static void
wfs_create(struct wfs *w, struct ext2fs_inode *dp, const char *name,
    uint16_t mode, struct ext2fs_inode *ip)
{
	uint32_t ino;

	assert_int_equal(ext2fs_dir_lookup(w->um, dp, name, strlen(name), &ino),
	    ENOENT);
	assert_int_equal(ext2fs_mknode(w->um, dp, name, strlen(name), mode, 0,
	    0, ip), 0);
}

/* Removes name (a file or an empty directory) from dp and frees it. */
static void
wfs_remove(struct wfs *w, struct ext2fs_inode *dp, const char *name)
{
	struct ext2fs_inode ip;
	uint32_t ino;

	assert_int_equal(ext2fs_dir_lookup(w->um, dp, name, strlen(name), &ino),
	    0);
	assert_int_equal(ext2fs_iget(w->um, ino, &ip), 0);
	if ((ip.i_mode & EXT2_IFMT) == EXT2_IFDIR)
		assert_int_equal(ext2fs_rmdir(w->um, dp, name, strlen(name),
		    &ip), 0);
	else
		assert_int_equal(ext2fs_unlink(w->um, dp, name, strlen(name),
		    &ip), 0);
	if (ip.i_links_count == 0)
		assert_int_equal(ext2fs_inode_release(w->um, &ip), 0);
}

static void
fill(uint8_t *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)((i * 7 + seed) ^ (i >> 9));
}

static void
check_contents(struct wfs *w, const struct ext2fs_inode *ip, uint64_t off,
    const uint8_t *want, size_t len)
{
	uint8_t *got = kmem_alloc(&M_TEMP, len, KM_SLEEP);
	size_t done;

	assert_int_equal(ext2fs_read(w->um, ip, off, got, len, &done), 0);
	assert_int_equal(done, len);
	assert_memory_equal(got, want, len);
	kmem_free(&M_TEMP, got, len);
}

static void
a_written_file_reads_back_through_its_indirect_blocks(void **state)
{
	size_t len = 400 * 1024;
	uint8_t *buf = NULL;
	struct ext2fs_inode ip;
	struct wfs w;

	(void)state;
	wfs_mount(&w, "1k");
	buf = kmem_alloc(&M_TEMP, len, KM_SLEEP);
	fill(buf, len, 1);
	wfs_create(&w, &w.root, "written", EXT2_IFREG | 0644, &ip);
	assert_int_equal(ext2fs_write(w.um, &ip, 0, buf, len), 0);
	assert_int_equal(ext2fs_iput(w.um, &ip), 0);
	assert_int_equal(memdev_namei(w.um, "written", &ip), 0);
	assert_int_equal(ip.i_size, len);
	check_contents(&w, &ip, 0, buf, len);
	/* 400 data blocks, one single and a double with one indirect below. */
	assert_int_equal(ip.i_blocks, (400 + 3) * 2);
	assert_int_equal(w.um->um_sb.s_free_blocks_count, w.freeb - 403);
	assert_int_equal(w.um->um_sb.s_free_inodes_count, w.freei - 1);
	kmem_free(&M_TEMP, buf, len);
	wfs_unmount(&w, "written");
}

static void
removing_what_was_made_gives_back_every_block_and_inode(void **state)
{
	size_t len = 70 * 1024;
	uint8_t *buf;
	struct ext2fs_inode d, f;
	uint16_t links;
	struct wfs w;

	(void)state;
	wfs_mount(&w, "1k");
	links = w.root.i_links_count;
	buf = kmem_alloc(&M_TEMP, len, KM_SLEEP);
	fill(buf, len, 2);
	wfs_create(&w, &w.root, "dir", EXT2_IFDIR | 0755, &d);
	wfs_create(&w, &d, "file", EXT2_IFREG | 0644, &f);
	assert_int_equal(ext2fs_write(w.um, &f, 0, buf, len), 0);
	assert_int_equal(ext2fs_iput(w.um, &f), 0);
	assert_int_equal(w.root.i_links_count, links + 1);
	wfs_remove(&w, &d, "file");
	wfs_remove(&w, &w.root, "dir");
	assert_int_equal(w.root.i_links_count, links);
	assert_int_equal(w.um->um_sb.s_free_blocks_count, w.freeb);
	assert_int_equal(w.um->um_sb.s_free_inodes_count, w.freei);
	kmem_free(&M_TEMP, buf, len);
	wfs_unmount(&w, "remove");
}

static void
truncating_down_frees_blocks_and_growing_again_reads_zeros(void **state)
{
	size_t len = 300 * 1024;
	uint8_t *buf, zero[1500];
	struct ext2fs_inode ip;
	struct wfs w;

	(void)state;
	wfs_mount(&w, "1k");
	buf = kmem_alloc(&M_TEMP, len, KM_SLEEP);
	fill(buf, len, 3);
	wfs_create(&w, &w.root, "trunc", EXT2_IFREG | 0644, &ip);
	assert_int_equal(ext2fs_write(w.um, &ip, 0, buf, len), 0);
	assert_int_equal(ext2fs_truncate(w.um, &ip, 5000), 0);
	/* Five blocks are left: the first 4 whole and 904 bytes of one. */
	assert_int_equal(ip.i_blocks, 5 * 2);
	assert_int_equal(w.um->um_sb.s_free_blocks_count, w.freeb - 5);
	assert_int_equal(ext2fs_truncate(w.um, &ip, 6500), 0);
	assert_int_equal(ext2fs_iput(w.um, &ip), 0);
	check_contents(&w, &ip, 0, buf, 5000);
	memset(zero, 0, sizeof(zero));
	check_contents(&w, &ip, 5000, zero, 1500);
	assert_int_equal(ip.i_size, 6500);
	kmem_free(&M_TEMP, buf, len);
	wfs_unmount(&w, "truncate");
}

static void
a_write_past_4_gib_makes_a_sparse_large_file(void **state)
{
	uint64_t off = 5ull << 30;
	struct ext2fs_inode ip;
	struct wfs w;
	uint8_t zero[64];

	(void)state;
	wfs_mount(&w, "4k");
	wfs_create(&w, &w.root, "large", EXT2_IFREG | 0644, &ip);
	assert_int_equal(ext2fs_write(w.um, &ip, off, "beyond", 6), 0);
	assert_int_equal(ext2fs_iput(w.um, &ip), 0);
	assert_int_equal(memdev_namei(w.um, "large", &ip), 0);
	assert_int_equal(ip.i_size, off + 6);
	/* One data block, a triple, a double and a single indirect. */
	assert_int_equal(ip.i_blocks, 4 * 8);
	check_contents(&w, &ip, off, (const uint8_t *)"beyond", 6);
	memset(zero, 0, sizeof(zero));
	check_contents(&w, &ip, 1ull << 32, zero, sizeof(zero));
	wfs_unmount(&w, "large");
}

static void
symlinks_are_stored_fast_or_in_a_block_by_length(void **state)
{
	char target[200], got[200];
	struct ext2fs_inode ip;
	struct wfs w;
	size_t len;

	(void)state;
	wfs_mount(&w, "1k");
	memset(target, 't', sizeof(target));
	wfs_create(&w, &w.root, "fast", EXT2_IFLNK | 0777, &ip);
	assert_int_equal(ext2fs_symlink_set(w.um, &ip, target, 59), 0);
	assert_int_equal(ext2fs_iput(w.um, &ip), 0);
	assert_true(ext2fs_is_fastlink(w.um, &ip));
	wfs_create(&w, &w.root, "slow", EXT2_IFLNK | 0777, &ip);
	assert_int_equal(ext2fs_symlink_set(w.um, &ip, target, 60), 0);
	assert_int_equal(ext2fs_iput(w.um, &ip), 0);
	assert_false(ext2fs_is_fastlink(w.um, &ip));
	assert_int_equal(memdev_namei(w.um, "slow", &ip), 0);
	assert_int_equal(ext2fs_readlink(w.um, &ip, got, sizeof(got), &len), 0);
	assert_int_equal(len, 60);
	assert_memory_equal(got, target, 60);
	wfs_unmount(&w, "symlinks");
}

static void
thousands_of_files_in_many_directories_are_all_found(void **state)
{
	struct ext2fs_inode d, f;
	char name[32];
	struct wfs w;
	uint32_t ino;

	(void)state;
	wfs_mount(&w, "4k");
	for (int i = 0; i < 20; i++) {
		ksnprintf(name, sizeof(name), "d%d", i);
		wfs_create(&w, &w.root, name, EXT2_IFDIR | 0755, &d);
		for (int j = 0; j < 100; j++) {
			ksnprintf(name, sizeof(name), "file-%d-%d", i, j);
			wfs_create(&w, &d, name, EXT2_IFREG | 0644, &f);
			assert_int_equal(ext2fs_write(w.um, &f, 0, name,
			    strlen(name)), 0);
			assert_int_equal(ext2fs_iput(w.um, &f), 0);
		}
	}
	for (int i = 0; i < 20; i++) {
		ksnprintf(name, sizeof(name), "d%d", i);
		assert_int_equal(memdev_namei(w.um, name, &d), 0);
		assert_int_equal(d.i_links_count, 2);
		for (int j = 0; j < 100; j += 7) {
			ksnprintf(name, sizeof(name), "file-%d-%d", i, j);
			assert_int_equal(ext2fs_dir_lookup(w.um, &d, name,
			    strlen(name), &ino), 0);
			assert_int_equal(ext2fs_iget(w.um, ino, &f), 0);
			check_contents(&w, &f, 0, (const uint8_t *)name,
			    strlen(name));
		}
	}
	assert_int_equal(w.um->um_sb.s_free_inodes_count, w.freei - 2020);
	wfs_unmount(&w, "many");
}

static void
top_level_directories_spread_over_the_groups(void **state)
{
	struct ext2fs_inode d;
	bool used[64];
	char name[16];
	struct wfs w;
	int groups = 0;

	(void)state;
	wfs_mount(&w, "groups");
	assert_true(w.um->um_ngroups <= __arraycount(used));
	memset(used, 0, sizeof(used));
	for (int i = 0; i < 3; i++) {
		ksnprintf(name, sizeof(name), "top%d", i);
		wfs_create(&w, &w.root, name, EXT2_IFDIR | 0755, &d);
		used[ext2fs_ino_group(w.um, d.i_number)] = true;
	}
	for (uint32_t g = 0; g < w.um->um_ngroups; g++)
		groups += used[g];
	assert_int_equal(groups, 3);
	wfs_unmount(&w, "spread");
}

static void
a_file_is_made_in_its_directorys_group_with_its_blocks_near(void **state)
{
	struct ext2fs_inode d, f;
	struct wfs w;
	uint32_t g;

	(void)state;
	wfs_mount(&w, "groups");
	wfs_create(&w, &w.root, "top", EXT2_IFDIR | 0755, &d);
	wfs_create(&w, &d, "file", EXT2_IFREG | 0644, &f);
	g = ext2fs_ino_group(w.um, d.i_number);
	assert_int_equal(ext2fs_ino_group(w.um, f.i_number), g);
	assert_int_equal(ext2fs_write(w.um, &f, 0, "x", 1), 0);
	assert_int_equal(ext2fs_iput(w.um, &f), 0);
	assert_int_equal((f.i_block[0] - w.um->um_sb.s_first_data_block) /
	    w.um->um_sb.s_blocks_per_group, g);
	wfs_unmount(&w, "locality");
}

static void
filling_the_disk_gives_enospc_and_removing_gives_the_space_back(void **state)
{
	uint8_t buf[4096];
	struct ext2fs_inode ip;
	uint64_t off = 0;
	struct wfs w;
	int error;

	(void)state;
	wfs_mount(&w, "groups");
	memset(buf, 'f', sizeof(buf));
	wfs_create(&w, &w.root, "fill", EXT2_IFREG | 0644, &ip);
	while ((error = ext2fs_write(w.um, &ip, off, buf, sizeof(buf))) == 0)
		off += sizeof(buf);
	assert_int_equal(error, ENOSPC);
	assert_int_equal(w.um->um_sb.s_free_blocks_count, 0);
	assert_int_equal(ext2fs_iput(w.um, &ip), 0);
	wfs_remove(&w, &w.root, "fill");
	assert_int_equal(w.um->um_sb.s_free_blocks_count, w.freeb);
	assert_int_equal(w.um->um_sb.s_free_inodes_count, w.freei);
	wfs_unmount(&w, "enospc");
}

static void
a_change_to_an_indexed_directory_clears_its_index_flag(void **state)
{
	struct ext2fs_inode d, f;
	struct wfs w;
	uint32_t ino;

	(void)state;
	wfs_mount(&w, "1k");
	assert_int_equal(memdev_namei(w.um, "big", &d), 0);
	assert_true(d.i_flags & EXT2_INDEX_FL);
	wfs_create(&w, &d, "added", EXT2_IFREG | 0644, &f);
	assert_false(d.i_flags & EXT2_INDEX_FL);
	wfs_remove(&w, &d, "entry-with-a-long-name-17");
	assert_int_equal(memdev_namei(w.um, "big", &d), 0);
	assert_false(d.i_flags & EXT2_INDEX_FL);
	assert_int_equal(ext2fs_dir_lookup(w.um, &d, "added", 5, &ino), 0);
	assert_int_equal(ext2fs_dir_lookup(w.um, &d,
	    "entry-with-a-long-name-300", 26, &ino), 0);
	wfs_unmount(&w, "unindexed");
}

static void
a_mount_counts_itself_and_marks_the_disk_in_use_until_unmounted(
    void **state)
{
	struct ext2fs_sb sb;
	struct wfs w;
	uint16_t count;

	(void)state;
	wfs_mount(&w, "1k");
	ext2fs_sb_load((const struct ext2fs_dsb *)(w.md.md_data + EXT2_SBOFF),
	    &sb);
	assert_false(sb.s_state & EXT2_VALID_FS);
	count = sb.s_mnt_count;
	assert_int_equal(w.um->um_sb.s_mnt_count, count);
	wfs_unmount(&w, "mounted");
}

static void
freeing_an_attribute_block_shared_by_two_inodes_only_drops_a_reference(
    void **state)
{
	struct ext2fs_inode a, b;
	struct ext2fs_bh bh;
	uint32_t blk, magic, ref;
	struct wfs w;

	(void)state;
	wfs_mount(&w, "1k");
	wfs_create(&w, &w.root, "a", EXT2_IFREG | 0644, &a);
	wfs_create(&w, &w.root, "b", EXT2_IFREG | 0644, &b);
	/* An attribute block as the kernel shares one: two references. */
	assert_int_equal(ext2fs_blkalloc(w.um, 0, &blk), 0);
	assert_int_equal(ext2fs_getblk(w.um, blk, &bh), 0);
	memset(bh.bh_data, 0, w.um->um_bsize);
	le32enc(bh.bh_data, EXT2_EA_MAGIC);
	le32enc((uint8_t *)bh.bh_data + 4, 2);
	le32enc((uint8_t *)bh.bh_data + 8, 1);
	ext2fs_bdwrite(w.um, &bh);
	a.i_file_acl = b.i_file_acl = blk;
	a.i_blocks = b.i_blocks = 2;
	assert_int_equal(ext2fs_iput(w.um, &a), 0);
	assert_int_equal(ext2fs_iput(w.um, &b), 0);
	wfs_remove(&w, &w.root, "a");
	assert_int_equal(ext2fs_bread(w.um, blk, &bh), 0);
	ext2fs_eahdr_load(bh.bh_data, &magic, &ref);
	ext2fs_brelse(w.um, &bh);
	assert_int_equal(ref, 1);
	assert_int_equal(w.um->um_sb.s_free_blocks_count, w.freeb - 1);
	wfs_remove(&w, &w.root, "b");
	assert_int_equal(w.um->um_sb.s_free_blocks_count, w.freeb);
	wfs_unmount(&w, "xattr");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_written_file_reads_back_through_its_indirect_blocks),
		leak_test(removing_what_was_made_gives_back_every_block_and_inode),
		leak_test(truncating_down_frees_blocks_and_growing_again_reads_zeros),
		leak_test(a_write_past_4_gib_makes_a_sparse_large_file),
		leak_test(symlinks_are_stored_fast_or_in_a_block_by_length),
		leak_test(thousands_of_files_in_many_directories_are_all_found),
		leak_test(top_level_directories_spread_over_the_groups),
		leak_test(a_file_is_made_in_its_directorys_group_with_its_blocks_near),
		leak_test(filling_the_disk_gives_enospc_and_removing_gives_the_space_back),
		leak_test(a_change_to_an_indexed_directory_clears_its_index_flag),
		leak_test(a_mount_counts_itself_and_marks_the_disk_in_use_until_unmounted),
		leak_test(freeing_an_attribute_block_shared_by_two_inodes_only_drops_a_reference),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
