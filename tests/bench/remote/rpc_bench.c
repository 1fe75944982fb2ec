/*
 * Remote against local system calls (tests/bench/remote_bench.sh): the
 * same program built twice, with the kernel linked in (local) and with
 * librumpclient (remote, RUMP_SERVER).  Prints one line per figure:
 *   getpid NS        mean time of one getpid, in nanoseconds
 *   pipe MBS         MB/s through a rump pipe of 1 MiB (F_SETPIPE_SZ),
 *                    64 MiB written by one thread 1 MiB a call and read
 *                    by another
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rump/rump.h>

#define CALLS		200000
#define CHUNK		(1 << 20)
#define TOTAL		(64 << 20)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes TOTAL bytes into the pipe, a CHUNK a call. */
static void *
writer(void *arg)
{
	static char wbuf[CHUNK];
	const int *fds = arg;
	size_t done = 0;
	ssize_t n;

	memset(wbuf, 'x', sizeof(wbuf));
	while (done < TOTAL) {
		n = rump_sys_write(fds[1], wbuf, sizeof(wbuf));
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return NULL;
}

static int
fail(const char *what)
{
	fprintf(stderr, "rpc_bench: %s: %s\n", what, strerror(errno));
	return 1;
}

int
main(void)
{
	static char buf[CHUNK];
	pthread_t w;
	double t0, t;
	size_t got;
	ssize_t n;
	int i, fds[2], error;

	error = rump_init();
	if (error != 0) {
		fprintf(stderr, "rpc_bench: rump_init: %s\n", strerror(error));
		return 1;
	}
	t0 = now();
	for (i = 0; i < CALLS; i++)
		rump_sys_getpid();
	t = now() - t0;
	printf("getpid %.0f\n", t / CALLS * 1e9);

	if (rump_sys_pipe2(fds, 0) != 0)
		return fail("pipe2");
	/* A call's worth in the pipe: a 64 KiB pipe makes 16 calls a MiB. */
	if (rump_sys_fcntl(fds[1], F_SETPIPE_SZ, CHUNK) != CHUNK)
		return fail("F_SETPIPE_SZ");
	t0 = now();
	if (pthread_create(&w, NULL, writer, fds) != 0)
		return fail("pthread_create");
	for (got = 0; got < TOTAL; got += (size_t)n) {
		n = rump_sys_read(fds[0], buf, sizeof(buf));
		if (n <= 0)
			return fail("read");
	}
	t = now() - t0;
	pthread_join(w, NULL);
	printf("pipe %.0f\n", TOTAL / t / 1e6);
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);
	return rump_fini() == 0 ? 0 : 1;
}
