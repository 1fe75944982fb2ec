/*
 * Files without a position (pipes, sockets) through the public calls:
 * fstat tells them apart as Linux does, lseek and the positioned calls
 * refuse them, and vectors of iovecs up to the limit move data, the
 * small ones without an allocation.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apitest.h"

#define assert_fails(call, e) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, (e));					\
} while (0)

static int p[2];

static int
pipe_setup(void **state)
{
	leakcheck_setup(state);
	return rump_sys_pipe2(p, 0);
}

static int
pipe_teardown(void **state)
{
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	return leakcheck_teardown(state);
}

#define pipe_test(f)	cmocka_unit_test_setup_teardown(f, pipe_setup, \
	pipe_teardown)

/* ---- fstat ---------------------------------------------------------------- */

static void
fstat_of_a_pipe_is_a_fifo_of_mode_0600(void **state)
{
	struct stat sb;

	(void)state;
	memset(&sb, 0xff, sizeof(sb));
	assert_int_equal(rump_sys_fstat(p[0], &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_nlink, 1);
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(sb.st_size, 0);
	assert_int_equal(sb.st_blksize, 4096);
	assert_true(sb.st_mtim.tv_sec > 0);
}

static void
both_ends_of_a_pipe_have_one_inode_and_two_pipes_two(void **state)
{
	struct stat r, w, o;
	int q[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(q, 0), 0);
	assert_int_equal(rump_sys_fstat(p[0], &r), 0);
	assert_int_equal(rump_sys_fstat(p[1], &w), 0);
	assert_int_equal(rump_sys_fstat(q[0], &o), 0);
	assert_int_equal(r.st_ino, w.st_ino);
	assert_int_not_equal(r.st_ino, o.st_ino);
	rump_sys_close(q[0]);
	rump_sys_close(q[1]);
}

static void
fstat_of_a_socket_is_a_socket_of_mode_0777(void **state)
{
	struct stat sb;
	int s;

	(void)state;
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	assert_int_equal(rump_sys_fstat(s, &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0777);
	rump_sys_close(s);
}

static void
fstat_of_a_bad_descriptor_is_ebadf(void **state)
{
	struct stat sb;

	(void)state;
	assert_fails(rump_sys_fstat(-1, &sb), EBADF);
	assert_fails(rump_sys_fstat(1000, &sb), EBADF);
}

static void
fstat_into_a_null_buffer_is_efault(void **state)
{
	(void)state;
	assert_fails(rump_sys_fstat(p[0], NULL), EFAULT);
}

/* ---- no position ------------------------------------------------------------ */

static void
lseek_on_a_pipe_or_a_socket_is_espipe(void **state)
{
	int s;

	(void)state;
	assert_fails(rump_sys_lseek(p[0], 0, SEEK_SET), ESPIPE);
	assert_fails(rump_sys_lseek(p[1], 0, SEEK_CUR), ESPIPE);
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	assert_fails(rump_sys_lseek(s, 0, SEEK_END), ESPIPE);
	rump_sys_close(s);
}

static void
positioned_io_on_a_pipe_is_espipe(void **state)
{
	char buf[4] = "abc";
	struct iovec iov = { buf, sizeof(buf) };

	(void)state;
	assert_fails(rump_sys_pwrite(p[1], buf, sizeof(buf), 0), ESPIPE);
	assert_fails(rump_sys_pwritev(p[1], &iov, 1, 0), ESPIPE);
	assert_fails(rump_sys_pread(p[0], buf, sizeof(buf), 0), ESPIPE);
	assert_fails(rump_sys_preadv(p[0], &iov, 1, 0), ESPIPE);
	/* Nothing went in. */
	assert_int_equal(rump_sys_fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	assert_fails(rump_sys_read(p[0], buf, sizeof(buf)), EAGAIN);
}

static void
positioned_io_at_a_negative_offset_is_einval_first(void **state)
{
	char buf[4];

	(void)state;
	assert_fails(rump_sys_pread(p[0], buf, sizeof(buf), -1), EINVAL);
	assert_fails(rump_sys_pread(-1, buf, sizeof(buf), -1), EINVAL);
}

static void
positioned_io_needs_the_access_mode_before_a_position(void **state)
{
	char buf[4] = "abc";

	(void)state;
	assert_fails(rump_sys_pread(p[1], buf, sizeof(buf), 0), EBADF);
	assert_fails(rump_sys_pwrite(p[0], buf, sizeof(buf), 0), EBADF);
}

/* ---- fcntl ------------------------------------------------------------------- */

static void
fcntl_getpipe_sz_gives_the_pipe_buffer_size(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_fcntl(p[0], F_GETPIPE_SZ, 0), 65536);
	assert_int_equal(rump_sys_fcntl(p[1], F_GETPIPE_SZ, 0), 65536);
}

static void
fcntl_setpipe_sz_makes_a_pipe_hold_that_many_bytes(void **state)
{
	size_t len = 1024 * 1024;
	char *buf = calloc(1, len);

	(void)state;
	assert_non_null(buf);
	assert_int_equal(rump_sys_fcntl(p[1], F_SETPIPE_SZ, (long)len),
	    (int)len);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETPIPE_SZ, 0), (int)len);
	assert_int_equal(rump_sys_fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(rump_sys_write(p[1], buf, len), (ssize_t)len);
	assert_fails(rump_sys_write(p[1], buf, 1), EAGAIN);
	free(buf);
}

static void
fcntl_setpipe_sz_rounds_up_to_a_power_of_two_pages(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_fcntl(p[0], F_SETPIPE_SZ, 5000), 8192);
	assert_int_equal(rump_sys_fcntl(p[0], F_SETPIPE_SZ, 0), 4096);
	assert_int_equal(rump_sys_fcntl(p[1], F_GETPIPE_SZ, 0), 4096);
}

