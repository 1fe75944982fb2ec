/*
 * The stream half of the socket layer, on the test stream protocol
 * (teststream.h): listen and its backlog, accept, connect, sends that fill
 * the send buffer, soreceive's stream path (MSG_WAITALL, MSG_PEEK,
 * MSG_DONTWAIT), shutdown, SO_LINGER, closing a listener with connections
 * nobody accepted, and poll readiness.
 *
 * A test that needs another thread blocked (a reader waiting for data, a
 * writer waiting for room) runs that side in a kernel thread and waits
 * until the thread sleeps in the host before it acts.
 */
#include "ktest.h"
#include "rumpkern/kthread.h"
#include "rumpkern/ktime.h"
#include "rumpkern/uio.h"
#include "teststream.h"

#define PORT	7

/* ---- helpers ---- */

static uint8_t
pat(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 8) * 13 + 1);
}

static void
fill(uint8_t *p, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = pat(off + i);
}

static void
check(const uint8_t *p, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		assert_int_equal(p[i], pat(off + i));
}

static const struct sockaddr *
ts_addr(uint16_t port)
{
	static struct ts_sockaddr tsa;

	memset(&tsa, 0, sizeof(tsa));
	tsa.ts_family = TS_AF;
	tsa.ts_port = port;
	return (const struct sockaddr *)&tsa;
}

static struct socket *
ts_socket(void)
{
	struct socket *so;

	assert_int_equal(socreate(TS_AF, &so, SOCK_STREAM, 0), 0);
	return so;
}

static struct socket *
ts_listener(int backlog)
{
	struct socket *so = ts_socket();

	assert_int_equal(sobind(so, ts_addr(PORT), sizeof(struct ts_sockaddr)),
	    0);
	assert_int_equal(solisten(so, backlog), 0);
	return so;
}

static int
ts_connect_to(struct socket *so, bool nbio)
{
	return soconnect(so, ts_addr(PORT), sizeof(struct ts_sockaddr), nbio);
}

static struct socket *
ts_connected(void)
{
	struct socket *so = ts_socket();

	assert_int_equal(ts_connect_to(so, false), 0);
	return so;
}

static struct socket *
ts_accepted(struct socket *head)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	struct socket *so = NULL;

	assert_int_equal(soaccept(head, &so, &ss, &len, true), 0);
	assert_non_null(so);
	return so;
}

/* A connected pair: *c the client, *s the server's socket. */
static void
ts_pair(struct socket **c, struct socket **s)
{
	struct socket *head = ts_listener(1);

	*c = ts_connected();
	*s = ts_accepted(head);
	assert_int_equal(soclose(head), 0);
}

static void
ts_hold(struct socket *so, bool hold)
{
	NET_LOCK();
	sotots(so)->tp_hold = hold;
	if (!hold)
		ts_deliver(sotots(so));
	NET_UNLOCK();
}

static void
ts_bufsizes(struct socket *so, size_t snd, size_t rcv)
{
	NET_LOCK();
	assert_int_equal(sbreserve(&so->so_snd, snd), 0);
	assert_int_equal(sbreserve(&so->so_rcv, rcv), 0);
	NET_UNLOCK();
}

static int
ts_write(struct socket *so, const void *buf, size_t len, int flags, bool nbio,
    size_t *sent)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct uio uio;
	int error;

	assert_int_equal(uio_setup(&uio, &iov, 1, UIO_WRITE), 0);
	error = sosend(so, NULL, 0, &uio, NULL, NULL, flags, nbio);
	*sent = len - uio.uio_resid;
	return error;
}

/* Sends all of len bytes of the pattern from offset off. */
static void
ts_send_pat(struct socket *so, size_t off, size_t len)
{
	uint8_t *buf = kmem_alloc(&M_TEMP, len, KM_SLEEP);
	size_t sent;

	fill(buf, off, len);
	assert_int_equal(ts_write(so, buf, len, 0, false, &sent), 0);
	assert_int_equal(sent, len);
	kmem_free(&M_TEMP, buf, len);
}

static int
ts_read(struct socket *so, void *buf, size_t len, int *flagsp, bool nbio,
    size_t *got)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct uio uio;
	int error;

	assert_int_equal(uio_setup(&uio, &iov, 1, UIO_READ), 0);
	error = soreceive(so, NULL, NULL, &uio, NULL, flagsp, nbio, NULL);
	*got = len - uio.uio_resid;
	return error;
}

/* Reads exactly len bytes, expecting the pattern from offset off. */
static void
ts_recv_pat(struct socket *so, size_t off, size_t len)
{
	uint8_t *buf = kmem_alloc(&M_TEMP, len, KM_SLEEP);
	int flags = MSG_WAITALL;
	size_t got;

	assert_int_equal(ts_read(so, buf, len, &flags, false, &got), 0);
	assert_int_equal(got, len);
	check(buf, off, len);
	kmem_free(&M_TEMP, buf, len);
}

/* Reads end of file: no error, no data. */
static void
ts_recv_eof(struct socket *so)
{
	uint8_t c;
	size_t got = 1;

	assert_int_equal(ts_read(so, &c, 1, NULL, true, &got), 0);
	assert_int_equal(got, 0);
}

static int
ts_recv_error(struct socket *so)
{
	uint8_t c;
	size_t got;

	return ts_read(so, &c, 1, NULL, true, &got);
}

static uint16_t
ts_peerport(struct socket *so)
{
	struct sockaddr_storage ss;
	socklen_t len;

	NET_LOCK();
	assert_int_equal(pru_peeraddr(so, &ss, &len), 0);
	NET_UNLOCK();
	return ((struct ts_sockaddr *)&ss)->ts_port;
}

