/* Attributes: stat, modes, owners, times, file-system figures, sync. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>

#include <rump/rump.h>

#include "ukfs_impl.h"

int
ukfs_stat(struct ukfs *fs, const char *path, struct stat *sb)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_stat(p, sb);
}

int
ukfs_lstat(struct ukfs *fs, const char *path, struct stat *sb)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_lstat(p, sb);
}

int
ukfs_chmod(struct ukfs *fs, const char *path, mode_t mode)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_chmod(p, mode);
}

int
ukfs_chown(struct ukfs *fs, const char *path, uid_t uid, gid_t gid)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_chown(p, uid, gid);
}

int
ukfs_lchown(struct ukfs *fs, const char *path, uid_t uid, gid_t gid)
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_lchown(p, uid, gid);
}

int
ukfs_lutimens(struct ukfs *fs, const char *path,
    const struct timespec times[2])
{
	char p[PATH_MAX];

	if (ukfs_path(fs, path, p) != 0)
		return -1;
	return rump_sys_utimensat(AT_FDCWD, p, times, AT_SYMLINK_NOFOLLOW);
}

/*
 * The same through a descriptor of ukfs_open: no path is looked up, so
 * a copy that has the file open sets its attributes for the cost of the
 * change alone.
 */
int
ukfs_fchmod(struct ukfs *fs, int fd, mode_t mode)
{
	(void)fs;
	return rump_sys_fchmod(fd, mode);
}

int
ukfs_fchown(struct ukfs *fs, int fd, uid_t uid, gid_t gid)
{
	(void)fs;
	return rump_sys_fchown(fd, uid, gid);
}

int
ukfs_futimens(struct ukfs *fs, int fd, const struct timespec times[2])
{
	(void)fs;
	/* A NULL path names fd itself, as the C library's futimens does. */
	return rump_sys_utimensat(fd, NULL, times, 0);
}

int
ukfs_statvfs(struct ukfs *fs, struct statvfs *sv)
{
	struct statfs sf;

	if (rump_sys_statfs(fs->ukfs_mountpath, &sf) != 0)
		return -1;
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = (unsigned long)sf.f_bsize;
	sv->f_frsize = sf.f_frsize ? (unsigned long)sf.f_frsize :
	    (unsigned long)sf.f_bsize;
	sv->f_blocks = sf.f_blocks;
	sv->f_bfree = sf.f_bfree;
	sv->f_bavail = sf.f_bavail;
	sv->f_files = sf.f_files;
	sv->f_ffree = sf.f_ffree;
	sv->f_favail = sf.f_ffree;
	sv->f_namemax = (unsigned long)sf.f_namelen;
	sv->f_flag = (unsigned long)sf.f_flags;
	return 0;
}

int
ukfs_sync(struct ukfs *fs)
{
	(void)fs;
	return rump_sys_sync();
}
