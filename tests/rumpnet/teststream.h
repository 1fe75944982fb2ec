/*
 * A test-only stream protocol, so that the stream half of the socket layer
 * (sosend_stream, soreceive's stream path, listen, accept, shutdown,
 * linger) runs before TCP exists.  It lives in a domain of its own
 * (TS_AF), attached by the test with ts_attach() and detached with
 * ts_detach().
 *
 * It is a pipe with TCP's shape.  Sockets bind to a port number;
 * connect finds the listener on the port and makes the server's socket
 * with sonewconn(), then (at once, or when the test calls ts_establish()
 * if ts_connect_async is set) both become connected.  ts_attach_error and
 * ts_accept_error make those calls fail.  What a socket sends
 * is appended to its own send buffer and moved from there into the peer's
 * receive buffer as that has room: on send, and when the peer reads
 * (pr_rcvd).  So a full receive buffer fills the sender's send buffer and
 * then blocks the sender, as with TCP; tp_hold keeps data in the send
 * buffer, so a test decides when a delivery happens.
 *
 * Shutting down the sending side passes end-of-file to the peer once the
 * send buffer has drained.  Closing a connected socket does the same, then
 * takes the connection down (the peer can no longer send: EPIPE); a socket
 * closed with data still undelivered stays alive, without its file, until
 * the data is delivered (or the peer goes away), as a TCP connection in
 * FIN_WAIT does: that is what SO_LINGER waits for.  With SO_LINGER and a
 * zero timeout, or when a listener is closed with connections nobody
 * accepted, the connection is reset: undelivered data is dropped and the
 * peer gets ECONNRESET.
 *
 * Everything runs under softnet_lock, called by the socket layer.
 */
#ifndef TESTS_TESTSTREAM_H
#define TESTS_TESTSTREAM_H

#include "rumpkern/kmem.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"

/* A family no domain of this stack uses. */
#define TS_AF		45
#define TS_BUFSIZE	8192	/* default send and receive buffers */

struct ts_sockaddr {
	sa_family_t ts_family;
	uint16_t ts_port;
	char ts_zero[12];
};
CTASSERT(sizeof(struct ts_sockaddr) == sizeof(struct sockaddr));

struct ts_pcb {
	struct socket *tp_so;
	struct ts_pcb *tp_peer;
	uint16_t tp_port;
	bool tp_listening;
	bool tp_hold;		/* deliver nothing for now */
	bool tp_eofsent;	/* the peer was told: no more data */
	bool tp_detached;	/* the file is gone; freed when done */
	LIST_ENTRY(ts_pcb) tp_list;
};

KMEM_DEFINE(M_TSPCB, "tspcb");

static LIST_HEAD(, ts_pcb) ts_pcbs;
static uint16_t ts_nextport;
static bool ts_connect_async;	/* connect leaves both sides connecting */
static int ts_attach_error;	/* attach fails with it */
static int ts_accept_error;	/* accept fails with it */

static struct ts_pcb *
sotots(struct socket *so)
{
	return so->so_pcb;
}

static struct ts_pcb *
ts_lookup(uint16_t port)
{
	struct ts_pcb *tp;

	LIST_FOREACH(tp, &ts_pcbs, tp_list)
		if (tp->tp_port == port)
			return tp;
	return NULL;
}

static struct ts_pcb *
ts_lookup_listener(uint16_t port)
{
	struct ts_pcb *tp;

	LIST_FOREACH(tp, &ts_pcbs, tp_list)
		if (tp->tp_port == port && tp->tp_listening)
			return tp;
	return NULL;
}

static void
ts_free(struct ts_pcb *tp)
{
	struct socket *so = tp->tp_so;

	LIST_REMOVE(tp, tp_list);
	so->so_pcb = NULL;
	kmem_free(&M_TSPCB, tp, sizeof(*tp));
	sofree(so);
}

