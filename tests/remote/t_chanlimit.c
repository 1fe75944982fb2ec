/*
 * Channels refused and asked for again (librumpclient's rc_chan.c, the
 * server's rs_channel()): this program's server allows one channel for
 * all its clients (rump_server --max-channels 1).  A thread refused one
 * makes its calls over the socket; once the channel is free, it asks
 * again within a bounded number of calls and gets it.  What the program
 * holds is read from /proc/self/maps: a channel is a mapping of a memfd
 * named rumpclient-channel.  The calls are made by threads of their own,
 * as the main thread's channel would last the whole program.
 */
#define REMOTETEST_SERVER_OPTS "--max-channels", "1",

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apitest.h"
#include "threadstate.h"

/* More calls than the client makes between two asks, many times over. */
#define MAXCALLS	100000

/* What a caller thread is told to do. */
#define CMD_NONE	0
#define CMD_CHANNEL	1	/* calls until the program maps a channel more */
#define CMD_CALLS	2	/* a few calls */
#define CMD_PIPE	3	/* a pipe, left open in fds */
#define CMD_EXIT	4

/* A thread making remote calls when told, and what came of them. */
struct caller {
	pthread_t	thread;
	pthread_mutex_t	lock;
	pthread_cond_t	cv;
	int		cmd;		/* CMD_*, CMD_NONE once done */
	int		ok;		/* the last command's calls succeeded */
	int		channels;	/* mapped after it */
	int		fds[2];		/* CMD_PIPE's */
};

/* A pipe carries a byte from end to end. */
static int
pipe_works(void)
{
	int fds[2], ok;
	char c = 'p';

	if (rump_sys_pipe2(fds, 0) != 0)
		return 0;
	ok = rump_sys_write(fds[1], &c, 1) == 1;
	c = 0;
	ok = ok && rump_sys_read(fds[0], &c, 1) == 1 && c == 'p';
	ok = rump_sys_close(fds[0]) == 0 && ok;
	return rump_sys_close(fds[1]) == 0 && ok;
}

/* Calls until the program maps one channel more than before: true if so. */
static int
calls_until_a_channel(void)
{
	int before = remotetest_channels_mapped();

	for (int i = 0; i < MAXCALLS; i++) {
		if (rump_sys_getpid() <= 1)
			return 0;
		if (remotetest_channels_mapped() > before)
			return 1;
	}
	return 0;
}

static void *
caller_run(void *arg)
{
	struct caller *c = arg;
	int cmd;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while ((cmd = c->cmd) == CMD_NONE)
			pthread_cond_wait(&c->cv, &c->lock);
		if (cmd == CMD_EXIT)
			break;
		pthread_mutex_unlock(&c->lock);
		if (cmd == CMD_CHANNEL)
			c->ok = calls_until_a_channel();
		else if (cmd == CMD_PIPE)
			c->ok = rump_sys_pipe2(c->fds, 0) == 0;
		else
			c->ok = pipe_works() && rump_sys_getpid() > 1;
		c->channels = remotetest_channels_mapped();
		pthread_mutex_lock(&c->lock);
		c->cmd = CMD_NONE;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static void
caller_start(struct caller *c)
{
	*c = (struct caller){ .cmd = CMD_NONE };
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cv, NULL);
	assert_int_equal(pthread_create(&c->thread, NULL, caller_run, c), 0);
}

/* The thread does cmd; its calls must succeed. */
static void
caller_do(struct caller *c, int cmd)
{
	pthread_mutex_lock(&c->lock);
	c->cmd = cmd;
	pthread_cond_broadcast(&c->cv);
	while (c->cmd != CMD_NONE)
		pthread_cond_wait(&c->cv, &c->lock);
	pthread_mutex_unlock(&c->lock);
	assert_true(c->ok);
}

/* The thread exits, and its channel with it. */
static void
caller_end(struct caller *c)
{
	pthread_mutex_lock(&c->lock);
	c->cmd = CMD_EXIT;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->lock);
	assert_int_equal(pthread_join(c->thread, NULL), 0);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cv);
}

