/*
 * A program may name its own functions as the kernel names its own.
 *
 * Linked with librump alone.  Every function below has the name of a
 * kernel function but another signature and another job; the build
 * renames the kernel's to rumpns_*, so the program's and the kernel's
 * live side by side: the kernel never calls these, and they never reach
 * the kernel.
 */
#include "apitest.h"

int callout_reset(const char *who);
long kmem_alloc(long a, long b);
int mutex_enter(void);
const char *panic(int code);
int fd_close(int fd);
int kprintf(char *buf, size_t len);
double sched_take_cpu(double x);

static int calls;

int
callout_reset(const char *who)
{
	calls++;
	return (int)strlen(who);
}

long
kmem_alloc(long a, long b)
{
	calls++;
	return a * b;
}

int
mutex_enter(void)
{
	return ++calls;
}

const char *
panic(int code)
{
	calls++;
	return code == 0 ? "no panic" : "still no panic";
}

int
fd_close(int fd)
{
	calls++;
	return -fd;
}

int
kprintf(char *buf, size_t len)
{
	calls++;
	return snprintf(buf, len, "program's kprintf");
}

double
sched_take_cpu(double x)
{
	calls++;
	return x / 2;
}

static void
kernel_runs_beside_functions_named_like_its_own(void **state)
{
	int p[2];
	char buf[16];

	(void)state;
	calls = 0;
	assert_int_equal(rump_sys_getpid(), 1);
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_write(p[1], "beside", 6), 6);
	assert_int_equal(rump_sys_read(p[0], buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "beside", 6);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
	/* The kernel allocated, locked, closed and printed without them. */
	assert_int_equal(calls, 0);
}

static void
the_programs_functions_are_the_programs(void **state)
{
	char buf[32];

	(void)state;
	calls = 0;
	assert_int_equal(callout_reset("four"), 4);
	assert_int_equal(kmem_alloc(6, 7), 42);
	assert_int_equal(mutex_enter(), 3);
	assert_string_equal(panic(0), "no panic");
	assert_int_equal(fd_close(5), -5);
	assert_int_equal(kprintf(buf, sizeof(buf)), 17);
	assert_string_equal(buf, "program's kprintf");
	assert_true(sched_take_cpu(3.0) == 1.5);
	assert_int_equal(calls, 7);
}

static void
a_kernel_error_still_reaches_the_program_as_errno(void **state)
{
	(void)state;
	errno = 0;
	assert_int_equal(rump_sys_close(1000), -1);
	assert_int_equal(errno, EBADF);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(kernel_runs_beside_functions_named_like_its_own),
		leak_test(the_programs_functions_are_the_programs),
		leak_test(a_kernel_error_still_reaches_the_program_as_errno),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
