/*
 * The socket layer's calls into TCP (RFC 9293 3.10.1 to 3.10.6: OPEN,
 * SEND, RECEIVE, CLOSE, ABORT) and the TCP-level socket options with
 * Linux's semantics.
 */
#include "rumpnet/mbuf.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "netinet/tcp_var.h"

static int
tcp_attach(struct socket *so, int proto)
{
	bool autotune = so->so_rcv.sb_hiwat == 0;
	struct tcpcb *tp;
	int error;

	(void)proto;
	if (so->so_snd.sb_hiwat == 0 &&
	    (error = sbreserve(&so->so_snd, tcp_sendspace)) != 0)
		return error;
	if (so->so_rcv.sb_hiwat == 0 &&
	    (error = sbreserve(&so->so_rcv, tcp_recvspace)) != 0)
		return error;
	if ((error = in_pcballoc(so, &tcbtable)) != 0)
		return error;
	tp = tcp_newtcpcb(sotoinpcb(so));
	/* A buffer of the default size is auto-tuned (tcp_rcvtune). */
	if (autotune)
		tp->t_rcvbuf_auto = (uint32_t)so->so_rcv.sb_hiwat;
	return 0;
}

/*
 * RFC 9293 3.10.4 (CLOSE) on our side: no more data will be sent.
 * Returns NULL when the connection was freed.
 */
static struct tcpcb *
tcp_usrclosed(struct tcpcb *tp)
{
	switch (tp->t_state) {
	case TCPS_CLOSED: case TCPS_LISTEN: case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
		tcp_close(tp);
		return NULL;
	case TCPS_ESTABLISHED:
		tcp_state_change(tp, TCPS_FIN_WAIT_1);
		break;
	case TCPS_CLOSE_WAIT:
		tcp_state_change(tp, TCPS_LAST_ACK);
		break;
	default:
		break;
	}
	return tp;
}

/* The user's last reference went: the connection closes on its own. */
static void
tcp_detach(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp->t_state == TCPS_CLOSED || tp->t_state == TCPS_LISTEN ||
	    tp->t_state == TCPS_SYN_SENT || tp->t_state == TCPS_SYN_RECEIVED)
		tcp_close(tp);
}

static int
tcp_bind(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)nam;
	int error = in_sockaddr_check(nam, len);

	if (error != 0)
		return error;
	/* A stream has a single peer: no broadcast or multicast address. */
	if (sin->sin_addr.s_addr != INADDR_ANY &&
	    (in_isbroadcast(sin->sin_addr, NULL) ||
	    IN_MULTICAST(ntohl(sin->sin_addr.s_addr))))
		return EADDRNOTAVAIL;
	return in_pcbbind(sotoinpcb(so), sin);
}

static int
tcp_listen(struct socket *so, int backlog)
{
	struct inpcb *inp = sotoinpcb(so);
	struct tcpcb *tp = intotcpcb(inp);
	int error;

	(void)backlog;
	if (tp->t_state != TCPS_CLOSED && tp->t_state != TCPS_LISTEN)
		return EINVAL;
	if (inp->inp_lport == 0 && (error = in_pcbbind(inp, NULL)) != 0)
		return error;
	tcp_state_change(tp, TCPS_LISTEN);
	return 0;
}

/* RFC 9293 3.10.1: OPEN, active: a SYN goes out and SYN-SENT begins. */
static int
tcp_connect(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)nam;
	struct inpcb *inp = sotoinpcb(so);
	struct tcpcb *tp = intotcpcb(inp);
	int error = in_sockaddr_check(nam, len);

	if (error != 0)
		return error;
	if (tp->t_state != TCPS_CLOSED)
		return EISCONN;
	if (in_isbroadcast(sin->sin_addr, NULL) ||
	    IN_MULTICAST(ntohl(sin->sin_addr.s_addr)))
		return ENETUNREACH;
	if ((error = in_pcbconnect(inp, sin)) != 0)
		return error;
	tcp_sendseqinit(tp);
	tcp_state_change(tp, TCPS_SYN_SENT);
	tcpstat.tcps_connattempt++;
	soisconnecting(so);
	tcp_timer_set(tp, TCPT_KEEP, (uint64_t)TCP_CONNTIMEO_S * NSEC_PER_SEC);
	return tcp_output(tp);
}

static int
tcp_accept(struct socket *so, struct sockaddr_storage *nam, socklen_t *len)
{
	return in_pcb_peeraddr(so, nam, len);
}

/*
 * close() of a connected socket.  Linux's rules: SO_LINGER with a zero
 * time, or unread data in the receive buffer (RFC 2525 2.17), abort the
 * connection with RST; otherwise a FIN follows the data still queued.
 */
