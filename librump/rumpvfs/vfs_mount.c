/*
 * The mount table: file-system types by name, mounting and unmounting,
 * the root file system.
 *
 * Locks: mount_lock (a rwlock) is held as writer while a mount or an
 * unmount changes the table and as reader by whoever walks the mounts
 * calling into them (sync), so a mount cannot go away under a sync.
 * mountlist_lock, a mutex taken inside any vnode lock and never held
 * across a call into a file system, protects the type list, the mount
 * list and every covered vnode's v_mountedhere: namei crosses into a
 * mount by reading v_mountedhere and referencing its cached root vnode
 * under it, and unmount detaches the mount under it before it asks
 * whether any vnode is still in use.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpkern/rwlock.h"
#include "rumpvfs/buf.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/namei.h"
#include "rumpvfs/rumpfs.h"
#include "rumpvfs/vfs_private.h"
#include "rumpvfs_if_priv.h"

KMEM_DEFINE(M_MOUNT, "mount");

struct vnode *rootvnode;

static krwlock_t mount_lock;
static kmutex_t mountlist_lock;
static LIST_HEAD(, vfsops) vfs_types = LIST_HEAD_INITIALIZER(vfs_types);
static TAILQ_HEAD(, mount) mountlist = TAILQ_HEAD_INITIALIZER(mountlist);
static uint64_t mount_nextfsid = 1;

static struct vfsops *
vfs_findtype(const char *name)
{
	struct vfsops *ops;

	KASSERT(mutex_owned(&mountlist_lock));
	LIST_FOREACH(ops, &vfs_types, vfs_list)
		if (strcmp(ops->vfs_name, name) == 0)
			return ops;
	return NULL;
}

int
vfs_register(struct vfsops *vfsops)
{
	int error = 0;

	mutex_enter(&mountlist_lock);
	if (vfs_findtype(vfsops->vfs_name) != NULL)
		error = EEXIST;
	else
		LIST_INSERT_HEAD(&vfs_types, vfsops, vfs_list);
	mutex_exit(&mountlist_lock);
	return error;
}

int
vfs_unregister(struct vfsops *vfsops)
{
	int error = 0;

	mutex_enter(&mountlist_lock);
	if (vfsops->vfs_refcount > 0)
		error = EBUSY;
	else
		LIST_REMOVE(vfsops, vfs_list);
	mutex_exit(&mountlist_lock);
	return error;
}

int
VFS_ROOT(struct mount *mp, struct vnode **vpp)
{
	return mp->mnt_op->vfs_root(mp, vpp);
}

int
VFS_STATVFS(struct mount *mp, struct statvfs *sbp)
{
	return mp->mnt_op->vfs_statvfs != NULL ?
	    mp->mnt_op->vfs_statvfs(mp, sbp) : EOPNOTSUPP;
}

int
VFS_SYNC(struct mount *mp, bool waitfor, kauth_cred_t cred)
{
	return mp->mnt_op->vfs_sync != NULL ?
	    mp->mnt_op->vfs_sync(mp, waitfor, cred) : 0;
}

/* A mount of type ops from source, with its root vnode cached. */
static int
mount_create(struct vfsops *ops, const char *source, int flags,
    const void *data, size_t datalen, struct mount **mpp)
{
	struct mount *mp = kmem_zalloc(&M_MOUNT, sizeof(*mp), KM_SLEEP);
	int error;

	mp->mnt_op = ops;
	mp->mnt_flag = flags & (MNT_RDONLY | MNT_OWNDEV);
	mp->mnt_iosize = PAGE_SIZE;
	mutex_init(&mp->mnt_renamelock, MUTEX_DEFAULT);
	TAILQ_INIT(&mp->mnt_vnodes);
	strlcpy(mp->mnt_fstype, ops->vfs_name, sizeof(mp->mnt_fstype));
	strlcpy(mp->mnt_from, source != NULL ? source : ops->vfs_name,
	    sizeof(mp->mnt_from));
	mutex_enter(&mountlist_lock);
	mp->mnt_fsid = mount_nextfsid++;
	mutex_exit(&mountlist_lock);
	error = ops->vfs_mount(mp, source, data, datalen);
	if (error != 0)
		goto fail;
	error = VFS_ROOT(mp, &mp->mnt_rootvp);
	if (error != 0) {
		ops->vfs_unmount(mp, MNT_FORCE);
		goto fail;
	}
	*mpp = mp;
	return 0;
fail:
	mutex_destroy(&mp->mnt_renamelock);
	kmem_free(&M_MOUNT, mp, sizeof(*mp));
	return error;
}

