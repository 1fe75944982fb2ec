/*
 * fsconsole's commands over an image mounted through ukfs (or, in the
 * rump.* file tools, over a remote kernel's name space through
 * ukfs_attach()).  Each takes argv like a program and returns 0, or 1
 * after printing every failure as "fsconsole: path: reason" (fsc_prog)
 * on stderr.  Paths in the image are taken from its root, relative ones
 * from the directory cd set (at first the root: "etc/motd" is
 * "/etc/motd").
 */
#ifndef TOOLS_FSCONSOLE_H
#define TOOLS_FSCONSOLE_H

#include <rump/ukfs.h>

#include "fsside.h"

struct fsc {
	struct ukfs *fs;
	int progress;		/* stdout is a terminal: progress bars */
};

struct fsc_cmd {
	const char *name;
	int (*run)(struct fsc *c, int argc, char *argv[]);
	const char *usage;	/* "ls [-l] [-a] [-R] [PATH...]" */
	const char *help;	/* one line */
};

/* The prefix of messages: "fsconsole", or a rump.* tool's name. */
extern const char *fsc_prog;

/* Every command, ending with a NULL name. */
extern const struct fsc_cmd fsc_cmds[];

/* Runs one command line's words; 0 or 1.  Unknown commands fail. */
int fsc_run(struct fsc *c, int argc, char *argv[]);
/* Prints "fsconsole: path: strerror(errno)"; returns 1. */
int fsc_fail(const char *path);
/* Prints "fsconsole: cmd: message" and the command's usage; returns 1. */
int fsc_usage(const char *cmd, const char *msg);
/*
 * The command's flags (fscmd_flags) or, after a usage message, -1.
 */
int fsc_flags(int argc, char *argv[], const char *allowed,
    unsigned long *flags);

/* The image as a side of a copy. */
struct fsside fsside_image(struct ukfs *fs);

int fsc_ls(struct fsc *c, int argc, char *argv[]);
int fsc_find(struct fsc *c, int argc, char *argv[]);
int fsc_du(struct fsc *c, int argc, char *argv[]);
int fsc_stat(struct fsc *c, int argc, char *argv[]);
int fsc_df(struct fsc *c, int argc, char *argv[]);
int fsc_cat(struct fsc *c, int argc, char *argv[]);
int fsc_get(struct fsc *c, int argc, char *argv[]);
int fsc_put(struct fsc *c, int argc, char *argv[]);
int fsc_mkdir(struct fsc *c, int argc, char *argv[]);
int fsc_rm(struct fsc *c, int argc, char *argv[]);
int fsc_rmdir(struct fsc *c, int argc, char *argv[]);
int fsc_ln(struct fsc *c, int argc, char *argv[]);
int fsc_mv(struct fsc *c, int argc, char *argv[]);
int fsc_chmod(struct fsc *c, int argc, char *argv[]);
int fsc_chown(struct fsc *c, int argc, char *argv[]);
int fsc_touch(struct fsc *c, int argc, char *argv[]);
int fsc_truncate(struct fsc *c, int argc, char *argv[]);
/* Where relative paths start, in buf of PATH_MAX bytes ("/" at worst). */
char *fsc_cwd(struct fsc *c, char *buf);
int fsc_cd(struct fsc *c, int argc, char *argv[]);
int fsc_pwd(struct fsc *c, int argc, char *argv[]);
int fsc_help(struct fsc *c, int argc, char *argv[]);

#endif
