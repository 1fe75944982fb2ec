/*
 * lwps: the kernel's view of a thread.
 *
 * A host thread entering the kernel for the first time gets an implicit
 * lwp in process 1; the lwp stays bound to the thread (in host thread-local
 * storage) and is freed when the host thread exits.  All lwps are on one
 * list so rump_fini() can free those of threads still alive.
 */
#include "rump/rumpuser.h"
#include "rumpkern/filedesc.h"
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"
#include "rump_private.h"
#include "kern_private.h"

KMEM_DEFINE(M_LWP, "lwp");

static LIST_HEAD(, lwp) alllwp = LIST_HEAD_INITIALIZER(alllwp);
/* The last lwp id handed out; ids are not reused within 2^31 lwps. */
static unsigned lwp_lastlid;

__thread struct lwp *lwp_cur;

/* The host keeps it too, to call lwp_hostexit when the thread exits. */
void
lwp_setcur(struct lwp *l)
{
	lwp_cur = l;
	rumpuser_curlwpop(l != NULL ? RUMPUSER_LWP_SET : RUMPUSER_LWP_CLEAR, l);
}

void
lwp_nocur(void)
{
	panic("kernel code run by a thread outside the kernel");
}

struct lwp *
lwp_alloc(struct proc *p, int flags, const char *name)
{
	struct lwp *l = kmem_zalloc(&M_LWP, sizeof(*l), KM_SLEEP);

	l->l_flags = flags;
	l->l_lid = (int)(__atomic_add_fetch(&lwp_lastlid, 1,
	    __ATOMIC_RELAXED) & INT32_MAX);
	strlcpy(l->l_name, name, sizeof(l->l_name));
	mutex_init(&l->l_sleeplock, MUTEX_DEFAULT);
	if (p != NULL)
		lwp_attach(l, p);
	return l;
}

/* Binds l to p; l is a member of p until lwp_free() or lwp_move(). */
void
lwp_attach(struct lwp *l, struct proc *p)
{
	mutex_enter(&proc_lock);
	l->l_proc = p;
	p->p_refcnt++;
	LIST_INSERT_HEAD(&p->p_lwps, l, l_sibling);
	LIST_INSERT_HEAD(&alllwp, l, l_list);
	lwp_intr_reset(l, p);
	mutex_exit(&proc_lock);
}

/*
 * Moves l to another process; the old one exits if that was its last
 * reference.  An interrupt meant for l in the old process is forgotten.
 */
void
lwp_move(struct lwp *l, struct proc *p)
{
	struct proc *old;

	mutex_enter(&proc_lock);
	old = l->l_proc;
	LIST_REMOVE(l, l_sibling);
	l->l_proc = p;
	p->p_refcnt++;
	LIST_INSERT_HEAD(&p->p_lwps, l, l_sibling);
	lwp_intr_reset(l, p);
	mutex_exit(&proc_lock);
	proc_release(old);
}

/* Takes l out of its process; needs a CPU, unlike lwp_destroy(). */
void
lwp_detach(struct lwp *l)
{
	struct proc *p = l->l_proc;

	mutex_enter(&proc_lock);
	LIST_REMOVE(l, l_list);
	LIST_REMOVE(l, l_sibling);
	mutex_exit(&proc_lock);
	proc_release(p);
}

void
lwp_destroy(struct lwp *l)
{
	mutex_destroy(&l->l_sleeplock);
	kmem_free(&M_LWP, l, sizeof(*l));
}

void
lwp_free(struct lwp *l)
{
	lwp_detach(l);
	lwp_destroy(l);
}

/* The calling host thread enters the kernel for the first time. */
static struct lwp *
lwp_implicit(void)
{
	struct lwp *l = lwp_alloc(NULL, LW_IMPLICIT, "host");

	lwp_setcur(l);
	sched_take_cpu(l);
	lwp_attach(l, proc_default());
	sched_give_cpu(l);
	return l;
}

void
rump_schedule(void)
{
	if (!kernel_running())
		panic("rump_schedule: the kernel is not running "
		    "(call rump_init first)");
	lwp_enter();
}

/* Takes a CPU for the calling host thread, whatever the kernel's state. */
void
lwp_enter(void)
{
	struct lwp *l = lwp_cur;

	if (l == NULL)
		l = lwp_implicit();
	if (l->l_cpu != NULL) {
		/* A kernel thread calling a public interface. */
		l->l_nesting++;
		return;
	}
	sched_take_cpu(l);
}

int
rumppriv_enter(void)
{
	if (!kernel_running())
		return ENOSYS;
	rump_schedule();
	return 0;
}

void
rump_unschedule(void)
{
	struct lwp *l = curlwp;

	if (l->l_nesting > 0) {
		l->l_nesting--;
		return;
	}
	sched_give_cpu(l);
}

/* Upcall from the host: a thread with an implicit lwp is exiting. */
void
lwp_hostexit(void *arg)
{
	struct lwp *l = arg;

	if (!kernel_running())
		return;
	lwp_setcur(l);
	sched_take_cpu(l);
	lwp_detach(l);
	sched_give_cpu(l);
	lwp_setcur(NULL);
	lwp_destroy(l);
}

/*
 * At shutdown: frees the lwps of host threads still alive, except the
 * caller's.  Kernel threads are joined later by whoever started them.
 */
void
lwp_fini(void)
{
	struct lwp *l, *next, *self = curlwp;

	LIST_FOREACH_SAFE(l, &alllwp, l_list, next)
		if (l != self && (l->l_flags & LW_IMPLICIT))
			lwp_free(l);
}

/* The last check: every kernel thread was joined. */
void
lwp_check_none(void)
{
	struct lwp *l = LIST_FIRST(&alllwp);

	KASSERTMSG(l == NULL, "rump_fini: kernel thread %s still running",
	    l != NULL ? l->l_name : "");
}
