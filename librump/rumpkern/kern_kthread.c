/* Kernel threads: host threads whose lwp lives in proc0 from birth. */
#include "rump/rumpuser.h"
#include "rumpkern/kthread.h"
#include "kern_private.h"

static void *
kthread_start(void *arg)
{
	struct lwp *l = arg;

	lwp_setcur(l);
	sched_take_cpu(l);
	l->l_func(l->l_arg);
	kthread_exit(0);
}

int
kthread_create(int flags, void (*func)(void *), void *arg, struct lwp **lp,
    const char *name)
{
	bool joinable = (flags & KTHREAD_MUSTJOIN) != 0;
	struct lwp *l;
	int error;

	KASSERT(!joinable || lp != NULL);
	l = lwp_alloc(&proc0, LW_SYSTEM | (joinable ? LW_JOINABLE : 0), name);
	l->l_func = func;
	l->l_arg = arg;
	/* A detached thread may be gone before this returns: no cookie. */
	error = rumpuser_thread_create(kthread_start, l, name, joinable,
	    joinable ? &l->l_hostthread : NULL);
	if (error != 0) {
		lwp_free(l);
		return error;
	}
	if (lp != NULL)
		*lp = joinable ? l : NULL;
	return 0;
}

void
kthread_exit(int ecode)
{
	struct lwp *l = curlwp;

	(void)ecode;
	if (l->l_flags & LW_JOINABLE) {
		/* kthread_join() frees the lwp. */
		sched_give_cpu(l);
	} else {
		lwp_detach(l);
		sched_give_cpu(l);
		lwp_destroy(l);
	}
	lwp_setcur(NULL);
	rumpuser_thread_exit();
}

int
kthread_join(struct lwp *l)
{
	int error;

	KASSERT(l->l_flags & LW_JOINABLE);
	sched_block_begin();
	error = rumpuser_thread_join(l->l_hostthread);
	sched_block_end();
	if (error == 0)
		lwp_free(l);
	return error;
}
