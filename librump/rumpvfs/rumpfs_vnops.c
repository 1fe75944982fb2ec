/*
 * rumpfs vnode operations.  Every node's state is under its vnode's lock
 * (the contracts of vnode_if.src say which are held); the VFS has checked
 * permissions and the POSIX cases before a call that changes anything.
 */
#include "rumpkern/kmem.h"
#include "rumpvfs/namei.h"
#include "rumpvfs/rumpfs.h"

KMEM_DECLARE(M_RUMPFS);

static struct rumpfs_dirent *
rumpfs_dir_find(struct rumpfs_node *dn, const char *name, size_t len)
{
	struct rumpfs_dirent *rd;

	TAILQ_FOREACH(rd, &dn->rn_dir, rd_entries)
		if (rd->rd_namelen == len && memcmp(rd->rd_name, name, len) == 0)
			return rd;
	return NULL;
}

static void
rumpfs_dir_add(struct rumpfs_node *dn, struct rumpfs_node *rn,
    const struct componentname *cnp)
{
	struct rumpfs_dirent *rd;

	rd = kmem_alloc(&M_RUMPFS, sizeof(*rd) + cnp->cn_namelen, KM_SLEEP);
	rd->rd_node = rn;
	rd->rd_namelen = cnp->cn_namelen;
	memcpy(rd->rd_name, cnp->cn_nameptr, cnp->cn_namelen);
	rd->rd_cookie = dn->rn_nextcookie++;
	TAILQ_INSERT_TAIL(&dn->rn_dir, rd, rd_entries);
	if (rn->rn_type == VDIR) {
		rn->rn_parent = dn;
		dn->rn_nlink++;
	}
	vfs_timestamp(&dn->rn_mtime);
	dn->rn_ctime = dn->rn_mtime;
}

static void
rumpfs_dir_remove(struct rumpfs_node *dn, struct rumpfs_dirent *rd)
{
	struct rumpfs_node *rn = rd->rd_node;

	TAILQ_REMOVE(&dn->rn_dir, rd, rd_entries);
	kmem_free(&M_RUMPFS, rd, sizeof(*rd) + rd->rd_namelen);
	if (rn->rn_type == VDIR) {
		dn->rn_nlink--;
		rn->rn_nlink = 0;
	} else {
		rn->rn_nlink--;
	}
	vfs_timestamp(&dn->rn_mtime);
	dn->rn_ctime = dn->rn_mtime;
	rn->rn_ctime = dn->rn_mtime;
}

static int
rumpfs_lookup(struct vop_lookup_args *ap)
{
	struct rumpfs_node *dn = VTORN(ap->a_dvp);
	struct componentname *cnp = ap->a_cnp;
	struct rumpfs_dirent *rd;

	if ((cnp->cn_flags & ISDOTDOT) != 0)
		return vcache_get(ap->a_dvp->v_mount, (uintptr_t)dn->rn_parent,
		    ap->a_vpp);
	rd = rumpfs_dir_find(dn, cnp->cn_nameptr, cnp->cn_namelen);
	if (rd == NULL)
		return ENOENT;
	return vcache_get(ap->a_dvp->v_mount, (uintptr_t)rd->rd_node, ap->a_vpp);
}

/* Makes a node of vap's type as entry cnp of dvp; *vpp its vnode. */
static int
rumpfs_makenode(struct vnode *dvp, struct vnode **vpp,
    struct componentname *cnp, struct vattr *vap, const char *target)
{
	struct rumpfs_node *dn = VTORN(dvp), *rn;
	int error;

	if (dn->rn_nlink == 0)
		return ENOENT;		/* the directory was removed */
	rn = rumpfs_node_alloc(dvp->v_mount, vap->va_type, vap);
	if (target != NULL) {
		rn->rn_target = kmem_strdup(&M_RUMPFS, target, KM_SLEEP);
		rn->rn_size = strlen(target);
	}
	error = vcache_get(dvp->v_mount, (uintptr_t)rn, vpp);
	if (error != 0) {
		rumpfs_node_free(dvp->v_mount, rn);
		return error;
	}
	rumpfs_dir_add(dn, rn, cnp);
	return 0;
}

