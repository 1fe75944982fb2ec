/*
 * Vnodes as open files: opening by path (vn_open) and the fileops of an
 * open vnode.  The descriptor layer keeps the offset and hands it in
 * uio_offset; the vnode lock is held for each transfer (shared to read,
 * exclusive to write, as VOP_READ and VOP_WRITE want).
 */
#include "rumpkern/filedesc.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/namecache.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/namei.h"
#include "rumpvfs/vfs_syscalls.h"

static int
vn_read(struct file *fp, struct uio *uio, int flags)
{
	struct vnode *vp = fp->f_data;
	int error;

	(void)flags;
	vn_lock(vp, RW_READER);
	error = VOP_READ(vp, uio, 0, fp->f_cred);
	vn_unlock(vp);
	return error;
}

static int
vn_write(struct file *fp, struct uio *uio, int flags)
{
	struct vnode *vp = fp->f_data;
	int ioflag = 0, error;

	(void)flags;
	if ((atomic_load_relaxed(&fp->f_flag) & FAPPEND) != 0)
		ioflag |= IO_APPEND;
	if ((atomic_load_relaxed(&fp->f_flag) & O_DSYNC) != 0)
		ioflag |= IO_DSYNC;
	vn_lock(vp, RW_WRITER);
	error = VOP_WRITE(vp, uio, ioflag, fp->f_cred);
	vn_unlock(vp);
	return error;
}

int
vn_stat(struct vnode *vp, struct filestat *st, kauth_cred_t cred)
{
	struct vattr va;
	int error;

	vn_lock(vp, RW_READER);
	error = VOP_GETATTR(vp, &va, cred);
	vn_unlock(vp);
	if (error != 0)
		return error;
	memset(st, 0, sizeof(*st));
	st->st_dev = va.va_fsid;
	st->st_ino = va.va_fileid;
	st->st_mode = vtype_to_ifmt(va.va_type) | (va.va_mode & ALLPERMS);
	st->st_nlink = (uint32_t)va.va_nlink;
	st->st_uid = va.va_uid;
	st->st_gid = va.va_gid;
	st->st_rdev = va.va_rdev;
	st->st_size = (int64_t)va.va_size;
	st->st_blocks = (int64_t)howmany(va.va_bytes, 512);
	st->st_blksize = va.va_blocksize;
	st->st_atim = va.va_atime;
	st->st_mtim = va.va_mtime;
	st->st_ctim = va.va_ctime;
	return 0;
}

static int
vn_fo_stat(struct file *fp, struct filestat *st)
{
	return vn_stat(fp->f_data, st, fp->f_cred);
}

/*
 * SEEK_DATA and SEEK_HOLE from off: the file system's answer, or for one
 * that does not know, the whole file is data and its end the only hole.
 */
static int
vn_seek_data(struct vnode *vp, int whence, off_t off, uint64_t size,
    kauth_cred_t cred, off_t *offp)
{
	int error;

	if (off < 0)
		return ENXIO;
	error = VOP_SEEK(vp, whence, &off, cred);
	if (error == EOPNOTSUPP) {
		if ((uint64_t)off >= size)
			return ENXIO;
		off = whence == SEEK_DATA ? off : (off_t)size;
		error = 0;
	}
	if (error == 0)
		*offp = off;
	return error;
}

static int
vn_seek(struct file *fp, off_t delta, int whence, off_t *offp)
{
	struct vnode *vp = fp->f_data;
	struct vattr va;
	int error;

	vn_lock(vp, RW_READER);
	error = VOP_GETATTR(vp, &va, fp->f_cred);
	if (error == 0 && (whence == SEEK_DATA || whence == SEEK_HOLE))
		error = vn_seek_data(vp, whence, delta, va.va_size, fp->f_cred,
		    offp);
	else if (error == 0)
		error = file_seek_offset(*offp, (off_t)va.va_size, delta, whence,
		    offp);
	vn_unlock(vp);
	return error;
}

static int
vn_close(struct file *fp)
{
	struct vnode *vp = fp->f_data;
	int error;

	vn_lock(vp, RW_WRITER);
	error = VOP_CLOSE(vp, fp->f_flag, fp->f_cred);
	vn_unlock(vp);
	vrele(vp);
	return error == EOPNOTSUPP ? 0 : error;
}

const struct fileops vnops = {
	.fo_name = "vnode",
	.fo_read = vn_read,
	.fo_write = vn_write,
	.fo_stat = vn_fo_stat,
	.fo_seek = vn_seek,
	.fo_close = vn_close,
};

