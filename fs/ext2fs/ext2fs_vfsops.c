/*
 * ext2fs as a file-system type of the VFS: mounting an image by the path
 * of its block device (a host file registered with rump_etfs_register),
 * the root, statistics, sync, and loading inodes into vnodes.
 *
 * The file system reads and writes its device through the buffer cache:
 * ext2fs_devops below are bread/getblk/brelse/bwrite/bdwrite and breada
 * on the device vnode, so metadata and file blocks are cached, read
 * ahead, written back late and in runs.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/component.h"
#include "rumpkern/cred.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/buf.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/namei.h"
#include "fs/ext2fs/ext2fs.h"
#include "fs/ext2fs/ext2fs_vnode.h"

KMEM_DEFINE(M_EXT2FSNODE, "ext2fs node");

static int
ext2fs_buf_read(void *dev, uint64_t dblk, uint32_t size, struct ext2fs_bh *bh)
{
	struct buf *bp;
	int error;

	error = bread(dev, (daddr_t)dblk, (int)size, &bp);
	if (error != 0)
		return error;
	bh->bh_buf = bp;
	bh->bh_data = bp->b_data;
	bh->bh_checked = (bp->b_flags & B_FSCHECKED) != 0;
	return 0;
}

static void
ext2fs_buf_setchecked(void *dev, struct ext2fs_bh *bh)
{
	(void)dev;
	buf_setchecked(bh->bh_buf);
}

static int
ext2fs_buf_get(void *dev, uint64_t dblk, uint32_t size, struct ext2fs_bh *bh)
{
	struct buf *bp = getblk(dev, (daddr_t)dblk, (int)size);

	bh->bh_buf = bp;
	bh->bh_data = bp->b_data;
	return 0;
}

static void
ext2fs_buf_release(void *dev, struct ext2fs_bh *bh)
{
	(void)dev;
	brelse(bh->bh_buf, 0);
}

static int
ext2fs_buf_write(void *dev, struct ext2fs_bh *bh)
{
	(void)dev;
	return bwrite(bh->bh_buf);
}

static void
ext2fs_buf_dwrite(void *dev, struct ext2fs_bh *bh)
{
	(void)dev;
	bdwrite(bh->bh_buf);
}

static void
ext2fs_buf_dwrite_age(void *dev, struct ext2fs_bh *bh)
{
	(void)dev;
	bdwrite_age(bh->bh_buf);
}

static void
ext2fs_buf_readahead(void *dev, const uint64_t *dblks, int n, uint32_t size,
    bool keep)
{
	daddr_t blks[EXT2_RA_MAXBLKS];
	int sizes[EXT2_RA_MAXBLKS];

	KASSERT(n <= EXT2_RA_MAXBLKS);
	for (int i = 0; i < n; i++) {
		blks[i] = (daddr_t)dblks[i];
		sizes[i] = (int)size;
	}
	if (keep)
		breada_keep(dev, blks, sizes, n);
	else
		breada(dev, blks, sizes, n);
}

static int
ext2fs_buf_readdirect(void *dev, uint64_t dblk, uint32_t size, uint32_t n,
    void *dst)
{
	return bread_direct(dev, (daddr_t)dblk, (int)size, (int)n, dst);
}

static const struct ext2fs_devops ext2fs_buf_ops = {
	.ed_bread = ext2fs_buf_read,
	.ed_getblk = ext2fs_buf_get,
	.ed_brelse = ext2fs_buf_release,
	.ed_bwrite = ext2fs_buf_write,
	.ed_bdwrite = ext2fs_buf_dwrite,
	.ed_readahead = ext2fs_buf_readahead,
	.ed_setchecked = ext2fs_buf_setchecked,
	.ed_bdwrite_age = ext2fs_buf_dwrite_age,
	.ed_readdirect = ext2fs_buf_readdirect,
};

static int
ext2fs_vfs_mount(struct mount *mp, const char *from, const void *data,
    size_t datalen)
{
	bool rdonly = (mp->mnt_flag & MNT_RDONLY) != 0;
	struct ext2fs_mount *um;
	struct vnode *devvp;
	struct cred *cred;
	struct vattr va;
	int error;

	if (from == NULL || datalen != 0 || data != NULL)
		return EINVAL;
	cred = proc_cred(curproc);
	error = vfs_opendev(from, rdonly, cred, &devvp);
	if (error != 0) {
		cred_release(cred);
		return error;
	}
	vn_lock(devvp, RW_READER);
	error = VOP_GETATTR(devvp, &va, cred);
	vn_unlock(devvp);
	cred_release(cred);
	if (error == 0)
		error = ext2fs_mount_open(&ext2fs_buf_ops, devvp, va.va_size,
		    rdonly ? EXT2_MNT_RDONLY : 0, &um);
	if (error != 0) {
		(void)vinvalbuf(devvp, false);
		vfs_closedev(devvp);
		return error;
	}
	mp->mnt_data = um;
	mp->mnt_iosize = um->um_bsize;
	return 0;
}

/* After vflush: every inode is in the buffers; write them and let go. */
static int
ext2fs_vfs_unmount(struct mount *mp, int mntflags)
{
	struct ext2fs_mount *um = VFSTOUM(mp);
	struct vnode *devvp = um->um_dev;
	int error, error2;

	(void)mntflags;
	error = ext2fs_mount_close(um);
	error2 = vinvalbuf(devvp, true);
	vfs_closedev(devvp);
	mp->mnt_data = NULL;
	return error != 0 ? error : error2;
}

