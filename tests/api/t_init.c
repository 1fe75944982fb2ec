/*
 * Booting and shutting down: rump_init() and rump_fini().
 *
 * A kernel boots once per process and cannot boot again after rump_fini(),
 * so most of these tests run in a child process forked before this
 * process made any rump call; the child's exit status is what it got from
 * the kernel, and its standard error is collected for the messages.  Those
 * tests cannot wrap leak_test() around themselves, as the parent has no
 * kernel to ask; the children check the same thing, since rump_fini()
 * fails with EBUSY when kernel memory is still in use.  The last group
 * boots the kernel in this process and runs under leak_test().
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apitest.h"

struct child {
	int status;		/* exit status, or -1 if it did not exit */
	char err[4096];		/* what it wrote to standard error */
};

/* Runs fn in a child process; its return value is the exit status. */
static void
in_child(int (*fn)(void), struct child *c)
{
	int p[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	assert_int_equal(pipe(p), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 2);
		close(p[1]);
		exit(fn());
	}
	close(p[1]);
	while ((n = read(p[0], c->err + len, sizeof(c->err) - 1 - len)) > 0)
		len += (size_t)n;
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	c->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (c->err[0] != '\0')
		print_message("child said: %s", c->err);
}

static int
init_with_ncpu_0(void)
{
	setenv("RUMP_NCPU", "0", 1);
	return rump_init();
}

static void
ncpu_0_is_einval_with_a_message(void **state)
{
	struct child c;

	(void)state;
	in_child(init_with_ncpu_0, &c);
	assert_int_equal(c.status, EINVAL);
	assert_non_null(strstr(c.err, "RUMP_NCPU=\"0\""));
}

static int
init_with_ncpu_abc(void)
{
	setenv("RUMP_NCPU", "abc", 1);
	return rump_init();
}

static void
ncpu_not_a_number_is_einval_with_a_message(void **state)
{
	struct child c;

	(void)state;
	in_child(init_with_ncpu_abc, &c);
	assert_int_equal(c.status, EINVAL);
	assert_non_null(strstr(c.err, "RUMP_NCPU=\"abc\""));
}

static int
init_with_ncpu_65(void)
{
	setenv("RUMP_NCPU", "65", 1);
	return rump_init();
}

static void
ncpu_above_64_is_einval_with_a_message(void **state)
{
	struct child c;

	(void)state;
	in_child(init_with_ncpu_65, &c);
	assert_int_equal(c.status, EINVAL);
	assert_non_null(strstr(c.err, "RUMP_NCPU=\"65\""));
}

static int
init_with_nofile_5(void)
{
	setenv("RUMP_NOFILE", "5", 1);
	return rump_init();
}

static void
nofile_below_16_is_einval_with_a_message(void **state)
{
	struct child c;

	(void)state;
	in_child(init_with_nofile_5, &c);
	assert_int_equal(c.status, EINVAL);
	assert_non_null(strstr(c.err, "RUMP_NOFILE=\"5\""));
}

static int
init_with_verbose_2(void)
{
	setenv("RUMP_VERBOSE", "2", 1);
	return rump_init();
}

static void
verbose_2_is_einval_with_a_message(void **state)
{
	struct child c;

	(void)state;
	in_child(init_with_verbose_2, &c);
	assert_int_equal(c.status, EINVAL);
	assert_non_null(strstr(c.err, "RUMP_VERBOSE=\"2\""));
}

/* A bad parameter leaves nothing behind: fixed, the next call boots. */
static int
init_bad_then_good(void)
{
	int error;

	setenv("RUMP_NCPU", "-1", 1);
	if ((error = rump_init()) != EINVAL)
		return 100 + error;
	setenv("RUMP_NCPU", "2", 1);
	if ((error = rump_init()) != 0)
		return 100 + error;
	if (rump_sys_getpid() != 1)
		return 99;
	return rump_fini();
}

