/*
 * mount_image(2), ours: a host image mounted in one call, the kernel
 * registering it as a device of its own that goes with the mount; every
 * failure leaves no device behind; a read-only mount never writes the
 * image.  Images from the host's mke2fs -d.
 */
#include <sys/mount.h>
#include <sys/wait.h>

#include "vfstest.h"

static char workdir[] = "/tmp/t_vfs_mount_image.XXXXXX";
static char img[600], zeros[600];

static int
host(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Runs a host command line; its exit status. */
static int
host(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * An ext2 image holding hello.txt, one of zeros; /dev and the mount
 * points stay from here on, so the tests leave the kernel as found.
 */
static int
boot(void **state)
{
	if (mkdtemp(workdir) == NULL)
		return -1;
	snprintf(img, sizeof(img), "%s/disk.img", workdir);
	snprintf(zeros, sizeof(zeros), "%s/zeros.img", workdir);
	if (host("mkdir %s/tree && echo hello >%s/tree/hello.txt && "
	    "mke2fs -q -F -t ext2 -d %s/tree %s 1M >/dev/null 2>&1 && "
	    "head -c 1048576 /dev/zero >%s", workdir, workdir, workdir, img,
	    zeros) != 0)
		return -1;
	if (apitest_boot(state) != 0 || rump_sys_mkdir("/dev", 0755) != 0 ||
	    rump_sys_mkdir("/mnt", 0755) != 0)
		return -1;
	return 0;
}

static int
halt(void **state)
{
	if (host("rm -rf %s", workdir) != 0)
		return -1;
	return apitest_halt(state);
}

/* /dev holds nothing: no device was left behind. */
static void
assert_no_device(void)
{
	char buf[256];
	int fd = rump_sys_open("/dev", O_RDONLY | O_DIRECTORY, 0);
	ssize_t n;
	size_t pos;
	int entries = 0;

	assert_true(fd >= 0);
	while ((n = rump_sys_getdents64(fd, buf, sizeof(buf))) > 0)
		for (pos = 0; pos < (size_t)n;
		    pos += *(unsigned short *)(buf + pos + 16))
			entries++;
	assert_int_equal(n, 0);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(entries, 2);	/* "." and ".." */
}

static void
an_image_is_mounted_and_its_files_read(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mount_image(img, "/mnt", "ext2fs", 0), 0);
	vfstest_assert_content("/mnt/hello.txt", "hello\n");
	vfstest_mkfile("/mnt/new.txt", "new");
	assert_int_equal(rump_sys_unlink("/mnt/new.txt"), 0);
	assert_int_equal(rump_sys_umount2("/mnt", 0), 0);
	assert_no_device();
	assert_int_equal(host("e2fsck -fn %s >/dev/null 2>&1", img), 0);
}

static void
the_device_goes_with_the_mount_and_the_image_mounts_again(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_mount_image(img, "/mnt", "ext2fs",
	    MS_RDONLY), 0);
	assert_int_equal(rump_sys_umount2("/mnt", 0), 0);
	assert_no_device();
	assert_int_equal(rump_sys_mount_image(img, "/mnt", "ext2fs",
	    MS_RDONLY), 0);
	vfstest_assert_content("/mnt/hello.txt", "hello\n");
	assert_int_equal(rump_sys_umount2("/mnt", 0), 0);
}

static void
a_read_only_mount_never_writes_the_image(void **state)
{
	(void)state;
	assert_int_equal(host("sha256sum <%s >%s/sum", img, workdir), 0);
	assert_int_equal(rump_sys_mount_image(img, "/mnt", "ext2fs",
	    MS_RDONLY), 0);
	assert_fails(rump_sys_mkdir("/mnt/d", 0755), EROFS);
	vfstest_assert_content("/mnt/hello.txt", "hello\n");
	assert_int_equal(rump_sys_umount2("/mnt", 0), 0);
	assert_int_equal(host("sha256sum <%s | cmp -s - %s/sum", img, workdir),
	    0);
}

static void
a_failed_mount_leaves_no_device(void **state)
{
	char missing[700];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/nope.img", workdir);
	assert_fails(rump_sys_mount_image(missing, "/mnt", "ext2fs", 0),
	    ENOENT);
	assert_fails(rump_sys_mount_image(img, "/mnt", "nofs", 0), ENODEV);
	assert_fails(rump_sys_mount_image(zeros, "/mnt", "ext2fs", 0), EINVAL);
	assert_fails(rump_sys_mount_image(img, "/nowhere", "ext2fs", 0),
	    ENOENT);
	assert_no_device();
}

static void
bad_flags_are_einval(void **state)
{
	(void)state;
	assert_fails(rump_sys_mount_image(img, "/mnt", "ext2fs", 0x100),
	    EINVAL);
}

static void
only_root_mounts_an_image(void **state)
{
	(void)state;
	assert_int_equal(rump_lwproc_rfork(RUMP_RFCFDG), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_fails(rump_sys_mount_image(img, "/mnt", "ext2fs", 0), EPERM);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	assert_no_device();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(an_image_is_mounted_and_its_files_read),
		leak_test(the_device_goes_with_the_mount_and_the_image_mounts_again),
		leak_test(a_read_only_mount_never_writes_the_image),
		leak_test(a_failed_mount_leaves_no_device),
		leak_test(bad_flags_are_einval),
		leak_test(only_root_mounts_an_image),
	};

	return cmocka_run_group_tests(tests, boot, halt);
}
