/*
 * What the VFS's own files share and nobody else uses.
 */
#ifndef RUMPVFS_VFS_PRIVATE_H
#define RUMPVFS_VFS_PRIVATE_H

#include "rumpvfs/mount.h"

/* Mounts rumpfs at / and hooks the VFS into processes' directories. */
void vfs_mountroot(void);
/* Unmounts everything, the root last (at shutdown). */
void vfs_unmountall(void);
/*
 * The root of what is mounted on vp, referenced, or NULL.  The caller
 * holds a reference on vp.
 */
struct vnode *vfs_mount_crossing(struct vnode *vp);

/*
 * vfs_fifo.c: opens the FIFO vp (referenced; the file keeps the
 * reference) as the file fp, whose f_flag says which ends; waits for the
 * other end as open(2) does.
 */
struct file;
int vfs_fifo_open(struct vnode *vp, struct file *fp);
void vfs_fifo_init(void);
void vfs_fifo_fini(void);

/* vfs_pnbuf.c: buffers of PATH_MAX bytes, kept for reuse. */
char *pnbuf_get(void);
void pnbuf_put(char *p);
void pnbuf_init(void);
void pnbuf_fini(void);

#endif