static int
tcp_disconnect(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (((so->so_options & SO_OPT_LINGER) && so->so_linger == 0) ||
	    so->so_rcv.sb_cc > 0) {
		tcp_drop(tp, 0);
		return 0;
	}
	soisdisconnecting(so);
	sbflush(&so->so_rcv);
	if ((tp = tcp_usrclosed(tp)) != NULL)
		(void)tcp_output(tp);
	return 0;
}

static int
tcp_shutdown(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	socantsendmore(so);
	if (tp != NULL && (tp = tcp_usrclosed(tp)) != NULL)
		(void)tcp_output(tp);
	return 0;
}

static void
tcp_abort(struct socket *so)
{
	tcp_drop(sototcpcb(so), ECONNABORTED);
}

/* RFC 9293 3.10.2: SEND queues the data; output sends what it may. */
static int
tcp_send(struct socket *so, struct mbuf *m, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags)
{
	struct tcpcb *tp = sototcpcb(so);

	(void)nam;
	(void)namelen;
	if (control != NULL)
		m_freem(control);
	/* Urgent data is not supported (RFC 6093 discourages its use). */
	if (flags & MSG_OOB) {
		m_freem(m);
		return EOPNOTSUPP;
	}
	if (tp == NULL) {
		m_freem(m);
		return so->so_error != 0 ? so->so_error : EPIPE;
	}
	sbappendstream(&so->so_snd, m);
	/*
	 * Queued is sent, for the caller (pr_send): what sending meets now
	 * (no buffer, no route) the retransmission timer meets again, and a
	 * lasting failure ends the connection (so_error), as Linux's
	 * tcp_sendmsg never returns an output error either.
	 */
	(void)tcp_output(tp);
	return 0;
}

/*
 * Receive-buffer auto-tuning (as Linux's tcp_rcv_space_adjust): once per
 * round trip, if the application read more than half the buffer in it,
 * the buffer grows to twice that, up to tcp_rcvbuf_max, so the window
 * follows the bandwidth-delay product.  A size the user set with
 * SO_RCVBUF (sb_hiwat no longer what tuning set) is left alone.
 */
static void
tcp_rcvtune(struct tcpcb *tp)
{
	struct sockbuf *sb = &tp->t_inpcb->inp_socket->so_rcv;
	uint64_t now = tcp_now(), rtt = (uint64_t)tp->t_rtt.rt_srtt * 1000;
	tcp_seq read = tp->rcv_nxt - (tcp_seq)sb->sb_cc;
	uint32_t copied = read - tp->t_rcvtune_seq, want;

	if (tp->t_rcvbuf_auto == 0 || sb->sb_hiwat != tp->t_rcvbuf_auto) {
		tp->t_rcvbuf_auto = 0;
		return;
	}
	if (now - tp->t_rcvtune_time < MAX(rtt, (uint64_t)NSEC_PER_TICK))
		return;
	tp->t_rcvtune_seq = read;
	tp->t_rcvtune_time = now;
	if (2 * (uint64_t)copied <= sb->sb_hiwat ||
	    sb->sb_hiwat >= tcp_rcvbuf_max)
		return;
	want = (uint32_t)MIN(4 * (uint64_t)copied, (uint64_t)tcp_rcvbuf_max);
	if (want > sb->sb_hiwat && sbreserve(sb, want) == 0) {
		tp->t_rcvbuf_auto = want;
		tcpstat.tcps_rcvbufgrown++;
	}
}

/* The user read data: the window may have opened enough to say so. */
static int
tcp_rcvd(struct socket *so, int flags)
{
	struct tcpcb *tp = sototcpcb(so);

	(void)flags;
	if (tp == NULL)
		return 0;
	if (TCPS_HAVERCVDSYN(tp->t_state))
		tcp_rcvtune(tp);
	(void)tcp_output(tp);
	return 0;
}

static int
tcp_peeraddr(struct socket *so, struct sockaddr_storage *ss, socklen_t *len)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp == NULL || inp->inp_faddr.s_addr == INADDR_ANY ||
	    !(so->so_state & (SS_ISCONNECTED | SS_ISDISCONNECTING)))
		return ENOTCONN;
	return in_pcb_peeraddr(so, ss, len);
}

const struct pr_usrreqs tcp_usrreqs = {
	.pr_attach = tcp_attach,
	.pr_detach = tcp_detach,
	.pr_bind = tcp_bind,
	.pr_listen = tcp_listen,
	.pr_connect = tcp_connect,
	.pr_accept = tcp_accept,
	.pr_disconnect = tcp_disconnect,
	.pr_shutdown = tcp_shutdown,
	.pr_abort = tcp_abort,
	.pr_send = tcp_send,
	.pr_rcvd = tcp_rcvd,
	.pr_sockaddr = in_pcb_sockaddr,
	.pr_peeraddr = tcp_peeraddr,
};
