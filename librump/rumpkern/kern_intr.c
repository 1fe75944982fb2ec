/*
 * Interruptible sleeps and interrupting lwps.
 *
 * A system call that may block for an unbounded time (a receive, an
 * accept, poll, a pipe read) sleeps with cv_wait_sig() and friends, which
 * end with EINTR when the lwp is interrupted (rump_lwproc_interrupt: its
 * current sleep, or its next one if it is not asleep; once) or when its
 * process exits (rump_lwproc_exit: every sleep, from then on).
 *
 * The sleeper, holding the interlock, checks its marks and names its
 * condition variable and interlock in the lwp (lwp_sleep_begin) before it
 * sleeps; an interrupter sets the mark and, if the lwp names a sleep,
 * takes that interlock and broadcasts the condition variable.  Both under
 * l_sleeplock: so either the sleeper sees the mark before sleeping, or the
 * interrupter sees the sleep, and then its broadcast, made holding the
 * interlock, comes after the sleeper has released it in the host wait.
 * No interrupt is lost.
 *
 * The interlock and condition variable belong to the object slept on (a
 * socket, a poll call's stack), which may go away once the sleeper has
 * left.  So the interrupter counts itself in l_wakers while it uses them,
 * and the sleeper does not leave (lwp_sleep_end) while l_wakers is not
 * zero: it waits on the same condition variable for the broadcast, which
 * the interrupter makes and then leaves l_wakers, holding the interlock.
 * The lwp itself stays alive meanwhile for the same reason.
 *
 * Lock order: proc_lock, then an interlock, then l_sleeplock, a leaf.
 */
#include "rumpkern/condvar.h"
#include "rumpkern/lwp.h"
#include "rump_private.h"
#include "kern_private.h"

/* Marks that end every sleep, not just one. */
#define LI_STICKY	(LI_EXIT | LI_CLOSING)

/* EINTR, consuming a pending interrupt, if l's sleep must end; l_sleeplock. */
static int
lwp_intr_check(struct lwp *l)
{
	if (l->l_intr & LI_STICKY)
		return EINTR;
	if (l->l_intr & LI_PENDING) {
		l->l_intr &= ~LI_PENDING;
		return EINTR;
	}
	return 0;
}

static void (*lwp_sleepwatcher)(bool);

void
lwp_sleepwatch(void (*fn)(bool asleep))
{
	__atomic_store_n(&lwp_sleepwatcher, fn, __ATOMIC_RELEASE);
}

/* Before an interruptible sleep on cv with mtx, which the caller holds. */
int
lwp_sleep_begin(kcondvar_t *cv, kmutex_t *mtx, bool watched)
{
	void (*watch)(bool) = watched ? __atomic_load_n(&lwp_sleepwatcher,
	    __ATOMIC_ACQUIRE) : NULL;
	struct lwp *l = curlwp;
	int error;

	KASSERT(mutex_owned(mtx));
	mutex_enter(&l->l_sleeplock);
	error = lwp_intr_check(l);
	if (error == 0) {
		l->l_sleepcv = cv;
		l->l_sleepmtx = mtx;
	}
	mutex_exit(&l->l_sleeplock);
	/* Told only of sleeps that happen, and each end by its begin's. */
	l->l_sleeptold = error == 0 ? watch : NULL;
	if (l->l_sleeptold != NULL)
		watch(true);
	return error;
}

/* After the sleep, mtx held again: EINTR if it was interrupted. */
int
lwp_sleep_end(kcondvar_t *cv, kmutex_t *mtx)
{
	struct lwp *l = curlwp;
	int error;

	mutex_enter(&l->l_sleeplock);
	while (l->l_wakers > 0) {
		/* An interrupter waits for mtx to broadcast cv. */
		mutex_exit(&l->l_sleeplock);
		cv_wait(cv, mtx);
		mutex_enter(&l->l_sleeplock);
	}
	l->l_sleepcv = NULL;
	l->l_sleepmtx = NULL;
	error = lwp_intr_check(l);
	mutex_exit(&l->l_sleeplock);
	if (l->l_sleeptold != NULL) {
		l->l_sleeptold(false);
		l->l_sleeptold = NULL;
	}
	return error;
}

bool
lwp_interrupt_mark(struct lwp *l, int why)
{
	bool asleep;

	KASSERT(mutex_owned(&proc_lock));
	mutex_enter(&l->l_sleeplock);
	l->l_intr |= why;
	asleep = l->l_sleepcv != NULL;
	if (asleep)
		l->l_wakers++;
	mutex_exit(&l->l_sleeplock);
	return asleep;
}

void
lwp_interrupt_wake(struct lwp *l)
{
	kcondvar_t *cv;
	kmutex_t *mtx;

	/* Stable: the sleeper does not leave while we count in l_wakers. */
	mutex_enter(&l->l_sleeplock);
	cv = l->l_sleepcv;
	mtx = l->l_sleepmtx;
	mutex_exit(&l->l_sleeplock);
	mutex_enter(mtx);
	cv_broadcast(cv);
	mutex_enter(&l->l_sleeplock);
	l->l_wakers--;
	mutex_exit(&l->l_sleeplock);
	mutex_exit(mtx);
}

void
lwp_intr_reset(struct lwp *l, struct proc *p)
{
	KASSERT(mutex_owned(&proc_lock));
	mutex_enter(&l->l_sleeplock);
	l->l_intr = (l->l_intr & LI_CLOSING) |
	    ((p->p_flags & P_EXITING) ? LI_EXIT : 0);
	mutex_exit(&l->l_sleeplock);
}

void
lwp_closing(bool closing)
{
	struct lwp *l = curlwp;

	mutex_enter(&l->l_sleeplock);
	if (closing)
		l->l_intr |= LI_CLOSING;
	else
		l->l_intr &= ~LI_CLOSING;
	mutex_exit(&l->l_sleeplock);
}

int
rumppriv_lwproc_curlwpid(int *lidp)
{
	*lidp = curlwp->l_lid;
	return 0;
}

int
rumppriv_lwproc_interrupt(pid_t pid, int lid)
{
	struct proc *p;
	struct lwp *l = NULL;
	bool asleep = false;

	mutex_enter(&proc_lock);
	if ((p = proc_find(pid)) != NULL)
		LIST_FOREACH(l, &p->p_lwps, l_sibling)
			if (l->l_lid == lid)
				break;
	if (l != NULL)
		asleep = lwp_interrupt_mark(l, LI_PENDING);
	mutex_exit(&proc_lock);
	if (l == NULL)
		return ESRCH;
	if (asleep)
		lwp_interrupt_wake(l);
	return 0;
}
