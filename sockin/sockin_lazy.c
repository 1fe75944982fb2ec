/*
 * Accepted streams are registered with the host's epoll set only once
 * somebody may wait for their news.
 *
 * A server answering one request per connection usually finds the request
 * there by the time it has accepted the connection, and its answer goes
 * out at once: nobody ever waits for the socket.  Registered at accept,
 * each such connection cost the host work a host program's does not
 * make: an epoll_ctl ADD, the registration's removal in the host's
 * close, and a report for each change of the socket's state.
 *
 * So an accepted stream starts lazy (SP_LAZY): nothing reports its news,
 * and SP_RREADY and SP_WREADY stay set, so each of its users asks the
 * host, as a host program's calls do: a receive or a send tries the host
 * socket, poll asks it (sockin_user_poll).  Only a user about to wait for
 * news clears a flag: a poll finding the socket not ready for what it
 * asks (sockin_rcvpoll, sockin_sndpoll), a receive or send the host gave
 * nothing to that will sleep.  That user registers the socket first
 * (sockin_register).  A non-blocking receive the host gave nothing to
 * leaves the socket lazy: it returns EAGAIN and asks the host again next
 * time, as a host program's does.
 *
 * No wake-up is lost.  A registration reports what is there already
 * (epoll_ctl ADD asks the socket), so news that came between the host's
 * "nothing" and the registration is reported too.  The registration, the
 * "nothing" and the flag's clearing happen under softnet_lock, and the
 * report is acted on under it (sockin_rready, sockin_wready: the flag
 * set again and the waiters woken), so after all three, and after the
 * waiter recorded itself (a poller does so before it lets softnet_lock
 * go) or went to sleep (sbwait releases softnet_lock as it sleeps).
 */
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

int
sockin_register(struct sockin_pcb *sp)
{
	int error;

	NET_ASSERT_LOCKED();
	if (!(sp->sp_flags & SP_LAZY))
		return 0;
	error = sockin_user_register(sockin_su, sp->sp_fd, sp->sp_id);
	if (error != 0)
		return error;
	sp->sp_flags &= ~SP_LAZY;
	sockin_stats.registered++;
	return 0;
}
