/*
 * Descriptors, pipes, poll and per-process descriptor tables, through the
 * public system calls only.
 *
 * Tests that depend on exact descriptor numbers run in a process of their
 * own with an empty table (rump_lwproc_rfork(RUMP_RFCFDG)) and go back to
 * process 1 at the end, which closes whatever they left open.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <time.h>

#include "apitest.h"
#include "threadstate.h"

/* The descriptor limit this test boots with (RUMP_NOFILE). */
#define NOFILE		512
#define NOFILE_STR	"512"

static void
fresh_process(void)
{
	SKIP_ON_REMOTE("a process of its own needs rump_lwproc_rfork");
	assert_int_equal(rump_lwproc_rfork(RUMP_RFCFDG), 0);
}

static void
back_to_pid1(void)
{
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	assert_int_equal(rump_sys_getpid(), 1);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The call failed with -1 and set errno to e. */
#define assert_fails(call, e) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, (e));					\
} while (0)

/* ---- allocation, dup, close ---------------------------------------------- */

static void
lowest_free_descriptor_is_allocated(void **state)
{
	int a[2], b[2], c[2];

	(void)state;
	fresh_process();
	assert_int_equal(rump_sys_pipe2(a, 0), 0);
	assert_int_equal(a[0], 0);
	assert_int_equal(a[1], 1);
	assert_int_equal(rump_sys_pipe2(b, 0), 0);
	assert_int_equal(b[0], 2);
	assert_int_equal(b[1], 3);
	/* Holes below the highest are filled first, lowest first. */
	assert_int_equal(rump_sys_close(a[1]), 0);
	assert_int_equal(rump_sys_close(a[0]), 0);
	assert_int_equal(rump_sys_pipe2(c, 0), 0);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[1], 1);
	back_to_pid1();
}

static void
close_frees_the_descriptor(void **state)
{
	int p[2];

	(void)state;
	fresh_process();
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_fails(rump_sys_close(p[0]), EBADF);
	assert_fails(rump_sys_read(p[0], &p, 1), EBADF);
	assert_int_equal(rump_sys_dup(p[1]), p[0]);
	back_to_pid1();
}

static void
dup_returns_the_lowest_free_descriptor(void **state)
{
	int p[2], q[2];

	(void)state;
	fresh_process();
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_pipe2(q, 0), 0);
	assert_int_equal(rump_sys_dup(q[1]), 4);
	assert_int_equal(rump_sys_close(p[1]), 0);
	assert_int_equal(rump_sys_dup(q[1]), 1);
	assert_int_equal(rump_sys_dup(q[1]), 5);
	back_to_pid1();
}

