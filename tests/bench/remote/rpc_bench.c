/*
 * Remote against local system calls (tests/bench/remote_bench.sh): the
 * same program built twice, with the kernel linked in (local) and with
 * librumpclient (remote, RUMP_SERVER).  Prints one line per figure:
 *   getpid NS        mean time of one getpid, in nanoseconds
 *   pipe MBS         MB/s through a rump pipe of 1 MiB (F_SETPIPE_SZ),
 *                    512 MiB written by one thread 1 MiB a call and read
 *                    by another, timed once the first 8 MiB are through
 *                    (long enough to span many time slices of a busy
 *                    machine: 64 MiB took 5 ms locally):
 *                    the first touch of every buffer (and remotely, of
 *                    the threads' channels) is not what is measured
 *   fwrite MBS       MB/s writing a 64 MiB file on the ext2 file system
 *                    mounted at /mnt, 1 MiB a call, fsync included
 *   fread MBS        MB/s reading that file back, 1 MiB a call (from
 *                    the kernel's buffer cache as far as it holds it)
 * and after each of pipe, fwrite and fread the CPU time it took per MiB,
 * in microseconds, far less noisy than MB/s on a shared machine:
 *   pipe.cpu US      of this program (all its threads)
 *   pipe.srvcpu US   of the server, whose pid RPC_BENCH_SERVER names
 *                    (remotely; the sum over its threads' schedstat)
 * The file is removed at the end, so that every round starts on the same
 * empty file system.  Remotely rump_server mounted the image (--mount);
 * the local build (RPC_BENCH_LOCAL) mounts the image named by its argument
 * itself, as rump_server does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <rump/rump.h>
#ifdef RPC_BENCH_LOCAL
#include <rump/ukfs.h>
#endif

#define CALLS		200000
#define CHUNK		(1 << 20)
#define TOTAL		(64 << 20)
#define PIPETOTAL	(512 << 20)
#define WARMUP		(8 << 20)
#define BENCHFILE	"/mnt/rpc_bench"

/* What the writer thread writes into the pipe. */
struct writejob {
	int		fd;
	size_t		total;
};

/* CPU time taken so far, in seconds, by this program and by the server. */
struct cpu {
	double		self;
	double		server;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The CPU time of the process pid's threads alive now (schedstat's first
 * field, in ns); a worker that left meanwhile is missed, but the server's
 * workers stay while their clients' threads do.  0 without a pid.
 */
static double
server_cpu(void)
{
	const char *pid = getenv("RPC_BENCH_SERVER");
	char path[300];
	struct dirent *d;
	unsigned long long ns, sum = 0;
	DIR *dir;
	FILE *f;
	int fd;

	if (pid == NULL)
		return 0;
	snprintf(path, sizeof(path), "/proc/%.32s/task", pid);
	if ((dir = opendir(path)) == NULL)
		return 0;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/schedstat", d->d_name);
		if ((fd = openat(dirfd(dir), path, O_RDONLY)) < 0)
			continue;
		if ((f = fdopen(fd, "r")) == NULL) {
			close(fd);
			continue;
		}
		if (fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(dir);
	return (double)sum / 1e9;
}

static void
cpu_now(struct cpu *c)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	c->self = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	c->server = server_cpu();
}

/* Where a figure's measurement began. */
struct mark {
	double		t;
	struct cpu	c;
};

static void
mark_now(struct mark *m)
{
	m->t = now();
	cpu_now(&m->c);
}

/*
 * Figure k of bytes moved since m: its MB/s, and its CPU time per MiB in
 * microseconds, of this program and of the server if we know it.
 */
