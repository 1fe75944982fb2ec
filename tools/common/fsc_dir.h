/* Directory helpers of fsconsole's commands. */
#ifndef TOOLS_FSC_DIR_H
#define TOOLS_FSC_DIR_H

#include <stddef.h>

#include <rump/ukfs.h>

struct fsc_dir {
	size_t n;
	char **names;		/* sorted */
};

/*
 * The names in the image directory path, sorted; with all, "." and ".."
 * and other names starting with '.' too.  0, or -1 and errno.
 */
int fsc_dir_read(struct ukfs *fs, const char *path, int all,
    struct fsc_dir *d);
void fsc_dir_free(struct fsc_dir *d);
int fsc_dir_isdot(const char *name);
/* dir/name in buf; -1 (and nothing usable) when it does not fit. */
int fsc_join(char *buf, size_t size, const char *dir, const char *name);

#endif
