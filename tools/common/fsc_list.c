/* fsconsole's listings: ls, find, du. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "fsc_dir.h"
#include "fscmd.h"
#include "fsconsole.h"
#include "fsfmt.h"

/* One ls line for path shown as name. */
static int
ls_entry(struct fsc *c, const char *path, const char *name, int lng)
{
	char mode[11], when[32], target[PATH_MAX];
	struct stat sb;
	struct tm tm;

	if (!lng) {
		printf("%s\n", name);
		return 0;
	}
	if (ukfs_lstat(c->fs, path, &sb) != 0)
		return fsc_fail(path);
	fsfmt_mode(sb.st_mode, mode);
	localtime_r(&sb.st_mtim.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	printf("%s %3ju %5u %5u %10jd %s %s", mode, (uintmax_t)sb.st_nlink,
	    (unsigned)sb.st_uid, (unsigned)sb.st_gid, (intmax_t)sb.st_size,
	    when, name);
	if (S_ISLNK(sb.st_mode)) {
		if (ukfs_readlink(c->fs, path, target, sizeof(target)) < 0) {
			printf("\n");
			return fsc_fail(path);
		}
		printf(" -> %s", target);
	}
	printf("\n");
	return 0;
}

static int
ls_dir(struct fsc *c, const char *path, unsigned long fl, int header)
{
	char p[PATH_MAX];
	struct fsc_dir d;
	struct stat sb;
	int rv = 0;

	if (fsc_dir_read(c->fs, path, (fl & fscmd_flag('a')) != 0, &d) != 0)
		return fsc_fail(path);
	if (header)
		printf("%s:\n", path);
	for (size_t i = 0; i < d.n; i++) {
		if (fsc_join(p, sizeof(p), path, d.names[i]) != 0) {
			errno = ENAMETOOLONG;
			rv |= fsc_fail(d.names[i]);
			continue;
		}
		rv |= ls_entry(c, p, d.names[i], (fl & fscmd_flag('l')) != 0);
	}
	for (size_t i = 0; (fl & fscmd_flag('R')) && i < d.n; i++) {
		if (fsc_dir_isdot(d.names[i]) ||
		    fsc_join(p, sizeof(p), path, d.names[i]) != 0 ||
		    ukfs_lstat(c->fs, p, &sb) != 0 || !S_ISDIR(sb.st_mode))
			continue;
		printf("\n");
		rv |= ls_dir(c, p, fl, 1);
	}
	fsc_dir_free(&d);
	return rv;
}

int
fsc_ls(struct fsc *c, int argc, char *argv[])
{
	char cwd[PATH_MAX];
	char *root[] = { cwd };
	char **paths = root;
	unsigned long fl;
	struct stat sb;
	int i, n, rv = 0;

	fsc_cwd(c, cwd);
	if ((i = fsc_flags(argc, argv, "laR", &fl)) < 0)
		return 1;
	if (i < argc) {
		paths = argv + i;
		n = argc - i;
	} else {
		n = 1;
	}
	for (int k = 0; k < n; k++) {
		if (ukfs_lstat(c->fs, paths[k], &sb) != 0)
			rv |= fsc_fail(paths[k]);
		else if (S_ISDIR(sb.st_mode))
			rv |= ls_dir(c, paths[k], fl,
			    n > 1 || (fl & fscmd_flag('R')));
		else
			rv |= ls_entry(c, paths[k], paths[k],
			    (fl & fscmd_flag('l')) != 0);
	}
	return rv;
}

/* Prints path and, for a directory, everything below it. */
static int
find_tree(struct fsc *c, const char *path)
{
	char p[PATH_MAX];
	struct fsc_dir d;
	struct stat sb;
	int rv = 0;

	if (ukfs_lstat(c->fs, path, &sb) != 0)
		return fsc_fail(path);
	printf("%s\n", path);
	if (!S_ISDIR(sb.st_mode))
		return 0;
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
		rv |= find_tree(c, p);
	}
	fsc_dir_free(&d);
	return rv;
}

int
fsc_find(struct fsc *c, int argc, char *argv[])
{
	int rv = 0;

	char cwd[PATH_MAX];

	if (argc < 2)
		return find_tree(c, fsc_cwd(c, cwd));
	for (int i = 1; i < argc; i++)
		rv |= find_tree(c, argv[i]);
	return rv;
}

/*
 * The KiB under path into *kib; each directory's total printed unless
 * summary, and a file's when it is the top.  0 or 1.
 */
static int
du_tree(struct fsc *c, const char *path, int summary, int top,
    uintmax_t *kib)
{
	char p[PATH_MAX];
	struct fsc_dir d;
	struct stat sb;
	uintmax_t sub = 0;
	int rv = 0;

	if (ukfs_lstat(c->fs, path, &sb) != 0)
		return fsc_fail(path);
	*kib = (uintmax_t)sb.st_blocks / 2;
	if (!S_ISDIR(sb.st_mode)) {
		if (top)
			printf("%ju\t%s\n", *kib, path);
		return 0;
	}
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
		rv |= du_tree(c, p, summary, 0, &sub);
		*kib += sub;
	}
	fsc_dir_free(&d);
	if (!summary || top)
		printf("%ju\t%s\n", *kib, path);
	return rv;
}

int
fsc_du(struct fsc *c, int argc, char *argv[])
{
	char cwd[PATH_MAX];
	unsigned long fl;
	uintmax_t kib;
	int i, rv = 0;

	if ((i = fsc_flags(argc, argv, "s", &fl)) < 0)
		return 1;
	if (i == argc)
		return du_tree(c, fsc_cwd(c, cwd), (fl & fscmd_flag('s')) != 0,
		    1, &kib);
	for (; i < argc; i++)
		rv |= du_tree(c, argv[i], (fl & fscmd_flag('s')) != 0, 1, &kib);
	return rv;
}
