/*
 * The served files in the rump kernel's name space, where rump_httpd
 * --image mounts the image: every call is a rump_sys_* call, so files are
 * read through the kernel's VFS and file system in the pieces asked for.
 *
 * The kernel has no realpath(): http_rump_realpath() resolves a path as
 * the host's does, one component at a time from the left with lstat,
 * putting the target of each symbolic link in front of what is left of
 * the path (at most HTTP_RUMP_MAXLINKS links, the kernel's own limit,
 * then ELOOP).  So the escape rules of http_path.c hold inside an image
 * exactly as in a host directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <rump/rump.h>

#include "http.h"

#define HTTP_RUMP_MAXLINKS	40

/* One record of getdents64, Linux's struct linux_dirent64. */
struct http_rump_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Drops the last component of real, len bytes long ("" is "/"). */
static size_t
http_rump_up(char *real, size_t len)
{
	while (len > 0 && real[--len] != '/')
		continue;
	real[len] = '\0';
	return len;
}

/*
 * The symbolic link real (len bytes) is replaced by its target: an
 * absolute one starts again from "/", a relative one from real's
 * directory, and rest becomes the target followed by tail (what was
 * left of the path after the link: empty or from a slash on).
 */
static int
http_rump_follow(char *real, size_t *lenp, char *rest, const char *tail,
    int *links)
{
	char target[PATH_MAX], joined[PATH_MAX];
	ssize_t n;

	if (++*links > HTTP_RUMP_MAXLINKS)
		return ELOOP;
	if ((n = rump_sys_readlink(real, target, sizeof(target) - 1)) < 0)
		return errno;
	target[n] = '\0';
	if ((size_t)snprintf(joined, sizeof(joined), "%s%s", target, tail) >=
	    sizeof(joined))
		return ENAMETOOLONG;
	if (target[0] == '/') {
		real[0] = '\0';
		*lenp = 0;
	} else {
		*lenp = http_rump_up(real, *lenp);
	}
	memcpy(rest, joined, strlen(joined) + 1);
	return 0;
}

/* Appends the component name (n bytes) to real; ENAMETOOLONG. */
static int
http_rump_append(char *real, size_t *lenp, const char *name, size_t n)
{
	if (*lenp + 1 + n >= PATH_MAX)
		return ENAMETOOLONG;
	real[(*lenp)++] = '/';
	memcpy(real + *lenp, name, n);
	*lenp += n;
	real[*lenp] = '\0';
	return 0;
}

static int
http_rump_realpath(const char *path, char *real)
{
	char rest[PATH_MAX];
	const char *p = rest;
	struct stat st;
	size_t len = 0, n;
	int links = 0, error;

	if (strlen(path) >= sizeof(rest))
		return ENAMETOOLONG;
	memcpy(rest, path, strlen(path) + 1);
	real[0] = '\0';
	for (;;) {
		p += strspn(p, "/");
		if ((n = strcspn(p, "/")) == 0)
			break;
		if (n == 2 && p[0] == '.' && p[1] == '.')
			len = http_rump_up(real, len);
		else if ((n != 1 || p[0] != '.') &&
		    (error = http_rump_append(real, &len, p, n)) != 0)
			return error;
		p += n;
		if (len == 0)
			continue;
		if (rump_sys_lstat(real, &st) != 0)
			return errno;
		if (S_ISLNK(st.st_mode)) {
			error = http_rump_follow(real, &len, rest, p, &links);
			if (error != 0)
				return error;
			p = rest;
		} else if (!S_ISDIR(st.st_mode) && *p != '\0') {
			/* "file/" is not a directory either. */
			return ENOTDIR;
		}
	}
	if (len == 0)
		memcpy(real, "/", 2);
	return 0;
}

static int
http_rump_open(const char *path, int *fdp)
{
	*fdp = rump_sys_open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0);
	return *fdp >= 0 ? 0 : errno;
}

static int
http_rump_fstat(int fd, struct stat *st)
{
	return rump_sys_fstat(fd, st) == 0 ? 0 : errno;
}

static int
http_rump_pread(int fd, void *buf, size_t len, uint64_t off, size_t *done)
{
	ssize_t n = rump_sys_pread(fd, buf, len, (off_t)off);

	if (n < 0)
		return errno;
	*done = (size_t)n;
	return 0;
}

static void
http_rump_close(int fd)
{
	rump_sys_close(fd);
}

/* The entries of one getdents64 buffer of n bytes. */
static int
http_rump_entries(int fd, const char *buf, size_t n,
    struct http_dirent **vp, size_t *np)
{
	const struct http_rump_dirent64 *r;
	struct stat st;
	size_t pos;
	bool isdir;
	int error;

	for (pos = 0; pos < n; pos += r->d_reclen) {
		r = (const struct http_rump_dirent64 *)(buf + pos);
		if (strcmp(r->d_name, ".") == 0 || strcmp(r->d_name, "..") == 0)
			continue;
		isdir = rump_sys_fstatat(fd, r->d_name, &st, 0) == 0 &&
		    S_ISDIR(st.st_mode);
		if ((error = http_dirents_add(vp, np, r->d_name, isdir)) != 0)
			return error;
	}
	return 0;
}

static int
http_rump_readdir(int fd, struct http_dirent **vp, size_t *np)
{
	char buf[8192] __attribute__((aligned(8)));
	ssize_t n;
	int error = 0;

	*vp = NULL;
	*np = 0;
	while (error == 0 &&
	    (n = rump_sys_getdents64(fd, buf, sizeof(buf))) != 0) {
		if (n < 0)
			error = errno;
		else
			error = http_rump_entries(fd, buf, (size_t)n, vp, np);
	}
	rump_sys_close(fd);
	if (error != 0)
		http_dirents_free(*vp, *np);
	return error;
}

const struct http_fsops http_fs_rump = {
	.fs_realpath = http_rump_realpath,
	.fs_open = http_rump_open,
	.fs_fstat = http_rump_fstat,
	.fs_pread = http_rump_pread,
	.fs_readdir = http_rump_readdir,
	.fs_close = http_rump_close,
};
