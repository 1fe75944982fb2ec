/*
 * --mount FSTYPE,IMAGE,MOUNTPOINT[,ro]: a malformed value is refused with
 * a message naming the part that is wrong, before any kernel exists; a
 * good one is mounted in the rump kernel (auto: detected), and a mount
 * that fails says whether the type, the image or the mount point is to
 * blame.  Linked with the kernel (KERNEL_TOOL_TESTS); images from the
 * host's mke2fs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <rump/rump.h>

#include "netopts.h"

static char workdir[] = "/tmp/t_netopts_mount.XXXXXX";
static char img[PATH_MAX], zeros[PATH_MAX], rocompat[PATH_MAX];
static struct netopts no;

static int
host(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Runs a host command line; its exit status. */
static int
host(const char *fmt, ...)
{
	char cmd[2 * PATH_MAX];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * An ext2 image holding hello.txt, one of zeros, and an ext2 image with a
 * read-only-compatible feature the kernel cannot write (huge_file).
 */
static int
group_setup(void **state)
{
	(void)state;
	if (mkdtemp(workdir) == NULL)
		return -1;
	snprintf(img, sizeof(img), "%s/disk.img", workdir);
	snprintf(zeros, sizeof(zeros), "%s/zeros.img", workdir);
	snprintf(rocompat, sizeof(rocompat), "%s/rocompat.img", workdir);
	if (host("mkdir %s/tree && echo hello >%s/tree/hello.txt && "
	    "mke2fs -q -F -t ext2 -d %s/tree %s 1M >/dev/null 2>&1 && "
	    "mke2fs -q -F -t ext2 -O huge_file %s 1M >/dev/null 2>&1 && "
	    "head -c 1048576 /dev/zero >%s", workdir, workdir, workdir, img,
	    rocompat, zeros) != 0)
		return -1;
	return rump_init();
}

static int
group_teardown(void **state)
{
	(void)state;
	if (host("rm -rf %s", workdir) != 0)
		return -1;
	return rump_fini();
}

static int
reset(void **state)
{
	(void)state;
	netopts_init(&no);
	return 0;
}

static int
release(void **state)
{
	(void)state;
	netopts_mount_release(&no);
	return 0;
}

/* --mount with "IMG" in fmt replaced by the image's path. */
static int
mount_opt(const char *fmt, const char *image)
{
	char arg[2 * PATH_MAX];

	snprintf(arg, sizeof(arg), fmt, image);
	return netopts_parse(&no, NETOPT_MOUNT, arg);
}

/* The message of the last failure holds every string given. */
static void
expect_err(const char *a, const char *b)
{
	if (strstr(no.err, a) == NULL || (b != NULL && strstr(no.err, b) == NULL))
		fail_msg("message '%s' lacks '%s' or '%s'", no.err, a,
		    b != NULL ? b : "");
}

static void
a_mount_parses_into_type_image_mount_point_and_ro(void **state)
{
	(void)state;
	assert_true(netopts_isopt(NETOPT_MOUNT));
	assert_int_equal(mount_opt("ext2fs,%s,/mnt/a", img), 0);
	assert_int_equal(mount_opt("auto,%s,/mnt/b,ro", img), 0);
	assert_int_equal(no.nmounts, 2);
	assert_string_equal(no.mounts[0].fstype, "ext2fs");
	assert_string_equal(no.mounts[0].image, img);
	assert_string_equal(no.mounts[0].mountpoint, "/mnt/a");
	assert_false(no.mounts[0].rdonly);
	assert_string_equal(no.mounts[1].fstype, "auto");
	assert_true(no.mounts[1].rdonly);
	assert_int_equal(netopts_check(&no), 0);
}

static void
a_missing_part_is_named(void **state)
{
	(void)state;
	assert_int_equal(mount_opt("%s", ""), -1);
	expect_err("no file system type", "FSTYPE,IMAGE,MOUNTPOINT");
	assert_int_equal(mount_opt("ext2fs", NULL), -1);
	expect_err("no image", NULL);
	assert_int_equal(mount_opt("ext2fs,,/mnt", NULL), -1);
	expect_err("no image", NULL);
	assert_int_equal(mount_opt("ext2fs,%s", img), -1);
	expect_err("no mount point", NULL);
	assert_int_equal(no.nmounts, 0);
}

static void
a_bad_type_or_option_is_named(void **state)
{
	(void)state;
	assert_int_equal(mount_opt("Ext2,%s,/mnt", img), -1);
	expect_err("bad file system type 'Ext2'", NULL);
	assert_int_equal(mount_opt("a23456789012345678901234567890123,%s,/mnt",
	    img), -1);
	expect_err("is too long", NULL);
	assert_int_equal(mount_opt("ext2fs,%s,/mnt,rw", img), -1);
	expect_err("unknown option 'rw'", NULL);
}

static void
a_missing_or_unusable_image_is_named(void **state)
{
	(void)state;
	assert_int_equal(mount_opt("auto,%s/nope.img,/mnt", workdir), -1);
	expect_err("nope.img", "No such file or directory");
	assert_int_equal(mount_opt("auto,%s,/mnt", workdir), -1);
	expect_err("is not a file", NULL);
}

static void
a_mount_point_not_below_the_root_is_named(void **state)
{
	(void)state;
	assert_int_equal(mount_opt("auto,%s,mnt", img), -1);
	expect_err("mount point 'mnt'", "absolute");
	assert_int_equal(mount_opt("auto,%s,//", img), -1);
	expect_err("mount point '//'", NULL);
}

static void
more_than_the_limit_is_refused(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NETOPTS_MAXMOUNT; i++)
		assert_int_equal(mount_opt("auto,%s,/mnt,ro", img), 0);
	assert_int_equal(mount_opt("auto,%s,/mnt,ro", img), -1);
	expect_err("too many", NULL);
}

