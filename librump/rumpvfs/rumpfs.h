/*
 * rumpfs: the in-memory file system mounted at / (and mountable anywhere
 * as "rumpfs"): directories, regular files, symbolic links, FIFOs and
 * device nodes.  Private to librumpvfs.
 *
 * A node lives as long as it has links or a vnode; its vnode's file id is
 * the node's address (only rumpfs ever makes one).  Everything in a node
 * is protected by its vnode's lock; a directory's entries by the
 * directory's.  rm_lock protects the mount's node list and counters.
 */
#ifndef RUMPVFS_RUMPFS_H
#define RUMPVFS_RUMPFS_H

#include "rumpkern/mutex.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/vnode.h"

/* Regular files are kept in pages; a missing page is a hole. */
#define RUMPFS_PAGE	4096

struct rumpfs_node;

struct rumpfs_dirent {
	TAILQ_ENTRY(rumpfs_dirent) rd_entries;
	struct rumpfs_node *rd_node;
	uint64_t rd_cookie;		/* its readdir position; increasing */
	size_t rd_namelen;
	char rd_name[];
};

struct rumpfs_node {
	enum vtype rn_type;
	mode_t rn_mode;			/* ALLPERMS bits */
	uid_t rn_uid;
	gid_t rn_gid;
	nlink_t rn_nlink;
	uint64_t rn_ino;
	dev_t rn_rdev;
	struct timespec rn_atime, rn_mtime, rn_ctime;
	uint64_t rn_size;
	/* VDIR */
	struct rumpfs_node *rn_parent;
	TAILQ_HEAD(, rumpfs_dirent) rn_dir;
	uint64_t rn_nextcookie;
	/* VREG: rn_npages page pointers, NULL for a hole. */
	char **rn_pages;
	size_t rn_npages;
	/* VLNK */
	char *rn_target;
	/* VBLK/VCHR: the device vnode, referenced (etfs). */
	struct vnode *rn_devvp;
	LIST_ENTRY(rumpfs_node) rn_list;	/* rm_nodes */
};

struct rumpfs_mount {
	kmutex_t rm_lock;
	struct rumpfs_node *rm_root;
	LIST_HEAD(, rumpfs_node) rm_nodes;
	uint64_t rm_nextino;
	uint64_t rm_nnodes;
};

extern const struct vnodeops rumpfs_vnodeops;
extern struct vfsops rumpfs_vfsops;

struct rumpfs_node *rumpfs_node_alloc(struct mount *mp, enum vtype type,
    const struct vattr *vap);
void rumpfs_node_free(struct mount *mp, struct rumpfs_node *rn);
/* Frees every page of a regular file. */
void rumpfs_truncate(struct rumpfs_node *rn, uint64_t size);

#define VTORN(vp)	((struct rumpfs_node *)(vp)->v_data)
#define VFSTORM(mp)	((struct rumpfs_mount *)(mp)->mnt_data)

#endif
