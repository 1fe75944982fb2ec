/*
 * rename(2) and renameat(2): every POSIX case, with Linux's errors.
 */
#include "vfstest.h"

static void
rename_moves_a_file_to_a_new_name(void **state)
{
	(void)state;
	vfstest_mkfile("/a", "A");
	assert_int_equal(rump_sys_rename("/a", "/b"), 0);
	vfstest_assert_absent("/a");
	vfstest_assert_content("/b", "A");
	assert_int_equal(rump_sys_unlink("/b"), 0);
}

static void
rename_over_a_file_replaces_it(void **state)
{
	struct stat sb;

	(void)state;
	vfstest_mkfile("/a", "A");
	vfstest_mkfile("/b", "B");
	assert_int_equal(rump_sys_rename("/a", "/b"), 0);
	vfstest_assert_content("/b", "A");
	vfstest_assert_absent("/a");
	assert_int_equal(rump_sys_stat("/b", &sb), 0);
	assert_int_equal(sb.st_nlink, 1);
	assert_int_equal(rump_sys_unlink("/b"), 0);
}

static void
rename_over_an_empty_directory_replaces_it(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/a", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/b", 0700), 0);
	assert_int_equal(rump_sys_rename("/a", "/b"), 0);
	assert_int_equal(rump_sys_stat("/b", &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0755);
	vfstest_assert_absent("/a");
	assert_int_equal(rump_sys_rmdir("/b"), 0);
}

static void
rename_over_a_non_empty_directory_is_enotempty(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/a", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/b", 0755), 0);
	vfstest_mkfile("/b/f", "");
	assert_fails(rump_sys_rename("/a", "/b"), ENOTEMPTY);
	assert_int_equal(rump_sys_unlink("/b/f"), 0);
	assert_int_equal(rump_sys_rmdir("/b"), 0);
	assert_int_equal(rump_sys_rmdir("/a"), 0);
}

static void
rename_of_a_directory_into_its_own_subtree_is_einval(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/a", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/a/b", 0755), 0);
	assert_fails(rump_sys_rename("/a", "/a/b/c"), EINVAL);
	assert_fails(rump_sys_rename("/a", "/a/c"), EINVAL);
	assert_int_equal(rump_sys_rmdir("/a/b"), 0);
	assert_int_equal(rump_sys_rmdir("/a"), 0);
}

static void
rename_of_a_directory_over_its_ancestor_is_enotempty(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/a", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/a/b", 0755), 0);
	assert_fails(rump_sys_rename("/a/b", "/a"), ENOTEMPTY);
	assert_int_equal(rump_sys_rmdir("/a/b"), 0);
	assert_int_equal(rump_sys_rmdir("/a"), 0);
}

static void
rename_of_two_names_of_one_file_does_nothing(void **state)
{
	(void)state;
	vfstest_mkfile("/a", "A");
	assert_int_equal(rump_sys_link("/a", "/b"), 0);
	assert_int_equal(rump_sys_rename("/a", "/b"), 0);
	vfstest_assert_content("/a", "A");
	vfstest_assert_content("/b", "A");
	assert_int_equal(rump_sys_rename("/a", "/a"), 0);
	assert_int_equal(rump_sys_unlink("/a"), 0);
	assert_int_equal(rump_sys_unlink("/b"), 0);
}

