/* fsconsole's commands on names: mkdir, rm, rmdir, ln, mv. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "fsc_dir.h"
#include "fscmd.h"
#include "fsconsole.h"

/* mkdir -p: every missing directory of path. */
static int
mkdir_parents(struct fsc *c, const char *path)
{
	char buf[PATH_MAX];
	struct stat sb;
	size_t len = strlen(path);

	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (ukfs_mkdir(c->fs, buf, 0755) != 0 && (errno != EEXIST ||
		    ukfs_stat(c->fs, buf, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			return -1;
		}
		buf[i] = path[i];
	}
	return 0;
}

int
fsc_mkdir(struct fsc *c, int argc, char *argv[])
{
	unsigned long fl;
	int i, rv = 0;

	if ((i = fsc_flags(argc, argv, "p", &fl)) < 0)
		return 1;
	if (i == argc)
		return fsc_usage(argv[0], "a path is needed");
	for (; i < argc; i++) {
		if ((fl & fscmd_flag('p')) ? mkdir_parents(c, argv[i]) != 0 :
		    ukfs_mkdir(c->fs, argv[i], 0755) != 0)
			rv |= fsc_fail(argv[i]);
	}
	return rv;
}

/* Removes path and, when it is a directory, everything below it. */
static int
rm_tree(struct fsc *c, const char *path)
{
	char p[PATH_MAX];
	struct fsc_dir d;
	struct stat sb;
	int rv = 0;

	if (ukfs_lstat(c->fs, path, &sb) != 0)
		return fsc_fail(path);
	if (!S_ISDIR(sb.st_mode))
		return ukfs_remove(c->fs, path) != 0 ? fsc_fail(path) : 0;
	if (fsc_dir_read(c->fs, path, 1, &d) != 0)
		return fsc_fail(path);
	for (size_t i = 0; i < d.n; i++) {
		if (fsc_dir_isdot(d.names[i]))
			continue;
		if (fsc_join(p, sizeof(p), path, d.names[i]) != 0) {
			errno = ENAMETOOLONG;
			rv |= fsc_fail(d.names[i]);
			continue;
		}
		rv |= rm_tree(c, p);
	}
	fsc_dir_free(&d);
	if (rv == 0 && ukfs_rmdir(c->fs, path) != 0)
		rv = fsc_fail(path);
	return rv;
}

int
fsc_rm(struct fsc *c, int argc, char *argv[])
{
	unsigned long fl;
	struct stat sb;
	int i, rv = 0;

	if ((i = fsc_flags(argc, argv, "rf", &fl)) < 0)
		return 1;
	if (i == argc && !(fl & fscmd_flag('f')))
		return fsc_usage(argv[0], "a path is needed");
	for (; i < argc; i++) {
		/* -f: what is not there is not an error. */
		if (ukfs_lstat(c->fs, argv[i], &sb) != 0) {
			if (errno != ENOENT || !(fl & fscmd_flag('f')))
				rv |= fsc_fail(argv[i]);
		} else if (S_ISDIR(sb.st_mode) && !(fl & fscmd_flag('r'))) {
			errno = EISDIR;
			rv |= fsc_fail(argv[i]);
		} else if (S_ISDIR(sb.st_mode)) {
			rv |= rm_tree(c, argv[i]);
		} else if (ukfs_remove(c->fs, argv[i]) != 0) {
			rv |= fsc_fail(argv[i]);
		}
	}
	return rv;
}

int
fsc_rmdir(struct fsc *c, int argc, char *argv[])
{
	int rv = 0;

	if (argc < 2)
		return fsc_usage(argv[0], "a path is needed");
	for (int i = 1; i < argc; i++)
		if (ukfs_rmdir(c->fs, argv[i]) != 0)
			rv |= fsc_fail(argv[i]);
	return rv;
}

int
fsc_ln(struct fsc *c, int argc, char *argv[])
{
	unsigned long fl;
	int i;

	if ((i = fsc_flags(argc, argv, "s", &fl)) < 0)
		return 1;
	if (argc - i != 2)
		return fsc_usage(argv[0], "a target and a link name are needed");
	if ((fl & fscmd_flag('s')) ? ukfs_symlink(c->fs, argv[i],
	    argv[i + 1]) != 0 : ukfs_link(c->fs, argv[i], argv[i + 1]) != 0)
		return fsc_fail(argv[i + 1]);
	return 0;
}

int
fsc_mv(struct fsc *c, int argc, char *argv[])
{
	if (argc != 3)
		return fsc_usage(argv[0], "a source and a destination are needed");
	if (ukfs_rename(c->fs, argv[1], argv[2]) != 0)
		return fsc_fail(argv[1]);
	return 0;
}
