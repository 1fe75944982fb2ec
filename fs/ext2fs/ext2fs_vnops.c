/*
 * ext2fs vnode operations: the VFS's calls turned into the file system's
 * own (ext2fs_name.c, ext2fs_lookup.c, ext2fs_inode.c, the block map).
 * The contracts of vnode_if.src say which vnodes are locked; the VFS has
 * checked permissions and the POSIX cases before a call that changes
 * anything.  On a read-only mount nothing here writes.
 */
#include "rumpkern/kmem.h"
#include "rumpvfs/buf.h"
#include "rumpvfs/namei.h"
#include "fs/ext2fs/ext2fs_vnode.h"

static bool
ext2fs_vronly(const struct vnode *vp)
{
	return (vp->v_mount->mnt_flag & MNT_RDONLY) != 0;
}

static int
ext2fs_lookup(struct vop_lookup_args *ap)
{
	struct vnode *dvp = ap->a_dvp;
	struct ext2fs_mount *um = VFSTOUM(dvp->v_mount);
	struct componentname *cnp = ap->a_cnp;
	struct ext2fs_inode *dp = VTOI(dvp);
	uint32_t ino;
	int error;

	error = ext2fs_dir_lookup(um, dp, cnp->cn_nameptr, cnp->cn_namelen,
	    &ino);
	if (error == ENOENT && (cnp->cn_flags & ISLASTCN) != 0 &&
	    (cnp->cn_nameiop == CREATE || cnp->cn_nameiop == RENAME))
		return EJUSTRETURN;
	if (error != 0)
		return error;
	error = vcache_get(dvp->v_mount, ino, ap->a_vpp);
	if (error != 0 || (cnp->cn_flags & ISDOTDOT) != 0 ||
	    (*ap->a_vpp)->v_type != VDIR || *ap->a_vpp == dvp)
		return error;
	/*
	 * The child is not locked (the caller may hold it already, see
	 * vop_lookup): its first block, which holds "..", is set when it is
	 * made and stays while it has a name, so reading it is safe.
	 */
	error = ext2fs_dir_checkparent(um, VTOI(*ap->a_vpp), dp->i_number);
	if (error != 0) {
		vrele(*ap->a_vpp);
		*ap->a_vpp = NULL;
	}
	return error;
}

static uint16_t
ext2fs_vattr_mode(const struct vattr *vap)
{
	return (uint16_t)(vtype_to_ifmt(vap->va_type) | (vap->va_mode & ALLPERMS));
}

/* Makes a node of vap's type as entry cnp of dvp; *vpp its vnode. */
static int
ext2fs_makenode(struct vnode *dvp, struct vnode **vpp,
    struct componentname *cnp, struct vattr *vap, const char *target)
{
	struct ext2fs_mount *um = VFSTOUM(dvp->v_mount);
	struct ext2fs_inode *dp = VTOI(dvp), ip;
	int error;

	if (ext2fs_vronly(dvp))
		return EROFS;
	if (dp->i_links_count == 0)
		return ENOENT;		/* the directory was removed */
	if (vap->va_type == VCHR || vap->va_type == VBLK)
		return EOPNOTSUPP;	/* no device switch to reach them */
	error = ext2fs_mknode(um, dp, cnp->cn_nameptr, cnp->cn_namelen,
	    ext2fs_vattr_mode(vap), vap->va_uid, vap->va_gid, &ip);
	if (error != 0)
		return error;
	if (target != NULL) {
		error = ext2fs_symlink_set(um, &ip, target, strlen(target));
		if (error == 0)
			error = ext2fs_iput(um, &ip);
		if (error != 0) {
			(void)ext2fs_unlink(um, dp, cnp->cn_nameptr,
			    cnp->cn_namelen, &ip);
			(void)ext2fs_inode_release(um, &ip);
			return error;
		}
	}
	return vcache_get(dvp->v_mount, ip.i_number, vpp);
}

static int
ext2fs_create(struct vop_create_args *ap)
{
	return ext2fs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap, NULL);
}

static int
ext2fs_mknod(struct vop_mknod_args *ap)
{
	return ext2fs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap, NULL);
}

static int
ext2fs_mkdir(struct vop_mkdir_args *ap)
{
	return ext2fs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap, NULL);
}

