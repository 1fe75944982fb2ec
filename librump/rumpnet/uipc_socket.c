/*
 * The socket calls: the half of the socket layer that system calls use.
 * Each takes softnet_lock itself and reaches the protocol only through
 * so_proto->pr_usrreqs.
 */
#include "rumpkern/config.h"
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "rumpkern/uio.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"


int
pru_send(struct socket *so, struct mbuf *m, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags)
{
	if (SO_PRU(so)->pr_send == NULL) {
		m_freem(m);
		if (control != NULL)
			m_freem(control);
		return EOPNOTSUPP;
	}
	return SO_PRU(so)->pr_send(so, m, nam, namelen, control, flags);
}

int
socreate(int family, struct socket **aso, int type, int proto)
{
	const struct protosw *pr;
	struct domain *dp;
	struct socket *so;
	int error;

	if ((dp = pffinddomain(family)) == NULL)
		return EAFNOSUPPORT;
	pr = pffindproto(dp, proto, type);
	if (pr == NULL)
		return type == SOCK_STREAM || type == SOCK_DGRAM ||
		    type == SOCK_RAW ? EPROTONOSUPPORT : ESOCKTNOSUPPORT;
	so = soalloc(pr, type);
	if (!(pr->pr_flags & PR_ATOMIC))
		so->so_snd.sb_lowat = SO_DEFAULT_LOWAT_SND;
	NET_LOCK();
	error = pru_attach(so, proto);
	if (error != 0) {
		so->so_state |= SS_NOFDREF;
		so->so_pcb = NULL;
		sofree(so);
		NET_UNLOCK();
		return error;
	}
	NET_UNLOCK();
	*aso = so;
	return 0;
}

/*
 * Waits, for SO_LINGER, until the protocol has disconnected; an interrupt
 * (or the process exiting) ends the wait and the close goes on, as Linux's
 * does.
 */
static void
solinger(struct socket *so)
{
	uint64_t deadline = getnsuptime() + (uint64_t)so->so_linger * NSEC_PER_SEC;

	while ((so->so_state & SS_ISCONNECTED) && so->so_pcb != NULL) {
		if (cv_wait_sig_until(&so->so_cv, so->so_lock, deadline) != 0)
			break;
	}
}

int
soclose(struct socket *so)
{
	struct socket *so2;
	int error = 0;

	NET_LOCK();
	/* Connections nobody will accept now are reset. */
	while ((so2 = TAILQ_FIRST(&so->so_q0)) != NULL ||
	    (so2 = TAILQ_FIRST(&so->so_q)) != NULL) {
		soqremove(so2);
		pru_abort(so2);
	}
	if (so->so_pcb != NULL && (so->so_state & SS_ISCONNECTED) &&
	    !(so->so_state & SS_ISDISCONNECTING)) {
		error = pru_disconnect(so);
		if (error == 0 && (so->so_options & SO_OPT_LINGER) &&
		    so->so_linger > 0)
			solinger(so);
	}
	if (so->so_pcb != NULL)
		pru_detach(so);
	so->so_state |= SS_NOFDREF;
	sofree(so);
	NET_UNLOCK();
	return error;
}

/*
 * A stream whose connection ended (reset, refused, timed out, closed)
 * while its user holds it is a closed socket again, as on Linux: a bind,
 * listen or connect first clears what the old connection left (its end
 * of file both ways, its data), as Linux's tcp_disconnect does, and gives
 * it a control block again if the protocol let go of its own (TCP frees
 * it with the connection).
 */
static int
so_renew(struct socket *so)
{
	if (!(so->so_proto->pr_flags & PR_CONNREQUIRED) ||
	    !(so->so_state & SS_ISDISCONNECTED))
		return 0;
	so->so_state &= ~(SS_ISDISCONNECTED | SS_CANTRCVMORE |
	    SS_CANTSENDMORE);
	sbflush(&so->so_rcv);
	sbflush(&so->so_snd);
	return so->so_pcb == NULL ?
	    pru_attach(so, so->so_proto->pr_protocol) : 0;
}

int
sobind(struct socket *so, const struct sockaddr *nam, socklen_t namelen)
{
	int error;

	NET_LOCK();
	if ((error = so_renew(so)) == 0)
		error = pru_bind(so, nam, namelen);
	NET_UNLOCK();
	return error;
}