static void
dup_shares_the_open_file(void **state)
{
	int p[2], d;
	char c = 0;

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	d = rump_sys_dup(p[1]);
	assert_true(d >= 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
	/* The write end is still open through the duplicate. */
	assert_int_equal(rump_sys_write(d, "x", 1), 1);
	assert_int_equal(rump_sys_read(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	assert_int_equal(rump_sys_close(d), 0);
	assert_int_equal(rump_sys_read(p[0], &c, 1), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
}

static void
dup2_onto_an_open_descriptor_replaces_it(void **state)
{
	int p[2], q[2];
	char buf[8];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_pipe2(q, 0), 0);
	assert_int_equal(rump_sys_dup2(q[1], p[1]), p[1]);
	/* p[1] now writes into q; p's only write end was closed. */
	assert_int_equal(rump_sys_write(p[1], "abc", 3), 3);
	assert_int_equal(rump_sys_read(q[0], buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(rump_sys_read(p[0], buf, sizeof(buf)), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rump_sys_close(p[i]), 0);
		assert_int_equal(rump_sys_close(q[i]), 0);
	}
}

static void
dup2_onto_a_free_descriptor_takes_that_number(void **state)
{
	int p[2];

	(void)state;
	fresh_process();
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	/* Beyond the table's first allocation: the table grows. */
	assert_int_equal(rump_sys_dup2(p[1], 300), 300);
	assert_int_equal(rump_sys_write(300, "x", 1), 1);
	assert_int_equal(rump_sys_dup(p[1]), 2);
	back_to_pid1();
}

static void
dup2_of_a_descriptor_onto_itself_returns_it(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_dup2(p[0], p[0]), p[0]);
	/* Still open. */
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFD, 0), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
	/* Even onto itself, a closed descriptor is EBADF. */
	assert_fails(rump_sys_dup2(p[0], p[0]), EBADF);
}

static void
dup3_with_equal_descriptors_is_einval(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_fails(rump_sys_dup3(p[0], p[0], 0), EINVAL);
	assert_fails(rump_sys_dup3(p[0], p[0], O_CLOEXEC), EINVAL);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
dup3_sets_cloexec_on_request(void **state)
{
	int p[2];

	(void)state;
	fresh_process();
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_dup3(p[0], 10, O_CLOEXEC), 10);
	assert_int_equal(rump_sys_fcntl(10, F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(rump_sys_dup3(p[0], 11, 0), 11);
	assert_int_equal(rump_sys_fcntl(11, F_GETFD, 0), 0);
	assert_fails(rump_sys_dup3(p[0], 12, O_NONBLOCK), EINVAL);
	back_to_pid1();
}

/* ---- fcntl ----------------------------------------------------------------- */

static void
fcntl_dupfd_takes_the_lowest_free_at_or_above_the_minimum(void **state)
{
	int p[2];

	(void)state;
	fresh_process();
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_DUPFD, 10), 10);
	assert_int_equal(rump_sys_fcntl(p[0], F_DUPFD, 10), 11);
	assert_int_equal(rump_sys_fcntl(p[0], F_DUPFD, 0), 2);
	assert_int_equal(rump_sys_fcntl(p[0], F_DUPFD_CLOEXEC, 5), 5);
	assert_int_equal(rump_sys_fcntl(5, F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(rump_sys_fcntl(10, F_GETFD, 0), 0);
	assert_fails(rump_sys_fcntl(p[0], F_DUPFD, -1), EINVAL);
	assert_fails(rump_sys_fcntl(p[0], F_DUPFD, NOFILE), EINVAL);
	back_to_pid1();
}

static void
fcntl_setfd_sets_and_clears_cloexec(void **state)
{
	int p[2], d;

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFD, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_SETFD, FD_CLOEXEC), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFD, 0), FD_CLOEXEC);
	/* The flag belongs to the descriptor: a duplicate does not have it. */
	d = rump_sys_dup(p[0]);
	assert_int_equal(rump_sys_fcntl(d, F_GETFD, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_SETFD, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFD, 0), 0);
	assert_int_equal(rump_sys_close(d), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
pipe2_cloexec_sets_it_on_both_ends(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(rump_sys_fcntl(p[1], F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
	assert_fails(rump_sys_pipe2(p, O_APPEND), EINVAL);
}

static void
fcntl_getfl_reports_access_mode(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFL, 0), O_RDONLY);
	assert_int_equal(rump_sys_fcntl(p[1], F_GETFL, 0), O_WRONLY);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
fcntl_setfl_nonblock_makes_read_of_empty_pipe_eagain(void **state)
{
	int p[2];
	char c;

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFL, 0), O_RDONLY | O_NONBLOCK);
	assert_fails(rump_sys_read(p[0], &c, 1), EAGAIN);
	/* F_SETFL does not change the access mode. */
	assert_int_equal(rump_sys_fcntl(p[0], F_SETFL, O_RDWR), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFL, 0), O_RDONLY);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
pipe2_nonblock_makes_both_ends_nonblocking(void **state)
{
	static char big[128 * 1024];
	int p[2];
	char c;
	ssize_t n;

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, O_NONBLOCK), 0);
	assert_fails(rump_sys_read(p[0], &c, 1), EAGAIN);
	/* A write larger than the buffer goes in part, then EAGAIN. */
	n = rump_sys_write(p[1], big, sizeof(big));
	assert_true(n > 0 && (size_t)n < sizeof(big));
	assert_fails(rump_sys_write(p[1], big, 1), EAGAIN);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
ioctl_fionbio_sets_and_clears_nonblocking(void **state)
{
	int p[2], on = 1, off = 0;
	char c;

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_ioctl(p[0], FIONBIO, &on), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFL, 0), O_RDONLY | O_NONBLOCK);
	assert_fails(rump_sys_read(p[0], &c, 1), EAGAIN);
	assert_int_equal(rump_sys_ioctl(p[0], FIONBIO, &off), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFL, 0), O_RDONLY);
	assert_fails(rump_sys_ioctl(p[0], FIONBIO, NULL), EFAULT);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFL, 0), O_RDONLY);
	assert_fails(rump_sys_ioctl(p[0], 0x12345678, &on), ENOTTY);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