static int
ext2fs_symlink(struct vop_symlink_args *ap)
{
	return ext2fs_makenode(ap->a_dvp, ap->a_vpp, ap->a_cnp, ap->a_vap,
	    ap->a_target);
}

static int
ext2fs_access(struct vop_access_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct ext2fs_inode *ip = VTOI(vp);

	if ((ap->a_accmode & VWRITE) != 0 && ext2fs_vronly(vp) &&
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK))
		return EROFS;
	return vaccess(vp->v_type, ip->i_mode & ALLPERMS, ip->i_uid, ip->i_gid,
	    ap->a_accmode, ap->a_cred);
}

static void
ext2fs_ts(struct timespec *ts, uint32_t sec, uint32_t ns)
{
	ts->tv_sec = sec;
	ts->tv_nsec = ns;
}

static int
ext2fs_getattr(struct vop_getattr_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct ext2fs_mount *um = VFSTOUM(vp->v_mount);
	struct ext2fs_inode *ip = VTOI(vp);
	struct vattr *vap = ap->a_vap;

	vattr_null(vap);
	vap->va_type = vp->v_type;
	vap->va_mode = ip->i_mode & ALLPERMS;
	vap->va_nlink = ip->i_links_count;
	vap->va_uid = ip->i_uid;
	vap->va_gid = ip->i_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = ip->i_number;
	vap->va_size = ip->i_size;
	vap->va_bytes = ip->i_blocks * 512;
	vap->va_blocksize = um->um_bsize;
	ext2fs_ts(&vap->va_atime, ip->i_atime, ip->i_atime_ns);
	ext2fs_ts(&vap->va_mtime, ip->i_mtime, ip->i_mtime_ns);
	ext2fs_ts(&vap->va_ctime, ip->i_ctime, ip->i_ctime_ns);
	vap->va_gen = ip->i_generation;
	return 0;
}

static int
ext2fs_setattr(struct vop_setattr_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct ext2fs_mount *um = VFSTOUM(vp->v_mount);
	struct ext2fs_inode *ip = VTOI(vp);
	struct vattr *vap = ap->a_vap;
	int error = 0;

	if (ext2fs_vronly(vp))
		return EROFS;
	if ((vap->va_mask & VA_SIZE) != 0) {
		if (vp->v_type == VDIR)
			return EISDIR;
		if (vp->v_type != VREG)
			return EINVAL;
		error = ext2fs_truncate(um, ip, vap->va_size);
		ext2fs_itimes(ip, EXT2_MTIME);
	}
	if ((vap->va_mask & VA_MODE) != 0)
		ip->i_mode = (uint16_t)((ip->i_mode & EXT2_IFMT) |
		    (vap->va_mode & ALLPERMS));
	if ((vap->va_mask & VA_UID) != 0)
		ip->i_uid = vap->va_uid;
	if ((vap->va_mask & VA_GID) != 0)
		ip->i_gid = vap->va_gid;
	if ((vap->va_mask & VA_ATIME) != 0)
		ext2fs_settime(&ip->i_atime, &ip->i_atime_ns, &vap->va_atime);
	if ((vap->va_mask & VA_MTIME) != 0)
		ext2fs_settime(&ip->i_mtime, &ip->i_mtime_ns, &vap->va_mtime);
	ext2fs_itimes(ip, EXT2_CTIME);
	/* A failed truncate may have freed part: the inode says so. */
	if (ext2fs_iput(um, ip) != 0 && error == 0)
		error = EIO;
	return error;
}

/*
 * A read of vp (locked, perhaps shared) updates its access time when
 * relatime says so, except on a read-only mount.  Readers sharing the
 * lock may both write it, to the same effect; a failure to write it is
 * not the reader's.
 */
static void
ext2fs_markatime(struct vnode *vp)
{
	struct ext2fs_inode *ip = VTOI(vp);

	if (ext2fs_vronly(vp) || !ext2fs_atime_due(ip))
		return;
	ext2fs_itimes(ip, EXT2_ATIME);
	(void)ext2fs_iput(VFSTOUM(vp->v_mount), ip);
}