int
solisten(struct socket *so, int backlog)
{
	int error;

	if (!(so->so_proto->pr_flags & PR_LISTEN))
		return EOPNOTSUPP;
	NET_LOCK();
	if (so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) {
		NET_UNLOCK();
		return EINVAL;
	}
	if ((error = so_renew(so)) == 0)
		error = pru_listen(so, backlog);
	if (error == 0) {
		if (backlog < 0 || backlog > SOMAXCONN)
			backlog = SOMAXCONN;
		so->so_qlimit = MAX(backlog, 1);
		so->so_options |= SO_OPT_ACCEPTCONN;
	}
	NET_UNLOCK();
	return error;
}

/* The receive or send timeout as an absolute deadline, 0 for none. */
static uint64_t
sb_deadline(const struct sockbuf *sb)
{
	return sb->sb_timeo_ns != 0 ? getnsuptime() + sb->sb_timeo_ns : 0;
}

/*
 * A stream's connect that went on after its call returned (EINPROGRESS,
 * a timeout, an interrupt: SS_CONNECTOUT) and has ended is reported by
 * the next connect, once, as on Linux: 0 if it was made (EISCONN only
 * after), its error if not (ECONNABORTED once SO_ERROR took that).
 */
static int
soconnect_outcome(struct socket *so)
{
	int error;

	so->so_state &= ~SS_CONNECTOUT;
	if (so->so_state & SS_ISCONNECTED)
		return 0;
	error = so->so_error != 0 ? so->so_error : ECONNABORTED;
	so->so_error = 0;
	/*
	 * Reported, the failure leaves the socket unconnected, as Linux's
	 * tcp_disconnect does: a receive is ENOTCONN, not end of file (a
	 * send stays EPIPE).
	 */
	so->so_state &= ~SS_CANTRCVMORE;
	return error;
}

/*
 * A blocking connect waits for the handshake, the one it started or one
 * in progress before it, as Linux's __inet_stream_connect does: its
 * outcome once it ends; EINTR when interrupted and, when SO_SNDTIMEO runs
 * out, timedout (EINPROGRESS for the connect that started it, EALREADY
 * for a later one).  A timeout or an interrupt leaves the connection
 * going on, as Linux's does; poll says when it is made.
 */
static int
soconnect_wait(struct socket *so, int timedout)
{
	uint64_t deadline = sb_deadline(&so->so_snd);
	int error;

	while ((so->so_state & SS_ISCONNECTING) && so->so_error == 0) {
		error = pru_sleep(so, &so->so_cv, POLLOUT, deadline);
		if (error != 0) {
			so->so_state |= SS_CONNECTOUT;
			return error == ETIMEDOUT ? timedout : error;
		}
	}
	return soconnect_outcome(so);
}

int
soconnect(struct socket *so, const struct sockaddr *nam, socklen_t namelen,
    bool nbio)
{
	bool stream = (so->so_proto->pr_flags & PR_CONNREQUIRED) != 0;
	int error;

	NET_LOCK();
	if (so->so_options & SO_OPT_ACCEPTCONN) {
		error = EOPNOTSUPP;
		goto out;
	}
	pru_connpoll(so);
	if (stream && (so->so_state & (SS_CONNECTOUT | SS_ISCONNECTING)) ==
	    SS_CONNECTOUT) {
		error = soconnect_outcome(so);
		goto out;
	}
	if (stream && (so->so_state & SS_ISCONNECTED)) {
		error = EISCONN;
		goto out;
	}
	if (stream && (so->so_state & SS_ISCONNECTING)) {
		error = nbio ? EALREADY : soconnect_wait(so, EALREADY);
		goto out;
	}
	/* A datagram socket connects anew, or to AF_UNSPEC to disconnect. */
	if (!stream && (so->so_state & SS_ISCONNECTED)) {
		error = pru_disconnect(so);
		if (error != 0)
			goto out;
	}
	if (!stream && namelen >= sizeof(sa_family_t) &&
	    nam->sa_family == AF_UNSPEC) {
		error = 0;
		goto out;
	}
	if ((error = so_renew(so)) == 0)
		error = pru_connect(so, nam, namelen);
	if (error != 0 || !stream)
		goto out;
	if (nbio && (so->so_state & SS_ISCONNECTING)) {
		so->so_state |= SS_CONNECTOUT;
		error = EINPROGRESS;
		goto out;
	}
	error = soconnect_wait(so, EINPROGRESS);
out:
	NET_UNLOCK();
	return error;
}

