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
/* Builds a uio over a caller's iovec array; checks counts and total size. */
int uio_setup(struct uio *uio, struct iovec *iov, int iovcnt, enum uio_rw rw);

int copyin(const void *uaddr, void *kaddr, size_t len);
int copyout(const void *kaddr, void *uaddr, size_t len);

#endif
