/*
 * The file system calls that make and remove names: open, mkdir, mknod,
 * symlink, link, unlink, rmdir (and their *at forms), with the helpers
 * every path call shares.  Errors are Linux's for each case.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/namecache.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/vfs_private.h"
#include "rumpvfs/vfs_syscalls.h"
#include "syscallargs.h"

int
vfs_path_copyin(const char *upath, char **kpathp)
{
	char *kpath = pnbuf_get();
	int error = copyinstr(upath, kpath, PATH_MAX, NULL);

	if (error != 0) {
		pnbuf_put(kpath);
		return error;
	}
	*kpathp = kpath;
	return 0;
}

void
vfs_path_free(char *kpath)
{
	pnbuf_put(kpath);
}

int
vfs_atdir(int dirfd, struct vnode **dvpp, struct file **fpp)
{
	struct file *fp;

	*dvpp = NULL;
	*fpp = NULL;
	if (dirfd == AT_FDCWD)
		return 0;
	fp = fd_getfile(dirfd);
	if (fp == NULL)
		return EBADF;
	if (fp->f_type != DTYPE_VNODE) {
		fd_putfile(fp);
		return ENOTDIR;
	}
	*dvpp = fp->f_data;
	*fpp = fp;
	return 0;
}

void
vfs_atdir_done(struct file *fp)
{
	if (fp != NULL)
		fd_putfile(fp);
}

int
vfs_pathcall_begin(struct vfs_pathcall *pc, int dirfd, const char *upath)
{
	int error;

	error = vfs_path_copyin(upath, &pc->pc_path);
	if (error != 0)
		return error;
	error = vfs_atdir(dirfd, &pc->pc_atdir, &pc->pc_atfp);
	if (error != 0) {
		vfs_path_free(pc->pc_path);
		return error;
	}
	pc->pc_cred = proc_cred(curproc);
	return 0;
}

void
vfs_pathcall_end(struct vfs_pathcall *pc)
{
	cred_release(pc->pc_cred);
	vfs_atdir_done(pc->pc_atfp);
	vfs_path_free(pc->pc_path);
}

int
vfs_oflags_to_fmode(int oflags)
{
	int fmode = 0;

	switch (oflags & O_ACCMODE) {
	case O_RDONLY:
		fmode = FREAD;
		break;
	case O_WRONLY:
		fmode = FWRITE;
		break;
	case O_RDWR:
		fmode = FREAD | FWRITE;
		break;
	}
	return fmode | (oflags & (O_NONBLOCK | O_APPEND | O_DSYNC));
}

int
vfs_dir_writable(struct vnode *dvp, kauth_cred_t cred)
{
	if ((dvp->v_mount->mnt_flag & MNT_RDONLY) != 0)
		return EROFS;
	return VOP_ACCESS(dvp, VWRITE | VEXEC, cred);
}

/* Linux: the owner is the caller; the group the caller's, or the
 * directory's when it is set-group-ID (which a new directory inherits). */
void
vfs_newattr(struct vattr *va, enum vtype type, mode_t mode,
    struct vnode *dvp, kauth_cred_t cred)
{
	struct vattr dva;

	vattr_null(va);
	va->va_type = type;
	va->va_mode = mode & ALLPERMS;
	va->va_uid = kauth_cred_geteuid(cred);
	va->va_gid = kauth_cred_getegid(cred);
	if (VOP_GETATTR(dvp, &dva, cred) == 0 && (dva.va_mode & S_ISGID) != 0) {
		va->va_gid = dva.va_gid;
		if (type == VDIR)
			va->va_mode |= S_ISGID;
	}
}

static mode_t
vfs_umask(mode_t mode)
{
	return mode & ~atomic_load_relaxed(&curproc->p_umask);
}

/* ---- open ---- */

