/* File contents: by path at an offset, or through a rump descriptor. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <rump/rump.h>

#include "ukfs_impl.h"

int
ukfs_open(struct ukfs *fs, const char *path, int flags, mode_t mode)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_open(p, flags | O_CLOEXEC, mode);
}

/*
 * name must be one entry of the directory dirfd: "..", or a name with a
 * '/', could lead out of the image, which the path calls never do.
 */
static int
ukfs_name_check(const char *name)
{
	if (name[0] == '\0' || strchr(name, '/') != NULL ||
	    strcmp(name, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
ukfs_openat(struct ukfs *fs, int dirfd, const char *name, int flags,
    mode_t mode)
{
	(void)fs;
	if (ukfs_name_check(name) != 0)
		return -1;
	return rump_sys_openat(dirfd, name, flags | O_CLOEXEC, mode);
}

int
ukfs_lstatat(struct ukfs *fs, int dirfd, const char *name, struct stat *sb)
{
	(void)fs;
	if (ukfs_name_check(name) != 0)
		return -1;
	return rump_sys_fstatat(dirfd, name, sb, AT_SYMLINK_NOFOLLOW);
}

ssize_t
ukfs_read_fd(struct ukfs *fs, int fd, off_t off, void *buf, size_t len)
{
	(void)fs;
	return rump_sys_pread(fd, buf, len, off);
}

ssize_t
ukfs_write_fd(struct ukfs *fs, int fd, off_t off, const void *buf, size_t len)
{
	(void)fs;
	return rump_sys_pwrite(fd, buf, len, off);
}

int
ukfs_close(struct ukfs *fs, int fd)
{
	(void)fs;
	return rump_sys_close(fd);
}

/* Closes fd keeping the errno of the call that failed before. */
static ssize_t
ukfs_close_after(int fd, ssize_t n)
{
	int error = errno;

	if (rump_sys_close(fd) != 0 && n >= 0)
		return -1;
	errno = error;
	return n;
}

ssize_t
ukfs_read(struct ukfs *fs, const char *path, off_t off, void *buf,
    size_t len)
{
	int fd = ukfs_open(fs, path, O_RDONLY, 0);

	if (fd < 0)
		return -1;
	return ukfs_close_after(fd, rump_sys_pread(fd, buf, len, off));
}

ssize_t
ukfs_write(struct ukfs *fs, const char *path, off_t off, const void *buf,
    size_t len)
{
	int fd = ukfs_open(fs, path, O_WRONLY, 0);

	if (fd < 0)
		return -1;
	return ukfs_close_after(fd, rump_sys_pwrite(fd, buf, len, off));
}

int
ukfs_create(struct ukfs *fs, const char *path, mode_t mode)
{
	int fd = ukfs_open(fs, path, O_WRONLY | O_CREAT | O_EXCL, mode);

	if (fd < 0)
		return -1;
	return (int)ukfs_close_after(fd, 0);
}

int
ukfs_truncate(struct ukfs *fs, const char *path, off_t length)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_truncate(p, length);
}

int
ukfs_ftruncate(struct ukfs *fs, int fd, off_t length)
{
	(void)fs;
	return rump_sys_ftruncate(fd, length);
}