static int
rumpfs_create(struct vop_create_args *ap)
{
	return rumpfs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap, NULL);
}

static int
rumpfs_mknod(struct vop_mknod_args *ap)
{
	return rumpfs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap, NULL);
}

static int
rumpfs_mkdir(struct vop_mkdir_args *ap)
{
	return rumpfs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap, NULL);
}

static int
rumpfs_symlink(struct vop_symlink_args *ap)
{
	return rumpfs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap,
	    ap->a_target);
}

static int
rumpfs_access(struct vop_access_args *ap)
{
	struct rumpfs_node *rn = VTORN(ap->a_vp);

	return vaccess(rn->rn_type, rn->rn_mode, rn->rn_uid, rn->rn_gid,
	    ap->a_accmode, ap->a_cred);
}

static int
rumpfs_getattr(struct vop_getattr_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct rumpfs_node *rn = VTORN(vp);
	struct vattr *vap = ap->a_vap;
	uint64_t pages = 0;

	for (size_t i = 0; i < rn->rn_npages; i++)
		pages += rn->rn_pages[i] != NULL;
	vattr_null(vap);
	vap->va_type = rn->rn_type;
	vap->va_mode = rn->rn_mode;
	vap->va_nlink = rn->rn_nlink;
	vap->va_uid = rn->rn_uid;
	vap->va_gid = rn->rn_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = rn->rn_ino;
	vap->va_size = rn->rn_type == VDIR ? RUMPFS_PAGE : rn->rn_size;
	vap->va_bytes = pages * RUMPFS_PAGE;
	vap->va_blocksize = RUMPFS_PAGE;
	vap->va_atime = rn->rn_atime;
	vap->va_mtime = rn->rn_mtime;
	vap->va_ctime = rn->rn_ctime;
	vap->va_rdev = rn->rn_rdev;
	return 0;
}

static int
rumpfs_setattr(struct vop_setattr_args *ap)
{
	struct rumpfs_node *rn = VTORN(ap->a_vp);
	struct vattr *vap = ap->a_vap;

	if ((vap->va_mask & VA_SIZE) != 0) {
		if (rn->rn_type == VDIR)
			return EISDIR;
		if (rn->rn_type != VREG)
			return EINVAL;
		if (vap->va_size > RUMPFS_MAXSIZE)
			return EFBIG;
		rumpfs_truncate(rn, vap->va_size);
		vfs_timestamp(&rn->rn_mtime);
	}
	if ((vap->va_mask & VA_MODE) != 0)
		rn->rn_mode = vap->va_mode & ALLPERMS;
	if ((vap->va_mask & VA_UID) != 0)
		rn->rn_uid = vap->va_uid;
	if ((vap->va_mask & VA_GID) != 0)
		rn->rn_gid = vap->va_gid;
	if ((vap->va_mask & VA_ATIME) != 0)
		rn->rn_atime = vap->va_atime;
	if ((vap->va_mask & VA_MTIME) != 0)
		rn->rn_mtime = vap->va_mtime;
	vfs_timestamp(&rn->rn_ctime);
	return 0;
}

/* read(2) and write(2) on a device node go to its device. */
static int
rumpfs_devrdwr(struct vnode *vp, struct uio *uio, int ioflag,
    kauth_cred_t cred)
{
	struct vnode *devvp = VTORN(vp)->rn_devvp;
	int error;

	if (devvp == NULL)
		return ENXIO;
	vn_lock(devvp, RW_WRITER);
	if (uio->uio_rw == UIO_READ)
		error = VOP_READ(devvp, uio, ioflag, cred);
	else
		error = VOP_WRITE(devvp, uio, ioflag, cred);
	vn_unlock(devvp);
	return error;
}