int
soaccept(struct socket *head, struct socket **aso,
    struct sockaddr_storage *nam, socklen_t *namelen, bool nbio)
{
	uint64_t deadline = sb_deadline(&head->so_rcv);
	struct socket *so;
	int error = 0;

	NET_LOCK();
	if (!(head->so_options & SO_OPT_ACCEPTCONN)) {
		error = EINVAL;
		goto out;
	}
	pru_acceptpoll(head);
	while (head->so_qlen == 0 && head->so_error == 0) {
		if (head->so_state & SS_CANTRCVMORE) {
			error = ECONNABORTED;
			goto out;
		}
		if (nbio) {
			error = EAGAIN;
			goto out;
		}
		error = pru_sleep(head, &head->so_cv, POLLIN, deadline);
		if (error != 0) {
			if (error == ETIMEDOUT)
				error = EAGAIN;
			goto out;
		}
	}
	if (head->so_error != 0) {
		error = head->so_error;
		head->so_error = 0;
		goto out;
	}
	so = TAILQ_FIRST(&head->so_q);
	soqremove(so);
	error = pru_accept(so, nam, namelen);
	if (error != 0) {
		/* Nobody will have it: reset the connection and free it. */
		pru_abort(so);
		goto out;
	}
	so->so_state &= ~SS_NOFDREF;
	*aso = so;
out:
	NET_UNLOCK();
	return error;
}

int
soshutdown(struct socket *so, int how)
{
	bool connected;
	int error = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return EINVAL;
	NET_LOCK();
	connected = (so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING |
	    SS_ISDISCONNECTING)) != 0;
	if ((so->so_proto->pr_flags & PR_CONNREQUIRED) && !connected) {
		error = ENOTCONN;
		goto out;
	}
	if (how != SHUT_WR) {
		socantrcvmore(so);
		sbflush(&so->so_rcv);
	}
	if (how != SHUT_RD)
		error = pru_shutdown(so);
	/*
	 * An unconnected datagram socket is shut down all the same, so that
	 * threads polling it wake up, and says ENOTCONN: as Linux does.
	 */
	if (error == 0 && !connected)
		error = ENOTCONN;
out:
	NET_UNLOCK();
	return error;
}

/* Copies up to len bytes of a uio into a new packet (M_WAIT: cannot fail). */
static struct mbuf *
sosend_copyin(struct uio *uio, size_t len, bool atomic)
{
	struct mbuf *top = NULL, **mp = &top;
	size_t total = len;

	do {
		size_t n;
		struct mbuf *m;

		if (!atomic && len > MCLBYTES) {
			/*
			 * Stream data in jumbo clusters from the per-CPU
			 * caches: uniform pieces that a segment of any MSS
			 * spans at most two of, and a super-segment few.
			 */
			n = MIN(len, (size_t)MJUMCLBYTES);
			m = m_getjcl(M_WAIT, MT_DATA, top == NULL ? M_PKTHDR : 0,
			    MJUMCLBYTES);
		} else {
			/* One large piece first, then clusters. */
			n = MIN(len, top == NULL ? (size_t)MAXMCLBYTES : MCLBYTES);
			m = top == NULL ? m_getlen(M_WAIT, MT_DATA, n) :
			    m_getcl(M_WAIT, MT_DATA, 0);
		}

		/* Leave room for protocol headers in front of small data. */
		if (top == NULL && atomic && n + 128 <= (size_t)MHLEN)
			m_align(m, (int)n);
		uiomove(mtod(m, void *), n, uio);
		m->m_len = (int)n;
		*mp = m;
		mp = &m->m_next;
		len -= n;
	} while (len > 0);
	top->m_pkthdr.len = (int)total;
	return top;
}

/*
 * May sosend go on?  0, or the error that stops it.  A pending error
 * comes before EPIPE, as on Linux: a writer whose peer reset the
 * connection learns ECONNRESET first, EPIPE only after.
 */
static int
sosend_check(struct socket *so, const struct sockaddr *nam)
{
	pru_connpoll(so);
	if (so->so_error != 0) {
		int error = so->so_error;

		so->so_error = 0;
		return error;
	}
	if (so->so_state & SS_CANTSENDMORE)
		return EPIPE;
	if (!(so->so_state & SS_ISCONNECTED)) {
		if (so->so_proto->pr_flags & PR_CONNREQUIRED)
			return ENOTCONN;
		if (nam == NULL)
			return EDESTADDRREQ;
	}
	return 0;
}

