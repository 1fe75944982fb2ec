/*
 * Bulk data through a thread's shared-memory channel: the server's kernel
 * reads a write's, a writev's, a send's data where it lies in the
 * channel's memory (rs_decode.c), and writes a read's where the reply
 * carries it.  Every byte must arrive where it was meant to, in order,
 * however the calls are cut.  This program links librumpclient and makes
 * its calls in the rump_server the fixture starts
 * (tests/common/remotetest.h).
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "apitest.h"
#include "udptest.h"

#define MIB	(1 << 20)

/* A pattern that differs at every offset a short count could leave. */
static void
fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + i / 4093 + seed);
}

/* A pipe that holds a mebibyte. */
static void
big_pipe(int p[2])
{
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_fcntl(p[1], F_SETPIPE_SZ, MIB), MIB);
}

static void
read_all(int fd, uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = rump_sys_read(fd, p, len);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

static void
a_mebibyte_written_through_a_channel_is_read_back_byte_exact(void **state)
{
	uint8_t *in = malloc(MIB), *out = malloc(MIB);
	int p[2];

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	fill(in, MIB, 1);
	big_pipe(p);
	assert_int_equal(rump_sys_write(p[1], in, MIB), MIB);
	read_all(p[0], out, MIB);
	assert_memory_equal(in, out, MIB);
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	free(in);
	free(out);
}

static void
writev_buffers_through_a_channel_arrive_in_order(void **state)
{
	static uint8_t a[100000], b[7], c[300000], out[sizeof(a) + sizeof(b) +
	    sizeof(c)];
	struct iovec iov[4] = {
		{ a, sizeof(a) }, { b, sizeof(b) }, { NULL, 0 }, { c, sizeof(c) },
	};
	int p[2];

	(void)state;
	fill(a, sizeof(a), 2);
	fill(b, sizeof(b), 3);
	fill(c, sizeof(c), 4);
	big_pipe(p);
	assert_int_equal(rump_sys_writev(p[1], iov, 4), sizeof(out));
	read_all(p[0], out, sizeof(out));
	assert_memory_equal(out, a, sizeof(a));
	assert_memory_equal(out + sizeof(a), b, sizeof(b));
	assert_memory_equal(out + sizeof(a) + sizeof(b), c, sizeof(c));
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
}

static void
a_sendto_through_a_channel_reaches_its_address_with_its_data(void **state)
{
	static uint8_t in[60000], out[sizeof(in)];
	struct sockaddr_in to, from;
	socklen_t fromlen = sizeof(from);
	int r = udptest_bound(&to), s = udptest_bound(&from);

	(void)state;
	fill(in, sizeof(in), 5);
	assert_int_equal(rump_sys_sendto(s, in, sizeof(in), 0,
	    (struct sockaddr *)&to, sizeof(to)), sizeof(in));
	memset(&from, 0, sizeof(from));
	assert_int_equal(rump_sys_recvfrom(r, out, sizeof(out), 0,
	    (struct sockaddr *)&from, &fromlen), sizeof(in));
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	rump_sys_close(r);
	rump_sys_close(s);
}

static void
a_sendmsg_through_a_channel_carries_its_iovecs_in_order(void **state)
{
	static uint8_t a[20000], b[30000], out[sizeof(a) + sizeof(b)];
	struct sockaddr_in to, from;
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to),
	    .msg_iov = iov, .msg_iovlen = 2 };
	int r = udptest_bound(&to), s = udptest_bound(&from);

	(void)state;
	fill(a, sizeof(a), 6);
	fill(b, sizeof(b), 7);
	assert_int_equal(rump_sys_sendmsg(s, &m, 0), sizeof(out));
	assert_int_equal(rump_sys_recv(r, out, sizeof(out), 0), sizeof(out));
	assert_memory_equal(out, a, sizeof(a));
	assert_memory_equal(out + sizeof(a), b, sizeof(b));
	rump_sys_close(r);
	rump_sys_close(s);
}

/*
 * The client copies a read's data out of the channel as the server's
 * kernel writes it there; what lies past the count the call returns is
 * the caller's still, as after a local read.
 */
static void
a_short_read_through_a_channel_leaves_the_buffer_past_its_count_alone(
    void **state)
{
	static uint8_t in[1000], out[MIB], want[MIB - sizeof(in)];
	int p[2];

	(void)state;
	fill(in, sizeof(in), 9);
	memset(out, 0xee, sizeof(out));
	memset(want, 0xee, sizeof(want));
	big_pipe(p);
	assert_int_equal(rump_sys_write(p[1], in, sizeof(in)), sizeof(in));
	assert_int_equal(rump_sys_read(p[0], out, sizeof(out)), sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
	assert_memory_equal(out + sizeof(in), want, sizeof(want));
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
}

static void
a_failed_read_through_a_channel_leaves_the_buffer_alone(void **state)
{
	static uint8_t out[MIB], want[MIB];
	int fd;

	(void)state;
	memset(out, 0xee, sizeof(out));
	memset(want, 0xee, sizeof(want));
	assert_int_equal(rump_sys_read(-1, out, sizeof(out)), -1);
	assert_int_equal(errno, EBADF);
	fd = rump_sys_open("/", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(rump_sys_read(fd, out, sizeof(out)), -1);
	assert_int_equal(errno, EISDIR);
	assert_memory_equal(out, want, sizeof(want));
	rump_sys_close(fd);
}

/* Writes n bytes a call of size chunk, from the thread of its own. */
struct writer {
	int		fd;
	const uint8_t	*p;
	size_t		n, chunk;
};

static void *
write_chunks(void *arg)
{
	struct writer *w = arg;
	size_t done = 0, len;
	ssize_t n;

	while (done < w->n) {
		len = w->n - done < w->chunk ? w->n - done : w->chunk;
		n = rump_sys_write(w->fd, w->p + done, len);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return NULL;
}

static void
bulk_between_two_threads_channels_arrives_byte_exact(void **state)
{
	size_t total = 8 * MIB + 12345;
	uint8_t *in = malloc(total), *out = malloc(total);
	struct writer w = { .p = in, .n = total, .chunk = MIB - 1 };
	pthread_t t;
	int p[2];

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	fill(in, total, 8);
	big_pipe(p);
	w.fd = p[1];
	assert_int_equal(pthread_create(&t, NULL, write_chunks, &w), 0);
	read_all(p[0], out, total);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_memory_equal(in, out, total);
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	free(in);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_mebibyte_written_through_a_channel_is_read_back_byte_exact),
		leak_test(writev_buffers_through_a_channel_arrive_in_order),
		leak_test(a_sendto_through_a_channel_reaches_its_address_with_its_data),
		leak_test(a_sendmsg_through_a_channel_carries_its_iovecs_in_order),
		leak_test(bulk_between_two_threads_channels_arrives_byte_exact),
		leak_test(a_short_read_through_a_channel_leaves_the_buffer_past_its_count_alone),
		leak_test(a_failed_read_through_a_channel_leaves_the_buffer_alone),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