static void
fcntl_setpipe_sz_beyond_the_maximum_is_eperm_and_negative_einval(void **state)
{
	(void)state;
	assert_fails(rump_sys_fcntl(p[0], F_SETPIPE_SZ, 2 * 1024 * 1024),
	    EPERM);
	assert_fails(rump_sys_fcntl(p[0], F_SETPIPE_SZ, -1), EINVAL);
	assert_int_equal(rump_sys_fcntl(p[0], F_GETPIPE_SZ, 0), 65536);
}

/* The bytes buffered, wrapped around the ring's end, survive a resize. */
static void
fcntl_setpipe_sz_keeps_what_the_pipe_holds_and_never_drops_it(void **state)
{
	static char in[80000], out[80000];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7 + i / 251);
	assert_int_equal(rump_sys_write(p[1], in, 60000), 60000);
	assert_int_equal(rump_sys_read(p[0], out, 50000), 50000);
	assert_int_equal(rump_sys_write(p[1], in + 60000, 20000), 20000);
	/* 30,000 bytes held: a 16 KiB pipe cannot take them. */
	assert_fails(rump_sys_fcntl(p[0], F_SETPIPE_SZ, 16384), EBUSY);
	assert_int_equal(rump_sys_fcntl(p[0], F_SETPIPE_SZ, 1 << 20), 1 << 20);
	assert_int_equal(rump_sys_read(p[0], out + 50000, 30000), 30000);
	assert_memory_equal(in, out, sizeof(in));
}

static void
fcntl_of_a_command_no_file_knows_is_einval(void **state)
{
	int s;

	(void)state;
	assert_fails(rump_sys_fcntl(p[0], 9999, 0), EINVAL);
	s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s >= 0);
	assert_fails(rump_sys_fcntl(s, F_GETPIPE_SZ, 0), EINVAL);
	rump_sys_close(s);
}

/* ---- iovec vectors ----------------------------------------------------------- */

static struct iovec iov[1025];
static char bytes[1025];

/* Allocations of kernel iovec arrays so far. */
static uint64_t
iov_allocs(void)
{
	struct rump_kmem_stat st;

	SKIP_ON_REMOTE("the kernel's memory statistics are the server's");
	assert_int_equal(rump_kmem_stat("iov", &st), 0);
	return st.total;
}

/* n iovecs of one byte each over bytes[]. */
static void
one_byte_iovecs(int n, char fill)
{
	memset(bytes, fill, sizeof(bytes));
	for (int i = 0; i < n; i++) {
		iov[i].iov_base = &bytes[i];
		iov[i].iov_len = 1;
	}
}

/*
 * Writes n one-byte iovecs into the pipe and reads them back with n
 * iovecs; returns how many iovec arrays the kernel allocated meanwhile.
 */
static uint64_t
vector_round_trip(int n)
{
	uint64_t before = iov_allocs();

	one_byte_iovecs(n, 'w');
	assert_int_equal(rump_sys_writev(p[1], iov, n), n);
	one_byte_iovecs(n, 'r');
	if (n > 0)
		assert_int_equal(rump_sys_readv(p[0], iov, n), n);
	for (int i = 0; i < n; i++)
		assert_int_equal(bytes[i], 'w');
	return iov_allocs() - before;
}

static void
vectors_of_none_one_and_eight_iovecs_need_no_allocation(void **state)
{
	(void)state;
	assert_int_equal(vector_round_trip(0), 0);
	assert_int_equal(vector_round_trip(1), 0);
	assert_int_equal(vector_round_trip(8), 0);
}