/*
 * A datagram goes in one piece: copied in before the lock is taken and
 * handed to the protocol, which enforces its own size limit.  The
 * protocols of this stack queue no datagram in so_snd, so there is no
 * space to wait for and no send lock to take: concurrent senders never
 * wait for each other, blocking or not.
 */
static int
sosend_atomic(struct socket *so, const struct sockaddr *nam,
    socklen_t namelen, struct uio *uio, struct mbuf *top,
    struct mbuf *control, int flags)
{
	struct mbuf *m = top;
	size_t len;
	int error;

	if (m == NULL)
		m = sosend_copyin(uio, uio->uio_resid, true);
	len = (size_t)m->m_pkthdr.len;
	NET_LOCK();
	error = sosend_check(so, nam);
	if (error == 0) {
		/* The protocol owns m and control from here, also on error. */
		error = pru_send(so, m, nam, namelen, control,
		    (flags & MSG_OOB) | MSG_EOR);
		NET_UNLOCK();
		return error;
	}
	NET_UNLOCK();
	m_freem(m);
	if (control != NULL)
		m_freem(control);
	/* Nothing went out: the caller's count must not say otherwise. */
	if (uio != NULL)
		uio->uio_resid += len;
	return error;
}

/*
 * A stream is sent in pieces of at most MAXMCLBYTES, each copied from the
 * caller before softnet_lock is taken for it (the first even before the
 * send lock), then handed to the protocol as buffer space allows: all of
 * it, or the part that fits while the rest waits for room.  The send lock
 * keeps concurrent writers' pieces apart; it is given up while waiting for
 * space, so a non-blocking writer waits at most for another one's copy.
 * Bytes copied but never handed over (an error, or no room for a
 * non-blocking writer), or refused by the protocol, are given back to the
 * caller's count.
 */
static int
sosend_stream(struct socket *so, struct uio *uio, struct mbuf *control,
    int flags, bool nbio)
{
	uint64_t deadline = sb_deadline(&so->so_snd);
	size_t mlen = MIN(uio->uio_resid, (size_t)MAXMCLBYTES);
	struct mbuf *m = sosend_copyin(uio, mlen, false);
	int error;

	NET_LOCK();
	sbrelock(so, &so->so_snd);
	for (;;) {
		struct mbuf *rest = NULL;
		size_t piece;
		long space;

		if ((error = sosend_check(so, NULL)) != 0)
			break;
		if (m == NULL) {
			mlen = MIN(uio->uio_resid, (size_t)MAXMCLBYTES);
			NET_UNLOCK();
			m = sosend_copyin(uio, mlen, false);
			NET_LOCK();
			/* The socket may have been shut down meanwhile. */
			continue;
		}
		space = sbspace(&so->so_snd);
		if (space <= 0 || (size_t)space <
		    MIN(mlen + uio->uio_resid, so->so_snd.sb_lowat)) {
			if (nbio) {
				error = EAGAIN;
				break;
			}
			sbunlock(&so->so_snd);
			error = sbwait(so, &so->so_snd, deadline);
			sbrelock(so, &so->so_snd);
			if (error != 0)
				break;
			continue;
		}
		if ((size_t)space < mlen) {
			rest = m_split(m, (int)space, M_WAIT);
			KASSERT(rest != NULL);
		}
		piece = (size_t)m->m_pkthdr.len;
		/* The protocol owns m and control from here, also on error. */
		error = pru_send(so, m, NULL, 0, control, flags &
		    (rest == NULL && uio->uio_resid == 0 ? MSG_EOR | MSG_OOB :
		    MSG_OOB));
		control = NULL;
		m = rest;
		/* A piece the protocol refused was not sent. */
		if (error == 0)
			mlen -= piece;
		if (error != 0 || (m == NULL && uio->uio_resid == 0))
			break;
	}
	sbunlock(&so->so_snd);
	NET_UNLOCK();
	m_freem(m);
	uio->uio_resid += mlen;
	if (control != NULL)
		m_freem(control);
	return error;
}

/*
 * A datagram to a protocol that sends straight from the caller's buffer
 * (pr_senddirect, sockin): one piece, no copy here, no wait.
 */
