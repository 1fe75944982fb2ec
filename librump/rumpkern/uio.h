/*
 * Data movement between a caller's buffers and the kernel.  The caller's
 * memory is in the same address space, so copying is direct; the uio still
 * carries the scatter list and what is left to move.
 */
#ifndef RUMPKERN_UIO_H
#define RUMPKERN_UIO_H

#include "rumpkern/abi.h"

enum uio_rw { UIO_READ, UIO_WRITE };

struct uio {
	struct iovec *uio_iov;
	int uio_iovcnt;
	off_t uio_offset;
	size_t uio_resid;
	enum uio_rw uio_rw;
};

/* Moves up to len bytes between buf and the uio, in the uio's direction. */
int uiomove(void *buf, size_t len, struct uio *uio);
/*
 * len bytes were written at dst in the caller's memory: extends what the
 * lwp's rump_lwproc_progress() watch says (kern_uioprogress.c).
 * uio_advance() tells it of every read's move.
 */
void uio_progress(const void *dst, size_t len);
/*
 * Whether someone watches how far the lwp writes (rump_lwproc_progress):
 * a long read straight into the caller's memory is then better done in
 * pieces, each told as it is done.
 */
bool uio_watched(void);
/*
 * Counts len bytes (at most uio_resid) as moved: what another moved there.
 * Of a read, they are written (uio_progress).
 */
void uio_advance(struct uio *uio, size_t len);
/* Builds a uio over a caller's iovec array; checks counts and total size. */
int uio_setup(struct uio *uio, struct iovec *iov, int iovcnt, enum uio_rw rw);

/*
 * A caller's iovec array in kernel memory.  Most calls pass a few, so up
 * to UIO_SMALLIOV go into an array on the caller's stack and only larger
 * ones cost an allocation; more than IOV_MAX are EINVAL.
 *
 *	struct iovec small[UIO_SMALLIOV], *iov;
 *	error = iovec_copyin(uiov, iovcnt, small, &iov);
 *	...
 *	iovec_free(iov, iovcnt, small);
 */
#define UIO_SMALLIOV	8
int iovec_copyin(const struct iovec *uiov, int iovcnt, struct iovec *small,
    struct iovec **iovp);
void iovec_free(struct iovec *iov, int iovcnt, struct iovec *small);

int copyin(const void *uaddr, void *kaddr, size_t len);
int copyout(const void *kaddr, void *uaddr, size_t len);
/*
 * Copy a NUL-terminated string of at most len bytes, the NUL included;
 * *done (if not NULL) gets the bytes copied.  ENAMETOOLONG when there is
 * no NUL within len bytes, EFAULT for a NULL address.
 */
int copyinstr(const void *uaddr, char *kaddr, size_t len, size_t *done);
int copyoutstr(const char *kaddr, void *uaddr, size_t len, size_t *done);

#endif
