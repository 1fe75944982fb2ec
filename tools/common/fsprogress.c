/* The progress bar of fsconsole's copies. */
#include <time.h>

#include "fsprogress.h"

#define FSPROGRESS_DELAY_NS	1000000000ull	/* a copy longer than 1 s */
#define FSPROGRESS_REDRAW_NS	100000000ull
#define FSPROGRESS_WIDTH	30

uint64_t
fsprogress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
fsprogress_start(struct fsprogress *p, FILE *out, int enabled,
    const char *name, uint64_t total, uint64_t now_ns)
{
	p->out = out;
	p->enabled = enabled;
	p->name = name;
	p->total = total;
	p->start_ns = p->last_ns = now_ns;
	p->shown = 0;
}

void
fsprogress_format(char *buf, size_t len, const char *name, uint64_t done,
    uint64_t total, int width)
{
	char bar[128];
	int pct = total == 0 ? 100 : (int)(done * 100 / total);
	int fill, i;

	if (pct > 100)
		pct = 100;
	if (width > (int)sizeof(bar) - 1)
		width = (int)sizeof(bar) - 1;
	fill = pct * width / 100;
	for (i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[width] = '\0';
	snprintf(buf, len, "%s [%s] %3d%% %6.1f MiB", name, bar, pct,
	    (double)done / (1024.0 * 1024.0));
}

void
fsprogress_update(struct fsprogress *p, uint64_t done, uint64_t now_ns)
{
	char line[512];

	if (!p->enabled || now_ns - p->start_ns < FSPROGRESS_DELAY_NS ||
	    (p->shown && now_ns - p->last_ns < FSPROGRESS_REDRAW_NS))
		return;
	fsprogress_format(line, sizeof(line), p->name, done, p->total,
	    FSPROGRESS_WIDTH);
	fprintf(p->out, "\r%s", line);
	fflush(p->out);
	p->shown = 1;
	p->last_ns = now_ns;
}

void
fsprogress_end(struct fsprogress *p)
{
	char line[512];

	if (!p->shown)
		return;
	fsprogress_format(line, sizeof(line), p->name, p->total, p->total,
	    FSPROGRESS_WIDTH);
	fprintf(p->out, "\r%s\n", line);
	p->shown = 0;
}
