/*
 * Moving data between sockin's socket buffers and the host sockets, and
 * acting on the readiness the event thread reports.  Nothing here blocks:
 * a host socket that cannot take or give more now reports readiness
 * again when it can (edge-triggered epoll), or the socket layer tells us
 * (pr_accept) when a listener's queue has room again.  A stream's
 * received data is its reader's to take (sockin_recv.c).
 */
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

#define SOCKIN_TXSEGS	256		/* pieces of a chain per host send */
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

/* ---- receiving datagrams ---- */

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
	error = sockin_user_recv(sp->sp_fd, &iov, 1, 0, &from, &fromlen, cmsg,
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

void
sockin_readin(struct sockin_pcb *sp)
{
	int error;

	do
		error = sockin_readin_dgram1(sp);
	while (error == 0);
	/* Out of mbufs: the datagram waits in the host for the next one. */
	if (error != EAGAIN && error != ENOBUFS)
		sockin_error(sp, error);
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
	    !(sp->sp_flags & SP_ORPHAN)) {
		if (so->so_proto->pr_flags & PR_CONNREQUIRED)
			sockin_rready(sp);
		else
			sockin_readin(sp);
	}
	if (events & (SOCKIN_EV_OUT | SOCKIN_EV_ERR | SOCKIN_EV_HUP))
		sockin_flush(sp);
}
