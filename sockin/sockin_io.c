/*
 * Moving data between sockin's socket buffers and the host sockets, and
 * acting on the readiness the event thread reports.  Nothing here blocks:
 * a host socket that cannot take or give more now reports readiness
 * again when it can (edge-triggered epoll), or the socket layer tells us
 * (pr_rcvd, pr_accept) when our own buffer or queue has room again.
 */
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

#define SOCKIN_TXSEGS	256		/* pieces of a chain per host send */
#define SOCKIN_RXLEN	MAXMCLBYTES	/* bytes per host receive of a stream */
#define SOCKIN_RXSEGS	(SOCKIN_RXLEN / MJUMCLBYTES)
#define SOCKIN_CMSGLEN	256		/* control messages of a datagram */

/*
 * A stream or a datagram socket went wrong in the host: the user hears,
 * or, for an orphan nobody will hear, the socket goes.
 */
static void
sockin_error(struct sockin_pcb *sp, int error)
{
	struct socket *so = sp->sp_so;

	if (so->so_proto->pr_flags & PR_CONNREQUIRED) {
		sbflush(&so->so_snd);
		soisdisconnected(so);
	}
	soseterror(so, error);
	if (sp->sp_flags & SP_ORPHAN) {
		sockin_pcbfree(sp, true);
		sofree(so);
	}
}

/* The pieces of chain m, at most SOCKIN_TXSEGS of them; their count. */
static int
sockin_iov(struct mbuf *m, struct sockin_user_iov *iov)
{
	int n = 0;

	for (; m != NULL && n < SOCKIN_TXSEGS; m = m->m_next) {
		if (m->m_len == 0)
			continue;
		iov[n].siov_base = mtod(m, void *);
		iov[n].siov_len = (size_t)m->m_len;
		n++;
	}
	return n;
}

/* ---- receiving ---- */

/*
 * Room for up to len bytes of a stream in jumbo clusters, described in
 * iov: pieces from the per-CPU caches, warm and reused, where a fresh
 * host buffer per receive costs the host a page fault per page.  NULL
 * when not even one is left.
 */
static struct mbuf *
sockin_rxroom(size_t len, struct sockin_user_iov *iov, int *niovp)
{
	struct mbuf *top = NULL, **mp = &top, *m;
	int n = 0;

	while (len > 0 && n < SOCKIN_RXSEGS) {
		m = m_getjcl(M_DONTWAIT, MT_DATA, top == NULL ? M_PKTHDR : 0,
		    MJUMCLBYTES);
		if (m == NULL)
			break;
		iov[n].siov_base = mtod(m, void *);
		iov[n].siov_len = MIN(len, (size_t)MJUMCLBYTES);
		len -= iov[n++].siov_len;
		*mp = m;
		mp = &m->m_next;
	}
	*niovp = n;
	return top;
}

/* Cuts the room to the got bytes received into it. */
static void
sockin_rxtrim(struct mbuf *m, const struct sockin_user_iov *iov, size_t got)
{
	struct mbuf *n = m, *last = m;

	m->m_pkthdr.len = (int)got;
	for (int i = 0; n != NULL; n = n->m_next, i++) {
		n->m_len = (int)MIN(got, iov[i].siov_len);
		got -= (size_t)n->m_len;
		if (n->m_len > 0)
			last = n;
	}
	m_freem(last->m_next);
	last->m_next = NULL;
}

static void
sockin_readin_stream(struct sockin_pcb *sp)
{
	struct socket *so = sp->sp_so;
	struct sockin_user_iov iov[SOCKIN_RXSEGS];
	struct mbuf *m;
	size_t got;
	long space;
	int error, trunc, niov;

	while (!(so->so_state & SS_CANTRCVMORE)) {
		space = sbspace(&so->so_rcv);
		if (space <= 0) {
			sp->sp_flags |= SP_RFULL;
			return;
		}
		m = sockin_rxroom(MIN((size_t)space, (size_t)SOCKIN_RXLEN), iov,
		    &niov);
		if (m == NULL) {
			/* Read on when the reader makes room. */
			sp->sp_flags |= SP_RFULL;
			return;
		}
		error = sockin_user_recv(sp->sp_fd, iov, niov, NULL, NULL,
		    NULL, NULL, &got, &trunc);
		if (error != 0 || got == 0) {
			m_freem(m);
			if (error == EAGAIN)
				return;
			if (error != 0)
				sockin_error(sp, error);
			else
				socantrcvmore(so);
			return;
		}
		sockin_rxtrim(m, iov, got);
		sbappendstream(&so->so_rcv, m);
		sorwakeup(so);
		/*
		 * On until EAGAIN even after a short read: the end of file may
		 * have come with the data, and no new edge will tell us.
		 */
	}
}