static int
sosend_direct_atomic(struct socket *so, const struct sockaddr *nam,
    socklen_t namelen, struct uio *uio, struct mbuf *control, int flags)
{
	int error;

	NET_LOCK();
	error = sosend_check(so, nam);
	if (error == 0)
		error = pru_senddirect(so, uio, nam, namelen, control, flags);
	else if (control != NULL)
		m_freem(control);
	NET_UNLOCK();
	return error;
}

/*
 * A stream to a protocol that sends straight from the caller's buffer:
 * what it takes now goes, and a writer it takes nothing from waits in
 * the send buffer's queue until the protocol says it can take more
 * (sowwakeup), as one waits for room.  The send lock keeps concurrent
 * writers' pieces apart, as in sosend_stream.
 */
static int
sosend_direct_stream(struct socket *so, struct uio *uio,
    struct mbuf *control, int flags, bool nbio)
{
	uint64_t deadline = sb_deadline(&so->so_snd);
	int error;

	NET_LOCK();
	sbrelock(so, &so->so_snd);
	for (;;) {
		uint64_t woken = so->so_snd.sb_wakeups;

		if ((error = sosend_check(so, NULL)) != 0)
			break;
		error = pru_senddirect(so, uio, NULL, 0, control, flags);
		control = NULL;
		if (error == 0 && uio->uio_resid == 0)
			break;
		if (error == 0)
			continue;
		if (error != EAGAIN || nbio)
			break;
		/* As soreceivemsg's: the protocol let softnet_lock go. */
		if (so->so_snd.sb_wakeups != woken)
			continue;
		sbunlock(&so->so_snd);
		error = sbwait(so, &so->so_snd, deadline);
		sbrelock(so, &so->so_snd);
		if (error != 0)
			break;
	}
	sbunlock(&so->so_snd);
	NET_UNLOCK();
	if (control != NULL)
		m_freem(control);
	return error;
}

static int
sosend1(struct socket *so, const struct sockaddr *nam, socklen_t namelen,
    struct uio *uio, struct mbuf *top, struct mbuf *control, int flags,
    bool nbio)
{
	bool atomic = (so->so_proto->pr_flags & PR_ATOMIC) != 0;

	nbio = nbio || (flags & MSG_DONTWAIT);
	if (top == NULL && SO_PRU(so)->pr_senddirect != NULL)
		return atomic ?
		    sosend_direct_atomic(so, nam, namelen, uio, control, flags) :
		    sosend_direct_stream(so, uio, control, flags, nbio);
	if (atomic)
		return sosend_atomic(so, nam, namelen, uio, top, control, flags);
	KASSERT(top == NULL);
	return sosend_stream(so, uio, control, flags, nbio);
}

/*
 * A send that moved data succeeds with its count, as Linux's tcp_sendmsg
 * does ("if (copied) goto out"), and the error that stopped it is the
 * next call's: a connection's error goes back to so_error (taken from it
 * by sosend_check, or the protocol's), EPIPE stays in the socket's state,
 * and a timeout or an interrupt belongs to this call only.  Only a stream
 * moves part of its data: a datagram goes whole or not at all (its uio
 * consumed even when the protocol refused it).
 */
int
sosend(struct socket *so, const struct sockaddr *nam, socklen_t namelen,
    struct uio *uio, struct mbuf *top, struct mbuf *control, int flags,
    bool nbio)
{
	size_t orig = uio != NULL ? uio->uio_resid : 0;
	int error;

	error = sosend1(so, nam, namelen, uio, top, control, flags, nbio);
	if (error == 0 || uio == NULL || (so->so_proto->pr_flags & PR_ATOMIC) ||
	    uio->uio_resid == orig)
		return error;
	if (error != EAGAIN && error != EINTR && error != EPIPE) {
		NET_LOCK();
		if (so->so_error == 0)
			soseterror(so, error);
		NET_UNLOCK();
	}
	return 0;
}

/* Why soreceive cannot return data now; 0 means wait (or data came). */
static int
soreceive_nodata(struct socket *so, struct uio *uio, bool *eof)
{
	*eof = false;
	pru_connpoll(so);
	if (so->so_error != 0) {
		int error = so->so_error;

		so->so_error = 0;
		return error;
	}
	if (so->so_state & SS_CANTRCVMORE) {
		*eof = true;
		return 0;
	}
	if ((so->so_proto->pr_flags & PR_CONNREQUIRED) &&
	    !(so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)))
		return ENOTCONN;
	/*
	 * Asking a stream for nothing returns at once; asking for a datagram
	 * with no room for it still waits for one, as on Linux.
	 */
	if (uio->uio_resid == 0 && !(so->so_proto->pr_flags & PR_ATOMIC)) {
		*eof = true;
		return 0;
	}
	return 0;
}

