/*
 * TIME-WAIT (RFC 9293 3.6.1 and 3.10.7.4): the connection is over and
 * only the 2 MSL timer runs, so that our last ACK can be sent again if
 * it was lost, and old segments die before the ports are used again.
 * What may still arrive: the peer's FIN again (our ACK was lost: ACK it
 * and wait 2 MSL again), a SYN opening a new incarnation on the same
 * ports (RFC 6191), a RST (ignored, RFC 1337), and old segments, which
 * are answered with an ACK.
 */
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

static void
tcp_timewait_start(struct tcpcb *tp)
{
	tcp_timer_set(tp, TCPT_2MSL, 2ULL * tcp_msl_ms * 1000000ULL);
}

/*
 * The callout, armed for the earliest timer the connection had, moves to
 * the 2 MSL deadline: a connection closed at a high rate would otherwise
 * cost the callout thread a run for a timer already cleared.
 */
void
tcp_enter_timewait(struct tcpcb *tp)
{
	tcp_state_change(tp, TCPS_TIME_WAIT);
	for (int t = 0; t < TCPT_NTIMERS; t++)
		tcp_timer_clear(tp, (enum tcp_timer)t);
	tp->t_callout_at = 0;
	tcp_timewait_start(tp);
	soisdisconnected(tp->t_inpcb->inp_socket);
}

/*
 * RFC 6191 2: a SYN may end TIME-WAIT if it cannot be an old duplicate.
 * With timestamps on both incarnations: its timestamp is newer than the
 * last one the old connection recorded, or the same with a sequence
 * number beyond the old connection's.  Otherwise: the sequence number
 * beyond the old connection's (RFC 9293 3.6.1).
 */
static bool
tcp_timewait_syn_is_new(const struct tcpcb *tp, const struct tcp_seg *seg)
{
	if ((tp->t_flags & TF_RCVD_TSTMP) && (seg->opts.to_flags & TOF_TS)) {
		int32_t d = (int32_t)(seg->opts.to_tsval - tp->ts_recent);

		return d > 0 || (d == 0 && SEQ_GT(seg->seq, tp->rcv_nxt));
	}
	return SEQ_GT(seg->seq, tp->rcv_nxt);
}

/* The peer's FIN, sent again: it ends one before RCV.NXT. */
static bool
tcp_timewait_fin_again(const struct tcpcb *tp, const struct tcp_seg *seg)
{
	return (seg->flags & TH_FIN) &&
	    seg->seq + (tcp_seq)seg->len + 1 == tp->rcv_nxt;
}

enum tcp_verdict
tcp_timewait_input(struct tcpcb *tp, struct tcp_in *ti)
{
	const struct tcp_seg *seg = &ti->seg;

	/*
	 * RFC 1337 4, "TIME-WAIT assassination": a RST (an old one, or the
	 * answer to our ACK of an old segment) would end TIME-WAIT early;
	 * it is ignored, as BSD does (Linux acts on it by default).
	 */
	if (seg->flags & TH_RST) {
		tcpstat.tcps_twrstdrop++;
		return TV_DROP;
	}
	if ((seg->flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		if (!tcp_timewait_syn_is_new(tp, seg)) {
			tcpstat.tcps_twsyndrop++;
			return TV_DROP;
		}
		tcpstat.tcps_twreuse++;
		tcp_close(tp);
		return TV_AGAIN;
	}
	if (!(seg->flags & TH_ACK))
		return TV_DROP;
	if (tcp_paws_reject(tp, seg)) {
		tcpstat.tcps_pawsdrop++;
		return TV_DROPACK;
	}
	/* 3.10.7.4, eighth check: "Acknowledge it, and restart the 2 MSL". */
	if (tcp_timewait_fin_again(tp, seg)) {
		tcpstat.tcps_twfinagain++;
		tcp_timewait_start(tp);
		return TV_DROPACK;
	}
	/* A bare ACK at RCV.NXT needs no answer; anything else is old. */
	if (seg->len == 0 && !(seg->flags & (TH_SYN | TH_FIN)) &&
	    seg->seq == tp->rcv_nxt)
		return TV_DROP;
	tcpstat.tcps_rcvoutwin++;
	return TV_DROPACK;
}