/*
 * A long read (EXT2_DIRECT_MIN bytes or more, to its end) reads the
 * whole blocks at the uio's offset straight into the reader's memory,
 * past the cache, as many as lie one after the other on the disk and fit
 * the file and the first piece of the uio: one host call per run and no
 * copy of ours (through the cache each block was copied twice).
 * *donep is the bytes read; 0 when this block goes through the cache (a
 * hole, a part of a block); EAGAIN when the cache holds a block of the
 * run (it may be newer than the disk) or the device has no direct reads.
 * The vnode is locked, so nobody writes the file's blocks meanwhile.
 * A reader watched as it is written (uio_watched: a remote client that
 * copies each piece out as it comes) gets the run in pieces of
 * EXT2_DIRECT_PIECE bytes, each told as it is read.
 */
static int
ext2fs_read_direct(struct ext2fs_mount *um, const struct ext2fs_inode *ip,
    struct uio *uio, size_t *donep)
{
	uint64_t off = (uint64_t)uio->uio_offset;
	uint64_t len = MIN((uint64_t)uio->uio_iov->iov_len, ip->i_size - off);
	uint32_t blk, run;
	int error;

	*donep = 0;
	if ((off & (um->um_bsize - 1)) != 0 || len < um->um_bsize)
		return 0;
	error = ext2fs_bmap_run(um, ip, off >> um->um_bshift,
	    (uint32_t)MIN(len >> um->um_bshift, (uint64_t)UINT32_MAX), &blk,
	    &run);
	if (error != 0 || blk == 0)
		return error;
	if (uio_watched())
		run = MIN(run, (uint32_t)EXT2_DIRECT_PIECE >> um->um_bshift);
	error = ext2fs_bread_direct(um, blk, run, uio->uio_iov->iov_base);
	if (error == 0) {
		*donep = (size_t)run << um->um_bshift;
		uio_advance(uio, *donep);
	}
	return error;
}

/*
 * Reads block by block straight from the buffer cache into the caller's
 * buffer, the blocks ahead of a sequential reader read ahead in runs
 * (ext2fs_readahead.c), or a long read's runs past the cache
 * (ext2fs_read_direct); holes read as zeros.
 */
static int
ext2fs_vread(struct vop_read_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct ext2fs_mount *um = VFSTOUM(vp->v_mount);
	struct ext2fs_inode *ip = VTOI(vp);
	struct uio *uio = ap->a_uio;
	static const char zeros[4096];
	/* A long read goes past the cache, to its end (ext2fs_read_direct). */
	bool direct = uio->uio_resid >= EXT2_DIRECT_MIN;
	int error = 0;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (uio->uio_resid > 0)
		ext2fs_markatime(vp);
	while (error == 0 && uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset < ip->i_size) {
		uint64_t off = (uint64_t)uio->uio_offset;
		uint32_t boff = (uint32_t)(off & (um->um_bsize - 1)), blk;
		size_t n = MIN((uint64_t)(um->um_bsize - boff), ip->i_size - off);
		struct ext2fs_bh bh;

		/* Once the cache holds a block, the rest goes through it too. */
		if (direct) {
			size_t done;

			error = ext2fs_read_direct(um, ip, uio, &done);
			if (error == EAGAIN)
				direct = false;
			else if (error != 0 || done > 0)
				continue;
			error = 0;
		}
		n = MIN(n, uio->uio_resid);
		(void)ext2fs_readahead(um, ip, &VTON(vp)->n_ra,
		    off >> um->um_bshift);
		error = ext2fs_bmap(um, ip, off >> um->um_bshift, &blk);
		if (error != 0)
			break;
		if (blk == 0) {
			error = uiomove((void *)(uintptr_t)zeros,
			    MIN(n, sizeof(zeros)), uio);
			continue;
		}
		error = ext2fs_bread(um, blk, &bh);
		if (error != 0)
			break;
		error = uiomove((uint8_t *)bh.bh_data + boff, n, uio);
		ext2fs_brelse(um, &bh);
	}
	return error;
}

/*
 * Copies n bytes of uio into block blk at boff; a new block is zeroed
 * first.  A block written whole is written back soon (ext2fs_bdwrite_age).
 */
