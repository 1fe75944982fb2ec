/*
 * Kernel condition variables on host ones.  The waiter gives back its
 * virtual CPU before the host wait and takes one again after; the
 * interlock is held again before the CPU is, which cannot deadlock because
 * a thread holding a CPU gives it back whenever it waits for a mutex.
 */
#include "rump/rumpuser.h"
#include "rumpkern/condvar.h"
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"
#include "kern_private.h"

void
cv_init(kcondvar_t *cv)
{
	rumpuser_cv_init(&cv->cv_host);
	cv->cv_waiters = 0;
	cv->cv_hostwaits = NULL;
}

void
cv_destroy(kcondvar_t *cv)
{
	KASSERT(cv->cv_waiters == 0);
	rumpuser_cv_destroy(cv->cv_host);
}

/* Waits at most nsec (0: forever); ETIMEDOUT when the time ran out. */
static int
cv_wait_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t nsec)
{
	struct lwp *l = curlwp;
	int error = 0;

	KASSERT(mtx->mtx_owner == l);
	if (mtx->mtx_waithook != NULL)
		mtx->mtx_waithook();
	cv->cv_waiters++;
	mtx->mtx_owner = NULL;
	sched_give_cpu(l);
	if (nsec == 0)
		rumpuser_cv_wait(cv->cv_host, mtx->mtx_host);
	else
		error = rumpuser_cv_timedwait(cv->cv_host, mtx->mtx_host,
		    (int64_t)(nsec / NSEC_PER_SEC), (long)(nsec % NSEC_PER_SEC));
	sched_take_cpu(l);
	mtx->mtx_owner = l;
	cv->cv_waiters--;
	return error;
}

void
cv_wait(kcondvar_t *cv, kmutex_t *mtx)
{
	cv_wait_ns(cv, mtx, 0);
}

int
cv_timedwait(kcondvar_t *cv, kmutex_t *mtx, int ticks)
{
	if (ticks <= 0)
		return cv_wait_ns(cv, mtx, 0);
	return cv_wait_ns(cv, mtx, (uint64_t)ticks * NSEC_PER_TICK);
}

int
cv_timedwait_until(kcondvar_t *cv, kmutex_t *mtx, uint64_t deadline_ns)
{
	uint64_t now = getnsuptime();

	if (now >= deadline_ns)
		return ETIMEDOUT;
	return cv_wait_ns(cv, mtx, deadline_ns - now);
}

/* Waits at most nsec (0: forever), interruptibly; EINTR before ETIMEDOUT. */
static int
cv_wait_sig_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t nsec)
{
	int error, intr;

	if ((error = lwp_sleep_begin(cv, mtx, true)) != 0)
		return error;
	error = cv_wait_ns(cv, mtx, nsec);
	intr = lwp_sleep_end(cv, mtx);
	return intr != 0 ? intr : error;
}

int
cv_wait_sig(kcondvar_t *cv, kmutex_t *mtx)
{
	return cv_wait_sig_ns(cv, mtx, 0);
}

int
cv_wait_sig_until(kcondvar_t *cv, kmutex_t *mtx, uint64_t deadline_ns)
{
	uint64_t now;

	if (deadline_ns == 0)
		return cv_wait_sig_ns(cv, mtx, 0);
	now = getnsuptime();
	if (now >= deadline_ns)
		return ETIMEDOUT;
	return cv_wait_sig_ns(cv, mtx, deadline_ns - now);
}

int
cv_wait_sig_host(kcondvar_t *cv, kmutex_t *mtx, uint64_t deadline_ns,
    struct cv_hostwait *hw)
{
	struct cv_hostwait **hwp;
	int error, intr;

	if ((error = lwp_sleep_begin(cv, mtx, false)) != 0)
		return error;
	hw->hw_next = cv->cv_hostwaits;
	cv->cv_hostwaits = hw;
	mutex_exit(mtx);
	error = hw->hw_wait(hw, deadline_ns);
	mutex_enter(mtx);
	for (hwp = &cv->cv_hostwaits; *hwp != hw; hwp = &(*hwp)->hw_next)
		continue;
	*hwp = hw->hw_next;
	intr = lwp_sleep_end(cv, mtx);
	return intr != 0 ? intr : error;
}

/*
 * Every host sleeper is kicked, a signal's too: which one the host would
 * wake cannot be told, and a sleeper kicked for nothing looks and sleeps
 * again, as after any wake-up.
 */
static void
cv_kick(kcondvar_t *cv)
{
	for (struct cv_hostwait *hw = cv->cv_hostwaits; hw != NULL;
	    hw = hw->hw_next)
		hw->hw_kick(hw);
}

void
cv_signal(kcondvar_t *cv)
{
	cv_kick(cv);
	rumpuser_cv_signal(cv->cv_host);
}

void
cv_broadcast(kcondvar_t *cv)
{
	cv_kick(cv);
	rumpuser_cv_broadcast(cv->cv_host);
}

bool
cv_has_waiters(const kcondvar_t *cv)
{
	return cv->cv_waiters != 0 || cv->cv_hostwaits != NULL;
}
