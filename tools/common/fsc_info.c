/* fsconsole's stat and df. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "fsconsole.h"
#include "fsfmt.h"

static void
stat_time(const char *what, const struct timespec *ts)
{
	char when[64];
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s: %s.%09ld\n", what, when, ts->tv_nsec);
}

static int
stat_one(struct fsc *c, const char *path)
{
	char mode[11], target[PATH_MAX];
	struct stat sb;

	if (ukfs_lstat(c->fs, path, &sb) != 0)
		return fsc_fail(path);
	fsfmt_mode(sb.st_mode, mode);
	printf("  File: %s", path);
	if (S_ISLNK(sb.st_mode)) {
		if (ukfs_readlink(c->fs, path, target, sizeof(target)) < 0) {
			printf("\n");
			return fsc_fail(path);
		}
		printf(" -> %s", target);
	}
	printf("\n  Size: %jd\tBlocks: %jd\tInode: %ju\tLinks: %ju\n",
	    (intmax_t)sb.st_size, (intmax_t)sb.st_blocks,
	    (uintmax_t)sb.st_ino, (uintmax_t)sb.st_nlink);
	printf("Access: (%04o/%s)  Uid: %u  Gid: %u\n",
	    (unsigned)(sb.st_mode & 07777), mode, (unsigned)sb.st_uid,
	    (unsigned)sb.st_gid);
	stat_time("Access", &sb.st_atim);
	stat_time("Modify", &sb.st_mtim);
	stat_time("Change", &sb.st_ctim);
	return 0;
}

int
fsc_stat(struct fsc *c, int argc, char *argv[])
{
	int rv = 0;

	if (argc < 2)
		return fsc_usage(argv[0], "a path is needed");
	for (int i = 1; i < argc; i++)
		rv |= stat_one(c, argv[i]);
	return rv;
}

int
fsc_df(struct fsc *c, int argc, char *argv[])
{
	struct statvfs sv;
	uintmax_t kb, used;

	if (argc > 1)
		return fsc_usage(argv[0], "no operands are taken");
	if (ukfs_statvfs(c->fs, &sv) != 0)
		return fsc_fail("/");
	kb = (uintmax_t)sv.f_blocks * sv.f_frsize / 1024;
	used = (uintmax_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize / 1024;
	printf("%-8s %12s %12s %12s %5s %10s %10s\n", "Type", "1K-blocks",
	    "Used", "Available", "Use%", "Inodes", "IFree");
	printf("%-8s %12ju %12ju %12ju %4ju%% %10ju %10ju\n",
	    ukfs_fstype(c->fs), kb, used,
	    (uintmax_t)sv.f_bavail * sv.f_frsize / 1024,
	    kb ? (used * 100 + kb - 1) / kb : 0, (uintmax_t)sv.f_files,
	    (uintmax_t)sv.f_ffree);
	return 0;
}
