/*
 * fsconsole's copies, like cp -a: a tree from one side (fsside.h) to the
 * other with modes, times, symlinks, hard links kept as links among the
 * files copied, owners when asked (the user is root), sparse files kept
 * sparse, a progress bar per long file.  Each failure is reported as
 * "prog: path: reason" and the copy goes on with the rest.
 */
#ifndef TOOLS_FSCOPY_H
#define TOOLS_FSCOPY_H

#include <stdio.h>
#include <sys/types.h>

#include "fsside.h"

struct fscopy_link;

struct fscopy {
	const struct fsside *src, *dst;
	int owners;		/* copy uid and gid */
	int progress;		/* draw progress bars on stdout */
	const char *prog;	/* the prefix of error messages */
	/* Hard links seen: (dev, ino) of the source to the first copy. */
	struct fscopy_link *links;
	size_t nlinks;
	/* The buffer of every file's contents, allocated once. */
	char *buf;
};

/*
 * Copies from (any type) to the new name to; 0, or -1 when anything
 * failed (each failure reported on stderr).  fscopy_done() releases what
 * the copies remembered.
 */
int fscopy_tree(struct fscopy *c, const char *from, const char *to);
void fscopy_done(struct fscopy *c);

#endif
