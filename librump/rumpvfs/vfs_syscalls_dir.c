/*
 * Directories as a process sees them: reading one (getdents64), the
 * current and root directories (chdir, fchdir, chroot) and the name of
 * the current one (getcwd).
 */
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/vfs_syscalls.h"
#include "syscallargs.h"

KMEM_DEFINE(M_GETCWD, "getcwd");

/* ---- getdents64 ---- */

int
sys_getdents64(struct lwp *l, const struct sys_getdents64_args *uap,
    long *retval)
{
	struct file *fp = fd_getfile(uap->fd);
	struct vnode *vp;
	struct iovec iov = { .iov_base = uap->dirp, .iov_len = uap->count };
	struct uio uio = {
		.uio_iov = &iov, .uio_iovcnt = 1, .uio_resid = uap->count,
		.uio_rw = UIO_READ,
	};
	int eof, error;

	(void)l;
	if (fp == NULL)
		return EBADF;
	vp = fp->f_data;
	if (fp->f_type != DTYPE_VNODE || vp->v_type != VDIR) {
		fd_putfile(fp);
		return ENOTDIR;
	}
	mutex_enter(&fp->f_offlock);
	uio.uio_offset = fp->f_offset;
	vn_lock(vp, RW_READER);
	error = VOP_READDIR(vp, &uio, &eof, fp->f_cred);
	vn_unlock(vp);
	if (error == 0)
		fp->f_offset = uio.uio_offset;
	mutex_exit(&fp->f_offlock);
	fd_putfile(fp);
	if (error == 0)
		*retval = (long)(uap->count - uio.uio_resid);
	return error;
}

/* ---- chdir, fchdir, chroot ---- */

/* A directory the caller may search, referenced. */
static int
vfs_searchable_dir(struct vnode *vp, kauth_cred_t cred)
{
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	vn_lock(vp, RW_READER);
	error = VOP_ACCESS(vp, VEXEC, cred);
	vn_unlock(vp);
	return error;
}

static int
vfs_lookup_dir(const char *upath, bool rootonly, struct vnode **vpp)
{
	struct vfs_pathcall pc;
	struct nameidata nd;
	int error;

	error = vfs_pathcall_begin(&pc, AT_FDCWD, upath);
	if (error != 0)
		return error;
	if (rootonly && !cred_is_root(pc.pc_cred)) {
		vfs_pathcall_end(&pc);
		return EPERM;
	}
	NDINIT(&nd, LOOKUP, FOLLOW, pc.pc_path, pc.pc_cred);
	error = namei(&nd);
	if (error == 0) {
		namei_done(&nd);
		error = vfs_searchable_dir(nd.ni_vp, pc.pc_cred);
		if (error != 0)
			vrele(nd.ni_vp);
		else
			*vpp = nd.ni_vp;
	}
	vfs_pathcall_end(&pc);
	return error;
}

int
sys_chdir(struct lwp *l, const struct sys_chdir_args *uap, long *retval)
{
	struct vnode *vp;
	int error;

	(void)retval;
	error = vfs_lookup_dir(uap->path, false, &vp);
	if (error == 0)
		proc_setcwd(l->l_proc, vp);
	return error;
}

int
sys_chroot(struct lwp *l, const struct sys_chroot_args *uap, long *retval)
{
	struct vnode *vp;
	int error;

	(void)retval;
	error = vfs_lookup_dir(uap->path, true, &vp);
	if (error == 0)
		proc_setrdir(l->l_proc, vp);
	return error;
}

int
sys_fchdir(struct lwp *l, const struct sys_fchdir_args *uap, long *retval)
{
	struct file *fp = fd_getfile(uap->fd);
	struct vnode *vp;
	int error;

	(void)retval;
	if (fp == NULL)
		return EBADF;
	vp = fp->f_data;
	if (fp->f_type != DTYPE_VNODE)
		error = ENOTDIR;
	else
		error = vfs_searchable_dir(vp, fp->f_cred);
	if (error == 0) {
		vref(vp);
		proc_setcwd(l->l_proc, vp);
	}
	fd_putfile(fp);
	return error;
}

/* ---- getcwd ---- */

