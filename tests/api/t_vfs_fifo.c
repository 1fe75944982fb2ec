/*
 * FIFOs made with mknod and opened through the VFS: they are pipes shared
 * by their openers, and open(2) waits for the other end as POSIX says.
 * On rumpfs (the root); tests/api/t_ext2fs_vfs.c opens one on ext2.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>

#include "vfstest.h"
#include "threadstate.h"

#define FIFO	"/fifo"

static int
setup(void **state)
{
	leakcheck_setup(state);
	return rump_sys_mknod(FIFO, S_IFIFO | 0600, 0);
}

static int
teardown(void **state)
{
	int rv = rump_sys_unlink(FIFO);

	assert_int_equal(rv, 0);
	return leakcheck_teardown(state);
}

#define fifo_test(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

static void
bytes_written_into_a_fifo_are_read_from_it(void **state)
{
	char buf[16];
	int r, w;

	(void)state;
	r = rump_sys_open(FIFO, O_RDONLY | O_NONBLOCK, 0);
	assert_true(r >= 0);
	w = rump_sys_open(FIFO, O_WRONLY, 0);
	assert_true(w >= 0);
	assert_int_equal(rump_sys_write(w, "hello", 5), 5);
	assert_int_equal(rump_sys_read(r, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(rump_sys_close(w), 0);
	/* The writers gone, the reader sees end of file. */
	assert_int_equal(rump_sys_read(r, buf, sizeof(buf)), 0);
	assert_int_equal(rump_sys_close(r), 0);
}

static void
a_nonblocking_writer_without_a_reader_is_enxio(void **state)
{
	(void)state;
	assert_fails(rump_sys_open(FIFO, O_WRONLY | O_NONBLOCK, 0), ENXIO);
}

static void
a_fifo_opened_for_reading_and_writing_does_not_wait(void **state)
{
	struct pollfd pfd;
	char c;
	int fd;

	(void)state;
	fd = rump_sys_open(FIFO, O_RDWR, 0);
	assert_true(fd >= 0);
	pfd.fd = fd;
	pfd.events = POLLIN | POLLOUT;
	pfd.revents = 0;
	assert_int_equal(rump_sys_poll(&pfd, 1, 0), 1);
	assert_int_equal(pfd.revents, POLLOUT);
	assert_int_equal(rump_sys_write(fd, "x", 1), 1);
	assert_int_equal(rump_sys_read(fd, &c, 1), 1);
	assert_int_equal(c, 'x');
	assert_int_equal(rump_sys_close(fd), 0);
}

static void
fstat_of_an_open_fifo_is_the_node(void **state)
{
	struct stat node, open;
	int fd;

	(void)state;
	assert_int_equal(rump_sys_stat(FIFO, &node), 0);
	fd = rump_sys_open(FIFO, O_RDONLY | O_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_fstat(fd, &open), 0);
	assert_int_equal(rump_sys_close(fd), 0);
	assert_int_equal(open.st_ino, node.st_ino);
	assert_int_equal(open.st_mode, S_IFIFO | 0600);
}

static void
what_is_left_in_a_fifo_goes_when_the_last_end_closes(void **state)
{
	char c;
	int fd;

	(void)state;
	fd = rump_sys_open(FIFO, O_RDWR, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_write(fd, "y", 1), 1);
	assert_int_equal(rump_sys_close(fd), 0);
	fd = rump_sys_open(FIFO, O_RDWR | O_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_fails(rump_sys_read(fd, &c, 1), EAGAIN);
	assert_int_equal(rump_sys_close(fd), 0);
}

struct opener {
	pid_t tid;
	int fd;
};

static void *
open_reader(void *arg)
{
	struct opener *o = arg;

	__atomic_store_n(&o->tid, thread_self_id(), __ATOMIC_RELEASE);
	o->fd = rump_sys_open(FIFO, O_RDONLY, 0);
	return NULL;
}

static void
a_reader_waits_in_open_until_a_writer_comes(void **state)
{
	struct opener o = { 0, -1 };
	pthread_t t;
	char c;
	int w;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, open_reader, &o), 0);
	wait_thread_asleep(&o.tid);
	/* The reader, waiting, counts: a nonblocking writer gets in. */
	w = rump_sys_open(FIFO, O_WRONLY | O_NONBLOCK, 0);
	assert_true(w >= 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(o.fd >= 0);
	assert_int_equal(rump_sys_write(w, "z", 1), 1);
	assert_int_equal(rump_sys_read(o.fd, &c, 1), 1);
	assert_int_equal(c, 'z');
	assert_int_equal(rump_sys_close(w), 0);
	assert_int_equal(rump_sys_close(o.fd), 0);
}

/* ioctl and fcntl on a FIFO are its pipe's, shared by its openers. */
static void
fionread_on_a_fifo_counts_what_its_reader_can_read(void **state)
{
	int fd, n = -1;

	(void)state;
	fd = rump_sys_open(FIFO, O_RDWR, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_write(fd, "abc", 3), 3);
	assert_int_equal(rump_sys_ioctl(fd, FIONREAD, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rump_sys_close(fd), 0);
}

static void
a_fifo_takes_the_pipe_size_set_through_another_opener(void **state)
{
	int a, b;

	(void)state;
	a = rump_sys_open(FIFO, O_RDWR, 0);
	assert_true(a >= 0);
	b = rump_sys_open(FIFO, O_RDONLY, 0);
	assert_true(b >= 0);
	assert_int_equal(rump_sys_fcntl(a, F_SETPIPE_SZ, 8192), 8192);
	assert_int_equal(rump_sys_fcntl(b, F_GETPIPE_SZ, 0), 8192);
	assert_int_equal(rump_sys_close(b), 0);
	assert_int_equal(rump_sys_close(a), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		fifo_test(bytes_written_into_a_fifo_are_read_from_it),
		fifo_test(a_nonblocking_writer_without_a_reader_is_enxio),
		fifo_test(a_fifo_opened_for_reading_and_writing_does_not_wait),
		fifo_test(fstat_of_an_open_fifo_is_the_node),
		fifo_test(what_is_left_in_a_fifo_goes_when_the_last_end_closes),
		fifo_test(a_reader_waits_in_open_until_a_writer_comes),
		fifo_test(fionread_on_a_fifo_counts_what_its_reader_can_read),
		fifo_test(a_fifo_takes_the_pipe_size_set_through_another_opener),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
