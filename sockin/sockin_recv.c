/*
 * Receiving (a datagram socket's: sockin_recvdgram, below).  On a stream,
 * the data stays in the host socket until a reader asks, then goes
 * straight from the host kernel into the reader's buffer, copied once as
 * for a host program.  (Read into the receive buffer by
 * the event thread first, it was copied twice, by two threads taking
 * turns at softnet_lock, and the receive rate was 0.4 of a host program's.)
 *
 * The event thread only notes that data (or its end, or an error) may
 * wait, SP_RREADY, and wakes the receive buffer's waiters; the socket
 * layer's soreceive, finding its buffer empty, calls sockin_recvdirect
 * under the receive lock, so one reader at a time takes data.  The host
 * call is made without softnet_lock and without the virtual CPU: other
 * threads' calls and the event thread go on meanwhile.
 *
 * SP_RREADY is cleared only by a host answer of "nothing" (EAGAIN), and
 * only when no readiness came while the host was asked (sp_rgen, which
 * the event thread counts up): such a report woke nobody, SP_RREADY being
 * set, and is for data the reader asks again for; cleared, a reader would
 * sleep with data waiting.
 *
 * A stream that keeps coming would wake the event thread once per piece
 * the host receives, each wake-up telling what SP_RREADY already says: at
 * the second report (a new stream's SP_RREADY, set before any, is no
 * report: SP_RTOLD), the host stops reporting received data for the
 * socket (SP_RMUTED) until the reader has taken everything, when
 * reports restart, the host reporting at once what came meanwhile.  A
 * request that comes and is read whole costs nothing more.
 */
#include "rumpkern/lwp.h"
#include "rumpkern/uio.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

#define SOCKIN_RXIOV	16	/* pieces of the reader's buffer per receive */
/*
 * Room for a datagram's control messages: the caller's, so that the host
 * cuts what does not fit as it would for a host program (MSG_CTRUNC), up
 * to the largest buffer the socket layer allocates (MAXMCLBYTES, 64 KiB).
 * Linux attaches more than that to no datagram but one whose IPv6
 * extension headers, each a message (IPV6_RECVHOPOPTS, IPV6_RECVDSTOPTS,
 * IPV6_RECVRTHDR), take more than 64 KiB with their cmsghdrs: thousands
 * of them, which only a sender with CAP_NET_RAW crafts; its messages
 * beyond 64 KiB are cut here (MSG_CTRUNC) where Linux's would not be.
 */
#define SOCKIN_CMSGMAX	MAXMCLBYTES

/*
 * The event thread: data, its end or an error may wait in the host
 * (events, SOCKIN_EV_*).  Data alone, not read since, is readable for
 * poll without asking the host again (SP_RFRESH).
 */
void
sockin_rready(struct sockin_pcb *sp, int events)
{
	sp->sp_rgen++;
	/* Anything but data (an end, a reset) poll asks the host about. */
	if (events == SOCKIN_EV_IN || events == (SOCKIN_EV_IN | SOCKIN_EV_OUT))
		sp->sp_flags |= SP_RFRESH;
	else
		sp->sp_flags &= ~SP_RFRESH;
	if (!(sp->sp_flags & SP_RREADY)) {
		sp->sp_flags |= SP_RREADY;
		sorwakeup(sp->sp_so);
	} else if ((sp->sp_flags & (SP_RTOLD | SP_RMUTED)) == SP_RTOLD) {
		sp->sp_flags |= SP_RMUTED;
		sockin_user_watchin(sockin_su, sp->sp_fd, sp->sp_id, 0);
	}
	/* A new stream's first report is its first: no mute for it. */
	sp->sp_flags |= SP_RTOLD;
}

/*
 * The host answered "nothing now", and no readiness came since it was
 * asked: none until the next report.
 */
static void
sockin_rnone(struct sockin_pcb *sp)
{
	sp->sp_flags &= ~(SP_RREADY | SP_RFRESH | SP_RTOLD);
	if (sp->sp_flags & SP_RMUTED) {
		sp->sp_flags &= ~SP_RMUTED;
		sockin_user_watchin(sockin_su, sp->sp_fd, sp->sp_id, 1);
	}
}