/*
 * Receiving.  Data is taken out of the receive buffer under softnet_lock
 * and copied to the caller after the lock is dropped: a large read stalls
 * neither the protocol's input nor any other socket.
 *
 * Why that is safe.  The receive lock (sblock on so_rcv) is held from the
 * first look at the buffer to the end of the copy, so one reader at a
 * time takes data, and two readers of one socket never interleave the
 * bytes of one read (a MSG_WAITALL read that has some of its bytes keeps
 * the receive lock while it waits for the rest, too).  Other than that
 * reader, the buffer changes only at its tail (the protocol appends) or
 * all at once (shutdown's flush, under softnet_lock), so:
 *
 * - A read that consumes detaches what it will copy (sbcut, sbunlinkrecord)
 *   under softnet_lock.  Those mbufs are the reader's alone afterwards;
 *   the protocol is told (pr_rcvd) at once that the room is free.
 * - MSG_PEEK must leave the data in the buffer, where a flush may free it
 *   and the protocol may append to its last mbuf while we copy.  The
 *   reader takes a reference copy instead (m_copym): clusters are shared
 *   with a count, which keeps them alive through a flush, and shared
 *   storage reads as not writable, so sbcompress never appends into it.
 *   Only small internal mbufs are copied under the lock, at most what the
 *   caller asked for.  Copying under the receive lock alone, without a
 *   reference, would race with both the flush and the append.
 * - A protocol that keeps its data until read (pr_recvdirect for a
 *   stream's, pr_recvdgram for datagrams: sockin) is asked for it when
 *   the buffer is empty, under the receive lock too, so its reads never
 *   interleave either.
 */

/* Copies chain m to the caller as far as there is room, then frees it. */
static int
soreceive_copyout(struct mbuf *m, struct uio *uio)
{
	int error = 0;

	for (struct mbuf *n = m; n != NULL && error == 0 && uio->uio_resid > 0;
	    n = n->m_next)
		error = uiomove(mtod(n, void *),
		    MIN((size_t)n->m_len, uio->uio_resid), uio);
	m_freem(m);
	return error;
}

/*
 * A stream: up to what the caller asked for from the front of the buffer,
 * detached or, when peeking, referenced.  softnet_lock held.
 */
static struct mbuf *
soreceive_stream_take(struct socket *so, size_t want, bool peek, int flags)
{
	struct sockbuf *sb = &so->so_rcv;
	size_t len = MIN(want, sb->sb_cc);
	struct mbuf *m;

	if (peek)
		return m_copym(sb->sb_mb, 0, (int)len, M_WAIT);
	m = sbcut(sb, len);
	if ((so->so_proto->pr_flags & PR_WANTRCVD) && so->so_pcb != NULL)
		pru_rcvd(so, flags);
	return m;
}

/* The source address of a record's name mbuf, for the caller. */
static void
soreceive_name(const struct mbuf *m, struct sockaddr_storage *paddr,
    socklen_t *paddrlen)
{
	if (paddr == NULL)
		return;
	memcpy(paddr, mtod(m, void *), MIN((size_t)m->m_len, sizeof(*paddr)));
	*paddrlen = (socklen_t)m->m_len;
}

/*
 * Peeking at the first record of an atomic protocol: the name is copied
 * (it is small), the data referenced; control is not reported.
 * softnet_lock held.
 */
static struct mbuf *
soreceive_record_peek(struct socket *so, struct sockaddr_storage *paddr,
    socklen_t *paddrlen)
{
	struct mbuf *m = so->so_rcv.sb_mb;

	if (m->m_type == MT_SONAME) {
		soreceive_name(m, paddr, paddrlen);
		m = m->m_next;
	}
	while (m != NULL && m->m_type == MT_CONTROL)
		m = m->m_next;
	return m != NULL ? m_copym(m, 0, M_COPYALL, M_WAIT) : NULL;
}

/*
 * A record detached from the buffer: the name goes to the caller and is
 * freed, control mbufs go to *controlp (or are freed); returns the data.
 */
