/*
 * Kernel mutexes: an owner word, taken and given back by one atomic
 * compare-and-swap while nobody waits, as NetBSD's adaptive mutexes are.
 * A server's request takes a dozen mutexes or more; the host mutex each
 * used to be cost five times the instructions, and its making and freeing
 * a share of every socket's.
 *
 * A thread that finds the mutex owned waits in the host, on the mutex's
 * host half (a host mutex and condition variable, made by the first such
 * wait), after giving back its virtual CPU so that a blocked owner never
 * starves the others.  While anybody waits there the owner word carries
 * MTX_WAITERS, so the owner's release fails its compare-and-swap and wakes
 * one.  The bit is set, and the waiters counted, only under the host
 * mutex, and a waiter sleeps right after setting it (the host wait gives
 * that mutex back atomically); a release that finds the bit takes the host
 * mutex first, so it cannot wake before the waiter sleeps, and one that
 * finds no bit has nobody to wake.  A woken waiter competes with threads
 * arriving meanwhile; the loser sets the bit again and sleeps.
 */
#include "rump/rumpuser.h"
#include "rumpkern/lwp.h"
#include "rumpkern/mutex.h"

#define MTX_WAITERS	((uintptr_t)1)	/* lwps are more than byte-aligned */

/*
 * Taken to make a host half: two threads may contend for a mutex for the
 * first time at once.  Made by the first boot, kept by the process.
 */
static struct rumpuser_mtx *mutex_makelock;

void
mutex_sysinit(void)
{
	if (mutex_makelock == NULL)
		rumpuser_mutex_init(&mutex_makelock, 0);
}

void
mutex_init(kmutex_t *mtx, int type)
{
	KASSERT(type == MUTEX_DEFAULT);
	mtx->mtx_owner = 0;
	mtx->mtx_host = NULL;
	mtx->mtx_hostcv = NULL;
	mtx->mtx_waiters = 0;
	mtx->mtx_waithook = NULL;
}

void
mutex_destroy(kmutex_t *mtx)
{
	KASSERT(mtx->mtx_owner == 0);
	if (mtx->mtx_hostcv != NULL)
		rumpuser_cv_destroy(mtx->mtx_hostcv);
	if (mtx->mtx_host != NULL)
		rumpuser_mutex_destroy(mtx->mtx_host);
	mtx->mtx_host = NULL;
	mtx->mtx_hostcv = NULL;
}

static bool
mutex_ownedby(const kmutex_t *mtx, struct lwp *l)
{
	return (__atomic_load_n(&mtx->mtx_owner, __ATOMIC_RELAXED) &
	    ~MTX_WAITERS) == (uintptr_t)l;
}

static bool
mutex_cas(kmutex_t *mtx, uintptr_t old, uintptr_t new)
{
	return __atomic_compare_exchange_n(&mtx->mtx_owner, &old, new, false,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

static struct rumpuser_mtx *
mutex_host(kmutex_t *mtx)
{
	struct rumpuser_mtx *host = __atomic_load_n(&mtx->mtx_host,
	    __ATOMIC_ACQUIRE);

	if (host == NULL) {
		rumpuser_mutex_enter(mutex_makelock);
		if ((host = mtx->mtx_host) == NULL) {
			rumpuser_mutex_init(&host, 0);
			__atomic_store_n(&mtx->mtx_host, host,
			    __ATOMIC_RELEASE);
		}
		rumpuser_mutex_exit(mutex_makelock);
	}
	return host;
}

/*
 * Waits in the host until l owns mtx, holding no virtual CPU.  Holders of
 * the host mutex never wait for a CPU while holding it.
 */
static void
mutex_wait(kmutex_t *mtx, struct lwp *l)
{
	struct rumpuser_mtx *host = mutex_host(mtx);
	uintptr_t o;

	rumpuser_mutex_enter(host);
	if (mtx->mtx_hostcv == NULL)
		rumpuser_cv_init(&mtx->mtx_hostcv);
	mtx->mtx_waiters++;
	for (;;) {
		o = __atomic_load_n(&mtx->mtx_owner, __ATOMIC_RELAXED);
		if (o == 0) {
			/* Those still asleep need the next release to wake one. */
			if (mutex_cas(mtx, 0, (uintptr_t)l |
			    (mtx->mtx_waiters > 1 ? MTX_WAITERS : 0)))
				break;
		} else if ((o & MTX_WAITERS) != 0 ||
		    mutex_cas(mtx, o, o | MTX_WAITERS)) {
			rumpuser_cv_wait(mtx->mtx_hostcv, host);
		}
	}
	mtx->mtx_waiters--;
	rumpuser_mutex_exit(host);
}

void
mutex_enter(kmutex_t *mtx)
{
	struct lwp *l = curlwp;

	KASSERTMSG(!mutex_ownedby(mtx, l), "mutex_enter: %p already held", mtx);
	if (!mutex_cas(mtx, 0, (uintptr_t)l)) {
		sched_give_cpu(l);
		mutex_wait(mtx, l);
		sched_take_cpu(l);
	}
}

void
mutex_enter_nocpu(kmutex_t *mtx, struct lwp *l)
{
	KASSERTMSG(!mutex_ownedby(mtx, l), "mutex_enter: %p already held", mtx);
	if (!mutex_cas(mtx, 0, (uintptr_t)l))
		mutex_wait(mtx, l);
}

bool
mutex_tryenter(kmutex_t *mtx)
{
	return mutex_cas(mtx, 0, (uintptr_t)curlwp);
}

void
mutex_exit(kmutex_t *mtx)
{
	struct lwp *l = curlwp;

	KASSERTMSG(mutex_ownedby(mtx, l), "mutex_exit: %p not owned", mtx);
	if (mutex_cas(mtx, (uintptr_t)l, 0))
		return;
	/* MTX_WAITERS: set under the host mutex, which exists. */
	rumpuser_mutex_enter(mtx->mtx_host);
	__atomic_store_n(&mtx->mtx_owner, 0, __ATOMIC_RELEASE);
	rumpuser_cv_signal(mtx->mtx_hostcv);
	rumpuser_mutex_exit(mtx->mtx_host);
}

bool
mutex_owned(const kmutex_t *mtx)
{
	return mutex_ownedby(mtx, curlwp);
}
