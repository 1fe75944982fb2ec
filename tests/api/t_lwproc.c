/*
 * Processes for remote clients and interruptible calls, through the
 * public calls: rump_lwproc_newproc, _forkproc, _attach, _setcred, _curlwpid,
 * _interrupt and _exit.  A thread that must be blocked before the test
 * goes on is waited for with threadstate.h; each test leaves the calling
 * thread in process 1 and every process it made gone (leak_test).
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apitest.h"
#include "blocker.h"

#define assert_fails(call, e) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, (e));					\
} while (0)

/* A new process with the calling thread attached to it. */
static pid_t
enter_new_process(void)
{
	pid_t pid;

	assert_int_equal(rump_lwproc_newproc(&pid), 0);
	assert_int_equal(rump_lwproc_attach(pid), 0);
	return pid;
}

/* Back to process 1, and the process ends. */
static void
leave_and_end(pid_t pid)
{
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	assert_int_equal(rump_lwproc_exit(pid), 0);
	assert_int_equal(rump_lwproc_attach(pid), ESRCH);
}

static void
a_new_process_has_no_descriptors_and_the_root_as_cwd(void **state)
{
	char cwd[64];
	int fds[2];
	pid_t pid;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/lwproc_cwd", 0755), 0);
	assert_int_equal(rump_sys_chdir("/lwproc_cwd"), 0);
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	pid = enter_new_process();
	assert_int_equal(rump_sys_getpid(), pid);
	assert_fails(rump_sys_fcntl(fds[0], F_GETFD, 0L), EBADF);
	assert_fails(rump_sys_fcntl(fds[1], F_GETFD, 0L), EBADF);
	assert_true(rump_sys_getcwd(cwd, sizeof(cwd)) > 0);
	assert_string_equal(cwd, "/");
	leave_and_end(pid);
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
	assert_int_equal(rump_sys_chdir("/"), 0);
	assert_int_equal(rump_sys_rmdir("/lwproc_cwd"), 0);
}

static void
a_new_process_has_umask_022_whatever_process_1_has(void **state)
{
	mode_t old;
	pid_t pid;

	(void)state;
	old = rump_sys_umask(077);
	pid = enter_new_process();
	assert_int_equal(rump_sys_umask(0), 022);
	leave_and_end(pid);
	assert_int_equal(rump_sys_umask(old), 077);
}

static void
two_processes_have_independent_descriptors(void **state)
{
	int a[2], b[2];
	pid_t pa, pb;
	char c;

	(void)state;
	pa = enter_new_process();
	assert_int_equal(rump_sys_pipe2(a, 0), 0);
	assert_int_equal(rump_sys_write(a[1], "a", 1), 1);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	pb = enter_new_process();
	assert_fails(rump_sys_fcntl(a[0], F_GETFD, 0L), EBADF);
	assert_int_equal(rump_sys_pipe2(b, 0), 0);
	/* The same numbers, other pipes. */
	assert_int_equal(b[0], a[0]);
	assert_int_equal(rump_sys_close(b[0]), 0);
	assert_int_equal(rump_sys_close(b[1]), 0);
	assert_int_equal(rump_lwproc_attach(pa), 0);
	assert_int_equal(rump_sys_read(a[0], &c, 1), 1);
	assert_int_equal(c, 'a');
	leave_and_end(pa);
	assert_int_equal(rump_lwproc_exit(pb), 0);
}

/* A copy of the calling thread's process, entered; the parent's pid in *parentp. */
static pid_t
enter_copy(pid_t *parentp)
{
	pid_t pid;

	*parentp = rump_sys_getpid();
	assert_int_equal(rump_lwproc_forkproc(&pid), 0);
	assert_int_not_equal(pid, *parentp);
	/* The copy has no thread: it lives by its creation reference. */
	assert_int_equal(rump_lwproc_attach(pid), 0);
	assert_int_equal(rump_sys_getpid(), pid);
	return pid;
}

static void
a_process_copy_shares_the_open_files_of_its_parent(void **state)
{
	pid_t parent, pid;
	int fds[2];
	char c;

	(void)state;
	parent = enter_new_process();
	assert_int_equal(rump_sys_pipe2(fds, O_CLOEXEC), 0);
	pid = enter_copy(&parent);
	assert_int_equal(rump_sys_fcntl(fds[0], F_GETFD, 0L), FD_CLOEXEC);
	assert_int_equal(rump_sys_write(fds[1], "f", 1), 1);
	/* Its close is its own: the parent's descriptor stays open. */
	assert_int_equal(rump_sys_close(fds[0]), 0);
	leave_and_end(pid);
	assert_int_equal(rump_lwproc_attach(parent), 0);
	assert_int_equal(rump_sys_read(fds[0], &c, 1), 1);
	assert_int_equal(c, 'f');
	leave_and_end(parent);
}

