/*
 * Interrupting a remote call from the client: a host signal whose handler
 * returns into a thread blocked in a remote call ends the call in the
 * server with EINTR, as it would end a local one (librumpclient's
 * rc_conn.c).  A handler installed with SA_RESTART restarts the wait
 * instead, as the host restarts a local read.  This program links
 * librumpclient and makes its calls in the rump_server the fixture starts
 * (tests/common/remotetest.h).
 */
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include "apitest.h"
#include "rumpclient_private.h"
#include "threadstate.h"

/* A remote call made by a thread of its own, blocked until it returns. */
struct blocked {
	pthread_t	thread;
	pid_t		tid;
	int		fd;
	int		accept;		/* accept(fd) instead of read(fd) */
	long		ret;
	int		error;
};

static volatile sig_atomic_t signals_handled;

static void
on_signal(int sig)
{
	(void)sig;
	signals_handled++;
}

/* SIGUSR1's handler, restarting interrupted host calls or not. */
static void
handle_sigusr1(int flags)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
}

static void *
blocked_call(void *arg)
{
	struct blocked *b = arg;
	char c;

	/*
	 * A thread's first call makes its channel, a sleep of its own: the
	 * thread must be seen asleep in the call, not in that.
	 */
	assert_true(rump_sys_getpid() > 1);
	__atomic_store_n(&b->tid, thread_self_id(), __ATOMIC_RELEASE);
	if (b->accept)
		b->ret = rump_sys_accept(b->fd, NULL, NULL);
	else
		b->ret = rump_sys_read(b->fd, &c, 1);
	b->error = b->ret < 0 ? errno : 0;
	return NULL;
}

/* Starts the call and waits until its thread sleeps, waiting for the reply. */
static void
start_blocked(struct blocked *b, int fd, int accept)
{
	*b = (struct blocked){ .fd = fd, .accept = accept };
	assert_int_equal(pthread_create(&b->thread, NULL, blocked_call, b), 0);
	wait_thread_asleep(&b->tid);
}

static void
join_blocked(struct blocked *b)
{
	assert_int_equal(pthread_join(b->thread, NULL), 0);
}

static void
assert_interrupted(struct blocked *b)
{
	join_blocked(b);
	assert_int_equal(b->ret, -1);
	assert_int_equal(b->error, EINTR);
}

/* The pipe carries a byte from end to end: the server serves us on. */
static void
assert_pipe_works(const int fds[2])
{
	char c = 'x';

	assert_int_equal(rump_sys_write(fds[1], &c, 1), 1);
	c = 0;
	assert_int_equal(rump_sys_read(fds[0], &c, 1), 1);
	assert_int_equal(c, 'x');
}

static void
close_pipe(const int fds[2])
{
	assert_int_equal(rump_sys_close(fds[0]), 0);
	assert_int_equal(rump_sys_close(fds[1]), 0);
}

static void
a_signal_ends_a_remote_read_of_an_empty_pipe_with_eintr(void **state)
{
	struct blocked b;
	int fds[2];

	(void)state;
	handle_sigusr1(0);
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	start_blocked(&b, fds[0], 0);
	assert_int_equal(pthread_kill(b.thread, SIGUSR1), 0);
	assert_interrupted(&b);
	assert_pipe_works(fds);
	close_pipe(fds);
}

static void
a_signal_ends_a_remote_accept_with_eintr(void **state)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct blocked b;
	int s;

	(void)state;
	handle_sigusr1(0);
	s = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(rump_sys_listen(s, 1), 0);
	start_blocked(&b, s, 1);
	assert_int_equal(pthread_kill(b.thread, SIGUSR1), 0);
	assert_interrupted(&b);
	assert_true(rump_sys_getpid() > 1);
	assert_int_equal(rump_sys_close(s), 0);
}

static void
without_a_signal_a_blocked_remote_read_gets_its_data(void **state)
{
	struct blocked b;
	int fds[2];
	char c = 'y';

	(void)state;
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	start_blocked(&b, fds[0], 0);
	assert_int_equal(rump_sys_write(fds[1], &c, 1), 1);
	join_blocked(&b);
	assert_int_equal(b.ret, 1);
	close_pipe(fds);
}

static void
a_signal_with_sa_restart_does_not_interrupt_a_remote_read(void **state)
{
	struct blocked b;
	int fds[2], before = signals_handled;
	char c = 'z';

	(void)state;
	handle_sigusr1(SA_RESTART);
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	start_blocked(&b, fds[0], 0);
	assert_int_equal(pthread_kill(b.thread, SIGUSR1), 0);
	/* The handler ran, and the thread waits on. */
	while (signals_handled == before)
		sched_yield();
	wait_thread_asleep(&b.tid);
	assert_int_equal(rump_sys_write(fds[1], &c, 1), 1);
	join_blocked(&b);
	assert_int_equal(b.ret, 1);
	close_pipe(fds);
}

