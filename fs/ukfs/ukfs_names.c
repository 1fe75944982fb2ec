/* Names: making and removing directories, files, links; renaming. */
#include <errno.h>

#include <rump/rump.h>

#include "ukfs_impl.h"

int
ukfs_mkdir(struct ukfs *fs, const char *path, mode_t mode)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_mkdir(p, mode);
}

int
ukfs_remove(struct ukfs *fs, const char *path)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_unlink(p);
}

int
ukfs_rmdir(struct ukfs *fs, const char *path)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_rmdir(p);
}

int
ukfs_link(struct ukfs *fs, const char *path, const char *newpath)
{
	char p[PATH_MAX], np[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0 || ukfs_path(fs, newpath, np) != 0)
		return -1;
	return rump_sys_link(p, np);
}

int
ukfs_symlink(struct ukfs *fs, const char *target, const char *linkpath)
{
	char lp[PATH_MAX];

	if (ukfs_path(fs, linkpath, lp) != 0)
		return -1;
	return rump_sys_symlink(target, lp);
}

ssize_t
ukfs_readlink(struct ukfs *fs, const char *path, char *buf, size_t size)
{
	char p[PATH_MAX];
	ssize_t n;

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	if ((n = rump_sys_readlink(p, buf, size)) < 0)
		return -1;
	if ((size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

int
ukfs_rename(struct ukfs *fs, const char *from, const char *to)
{
	char f[PATH_MAX], t[PATH_MAX];

	if (ukfs_path(fs, from, f) != 0 || ukfs_path(fs, to, t) != 0)
		return -1;
	return rump_sys_rename(f, t);
}