static void
figure_print(const char *k, const struct mark *m, size_t bytes)
{
	struct cpu c;
	double t = now(), mib = (double)bytes / (1 << 20);

	cpu_now(&c);
	printf("%s %.0f\n", k, (double)bytes / (t - m->t) / 1e6);
	printf("%s.cpu %.0f\n", k, (c.self - m->c.self) / mib * 1e6);
	if (getenv("RPC_BENCH_SERVER") != NULL)
		printf("%s.srvcpu %.0f\n", k, (c.server - m->c.server) / mib * 1e6);
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
 * Moves WARMUP and then PIPETOTAL bytes through the pipe fds, one stream,
 * measured from the first read after WARMUP bytes came.
 */
static int
through_pipe(const int *fds)
{
	static char buf[CHUNK];
	struct writejob job = { .fd = fds[1], .total = WARMUP + PIPETOTAL };
	pthread_t w;
	struct mark m = { 0 };
	size_t got, from = 0;
	ssize_t n;

	if (pthread_create(&w, NULL, writer, &job) != 0)
		return fail("pthread_create");
	for (got = 0; got < job.total; got += (size_t)n) {
		if (from == 0 && got >= WARMUP) {
			from = got;
			mark_now(&m);
		}
		n = rump_sys_read(fds[0], buf, sizeof(buf));
		if (n <= 0)
			return fail("read");
	}
	figure_print("pipe", &m, got - from);
	pthread_join(w, NULL);
	return 0;
}

/* Writes TOTAL bytes into a new BENCHFILE a CHUNK a call and fsyncs it. */
static int
file_write(void)
{
	static char buf[CHUNK];
	struct mark m;
	size_t done;
	ssize_t n;
	int fd;

	memset(buf, 'x', sizeof(buf));
	mark_now(&m);
	fd = rump_sys_open(BENCHFILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("open " BENCHFILE " to write");
	for (done = 0; done < TOTAL; done += (size_t)n) {
		n = rump_sys_write(fd, buf, sizeof(buf));
		if (n <= 0) {
			rump_sys_close(fd);
			return fail("write " BENCHFILE);
		}
	}
	if (rump_sys_fsync(fd) != 0) {
		rump_sys_close(fd);
		return fail("fsync " BENCHFILE);
	}
	figure_print("fwrite", &m, done);
	return rump_sys_close(fd) == 0 ? 0 : fail("close " BENCHFILE);
}

/* Reads BENCHFILE to its end a CHUNK a call; all TOTAL bytes must come. */
static int
file_read(void)
{
	static char buf[CHUNK];
	struct mark m;
	size_t got = 0;
	ssize_t n;
	int fd;

	mark_now(&m);
	fd = rump_sys_open(BENCHFILE, O_RDONLY, 0);
	if (fd < 0)
		return fail("open " BENCHFILE " to read");
	while ((n = rump_sys_read(fd, buf, sizeof(buf))) > 0)
		got += (size_t)n;
	rump_sys_close(fd);
	if (n < 0)
		return fail("read " BENCHFILE);
	if (got != TOTAL) {
		fprintf(stderr, "rpc_bench: read %zu bytes of %d\n", got, TOTAL);
		return 1;
	}
	figure_print("fread", &m, got);
	return 0;
}

/* The file figures, the file removed whatever came of them. */
static int
through_file(void)
{
	int error;

	error = file_write();
	if (error == 0)
		error = file_read();
	if (rump_sys_unlink(BENCHFILE) != 0 && error == 0)
		error = fail("unlink " BENCHFILE);
	return error;
}

#ifdef RPC_BENCH_LOCAL
#define NARGS		2
#define USAGE		"usage: rpc_bench_local EXT2-IMAGE\n"

/* The image rump_server --mount ext2fs,IMAGE,/mnt mounts for the remote run. */
static int
bench_files(char **argv)
{
	struct ukfs *fs;
	int error;

	fs = ukfs_mount("ext2fs", argv[1], "/mnt", 0);
	if (fs == NULL)
		return fail(argv[1]);
	error = through_file();
	if (ukfs_release(fs) != 0 && error == 0)
		error = fail("unmount /mnt");
	return error;
}
#else
#define NARGS		1
#define USAGE		"usage: RUMP_SERVER=URL rpc_bench_remote\n"

/* rump_server mounted the image at /mnt (--mount). */
static int
bench_files(char **argv)
{
	(void)argv;
	return through_file();
}
#endif

int
main(int argc, char **argv)
{
	double t0, t;
	int i, fds[2], error;

	if (argc != NARGS) {
		fputs(USAGE, stderr);
		return 1;
	}
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
	if (through_pipe(fds) != 0)
		return 1;
	rump_sys_close(fds[0]);
	rump_sys_close(fds[1]);
	if (bench_files(argv) != 0)
		return 1;
	return rump_fini() == 0 ? 0 : 1;
}
