/*
 * The kernel-test harness itself: an assertion that fails between
 * KTEST_ENTER() and KTEST_EXIT() jumps out of the test with a virtual CPU
 * and softnet_lock held; ktest_teardown() must give both back, so that the
 * next test runs as if nothing had happened.
 *
 * A failing test cannot run in this program's own group, or the program
 * would fail.  It runs in a child process, forked before this process made
 * any rump call, with its output thrown away; the child's exit status says
 * whether exactly the test meant to fail failed and the one after it passed
 * (and the kernel came apart clean: ktest_halt() ends the child with a
 * failure status otherwise).  The test in this process has no kernel to
 * ask about leaks, so it is not wrapped in leak_test(); the child's
 * rump_fini() checks the same.
 */
#include "ktest.h"
#include "rumpkern/kthread.h"

/* Host calls, declared here because kernel tests include no host header. */
int setenv(const char *name, const char *value, int overwrite);
pid_t fork(void);
pid_t waitpid(pid_t pid, int *status, int options);
int close(int fd);
void _exit(int status) __attribute__((noreturn));

static void
fails_holding_the_cpu_and_softnet_lock(void **state)
{
	(void)state;
	KTEST_ENTER();
	KTEST_ENTER();		/* nested, as a kernel thread calling rump_* */
	NET_LOCK();
	fail_msg("meant to fail");
}

static void
try_softnet_lock(void *arg)
{
	bool *took = arg;

	*took = mutex_tryenter(&softnet_lock);
	if (*took)
		NET_UNLOCK();
}

static void
runs_after_the_failure_with_nothing_held(void **state)
{
	struct lwp *self = lwp_cur, *l;
	bool took = false;

	(void)state;
	assert_true(self == NULL || self->l_cpu == NULL);
	KTEST_ENTER();
	assert_false(mutex_owned(&softnet_lock));
	/* Another thread can have the lock, and the one CPU to take it on. */
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, try_softnet_lock,
	    &took, &l, "trylock"), 0);
	kthread_join(l);
	assert_true(took);
	KTEST_EXIT();
}

static int
run_failing_group(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(fails_holding_the_cpu_and_softnet_lock),
		leak_test(runs_after_the_failure_with_nothing_held),
	};

	/* One CPU: had the failed test kept it, nothing else could run. */
	setenv("RUMP_NCPU", "1", 1);
	close(1);
	close(2);
	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt) == 1 ?
	    0 : 1;
}

static void
a_failed_assertion_inside_a_region_lets_the_next_test_run(void **state)
{
	int status = -1;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0)
		_exit(run_failing_group());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* Exited (low 7 bits clear) with status 0. */
	assert_int_equal(status, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_failed_assertion_inside_a_region_lets_the_next_test_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
