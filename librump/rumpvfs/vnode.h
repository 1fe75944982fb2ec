/*
 * Vnodes: the VFS's handle on a file of some mounted file system.
 *
 * A vnode is found through the vnode cache (vfs_vnode.c), keyed by its
 * mount and a 64-bit file id the file system chooses (an inode number).
 * vcache_get() returns the cached vnode or makes one and has the file
 * system load it (vfsops vfs_loadvnode).  What the file system keeps per
 * file hangs from v_data; its operations are v_op, called through the
 * generated VOP_* functions (vnode_if.src).
 *
 * References.  v_usecount counts the holders: the cache's lookups, open
 * files, namei results, the current and root directories of processes,
 * a covered mount point.  vref() adds one to a vnode already held;
 * vrele() drops one, and the last one calls VOP_INACTIVE (vnode locked),
 * after which the vnode stays cached, unreferenced, until vcache_get()
 * revives it or the cache reclaims it (VOP_RECLAIM) for being over its
 * limit (VNODE_CACHE_MAX), for its file having no links, or at unmount.
 *
 * The vnode lock (v_lock) protects what the file system keeps for the
 * file; VOP_* calls document which vnodes are locked (vnode_if.src).
 * vn_lock() takes it, vn_unlock() drops it, vput() unlocks and releases.
 *
 * Lock order (a thread holding a lock may take only those after it):
 *
 *	mount's rename lock (mnt_renamelock, one rename at a time per mount)
 *	  -> vnode locks: a directory before its entries ("parent before
 *	     child"); namei holds at most the parent and the child, never
 *	     the parent of a vnode it holds.  Two directories neither of
 *	     which is an ancestor of the other are locked in address order,
 *	     only by rename, under the rename lock (vfs_rename.c).
 *	  -> buffer locks (B_BUSY, vfs_bio.c)
 *	  -> vcache_lock (the cache's table and the counts; never held
 *	     across a call into a file system)
 */
#ifndef RUMPVFS_VNODE_H
#define RUMPVFS_VNODE_H

#include "rumpkern/kern.h"
#include "rumpkern/config.h"
#include "rumpkern/condvar.h"
#include "rumpkern/mutex.h"
#include "rumpkern/rwlock.h"
#include "rumpkern/uio.h"
#include "rumpvfs/vfs_abi.h"
#include "rumpvfs/vfs_cred.h"

struct mount;
struct buf;

enum vtype { VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO, VBAD };

/* The life of a cached vnode (v_state, under vcache_lock). */
enum vnode_state {
	VS_LOADING,	/* being loaded: others wait for it */
	VS_ACTIVE,	/* usable, referenced or not */
	VS_RECLAIMING,	/* being reclaimed: lookups wait, then load anew */
};

struct vnode {
	struct mount *v_mount;		/* NULL for a device node's own */
	const struct vnodeops *v_op;
	void *v_data;			/* the file system's */
	enum vtype v_type;
	int v_vflag;			/* VV_* */
	uint64_t v_id;			/* file id: the cache key with v_mount */
	unsigned v_usecount;		/* references; under vcache_lock */
	enum vnode_state v_state;	/* under vcache_lock */
	bool v_needinactive;		/* VOP_INACTIVE deferred; vcache_lock */
	struct mount *v_mountedhere;	/* a directory mounted on */
	krwlock_t v_lock;		/* the vnode lock */
	/*
	 * The buffer cache's lists of this vnode's buffers and of its dirty
	 * ones (bufcache_lock).
	 */
	TAILQ_HEAD(, buf) v_bufs;
	TAILQ_HEAD(, buf) v_dirtybufs;
	struct pipe *v_fifo;		/* a FIFO's pipe while open; vfs_fifo.c */
	TAILQ_HEAD(, namecache) v_nclist;	/* names cached in it: vfs_cache.c */
	TAILQ_ENTRY(vnode) v_hash;	/* cache bucket */
	TAILQ_ENTRY(vnode) v_freelist;	/* unreferenced, LRU first */
	TAILQ_ENTRY(vnode) v_mntlist;	/* all vnodes of v_mount */
};

/* v_vflag. */
#define VV_ROOT		0x01	/* the root of its mount */
#define VV_SYSTEM	0x02	/* held by the VFS itself (a device) */

/* Access modes of VOP_ACCESS and vaccess(). */
#define VEXEC	0100
#define VWRITE	0200
#define VREAD	0400
#define VAPPEND	01000	/* write only at the end (O_APPEND) */

