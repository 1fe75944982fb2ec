/*
 * Virtual CPUs.
 *
 * A thread runs kernel code only while it owns a virtual CPU.  Taking one
 * is a compare-and-swap on the CPU's owner field, first on the CPU the lwp
 * last ran on; only when every CPU is busy does the thread sleep on a host
 * condition variable until one is given back.  A thread gives its CPU back
 * when it leaves the kernel and around every host call that may block, so
 * with one virtual CPU a thread sleeping in the kernel never stops others.
 */
#include "rump/rumpuser.h"
#include "rumpkern/kmem.h"
#include "rumpkern/lwp.h"

#define MAXCPUS	64

KMEM_DEFINE(M_CPU, "cpu");

unsigned ncpu;
static struct cpu_info *cpu_infos;
static struct rumpuser_mtx *sched_mtx;
static struct rumpuser_cv *sched_cv;
static unsigned sched_waiters;

int
sched_init(unsigned ncpus)
{
	if (ncpus < 1 || ncpus > MAXCPUS)
		return EINVAL;
	cpu_infos = kmem_zalloc(&M_CPU, ncpus * sizeof(*cpu_infos), KM_SLEEP);
	for (unsigned i = 0; i < ncpus; i++)
		cpu_infos[i].ci_index = i;
	ncpu = ncpus;
	rumpuser_mutex_init(&sched_mtx, 0);
	rumpuser_cv_init(&sched_cv);
	return 0;
}

void
sched_fini(void)
{
	rumpuser_cv_destroy(sched_cv);
	rumpuser_mutex_destroy(sched_mtx);
	kmem_free(&M_CPU, cpu_infos, ncpu * sizeof(*cpu_infos));
	cpu_infos = NULL;
	ncpu = 0;
}

static bool
sched_try(struct lwp *l, struct cpu_info *ci)
{
	struct lwp *none = NULL;

	if (!__atomic_compare_exchange_n(&ci->ci_curlwp, &none, l, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	l->l_cpu = ci;
	l->l_lastcpu = ci;
	ci->ci_nswitch++;
	return true;
}

static bool
sched_try_any(struct lwp *l)
{
	if (l->l_lastcpu != NULL && sched_try(l, l->l_lastcpu))
		return true;
	for (unsigned i = 0; i < ncpu; i++)
		if (sched_try(l, &cpu_infos[i]))
			return true;
	return false;
}

void
sched_take_cpu(struct lwp *l)
{
	KASSERT(l->l_cpu == NULL);
	if (sched_try_any(l))
		return;
	rumpuser_mutex_enter(sched_mtx);
	__atomic_add_fetch(&sched_waiters, 1, __ATOMIC_SEQ_CST);
	while (!sched_try_any(l))
		rumpuser_cv_wait(sched_cv, sched_mtx);
	__atomic_sub_fetch(&sched_waiters, 1, __ATOMIC_SEQ_CST);
	rumpuser_mutex_exit(sched_mtx);
}

void
sched_give_cpu(struct lwp *l)
{
	struct cpu_info *ci = l->l_cpu;

	KASSERT(ci != NULL && ci->ci_curlwp == l);
	l->l_cpu = NULL;
	__atomic_store_n(&ci->ci_curlwp, NULL, __ATOMIC_SEQ_CST);
	/*
	 * A waiter increments sched_waiters before its last try, and we
	 * cleared the owner before reading it: one of us sees the other.
	 */
	if (__atomic_load_n(&sched_waiters, __ATOMIC_SEQ_CST) != 0) {
		rumpuser_mutex_enter(sched_mtx);
		rumpuser_cv_signal(sched_cv);
		rumpuser_mutex_exit(sched_mtx);
	}
}

void
sched_block_begin(void)
{
	sched_give_cpu(curlwp);
}

void
sched_block_end(void)
{
	sched_take_cpu(curlwp);
}
