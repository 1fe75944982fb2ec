/* How fsconsole shows file attributes, like ls -l. */
#ifndef TOOLS_FSFMT_H
#define TOOLS_FSFMT_H

#include <stddef.h>
#include <sys/types.h>

/* "drwxr-xr-x" (with s/S, t/T) in buf of at least 11 bytes. */
void fsfmt_mode(mode_t mode, char *buf);
/*
 * A mode for chmod: octal ("0644", "755"); -1 for anything else or more
 * than 07777.
 */
long fsfmt_parse_mode(const char *s);
/*
 * "uid[:gid]" or ":gid" for chown, numeric; *hasuid and *hasgid say which
 * were given.  0, or -1 for anything else.
 */
int fsfmt_parse_owner(const char *s, unsigned *uid, unsigned *gid,
    int *hasuid, int *hasgid);

#endif