/* A new regular file for open(O_CREAT): dvp locked, *vpp locked. */
static int
vn_create(struct nameidata *nd, mode_t cmode, kauth_cred_t cred,
    struct vnode **vpp)
{
	struct vnode *dvp = nd->ni_dvp;
	struct vattr va;
	int error;

	if ((nd->ni_cnd.cn_flags & REQUIREDIR) != 0)
		return EISDIR;
	error = vfs_dir_writable(dvp, cred);
	if (error != 0)
		return error;
	vfs_newattr(&va, VREG, cmode, dvp, cred);
	cache_purge_name(dvp, nd->ni_cnd.cn_nameptr, nd->ni_cnd.cn_namelen);
	error = VOP_CREATE(dvp, vpp, &nd->ni_cnd, &va);
	if (error == 0)
		vn_lock(*vpp, RW_WRITER);
	return error;
}

/* The checks of open(2) on an existing file, vp locked. */
static int
vn_open_check(struct vnode *vp, int oflags, int fmode, kauth_cred_t cred)
{
	int acc = 0;

	if (vp->v_type == VLNK)
		return ELOOP;			/* O_NOFOLLOW */
	if ((oflags & O_DIRECTORY) != 0 && vp->v_type != VDIR)
		return ENOTDIR;
	if (vp->v_type == VDIR && ((fmode & FWRITE) != 0 ||
	    (oflags & O_CREAT) != 0))
		return EISDIR;
	if (vp->v_type == VSOCK)
		return ENXIO;
	if ((fmode & FREAD) != 0)
		acc |= VREAD;
	if ((fmode & FWRITE) != 0)
		acc |= VWRITE;
	/* A FIFO's data is not the file system's: a read-only one is fine. */
	if ((fmode & FWRITE) != 0 && vp->v_type != VFIFO && vp->v_mount != NULL &&
	    (vp->v_mount->mnt_flag & MNT_RDONLY) != 0)
		return EROFS;
	return acc != 0 ? VOP_ACCESS(vp, acc, cred) : 0;
}

/* O_TRUNC: size 0 for a regular file opened for writing. */
static int
vn_truncate_open(struct vnode *vp, kauth_cred_t cred)
{
	struct vattr va;

	vattr_null(&va);
	va.va_mask = VA_SIZE;
	va.va_size = 0;
	return VOP_SETATTR(vp, &va, cred);
}

int
vn_open(struct vnode *atdir, const char *path, int oflags, mode_t cmode,
    kauth_cred_t cred, struct vnode **vpp)
{
	struct nameidata nd;
	struct vnode *vp = NULL;
	int fmode = vfs_oflags_to_fmode(oflags);
	bool follow = (oflags & O_NOFOLLOW) == 0 &&
	    (oflags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	bool created = false;
	int error;

	if ((oflags & O_CREAT) != 0)
		NDINIT(&nd, CREATE, LOCKPARENT | LOCKLEAF |
		    (follow ? FOLLOW : NOFOLLOW), path, cred);
	else
		NDINIT(&nd, LOOKUP, LOCKLEAF | (follow ? FOLLOW : NOFOLLOW),
		    path, cred);
	NDAT(&nd, atdir);
	error = namei(&nd);
	if (error != 0)
		return error;
	if ((oflags & O_CREAT) != 0 && nd.ni_vp == NULL) {
		error = vn_create(&nd, cmode, cred, &vp);
		created = error == 0;
	} else {
		vp = nd.ni_vp;
		if ((oflags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			error = EEXIST;
	}
	if (nd.ni_dvp != NULL)
		vput(nd.ni_dvp);
	namei_done(&nd);
	if (error != 0) {
		if (vp != NULL)
			vput(vp);
		return error;
	}
	if (!created)
		error = vn_open_check(vp, oflags, fmode, cred);
	if (error == 0 && !created && (oflags & O_TRUNC) != 0 &&
	    (fmode & FWRITE) != 0 && vp->v_type == VREG)
		error = vn_truncate_open(vp, cred);
	if (error == 0) {
		error = VOP_OPEN(vp, fmode, cred);
		if (error == EOPNOTSUPP)
			error = 0;
	}
	if (error != 0) {
		vput(vp);
		return error;
	}
	vn_unlock(vp);
	*vpp = vp;
	return 0;
}