static void
a_process_copy_has_the_cwd_umask_and_credentials_of_its_parent(void **state)
{
	char cwd[64];
	pid_t parent, pid;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/lwproc_copy", 0755), 0);
	parent = enter_new_process();
	assert_int_equal(rump_sys_chdir("/lwproc_copy"), 0);
	assert_int_equal(rump_sys_umask(027), 022);
	assert_int_equal(rump_lwproc_setcred(1000, 100, 0, NULL), 0);
	pid = enter_copy(&parent);
	assert_true(rump_sys_getcwd(cwd, sizeof(cwd)) > 0);
	assert_string_equal(cwd, "/lwproc_copy");
	assert_int_equal(rump_sys_umask(0), 027);
	assert_int_equal(rump_sys_getuid(), 1000);
	assert_int_equal(rump_sys_getegid(), 100);
	leave_and_end(pid);
	assert_int_equal(rump_lwproc_exit(parent), 0);
	assert_int_equal(rump_sys_rmdir("/lwproc_copy"), 0);
}

struct attacher {
	pid_t pid;
	int fd;
	int error;
};

static void *
attach_and_write(void *arg)
{
	struct attacher *at = arg;

	at->error = rump_lwproc_attach(at->pid);
	if (at->error == 0 && rump_sys_write(at->fd, "x", 1) != 1)
		at->error = errno;
	if (at->error == 0)
		at->error = rump_lwproc_releaselwp();
	return NULL;
}