/* ioflag of VOP_READ / VOP_WRITE. */
#define IO_APPEND	0x01	/* write at the end of the file */
#define IO_SYNC		0x02	/* data and metadata stable before return */
#define IO_DSYNC	0x04	/* data stable before return */
#define IO_NOATIME	0x08

/* flags of VOP_FSYNC. */
#define FSYNC_WAIT	0x01	/* wait for the writes */
#define FSYNC_DATAONLY	0x02	/* fdatasync: metadata only if needed */

/*
 * Attributes (VOP_GETATTR fills all; VOP_SETATTR changes those va_mask
 * names).  Modes here are the permission bits only, type in va_type.
 */
struct vattr {
	unsigned va_mask;		/* VA_* for setattr */
	enum vtype va_type;
	mode_t va_mode;			/* ALLPERMS bits */
	nlink_t va_nlink;
	uid_t va_uid;
	gid_t va_gid;
	uint64_t va_fsid;
	uint64_t va_fileid;
	uint64_t va_size;
	uint64_t va_bytes;		/* storage used */
	uint32_t va_blocksize;		/* preferred I/O size */
	struct timespec va_atime;
	struct timespec va_mtime;
	struct timespec va_ctime;
	dev_t va_rdev;
	uint64_t va_gen;
};

#define VA_MODE		0x01
#define VA_UID		0x02
#define VA_GID		0x04
#define VA_SIZE		0x08
#define VA_ATIME	0x10
#define VA_MTIME	0x20
#define VA_CTIME	0x40

/* A vattr with nothing to change and no values. */
void vattr_null(struct vattr *vap);
/* The d_type of dirent64 and the S_IF* bits of a vnode type. */
unsigned char vtype_to_dt(enum vtype type);
mode_t vtype_to_ifmt(enum vtype type);
enum vtype ifmt_to_vtype(mode_t mode);

/* ---- references and locks (vfs_vnode.c) ---- */

void vref(struct vnode *vp);
void vrele(struct vnode *vp);
void vn_lock(struct vnode *vp, krw_t op);
void vn_unlock(struct vnode *vp);
/* vn_unlock + vrele. */
void vput(struct vnode *vp);
bool vn_locked_excl(const struct vnode *vp);

/* The generated dispatch functions check the contract with this. */
void vop_lockcheck(const struct vnode *vp, char state, const char *op,
    const char *arg, const char *when);

/* ---- the vnode cache (vfs_vnode.c) ---- */

/*
 * The vnode of file id on mp, referenced and not locked: the cached one,
 * or a new one the file system loads (vfs_loadvnode), while other lookups
 * of the same key wait.  A load error is returned and nothing cached.
 */
int vcache_get(struct mount *mp, uint64_t id, struct vnode **vpp);
/*
 * Reclaims every unreferenced vnode of mp (all of them when mp is NULL);
 * with a referenced one left (other than mp's root), returns EBUSY.
 */
int vflush(struct mount *mp);
/* A vnode with no file system behind it (devices of etfs); referenced. */
struct vnode *vnalloc_anon(enum vtype type, const struct vnodeops *ops,
    void *data);
/* Vnodes cached and unreferenced ones, for tests. */
void vcache_counts(unsigned *total, unsigned *unreferenced);
extern unsigned vcache_max;	/* unreferenced vnodes kept: VNODE_CACHE_MAX */

void vcache_init(void);
void vcache_fini(void);

/* ---- helpers for file systems (vfs_subr.c) ---- */

/*
 * The POSIX permission check: acc_mode (VREAD|VWRITE|VEXEC) against a
 * file of type, mode, uid and gid for cred.  Root may do everything but
 * execute a file no one may execute.  0 or EACCES.
 */
int vaccess(enum vtype type, mode_t file_mode, uid_t uid, gid_t gid,
    int acc_mode, kauth_cred_t cred);
/* The current time for timestamps. */
void vfs_timestamp(struct timespec *ts);
/*
 * Copies one struct dirent64 record out for VOP_READDIR: file id ino,
 * type DT_*, the name, and next, the position of the record after it.
 * EINVAL when it does not fit in what is left of uio.
 */
int vfs_dirent_out(struct uio *uio, uint64_t ino, uint64_t next,
    unsigned char type, const char *name, size_t namelen);

#include "rumpvfs/vnode_if.h"

#endif
