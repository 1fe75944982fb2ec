/*
 * Reading images made by mke2fs -d: every file of the tree read back equal
 * to the host's copy, on 1, 2 and 4 KiB blocks, with and without indexed
 * directories, revision 0 and ext3; holes, a file past 5 GiB, symlinks,
 * hard links, and a read-only mount that writes nothing.
 */
#include "ext2fs_memdev.h"

static const char *const tree_files[] = {
	"small", "zero", "direct", "sub/single", "sub/deeper/file", "sparse",
	"sub/hardlink", "big/entry-with-a-long-name-1",
	"big/entry-with-a-long-name-300",
};

/* File path of the image's tree equals the host's copy, byte for byte. */
static void
check_file(struct ext2fs_mount *um, const char *path)
{
	struct ext2fs_inode ip;
	char hostname[256];
	uint8_t *want = NULL, *got;
	uint64_t size = 0;
	size_t done;

	ksnprintf(hostname, sizeof(hostname), "tree/%s", path);
	assert_int_equal(memdev_readfile(hostname, &want, &size), 0);
	assert_int_equal(memdev_namei(um, path, &ip), 0);
	assert_int_equal(ip.i_size, size);
	got = kmem_alloc(&M_TEMP, size + 1, KM_SLEEP);
	assert_int_equal(ext2fs_read(um, &ip, 0, got, size + 1, &done), 0);
	assert_int_equal(done, size);
	assert_memory_equal(got, want, size);
	kmem_free(&M_TEMP, got, size + 1);
	memdev_freefile(want, size);
}

