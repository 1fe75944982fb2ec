/* fsconsole's command table and dispatch. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fscmd.h"
#include "fsconsole.h"

const char *fsc_prog = "fsconsole";

const struct fsc_cmd fsc_cmds[] = {
	{ "ls", fsc_ls, "ls [-l] [-a] [-R] [PATH...]", "list directories" },
	{ "cat", fsc_cat, "cat PATH...", "print files" },
	{ "get", fsc_get, "get IMAGEPATH HOSTPATH",
	    "copy from the image to the host (recursive, like cp -a)" },
	{ "put", fsc_put, "put HOSTPATH IMAGEPATH",
	    "copy from the host into the image (recursive, like cp -a)" },
	{ "mkdir", fsc_mkdir, "mkdir [-p] PATH...", "make directories" },
	{ "rm", fsc_rm, "rm [-r] [-f] PATH...", "remove files (trees with -r)" },
	{ "rmdir", fsc_rmdir, "rmdir PATH...", "remove empty directories" },
	{ "ln", fsc_ln, "ln [-s] TARGET LINK", "make a hard (or symbolic) link" },
	{ "mv", fsc_mv, "mv FROM TO", "rename" },
	{ "stat", fsc_stat, "stat PATH...", "show a file's attributes" },
	{ "df", fsc_df, "df", "show the file system's space and inodes" },
	{ "chmod", fsc_chmod, "chmod OCTALMODE PATH...", "change modes" },
	{ "chown", fsc_chown, "chown UID[:GID]|:GID PATH...",
	    "change owners (numeric)" },
	{ "touch", fsc_touch, "touch PATH...",
	    "make files or set their times to now" },
	{ "truncate", fsc_truncate, "truncate -s SIZE PATH...",
	    "set files' sizes in bytes" },
	{ "du", fsc_du, "du [-s] [PATH...]", "space used, in KiB" },
	{ "find", fsc_find, "find [PATH...]", "list trees, one path a line" },
	{ "cd", fsc_cd, "cd [PATH]",
	    "where relative paths start (without PATH: the root)" },
	{ "pwd", fsc_pwd, "pwd", "print where relative paths start" },
	{ "help", fsc_help, "help", "this list" },
	{ NULL, NULL, NULL, NULL },
};

int
fsc_fail(const char *path)
{
	fprintf(stderr, "%s: %s: %s\n", fsc_prog, path, strerror(errno));
	return 1;
}

int
fsc_usage(const char *cmd, const char *msg)
{
	const struct fsc_cmd *k;

	for (k = fsc_cmds; k->name != NULL; k++)
		if (strcmp(k->name, cmd) == 0)
			break;
	fprintf(stderr, "%s: %s: %s\nusage: %s\n", fsc_prog, cmd, msg,
	    k->name != NULL ? k->usage : cmd);
	return 1;
}

int
fsc_flags(int argc, char *argv[], const char *allowed, unsigned long *flags)
{
	char bad, msg[32];
	int i = fscmd_flags(argc, argv, allowed, flags, &bad);

	if (i < 0) {
		snprintf(msg, sizeof(msg), "unknown option -%c", bad);
		fsc_usage(argv[0], msg);
	}
	return i;
}

int
fsc_run(struct fsc *c, int argc, char *argv[])
{
	for (const struct fsc_cmd *k = fsc_cmds; k->name != NULL; k++)
		if (strcmp(k->name, argv[0]) == 0)
			return k->run(c, argc, argv);
	fprintf(stderr, "%s: %s: unknown command (try help)\n", fsc_prog,
	    argv[0]);
	return 1;
}

int
fsc_help(struct fsc *c, int argc, char *argv[])
{
	(void)c;
	(void)argc;
	(void)argv;
	for (const struct fsc_cmd *k = fsc_cmds; k->name != NULL; k++)
		printf("  %-32s %s\n", k->usage, k->help);
	return 0;
}
