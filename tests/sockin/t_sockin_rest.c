/*
 * sockin's event thread rests while pollers take the host's news
 * themselves (sockin/sockin_rest.c): what it did for everyone is then done
 * by the poller that takes it, the poller that sleeps waiting for the host
 * itself, the call that would find nothing, or the event thread woken by
 * anyone else who sleeps.  Run as an ordinary user on 127.0.0.1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apitest.h"
#include "tcptest.h"
#include "blocker.h"

static uint64_t
kstat(const char *name)
{
	uint64_t v;

	assert_int_equal(rump_kstat_get(name, &v), 0);
	return v;
}

/*
 * A connected pair: *c the client's end, *a the accepted one, which a
 * poll that finds nothing has registered for its news, as a socket made
 * by socket() is from the start (an accepted one is only once a user is
 * to wait for it, sockin_lazy.c): the tests here follow that news.
 */
static void
tcp_pair(int *c, int *a)
{
	struct pollfd pfd;

	tcptest_pair(c, a);
	pfd = (struct pollfd){ .fd = *a, .events = POLLIN };
	assert_int_equal(rump_sys_poll(&pfd, 1, 0), 0);
}

/* Reads what s holds without waiting, until the host says "nothing". */
static void
drain(int s)
{
	char buf[64];

	while (rump_sys_recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		continue;
	assert_int_equal(errno, EAGAIN);
}

/*
 * Until the event thread rests (it may rest already: blocked calls wait
 * for their own news): a poll pass (a poller is at work), then news for
 * x (a byte from y) that it brings, with nobody asleep; the byte is read
 * again.  A pass may take the news before the event thread, which then
 * has no batch to rest after: another round.  The byte is read in each
 * round, so that x reports the next one (a stream whose reader lags
 * reports no more, sockin_recv.c).
 */
static void
event_thread_rests(int x, int y)
{
	struct pollfd pfd = { .fd = x, .events = POLLIN };

	for (int i = 0; kstat("sockin.resting") == 0; i++) {
		assert_true(i < 1000);
		assert_true(rump_sys_poll(&pfd, 1, 0) >= 0);
		assert_int_equal(rump_sys_send(y, "r", 1, 0), 1);
		wait_other_threads_asleep();
		drain(x);
	}
}

/* Which of the two descriptors poll found readable (the only one). */
static long
poll_first(struct blocker *b)
{
	struct pollfd pfd[2] = {
		{ .fd = b->fds[0], .events = POLLIN },
		{ .fd = b->fds[1], .events = POLLIN },
	};
	long n = rump_sys_poll(pfd, 2, -1);

	if (n != 1)
		return n < 0 ? -1 : -2;
	return (pfd[0].revents & POLLIN) ? 0 : 1;
}

/* A connected pair, a pipe, and a poller of a and p[0] leading. */
struct leading {
	int c, a, p[2];
	struct blocker b;
};

/* The event thread rests, and the poller b waits for the host itself. */
static void
leading_start(struct leading *l)
{
	uint64_t leads;

	tcp_pair(&l->c, &l->a);
	assert_int_equal(rump_sys_pipe2(l->p, 0), 0);
	event_thread_rests(l->a, l->c);
	leads = kstat("sockin.leads");
	blocker_start(&l->b, 0, NULL, poll_first, (int[]){ l->a, l->p[0] });
	assert_int_equal(kstat("sockin.leads"), leads + 1);
}

static void
leading_close(struct leading *l)
{
	rump_sys_close(l->p[0]);
	rump_sys_close(l->p[1]);
	rump_sys_close(l->a);
	rump_sys_close(l->c);
}

static void
a_sleeping_poller_waits_for_the_host_itself_and_takes_its_news(void **state)
{
	struct leading l;
	uint64_t taken;

	(void)state;
	leading_start(&l);
	taken = kstat("sockin.polltaken");
	assert_int_equal(rump_sys_send(l.c, "x", 1, 0), 1);
	blocker_join(&l.b);
	assert_int_equal(l.b.ret, 0);
	assert_true(kstat("sockin.polltaken") > taken);
	leading_close(&l);
}

static void
a_poller_waiting_for_the_host_is_woken_by_a_pipe(void **state)
{
	struct leading l;

	(void)state;
	leading_start(&l);
	assert_int_equal(rump_sys_write(l.p[1], "w", 1), 1);
	blocker_join(&l.b);
	assert_int_equal(l.b.ret, 1);
	leading_close(&l);
}

static void
a_poller_waiting_for_the_host_is_interrupted(void **state)
{
	struct leading l;

	(void)state;
	leading_start(&l);
	assert_int_equal(rump_lwproc_interrupt(1, l.b.lid), 0);
	blocker_join_failed(&l.b, EINTR);
	leading_close(&l);
}

static void
a_poll_waiting_for_the_host_ends_at_its_timeout(void **state)
{
	struct pollfd pfd;
	uint64_t leads;
	int c, a;

	(void)state;
	tcp_pair(&c, &a);
	event_thread_rests(a, c);
	leads = kstat("sockin.leads");
	pfd = (struct pollfd){ .fd = a, .events = POLLIN };
	assert_int_equal(rump_sys_poll(&pfd, 1, 20), 0);
	assert_int_equal(kstat("sockin.leads"), leads + 1);
	rump_sys_close(a);
	rump_sys_close(c);
}

/* Pending before the poll sleeps, the interrupt ends it there. */
static void
an_interrupt_pending_ends_a_poll_before_it_waits_for_the_host(void **state)
{
	struct pollfd pfd;
	uint64_t leads;
	int c, a, lid;

	(void)state;
	tcp_pair(&c, &a);
	event_thread_rests(a, c);
	leads = kstat("sockin.leads");
	assert_int_equal(rump_lwproc_curlwpid(&lid), 0);
	assert_int_equal(rump_lwproc_interrupt(1, lid), 0);
	pfd = (struct pollfd){ .fd = a, .events = POLLIN };
	assert_int_equal(rump_sys_poll(&pfd, 1, -1), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(kstat("sockin.leads"), leads + 1);
	rump_sys_close(a);
	rump_sys_close(c);
}

static long
recv_one(struct blocker *b)
{
	char buf[8];

	return rump_sys_recv(b->fds[0], buf, sizeof(buf), 0);
}

/* It waits on its host socket itself, and the event thread goes on resting. */
static void
a_blocked_reader_takes_its_data_itself_while_the_event_thread_rests(void **state)
{
	struct blocker b;
	uint64_t rests, waits;
	int c, a;

	(void)state;
	tcp_pair(&c, &a);
	event_thread_rests(a, c);
	rests = kstat("sockin.rests");
	waits = kstat("sockin.hostwaits");
	blocker_start(&b, 0, NULL, recv_one, (int[]){ a, -1 });
	assert_int_equal(kstat("sockin.hostwaits"), waits + 1);
	assert_int_equal(rump_sys_send(c, "data", 4, 0), 4);
	blocker_join(&b);
	assert_int_equal(b.ret, 4);
	assert_int_equal(kstat("sockin.resting"), 1);
	assert_int_equal(kstat("sockin.rests"), rests);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
a_nonblocking_recv_while_the_event_thread_rests_takes_the_news_itself(void **state)
{
	char buf[8];
	int c, a, n = 0;

	(void)state;
	tcp_pair(&c, &a);
	event_thread_rests(a, c);
	assert_int_equal(rump_sys_send(c, "data", 4, 0), 4);
	/* In the host's socket, the host's news with it. */
	while (n < 4)
		assert_int_equal(rump_sys_ioctl(a, FIONREAD, &n), 0);
	assert_int_equal(rump_sys_recv(a, buf, sizeof(buf), MSG_DONTWAIT), 4);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
a_nonblocking_accept_while_the_event_thread_rests_takes_the_connection(void **state)
{
	struct sockaddr_in sin;
	int c, a, l, h, s;

	(void)state;
	tcp_pair(&c, &a);
	l = tcptest_listener(&sin, 5);
	event_thread_rests(a, c);
	/* A host program connects: the rump kernel hears only the news. */
	assert_true((h = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(h, (struct sockaddr *)&sin, sizeof(sin)), 0);
	s = rump_sys_accept4(l, NULL, NULL, SOCK_NONBLOCK);
	assert_true(s >= 0);
	close(h);
	rump_sys_close(s);
	rump_sys_close(l);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
a_nonblocking_send_while_the_event_thread_rests_sees_room_come(void **state)
{
	static char buf[64 * 1024];
	int c, a, x, y;
	ssize_t n;

	(void)state;
	tcp_pair(&c, &a);
	tcp_pair(&x, &y);
	/* Full: the host says so, and reports room only once there is. */
	while (rump_sys_send(c, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		continue;
	assert_int_equal(errno, EAGAIN);
	event_thread_rests(y, x);
	drain(a);
	/* Each try takes the news waiting: room comes, without a poll. */
	while ((n = rump_sys_send(c, buf, 1, MSG_DONTWAIT)) == -1)
		assert_int_equal(errno, EAGAIN);
	assert_int_equal(n, 1);
	rump_sys_close(x);
	rump_sys_close(y);
	rump_sys_close(a);
	rump_sys_close(c);
}

/* A UDP socket on 127.0.0.1, bound, and connected to a port closed. */
static int
udp_refused(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	struct sockaddr_in closed;
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0), t;

	assert_true(s >= 0);
	*sin = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_addr = { htonl(INADDR_LOOPBACK) },
	};
	assert_int_equal(rump_sys_bind(s, (struct sockaddr *)sin, sizeof(*sin)), 0);
	assert_int_equal(rump_sys_getsockname(s, (struct sockaddr *)sin, &len), 0);
	/* A port bound and closed again is certainly free. */
	closed = *sin;
	closed.sin_port = 0;
	assert_true((t = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(rump_sys_bind(t, (struct sockaddr *)&closed,
	    sizeof(closed)), 0);
	len = sizeof(closed);
	assert_int_equal(rump_sys_getsockname(t, (struct sockaddr *)&closed,
	    &len), 0);
	rump_sys_close(t);
	assert_int_equal(rump_sys_connect(s, (struct sockaddr *)&closed,
	    sizeof(closed)), 0);
	return s;
}

/* Its news is taken by whoever asks, as a stream's. */
static void
a_datagram_socket_lets_the_event_thread_rest(void **state)
{
	struct sockaddr_in sin;
	int c, a, u;

	(void)state;
	tcp_pair(&c, &a);
	u = udp_refused(&sin);
	event_thread_rests(a, c);
	assert_int_equal(kstat("sockin.resting"), 1);
	rump_sys_close(u);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
a_nonblocking_datagram_receive_while_the_event_thread_rests_takes_the_news(void **state)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr = { htonl(INADDR_LOOPBACK) },
	};
	socklen_t len = sizeof(sin);
	char buf[4];
	int c, a, u, h;

	(void)state;
	tcp_pair(&c, &a);
	assert_true((u = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(rump_sys_bind(u, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(rump_sys_getsockname(u, (struct sockaddr *)&sin, &len), 0);
	/* The host said "nothing": from now on only the news says more. */
	assert_int_equal(rump_sys_recv(u, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	event_thread_rests(a, c);
	/* A host program's datagram is in the socket once sendto returns. */
	assert_true((h = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(sendto(h, "dgm", 3, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), 3);
	close(h);
	assert_int_equal(rump_sys_recv(u, buf, sizeof(buf), MSG_DONTWAIT), 3);
	assert_int_equal(kstat("sockin.resting"), 1);
	rump_sys_close(u);
	rump_sys_close(a);
	rump_sys_close(c);
}

/* The ICMP error comes when the host has it: asked until it is there. */
static void
so_error_while_the_event_thread_rests_is_the_hosts_icmp_error(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(int);
	int c, a, u, error = 0;

	(void)state;
	tcp_pair(&c, &a);
	u = udp_refused(&sin);
	event_thread_rests(a, c);
	assert_int_equal(rump_sys_send(u, "x", 1, 0), 1);
	for (int i = 0; error == 0; i++) {
		assert_true(i < 100000);
		assert_int_equal(rump_sys_getsockopt(u, SOL_SOCKET, SO_ERROR,
		    &error, &len), 0);
	}
	assert_int_equal(error, ECONNREFUSED);
	assert_int_equal(rump_sys_getsockopt(u, SOL_SOCKET, SO_ERROR, &error,
	    &len), 0);
	assert_int_equal(error, 0);
	rump_sys_close(u);
	rump_sys_close(a);
	rump_sys_close(c);
}

static void
a_nonblocking_datagram_receive_while_the_event_thread_rests_gets_the_icmp_error(void **state)
{
	struct sockaddr_in sin;
	char buf[4];
	int c, a, u;
	ssize_t n;

	(void)state;
	tcp_pair(&c, &a);
	u = udp_refused(&sin);
	assert_int_equal(rump_sys_recv(u, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	event_thread_rests(a, c);
	assert_int_equal(rump_sys_send(u, "x", 1, 0), 1);
	for (int i = 0; (n = rump_sys_recv(u, buf, sizeof(buf),
	    MSG_DONTWAIT)) == -1 && errno == EAGAIN; i++)
		assert_true(i < 100000);
	assert_int_equal(n, -1);
	assert_int_equal(errno, ECONNREFUSED);
	rump_sys_close(u);
	rump_sys_close(a);
	rump_sys_close(c);
}

/*
 * A host listener on 127.0.0.1 whose accept queue is full (backlog 0 and
 * one connection queued, Linux dropping further SYNs), so that connects
 * to it stay in progress until its backlog grows (fullhost_open) and
 * their SYN comes again.
 */
struct fullhost {
	int l, filler;
	struct sockaddr_in sin;
};

static void
fullhost_start(struct fullhost *f)
{
	socklen_t len = sizeof(f->sin);

	f->sin = (struct sockaddr_in){ .sin_family = AF_INET,
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	assert_true((f->l = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(f->l, (struct sockaddr *)&f->sin,
	    sizeof(f->sin)), 0);
	assert_int_equal(listen(f->l, 0), 0);
	assert_int_equal(getsockname(f->l, (struct sockaddr *)&f->sin, &len), 0);
	assert_true((f->filler = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(f->filler, (struct sockaddr *)&f->sin,
	    sizeof(f->sin)), 0);
}

/* Room for n more: the connects in progress complete (host accepts them). */
static void
fullhost_open(struct fullhost *f, int n)
{
	int a;

	assert_int_equal(listen(f->l, 8), 0);
	for (int i = 0; i < n + 1; i++) {
		assert_true((a = accept(f->l, NULL, NULL)) >= 0);
		close(a);
	}
}

static void
fullhost_close(struct fullhost *f)
{
	close(f->filler);
	close(f->l);
}

/* Host socket h and sockin socket r connect to sin without waiting. */
static void
connect_both(const struct sockaddr_in *sin, int *h, int *r)
{
	assert_true((*h = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) >= 0);
	assert_true((*r = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
	    0)) >= 0);
	assert_int_equal(connect(*h, (const struct sockaddr *)sin,
	    sizeof(*sin)), -1);
	assert_int_equal(errno, EINPROGRESS);
	assert_int_equal(rump_sys_connect(*r, (const struct sockaddr *)sin,
	    sizeof(*sin)), -1);
	assert_int_equal(errno, EINPROGRESS);
}

static int
so_error(int (*get)(int, int, int, void *, socklen_t *), int s)
{
	socklen_t len = sizeof(int);
	int error = -1;

	assert_int_equal(get(s, SOL_SOCKET, SO_ERROR, &error, &len), 0);
	return error;
}

/* getpeername's answer: 0, or the errno. */
static int
peer_error(int (*get)(int, struct sockaddr *, socklen_t *), int s,
    struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);

	return get(s, (struct sockaddr *)sin, &len) == 0 ? 0 : errno;
}

/* Its completion is looked for where it is read (pr_connpoll). */
static void
a_connect_in_progress_lets_the_event_thread_rest(void **state)
{
	struct fullhost f;
	struct sockaddr_in peer;
	int c, a, h, r;

	(void)state;
	fullhost_start(&f);
	connect_both(&f.sin, &h, &r);
	tcp_pair(&c, &a);
	event_thread_rests(a, c);
	assert_int_equal(peer_error(rump_sys_getpeername, r, &peer), ENOTCONN);
	rump_sys_close(r);
	close(h);
	rump_sys_close(a);
	rump_sys_close(c);
	fullhost_close(&f);
}

static void
before_a_nonblocking_connect_completes_getpeername_says_enotconn_as_the_hosts(void **state)
{
	struct fullhost f;
	struct sockaddr_in peer;
	int h, r;

	(void)state;
	fullhost_start(&f);
	connect_both(&f.sin, &h, &r);
	assert_int_equal(peer_error(getpeername, h, &peer), ENOTCONN);
	assert_int_equal(peer_error(rump_sys_getpeername, r, &peer), ENOTCONN);
	assert_int_equal(so_error(getsockopt, h), 0);
	assert_int_equal(so_error(rump_sys_getsockopt, r), 0);
	rump_sys_close(r);
	close(h);
	fullhost_close(&f);
}

/*
 * Once the host accepted it, the connection is made at the client's end:
 * getpeername, SO_ERROR and a send see it at once, nobody having taken
 * the news, as the host socket's do.
 */
static void
a_nonblocking_connect_made_in_the_host_is_seen_at_once_while_the_event_thread_rests(void **state)
{
	struct fullhost f;
	struct sockaddr_in peer;
	int c, a, h, r;

	(void)state;
	fullhost_start(&f);
	connect_both(&f.sin, &h, &r);
	tcp_pair(&c, &a);
	event_thread_rests(a, c);
	fullhost_open(&f, 2);
	assert_int_equal(peer_error(getpeername, h, &peer), 0);
	assert_int_equal(peer_error(rump_sys_getpeername, r, &peer), 0);
	assert_int_equal(peer.sin_port, f.sin.sin_port);
	assert_int_equal(so_error(getsockopt, h), 0);
	assert_int_equal(so_error(rump_sys_getsockopt, r), 0);
	assert_int_equal(send(h, "x", 1, MSG_DONTWAIT), 1);
	assert_int_equal(rump_sys_send(r, "x", 1, MSG_DONTWAIT), 1);
	assert_int_equal(kstat("sockin.resting"), 1);
	rump_sys_close(r);
	close(h);
	rump_sys_close(a);
	rump_sys_close(c);
	fullhost_close(&f);
}

static void
poll_sees_a_nonblocking_connect_complete_while_the_event_thread_rests_as_the_hosts(void **state)
{
	struct fullhost f;
	struct pollfd hp, rp;
	int c, a, h, r;

	(void)state;
	fullhost_start(&f);
	connect_both(&f.sin, &h, &r);
	tcp_pair(&c, &a);
	event_thread_rests(a, c);
	fullhost_open(&f, 2);
	hp = (struct pollfd){ .fd = h, .events = POLLOUT };
	rp = (struct pollfd){ .fd = r, .events = POLLOUT };
	assert_int_equal(poll(&hp, 1, -1), 1);
	assert_int_equal(rump_sys_poll(&rp, 1, -1), 1);
	assert_int_equal(rp.revents, hp.revents);
	rump_sys_close(r);
	close(h);
	rump_sys_close(a);
	rump_sys_close(c);
	fullhost_close(&f);
}

/* A port on 127.0.0.1 bound and closed again: nobody listens there. */
static void
closed_port(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	*sin = (struct sockaddr_in){ .sin_family = AF_INET,
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	assert_int_equal(bind(s, (struct sockaddr *)sin, sizeof(*sin)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)sin, &len), 0);
	close(s);
}

/* Until SO_ERROR of s says something (the refusal comes when it comes). */
static int
so_error_awaited(int (*get)(int, int, int, void *, socklen_t *), int s)
{
	int error = 0;

	for (int i = 0; error == 0; i++) {
		assert_true(i < 100000);
		error = so_error(get, s);
	}
	return error;
}

static void
so_error_after_a_refused_nonblocking_connect_is_econnrefused_once_as_the_hosts(void **state)
{
	struct sockaddr_in sin, peer;
	int c, a, h, r;

	(void)state;
	closed_port(&sin);
	tcp_pair(&c, &a);
	event_thread_rests(a, c);
	assert_true((h = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) >= 0);
	assert_true((r = rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
	    0)) >= 0);
	if (connect(h, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		assert_int_equal(errno, EINPROGRESS);
	if (rump_sys_connect(r, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		assert_int_equal(errno, EINPROGRESS);
	assert_int_equal(so_error_awaited(getsockopt, h), ECONNREFUSED);
	assert_int_equal(so_error_awaited(rump_sys_getsockopt, r), ECONNREFUSED);
	assert_int_equal(so_error(getsockopt, h), 0);
	assert_int_equal(so_error(rump_sys_getsockopt, r), 0);
	assert_int_equal(peer_error(getpeername, h, &peer), ENOTCONN);
	assert_int_equal(peer_error(rump_sys_getpeername, r, &peer), ENOTCONN);
	rump_sys_close(r);
	close(h);
	rump_sys_close(a);
	rump_sys_close(c);
}

/* Asked again while the event thread rests, the host says "not yet". */
static void
a_second_connect_while_the_first_goes_on_is_ealready_as_the_hosts(void **state)
{
	struct fullhost f;
	int c, a, h, r;

	(void)state;
	fullhost_start(&f);
	connect_both(&f.sin, &h, &r);
	tcp_pair(&c, &a);
	event_thread_rests(a, c);
	assert_int_equal(connect(h, (struct sockaddr *)&f.sin, sizeof(f.sin)),
	    -1);
	assert_int_equal(errno, EALREADY);
	assert_int_equal(rump_sys_connect(r, (struct sockaddr *)&f.sin,
	    sizeof(f.sin)), -1);
	assert_int_equal(errno, EALREADY);
	rump_sys_close(r);
	close(h);
	rump_sys_close(a);
	rump_sys_close(c);
	fullhost_close(&f);
}

static void
a_nonblocking_recv_before_a_connect_completes_is_eagain_as_the_hosts(void **state)
{
	struct fullhost f;
	char b;
	int h, r;

	(void)state;
	fullhost_start(&f);
	connect_both(&f.sin, &h, &r);
	assert_int_equal(recv(h, &b, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rump_sys_recv(r, &b, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	rump_sys_close(r);
	close(h);
	fullhost_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_sleeping_poller_waits_for_the_host_itself_and_takes_its_news),
		leak_test(a_poller_waiting_for_the_host_is_woken_by_a_pipe),
		leak_test(a_poller_waiting_for_the_host_is_interrupted),
		leak_test(a_poll_waiting_for_the_host_ends_at_its_timeout),
		leak_test(an_interrupt_pending_ends_a_poll_before_it_waits_for_the_host),
		leak_test(a_blocked_reader_takes_its_data_itself_while_the_event_thread_rests),
		leak_test(a_nonblocking_recv_while_the_event_thread_rests_takes_the_news_itself),
		leak_test(a_nonblocking_accept_while_the_event_thread_rests_takes_the_connection),
		leak_test(a_nonblocking_send_while_the_event_thread_rests_sees_room_come),
		leak_test(a_datagram_socket_lets_the_event_thread_rest),
		leak_test(a_nonblocking_datagram_receive_while_the_event_thread_rests_takes_the_news),
		leak_test(so_error_while_the_event_thread_rests_is_the_hosts_icmp_error),
		leak_test(a_nonblocking_datagram_receive_while_the_event_thread_rests_gets_the_icmp_error),
		leak_test(a_connect_in_progress_lets_the_event_thread_rest),
		leak_test(before_a_nonblocking_connect_completes_getpeername_says_enotconn_as_the_hosts),
		leak_test(a_nonblocking_connect_made_in_the_host_is_seen_at_once_while_the_event_thread_rests),
		leak_test(poll_sees_a_nonblocking_connect_complete_while_the_event_thread_rests_as_the_hosts),
		leak_test(so_error_after_a_refused_nonblocking_connect_is_econnrefused_once_as_the_hosts),
		leak_test(a_second_connect_while_the_first_goes_on_is_ealready_as_the_hosts),
		leak_test(a_nonblocking_recv_before_a_connect_completes_is_eagain_as_the_hosts),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