static struct mbuf *
soreceive_record_split(struct mbuf *m, struct sockaddr_storage *paddr,
    socklen_t *paddrlen, struct mbuf **controlp)
{
	if (m != NULL && m->m_type == MT_SONAME) {
		soreceive_name(m, paddr, paddrlen);
		m = m_free(m);
	}
	while (m != NULL && m->m_type == MT_CONTROL) {
		struct mbuf *next = m->m_next;

		if (controlp != NULL) {
			m->m_next = NULL;
			*controlp = m;
			controlp = &m->m_next;
		} else {
			m_free(m);
		}
		m = next;
	}
	return m;
}

/* One datagram: copied out, MSG_TRUNC when it did not fit. */
static int
soreceive_datagram(struct mbuf *m, struct uio *uio, int *flagsp,
    size_t *reclenp)
{
	size_t reclen = m != NULL ? (size_t)m_length(m) : 0;

	if (reclenp != NULL)
		*reclenp = reclen;
	if (reclen > uio->uio_resid)
		*flagsp |= MSG_TRUNC;
	return soreceive_copyout(m, uio);
}

/*
 * Waits for data, with the receive lock given up unless part of a
 * MSG_WAITALL read is in hand; softnet_lock held.
 */
static int
soreceive_wait(struct socket *so, bool keep, uint64_t deadline)
{
	struct sockbuf *sb = &so->so_rcv;
	int error;

	if (!keep) {
		sbunlock(sb);
		error = sbwait(so, sb, deadline);
		sbrelock(so, sb);
		return error;
	}
	sb->sb_flags |= SB_SLEEP;
	error = sbwait(so, sb, deadline);
	sb->sb_flags &= ~SB_SLEEP;
	return error;
}

int
soreceivemsg(struct socket *so, struct sockaddr_storage *paddr,
    socklen_t *paddrlen, struct uio *uio, struct mbuf **controlp,
    size_t controlroom, int *flagsp, bool nbio, size_t *reclenp)
{
	int flags = flagsp != NULL ? *flagsp : 0;
	bool atomic = (so->so_proto->pr_flags & PR_ATOMIC) != 0;
	bool peek = (flags & MSG_PEEK) != 0;
	uint64_t deadline = sb_deadline(&so->so_rcv);
	size_t orig = uio->uio_resid;
	int outflags = 0, error;
	bool eof;

	nbio = nbio || (flags & MSG_DONTWAIT);
	if (controlp != NULL)
		*controlp = NULL;
	NET_LOCK();
	if ((error = sblock(so, &so->so_rcv, nbio)) != 0)
		goto unlock;
	for (;;) {
		struct mbuf *m;
		uint64_t woken;

		if (so->so_rcv.sb_mb == NULL) {
			error = soreceive_nodata(so, uio, &eof);
			/* A datagram socket shut for reading has nothing, not EOF. */
			if (eof && atomic && nbio)
				error = EAGAIN;
			/* MSG_WAITALL stops early on errors and end of file. */
			if (error != 0 || eof)
				break;
			/* Data the protocol keeps until read comes straight here. */
			woken = so->so_rcv.sb_wakeups;
			if (atomic) {
				error = pru_recvdgram(so, uio, flags, paddr,
				    paddrlen, controlp, controlroom, &outflags,
				    reclenp);
				if (error != EAGAIN)
					break;
			} else {
				error = pru_recvdirect(so, uio,
				    nbio ? flags | MSG_DONTWAIT : flags);
				if (error == 0 && (peek || !(flags & MSG_WAITALL) ||
				    uio->uio_resid == 0))
					break;
				if (error == 0)
					continue;
				if (error != EAGAIN)
					break;
			}
			if (nbio) {
				error = EAGAIN;
				break;
			}
			/*
			 * The protocol may have let softnet_lock go (sockin
			 * asks the host without it): what woke nobody then (a
			 * shutdown, an error) is looked at before sleeping.
			 */
			if (so->so_rcv.sb_wakeups != woken)
				continue;
			error = soreceive_wait(so, uio->uio_resid < orig,
			    deadline);
			if (error != 0)
				break;
			continue;
		}
		if (!atomic) {
			m = soreceive_stream_take(so, uio->uio_resid, peek, flags);
			NET_UNLOCK();
			error = soreceive_copyout(m, uio);
			NET_LOCK();
			if (error != 0 || peek || !(flags & MSG_WAITALL) ||
			    uio->uio_resid == 0)
				break;
			continue;
		}
		if (peek) {
			m = soreceive_record_peek(so, paddr, paddrlen);
		} else {
			m = sbunlinkrecord(&so->so_rcv);
			if ((so->so_proto->pr_flags & PR_WANTRCVD) &&
			    so->so_pcb != NULL)
				pru_rcvd(so, flags);
		}
		NET_UNLOCK();
		if (!peek)
			m = soreceive_record_split(m, paddr, paddrlen, controlp);
		error = soreceive_datagram(m, uio, &outflags, reclenp);
		NET_LOCK();
		break;
	}
	sbunlock(&so->so_rcv);
	/*
	 * Data already moved is a success; the error comes next time.  A
	 * timeout or an interrupt belongs to this call only.
	 */
	if (uio->uio_resid < orig && error != 0 && error != EAGAIN &&
	    error != EINTR)
		so->so_error = error;
unlock:
	NET_UNLOCK();
	if (flagsp != NULL)
		*flagsp = outflags;
	return uio->uio_resid < orig ? 0 : error;
}

