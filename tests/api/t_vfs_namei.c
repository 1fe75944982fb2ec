/*
 * Path lookup through the system calls: absolute and relative paths, "."
 * and "..", symbolic links and their loop limit, the length limits,
 * search permission, the current and root directories, getcwd.
 */
#include <limits.h>

#include "vfstest.h"

/* A process of its own, acting as uid/gid 1000 (root is never refused). */
static void
become_user(void)
{
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setgid(1000), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
}

static void
back_to_root(void)
{
	assert_int_equal(rump_lwproc_releaselwp(), 0);
}

static void
relative_paths_start_at_the_current_directory(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	vfstest_mkfile("/d/f", "in d");
	assert_int_equal(rump_sys_chdir("/d"), 0);
	vfstest_assert_content("f", "in d");
	vfstest_assert_content("./f", "in d");
	vfstest_assert_content("../d/f", "in d");
	assert_int_equal(rump_sys_chdir("/"), 0);
	assert_int_equal(rump_sys_unlink("/d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
repeated_slashes_and_dots_name_the_same_file(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	vfstest_mkfile("/d/f", "x");
	vfstest_assert_content("//d///./f", "x");
	vfstest_assert_content("/d/../d/./f", "x");
	assert_int_equal(rump_sys_unlink("/d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
dotdot_of_the_root_is_the_root(void **state)
{
	struct stat a, b;

	(void)state;
	assert_int_equal(rump_sys_stat("/", &a), 0);
	assert_int_equal(rump_sys_stat("/../../..", &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
}

static void
an_empty_path_is_enoent(void **state)
{
	struct stat sb;

	(void)state;
	assert_fails(rump_sys_stat("", &sb), ENOENT);
}

static void
a_file_in_the_middle_of_a_path_is_enotdir(void **state)
{
	struct stat sb;

	(void)state;
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_stat("/f/x", &sb), ENOTDIR);
	assert_fails(rump_sys_stat("/f/", &sb), ENOTDIR);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
a_missing_directory_in_a_path_is_enoent(void **state)
{
	struct stat sb;

	(void)state;
	assert_fails(rump_sys_stat("/nothing/x", &sb), ENOENT);
	assert_fails(rump_sys_mkdir("/nothing/x", 0755), ENOENT);
}

static void
a_path_of_path_max_bytes_is_enametoolong(void **state)
{
	static char path[PATH_MAX + 1];
	struct stat sb;

	(void)state;
	memset(path, 'a', PATH_MAX);
	for (size_t i = 0; i < PATH_MAX; i += 100)
		path[i] = '/';
	assert_fails(rump_sys_stat(path, &sb), ENAMETOOLONG);
}

static void
a_component_over_name_max_is_enametoolong(void **state)
{
	char name[NAME_MAX + 3];
	struct stat sb;

	(void)state;
	name[0] = '/';
	memset(name + 1, 'a', NAME_MAX + 1);
	name[NAME_MAX + 2] = '\0';
	assert_fails(rump_sys_stat(name, &sb), ENAMETOOLONG);
	name[NAME_MAX + 1] = '\0';
	assert_fails(rump_sys_stat(name, &sb), ENOENT);
}

static void
symlinks_are_followed_in_the_middle_and_at_the_end(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	vfstest_mkfile("/d/f", "x");
	assert_int_equal(rump_sys_symlink("d", "/rel"), 0);
	assert_int_equal(rump_sys_symlink("/d/f", "/abs"), 0);
	vfstest_assert_content("/rel/f", "x");
	vfstest_assert_content("/abs", "x");
	assert_int_equal(rump_sys_unlink("/abs"), 0);
	assert_int_equal(rump_sys_unlink("/rel"), 0);
	assert_int_equal(rump_sys_unlink("/d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
lstat_does_not_follow_the_last_symlink(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_symlink("/nowhere", "/l"), 0);
	assert_int_equal(rump_sys_lstat("/l", &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(sb.st_size, 8);
	assert_fails(rump_sys_stat("/l", &sb), ENOENT);
	assert_int_equal(rump_sys_unlink("/l"), 0);
}

static void
a_symlink_loop_is_eloop(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_symlink("/b", "/a"), 0);
	assert_int_equal(rump_sys_symlink("/a", "/b"), 0);
	assert_fails(rump_sys_stat("/a", &sb), ELOOP);
	assert_int_equal(rump_sys_unlink("/a"), 0);
	assert_int_equal(rump_sys_unlink("/b"), 0);
}

/* Linux follows 40 links in one lookup and refuses the 41st. */
static void
forty_symlinks_are_followed_and_the_41st_is_eloop(void **state)
{
	char from[16], to[16];
	struct stat sb;

	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_symlink("/f", "/l0"), 0);
	for (int i = 1; i <= 40; i++) {
		snprintf(from, sizeof(from), "/l%d", i - 1);
		snprintf(to, sizeof(to), "/l%d", i);
		assert_int_equal(rump_sys_symlink(from, to), 0);
	}
	assert_int_equal(rump_sys_stat("/l39", &sb), 0);
	assert_fails(rump_sys_stat("/l40", &sb), ELOOP);
	for (int i = 0; i <= 40; i++) {
		snprintf(to, sizeof(to), "/l%d", i);
		assert_int_equal(rump_sys_unlink(to), 0);
	}
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
a_symlink_with_a_trailing_slash_is_followed(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_int_equal(rump_sys_symlink("d", "/l"), 0);
	assert_int_equal(rump_sys_lstat("/l/", &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(rump_sys_unlink("/l"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
a_directory_without_search_permission_is_eacces(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0700), 0);
	vfstest_mkfile("/d/f", "");
	become_user();
	assert_fails(rump_sys_stat("/d/f", &sb), EACCES);
	assert_fails(rump_sys_chdir("/d"), EACCES);
	assert_int_equal(rump_sys_stat("/d", &sb), 0);
	back_to_root();
	assert_int_equal(rump_sys_unlink("/d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
search_permission_is_checked_on_every_directory(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/a", 0711), 0);
	assert_int_equal(rump_sys_mkdir("/a/b", 0700), 0);
	assert_int_equal(rump_sys_mkdir("/a/b/c", 0777), 0);
	become_user();
	assert_int_equal(rump_sys_stat("/a/b", &sb), 0);
	assert_fails(rump_sys_stat("/a/b/c", &sb), EACCES);
	back_to_root();
	assert_int_equal(rump_sys_rmdir("/a/b/c"), 0);
	assert_int_equal(rump_sys_rmdir("/a/b"), 0);
	assert_int_equal(rump_sys_rmdir("/a"), 0);
}

static void
the_group_class_decides_for_a_group_member(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0070), 0);
	assert_int_equal(rump_sys_chown("/d", 0, 1000), 0);
	become_user();
	assert_int_equal(rump_sys_stat("/d/.", &sb), 0);
	back_to_root();
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
chdir_to_a_file_is_enotdir(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_chdir("/f"), ENOTDIR);
	assert_fails(rump_sys_chdir("/nothing"), ENOENT);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
fchdir_makes_an_open_directory_current(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	vfstest_mkfile("/d/f", "y");
	fd = rump_sys_open("/d", O_RDONLY | O_DIRECTORY, 0);
	assert_int_equal(rump_sys_fchdir(fd), 0);
	vfstest_assert_content("f", "y");
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_chdir("/"), 0);
	assert_fails(rump_sys_fchdir(fd), EBADF);
	assert_int_equal(rump_sys_unlink("/d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
getcwd_names_the_current_directory(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(rump_sys_getcwd(buf, sizeof(buf)), 2);
	assert_string_equal(buf, "/");
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/d/e", 0755), 0);
	assert_int_equal(rump_sys_chdir("/d/e"), 0);
	assert_int_equal(rump_sys_getcwd(buf, sizeof(buf)), 5);
	assert_string_equal(buf, "/d/e");
	assert_fails(rump_sys_getcwd(buf, 4), ERANGE);
	assert_int_equal(rump_sys_chdir("/"), 0);
	assert_int_equal(rump_sys_rmdir("/d/e"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
getcwd_of_a_removed_directory_is_enoent(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_int_equal(rump_sys_chdir("/d"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
	assert_fails(rump_sys_getcwd(buf, sizeof(buf)), ENOENT);
	assert_int_equal(rump_sys_chdir("/"), 0);
}

static void
chroot_confines_absolute_paths_and_dotdot(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(rump_sys_mkdir("/jail", 0755), 0);
	vfstest_mkfile("/jail/f", "inside");
	vfstest_mkfile("/f", "outside");
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_chroot("/jail"), 0);
	assert_int_equal(rump_sys_chdir("/"), 0);
	vfstest_assert_content("/f", "inside");
	vfstest_assert_content("/../../f", "inside");
	assert_int_equal(rump_sys_getcwd(buf, sizeof(buf)), 2);
	back_to_root();
	assert_int_equal(rump_sys_unlink("/f"), 0);
	assert_int_equal(rump_sys_unlink("/jail/f"), 0);
	assert_int_equal(rump_sys_rmdir("/jail"), 0);
}

static void
chroot_needs_root(void **state)
{
	(void)state;
	become_user();
	assert_fails(rump_sys_chroot("/"), EPERM);
	back_to_root();
}

static void
openat_resolves_relative_to_the_directory(void **state)
{
	int dfd, fd;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	vfstest_mkfile("/d/f", "z");
	dfd = rump_sys_open("/d", O_RDONLY | O_DIRECTORY, 0);
	fd = rump_sys_openat(dfd, "f", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_close(fd), 0);
	/* An absolute path ignores the directory. */
	fd = rump_sys_openat(dfd, "/d/f", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_close(dfd), 0);
	assert_int_equal(rump_sys_unlink("/d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
openat_with_a_file_or_a_bad_descriptor_fails(void **state)
{
	int fd;

	(void)state;
	vfstest_mkfile("/f", "");
	fd = rump_sys_open("/f", O_RDONLY, 0);
	assert_fails(rump_sys_openat(fd, "x", O_RDONLY, 0), ENOTDIR);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_fails(rump_sys_openat(fd, "x", O_RDONLY, 0), EBADF);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
a_null_path_is_efault(void **state)
{
	struct stat sb;

	(void)state;
	assert_fails(rump_sys_stat(NULL, &sb), EFAULT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(relative_paths_start_at_the_current_directory),
		leak_test(repeated_slashes_and_dots_name_the_same_file),
		leak_test(dotdot_of_the_root_is_the_root),
		leak_test(an_empty_path_is_enoent),
		leak_test(a_file_in_the_middle_of_a_path_is_enotdir),
		leak_test(a_missing_directory_in_a_path_is_enoent),
		leak_test(a_path_of_path_max_bytes_is_enametoolong),
		leak_test(a_component_over_name_max_is_enametoolong),
		leak_test(symlinks_are_followed_in_the_middle_and_at_the_end),
		leak_test(lstat_does_not_follow_the_last_symlink),
		leak_test(a_symlink_loop_is_eloop),
		leak_test(forty_symlinks_are_followed_and_the_41st_is_eloop),
		leak_test(a_symlink_with_a_trailing_slash_is_followed),
		leak_test(a_directory_without_search_permission_is_eacces),
		leak_test(search_permission_is_checked_on_every_directory),
		leak_test(the_group_class_decides_for_a_group_member),
		leak_test(chdir_to_a_file_is_enotdir),
		leak_test(fchdir_makes_an_open_directory_current),
		leak_test(getcwd_names_the_current_directory),
		leak_test(getcwd_of_a_removed_directory_is_enoent),
		leak_test(chroot_confines_absolute_paths_and_dotdot),
		leak_test(chroot_needs_root),
		leak_test(openat_resolves_relative_to_the_directory),
		leak_test(openat_with_a_file_or_a_bad_descriptor_fails),
		leak_test(a_null_path_is_efault),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
