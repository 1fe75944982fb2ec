/*
 * Images for the ext2fs API tests: made by the host's mke2fs in a
 * temporary file, registered as a block device and mounted, judged after
 * unmounting by the host's e2fsck -fn and, through debugfs rdump, compared
 * with a model tree the test built on the host (treemanifest.h).
 */
#ifndef TESTS_EXT2IMG_H
#define TESTS_EXT2IMG_H

#include <stdarg.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <rump/rump_etfs.h>

#include "treemanifest.h"

struct e2img {
	char ei_path[64];	/* the image file */
	char ei_dev[32];	/* its device in the rump namespace */
	char ei_mnt[32];	/* where it is mounted */
};

/* Boots the kernel and makes /dev (for the devices) and /mnt. */
static inline int
e2img_boot(void **state)
{
	if (apitest_boot(state) != 0 || rump_sys_mkdir("/dev", 0755) != 0 ||
	    rump_sys_mkdir("/mnt", 0755) != 0)
		return -1;
	return 0;
}

/* Runs a host command line; its exit status. */
static inline int
e2img_host(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A new temporary directory on the host, its path in buf. */
static inline void
e2img_tmpdir(char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "/tmp/%s.XXXXXX", what);
	assert_non_null(mkdtemp(buf));
}

static inline void
e2img_rmtree(const char *dir)
{
	assert_int_equal(e2img_host("rm -rf '%s'", dir), 0);
}

/*
 * Makes the image with mke2fs options opts and size (mke2fs's syntax),
 * named after the test, to be mounted on mnt (a directory the group setup
 * made: made in a test, it would count as a leak).
 */
static inline void
e2img_make(struct e2img *ei, const char *name, const char *mnt,
    const char *opts, const char *size)
{
	int fd;

	snprintf(ei->ei_path, sizeof(ei->ei_path), "/tmp/%s.XXXXXX", name);
	fd = mkstemp(ei->ei_path);
	assert_true(fd >= 0);
	close(fd);
	snprintf(ei->ei_dev, sizeof(ei->ei_dev), "/dev/%s", name);
	snprintf(ei->ei_mnt, sizeof(ei->ei_mnt), "%s", mnt);
	assert_int_equal(e2img_host("mke2fs -q -F -E root_owner=0:0 %s %s %s "
	    ">/dev/null 2>&1", opts, ei->ei_path, size), 0);
}

static inline void
e2img_mount(struct e2img *ei, bool ronly)
{
	assert_int_equal(rump_etfs_register(ei->ei_dev, ei->ei_path,
	    ronly ? RUMP_ETFS_BLK_RDONLY : RUMP_ETFS_BLK), 0);
	assert_int_equal(rump_sys_mount(ei->ei_dev, ei->ei_mnt, "ext2fs",
	    ronly ? MS_RDONLY : 0, NULL), 0);
}

static inline void
e2img_unmount(struct e2img *ei)
{
	assert_int_equal(rump_sys_umount2(ei->ei_mnt, 0), 0);
	assert_int_equal(rump_etfs_remove(ei->ei_dev), 0);
}

static inline void
e2img_remove(struct e2img *ei)
{
	unlink(ei->ei_path);
}

/* e2fsck -fn finds the (unmounted) image clean. */
static inline void
e2img_assert_fsck_clean(const struct e2img *ei)
{
	int st = e2img_host("e2fsck -fn %s >/dev/null 2>&1", ei->ei_path);

	if (st != 0)
		e2img_host("e2fsck -fn %s 2>&1 | head -20 >&2", ei->ei_path);
	assert_int_equal(st, 0);
}

/*
 * What debugfs reads from the (unmounted) image is the model tree: names,
 * modes, sizes, contents, symlink targets (not link counts: rdump copies
 * each name of a file on its own).
 */
static inline void
e2img_assert_rdump_is(const struct e2img *ei, const char *model)
{
	char out[64];

	e2img_tmpdir(out, sizeof(out), "e2img-rdump");
	assert_int_equal(e2img_host("debugfs -R 'rdump / %s' %s >/dev/null "
	    "2>&1", out, ei->ei_path), 0);
	tm_assert_same(&tm_host, model, &tm_host, out, 0);
	e2img_rmtree(out);
}

/*
 * The mounted image becomes the model: unmounted, it is clean for e2fsck
 * and debugfs reads the model from it; mounted again read-only, it has
 * the model's link counts too.  It is left unmounted.
 */
static inline void
e2img_assert_is_model(struct e2img *ei, const char *model)
{
	e2img_unmount(ei);
	e2img_assert_fsck_clean(ei);
	e2img_assert_rdump_is(ei, model);
	e2img_mount(ei, true);
	tm_assert_same(&tm_host, model, &tm_rump, ei->ei_mnt, TM_NLINK);
	e2img_unmount(ei);
}

#endif