static int
ts_poll(struct socket *so)
{
	return sopoll(so, POLLIN | POLLOUT | POLLRDHUP, NULL);
}

static void
ts_linger(struct socket *so, int secs)
{
	struct linger lg = { .l_onoff = 1, .l_linger = secs };
	struct sockopt sopt = {
		.sopt_dir = SOPT_SET, .sopt_level = SOL_SOCKET,
		.sopt_name = SO_LINGER, .sopt_data = &lg, .sopt_size = sizeof(lg),
	};

	assert_int_equal(sosetopt(so, &sopt), 0);
}

/* ---- a second thread ---- */

struct peer {
	struct socket *so;
	struct socket *head;
	size_t len;		/* bytes to move */
	size_t done;		/* bytes moved */
	int flags;
	int error;
	uint8_t *buf;
	pid_t tid;		/* atomic: the thread, once it runs */
	struct lwp *l;
};

static void
peer_start(struct peer *p, void (*fn)(void *), const char *name)
{
	p->tid = 0;
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, fn, p, &p->l, name),
	    0);
}

/* Lets the peer thread run until it sleeps in the kernel. */
static void
peer_wait_asleep(struct peer *p)
{
	KTEST_EXIT();
	ktest_wait_thread_asleep(&p->tid);
	KTEST_ENTER();
}

static void
peer_recv(void *arg)
{
	struct peer *p = arg;

	__atomic_store_n(&p->tid, gettid(), __ATOMIC_RELEASE);
	p->error = ts_read(p->so, p->buf, p->len, &p->flags, false, &p->done);
}

static void
peer_send(void *arg)
{
	struct peer *p = arg;

	__atomic_store_n(&p->tid, gettid(), __ATOMIC_RELEASE);
	p->error = ts_write(p->so, p->buf, p->len, p->flags, false, &p->done);
}

static void
peer_accept(void *arg)
{
	struct peer *p = arg;
	struct sockaddr_storage ss;
	socklen_t len;

	__atomic_store_n(&p->tid, gettid(), __ATOMIC_RELEASE);
	p->error = soaccept(p->head, &p->so, &ss, &len, false);
}

static void
peer_connect(void *arg)
{
	struct peer *p = arg;

	__atomic_store_n(&p->tid, gettid(), __ATOMIC_RELEASE);
	p->error = ts_connect_to(p->so, false);
}

static void
peer_close(void *arg)
{
	struct peer *p = arg;

	__atomic_store_n(&p->tid, gettid(), __ATOMIC_RELEASE);
	p->error = soclose(p->so);
}

/* ---- refusals and errors ---- */

static void
socreate_refuses_unknown_families_types_and_protocols(void **state)
{
	struct socket *so = NULL;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(99, &so, SOCK_STREAM, 0), EAFNOSUPPORT);
	assert_int_equal(socreate(TS_AF, &so, SOCK_DGRAM, 0), EPROTONOSUPPORT);
	assert_int_equal(socreate(TS_AF, &so, SOCK_STREAM, 7), EPROTONOSUPPORT);
	assert_int_equal(socreate(TS_AF, &so, SOCK_RAW, 0), EPROTONOSUPPORT);
	assert_int_equal(socreate(TS_AF, &so, 4, 0), ESOCKTNOSUPPORT);
	assert_null(so);
	KTEST_EXIT();
}

