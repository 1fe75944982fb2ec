/*
 * The network lock and the work deferred until it is released (netlock.h).
 *
 * Deferred entries wait on a list under softnet_lock.  The releasing
 * thread takes them off it while still holding the lock and runs them
 * after; an entry may be queued again meanwhile, and runs again then.
 * nd_running, under net_deferlock, lets net_undefer wait for runs still
 * going on, so an entry's owner may free it.
 */
#include "rumpkern/condvar.h"
#include "rumpnet/netlock.h"

kmutex_t softnet_lock;

/* Entries taken per round; more wait for the next. */
#define NET_DEFER_BATCH	16

static TAILQ_HEAD(, net_deferred) net_deferq =
    TAILQ_HEAD_INITIALIZER(net_deferq);
static bool net_deferpending;		/* written under softnet_lock */
static kmutex_t net_deferlock;
static kcondvar_t net_defercv;		/* a run ended */

void
net_defer(struct net_deferred *nd)
{
	NET_ASSERT_LOCKED();
	if (nd->nd_queued)
		return;
	nd->nd_queued = true;
	TAILQ_INSERT_TAIL(&net_deferq, nd, nd_list);
	atomic_store_relaxed(&net_deferpending, true);
}

/* Takes up to NET_DEFER_BATCH entries off the list, marked running. */
static int
net_defer_take(struct net_deferred **batch)
{
	struct net_deferred *nd;
	int n = 0;

	NET_ASSERT_LOCKED();
	mutex_enter(&net_deferlock);
	while (n < NET_DEFER_BATCH &&
	    (nd = TAILQ_FIRST(&net_deferq)) != NULL) {
		TAILQ_REMOVE(&net_deferq, nd, nd_list);
		nd->nd_queued = false;
		nd->nd_running++;
		batch[n++] = nd;
	}
	mutex_exit(&net_deferlock);
	atomic_store_relaxed(&net_deferpending, !TAILQ_EMPTY(&net_deferq));
	return n;
}

static void
net_defer_run(struct net_deferred **batch, int n)
{
	for (int i = 0; i < n; i++) {
		batch[i]->nd_fn(batch[i]->nd_arg);
		mutex_enter(&net_deferlock);
		if (--batch[i]->nd_running == 0)
			cv_broadcast(&net_defercv);
		mutex_exit(&net_deferlock);
	}
}

void
net_unlock(void)
{
	struct net_deferred *batch[NET_DEFER_BATCH];
	int n;

	while (__predict_false(atomic_load_relaxed(&net_deferpending))) {
		n = net_defer_take(batch);
		mutex_exit(&softnet_lock);
		net_defer_run(batch, n);
		/* More than a batch was waiting: take the lock for the rest. */
		if (!atomic_load_relaxed(&net_deferpending))
			return;
		mutex_enter(&softnet_lock);
	}
	mutex_exit(&softnet_lock);
}

/* softnet_lock's mtx_waithook: a sleeper runs the work first. */
static void
net_defer_beforesleep(void)
{
	struct net_deferred *batch[NET_DEFER_BATCH];

	while (atomic_load_relaxed(&net_deferpending))
		net_defer_run(batch, net_defer_take(batch));
}

void
net_undefer(struct net_deferred *nd)
{
	NET_LOCK();
	if (nd->nd_queued) {
		TAILQ_REMOVE(&net_deferq, nd, nd_list);
		nd->nd_queued = false;
		atomic_store_relaxed(&net_deferpending,
		    !TAILQ_EMPTY(&net_deferq));
	}
	mutex_exit(&softnet_lock);
	mutex_enter(&net_deferlock);
	while (nd->nd_running != 0)
		cv_wait(&net_defercv, &net_deferlock);
	mutex_exit(&net_deferlock);
}

void
netlock_init(void)
{
	mutex_init(&softnet_lock, MUTEX_DEFAULT);
	softnet_lock.mtx_waithook = net_defer_beforesleep;
	mutex_init(&net_deferlock, MUTEX_DEFAULT);
	cv_init(&net_defercv);
}

void
netlock_fini(void)
{
	KASSERT(TAILQ_EMPTY(&net_deferq));
	cv_destroy(&net_defercv);
	mutex_destroy(&net_deferlock);
	mutex_destroy(&softnet_lock);
}
