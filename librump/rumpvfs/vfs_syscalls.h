/*
 * What the file system calls share (vfs_syscalls*.c, vfs_vnops.c).
 */
#ifndef RUMPVFS_VFS_SYSCALLS_H
#define RUMPVFS_VFS_SYSCALLS_H

#include "rumpkern/filedesc.h"
#include "rumpvfs/namei.h"

extern const struct fileops vnops;

/* FREAD/FWRITE/FAPPEND/FNONBLOCK/O_DSYNC of open(2) flags. */
int vfs_oflags_to_fmode(int oflags);
/*
 * Opens path (relative to atdir, or the cwd when NULL) as open(2) says:
 * *vpp is referenced and unlocked.  cmode has the umask applied.
 */
int vn_open(struct vnode *atdir, const char *path, int oflags, mode_t cmode,
    kauth_cred_t cred, struct vnode **vpp);
/* The attributes of vp as fstat(2) reports them. */
int vn_stat(struct vnode *vp, struct filestat *st, kauth_cred_t cred);

/* May entries be added to or removed from dvp (locked)?  EROFS/EACCES. */
int vfs_dir_writable(struct vnode *dvp, kauth_cred_t cred);
/* May cred remove vp from dvp (both locked)?  Sticky directories too. */
int vfs_may_delete(struct vnode *dvp, struct vnode *vp, kauth_cred_t cred);
/* Attributes of a new file of type and mode (umask applied) in dvp. */
void vfs_newattr(struct vattr *va, enum vtype type, mode_t mode,
    struct vnode *dvp, kauth_cred_t cred);

/*
 * A path argument: copied in (ENAMETOOLONG at PATH_MAX, EFAULT) into a
 * buffer freed with vfs_path_free.
 */
int vfs_path_copyin(const char *upath, char **kpathp);
void vfs_path_free(char *kpath);

/*
 * The directory an *at() call's dirfd names: NULL for AT_FDCWD, else the
 * open directory's vnode, which *fpp holds until fd_putfile(*fpp).
 */
int vfs_atdir(int dirfd, struct vnode **dvpp, struct file **fpp);
void vfs_atdir_done(struct file *fp);

/* A path resolved for the *at() calls with the caller's credentials. */
struct vfs_pathcall {
	struct cred *pc_cred;
	struct file *pc_atfp;
	struct vnode *pc_atdir;
	char *pc_path;
};
int vfs_pathcall_begin(struct vfs_pathcall *pc, int dirfd, const char *upath);
void vfs_pathcall_end(struct vfs_pathcall *pc);

#endif