/* Takes a mount apart: its root released, every vnode gone, its memory. */
static void
mount_destroy(struct mount *mp)
{
	int error;

	vrele(mp->mnt_rootvp);
	error = vflush(mp);
	KASSERTMSG(error == 0, "mount_destroy: %s busy", mp->mnt_from);
	mp->mnt_op->vfs_unmount(mp, 0);
	mutex_enter(&mountlist_lock);
	((struct vfsops *)(uintptr_t)mp->mnt_op)->vfs_refcount--;
	mutex_exit(&mountlist_lock);
	mutex_destroy(&mp->mnt_renamelock);
	kmem_free(&M_MOUNT, mp, sizeof(*mp));
}

int
vfs_domount(const char *fstype, const char *source, const char *path,
    int flags, const void *data, size_t datalen)
{
	struct nameidata nd;
	struct vfsops *ops;
	struct mount *mp;
	struct vnode *vp;
	struct cred *cred = proc_cred(curproc);
	int error;

	mutex_enter(&mountlist_lock);
	ops = vfs_findtype(fstype);
	if (ops != NULL)
		ops->vfs_refcount++;
	mutex_exit(&mountlist_lock);
	if (ops == NULL) {
		cred_release(cred);
		return ENODEV;
	}
	NDINIT(&nd, LOOKUP, FOLLOW, path, cred);
	error = namei(&nd);
	cred_release(cred);
	if (error != 0)
		goto unref;
	vp = nd.ni_vp;
	namei_done(&nd);
	if (vp->v_type != VDIR) {
		error = ENOTDIR;
		goto release;
	}
	rw_enter(&mount_lock, RW_WRITER);
	error = mount_create(ops, source, flags, data, datalen, &mp);
	if (error != 0) {
		rw_exit(&mount_lock);
		goto release;
	}
	mutex_enter(&mountlist_lock);
	if (vp->v_mountedhere != NULL) {
		/* Mounted on meanwhile: lookups now cross past vp. */
		mutex_exit(&mountlist_lock);
		ops->vfs_refcount++;
		mount_destroy(mp);
		rw_exit(&mount_lock);
		error = EBUSY;
		goto release;
	}
	vp->v_mountedhere = mp;
	mp->mnt_vnodecovered = vp;	/* keeps namei's reference */
	TAILQ_INSERT_TAIL(&mountlist, mp, mnt_list);
	mutex_exit(&mountlist_lock);
	rw_exit(&mount_lock);
	return 0;
release:
	vrele(vp);
unref:
	mutex_enter(&mountlist_lock);
	ops->vfs_refcount--;
	mutex_exit(&mountlist_lock);
	return error;
}

/*
 * Unmounts mp: detached first, so lookups stop crossing into it; then
 * written back and its unreferenced vnodes reclaimed.  A vnode still in
 * use (an open file, a current directory, a mount on it) makes it EBUSY,
 * and the mount is attached again as it was.
 */
static int
vfs_dounmount(struct mount *mp, struct cred *cred)
{
	struct vnode *covered = mp->mnt_vnodecovered;
	char owndev[sizeof(mp->mnt_from)] = "";
	int error;

	mutex_enter(&mountlist_lock);
	covered->v_mountedhere = NULL;
	mp->mnt_flag |= MNT_UNMOUNTING;
	mutex_exit(&mountlist_lock);
	error = VFS_SYNC(mp, true, cred);
	if (error == 0)
		error = vflush(mp);
	mutex_enter(&mountlist_lock);
	if (error != 0) {
		covered->v_mountedhere = mp;
		mp->mnt_flag &= ~MNT_UNMOUNTING;
	} else {
		TAILQ_REMOVE(&mountlist, mp, mnt_list);
	}
	mutex_exit(&mountlist_lock);
	if (error != 0)
		return error;
	if ((mp->mnt_flag & MNT_OWNDEV) != 0)
		strlcpy(owndev, mp->mnt_from, sizeof(owndev));
	mount_destroy(mp);
	vrele(covered);
	/* The device of a mount_image() goes with its mount. */
	return owndev[0] != '\0' ? rumppriv_etfs_remove(owndev) : 0;
}