/* The first pieces of uio's buffer, as the host takes them; their count. */
static int
sockin_uioiov(const struct uio *uio, struct sockin_user_iov *iov)
{
	int n = 0;

	for (int i = 0; i < uio->uio_iovcnt && n < SOCKIN_RXIOV; i++) {
		if (uio->uio_iov[i].iov_len == 0)
			continue;
		iov[n].siov_base = uio->uio_iov[i].iov_base;
		iov[n].siov_len = uio->uio_iov[i].iov_len;
		n++;
	}
	return n;
}

/*
 * The host socket failed: the connection is gone both ways, as the host's
 * is; the reader gets the error, later reads end of file.
 */
static void
sockin_rfail(struct socket *so)
{
	soisdisconnected(so);
}

/*
 * One receive from the host into uio, without softnet_lock and without
 * the virtual CPU; *got is what came.  The file's reference keeps sp and
 * its descriptor meanwhile.
 */
static int
sockin_hostrecv(struct sockin_pcb *sp, struct uio *uio, int flags,
    size_t *got)
{
	struct sockin_user_iov iov[SOCKIN_RXIOV];
	int error, fd = sp->sp_fd, niov = sockin_uioiov(uio, iov);

	NET_UNLOCK();
	sched_block_begin();
	error = sockin_user_recv(fd, iov, niov, flags & MSG_PEEK, NULL, NULL,
	    NULL, NULL, NULL, got);
	sched_block_end();
	NET_LOCK();
	return error;
}

int
sockin_recvdirect(struct socket *so, struct uio *uio, int flags)
{
	struct sockin_pcb *sp = sotosockin(so);
	uint64_t gen;
	size_t got;
	int error;

	/*
	 * Readiness reported while the host was asked woke nobody (SP_RREADY
	 * was set): the data it reports is ours to take now.
	 */
	if (!(sp->sp_flags & SP_RREADY))
		sockin_catchup();
	do {
		if (!(sp->sp_flags & SP_RREADY))
			return EAGAIN;
		gen = sp->sp_rgen;
		error = sockin_hostrecv(sp, uio, flags, &got);
		/* What the host reported may be what we took now. */
		if (!(flags & MSG_PEEK))
			sp->sp_flags &= ~SP_RFRESH;
	} while (error == EAGAIN && sp->sp_rgen != gen);
	if (error == EAGAIN) {
		/* A caller that does not wait leaves a lazy stream lazy. */
		if ((sp->sp_flags & SP_LAZY) && (flags & MSG_DONTWAIT))
			return EAGAIN;
		if ((error = sockin_register(sp)) != 0)
			return error;
		sockin_rnone(sp);
		return EAGAIN;
	}
	if (error != 0) {
		sockin_rfail(so);
		return error;
	}
	if (got == 0)
		socantrcvmore(so);
	uio_advance(uio, got);
	return 0;
}

/*
 * One datagram from the host into uio, its source into *paddr, its
 * control messages into *controlp (controlroom of them at most, straight
 * into the mbuf), MSG_CTRUNC into *msgflags when more came, and its
 * whole length into *got, without softnet_lock and without the virtual
 * CPU, as sockin_hostrecv.  A datagram goes in one call, so into all of
 * uio's pieces at once: uio's iovecs are the host's layout (sockin_send.c
 * checks it).
 */
static int
sockin_hostrecvdgram(struct sockin_pcb *sp, struct uio *uio, int flags,
    struct sockaddr_storage *paddr, socklen_t *paddrlen,
    struct mbuf **controlp, size_t controlroom, int *msgflags, size_t *got)
{
	size_t cmsglen = controlp != NULL ?
	    MIN(controlroom, SOCKIN_CMSGMAX) : 0;
	struct mbuf *control = NULL;
	unsigned addrlen = sizeof(*paddr);
	int error, fd = sp->sp_fd;

	NET_UNLOCK();
	if (cmsglen > 0)
		control = m_getlen(M_WAIT, MT_CONTROL, cmsglen);
	sched_block_begin();
	error = sockin_user_recv(fd,
	    (const struct sockin_user_iov *)uio->uio_iov, uio->uio_iovcnt,
	    (flags & MSG_PEEK) | MSG_TRUNC, paddr, paddr != NULL ?
	    &addrlen : NULL, control != NULL ? mtod(control, void *) : NULL,
	    &cmsglen, msgflags, got);
	sched_block_end();
	NET_LOCK();
	if (error == 0 && paddr != NULL)
		*paddrlen = addrlen;
	if (error == 0 && control != NULL && cmsglen > 0) {
		control->m_len = (int)cmsglen;
		*controlp = control;
		control = NULL;
	}
	m_freem(control);
	return error;
}

