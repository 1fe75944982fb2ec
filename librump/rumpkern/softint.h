/*
 * Soft interrupts: deferred work run by the softint thread, highest level
 * first.  Scheduling an already pending softint does nothing; a softint
 * scheduled while it runs runs once more afterwards.
 */
#ifndef RUMPKERN_SOFTINT_H
#define RUMPKERN_SOFTINT_H

#include "rumpkern/kern.h"

#define SOFTINT_BIO	0
#define SOFTINT_CLOCK	1
#define SOFTINT_NET	2
#define SOFTINT_SERIAL	3
#define SOFTINT_COUNT	4

struct softint;

struct softint *softint_establish(int level, void (*func)(void *), void *arg);
void softint_schedule(struct softint *si);
/* Waits for a running instance to finish, then frees the handle. */
void softint_disestablish(struct softint *si);

int softint_startup(void);
void softint_shutdown(void);

#endif