/* The lookup is made under mount_lock, so the mount cannot go meanwhile. */
int
vfs_dounmount_path(const char *path, int flags)
{
	struct nameidata nd;
	struct mount *mp;
	struct vnode *vp;
	struct cred *cred = proc_cred(curproc);
	int error;

	(void)flags;
	rw_enter(&mount_lock, RW_WRITER);
	NDINIT(&nd, LOOKUP, FOLLOW, path, cred);
	error = namei(&nd);
	if (error != 0)
		goto out;
	vp = nd.ni_vp;
	namei_done(&nd);
	mp = vp->v_mount;
	if ((vp->v_vflag & VV_ROOT) == 0)
		error = EINVAL;
	else if ((mp->mnt_flag & MNT_ROOTFS) != 0)
		error = EBUSY;
	vrele(vp);
	if (error == 0)
		error = vfs_dounmount(mp, cred);
out:
	rw_exit(&mount_lock);
	cred_release(cred);
	return error;
}

int
vfs_syncall(bool waitfor)
{
	struct mount *mp;
	struct cred *cred = proc_cred(curproc);
	int error, first = 0;

	rw_enter(&mount_lock, RW_READER);
	TAILQ_FOREACH(mp, &mountlist, mnt_list) {
		error = VFS_SYNC(mp, waitfor, cred);
		if (first == 0)
			first = error;
	}
	rw_exit(&mount_lock);
	error = bufcache_sync();
	if (first == 0)
		first = error;
	cred_release(cred);
	return first;
}

struct vnode *
vfs_mount_crossing(struct vnode *vp)
{
	struct vnode *root = NULL;

	mutex_enter(&mountlist_lock);
	if (vp->v_mountedhere != NULL) {
		root = vp->v_mountedhere->mnt_rootvp;
		vref(root);
	}
	mutex_exit(&mountlist_lock);
	return root;
}

static void
proc_vnode_hold(struct vnode *vp)
{
	vref(vp);
}

static const struct proc_vnodeops vfs_proc_vnodeops = {
	.pvo_hold = proc_vnode_hold,
	.pvo_release = vrele,
};

/*
 * Nothing here can fail: no type is registered yet (file systems are
 * components of a later level), and rumpfs mounts without a source and
 * has its root in memory.
 */
void
vfs_mountroot(void)
{
	struct mount *mp;
	int error;

	rw_init(&mount_lock);
	mutex_init(&mountlist_lock, MUTEX_DEFAULT);
	error = vfs_register(&rumpfs_vfsops);
	KASSERT(error == 0);
	rumpfs_vfsops.vfs_refcount++;
	error = mount_create(&rumpfs_vfsops, "rootfs", 0, NULL, 0, &mp);
	KASSERT(error == 0);
	mp->mnt_flag |= MNT_ROOTFS;
	TAILQ_INSERT_TAIL(&mountlist, mp, mnt_list);
	rootvnode = mp->mnt_rootvp;
	proc_setvnodeops(&vfs_proc_vnodeops);
}

/*
 * At shutdown: every mount, the last mounted first, then the root.  The
 * processes are gone by then, so the kernel writes them back as root.
 */
void
vfs_unmountall(void)
{
	struct cred *cred = cred_alloc(0);
	struct mount *mp;
	int error;

	rw_enter(&mount_lock, RW_WRITER);
	for (;;) {
		struct mount *last = NULL;

		TAILQ_FOREACH(mp, &mountlist, mnt_list)
			if ((mp->mnt_flag & MNT_ROOTFS) == 0)
				last = mp;
		if (last == NULL)
			break;
		error = vfs_dounmount(last, cred);
		KASSERTMSG(error == 0, "vfs_unmountall: %s busy: %d",
		    last->mnt_from, error);
	}
	cred_release(cred);
	mp = TAILQ_FIRST(&mountlist);
	TAILQ_REMOVE(&mountlist, mp, mnt_list);
	rootvnode = NULL;
	mount_destroy(mp);
	rw_exit(&mount_lock);
	proc_setvnodeops(NULL);
	vfs_unregister(&rumpfs_vfsops);
	mutex_destroy(&mountlist_lock);
	rw_destroy(&mount_lock);
}
