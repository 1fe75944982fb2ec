/*
 * Pipes: a ring buffer shared by a read end and a write end.
 *
 * Writes of at most PIPE_BUF bytes are atomic; larger blocking writes may
 * interleave with others.  Writing to a pipe whose readers are gone gives
 * EPIPE (there are no signals); reading from one whose writers are gone
 * gives end of file once the buffer is empty.  An anonymous pipe has one
 * reader and one writer; a FIFO (pipe.h) as many as opened it.  Its size
 * is PIPE_SIZE until fcntl(F_SETPIPE_SZ) changes it, as on Linux.
 */
#include "rumpkern/config.h"
#include "rumpkern/condvar.h"
#include "rumpkern/cred.h"
#include "rumpkern/filedesc.h"
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"
#include "rumpkern/pipe.h"
#include "rumpkern/poll.h"
#include "rumpkern/uio.h"
#include "syscallargs.h"

KMEM_DEFINE(M_PIPE, "pipe");

#define PIPE_BUF	4096

/* Inode numbers, one per pipe, so fstat tells two pipes apart. */
static uint64_t pipe_nextino;

struct pipe {
	kmutex_t p_lock;
	kcondvar_t p_cv;		/* readers and writers wait here */
	char *p_buf;
	size_t p_size;			/* bytes p_buf holds */
	size_t p_head;			/* next byte to read */
	size_t p_count;			/* bytes buffered */
	unsigned p_readers, p_writers;	/* open ends */
	/* Opens of each end so far: a FIFO opener waits for the other's. */
	uint64_t p_ropens, p_wopens;
	void *p_node;			/* a FIFO's node; constant */
	struct pollhead p_rph, p_wph;
	uint64_t p_ino;			/* constant */
	struct timespec p_ctime;	/* creation; constant */
};

static void
pipe_wakeup(struct pipe *p)
{
	cv_broadcast(&p->p_cv);
	pollwakeup(&p->p_rph);
	pollwakeup(&p->p_wph);
}

static int
pipe_read(struct file *fp, struct uio *uio, int flags)
{
	struct pipe *p = fp->f_data;
	int error = 0;

	/* Reading nothing never waits, as on Linux. */
	if (uio->uio_resid == 0)
		return 0;
	mutex_enter(&p->p_lock);
	while (p->p_count == 0 && p->p_writers > 0) {
		if (flags & FNONBLOCK) {
			error = EAGAIN;
			goto out;
		}
		if ((error = cv_wait_sig(&p->p_cv, &p->p_lock)) != 0)
			goto out;
	}
	while (p->p_count > 0 && uio->uio_resid > 0) {
		size_t n = MIN(p->p_count, p->p_size - p->p_head);

		n = MIN(n, uio->uio_resid);
		uiomove(p->p_buf + p->p_head, n, uio);
		p->p_head = (p->p_head + n) % p->p_size;
		p->p_count -= n;
	}
	pipe_wakeup(p);
out:
	mutex_exit(&p->p_lock);
	return error;
}

static int
pipe_write(struct file *fp, struct uio *uio, int flags)
{
	struct pipe *p = fp->f_data;
	int error = 0;

	mutex_enter(&p->p_lock);
	while (uio->uio_resid > 0) {
		size_t space = p->p_size - p->p_count;
		size_t tail, n;

		if (p->p_readers == 0) {
			error = EPIPE;
			break;
		}
		/* A small write goes in whole or waits. */
		if (space == 0 || (uio->uio_resid <= PIPE_BUF &&
		    space < uio->uio_resid)) {
			if (flags & FNONBLOCK) {
				error = EAGAIN;
				break;
			}
			if ((error = cv_wait_sig(&p->p_cv, &p->p_lock)) != 0)
				break;
			continue;
		}
		tail = (p->p_head + p->p_count) % p->p_size;
		n = MIN(space, p->p_size - tail);
		n = MIN(n, uio->uio_resid);
		uiomove(p->p_buf + tail, n, uio);
		p->p_count += n;
		pipe_wakeup(p);
	}
	mutex_exit(&p->p_lock);
	return error;
}

static int
pipe_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	struct pipe *p = fp->f_data;
	int n;

	switch (cmd) {
	case FIONBIO:
		return 0;
	case FIONREAD:
		mutex_enter(&p->p_lock);
		n = (fp->f_flag & FREAD) ? (int)p->p_count : 0;
		mutex_exit(&p->p_lock);
		return copyout(&n, data, sizeof(n));
	default:
		return ENOTTY;
	}
}

