/*
 * System calls that work on any descriptor: read, write and their vector
 * and positioned forms, lseek, ioctl, poll.
 */
#include "rumpkern/filedesc.h"
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"
#include "rumpkern/poll.h"
#include "rumpkern/uio.h"
#include "syscallargs.h"

KMEM_DECLARE(M_TEMP);

/* One transfer through fp's fileops, at uio->uio_offset. */
static int
fileio(struct file *fp, struct uio *uio)
{
	int flags = __atomic_load_n(&fp->f_flag, __ATOMIC_RELAXED);

	/* A positioned transfer must not run past the largest offset. */
	if (file_seekable(fp) &&
	    uio->uio_offset > INT64_MAX - (off_t)uio->uio_resid)
		return EINVAL;
	if (uio->uio_rw == UIO_READ)
		return fo_read(fp, uio, flags);
	return fo_write(fp, uio, flags);
}

/*
 * A transfer at the file's own offset (read, write): f_offlock is held
 * throughout, so concurrent transfers take turns and each moves the
 * offset by what it moved.  A file without a position has no lock to take.
 */
static int
fileio_at_offset(struct file *fp, struct uio *uio)
{
	int error;

	if (!file_seekable(fp))
		return fileio(fp, uio);
	mutex_enter(&fp->f_offlock);
	uio->uio_offset = fp->f_offset;
	error = fileio(fp, uio);
	fp->f_offset = uio->uio_offset;
	mutex_exit(&fp->f_offlock);
	return error;
}

/*
 * Reads or writes through fd's fileops, at *offp (pread, pwrite) or at the
 * file's own offset (offp NULL); *retval is the bytes moved.
 */
static int
dofileio(int fd, struct iovec *iov, int iovcnt, enum uio_rw rw,
    const off_t *offp, long *retval)
{
	struct file *fp;
	struct uio uio;
	size_t total;
	int error;

	if (offp != NULL && *offp < 0)
		return EINVAL;
	fp = fd_getfile(fd);
	if (fp == NULL)
		return EBADF;
	if ((fp->f_flag & (rw == UIO_READ ? FREAD : FWRITE)) == 0)
		error = EBADF;
	else if (offp != NULL && !file_seekable(fp))
		error = ESPIPE;
	else
		error = uio_setup(&uio, iov, iovcnt, rw);
	if (error == 0) {
		total = uio.uio_resid;
		if (offp != NULL) {
			uio.uio_offset = *offp;
			error = fileio(fp, &uio);
		} else {
			error = fileio_at_offset(fp, &uio);
		}
		/* A partial transfer succeeds; the error waits for next time. */
		if (uio.uio_resid != total && (error == EINTR ||
		    error == EAGAIN || error == EPIPE))
			error = 0;
		*retval = (long)(total - uio.uio_resid);
	}
	fd_putfile(fp);
	return error;
}

int
sys_read(struct lwp *l, const struct sys_read_args *uap, long *retval)
{
	struct iovec iov = { uap->buf, uap->nbyte };

	(void)l;
	return dofileio(uap->fd, &iov, 1, UIO_READ, NULL, retval);
}

int
sys_write(struct lwp *l, const struct sys_write_args *uap, long *retval)
{
	struct iovec iov = { (void *)(uintptr_t)uap->buf, uap->nbyte };

	(void)l;
	return dofileio(uap->fd, &iov, 1, UIO_WRITE, NULL, retval);
}

int
sys_pread(struct lwp *l, const struct sys_pread_args *uap, long *retval)
{
	struct iovec iov = { uap->buf, uap->nbyte };

	(void)l;
	return dofileio(uap->fd, &iov, 1, UIO_READ, &uap->offset, retval);
}

int
sys_pwrite(struct lwp *l, const struct sys_pwrite_args *uap, long *retval)
{
	struct iovec iov = { (void *)(uintptr_t)uap->buf, uap->nbyte };

	(void)l;
	return dofileio(uap->fd, &iov, 1, UIO_WRITE, &uap->offset, retval);
}

/* Copies a caller's iovec array in, for readv, writev, preadv and pwritev. */
static int
dofilev(int fd, const struct iovec *uiov, int iovcnt, enum uio_rw rw,
    const off_t *offp, long *retval)
{
	struct iovec small[UIO_SMALLIOV], *iov;
	int error;

	error = iovec_copyin(uiov, iovcnt, small, &iov);
	if (error != 0)
		return error;
	error = dofileio(fd, iov, iovcnt, rw, offp, retval);
	iovec_free(iov, iovcnt, small);
	return error;
}

int
sys_readv(struct lwp *l, const struct sys_readv_args *uap, long *retval)
{
	(void)l;
	return dofilev(uap->fd, uap->iov, uap->iovcnt, UIO_READ, NULL, retval);
}

int
sys_writev(struct lwp *l, const struct sys_writev_args *uap, long *retval)
{
	(void)l;
	return dofilev(uap->fd, uap->iov, uap->iovcnt, UIO_WRITE, NULL, retval);
}

