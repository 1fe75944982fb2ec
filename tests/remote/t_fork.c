/*
 * fork() in a remote client (librumpclient's rc_conn.c): the child is a
 * client of its own, a new process in the server with an empty
 * descriptor table, and the parent's calls go on untouched, also one
 * blocked in a channel across the fork.  A child reports with its exit
 * status (0, or the number of the check that failed), as cmocka's
 * assertions are the parent's (remotetest_child_exit()).
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apitest.h"
#include "threadstate.h"

/* Calls each side makes while the other makes its own. */
#define NCALLS	2000

/* A pipe in the server carries byte c from end to end. */
static int
pipe_carries(const int fds[2], char c)
{
	char got = 0;

	return rump_sys_write(fds[1], &c, 1) == 1 &&
	    rump_sys_read(fds[0], &got, 1) == 1 && got == c;
}

static int
pipe_open_carries(char c)
{
	int fds[2], ok;

	if (rump_sys_pipe2(fds, 0) != 0)
		return 0;
	ok = pipe_carries(fds, c);
	ok = rump_sys_close(fds[0]) == 0 && ok;
	return rump_sys_close(fds[1]) == 0 && ok;
}

/* NCALLS rounds: pid is ours in the server and our pipe carries our byte. */
static int
calls_get_their_own_answers(pid_t pid, const int fds[2], char c)
{
	for (int i = 0; i < NCALLS; i++)
		if (rump_sys_getpid() != pid || !pipe_carries(fds, c))
			return 0;
	return 1;
}

/* The child's exit status: 0, or the check that failed. */
static int
child_waited(pid_t child)
{
	int status;

	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
a_child_is_a_new_process_in_the_server(void **state)
{
	pid_t parent, child;
	int fds[2];

	(void)state;
	parent = rump_sys_getpid();
	assert_true(parent > 1);
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pid_t mine = rump_sys_getpid();

		if (mine <= 1 || mine == parent)
			remotetest_child_exit(1);
		/* The parent's descriptors are not the child's. */
		if (rump_sys_fcntl(fds[0], F_GETFD, 0) != -1 || errno != EBADF)
			remotetest_child_exit(2);
		remotetest_child_exit(pipe_open_carries('c') ? 0 : 3);
	}
	assert_int_equal(child_waited(child), 0);
	assert_int_equal(rump_sys_getpid(), parent);
	assert_true(pipe_carries(fds, 'p'));
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

static void
parent_and_child_calling_at_once_get_their_own_answers(void **state)
{
	pid_t parent, child;
	int fds[2];

	(void)state;
	parent = rump_sys_getpid();
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pid_t mine = rump_sys_getpid();
		int cfds[2];

		if (mine <= 1 || mine == parent || rump_sys_pipe2(cfds, 0) != 0)
			remotetest_child_exit(1);
		remotetest_child_exit(
		    calls_get_their_own_answers(mine, cfds, 'c') ? 0 : 2);
	}
	assert_true(calls_get_their_own_answers(parent, fds, 'p'));
	assert_int_equal(child_waited(child), 0);
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

/* A thread blocked in a remote read through its channel. */
struct reader {
	pthread_t	thread;
	pid_t		tid;
	int		fd;
	long		ret;
	char		c;
};

static void *
reader_run(void *arg)
{
	struct reader *r = arg;

	/* Its first call makes its channel: seen asleep in the read after. */
	if (rump_sys_getpid() > 1)
		__atomic_store_n(&r->tid, thread_self_id(), __ATOMIC_RELEASE);
	r->ret = rump_sys_read(r->fd, &r->c, 1);
	return NULL;
}

static void
a_call_blocked_in_the_parent_across_a_fork_gets_its_reply(void **state)
{
	struct reader r = { .tid = 0 };
	pid_t child;
	int fds[2];
	char c = 'b';

	(void)state;
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	r.fd = fds[0];
	assert_int_equal(pthread_create(&r.thread, NULL, reader_run, &r), 0);
	wait_thread_asleep(&r.tid);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		remotetest_child_exit(pipe_open_carries('c') ? 0 : 1);
	assert_int_equal(child_waited(child), 0);
	assert_int_equal(rump_sys_write(fds[1], &c, 1), 1);
	assert_int_equal(pthread_join(r.thread, NULL), 0);
	assert_int_equal(r.ret, 1);
	assert_int_equal(r.c, 'b');
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

static void
a_child_that_ends_its_connection_gets_enotconn(void **state)
{
	pid_t child;

	(void)state;
	assert_true(rump_sys_getpid() > 1);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (rump_fini() != 0)
			remotetest_child_exit(1);
		remotetest_child_exit(
		    rump_sys_getpid() == -1 && errno == ENOTCONN ? 0 : 2);
	}
	assert_int_equal(child_waited(child), 0);
	assert_true(rump_sys_getpid() > 1);
}

static void *
getpid_thread(void *arg)
{
	*(pid_t *)arg = rump_sys_getpid();
	return NULL;
}

/*
 * In the child: descriptors used up but one, which a new thread's call
 * needs for its eventfd on the socket; a channel needs more.
 */
static int
calls_without_room_for_a_channel(void)
{
	struct rlimit rl;
	pid_t mine = rump_sys_getpid(), got = 0;
	pthread_t t;
	int fd, before;

	if (mine <= 1 || (before = remotetest_channels_mapped()) < 0)
		return 1;
	/* The lowest free descriptor: the only one left. */
	if ((fd = dup(0)) < 0)
		return 2;
	rl.rlim_cur = rl.rlim_max = (rlim_t)fd + 1;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 3;
	close(fd);
	if (pthread_create(&t, NULL, getpid_thread, &got) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 4;
	if (got != mine)
		return 5;
	return remotetest_channels_mapped() == before ? 0 : 6;
}

static void
a_thread_that_cannot_make_a_channel_makes_its_calls_over_the_socket(void **state)
{
	pid_t child;

	(void)state;
	fflush(NULL);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		remotetest_child_exit(calls_without_room_for_a_channel());
	assert_int_equal(child_waited(child), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_child_is_a_new_process_in_the_server),
		leak_test(parent_and_child_calling_at_once_get_their_own_answers),
		leak_test(a_call_blocked_in_the_parent_across_a_fork_gets_its_reply),
		leak_test(a_child_that_ends_its_connection_gets_enotconn),
		leak_test(a_thread_that_cannot_make_a_channel_makes_its_calls_over_the_socket),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
