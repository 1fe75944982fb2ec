/*
 * Booting and shutting down the kernel.
 *
 * rump_init() checks its parameters before it touches anything, so a bad
 * one leaves no trace and the call can be made again.  rump_fini() takes
 * the kernel apart in the reverse order: processes (closing every
 * descriptor), components, the callout and softint threads, then the
 * virtual CPUs; it reports any kernel memory still in use.
 */
#include "rump/rumpuser.h"
#include "rumpkern/callout.h"
#include "rumpkern/filedesc.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kstat.h"
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"
#include "rumpkern/poll.h"
#include "rumpkern/softint.h"
#include "rumpkern/sysctl.h"
#include "rumpkern/syscall.h"
#include "rump_private.h"
#include "kern_private.h"

extern const struct sysent_init kern_sysent[];

enum { RUMP_DOWN, RUMP_BOOTING, RUMP_RUNNING, RUMP_FINISHING, RUMP_FINISHED };
static int rump_state = RUMP_DOWN;

static const struct rumpuser_hyperup rump_hyp = {
	.hyp_lwpexit = lwp_hostexit,
};

struct rump_params {
	uint64_t ncpu;
	uint64_t nofile;
	uint64_t verbose;
};

bool
kernel_running(void)
{
	return __atomic_load_n(&rump_state, __ATOMIC_ACQUIRE) == RUMP_RUNNING;
}

int
param_get_u64(const char *name, uint64_t min, uint64_t max, uint64_t *valp)
{
	char buf[64];
	uint64_t v;
	int error;

	error = rumpuser_getparam(name, buf, sizeof(buf));
	if (error == ENOENT)
		return ENOENT;
	if (error != 0 || kstrtou64(buf, 10, &v) != 0 || v < min || v > max) {
		kprintf("rump: %s=\"%s\" is not a number from %llu to %llu\n",
		    name, error == 0 ? buf : "(too long)",
		    (unsigned long long)min, (unsigned long long)max);
		return EINVAL;
	}
	*valp = v;
	return 0;
}

static int
rump_params_read(struct rump_params *rp)
{
	static const struct {
		const char *name;
		uint64_t min, max;
		size_t off;
	} params[] = {
		{ "RUMP_NCPU", 1, 64, offsetof(struct rump_params, ncpu) },
		{ "RUMP_NOFILE", 16, 1048576, offsetof(struct rump_params, nofile) },
		{ "RUMP_VERBOSE", 0, 1, offsetof(struct rump_params, verbose) },
	};
	uint64_t hostcpus;
	int error = 0;

	rp->ncpu = 1;
	if (param_get_u64("_RUMPUSER_NCPU", 1, 1024, &hostcpus) == 0)
		rp->ncpu = MIN(hostcpus, 64);
	rp->nofile = NDFILE_DEFAULT;
	rp->verbose = 0;
	for (size_t i = 0; i < __arraycount(params); i++) {
		uint64_t *valp = (uint64_t *)((char *)rp + params[i].off);
		int e = param_get_u64(params[i].name, params[i].min,
		    params[i].max, valp);

		if (e == EINVAL)
			error = EINVAL;
	}
	return error;
}

static int rump_teardown(struct lwp *self);

static int
rump_boot(const struct rump_params *rp)
{
	struct lwp *l;
	int error;

	mutex_sysinit();
	error = ktime_init();
	if (error == 0)
		error = sched_init((unsigned)rp->ncpu);
	if (error != 0)
		return error;
	fd_deflimit = (int)rp->nofile;

	/* The booting thread becomes an lwp of process 1. */
	l = lwp_alloc(NULL, LW_IMPLICIT, "boot");
	lwp_setcur(l);
	sched_take_cpu(l);
	if ((error = proc_init()) != 0 || (error = poll_init()) != 0 ||
	    (error = sysctl_init()) != 0 || (error = kstat_init()) != 0)
		panic("rump_init: core failed to start: %d", error);
	lwp_attach(l, proc_default());
	if ((error = syscall_establish(kern_sysent)) != 0 ||
	    (error = softint_startup()) != 0 ||
	    (error = callout_startup()) != 0)
		panic("rump_init: core failed to start: %d", error);
	error = component_init_all();
	if (error != 0) {
		/* No half-booted kernel, and nobody saw it running. */
		kprintf("rump_init: a component failed (error %d); "
		    "shutting down\n", error);
		(void)rump_teardown(l);
		return error;
	}
	__atomic_store_n(&rump_state, RUMP_RUNNING, __ATOMIC_RELEASE);
	sched_give_cpu(l);
	if (rp->verbose)
		kprintf("rump: kernel booted with %u virtual CPUs\n", ncpu);
	return 0;
}

int
rump_init(void)
{
	struct rump_params rp;
	int state = RUMP_DOWN;
	int error;

	while (!__atomic_compare_exchange_n(&rump_state, &state, RUMP_BOOTING,
	    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (state == RUMP_RUNNING)
			return 0;
		if (state == RUMP_FINISHED)
			return EALREADY;
		/* Another thread is booting: wait for it. */
		rumpuser_clock_sleep(RUMPUSER_SLEEP_RELATIVE, 0, 1000000);
		state = RUMP_DOWN;
	}
	error = rumpuser_init(RUMPUSER_VERSION, &rump_hyp);
	if (error == 0)
		error = rump_params_read(&rp);
	if (error != 0) {
		__atomic_store_n(&rump_state, RUMP_DOWN, __ATOMIC_RELEASE);
		return error;
	}
	return rump_boot(&rp);
}

int
rump_fini(void)
{
	int state = RUMP_RUNNING;

	/* One caller takes it down; the others are told it is done. */
	if (!__atomic_compare_exchange_n(&rump_state, &state, RUMP_FINISHING,
	    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return state == RUMP_FINISHING || state == RUMP_FINISHED ?
		    EALREADY : EINVAL;
	lwp_enter();
	return rump_teardown(curlwp);
}

/*
 * Takes the kernel apart, from a failed boot or from rump_fini(); self
 * holds a virtual CPU.
 */
static int
rump_teardown(struct lwp *self)
{
	uint64_t leaked;

	rumppriv_lwproc_releaselwp();
	lwp_fini();
	lwp_detach(self);
	/* Processes exit here, closing their descriptors. */
	proc_fini();
	component_fini_all();
	callout_shutdown();
	softint_shutdown();
	kstat_fini();
	sysctl_fini();
	lwp_check_none();
	proc_shutdown();
	poll_fini();
	__atomic_store_n(&rump_state, RUMP_FINISHED, __ATOMIC_RELEASE);
	sched_give_cpu(self);
	sched_fini();
	lwp_setcur(NULL);
	lwp_destroy(self);

	leaked = rumppriv_kmem_inuse();
	if (leaked != 0) {
		kprintf("rump_fini: %llu bytes of kernel memory still in use\n",
		    (unsigned long long)leaked);
		rumppriv_kmem_dump();
		return EBUSY;
	}
	return 0;
}