/* ---- limits and bad descriptors ------------------------------------------- */

static void
emfile_when_the_descriptor_limit_is_reached(void **state)
{
	int p[2], fd, n;

	(void)state;
	fresh_process();
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	for (n = 2; (fd = rump_sys_dup(p[0])) != -1; n++)
		assert_int_equal(fd, n);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(n, NOFILE);
	assert_fails(rump_sys_pipe2(p, 0), EMFILE);
	assert_fails(rump_sys_fcntl(0, F_DUPFD, 0), EMFILE);
	assert_fails(rump_sys_dup2(0, NOFILE), EBADF);
	/* One free slot: a pipe needs two, and must not leak the first. */
	assert_int_equal(rump_sys_close(NOFILE - 1), 0);
	assert_fails(rump_sys_pipe2(p, 0), EMFILE);
	assert_int_equal(rump_sys_dup(0), NOFILE - 1);
	/* Leaving the process closes all of them and frees the table. */
	back_to_pid1();
}

static void
bad_descriptors_give_ebadf(void **state)
{
	static const int bad[] = { -1, -1000, INT_MIN, 77, NOFILE, INT_MAX };
	int p[2];
	char c;

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = bad[i];
		struct iovec iov = { &c, 1 };

		assert_fails(rump_sys_close(fd), EBADF);
		assert_fails(rump_sys_read(fd, &c, 1), EBADF);
		assert_fails(rump_sys_write(fd, &c, 1), EBADF);
		assert_fails(rump_sys_readv(fd, &iov, 1), EBADF);
		assert_fails(rump_sys_writev(fd, &iov, 1), EBADF);
		assert_fails(rump_sys_dup(fd), EBADF);
		assert_fails(rump_sys_dup2(fd, p[0]), EBADF);
		assert_fails(rump_sys_dup3(fd, p[0], 0), EBADF);
		assert_fails(rump_sys_fcntl(fd, F_GETFD, 0), EBADF);
		assert_fails(rump_sys_fcntl(fd, F_GETFL, 0), EBADF);
		assert_fails(rump_sys_ioctl(fd, FIONREAD, &c), EBADF);
	}
	/* A bad target of dup2 is EBADF too. */
	assert_fails(rump_sys_dup2(p[0], -1), EBADF);
	assert_fails(rump_sys_dup2(p[0], INT_MAX), EBADF);
	/* The wrong end of a pipe. */
	assert_fails(rump_sys_write(p[0], &c, 1), EBADF);
	assert_fails(rump_sys_read(p[1], &c, 1), EBADF);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

/* ---- pipes ------------------------------------------------------------------ */