/* tp's peer went away: reset (error) or closed (0). */
static void
ts_peer_gone(struct ts_pcb *tp, int error)
{
	struct socket *so = tp->tp_so;

	tp->tp_peer = NULL;
	sbflush(&so->so_snd);
	if (error != 0)
		soseterror(so, error);
	soisdisconnected(so);
	/*
	 * Freed if its file is gone, or if it never had one and never will:
	 * an incomplete connection on a listener's queue, dropped as TCP
	 * drops a handshake that failed (sofree takes it off the queue).
	 */
	if (tp->tp_detached || so->so_onq == 1)
		ts_free(tp);
}

/* Takes tp's connection down; its peer learns it by error (or by EOF). */
static void
ts_unlink(struct ts_pcb *tp, int error)
{
	struct ts_pcb *peer = tp->tp_peer;

	if (peer == NULL)
		return;
	tp->tp_peer = NULL;
	ts_peer_gone(peer, error);
}

/* Resets tp's connection: undelivered data goes, the peer gets ECONNRESET. */
static void
ts_reset(struct ts_pcb *tp)
{
	sbflush(&tp->tp_so->so_snd);
	ts_unlink(tp, ECONNRESET);
	soisdisconnected(tp->tp_so);
}

/*
 * The send buffer has drained after a shutdown or a close: EOF to the
 * peer and, after a close, the connection comes down.  May free tp.
 */
static void
ts_drained(struct ts_pcb *tp)
{
	struct socket *so = tp->tp_so;

	if (tp->tp_peer != NULL && !tp->tp_eofsent) {
		tp->tp_eofsent = true;
		socantrcvmore(tp->tp_peer->tp_so);
	}
	if (!(so->so_state & SS_ISDISCONNECTING))
		return;
	ts_unlink(tp, 0);
	soisdisconnected(so);
	if (tp->tp_detached)
		ts_free(tp);
}

/* Moves what the peer has room for from tp's send buffer to it.  May free tp. */
static void
ts_deliver(struct ts_pcb *tp)
{
	struct socket *so = tp->tp_so;
	struct sockbuf *snd = &so->so_snd;

	if (tp->tp_hold)
		return;
	if (tp->tp_peer != NULL && snd->sb_cc > 0) {
		struct socket *so2 = tp->tp_peer->tp_so;
		long space = sbspace(&so2->so_rcv);
		size_t n = MIN(snd->sb_cc, (size_t)MAX(space, 0));

		if (n > 0) {
			sbappendstream(&so2->so_rcv,
			    m_copym(snd->sb_mb, 0, (int)n, M_WAIT));
			sbdrop(snd, n);
			sorwakeup(so2);
			sowwakeup(so);
		}
	}
	if (snd->sb_cc == 0 && (so->so_state & SS_CANTSENDMORE))
		ts_drained(tp);
}

/* Both ends of a connection made while ts_connect_async was set connect. */
static void
ts_establish(struct ts_pcb *tp)
{
	soisconnected(tp->tp_peer->tp_so);
	soisconnected(tp->tp_so);
}

static int
ts_attach(struct socket *so, int proto)
{
	struct ts_pcb *tp;
	int error;

	(void)proto;
	if (ts_attach_error != 0)
		return ts_attach_error;
	/* A socket from sonewconn() has its listener's buffer sizes. */
	if (so->so_rcv.sb_hiwat == 0 &&
	    ((error = sbreserve(&so->so_rcv, TS_BUFSIZE)) != 0 ||
	    (error = sbreserve(&so->so_snd, TS_BUFSIZE)) != 0))
		return error;
	tp = kmem_zalloc(&M_TSPCB, sizeof(*tp), KM_SLEEP);
	tp->tp_so = so;
	LIST_INSERT_HEAD(&ts_pcbs, tp, tp_list);
	so->so_pcb = tp;
	return 0;
}

/*
 * The file is gone.  A connection with data still to deliver lives on
 * until it is delivered; anything else goes now.
 */
static void
ts_detach(struct socket *so)
{
	struct ts_pcb *tp = sotots(so);

	if (tp->tp_peer != NULL && (so->so_state & SS_ISDISCONNECTING)) {
		tp->tp_detached = true;
		return;
	}
	ts_reset(tp);
	LIST_REMOVE(tp, tp_list);
	so->so_pcb = NULL;
	kmem_free(&M_TSPCB, tp, sizeof(*tp));
}