int
sys_preadv(struct lwp *l, const struct sys_preadv_args *uap, long *retval)
{
	(void)l;
	return dofilev(uap->fd, uap->iov, uap->iovcnt, UIO_READ, &uap->offset,
	    retval);
}

int
sys_pwritev(struct lwp *l, const struct sys_pwritev_args *uap, long *retval)
{
	(void)l;
	return dofilev(uap->fd, uap->iov, uap->iovcnt, UIO_WRITE, &uap->offset,
	    retval);
}

int
sys_lseek(struct lwp *l, const struct sys_lseek_args *uap, long *retval)
{
	struct file *fp;
	off_t off;
	int error;

	(void)l;
	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	if (!file_seekable(fp)) {
		fd_putfile(fp);
		return ESPIPE;
	}
	mutex_enter(&fp->f_offlock);
	off = fp->f_offset;
	error = fo_seek(fp, uap->offset, uap->whence, &off);
	if (error == 0) {
		fp->f_offset = off;
		*retval = off;
	}
	mutex_exit(&fp->f_offlock);
	fd_putfile(fp);
	return error;
}

int
sys_ioctl(struct lwp *l, const struct sys_ioctl_args *uap, long *retval)
{
	struct file *fp;
	int error;

	(void)l;
	(void)retval;
	fp = fd_getfile(uap->fd);
	if (fp == NULL)
		return EBADF;
	if (uap->request == FIONBIO) {
		int on;

		error = copyin(uap->data, &on, sizeof(on));
		if (error != 0) {
			fd_putfile(fp);
			return error;
		}
		if (on)
			__atomic_or_fetch(&fp->f_flag, FNONBLOCK,
			    __ATOMIC_RELAXED);
		else
			__atomic_and_fetch(&fp->f_flag, ~FNONBLOCK,
			    __ATOMIC_RELAXED);
	}
	error = fo_ioctl(fp, uap->request, uap->data);
	/* FIONBIO is the file's own flag; the object need not know it. */
	if (error == ENOTTY && uap->request == FIONBIO)
		error = 0;
	fd_putfile(fp);
	return error;
}

/*
 * One pass over the descriptors: records a pollent on every one that is
 * not ready (when pes is not NULL) until one is, after which the poll
 * will not sleep, and returns how many are ready.
 */
static int
poll_scan(struct pollfd *fds, size_t nfds, struct pollent *pes)
{
	int nready = 0;

	for (size_t i = 0; i < nfds; i++) {
		struct file *fp;
		int events = fds[i].events | POLLERR | POLLHUP;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		fp = fd_getfile(fds[i].fd);
		if (fp == NULL) {
			fds[i].revents = POLLNVAL;
		} else {
			fds[i].revents = (short)(fo_poll(fp, events,
			    pes != NULL && nready == 0 ? &pes[i] : NULL) &
			    events);
			fd_putfile(fp);
		}
		if (fds[i].revents != 0)
			nready++;
	}
	return nready;
}

static int
dopoll(struct pollfd *fds, size_t nfds, int timeout, long *retval)
{
	struct pollwaiter pw;
	struct pollent *pes;
	uint64_t deadline = 0;
	int nready, error = 0;

	if (timeout > 0)
		deadline = getnsuptime() + (uint64_t)timeout * 1000000;
	pes = kmem_alloc(&M_TEMP, nfds * sizeof(*pes) + 1, KM_SLEEP);
	pollwaiter_init(&pw);
	for (;;) {
		for (size_t i = 0; i < nfds; i++)
			pollent_init(&pes[i], &pw);
		poll_prescan();
		nready = poll_scan(fds, nfds, timeout != 0 ? pes : NULL);
		if (nready == 0 && timeout != 0)
			error = pollwaiter_sleep(&pw, deadline);
		for (size_t i = 0; i < nfds; i++)
			pollent_unrecord(&pes[i]);
		if (nready != 0 || timeout == 0 || error != 0)
			break;
	}
	pollwaiter_destroy(&pw);
	kmem_free(&M_TEMP, pes, nfds * sizeof(*pes) + 1);
	*retval = nready;
	return error == ETIMEDOUT ? 0 : error;
}

int
sys_poll(struct lwp *l, const struct sys_poll_args *uap, long *retval)
{
	struct pollfd *fds;
	size_t len;
	int error;

	if (uap->nfds > (nfds_t)l->l_proc->p_fd->fd_limit)
		return EINVAL;
	len = uap->nfds * sizeof(*fds);
	fds = kmem_alloc(&M_TEMP, len + 1, KM_SLEEP);
	error = copyin(uap->fds, fds, len);
	if (error == 0)
		error = dopoll(fds, uap->nfds, uap->timeout, retval);
	if (error == 0)
		error = copyout(fds, uap->fds, len);
	kmem_free(&M_TEMP, fds, len + 1);
	return error;
}
