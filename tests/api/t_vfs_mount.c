/*
 * The mount table through mount(2) and umount2(2): a second rumpfs
 * mounted on a directory, crossing into it and out of it with "..",
 * statfs, what keeps it busy, and the calls that may not cross mounts.
 */
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>

#include "vfstest.h"

#define TMPFS_MAGIC	0x01021994

static void
mount_rumpfs(const char *path)
{
	assert_int_equal(rump_sys_mkdir(path, 0755), 0);
	assert_int_equal(rump_sys_mount("none", path, "rumpfs", 0, NULL), 0);
}

static void
unmount_rumpfs(const char *path)
{
	assert_int_equal(rump_sys_umount2(path, 0), 0);
	assert_int_equal(rump_sys_rmdir(path), 0);
}

static void
a_mounted_file_system_hides_the_directory_below(void **state)
{
	struct stat below, root;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/mnt", 0755), 0);
	vfstest_mkfile("/mnt/hidden", "");
	assert_int_equal(rump_sys_stat("/mnt", &below), 0);
	assert_int_equal(rump_sys_mount("none", "/mnt", "rumpfs", 0, NULL), 0);
	vfstest_assert_absent("/mnt/hidden");
	assert_int_equal(rump_sys_stat("/mnt", &root), 0);
	assert_int_not_equal(root.st_dev, below.st_dev);
	vfstest_mkfile("/mnt/f", "on the mount");
	vfstest_assert_content("/mnt/f", "on the mount");
	assert_int_equal(rump_sys_unlink("/mnt/f"), 0);
	assert_int_equal(rump_sys_umount2("/mnt", 0), 0);
	assert_int_equal(rump_sys_unlink("/mnt/hidden"), 0);
	assert_int_equal(rump_sys_rmdir("/mnt"), 0);
}

