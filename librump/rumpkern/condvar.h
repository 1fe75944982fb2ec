/*
 * Kernel condition variables.  Waiting releases the interlock and the
 * virtual CPU; both are held again when the wait returns.
 */
#ifndef RUMPKERN_CONDVAR_H
#define RUMPKERN_CONDVAR_H

#include "rumpkern/mutex.h"

struct rumpuser_cv;
struct rumpuser_mtx;
struct cv_hostwait;

typedef struct kcondvar {
	/* The host half, made by the first wait: cv_host is set last. */
	struct rumpuser_cv *cv_host;
	struct rumpuser_mtx *cv_hostmtx;
	unsigned cv_waiters;		/* atomic: waiting in the host */
	struct cv_hostwait *cv_hostwaits;	/* its host sleepers, a list */
} kcondvar_t;

void cv_init(kcondvar_t *cv);
void cv_destroy(kcondvar_t *cv);
void cv_wait(kcondvar_t *cv, kmutex_t *mtx);
/* Waits at most ticks (<= 0: forever); ETIMEDOUT when the time ran out. */
int cv_timedwait(kcondvar_t *cv, kmutex_t *mtx, int ticks);
/* Waits until the absolute uptime deadline (nanoseconds); ETIMEDOUT after it. */
int cv_timedwait_until(kcondvar_t *cv, kmutex_t *mtx, uint64_t deadline_ns);
/*
 * Interruptible sleeps, for what a system call may wait on for an
 * unbounded time: as the above, but EINTR when the lwp is interrupted or
 * its process exits (kern_intr.c).  cv_wait_sig_until() with deadline 0
 * waits without one.
 */
int cv_wait_sig(kcondvar_t *cv, kmutex_t *mtx);
int cv_wait_sig_until(kcondvar_t *cv, kmutex_t *mtx, uint64_t deadline_ns);
/*
 * An interruptible sleep spent waiting in the host instead (for a host
 * event source a component owns): hw_wait, called without the interlock
 * and holding the virtual CPU, waits until its source has something, the
 * deadline (0: none) passes (ETIMEDOUT, also when it passed before) or
 * hw_kick is called, and acts on
 * what came; whoever signals cv meanwhile (a waker, an interrupter) calls
 * the hw_kick of each of its host sleepers, under the interlock (a
 * sleeper's own signal too: it knows itself by curlwp).  hw is the
 * sleeper's, on its stack, in the sleeper's larger structure
 * (container_of); hw_next is cv's.  Not counted by lwp_sleepwatch: the
 * sleeper waits for the host itself.
 */
struct cv_hostwait {
	int (*hw_wait)(struct cv_hostwait *hw, uint64_t deadline_ns);
	void (*hw_kick)(struct cv_hostwait *hw);
	struct cv_hostwait *hw_next;
};
int cv_wait_sig_host(kcondvar_t *cv, kmutex_t *mtx, uint64_t deadline_ns,
    struct cv_hostwait *hw);
void cv_signal(kcondvar_t *cv);
void cv_broadcast(kcondvar_t *cv);
bool cv_has_waiters(const kcondvar_t *cv);

#endif
