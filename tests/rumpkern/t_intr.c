/*
 * Interruptible sleeps from inside the kernel: the orders of events
 * between a sleeper and its interrupter that the public calls cannot
 * choose.  With one virtual CPU the test thread decides when the sleeper
 * runs: a sleeper that has its interlock back but no CPU waits until the
 * test gives the CPU up.
 */
#include "ktest.h"
#include "rumpkern/condvar.h"
#include "rumpkern/kern_private.h"
#include "rumpkern/kthread.h"
#include "rumpkern/ktime.h"

/* The one host call this test makes, before the kernel boots. */
int setenv(const char *name, const char *value, int overwrite);

static struct {
	kmutex_t lock;
	kcondvar_t cv;
	struct lwp *sleeper;
	int error;
} sh;

static void
sleep_once(void *arg)
{
	(void)arg;
	mutex_enter(&sh.lock);
	sh.error = cv_wait_sig(&sh.cv, &sh.lock);
	mutex_exit(&sh.lock);
	kthread_exit(0);
}

/* The sleeper started and asleep on sh.cv; the caller has no CPU. */
static void
start_sleeper(void)
{
	bool asleep = false;

	mutex_init(&sh.lock, MUTEX_DEFAULT);
	cv_init(&sh.cv);
	sh.error = -1;
	KTEST_ENTER();
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, sleep_once, NULL,
	    &sh.sleeper, "sleeper"), 0);
	KTEST_EXIT();
	/* Counted as a waiter under the lock: in the host wait. */
	while (!asleep) {
		KTEST_ENTER();
		mutex_enter(&sh.lock);
		asleep = cv_has_waiters(&sh.cv);
		mutex_exit(&sh.lock);
		KTEST_EXIT();
		if (!asleep)
			rumpuser_clock_sleep(RUMPUSER_SLEEP_RELATIVE, 0, 1000000);
	}
}

static void
join_sleeper(void)
{
	KTEST_ENTER();
	assert_int_equal(kthread_join(sh.sleeper), 0);
	cv_destroy(&sh.cv);
	mutex_destroy(&sh.lock);
	KTEST_EXIT();
}

static bool
mark(struct lwp *l, int why)
{
	bool asleep;

	mutex_enter(&proc_lock);
	asleep = lwp_interrupt_mark(l, why);
	mutex_exit(&proc_lock);
	return asleep;
}

static void
an_interrupt_wakes_a_sleeper_with_eintr(void **state)
{
	(void)state;
	start_sleeper();
	KTEST_ENTER();
	assert_true(mark(sh.sleeper, LI_PENDING));
	lwp_interrupt_wake(sh.sleeper);
	KTEST_EXIT();
	join_sleeper();
	assert_int_equal(sh.error, EINTR);
}

static void
a_plain_wakeup_is_not_an_interrupt(void **state)
{
	(void)state;
	start_sleeper();
	KTEST_ENTER();
	mutex_enter(&sh.lock);
	cv_broadcast(&sh.cv);
	mutex_exit(&sh.lock);
	KTEST_EXIT();
	join_sleeper();
	assert_int_equal(sh.error, 0);
}

/*
 * The sleeper is woken for another reason after the interrupter marked
 * it but before the interrupter has the interlock: it must not leave,
 * since the interrupter is about to use the interlock and condition
 * variable, until the interrupter's broadcast.  The sleeper is made to
 * hold the interlock, waiting for the test's CPU, when the interrupter
 * asks for it.
 */
static void
a_sleeper_woken_meanwhile_waits_for_its_interrupter(void **state)
{
	(void)state;
	start_sleeper();
	KTEST_ENTER();
	assert_true(mark(sh.sleeper, LI_PENDING));
	mutex_enter(&sh.lock);
	cv_broadcast(&sh.cv);
	mutex_exit(&sh.lock);
	/* It takes the interlock back, then waits for this CPU. */
	while (mutex_tryenter(&sh.lock)) {
		mutex_exit(&sh.lock);
		rumpuser_clock_sleep(RUMPUSER_SLEEP_RELATIVE, 0, 1000000);
	}
	lwp_interrupt_wake(sh.sleeper);
	KTEST_EXIT();
	join_sleeper();
	assert_int_equal(sh.error, EINTR);
}

static void
an_exiting_lwp_does_not_sleep(void **state)
{
	struct lwp *l;
	int error[2];

	(void)state;
	mutex_init(&sh.lock, MUTEX_DEFAULT);
	cv_init(&sh.cv);
	KTEST_ENTER();
	l = curlwp;
	assert_false(mark(l, LI_EXIT));
	mutex_enter(&sh.lock);
	error[0] = cv_wait_sig(&sh.cv, &sh.lock);
	error[1] = cv_wait_sig_until(&sh.cv, &sh.lock, getnsuptime() +
	    NSEC_PER_SEC);
	mutex_exit(&sh.lock);
	mutex_enter(&proc_lock);
	lwp_intr_reset(l, l->l_proc);
	mutex_exit(&proc_lock);
	cv_destroy(&sh.cv);
	mutex_destroy(&sh.lock);
	KTEST_EXIT();
	assert_int_equal(error[0], EINTR);
	assert_int_equal(error[1], EINTR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(an_interrupt_wakes_a_sleeper_with_eintr),
		leak_test(a_plain_wakeup_is_not_an_interrupt),
		leak_test(a_sleeper_woken_meanwhile_waits_for_its_interrupter),
		leak_test(an_exiting_lwp_does_not_sleep),
	};

	setenv("RUMP_NCPU", "1", 1);
	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
