/*
 * The file system calls that read and change attributes: stat, access,
 * chmod, chown, utimensat, truncate, fsync, readlink.  Who may change
 * what is decided here, once, with Linux's answers; file systems store.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/vfs_syscalls.h"
#include "syscallargs.h"

/* The vnode a path names, referenced and unlocked. */
static int
vfs_lookup_vnode(struct vfs_pathcall *pc, uint32_t flags, struct vnode **vpp)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, flags, pc->pc_path, pc->pc_cred);
	NDAT(&nd, pc->pc_atdir);
	error = namei(&nd);
	if (error != 0)
		return error;
	namei_done(&nd);
	*vpp = nd.ni_vp;
	return 0;
}

/* ---- stat ---- */

static int
vfs_fstatat(int dirfd, const char *upath, struct stat *ub, int flags)
{
	struct vfs_pathcall pc;
	struct filestat st;
	struct vnode *vp;
	int error;

	if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0)
		return EINVAL;
	error = vfs_pathcall_begin(&pc, dirfd, upath);
	if (error != 0)
		return error;
	error = vfs_lookup_vnode(&pc,
	    ((flags & AT_SYMLINK_NOFOLLOW) != 0 ? NOFOLLOW : FOLLOW) |
	    ((flags & AT_EMPTY_PATH) != 0 ? EMPTYPATH : 0), &vp);
	if (error == 0) {
		error = vn_stat(vp, &st, pc.pc_cred);
		vrele(vp);
	}
	vfs_pathcall_end(&pc);
	if (error == 0)
		error = stat_copyout(&st, ub);
	return error;
}

int
sys_stat(struct lwp *l, const struct sys_stat_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_fstatat(AT_FDCWD, uap->path, uap->sb, 0);
}

int
sys_lstat(struct lwp *l, const struct sys_lstat_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_fstatat(AT_FDCWD, uap->path, uap->sb, AT_SYMLINK_NOFOLLOW);
}

int
sys_fstatat(struct lwp *l, const struct sys_fstatat_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_fstatat(uap->dirfd, uap->path, uap->sb, uap->flags);
}

/* ---- access ---- */

/*
 * access(2) checks with the real user and group, faccessat(AT_EACCESS)
 * with the effective ones.
 */
static int
vfs_faccessat(int dirfd, const char *upath, int mode, int flags)
{
	struct vfs_pathcall pc;
	struct vnode *vp;
	struct cred *rc;
	int acc = 0, error;

	if ((mode & ~(R_OK | W_OK | X_OK)) != 0 ||
	    (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW)) != 0)
		return EINVAL;
	error = vfs_pathcall_begin(&pc, dirfd, upath);
	if (error != 0)
		return error;
	rc = cred_copy(pc.pc_cred, pc.pc_cred->cr_ngroups);
	if ((flags & AT_EACCESS) == 0) {
		rc->cr_euid = rc->cr_uid;
		rc->cr_egid = rc->cr_gid;
	}
	cred_release(pc.pc_cred);
	pc.pc_cred = rc;
	error = vfs_lookup_vnode(&pc,
	    (flags & AT_SYMLINK_NOFOLLOW) != 0 ? NOFOLLOW : FOLLOW, &vp);
	if (error == 0) {
		acc = ((mode & R_OK) != 0 ? VREAD : 0) |
		    ((mode & W_OK) != 0 ? VWRITE : 0) |
		    ((mode & X_OK) != 0 ? VEXEC : 0);
		if ((acc & VWRITE) != 0 && vp->v_mount != NULL &&
		    (vp->v_mount->mnt_flag & MNT_RDONLY) != 0)
			error = EROFS;
		else if (acc != 0) {
			vn_lock(vp, RW_READER);
			error = VOP_ACCESS(vp, acc, rc);
			vn_unlock(vp);
		}
		vrele(vp);
	}
	vfs_pathcall_end(&pc);
	return error;
}

int
sys_access(struct lwp *l, const struct sys_access_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_faccessat(AT_FDCWD, uap->path, uap->mode, 0);
}

int
sys_faccessat(struct lwp *l, const struct sys_faccessat_args *uap,
    long *retval)
{
	(void)l;
	(void)retval;
	return vfs_faccessat(uap->dirfd, uap->path, uap->mode, uap->flags);
}

/* ---- changing attributes ---- */

/*
 * Who may change what (Linux's rules): the owner or root changes modes
 * and times; only root gives a file away; the owner may change its group
 * to one of the caller's.  A mode that names a group the caller is not
 * in loses set-group-ID; a change of owner clears set-user-ID and
 * set-group-ID of a regular file.
 */
