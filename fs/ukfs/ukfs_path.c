/* File-system paths prefixed with the mount point. */
#include <errno.h>
#include <stdio.h>

#include "ukfs_impl.h"

int
ukfs_path(const struct ukfs *fs, const char *path, char *buf)
{
	int n;

	while (*path == '/')
		path++;
	n = snprintf(buf, PATH_MAX, "%s/%s", fs->ukfs_mountpath, path);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
