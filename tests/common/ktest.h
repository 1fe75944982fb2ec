/*
 * For unit tests of kernel internals.  Such a test is compiled against the
 * kernel's private headers and its object is renamed like the kernel's
 * (kmem_alloc becomes rumpns_kmem_alloc), so it calls kernel functions by
 * their kernel names.  It includes no host header besides what cmocka
 * needs, since kernel headers declare the host ABI themselves.
 *
 * A test body runs kernel code between KTEST_ENTER() and KTEST_EXIT(),
 * which take and give back a virtual CPU.  An assertion may fail inside
 * that region: cmocka then jumps out of the test with the CPU (and perhaps
 * softnet_lock) still held.  leak_test() here runs ktest_teardown() after
 * every test, which gives both back before anything else, so one failure
 * does not hang or fail the tests after it (tests/rumpkern/t_ktest.c).
 */
#ifndef TESTS_KTEST_H
#define TESTS_KTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rump/rumpuser.h"
#include "rumpkern/kern.h"
#include "rumpkern/lwp.h"
#include "rumpkern/rump_private.h"
#include "rumpnet/netlock.h"
#include "leakcheck.h"

#define KTEST_ENTER()	rump_schedule()
#define KTEST_EXIT()	rump_unschedule()

/* Boots the kernel for a group; finishes it and checks it came apart clean. */
static inline int
ktest_boot(void **state)
{
	(void)state;
	return rump_init();
}

/* cmocka does not count a failed group teardown: this ends the program. */
static inline void
ktest_halt_failed(const char *why, int error)
{
	kprintf("ktest: %s (error %d)\n", why, error);
	rumpuser_exit(1);
}

/*
 * Shuts the kernel down; a failed rump_fini() (kernel memory still in
 * use, for one) fails the program.
 */
static inline int
ktest_halt(void **state)
{
	int error;

	(void)state;
	error = rump_fini();
	if (error != 0)
		ktest_halt_failed("rump_fini failed", error);
	return 0;
}

/*
 * What a test that failed inside KTEST_ENTER()/KTEST_EXIT() left held:
 * softnet_lock, if this thread owns it, and the virtual CPU however deep
 * the rump_schedule() nesting went.  Nothing otherwise.  The test's own
 * locks and memory are its own business (the leak check reports memory).
 */
static inline void
ktest_release(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l == NULL || l->l_cpu == NULL)
		return;
	if (mutex_owned(&softnet_lock))
		NET_UNLOCK();
	l->l_nesting = 0;
	rump_unschedule();
}

static inline int
ktest_teardown(void **state)
{
	ktest_release();
	return leakcheck_teardown(state);
}

/* Kernel tests: the leak check, after giving back what a failure held. */
#undef leak_test
#define leak_test(f)	cmocka_unit_test_setup_teardown(f, leakcheck_setup, \
	ktest_teardown)

#endif
