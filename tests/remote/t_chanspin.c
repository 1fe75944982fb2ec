/*
 * When a channel's waiter may spin (librumpclient/rpc_chan.c): only while
 * no thread of the host waits for a CPU, as /proc/loadavg counts them; on
 * a busy machine both the client and the server sleep at once, and their
 * calls are answered all the same.  This program links librumpclient and
 * makes its calls in the rump_server the fixture starts
 * (tests/common/remotetest.h).
 */
#include <fcntl.h>
#include <pthread.h>

#include "apitest.h"
#include "rpc_chan.h"

#define MIB	(1 << 20)

/* More threads running than the host has CPUs, until told to stop. */
struct crowd {
	pthread_t	*threads;
	long		n;
	int		stop;
};

static void *
crowd_run(void *arg)
{
	struct crowd *c = arg;

	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED))
		continue;
	return NULL;
}

static void
crowd_start(struct crowd *c)
{
	long i;

	c->n = sysconf(_SC_NPROCESSORS_ONLN) + 1;
	c->stop = 0;
	c->threads = calloc((size_t)c->n, sizeof(*c->threads));
	assert_non_null(c->threads);
	for (i = 0; i < c->n; i++)
		assert_int_equal(pthread_create(&c->threads[i], NULL, crowd_run, c), 0);
}

static void
crowd_stop(struct crowd *c)
{
	long i;

	__atomic_store_n(&c->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < c->n; i++)
		pthread_join(c->threads[i], NULL);
	free(c->threads);
}

/* Waits (up to ten seconds) until a spin would find no CPU free. */
static void
wait_no_cpu_free(void)
{
	const struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 10000; i++) {
		if (!rump_rpc_chan_cpufree())
			return;
		nanosleep(&ms, NULL);
	}
	fail_msg("a CPU stayed free with more threads running than CPUs");
}

/* What rump_rpc_chan_loadfile() makes of a file that holds text. */
static unsigned int
loadfile_of(const char *text)
{
	char path[] = "/tmp/t_chanspin.XXXXXX";
	unsigned int running;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	running = rump_rpc_chan_loadfile(path);
	unlink(path);
	return running;
}

static void
the_runnable_threads_are_read_from_the_fourth_field_of_loadavg(void **state)
{
	(void)state;
	assert_int_equal(loadfile_of("0.52 0.58 0.59 3/132 17230\n"), 3);
	assert_int_equal(loadfile_of("12.00 8.50 4.25 17/2048 1"), 17);
	assert_true(rump_rpc_chan_loadfile("/proc/loadavg") > 0);
}

static void
a_file_without_a_runnable_count_counts_none(void **state)
{
	(void)state;
	assert_int_equal(loadfile_of(""), 0);
	assert_int_equal(loadfile_of("0.52 0.58 0.59"), 0);
	assert_int_equal(loadfile_of("0.52 0.58 0.59 x/132 17230"), 0);
	assert_int_equal(loadfile_of("load: high"), 0);
	assert_int_equal(rump_rpc_chan_loadfile("/nonexistent/loadavg"), 0);
	/* A directory opens, but cannot be read. */
	assert_int_equal(rump_rpc_chan_loadfile("/proc"), 0);
}

static void
no_cpu_is_free_while_more_threads_run_than_the_host_has_cpus(void **state)
{
	struct crowd c;

	(void)state;
	crowd_start(&c);
	wait_no_cpu_free();
	crowd_stop(&c);
}

/*
 * The client's spin and the server's both give up after their first round
 * and sleep: every call is still answered, bulk data byte-exact.
 */
static void
calls_are_answered_while_no_cpu_is_free(void **state)
{
	uint8_t *in = malloc(MIB), *out = malloc(MIB);
	struct crowd c;
	size_t got;
	ssize_t n;
	pid_t pid;
	int i, p[2];

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	for (i = 0; i < MIB; i++)
		in[i] = (uint8_t)(i * 7 + i / 1021);
	pid = rump_sys_getpid();
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[1], F_SETPIPE_SZ, MIB), MIB);
	crowd_start(&c);
	wait_no_cpu_free();
	for (i = 0; i < 100; i++)
		assert_int_equal(rump_sys_getpid(), pid);
	assert_int_equal(rump_sys_write(p[1], in, MIB), MIB);
	for (got = 0; got < MIB; got += (size_t)n) {
		n = rump_sys_read(p[0], out + got, MIB - got);
		assert_true(n > 0);
	}
	crowd_stop(&c);
	assert_memory_equal(in, out, MIB);
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	free(in);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(the_runnable_threads_are_read_from_the_fourth_field_of_loadavg),
		leak_test(a_file_without_a_runnable_count_counts_none),
		leak_test(no_cpu_is_free_while_more_threads_run_than_the_host_has_cpus),
		leak_test(calls_are_answered_while_no_cpu_is_free),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