int
soioctl(struct socket *so, unsigned long cmd, void *data)
{
	struct mbuf *m;
	int error = 0, n = 0;

	switch (cmd) {
	case FIONBIO:
		return 0;	/* kept in the file's flags */
	case FIONREAD:
		NET_LOCK();
		/* A datagram socket reports its first datagram, as Linux does. */
		m = so->so_rcv.sb_mb;
		if (!(so->so_proto->pr_flags & PR_ATOMIC))
			n = (int)(so->so_rcv.sb_cc + pru_rcvcount(so));
		else if (m == NULL)	/* one the protocol keeps until read */
			n = (int)pru_rcvcount(so);
		else
			for (; m != NULL; m = m->m_next)
				if (m->m_type == MT_DATA || m->m_type == MT_HEADER)
					n += m->m_len;
		NET_UNLOCK();
		return copyout(&n, data, sizeof(n));
	default:
		if (if_ioctl_isnet(cmd))
			return if_ioctl(so->so_proto->pr_domain, cmd, data);
		NET_LOCK();
		error = pru_ioctl(so, cmd, data);
		NET_UNLOCK();
		return error;
	}
}

/*
 * The poller is recorded only when nothing is ready (a poll that finds
 * something does not sleep; a busy server's poll finds most of its
 * sockets ready): after the checks, but under softnet_lock as they are,
 * and every waker changes the state under it, so a change after the
 * checks finds the record.  Nothing here drops softnet_lock, the
 * protocol's poll calls neither.
 */
int
sopoll(struct socket *so, int events, struct pollent *pe)
{
	int revents = 0;

	NET_LOCK();
	if (so->so_options & SO_OPT_ACCEPTCONN)
		pru_acceptpoll(so);
	if (so->so_rcv.sb_cc >= so->so_rcv.sb_lowat ||
	    (so->so_rcv.sb_mb != NULL && (so->so_proto->pr_flags & PR_ATOMIC)) ||
	    (so->so_state & SS_CANTRCVMORE) || so->so_qlen > 0)
		revents |= events & (POLLIN | POLLRDNORM);
	if (so->so_state & SS_CANTRCVMORE)
		revents |= events & POLLRDHUP;
	/*
	 * The protocol is asked only what the caller wants to know; its
	 * POLLERR and POLLHUP are reported unasked, as always.
	 */
	if (events & (POLLIN | POLLRDNORM | POLLRDHUP))
		revents |= (events | POLLERR | POLLHUP) & pru_rcvpoll(so);
	if ((events & (POLLOUT | POLLWRNORM)) &&
	    (!(so->so_proto->pr_flags & PR_CONNREQUIRED) ||
	    (so->so_state & SS_ISCONNECTED)) && pru_sndroom(so))
		revents |= events & (POLLOUT | POLLWRNORM);
	if (so->so_state & SS_CANTSENDMORE)
		revents |= events & (POLLOUT | POLLWRNORM);
	if (so->so_error != 0)
		revents |= POLLERR;
	if ((so->so_state & (SS_CANTRCVMORE | SS_CANTSENDMORE)) ==
	    (SS_CANTRCVMORE | SS_CANTSENDMORE))
		revents |= POLLHUP;
	if (revents == 0)
		pollrecord(&so->so_ph, pe);
	NET_UNLOCK();
	return revents;
}
