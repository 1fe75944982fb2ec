/* Kernel reader/writer locks on host rwlocks. */
#include "rump/rumpuser.h"
#include "rumpkern/lwp.h"
#include "rumpkern/rwlock.h"

static enum rumpuser_rwop
rw_hostop(krw_t op)
{
	return op == RW_WRITER ? RUMPUSER_RW_WRITER : RUMPUSER_RW_READER;
}

void
rw_init(krwlock_t *rw)
{
	rumpuser_rw_init(&rw->rw_host);
	rw->rw_writer = NULL;
	rw->rw_readers = 0;
}

void
rw_destroy(krwlock_t *rw)
{
	KASSERT(rw->rw_writer == NULL && rw->rw_readers == 0);
	rumpuser_rw_destroy(rw->rw_host);
}

static void
rw_entered(krwlock_t *rw, krw_t op)
{
	if (op == RW_WRITER)
		rw->rw_writer = curlwp;
	else
		__atomic_add_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
}

void
rw_enter(krwlock_t *rw, krw_t op)
{
	struct lwp *l = curlwp;

	KASSERTMSG(rw->rw_writer != l, "rw_enter: %p already write-held", rw);
	if (rumpuser_rw_tryenter(rw->rw_host, rw_hostop(op)) != 0) {
		sched_give_cpu(l);
		rumpuser_rw_enter(rw->rw_host, rw_hostop(op));
		sched_take_cpu(l);
	}
	rw_entered(rw, op);
}

bool
rw_tryenter(krwlock_t *rw, krw_t op)
{
	if (rumpuser_rw_tryenter(rw->rw_host, rw_hostop(op)) != 0)
		return false;
	rw_entered(rw, op);
	return true;
}

void
rw_exit(krwlock_t *rw)
{
	if (rw->rw_writer != NULL) {
		KASSERTMSG(rw->rw_writer == curlwp, "rw_exit: %p not owned", rw);
		rw->rw_writer = NULL;
	} else {
		KASSERT(rw->rw_readers > 0);
		__atomic_sub_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
	}
	rumpuser_rw_exit(rw->rw_host);
}

bool
rw_write_held(const krwlock_t *rw)
{
	return rw->rw_writer == curlwp;
}

bool
rw_lock_held(const krwlock_t *rw)
{
	return rw->rw_writer == curlwp ||
	    __atomic_load_n(&rw->rw_readers, __ATOMIC_RELAXED) > 0;
}
