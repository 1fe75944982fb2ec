/*
 * Regular files on rumpfs through the file system calls: open and its
 * flags, read, write, the offset, pread/pwrite, readv/writev, lseek with
 * holes, truncation, fsync.  Errors as Linux gives them.
 */
#include <sys/uio.h>

#include "vfstest.h"

static void
open_creat_makes_an_empty_file(void **state)
{
	struct stat sb;
	int fd;

	(void)state;
	fd = rump_sys_open("/f", O_RDWR | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_fstat(fd, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_size, 0);
	assert_int_equal(sb.st_nlink, 1);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
open_of_a_missing_file_is_enoent(void **state)
{
	(void)state;
	assert_fails(rump_sys_open("/nothing", O_RDONLY, 0), ENOENT);
}

static void
open_creat_excl_of_an_existing_file_is_eexist(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "x");
	assert_fails(rump_sys_open("/f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
open_creat_excl_of_a_dangling_symlink_is_eexist(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_symlink("/target", "/l"), 0);
	assert_fails(rump_sys_open("/l", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	vfstest_assert_absent("/target");
	assert_int_equal(rump_sys_unlink("/l"), 0);
}

static void
open_creat_through_a_dangling_symlink_creates_its_target(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(rump_sys_symlink("/target", "/l"), 0);
	fd = rump_sys_open("/l", O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_close(fd), 0);
	vfstest_assert_content("/target", "");
	assert_int_equal(rump_sys_unlink("/l"), 0);
	assert_int_equal(rump_sys_unlink("/target"), 0);
}

static void
open_creat_with_a_trailing_slash_is_eisdir(void **state)
{
	(void)state;
	assert_fails(rump_sys_open("/new/", O_WRONLY | O_CREAT, 0644), EISDIR);
}

static void
open_of_a_directory_for_writing_is_eisdir(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mkdir("/d", 0755), 0);
	assert_fails(rump_sys_open("/d", O_WRONLY, 0), EISDIR);
	assert_fails(rump_sys_open("/d", O_RDWR | O_CREAT, 0644), EISDIR);
	assert_int_equal(rump_sys_rmdir("/d"), 0);
}

static void
open_directory_of_a_file_is_enotdir(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_fails(rump_sys_open("/f", O_RDONLY | O_DIRECTORY, 0), ENOTDIR);
	assert_fails(rump_sys_open("/f/", O_RDONLY, 0), ENOTDIR);
	assert_fails(rump_sys_open("/f/x", O_RDONLY, 0), ENOTDIR);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
open_nofollow_of_a_symlink_is_eloop(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_symlink("f", "/l"), 0);
	assert_fails(rump_sys_open("/l", O_RDONLY | O_NOFOLLOW, 0), ELOOP);
	assert_int_equal(rump_sys_unlink("/l"), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
open_with_both_access_modes_bits_is_einval(void **state)
{
	(void)state;
	assert_fails(rump_sys_open("/", O_WRONLY | O_RDWR, 0), EINVAL);
}

static void
open_cloexec_sets_the_descriptor_flag(void **state)
{
	int fd;

	(void)state;
	fd = rump_sys_open("/", O_RDONLY | O_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_fcntl(fd, F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(rump_sys_close(fd), 0);
}

static void
open_applies_the_umask(void **state)
{
	struct stat sb;
	mode_t old;

	(void)state;
	old = rump_sys_umask(027);
	vfstest_mkfile("/f", "");
	assert_int_equal(rump_sys_stat("/f", &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	rump_sys_umask(old);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
write_then_read_back_through_the_offset(void **state)
{
	char buf[16];
	int fd;

	(void)state;
	fd = rump_sys_open("/f", O_RDWR | O_CREAT, 0644);
	assert_int_equal(rump_sys_write(fd, "hello ", 6), 6);
	assert_int_equal(rump_sys_write(fd, "world", 5), 5);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_CUR), 11);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(rump_sys_read(fd, buf, sizeof(buf)), 11);
	assert_memory_equal(buf, "hello world", 11);
	assert_int_equal(rump_sys_read(fd, buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
a_write_across_pages_reads_back_whole(void **state)
{
	static char out[3 * 4096 + 100], in[sizeof(out)];
	int fd;

	(void)state;
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 3);
	fd = rump_sys_open("/f", O_RDWR | O_CREAT, 0644);
	assert_int_equal(rump_sys_pwrite(fd, out, sizeof(out), 1000),
	    (ssize_t)sizeof(out));
	assert_int_equal(rump_sys_pread(fd, in, sizeof(in), 1000),
	    (ssize_t)sizeof(in));
	assert_memory_equal(in, out, sizeof(out));
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
pread_and_pwrite_leave_the_offset_alone(void **state)
{
	char buf[4];
	int fd;

	(void)state;
	fd = rump_sys_open("/f", O_RDWR | O_CREAT, 0644);
	assert_int_equal(rump_sys_pwrite(fd, "abcd", 4, 10), 4);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_CUR), 0);
	assert_int_equal(rump_sys_pread(fd, buf, 4, 10), 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_CUR), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
a_gap_written_over_reads_as_zeros(void **state)
{
	char buf[8];
	int fd;

	(void)state;
	fd = rump_sys_open("/f", O_RDWR | O_CREAT, 0644);
	assert_int_equal(rump_sys_pwrite(fd, "x", 1, 5), 1);
	assert_int_equal(rump_sys_pread(fd, buf, sizeof(buf), 0), 6);
	assert_memory_equal(buf, "\0\0\0\0\0x", 6);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
readv_and_writev_scatter_and_gather(void **state)
{
	char a[3], b[5];
	struct iovec out[2] = { { "abc", 3 }, { "defgh", 5 } };
	struct iovec in[2] = { { a, 3 }, { b, 5 } };
	int fd;

	(void)state;
	fd = rump_sys_open("/f", O_RDWR | O_CREAT, 0644);
	assert_int_equal(rump_sys_writev(fd, out, 2), 8);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(rump_sys_readv(fd, in, 2), 8);
	assert_memory_equal(a, "abc", 3);
	assert_memory_equal(b, "defgh", 5);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
o_append_writes_at_the_end(void **state)
{
	int fd;

	(void)state;
	vfstest_mkfile("/f", "abc");
	fd = rump_sys_open("/f", O_WRONLY | O_APPEND, 0);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(rump_sys_write(fd, "de", 2), 2);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_CUR), 5);
	assert_int_equal(rump_sys_close(fd), 0);
	vfstest_assert_content("/f", "abcde");
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
o_trunc_empties_the_file(void **state)
{
	int fd;

	(void)state;
	vfstest_mkfile("/f", "abc");
	fd = rump_sys_open("/f", O_WRONLY | O_TRUNC, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_close(fd), 0);
	vfstest_assert_content("/f", "");
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
read_of_a_write_only_file_is_ebadf(void **state)
{
	char c;
	int fd;

	(void)state;
	fd = rump_sys_open("/f", O_WRONLY | O_CREAT, 0644);
	assert_fails(rump_sys_read(fd, &c, 1), EBADF);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
lseek_end_and_negative_offsets(void **state)
{
	int fd;

	(void)state;
	vfstest_mkfile("/f", "abcdef");
	fd = rump_sys_open("/f", O_RDONLY, 0);
	assert_int_equal(rump_sys_lseek(fd, -2, SEEK_END), 4);
	assert_fails(rump_sys_lseek(fd, -7, SEEK_END), EINVAL);
	assert_fails(rump_sys_lseek(fd, 0, 99), EINVAL);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
seek_data_and_seek_hole_find_the_written_pages(void **state)
{
	int fd;

	(void)state;
	fd = rump_sys_open("/f", O_RDWR | O_CREAT, 0644);
	assert_int_equal(rump_sys_pwrite(fd, "x", 1, 3 * 4096 + 10), 1);
	assert_int_equal(rump_sys_ftruncate(fd, 6 * 4096), 0);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_DATA), 3 * 4096);
	assert_int_equal(rump_sys_lseek(fd, 3 * 4096 + 5, SEEK_DATA), 3 * 4096 + 5);
	assert_int_equal(rump_sys_lseek(fd, 0, SEEK_HOLE), 0);
	assert_int_equal(rump_sys_lseek(fd, 3 * 4096, SEEK_HOLE), 4 * 4096);
	assert_fails(rump_sys_lseek(fd, 4 * 4096, SEEK_DATA), ENXIO);
	assert_fails(rump_sys_lseek(fd, 6 * 4096, SEEK_HOLE), ENXIO);
	assert_fails(rump_sys_lseek(fd, -1, SEEK_DATA), ENXIO);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
ftruncate_shrinks_and_grows_with_zeros(void **state)
{
	char buf[8];
	int fd;

	(void)state;
	vfstest_mkfile("/f", "abcdef");
	fd = rump_sys_open("/f", O_RDWR, 0);
	assert_int_equal(rump_sys_ftruncate(fd, 2), 0);
	assert_int_equal(rump_sys_ftruncate(fd, 5), 0);
	assert_int_equal(rump_sys_pread(fd, buf, sizeof(buf), 0), 5);
	assert_memory_equal(buf, "ab\0\0\0", 5);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
ftruncate_of_a_read_only_descriptor_is_einval(void **state)
{
	int fd;

	(void)state;
	vfstest_mkfile("/f", "abc");
	fd = rump_sys_open("/f", O_RDONLY, 0);
	assert_fails(rump_sys_ftruncate(fd, 0), EINVAL);
	assert_fails(rump_sys_ftruncate(fd, -1), EINVAL);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
truncate_by_path_and_its_errors(void **state)
{
	(void)state;
	vfstest_mkfile("/f", "abcdef");
	assert_int_equal(rump_sys_truncate("/f", 3), 0);
	vfstest_assert_content("/f", "abc");
	assert_fails(rump_sys_truncate("/f", -1), EINVAL);
	assert_fails(rump_sys_truncate("/", 0), EISDIR);
	assert_fails(rump_sys_truncate("/nothing", 0), ENOENT);
	assert_int_equal(rump_sys_unlink("/f"), 0);
}

static void
fsync_and_fdatasync_succeed_on_a_file(void **state)
{
	int fd;

	(void)state;
	fd = rump_sys_open("/f", O_RDWR | O_CREAT, 0644);
	assert_int_equal(rump_sys_fsync(fd), 0);
	assert_int_equal(rump_sys_fdatasync(fd), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
	assert_fails(rump_sys_fsync(fd), EBADF);
}

static void
an_unlinked_open_file_stays_readable_until_closed(void **state)
{
	struct stat sb;
	char buf[4];
	int fd;

	(void)state;
	vfstest_mkfile("/f", "abc");
	fd = rump_sys_open("/f", O_RDONLY, 0);
	assert_int_equal(rump_sys_unlink("/f"), 0);
	vfstest_assert_absent("/f");
	assert_int_equal(rump_sys_fstat(fd, &sb), 0);
	assert_int_equal(sb.st_nlink, 0);
	assert_int_equal(rump_sys_read(fd, buf, sizeof(buf)), 3);
	assert_int_equal(rump_sys_close(fd), 0);
}

static void
fsync_of_a_pipe_is_einval(void **state)
{
	int fds[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	assert_fails(rump_sys_fsync(fds[0]), EINVAL);
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

static void
a_write_across_the_largest_file_is_cut_short_and_counted(void **state)
{
	const off_t max = 1LL << 30;	/* RUMPFS_MAXSIZE */
	struct stat sb;
	int fd;

	(void)state;
	fd = rump_sys_open("/big", O_RDWR | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_fails(rump_sys_pwrite(fd, "x", 1, max), EFBIG);
	assert_int_equal(rump_sys_pwrite(fd, "abcdefgh", 8, max - 3), 3);
	assert_int_equal(rump_sys_fstat(fd, &sb), 0);
	assert_int_equal(sb.st_size, max);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_sys_unlink("/big"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(open_creat_makes_an_empty_file),
		leak_test(a_write_across_the_largest_file_is_cut_short_and_counted),
		leak_test(open_of_a_missing_file_is_enoent),
		leak_test(open_creat_excl_of_an_existing_file_is_eexist),
		leak_test(open_creat_excl_of_a_dangling_symlink_is_eexist),
		leak_test(open_creat_through_a_dangling_symlink_creates_its_target),
		leak_test(open_creat_with_a_trailing_slash_is_eisdir),
		leak_test(open_of_a_directory_for_writing_is_eisdir),
		leak_test(open_directory_of_a_file_is_enotdir),
		leak_test(open_nofollow_of_a_symlink_is_eloop),
		leak_test(open_with_both_access_modes_bits_is_einval),
		leak_test(open_cloexec_sets_the_descriptor_flag),
		leak_test(open_applies_the_umask),
		leak_test(write_then_read_back_through_the_offset),
		leak_test(a_write_across_pages_reads_back_whole),
		leak_test(pread_and_pwrite_leave_the_offset_alone),
		leak_test(a_gap_written_over_reads_as_zeros),
		leak_test(readv_and_writev_scatter_and_gather),
		leak_test(o_append_writes_at_the_end),
		leak_test(o_trunc_empties_the_file),
		leak_test(read_of_a_write_only_file_is_ebadf),
		leak_test(lseek_end_and_negative_offsets),
		leak_test(seek_data_and_seek_hole_find_the_written_pages),
		leak_test(ftruncate_shrinks_and_grows_with_zeros),
		leak_test(ftruncate_of_a_read_only_descriptor_is_einval),
		leak_test(truncate_by_path_and_its_errors),
		leak_test(fsync_and_fdatasync_succeed_on_a_file),
		leak_test(an_unlinked_open_file_stays_readable_until_closed),
		leak_test(fsync_of_a_pipe_is_einval),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
