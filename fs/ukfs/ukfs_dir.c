/* Directory iteration over getdents64's Linux records. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>

#include "ukfs_impl.h"

/* One record of getdents64, Linux's struct linux_dirent64. */
struct ukfs_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct ukfs_dir {
	int ud_fd;
	size_t ud_len;		/* bytes in ud_buf */
	size_t ud_pos;		/* the next record */
	char ud_buf[8192] __attribute__((aligned(8)));
};

struct ukfs_dir *
ukfs_opendir(struct ukfs *fs, const char *path)
{
	struct ukfs_dir *d = malloc(sizeof(*d));

	if (d == NULL)
		return NULL;
	d->ud_fd = ukfs_open(fs, path, O_RDONLY | O_DIRECTORY, 0);
	if (d->ud_fd < 0) {
		free(d);
		return NULL;
	}
	d->ud_len = d->ud_pos = 0;
	return d;
}

/* Refills the buffer: 1 when it holds records, 0 at the end, -1. */
static int
ukfs_dir_fill(struct ukfs_dir *d)
{
	ssize_t n = rump_sys_getdents64(d->ud_fd, d->ud_buf,
	    sizeof(d->ud_buf));

	if (n < 0)
		return -1;
	d->ud_len = (size_t)n;
	d->ud_pos = 0;
	return n > 0;
}

int
ukfs_readdir(struct ukfs_dir *d, struct ukfs_dirent *ent)
{
	const struct ukfs_dirent64 *r;
	size_t namelen;
	int more;

	if (d->ud_pos >= d->ud_len && (more = ukfs_dir_fill(d)) <= 0)
		return more;
	r = (const struct ukfs_dirent64 *)(d->ud_buf + d->ud_pos);
	/* Names are at most 255 bytes (NAME_MAX) and NUL-terminated. */
	namelen = strnlen(r->d_name, sizeof(ent->d_name) - 1);
	ent->d_ino = r->d_ino;
	ent->d_type = r->d_type;
	memcpy(ent->d_name, r->d_name, namelen);
	ent->d_name[namelen] = '\0';
	d->ud_pos += r->d_reclen;
	return 1;
}

int
ukfs_dirfd(struct ukfs_dir *d)
{
	return d->ud_fd;
}

int
ukfs_closedir(struct ukfs_dir *d)
{
	int rv = rump_sys_close(d->ud_fd);

	free(d);
	return rv;
}
