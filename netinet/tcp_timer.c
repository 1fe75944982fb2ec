/*
 * TCP timers as deadlines.  A connection keeps one deadline per timer
 * (retransmission, persist, keepalive or connection set-up, delayed ACK,
 * 2 MSL) and one callout, armed for the earliest of them.  Setting or
 * clearing a timer writes a deadline; the callout is moved only when a
 * deadline comes before the one it is armed for.  When it fires it runs
 * every timer that is due and arms itself for the next, so a segment
 * costs no callout operation and an idle connection nothing at all.
 */
#include "rumpkern/ktime.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

uint64_t
tcp_rexmt_timeout(const struct tcpcb *tp)
{
	return (uint64_t)tcp_rtt_rto(&tp->t_rtt) * 1000;
}

uint64_t
tcp_keepidle_ns(const struct tcpcb *tp)
{
	return (uint64_t)tp->t_keepidle * NSEC_PER_SEC;
}

void
tcp_timer_arm(struct tcpcb *tp)
{
	uint64_t first = 0, now;

	for (int t = 0; t < TCPT_NTIMERS; t++)
		if (tp->t_timer[t] != 0 && (first == 0 || tp->t_timer[t] < first))
			first = tp->t_timer[t];
	if (first == 0 || (tp->t_callout_at != 0 && tp->t_callout_at <= first))
		return;
	now = tcp_now();
	tp->t_callout_at = first;
	callout_schedule(&tp->t_callout, first <= now ? 1 :
	    (int)MIN((first - now + NSEC_PER_TICK - 1) / NSEC_PER_TICK,
	    (uint64_t)INT32_MAX));
}

void
tcp_timer_set(struct tcpcb *tp, enum tcp_timer t, uint64_t delay_ns)
{
	tp->t_timer[t] = tcp_now() + MAX(delay_ns, 1);
	tcp_timer_arm(tp);
}

void
tcp_timer_clear(struct tcpcb *tp, enum tcp_timer t)
{
	tp->t_timer[t] = 0;
}

bool
tcp_timer_isset(const struct tcpcb *tp, enum tcp_timer t)
{
	return tp->t_timer[t] != 0;
}

/*
 * RFC 6298 5.4 to 5.7: resend from SND.UNA with the timeout doubled;
 * after tcp_retries2 timeouts in a row (tcp_syn_retries for a SYN) the
 * connection is dropped with ETIMEDOUT, or the ICMP error that explains
 * it.  The first timeout of a loss collapses the congestion window.
 */
static bool
tcp_timer_rexmt(struct tcpcb *tp)
{
	unsigned limit = tp->t_state == TCPS_SYN_SENT ||
	    tp->t_state == TCPS_SYN_RECEIVED ? tcp_syn_retries : tcp_retries2;

	if ((unsigned)++tp->t_rxtshift > limit) {
		tcpstat.tcps_timeoutdrop++;
		tcp_drop(tp, ETIMEDOUT);
		return false;
	}
	tcpstat.tcps_rexmttimeo++;
	/* F-RTO's new segments were lost too: it is over (RFC 5682 2.1). */
	tp->t_flags &= ~(TF_FRTO1 | TF_FRTO2);
	if (tp->t_rxtshift == 1 && TCPS_HAVERCVDSYN(tp->t_state)) {
		tcp_cc_rto(&tp->t_cc, tp->snd_max - tp->snd_una);
		tcp_spurious_rto_arm(tp);
	}
	tcp_rtt_backoff(&tp->t_rtt);
	tp->t_flags &= ~TF_FASTRECOVERY;
	if (tp->t_flags & TF_SACK_PERMIT)
		tp->t_flags |= TF_RTOEPISODE;
	tcp_sack_timeout(tp);
	tp->snd_recover = tp->snd_max;
	tp->t_dupacks = 0;
	tp->t_rtttime = 0;
	tp->snd_nxt = tp->snd_una;
	/* After a loss the receiver should ACK every segment (quick ACKs). */
	tcp_timer_set(tp, TCPT_REXMT, tcp_rexmt_timeout(tp));
	(void)tcp_output(tp);
	return true;
}

