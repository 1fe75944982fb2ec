/*
 * Soft interrupts, run by one kernel thread in order of level (highest
 * first) and, within a level, in order of scheduling.
 */
#include "rumpkern/condvar.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kthread.h"
#include "rumpkern/softint.h"

KMEM_DEFINE(M_SOFTINT, "softint");

struct softint {
	void (*si_func)(void *);
	void *si_arg;
	int si_level;
	bool si_pending;
	TAILQ_ENTRY(softint) si_link;
};

static struct {
	kmutex_t lock;
	kcondvar_t wake;
	kcondvar_t done;
	TAILQ_HEAD(, softint) queue[SOFTINT_COUNT];
	struct softint *running;
	struct lwp *thread;
	bool exiting;
} sc;

struct softint *
softint_establish(int level, void (*func)(void *), void *arg)
{
	struct softint *si;

	KASSERT(level >= 0 && level < SOFTINT_COUNT);
	si = kmem_zalloc(&M_SOFTINT, sizeof(*si), KM_SLEEP);
	si->si_func = func;
	si->si_arg = arg;
	si->si_level = level;
	return si;
}

void
softint_schedule(struct softint *si)
{
	mutex_enter(&sc.lock);
	if (!si->si_pending) {
		si->si_pending = true;
		TAILQ_INSERT_TAIL(&sc.queue[si->si_level], si, si_link);
		cv_signal(&sc.wake);
	}
	mutex_exit(&sc.lock);
}

void
softint_disestablish(struct softint *si)
{
	mutex_enter(&sc.lock);
	if (si->si_pending) {
		TAILQ_REMOVE(&sc.queue[si->si_level], si, si_link);
		si->si_pending = false;
	}
	while (sc.running == si && curlwp != sc.thread)
		cv_wait(&sc.done, &sc.lock);
	mutex_exit(&sc.lock);
	kmem_free(&M_SOFTINT, si, sizeof(*si));
}

static struct softint *
softint_next(void)
{
	for (int level = SOFTINT_COUNT - 1; level >= 0; level--) {
		struct softint *si = TAILQ_FIRST(&sc.queue[level]);

		if (si != NULL) {
			TAILQ_REMOVE(&sc.queue[level], si, si_link);
			si->si_pending = false;
			return si;
		}
	}
	return NULL;
}

static void
softint_thread(void *arg)
{
	(void)arg;
	mutex_enter(&sc.lock);
	while (!sc.exiting) {
		struct softint *si = softint_next();

		if (si == NULL) {
			cv_wait(&sc.wake, &sc.lock);
			continue;
		}
		sc.running = si;
		mutex_exit(&sc.lock);
		si->si_func(si->si_arg);
		mutex_enter(&sc.lock);
		sc.running = NULL;
		cv_broadcast(&sc.done);
	}
	mutex_exit(&sc.lock);
}

int
softint_startup(void)
{
	mutex_init(&sc.lock, MUTEX_DEFAULT);
	cv_init(&sc.wake);
	cv_init(&sc.done);
	for (int i = 0; i < SOFTINT_COUNT; i++)
		TAILQ_INIT(&sc.queue[i]);
	return kthread_create(KTHREAD_MUSTJOIN, softint_thread, NULL,
	    &sc.thread, "softint");
}

void
softint_shutdown(void)
{
	mutex_enter(&sc.lock);
	sc.exiting = true;
	cv_signal(&sc.wake);
	mutex_exit(&sc.lock);
	kthread_join(sc.thread);
	cv_destroy(&sc.done);
	cv_destroy(&sc.wake);
	mutex_destroy(&sc.lock);
}
