/*
 * Inodes (ext2fs_inode.c) and block I/O (ext2fs_io.c) where they refuse:
 * inode numbers and block numbers outside the file system, sizes past
 * the largest file, operations on the wrong kind of inode, symlink
 * targets of no or too many bytes, a bad attribute block, and device
 * read errors at each step that reads.  On images made by mke2fs,
 * through the file system's own calls.
 */
#include "ext2fs_memdev.h"

struct ifs {
	struct memdev md;
	struct ext2fs_mount *um;
	struct ext2fs_inode root;
};

static void
ifs_mount(struct ifs *f)
{
	KTEST_ENTER();
	memdev_load(&f->md, "1k");
	assert_int_equal(memdev_mount(&f->md, 0, &f->um), 0);
	assert_int_equal(ext2fs_iget(f->um, EXT2_ROOT_INO, &f->root), 0);
}

static void
ifs_unmount(struct ifs *f)
{
	f->md.md_fail_reads = -1;
	assert_int_equal(ext2fs_mount_close(f->um), 0);
	memdev_free(&f->md);
	KTEST_EXIT();
}

/* A new regular file name in the root holding len bytes. */
static void
mkfile(struct ifs *f, const char *name, size_t len, struct ext2fs_inode *ip)
{
	static const uint8_t bytes[4096];

	assert_int_equal(ext2fs_mknode(f->um, &f->root, name, strlen(name),
	    EXT2_IFREG | 0644, 0, 0, ip), 0);
	for (size_t off = 0; off < len; off += sizeof(bytes))
		assert_int_equal(ext2fs_write(f->um, ip, off, bytes,
		    MIN(sizeof(bytes), len - off)), 0);
	assert_int_equal(ext2fs_iput(f->um, ip), 0);
}

static void
a_block_outside_the_file_system_never_reaches_the_device(void **state)
{
	struct ext2fs_bh bh;
	struct ifs f;

	(void)state;
	ifs_mount(&f);
	assert_int_equal(ext2fs_bread(f.um, f.um->um_sb.s_blocks_count, &bh),
	    EUCLEAN);
	assert_int_equal(ext2fs_getblk(f.um, UINT32_MAX, &bh), EUCLEAN);
	assert_int_equal(f.md.md_held, 0);
	ifs_unmount(&f);
}

static void
an_inode_number_outside_the_table_gives_euclean(void **state)
{
	struct ext2fs_inode ip;
	struct ifs f;

	(void)state;
	ifs_mount(&f);
	assert_int_equal(ext2fs_iget(f.um, 0, &ip), EUCLEAN);
	assert_int_equal(ext2fs_iget(f.um, f.um->um_sb.s_inodes_count + 1,
	    &ip), EUCLEAN);
	ip = f.root;
	ip.i_number = 0;
	assert_int_equal(ext2fs_iput(f.um, &ip), EUCLEAN);
	ifs_unmount(&f);
}

static void
a_size_past_the_largest_file_is_efbig(void **state)
{
	struct ext2fs_inode ip;
	struct ifs f;

	(void)state;
	ifs_mount(&f);
	mkfile(&f, "f", 0, &ip);
	/* 1 KiB blocks: 12 + 256 + 256^2 + 256^3 blocks at most. */
	assert_int_equal(ext2fs_truncate(f.um, &ip, 1ULL << 40), EFBIG);
	assert_int_equal(ip.i_size, 0);
	ip.i_links_count = 0;
	assert_int_equal(ext2fs_dir_remove(f.um, &f.root, "f", 1), 0);
	assert_int_equal(ext2fs_inode_release(f.um, &ip), 0);
	ifs_unmount(&f);
}

static void
a_fast_symlink_truncates_only_to_nothing(void **state)
{
	struct ext2fs_inode ip;
	struct ifs f;

	(void)state;
	ifs_mount(&f);
	assert_int_equal(ext2fs_mknode(f.um, &f.root, "l", 1,
	    EXT2_IFLNK | 0777, 0, 0, &ip), 0);
	assert_int_equal(ext2fs_symlink_set(f.um, &ip, "target", 6), 0);
	assert_int_equal(ext2fs_truncate(f.um, &ip, 3), EINVAL);
	assert_int_equal(ip.i_size, 6);
	ip.i_links_count = 0;
	assert_int_equal(ext2fs_dir_remove(f.um, &f.root, "l", 1), 0);
	assert_int_equal(ext2fs_inode_release(f.um, &ip), 0);
	ifs_unmount(&f);
}

