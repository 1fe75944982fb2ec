/*
 * What ext2fs hangs from a vnode: the in-core inode, under the vnode's
 * lock.  The inode is written to its buffer whenever it changes
 * (ext2fs_iput), so the node is never dirtier than the buffer cache.
 */
#ifndef FS_EXT2FS_EXT2FS_VNODE_H
#define FS_EXT2FS_EXT2FS_VNODE_H

#include "rumpvfs/vnode.h"
#include "rumpvfs/mount.h"
#include "fs/ext2fs/ext2fs.h"

struct ext2fs_node {
	struct ext2fs_inode n_ip;
	struct vnode *n_vp;
	struct ext2fs_ra n_ra;		/* read-ahead: hints, no lock */
};

#define VTON(vp)	((struct ext2fs_node *)(vp)->v_data)
#define VTOI(vp)	(&VTON(vp)->n_ip)
#define VFSTOUM(mp)	((struct ext2fs_mount *)(mp)->mnt_data)

extern const struct vnodeops ext2fs_vnodeops;
KMEM_DECLARE(M_EXT2FSNODE);

#endif