static void
init_after_a_bad_parameter_was_fixed_boots(void **state)
{
	struct child c;

	(void)state;
	in_child(init_bad_then_good, &c);
	assert_int_equal(c.status, 0);
}

/* Opens descriptors until EMFILE; returns 0 if exactly limit opened. */
static int
count_descriptors(int limit)
{
	int p[2], n, error;

	if ((error = rump_init()) != 0)
		return 100 + error;
	if (rump_sys_pipe2(p, 0) != 0)
		return 1;
	for (n = 2; rump_sys_dup(0) == n; n++)
		continue;
	if (errno != EMFILE || n != limit)
		return 2;
	return rump_fini();
}

static int
nofile_16(void)
{
	setenv("RUMP_NOFILE", "16", 1);
	return count_descriptors(16);
}

static int
nofile_100(void)
{
	setenv("RUMP_NOFILE", "100", 1);
	return count_descriptors(100);
}

static void
nofile_sets_the_exact_descriptor_limit(void **state)
{
	struct child c;

	(void)state;
	in_child(nofile_16, &c);
	assert_int_equal(c.status, 0);
	/* Not a multiple of the table's 64-bit words. */
	in_child(nofile_100, &c);
	assert_int_equal(c.status, 0);
}

static int
init_verbose(void)
{
	int error;

	setenv("RUMP_VERBOSE", "1", 1);
	setenv("RUMP_NCPU", "3", 1);
	if ((error = rump_init()) != 0)
		return error;
	return rump_fini();
}

static void
verbose_boot_says_how_many_cpus(void **state)
{
	struct child c;

	(void)state;
	in_child(init_verbose, &c);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.err, "3 virtual CPUs"));
}

static int
init_fini_init(void)
{
	int error;

	if ((error = rump_init()) != 0)
		return 100 + error;
	if ((error = rump_fini()) != 0)
		return 100 + error;
	if ((error = rump_fini()) != EALREADY)
		return 100 + error;
	return rump_init();
}

static void
init_after_fini_is_ealready(void **state)
{
	struct child c;

	(void)state;
	in_child(init_fini_init, &c);
	assert_int_equal(c.status, EALREADY);
}

static int
fini_without_init(void)
{
	return rump_fini();
}

static void
fini_before_init_is_einval(void **state)
{
	struct child c;

	(void)state;
	in_child(fini_without_init, &c);
	assert_int_equal(c.status, EINVAL);
}

/* Exit status 0 when both calls failed with ENOSYS. */
static int
syscalls_outside_the_kernels_life(void)
{
	int before, after;

	errno = 0;
	before = rump_sys_getpid() == -1 && errno == ENOSYS;
	if (rump_init() != 0 || rump_fini() != 0)
		return 2;
	errno = 0;
	after = rump_sys_getpid() == -1 && errno == ENOSYS;
	return before && after ? 0 : 1;
}

static void
syscall_before_init_or_after_fini_is_enosys(void **state)
{
	struct child c;

	(void)state;
	in_child(syscalls_outside_the_kernels_life, &c);
	assert_int_equal(c.status, 0);
}

static int
lwproc_call_without_a_kernel(void)
{
	return rump_lwproc_rfork(RUMP_RFCFDG);
}

static void
interface_call_without_a_kernel_is_enosys(void **state)
{
	struct child c;

	(void)state;
	in_child(lwproc_call_without_a_kernel, &c);
	assert_int_equal(c.status, ENOSYS);
}

/* Host pipes: the thread below says it is in, and waits to be let go. */
static int hello[2], bye[2];

static void *
enter_and_stay(void *arg)
{
	char c = 0;
	int p[2];

	(void)arg;
	/*
	 * Its lwp, in a process of its own with a pipe open, outlives the
	 * kernel: the thread is alive during rump_fini.
	 */
	if (rump_lwproc_rfork(RUMP_RFCFDG) != 0 || rump_sys_pipe2(p, 0) != 0)
		c = 1;
	if (write(hello[1], &c, 1) != 1 || read(bye[0], &c, 1) != 1)
		return (void *)1;
	return NULL;
}

