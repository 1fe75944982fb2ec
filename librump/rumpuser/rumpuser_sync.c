/* librumpuser: mutexes, reader/writer locks and condition variables. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "rumpuser_int.h"

struct rumpuser_mtx {
	pthread_mutex_t pmtx;
};

struct rumpuser_rw {
	pthread_rwlock_t prw;
};

struct rumpuser_cv {
	pthread_cond_t pcv;
};

/* Lock memory comes from the host directly: a lock can never fail to exist. */
static void *
rumpuser_sync_alloc(size_t len)
{
	void *mem = malloc(len);

	if (mem == NULL)
		abort();
	return mem;
}

static void
rumpuser_sync_check(int error)
{
	if (error != 0)
		abort();
}

void
rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
	struct rumpuser_mtx *mtx = rumpuser_sync_alloc(sizeof(*mtx));
	pthread_mutexattr_t attr;

	(void)flags;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	rumpuser_sync_check(pthread_mutex_init(&mtx->pmtx, &attr));
	pthread_mutexattr_destroy(&attr);
	*mtxp = mtx;
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	rumpuser_sync_check(pthread_mutex_lock(&mtx->pmtx));
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	int error = pthread_mutex_trylock(&mtx->pmtx);

	if (error != 0 && error != EBUSY)
		abort();
	return error;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{
	rumpuser_sync_check(pthread_mutex_unlock(&mtx->pmtx));
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{
	rumpuser_sync_check(pthread_mutex_destroy(&mtx->pmtx));
	free(mtx);
}

void
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw = rumpuser_sync_alloc(sizeof(*rw));

	rumpuser_sync_check(pthread_rwlock_init(&rw->prw, NULL));
	*rwp = rw;
}

void
rumpuser_rw_enter(struct rumpuser_rw *rw, enum rumpuser_rwop op)
{
	if (op == RUMPUSER_RW_WRITER)
		rumpuser_sync_check(pthread_rwlock_wrlock(&rw->prw));
	else
		rumpuser_sync_check(pthread_rwlock_rdlock(&rw->prw));
}

int
rumpuser_rw_tryenter(struct rumpuser_rw *rw, enum rumpuser_rwop op)
{
	int error;

	if (op == RUMPUSER_RW_WRITER)
		error = pthread_rwlock_trywrlock(&rw->prw);
	else
		error = pthread_rwlock_tryrdlock(&rw->prw);
	if (error != 0 && error != EBUSY)
		abort();
	return error;
}

void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	rumpuser_sync_check(pthread_rwlock_unlock(&rw->prw));
}

void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	rumpuser_sync_check(pthread_rwlock_destroy(&rw->prw));
	free(rw);
}

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv = rumpuser_sync_alloc(sizeof(*cv));
	pthread_condattr_t attr;

	/* Timed waits run on the monotonic clock: wall-clock steps do not matter. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	rumpuser_sync_check(pthread_cond_init(&cv->pcv, &attr));
	pthread_condattr_destroy(&attr);
	*cvp = cv;
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	rumpuser_sync_check(pthread_cond_destroy(&cv->pcv));
	free(cv);
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	rumpuser_sync_check(pthread_cond_wait(&cv->pcv, &mtx->pmtx));
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    int64_t sec, long nsec)
{
	struct timespec ts;
	int error;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += sec;
	ts.tv_nsec += nsec;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	error = pthread_cond_timedwait(&cv->pcv, &mtx->pmtx, &ts);
	if (error != 0 && error != ETIMEDOUT)
		abort();
	return error;
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	pthread_cond_signal(&cv->pcv);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	pthread_cond_broadcast(&cv->pcv);
}
