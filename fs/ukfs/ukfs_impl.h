/* What the ukfs files share: the mount and the path prefixing. */
#ifndef FS_UKFS_UKFS_IMPL_H
#define FS_UKFS_UKFS_IMPL_H

#include <limits.h>
#include <pthread.h>

#include <rump/ukfs.h>

struct ukfs {
	char ukfs_mountpath[PATH_MAX];	/* in the rump name space */
	char ukfs_devpath[64];		/* the image's etfs key */
	char ukfs_fstype[32];
	int ukfs_flags;
	/* Where relative paths start (ukfs_chdir), from the image's root. */
	pthread_mutex_t ukfs_cwdlock;
	char ukfs_cwd[PATH_MAX];
};

/*
 * path (absolute from the root of fs, or relative to its ukfs_chdir
 * directory) as an absolute path in the rump name
 * space, in buf of PATH_MAX bytes; -1 and ENAMETOOLONG when it does not
 * fit.
 */
int ukfs_path(struct ukfs *fs, const char *path, char *buf);
/* The directory of relative paths of a new handle (the root), and its end. */
void ukfs_cwd_init(struct ukfs *fs);
void ukfs_cwd_fini(struct ukfs *fs);

#endif
