/*
 * Readers and writers of one socket at once.  soreceive copies to the
 * caller after dropping softnet_lock, and sosend copies from the caller
 * before taking it; the receive lock still keeps the bytes of one read
 * together, and every byte arrives once, in order.  On the test stream
 * protocol (teststream.h) and on UDP over loopback.
 */
#include "ktest.h"
#include "rumpkern/kthread.h"
#include "rumpkern/uio.h"
#include "netinet/in_var.h"
#include "teststream.h"

#define PORT	9

static int
io(struct socket *so, void *buf, size_t len, int flags, bool write,
    size_t *done)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct uio uio;
	int error;

	assert_int_equal(uio_setup(&uio, &iov, 1, write ? UIO_WRITE : UIO_READ),
	    0);
	error = write ? sosend(so, NULL, 0, &uio, NULL, NULL, flags, false) :
	    soreceive(so, NULL, NULL, &uio, NULL, &flags, false, NULL);
	*done = len - uio.uio_resid;
	return error;
}

/* ---- the test stream protocol ---- */

static void
ts_pair(struct socket **c, struct socket **s)
{
	struct ts_sockaddr tsa = { .ts_family = TS_AF, .ts_port = PORT };
	struct sockaddr_storage ss;
	socklen_t len;
	struct socket *head;

	assert_int_equal(socreate(TS_AF, &head, SOCK_STREAM, 0), 0);
	assert_int_equal(sobind(head, (struct sockaddr *)&tsa, sizeof(tsa)), 0);
	assert_int_equal(solisten(head, 1), 0);
	assert_int_equal(socreate(TS_AF, c, SOCK_STREAM, 0), 0);
	assert_int_equal(soconnect(*c, (struct sockaddr *)&tsa, sizeof(tsa),
	    false), 0);
	assert_int_equal(soaccept(head, s, &ss, &len, true), 0);
	assert_int_equal(soclose(head), 0);
}

enum { BLOCK = 1000, NBLOCKS = 200 };

struct blockreader {
	struct socket *so;
	int count[NBLOCKS];	/* how often each block was read */
	bool torn;		/* a read held bytes of two blocks */
	int error;
	struct lwp *l;
};

/* Reads whole blocks (MSG_WAITALL) until end of file. */
static void
read_blocks(void *arg)
{
	struct blockreader *r = arg;
	uint8_t buf[BLOCK];
	size_t got;

	for (;;) {
		r->error = io(r->so, buf, BLOCK, MSG_WAITALL, false, &got);
		if (r->error != 0 || got == 0)
			return;
		for (size_t i = 1; i < got; i++)
			if (buf[i] != buf[0])
				r->torn = true;
		if (got != BLOCK)
			r->torn = true;
		r->count[buf[0]]++;
	}
}

static void
two_readers_never_split_one_read_between_them(void **state)
{
	static struct blockreader r[2];
	uint8_t piece[300];
	struct socket *c, *s;
	size_t sent;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	/* Small buffers: each read waits for its block to come in pieces. */
	NET_LOCK();
	assert_int_equal(sbreserve(&s->so_rcv, 1500), 0);
	assert_int_equal(sbreserve(&c->so_snd, 1500), 0);
	NET_UNLOCK();
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 2; i++) {
		r[i].so = s;
		assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, read_blocks,
		    &r[i], &r[i].l, "reader"), 0);
	}
	for (int b = 0; b < NBLOCKS; b++) {
		memset(piece, b, sizeof(piece));
		for (size_t off = 0; off < BLOCK; off += sent) {
			assert_int_equal(io(c, piece, MIN(sizeof(piece),
			    BLOCK - off), 0, true, &sent), 0);
		}
	}
	assert_int_equal(soshutdown(c, SHUT_WR), 0);
	for (int i = 0; i < 2; i++) {
		kthread_join(r[i].l);
		assert_int_equal(r[i].error, 0);
		assert_false(r[i].torn);
	}
	for (int b = 0; b < NBLOCKS; b++)
		assert_int_equal(r[0].count[b] + r[1].count[b], 1);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static uint8_t
pat(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 8) * 13 + 1);
}

enum { STREAMLEN = 300000 };

struct writer {
	struct socket *so;
	uint8_t *buf;
	size_t sent;
	int error;
	struct lwp *l;
};

static void
write_all(void *arg)
{
	struct writer *w = arg;

	w->error = io(w->so, w->buf, STREAMLEN, 0, true, &w->sent);
}