static void
dotdot_from_a_mount_root_leaves_the_mount(void **state)
{
	struct stat a, b;

	(void)state;
	mount_rumpfs("/mnt");
	assert_int_equal(rump_sys_stat("/mnt/..", &a), 0);
	assert_int_equal(rump_sys_stat("/", &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_dev, b.st_dev);
	unmount_rumpfs("/mnt");
}

static void
getcwd_inside_a_mount_names_the_full_path(void **state)
{
	char buf[64];

	(void)state;
	mount_rumpfs("/mnt");
	assert_int_equal(rump_sys_mkdir("/mnt/d", 0755), 0);
	assert_int_equal(rump_sys_chdir("/mnt/d"), 0);
	assert_int_equal(rump_sys_getcwd(buf, sizeof(buf)), 7);
	assert_string_equal(buf, "/mnt/d");
	assert_int_equal(rump_sys_chdir("/"), 0);
	assert_int_equal(rump_sys_rmdir("/mnt/d"), 0);
	unmount_rumpfs("/mnt");
}

static void
statfs_reports_the_mounted_file_system(void **state)
{
	struct statfs sf;
	int fd;

	(void)state;
	mount_rumpfs("/mnt");
	assert_int_equal(rump_sys_statfs("/mnt", &sf), 0);
	assert_int_equal(sf.f_type, TMPFS_MAGIC);
	assert_int_equal(sf.f_bsize, 4096);
	assert_int_equal(sf.f_namelen, 255);
	fd = rump_sys_open("/mnt", O_RDONLY, 0);
	assert_int_equal(rump_sys_fstatfs(fd, &sf), 0);
	assert_int_equal(sf.f_files, 1);
	assert_int_equal(rump_sys_close(fd), 0);
	unmount_rumpfs("/mnt");
}

static void
statfs_errors(void **state)
{
	struct statfs sf;
	int p[2];

	(void)state;
	assert_fails(rump_sys_statfs("/nothing", &sf), ENOENT);
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_fails(rump_sys_fstatfs(p[0], &sf), EINVAL);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
	assert_fails(rump_sys_fstatfs(p[0], &sf), EBADF);
}

static void
an_open_file_keeps_the_mount_busy(void **state)
{
	int fd;

	(void)state;
	mount_rumpfs("/mnt");
	vfstest_mkfile("/mnt/f", "");
	fd = rump_sys_open("/mnt/f", O_RDONLY, 0);
	assert_fails(rump_sys_umount2("/mnt", 0), EBUSY);
	/* Still mounted and usable. */
	vfstest_assert_content("/mnt/f", "");
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/mnt/f"), 0);
	unmount_rumpfs("/mnt");
}

static void
a_current_directory_keeps_the_mount_busy(void **state)
{
	(void)state;
	mount_rumpfs("/mnt");
	assert_int_equal(rump_sys_chdir("/mnt"), 0);
	assert_fails(rump_sys_umount2("/mnt", 0), EBUSY);
	assert_int_equal(rump_sys_chdir("/"), 0);
	unmount_rumpfs("/mnt");
}

static void
a_mount_inside_keeps_the_outer_mount_busy(void **state)
{
	(void)state;
	mount_rumpfs("/mnt");
	mount_rumpfs("/mnt/inner");
	assert_fails(rump_sys_umount2("/mnt", 0), EBUSY);
	unmount_rumpfs("/mnt/inner");
	unmount_rumpfs("/mnt");
}

static void
unmount_errors_are_linux_ones(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_fails(rump_sys_umount2("/d", 0), EINVAL);
	assert_fails(rump_sys_umount2("/", 0), EBUSY);
	assert_fails(rump_sys_umount2("/nothing", 0), ENOENT);
	assert_fails(rump_sys_umount2("/d", 0x100), EINVAL);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
mount_errors_are_linux_ones(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_fails(rump_sys_mount("none", "/d", "nosuchfs", 0, NULL), ENODEV);
	assert_fails(rump_sys_mount("none", "/f", "rumpfs", 0, NULL), ENOTDIR);
	assert_fails(rump_sys_mount("none", "/nothing", "rumpfs", 0, NULL), ENOENT);
	assert_fails(rump_sys_mount("none", "/d", "rumpfs", MS_REMOUNT, NULL), EINVAL);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
mount_and_umount_need_root(void **state)
{
	(void)state;
	mount_rumpfs("/mnt");
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_fails(rump_sys_mount("none", "/mnt", "rumpfs", 0, NULL), EPERM);
	assert_fails(rump_sys_umount2("/mnt", 0), EPERM);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	unmount_rumpfs("/mnt");
}

static void
a_read_only_mount_refuses_changes_with_erofs(void **state)
{
	struct statfs sf;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/mnt", 0755), 0);
	assert_int_equal(rump_sys_mount("none", "/mnt", "rumpfs", MS_RDONLY,
	    NULL), 0);
	assert_fails(rump_sys_mkdir("/mnt/d", 0755), EROFS);
	assert_fails(rump_sys_open("/mnt/f", O_CREAT | O_WRONLY, 0644), EROFS);
	assert_fails(rump_sys_open("/mnt", O_RDWR, 0), EISDIR);
	assert_fails(rump_sys_chmod("/mnt", 0700), EROFS);
	assert_fails(rump_sys_access("/mnt", W_OK), EROFS);
	assert_int_equal(rump_sys_statfs("/mnt", &sf), 0);
	assert_true((sf.f_flags & ST_RDONLY) != 0);
	unmount_rumpfs("/mnt");
}

static void
rename_and_link_across_mounts_are_exdev(void **state)
{
	(void)state;
	mount_rumpfs("/mnt");
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_rename("/f", "/mnt/f"), EXDEV);
	assert_fails(rump_sys_link("/f", "/mnt/f"), EXDEV);
	assert_int_equal(rump_sys_unlink("/f"), 0);
	unmount_rumpfs("/mnt");
}

static void
a_mount_point_cannot_be_removed_or_renamed(void **state)
{
	(void)state;
	mount_rumpfs("/mnt");
	assert_fails(rump_sys_rmdir("/mnt"), EBUSY);
	assert_fails(rump_sys_rename("/mnt", "/other"), EBUSY);
	unmount_rumpfs("/mnt");
}

static void
sync_succeeds(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_sync(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_mounted_file_system_hides_the_directory_below),
		leak_test(dotdot_from_a_mount_root_leaves_the_mount),
		leak_test(getcwd_inside_a_mount_names_the_full_path),
		leak_test(statfs_reports_the_mounted_file_system),
		leak_test(statfs_errors),
		leak_test(an_open_file_keeps_the_mount_busy),
		leak_test(a_current_directory_keeps_the_mount_busy),
		leak_test(a_mount_inside_keeps_the_outer_mount_busy),
		leak_test(unmount_errors_are_linux_ones),
		leak_test(mount_errors_are_linux_ones),
		leak_test(mount_and_umount_need_root),
		leak_test(a_read_only_mount_refuses_changes_with_erofs),
		leak_test(rename_and_link_across_mounts_are_exdev),
		leak_test(a_mount_point_cannot_be_removed_or_renamed),
		leak_test(sync_succeeds),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