static int
vfs_setattr_check(struct vnode *vp, struct vattr *va, kauth_cred_t cred)
{
	struct vattr cur;
	bool root = cred_is_root(cred), owner;
	int error;

	if (vp->v_mount != NULL && (vp->v_mount->mnt_flag & MNT_RDONLY) != 0)
		return EROFS;
	error = VOP_GETATTR(vp, &cur, cred);
	if (error != 0)
		return error;
	owner = kauth_cred_geteuid(cred) == cur.va_uid;
	if ((va->va_mask & VA_MODE) != 0) {
		if (!owner && !root)
			return EPERM;
		if (!root && !kauth_cred_groupmember(cred, cur.va_gid))
			va->va_mode &= ~(mode_t)S_ISGID;
	}
	if ((va->va_mask & VA_UID) != 0 && va->va_uid != cur.va_uid && !root)
		return EPERM;
	if ((va->va_mask & VA_GID) != 0 && va->va_gid != cur.va_gid && !root &&
	    (!owner || !kauth_cred_groupmember(cred, va->va_gid)))
		return EPERM;
	if ((va->va_mask & (VA_UID | VA_GID)) != 0 && vp->v_type == VREG &&
	    (cur.va_mode & (S_ISUID | S_ISGID)) != 0) {
		va->va_mask |= VA_MODE;
		va->va_mode = cur.va_mode & ~(mode_t)(S_ISUID | S_ISGID);
	}
	return 0;
}

static int
vfs_setattr(struct vnode *vp, struct vattr *va, kauth_cred_t cred)
{
	int error;

	vn_lock(vp, RW_WRITER);
	error = vfs_setattr_check(vp, va, cred);
	if (error == 0)
		error = VOP_SETATTR(vp, va, cred);
	vn_unlock(vp);
	return error;
}

/* A path call that changes attributes of what the path names. */
static int
vfs_setattr_at(int dirfd, const char *upath, uint32_t flags,
    struct vattr *va)
{
	struct vfs_pathcall pc;
	struct vnode *vp;
	int error;

	error = vfs_pathcall_begin(&pc, dirfd, upath);
	if (error != 0)
		return error;
	error = vfs_lookup_vnode(&pc, flags, &vp);
	if (error == 0) {
		error = vfs_setattr(vp, va, pc.pc_cred);
		vrele(vp);
	}
	vfs_pathcall_end(&pc);
	return error;
}

/* The same on an open file. */
static int
vfs_setattr_fd(int fd, struct vattr *va)
{
	struct file *fp = fd_getfile(fd);
	struct cred *cred;
	int error;

	if (fp == NULL)
		return EBADF;
	if (fp->f_type != DTYPE_VNODE) {
		fd_putfile(fp);
		return EINVAL;
	}
	cred = proc_cred(curproc);
	error = vfs_setattr(fp->f_data, va, cred);
	cred_release(cred);
	fd_putfile(fp);
	return error;
}

static void
vattr_mode(struct vattr *va, mode_t mode)
{
	vattr_null(va);
	va->va_mask = VA_MODE;
	va->va_mode = mode & ALLPERMS;
}

int
sys_chmod(struct lwp *l, const struct sys_chmod_args *uap, long *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	vattr_mode(&va, uap->mode);
	return vfs_setattr_at(AT_FDCWD, uap->path, FOLLOW, &va);
}

int
sys_fchmodat(struct lwp *l, const struct sys_fchmodat_args *uap,
    long *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	/* Linux's fchmodat has no flags that work: symlinks have no modes. */
	if (uap->flags != 0)
		return uap->flags == AT_SYMLINK_NOFOLLOW ? EOPNOTSUPP : EINVAL;
	vattr_mode(&va, uap->mode);
	return vfs_setattr_at(uap->dirfd, uap->path, FOLLOW, &va);
}

int
sys_fchmod(struct lwp *l, const struct sys_fchmod_args *uap, long *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	vattr_mode(&va, uap->mode);
	return vfs_setattr_fd(uap->fd, &va);
}

/* uid or gid (uid_t)-1 leaves that one unchanged. */
static void
vattr_owner(struct vattr *va, uid_t uid, gid_t gid)
{
	vattr_null(va);
	if (uid != (uid_t)-1) {
		va->va_mask |= VA_UID;
		va->va_uid = uid;
	}
	if (gid != (gid_t)-1) {
		va->va_mask |= VA_GID;
		va->va_gid = gid;
	}
}

int
sys_chown(struct lwp *l, const struct sys_chown_args *uap, long *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	vattr_owner(&va, uap->uid, uap->gid);
	return vfs_setattr_at(AT_FDCWD, uap->path, FOLLOW, &va);
}