static int
rumpfs_read(struct vop_read_args *ap)
{
	struct rumpfs_node *rn = VTORN(ap->a_vp);
	struct uio *uio = ap->a_uio;
	static const char zeros[RUMPFS_PAGE];
	int error = 0;

	if (ap->a_vp->v_type == VDIR)
		return EISDIR;
	if (ap->a_vp->v_type == VBLK)
		return rumpfs_devrdwr(ap->a_vp, uio, ap->a_ioflag, ap->a_cred);
	if (ap->a_vp->v_type != VREG)
		return EINVAL;
	while (error == 0 && uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset < rn->rn_size) {
		uint64_t off = (uint64_t)uio->uio_offset;
		size_t pg = off / RUMPFS_PAGE, pgoff = off % RUMPFS_PAGE;
		size_t n = MIN(RUMPFS_PAGE - pgoff, rn->rn_size - off);
		const char *src = rn->rn_pages[pg] != NULL ?
		    rn->rn_pages[pg] + pgoff : zeros;

		error = uiomove((void *)(uintptr_t)src, MIN(n, uio->uio_resid), uio);
	}
	if ((ap->a_ioflag & IO_NOATIME) == 0)
		vfs_timestamp(&rn->rn_atime);
	return error;
}

static int
rumpfs_write(struct vop_write_args *ap)
{
	struct rumpfs_node *rn = VTORN(ap->a_vp);
	struct uio *uio = ap->a_uio;
	size_t excess = 0;
	int error = 0;

	if (ap->a_vp->v_type == VBLK)
		return rumpfs_devrdwr(ap->a_vp, uio, ap->a_ioflag, ap->a_cred);
	if (ap->a_vp->v_type != VREG)
		return EINVAL;
	if ((ap->a_ioflag & IO_APPEND) != 0)
		uio->uio_offset = (off_t)rn->rn_size;
	if ((uint64_t)uio->uio_offset >= RUMPFS_MAXSIZE)
		return uio->uio_resid > 0 ? EFBIG : 0;
	/* What lies past the largest file is not written, nor counted. */
	if ((uint64_t)uio->uio_offset + uio->uio_resid > RUMPFS_MAXSIZE) {
		excess = uio->uio_resid -
		    (RUMPFS_MAXSIZE - (uint64_t)uio->uio_offset);
		uio->uio_resid -= excess;
	}
	while (error == 0 && uio->uio_resid > 0) {
		uint64_t off = (uint64_t)uio->uio_offset;
		size_t pg = off / RUMPFS_PAGE, pgoff = off % RUMPFS_PAGE;
		size_t n = MIN(RUMPFS_PAGE - pgoff, uio->uio_resid);

		if (off + n > rn->rn_size)
			rumpfs_truncate(rn, off + n);
		if (rn->rn_pages[pg] == NULL)
			rn->rn_pages[pg] = kmem_zalloc(&M_RUMPFS, RUMPFS_PAGE,
			    KM_SLEEP);
		error = uiomove(rn->rn_pages[pg] + pgoff, n, uio);
	}
	uio->uio_resid += excess;
	vfs_timestamp(&rn->rn_mtime);
	rn->rn_ctime = rn->rn_mtime;
	return error;
}

/* Memory is as stable as rumpfs gets; a device node syncs its device. */
static int
rumpfs_fsync(struct vop_fsync_args *ap)
{
	struct vnode *devvp = VTORN(ap->a_vp)->rn_devvp;
	int error;

	if (devvp == NULL)
		return 0;
	vn_lock(devvp, RW_WRITER);
	error = VOP_FSYNC(devvp, ap->a_cred, ap->a_flags);
	vn_unlock(devvp);
	return error;
}

