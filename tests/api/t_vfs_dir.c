/*
 * Names on rumpfs through the system calls: mkdir, rmdir, unlink, link,
 * symlink, readlink, mknod and reading directories with getdents64.
 */
#include <dirent.h>

#include "vfstest.h"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void
mkdir_makes_a_directory_with_two_links(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_int_equal(rump_sys_stat("/d", &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_nlink, 2);
	assert_int_equal(rump_sys_mkdir("/d/e", 0755), 0);
	assert_int_equal(rump_sys_stat("/d", &sb), 0);
	assert_int_equal(sb.st_nlink, 3);
	assert_int_equal(rump_sys_rmdir("/d/e"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
mkdir_of_an_existing_name_is_eexist(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_mkdir("/f", 0755), EEXIST);
	assert_fails(rump_sys_mkdir("/", 0755), EEXIST);
	assert_fails(rump_sys_mkdir(".", 0755), EEXIST);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
mkdir_with_a_trailing_slash_works(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d/", 0755), 0);
	assert_int_equal(rump_sys_rmdir("/d/"), 0);
}

static void
mkdirat_makes_the_directory_under_dirfd(void **state)
{
	struct stat sb;
	int dfd;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	dfd = rump_sys_open("/d", O_RDONLY | O_DIRECTORY, 0);
	assert_int_equal(rump_sys_mkdirat(dfd, "e", 0700), 0);
	assert_int_equal(rump_sys_stat("/d/e", &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(rump_sys_unlinkat(dfd, "e", AT_REMOVEDIR), 0);
	assert_int_equal(rump_sys_close(dfd), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
rmdir_of_a_non_empty_directory_is_enotempty(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	vfstest_mkfile("/d/f", "");
	assert_fails(rump_sys_rmdir("/d"), ENOTEMPTY);
	assert_int_equal(rump_sys_unlink("/d/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
rmdir_of_dot_dotdot_root_and_files_fails_as_linux(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_rmdir("/d/."), EINVAL);
	assert_fails(rump_sys_rmdir("/d/.."), ENOTEMPTY);
	assert_fails(rump_sys_rmdir("/"), EBUSY);
	assert_fails(rump_sys_rmdir("/f"), ENOTDIR);
	assert_fails(rump_sys_rmdir("/nothing"), ENOENT);
	assert_int_equal(rump_sys_unlink("/f"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
unlink_of_a_directory_is_eisdir(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_fails(rump_sys_unlink("/d"), EISDIR);
	assert_fails(rump_sys_unlink("/d/"), EISDIR);
	assert_fails(rump_sys_unlink("/"), EISDIR);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
unlinkat_with_a_bad_flag_is_einval(void **state)
{
	(void)state;
	assert_fails(rump_sys_unlinkat(AT_FDCWD, "/x", 0x1), EINVAL);
}

static void
link_adds_a_name_and_counts_it(void **state)
{
	struct stat a, b;

	(void)state;
	vfstest_mkfile("/f", "data");
	assert_int_equal(rump_sys_link("/f", "/g"), 0);
	assert_int_equal(rump_sys_stat("/f", &a), 0);
	assert_int_equal(rump_sys_stat("/g", &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_nlink, 2);
	assert_int_equal(rump_sys_unlink("/f"), 0);
	vfstest_assert_content("/g", "data");
	assert_int_equal(rump_sys_stat("/g", &b), 0);
	assert_int_equal(b.st_nlink, 1);
	assert_int_equal(rump_sys_unlink("/g"), 0);
}

static void
link_errors_are_linux_ones(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_fails(rump_sys_link("/d", "/e"), EPERM);
	assert_fails(rump_sys_link("/f", "/d"), EEXIST);
	assert_fails(rump_sys_link("/nothing", "/e"), ENOENT);
	assert_fails(rump_sys_link("/f", "/new/"), ENOENT);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
a_link_of_a_directory_to_a_bad_new_name_fails_for_the_name_first(
    void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_fails(rump_sys_link("/d", "/missing/e"), ENOENT);
	assert_fails(rump_sys_link("/d", "/d"), EEXIST);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
linkat_follow_links_the_symlink_target(void **state)
{
	struct stat sb;

	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_symlink("/f", "/l"), 0);
	assert_int_equal(rump_sys_linkat(AT_FDCWD, "/l", AT_FDCWD, "/a", 0), 0);
	assert_int_equal(rump_sys_lstat("/a", &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	assert_int_equal(rump_sys_linkat(AT_FDCWD, "/l", AT_FDCWD, "/b",
	    AT_SYMLINK_FOLLOW), 0);
	assert_int_equal(rump_sys_lstat("/b", &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_fails(rump_sys_linkat(AT_FDCWD, "/l", AT_FDCWD, "/c", 0x8000), EINVAL);
	assert_int_equal(rump_sys_unlink("/a"), 0);
	assert_int_equal(rump_sys_unlink("/b"), 0);
	assert_int_equal(rump_sys_unlink("/l"), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
symlink_and_readlink_round_trip(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(rump_sys_symlink("some/where", "/l"), 0);
	assert_int_equal(rump_sys_readlink("/l", buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "some/where", 10);
	/* A short buffer gets a truncated target, no NUL. */
	assert_int_equal(rump_sys_readlink("/l", buf, 4), 4);
	assert_memory_equal(buf, "some", 4);
	assert_int_equal(rump_sys_readlinkat(AT_FDCWD, "/l", buf, sizeof(buf)), 10);
	assert_int_equal(rump_sys_unlink("/l"), 0);
}

static void
readlink_of_a_file_or_with_no_room_is_einval(void **state)
{
	char buf[8];

	(void)state;
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_readlink("/f", buf, sizeof(buf)), EINVAL);
	assert_fails(rump_sys_readlink("/f", buf, 0), EINVAL);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
symlink_errors_are_linux_ones(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_symlink("x", "/f"), EEXIST);
	assert_fails(rump_sys_symlink("", "/l"), ENOENT);
	assert_fails(rump_sys_symlink("x", "/new/"), ENOENT);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
mknod_makes_a_fifo(void **state)
{
	struct stat sb;

	(void)state;
	assert_int_equal(rump_sys_mknod("/p", S_IFIFO | 0600, 0), 0);
	assert_int_equal(rump_sys_stat("/p", &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(rump_sys_unlink("/p"), 0);
}

static void
mknod_of_a_directory_or_symlink_fails(void **state)
{
	(void)state;
	assert_fails(rump_sys_mknod("/x", S_IFDIR | 0755, 0), EPERM);
	assert_fails(rump_sys_mknod("/x", S_IFLNK | 0755, 0), EINVAL);
	assert_fails(rump_sys_mknodat(AT_FDCWD, "/x/", S_IFIFO | 0644, 0), ENOENT);
}

static void
mknod_of_a_device_needs_root(void **state)
{
	struct stat sb;

	(void)state;
	SKIP_ON_REMOTE("a second process needs rump_lwproc_rfork");
	assert_int_equal(rump_sys_mknod("/c", S_IFCHR | 0600, 0x0103), 0);
	assert_int_equal(rump_sys_stat("/c", &sb), 0);
	assert_int_equal(sb.st_rdev, 0x0103);
	assert_int_equal(rump_sys_unlink("/c"), 0);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_fails(rump_sys_mknod("/c", S_IFCHR | 0600, 0x0103), EPERM);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
}

/* Reads a directory whole with a buffer of bufsize; counts names seen. */
static int
count_entries(const char *path, size_t bufsize, int *dots)
{
	char buf[4096];
	int fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY, 0), n = 0;
	ssize_t got;

	assert_true(fd >= 0 && bufsize <= sizeof(buf));
	*dots = 0;
	while ((got = rump_sys_getdents64(fd, buf, bufsize)) > 0) {
		for (ssize_t off = 0; off < got;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				(*dots)++;
			else
				n++;
			assert_int_equal(d->d_reclen % 8, 0);
			off += d->d_reclen;
		}
	}
	assert_int_equal(got, 0);
	assert_int_equal(rump_sys_close(fd), 0);
	return n;
}

static void
getdents64_lists_every_entry_once(void **state)
{
	char name[32];
	int dots;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "/d/file%d", i);
		vfstest_mkfile(name, "");
	}
	assert_int_equal(count_entries("/d", 4096, &dots), 100);
	assert_int_equal(dots, 2);
	/* A buffer of one record at a time sees the same. */
	assert_int_equal(count_entries("/d", 40, &dots), 100);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "/d/file%d", i);
		assert_int_equal(rump_sys_unlink(name), 0);
	}
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
getdents64_gives_types_and_inode_numbers(void **state)
{
	char buf[1024];
	struct stat sb;
	int fd, seen = 0;
	ssize_t got;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_int_equal(rump_sys_mkdir("/d/sub", 0755), 0);
	assert_int_equal(rump_sys_symlink("x", "/d/l"), 0);
	assert_int_equal(rump_sys_stat("/d/sub", &sb), 0);
	fd = rump_sys_open("/d", O_RDONLY | O_DIRECTORY, 0);
	got = rump_sys_getdents64(fd, buf, sizeof(buf));
	for (ssize_t off = 0; off < got;) {
		struct linux_dirent64 *d = (void *)(buf + off);

		if (strcmp(d->d_name, "sub") == 0) {
			assert_int_equal(d->d_type, DT_DIR);
			assert_int_equal(d->d_ino, sb.st_ino);
			seen++;
		} else if (strcmp(d->d_name, "l") == 0) {
			assert_int_equal(d->d_type, DT_LNK);
			seen++;
		}
		off += d->d_reclen;
	}
	assert_int_equal(seen, 2);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/d/l"), 0);
	assert_int_equal(rump_sys_rmdir("/d/sub"), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
getdents64_errors(void **state)
{
	char buf[8];
	int fd;

	(void)state;
	vfstest_mkfile("/f", "");
	fd = rump_sys_open("/f", O_RDONLY, 0);
	assert_fails(rump_sys_getdents64(fd, buf, sizeof(buf)), ENOTDIR);
	assert_int_equal(rump_sys_close(fd), 0);
	fd = rump_sys_open("/", O_RDONLY | O_DIRECTORY, 0);
	assert_fails(rump_sys_getdents64(fd, buf, sizeof(buf)), EINVAL);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_fails(rump_sys_getdents64(fd, buf, sizeof(buf)), EBADF);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
lseek_to_zero_rereads_a_directory(void **state)
{
	char buf[1024];
	int fd;
	ssize_t first;

	(void)state;
	fd = rump_sys_open("/", O_RDONLY | O_DIRECTORY, 0);
	first = rump_sys_getdents64(fd, buf, sizeof(buf));
	assert_true(first > 0);
	assert_int_equal(rump_sys_getdents64(fd, buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(rump_sys_getdents64(fd, buf, sizeof(buf)), first);
	assert_int_equal(rump_sys_close(fd), 0);
}

static void
creating_in_a_directory_needs_write_permission(void **state)
{
	(void)state;
	SKIP_ON_REMOTE("a second process needs rump_lwproc_rfork");
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_fails(rump_sys_mkdir("/d/e", 0755), EACCES);
	assert_fails(rump_sys_open("/d/f", O_CREAT | O_WRONLY, 0644), EACCES);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
the_sticky_bit_keeps_others_from_removing(void **state)
{
	(void)state;
	SKIP_ON_REMOTE("a second process needs rump_lwproc_rfork");
	assert_int_equal(rump_sys_mkdir("/t", 01777), 0);
	assert_int_equal(rump_sys_chmod("/t", 01777), 0);
	vfstest_mkfile("/t/f", "");
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_fails(rump_sys_unlink("/t/f"), EPERM);
	vfstest_mkfile("/t/mine", "");
	assert_int_equal(rump_sys_unlink("/t/mine"), 0);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	assert_int_equal(rump_sys_unlink("/t/f"), 0);
	assert_int_equal(rump_sys_rmdir("/t"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(mkdir_makes_a_directory_with_two_links),
		leak_test(mkdir_of_an_existing_name_is_eexist),
		leak_test(mkdir_with_a_trailing_slash_works),
		leak_test(mkdirat_makes_the_directory_under_dirfd),
		leak_test(rmdir_of_a_non_empty_directory_is_enotempty),
		leak_test(rmdir_of_dot_dotdot_root_and_files_fails_as_linux),
		leak_test(unlink_of_a_directory_is_eisdir),
		leak_test(unlinkat_with_a_bad_flag_is_einval),
		leak_test(link_adds_a_name_and_counts_it),
		leak_test(link_errors_are_linux_ones),
		leak_test(a_link_of_a_directory_to_a_bad_new_name_fails_for_the_name_first),
		leak_test(linkat_follow_links_the_symlink_target),
		leak_test(symlink_and_readlink_round_trip),
		leak_test(readlink_of_a_file_or_with_no_room_is_einval),
		leak_test(symlink_errors_are_linux_ones),
		leak_test(mknod_makes_a_fifo),
		leak_test(mknod_of_a_directory_or_symlink_fails),
		leak_test(mknod_of_a_device_needs_root),
		leak_test(getdents64_lists_every_entry_once),
		leak_test(getdents64_gives_types_and_inode_numbers),
		leak_test(getdents64_errors),
		leak_test(lseek_to_zero_rereads_a_directory),
		leak_test(creating_in_a_directory_needs_write_permission),
		leak_test(the_sticky_bit_keeps_others_from_removing),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