static void
auto_detects_ext2_and_the_files_are_there_until_released(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(mount_opt("auto,%s,/m/auto,ro", img), 0);
	assert_int_equal(netopts_mount_apply(&no), 0);
	assert_int_equal(rump_sys_stat("/m/auto/hello.txt", &st), 0);
	assert_int_equal(st.st_size, 6);
	netopts_mount_release(&no);
	assert_null(no.mounts[0].fs);
	assert_int_equal(rump_sys_stat("/m/auto/hello.txt", &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void
an_image_of_no_known_type_is_named(void **state)
{
	(void)state;
	assert_int_equal(mount_opt("auto,%s,/m/z", zeros), 0);
	assert_int_equal(netopts_mount_apply(&no), -1);
	expect_err("cannot tell the file system type of image", zeros);
}

static void
an_unknown_type_is_named(void **state)
{
	(void)state;
	assert_int_equal(mount_opt("nofs,%s,/m/n", img), 0);
	assert_int_equal(netopts_mount_apply(&no), -1);
	expect_err("no file system type 'nofs'", NULL);
}

static void
an_image_not_of_the_type_is_named(void **state)
{
	(void)state;
	assert_int_equal(mount_opt("ext2fs,%s,/m/z", zeros), 0);
	assert_int_equal(netopts_mount_apply(&no), -1);
	expect_err("cannot be mounted as ext2fs", zeros);
}

static void
an_image_only_readable_asks_for_ro(void **state)
{
	(void)state;
	assert_int_equal(mount_opt("auto,%s,/m/r", rocompat), 0);
	assert_int_equal(netopts_mount_apply(&no), -1);
	expect_err("can only be mounted read-only (add ,ro)", rocompat);
}

static void
a_mount_point_under_a_file_is_named(void **state)
{
	(void)state;
	assert_int_equal(mount_opt("auto,%s,/m/a,ro", img), 0);
	assert_int_equal(mount_opt("auto,%s,/m/a/hello.txt/x,ro", img), 0);
	assert_int_equal(netopts_mount_apply(&no), -1);
	expect_err("mount point /m/a/hello.txt/x", "Not a directory");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, reset, release)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(a_mount_parses_into_type_image_mount_point_and_ro),
		T(a_missing_part_is_named),
		T(a_bad_type_or_option_is_named),
		T(a_missing_or_unusable_image_is_named),
		T(a_mount_point_not_below_the_root_is_named),
		T(more_than_the_limit_is_refused),
		T(auto_detects_ext2_and_the_files_are_there_until_released),
		T(an_image_of_no_known_type_is_named),
		T(an_unknown_type_is_named),
		T(an_image_not_of_the_type_is_named),
		T(an_image_only_readable_asks_for_ro),
		T(a_mount_point_under_a_file_is_named),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
