/*
 * Virtual CPUs, seen by host threads through the public interface.
 *
 * The kernel boots once per process, so each CPU count gets its own child
 * process, forked before any rump call: one group runs with RUMP_NCPU=1,
 * one with RUMP_NCPU=2.  Where a wrong kernel would make a thread wait
 * forever, the test hangs rather than fails; no assertion bounds how long
 * anything took.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apitest.h"
#include "threadstate.h"


struct reader {
	pid_t tid;
	int fd;
	char buf[16];
	ssize_t got;
	int error;
};

static void *
read_pipe(void *arg)
{
	struct reader *r = arg;

	__atomic_store_n(&r->tid, thread_self_id(), __ATOMIC_RELEASE);
	r->got = rump_sys_read(r->fd, r->buf, sizeof(r->buf));
	r->error = errno;
	return NULL;
}

static void
reader_blocked_on_empty_pipe_does_not_keep_the_cpu(void **state)
{
	struct reader r = { .got = -2 };
	pthread_t t;
	int fds[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	r.fd = fds[0];
	assert_int_equal(pthread_create(&t, NULL, read_pipe, &r), 0);
	/* The reader is blocked in the kernel; the write must get in anyway. */
	wait_thread_asleep(&r.tid);
	assert_int_equal(rump_sys_write(fds[1], "wake", 4), 4);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(r.got, 4);
	assert_memory_equal(r.buf, "wake", 4);
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

/* Two host threads bounce a counter through two pipes. */
struct bouncer {
	int in, out;
	int rounds;
	int failed;
};

static void *
bounce(void *arg)
{
	struct bouncer *b = arg;
	int v;

	for (int i = 0; i < b->rounds; i++) {
		if (rump_sys_read(b->in, &v, sizeof(v)) != sizeof(v)) {
			b->failed++;
			break;
		}
		v++;
		if (rump_sys_write(b->out, &v, sizeof(v)) != sizeof(v)) {
			b->failed++;
			break;
		}
	}
	return NULL;
}

static void
host_threads_take_turns_through_pipes(void **state)
{
	enum { ROUNDS = 2000 };
	int ab[2], ba[2], v = 0;
	struct bouncer a, b;
	pthread_t ta, tb;

	(void)state;
	assert_int_equal(rump_sys_pipe2(ab, 0), 0);
	assert_int_equal(rump_sys_pipe2(ba, 0), 0);
	a = (struct bouncer){ .in = ba[0], .out = ab[1], .rounds = ROUNDS };
	b = (struct bouncer){ .in = ab[0], .out = ba[1], .rounds = ROUNDS };
	assert_int_equal(pthread_create(&ta, NULL, bounce, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, bounce, &b), 0);
	/* Both wait in read until this starts the ball. */
	assert_int_equal(rump_sys_write(ba[1], &v, sizeof(v)), sizeof(v));
	assert_int_equal(pthread_join(ta, NULL), 0);
	assert_int_equal(pthread_join(tb, NULL), 0);
	assert_int_equal(a.failed + b.failed, 0);
	assert_int_equal(rump_sys_read(ba[0], &v, sizeof(v)), sizeof(v));
	assert_int_equal(v, 2 * ROUNDS);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rump_sys_close(ab[i]), 0);
		assert_int_equal(rump_sys_close(ba[i]), 0);
	}
}

/* Enters the kernel (needs a CPU) and says so. */
static int entered;
static pid_t enterer;

