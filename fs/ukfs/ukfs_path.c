/*
 * File-system paths prefixed with the mount point, relative ones with the
 * directory ukfs_chdir set too.  That directory is kept as a path from
 * the image's root with "." and ".." taken out by name, as a shell's
 * logical cd does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <rump/rump.h>

#include "ukfs_impl.h"

int
ukfs_path(struct ukfs *fs, const char *path, char *buf)
{
	int n;

	if (*path == '/') {
		while (*path == '/')
			path++;
		n = snprintf(buf, PATH_MAX, "%s/%s", fs->ukfs_mountpath, path);
	} else {
		pthread_mutex_lock(&fs->ukfs_cwdlock);
		n = snprintf(buf, PATH_MAX, "%s%s/%s", fs->ukfs_mountpath,
		    strcmp(fs->ukfs_cwd, "/") == 0 ? "" : fs->ukfs_cwd, path);
		pthread_mutex_unlock(&fs->ukfs_cwdlock);
	}
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Appends the components of path to dir (a path from the root, PATH_MAX
 * bytes), "." dropped and ".." taking the last one off; -1 and
 * ENAMETOOLONG when it does not fit.
 */
static int
ukfs_path_join(char *dir, const char *path)
{
	size_t len = strcmp(dir, "/") == 0 ? 0 : strlen(dir);

	while (*path != '\0') {
		size_t n = strcspn(path, "/");

		if (n == 2 && strncmp(path, "..", 2) == 0) {
			while (len > 0 && dir[--len] != '/')
				continue;
		} else if (n > 0 && !(n == 1 && path[0] == '.')) {
			if (len + 1 + n >= PATH_MAX) {
				errno = ENAMETOOLONG;
				return -1;
			}
			dir[len++] = '/';
			memcpy(dir + len, path, n);
			len += n;
		}
		path += n;
		while (*path == '/')
			path++;
	}
	if (len == 0)
		dir[len++] = '/';
	dir[len] = '\0';
	return 0;
}

int
ukfs_chdir(struct ukfs *fs, const char *path)
{
	char dir[PATH_MAX], full[PATH_MAX];
	struct stat sb;

	pthread_mutex_lock(&fs->ukfs_cwdlock);
	strcpy(dir, *path == '/' ? "/" : fs->ukfs_cwd);
	pthread_mutex_unlock(&fs->ukfs_cwdlock);
	if (ukfs_path_join(dir, path) != 0 || ukfs_path(fs, dir, full) != 0 ||
	    rump_sys_stat(full, &sb) != 0)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	pthread_mutex_lock(&fs->ukfs_cwdlock);
	strcpy(fs->ukfs_cwd, dir);
	pthread_mutex_unlock(&fs->ukfs_cwdlock);
	return 0;
}

void
ukfs_cwd_init(struct ukfs *fs)
{
	pthread_mutex_init(&fs->ukfs_cwdlock, NULL);
	strcpy(fs->ukfs_cwd, "/");
}

void
ukfs_cwd_fini(struct ukfs *fs)
{
	pthread_mutex_destroy(&fs->ukfs_cwdlock);
}

int
ukfs_getcwd(struct ukfs *fs, char *buf, size_t len)
{
	int rv = 0;

	pthread_mutex_lock(&fs->ukfs_cwdlock);
	if (strlen(fs->ukfs_cwd) >= len) {
		errno = ERANGE;
		rv = -1;
	} else {
		strcpy(buf, fs->ukfs_cwd);
	}
	pthread_mutex_unlock(&fs->ukfs_cwdlock);
	return rv;
}
