/*
 * Kernel condition variables on host ones.  The waiter gives back its
 * virtual CPU before the host wait and takes one again after; the
 * interlock is held again before the CPU is, which cannot deadlock because
 * a thread holding a CPU gives it back whenever it waits for a mutex.
 *
 * A kernel mutex is no host mutex (kern_mutex.c), so the host half of a
 * condition variable is a host condition variable with a host mutex of its
 * own.  A waiter takes that host mutex before it releases the interlock
 * and keeps it until the host wait gives it back; a waker that changed the
 * state under the interlock after the waiter checked it, and so saw it
 * counted in cv_waiters, takes the host mutex to signal, and so cannot
 * signal before the waiter sleeps.  A waker that finds nobody counted
 * signals nobody, without a host call.
 *
 * The host half is made by the first wait, not by cv_init: most are never
 * waited on (a socket has five, and a connection served without blocking
 * waits on none), and making and destroying them cost a server a sixth of
 * sockin's own work per connection.  A waiter makes it holding the
 * interlock, so two never make it at once.
 */
#include "rump/rumpuser.h"
#include "rumpkern/condvar.h"
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"
#include "kern_private.h"

void
cv_init(kcondvar_t *cv)
{
	cv->cv_host = NULL;
	cv->cv_hostmtx = NULL;
	cv->cv_waiters = 0;
	cv->cv_hostwaits = NULL;
}

void
cv_destroy(kcondvar_t *cv)
{
	KASSERT(cv->cv_waiters == 0);
	if (cv->cv_host != NULL) {
		rumpuser_cv_destroy(cv->cv_host);
		rumpuser_mutex_destroy(cv->cv_hostmtx);
	}
	cv->cv_host = NULL;
	cv->cv_hostmtx = NULL;
}

/*
 * The host half, made now if no wait made it before.  Every waiter of a
 * condition variable holds its one interlock (as NetBSD's condvar(9)
 * requires), so two never make it at once; wakers may not hold it, so
 * they read it atomically.
 */
static struct rumpuser_cv *
cv_host(kcondvar_t *cv)
{
	struct rumpuser_cv *host = cv->cv_host;

	if (host == NULL) {
		rumpuser_mutex_init(&cv->cv_hostmtx, 0);
		rumpuser_cv_init(&host);
		__atomic_store_n(&cv->cv_host, host, __ATOMIC_RELEASE);
	}
	return host;
}

/* Waits at most nsec (0: forever); ETIMEDOUT when the time ran out. */
static int
cv_wait_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t nsec)
{
	struct lwp *l = curlwp;
	struct rumpuser_cv *host;
	int error = 0;

	KASSERT(mutex_owned(mtx));
	if (mtx->mtx_waithook != NULL)
		mtx->mtx_waithook();
	host = cv_host(cv);
	__atomic_add_fetch(&cv->cv_waiters, 1, __ATOMIC_RELEASE);
	/* Its holders never wait for a CPU while they hold it. */
	rumpuser_mutex_enter(cv->cv_hostmtx);
	mutex_exit(mtx);
	sched_give_cpu(l);
	if (nsec == 0)
		rumpuser_cv_wait(host, cv->cv_hostmtx);
	else
		error = rumpuser_cv_timedwait(host, cv->cv_hostmtx,
		    (int64_t)(nsec / NSEC_PER_SEC), (long)(nsec % NSEC_PER_SEC));
	rumpuser_mutex_exit(cv->cv_hostmtx);
	mutex_enter_nocpu(mtx, l);
	sched_take_cpu(l);
	__atomic_sub_fetch(&cv->cv_waiters, 1, __ATOMIC_RELAXED);
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

/* Nobody counted: nobody has waited in the host, or all are awake. */
static void
cv_wake(kcondvar_t *cv, bool all)
{
	struct rumpuser_cv *host;

	cv_kick(cv);
	if (__atomic_load_n(&cv->cv_waiters, __ATOMIC_ACQUIRE) == 0)
		return;
	host = __atomic_load_n(&cv->cv_host, __ATOMIC_ACQUIRE);
	rumpuser_mutex_enter(cv->cv_hostmtx);
	if (all)
		rumpuser_cv_broadcast(host);
	else
		rumpuser_cv_signal(host);
	rumpuser_mutex_exit(cv->cv_hostmtx);
}

void
cv_signal(kcondvar_t *cv)
{
	cv_wake(cv, false);
}

void
cv_broadcast(kcondvar_t *cv)
{
	cv_wake(cv, true);
}

bool
cv_has_waiters(const kcondvar_t *cv)
{
	return __atomic_load_n(&cv->cv_waiters, __ATOMIC_RELAXED) != 0 ||
	    cv->cv_hostwaits != NULL;
}