static void
a_thread_refused_a_channel_makes_its_calls_over_the_socket(void **state)
{
	struct caller holder, refused;

	(void)state;
	caller_start(&holder);
	caller_do(&holder, CMD_CHANNEL);
	assert_int_equal(holder.channels, 1);
	caller_start(&refused);
	/* Its first call asks for a channel and is refused. */
	caller_do(&refused, CMD_CALLS);
	assert_int_equal(refused.channels, 1);
	caller_end(&refused);
	caller_end(&holder);
}

static void
a_refused_thread_gets_a_channel_once_the_other_is_closed(void **state)
{
	struct caller holder, refused;

	(void)state;
	caller_start(&holder);
	caller_do(&holder, CMD_CHANNEL);
	caller_start(&refused);
	caller_do(&refused, CMD_CALLS);
	assert_int_equal(refused.channels, 1);
	caller_end(&holder);
	assert_int_equal(remotetest_channels_mapped(), 0);
	caller_do(&refused, CMD_CHANNEL);
	assert_int_equal(refused.channels, 1);
	caller_end(&refused);
}

static volatile sig_atomic_t signals_handled;

static void
on_signal(int sig)
{
	(void)sig;
	signals_handled++;
}

/* A read that is a new thread's first call: it asks for a channel first. */
struct reader {
	pthread_t	thread;
	pid_t		tid;
	int		fd;
	long		ret;
	int		error;
};

static void *
reader_run(void *arg)
{
	struct reader *r = arg;
	char c;

	__atomic_store_n(&r->tid, thread_self_id(), __ATOMIC_RELEASE);
	r->ret = rump_sys_read(r->fd, &c, 1);
	r->error = r->ret < 0 ? errno : 0;
	return NULL;
}

static void
a_signal_while_a_refused_channel_is_asked_for_interrupts_the_call(void **state)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct caller holder;
	struct reader r = { .tid = 0 };
	int before = signals_handled;
	char c = 'r';

	(void)state;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	caller_start(&holder);
	caller_do(&holder, CMD_CHANNEL);
	caller_do(&holder, CMD_PIPE);
	r.fd = holder.fds[0];
	/* The request waits in the stopped server when the signal comes. */
	assert_int_equal(remotetest_pause(), 0);
	assert_int_equal(pthread_create(&r.thread, NULL, reader_run, &r), 0);
	wait_thread_asleep(&r.tid);
	assert_int_equal(pthread_kill(r.thread, SIGUSR1), 0);
	while (signals_handled == before)
		sched_yield();
	assert_int_equal(remotetest_resume(), 0);
	assert_int_equal(pthread_join(r.thread, NULL), 0);
	assert_int_equal(r.ret, -1);
	assert_int_equal(r.error, EINTR);
	/* The server serves on, the pipe is empty. */
	assert_int_equal(rump_sys_write(holder.fds[1], &c, 1), 1);
	c = 0;
	assert_int_equal(rump_sys_read(holder.fds[0], &c, 1), 1);
	assert_int_equal(c, 'r');
	assert_int_equal(rump_sys_close(holder.fds[0]), 0);
	assert_int_equal(rump_sys_close(holder.fds[1]), 0);
	caller_end(&holder);
}

static void
a_bad_channel_limit_is_a_usage_error(void **state)
{
	const char *build = getenv("RUMP_TEST_BUILD");
	char prog[4096], err[1024];
	size_t got = 0;
	ssize_t n;
	int p[2], status;
	pid_t pid;

	(void)state;
	snprintf(prog, sizeof(prog), "%s/bin/rump_server",
	    build != NULL ? build : "build");
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 2);
		execl(prog, prog, "--listen", "unix:///nonexistent/sock",
		    "--max-channels", "-1", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (got < sizeof(err) - 1 &&
	    (n = read(p[0], err + got, sizeof(err) - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(err, "--max-channels: bad count '-1'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_thread_refused_a_channel_makes_its_calls_over_the_socket),
		leak_test(a_refused_thread_gets_a_channel_once_the_other_is_closed),
		leak_test(a_signal_while_a_refused_channel_is_asked_for_interrupts_the_call),
		leak_test(a_bad_channel_limit_is_a_usage_error),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