static int
ext2fs_write_uio(struct ext2fs_mount *um, uint32_t blk, bool isnew,
    uint32_t boff, size_t n, struct uio *uio)
{
	struct ext2fs_bh bh;
	int error;

	if (isnew || n == um->um_bsize)
		error = ext2fs_getblk(um, blk, &bh);
	else
		error = ext2fs_bread(um, blk, &bh);
	if (error != 0)
		return error;
	if (isnew && n != um->um_bsize)
		memset(bh.bh_data, 0, um->um_bsize);
	error = uiomove((uint8_t *)bh.bh_data + boff, n, uio);
	if (error != 0 && !isnew) {
		ext2fs_brelse(um, &bh);
		return error;
	}
	if (n == um->um_bsize && error == 0)
		ext2fs_bdwrite_age(um, &bh);
	else
		ext2fs_bdwrite(um, &bh);
	return error;
}

static int
ext2fs_vwrite(struct vop_write_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct ext2fs_mount *um = VFSTOUM(vp->v_mount);
	struct ext2fs_inode *ip = VTOI(vp);
	struct uio *uio = ap->a_uio;
	uint64_t max = ext2fs_maxfilesize(um);
	size_t excess = 0;
	int error = 0;

	if (vp->v_type != VREG)
		return EINVAL;
	if (ext2fs_vronly(vp))
		return EROFS;
	if ((ap->a_ioflag & IO_APPEND) != 0)
		uio->uio_offset = (off_t)ip->i_size;
	if ((uint64_t)uio->uio_offset >= max)
		return uio->uio_resid > 0 ? EFBIG : 0;
	/* What lies past the largest file is not written, nor counted. */
	if ((uint64_t)uio->uio_offset + uio->uio_resid > max) {
		excess = uio->uio_resid - (max - (uint64_t)uio->uio_offset);
		uio->uio_resid -= excess;
	}
	while (error == 0 && uio->uio_resid > 0) {
		uint64_t off = (uint64_t)uio->uio_offset;
		uint32_t boff = (uint32_t)(off & (um->um_bsize - 1)), blk;
		size_t n = MIN((size_t)(um->um_bsize - boff), uio->uio_resid);
		bool isnew;

		error = ext2fs_bmap_alloc(um, ip, off >> um->um_bshift, &blk,
		    &isnew);
		if (error == 0)
			error = ext2fs_write_uio(um, blk, isnew, boff, n, uio);
		if ((uint64_t)uio->uio_offset > ip->i_size)
			ip->i_size = (uint64_t)uio->uio_offset;
	}
	uio->uio_resid += excess;
	ext2fs_itimes(ip, EXT2_MTIME | EXT2_CTIME);
	if (ext2fs_iput(um, ip) != 0 && error == 0)
		error = EIO;
	return error;
}

/* Every change is in the device's buffers: write them. */
static int
ext2fs_fsync(struct vop_fsync_args *ap)
{
	struct ext2fs_mount *um = VFSTOUM(ap->a_vp->v_mount);

	if (ext2fs_vronly(ap->a_vp))
		return 0;
	return vflushbuf(um->um_dev, (ap->a_flags & FSYNC_WAIT) != 0);
}

static int
ext2fs_remove(struct vop_remove_args *ap)
{
	struct ext2fs_mount *um = VFSTOUM(ap->a_dvp->v_mount);
	struct componentname *cnp = ap->a_cnp;

	if (ext2fs_vronly(ap->a_dvp))
		return EROFS;
	return ext2fs_unlink(um, VTOI(ap->a_dvp), cnp->cn_nameptr,
	    cnp->cn_namelen, VTOI(ap->a_vp));
}

static int
ext2fs_vlink(struct vop_link_args *ap)
{
	struct ext2fs_mount *um = VFSTOUM(ap->a_dvp->v_mount);
	struct componentname *cnp = ap->a_cnp;
	struct ext2fs_inode *dp = VTOI(ap->a_dvp);
	int error;

	if (ext2fs_vronly(ap->a_dvp))
		return EROFS;
	if (dp->i_links_count == 0)
		return ENOENT;
	vn_lock(ap->a_vp, RW_WRITER);
	if (VTOI(ap->a_vp)->i_links_count == 0)
		error = ENOENT;
	else
		error = ext2fs_link(um, dp, cnp->cn_nameptr, cnp->cn_namelen,
		    VTOI(ap->a_vp));
	vn_unlock(ap->a_vp);
	return error;
}