/*
 * A datagram socket's datagrams wait in the host socket too, and go
 * straight to their reader, one per call, with their source and control
 * messages: copied once, where read into the receive buffer by the event
 * thread first they were copied twice.  SP_RREADY, sp_rgen and SP_RFRESH
 * work as for a stream.
 */
int
sockin_recvdgram(struct socket *so, struct uio *uio, int flags,
    struct sockaddr_storage *paddr, socklen_t *paddrlen,
    struct mbuf **controlp, size_t controlroom, int *outflagsp,
    size_t *reclenp)
{
	struct sockin_pcb *sp = sotosockin(so);
	size_t got, room = uio->uio_resid;
	uint64_t gen;
	int error, msgflags = 0;

	/* As a stream's; an error the news brings is this call's. */
	if (!(sp->sp_flags & SP_RREADY)) {
		sockin_catchup();
		if ((error = so->so_error) != 0) {
			so->so_error = 0;
			return error;
		}
	}
	do {
		if (!(sp->sp_flags & SP_RREADY))
			return EAGAIN;
		gen = sp->sp_rgen;
		error = sockin_hostrecvdgram(sp, uio, flags, paddr, paddrlen,
		    controlp, controlroom, &msgflags, &got);
		if (!(flags & MSG_PEEK))
			sp->sp_flags &= ~SP_RFRESH;
	} while (error == EAGAIN && sp->sp_rgen != gen);
	if (error == EAGAIN)
		sockin_rnone(sp);
	if (error != 0)
		return error;
	*outflagsp |= msgflags;
	if (got > room)
		*outflagsp |= MSG_TRUNC;
	if (reclenp != NULL)
		*reclenp = got;
	uio_advance(uio, MIN(got, room));
	return 0;
}

/*
 * Only a connection's host socket, or a datagram socket's, says
 * "readable" for data; a datagram socket's errors are its so_error
 * (sockin_io.c).  A connection's error (a reset) and hang-up stay in the
 * host socket until a call meets them, and poll reports them as the
 * host's does (POLLERR, POLLHUP).
 */
int
sockin_rcvpoll(struct socket *so)
{
	struct sockin_pcb *sp = sotosockin(so);
	bool stream = (so->so_proto->pr_flags & PR_CONNREQUIRED) != 0;
	int ev, revents = 0;

	if (!(sp->sp_flags & SP_RREADY) ||
	    (stream && !(so->so_state & SS_ISCONNECTED)))
		return 0;
	/* Reported by the host, and nobody has read since. */
	if (sp->sp_flags & SP_RFRESH)
		return POLLIN | POLLRDNORM;
	ev = sockin_user_poll(sp->sp_fd);
	if (ev & (stream ? SOCKIN_EV_IN | SOCKIN_EV_ERR | SOCKIN_EV_HUP :
	    SOCKIN_EV_IN))
		revents |= POLLIN | POLLRDNORM;
	if (stream && (ev & SOCKIN_EV_RDHUP))
		revents |= POLLRDHUP;
	if (stream && (ev & SOCKIN_EV_ERR))
		revents |= POLLERR;
	if (stream && (ev & SOCKIN_EV_HUP))
		revents |= POLLHUP;
	/*
	 * Asked under softnet_lock: readiness coming after is not lost.  A
	 * stream that cannot be registered for the news the poller waits
	 * for has that error (POLLERR), and the next poll tries again.
	 */
	if (revents == 0) {
		int error = sockin_register(sp);

		if (error != 0)
			soseterror(so, error);
		else
			sockin_rnone(sp);
	}
	return revents;
}

/* A stream's bytes waiting, or a datagram socket's next datagram's. */
size_t
sockin_rcvcount(struct socket *so)
{
	if (!(so->so_state & SS_ISCONNECTED) &&
	    (so->so_proto->pr_flags & PR_CONNREQUIRED))
		return 0;
	return sockin_user_rcvcount(sotosockin(so)->sp_fd);
}
