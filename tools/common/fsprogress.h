/*
 * The progress bar of fsconsole's copies: drawn on a terminal only, and
 * only once a copy has taken a second, redrawn at most ten times a
 * second.  Times are passed in (fsprogress_now()) so tests can drive it.
 */
#ifndef TOOLS_FSPROGRESS_H
#define TOOLS_FSPROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct fsprogress {
	FILE *out;
	int enabled;		/* out is a terminal */
	const char *name;
	uint64_t total;		/* bytes to copy */
	uint64_t start_ns, last_ns;
	int shown;		/* a bar is on the line */
};

uint64_t fsprogress_now(void);
void fsprogress_start(struct fsprogress *p, FILE *out, int enabled,
    const char *name, uint64_t total, uint64_t now_ns);
void fsprogress_update(struct fsprogress *p, uint64_t done, uint64_t now_ns);
/* Ends the bar's line if one was drawn. */
void fsprogress_end(struct fsprogress *p);
/*
 * "name [#####     ]  50%  1.0 MiB" in buf (len bytes), the bar width
 * characters wide.
 */
void fsprogress_format(char *buf, size_t len, const char *name,
    uint64_t done, uint64_t total, int width);

#endif
