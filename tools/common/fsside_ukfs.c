/* An image mounted through ukfs as one side of an fsconsole copy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <rump/ukfs.h>

#include "fsconsole.h"

static int
img_lstat(void *ctx, const char *path, struct stat *sb)
{
	return ukfs_lstat(ctx, path, sb);
}

static void *
img_opendir(void *ctx, const char *path)
{
	return ukfs_opendir(ctx, path);
}

static int
img_readdir(void *dir, char *name, size_t size)
{
	struct ukfs_dirent ent;
	int rv;

	do {
		if ((rv = ukfs_readdir(dir, &ent)) <= 0)
			return rv;
	} while (strcmp(ent.d_name, ".") == 0 || strcmp(ent.d_name, "..") == 0);
	snprintf(name, size, "%s", ent.d_name);
	return 1;
}

static void
img_closedir(void *dir)
{
	ukfs_closedir(dir);
}

static ssize_t
img_readlink(void *ctx, const char *path, char *buf, size_t size)
{
	return ukfs_readlink(ctx, path, buf, size);
}

static int
img_open(void *ctx, const char *path, int flags, mode_t mode)
{
	return ukfs_open(ctx, path, flags, mode);
}

static int
img_dirfd(void *dir)
{
	return ukfs_dirfd(dir);
}

static int
img_diropen(void *ctx, const char *path)
{
	return ukfs_open(ctx, path, O_RDONLY | O_DIRECTORY, 0);
}

static int
img_lstatat(void *ctx, int dirfd, const char *name, struct stat *sb)
{
	return ukfs_lstatat(ctx, dirfd, name, sb);
}

static int
img_openat(void *ctx, int dirfd, const char *name, int flags, mode_t mode)
{
	return ukfs_openat(ctx, dirfd, name, flags, mode);
}

static ssize_t
img_pread(void *ctx, int fd, void *buf, size_t len, off_t off)
{
	return ukfs_read_fd(ctx, fd, off, buf, len);
}

static ssize_t
img_pwrite(void *ctx, int fd, const void *buf, size_t len, off_t off)
{
	return ukfs_write_fd(ctx, fd, off, buf, len);
}

static int
img_close(void *ctx, int fd)
{
	return ukfs_close(ctx, fd);
}

static int
img_ftruncate(void *ctx, int fd, off_t len)
{
	return ukfs_ftruncate(ctx, fd, len);
}

static int
img_fchmod(void *ctx, int fd, mode_t mode)
{
	return ukfs_fchmod(ctx, fd, mode);
}

static int
img_fchown(void *ctx, int fd, uid_t uid, gid_t gid)
{
	return ukfs_fchown(ctx, fd, uid, gid);
}

static int
img_futimens(void *ctx, int fd, const struct timespec ts[2])
{
	return ukfs_futimens(ctx, fd, ts);
}

static int
img_mkdir(void *ctx, const char *path, mode_t mode)
{
	return ukfs_mkdir(ctx, path, mode);
}

static int
img_symlink(void *ctx, const char *target, const char *path)
{
	return ukfs_symlink(ctx, target, path);
}

static int
img_link(void *ctx, const char *from, const char *to)
{
	return ukfs_link(ctx, from, to);
}

static int
img_chmod(void *ctx, const char *path, mode_t mode)
{
	return ukfs_chmod(ctx, path, mode);
}

static int
img_lchown(void *ctx, const char *path, uid_t uid, gid_t gid)
{
	return ukfs_lchown(ctx, path, uid, gid);
}

static int
img_lutimens(void *ctx, const char *path, const struct timespec ts[2])
{
	return ukfs_lutimens(ctx, path, ts);
}

struct fsside
fsside_image(struct ukfs *fs)
{
	struct fsside s = {
		.ctx = fs,
		.lstat = img_lstat,
		.opendir = img_opendir,
		.readdir = img_readdir,
		.closedir = img_closedir,
		.readlink = img_readlink,
		.open = img_open,
		.dirfd = img_dirfd,
		.diropen = img_diropen,
		.lstatat = img_lstatat,
		.openat = img_openat,
		.pread = img_pread,
		.pwrite = img_pwrite,
		.close = img_close,
		.ftruncate = img_ftruncate,
		.fchmod = img_fchmod,
		.fchown = img_fchown,
		.futimens = img_futimens,
		.mkdir = img_mkdir,
		.symlink = img_symlink,
		.link = img_link,
		.chmod = img_chmod,
		.lchown = img_lchown,
		.lutimens = img_lutimens,
	};

	return s;
}