static void
check_tree(const char *image)
{
	struct ext2fs_mount *um;
	struct memdev md;

	KTEST_ENTER();
	memdev_load(&md, image);
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	for (size_t i = 0; i < __arraycount(tree_files); i++)
		check_file(um, tree_files[i]);
	assert_int_equal(ext2fs_mount_close(um), 0);
	assert_int_equal(md.md_writes, 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
every_file_of_a_1k_image_with_indexed_directories_reads_back_equal(void **state)
{
	(void)state;
	check_tree("1k");
}

static void
every_file_of_a_1k_image_without_dir_index_reads_back_equal(void **state)
{
	(void)state;
	check_tree("1k-noindex");
}

static void
every_file_of_a_2k_image_reads_back_equal(void **state)
{
	(void)state;
	check_tree("2k");
}

static void
every_file_of_a_4k_image_reads_back_equal(void **state)
{
	(void)state;
	check_tree("4k");
}

static void
every_file_of_a_revision_0_image_reads_back_equal(void **state)
{
	(void)state;
	check_tree("rev0");
}

static void
every_file_of_an_ext3_image_reads_back_equal(void **state)
{
	(void)state;
	check_tree("ext3");
}

static void
holes_of_a_sparse_file_map_to_no_block_and_read_as_zeros(void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint8_t buf[16];
	uint32_t blk;
	size_t done;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	assert_int_equal(memdev_namei(um, "sparse", &ip), 0);
	assert_int_equal(ext2fs_bmap(um, &ip, 0, &blk), 0);
	assert_int_not_equal(blk, 0);
	assert_int_equal(ext2fs_bmap(um, &ip, 5, &blk), 0);
	assert_int_equal(blk, 0);
	/* The block of byte 70000000 is past the triple indirect start. */
	assert_int_equal(ext2fs_bmap(um, &ip, 70000000 / 1024, &blk), 0);
	assert_int_not_equal(blk, 0);
	assert_int_equal(ext2fs_read(um, &ip, 500000, buf, sizeof(buf),
	    &done), 0);
	assert_int_equal(done, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(ext2fs_read(um, &ip, 70000000, buf, sizeof(buf),
	    &done), 0);
	assert_int_equal(done, 4);
	assert_memory_equal(buf, "tail", 4);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_file_past_5_gib_reads_its_last_bytes_through_the_triple_indirect_block(
    void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;
	uint8_t buf[8];
	size_t done;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "large");
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	assert_int_equal(memdev_namei(um, "far", &ip), 0);
	assert_int_equal(ip.i_size, 5368709123ull);
	assert_int_not_equal(ip.i_block[EXT2_NDADDR + 2], 0);
	assert_int_equal(ext2fs_read(um, &ip, 5368709120ull, buf, sizeof(buf),
	    &done), 0);
	assert_int_equal(done, 3);
	assert_memory_equal(buf, "far", 3);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
check_link(struct ext2fs_mount *um, const char *path, const char *want)
{
	struct ext2fs_inode ip;
	char buf[256];
	size_t len;

	assert_int_equal(memdev_namei(um, path, &ip), 0);
	assert_int_equal(ext2fs_readlink(um, &ip, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(buf, want, len);
}

static void
fast_and_slow_symlinks_read_their_targets(void **state)
{
	struct ext2fs_mount *um;
	struct memdev md;
	char slow[128];
	size_t n = 0;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	check_link(um, "fastlink", "small");
	while (n < 100)
		slow[n++] = 'x';
	strlcpy(slow + n, "/target", sizeof(slow) - n);
	check_link(um, "slowlink", slow);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_hard_link_names_the_same_inode(void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode a, b;
	struct memdev md;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	assert_int_equal(memdev_namei(um, "small", &a), 0);
	assert_int_equal(memdev_namei(um, "sub/hardlink", &b), 0);
	assert_int_equal(a.i_number, b.i_number);
	assert_int_equal(a.i_links_count, 2);
	assert_int_equal(a.i_mode, EXT2_IFREG | 0640);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_file_keeps_the_time_it_was_given(void **state)
{
	struct ext2fs_mount *um;
	struct ext2fs_inode ip;
	struct memdev md;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "4k");
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	assert_int_equal(memdev_namei(um, "direct", &ip), 0);
	/* touch -d '2020-02-02 02:02:02' in the host's zone: within a day. */
	assert_in_range(ip.i_mtime, 1580608922u - 86400, 1580608922u + 86400);
	assert_int_equal(ext2fs_mount_close(um), 0);
	memdev_free(&md);
	KTEST_EXIT();
}

static void
a_read_only_mount_changes_no_byte_of_the_image(void **state)
{
	struct ext2fs_mount *um;
	struct memdev md;
	uint8_t *copy = NULL;
	uint64_t size = 0;

	(void)state;
	KTEST_ENTER();
	memdev_load(&md, "1k");
	md.md_ronly = true;
	assert_int_equal(memdev_readfile("1k.img", &copy, &size), 0);
	assert_int_equal(memdev_mount(&md, EXT2_MNT_RDONLY, &um), 0);
	for (size_t i = 0; i < __arraycount(tree_files); i++)
		check_file(um, tree_files[i]);
	assert_int_equal(ext2fs_mount_sync(um), 0);
	assert_int_equal(ext2fs_mount_close(um), 0);
	assert_int_equal(md.md_rowrites, 0);
	assert_int_equal(md.md_writes, 0);
	assert_memory_equal(md.md_data, copy, size);
	memdev_freefile(copy, size);
	memdev_free(&md);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(every_file_of_a_1k_image_with_indexed_directories_reads_back_equal),
		leak_test(every_file_of_a_1k_image_without_dir_index_reads_back_equal),
		leak_test(every_file_of_a_2k_image_reads_back_equal),
		leak_test(every_file_of_a_4k_image_reads_back_equal),
		leak_test(every_file_of_a_revision_0_image_reads_back_equal),
		leak_test(every_file_of_an_ext3_image_reads_back_equal),
		leak_test(holes_of_a_sparse_file_map_to_no_block_and_read_as_zeros),
		leak_test(a_file_past_5_gib_reads_its_last_bytes_through_the_triple_indirect_block),
		leak_test(fast_and_slow_symlinks_read_their_targets),
		leak_test(a_hard_link_names_the_same_inode),
		leak_test(a_file_keeps_the_time_it_was_given),
		leak_test(a_read_only_mount_changes_no_byte_of_the_image),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
