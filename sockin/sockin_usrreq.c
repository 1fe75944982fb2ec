/*
 * sockin's user requests: each socket call becomes the same call on the
 * host socket, made without blocking; what completes later (connects,
 * incoming connections, data) is reported by the event thread.
 */
#include "rumpkern/lwp.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

static bool
sockin_stream(const struct socket *so)
{
	return (so->so_proto->pr_flags & PR_CONNREQUIRED) != 0;
}

/*
 * A connection sonewconn() makes for a listener gets its host socket from
 * sockin_acceptq(); any other socket gets a new one now.
 */
static int
sockin_attach(struct socket *so, int proto)
{
	size_t buf = sockin_stream(so) ? SOCKIN_STREAM_BUF : SOCKIN_DGRAM_BUF;
	struct sockin_pcb *sp;
	int error;

	if (so->so_head == NULL &&
	    ((error = sbreserve(&so->so_snd, buf)) != 0 ||
	    (error = sbreserve(&so->so_rcv, buf)) != 0))
		return error;
	sp = sockin_pcballoc(so);
	/* Until the host says "nothing" or "full", its users ask it. */
	sp->sp_flags |= SP_RREADY;
	if (sockin_stream(so))
		sp->sp_flags |= SP_WREADY;
	if (so->so_head != NULL) {
		sp->sp_head = so->so_head;
		return 0;
	}
	error = sockin_user_socket(sockin_su,
	    so->so_proto->pr_domain->dom_family, so->so_type,
	    proto, sp->sp_id, &sp->sp_fd);
	if (error != 0)
		sockin_pcbfree(sp, false);
	return error;
}

/*
 * Everything sent is in the host socket, whose close sends it on, or, with
 * data its user never read, resets the peer (RFC 2525, 2.17).  With
 * SO_LINGER and a time, the host's close waits until the peer has taken
 * it all (or the time is up): it waits without softnet_lock and without
 * the virtual CPU, so other threads' calls go on, the control block gone
 * first so that nothing (the event thread) finds the socket meanwhile.
 */
static void
sockin_detach(struct socket *so)
{
	struct sockin_pcb *sp = sotosockin(so);
	int fd = sp->sp_fd;

	if (!(so->so_options & SO_OPT_LINGER) || so->so_linger == 0 ||
	    fd == -1) {
		sockin_pcbfree(sp, false);
		return;
	}
	sp->sp_fd = -1;
	sockin_pcbfree(sp, false);
	NET_UNLOCK();
	sched_block_begin();
	sockin_user_close(fd, 0);
	sched_block_end();
	NET_LOCK();
}

static void
sockin_abort(struct socket *so)
{
	soisdisconnected(so);
	sockin_pcbfree(sotosockin(so), true);
	sofree(so);
}

static int
sockin_bind(struct socket *so, const struct sockaddr *nam, socklen_t namelen)
{
	return sockin_user_bind(sotosockin(so)->sp_fd, nam, namelen);
}

static int
sockin_listen(struct socket *so, int backlog)
{
	struct sockin_pcb *sp = sotosockin(so);
	int error;

	if ((error = sockin_user_listen(sp->sp_fd, backlog)) != 0)
		return error;
	/*
	 * The event thread accepts from now on; it takes softnet_lock first,
	 * so it sees the queue limit solisten() sets after this.
	 */
	sp->sp_flags |= SP_LISTEN;
	return 0;
}

static int
sockin_connect(struct socket *so, const struct sockaddr *nam,
    socklen_t namelen)
{
	struct sockin_pcb *sp = sotosockin(so);
	int error;

	error = sockin_user_connect(sp->sp_fd, nam, namelen);
	/*
	 * The host still holds the outcome of a connect that failed before:
	 * we took it with SO_ERROR, and the socket layer has reported it, so
	 * the host's connect says ECONNABORTED once and would then connect
	 * anew (Linux's __inet_stream_connect).  The user's connect is that
	 * new one.
	 */
	if (error == ECONNABORTED && sockin_stream(so))
		error = sockin_user_connect(sp->sp_fd, nam, namelen);
	if (error == EINPROGRESS) {
		soisconnecting(so);
		return 0;
	}
	if (error != 0)
		return error;
	soisconnected(so);
	return 0;
}

static int
sockin_accept(struct socket *so, struct sockaddr_storage *nam,
    socklen_t *namelen)
{
	struct sockin_pcb *sp = sotosockin(so);
	struct socket *head = sp->sp_head;

	sp->sp_head = NULL;
	/* Room in the queue again: take what the host has queued. */
	if (head != NULL && head->so_pcb != NULL &&
	    (sotosockin(head)->sp_flags & SP_AFULL)) {
		sotosockin(head)->sp_flags &= ~SP_AFULL;
		sockin_acceptq(sotosockin(head));
	}
	/* The peer the host's accept gave, without asking it again. */
	memcpy(nam, &sp->sp_peer, sp->sp_peerlen);
	*namelen = sp->sp_peerlen;
	return 0;
}

static int
sockin_disconnect(struct socket *so)
{
	struct sockin_pcb *sp = sotosockin(so);
	int error;

	/*
	 * A stream's host socket holds all we sent: its own close lingers as
	 * SO_LINGER told it.
	 */
	if (sockin_stream(so)) {
		soisdisconnected(so);
		return 0;
	}
	if ((error = sockin_user_disconnect(sp->sp_fd)) != 0)
		return error;
	so->so_state &= ~SS_ISCONNECTED;
	return 0;
}

/*
 * A stream's host socket is shut for writing too; a connection it no
 * longer has (the peer reset it) is for the next read to report.
 */
static int
sockin_shutdown(struct socket *so)
{
	int error;

	socantsendmore(so);
	if (!sockin_stream(so))
		return 0;
	error = sockin_user_shutdown(sotosockin(so)->sp_fd, SHUT_WR);
	return error == ENOTCONN ? 0 : error;
}

static int
sockin_getname(struct socket *so, int peer, struct sockaddr_storage *nam,
    socklen_t *namelen)
{
	unsigned len = sizeof(*nam);
	int error;

	error = sockin_user_getname(sotosockin(so)->sp_fd, peer, nam, &len);
	if (error == 0)
		*namelen = len;
	return error;
}

static int
sockin_sockaddr(struct socket *so, struct sockaddr_storage *nam,
    socklen_t *namelen)
{
	return sockin_getname(so, 0, nam, namelen);
}

static int
sockin_peeraddr(struct socket *so, struct sockaddr_storage *nam,
    socklen_t *namelen)
{
	return sockin_getname(so, 1, nam, namelen);
}

const struct pr_usrreqs sockin_usrreqs = {
	.pr_attach = sockin_attach,
	.pr_detach = sockin_detach,
	.pr_bind = sockin_bind,
	.pr_listen = sockin_listen,
	.pr_connect = sockin_connect,
	.pr_accept = sockin_accept,
	.pr_disconnect = sockin_disconnect,
	.pr_shutdown = sockin_shutdown,
	.pr_abort = sockin_abort,
	.pr_sockaddr = sockin_sockaddr,
	.pr_peeraddr = sockin_peeraddr,
	.pr_recvdirect = sockin_recvdirect,
	.pr_recvdgram = sockin_recvdgram,
	.pr_sleep = sockin_sleep,
	.pr_rcvpoll = sockin_rcvpoll,
	.pr_rcvcount = sockin_rcvcount,
	.pr_senddirect = sockin_senddirect,
	.pr_sndpoll = sockin_sndpoll,
	.pr_acceptpoll = sockin_acceptpoll,
	.pr_connpoll = sockin_connpoll,
};