/* Two remote reads of an empty pipe in a row by one thread. */
struct twice {
	pthread_t	thread;
	pid_t		tid;
	int		fd;
	int		first_done;
	int		errors[2];
};

static void *
two_blocked_reads(void *arg)
{
	struct twice *t = arg;
	char c;

	assert_true(rump_sys_getpid() > 1);
	__atomic_store_n(&t->tid, thread_self_id(), __ATOMIC_RELEASE);
	t->errors[0] = rump_sys_read(t->fd, &c, 1) < 0 ? errno : 0;
	__atomic_store_n(&t->first_done, 1, __ATOMIC_RELEASE);
	t->errors[1] = rump_sys_read(t->fd, &c, 1) < 0 ? errno : 0;
	return NULL;
}

static void
a_thread_interrupted_once_is_interrupted_again_in_its_next_call(void **state)
{
	struct twice t = { .tid = 0 };
	int fds[2];

	(void)state;
	handle_sigusr1(0);
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	t.fd = fds[0];
	assert_int_equal(pthread_create(&t.thread, NULL, two_blocked_reads, &t), 0);
	wait_thread_asleep(&t.tid);
	assert_int_equal(pthread_kill(t.thread, SIGUSR1), 0);
	while (!__atomic_load_n(&t.first_done, __ATOMIC_ACQUIRE))
		sched_yield();
	wait_thread_asleep(&t.tid);
	assert_int_equal(pthread_kill(t.thread, SIGUSR1), 0);
	assert_int_equal(pthread_join(t.thread, NULL), 0);
	assert_int_equal(t.errors[0], EINTR);
	assert_int_equal(t.errors[1], EINTR);
	assert_pipe_works(fds);
	close_pipe(fds);
}

/* A read that is the thread's first call: it makes the channel first. */
static void *
first_call_read(void *arg)
{
	struct blocked *b = arg;
	char c;

	__atomic_store_n(&b->tid, thread_self_id(), __ATOMIC_RELEASE);
	b->ret = rump_sys_read(b->fd, &c, 1);
	b->error = b->ret < 0 ? errno : 0;
	return NULL;
}

/*
 * The thread's first call, a read of fd, waits for its channel's answer
 * from the stopped server when SIGUSR1 comes; then the server goes on.
 */
static void
signal_while_the_channel_is_asked_for(struct blocked *b, int fd)
{
	int before = signals_handled;

	*b = (struct blocked){ .fd = fd };
	assert_int_equal(remotetest_pause(), 0);
	assert_int_equal(pthread_create(&b->thread, NULL, first_call_read, b), 0);
	wait_thread_asleep(&b->tid);
	assert_int_equal(pthread_kill(b->thread, SIGUSR1), 0);
	while (signals_handled == before)
		sched_yield();
	assert_int_equal(remotetest_resume(), 0);
}

static void
a_signal_while_the_channel_is_made_interrupts_the_call(void **state)
{
	struct blocked b;
	int fds[2];

	(void)state;
	handle_sigusr1(0);
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	signal_while_the_channel_is_asked_for(&b, fds[0]);
	assert_interrupted(&b);
	assert_pipe_works(fds);
	close_pipe(fds);
}

static void
a_signal_with_sa_restart_while_the_channel_is_made_does_not_interrupt(void **state)
{
	struct blocked b;
	int fds[2];
	char c = 's';

	(void)state;
	handle_sigusr1(SA_RESTART);
	assert_int_equal(rump_sys_pipe2(fds, 0), 0);
	signal_while_the_channel_is_asked_for(&b, fds[0]);
	/* Asleep in the read now, which an interrupt would have ended. */
	wait_thread_asleep(&b.tid);
	assert_int_equal(rump_sys_write(fds[1], &c, 1), 1);
	join_blocked(&b);
	assert_int_equal(b.ret, 1);
	close_pipe(fds);
}

/*
 * What a call through a channel decides of a signal that came while it
 * blocked them all (during its spin, say): SIGUSR1, sent to ourselves
 * while blocked, is pending when rump_client_sigdeliver() looks; true if
 * it interrupts the call.  The handler has run either way, unless the
 * caller's own mask blocks the signal.
 */
