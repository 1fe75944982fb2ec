/* fsconsole's commands on files: cat, touch, truncate, chmod, chown. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "fsconsole.h"
#include "fsfmt.h"

static int
cat_one(struct fsc *c, const char *path)
{
	char buf[65536];
	off_t off = 0;
	ssize_t n;
	int fd = ukfs_open(c->fs, path, O_RDONLY, 0);

	if (fd < 0)
		return fsc_fail(path);
	while ((n = ukfs_read_fd(c->fs, fd, off, buf, sizeof(buf))) > 0) {
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) {
			n = -1;
			break;
		}
		off += n;
	}
	ukfs_close(c->fs, fd);
	return n < 0 ? fsc_fail(path) : 0;
}

int
fsc_cat(struct fsc *c, int argc, char *argv[])
{
	int rv = 0;

	if (argc < 2)
		return fsc_usage(argv[0], "a path is needed");
	for (int i = 1; i < argc; i++)
		rv |= cat_one(c, argv[i]);
	return rv;
}

int
fsc_touch(struct fsc *c, int argc, char *argv[])
{
	int rv = 0;

	if (argc < 2)
		return fsc_usage(argv[0], "a path is needed");
	for (int i = 1; i < argc; i++) {
		if (ukfs_create(c->fs, argv[i], 0644) != 0 &&
		    (errno != EEXIST || ukfs_lutimens(c->fs, argv[i],
		    NULL) != 0))
			rv |= fsc_fail(argv[i]);
	}
	return rv;
}

int
fsc_truncate(struct fsc *c, int argc, char *argv[])
{
	char *end;
	long long size;
	int rv = 0;

	if (argc < 4 || argv[1][0] != '-' || argv[1][1] != 's' ||
	    argv[1][2] != '\0')
		return fsc_usage(argv[0], "-s SIZE and a path are needed");
	errno = 0;
	size = strtoll(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || end == argv[2] || size < 0)
		return fsc_usage(argv[0], "SIZE must be a number of bytes");
	for (int i = 3; i < argc; i++)
		if (ukfs_truncate(c->fs, argv[i], (off_t)size) != 0)
			rv |= fsc_fail(argv[i]);
	return rv;
}

int
fsc_chmod(struct fsc *c, int argc, char *argv[])
{
	long mode;
	int rv = 0;

	if (argc < 3)
		return fsc_usage(argv[0], "a mode and a path are needed");
	if ((mode = fsfmt_parse_mode(argv[1])) < 0)
		return fsc_usage(argv[0], "the mode must be octal, up to 7777");
	for (int i = 2; i < argc; i++)
		if (ukfs_chmod(c->fs, argv[i], (mode_t)mode) != 0)
			rv |= fsc_fail(argv[i]);
	return rv;
}

int
fsc_chown(struct fsc *c, int argc, char *argv[])
{
	unsigned uid = (unsigned)-1, gid = (unsigned)-1;
	int hasuid, hasgid, rv = 0;

	if (argc < 3)
		return fsc_usage(argv[0], "an owner and a path are needed");
	if (fsfmt_parse_owner(argv[1], &uid, &gid, &hasuid, &hasgid) != 0)
		return fsc_usage(argv[0], "the owner must be UID[:GID] or :GID");
	for (int i = 2; i < argc; i++)
		if (ukfs_lchown(c->fs, argv[i], hasuid ? uid : (unsigned)-1,
		    hasgid ? gid : (unsigned)-1) != 0)
			rv |= fsc_fail(argv[i]);
	return rv;
}
