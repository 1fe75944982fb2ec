/*
 * Attributes through the system calls: stat and its forms, access,
 * chmod, chown, utimensat, umask; who may change what, as on Linux.
 */
#include "vfstest.h"

static void
become_user(uid_t uid)
{
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setgid(uid), 0);
	assert_int_equal(rump_sys_setuid(uid), 0);
}

static void
back_to_root(void)
{
	assert_int_equal(rump_lwproc_releaselwp(), 0);
}

static void
stat_reports_type_size_owner_and_times(void **state)
{
	struct stat sb;

	(void)state;
	vfstest_mkfile("/f", "12345");
	assert_int_equal(rump_sys_stat("/f", &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_size, 5);
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(sb.st_gid, 0);
	assert_int_equal(sb.st_blksize, 4096);
	assert_int_equal(sb.st_blocks, 8);
	assert_true(sb.st_mtim.tv_sec > 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
fstatat_empty_path_stats_the_descriptor(void **state)
{
	struct stat a, b;
	int fd;

	(void)state;
	vfstest_mkfile("/f", "");
	fd = rump_sys_open("/f", O_RDONLY, 0);
	assert_int_equal(rump_sys_fstatat(fd, "", &a, AT_EMPTY_PATH), 0);
	assert_int_equal(rump_sys_fstat(fd, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_fails(rump_sys_fstatat(fd, "", &a, 0), ENOENT);
	assert_fails(rump_sys_fstatat(AT_FDCWD, "/f", &a, 0x4000), EINVAL);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
fstatat_nofollow_stats_the_link(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_symlink("/", "/l"), 0);
	assert_int_equal(rump_sys_fstatat(AT_FDCWD, "/l", &sb,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(rump_sys_fstatat(AT_FDCWD, "/l", &sb, 0), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(rump_sys_unlink("/l"), 0);
}

static void
chmod_changes_the_permission_bits(void **state)
{
	struct stat sb;
	int fd;

	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_chmod("/f", 0600), 0);
	assert_int_equal(rump_sys_stat("/f", &sb), 0);
	assert_int_equal(sb.st_mode, S_IFREG | 0600);
	fd = rump_sys_open("/f", O_RDONLY, 0);
	assert_int_equal(rump_sys_fchmod(fd, 04711), 0);
	assert_int_equal(rump_sys_fstat(fd, &sb), 0);
	assert_int_equal(sb.st_mode, S_IFREG | 04711);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_fchmodat(AT_FDCWD, "/f", 0644, 0), 0);
	assert_fails(rump_sys_fchmodat(AT_FDCWD, "/f", 0644,
	    AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
chmod_by_someone_else_is_eperm(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	become_user(1000);
	assert_fails(rump_sys_chmod("/f", 0777), EPERM);
	back_to_root();
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
chown_by_root_gives_the_file_away(void **state)
{
	struct stat sb;

	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_chown("/f", 1000, 2000), 0);
	assert_int_equal(rump_sys_stat("/f", &sb), 0);
	assert_int_equal(sb.st_uid, 1000);
	assert_int_equal(sb.st_gid, 2000);
	/* -1 leaves one of them as it is. */
	assert_int_equal(rump_sys_chown("/f", (uid_t)-1, 3000), 0);
	assert_int_equal(rump_sys_stat("/f", &sb), 0);
	assert_int_equal(sb.st_uid, 1000);
	assert_int_equal(sb.st_gid, 3000);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
chown_to_another_user_is_eperm_for_the_owner(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_chown("/f", 1000, 1000), 0);
	become_user(1000);
	assert_fails(rump_sys_chown("/f", 1001, (gid_t)-1), EPERM);
	assert_fails(rump_sys_chown("/f", (uid_t)-1, 5), EPERM);
	assert_int_equal(rump_sys_chown("/f", 1000, 1000), 0);
	back_to_root();
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
chown_clears_set_user_id(void **state)
{
	struct stat sb;

	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_chmod("/f", 04755), 0);
	assert_int_equal(rump_sys_chown("/f", 1000, (gid_t)-1), 0);
	assert_int_equal(rump_sys_stat("/f", &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0755);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
lchown_changes_the_link_and_fchown_the_open_file(void **state)
{
	struct stat sb;
	int fd;

	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_symlink("/f", "/l"), 0);
	assert_int_equal(rump_sys_lchown("/l", 7, 7), 0);
	assert_int_equal(rump_sys_lstat("/l", &sb), 0);
	assert_int_equal(sb.st_uid, 7);
	assert_int_equal(rump_sys_stat("/l", &sb), 0);
	assert_int_equal(sb.st_uid, 0);
	fd = rump_sys_open("/f", O_RDONLY, 0);
	assert_int_equal(rump_sys_fchown(fd, 8, 8), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_fchownat(AT_FDCWD, "/l", 9, 9,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(rump_sys_stat("/f", &sb), 0);
	assert_int_equal(sb.st_uid, 8);
	assert_int_equal(rump_sys_unlink("/l"), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
utimensat_sets_both_times(void **state)
{
	struct timespec ts[2] = { { 1000, 5 }, { 2000, 7 } };
	struct stat sb;

	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_utimensat(AT_FDCWD, "/f", ts, 0), 0);
	assert_int_equal(rump_sys_stat("/f", &sb), 0);
	assert_int_equal(sb.st_atim.tv_sec, 1000);
	assert_int_equal(sb.st_atim.tv_nsec, 5);
	assert_int_equal(sb.st_mtim.tv_sec, 2000);
	assert_int_equal(sb.st_mtim.tv_nsec, 7);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
utimensat_omit_keeps_one_and_now_sets_the_clock(void **state)
{
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	struct stat sb;

	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_utimensat(AT_FDCWD, "/f", ts, 0), 0);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	assert_int_equal(rump_sys_utimensat(AT_FDCWD, "/f", ts, 0), 0);
	assert_int_equal(rump_sys_stat("/f", &sb), 0);
	assert_int_equal(sb.st_atim.tv_sec, 1000);
	assert_true(sb.st_mtim.tv_sec > 2000);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
utimensat_with_a_bad_nanosecond_is_einval(void **state)
{
	struct timespec ts[2] = { { 0, 1000000000 }, { 0, 0 } };

	(void)state;
	assert_fails(rump_sys_utimensat(AT_FDCWD, "/", ts, 0), EINVAL);
	assert_fails(rump_sys_utimensat(AT_FDCWD, "/", NULL, 0x8), EINVAL);
}

static void
utimensat_explicit_times_need_ownership(void **state)
{
	struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };

	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_chmod("/f", 0666), 0);
	become_user(1000);
	assert_fails(rump_sys_utimensat(AT_FDCWD, "/f", ts, 0), EPERM);
	/* Now is allowed to whoever may write. */
	assert_int_equal(rump_sys_utimensat(AT_FDCWD, "/f", NULL, 0), 0);
	back_to_root();
	assert_int_equal(rump_sys_chmod("/f", 0644), 0);
	become_user(1000);
	assert_fails(rump_sys_utimensat(AT_FDCWD, "/f", NULL, 0), EACCES);
	back_to_root();
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
futimens_form_takes_the_descriptor(void **state)
{
	struct timespec ts[2] = { { 5, 0 }, { 6, 0 } };
	struct stat sb;
	int fd;

	(void)state;
	vfstest_mkfile("/f", "");
	fd = rump_sys_open("/f", O_RDONLY, 0);
	assert_int_equal(rump_sys_utimensat(fd, NULL, ts, 0), 0);
	assert_int_equal(rump_sys_fstat(fd, &sb), 0);
	assert_int_equal(sb.st_mtim.tv_sec, 6);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
access_checks_the_real_ids(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_chmod("/f", 0640), 0);
	assert_int_equal(rump_sys_access("/f", R_OK | W_OK), 0);
	assert_fails(rump_sys_access("/f", X_OK), EACCES);
	assert_fails(rump_sys_access("/nothing", F_OK), ENOENT);
	assert_fails(rump_sys_access("/f", 0x10), EINVAL);
	become_user(1000);
	assert_fails(rump_sys_access("/f", R_OK), EACCES);
	assert_int_equal(rump_sys_access("/f", F_OK), 0);
	assert_int_equal(rump_sys_faccessat(AT_FDCWD, "/f", F_OK, AT_EACCESS), 0);
	back_to_root();
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
open_for_writing_without_permission_is_eacces(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	become_user(1000);
	assert_fails(rump_sys_open("/f", O_WRONLY, 0), EACCES);
	assert_int_equal(rump_sys_close(rump_sys_open("/f", O_RDONLY, 0)), 0);
	back_to_root();
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
umask_returns_the_previous_mask(void **state)
{
	mode_t old;

	(void)state;
	old = rump_sys_umask(077);
	assert_int_equal(rump_sys_umask(old), 077);
}

static void
a_new_file_takes_the_group_of_a_setgid_directory(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_int_equal(rump_sys_chown("/d", 0, 500), 0);
	assert_int_equal(rump_sys_chmod("/d", 02755), 0);
	vfstest_mkfile("/d/f", "");
	assert_int_equal(rump_sys_mkdir("/d/e", 0755), 0);
	assert_int_equal(rump_sys_stat("/d/f", &sb), 0);
	assert_int_equal(sb.st_gid, 500);
	assert_int_equal(rump_sys_stat("/d/e", &sb), 0);
	assert_true((sb.st_mode & S_ISGID) != 0);
	assert_int_equal(rump_sys_rmdir("/d/e"), 0);
	assert_int_equal(rump_sys_unlink("/d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(stat_reports_type_size_owner_and_times),
		leak_test(fstatat_empty_path_stats_the_descriptor),
		leak_test(fstatat_nofollow_stats_the_link),
		leak_test(chmod_changes_the_permission_bits),
		leak_test(chmod_by_someone_else_is_eperm),
		leak_test(chown_by_root_gives_the_file_away),
		leak_test(chown_to_another_user_is_eperm_for_the_owner),
		leak_test(chown_clears_set_user_id),
		leak_test(lchown_changes_the_link_and_fchown_the_open_file),
		leak_test(utimensat_sets_both_times),
		leak_test(utimensat_omit_keeps_one_and_now_sets_the_clock),
		leak_test(utimensat_with_a_bad_nanosecond_is_einval),
		leak_test(utimensat_explicit_times_need_ownership),
		leak_test(futimens_form_takes_the_descriptor),
		leak_test(access_checks_the_real_ids),
		leak_test(open_for_writing_without_permission_is_eacces),
		leak_test(umask_returns_the_previous_mask),
		leak_test(a_new_file_takes_the_group_of_a_setgid_directory),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
