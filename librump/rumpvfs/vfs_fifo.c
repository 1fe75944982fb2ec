/*
 * FIFOs: a node of type VFIFO (made by mknod in any file system) opened
 * through the VFS is the kernel's pipe (rumpkern/pipe.h), one per node
 * while anyone has it open, hung on the vnode.  open(2) waits for the
 * other end as POSIX says (pipe_wait_peer); reads, writes, poll, ioctl
 * and fcntl are the pipe's; fstat is the node's; the last close throws
 * the pipe and what it still buffered away.  The file holds a reference
 * to the vnode, so the node outlives its pipe.
 *
 * fifo_lock covers every v_fifo and the moment a pipe loses its last
 * end, so an opener never finds a pipe being destroyed.  Order:
 * fifo_lock, then the pipe's own lock.
 */
#include "rumpkern/filedesc.h"
#include "rumpkern/mutex.h"
#include "rumpkern/pipe.h"
#include "rumpvfs/vfs_private.h"
#include "rumpvfs/vfs_syscalls.h"
#include "rumpvfs/vnode.h"

static kmutex_t fifo_lock;

static int
fifo_read(struct file *fp, struct uio *uio, int flags)
{
	return pipe_fileops.fo_read(fp, uio, flags);
}

static int
fifo_write(struct file *fp, struct uio *uio, int flags)
{
	return pipe_fileops.fo_write(fp, uio, flags);
}

static int
fifo_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	return pipe_fileops.fo_ioctl(fp, cmd, data);
}

static int
fifo_fcntl(struct file *fp, int cmd, long *argp)
{
	return pipe_fileops.fo_fcntl(fp, cmd, argp);
}

static int
fifo_poll(struct file *fp, int events, struct pollent *pe)
{
	return pipe_fileops.fo_poll(fp, events, pe);
}

static int
fifo_stat(struct file *fp, struct filestat *st)
{
	return vn_stat(pipe_node(fp->f_data), st, fp->f_cred);
}

/* Lets go of the ends fflag holds on vp's pipe p, and of p if the last. */
static void
fifo_detach(struct vnode *vp, struct pipe *p, int fflag)
{
	bool last;

	mutex_enter(&fifo_lock);
	last = pipe_detach(p, fflag);
	if (last)
		vp->v_fifo = NULL;
	mutex_exit(&fifo_lock);
	if (last)
		pipe_destroy(p);
}

static int
fifo_close(struct file *fp)
{
	struct pipe *p = fp->f_data;
	struct vnode *vp = pipe_node(p);

	fifo_detach(vp, p, fp->f_flag);
	vrele(vp);
	return 0;
}

static const struct fileops fifoops = {
	.fo_name = "fifo",
	.fo_read = fifo_read,
	.fo_write = fifo_write,
	.fo_ioctl = fifo_ioctl,
	.fo_fcntl = fifo_fcntl,
	.fo_poll = fifo_poll,
	.fo_stat = fifo_stat,
	.fo_close = fifo_close,
};

int
vfs_fifo_open(struct vnode *vp, struct file *fp)
{
	int fflag = fp->f_flag;
	struct pipe *p, *new = NULL;
	int error;

	KASSERT(vp->v_type == VFIFO);
	mutex_enter(&fifo_lock);
	while ((p = vp->v_fifo) == NULL && new == NULL) {
		mutex_exit(&fifo_lock);
		new = pipe_create(vp);
		mutex_enter(&fifo_lock);
	}
	if (p == NULL)
		p = vp->v_fifo = new;
	else if (new != NULL)
		pipe_destroy(new);
	pipe_attach(p, fflag);
	mutex_exit(&fifo_lock);
	error = pipe_wait_peer(p, fflag);
	if (error != 0) {
		fifo_detach(vp, p, fflag);
		return error;
	}
	fp->f_type = DTYPE_PIPE;
	fp->f_ops = &fifoops;
	fp->f_data = p;
	return 0;
}

void
vfs_fifo_init(void)
{
	mutex_init(&fifo_lock, MUTEX_DEFAULT);
}

void
vfs_fifo_fini(void)
{
	mutex_destroy(&fifo_lock);
}
