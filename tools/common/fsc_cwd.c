/* fsconsole's cd and pwd: where relative image paths start (ukfs_chdir). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fsconsole.h"

char *
fsc_cwd(struct fsc *c, char *buf)
{
	if (ukfs_getcwd(c->fs, buf, PATH_MAX) != 0)
		strcpy(buf, "/");
	return buf;
}

int
fsc_cd(struct fsc *c, int argc, char *argv[])
{
	const char *path = argc > 1 ? argv[1] : "/";

	if (argc > 2)
		return fsc_usage(argv[0], "one path at most");
	return ukfs_chdir(c->fs, path) != 0 ? fsc_fail(path) : 0;
}

int
fsc_pwd(struct fsc *c, int argc, char *argv[])
{
	char buf[PATH_MAX];

	if (argc > 1)
		return fsc_usage(argv[0], "no arguments");
	if (ukfs_getcwd(c->fs, buf, sizeof(buf)) != 0)
		return fsc_fail(argv[0]);
	printf("%s\n", buf);
	return 0;
}
