/*
 * What the VFS's own files share and nobody else uses.
 */
#ifndef RUMPVFS_VFS_PRIVATE_H
#define RUMPVFS_VFS_PRIVATE_H

#include "rumpvfs/mount.h"

/* Mounts rumpfs at / and hooks the VFS into processes' directories. */
int vfs_mountroot(void);
/* Unmounts everything, the root last (at shutdown). */
void vfs_unmountall(void);
/*
 * The root of what is mounted on vp, referenced, or NULL.  The caller
 * holds a reference on vp.
 */
struct vnode *vfs_mount_crossing(struct vnode *vp);

/* vfs_pnbuf.c: buffers of PATH_MAX bytes, kept for reuse. */
char *pnbuf_get(void);
void pnbuf_put(char *p);
void pnbuf_init(void);
void pnbuf_fini(void);

#endif
