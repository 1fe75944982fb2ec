/* Moving data between a caller's buffers and the kernel. */
#include "rumpkern/kmem.h"
#include "rumpkern/uio.h"

KMEM_DEFINE(M_IOV, "iov");

/* Nothing to copy is no copy: memcpy may not even see a NULL pointer. */
int
copyin(const void *uaddr, void *kaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (uaddr == NULL)
		return EFAULT;
	memcpy(kaddr, uaddr, len);
	return 0;
}

int
copyout(const void *kaddr, void *uaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (uaddr == NULL)
		return EFAULT;
	memcpy(uaddr, kaddr, len);
	return 0;
}

/* Copies a string and its NUL, at most len bytes, between two addresses. */
static int
copystr(const char *from, char *to, size_t len, size_t *done)
{
	size_t n;

	for (n = 0; n < len; n++) {
		to[n] = from[n];
		if (from[n] == '\0') {
			if (done != NULL)
				*done = n + 1;
			return 0;
		}
	}
	if (done != NULL)
		*done = n;
	return ENAMETOOLONG;
}

int
copyinstr(const void *uaddr, char *kaddr, size_t len, size_t *done)
{
	if (uaddr == NULL)
		return EFAULT;
	return copystr(uaddr, kaddr, len, done);
}

int
copyoutstr(const char *kaddr, void *uaddr, size_t len, size_t *done)
{
	if (uaddr == NULL)
		return EFAULT;
	return copystr(kaddr, uaddr, len, done);
}

int
iovec_copyin(const struct iovec *uiov, int iovcnt, struct iovec *small,
    struct iovec **iovp)
{
	struct iovec *iov = small;
	int error;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return EINVAL;
	if (iovcnt > UIO_SMALLIOV)
		iov = kmem_alloc(&M_IOV, (size_t)iovcnt * sizeof(*iov), KM_SLEEP);
	error = copyin(uiov, iov, (size_t)iovcnt * sizeof(*iov));
	if (error != 0) {
		iovec_free(iov, iovcnt, small);
		return error;
	}
	*iovp = iov;
	return 0;
}

void
iovec_free(struct iovec *iov, int iovcnt, struct iovec *small)
{
	if (iov != small)
		kmem_free(&M_IOV, iov, (size_t)iovcnt * sizeof(*iov));
}

int
uio_setup(struct uio *uio, struct iovec *iov, int iovcnt, enum uio_rw rw)
{
	size_t total = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return EINVAL;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > (size_t)INT64_MAX - total)
			return EINVAL;
		if (iov[i].iov_base == NULL && iov[i].iov_len > 0)
			return EFAULT;
		total += iov[i].iov_len;
	}
	uio->uio_iov = iov;
	uio->uio_iovcnt = iovcnt;
	uio->uio_offset = 0;
	uio->uio_resid = total;
	uio->uio_rw = rw;
	return 0;
}

int
uiomove(void *buf, size_t len, struct uio *uio)
{
	char *cp = buf;

	while (len > 0 && uio->uio_resid > 0) {
		struct iovec *iov = uio->uio_iov;
		size_t n = MIN(len, iov->iov_len);

		if (uio->uio_rw == UIO_READ)
			memcpy(iov->iov_base, cp, n);
		else
			memcpy(cp, iov->iov_base, n);
		uio_advance(uio, n);
		cp += n;
		len -= n;
	}
	return 0;
}

void
uio_advance(struct uio *uio, size_t len)
{
	while (uio->uio_resid > 0) {
		struct iovec *iov = uio->uio_iov;
		size_t n = MIN(len, iov->iov_len);

		if (uio->uio_rw == UIO_READ)
			uio_progress(iov->iov_base, n);
		iov->iov_base = (char *)iov->iov_base + n;
		iov->iov_len -= n;
		uio->uio_resid -= n;
		uio->uio_offset += (off_t)n;
		len -= n;
		/* Past empty pieces too, so the next move starts at data. */
		if (iov->iov_len > 0)
			break;
		uio->uio_iov++;
		uio->uio_iovcnt--;
	}
}