static int
ext2fs_vfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, EXT2_ROOT_INO, vpp);
}

static int
ext2fs_vfs_statvfs(struct mount *mp, struct statvfs *sbp)
{
	struct ext2fs_mount *um = VFSTOUM(mp);
	const struct ext2fs_sb *s = &um->um_sb;

	memset(sbp, 0, sizeof(*sbp));
	sbp->f_bsize = um->um_bsize;
	sbp->f_iosize = um->um_bsize;
	mutex_enter(&um->um_lock);
	sbp->f_blocks = s->s_blocks_count - s->s_first_data_block;
	sbp->f_bfree = s->s_free_blocks_count;
	sbp->f_bavail = s->s_free_blocks_count > s->s_r_blocks_count ?
	    s->s_free_blocks_count - s->s_r_blocks_count : 0;
	sbp->f_files = s->s_inodes_count;
	sbp->f_ffree = s->s_free_inodes_count;
	mutex_exit(&um->um_lock);
	sbp->f_namemax = EXT2_MAXNAMLEN;
	sbp->f_type = EXT2_SUPER_MAGIC;
	return 0;
}

/* Inodes are written to their buffers as they change: write the rest. */
static int
ext2fs_vfs_sync(struct mount *mp, bool waitfor, kauth_cred_t cred)
{
	struct ext2fs_mount *um = VFSTOUM(mp);
	int error;

	(void)cred;
	if (um->um_ronly)
		return 0;
	error = ext2fs_mount_sync(um);
	if (error != 0)
		return error;
	return vflushbuf(um->um_dev, waitfor);
}

static enum vtype
ext2fs_vtype(uint16_t mode)
{
	return ifmt_to_vtype(mode & EXT2_IFMT);
}

static int
ext2fs_vfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t id)
{
	struct ext2fs_mount *um = VFSTOUM(mp);
	struct ext2fs_node *np;
	int error;

	if (id > um->um_sb.s_inodes_count)
		return ENOENT;
	np = kmem_zalloc(&M_EXT2FSNODE, sizeof(*np), KM_SLEEP);
	error = ext2fs_iget(um, (uint32_t)id, &np->n_ip);
	if (error != 0) {
		kmem_free(&M_EXT2FSNODE, np, sizeof(*np));
		return error;
	}
	np->n_vp = vp;
	vp->v_type = ext2fs_vtype(np->n_ip.i_mode);
	vp->v_op = &ext2fs_vnodeops;
	vp->v_data = np;
	if (id == EXT2_ROOT_INO)
		vp->v_vflag |= VV_ROOT;
	return 0;
}

static struct vfsops ext2fs_vfsops = {
	.vfs_name = "ext2fs",
	.vfs_mount = ext2fs_vfs_mount,
	.vfs_unmount = ext2fs_vfs_unmount,
	.vfs_root = ext2fs_vfs_root,
	.vfs_statvfs = ext2fs_vfs_statvfs,
	.vfs_sync = ext2fs_vfs_sync,
	.vfs_loadvnode = ext2fs_vfs_loadvnode,
	.vfs_vnodeops = &ext2fs_vnodeops,
};

static int
ext2fs_modinit(void)
{
	return vfs_register(&ext2fs_vfsops);
}

static void
ext2fs_modfini(void)
{
	(void)vfs_unregister(&ext2fs_vfsops);
}

RUMP_COMPONENT(ext2fs_component, "ext2fs", RUMP_COMPONENT_FS, ext2fs_modinit,
    ext2fs_modfini);