/* RFC 9293 3.8.6.1: a zero window is probed with one byte of data. */
static bool
tcp_timer_persist(struct tcpcb *tp)
{
	tcpstat.tcps_persisttimeo++;
	tp->t_flags |= TF_FORCE;
	(void)tcp_output(tp);
	tp->t_flags &= ~TF_FORCE;
	tcp_setpersist(tp);
	return true;
}

/*
 * The keepalive timer (RFC 1122 4.2.3.6), also the limit on connection
 * set-up.  An idle connection gets a probe, a segment one byte before
 * SND.UNA that the peer must answer with an ACK, every t_keepintvl
 * seconds; t_keepcnt unanswered probes drop it.
 */
static bool
tcp_timer_keep(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;

	if (tp->t_state == TCPS_SYN_SENT || tp->t_state == TCPS_SYN_RECEIVED) {
		tcpstat.tcps_keeptimeo++;
		tcp_drop(tp, ETIMEDOUT);
		return false;
	}
	if (tp->t_state != TCPS_ESTABLISHED && tp->t_state != TCPS_CLOSE_WAIT)
		return true;
	if (!(inp->inp_socket->so_options & SO_OPT_KEEPALIVE)) {
		tp->t_keepprobes = 0;
		tcp_timer_set(tp, TCPT_KEEP, tcp_keepidle_ns(tp));
		return true;
	}
	tcpstat.tcps_keeptimeo++;
	if ((uint32_t)tp->t_keepprobes >= tp->t_keepcnt) {
		tcpstat.tcps_keepdrops++;
		tcp_drop(tp, ETIMEDOUT);
		return false;
	}
	tcpstat.tcps_keepprobe++;
	tp->t_keepprobes++;
	tcp_send_ctl(tp, tp->snd_una - 1, tp->rcv_nxt, TH_ACK);
	tcp_timer_set(tp, TCPT_KEEP, (uint64_t)tp->t_keepintvl * NSEC_PER_SEC);
	return true;
}

static bool
tcp_timer_delack(struct tcpcb *tp)
{
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
	return true;
}

static bool
tcp_timer_tlp(struct tcpcb *tp)
{
	tcp_tlp_timeout(tp);
	return true;
}

static bool
tcp_timer_rack(struct tcpcb *tp)
{
	tcp_rack_timeout(tp);
	return true;
}

/* TIME-WAIT is over, or FIN-WAIT-2 waited long enough. */
static bool
tcp_timer_2msl(struct tcpcb *tp)
{
	tcp_close(tp);
	return false;
}

static bool (*const tcp_timer_fn[TCPT_NTIMERS])(struct tcpcb *) = {
	[TCPT_REXMT] = tcp_timer_rexmt,
	[TCPT_PERSIST] = tcp_timer_persist,
	[TCPT_KEEP] = tcp_timer_keep,
	[TCPT_DELACK] = tcp_timer_delack,
	[TCPT_2MSL] = tcp_timer_2msl,
	[TCPT_TLP] = tcp_timer_tlp,
	[TCPT_RACK] = tcp_timer_rack,
};

/* Runs the timers due; false when the connection was freed. */
bool
tcp_timer_expire(struct tcpcb *tp)
{
	uint64_t now = tcp_now();

	NET_ASSERT_LOCKED();
	for (int t = 0; t < TCPT_NTIMERS; t++) {
		if (tp->t_timer[t] == 0 || tp->t_timer[t] > now)
			continue;
		tp->t_timer[t] = 0;
		if (!tcp_timer_fn[t](tp))
			return false;
	}
	tcp_timer_arm(tp);
	return true;
}

void
tcp_timer_callout(void *arg)
{
	struct tcpcb *tp = arg;

	NET_LOCK();
	if (!(tp->t_flags & TF_DEAD)) {
		tp->t_callout_at = 0;
		tp->t_flags |= TF_INTIMER;
		if (tcp_timer_expire(tp))
			tp->t_flags &= ~TF_INTIMER;
	}
	NET_UNLOCK();
}