static int
pending_signal_interrupts(bool caller_blocks)
{
	sigset_t orig, usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	assert_int_equal(pthread_sigmask(caller_blocks ? SIG_BLOCK : SIG_UNBLOCK,
	    &usr1, NULL), 0);
	rump_client_sigblock(&orig);
	assert_int_equal(pthread_kill(pthread_self(), SIGUSR1), 0);
	return rump_client_sigdeliver(&orig);
}

static void
a_signal_pending_during_a_channel_call_interrupts_it(void **state)
{
	int before = signals_handled;

	(void)state;
	handle_sigusr1(0);
	assert_true(pending_signal_interrupts(false));
	assert_int_equal(signals_handled, before + 1);
}

static void
a_pending_signal_with_sa_restart_does_not_interrupt_a_channel_call(void **state)
{
	int before = signals_handled;

	(void)state;
	handle_sigusr1(SA_RESTART);
	assert_false(pending_signal_interrupts(false));
	assert_int_equal(signals_handled, before + 1);
}

static void
a_pending_signal_the_caller_blocks_does_not_interrupt_a_channel_call(void **state)
{
	int before = signals_handled;
	sigset_t usr1;

	(void)state;
	handle_sigusr1(0);
	assert_false(pending_signal_interrupts(true));
	assert_int_equal(signals_handled, before);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	assert_int_equal(pthread_sigmask(SIG_UNBLOCK, &usr1, NULL), 0);
	assert_int_equal(signals_handled, before + 1);
}

static void
an_ignored_pending_signal_does_not_interrupt_a_channel_call(void **state)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };

	(void)state;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	assert_false(pending_signal_interrupts(false));
}

/*
 * Two threads blocked at once: the first reads the socket for both, the
 * second sleeps on its eventfd.  Each is interrupted alone.
 */
static void
a_signal_interrupts_a_thread_waiting_behind_the_one_that_reads(void **state)
{
	struct blocked reader, waiter;
	int a[2], b[2];
	char c = 'r';

	(void)state;
	handle_sigusr1(0);
	assert_int_equal(rump_sys_pipe2(a, 0), 0);
	assert_int_equal(rump_sys_pipe2(b, 0), 0);
	start_blocked(&reader, a[0], 0);
	start_blocked(&waiter, b[0], 0);
	assert_int_equal(pthread_kill(waiter.thread, SIGUSR1), 0);
	assert_interrupted(&waiter);
	assert_int_equal(rump_sys_write(a[1], &c, 1), 1);
	join_blocked(&reader);
	assert_int_equal(reader.ret, 1);
	close_pipe(a);
	close_pipe(b);
}

static void
the_interrupted_reader_leaves_the_reading_to_the_thread_still_waiting(void **state)
{
	struct blocked reader, waiter;
	int a[2], b[2];
	char c = 'w';

	(void)state;
	handle_sigusr1(0);
	assert_int_equal(rump_sys_pipe2(a, 0), 0);
	assert_int_equal(rump_sys_pipe2(b, 0), 0);
	start_blocked(&reader, a[0], 0);
	start_blocked(&waiter, b[0], 0);
	assert_int_equal(pthread_kill(reader.thread, SIGUSR1), 0);
	assert_interrupted(&reader);
	assert_int_equal(rump_sys_write(b[1], &c, 1), 1);
	join_blocked(&waiter);
	assert_int_equal(waiter.ret, 1);
	close_pipe(a);
	close_pipe(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_signal_ends_a_remote_read_of_an_empty_pipe_with_eintr),
		leak_test(a_signal_ends_a_remote_accept_with_eintr),
		leak_test(without_a_signal_a_blocked_remote_read_gets_its_data),
		leak_test(a_signal_with_sa_restart_does_not_interrupt_a_remote_read),
		leak_test(a_thread_interrupted_once_is_interrupted_again_in_its_next_call),
		leak_test(a_signal_while_the_channel_is_made_interrupts_the_call),
		leak_test(a_signal_with_sa_restart_while_the_channel_is_made_does_not_interrupt),
		leak_test(a_signal_pending_during_a_channel_call_interrupts_it),
		leak_test(a_pending_signal_with_sa_restart_does_not_interrupt_a_channel_call),
		leak_test(a_pending_signal_the_caller_blocks_does_not_interrupt_a_channel_call),
		leak_test(an_ignored_pending_signal_does_not_interrupt_a_channel_call),
		leak_test(a_signal_interrupts_a_thread_waiting_behind_the_one_that_reads),
		leak_test(the_interrupted_reader_leaves_the_reading_to_the_thread_still_waiting),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