static int
vfs_openat(int dirfd, const char *upath, int oflags, mode_t mode, long *retval)
{
	struct vfs_pathcall pc;
	struct filedesc *fdp = curproc->p_fd;
	struct vnode *vp;
	struct file *fp;
	int fd, error;

	if ((oflags & O_ACCMODE) == O_ACCMODE)
		return EINVAL;
	error = vfs_pathcall_begin(&pc, dirfd, upath);
	if (error != 0)
		return error;
	error = fd_reserve(fdp, &fd);
	if (error == 0) {
		error = vn_open(pc.pc_atdir, pc.pc_path, oflags,
		    vfs_umask(mode), pc.pc_cred, &vp);
		if (error != 0)
			fd_cancel(fdp, fd);
	}
	vfs_pathcall_end(&pc);
	if (error != 0)
		return error;
	fp = file_alloc(vfs_oflags_to_fmode(oflags));
	if (vp->v_type == VFIFO) {
		/* Waits for the other end with no lock held but the file's. */
		error = vfs_fifo_open(vp, fp);
		if (error != 0) {
			fd_cancel(fdp, fd);
			file_release(fp);
			vrele(vp);
			return error;
		}
	} else {
		fp->f_type = DTYPE_VNODE;
		fp->f_ops = &vnops;
		fp->f_data = vp;
	}
	fd_commit(fdp, fd, fp, (oflags & O_CLOEXEC) != 0);
	file_release(fp);
	*retval = fd;
	return 0;
}

int
sys_open(struct lwp *l, const struct sys_open_args *uap, long *retval)
{
	(void)l;
	return vfs_openat(AT_FDCWD, uap->path, uap->flags, uap->mode, retval);
}

int
sys_openat(struct lwp *l, const struct sys_openat_args *uap, long *retval)
{
	(void)l;
	return vfs_openat(uap->dirfd, uap->path, uap->flags, uap->mode, retval);
}

/* ---- making names ---- */

/*
 * Looks up the new name of a create-type call: *ndp holds the locked
 * parent when the name is free.  EEXIST when it is taken, or for "/",
 * "." and "..".
 */
static int
vfs_lookup_new(struct nameidata *ndp, struct vfs_pathcall *pc, uint32_t flags)
{
	int error;

	NDINIT(ndp, CREATE, LOCKPARENT | flags, pc->pc_path, pc->pc_cred);
	NDAT(ndp, pc->pc_atdir);
	error = namei(ndp);
	if (error != 0)
		return error;
	if (ndp->ni_vp != NULL) {
		namei_release(ndp);
		return EEXIST;
	}
	error = vfs_dir_writable(ndp->ni_dvp, pc->pc_cred);
	if (error != 0)
		namei_release(ndp);
	return error;
}

