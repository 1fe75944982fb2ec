/*
 * The mount table and the interface between the VFS and a file system
 * type (vfs_mount.c).
 *
 * A file system type registers its struct vfsops by name from its
 * component's init function (vfs_register) and leaves at its fini
 * (vfs_unregister); the VFS never names one.  Mounting by name at a path
 * (vfs_domount) makes a struct mount, has the type's vfs_mount fill
 * mnt_data from the source (a device path such as an etfs name) and
 * hangs it on the covered directory vnode (v_mountedhere), which namei
 * crosses.  The in-memory rumpfs is mounted at / at boot.
 *
 * Locks: mountlist_lock protects the list and the covered vnodes'
 * v_mountedhere; it is taken after any vnode lock and never held across
 * a call into a file system.  mnt_renamelock serialises renames on one
 * mount (vnode.h gives the whole order).
 */
#ifndef RUMPVFS_MOUNT_H
#define RUMPVFS_MOUNT_H

#include "rumpkern/kern.h"
#include "rumpkern/mutex.h"
#include "rumpvfs/vnode.h"

struct mount;

/* What statvfs reports, in the file system's own terms. */
struct statvfs {
	unsigned long f_bsize;		/* block size of f_blocks */
	unsigned long f_iosize;		/* preferred I/O size */
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;		/* free to unprivileged users */
	uint64_t f_files;
	uint64_t f_ffree;
	unsigned long f_namemax;
	long f_type;			/* Linux's magic, e.g. 0xef53 */
};

struct vfsops {
	const char *vfs_name;		/* "ext2fs", "rumpfs", ... */
	/*
	 * Sets up mp from the source (a path, usually a block device, or
	 * NULL) and the type's own options; mp->mnt_flag has MNT_RDONLY.
	 * On error nothing of the type's is left in mp.
	 */
	int (*vfs_mount)(struct mount *mp, const char *from, const void *data,
	    size_t datalen);
	/* Writes everything back and frees mnt_data; after vflush. */
	int (*vfs_unmount)(struct mount *mp, int mntflags);
	/* The root directory, referenced and not locked. */
	int (*vfs_root)(struct mount *mp, struct vnode **vpp);
	int (*vfs_statvfs)(struct mount *mp, struct statvfs *sbp);
	/* Writes dirty metadata and data; waitfor: wait for the writes. */
	int (*vfs_sync)(struct mount *mp, bool waitfor, kauth_cred_t cred);
	/*
	 * Loads file id into the new vnode vp (locked, unreferenced by
	 * anyone else): sets v_type, v_op, v_data and VV_ROOT.  ENOENT for
	 * a file id that is not in use; EIO/EUCLEAN for a bad inode.
	 */
	int (*vfs_loadvnode)(struct mount *mp, struct vnode *vp, uint64_t id);
	/* The vnode operations of this type's files. */
	const struct vnodeops *vfs_vnodeops;
	LIST_ENTRY(vfsops) vfs_list;	/* the VFS's */
	unsigned vfs_refcount;		/* mounts of this type */
};

struct mount {
	const struct vfsops *mnt_op;
	void *mnt_data;			/* the file system's */
	struct vnode *mnt_vnodecovered;	/* referenced; NULL for / */
	struct vnode *mnt_rootvp;	/* cached root, referenced */
	int mnt_flag;			/* MNT_* */
	uint64_t mnt_fsid;		/* st_dev of its files */
	unsigned mnt_iosize;		/* preferred I/O size */
	kmutex_t mnt_renamelock;
	TAILQ_HEAD(, vnode) mnt_vnodes;	/* vcache_lock */
	unsigned mnt_nvnodes;		/* vcache_lock */
	char mnt_fstype[16];
	char mnt_from[PATH_MAX > 256 ? 256 : PATH_MAX];
	TAILQ_ENTRY(mount) mnt_list;
};

/* mnt_flag. */
#define MNT_RDONLY	0x0001
#define MNT_ROOTFS	0x0002	/* the root file system, never unmounted */
#define MNT_UNMOUNTING	0x0004
#define MNT_OWNDEV	0x0008	/* unmounting removes the etfs device mnt_from */

int vfs_register(struct vfsops *vfsops);
int vfs_unregister(struct vfsops *vfsops);
/*
 * Mounts file-system type fstype from source at the directory path
 * (resolved with the caller's credentials); flags MNT_RDONLY, and
 * MNT_OWNDEV when source is an etfs device made for this mount alone.
 */
int vfs_domount(const char *fstype, const char *source, const char *path,
    int flags, const void *data, size_t datalen);
/* Unmounts what is mounted at path; EBUSY while files are in use. */
int vfs_dounmount_path(const char *path, int flags);
/* Writes back every mounted file system. */
int vfs_syncall(bool waitfor);

/*
 * The device vnode of the block device at path (a host file registered
 * with rump_etfs_register), referenced, for a file system to read and
 * write through the buffer cache; ENOTBLK for anything else, EROFS for a
 * read-write open of a read-only device, EACCES without permission.
 * vfs_closedev() lets go of it.  An open device cannot be removed.
 */
int vfs_opendev(const char *path, bool rdonly, kauth_cred_t cred,
    struct vnode **devvpp);
void vfs_closedev(struct vnode *devvp);

/* The root of the name space: the rumpfs root, referenced forever. */
extern struct vnode *rootvnode;

/* Calls through the table, each in one place. */
int VFS_ROOT(struct mount *mp, struct vnode **vpp);
int VFS_STATVFS(struct mount *mp, struct statvfs *sbp);
int VFS_SYNC(struct mount *mp, bool waitfor, kauth_cred_t cred);

#endif
