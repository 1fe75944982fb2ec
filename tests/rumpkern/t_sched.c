/*
 * Virtual CPUs, seen from inside the kernel: with a single virtual CPU,
 * kernel threads and the test's host thread take turns, each giving the
 * CPU back whenever it blocks.  Were any of these waits to keep the CPU,
 * the test would never finish.
 */
#include "ktest.h"
#include "rumpkern/condvar.h"
#include "rumpkern/kthread.h"
#include "rumpkern/ktime.h"

/*
 * The one host call this test makes, before the kernel boots.  Kernel
 * tests include no host header, so it is declared here.
 */
int setenv(const char *name, const char *value, int overwrite);

static struct {
	kmutex_t lock;
	kcondvar_t cv;
	int turn;
	int rounds;
	bool started;
	bool stop;
	pid_t contender;	/* atomic: the contender's host thread */
	int entered;
} sh;

static void
sh_init(void)
{
	memset(&sh, 0, sizeof(sh));
	mutex_init(&sh.lock, MUTEX_DEFAULT);
	cv_init(&sh.cv);
}

static void
sh_fini(void)
{
	cv_destroy(&sh.cv);
	mutex_destroy(&sh.lock);
}

static void
the_kernel_has_one_virtual_cpu(void **state)
{
	unsigned n;

	(void)state;
	KTEST_ENTER();
	n = ncpu;
	KTEST_EXIT();
	assert_int_equal(n, 1);
}

static void
pong(void *arg)
{
	(void)arg;
	mutex_enter(&sh.lock);
	for (int i = 0; i < sh.rounds; i++) {
		while (sh.turn != 1)
			cv_wait(&sh.cv, &sh.lock);
		sh.turn = 0;
		cv_broadcast(&sh.cv);
	}
	mutex_exit(&sh.lock);
}

static void
kernel_and_host_thread_take_turns_through_a_condvar(void **state)
{
	struct lwp *l;
	int turn, error;

	(void)state;
	KTEST_ENTER();
	sh_init();
	sh.rounds = 5000;
	error = kthread_create(KTHREAD_MUSTJOIN, pong, NULL, &l, "pong");
	mutex_enter(&sh.lock);
	for (int i = 0; error == 0 && i < sh.rounds; i++) {
		sh.turn = 1;
		cv_broadcast(&sh.cv);
		while (sh.turn != 0)
			cv_wait(&sh.cv, &sh.lock);
	}
	turn = sh.turn;
	mutex_exit(&sh.lock);
	if (error == 0)
		kthread_join(l);
	sh_fini();
	KTEST_EXIT();

	assert_int_equal(error, 0);
	assert_int_equal(turn, 0);
}

static void
nap_until_stopped(void *arg)
{
	(void)arg;
	mutex_enter(&sh.lock);
	sh.started = true;
	cv_broadcast(&sh.cv);
	while (!sh.stop) {
		mutex_exit(&sh.lock);
		/* Between naps the CPU is held; only kpause gives it back. */
		kpause(NSEC_PER_TICK);
		mutex_enter(&sh.lock);
	}
	mutex_exit(&sh.lock);
}

static void
kernel_thread_in_kpause_lets_the_host_thread_run(void **state)
{
	struct lwp *l;
	int error;

	(void)state;
	KTEST_ENTER();
	sh_init();
	error = kthread_create(KTHREAD_MUSTJOIN, nap_until_stopped, NULL, &l,
	    "napper");
	mutex_enter(&sh.lock);
	while (error == 0 && !sh.started)
		cv_wait(&sh.cv, &sh.lock);
	/* Back on the CPU while the other thread still naps. */
	sh.stop = true;
	mutex_exit(&sh.lock);
	if (error == 0)
		kthread_join(l);
	sh_fini();
	KTEST_EXIT();

	assert_int_equal(error, 0);
}