/* One datagram into a record with its source and control messages. */
static int
sockin_readin_dgram1(struct sockin_pcb *sp)
{
	struct socket *so = sp->sp_so;
	struct sockaddr_storage from;
	struct sockin_user_iov iov;
	struct mbuf *m, *control = NULL;
	char cmsg[SOCKIN_CMSGLEN];
	unsigned fromlen = sizeof(from);
	size_t len, cmsglen = sizeof(cmsg);
	int error, trunc;

	if ((error = sockin_user_peeklen(sp->sp_fd, &len)) != 0)
		return error;
	if ((m = m_getlen(M_DONTWAIT, MT_DATA, MAX(len, 1))) == NULL)
		return ENOBUFS;
	iov.siov_base = mtod(m, void *);
	iov.siov_len = len;
	error = sockin_user_recv(sp->sp_fd, &iov, 1, &from, &fromlen, cmsg,
	    &cmsglen, &len, &trunc);
	if (error != 0) {
		m_freem(m);
		return error;
	}
	m->m_len = (int)len;
	m->m_pkthdr.len = (int)len;
	if (cmsglen > 0) {
		control = m_getlen(M_DONTWAIT, MT_CONTROL, cmsglen);
		if (control == NULL) {
			m_freem(m);
			return ENOBUFS;
		}
		memcpy(mtod(control, void *), cmsg, cmsglen);
		control->m_len = (int)cmsglen;
	}
	if (sbappendaddr(&so->so_rcv, (struct sockaddr *)&from, fromlen, m,
	    control) != 0) {
		so->so_rcvdrops++;
		m_freem(m);
		m_freem(control);
		return 0;
	}
	sorwakeup(so);
	return 0;
}

static void
sockin_readin_dgram(struct sockin_pcb *sp)
{
	int error;

	do
		error = sockin_readin_dgram1(sp);
	while (error == 0);
	/* Out of mbufs: the datagram waits in the host for the next one. */
	if (error != EAGAIN && error != ENOBUFS)
		sockin_error(sp, error);
}

void
sockin_readin(struct sockin_pcb *sp)
{
	if (sp->sp_so->so_proto->pr_flags & PR_CONNREQUIRED)
		sockin_readin_stream(sp);
	else
		sockin_readin_dgram(sp);
}

/* ---- sending ---- */

/*
 * Sends from the front of chain m (an empty one too: an empty datagram);
 * *sent gets how much went.
 */
static int
sockin_send_chain(struct sockin_pcb *sp, struct mbuf *m,
    const struct sockaddr *nam, socklen_t namelen, struct mbuf *control,
    int flags, size_t *sent)
{
	struct sockin_user_iov iov[SOCKIN_TXSEGS];
	int n = sockin_iov(m, iov);

	*sent = 0;
	return sockin_user_send(sp->sp_fd, iov, n, nam, namelen,
	    control != NULL ? mtod(control, void *) : NULL,
	    control != NULL ? (size_t)control->m_len : 0, flags, sent);
}

/* What a send buffer that is empty now means for its socket. */
static void
sockin_flushed(struct sockin_pcb *sp)
{
	struct socket *so = sp->sp_so;
	int error;

	/* A close lingering for the data to leave may return (soclose). */
	if (so->so_state & SS_ISDISCONNECTING)
		soisdisconnected(so);

	if (sp->sp_flags & SP_SHUTWR) {
		sp->sp_flags &= ~SP_SHUTWR;
		error = sockin_user_shutdown(sp->sp_fd, SHUT_WR);
		if (error != 0 && error != ENOTCONN) {
			sockin_error(sp, error);
			return;
		}
	}
	if (sp->sp_flags & SP_ORPHAN) {
		sockin_pcbfree(sp, false);
		sofree(so);
	}
}

void
sockin_flush(struct sockin_pcb *sp)
{
	struct socket *so = sp->sp_so;
	size_t sent;
	int error;

	while (so->so_snd.sb_cc > 0) {
		error = sockin_send_chain(sp, so->so_snd.sb_mb, NULL, 0, NULL, 0,
		    &sent);
		if (error == EAGAIN)
			return;
		if (error != 0) {
			sockin_error(sp, error);
			return;
		}
		sbdrop(&so->so_snd, sent);
		sowwakeup(so);
	}
	sockin_flushed(sp);
}

