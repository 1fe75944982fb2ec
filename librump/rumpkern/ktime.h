/*
 * Kernel time.  There is no periodic clock interrupt: ticks and uptime are
 * read from the host's monotonic clock when asked for.
 */
#ifndef RUMPKERN_KTIME_H
#define RUMPKERN_KTIME_H

#include "rumpkern/kern.h"

#define hz		1000		/* ticks per second */
#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_TICK	(NSEC_PER_SEC / hz)

/* Nanoseconds since the kernel booted. */
uint64_t getnsuptime(void);
/* Ticks since the kernel booted. */
uint64_t getticks(void);
/* Wall-clock time in nanoseconds since the Epoch. */
uint64_t getnstime(void);

static inline int
mstohz(unsigned ms)
{
	return (int)((uint64_t)ms * hz / 1000);
}

/* Sleeps the calling thread; gives back its virtual CPU meanwhile. */
void kpause(uint64_t nsec);

int ktime_init(void);

#endif