static void
enter_contended(void *arg)
{
	kmutex_t *m = arg;

	__atomic_store_n(&sh.contender, gettid(), __ATOMIC_RELEASE);
	mutex_enter(m);
	sh.entered = 1;
	mutex_exit(m);
}

static void
thread_waiting_for_a_mutex_gives_back_its_cpu(void **state)
{
	kmutex_t m;
	struct lwp *l;
	int error, entered_early;

	(void)state;
	KTEST_ENTER();
	sh_init();
	mutex_init(&m, MUTEX_DEFAULT);
	mutex_enter(&m);
	error = kthread_create(KTHREAD_MUSTJOIN, enter_contended, &m, &l,
	    "contender");
	/*
	 * Let it run into the held mutex and block there; it must give the
	 * one CPU back, or this thread could not take it again.
	 */
	KTEST_EXIT();
	if (error == 0)
		ktest_wait_thread_asleep(&sh.contender);
	KTEST_ENTER();
	entered_early = sh.entered;
	mutex_exit(&m);
	if (error == 0)
		kthread_join(l);
	mutex_destroy(&m);
	sh_fini();
	KTEST_EXIT();

	assert_int_equal(error, 0);
	assert_int_equal(entered_early, 0);
	assert_int_equal(sh.entered, 1);
}

static void
many_kernel_threads_share_one_cpu(void **state)
{
	enum { N = 16 };
	struct lwp *l[N];
	int error = 0;

	(void)state;
	KTEST_ENTER();
	sh_init();
	sh.rounds = 200;
	/* Each passes the turn on; together they need all to be scheduled. */
	for (int i = 0; i < N && error == 0; i++)
		error = kthread_create(KTHREAD_MUSTJOIN, pong, NULL, &l[i],
		    "pong");
	mutex_enter(&sh.lock);
	for (int i = 0; error == 0 && i < N * sh.rounds; i++) {
		sh.turn = 1;
		cv_broadcast(&sh.cv);
		while (sh.turn != 0)
			cv_wait(&sh.cv, &sh.lock);
	}
	mutex_exit(&sh.lock);
	for (int i = 0; i < N && error == 0; i++)
		kthread_join(l[i]);
	sh_fini();
	KTEST_EXIT();

	assert_int_equal(error, 0);
}

static void
count_and_exit(void *arg)
{
	(void)arg;
	mutex_enter(&sh.lock);
	sh.entered++;
	cv_broadcast(&sh.cv);
	mutex_exit(&sh.lock);
}

static uint64_t
lwps_in_use(void)
{
	struct rump_kmem_stat st;

	rumppriv_kmem_stat("lwp", &st);
	return st.blocks;
}

static void
detached_kernel_threads_run_and_free_their_lwps(void **state)
{
	enum { N = 200 };
	uint64_t before;
	int error = 0;

	(void)state;
	KTEST_ENTER();
	sh_init();
	before = lwps_in_use();
	for (int i = 0; i < N && error == 0; i++)
		error = kthread_create(0, count_and_exit, NULL, NULL, "detached");
	mutex_enter(&sh.lock);
	while (error == 0 && sh.entered < N)
		cv_wait(&sh.cv, &sh.lock);
	mutex_exit(&sh.lock);
	/* Each frees its own lwp on the way out; wait for the last. */
	while (lwps_in_use() != before)
		kpause(NSEC_PER_TICK);
	sh_fini();
	KTEST_EXIT();

	assert_int_equal(error, 0);
	assert_int_equal(sh.entered, N);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(the_kernel_has_one_virtual_cpu),
		leak_test(kernel_and_host_thread_take_turns_through_a_condvar),
		leak_test(kernel_thread_in_kpause_lets_the_host_thread_run),
		leak_test(thread_waiting_for_a_mutex_gives_back_its_cpu),
		leak_test(many_kernel_threads_share_one_cpu),
		leak_test(detached_kernel_threads_run_and_free_their_lwps),
	};

	setenv("RUMP_NCPU", "1", 1);
	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