/* Makes the name with make (VOP_MKDIR, ...); the new vnode is released. */
static int
vfs_makename(struct vfs_pathcall *pc, enum vtype type, mode_t mode,
    dev_t rdev, const char *target)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error;

	error = vfs_lookup_new(&nd, pc, type == VDIR ? CREATEDIR : 0);
	if (error != 0)
		return error;
	if ((nd.ni_cnd.cn_flags & REQUIREDIR) != 0 && type != VDIR) {
		namei_release(&nd);
		return ENOENT;
	}
	vfs_newattr(&va, type, mode, nd.ni_dvp, pc->pc_cred);
	va.va_rdev = rdev;
	cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr, nd.ni_cnd.cn_namelen);
	switch (type) {
	case VDIR:
		error = VOP_MKDIR(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
		break;
	case VLNK:
		error = VOP_SYMLINK(nd.ni_dvp, &vp, &nd.ni_cnd, &va, target);
		break;
	default:
		error = VOP_MKNOD(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
		break;
	}
	if (error == 0)
		vrele(vp);
	namei_release(&nd);
	return error;
}

static int
vfs_mkdirat(int dirfd, const char *upath, mode_t mode)
{
	struct vfs_pathcall pc;
	int error;

	error = vfs_pathcall_begin(&pc, dirfd, upath);
	if (error != 0)
		return error;
	error = vfs_makename(&pc, VDIR, vfs_umask(mode & (ALLPERMS & ~S_ISGID)),
	    0, NULL);
	vfs_pathcall_end(&pc);
	return error;
}

int
sys_mkdir(struct lwp *l, const struct sys_mkdir_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_mkdirat(AT_FDCWD, uap->path, uap->mode);
}

int
sys_mkdirat(struct lwp *l, const struct sys_mkdirat_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_mkdirat(uap->dirfd, uap->path, uap->mode);
}

/*
 * mknod(2): FIFOs and regular files for anyone; device nodes need root
 * (EPERM); a directory is EPERM and a symbolic link EINVAL, as on Linux.
 */
static int
vfs_mknodat(int dirfd, const char *upath, mode_t mode, dev_t dev)
{
	struct vfs_pathcall pc;
	enum vtype type = (mode & S_IFMT) == 0 ? VREG : ifmt_to_vtype(mode);
	int error;

	if (type == VDIR)
		return EPERM;
	if (type == VNON || type == VLNK)
		return EINVAL;
	error = vfs_pathcall_begin(&pc, dirfd, upath);
	if (error != 0)
		return error;
	if ((type == VBLK || type == VCHR) && !cred_is_root(pc.pc_cred))
		error = EPERM;
	else
		error = vfs_makename(&pc, type, vfs_umask(mode & ALLPERMS),
		    dev, NULL);
	vfs_pathcall_end(&pc);
	return error;
}

int
sys_mknod(struct lwp *l, const struct sys_mknod_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_mknodat(AT_FDCWD, uap->path, uap->mode, uap->dev);
}

int
sys_mknodat(struct lwp *l, const struct sys_mknodat_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_mknodat(uap->dirfd, uap->path, uap->mode, uap->dev);
}

static int
vfs_symlinkat(const char *utarget, int dirfd, const char *upath)
{
	struct vfs_pathcall pc;
	char *target;
	int error;

	error = vfs_path_copyin(utarget, &target);
	if (error != 0)
		return error;
	if (target[0] == '\0') {
		vfs_path_free(target);
		return ENOENT;
	}
	error = vfs_pathcall_begin(&pc, dirfd, upath);
	if (error == 0) {
		error = vfs_makename(&pc, VLNK, ACCESSPERMS, 0, target);
		vfs_pathcall_end(&pc);
	}
	vfs_path_free(target);
	return error;
}

int
sys_symlink(struct lwp *l, const struct sys_symlink_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_symlinkat(uap->target, AT_FDCWD, uap->linkpath);
}

int
sys_symlinkat(struct lwp *l, const struct sys_symlinkat_args *uap,
    long *retval)
{
	(void)l;
	(void)retval;
	return vfs_symlinkat(uap->target, uap->dirfd, uap->linkpath);
}

/* ---- link ---- */

/*
 * The new name for vp (referenced, unlocked): same mount, not a dir.  The
 * new name is looked up first, as Linux does: a missing directory on its
 * way is ENOENT and an existing name EEXIST even when vp is a directory.
 */
static int
vfs_link_to(struct vnode *vp, struct vfs_pathcall *to)
{
	struct nameidata nd;
	int error;

	error = vfs_lookup_new(&nd, to, 0);
	if (error != 0)
		return error;
	if ((nd.ni_cnd.cn_flags & REQUIREDIR) != 0)
		error = ENOENT;
	else if (nd.ni_dvp->v_mount != vp->v_mount)
		error = EXDEV;
	else if (vp->v_type == VDIR)
		error = EPERM;
	else {
		cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr,
		    nd.ni_cnd.cn_namelen);
		error = VOP_LINK(nd.ni_dvp, vp, &nd.ni_cnd);
	}
	namei_release(&nd);
	return error;
}

static int
vfs_linkat(int fromfd, const char *ufrom, int tofd, const char *uto,
    int flags)
{
	struct vfs_pathcall from, to;
	struct nameidata nd;
	int error;

	if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) != 0)
		return EINVAL;
	error = vfs_pathcall_begin(&from, fromfd, ufrom);
	if (error != 0)
		return error;
	NDINIT(&nd, LOOKUP, ((flags & AT_SYMLINK_FOLLOW) != 0 ? FOLLOW : NOFOLLOW) |
	    ((flags & AT_EMPTY_PATH) != 0 ? EMPTYPATH : 0),
	    from.pc_path, from.pc_cred);
	NDAT(&nd, from.pc_atdir);
	error = namei(&nd);
	vfs_pathcall_end(&from);
	if (error != 0)
		return error;
	namei_done(&nd);
	error = vfs_pathcall_begin(&to, tofd, uto);
	if (error == 0) {
		error = vfs_link_to(nd.ni_vp, &to);
		vfs_pathcall_end(&to);
	}
	vrele(nd.ni_vp);
	return error;
}