/*
 * The name under which dvp lists the directory with file id ino, put in
 * front of the path being built at buf[*posp..]: ENOENT when dvp does
 * not list it (a removed directory), ERANGE when buf is full.
 */
static int
getcwd_name(struct vnode *dvp, uint64_t ino, kauth_cred_t cred, char *buf,
    size_t *posp, char *dirbuf)
{
	struct iovec iov;
	struct uio uio = { .uio_iov = &iov, .uio_iovcnt = 1, .uio_rw = UIO_READ };
	int eof = 0, error = 0;

	while (error == 0 && !eof) {
		iov.iov_base = dirbuf;
		iov.iov_len = uio.uio_resid = PAGE_SIZE;
		error = VOP_READDIR(dvp, &uio, &eof, cred);
		for (size_t off = 0; error == 0 && off < PAGE_SIZE - uio.uio_resid;) {
			struct dirent64 *d = (struct dirent64 *)(dirbuf + off);
			size_t len = strlen(d->d_name);

			off += d->d_reclen;
			if (d->d_ino != ino || strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			if (len + 1 > *posp)
				return ERANGE;
			*posp -= len;
			memcpy(buf + *posp, d->d_name, len);
			buf[--*posp] = '/';
			return 0;
		}
	}
	return error != 0 ? error : ENOENT;
}

/* One step up from vp (referenced; released): its parent, referenced. */
static int
getcwd_up(struct vnode *vp, kauth_cred_t cred, char *buf, size_t *posp,
    char *dirbuf, struct vnode **parentp)
{
	struct componentname cn = {
		.cn_nameiop = LOOKUP, .cn_flags = ISDOTDOT | ISLASTCN,
		.cn_cred = cred, .cn_nameptr = "..", .cn_namelen = 2,
	};
	struct vnode *covered, *parent;
	struct vattr va;
	int error;

	/* The root of a mount is named by the directory it covers. */
	while ((vp->v_vflag & VV_ROOT) != 0 &&
	    (covered = vp->v_mount->mnt_vnodecovered) != NULL) {
		vref(covered);
		vrele(vp);
		vp = covered;
	}
	vn_lock(vp, RW_READER);
	error = VOP_GETATTR(vp, &va, cred);
	if (error == 0)
		error = VOP_LOOKUP(vp, &parent, &cn);
	vn_unlock(vp);
	vrele(vp);
	if (error != 0)
		return error;
	vn_lock(parent, RW_READER);
	error = VOP_ACCESS(parent, VREAD | VEXEC, cred);
	if (error == 0)
		error = getcwd_name(parent, va.va_fileid, cred, buf, posp, dirbuf);
	vn_unlock(parent);
	if (error != 0) {
		vrele(parent);
		return error;
	}
	*parentp = parent;
	return 0;
}

int
sys_getcwd(struct lwp *l, const struct sys_getcwd_args *uap, long *retval)
{
	struct cred *cred = proc_cred(l->l_proc);
	struct vnode *root = proc_rdir(l->l_proc), *vp = proc_cwd(l->l_proc);
	char *buf = kmem_alloc(&M_GETCWD, PATH_MAX, KM_SLEEP);
	char *dirbuf = kmem_alloc(&M_GETCWD, PAGE_SIZE, KM_SLEEP);
	size_t pos = PATH_MAX - 1, len;
	int error = 0;

	if (root == NULL) {
		root = rootvnode;
		vref(root);
	}
	if (vp == NULL) {
		vp = root;
		vref(vp);
	}
	buf[pos] = '\0';
	while (error == 0 && vp != root &&
	    !((vp->v_vflag & VV_ROOT) != 0 && vp->v_mount->mnt_vnodecovered == NULL))
		error = getcwd_up(vp, cred, buf, &pos, dirbuf, &vp);
	if (error == 0) {
		vrele(vp);
		if (pos == PATH_MAX - 1)
			buf[--pos] = '/';
		len = PATH_MAX - pos;
		if (len > uap->size)
			error = ERANGE;
		else
			error = copyout(buf + pos, uap->buf, len);
		if (error == 0)
			*retval = (long)len;
	}
	vrele(root);
	cred_release(cred);
	kmem_free(&M_GETCWD, dirbuf, PAGE_SIZE);
	kmem_free(&M_GETCWD, buf, PATH_MAX);
	return error;
}