static int
rumpfs_remove(struct vop_remove_args *ap)
{
	struct rumpfs_node *dn = VTORN(ap->a_dvp);
	struct componentname *cnp = ap->a_cnp;
	struct rumpfs_dirent *rd;

	rd = rumpfs_dir_find(dn, cnp->cn_nameptr, cnp->cn_namelen);
	if (rd == NULL || rd->rd_node != VTORN(ap->a_vp))
		return ENOENT;
	rumpfs_dir_remove(dn, rd);
	return 0;
}

static int
rumpfs_link(struct vop_link_args *ap)
{
	struct rumpfs_node *dn = VTORN(ap->a_dvp), *rn;

	if (dn->rn_nlink == 0)
		return ENOENT;
	vn_lock(ap->a_vp, RW_WRITER);
	rn = VTORN(ap->a_vp);
	if (rn->rn_nlink == 0) {
		vn_unlock(ap->a_vp);
		return ENOENT;
	}
	rn->rn_nlink++;
	vfs_timestamp(&rn->rn_ctime);
	vn_unlock(ap->a_vp);
	rumpfs_dir_add(dn, rn, ap->a_cnp);
	return 0;
}

static int
rumpfs_rmdir(struct vop_rmdir_args *ap)
{
	struct rumpfs_node *dn = VTORN(ap->a_dvp), *rn = VTORN(ap->a_vp);
	struct componentname *cnp = ap->a_cnp;
	struct rumpfs_dirent *rd;

	if (!TAILQ_EMPTY(&rn->rn_dir))
		return ENOTEMPTY;
	rd = rumpfs_dir_find(dn, cnp->cn_nameptr, cnp->cn_namelen);
	if (rd == NULL || rd->rd_node != rn)
		return ENOENT;
	rumpfs_dir_remove(dn, rd);
	return 0;
}

static int
rumpfs_rename(struct vop_rename_args *ap)
{
	struct rumpfs_node *fdn = VTORN(ap->a_fdvp), *tdn = VTORN(ap->a_tdvp);
	struct rumpfs_node *fn = VTORN(ap->a_fvp);
	struct componentname *fcnp = ap->a_fcnp, *tcnp = ap->a_tcnp;
	struct rumpfs_dirent *frd, *trd;

	frd = rumpfs_dir_find(fdn, fcnp->cn_nameptr, fcnp->cn_namelen);
	if (frd == NULL || frd->rd_node != fn)
		return ENOENT;
	if (ap->a_tvp != NULL) {
		struct rumpfs_node *tn = VTORN(ap->a_tvp);

		if (tn->rn_type == VDIR && !TAILQ_EMPTY(&tn->rn_dir))
			return ENOTEMPTY;
		trd = rumpfs_dir_find(tdn, tcnp->cn_nameptr, tcnp->cn_namelen);
		if (trd == NULL || trd->rd_node != tn)
			return ENOENT;
		rumpfs_dir_remove(tdn, trd);
	} else if (tdn->rn_nlink == 0) {
		return ENOENT;
	}
	/* Unlinking and linking again would count the node's links down. */
	TAILQ_REMOVE(&fdn->rn_dir, frd, rd_entries);
	kmem_free(&M_RUMPFS, frd, sizeof(*frd) + frd->rd_namelen);
	if (fn->rn_type == VDIR)
		fdn->rn_nlink--;
	vfs_timestamp(&fdn->rn_mtime);
	fdn->rn_ctime = fdn->rn_mtime;
	rumpfs_dir_add(tdn, fn, tcnp);
	fn->rn_ctime = tdn->rn_mtime;
	return 0;
}

