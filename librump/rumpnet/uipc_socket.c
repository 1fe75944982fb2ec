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
	struct socket *so;
	int error;

	if (pffinddomain(family) == NULL)
		return EAFNOSUPPORT;
	pr = proto != 0 ? pffindproto(family, proto, type) :
	    pffindtype(family, type);
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

/* Waits, for SO_LINGER, until the protocol has disconnected. */
static void
solinger(struct socket *so)
{
	uint64_t deadline = getnsuptime() + (uint64_t)so->so_linger * NSEC_PER_SEC;

	while ((so->so_state & SS_ISCONNECTED) && so->so_pcb != NULL) {
		if (cv_timedwait_until(&so->so_cv, so->so_lock, deadline) != 0)
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

int
sobind(struct socket *so, const struct sockaddr *nam, socklen_t namelen)
{
	int error;

	NET_LOCK();
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

int
soconnect(struct socket *so, const struct sockaddr *nam, socklen_t namelen,
    bool nbio)
{
	bool stream = (so->so_proto->pr_flags & PR_CONNREQUIRED) != 0;
	uint64_t deadline;
	int error;

	NET_LOCK();
	if (so->so_options & SO_OPT_ACCEPTCONN) {
		error = EOPNOTSUPP;
		goto out;
	}
	if (stream && (so->so_state & SS_ISCONNECTED)) {
		error = EISCONN;
		goto out;
	}
	if (stream && (so->so_state & SS_ISCONNECTING)) {
		error = nbio ? EALREADY : EINPROGRESS;
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
	error = pru_connect(so, nam, namelen);
	if (error != 0 || !stream)
		goto out;
	if (nbio && (so->so_state & SS_ISCONNECTING)) {
		error = EINPROGRESS;
		goto out;
	}
	deadline = sb_deadline(&so->so_snd);
	while ((so->so_state & SS_ISCONNECTING) && so->so_error == 0) {
		if (deadline == 0)
			cv_wait(&so->so_cv, so->so_lock);
		else if (cv_timedwait_until(&so->so_cv, so->so_lock,
		    deadline) != 0) {
			error = EINPROGRESS;
			goto out;
		}
	}
	error = so->so_error;
	so->so_error = 0;
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
	while (head->so_qlen == 0 && head->so_error == 0) {
		if (head->so_state & SS_CANTRCVMORE) {
			error = ECONNABORTED;
			goto out;
		}
		if (nbio) {
			error = EAGAIN;
			goto out;
		}
		if (deadline == 0)
			cv_wait(&head->so_cv, head->so_lock);
		else if (cv_timedwait_until(&head->so_cv, head->so_lock,
		    deadline) != 0) {
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
		/* One large piece first, then clusters. */
		size_t n = MIN(len, top == NULL ? (size_t)MAXMCLBYTES : MCLBYTES);
		struct mbuf *m = top == NULL ? m_getlen(M_WAIT, MT_DATA, n) :
		    m_getcl(M_WAIT, MT_DATA, 0);

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
 * A stream is sent in pieces as buffer space allows.  The send lock keeps
 * concurrent writers' bytes apart; it is held while a piece is copied in,
 * never while waiting for space, so a non-blocking writer waits at most
 * for another writer's copy.
 */
static int
sosend_stream(struct socket *so, struct uio *uio, struct mbuf *control,
    int flags, bool nbio)
{
	uint64_t deadline = sb_deadline(&so->so_snd);
	size_t resid = uio->uio_resid;
	int error;

	NET_LOCK();
	(void)sblock(so, &so->so_snd, false);
	do {
		long space;
		size_t len;
		struct mbuf *m;

		if ((error = sosend_check(so, NULL)) != 0)
			break;
		space = sbspace(&so->so_snd);
		if (space < (long)MIN(resid, so->so_snd.sb_lowat) || space <= 0) {
			if (nbio) {
				error = EAGAIN;
				break;
			}
			sbunlock(&so->so_snd);
			error = sbwait(so, &so->so_snd, deadline);
			(void)sblock(so, &so->so_snd, false);
			if (error != 0)
				break;
			continue;
		}
		len = MIN(resid, (size_t)space);
		NET_UNLOCK();
		m = sosend_copyin(uio, len, false);
		NET_LOCK();
		/* The socket may have been shut down meanwhile. */
		if ((error = sosend_check(so, NULL)) != 0) {
			m_freem(m);
			uio->uio_resid += len;
			break;
		}
		resid -= len;
		error = pru_send(so, m, NULL, 0, control,
		    flags & (resid == 0 ? MSG_EOR | MSG_OOB : MSG_OOB));
		control = NULL;
	} while (error == 0 && resid > 0);
	sbunlock(&so->so_snd);
	NET_UNLOCK();
	if (control != NULL)
		m_freem(control);
	return error;
}

int
sosend(struct socket *so, const struct sockaddr *nam, socklen_t namelen,
    struct uio *uio, struct mbuf *top, struct mbuf *control, int flags,
    bool nbio)
{
	if (so->so_proto->pr_flags & PR_ATOMIC)
		return sosend_atomic(so, nam, namelen, uio, top, control, flags);
	KASSERT(top == NULL);
	return sosend_stream(so, uio, control, flags,
	    nbio || (flags & MSG_DONTWAIT));
}

/* Why soreceive cannot return data now; 0 means wait (or data came). */
static int
soreceive_nodata(struct socket *so, struct uio *uio, bool *eof)
{
	*eof = false;
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
 * Takes the name and control mbufs off the front record of an atomic
 * protocol's buffer.  m is the record; returns the first data mbuf.
 */
static struct mbuf *
soreceive_meta(struct socket *so, struct mbuf *m, struct sockaddr_storage *paddr,
    socklen_t *paddrlen, struct mbuf **controlp, bool peek)
{
	struct sockbuf *sb = &so->so_rcv;
	struct mbuf *nextrec = m->m_nextpkt;

	if (m->m_type == MT_SONAME) {
		if (paddr != NULL) {
			size_t n = MIN((size_t)m->m_len, sizeof(*paddr));

			memcpy(paddr, mtod(m, void *), n);
			*paddrlen = (socklen_t)m->m_len;
		}
		m = m->m_next;
	}
	while (m != NULL && m->m_type == MT_CONTROL) {
		if (controlp != NULL && !peek) {
			*controlp = m_copym(m, 0, m->m_len, M_WAIT);
			controlp = &(*controlp)->m_next;
		}
		m = m->m_next;
	}
	if (!peek) {
		/* Free the name and control mbufs we passed. */
		struct mbuf *n = sb->sb_mb;

		while (n != m) {
			struct mbuf *next = n->m_next;

			sb->sb_mbcnt -= MSIZE + ((n->m_flags & M_EXT) ?
			    M_EXTP(n)->ext_size : 0);
			m_free(n);
			n = next;
		}
		if (m != NULL) {
			m->m_nextpkt = nextrec;
			sb->sb_mb = m;
		} else {
			sb->sb_mb = nextrec;
		}
		if (sb->sb_mb == NULL)
			sb->sb_lastrecord = sb->sb_mbtail = NULL;
		else if (sb->sb_lastrecord != NULL && nextrec == NULL)
			sb->sb_lastrecord = sb->sb_mb;
	}
	return m;
}

/*
 * Copies data out of the buffer; drops it unless peeking.  The copy is made
 * with softnet_lock held: soshutdown() may flush the buffer at any time,
 * and the receive lock (sblock) does not keep it out.  For datagrams the
 * copy is small; a stream protocol that moves much data will want the
 * flush to take the receive lock so this copy can drop softnet_lock.
 */
static int
soreceive_data(struct socket *so, struct mbuf *m, struct uio *uio, int *flagsp,
    bool atomic, bool peek, size_t *reclenp)
{
	struct sockbuf *sb = &so->so_rcv;
	size_t moved = 0, reclen = 0;
	struct mbuf *n;

	for (n = m; n != NULL; n = n->m_next)
		reclen += (size_t)n->m_len;
	if (reclenp != NULL)
		*reclenp = reclen;
	for (n = m; n != NULL && uio->uio_resid > 0; n = n->m_next) {
		size_t len = MIN((size_t)n->m_len, uio->uio_resid);

		uiomove(mtod(n, void *), len, uio);
		moved += len;
	}
	if (atomic) {
		if (moved < reclen)
			*flagsp |= MSG_TRUNC;
		/* An empty datagram left nothing behind its name. */
		if (!peek && m != NULL)
			sbdroprecord(sb);
	} else if (!peek) {
		sbdrop(sb, moved);
	}
	return 0;
}

int
soreceive(struct socket *so, struct sockaddr_storage *paddr,
    socklen_t *paddrlen, struct uio *uio, struct mbuf **controlp,
    int *flagsp, bool nbio, size_t *reclenp)
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
		struct mbuf *m = so->so_rcv.sb_mb;

		if (m == NULL) {
			error = soreceive_nodata(so, uio, &eof);
			/* A datagram socket shut for reading has nothing, not EOF. */
			if (eof && atomic && nbio)
				error = EAGAIN;
			/* MSG_WAITALL stops early on errors and end of file. */
			if (error != 0 || eof)
				break;
			if (nbio) {
				error = EAGAIN;
				break;
			}
			/* Nobody waits behind a reader that waits for data. */
			sbunlock(&so->so_rcv);
			error = sbwait(so, &so->so_rcv, deadline);
			(void)sblock(so, &so->so_rcv, false);
			if (error != 0)
				break;
			continue;
		}
		if (atomic)
			m = soreceive_meta(so, m, paddr, paddrlen, controlp, peek);
		error = soreceive_data(so, m, uio, &outflags, atomic, peek,
		    atomic ? reclenp : NULL);
		if (!peek && (so->so_proto->pr_flags & PR_WANTRCVD) &&
		    so->so_pcb != NULL)
			pru_rcvd(so, flags);
		if (atomic || peek || !(flags & MSG_WAITALL) ||
		    uio->uio_resid == 0)
			break;
	}
	sbunlock(&so->so_rcv);
	/* Data already moved is a success; the error comes next time. */
	if (uio->uio_resid < orig && error != 0 && error != EAGAIN)
		so->so_error = error;
unlock:
	NET_UNLOCK();
	if (flagsp != NULL)
		*flagsp = outflags;
	return uio->uio_resid < orig ? 0 : error;
}

/* An interface request: the caller's struct ifreq is copied in and out. */
static int
soioctl_if(struct socket *so, unsigned long cmd, void *data)
{
	struct ifreq ifr;
	int error;

	if ((error = copyin(data, &ifr, sizeof(ifr))) != 0)
		return error;
	error = if_ioctl(cmd, &ifr, so->so_proto->pr_domain);
	if (error == 0)
		error = copyout(&ifr, data, sizeof(ifr));
	return error;
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
		if (so->so_proto->pr_flags & PR_ATOMIC) {
			for (; m != NULL; m = m->m_next)
				if (m->m_type == MT_DATA || m->m_type == MT_HEADER)
					n += m->m_len;
		} else {
			n = (int)so->so_rcv.sb_cc;
		}
		NET_UNLOCK();
		return copyout(&n, data, sizeof(n));
	case SIOCGIFFLAGS: case SIOCSIFFLAGS: case SIOCGIFADDR:
	case SIOCSIFADDR: case SIOCGIFNETMASK: case SIOCSIFNETMASK:
	case SIOCGIFMTU: case SIOCSIFMTU: case SIOCGIFHWADDR:
	case SIOCGIFINDEX:
		return soioctl_if(so, cmd, data);
	default:
		NET_LOCK();
		error = pru_ioctl(so, cmd, data);
		NET_UNLOCK();
		return error;
	}
}

int
sopoll(struct socket *so, int events, struct pollent *pe)
{
	int revents = 0;

	NET_LOCK();
	pollrecord(&so->so_ph, pe);
	if (so->so_rcv.sb_cc >= so->so_rcv.sb_lowat ||
	    (so->so_rcv.sb_mb != NULL && (so->so_proto->pr_flags & PR_ATOMIC)) ||
	    (so->so_state & SS_CANTRCVMORE) || so->so_qlen > 0)
		revents |= events & (POLLIN | POLLRDNORM);
	if (so->so_state & SS_CANTRCVMORE)
		revents |= events & POLLRDHUP;
	if ((!(so->so_proto->pr_flags & PR_CONNREQUIRED) ||
	    (so->so_state & SS_ISCONNECTED)) &&
	    sbspace(&so->so_snd) >= (long)so->so_snd.sb_lowat)
		revents |= events & (POLLOUT | POLLWRNORM);
	if (so->so_state & SS_CANTSENDMORE)
		revents |= events & (POLLOUT | POLLWRNORM);
	if (so->so_error != 0)
		revents |= POLLERR;
	if ((so->so_state & (SS_CANTRCVMORE | SS_CANTSENDMORE)) ==
	    (SS_CANTRCVMORE | SS_CANTSENDMORE))
		revents |= POLLHUP;
	NET_UNLOCK();
	return revents;
}