static int
ext2fs_vrmdir(struct vop_rmdir_args *ap)
{
	struct ext2fs_mount *um = VFSTOUM(ap->a_dvp->v_mount);
	struct componentname *cnp = ap->a_cnp;

	if (ext2fs_vronly(ap->a_dvp))
		return EROFS;
	return ext2fs_rmdir(um, VTOI(ap->a_dvp), cnp->cn_nameptr,
	    cnp->cn_namelen, VTOI(ap->a_vp));
}

/* The target tvp of a rename loses its name: its links go down. */
static int
ext2fs_rename_target(struct ext2fs_mount *um, struct ext2fs_inode *tdp,
    struct ext2fs_inode *tip, const struct componentname *tcnp,
    const struct ext2fs_inode *fip)
{
	bool empty;
	int error;

	if ((tip->i_mode & EXT2_IFMT) == EXT2_IFDIR) {
		error = ext2fs_dir_isempty(um, tip, &empty);
		if (error != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	}
	error = ext2fs_dir_rewrite(um, tdp, tcnp->cn_nameptr, tcnp->cn_namelen,
	    fip->i_number, fip->i_mode);
	if (error != 0)
		return error;
	if ((tip->i_mode & EXT2_IFMT) == EXT2_IFDIR) {
		tip->i_links_count = 0;
		tdp->i_links_count--;	/* the target's ".." */
	} else {
		tip->i_links_count--;
	}
	ext2fs_itimes(tip, EXT2_CTIME);
	return ext2fs_iput(um, tip);
}

/*
 * Renames in the order that never loses the file: the new name first
 * (entered, or rewritten over the target's), then the old one removed;
 * a directory that changes parent gets its ".." and the link counts of
 * both parents moved.
 */
static int
ext2fs_rename(struct vop_rename_args *ap)
{
	struct ext2fs_mount *um = VFSTOUM(ap->a_fdvp->v_mount);
	struct ext2fs_inode *fdp = VTOI(ap->a_fdvp), *tdp = VTOI(ap->a_tdvp);
	struct ext2fs_inode *fip = VTOI(ap->a_fvp);
	struct componentname *fcnp = ap->a_fcnp, *tcnp = ap->a_tcnp;
	bool isdir = (fip->i_mode & EXT2_IFMT) == EXT2_IFDIR;
	bool moved = fdp != tdp;
	int error;

	if (ext2fs_vronly(ap->a_fdvp))
		return EROFS;
	if (tdp->i_links_count == 0)
		return ENOENT;
	if (ap->a_tvp != NULL) {
		error = ext2fs_rename_target(um, tdp, VTOI(ap->a_tvp), tcnp, fip);
	} else {
		if (isdir && moved && tdp->i_links_count >= EXT2_LINK_MAX)
			return EMLINK;
		error = ext2fs_dir_enter(um, tdp, tcnp->cn_nameptr,
		    tcnp->cn_namelen, fip->i_number, fip->i_mode);
	}
	if (error != 0)
		return error;
	if (isdir && moved)
		tdp->i_links_count++;
	ext2fs_itimes(tdp, EXT2_MTIME | EXT2_CTIME);
	error = ext2fs_iput(um, tdp);
	if (error == 0)
		error = ext2fs_dir_remove(um, fdp, fcnp->cn_nameptr,
		    fcnp->cn_namelen);
	if (error == 0 && isdir && moved) {
		error = ext2fs_dir_setparent(um, fip, tdp->i_number);
		fdp->i_links_count--;
	}
	ext2fs_itimes(fdp, EXT2_MTIME | EXT2_CTIME);
	fip->i_ctime = fdp->i_ctime;
	fip->i_ctime_ns = fdp->i_ctime_ns;
	if (ext2fs_iput(um, fdp) != 0 && error == 0)
		error = EIO;
	if (ext2fs_iput(um, fip) != 0 && error == 0)
		error = EIO;
	return error;
}

static unsigned char
ext2fs_ft_to_dt(uint8_t ft)
{
	static const unsigned char dt[EXT2_FT_MAX] = {
		[EXT2_FT_UNKNOWN] = DT_UNKNOWN, [EXT2_FT_REG_FILE] = DT_REG,
		[EXT2_FT_DIR] = DT_DIR, [EXT2_FT_CHRDEV] = DT_CHR,
		[EXT2_FT_BLKDEV] = DT_BLK, [EXT2_FT_FIFO] = DT_FIFO,
		[EXT2_FT_SOCK] = DT_SOCK, [EXT2_FT_SYMLINK] = DT_LNK,
	};

	return ft < EXT2_FT_MAX ? dt[ft] : DT_UNKNOWN;
}

/* The cookie of an entry is the byte offset after it in the directory. */
static int
ext2fs_readdir(struct vop_readdir_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct ext2fs_mount *um = VFSTOUM(vp->v_mount);
	struct uio *uio = ap->a_uio;
	char name[EXT2_MAXNAMLEN + 1];
	struct ext2fs_dirent de;
	uint64_t pos = (uint64_t)uio->uio_offset, next;
	int error = 0, n = 0;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	ext2fs_markatime(vp);
	*ap->a_eofflag = 0;
	for (;;) {
		next = pos;
		error = ext2fs_dir_next(um, VTOI(vp), &next, &de, name);
		if (error == ENOENT) {
			*ap->a_eofflag = 1;
			error = 0;
			break;
		}
		if (error == 0)
			error = vfs_dirent_out(uio, de.d_ino, next,
			    ext2fs_ft_to_dt(de.d_type), name, de.d_namlen);
		if (error != 0)
			break;
		pos = next;
		n++;
	}
	uio->uio_offset = (off_t)pos;
	/* Records that did not fit wait for the next call. */
	return n > 0 && error == EINVAL ? 0 : error;
}

static int
ext2fs_vreadlink(struct vop_readlink_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct ext2fs_mount *um = VFSTOUM(vp->v_mount);
	size_t len, size = um->um_bsize;
	char *buf;
	int error;

	if (vp->v_type != VLNK)
		return EINVAL;
	buf = kmem_alloc(&M_EXT2FSNODE, size, KM_SLEEP);
	error = ext2fs_readlink(um, VTOI(vp), buf, size, &len);
	if (error == 0)
		error = uiomove(buf, MIN(len, ap->a_uio->uio_resid), ap->a_uio);
	kmem_free(&M_EXT2FSNODE, buf, size);
	return error;
}

static int
ext2fs_inactive(struct vop_inactive_args *ap)
{
	*ap->a_recyclep = VTOI(ap->a_vp)->i_links_count == 0;
	return 0;
}

/* A file whose last link and last reference are gone is freed here. */
static int
ext2fs_reclaim(struct vop_reclaim_args *ap)
{
	struct vnode *vp = ap->a_vp;
	struct ext2fs_node *np = VTON(vp);

	if (np->n_ip.i_links_count == 0 && !ext2fs_vronly(vp) &&
	    ext2fs_inode_release(VFSTOUM(vp->v_mount), &np->n_ip) != 0)
		kprintf("ext2fs: inode %u could not be freed; run e2fsck\n",
		    np->n_ip.i_number);
	kmem_free(&M_EXT2FSNODE, np, sizeof(*np));
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops ext2fs_vnodeops = {
	.vop_lookup = ext2fs_lookup,
	.vop_create = ext2fs_create,
	.vop_mknod = ext2fs_mknod,
	.vop_mkdir = ext2fs_mkdir,
	.vop_symlink = ext2fs_symlink,
	.vop_access = ext2fs_access,
	.vop_getattr = ext2fs_getattr,
	.vop_setattr = ext2fs_setattr,
	.vop_read = ext2fs_vread,
	.vop_write = ext2fs_vwrite,
	.vop_fsync = ext2fs_fsync,
	.vop_remove = ext2fs_remove,
	.vop_link = ext2fs_vlink,
	.vop_rename = ext2fs_rename,
	.vop_rmdir = ext2fs_vrmdir,
	.vop_readdir = ext2fs_readdir,
	.vop_readlink = ext2fs_vreadlink,
	.vop_inactive = ext2fs_inactive,
	.vop_reclaim = ext2fs_reclaim,
};
