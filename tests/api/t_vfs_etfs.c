/*
 * Host files as block devices (rump_etfs_*): registering, reading and
 * writing the device node, partitions, read-only registrations that
 * never write, removal, fault injection.
 */
#include <rump/rump_etfs.h>

#include "vfstest.h"

static char hostpath[] = "/tmp/t_vfs_etfs.XXXXXX";

/* 64 KiB, byte i of the file is (i / 512) & 0xff. */
static int
boot(void **state)
{
	static char buf[65536];
	int fd = mkstemp(hostpath);

	if (fd < 0)
		return -1;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i / 512);
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || close(fd) != 0)
		return -1;
	/* /dev stays from here on, so that the tests leave the kernel as found. */
	if (apitest_boot(state) != 0 || rump_sys_mkdir("/dev", 0755) != 0)
		return -1;
	return 0;
}

static int
halt(void **state)
{
	unlink(hostpath);
	return apitest_halt(state);
}

/* The host file's byte at off. */
static int
host_byte(off_t off)
{
	unsigned char c;
	int fd = open(hostpath, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, off), 1);
	close(fd);
	return c;
}

static void
a_registered_host_file_reads_as_a_block_device(void **state)
{
	struct stat sb;
	unsigned char buf[4];
	int fd;

	(void)state;
	assert_int_equal(rump_etfs_register("/dev/img0", hostpath, RUMP_ETFS_BLK), 0);
	assert_int_equal(rump_sys_stat("/dev/img0", &sb), 0);
	assert_true(S_ISBLK(sb.st_mode));
	fd = rump_sys_open("/dev/img0", O_RDONLY, 0);
	assert_int_equal(rump_sys_pread(fd, buf, 4, 3 * 512 + 10), 4);
	assert_int_equal(buf[0], 3);
	/* The end of the device is the end of the file. */
	assert_int_equal(rump_sys_pread(fd, buf, 4, 65536), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_etfs_remove("/dev/img0"), 0);
	vfstest_assert_absent("/dev/img0");
}

static void
writes_to_the_device_reach_the_host_file(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(rump_etfs_register("/dev/img0", hostpath, RUMP_ETFS_BLK), 0);
	fd = rump_sys_open("/dev/img0", O_RDWR, 0);
	assert_int_equal(rump_sys_pwrite(fd, "\x77", 1, 1000), 1);
	assert_int_equal(rump_sys_fsync(fd), 0);
	assert_int_equal(host_byte(1000), 0x77);
	assert_int_equal(rump_sys_pwrite(fd, "\x01", 1, 1000), 1);
	assert_fails(rump_sys_pwrite(fd, "x", 1, 65536), ENOSPC);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_etfs_remove("/dev/img0"), 0);
}

static void
a_read_only_registration_never_writes(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(rump_etfs_register("/dev/ro", hostpath,
	    RUMP_ETFS_BLK_RDONLY), 0);
	fd = rump_sys_open("/dev/ro", O_RDWR, 0);
	assert_fails(rump_sys_pwrite(fd, "\x55", 1, 2000), EROFS);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(host_byte(2000), 3);
	assert_int_equal(rump_etfs_remove("/dev/ro"), 0);
}

static void
a_partition_is_a_window_of_the_file(void **state)
{
	unsigned char c;
	int fd;

	(void)state;
	assert_int_equal(rump_etfs_register_withsize("/dev/part", hostpath,
	    RUMP_ETFS_BLK, 8 * 512, 4 * 512), 0);
	fd = rump_sys_open("/dev/part", O_RDONLY, 0);
	assert_int_equal(rump_sys_pread(fd, &c, 1, 0), 1);
	assert_int_equal(c, 8);
	assert_int_equal(rump_sys_pread(fd, &c, 1, 4 * 512 - 1), 1);
	assert_int_equal(c, 11);
	assert_int_equal(rump_sys_pread(fd, &c, 1, 4 * 512), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_etfs_remove("/dev/part"), 0);
}

static void
registration_errors(void **state)
{
	(void)state;
	assert_int_equal(rump_etfs_register("dev/x", hostpath, RUMP_ETFS_BLK), EINVAL);
	assert_int_equal(rump_etfs_register("/dev/x", hostpath, 77), EINVAL);
	assert_int_equal(rump_etfs_register("/dev/x", "/nonexistent/file",
	    RUMP_ETFS_BLK), ENOENT);
	assert_int_equal(rump_etfs_register_withsize("/dev/x", hostpath,
	    RUMP_ETFS_BLK, 100, 512), EINVAL);
	assert_int_equal(rump_etfs_register_withsize("/dev/x", hostpath,
	    RUMP_ETFS_BLK, 0, 1 << 20), EINVAL);
	assert_int_equal(rump_etfs_register("/dev/x", hostpath, RUMP_ETFS_BLK), 0);
	assert_int_equal(rump_etfs_register("/dev/x", hostpath, RUMP_ETFS_BLK), EEXIST);
	assert_int_equal(rump_etfs_remove("/dev/x"), 0);
	assert_int_equal(rump_etfs_remove("/dev/x"), ENOENT);
	assert_int_equal(rump_etfs_remove("/dev"), ENXIO);
}

static void
injected_faults_fail_device_reads_with_eio(void **state)
{
	char c;
	int fd;

	(void)state;
	assert_int_equal(rump_etfs_register("/dev/img0", hostpath, RUMP_ETFS_BLK), 0);
	assert_int_equal(rump_etfs_fault("/dev/img0", "rate=100%,seed=3,dir=both"), 0);
	fd = rump_sys_open("/dev/img0", O_RDONLY, 0);
	assert_fails(rump_sys_pread(fd, &c, 1, 0), EIO);
	assert_int_equal(rump_etfs_fault("/dev/img0", "none"), 0);
	assert_int_equal(rump_sys_pread(fd, &c, 1, 0), 1);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(rump_etfs_remove("/dev/img0"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_registered_host_file_reads_as_a_block_device),
		leak_test(writes_to_the_device_reach_the_host_file),
		leak_test(a_read_only_registration_never_writes),
		leak_test(a_partition_is_a_window_of_the_file),
		leak_test(registration_errors),
		leak_test(injected_faults_fail_device_reads_with_eio),
	};

	return cmocka_run_group_tests(tests, boot, halt);
}