static void
threads_attached_to_one_process_share_its_descriptors(void **state)
{
	struct attacher at;
	pthread_t t;
	int fds[2];
	char c;

	(void)state;
	at.pid = enter_new_process();
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	at.fd = fds[1];
	assert_int_equal(pthread_create(&t, NULL, attach_and_write, &at), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(at.error, 0);
	assert_int_equal(rump_sys_read(fds[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	leave_and_end(at.pid);
}

static void
setcred_changes_who_the_permission_checks_see(void **state)
{
	gid_t groups[2] = { 20, 30 }, got[2];
	pid_t pid;

	(void)state;
	assert_int_equal(rump_sys_mkdir("/lwproc_private", 0700), 0);
	pid = enter_new_process();
	assert_int_equal(rump_lwproc_setcred(1000, 100, 2, groups), 0);
	assert_int_equal(rump_sys_getuid(), 1000);
	assert_int_equal(rump_sys_geteuid(), 1000);
	assert_int_equal(rump_sys_getegid(), 100);
	assert_int_equal(rump_sys_getgroups(2, got), 2);
	assert_memory_equal(got, groups, sizeof(groups));
	assert_fails(rump_sys_open("/lwproc_private/f", O_CREAT | O_WRONLY,
	    0644), EACCES);
	leave_and_end(pid);
	assert_int_equal(rump_sys_rmdir("/lwproc_private"), 0);
}

static void
setcred_is_eperm_unless_the_process_is_root(void **state)
{
	pid_t pid;

	(void)state;
	pid = enter_new_process();
	assert_int_equal(rump_lwproc_setcred(1000, 1000, 0, NULL), 0);
	assert_int_equal(rump_lwproc_setcred(0, 0, 0, NULL), EPERM);
	assert_int_equal(rump_sys_getuid(), 1000);
	leave_and_end(pid);
}

static void
setcred_refuses_a_bad_group_count(void **state)
{
	pid_t pid;

	(void)state;
	pid = enter_new_process();
	assert_int_equal(rump_lwproc_setcred(1, 1, -1, NULL), EINVAL);
	assert_int_equal(rump_lwproc_setcred(1, 1, 65537, NULL), EINVAL);
	assert_int_equal(rump_lwproc_setcred((uid_t)-1, 1, 0, NULL), EINVAL);
	assert_int_equal(rump_lwproc_setcred(1, 1, 1, NULL), EFAULT);
	assert_int_equal(rump_sys_getuid(), 0);
	leave_and_end(pid);
}

static void
exit_of_an_unknown_pid_is_esrch(void **state)
{
	pid_t pid;

	(void)state;
	assert_int_equal(rump_lwproc_newproc(&pid), 0);
	assert_int_equal(rump_lwproc_exit(pid), 0);
	assert_int_equal(rump_lwproc_exit(pid), ESRCH);
	assert_int_equal(rump_lwproc_exit(-1), ESRCH);
	assert_int_equal(rump_lwproc_exit(0), ESRCH);
}

static void
process_1_cannot_exit(void **state)
{
	(void)state;
	assert_int_equal(rump_lwproc_exit(rump_sys_getpid()), EPERM);
}

static void
attach_to_an_exiting_process_is_esrch(void **state)
{
	pid_t pid;

	(void)state;
	pid = enter_new_process();
	/* Exiting, and still there while this thread is attached. */
	assert_int_equal(rump_lwproc_exit(pid), 0);
	assert_int_equal(rump_lwproc_attach(pid), ESRCH);
	assert_int_equal(rump_lwproc_exit(pid), ESRCH);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	assert_int_equal(rump_lwproc_attach(pid), ESRCH);
}

static void
attach_and_interrupt_of_an_unknown_pid_are_esrch(void **state)
{
	int lid;

	(void)state;
	assert_int_equal(rump_lwproc_attach(-5), ESRCH);
	assert_int_equal(rump_lwproc_curlwpid(&lid), 0);
	assert_int_equal(rump_lwproc_interrupt(-5, lid), ESRCH);
	/* The lwp exists, but not in that process. */
	assert_int_equal(rump_lwproc_interrupt(0, lid), ESRCH);
	assert_int_equal(rump_lwproc_interrupt(rump_sys_getpid(), -1), ESRCH);
}

static void
every_sleep_after_exit_is_eintr_at_once(void **state)
{
	int fds[2];
	pid_t pid;
	char c;

	(void)state;
	pid = enter_new_process();
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	assert_int_equal(rump_lwproc_exit(pid), 0);
	assert_fails(rump_sys_read(fds[0], &c, 1), EINTR);
	assert_fails(rump_sys_read(fds[0], &c, 1), EINTR);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
}

static void
make_pipe(struct blocker *b)
{
	if (rump_sys_pipe2(b->fds, 0) != 0)
		abort();
}

static long
block_read(struct blocker *b)
{
	char c;

	return rump_sys_read(b->fds[0], &c, 1);
}

static long
block_poll(struct blocker *b)
{
	struct pollfd pfd = { .fd = b->fds[0], .events = POLLIN };

	return rump_sys_poll(&pfd, 1, -1);
}

/* Fills the pipe, and half as much again. */
static long
block_write(struct blocker *b)
{
	static char buf[96 * 1024];

	return rump_sys_write(b->fds[1], buf, sizeof(buf));
}

/* A blocker in process 1 on a pipe of its own. */
static void
blocker_start_pipe(struct blocker *b, long (*call)(struct blocker *))
{
	blocker_start(b, 0, make_pipe, call, NULL);
}

static void
blocker_close_pipe(struct blocker *b)
{
	assert_int_equal(rump_sys_close(b->fds[0]), 0);
	assert_int_equal(rump_sys_close(b->fds[1]), 0);
}

/* The blocker in process 1 is interrupted: its call fails with EINTR. */
static void
interrupt_ends(long (*call)(struct blocker *))
{
	struct blocker b;

	blocker_start_pipe(&b, call);
	assert_int_equal(rump_lwproc_interrupt(rump_sys_getpid(), b.lid), 0);
	blocker_join_failed(&b, EINTR);
	blocker_close_pipe(&b);
}

static void
interrupt_wakes_a_pipe_read_with_eintr(void **state)
{
	(void)state;
	interrupt_ends(block_read);
}

static void
interrupt_wakes_poll_with_eintr(void **state)
{
	(void)state;
	interrupt_ends(block_poll);
}

static void
an_interrupted_pipe_write_returns_the_count_written(void **state)
{
	struct blocker b;

	(void)state;
	blocker_start_pipe(&b, block_write);
	assert_int_equal(rump_lwproc_interrupt(rump_sys_getpid(), b.lid), 0);
	blocker_join(&b);
	assert_int_equal(b.ret, 64 * 1024);
	blocker_close_pipe(&b);
}

static void
an_interrupt_before_the_sleep_ends_the_next_sleep_only(void **state)
{
	struct pollfd pfd;
	int fds[2], lid;
	pid_t pid;
	char c;

	(void)state;
	pid = enter_new_process();
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	assert_int_equal(rump_lwproc_curlwpid(&lid), 0);
	assert_int_equal(rump_lwproc_interrupt(pid, lid), 0);
	/* A call that does not sleep leaves it pending. */
	assert_int_equal(rump_sys_write(fds[1], "z", 1), 1);
	assert_int_equal(rump_sys_read(fds[0], &c, 1), 1);
	assert_fails(rump_sys_read(fds[0], &c, 1), EINTR);
	/* Once: the next sleep runs its course (its timeout). */
	pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	assert_int_equal(rump_sys_poll(&pfd, 1, 1), 0);
	leave_and_end(pid);
}

static void
an_interrupt_is_forgotten_when_the_thread_changes_process(void **state)
{
	struct pollfd pfd;
	int fds[2], lid;
	pid_t pid;

	(void)state;
	pid = enter_new_process();
	assert_int_equal(rump_lwproc_curlwpid(&lid), 0);
	assert_int_equal(rump_lwproc_interrupt(pid, lid), 0);
	leave_and_end(pid);
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	pfd = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	assert_int_equal(rump_sys_poll(&pfd, 1, 1), 0);
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

static void
each_thread_has_its_own_lwp_id(void **state)
{
	struct blocker b;
	int lid;

	(void)state;
	assert_int_equal(rump_lwproc_curlwpid(&lid), 0);
	blocker_start_pipe(&b, block_read);
	assert_int_not_equal(b.lid, lid);
	assert_int_equal(rump_lwproc_interrupt(rump_sys_getpid(), b.lid), 0);
	blocker_join(&b);
	blocker_close_pipe(&b);
}

static void
exit_wakes_every_blocked_thread_of_the_process(void **state)
{
	struct blocker r, p;
	pid_t pid;

	(void)state;
	assert_int_equal(rump_lwproc_newproc(&pid), 0);
	blocker_start(&r, pid, make_pipe, block_read, NULL);
	blocker_start(&p, pid, make_pipe, block_poll, NULL);
	assert_int_equal(rump_lwproc_exit(pid), 0);
	blocker_join_failed(&r, EINTR);
	blocker_join_failed(&p, EINTR);
	assert_int_equal(rump_lwproc_attach(pid), ESRCH);
}

static void
exit_leaves_other_processes_asleep(void **state)
{
	struct blocker other;
	pid_t pid, opid;

	(void)state;
	assert_int_equal(rump_lwproc_newproc(&opid), 0);
	blocker_start(&other, opid, make_pipe, block_read, NULL);
	assert_int_equal(rump_lwproc_newproc(&pid), 0);
	assert_int_equal(rump_lwproc_exit(pid), 0);
	assert_int_equal(thread_state(other.tid), 'S');
	assert_int_equal(rump_lwproc_exit(opid), 0);
	blocker_join_failed(&other, EINTR);
}

static void
pids_are_not_reused_at_once(void **state)
{
	pid_t a, b;

	(void)state;
	assert_int_equal(rump_lwproc_newproc(&a), 0);
	assert_int_equal(rump_lwproc_exit(a), 0);
	assert_int_equal(rump_lwproc_newproc(&b), 0);
	assert_int_not_equal(a, b);
	assert_int_equal(rump_lwproc_exit(b), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_new_process_has_no_descriptors_and_the_root_as_cwd),
		leak_test(a_new_process_has_umask_022_whatever_process_1_has),
		leak_test(two_processes_have_independent_descriptors),
		leak_test(threads_attached_to_one_process_share_its_descriptors),
		leak_test(a_process_copy_shares_the_open_files_of_its_parent),
		leak_test(a_process_copy_has_the_cwd_umask_and_credentials_of_its_parent),
		leak_test(setcred_changes_who_the_permission_checks_see),
		leak_test(setcred_is_eperm_unless_the_process_is_root),
		leak_test(setcred_refuses_a_bad_group_count),
		leak_test(exit_of_an_unknown_pid_is_esrch),
		leak_test(process_1_cannot_exit),
		leak_test(attach_to_an_exiting_process_is_esrch),
		leak_test(attach_and_interrupt_of_an_unknown_pid_are_esrch),
		leak_test(every_sleep_after_exit_is_eintr_at_once),
		leak_test(interrupt_wakes_a_pipe_read_with_eintr),
		leak_test(interrupt_wakes_poll_with_eintr),
		leak_test(an_interrupted_pipe_write_returns_the_count_written),
		leak_test(an_interrupt_before_the_sleep_ends_the_next_sleep_only),
		leak_test(an_interrupt_is_forgotten_when_the_thread_changes_process),
		leak_test(each_thread_has_its_own_lwp_id),
		leak_test(exit_wakes_every_blocked_thread_of_the_process),
		leak_test(exit_leaves_other_processes_asleep),
		leak_test(pids_are_not_reused_at_once),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