static int
rumpfs_readdir(struct vop_readdir_args *ap)
{
	struct rumpfs_node *dn = VTORN(ap->a_vp);
	struct uio *uio = ap->a_uio;
	struct rumpfs_dirent *rd;
	uint64_t pos = (uint64_t)uio->uio_offset;
	int error = 0, n = 0;

	if (ap->a_vp->v_type != VDIR)
		return ENOTDIR;
	*ap->a_eofflag = 0;
	if (pos == 0) {
		error = vfs_dirent_out(uio, dn->rn_ino, 1, DT_DIR, ".", 1);
		if (error == 0) {
			pos = 1;
			n++;
		}
	}
	if (error == 0 && pos == 1) {
		error = vfs_dirent_out(uio, dn->rn_parent->rn_ino, 2, DT_DIR,
		    "..", 2);
		if (error == 0) {
			pos = 2;
			n++;
		}
	}
	TAILQ_FOREACH(rd, &dn->rn_dir, rd_entries) {
		if (error != 0)
			break;
		if (rd->rd_cookie < pos)
			continue;
		error = vfs_dirent_out(uio, rd->rd_node->rn_ino,
		    rd->rd_cookie + 1, vtype_to_dt(rd->rd_node->rn_type),
		    rd->rd_name, rd->rd_namelen);
		if (error == 0) {
			pos = rd->rd_cookie + 1;
			n++;
		}
	}
	if (error == 0)
		*ap->a_eofflag = 1;
	uio->uio_offset = (off_t)pos;
	/* Records that did not fit wait for the next call. */
	return n > 0 && error == EINVAL ? 0 : error;
}

static int
rumpfs_readlink(struct vop_readlink_args *ap)
{
	struct rumpfs_node *rn = VTORN(ap->a_vp);

	if (rn->rn_type != VLNK)
		return EINVAL;
	return uiomove(rn->rn_target, MIN(rn->rn_size, ap->a_uio->uio_resid),
	    ap->a_uio);
}

static int
rumpfs_inactive(struct vop_inactive_args *ap)
{
	*ap->a_recyclep = VTORN(ap->a_vp)->rn_nlink == 0;
	return 0;
}

/* A node with links stays in its directory; one without goes with it. */
static int
rumpfs_reclaim(struct vop_reclaim_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct rumpfs_node *rn = VTORN(vp);

	if (rn->rn_nlink == 0)
		rumpfs_node_free(vp->v_mount, rn);
	vp->v_data = NULL;
	return 0;
}

/* A missing page is a hole; the end of the file is one too. */
static int
rumpfs_seek(struct vop_seek_args *ap)
{
	struct rumpfs_node *rn = VTORN(ap->a_vp);
	uint64_t off = (uint64_t)*ap->a_offp;
	bool want_data = ap->a_whence == SEEK_DATA;

	if (off >= rn->rn_size)
		return ENXIO;
	for (size_t pg = off / RUMPFS_PAGE; pg < rn->rn_npages; pg++) {
		if ((rn->rn_pages[pg] != NULL) == want_data) {
			uint64_t at = MAX(off, (uint64_t)pg * RUMPFS_PAGE);

			*ap->a_offp = (off_t)MIN(at, rn->rn_size);
			return 0;
		}
	}
	if (want_data)
		return ENXIO;
	*ap->a_offp = (off_t)rn->rn_size;
	return 0;
}

const struct vnodeops rumpfs_vnodeops = {
	.vop_lookup = rumpfs_lookup,
	.vop_create = rumpfs_create,
	.vop_mknod = rumpfs_mknod,
	.vop_mkdir = rumpfs_mkdir,
	.vop_symlink = rumpfs_symlink,
	.vop_access = rumpfs_access,
	.vop_getattr = rumpfs_getattr,
	.vop_setattr = rumpfs_setattr,
	.vop_read = rumpfs_read,
	.vop_write = rumpfs_write,
	.vop_fsync = rumpfs_fsync,
	.vop_remove = rumpfs_remove,
	.vop_link = rumpfs_link,
	.vop_rename = rumpfs_rename,
	.vop_rmdir = rumpfs_rmdir,
	.vop_readdir = rumpfs_readdir,
	.vop_readlink = rumpfs_readlink,
	.vop_inactive = rumpfs_inactive,
	.vop_reclaim = rumpfs_reclaim,
	.vop_seek = rumpfs_seek,
};
