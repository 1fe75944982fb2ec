/* Moving data between a caller's buffers and the kernel. */
#include "rumpkern/uio.h"

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

		if (iov->iov_len == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		if (uio->uio_rw == UIO_READ)
			memcpy(iov->iov_base, cp, n);
		else
			memcpy(cp, iov->iov_base, n);
		iov->iov_base = (char *)iov->iov_base + n;
		iov->iov_len -= n;
		uio->uio_resid -= n;
		uio->uio_offset += (off_t)n;
		cp += n;
		len -= n;
	}
	return 0;
}
