/*
 * Remote against local system calls (tests/bench/remote_bench.sh): the
 * same program built twice, with the kernel linked in (local) and with
 * librumpclient (remote, RUMP_SERVER).  Prints one line per figure:
 *   getpid NS        mean time of one getpid, in nanoseconds
 *   pipe MBS         MB/s through a rump pipe of 1 MiB (F_SETPIPE_SZ),
 *                    64 MiB written by one thread 1 MiB a call and read
 *                    by another, timed once the first 8 MiB are through:
 *                    the first touch of every buffer (and remotely, of
 *                    the threads' channels) is not what is measured
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
#define WARMUP		(8 << 20)

/* What the writer thread writes into the pipe. */
struct writejob {
	int		fd;
	size_t		total;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes the job's bytes into the pipe, a CHUNK a call. */
static void *
writer(void *arg)
{
	static char wbuf[CHUNK];
	const struct writejob *job = arg;
	size_t done = 0;
	ssize_t n;

	memset(wbuf, 'x', sizeof(wbuf));
	while (done < job->total) {
		n = rump_sys_write(job->fd, wbuf, sizeof(wbuf));
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

/*
 * Moves WARMUP and then TOTAL bytes through the pipe fds, one stream,
 * timed from the first read after WARMUP bytes came: 0 and MB/s in *mbsp.
 */
static int
through_pipe(const int *fds, double *mbsp)
{
	static char buf[CHUNK];
	struct writejob job = { .fd = fds[1], .total = WARMUP + TOTAL };
	pthread_t w;
	double t0 = 0;
	size_t got, from = 0;
	ssize_t n;

	if (pthread_create(&w, NULL, writer, &job) != 0)
		return fail("pthread_create");
	for (got = 0; got < job.total; got += (size_t)n) {
		if (from == 0 && got >= WARMUP) {
			from = got;
			t0 = now();
		}
		n = rump_sys_read(fds[0], buf, sizeof(buf));
		if (n <= 0)
			return fail("read");
	}
	*mbsp = (double)(got - from) / (now() - t0) / 1e6;
	pthread_join(w, NULL);
	return 0;
}

int
main(void)
{
	double t0, t, mbs = 0;
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
	if (through_pipe(fds, &mbs) != 0)
		return 1;
	printf("pipe %.0f\n", mbs);
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);
	return rump_fini() == 0 ? 0 : 1;
}
