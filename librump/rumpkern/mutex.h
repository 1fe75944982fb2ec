/*
 * Kernel mutexes: an atomic owner word while nobody waits.  A thread that
 * has to wait for one waits in the host and gives back its virtual CPU
 * meanwhile, so a blocked holder never starves the others (kern_mutex.c).
 */
#ifndef RUMPKERN_MUTEX_H
#define RUMPKERN_MUTEX_H

#include "rumpkern/kern.h"

struct lwp;
struct rumpuser_mtx;
struct rumpuser_cv;

typedef struct kmutex {
	uintptr_t mtx_owner;		/* the owner's lwp, | MTX_WAITERS; 0 */
	/* The host half, made by the first thread that has to wait. */
	struct rumpuser_mtx *mtx_host;
	struct rumpuser_cv *mtx_hostcv;	/* under mtx_host, as the next */
	unsigned mtx_waiters;		/* threads waiting in the host */
	/*
	 * Called (with the mutex held) before a thread sleeps on a condition
	 * variable with this mutex as interlock; NULL for none.  The network
	 * lock hands queued frames to drivers there, as a sleeper will not
	 * release it through the usual path.
	 */
	void (*mtx_waithook)(void);
} kmutex_t;

#define MUTEX_DEFAULT	0

/* At boot, before a second thread runs. */
void mutex_sysinit(void);
void mutex_init(kmutex_t *mtx, int type);
void mutex_destroy(kmutex_t *mtx);
void mutex_enter(kmutex_t *mtx);
/* For l holding no virtual CPU (a condition variable's waiter, waking). */
void mutex_enter_nocpu(kmutex_t *mtx, struct lwp *l);
bool mutex_tryenter(kmutex_t *mtx);
void mutex_exit(kmutex_t *mtx);
bool mutex_owned(const kmutex_t *mtx);

#endif