static void
rename_between_file_and_directory_fails_by_target_type(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_fails(rump_sys_rename("/f", "/d"), EISDIR);
	assert_fails(rump_sys_rename("/d", "/f"), ENOTDIR);
	assert_fails(rump_sys_rename("/f", "/f/"), ENOTDIR);
	/* A trailing slash asks for a directory, also of a new name. */
	assert_fails(rump_sys_rename("/f", "/g/"), ENOTDIR);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
rename_of_dot_or_dotdot_is_ebusy(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_fails(rump_sys_rename("/d/.", "/x"), EBUSY);
	assert_fails(rump_sys_rename("/d/..", "/x"), EBUSY);
	assert_fails(rump_sys_rename("/d", "/d/.."), EBUSY);
	assert_fails(rump_sys_rename("/", "/x"), EBUSY);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
rename_of_a_missing_source_is_enoent(void **state)
{
	(void)state;
	assert_fails(rump_sys_rename("/nothing", "/x"), ENOENT);
	assert_fails(rump_sys_rename("/nothing/..", "/x"), ENOENT);
}

static void
a_missing_source_with_a_file_as_target_directory_is_enotdir(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_rename("/nothing", "/f/x"), ENOTDIR);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
rename_with_either_path_missing_is_efault(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_rename(NULL, "/g"), EFAULT);
	assert_fails(rump_sys_rename("/f", NULL), EFAULT);
	vfstest_assert_content("/f", "");
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
rename_of_a_file_over_its_own_directory_is_enotempty(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	vfstest_mkfile("/d/f", "");
	assert_fails(rump_sys_rename("/d/f", "/d"), ENOTEMPTY);
	assert_int_equal(rump_sys_unlink("/d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
rename_moves_a_directory_between_parents(void **state)
{
	struct stat sb;
	char buf[8];

	(void)state;
	assert_int_equal(rump_sys_mkdir("/p", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/q", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/p/d", 0755), 0);
	assert_int_equal(rump_sys_rename("/p/d", "/q/d"), 0);
	assert_int_equal(rump_sys_stat("/p", &sb), 0);
	assert_int_equal(sb.st_nlink, 2);
	assert_int_equal(rump_sys_stat("/q", &sb), 0);
	assert_int_equal(sb.st_nlink, 3);
	/* Its ".." follows it. */
	assert_int_equal(rump_sys_chdir("/q/d/.."), 0);
	assert_int_equal(rump_sys_getcwd(buf, sizeof(buf)), 3);
	assert_string_equal(buf, "/q");
	assert_int_equal(rump_sys_chdir("/"), 0);
	assert_int_equal(rump_sys_rmdir("/q/d"), 0);
	assert_int_equal(rump_sys_rmdir("/q"), 0);
	assert_int_equal(rump_sys_rmdir("/p"), 0);
}

static void
renameat_resolves_both_sides_from_their_directories(void **state)
{
	int p, q;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/p", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/q", 0755), 0);
	vfstest_mkfile("/p/f", "F");
	p = rump_sys_open("/p", O_RDONLY | O_DIRECTORY, 0);
	q = rump_sys_open("/q", O_RDONLY | O_DIRECTORY, 0);
	assert_int_equal(rump_sys_renameat(p, "f", q, "g"), 0);
	vfstest_assert_content("/q/g", "F");
	assert_int_equal(rump_sys_close(p), 0);
	assert_int_equal(rump_sys_close(q), 0);
	assert_int_equal(rump_sys_unlink("/q/g"), 0);
	assert_int_equal(rump_sys_rmdir("/q"), 0);
	assert_int_equal(rump_sys_rmdir("/p"), 0);
}

static void
rename_keeps_an_open_replaced_file_readable(void **state)
{
	char buf[4];
	int fd;

	(void)state;
	vfstest_mkfile("/a", "A");
	vfstest_mkfile("/b", "B");
	fd = rump_sys_open("/b", O_RDONLY, 0);
	assert_int_equal(rump_sys_rename("/a", "/b"), 0);
	assert_int_equal(rump_sys_read(fd, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'B');
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/b"), 0);
}

static void
rename_needs_write_permission_on_both_directories(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/p", 0777), 0);
	assert_int_equal(rump_sys_chmod("/p", 0777), 0);
	assert_int_equal(rump_sys_mkdir("/q", 0755), 0);
	vfstest_mkfile("/p/f", "");
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_fails(rump_sys_rename("/p/f", "/q/f"), EACCES);
	assert_int_equal(rump_sys_rename("/p/f", "/p/g"), 0);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	assert_int_equal(rump_sys_unlink("/p/g"), 0);
	assert_int_equal(rump_sys_rmdir("/q"), 0);
	assert_int_equal(rump_sys_rmdir("/p"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(rename_moves_a_file_to_a_new_name),
		leak_test(rename_over_a_file_replaces_it),
		leak_test(rename_over_an_empty_directory_replaces_it),
		leak_test(rename_over_a_non_empty_directory_is_enotempty),
		leak_test(rename_of_a_directory_into_its_own_subtree_is_einval),
		leak_test(rename_of_a_directory_over_its_ancestor_is_enotempty),
		leak_test(rename_of_two_names_of_one_file_does_nothing),
		leak_test(rename_between_file_and_directory_fails_by_target_type),
		leak_test(rename_of_dot_or_dotdot_is_ebusy),
		leak_test(rename_of_a_missing_source_is_enoent),
		leak_test(a_missing_source_with_a_file_as_target_directory_is_enotdir),
		leak_test(rename_with_either_path_missing_is_efault),
		leak_test(rename_of_a_file_over_its_own_directory_is_enotempty),
		leak_test(rename_moves_a_directory_between_parents),
		leak_test(renameat_resolves_both_sides_from_their_directories),
		leak_test(rename_keeps_an_open_replaced_file_readable),
		leak_test(rename_needs_write_permission_on_both_directories),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