static void
pipe_delivers_bytes_in_order(void **state)
{
	char buf[32];
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_write(p[1], "one ", 4), 4);
	assert_int_equal(rump_sys_write(p[1], "two ", 4), 4);
	assert_int_equal(rump_sys_write(p[1], "three", 5), 5);
	assert_int_equal(rump_sys_read(p[0], buf, 6), 6);
	assert_memory_equal(buf, "one tw", 6);
	assert_int_equal(rump_sys_read(p[0], buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "o three", 7);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
pipe_read_of_zero_bytes_returns_zero_at_once(void **state)
{
	char c;
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	/* Empty, writer open: still no waiting for a read of nothing. */
	assert_int_equal(rump_sys_read(p[0], &c, 0), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
pipe_read_returns_eof_after_the_writer_closes(void **state)
{
	char buf[16];
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_write(p[1], "last", 4), 4);
	assert_int_equal(rump_sys_close(p[1]), 0);
	/* What was written is still read, then end of file, every time. */
	assert_int_equal(rump_sys_read(p[0], buf, sizeof(buf)), 4);
	assert_int_equal(rump_sys_read(p[0], buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_read(p[0], buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
}

static void
pipe_write_fails_with_epipe_after_the_reader_closes(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_fails(rump_sys_write(p[1], "x", 1), EPIPE);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
pipe_carries_more_than_its_buffer(void **state)
{
	enum { TOTAL = 1024 * 1024 };
	int p[2];
	unsigned char *out, *in;
	size_t got = 0;

	(void)state;
	out = malloc(TOTAL);
	in = malloc(TOTAL);
	assert_non_null(out);
	assert_non_null(in);
	for (size_t i = 0; i < TOTAL; i++)
		out[i] = (unsigned char)(i * 7 + (i >> 11));
	assert_int_equal(rump_sys_pipe2(p, O_NONBLOCK), 0);
	/* One thread, alternating: no write may lose or repeat a byte. */
	for (size_t put = 0; got < TOTAL;) {
		ssize_t n;

		if (put < TOTAL) {
			n = rump_sys_write(p[1], out + put, TOTAL - put);
			if (n > 0)
				put += (size_t)n;
			else
				assert_int_equal(errno, EAGAIN);
		}
		n = rump_sys_read(p[0], in + got, TOTAL - got);
		if (n > 0)
			got += (size_t)n;
		else
			assert_int_equal(errno, EAGAIN);
	}
	assert_memory_equal(in, out, TOTAL);
	free(in);
	free(out);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
fionread_reports_bytes_buffered(void **state)
{
	int p[2], n = -1;
	char buf[8];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_ioctl(p[0], FIONREAD, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(rump_sys_write(p[1], "12345", 5), 5);
	assert_int_equal(rump_sys_ioctl(p[0], FIONREAD, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(rump_sys_read(p[0], buf, 2), 2);
	assert_int_equal(rump_sys_ioctl(p[0], FIONREAD, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
readv_and_writev_gather_and_scatter(void **state)
{
	char a[3], b[1], c[8];
	struct iovec out[] = {
		{ "hel", 3 }, { NULL, 0 }, { "lo, ", 4 }, { "world", 5 },
	};
	struct iovec in[] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };
	int p[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_writev(p[1], out, 4), 12);
	assert_int_equal(rump_sys_readv(p[0], in, 3), 12);
	assert_memory_equal(a, "hel", 3);
	assert_memory_equal(b, "l", 1);
	assert_memory_equal(c, "o, world", 8);
	assert_fails(rump_sys_writev(p[1], out, -1), EINVAL);
	assert_fails(rump_sys_writev(p[1], out, 100000), EINVAL);
	assert_int_equal(rump_sys_writev(p[1], out, 0), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
small_write_to_a_nearly_full_pipe_is_all_or_nothing(void **state)
{
	static char big[256 * 1024];
	int p[2];
	ssize_t cap;

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, O_NONBLOCK), 0);
	cap = rump_sys_write(p[1], big, sizeof(big));
	assert_true(cap >= 4096);
	assert_int_equal(rump_sys_read(p[0], big, 100), 100);
	/* 100 bytes free: a write of up to PIPE_BUF (4096) does not split. */
	assert_fails(rump_sys_write(p[1], big, 4096), EAGAIN);
	assert_int_equal(rump_sys_write(p[1], big, 100), 100);
	assert_fails(rump_sys_write(p[1], big, 1), EAGAIN);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
null_buffers_give_efault(void **state)
{
	struct iovec iov = { NULL, 1 };
	int p[2];

	(void)state;
	assert_fails(rump_sys_pipe2(NULL, 0), EFAULT);
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_write(p[1], "x", 1), 1);
	assert_fails(rump_sys_read(p[0], NULL, 1), EFAULT);
	assert_fails(rump_sys_write(p[1], NULL, 1), EFAULT);
	assert_fails(rump_sys_readv(p[0], NULL, 1), EFAULT);
	assert_fails(rump_sys_readv(p[0], &iov, 1), EFAULT);
	assert_fails(rump_sys_ioctl(p[0], FIONREAD, NULL), EFAULT);
	assert_fails(rump_sys_poll(NULL, 1, 0), EFAULT);
	/* Nothing was consumed by the failed calls. */
	assert_int_equal(rump_sys_read(p[0], &iov, 1), 1);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

/* ---- poll --------------------------------------------------------------------- */

/*
 * Many pipes need a process of their own: process 1's table would keep
 * the room they took, which the leak check would count against the test.
 */
#define NPIPES	200

static void
open_pipes(int (*p)[2], struct pollfd *pfd, int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(rump_sys_pipe2(p[i], 0), 0);
		pfd[i] = (struct pollfd){ .fd = p[i][0], .events = POLLIN };
	}
}

static void
close_pipes(int (*p)[2], int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(rump_sys_close(p[i][0]), 0);
		assert_int_equal(rump_sys_close(p[i][1]), 0);
	}
}

static void
poll_finds_the_one_readable_among_many(void **state)
{
	static int p[NPIPES][2];
	static struct pollfd pfd[NPIPES];

	(void)state;
	fresh_process();
	open_pipes(p, pfd, NPIPES);
	assert_int_equal(rump_sys_poll(pfd, NPIPES, 0), 0);
	assert_int_equal(rump_sys_write(p[137][1], "!", 1), 1);
	assert_int_equal(rump_sys_poll(pfd, NPIPES, 0), 1);
	for (int i = 0; i < NPIPES; i++)
		assert_int_equal(pfd[i].revents, i == 137 ? POLLIN : 0);
	close_pipes(p, NPIPES);
	back_to_pid1();
}

static void
poll_returns_zero_when_its_timeout_expires(void **state)
{
	static int p[NPIPES][2];
	static struct pollfd pfd[NPIPES];
	uint64_t start, waited;

	(void)state;
	fresh_process();
	open_pipes(p, pfd, NPIPES);
	start = now_ms();
	assert_int_equal(rump_sys_poll(pfd, NPIPES, 30), 0);
	waited = now_ms() - start;
	for (int i = 0; i < NPIPES; i++)
		assert_int_equal(pfd[i].revents, 0);
	assert_true(waited >= 29);
	close_pipes(p, NPIPES);
	back_to_pid1();
}

static void
poll_of_no_descriptors_just_waits(void **state)
{
	(void)state;
	/* As sleep(3) in old programs: no array at all, only the timeout. */
	assert_int_equal(rump_sys_poll(NULL, 0, 1), 0);
	assert_int_equal(rump_sys_poll(NULL, 0, 0), 0);
}

struct late_writer {
	int fd;
	ssize_t n;
	pid_t poller;		/* atomic: the polling thread */
};

static void *
write_later(void *arg)
{
	struct late_writer *w = arg;

	/* Once the poller sleeps: the write must wake it, not precede it. */
	wait_thread_asleep(&w->poller);
	w->n = rump_sys_write(w->fd, "wake", 4);
	return NULL;
}

static void
poll_is_woken_by_a_write_from_another_thread(void **state)
{
	/* The writer thread is in process 1: so are these, fewer of them. */
	enum { N = 20 };
	int p[N][2];
	struct pollfd pfd[N];
	struct late_writer w;
	pthread_t t;

	(void)state;
	open_pipes(p, pfd, N);
	w = (struct late_writer){ .fd = p[N - 1][1], .n = -2 };
	__atomic_store_n(&w.poller, thread_self_id(), __ATOMIC_RELEASE);
	assert_int_equal(pthread_create(&t, NULL, write_later, &w), 0);
	assert_int_equal(rump_sys_poll(pfd, N, -1), 1);
	assert_int_equal(pfd[N - 1].revents, POLLIN);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(w.n, 4);
	close_pipes(p, N);
}

static void
poll_reports_hangup_error_and_bad_descriptors(void **state)
{
	int p[2], q[2];
	struct pollfd pfd[4];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_pipe2(q, 0), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
	assert_int_equal(rump_sys_close(q[0]), 0);
	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = q[1], .events = POLLOUT };
	pfd[2] = (struct pollfd){ .fd = p[1], .events = POLLIN };
	pfd[3] = (struct pollfd){ .fd = -1, .events = POLLIN };
	assert_int_equal(rump_sys_poll(pfd, 4, -1), 3);
	assert_int_equal(pfd[0].revents, POLLHUP);
	assert_true(pfd[1].revents & POLLERR);
	assert_int_equal(pfd[2].revents, POLLNVAL);
	assert_int_equal(pfd[3].revents, 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(q[1]), 0);
}

static void
poll_with_more_descriptors_than_the_limit_is_einval(void **state)
{
	static struct pollfd pfd[NOFILE + 1];

	(void)state;
	for (int i = 0; i <= NOFILE; i++)
		pfd[i] = (struct pollfd){ .fd = -1 };
	assert_fails(rump_sys_poll(pfd, NOFILE + 1, 0), EINVAL);
	assert_int_equal(rump_sys_poll(pfd, NOFILE, 0), 0);
}

/* ---- processes and their descriptor tables ------------------------------------ */

static void
getpid_is_1_until_the_thread_forks(void **state)
{
	int a, b;

	(void)state;
	SKIP_ON_REMOTE("a remote client is a process of its own from the start");
	assert_int_equal(rump_sys_getpid(), 1);
	fresh_process();
	a = rump_sys_getpid();
	assert_true(a > 1);
	/* Forking again leaves (and ends) the process just made. */
	fresh_process();
	b = rump_sys_getpid();
	assert_true(b > a);
	back_to_pid1();
	/* Releasing in process 1 stays there. */
	back_to_pid1();
}

static void
rfork_cfdg_starts_with_an_empty_table(void **state)
{
	int p[2], q[2];
	char c;

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_write(p[1], "k", 1), 1);
	fresh_process();
	assert_fails(rump_sys_read(p[0], &c, 1), EBADF);
	assert_fails(rump_sys_fcntl(p[1], F_GETFD, 0), EBADF);
	assert_int_equal(rump_sys_pipe2(q, 0), 0);
	assert_int_equal(q[0], 0);
	assert_int_equal(q[1], 1);
	back_to_pid1();
	/* Process 1's descriptors were untouched. */
	assert_int_equal(rump_sys_read(p[0], &c, 1), 1);
	assert_int_equal(c, 'k');
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_close(p[1]), 0);
}

static void
rfork_fdg_copies_the_table_and_shares_the_files(void **state)
{
	int p[2];
	char buf[8];

	(void)state;
	SKIP_ON_REMOTE("needs rump_lwproc_rfork or the kernel's memory statistics");
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[0], F_SETFD, FD_CLOEXEC), 0);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_true(rump_sys_getpid() > 1);
	/* Same numbers, same flags, same open files. */
	assert_int_equal(rump_sys_fcntl(p[0], F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(rump_sys_write(p[1], "child", 5), 5);
	/* Closing the copy closes only the copy. */
	assert_int_equal(rump_sys_close(p[0]), 0);
	assert_int_equal(rump_sys_dup2(p[1], 7), 7);
	back_to_pid1();
	assert_fails(rump_sys_fcntl(7, F_GETFD, 0), EBADF);
	assert_int_equal(rump_sys_read(p[0], buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "child", 5);
	/* The child's copies are closed: the writer here is the last one. */
	assert_int_equal(rump_sys_close(p[1]), 0);
	assert_int_equal(rump_sys_read(p[0], buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_close(p[0]), 0);
}

static void
rfork_fdg_copies_a_table_that_grew(void **state)
{
	int p[2];
	char c;

	(void)state;
	SKIP_ON_REMOTE("needs rump_lwproc_rfork or the kernel's memory statistics");
	fresh_process();
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_dup2(p[1], 300), 300);
	assert_int_equal(rump_sys_fcntl(300, F_SETFD, FD_CLOEXEC), 0);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_fcntl(300, F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(rump_sys_write(300, "g", 1), 1);
	assert_int_equal(rump_sys_read(p[0], &c, 1), 1);
	assert_int_equal(c, 'g');
	/* The copy allocates as the original would. */
	assert_int_equal(rump_sys_dup(p[0]), 2);
	back_to_pid1();
}

struct forker {
	int fds[2];
	int pid;
	int error;
};

static void *
fork_open_and_exit(void *arg)
{
	struct forker *f = arg;

	f->error = rump_lwproc_rfork(RUMP_RFCFDG);
	f->pid = rump_sys_getpid();
	if (rump_sys_pipe2(f->fds, 0) != 0 ||
	    rump_sys_write(f->fds[1], "left", 4) != 4)
		f->error = errno;
	/* Exits without releasing: the process goes with its last thread. */
	return NULL;
}

static void
a_thread_exiting_ends_its_process(void **state)
{
	struct forker f = { .error = -1 };
	struct rump_kmem_stat before, after;
	pthread_t t;

	(void)state;
	SKIP_ON_REMOTE("needs rump_lwproc_rfork or the kernel's memory statistics");
	assert_int_equal(rump_kmem_stat("proc", &before), 0);
	assert_int_equal(pthread_create(&t, NULL, fork_open_and_exit, &f), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(f.error, 0);
	assert_true(f.pid > 1);
	assert_int_equal(rump_kmem_stat("proc", &after), 0);
	/* The process is gone; leak_test() sees its pipe gone too. */
	assert_int_equal(after.blocks, before.blocks);
}

static void
rfork_with_bad_flags_is_einval(void **state)
{
	(void)state;
	SKIP_ON_REMOTE("needs rump_lwproc_rfork or the kernel's memory statistics");
	assert_int_equal(rump_lwproc_rfork(0), EINVAL);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG | RUMP_RFCFDG), EINVAL);
	assert_int_equal(rump_sys_getpid(), 1);
}

static int
boot(void **state)
{
	setenv("RUMP_NOFILE", NOFILE_STR, 1);
	return apitest_boot(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(lowest_free_descriptor_is_allocated),
		leak_test(close_frees_the_descriptor),
		leak_test(dup_returns_the_lowest_free_descriptor),
		leak_test(dup_shares_the_open_file),
		leak_test(dup2_onto_an_open_descriptor_replaces_it),
		leak_test(dup2_onto_a_free_descriptor_takes_that_number),
		leak_test(dup2_of_a_descriptor_onto_itself_returns_it),
		leak_test(dup3_with_equal_descriptors_is_einval),
		leak_test(dup3_sets_cloexec_on_request),
		leak_test(fcntl_dupfd_takes_the_lowest_free_at_or_above_the_minimum),
		leak_test(fcntl_setfd_sets_and_clears_cloexec),
		leak_test(pipe2_cloexec_sets_it_on_both_ends),
		leak_test(fcntl_getfl_reports_access_mode),
		leak_test(fcntl_setfl_nonblock_makes_read_of_empty_pipe_eagain),
		leak_test(pipe2_nonblock_makes_both_ends_nonblocking),
		leak_test(ioctl_fionbio_sets_and_clears_nonblocking),
		leak_test(emfile_when_the_descriptor_limit_is_reached),
		leak_test(bad_descriptors_give_ebadf),
		leak_test(pipe_delivers_bytes_in_order),
		leak_test(pipe_read_of_zero_bytes_returns_zero_at_once),
		leak_test(pipe_read_returns_eof_after_the_writer_closes),
		leak_test(pipe_write_fails_with_epipe_after_the_reader_closes),
		leak_test(pipe_carries_more_than_its_buffer),
		leak_test(small_write_to_a_nearly_full_pipe_is_all_or_nothing),
		leak_test(null_buffers_give_efault),
		leak_test(fionread_reports_bytes_buffered),
		leak_test(readv_and_writev_gather_and_scatter),
		leak_test(poll_finds_the_one_readable_among_many),
		leak_test(poll_returns_zero_when_its_timeout_expires),
		leak_test(poll_of_no_descriptors_just_waits),
		leak_test(poll_is_woken_by_a_write_from_another_thread),
		leak_test(poll_reports_hangup_error_and_bad_descriptors),
		leak_test(poll_with_more_descriptors_than_the_limit_is_einval),
		leak_test(getpid_is_1_until_the_thread_forks),
		leak_test(rfork_cfdg_starts_with_an_empty_table),
		leak_test(rfork_fdg_copies_the_table_and_shares_the_files),
		leak_test(rfork_fdg_copies_a_table_that_grew),
		leak_test(a_thread_exiting_ends_its_process),
		leak_test(rfork_with_bad_flags_is_einval),
	};

	return cmocka_run_group_tests(tests, boot, apitest_halt);
}