static void
symlink_targets_of_no_bytes_or_a_block_are_refused_and_readlink_needs_a_symlink(
    void **state)
{
	char target[1024], buf[16];
	struct ext2fs_inode ip;
	struct ifs f;
	size_t len;

	(void)state;
	ifs_mount(&f);
	memset(target, 't', sizeof(target));
	assert_int_equal(ext2fs_mknode(f.um, &f.root, "l", 1,
	    EXT2_IFLNK | 0777, 0, 0, &ip), 0);
	assert_int_equal(ext2fs_symlink_set(f.um, &ip, target, 0), ENOENT);
	assert_int_equal(ext2fs_symlink_set(f.um, &ip, target, 1024),
	    ENAMETOOLONG);
	assert_int_equal(ext2fs_readlink(f.um, &f.root, buf, sizeof(buf),
	    &len), EINVAL);
	ip.i_links_count = 0;
	assert_int_equal(ext2fs_dir_remove(f.um, &f.root, "l", 1), 0);
	assert_int_equal(ext2fs_inode_release(f.um, &ip), 0);
	ifs_unmount(&f);
}

static void
releasing_an_inode_with_a_bad_attribute_block_gives_euclean(void **state)
{
	struct ext2fs_inode ip;
	struct ifs f;
	uint32_t blk;

	(void)state;
	ifs_mount(&f);
	mkfile(&f, "f", 1000, &ip);
	/* Its data block is no attribute block: no magic. */
	assert_int_equal(ext2fs_bmap(f.um, &ip, 0, &blk), 0);
	ip.i_file_acl = blk;
	ip.i_links_count = 0;
	assert_int_equal(ext2fs_dir_remove(f.um, &f.root, "f", 1), 0);
	assert_int_equal(ext2fs_inode_release(f.um, &ip), EUCLEAN);
	ifs_unmount(&f);
}

static void
read_errors_fail_reading_writing_and_making_inodes_with_eio(void **state)
{
	struct ext2fs_inode ip, g;
	struct ifs f;

	(void)state;
	ifs_mount(&f);
	f.md.md_fail_reads = 0;
	assert_int_equal(ext2fs_iget(f.um, EXT2_ROOT_INO, &ip), EIO);
	assert_int_equal(ext2fs_iput(f.um, &f.root), EIO);
	/* The bitmap is read, the inode table block to clear it is not. */
	f.md.md_fail_reads = 1;
	assert_int_equal(ext2fs_inew(f.um, EXT2_ROOT_INO, EXT2_IFREG | 0644,
	    &g), EIO);
	ifs_unmount(&f);
}

static void
read_errors_while_truncating_or_releasing_give_eio(void **state)
{
	struct ext2fs_inode small, big, ea;
	struct ifs f;
	uint32_t blk;

	(void)state;
	ifs_mount(&f);
	mkfile(&f, "small", 1500, &small);
	mkfile(&f, "big", 20 * 1024, &big);
	mkfile(&f, "ea", 0, &ea);
	f.md.md_fail_reads = 0;
	/* Within the last block: only its tail is zeroed, which reads it. */
	assert_int_equal(ext2fs_truncate(f.um, &small, 1200), EIO);
	/* Past the direct blocks: the indirect block is read. */
	assert_int_equal(ext2fs_truncate(f.um, &big, 1024), EIO);
	/* An attribute block that cannot be read. */
	assert_int_equal(ext2fs_bmap(f.um, &small, 0, &blk), 0);
	ea.i_file_acl = blk;
	ea.i_links_count = 0;
	assert_int_equal(ext2fs_inode_release(f.um, &ea), EIO);
	ifs_unmount(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_block_outside_the_file_system_never_reaches_the_device),
		leak_test(an_inode_number_outside_the_table_gives_euclean),
		leak_test(a_size_past_the_largest_file_is_efbig),
		leak_test(a_fast_symlink_truncates_only_to_nothing),
		leak_test(symlink_targets_of_no_bytes_or_a_block_are_refused_and_readlink_needs_a_symlink),
		leak_test(releasing_an_inode_with_a_bad_attribute_block_gives_euclean),
		leak_test(read_errors_fail_reading_writing_and_making_inodes_with_eio),
		leak_test(read_errors_while_truncating_or_releasing_give_eio),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