/*
 * Sends as much of stream data m as the host takes now.  An error before
 * anything went is the caller's; after, the socket's.  The rest of m
 * (NULL: none) is returned in *restp.
 */
static int
sockin_send_stream(struct sockin_pcb *sp, struct mbuf *m, struct mbuf **restp)
{
	bool any = false;
	size_t sent;
	int error;

	while (m->m_pkthdr.len > 0) {
		error = sockin_send_chain(sp, m, NULL, 0, NULL, 0, &sent);
		if (error == EAGAIN)
			break;
		if (error != 0) {
			m_freem(m);
			*restp = NULL;
			if (!any)
				return error;
			sockin_error(sp, error);
			return 0;
		}
		any = true;
		m_adj(m, (int)sent);
	}
	if (m->m_pkthdr.len == 0) {
		m_freem(m);
		m = NULL;
	}
	*restp = m;
	return 0;
}

/*
 * A stream's data goes to the host at once if nothing waits before it;
 * what the host does not take waits in the send buffer until the host
 * socket is writable again.  A datagram goes whole or not at all.
 */
int
sockin_send(struct socket *so, struct mbuf *m, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags)
{
	struct sockin_pcb *sp = sotosockin(so);
	size_t sent;
	int error;

	if (!(so->so_proto->pr_flags & PR_CONNREQUIRED)) {
		error = sockin_send_chain(sp, m, nam, namelen, control,
		    flags & MSG_OOB, &sent);
		m_freem(m);
		m_freem(control);
		return error;
	}
	m_freem(control);
	/* Urgent data would overtake what waits in the send buffer. */
	if (flags & MSG_OOB) {
		m_freem(m);
		return EOPNOTSUPP;
	}
	if (so->so_snd.sb_cc == 0) {
		error = sockin_send_stream(sp, m, &m);
		if (error == EPIPE)
			socantsendmore(so);
		if (error != 0)
			return error;
	}
	if (m != NULL)
		sbappendstream(&so->so_snd, m);
	return 0;
}

/* ---- connections ---- */

void
sockin_acceptq(struct sockin_pcb *sp)
{
	struct socket *head = sp->sp_so, *so;
	int fd, error;

	for (;;) {
		if (head->so_qlen >= head->so_qlimit) {
			sp->sp_flags |= SP_AFULL;
			return;
		}
		if ((so = sonewconn(head, true)) == NULL) {
			sp->sp_flags |= SP_AFULL;
			return;
		}
		error = sockin_user_accept(sockin_su, sp->sp_fd,
		    sotosockin(so)->sp_id, &fd);
		if (error != 0) {
			soqremove(so);
			pru_abort(so);
			/* Nothing waiting, or an error the next accept meets. */
			return;
		}
		sotosockin(so)->sp_fd = fd;
	}
}

/*
 * A connect in progress may have finished, one way or the other.  The
 * event may be older than the connect (a new socket is writable), so no
 * error is not enough: the host must know a peer.
 */
static void
sockin_connected(struct sockin_pcb *sp)
{
	struct sockaddr_storage peer;
	unsigned len = sizeof(peer);
	int error = sockin_user_connect_result(sp->sp_fd);

	if (error == 0)
		error = sockin_user_getname(sp->sp_fd, 1, &peer, &len);
	if (error == ENOTCONN)
		return;
	if (error == 0)
		soisconnected(sp->sp_so);
	else
		sockin_error(sp, error);
}

void
sockin_event(struct sockin_pcb *sp, int events)
{
	struct socket *so = sp->sp_so;

	if (sp->sp_flags & SP_LISTEN) {
		if (!(sp->sp_flags & SP_AFULL))
			sockin_acceptq(sp);
		return;
	}
	if (so->so_state & SS_ISCONNECTING) {
		sockin_connected(sp);
		if (!(so->so_state & SS_ISCONNECTED))
			return;
	}
	/* A stream neither connecting nor connected has nothing to say. */
	if ((so->so_proto->pr_flags & PR_CONNREQUIRED) &&
	    !(so->so_state & (SS_ISCONNECTED | SS_ISDISCONNECTING)))
		return;
	/* Nobody reads an orphan; flushing it may free it and its socket. */
	if ((events & (SOCKIN_EV_IN | SOCKIN_EV_ERR | SOCKIN_EV_HUP)) &&
	    !(sp->sp_flags & SP_ORPHAN))
		sockin_readin(sp);
	if (events & (SOCKIN_EV_OUT | SOCKIN_EV_ERR | SOCKIN_EV_HUP))
		sockin_flush(sp);
}