/*
 * Leaves everything open that a program might: descriptors in process 1
 * and in a forked process, a live host thread with an lwp.  rump_fini()
 * must free all of it (it fails with EBUSY if kernel memory remains, and
 * LeakSanitizer, when on, checks the host's side at exit).
 */
static int
fini_with_everything_open(void)
{
	int p[2], q[2], error;
	pthread_t t;
	void *rv;
	char c = 1;

	if (pipe(hello) != 0 || pipe(bye) != 0)
		return 1;
	if ((error = rump_init()) != 0)
		return 100 + error;
	if (rump_sys_pipe2(p, 0) != 0 || rump_sys_write(p[1], "x", 1) != 1)
		return 2;
	if (pthread_create(&t, NULL, enter_and_stay, NULL) != 0 ||
	    read(hello[0], &c, 1) != 1 || c != 0)
		return 3;
	if (rump_lwproc_rfork(RUMP_RFFDG) != 0 || rump_sys_pipe2(q, 0) != 0)
		return 4;
	error = rump_fini();
	if (write(bye[1], &c, 1) != 1 || pthread_join(t, &rv) != 0 || rv != NULL)
		return 5;
	return error;
}

static void
fini_frees_what_the_program_left_open(void **state)
{
	struct child c;

	(void)state;
	in_child(fini_with_everything_open, &c);
	assert_int_equal(c.status, 0);
}

static int boots[8];

static void *
boot_concurrently(void *arg)
{
	int *rv = arg;

	*rv = rump_init();
	return NULL;
}

static int
init_from_many_threads(void)
{
	pthread_t t[8];

	for (int i = 0; i < 8; i++)
		if (pthread_create(&t[i], NULL, boot_concurrently, &boots[i]) != 0)
			return 1;
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		if (boots[i] != 0)
			return 100 + boots[i];
	}
	if (rump_sys_getpid() != 1)
		return 2;
	return rump_fini();
}

static void
init_from_many_threads_at_once_boots_once(void **state)
{
	struct child c;

	(void)state;
	in_child(init_from_many_threads, &c);
	assert_int_equal(c.status, 0);
}

/* ---- in this process ------------------------------------------------------ */

static void
init_twice_returns_0(void **state)
{
	(void)state;
	assert_int_equal(rump_init(), 0);
	assert_int_equal(rump_init(), 0);
	assert_int_equal(rump_sys_getpid(), 1);
}

int
main(void)
{
	const struct CMUnitTest children[] = {
		cmocka_unit_test(ncpu_0_is_einval_with_a_message),
		cmocka_unit_test(ncpu_not_a_number_is_einval_with_a_message),
		cmocka_unit_test(ncpu_above_64_is_einval_with_a_message),
		cmocka_unit_test(nofile_below_16_is_einval_with_a_message),
		cmocka_unit_test(verbose_2_is_einval_with_a_message),
		cmocka_unit_test(init_after_a_bad_parameter_was_fixed_boots),
		cmocka_unit_test(nofile_sets_the_exact_descriptor_limit),
		cmocka_unit_test(verbose_boot_says_how_many_cpus),
		cmocka_unit_test(init_after_fini_is_ealready),
		cmocka_unit_test(fini_before_init_is_einval),
		cmocka_unit_test(syscall_before_init_or_after_fini_is_enosys),
		cmocka_unit_test(interface_call_without_a_kernel_is_enosys),
		cmocka_unit_test(fini_frees_what_the_program_left_open),
		cmocka_unit_test(init_from_many_threads_at_once_boots_once),
	};
	const struct CMUnitTest booted[] = {
		leak_test(init_twice_returns_0),
	};
	int failed;

	/* Before this process boots: a child of a booted process would not. */
	failed = cmocka_run_group_tests_name("in child processes", children,
	    NULL, NULL);
	failed += cmocka_run_group_tests_name("in this process", booted,
	    apitest_boot, apitest_halt);
	return failed != 0;
}
