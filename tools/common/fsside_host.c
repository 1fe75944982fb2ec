/* The host's file system as one side of an fsconsole copy. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsside.h"

static int
host_lstat(void *ctx, const char *path, struct stat *sb)
{
	(void)ctx;
	return lstat(path, sb);
}

static void *
host_opendir(void *ctx, const char *path)
{
	(void)ctx;
	return opendir(path);
}

static int
host_readdir(void *dir, char *name, size_t size)
{
	struct dirent *de;

	do {
		errno = 0;
		if ((de = readdir(dir)) == NULL)
			return errno != 0 ? -1 : 0;
	} while (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0);
	snprintf(name, size, "%s", de->d_name);
	return 1;
}

static void
host_closedir(void *dir)
{
	closedir(dir);
}

static ssize_t
host_readlink(void *ctx, const char *path, char *buf, size_t size)
{
	ssize_t n;

	(void)ctx;
	if ((n = readlink(path, buf, size)) < 0)
		return -1;
	if ((size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

static int
host_open(void *ctx, const char *path, int flags, mode_t mode)
{
	(void)ctx;
	return open(path, flags | O_CLOEXEC, mode);
}

static int
host_dirfd(void *dir)
{
	return dirfd(dir);
}

static int
host_diropen(void *ctx, const char *path)
{
	(void)ctx;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int
host_lstatat(void *ctx, int dirfd, const char *name, struct stat *sb)
{
	(void)ctx;
	return fstatat(dirfd, name, sb, AT_SYMLINK_NOFOLLOW);
}

static int
host_openat(void *ctx, int dirfd, const char *name, int flags, mode_t mode)
{
	(void)ctx;
	return openat(dirfd, name, flags | O_CLOEXEC, mode);
}

static ssize_t
host_pread(void *ctx, int fd, void *buf, size_t len, off_t off)
{
	(void)ctx;
	return pread(fd, buf, len, off);
}

static ssize_t
host_pwrite(void *ctx, int fd, const void *buf, size_t len, off_t off)
{
	(void)ctx;
	return pwrite(fd, buf, len, off);
}

static int
host_close(void *ctx, int fd)
{
	(void)ctx;
	return close(fd);
}

static int
host_ftruncate(void *ctx, int fd, off_t len)
{
	(void)ctx;
	return ftruncate(fd, len);
}

static int
host_fchmod(void *ctx, int fd, mode_t mode)
{
	(void)ctx;
	return fchmod(fd, mode);
}

static int
host_fchown(void *ctx, int fd, uid_t uid, gid_t gid)
{
	(void)ctx;
	return fchown(fd, uid, gid);
}

static int
host_futimens(void *ctx, int fd, const struct timespec ts[2])
{
	(void)ctx;
	return futimens(fd, ts);
}

static int
host_mkdir(void *ctx, const char *path, mode_t mode)
{
	(void)ctx;
	return mkdir(path, mode);
}

static int
host_symlink(void *ctx, const char *target, const char *path)
{
	(void)ctx;
	return symlink(target, path);
}

static int
host_link(void *ctx, const char *from, const char *to)
{
	(void)ctx;
	return link(from, to);
}

static int
host_chmod(void *ctx, const char *path, mode_t mode)
{
	(void)ctx;
	return chmod(path, mode);
}

static int
host_lchown(void *ctx, const char *path, uid_t uid, gid_t gid)
{
	(void)ctx;
	return lchown(path, uid, gid);
}

static int
host_lutimens(void *ctx, const char *path, const struct timespec ts[2])
{
	(void)ctx;
	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

const struct fsside fsside_host = {
	.lstat = host_lstat,
	.opendir = host_opendir,
	.readdir = host_readdir,
	.closedir = host_closedir,
	.readlink = host_readlink,
	.open = host_open,
	.dirfd = host_dirfd,
	.diropen = host_diropen,
	.lstatat = host_lstatat,
	.openat = host_openat,
	.pread = host_pread,
	.pwrite = host_pwrite,
	.close = host_close,
	.ftruncate = host_ftruncate,
	.fchmod = host_fchmod,
	.fchown = host_fchown,
	.futimens = host_futimens,
	.mkdir = host_mkdir,
	.symlink = host_symlink,
	.link = host_link,
	.chmod = host_chmod,
	.lchown = host_lchown,
	.lutimens = host_lutimens,
};
