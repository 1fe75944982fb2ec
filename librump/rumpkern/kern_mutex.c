/*
 * Kernel mutexes on host mutexes.  The uncontended path is one host
 * trylock; a contended one gives back the virtual CPU before it waits.
 */
#include "rump/rumpuser.h"
#include "rumpkern/lwp.h"
#include "rumpkern/mutex.h"

void
mutex_init(kmutex_t *mtx, int type)
{
	rumpuser_mutex_init(&mtx->mtx_host,
	    type == MUTEX_SPIN ? RUMPUSER_MTX_SPIN : 0);
	mtx->mtx_owner = NULL;
	mtx->mtx_waithook = NULL;
}

void
mutex_destroy(kmutex_t *mtx)
{
	KASSERT(mtx->mtx_owner == NULL);
	rumpuser_mutex_destroy(mtx->mtx_host);
	mtx->mtx_host = NULL;
}

void
mutex_enter(kmutex_t *mtx)
{
	struct lwp *l = curlwp;

	KASSERTMSG(mtx->mtx_owner != l, "mutex_enter: %p already held", mtx);
	if (rumpuser_mutex_tryenter(mtx->mtx_host) != 0) {
		sched_give_cpu(l);
		rumpuser_mutex_enter(mtx->mtx_host);
		sched_take_cpu(l);
	}
	mtx->mtx_owner = l;
}

bool
mutex_tryenter(kmutex_t *mtx)
{
	if (rumpuser_mutex_tryenter(mtx->mtx_host) != 0)
		return false;
	mtx->mtx_owner = curlwp;
	return true;
}

void
mutex_exit(kmutex_t *mtx)
{
	KASSERTMSG(mtx->mtx_owner == curlwp, "mutex_exit: %p not owned", mtx);
	mtx->mtx_owner = NULL;
	rumpuser_mutex_exit(mtx->mtx_host);
}

bool
mutex_owned(const kmutex_t *mtx)
{
	return mtx->mtx_owner == curlwp;
}