int
sys_link(struct lwp *l, const struct sys_link_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_linkat(AT_FDCWD, uap->path, AT_FDCWD, uap->link, 0);
}

int
sys_linkat(struct lwp *l, const struct sys_linkat_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_linkat(uap->fromfd, uap->from, uap->tofd, uap->to, uap->flags);
}

/* ---- unlink, rmdir ---- */

/*
 * May cred remove vp from dvp?  Write and search on dvp, and with the
 * sticky bit on dvp, own vp or dvp (or be root).
 */
int
vfs_may_delete(struct vnode *dvp, struct vnode *vp, kauth_cred_t cred)
{
	struct vattr dva, va;
	int error;

	error = vfs_dir_writable(dvp, cred);
	if (error != 0)
		return error;
	error = VOP_GETATTR(dvp, &dva, cred);
	if (error != 0 || (dva.va_mode & S_ISVTX) == 0 || cred_is_root(cred))
		return error;
	error = VOP_GETATTR(vp, &va, cred);
	if (error != 0)
		return error;
	if (kauth_cred_geteuid(cred) != va.va_uid &&
	    kauth_cred_geteuid(cred) != dva.va_uid)
		return EPERM;
	return 0;
}

/* "/", "." and ".." name no entry that can be removed (ni_dvp NULL). */
static int
vfs_remove_self_error(const struct nameidata *nd, bool dir)
{
	if (!dir)
		return EISDIR;
	if (nd->ni_cnd.cn_namelen == 0)
		return EBUSY;
	return (nd->ni_cnd.cn_flags & ISDOTDOT) != 0 ? ENOTEMPTY : EINVAL;
}

static int
vfs_remove(struct vfs_pathcall *pc, bool dir)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, DELETE, LOCKPARENT | LOCKLEAF, pc->pc_path, pc->pc_cred);
	NDAT(&nd, pc->pc_atdir);
	error = namei(&nd);
	if (error != 0)
		return error;
	if (nd.ni_dvp == NULL)
		error = vfs_remove_self_error(&nd, dir);
	else if (dir && nd.ni_vp->v_type != VDIR)
		error = ENOTDIR;
	else if (!dir && nd.ni_vp->v_type == VDIR)
		error = EISDIR;
	else if (!dir && (nd.ni_cnd.cn_flags & REQUIREDIR) != 0)
		error = ENOTDIR;
	else if ((nd.ni_vp->v_vflag & VV_ROOT) != 0)
		error = EBUSY;		/* a mount point */
	else
		error = vfs_may_delete(nd.ni_dvp, nd.ni_vp, pc->pc_cred);
	if (error == 0)
		cache_purge_name(nd.ni_dvp, nd.ni_cnd.cn_nameptr,
		    nd.ni_cnd.cn_namelen);
	if (error == 0 && dir)
		error = VOP_RMDIR(nd.ni_dvp, nd.ni_vp, &nd.ni_cnd);
	else if (error == 0)
		error = VOP_REMOVE(nd.ni_dvp, nd.ni_vp, &nd.ni_cnd);
	namei_release(&nd);
	return error;
}

static int
vfs_unlinkat(int dirfd, const char *upath, int flags)
{
	struct vfs_pathcall pc;
	int error;

	if ((flags & ~AT_REMOVEDIR) != 0)
		return EINVAL;
	error = vfs_pathcall_begin(&pc, dirfd, upath);
	if (error != 0)
		return error;
	error = vfs_remove(&pc, (flags & AT_REMOVEDIR) != 0);
	vfs_pathcall_end(&pc);
	return error;
}

int
sys_unlink(struct lwp *l, const struct sys_unlink_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_unlinkat(AT_FDCWD, uap->path, 0);
}

int
sys_unlinkat(struct lwp *l, const struct sys_unlinkat_args *uap,
    long *retval)
{
	(void)l;
	(void)retval;
	return vfs_unlinkat(uap->dirfd, uap->path, uap->flags);
}

int
sys_rmdir(struct lwp *l, const struct sys_rmdir_args *uap, long *retval)
{
	(void)l;
	(void)retval;
	return vfs_unlinkat(AT_FDCWD, uap->path, AT_REMOVEDIR);
}