static void
a_protocol_that_cannot_attach_fails_socket_and_connection(void **state)
{
	struct socket *so = NULL, *head, *c;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	c = ts_socket();
	ts_attach_error = ENOBUFS;
	assert_int_equal(socreate(TS_AF, &so, SOCK_STREAM, 0), ENOBUFS);
	assert_null(so);
	/* The server's end of a connection cannot be made either. */
	assert_int_equal(ts_connect_to(c, false), ECONNREFUSED);
	ts_attach_error = 0;
	assert_int_equal(head->so_qlen + head->so_q0len, 0);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

static void
a_connection_the_protocol_cannot_accept_is_reset(void **state)
{
	struct socket *head, *c, *so = NULL;
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	c = ts_connected();
	ts_accept_error = ECONNABORTED;
	assert_int_equal(soaccept(head, &so, &ss, &len, true), ECONNABORTED);
	ts_accept_error = 0;
	assert_null(so);
	assert_int_equal(head->so_qlen, 0);
	assert_int_equal(ts_recv_error(c), ECONNRESET);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

static void
a_send_times_out_after_so_sndtimeo_counting_what_went(void **state)
{
	enum { N = 6000 };
	static uint8_t buf[N];
	struct socket *c, *s;
	uint64_t start;
	size_t sent;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_bufsizes(c, 4096, 4096);
	ts_hold(c, true);
	c->so_snd.sb_timeo_ns = 20 * 1000 * 1000;
	fill(buf, 0, N);
	start = getnsuptime();
	/* What went is the result; the timeout leaves no error behind. */
	assert_int_equal(ts_write(c, buf, N, 0, false, &sent), 0);
	assert_true(getnsuptime() - start >= 20 * 1000 * 1000);
	assert_int_equal(sent, 4096);
	assert_int_equal(c->so_error, 0);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_connect_times_out_after_so_sndtimeo_still_in_progress(void **state)
{
	struct socket *head, *c, *s;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	c = ts_socket();
	c->so_snd.sb_timeo_ns = 20 * 1000 * 1000;
	ts_connect_async = true;
	assert_int_equal(ts_connect_to(c, false), EINPROGRESS);
	ts_connect_async = false;
	NET_LOCK();
	ts_establish(sotots(c));
	NET_UNLOCK();
	s = ts_accepted(head);
	assert_int_equal(soclose(head), 0);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
control_data_on_a_stream_is_refused_and_freed(void **state)
{
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct socket *c, *s;
	struct mbuf *control;
	struct uio uio;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	control = m_get(M_WAIT, MT_CONTROL);
	assert_int_equal(uio_setup(&uio, &iov, 1, UIO_WRITE), 0);
	assert_int_equal(sosend(c, NULL, 0, &uio, NULL, control, 0, false),
	    EOPNOTSUPP);
	/* Refused before it was sent: the control mbuf was not. */
	control = m_get(M_WAIT, MT_CONTROL);
	assert_int_equal(soshutdown(c, SHUT_WR), 0);
	iov = (struct iovec){ .iov_base = "x", .iov_len = 1 };
	assert_int_equal(uio_setup(&uio, &iov, 1, UIO_WRITE), 0);
	assert_int_equal(sosend(c, NULL, 0, &uio, NULL, control, 0, false),
	    EPIPE);
	assert_int_equal(uio.uio_resid, 1);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
fionread_counts_the_bytes_of_a_stream(void **state)
{
	struct socket *c, *s;
	int n = -1;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_send_pat(c, 0, 100);
	ts_send_pat(c, 100, 23);
	assert_int_equal(soioctl(s, FIONREAD, &n), 0);
	assert_int_equal(n, 123);
	/* The protocol has no ioctls of its own. */
	assert_int_equal(soioctl(s, 0x8999, &n), ENOTTY);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_protocol_without_a_call_answers_eopnotsupp(void **state)
{
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct socket *so;
	struct uio uio;
	int n;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(socreate(TS_AF, &so, SOCK_SEQPACKET, 0), 0);
	assert_int_equal(sobind(so, ts_addr(PORT), sizeof(struct ts_sockaddr)),
	    EOPNOTSUPP);
	assert_int_equal(solisten(so, 1), EOPNOTSUPP);
	assert_int_equal(ts_connect_to(so, false), EOPNOTSUPP);
	assert_int_equal(uio_setup(&uio, &iov, 1, UIO_WRITE), 0);
	assert_int_equal(sosend(so, ts_addr(PORT), sizeof(struct ts_sockaddr),
	    &uio, NULL, m_get(M_WAIT, MT_CONTROL), 0, false), EOPNOTSUPP);
	assert_int_equal(soshutdown(so, SHUT_WR), EOPNOTSUPP);
	assert_int_equal(soioctl(so, 0x8999, &n), ENOTTY);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
listen_takes_somaxconn_for_a_negative_or_too_large_backlog(void **state)
{
	struct socket *head;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(-1);
	assert_int_equal(head->so_qlimit, SOMAXCONN);
	assert_int_equal(solisten(head, SOMAXCONN + 1), 0);
	assert_int_equal(head->so_qlimit, SOMAXCONN);
	/* Listening again sets the new backlog. */
	assert_int_equal(solisten(head, 0), 0);
	assert_int_equal(head->so_qlimit, 1);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

static void
accept_reports_an_error_pending_on_the_listener_once(void **state)
{
	struct socket *head, *so = NULL;
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	NET_LOCK();
	soseterror(head, ENOBUFS);
	NET_UNLOCK();
	assert_int_equal(soaccept(head, &so, &ss, &len, true), ENOBUFS);
	assert_int_equal(soaccept(head, &so, &ss, &len, true), EAGAIN);
	assert_null(so);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

static void
accept_on_a_listener_that_receives_no_more_is_econnaborted(void **state)
{
	struct socket *head, *so = NULL;
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	NET_LOCK();
	socantrcvmore(head);
	NET_UNLOCK();
	assert_int_equal(soaccept(head, &so, &ss, &len, false), ECONNABORTED);
	assert_null(so);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

static void
an_incomplete_connection_whose_client_goes_leaves_the_queue(void **state)
{
	struct socket *head, *c;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	c = ts_socket();
	ts_connect_async = true;
	assert_int_equal(ts_connect_to(c, true), EINPROGRESS);
	ts_connect_async = false;
	assert_int_equal(head->so_q0len, 1);
	/* Freed by the protocol, off the queue, with nobody to accept it. */
	assert_int_equal(soclose(c), 0);
	assert_int_equal(head->so_q0len, 0);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

static void
a_zero_byte_write_sends_nothing(void **state)
{
	struct socket *c, *s;
	size_t sent = 1;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_int_equal(ts_write(c, "", 0, 0, false, &sent), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(s->so_rcv.sb_cc, 0);
	assert_null(s->so_rcv.sb_mb);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

/* ---- listen and accept ---- */

static void
the_backlog_limits_the_connections_waiting_for_accept(void **state)
{
	struct socket *head, *c[4];

	(void)state;
	KTEST_ENTER();
	head = ts_listener(2);
	/* Half again the backlog wait; the next is refused. */
	for (int i = 0; i < 3; i++)
		c[i] = ts_connected();
	c[3] = ts_socket();
	assert_int_equal(ts_connect_to(c[3], false), ECONNREFUSED);
	assert_int_equal(head->so_qlen, 3);
	/* Accepting one makes room for one more. */
	assert_int_equal(soclose(ts_accepted(head)), 0);
	assert_int_equal(ts_connect_to(c[3], false), 0);
	assert_int_equal(soclose(head), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(soclose(c[i]), 0);
	KTEST_EXIT();
}

static void
accept_returns_connections_in_the_order_they_came(void **state)
{
	struct socket *head, *c[3], *s;
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(5);
	for (int i = 0; i < 3; i++)
		c[i] = ts_connected();
	for (int i = 0; i < 3; i++) {
		assert_int_equal(soaccept(head, &s, &ss, &len, true), 0);
		assert_int_equal(len, sizeof(struct ts_sockaddr));
		assert_int_equal(((struct ts_sockaddr *)&ss)->ts_port,
		    sotots(c[i])->tp_port);
		assert_int_equal(soclose(s), 0);
	}
	assert_int_equal(soclose(head), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(soclose(c[i]), 0);
	KTEST_EXIT();
}

static void
nonblocking_accept_without_a_connection_is_eagain(void **state)
{
	struct socket *head, *so = NULL;
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	assert_int_equal(soaccept(head, &so, &ss, &len, true), EAGAIN);
	assert_null(so);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

static void
accept_on_a_socket_that_does_not_listen_is_einval(void **state)
{
	struct socket *so = NULL, *s = ts_socket();
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(soaccept(s, &so, &ss, &len, true), EINVAL);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
blocking_accept_waits_for_a_connection(void **state)
{
	struct peer p = { .head = NULL };
	struct socket *c;

	(void)state;
	KTEST_ENTER();
	p.head = ts_listener(1);
	peer_start(&p, peer_accept, "accept");
	peer_wait_asleep(&p);
	c = ts_connected();
	kthread_join(p.l);
	assert_int_equal(p.error, 0);
	assert_int_equal(ts_peerport(p.so), sotots(c)->tp_port);
	assert_int_equal(soclose(p.so), 0);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(p.head), 0);
	KTEST_EXIT();
}

static void
accept_times_out_after_so_rcvtimeo(void **state)
{
	struct socket *head, *so = NULL;
	struct sockaddr_storage ss;
	socklen_t len;
	uint64_t start;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	head->so_rcv.sb_timeo_ns = 20 * 1000 * 1000;
	start = getnsuptime();
	assert_int_equal(soaccept(head, &so, &ss, &len, false), EAGAIN);
	assert_true(getnsuptime() - start >= 20 * 1000 * 1000);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

static void
listen_refuses_a_connected_socket(void **state)
{
	struct socket *c, *s, *head;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_int_equal(solisten(c, 1), EINVAL);
	/* And a listener connects nowhere. */
	head = ts_listener(1);
	assert_int_equal(ts_connect_to(head, false), EOPNOTSUPP);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

static void
connecting_a_connected_socket_is_eisconn(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_int_equal(ts_connect_to(c, false), EISCONN);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

/* ---- connect ---- */

static void
connect_pairs_with_accept_and_data_flows_both_ways(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_true(c->so_state & SS_ISCONNECTED);
	assert_true(s->so_state & SS_ISCONNECTED);
	assert_int_equal(ts_peerport(s), sotots(c)->tp_port);
	assert_int_equal(ts_peerport(c), PORT);
	ts_send_pat(c, 0, 1000);
	ts_send_pat(s, 5, 700);
	ts_recv_pat(s, 0, 1000);
	ts_recv_pat(c, 5, 700);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
nonblocking_connect_is_einprogress_until_established(void **state)
{
	struct socket *head, *c, *s;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	c = ts_socket();
	ts_connect_async = true;
	assert_int_equal(ts_connect_to(c, true), EINPROGRESS);
	ts_connect_async = false;
	assert_int_equal(ts_connect_to(c, true), EALREADY);
	/* Not complete: not yet for accept. */
	assert_int_equal(head->so_q0len, 1);
	assert_int_equal(sopoll(head, POLLIN, NULL), 0);
	NET_LOCK();
	ts_establish(sotots(c));
	NET_UNLOCK();
	assert_int_equal(head->so_q0len, 0);
	assert_int_equal(sopoll(head, POLLIN, NULL), POLLIN);
	s = ts_accepted(head);
	assert_true(c->so_state & SS_ISCONNECTED);
	assert_int_equal(soclose(head), 0);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
blocking_connect_waits_until_established(void **state)
{
	struct peer p = { .so = NULL };
	struct socket *head, *s;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	p.so = ts_socket();
	ts_connect_async = true;
	peer_start(&p, peer_connect, "connect");
	peer_wait_asleep(&p);
	ts_connect_async = false;
	NET_LOCK();
	ts_establish(sotots(p.so));
	NET_UNLOCK();
	kthread_join(p.l);
	assert_int_equal(p.error, 0);
	s = ts_accepted(head);
	assert_int_equal(soclose(head), 0);
	assert_int_equal(soclose(p.so), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_connection_closed_before_accept_is_accepted_with_its_data(void **state)
{
	struct socket *head, *c, *s;

	(void)state;
	KTEST_ENTER();
	head = ts_listener(1);
	c = ts_connected();
	ts_send_pat(c, 0, 100);
	assert_int_equal(soclose(c), 0);
	s = ts_accepted(head);
	ts_recv_pat(s, 0, 100);
	ts_recv_eof(s);
	assert_int_equal(soclose(s), 0);
	assert_int_equal(soclose(head), 0);
	KTEST_EXIT();
}

/* ---- sending ---- */

static void
a_full_send_buffer_takes_part_of_a_nonblocking_send(void **state)
{
	enum { N = 10000 };
	static uint8_t buf[N];
	struct socket *c, *s;
	size_t sent;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_bufsizes(c, 4096, 4096);
	ts_hold(c, true);
	fill(buf, 0, N);
	assert_int_equal(ts_write(c, buf, N, 0, true, &sent), 0);
	assert_int_equal(sent, 4096);
	/* Full: nothing more now, MSG_DONTWAIT alike. */
	assert_int_equal(ts_write(c, buf + sent, N - sent, MSG_DONTWAIT, false,
	    &sent), EAGAIN);
	assert_int_equal(sent, 0);
	assert_int_equal(ts_poll(c) & POLLOUT, 0);
	ts_hold(c, false);
	ts_recv_pat(s, 0, 4096);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_blocking_send_waits_for_the_reader_and_sends_everything(void **state)
{
	enum { N = 40000 };
	struct peer p = { .len = N };
	struct socket *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&p.so, &s);
	ts_bufsizes(p.so, 4096, 4096);
	ts_bufsizes(s, 4096, 4096);
	p.buf = kmem_alloc(&M_TEMP, N, KM_SLEEP);
	fill(p.buf, 0, N);
	peer_start(&p, peer_send, "send");
	/* Both buffers full, the writer waits for room. */
	peer_wait_asleep(&p);
	assert_int_equal(s->so_rcv.sb_cc, 4096);
	ts_recv_pat(s, 0, N);
	kthread_join(p.l);
	assert_int_equal(p.error, 0);
	assert_int_equal(p.done, N);
	kmem_free(&M_TEMP, p.buf, N);
	assert_int_equal(soclose(p.so), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_send_after_shutdown_is_epipe(void **state)
{
	struct socket *c, *s;
	size_t sent;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_int_equal(soshutdown(c, SHUT_WR), 0);
	assert_int_equal(ts_write(c, "x", 1, 0, false, &sent), EPIPE);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_send_on_an_unconnected_socket_is_enotconn(void **state)
{
	struct socket *c = ts_socket();
	size_t sent;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(ts_write(c, "x", 1, 0, false, &sent), ENOTCONN);
	assert_int_equal(ts_recv_error(c), ENOTCONN);
	assert_int_equal(soshutdown(c, SHUT_RDWR), ENOTCONN);
	assert_int_equal(soclose(c), 0);
	KTEST_EXIT();
}

static void
a_blocked_send_cut_short_by_a_reset_returns_its_count_then_the_reset(
    void **state)
{
	enum { N = 20000 };
	struct peer p = { .len = N };
	struct socket *s;
	size_t sent;

	(void)state;
	KTEST_ENTER();
	ts_pair(&p.so, &s);
	ts_bufsizes(p.so, 4096, 4096);
	ts_bufsizes(s, 4096, 4096);
	p.buf = kmem_alloc(&M_TEMP, N, KM_SLEEP);
	fill(p.buf, 0, N);
	peer_start(&p, peer_send, "send");
	peer_wait_asleep(&p);
	ts_linger(s, 0);
	assert_int_equal(soclose(s), 0);
	kthread_join(p.l);
	/* What had gone before is the result; the reset the next call's. */
	assert_int_equal(p.error, 0);
	assert_int_equal(p.done, 8192);
	assert_int_equal(ts_write(p.so, p.buf, 1, 0, false, &sent),
	    ECONNRESET);
	assert_int_equal(ts_write(p.so, p.buf, 1, 0, false, &sent), EPIPE);
	assert_int_equal(sent, 0);
	kmem_free(&M_TEMP, p.buf, N);
	assert_int_equal(soclose(p.so), 0);
	KTEST_EXIT();
}

/* ---- receiving ---- */

static void
msg_waitall_collects_data_from_several_deliveries(void **state)
{
	struct peer p = { .len = 300, .flags = MSG_WAITALL };
	uint8_t buf[300];
	struct socket *c;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &p.so);
	p.buf = buf;
	peer_start(&p, peer_recv, "waitall");
	for (size_t off = 0; off < 300; off += 100) {
		/* The reader waits for the rest each time. */
		peer_wait_asleep(&p);
		ts_send_pat(c, off, 100);
	}
	kthread_join(p.l);
	assert_int_equal(p.error, 0);
	assert_int_equal(p.done, 300);
	check(buf, 0, 300);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(p.so), 0);
	KTEST_EXIT();
}

static void
msg_waitall_returns_what_came_before_end_of_file(void **state)
{
	uint8_t buf[300];
	struct socket *c, *s;
	int flags = MSG_WAITALL;
	size_t got;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_send_pat(c, 0, 100);
	assert_int_equal(soshutdown(c, SHUT_WR), 0);
	assert_int_equal(ts_read(s, buf, sizeof(buf), &flags, false, &got), 0);
	assert_int_equal(got, 100);
	check(buf, 0, 100);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
msg_waitall_returns_the_data_then_the_reset(void **state)
{
	struct peer p = { .len = 300, .flags = MSG_WAITALL };
	uint8_t buf[300];
	struct socket *c;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &p.so);
	p.buf = buf;
	ts_send_pat(c, 0, 100);
	peer_start(&p, peer_recv, "waitall");
	peer_wait_asleep(&p);
	ts_linger(c, 0);
	assert_int_equal(soclose(c), 0);
	kthread_join(p.l);
	/* The data is the answer now; the error comes with the next call. */
	assert_int_equal(p.error, 0);
	assert_int_equal(p.done, 100);
	assert_int_equal(ts_recv_error(p.so), ECONNRESET);
	assert_int_equal(soclose(p.so), 0);
	KTEST_EXIT();
}

static void
a_nonblocking_read_behind_a_waiting_msg_waitall_read_is_eagain(void **state)
{
	struct peer p = { .len = 300, .flags = MSG_WAITALL };
	uint8_t buf[300], c1;
	struct socket *c;
	size_t got;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &p.so);
	p.buf = buf;
	ts_send_pat(c, 0, 100);
	peer_start(&p, peer_recv, "waitall");
	/* It has 100 bytes and waits for the rest, keeping the receive lock. */
	peer_wait_asleep(&p);
	assert_int_equal(p.so->so_rcv.sb_cc, 0);
	assert_int_equal(ts_read(p.so, &c1, 1, NULL, true, &got), EAGAIN);
	ts_send_pat(c, 100, 200);
	kthread_join(p.l);
	assert_int_equal(p.error, 0);
	assert_int_equal(p.done, 300);
	check(buf, 0, 300);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(p.so), 0);
	KTEST_EXIT();
}

static void
msg_peek_reads_without_consuming(void **state)
{
	uint8_t buf[200];
	struct socket *c, *s;
	int flags = MSG_PEEK;
	size_t got;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_send_pat(c, 0, 100);
	ts_send_pat(c, 100, 50);
	assert_int_equal(ts_read(s, buf, 120, &flags, false, &got), 0);
	assert_int_equal(got, 120);
	check(buf, 0, 120);
	/* MSG_PEEK with MSG_WAITALL takes what there is and still leaves it. */
	flags = MSG_PEEK | MSG_WAITALL;
	assert_int_equal(ts_read(s, buf, 200, &flags, false, &got), 0);
	assert_int_equal(got, 150);
	assert_int_equal(s->so_rcv.sb_cc, 150);
	ts_recv_pat(s, 0, 150);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_read_returns_what_there_is_without_waiting_for_more(void **state)
{
	uint8_t buf[100];
	struct socket *c, *s;
	size_t got;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_send_pat(c, 0, 30);
	assert_int_equal(ts_read(s, buf, sizeof(buf), NULL, false, &got), 0);
	assert_int_equal(got, 30);
	check(buf, 0, 30);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
msg_dontwait_on_an_empty_buffer_is_eagain(void **state)
{
	uint8_t buf[10];
	struct socket *c, *s;
	int flags = MSG_DONTWAIT;
	size_t got;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_int_equal(ts_read(s, buf, sizeof(buf), &flags, false, &got),
	    EAGAIN);
	assert_int_equal(ts_read(s, buf, 0, NULL, false, &got), 0);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_read_times_out_after_so_rcvtimeo(void **state)
{
	uint8_t buf[10];
	struct socket *c, *s;
	uint64_t start;
	size_t got;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	s->so_rcv.sb_timeo_ns = 20 * 1000 * 1000;
	start = getnsuptime();
	assert_int_equal(ts_read(s, buf, sizeof(buf), NULL, false, &got),
	    EAGAIN);
	assert_true(getnsuptime() - start >= 20 * 1000 * 1000);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_read_waiting_for_data_ends_at_end_of_file(void **state)
{
	struct peer p = { .len = 10 };
	uint8_t buf[10];
	struct socket *c;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &p.so);
	p.buf = buf;
	peer_start(&p, peer_recv, "reader");
	peer_wait_asleep(&p);
	assert_int_equal(soshutdown(c, SHUT_WR), 0);
	kthread_join(p.l);
	assert_int_equal(p.error, 0);
	assert_int_equal(p.done, 0);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(p.so), 0);
	KTEST_EXIT();
}

/* ---- shutdown ---- */

static void
the_peer_reads_the_data_then_eof_after_shutdown(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_send_pat(c, 0, 500);
	assert_int_equal(soshutdown(c, SHUT_WR), 0);
	ts_recv_pat(s, 0, 500);
	ts_recv_eof(s);
	ts_recv_eof(s);
	/* Half closed: the other way still works. */
	ts_send_pat(s, 0, 50);
	ts_recv_pat(c, 0, 50);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
shutdown_for_reading_discards_and_reads_eof(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_send_pat(c, 0, 50);
	assert_int_equal(soshutdown(s, SHUT_RD), 0);
	assert_int_equal(s->so_rcv.sb_cc, 0);
	ts_recv_eof(s);
	assert_int_equal(soshutdown(s, 7), EINVAL);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
a_closed_peer_makes_sends_fail_with_epipe(void **state)
{
	struct socket *c, *s;
	size_t sent;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_int_equal(soclose(c), 0);
	ts_recv_eof(s);
	assert_int_equal(ts_write(s, "x", 1, 0, false, &sent), EPIPE);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

/* ---- close and SO_LINGER ---- */

static void
linger_with_zero_timeout_resets_and_drops_unsent_data(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_hold(c, true);
	ts_send_pat(c, 0, 100);
	ts_linger(c, 0);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(s->so_rcv.sb_cc, 0);
	assert_int_equal(ts_poll(s) & POLLERR, POLLERR);
	assert_int_equal(ts_recv_error(s), ECONNRESET);
	ts_recv_eof(s);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
linger_waits_until_the_peer_has_the_data(void **state)
{
	struct peer p = { .so = NULL };
	struct socket *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&p.so, &s);
	ts_bufsizes(s, 4096, 4096);
	ts_send_pat(p.so, 0, 6000);
	ts_linger(p.so, 60);
	peer_start(&p, peer_close, "linger");
	peer_wait_asleep(&p);
	/* Still lingering: connected until all is delivered. */
	assert_true(p.so->so_state & SS_ISCONNECTED);
	ts_recv_pat(s, 0, 6000);
	kthread_join(p.l);
	assert_int_equal(p.error, 0);
	ts_recv_eof(s);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
linger_gives_up_after_its_timeout_and_delivery_goes_on(void **state)
{
	struct socket *c, *s;
	uint64_t start;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_bufsizes(s, 4096, 4096);
	ts_send_pat(c, 0, 6000);
	ts_linger(c, 1);
	start = getnsuptime();
	assert_int_equal(soclose(c), 0);
	assert_true(getnsuptime() - start >= NSEC_PER_SEC);
	/* The connection outlives its file until the data is out. */
	ts_recv_pat(s, 0, 6000);
	ts_recv_eof(s);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
close_without_linger_returns_at_once_and_delivers_later(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_bufsizes(s, 4096, 4096);
	ts_send_pat(c, 0, 6000);
	assert_int_equal(soclose(c), 0);
	ts_recv_pat(s, 0, 6000);
	ts_recv_eof(s);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
closing_a_lingering_connections_peer_frees_it(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_bufsizes(s, 4096, 4096);
	ts_send_pat(c, 0, 6000);
	assert_int_equal(soclose(c), 0);
	/* c lives on with undelivered data until s goes: leak_test checks. */
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
closing_a_listener_resets_connections_nobody_accepted(void **state)
{
	struct socket *head, *c[3];

	(void)state;
	KTEST_ENTER();
	head = ts_listener(5);
	c[0] = ts_connected();
	c[1] = ts_connected();
	ts_send_pat(c[1], 0, 10);
	/* One still being made, on the incomplete queue. */
	c[2] = ts_socket();
	ts_connect_async = true;
	assert_int_equal(ts_connect_to(c[2], true), EINPROGRESS);
	ts_connect_async = false;
	assert_int_equal(head->so_qlen, 2);
	assert_int_equal(head->so_q0len, 1);
	assert_int_equal(soclose(head), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ts_recv_error(c[i]), ECONNRESET);
		assert_int_equal(soclose(c[i]), 0);
	}
	KTEST_EXIT();
}

/* ---- poll ---- */

static void
poll_of_a_connected_socket_is_writable_and_not_readable(void **state)
{
	struct socket *c, *s, *u;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_int_equal(ts_poll(s), POLLOUT);
	/* Not connected: neither. */
	u = ts_socket();
	assert_int_equal(ts_poll(u) & (POLLIN | POLLOUT), 0);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	assert_int_equal(soclose(u), 0);
	KTEST_EXIT();
}

static void
poll_reports_data_as_pollin(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_send_pat(c, 0, 1);
	assert_int_equal(ts_poll(s), POLLIN | POLLOUT);
	ts_recv_pat(s, 0, 1);
	assert_int_equal(ts_poll(s), POLLOUT);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
poll_reports_the_peers_shutdown_as_pollrdhup(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_int_equal(soshutdown(c, SHUT_WR), 0);
	assert_int_equal(ts_poll(s), POLLIN | POLLOUT | POLLRDHUP);
	/* The side that shut down may still not write; it reads nothing. */
	assert_int_equal(ts_poll(c), POLLOUT);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
poll_reports_a_closed_peer_as_pollhup(void **state)
{
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(ts_poll(s), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
poll_of_a_full_send_buffer_is_writable_again_once_drained(void **state)
{
	enum { N = 8192 };
	static uint8_t buf[N];
	struct socket *c, *s;
	size_t sent;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	ts_bufsizes(c, 4096, 4096);
	ts_bufsizes(s, 4096, 4096);
	fill(buf, 0, N);
	assert_int_equal(ts_write(c, buf, N, 0, true, &sent), 0);
	assert_int_equal(ts_poll(c), 0);
	/* Reading makes the protocol deliver, which frees the send buffer. */
	ts_recv_pat(s, 0, 4096);
	assert_int_equal(ts_poll(c), POLLOUT);
	ts_recv_pat(s, 4096, 4096);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

static void
send_one_byte(void *arg)
{
	struct peer *p = arg;

	ts_send_pat(p->so, 0, 1);
}

/*
 * A poll that finds the socket ready will not sleep: it leaves no record
 * (nothing for the poll to take away again); one that finds nothing is
 * recorded, and unrecorded once.
 */
static void
a_poll_records_itself_only_on_a_socket_not_ready(void **state)
{
	struct pollwaiter pw;
	struct pollent pe;
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	pollwaiter_init(&pw);
	pollent_init(&pe, &pw);
	assert_int_equal(sopoll(c, POLLOUT, &pe), POLLOUT);
	assert_null(pe.pe_head);
	assert_int_equal(sopoll(s, POLLIN, &pe), 0);
	assert_ptr_equal(pe.pe_head, &s->so_ph);
	pollent_unrecord(&pe);
	assert_null(pe.pe_head);
	pollent_unrecord(&pe);
	pollwaiter_destroy(&pw);
	assert_int_equal(soclose(c), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

/*
 * The socket goes while a poller is recorded on it: its poller is woken
 * and its record taken away, so the poller's unrecord has nothing to do.
 */
static void
closing_a_polled_socket_wakes_the_poller_and_takes_its_record(void **state)
{
	struct pollwaiter pw;
	struct pollent pe;
	struct socket *c, *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&c, &s);
	pollwaiter_init(&pw);
	pollent_init(&pe, &pw);
	assert_int_equal(sopoll(s, POLLIN, &pe), 0);
	assert_non_null(pe.pe_head);
	assert_int_equal(soclose(s), 0);
	assert_null(pe.pe_head);
	/* Woken: returns at once, without a deadline. */
	assert_int_equal(pollwaiter_sleep(&pw, 0), 0);
	pollent_unrecord(&pe);
	pollwaiter_destroy(&pw);
	assert_int_equal(soclose(c), 0);
	KTEST_EXIT();
}

static void
a_sleeping_poll_wakes_when_data_arrives(void **state)
{
	struct peer p = { .so = NULL };
	struct pollwaiter pw;
	struct pollent pe;
	struct socket *s;

	(void)state;
	KTEST_ENTER();
	ts_pair(&p.so, &s);
	pollwaiter_init(&pw);
	pollent_init(&pe, &pw);
	assert_int_equal(sopoll(s, POLLIN, &pe), 0);
	peer_start(&p, send_one_byte, "sender");
	/* Returns only once woken: no deadline. */
	assert_int_equal(pollwaiter_sleep(&pw, 0), 0);
	assert_int_equal(sopoll(s, POLLIN, NULL), POLLIN);
	kthread_join(p.l);
	pollent_unrecord(&pe);
	pollwaiter_destroy(&pw);
	ts_recv_pat(s, 0, 1);
	assert_int_equal(soclose(p.so), 0);
	assert_int_equal(soclose(s), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(socreate_refuses_unknown_families_types_and_protocols),
		leak_test(a_protocol_that_cannot_attach_fails_socket_and_connection),
		leak_test(a_connection_the_protocol_cannot_accept_is_reset),
		leak_test(a_send_times_out_after_so_sndtimeo_counting_what_went),
		leak_test(a_connect_times_out_after_so_sndtimeo_still_in_progress),
		leak_test(control_data_on_a_stream_is_refused_and_freed),
		leak_test(fionread_counts_the_bytes_of_a_stream),
		leak_test(a_protocol_without_a_call_answers_eopnotsupp),
		leak_test(listen_takes_somaxconn_for_a_negative_or_too_large_backlog),
		leak_test(accept_reports_an_error_pending_on_the_listener_once),
		leak_test(accept_on_a_listener_that_receives_no_more_is_econnaborted),
		leak_test(an_incomplete_connection_whose_client_goes_leaves_the_queue),
		leak_test(a_zero_byte_write_sends_nothing),
		leak_test(the_backlog_limits_the_connections_waiting_for_accept),
		leak_test(accept_returns_connections_in_the_order_they_came),
		leak_test(nonblocking_accept_without_a_connection_is_eagain),
		leak_test(accept_on_a_socket_that_does_not_listen_is_einval),
		leak_test(blocking_accept_waits_for_a_connection),
		leak_test(accept_times_out_after_so_rcvtimeo),
		leak_test(listen_refuses_a_connected_socket),
		leak_test(connecting_a_connected_socket_is_eisconn),
		leak_test(connect_pairs_with_accept_and_data_flows_both_ways),
		leak_test(nonblocking_connect_is_einprogress_until_established),
		leak_test(blocking_connect_waits_until_established),
		leak_test(a_connection_closed_before_accept_is_accepted_with_its_data),
		leak_test(a_full_send_buffer_takes_part_of_a_nonblocking_send),
		leak_test(a_blocking_send_waits_for_the_reader_and_sends_everything),
		leak_test(a_send_after_shutdown_is_epipe),
		leak_test(a_send_on_an_unconnected_socket_is_enotconn),
		leak_test(a_blocked_send_cut_short_by_a_reset_returns_its_count_then_the_reset),
		leak_test(msg_waitall_collects_data_from_several_deliveries),
		leak_test(msg_waitall_returns_what_came_before_end_of_file),
		leak_test(msg_waitall_returns_the_data_then_the_reset),
		leak_test(a_nonblocking_read_behind_a_waiting_msg_waitall_read_is_eagain),
		leak_test(msg_peek_reads_without_consuming),
		leak_test(a_read_returns_what_there_is_without_waiting_for_more),
		leak_test(msg_dontwait_on_an_empty_buffer_is_eagain),
		leak_test(a_read_times_out_after_so_rcvtimeo),
		leak_test(a_read_waiting_for_data_ends_at_end_of_file),
		leak_test(the_peer_reads_the_data_then_eof_after_shutdown),
		leak_test(shutdown_for_reading_discards_and_reads_eof),
		leak_test(a_closed_peer_makes_sends_fail_with_epipe),
		leak_test(linger_with_zero_timeout_resets_and_drops_unsent_data),
		leak_test(linger_waits_until_the_peer_has_the_data),
		leak_test(linger_gives_up_after_its_timeout_and_delivery_goes_on),
		leak_test(close_without_linger_returns_at_once_and_delivers_later),
		leak_test(closing_a_lingering_connections_peer_frees_it),
		leak_test(closing_a_listener_resets_connections_nobody_accepted),
		leak_test(poll_of_a_connected_socket_is_writable_and_not_readable),
		leak_test(poll_reports_data_as_pollin),
		leak_test(poll_reports_the_peers_shutdown_as_pollrdhup),
		leak_test(poll_reports_a_closed_peer_as_pollhup),
		leak_test(poll_of_a_full_send_buffer_is_writable_again_once_drained),
		leak_test(a_sleeping_poll_wakes_when_data_arrives),
		leak_test(a_poll_records_itself_only_on_a_socket_not_ready),
		leak_test(closing_a_polled_socket_wakes_the_poller_and_takes_its_record),
	};

	return cmocka_run_group_tests(tests, ts_group_setup, ts_group_teardown);
}
