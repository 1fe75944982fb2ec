/*
 * Callouts: functions run once after a number of ticks, in the callout
 * thread.  Pending callouts sit in a binary heap ordered by expiry, so
 * scheduling and stopping cost O(log n) however many timers exist.
 *
 * States: PENDING (in the heap), FIRED (expired and handed to its
 * function; stays set until the callout is scheduled or stopped again).
 */
#ifndef RUMPKERN_CALLOUT_H
#define RUMPKERN_CALLOUT_H

#include "rumpkern/mutex.h"

struct callout {
	void (*c_func)(void *);
	void *c_arg;
	uint64_t c_time;	/* absolute tick of expiry */
	uint64_t c_seq;		/* tie-break: equal expiries run in order set */
	unsigned c_index;	/* position in the heap while PENDING */
	unsigned c_flags;
	unsigned c_magic;
};

typedef struct callout callout_t;

#define CALLOUT_PENDING		0x01
#define CALLOUT_FIRED		0x02

void callout_init(callout_t *c, unsigned flags);
void callout_destroy(callout_t *c);
void callout_setfunc(callout_t *c, void (*func)(void *), void *arg);
void callout_reset(callout_t *c, int ticks, void (*func)(void *), void *arg);
void callout_schedule(callout_t *c, int ticks);
/* Unschedules; true when the callout had already fired. Does not wait. */
bool callout_stop(callout_t *c);
/*
 * Unschedules and waits for a running function to return.  interlock, if
 * not NULL, is held by the caller and released while waiting.
 */
bool callout_halt(callout_t *c, kmutex_t *interlock);
bool callout_pending(callout_t *c);
bool callout_expired(callout_t *c);

int callout_startup(void);
void callout_shutdown(void);
/* Pending callouts, for tests and statistics. */
unsigned callout_count(void);

#endif
