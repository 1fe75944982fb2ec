/*
 * The served files in the host's file system (rump_httpd --root DIR):
 * realpath(3), open(2) with O_NOFOLLOW, pread(2), readdir(3).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"

static int
http_host_realpath(const char *path, char *real)
{
	return realpath(path, real) != NULL ? 0 : errno;
}

static int
http_host_open(const char *path, int *fdp)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	*fdp = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	return *fdp >= 0 ? 0 : errno;
}

static int
http_host_fstat(int fd, struct stat *st)
{
	return fstat(fd, st) == 0 ? 0 : errno;
}

static int
http_host_pread(int fd, void *buf, size_t len, uint64_t off, size_t *done)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n < 0)
		return errno;
	*done = (size_t)n;
	return 0;
}

static void
http_host_close(int fd)
{
	close(fd);
}

static int
http_host_entries(DIR *d, struct http_dirent **vp, size_t *np)
{
	struct dirent *de;
	struct stat st;
	bool isdir;
	int error;

	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		isdir = fstatat(dirfd(d), de->d_name, &st, 0) == 0 &&
		    S_ISDIR(st.st_mode);
		if ((error = http_dirents_add(vp, np, de->d_name, isdir)) != 0)
			return error;
	}
	return errno;
}

static int
http_host_readdir(int fd, struct http_dirent **vp, size_t *np)
{
	DIR *d;
	int error;

	if ((d = fdopendir(fd)) == NULL) {
		error = errno;
		close(fd);
		return error;
	}
	*vp = NULL;
	*np = 0;
	error = http_host_entries(d, vp, np);
	closedir(d);
	if (error != 0)
		http_dirents_free(*vp, *np);
	return error;
}

const struct http_fsops http_fs_host = {
	.fs_realpath = http_host_realpath,
	.fs_open = http_host_open,
	.fs_fstat = http_host_fstat,
	.fs_pread = http_host_pread,
	.fs_readdir = http_host_readdir,
	.fs_close = http_host_close,
};
