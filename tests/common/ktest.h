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

/* The host's id of the calling thread (a host call: declared here). */
pid_t gettid(void);

/* The state letter of host thread tid of this process (R, S, D, ...), or 0. */
static inline char
ktest_thread_state(pid_t tid)
{
	char path[64], buf[512];
	rumpuser_size_t n = 0;
	int fd, i;

	ksnprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	if (rumpuser_open(path, RUMPUSER_OPEN_RDONLY, &fd) != 0)
		return 0;
	if (rumpuser_pread(fd, buf, sizeof(buf) - 1, 0, &n) != 0)
		n = 0;
	rumpuser_close(fd);
	/* "tid (comm) S ...": the comm may hold spaces, the last ')' ends it. */
	for (i = (int)n - 1; i >= 0 && buf[i] != ')'; i--)
		continue;
	return i >= 0 && i + 2 < (int)n && buf[i + 1] == ' ' ? buf[i + 2] : 0;
}

/*
 * Waits (up to ten seconds) until the thread whose id *tidp gets (from
 * gettid()) is asleep in the host: blocked on a lock or a condition, not
 * merely slow.  As tests/common/threadstate.h, for kernel tests.  Called
 * outside KTEST_ENTER()/KTEST_EXIT(), since the thread may need the CPU
 * to get there.
 */
static inline void
ktest_wait_thread_asleep(const pid_t *tidp)
{
	for (int i = 0; i < 10000; i++) {
		pid_t tid = __atomic_load_n(tidp, __ATOMIC_ACQUIRE);

		if (tid != 0 && ktest_thread_state(tid) == 'S')
			return;
		rumpuser_clock_sleep(RUMPUSER_SLEEP_RELATIVE, 0, 1000000);
	}
	fail_msg("the thread never went to sleep");
}

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
	struct lwp *l = lwp_cur;

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
