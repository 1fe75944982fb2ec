/*
 * ext2fs's vnode operations through the system calls, where they do
 * something only ext2fs decides: fsync and fdatasync putting a file on
 * the image while it stays mounted, the largest file, reading a
 * directory, the link limit, names made in a directory already removed,
 * a link to an open file whose last name is gone, no inode left for a
 * new file, a symbolic link that finds no block for its target.
 */
#include "ext2img.h"
#include "vfstest.h"

static struct e2img img;

static void
mount_fresh(bool withfile)
{
	e2img_make(&img, "t_ext2fs_calls", "/mnt", "-t ext2 -b 1024", "8M");
	if (withfile)
		assert_int_equal(e2img_host("echo linked > %s.f && debugfs -w "
		    "-R 'write %s.f f' %s >/dev/null 2>&1 && rm %s.f",
		    img.ei_path, img.ei_path, img.ei_path, img.ei_path), 0);
	e2img_mount(&img, false);
}

static void
unmount_clean(void)
{
	e2img_unmount(&img);
	e2img_assert_fsck_clean(&img);
	e2img_remove(&img);
}

static void
fsync_and_fdatasync_put_a_file_on_the_image_while_it_is_mounted(
    void **state)
{
	int fd;

	(void)state;
	mount_fresh(false);
	fd = rump_sys_open("/mnt/a", O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_write(fd, "synced\n", 7), 7);
	assert_int_equal(rump_sys_fsync(fd), 0);
	assert_int_equal(e2img_host("debugfs -R 'cat a' %s 2>/dev/null | "
	    "grep -qx synced", img.ei_path), 0);
	assert_int_equal(rump_sys_pwrite(fd, "second\n", 7, 7), 7);
	assert_int_equal(rump_sys_fdatasync(fd), 0);
	assert_int_equal(e2img_host("debugfs -R 'cat a' %s 2>/dev/null | "
	    "grep -qx second", img.ei_path), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	unmount_clean();
}

static void
fsync_on_a_read_only_mount_succeeds_and_writes_nothing(void **state)
{
	int fd;

	(void)state;
	mount_fresh(true);
	e2img_unmount(&img);
	assert_int_equal(e2img_host("cp %s %s.orig", img.ei_path, img.ei_path),
	    0);
	e2img_mount(&img, true);
	fd = rump_sys_open("/mnt/f", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_fsync(fd), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	e2img_unmount(&img);
	assert_int_equal(e2img_host("cmp -s %s %s.orig && rm %s.orig",
	    img.ei_path, img.ei_path, img.ei_path), 0);
	e2img_remove(&img);
}

static void
a_write_past_the_largest_file_is_efbig_and_one_across_it_is_cut_short(
    void **state)
{
	/* 1 KiB blocks: 12 direct, 256 single, 256^2 double, 256^3 triple. */
	const off_t max = (12 + 256 + 65536 + 16777216LL) * 1024;
	struct stat sb;
	int fd;

	(void)state;
	mount_fresh(false);
	fd = rump_sys_open("/mnt/huge", O_RDWR | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_fails(rump_sys_pwrite(fd, "x", 1, max), EFBIG);
	assert_int_equal(rump_sys_pwrite(fd, "abcdefgh", 8, max - 3), 3);
	assert_int_equal(rump_sys_fstat(fd, &sb), 0);
	assert_int_equal(sb.st_size, max);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/mnt/huge"), 0);
	unmount_clean();
}

static void
reading_a_directory_is_eisdir(void **state)
{
	char buf[16];
	int fd;

	(void)state;
	mount_fresh(false);
	fd = rump_sys_open("/mnt/lost+found", O_RDONLY | O_DIRECTORY, 0);
	assert_true(fd >= 0);
	assert_fails(rump_sys_read(fd, buf, sizeof(buf)), EISDIR);
	assert_int_equal(rump_sys_close(fd), 0);
	unmount_clean();
}

static void
a_link_to_a_file_at_the_link_limit_is_emlink(void **state)
{
	(void)state;
	mount_fresh(true);
	e2img_unmount(&img);
	assert_int_equal(e2img_host("debugfs -w -R 'sif f links_count 32000' "
	    "%s >/dev/null 2>&1", img.ei_path), 0);
	e2img_mount(&img, false);
	assert_fails(rump_sys_link("/mnt/f", "/mnt/g"), EMLINK);
	e2img_unmount(&img);
	e2img_remove(&img);
}

static void
names_made_in_a_removed_directory_are_enoent(void **state)
{
	int fd;

	(void)state;
	mount_fresh(true);
	assert_int_equal(rump_sys_mkdir("/mnt/gone", 0755), 0);
	fd = rump_sys_open("/mnt/gone", O_RDONLY | O_DIRECTORY, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_rmdir("/mnt/gone"), 0);
	assert_fails(rump_sys_openat(fd, "x", O_WRONLY | O_CREAT, 0644),
	    ENOENT);
	assert_fails(rump_sys_mkdirat(fd, "d", 0755), ENOENT);
	assert_fails(rump_sys_symlinkat("t", fd, "l"), ENOENT);
	assert_fails(rump_sys_linkat(AT_FDCWD, "/mnt/f", fd, "h", 0), ENOENT);
	assert_fails(rump_sys_renameat(AT_FDCWD, "/mnt/f", fd, "r"), ENOENT);
	assert_int_equal(rump_sys_close(fd), 0);
	unmount_clean();
}

static void
a_link_to_an_open_file_without_names_is_enoent(void **state)
{
	int fd;

	(void)state;
	mount_fresh(true);
	fd = rump_sys_open("/mnt/f", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_unlink("/mnt/f"), 0);
	assert_fails(rump_sys_linkat(fd, "", AT_FDCWD, "/mnt/back",
	    AT_EMPTY_PATH), ENOENT);
	assert_int_equal(rump_sys_close(fd), 0);
	unmount_clean();
}

static void
device_nodes_of_the_image_and_sockets_are_renamed_with_their_types(
    void **state)
{
	struct stat sb;

	(void)state;
	mount_fresh(false);
	e2img_unmount(&img);
	assert_int_equal(e2img_host("(debugfs -w -R 'mknod c c 1 3' %s && "
	    "debugfs -w -R 'mknod b b 7 0' %s) >/dev/null 2>&1", img.ei_path,
	    img.ei_path), 0);
	e2img_mount(&img, false);
	assert_int_equal(rump_sys_mknod("/mnt/s", S_IFSOCK | 0600, 0), 0);
	assert_int_equal(rump_sys_rename("/mnt/c", "/mnt/c2"), 0);
	assert_int_equal(rump_sys_rename("/mnt/b", "/mnt/b2"), 0);
	assert_int_equal(rump_sys_rename("/mnt/s", "/mnt/s2"), 0);
	assert_int_equal(rump_sys_lstat("/mnt/c2", &sb), 0);
	assert_true(S_ISCHR(sb.st_mode));
	assert_int_equal(rump_sys_lstat("/mnt/b2", &sb), 0);
	assert_true(S_ISBLK(sb.st_mode));
	assert_int_equal(rump_sys_lstat("/mnt/s2", &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	/* e2fsck checks each entry's type against its inode. */
	unmount_clean();
}

/*
 * A long read past the cache, watched (rump_lwproc_progress, as the
 * remote server watches a read into its channel), is read in pieces,
 * each told: in the end, all of it.
 */
static void
a_watched_long_read_past_the_cache_tells_all_it_read(void **state)
{
	enum { LEN = 512 * 1024 };
	static uint8_t buf[LEN], want[LEN];
	uint64_t word = 0;
	int fd;

	(void)state;
	e2img_make(&img, "t_ext2fs_calls", "/mnt", "-t ext2 -b 1024", "8M");
	assert_int_equal(e2img_host("head -c %d /dev/zero | tr '\\0' x > %s.f && "
	    "debugfs -w -R 'write %s.f big' %s >/dev/null 2>&1 && rm %s.f",
	    LEN, img.ei_path, img.ei_path, img.ei_path, img.ei_path), 0);
	e2img_mount(&img, false);
	memset(want, 'x', sizeof(want));
	/* A process of its own: the thread keeps its lwp, and so the watch. */
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	fd = rump_sys_open("/mnt/big", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_lwproc_progress(buf, sizeof(buf), &word), 0);
	assert_int_equal(rump_sys_read(fd, buf, sizeof(buf)), LEN);
	assert_int_equal(rump_lwproc_progress(NULL, 0, NULL), 0);
	assert_int_equal(word, LEN);
	assert_memory_equal(buf, want, LEN);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	unmount_clean();
}

/* The last inode taken, a new file is ENOSPC and leaves no name. */
static void
a_file_made_with_no_inode_left_is_enospc(void **state)
{
	struct stat sb;
	char name[32];
	int fd, made;

	(void)state;
	e2img_make(&img, "t_ext2fs_calls", "/mnt", "-t ext2 -b 1024 -N 32",
	    "8M");
	e2img_mount(&img, false);
	for (made = 0;; made++) {
		snprintf(name, sizeof(name), "/mnt/f%d", made);
		if ((fd = rump_sys_open(name, O_WRONLY | O_CREAT, 0644)) < 0)
			break;
		assert_int_equal(rump_sys_close(fd), 0);
	}
	assert_int_equal(errno, ENOSPC);
	assert_true(made > 0);
	assert_fails(rump_sys_lstat(name, &sb), ENOENT);
	while (made-- > 0) {
		snprintf(name, sizeof(name), "/mnt/f%d", made);
		assert_int_equal(rump_sys_unlink(name), 0);
	}
	unmount_clean();
}

/*
 * A target longer than the inode holds (60 bytes) needs a block: on a
 * full disk the link is not made, and neither its name nor its inode
 * stays behind (e2fsck finds none).
 */
static void
a_symlink_finding_no_block_for_its_target_leaves_nothing(void **state)
{
	static char buf[65536];
	char target[100];
	struct stat sb;
	ssize_t n;
	int fd;

	(void)state;
	mount_fresh(false);
	fd = rump_sys_open("/mnt/fill", O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	while ((n = rump_sys_write(fd, buf, sizeof(buf))) > 0)
		continue;
	assert_int_equal(n, -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(rump_sys_close(fd), 0);
	memset(target, 't', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	assert_fails(rump_sys_symlink(target, "/mnt/l"), ENOSPC);
	assert_fails(rump_sys_lstat("/mnt/l", &sb), ENOENT);
	assert_int_equal(rump_sys_unlink("/mnt/fill"), 0);
	unmount_clean();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(fsync_and_fdatasync_put_a_file_on_the_image_while_it_is_mounted),
		leak_test(fsync_on_a_read_only_mount_succeeds_and_writes_nothing),
		leak_test(a_write_past_the_largest_file_is_efbig_and_one_across_it_is_cut_short),
		leak_test(reading_a_directory_is_eisdir),
		leak_test(a_link_to_a_file_at_the_link_limit_is_emlink),
		leak_test(names_made_in_a_removed_directory_are_enoent),
		leak_test(a_link_to_an_open_file_without_names_is_enoent),
		leak_test(device_nodes_of_the_image_and_sockets_are_renamed_with_their_types),
		leak_test(a_watched_long_read_past_the_cache_tells_all_it_read),
		leak_test(a_file_made_with_no_inode_left_is_enospc),
		leak_test(a_symlink_finding_no_block_for_its_target_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, e2img_boot, apitest_halt);
}
