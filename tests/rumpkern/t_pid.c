/*
 * Pids: handed out counting up to proc_pidmax, then from 2 again skipping
 * those in use, and EAGAIN when none is left.  The test lowers
 * proc_pidmax to see the wrap and the end without making millions of
 * processes.
 */
#include "ktest.h"
#include "rumpkern/config.h"
#include "rumpkern/kern_private.h"
#include "rumpkern/lwp.h"

static void
set_pidmax(pid_t max)
{
	mutex_enter(&proc_lock);
	proc_pidmax = max;
	mutex_exit(&proc_lock);
}

static void
pids_wrap_to_2_and_skip_those_in_use(void **state)
{
	pid_t a, b, c, d;
	int error[4];

	(void)state;
	KTEST_ENTER();
	error[0] = rumppriv_lwproc_newproc(&a);
	set_pidmax(a + 2);
	error[1] = rumppriv_lwproc_newproc(&b);
	error[2] = rumppriv_lwproc_newproc(&c);
	(void)rumppriv_lwproc_exit(b);
	/* Only process 1, a and c are left; b's pid is free again. */
	error[3] = rumppriv_lwproc_newproc(&d);
	(void)rumppriv_lwproc_exit(a);
	(void)rumppriv_lwproc_exit(c);
	(void)rumppriv_lwproc_exit(d);
	set_pidmax(PID_MAX);
	KTEST_EXIT();
	for (int i = 0; i < 4; i++)
		assert_int_equal(error[i], 0);
	assert_int_equal(b, a + 1);
	assert_int_equal(c, a + 2);
	assert_int_equal(d, a == 2 ? 3 : 2);
}

static void
a_new_process_without_a_free_pid_is_eagain(void **state)
{
	int error[3], forked;
	pid_t a, b;

	(void)state;
	KTEST_ENTER();
	/* Pids 1 (process 1) and 2 only. */
	set_pidmax(2);
	error[0] = rumppriv_lwproc_newproc(&a);
	error[1] = rumppriv_lwproc_newproc(&b);
	forked = rumppriv_lwproc_rfork(RUMP_RFFDG);
	error[2] = rumppriv_lwproc_exit(a);
	set_pidmax(PID_MAX);
	KTEST_EXIT();
	assert_int_equal(error[0], 0);
	assert_int_equal(a, 2);
	assert_int_equal(error[1], EAGAIN);
	assert_int_equal(forked, EAGAIN);
	assert_int_equal(error[2], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(pids_wrap_to_2_and_skip_those_in_use),
		leak_test(a_new_process_without_a_free_pid_is_eagain),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
