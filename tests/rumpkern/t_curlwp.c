/*
 * A thread's lwp (curlwp): kernel code run by a host thread that never
 * entered the kernel has no lwp to run as, and the kernel panics saying
 * so, rather than running on with none.
 *
 * The panic ends the process, so it happens in a child, forked before
 * this process made any rump call; the child's standard error comes back
 * through a pipe.  No leak_test(): this process boots no kernel.
 */
#include "ktest.h"

/* Host calls, declared here because kernel tests include no host header. */
pid_t fork(void);
pid_t waitpid(pid_t pid, int *status, int options);
int pipe(int fds[2]);
int dup2(int oldfd, int newfd);
int close(int fd);
long read(int fd, void *buf, size_t len);
char *strstr(const char *haystack, const char *needle);
void _exit(int status) __attribute__((noreturn));

#define SIGABRT	6

static void *
outsider(void *arg)
{
	(void)arg;
	return curlwp;
}

/* The child: boots, then runs kernel code on a host thread of its own. */
static void __attribute__((noreturn))
run_outsider(int errfd)
{
	void *cookie;

	dup2(errfd, 2);
	if (rump_init() != 0 ||
	    rumpuser_thread_create(outsider, NULL, "outsider", 1, &cookie) != 0)
		_exit(2);
	rumpuser_thread_join(cookie);
	_exit(0);
}

static void
kernel_code_on_a_thread_outside_the_kernel_panics(void **state)
{
	char out[512];
	size_t len = 0;
	long n;
	int fds[2], status = -1;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(fds[0]);
		run_outsider(fds[1]);
	}
	close(fds[1]);
	while (len < sizeof(out) - 1 &&
	    (n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* Killed by SIGABRT (rumpuser_exit(RUMPUSER_PANIC)), not exited. */
	assert_int_equal(status & 0x7f, SIGABRT);
	assert_non_null(strstr(out,
	    "panic: kernel code run by a thread outside the kernel"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_code_on_a_thread_outside_the_kernel_panics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
