/*
 * Handles that mount nothing: ukfs_attach() names a directory of the
 * kernel's name space, and the path calls work below it as below a
 * mount point; and what any handle says of itself.  A file of its own,
 * calling no kernel interface, so that a program served by a remote
 * kernel (librumpclient) links it without the mounting code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ukfs_impl.h"

struct ukfs *
ukfs_attach(const char *path)
{
	struct ukfs *fs;

	if (path[0] != '/') {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(path) >= sizeof(fs->ukfs_mountpath)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return NULL;
	strcpy(fs->ukfs_mountpath, path);
	ukfs_cwd_init(fs);
	return fs;
}

void
ukfs_detach(struct ukfs *fs)
{
	ukfs_cwd_fini(fs);
	free(fs);
}

const char *
ukfs_fstype(const struct ukfs *fs)
{
	return fs->ukfs_fstype;
}