int
sys_lchown(struct lwp *l, const struct sys_lchown_args *uap, long *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	vattr_owner(&va, uap->uid, uap->gid);
	return vfs_setattr_at(AT_FDCWD, uap->path, NOFOLLOW, &va);
}

int
sys_fchownat(struct lwp *l, const struct sys_fchownat_args *uap,
    long *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	if ((uap->flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0)
		return EINVAL;
	vattr_owner(&va, uap->uid, uap->gid);
	return vfs_setattr_at(uap->dirfd, uap->path,
	    ((uap->flags & AT_SYMLINK_NOFOLLOW) != 0 ? NOFOLLOW : FOLLOW) |
	    ((uap->flags & AT_EMPTY_PATH) != 0 ? EMPTYPATH : 0), &va);
}

int
sys_fchown(struct lwp *l, const struct sys_fchown_args *uap, long *retval)
{
	struct vattr va;

	(void)l;
	(void)retval;
	vattr_owner(&va, uap->uid, uap->gid);
	return vfs_setattr_fd(uap->fd, &va);
}

/* ---- utimensat ---- */

static bool
utime_valid(const struct timespec *ts)
{
	return ts->tv_nsec == UTIME_NOW || ts->tv_nsec == UTIME_OMIT ||
	    (ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L);
}

/*
 * Setting both times to now needs ownership or write permission; any
 * other time needs ownership (utimensat(2)).
 */
static int
utimens_check(struct vnode *vp, bool explicit, kauth_cred_t cred)
{
	struct vattr cur;
	int error;

	if (vp->v_mount != NULL && (vp->v_mount->mnt_flag & MNT_RDONLY) != 0)
		return EROFS;
	error = VOP_GETATTR(vp, &cur, cred);
	if (error != 0 || cred_is_root(cred) ||
	    kauth_cred_geteuid(cred) == cur.va_uid)
		return error;
	if (explicit)
		return EPERM;
	return VOP_ACCESS(vp, VWRITE, cred);
}

static int
vfs_utimens(struct vnode *vp, const struct timespec ts[2], kauth_cred_t cred)
{
	struct vattr va;
	struct timespec now;
	bool explicit = false;
	int error;

	vfs_timestamp(&now);
	vattr_null(&va);
	for (int i = 0; i < 2; i++) {
		struct timespec t = ts != NULL ? ts[i] : now;

		if (t.tv_nsec == UTIME_OMIT)
			continue;
		if (t.tv_nsec == UTIME_NOW)
			t = now;
		else if (ts != NULL)
			explicit = true;
		va.va_mask |= i == 0 ? VA_ATIME : VA_MTIME;
		if (i == 0)
			va.va_atime = t;
		else
			va.va_mtime = t;
	}
	if (va.va_mask == 0)
		return 0;
	vn_lock(vp, RW_WRITER);
	error = utimens_check(vp, explicit, cred);
	if (error == 0)
		error = VOP_SETATTR(vp, &va, cred);
	vn_unlock(vp);
	return error;
}

int
sys_utimensat(struct lwp *l, const struct sys_utimensat_args *uap,
    long *retval)
{
	struct vfs_pathcall pc;
	struct timespec ts[2];
	struct vnode *vp;
	struct file *fp;
	int error;

	(void)l;
	(void)retval;
	if ((uap->flags & ~AT_SYMLINK_NOFOLLOW) != 0)
		return EINVAL;
	if (uap->times != NULL) {
		error = copyin(uap->times, ts, sizeof(ts));
		if (error != 0)
			return error;
		if (!utime_valid(&ts[0]) || !utime_valid(&ts[1]))
			return EINVAL;
	}
	/* A NULL path (Linux's futimens) names dirfd itself. */
	if (uap->path == NULL) {
		error = vfs_atdir(uap->dirfd, &vp, &fp);
		if (error == 0 && vp == NULL)
			error = EFAULT;
		if (error == 0) {
			struct cred *cred = proc_cred(curproc);

			error = vfs_utimens(vp, uap->times != NULL ? ts : NULL,
			    cred);
			cred_release(cred);
		}
		vfs_atdir_done(fp);
		return error;
	}
	error = vfs_pathcall_begin(&pc, uap->dirfd, uap->path);
	if (error != 0)
		return error;
	error = vfs_lookup_vnode(&pc, (uap->flags & AT_SYMLINK_NOFOLLOW) != 0 ?
	    NOFOLLOW : FOLLOW, &vp);
	if (error == 0) {
		error = vfs_utimens(vp, uap->times != NULL ? ts : NULL,
		    pc.pc_cred);
		vrele(vp);
	}
	vfs_pathcall_end(&pc);
	return error;
}

/* ---- truncate ---- */

static int
vfs_truncate(struct vnode *vp, off_t length, kauth_cred_t cred, bool access)
{
	struct vattr va;
	int error = 0;

	if (length < 0)
		return EINVAL;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (vp->v_mount != NULL && (vp->v_mount->mnt_flag & MNT_RDONLY) != 0)
		return EROFS;
	vattr_null(&va);
	va.va_mask = VA_SIZE;
	va.va_size = (uint64_t)length;
	vn_lock(vp, RW_WRITER);
	if (access)
		error = VOP_ACCESS(vp, VWRITE, cred);
	if (error == 0)
		error = VOP_SETATTR(vp, &va, cred);
	vn_unlock(vp);
	return error;
}

int
sys_truncate(struct lwp *l, const struct sys_truncate_args *uap,
    long *retval)
{
	struct vfs_pathcall pc;
	struct vnode *vp;
	int error;

	(void)l;
	(void)retval;
	error = vfs_pathcall_begin(&pc, AT_FDCWD, uap->path);
	if (error != 0)
		return error;
	error = vfs_lookup_vnode(&pc, FOLLOW, &vp);
	if (error == 0) {
		error = vfs_truncate(vp, uap->length, pc.pc_cred, true);
		vrele(vp);
	}
	vfs_pathcall_end(&pc);
	return error;
}

int
sys_ftruncate(struct lwp *l, const struct sys_ftruncate_args *uap,
    long *retval)
{
	struct file *fp = fd_getfile(uap->fd);
	int error;

	(void)l;
	(void)retval;
	if (fp == NULL)
		return EBADF;
	if (fp->f_type != DTYPE_VNODE || (fp->f_flag & FWRITE) == 0)
		error = EINVAL;
	else
		error = vfs_truncate(fp->f_data, uap->length, fp->f_cred, false);
	fd_putfile(fp);
	return error;
}

/* ---- fsync ---- */

static int
vfs_fsync(int fd, int flags)
{
	struct file *fp = fd_getfile(fd);
	struct vnode *vp;
	int error;

	if (fp == NULL)
		return EBADF;
	if (fp->f_type != DTYPE_VNODE) {
		fd_putfile(fp);
		return EINVAL;
	}
	vp = fp->f_data;
	vn_lock(vp, RW_WRITER);
	error = VOP_FSYNC(vp, fp->f_cred, flags | FSYNC_WAIT);
	vn_unlock(vp);
	fd_putfile(fp);
	return error == EOPNOTSUPP ? 0 : error;
}

int
sys_fsync(struct lwp *l, const struct sys_fsync_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_fsync(uap->fd, 0);
}

int
sys_fdatasync(struct lwp *l, const struct sys_fdatasync_args *uap,
    long *retval)
{
	(void)l;
	(void)retval;
	return vfs_fsync(uap->fd, FSYNC_DATAONLY);
}

/* ---- readlink ---- */

static int
vfs_readlinkat(int dirfd, const char *upath, char *buf, size_t bufsize,
    long *retval)
{
	struct vfs_pathcall pc;
	struct vnode *vp;
	struct iovec iov = { .iov_base = buf, .iov_len = bufsize };
	struct uio uio = {
		.uio_iov = &iov, .uio_iovcnt = 1, .uio_offset = 0,
		.uio_resid = bufsize, .uio_rw = UIO_READ,
	};
	int error;

	if ((ssize_t)bufsize <= 0)
		return EINVAL;
	error = vfs_pathcall_begin(&pc, dirfd, upath);
	if (error != 0)
		return error;
	error = vfs_lookup_vnode(&pc, NOFOLLOW, &vp);
	if (error == 0) {
		vn_lock(vp, RW_READER);
		error = vp->v_type == VLNK ? VOP_READLINK(vp, &uio, pc.pc_cred) :
		    EINVAL;
		vn_unlock(vp);
		vrele(vp);
	}
	vfs_pathcall_end(&pc);
	if (error == 0)
		*retval = (long)(bufsize - uio.uio_resid);
	return error;
}

int
sys_readlink(struct lwp *l, const struct sys_readlink_args *uap,
    long *retval)
{
	(void)l;
	return vfs_readlinkat(AT_FDCWD, uap->path, uap->buf, uap->bufsize,
	    retval);
}

int
sys_readlinkat(struct lwp *l, const struct sys_readlinkat_args *uap,
    long *retval)
{
	(void)l;
	return vfs_readlinkat(uap->dirfd, uap->path, uap->buf, uap->bufsize,
	    retval);
}
