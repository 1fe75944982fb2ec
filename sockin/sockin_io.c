/*
 * Acting on the readiness the event thread reports: connections into the
 * accept queues, connects completed, readers and writers woken.  Nothing
 * here blocks: a host socket that cannot give more now reports readiness
 * again when it can (edge-triggered epoll), or the socket layer tells us
 * (pr_accept) when a listener's queue has room again.  Data goes between
 * the host socket and its user's buffer directly, both ways, a stream's
 * and a datagram's (sockin_recv.c, sockin_send.c).
 */
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

/* A stream or a datagram socket went wrong in the host: the user hears. */
static void
sockin_error(struct sockin_pcb *sp, int error)
{
	struct socket *so = sp->sp_so;

	if (so->so_proto->pr_flags & PR_CONNREQUIRED)
		soisdisconnected(so);
	soseterror(so, error);
}

/*
 * An error the host reports on a datagram socket (an ICMP error of a
 * connected one) is the socket's, for the next call or poll to report,
 * as Linux's sk_err is; a call that met it first in the host took it.
 */
static void
sockin_dgramerror(struct sockin_pcb *sp)
{
	int error = sockin_user_connect_result(sp->sp_fd);

	if (error != 0)
		sockin_error(sp, error);
}

/* ---- connections ---- */

/*
 * One connection from the host's backlog into the listener's queue, lazy
 * (registered once a user is to wait, sockin_lazy.c); NULL when there is
 * none or no room.  A host accept that fails (EMFILE, ENOBUFS, ...)
 * leaves the connection in the host's backlog, and the host,
 * edge-triggered, reports nothing more for it until another comes: the
 * listener's accepters get the error, as a host program's would, and the
 * next accept or poll on it tries again (sockin_acceptpoll).
 */
static struct sockin_pcb *
sockin_accept1(struct sockin_pcb *sp)
{
	struct socket *head = sp->sp_so, *so;
	struct sockin_pcb *nsp;
	int fd, error;

	if (head->so_qlen >= head->so_qlimit ||
	    (so = sonewconn(head, true)) == NULL) {
		sp->sp_flags |= SP_AFULL;
		return NULL;
	}
	nsp = sotosockin(so);
	nsp->sp_peerlen = sizeof(nsp->sp_peer);
	error = sockin_user_accept(sp->sp_fd, &fd, &nsp->sp_peer,
	    &nsp->sp_peerlen);
	if (error != 0) {
		soqremove(so);
		pru_abort(so);
		if (error != EAGAIN) {
			sp->sp_flags |= SP_AFAILED;
			soseterror(head, error);
		}
		return NULL;
	}
	nsp->sp_fd = fd;
	nsp->sp_flags |= SP_LAZY;
	return nsp;
}

/*
 * Whether the connections just accepted have data there already, as a
 * client's first request usually is: asked of the host for all of them
 * in one call, so that poll, finding it fresh (SP_RFRESH), need not ask
 * for each.  Nobody else reads them meanwhile: the data stays there.
 */
static void
sockin_acceptfresh(struct sockin_pcb **nsp, int n)
{
	/* Zeroed: gcc's -Wmaybe-uninitialized cannot see the first n set. */
	int fd[SOCKIN_USER_NPOLL] = { 0 }, ev[SOCKIN_USER_NPOLL];

	if (n == 0)
		return;
	for (int i = 0; i < n; i++)
		fd[i] = nsp[i]->sp_fd;
	sockin_user_pollmany(fd, ev, n);
	for (int i = 0; i < n; i++)
		if ((ev[i] & ~SOCKIN_EV_OUT) == SOCKIN_EV_IN)
			nsp[i]->sp_flags |= SP_RFRESH;
}

/* Accepts connections while the listener's queue has room. */
void
sockin_acceptq(struct sockin_pcb *sp)
{
	struct sockin_pcb *nsp[SOCKIN_USER_NPOLL];
	int n = 0;

	while ((nsp[n] = sockin_accept1(sp)) != NULL)
		if (++n == SOCKIN_USER_NPOLL) {
			sockin_acceptfresh(nsp, n);
			n = 0;
		}
	sockin_acceptfresh(nsp, n);
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
 * A connect in progress may have finished, one way or the other: the
 * event thread's news, or the socket layer asking (pr_connpoll) before
 * it reads the outcome, so that nobody need keep the event thread awake
 * for a non-blocking connect (sockin_rest.c).  The event may be older
 * than the connect (a new socket is writable), so no error is not
 * enough: the host must know a peer.
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
sockin_connpoll(struct socket *so)
{
	sockin_connected(sotosockin(so));
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
		if (events & SOCKIN_EV_ERR)
			sockin_dgramerror(sp);
		if (events & SOCKIN_EV_IN)
			sockin_rready(sp, events);
		return;
	}
	if (events & (SOCKIN_EV_IN | SOCKIN_EV_ERR | SOCKIN_EV_HUP))
		sockin_rready(sp, events);
	if (events & (SOCKIN_EV_OUT | SOCKIN_EV_ERR | SOCKIN_EV_HUP))
		sockin_wready(sp);
}