static int
ts_sockaddr_check(const struct sockaddr *nam, socklen_t len)
{
	if (len < sizeof(struct ts_sockaddr))
		return EINVAL;
	return nam->sa_family == TS_AF ? 0 : EAFNOSUPPORT;
}

static int
ts_bind(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	const struct ts_sockaddr *tsa = (const struct ts_sockaddr *)nam;
	int error = ts_sockaddr_check(nam, len);

	if (error != 0)
		return error;
	if (sotots(so)->tp_port != 0)
		return EINVAL;
	/* Connections may share a listener's port; listeners may not (listen). */
	if (tsa->ts_port == 0 || ts_lookup_listener(tsa->ts_port) != NULL)
		return EADDRINUSE;
	sotots(so)->tp_port = tsa->ts_port;
	return 0;
}

/* A port of its own for a socket that connects or listens unbound. */
static void
ts_autobind(struct ts_pcb *tp)
{
	while (tp->tp_port == 0) {
		uint16_t port = (uint16_t)(0x8000 | ts_nextport++);

		if (ts_lookup(port) == NULL)
			tp->tp_port = port;
	}
}

static int
ts_listen(struct socket *so, int backlog)
{
	(void)backlog;
	if (!sotots(so)->tp_listening && sotots(so)->tp_port != 0 &&
	    ts_lookup_listener(sotots(so)->tp_port) != NULL)
		return EADDRINUSE;
	ts_autobind(sotots(so));
	sotots(so)->tp_listening = true;
	return 0;
}

static int
ts_connect(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	const struct ts_sockaddr *tsa = (const struct ts_sockaddr *)nam;
	struct ts_pcb *tp = sotots(so), *head;
	struct socket *so2;
	int error = ts_sockaddr_check(nam, len);

	if (error != 0)
		return error;
	if ((head = ts_lookup_listener(tsa->ts_port)) == NULL)
		return ECONNREFUSED;
	/*
	 * A full backlog refuses at once (TCP would let the SYN time out).
	 * The server's end is queued complete, or incomplete until
	 * ts_establish().
	 */
	if ((so2 = sonewconn(head->tp_so, !ts_connect_async)) == NULL)
		return ECONNREFUSED;
	ts_autobind(tp);
	tp->tp_peer = sotots(so2);
	sotots(so2)->tp_peer = tp;
	/* The server's end has the listener's address, as in TCP. */
	sotots(so2)->tp_port = head->tp_port;
	soisconnecting(so);
	soisconnecting(so2);
	if (!ts_connect_async)
		ts_establish(tp);
	return 0;
}

static void
ts_fill(struct ts_sockaddr *tsa, socklen_t *len, uint16_t port)
{
	memset(tsa, 0, sizeof(*tsa));
	tsa->ts_family = TS_AF;
	tsa->ts_port = port;
	*len = sizeof(*tsa);
}

static int
ts_peeraddr(struct socket *so, struct sockaddr_storage *nam, socklen_t *len)
{
	struct ts_pcb *tp = sotots(so);

	if (tp->tp_peer == NULL)
		return ENOTCONN;
	ts_fill((struct ts_sockaddr *)nam, len, tp->tp_peer->tp_port);
	return 0;
}

static int
ts_accept(struct socket *so, struct sockaddr_storage *nam, socklen_t *len)
{
	if (ts_accept_error != 0)
		return ts_accept_error;
	/* A connection the peer has already closed is accepted all the same. */
	if (sotots(so)->tp_peer == NULL) {
		ts_fill((struct ts_sockaddr *)nam, len, 0);
		return 0;
	}
	return ts_peeraddr(so, nam, len);
}

static int
ts_sockaddr(struct socket *so, struct sockaddr_storage *nam, socklen_t *len)
{
	ts_fill((struct ts_sockaddr *)nam, len, sotots(so)->tp_port);
	return 0;
}

static int
ts_disconnect(struct socket *so)
{
	struct ts_pcb *tp = sotots(so);

	if ((so->so_options & SO_OPT_LINGER) && so->so_linger == 0) {
		ts_reset(tp);
		return 0;
	}
	soisdisconnecting(so);
	ts_deliver(tp);
	return 0;
}

