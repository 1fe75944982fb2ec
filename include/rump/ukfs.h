/*
 * ukfs: mount a disk image with the rump kernel's own file-system code
 * and work on it by path, from any thread, without root, a loop device or
 * FUSE.  Link with -lukfs (pkg-config ukfs).
 *
 *	ukfs_init();
 *	struct ukfs *fs = ukfs_mount(NULL, "disk.img", "/mnt", 0);
 *	ukfs_read(fs, "/etc/motd", 0, buf, sizeof(buf));
 *	ukfs_release(fs);
 *
 * Errors: every call that returns int or ssize_t returns -1 and sets errno
 * on failure (NetBSD's ukfs does the same); calls returning a pointer
 * return NULL and set errno.  Paths are from the root of the mounted
 * file system, or, without a leading '/', from the directory ukfs_chdir
 * set (the root until then).  Structures and
 * constants are Linux's (struct stat, O_*, AT_*), as for rump_sys_*.
 */
#ifndef RUMP_UKFS_H
#define RUMP_UKFS_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <time.h>

struct ukfs;
struct ukfs_dir;

/* ukfs_mount flags. */
#define UKFS_RDONLY	0x01	/* the image is opened read-only, never written */

/* One directory entry from ukfs_readdir; d_type is a DT_* value. */
struct ukfs_dirent {
	uint64_t d_ino;
	unsigned char d_type;
	char d_name[256];
};

/* Boots the rump kernel once per process; later calls do nothing. */
int ukfs_init(void);

/*
 * The file-system name ("ext2fs") the image's magic number says, or NULL
 * with errno ENODEV when no supported file system is recognised.
 */
const char *ukfs_fstype_detect(const char *image);

/*
 * Mounts the host file image as fstype (NULL: detected) at mountpath in
 * the rump kernel's name space (made if missing).  The mount point must
 * not be in use.
 */
struct ukfs *ukfs_mount(const char *fstype, const char *image,
    const char *mountpath, int flags);
/* Unmounts and frees fs; on failure (EBUSY: files open) fs stays valid. */
int ukfs_release(struct ukfs *fs);
/*
 * A handle for the path calls below the directory path of the kernel's
 * name space ("/": all of it), mounting nothing: for a program whose
 * kernel already has the file system (a remote client of a rump_server
 * with --mount), after rump_init().  ukfs_fstype() of it is "".
 * ukfs_detach() frees it and unmounts nothing.
 */
struct ukfs *ukfs_attach(const char *path);
void ukfs_detach(struct ukfs *fs);
/* The name it was mounted as ("ext2fs"). */
const char *ukfs_fstype(const struct ukfs *fs);

/* Reads/writes len bytes at off of the file at path; the count done. */
ssize_t ukfs_read(struct ukfs *fs, const char *path, off_t off, void *buf,
    size_t len);
ssize_t ukfs_write(struct ukfs *fs, const char *path, off_t off,
    const void *buf, size_t len);

/* A rump file descriptor for path; open(2)'s flags and mode. */
int ukfs_open(struct ukfs *fs, const char *path, int flags, mode_t mode);
/*
 * Entry name of the directory open as dirfd (from ukfs_open): one name,
 * without '/' and not ".." (EINVAL), looked up alone rather than by a
 * whole path again.
 */
int ukfs_openat(struct ukfs *fs, int dirfd, const char *name, int flags,
    mode_t mode);
int ukfs_lstatat(struct ukfs *fs, int dirfd, const char *name,
    struct stat *sb);
ssize_t ukfs_read_fd(struct ukfs *fs, int fd, off_t off, void *buf,
    size_t len);
ssize_t ukfs_write_fd(struct ukfs *fs, int fd, off_t off, const void *buf,
    size_t len);
int ukfs_close(struct ukfs *fs, int fd);

/* A new empty regular file (EEXIST when path exists). */
int ukfs_create(struct ukfs *fs, const char *path, mode_t mode);
int ukfs_mkdir(struct ukfs *fs, const char *path, mode_t mode);
/* Removes a non-directory. */
int ukfs_remove(struct ukfs *fs, const char *path);
int ukfs_rmdir(struct ukfs *fs, const char *path);
/* A hard link newpath to the file at path. */
int ukfs_link(struct ukfs *fs, const char *path, const char *newpath);
/* A symbolic link at linkpath holding target (taken as it is). */
int ukfs_symlink(struct ukfs *fs, const char *target, const char *linkpath);
/* The target, NUL-terminated; ENAMETOOLONG when it does not fit in size. */
ssize_t ukfs_readlink(struct ukfs *fs, const char *path, char *buf,
    size_t size);
int ukfs_rename(struct ukfs *fs, const char *from, const char *to);
int ukfs_truncate(struct ukfs *fs, const char *path, off_t length);
/* The file open as fd (from ukfs_open) cut or extended to length. */
int ukfs_ftruncate(struct ukfs *fs, int fd, off_t length);

int ukfs_stat(struct ukfs *fs, const char *path, struct stat *sb);
int ukfs_lstat(struct ukfs *fs, const char *path, struct stat *sb);
int ukfs_chmod(struct ukfs *fs, const char *path, mode_t mode);
/* Owners of path itself (a symlink is not followed). */
int ukfs_lchown(struct ukfs *fs, const char *path, uid_t uid, gid_t gid);
int ukfs_chown(struct ukfs *fs, const char *path, uid_t uid, gid_t gid);
/*
 * Access and modification times (times NULL: now), of path itself when
 * it is a symlink.
 */
int ukfs_lutimens(struct ukfs *fs, const char *path,
    const struct timespec times[2]);
/* Mode, owners and times of the file open as fd (from ukfs_open). */
int ukfs_fchmod(struct ukfs *fs, int fd, mode_t mode);
int ukfs_fchown(struct ukfs *fs, int fd, uid_t uid, gid_t gid);
int ukfs_futimens(struct ukfs *fs, int fd, const struct timespec times[2]);
int ukfs_statvfs(struct ukfs *fs, struct statvfs *sv);
/* Writes everything buffered to the image. */
int ukfs_sync(struct ukfs *fs);

/*
 * Relative paths start at the directory ukfs_chdir sets (at first the
 * root); ".." in it is taken out by name, as a shell's cd does.
 * ukfs_getcwd copies it, a path from the image's root, into buf (ERANGE
 * when len is too small).
 */
int ukfs_chdir(struct ukfs *fs, const char *path);
int ukfs_getcwd(struct ukfs *fs, char *buf, size_t len);

/*
 * Directory iteration: opendir, then readdir until it returns 0 (the
 * end; 1: ent holds an entry; -1: an error), then closedir.  "." and ".."
 * are returned like any entry.
 */
struct ukfs_dir *ukfs_opendir(struct ukfs *fs, const char *path);
int ukfs_readdir(struct ukfs_dir *d, struct ukfs_dirent *ent);
int ukfs_closedir(struct ukfs_dir *d);
/* The directory's rump descriptor, for ukfs_openat and ukfs_lstatat. */
int ukfs_dirfd(struct ukfs_dir *d);

#endif