static void
a_reader_gets_a_concurrent_writers_bytes_once_in_order(void **state)
{
	struct writer w = { .sent = 0 };
	uint8_t buf[7000];
	struct socket *s;
	size_t total = 0, got;

	(void)state;
	KTEST_ENTER();
	ts_pair(&w.so, &s);
	w.buf = kmem_alloc(&M_TEMP, STREAMLEN, KM_SLEEP);
	for (size_t i = 0; i < STREAMLEN; i++)
		w.buf[i] = pat(i);
	/* One write of several pieces, each larger than the buffers. */
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, write_all, &w, &w.l,
	    "writer"), 0);
	while (total < STREAMLEN) {
		assert_int_equal(io(s, buf, sizeof(buf), 0, false, &got), 0);
		assert_true(got > 0);
		for (size_t i = 0; i < got; i++)
			assert_int_equal(buf[i], pat(total + i));
		total += got;
	}
	kthread_join(w.l);
	assert_int_equal(w.error, 0);
	assert_int_equal(w.sent, STREAMLEN);
	kmem_free(&M_TEMP, w.buf, STREAMLEN);
	assert_int_equal(soclose(w.so), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

/* ---- UDP over loopback ---- */

enum { NDGRAMS = 100, DGRAMLEN = 600, STOP = 0xff };

struct dgramreader {
	struct socket *so;
	int count[NDGRAMS];
	bool torn;
	int error;
	struct lwp *l;
};

/* Reads datagrams until one that says STOP. */
static void
read_datagrams(void *arg)
{
	struct dgramreader *r = arg;
	uint8_t buf[DGRAMLEN + 1];
	size_t got;

	for (;;) {
		r->error = io(r->so, buf, sizeof(buf), 0, false, &got);
		if (r->error != 0)
			return;
		if (got != DGRAMLEN)
			r->torn = true;
		for (size_t i = 1; i < got; i++)
			if (buf[i] != buf[0])
				r->torn = true;
		if (buf[0] == STOP)
			return;
		r->count[buf[0]]++;
	}
}

static struct socket *
udp_bound(struct sockaddr_in *sin)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct socket *so;

	assert_int_equal(socreate(AF_INET, &so, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(sin, lo, htons(7777));
	assert_int_equal(sobind(so, (const struct sockaddr *)sin,
	    sizeof(*sin)), 0);
	return so;
}

static void
udp_send(struct socket *so, const struct sockaddr_in *to, int value)
{
	uint8_t buf[DGRAMLEN];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct uio uio;

	memset(buf, value, sizeof(buf));
	assert_int_equal(uio_setup(&uio, &iov, 1, UIO_WRITE), 0);
	assert_int_equal(sosend(so, (const struct sockaddr *)to, sizeof(*to),
	    &uio, NULL, NULL, 0, false), 0);
}

static void
two_udp_readers_each_get_whole_datagrams_once(void **state)
{
	static struct dgramreader r[2];
	struct sockaddr_in sin;
	struct socket *so, *tx;

	(void)state;
	KTEST_ENTER();
	so = udp_bound(&sin);
	assert_int_equal(socreate(AF_INET, &tx, SOCK_DGRAM, 0), 0);
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 2; i++) {
		r[i].so = so;
		assert_int_equal(kthread_create(KTHREAD_MUSTJOIN,
		    read_datagrams, &r[i], &r[i].l, "udpreader"), 0);
	}
	/* Fewer than the receive buffer holds: none may be dropped. */
	for (int d = 0; d < NDGRAMS; d++)
		udp_send(tx, &sin, d);
	udp_send(tx, &sin, STOP);
	udp_send(tx, &sin, STOP);
	for (int i = 0; i < 2; i++) {
		kthread_join(r[i].l);
		assert_int_equal(r[i].error, 0);
		assert_false(r[i].torn);
	}
	for (int d = 0; d < NDGRAMS; d++)
		assert_int_equal(r[0].count[d] + r[1].count[d], 1);
	assert_int_equal(so->so_rcvdrops, 0);
	assert_int_equal(soclose(tx), 0);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
a_udp_peek_and_a_read_see_the_same_datagram(void **state)
{
	uint8_t a[DGRAMLEN], b[DGRAMLEN];
	struct sockaddr_storage from;
	struct sockaddr_in sin;
	struct socket *so, *tx;
	struct iovec iov;
	struct uio uio;
	socklen_t fromlen = 0;
	int flags = MSG_PEEK;
	size_t got;

	(void)state;
	KTEST_ENTER();
	so = udp_bound(&sin);
	assert_int_equal(socreate(AF_INET, &tx, SOCK_DGRAM, 0), 0);
	udp_send(tx, &sin, 42);
	iov = (struct iovec){ .iov_base = a, .iov_len = 10 };
	assert_int_equal(uio_setup(&uio, &iov, 1, UIO_READ), 0);
	assert_int_equal(soreceive(so, &from, &fromlen, &uio, NULL, &flags,
	    false, NULL), 0);
	/* Peeked: the address, part of the data, MSG_TRUNC. */
	assert_int_equal(fromlen, sizeof(struct sockaddr_in));
	assert_int_equal(flags, MSG_TRUNC);
	assert_int_equal(uio.uio_resid, 0);
	assert_int_equal(a[0], 42);
	assert_int_equal(io(so, b, sizeof(b), 0, false, &got), 0);
	assert_int_equal(got, DGRAMLEN);
	assert_int_equal(b[DGRAMLEN - 1], 42);
	assert_null(so->so_rcv.sb_mb);
	assert_int_equal(soclose(tx), 0);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(two_readers_never_split_one_read_between_them),
		leak_test(a_reader_gets_a_concurrent_writers_bytes_once_in_order),
		leak_test(two_udp_readers_each_get_whole_datagrams_once),
		leak_test(a_udp_peek_and_a_read_see_the_same_datagram),
	};

	return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