static int
ts_shutdown(struct socket *so)
{
	socantsendmore(so);
	ts_deliver(sotots(so));
	return 0;
}

static void
ts_abort(struct socket *so)
{
	ts_reset(sotots(so));
	so->so_state |= SS_NOFDREF;
	ts_free(sotots(so));
}

static int
ts_send(struct socket *so, struct mbuf *m, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags)
{
	(void)nam;
	(void)namelen;
	(void)flags;
	if (control != NULL) {
		m_freem(control);
		m_freem(m);
		return EOPNOTSUPP;
	}
	sbappendstream(&so->so_snd, m);
	ts_deliver(sotots(so));
	return 0;
}

/* The peer read: there may be room for more of what waits here. */
static int
ts_rcvd(struct socket *so, int flags)
{
	struct ts_pcb *peer = sotots(so)->tp_peer;

	(void)flags;
	if (peer != NULL)
		ts_deliver(peer);
	return 0;
}

static const struct pr_usrreqs ts_usrreqs = {
	.pr_attach = ts_attach,
	.pr_detach = ts_detach,
	.pr_bind = ts_bind,
	.pr_listen = ts_listen,
	.pr_connect = ts_connect,
	.pr_accept = ts_accept,
	.pr_disconnect = ts_disconnect,
	.pr_shutdown = ts_shutdown,
	.pr_abort = ts_abort,
	.pr_send = ts_send,
	.pr_rcvd = ts_rcvd,
	.pr_sockaddr = ts_sockaddr,
	.pr_peeraddr = ts_peeraddr,
};

/*
 * A second protocol of the domain (SOCK_SEQPACKET) with nothing but the
 * calls every protocol must have, and no control block: the socket layer
 * answers EOPNOTSUPP for each call it lacks.
 */
static int
ts_bare_attach(struct socket *so, int proto)
{
	(void)so;
	(void)proto;
	return 0;
}

static void
ts_bare_detach(struct socket *so)
{
	(void)so;
}

static const struct pr_usrreqs ts_bare_usrreqs = {
	.pr_attach = ts_bare_attach,
	.pr_detach = ts_bare_detach,
	.pr_abort = ts_bare_detach,
};

static struct domain ts_domain;

static const struct protosw ts_protosw[] = {
	{
		.pr_type = SOCK_STREAM,
		.pr_domain = &ts_domain,
		.pr_flags = PR_CONNREQUIRED | PR_WANTRCVD | PR_LISTEN,
		.pr_usrreqs = &ts_usrreqs,
	},
	{
		.pr_type = SOCK_SEQPACKET,
		.pr_domain = &ts_domain,
		.pr_flags = PR_ATOMIC,
		.pr_usrreqs = &ts_bare_usrreqs,
	},
};

static struct domain ts_domain = {
	.dom_family = TS_AF,
	.dom_name = "teststream",
	.dom_protosw = ts_protosw,
	.dom_nprotosw = 2,
};

/* Attaches the domain; softnet_lock held. */
static inline int
ts_domain_attach(void)
{
	LIST_INIT(&ts_pcbs);
	ts_connect_async = false;
	ts_attach_error = 0;
	ts_accept_error = 0;
	return domain_attach(&ts_domain);
}

/* Detaches it; every socket of it must be gone. */
static inline bool
ts_domain_detach(void)
{
	bool empty = LIST_EMPTY(&ts_pcbs);

	domain_detach(&ts_domain);
	return empty;
}

/* Group fixture: boots the kernel with the test domain attached. */
static inline int
ts_group_setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	KTEST_ENTER();
	error = ts_domain_attach();
	KTEST_EXIT();
	return error;
}

/* Group fixture: every socket of the test domain must be gone. */
static inline int
ts_group_teardown(void **state)
{
	bool empty;

	KTEST_ENTER();
	empty = ts_domain_detach();
	KTEST_EXIT();
	if (!empty)
		ktest_halt_failed("teststream sockets left behind", 0);
	return ktest_halt(state);
}

#endif