static void
vectors_of_nine_and_1024_iovecs_are_allocated_once_a_call(void **state)
{
	(void)state;
	assert_int_equal(vector_round_trip(9), 2);
	assert_int_equal(vector_round_trip(1024), 2);
}

static void
vectors_of_1025_iovecs_are_einval(void **state)
{
	(void)state;
	one_byte_iovecs(1025, 'x');
	assert_fails(rump_sys_writev(p[1], iov, 1025), EINVAL);
	assert_fails(rump_sys_readv(p[0], iov, 1025), EINVAL);
	assert_fails(rump_sys_writev(p[1], iov, -1), EINVAL);
}

/* The same through sendmsg and recvmsg on a connected pair of UDP sockets. */
static int
udp_pair(int *rx)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int tx;

	*rx = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	tx = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(*rx >= 0 && tx >= 0);
	assert_int_equal(rump_sys_bind(*rx, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	assert_int_equal(rump_sys_getsockname(*rx, (struct sockaddr *)&sin,
	    &len), 0);
	assert_int_equal(rump_sys_connect(tx, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	return tx;
}

static uint64_t
message_round_trip(int tx, int rx, int n)
{
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)n };
	uint64_t before = iov_allocs();

	one_byte_iovecs(n, 'm');
	assert_int_equal(rump_sys_sendmsg(tx, &msg, 0), n);
	one_byte_iovecs(n, 'r');
	assert_int_equal(rump_sys_recvmsg(rx, &msg, 0), n);
	for (int i = 0; i < n; i++)
		assert_int_equal(bytes[i], 'm');
	return iov_allocs() - before;
}

static void
messages_of_none_to_eight_iovecs_need_no_allocation(void **state)
{
	int rx, tx = udp_pair(&rx);

	(void)state;
	/* No iovec at all is an empty datagram. */
	assert_int_equal(message_round_trip(tx, rx, 0), 0);
	assert_int_equal(message_round_trip(tx, rx, 1), 0);
	assert_int_equal(message_round_trip(tx, rx, 8), 0);
	rump_sys_close(tx);
	rump_sys_close(rx);
}

static void
messages_of_nine_and_1024_iovecs_are_allocated_once_a_call(void **state)
{
	int rx, tx = udp_pair(&rx);

	(void)state;
	assert_int_equal(message_round_trip(tx, rx, 9), 2);
	assert_int_equal(message_round_trip(tx, rx, 1024), 2);
	rump_sys_close(tx);
	rump_sys_close(rx);
}

static void
messages_of_1025_iovecs_are_emsgsize_as_on_linux(void **state)
{
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 1025 };
	int rx, tx = udp_pair(&rx);

	(void)state;
	one_byte_iovecs(1025, 'x');
	assert_fails(rump_sys_sendmsg(tx, &msg, 0), EMSGSIZE);
	assert_fails(rump_sys_recvmsg(rx, &msg, 0), EMSGSIZE);
	rump_sys_close(tx);
	rump_sys_close(rx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		pipe_test(fstat_of_a_pipe_is_a_fifo_of_mode_0600),
		pipe_test(both_ends_of_a_pipe_have_one_inode_and_two_pipes_two),
		pipe_test(fstat_of_a_socket_is_a_socket_of_mode_0777),
		pipe_test(fstat_of_a_bad_descriptor_is_ebadf),
		pipe_test(fstat_into_a_null_buffer_is_efault),
		pipe_test(lseek_on_a_pipe_or_a_socket_is_espipe),
		pipe_test(positioned_io_on_a_pipe_is_espipe),
		pipe_test(positioned_io_at_a_negative_offset_is_einval_first),
		pipe_test(positioned_io_needs_the_access_mode_before_a_position),
		pipe_test(fcntl_getpipe_sz_gives_the_pipe_buffer_size),
		pipe_test(fcntl_setpipe_sz_makes_a_pipe_hold_that_many_bytes),
		pipe_test(fcntl_setpipe_sz_rounds_up_to_a_power_of_two_pages),
		pipe_test(fcntl_setpipe_sz_beyond_the_maximum_is_eperm_and_negative_einval),
		pipe_test(fcntl_setpipe_sz_keeps_what_the_pipe_holds_and_never_drops_it),
		pipe_test(fcntl_of_a_command_no_file_knows_is_einval),
		pipe_test(vectors_of_none_one_and_eight_iovecs_need_no_allocation),
		pipe_test(vectors_of_nine_and_1024_iovecs_are_allocated_once_a_call),
		pipe_test(vectors_of_1025_iovecs_are_einval),
		leak_test(messages_of_none_to_eight_iovecs_need_no_allocation),
		leak_test(messages_of_nine_and_1024_iovecs_are_allocated_once_a_call),
		leak_test(messages_of_1025_iovecs_are_emsgsize_as_on_linux),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
