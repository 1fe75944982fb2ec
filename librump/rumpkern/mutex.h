/*
 * Kernel mutexes.  A thread that has to wait for one gives back its
 * virtual CPU while it waits, so a blocked holder never starves the others.
 */
#ifndef RUMPKERN_MUTEX_H
#define RUMPKERN_MUTEX_H

#include "rumpkern/kern.h"

struct lwp;
struct rumpuser_mtx;

typedef struct kmutex {
	struct rumpuser_mtx *mtx_host;
	struct lwp *mtx_owner;
	/*
	 * Called (with the mutex held) before a thread sleeps on a condition
	 * variable with this mutex as interlock; NULL for none.  The network
	 * lock hands queued frames to drivers there, as a sleeper will not
	 * release it through the usual path.
	 */
	void (*mtx_waithook)(void);
} kmutex_t;

#define MUTEX_DEFAULT	0
#define MUTEX_SPIN	1

void mutex_init(kmutex_t *mtx, int type);
void mutex_destroy(kmutex_t *mtx);
void mutex_enter(kmutex_t *mtx);
bool mutex_tryenter(kmutex_t *mtx);
void mutex_exit(kmutex_t *mtx);
bool mutex_owned(const kmutex_t *mtx);

#endif
