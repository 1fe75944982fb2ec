/*
 * The mount calls: mount, umount2, sync, statfs, fstatfs, and
 * mount_image, ours.  Mounting and unmounting need root, as on Linux.
 */
#include "rump/rumpdefs.h"
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/vfs_syscalls.h"
#include "rumpvfs_if_priv.h"
#include "syscallargs.h"

static unsigned mount_image_seq;	/* atomic: the next device's number */

static bool
caller_is_root(void)
{
	struct cred *cred = proc_cred(curproc);
	bool root = cred_is_root(cred);

	cred_release(cred);
	return root;
}

/*
 * The options string (data) of Linux's mount(2) is not passed on: no
 * file system here takes options yet.
 */
int
sys_mount(struct lwp *l, const struct sys_mount_args *uap, long *retval)
{
	char *source = NULL, *target = NULL, *fstype = NULL;
	int error;

	(void)l;
	(void)retval;
	if (!caller_is_root())
		return EPERM;
	if ((uap->flags & ~(unsigned long)MS_RDONLY) != 0)
		return EINVAL;
	error = vfs_path_copyin(uap->fstype, &fstype);
	if (error == 0 && uap->source != NULL)
		error = vfs_path_copyin(uap->source, &source);
	if (error == 0)
		error = vfs_path_copyin(uap->target, &target);
	if (error == 0)
		error = vfs_domount(fstype, source, target,
		    (uap->flags & MS_RDONLY) != 0 ? MNT_RDONLY : 0, NULL, 0);
	if (target != NULL)
		vfs_path_free(target);
	if (source != NULL)
		vfs_path_free(source);
	if (fstype != NULL)
		vfs_path_free(fstype);
	return error;
}

/*
 * mount_image(image, target, fstype, flags): the host file image mounted
 * at target, as rump_etfs_register() and mount() would do it, in one
 * system call: what a remote client (rump.mount) needs, since the
 * registration is a call into the kernel of the caller's own process.
 * The device is a node of the kernel's choosing, /dev/image<N>, that
 * belongs to the mount (MNT_OWNDEV): unmounting removes it, and a mount
 * that fails leaves none.  The host file is opened with the server's
 * host credentials; the caller must be root in the rump kernel.
 */
static int
mount_image(const char *image, const char *target, const char *fstype,
    bool rdonly)
{
	char key[32];
	int error;

	ksnprintf(key, sizeof(key), "/dev/image%u",
	    atomic_inc_uint(&mount_image_seq));
	error = rumppriv_etfs_register(key, image, rdonly ?
	    RUMP_ETFS_BLK_RDONLY : RUMP_ETFS_BLK);
	if (error != 0)
		return error;
	error = vfs_domount(fstype, key, target, MNT_OWNDEV |
	    (rdonly ? MNT_RDONLY : 0), NULL, 0);
	if (error != 0)
		(void)rumppriv_etfs_remove(key);
	return error;
}

int
sys_mount_image(struct lwp *l, const struct sys_mount_image_args *uap,
    long *retval)
{
	char *image = NULL, *target = NULL, *fstype = NULL;
	int error;

	(void)l;
	(void)retval;
	if (!caller_is_root())
		return EPERM;
	if ((uap->flags & ~(unsigned long)MS_RDONLY) != 0)
		return EINVAL;
	error = vfs_path_copyin(uap->image, &image);
	if (error == 0)
		error = vfs_path_copyin(uap->target, &target);
	if (error == 0)
		error = vfs_path_copyin(uap->fstype, &fstype);
	if (error == 0)
		error = mount_image(image, target, fstype,
		    (uap->flags & MS_RDONLY) != 0);
	if (fstype != NULL)
		vfs_path_free(fstype);
	if (target != NULL)
		vfs_path_free(target);
	if (image != NULL)
		vfs_path_free(image);
	return error;
}

int
sys_umount2(struct lwp *l, const struct sys_umount2_args *uap, long *retval)
{
	char *target;
	int error;

	(void)l;
	(void)retval;
	if (!caller_is_root())
		return EPERM;
	if ((uap->flags & ~MNT_FORCE) != 0)
		return EINVAL;
	error = vfs_path_copyin(uap->target, &target);
	if (error != 0)
		return error;
	error = vfs_dounmount_path(target, uap->flags);
	vfs_path_free(target);
	return error;
}

int
sys_sync(struct lwp *l, const struct sys_sync_args *uap, long *retval)
{
	(void)l;
	(void)uap;
	(void)retval;
	/* sync(2) cannot fail; what a file system could not write stays dirty. */
	(void)vfs_syncall(true);
	return 0;
}

static int
vfs_statfs_out(struct mount *mp, struct statfs *ub)
{
	struct statvfs sv;
	struct statfs sf;
	int error;

	error = VFS_STATVFS(mp, &sv);
	if (error != 0)
		return error;
	memset(&sf, 0, sizeof(sf));
	sf.f_type = sv.f_type;
	sf.f_bsize = (long)sv.f_bsize;
	sf.f_frsize = (long)sv.f_bsize;
	sf.f_blocks = sv.f_blocks;
	sf.f_bfree = sv.f_bfree;
	sf.f_bavail = sv.f_bavail;
	sf.f_files = sv.f_files;
	sf.f_ffree = sv.f_ffree;
	sf.f_fsid.val[0] = (int)mp->mnt_fsid;
	sf.f_namelen = (long)sv.f_namemax;
	sf.f_flags = (mp->mnt_flag & MNT_RDONLY) != 0 ? ST_RDONLY : 0;
	return copyout(&sf, ub, sizeof(sf));
}

int
sys_statfs(struct lwp *l, const struct sys_statfs_args *uap, long *retval)
{
	struct vfs_pathcall pc;
	struct nameidata nd;
	int error;

	(void)l;
	(void)retval;
	error = vfs_pathcall_begin(&pc, AT_FDCWD, uap->path);
	if (error != 0)
		return error;
	NDINIT(&nd, LOOKUP, FOLLOW, pc.pc_path, pc.pc_cred);
	error = namei(&nd);
	vfs_pathcall_end(&pc);
	if (error != 0)
		return error;
	namei_done(&nd);
	error = vfs_statfs_out(nd.ni_vp->v_mount, uap->buf);
	vrele(nd.ni_vp);
	return error;
}

int
sys_fstatfs(struct lwp *l, const struct sys_fstatfs_args *uap, long *retval)
{
	struct file *fp = fd_getfile(uap->fd);
	struct vnode *vp;
	int error;

	(void)l;
	(void)retval;
	if (fp == NULL)
		return EBADF;
	vp = fp->f_data;
	if (fp->f_type != DTYPE_VNODE || vp->v_mount == NULL)
		error = EINVAL;
	else
		error = vfs_statfs_out(vp->v_mount, uap->buf);
	fd_putfile(fp);
	return error;
}