static int
pipe_poll(struct file *fp, int events, struct pollent *pe)
{
	struct pipe *p = fp->f_data;
	int revents = 0;

	mutex_enter(&p->p_lock);
	/* A FIFO opened O_RDWR is both ends. */
	if (fp->f_flag & FREAD) {
		pollrecord(&p->p_rph, pe);
		if (p->p_count > 0)
			revents |= events & (POLLIN | POLLRDNORM);
		if (p->p_writers == 0)
			revents |= POLLHUP;
	}
	if (fp->f_flag & FWRITE) {
		pollrecord(&p->p_wph, pe);
		if (p->p_readers == 0)
			revents |= POLLERR;
		else if (p->p_size - p->p_count >= PIPE_BUF)
			revents |= events & (POLLOUT | POLLWRNORM);
	}
	mutex_exit(&p->p_lock);
	return revents;
}

/*
 * F_SETPIPE_SZ, as Linux: the size asked for rounded up to a power of two
 * pages, at most PIPE_MAX_SIZE (EPERM beyond: no process here has
 * CAP_SYS_RESOURCE), never less than the bytes buffered now (EBUSY).
 */
static int
pipe_resize(struct pipe *p, long *argp)
{
	size_t size = PAGE_SIZE, off;
	char *buf;

	if (*argp < 0 || *argp > PIPE_MAX_SIZE)
		return *argp < 0 ? EINVAL : EPERM;
	while (size < (size_t)*argp)
		size *= 2;
	buf = kmem_alloc(&M_PIPE, size, KM_SLEEP);
	mutex_enter(&p->p_lock);
	if (p->p_count > size) {
		mutex_exit(&p->p_lock);
		kmem_free(&M_PIPE, buf, size);
		return EBUSY;
	}
	/* The buffered bytes, unwrapped, start the new ring. */
	off = MIN(p->p_count, p->p_size - p->p_head);
	memcpy(buf, p->p_buf + p->p_head, off);
	memcpy(buf + off, p->p_buf, p->p_count - off);
	kmem_free(&M_PIPE, p->p_buf, p->p_size);
	p->p_buf = buf;
	p->p_size = size;
	p->p_head = 0;
	pipe_wakeup(p);
	mutex_exit(&p->p_lock);
	*argp = (long)size;
	return 0;
}

static int
pipe_fcntl(struct file *fp, int cmd, long *argp)
{
	struct pipe *p = fp->f_data;

	switch (cmd) {
	case F_SETFL:
		return 0;	/* the flags are the file's */
	case F_GETPIPE_SZ:
		mutex_enter(&p->p_lock);
		*argp = (long)p->p_size;
		mutex_exit(&p->p_lock);
		return 0;
	case F_SETPIPE_SZ:
		return pipe_resize(p, argp);
	default:
		return EINVAL;
	}
}

/* As Linux: a FIFO of mode 0600 owned by its creator, times its creation. */
static int
pipe_stat(struct file *fp, struct filestat *st)
{
	struct pipe *p = fp->f_data;

	st->st_mode = S_IFIFO | 0600;
	st->st_ino = p->p_ino;
	st->st_nlink = 1;
	st->st_uid = fp->f_cred->cr_euid;
	st->st_gid = fp->f_cred->cr_egid;
	st->st_blksize = PAGE_SIZE;
	st->st_atim = st->st_mtim = st->st_ctim = p->p_ctime;
	return 0;
}

void
pipe_destroy(struct pipe *p)
{
	pollhead_destroy(&p->p_rph);
	pollhead_destroy(&p->p_wph);
	cv_destroy(&p->p_cv);
	mutex_destroy(&p->p_lock);
	kmem_free(&M_PIPE, p->p_buf, p->p_size);
	kmem_free(&M_PIPE, p, sizeof(*p));
}

struct pipe *
pipe_create(void *node)
{
	struct pipe *p = kmem_zalloc(&M_PIPE, sizeof(*p), KM_SLEEP);
	uint64_t now = getnstime();

	p->p_size = PIPE_SIZE;
	p->p_buf = kmem_alloc(&M_PIPE, p->p_size, KM_SLEEP);
	mutex_init(&p->p_lock, MUTEX_DEFAULT);
	cv_init(&p->p_cv);
	pollhead_init(&p->p_rph);
	pollhead_init(&p->p_wph);
	p->p_ino = __atomic_add_fetch(&pipe_nextino, 1, __ATOMIC_RELAXED);
	p->p_ctime.tv_sec = (time_t)(now / NSEC_PER_SEC);
	p->p_ctime.tv_nsec = (long)(now % NSEC_PER_SEC);
	p->p_node = node;
	return p;
}

