/* librumpuser: host files, the backing store of block devices and images. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rumpuser_int.h"

int
rumpuser_open(const char *path, int flags, int *fdp)
{
	int oflags = O_CLOEXEC;
	int fd;

	switch (flags & RUMPUSER_OPEN_ACCMODE) {
	case RUMPUSER_OPEN_RDONLY:
		oflags |= O_RDONLY;
		break;
	case RUMPUSER_OPEN_WRONLY:
		oflags |= O_WRONLY;
		break;
	case RUMPUSER_OPEN_RDWR:
		oflags |= O_RDWR;
		break;
	default:
		return EINVAL;
	}
	if (flags & RUMPUSER_OPEN_CREATE)
		oflags |= O_CREAT;
	if (flags & RUMPUSER_OPEN_EXCL)
		oflags |= O_EXCL;
	fd = open(path, oflags, 0644);
	if (fd == -1)
		return errno;
	*fdp = fd;
	return 0;
}

int
rumpuser_close(int fd)
{
	return close(fd) == -1 ? errno : 0;
}

int
rumpuser_pread(int fd, void *buf, size_t len, int64_t off, size_t *retlen)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, off);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno;
	*retlen = (size_t)n;
	return 0;
}

int
rumpuser_pwrite(int fd, const void *buf, size_t len, int64_t off,
    size_t *retlen)
{
	ssize_t n;

	do
		n = pwrite(fd, buf, len, off);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno;
	*retlen = (size_t)n;
	return 0;
}

int
rumpuser_fsync(int fd)
{
	return fsync(fd) == -1 ? errno : 0;
}

int
rumpuser_getfilesize(int fd, int64_t *sizep)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return errno;
	*sizep = st.st_size;
	return 0;
}
