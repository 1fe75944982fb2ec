/*
 * Acting on the readiness the event thread reports: datagrams into the
 * receive buffers, connections into the accept queues, connects
 * completed, a stream's readers and writers woken.  Nothing here blocks:
 * a host socket that cannot give more now reports readiness again when
 * it can (edge-triggered epoll), or the socket layer tells us (pr_accept)
 * when a listener's queue has room again.  A stream's data goes between
 * the host socket and its user's buffer directly (sockin_recv.c,
 * sockin_send.c), and so does a datagram sent.
 */
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

#define SOCKIN_CMSGLEN	256		/* control messages of a datagram */

/* A stream or a datagram socket went wrong in the host: the user hears. */
static void
sockin_error(struct sockin_pcb *sp, int error)
{
	struct socket *so = sp->sp_so;

	if (so->so_proto->pr_flags & PR_CONNREQUIRED)
		soisdisconnected(so);
	soseterror(so, error);
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

/* ---- connections ---- */

/*
 * A host accept that fails (EMFILE, ENOBUFS, ...) leaves the connection in
 * the host's backlog, and the host, edge-triggered, reports nothing more
 * for it until another comes: the listener's accepters get the error, as
 * a host program's would, and the next accept or poll on it tries again
 * (sockin_acceptpoll).
 */
void
sockin_acceptq(struct sockin_pcb *sp)
{
	struct socket *head = sp->sp_so, *so;
	struct sockin_pcb *nsp;
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
		nsp = sotosockin(so);
		nsp->sp_peerlen = sizeof(nsp->sp_peer);
		error = sockin_user_accept(sockin_su, sp->sp_fd, nsp->sp_id, &fd,
		    &nsp->sp_peer, &nsp->sp_peerlen);
		if (error != 0) {
			soqremove(so);
			pru_abort(so);
			if (error != EAGAIN) {
				sp->sp_flags |= SP_AFAILED;
				soseterror(head, error);
			}
			return;
		}
		nsp->sp_fd = fd;
	}
}

void
sockin_acceptpoll(struct socket *head)
{
	struct sockin_pcb *sp = sotosockin(head);

	sockin_catchup();
	if (sp->sp_flags & SP_AFAILED) {
		sp->sp_flags &= ~SP_AFAILED;
		sockin_acceptq(sp);
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
	sockin_watchful(sp, false);
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
	if (!(so->so_proto->pr_flags & PR_CONNREQUIRED)) {
		if (events & (SOCKIN_EV_IN | SOCKIN_EV_ERR | SOCKIN_EV_HUP))
			sockin_readin(sp);
		return;
	}
	if (events & (SOCKIN_EV_IN | SOCKIN_EV_ERR | SOCKIN_EV_HUP))
		sockin_rready(sp, events);
	if (events & (SOCKIN_EV_OUT | SOCKIN_EV_ERR | SOCKIN_EV_HUP))
		sockin_wready(sp);
}
