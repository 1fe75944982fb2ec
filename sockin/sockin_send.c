/*
 * Sending: straight from the caller's buffer into the host socket, copied
 * once, by the host kernel, as for a host program.  (Copied into the send
 * buffer first and written out from there, data was copied twice, and a
 * full host socket had the event thread write out what waited, taking
 * turns with the writer at softnet_lock.)  The send buffer stays empty;
 * the host socket's own is the flow control, as the host's window is on
 * receive (sockin_recv.c).
 *
 * The socket layer's sosend calls sockin_senddirect with the send lock
 * held (one writer of a stream at a time); the host call is made without
 * softnet_lock and without the virtual CPU, and never blocks.  A stream's
 * writer the host takes nothing from waits in the send buffer's queue
 * (so SO_SNDTIMEO, MSG_DONTWAIT, interrupts, shutdown and close are the
 * socket layer's own) until the host reports room, when the event
 * thread wakes it (sockin_wready).
 *
 * SP_WREADY ("the host may take more") is cleared only by a host answer
 * of "full" (EAGAIN), and only when no report of room came while the host
 * was asked (sp_wgen, which the event thread counts up): such a report
 * woke nobody, SP_WREADY being set, and a writer that slept on it would
 * sleep with room there.  The host reports room only after it said
 * "full" (to a send or to poll), so the event thread wakes writers only
 * when one may wait, not for every event of a busy socket.
 */
#include <stddef.h>

#include "rumpkern/lwp.h"
#include "rumpkern/uio.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

/* The caller's pieces go to the host as they are: the same layout. */
CTASSERT(sizeof(struct sockin_user_iov) == sizeof(struct iovec));
CTASSERT(offsetof(struct sockin_user_iov, siov_base) ==
    offsetof(struct iovec, iov_base));
CTASSERT(offsetof(struct sockin_user_iov, siov_len) ==
    offsetof(struct iovec, iov_len));

/* The event thread: the host socket can take more (or has an error). */
void
sockin_wready(struct sockin_pcb *sp)
{
	sp->sp_wgen++;
	if (!(sp->sp_flags & SP_WREADY)) {
		sp->sp_flags |= SP_WREADY;
		sowwakeup(sp->sp_so);
	}
}

/*
 * One send from uio to the host, without softnet_lock and without the
 * virtual CPU; *sent is what went.  The file's reference keeps sp and its
 * descriptor meanwhile.
 */
static int
sockin_hostsend(struct sockin_pcb *sp, const struct uio *uio,
    const struct sockaddr *nam, socklen_t namelen, struct mbuf *control,
    int flags, size_t *sent)
{
	int error, fd = sp->sp_fd;

	NET_UNLOCK();
	sched_block_begin();
	error = sockin_user_send(fd,
	    (const struct sockin_user_iov *)uio->uio_iov, uio->uio_iovcnt,
	    nam, namelen, control != NULL ? mtod(control, void *) : NULL,
	    control != NULL ? (size_t)control->m_len : 0, flags, sent);
	sched_block_end();
	NET_LOCK();
	return error;
}

static int
sockin_senddirect_stream(struct socket *so, struct uio *uio, int flags)
{
	struct sockin_pcb *sp = sotosockin(so);
	uint64_t gen;
	size_t sent;
	int error;

	/* Urgent data goes nowhere the socket API of this kernel reads it. */
	if (flags & MSG_OOB)
		return EOPNOTSUPP;
	if (!(sp->sp_flags & SP_WREADY))
		sockin_catchup();
	do {
		if (!(sp->sp_flags & SP_WREADY))
			return EAGAIN;
		gen = sp->sp_wgen;
		error = sockin_hostsend(sp, uio, NULL, 0, NULL, 0, &sent);
	} while (error == EAGAIN && sp->sp_wgen != gen);
	if (error == EAGAIN) {
		if ((error = sockin_register(sp)) != 0)
			return error;
		sp->sp_flags &= ~SP_WREADY;
		return EAGAIN;
	}
	if (error == EPIPE)
		socantsendmore(so);
	if (error != 0)
		return error;
	uio_advance(uio, sent);
	return 0;
}

/* A datagram goes whole or not at all, with its control messages. */
int
sockin_senddirect(struct socket *so, struct uio *uio,
    const struct sockaddr *nam, socklen_t namelen, struct mbuf *control,
    int flags)
{
	size_t sent;
	int error;

	if (so->so_proto->pr_flags & PR_CONNREQUIRED) {
		if (control != NULL)
			m_freem(control);
		return sockin_senddirect_stream(so, uio, flags);
	}
	error = sockin_hostsend(sotosockin(so), uio, nam, namelen, control,
	    flags & MSG_OOB, &sent);
	if (control != NULL)
		m_freem(control);
	if (error == 0)
		uio_advance(uio, sent);
	return error;
}

/*
 * A stream is writable when its host socket is, asked only while
 * SP_WREADY is set (a report of room sets it again), so poll is exact and
 * costs nothing while the host is full.  A datagram socket always is: a
 * datagram the host has no room for is its error (EAGAIN).
 */
bool
sockin_sndpoll(struct socket *so)
{
	struct sockin_pcb *sp = sotosockin(so);
	int error;

	if (!(so->so_proto->pr_flags & PR_CONNREQUIRED))
		return true;
	if (!(sp->sp_flags & SP_WREADY))
		return false;
	if (sockin_user_poll(sp->sp_fd) &
	    (SOCKIN_EV_OUT | SOCKIN_EV_ERR | SOCKIN_EV_HUP))
		return true;
	/* Asked under softnet_lock: a report of room coming after is not lost. */
	if ((error = sockin_register(sp)) != 0)
		soseterror(so, error);
	else
		sp->sp_flags &= ~SP_WREADY;
	return false;
}
