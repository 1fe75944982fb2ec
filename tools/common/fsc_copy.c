/* fsconsole's get (image to host) and put (host to image), like cp -a. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsc_dir.h"
#include "fscopy.h"
#include "fsconsole.h"

/* The last component of path ("" for "/"), trailing slashes ignored. */
static void
copy_basename(const char *path, char *buf, size_t size)
{
	size_t len = strlen(path), start;

	while (len > 0 && path[len - 1] == '/')
		len--;
	for (start = len; start > 0 && path[start - 1] != '/'; start--)
		continue;
	snprintf(buf, size, "%.*s", (int)(len - start), path + start);
}

/*
 * Copies from to to, into to when it is an existing directory (as cp
 * does).  Owners are copied when the user is root.
 */
static int
copy_run(struct fsc *c, const struct fsside *src, const struct fsside *dst,
    const char *from, const char *to)
{
	char name[NAME_MAX + 1], target[PATH_MAX];
	struct fscopy cp = {
		.src = src, .dst = dst, .owners = geteuid() == 0,
		.progress = c->progress, .prog = fsc_prog,
	};
	struct stat sb;
	int rv;

	snprintf(target, sizeof(target), "%s", to);
	if (dst->lstat(dst->ctx, to, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		copy_basename(from, name, sizeof(name));
		if (name[0] != '\0' &&
		    fsc_join(target, sizeof(target), to, name) != 0) {
			errno = ENAMETOOLONG;
			return fsc_fail(to);
		}
	}
	rv = fscopy_tree(&cp, from, target);
	fscopy_done(&cp);
	return rv != 0;
}

int
fsc_get(struct fsc *c, int argc, char *argv[])
{
	struct fsside img = fsside_image(c->fs);

	if (argc != 3)
		return fsc_usage(argv[0], "an image path and a host path are needed");
	return copy_run(c, &img, &fsside_host, argv[1], argv[2]);
}

int
fsc_put(struct fsc *c, int argc, char *argv[])
{
	struct fsside img = fsside_image(c->fs);

	if (argc != 3)
		return fsc_usage(argv[0], "a host path and an image path are needed");
	return copy_run(c, &fsside_host, &img, argv[1], argv[2]);
}