void *
pipe_node(const struct pipe *p)
{
	return p->p_node;
}

void
pipe_attach(struct pipe *p, int fflag)
{
	mutex_enter(&p->p_lock);
	if ((fflag & FREAD) != 0) {
		p->p_readers++;
		p->p_ropens++;
	}
	if ((fflag & FWRITE) != 0) {
		p->p_writers++;
		p->p_wopens++;
	}
	pipe_wakeup(p);
	mutex_exit(&p->p_lock);
}

/*
 * Waiting for an open of the other end rather than for a count above zero:
 * a peer that opens and closes meanwhile still lets the opener through.
 */
int
pipe_wait_peer(struct pipe *p, int fflag)
{
	int error = 0;

	if ((fflag & (FREAD | FWRITE)) == (FREAD | FWRITE))
		return 0;
	mutex_enter(&p->p_lock);
	if ((fflag & FREAD) != 0 && (fflag & FNONBLOCK) == 0) {
		uint64_t seen = p->p_wopens - (p->p_writers > 0 ? 1 : 0);

		while (error == 0 && p->p_wopens == seen)
			error = cv_wait_sig(&p->p_cv, &p->p_lock);
	} else if ((fflag & FWRITE) != 0) {
		uint64_t seen = p->p_ropens - (p->p_readers > 0 ? 1 : 0);

		if ((fflag & FNONBLOCK) != 0 && p->p_readers == 0)
			error = ENXIO;
		while (error == 0 && p->p_ropens == seen)
			error = cv_wait_sig(&p->p_cv, &p->p_lock);
	}
	mutex_exit(&p->p_lock);
	return error;
}

bool
pipe_detach(struct pipe *p, int fflag)
{
	bool last;

	mutex_enter(&p->p_lock);
	if ((fflag & FREAD) != 0)
		p->p_readers--;
	if ((fflag & FWRITE) != 0)
		p->p_writers--;
	last = p->p_readers == 0 && p->p_writers == 0;
	pipe_wakeup(p);
	mutex_exit(&p->p_lock);
	return last;
}

static int
pipe_close(struct file *fp)
{
	struct pipe *p = fp->f_data;

	if (pipe_detach(p, fp->f_flag))
		pipe_destroy(p);
	return 0;
}

/* What a FIFO's file shares with a pipe's. */
const struct fileops pipe_fileops = {
	.fo_name = "pipe",
	.fo_read = pipe_read,
	.fo_write = pipe_write,
	.fo_ioctl = pipe_ioctl,
	.fo_fcntl = pipe_fcntl,
	.fo_poll = pipe_poll,
	.fo_stat = pipe_stat,
	.fo_close = pipe_close,
};

int
sys_pipe2(struct lwp *l, const struct sys_pipe2_args *uap, long *retval)
{
	struct filedesc *fdp = l->l_proc->p_fd;
	struct file *rf, *wf;
	struct pipe *p;
	int fds[2], error;

	(void)retval;
	if ((uap->flags & ~(O_NONBLOCK | O_CLOEXEC)) != 0)
		return EINVAL;
	p = pipe_create(NULL);
	pipe_attach(p, FREAD | FWRITE);
	rf = file_alloc(FREAD | (uap->flags & O_NONBLOCK));
	wf = file_alloc(FWRITE | (uap->flags & O_NONBLOCK));
	rf->f_type = wf->f_type = DTYPE_PIPE;
	rf->f_ops = wf->f_ops = &pipe_fileops;
	rf->f_data = wf->f_data = p;

	/* The numbers reach the caller before anyone can use the descriptors. */
	error = fd_reserve(fdp, &fds[0]);
	if (error == 0 && (error = fd_reserve(fdp, &fds[1])) != 0)
		fd_cancel(fdp, fds[0]);
	if (error == 0 && (error = copyout(fds, uap->fds, sizeof(fds))) != 0) {
		fd_cancel(fdp, fds[0]);
		fd_cancel(fdp, fds[1]);
	}
	if (error == 0) {
		fd_commit(fdp, fds[0], rf, (uap->flags & O_CLOEXEC) != 0);
		fd_commit(fdp, fds[1], wf, (uap->flags & O_CLOEXEC) != 0);
	}
	/* The table holds its own references now, or the files close here. */
	file_release(rf);
	file_release(wf);
	return error;
}