static void *
enter_kernel(void *arg)
{
	(void)arg;
	__atomic_store_n(&enterer, thread_self_id(), __ATOMIC_RELEASE);
	if (rump_sys_getpid() == 1)
		__atomic_add_fetch(&entered, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void
one_cpu_admits_one_thread_at_a_time(void **state)
{
	pthread_t t;
	int early;

	(void)state;
	__atomic_store_n(&entered, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&enterer, 0, __ATOMIC_SEQ_CST);
	rump_schedule();
	assert_int_equal(pthread_create(&t, NULL, enter_kernel, NULL), 0);
	/* It sleeps waiting for the one CPU, which we hold. */
	wait_thread_asleep(&enterer);
	early = __atomic_load_n(&entered, __ATOMIC_SEQ_CST);
	rump_unschedule();
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(early, 0);
	assert_int_equal(entered, 1);
}

static void
host_thread_lwp_is_freed_when_the_thread_exits(void **state)
{
	struct rump_kmem_stat before, after;
	pthread_t t;

	(void)state;
	assert_int_equal(rump_kmem_stat("lwp", &before), 0);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(pthread_create(&t, NULL, enter_kernel, NULL), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
	}
	assert_int_equal(rump_kmem_stat("lwp", &after), 0);
	assert_int_equal(after.blocks, before.blocks);
	assert_int_equal(after.total, before.total + 50);
}

/*
 * Holds a CPU until the other holder is known to hold one too: with fewer
 * than two CPUs, neither would ever see the other.
 */
static int inside;
static int leave;

static void *
meet_inside(void *arg)
{
	(void)arg;
	rump_schedule();
	__atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&inside, __ATOMIC_SEQ_CST) < 2)
		sched_yield();
	while (!__atomic_load_n(&leave, __ATOMIC_SEQ_CST))
		sched_yield();
	rump_unschedule();
	return NULL;
}

static void
two_cpus_run_two_threads_in_the_kernel_at_once(void **state)
{
	pthread_t a, b, c;
	int early;

	(void)state;
	__atomic_store_n(&inside, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&leave, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&entered, 0, __ATOMIC_SEQ_CST);
	assert_int_equal(pthread_create(&a, NULL, meet_inside, NULL), 0);
	assert_int_equal(pthread_create(&b, NULL, meet_inside, NULL), 0);
	while (__atomic_load_n(&inside, __ATOMIC_SEQ_CST) < 2)
		sched_yield();
	/* Both CPUs are taken: a third thread sleeps waiting for one. */
	__atomic_store_n(&enterer, 0, __ATOMIC_SEQ_CST);
	assert_int_equal(pthread_create(&c, NULL, enter_kernel, NULL), 0);
	wait_thread_asleep(&enterer);
	early = __atomic_load_n(&entered, __ATOMIC_SEQ_CST);
	__atomic_store_n(&leave, 1, __ATOMIC_SEQ_CST);
	assert_int_equal(pthread_join(a, NULL), 0);
	assert_int_equal(pthread_join(b, NULL), 0);
	assert_int_equal(pthread_join(c, NULL), 0);
	assert_int_equal(early, 0);
	assert_int_equal(entered, 1);
}

static int
boot_one_cpu(void **state)
{
	setenv("RUMP_NCPU", "1", 1);
	return apitest_boot(state);
}

static int
boot_two_cpus(void **state)
{
	setenv("RUMP_NCPU", "2", 1);
	return apitest_boot(state);
}

static int
one_cpu(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(reader_blocked_on_empty_pipe_does_not_keep_the_cpu),
		leak_test(host_threads_take_turns_through_pipes),
		leak_test(one_cpu_admits_one_thread_at_a_time),
		leak_test(host_thread_lwp_is_freed_when_the_thread_exits),
	};

	return cmocka_run_group_tests_name("RUMP_NCPU=1", tests, boot_one_cpu,
	    apitest_halt);
}

static int
two_cpus(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(two_cpus_run_two_threads_in_the_kernel_at_once),
		leak_test(reader_blocked_on_empty_pipe_does_not_keep_the_cpu),
		leak_test(host_threads_take_turns_through_pipes),
	};

	return cmocka_run_group_tests_name("RUMP_NCPU=2", tests, boot_two_cpus,
	    apitest_halt);
}

/* Runs a group in a child process, which boots its own kernel. */
static int
in_child(int (*group)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0)
		exit(group());
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "group died of signal %d\n", WTERMSIG(status));
		return 1;
	}
	return WEXITSTATUS(status);
}

int
main(void)
{
	int failed = 0;

	failed += in_child(one_cpu);
	failed += in_child(two_cpus);
	return failed != 0;
}
