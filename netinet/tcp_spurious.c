/*
 * Spurious retransmission timeouts: a delay spike longer than the RTO
 * makes the timer expire although nothing was lost.  The Eifel detection
 * algorithm (RFC 3522) tells it from timestamps: the first ACK of new
 * data after the timeout echoes the timestamp of the segment that made
 * it.  If that is older than the retransmission's, the original arrived
 * and the timeout was spurious.  The Eifel response (RFC 4015) then
 * undoes it: the congestion state the timeout reduced comes back (as
 * Linux's undo does: cwnd and ssthresh at least as before) and sending
 * resumes with new data instead of resending the rest of the window
 * (go-back-N).  The RTT sample that ACK gives (the echoed timestamp's
 * age) takes the delay into the RTO, as RFC 4015 3.2 step (6) asks.
 */
#include "netinet/tcp_var.h"

void
tcp_spurious_rto_arm(struct tcpcb *tp)
{
	/* The handshake's last ACK is not one of new data: never judged. */
	if (!(tp->t_flags & TF_RCVD_TSTMP) || tp->t_state == TCPS_SYN_RECEIVED)
		return;
	/* RFC 3522 3.2 step (1): RetransmitTS, the retransmission's TSval. */
	tp->t_rxt_tsval = tcp_tsnow();
	tp->t_flags |= TF_EIFEL;
}

/* RFC 3522 3.2 step (4): the ACK echoes a segment sent before the timeout. */
static bool
tcp_spurious_rto_detect(const struct tcpcb *tp, const struct tcp_seg *seg)
{
	uint32_t echoed = seg->opts.to_tsecr - tp->ts_offset;

	return (seg->opts.to_flags & TOF_TS) && seg->opts.to_tsecr != 0 &&
	    (int32_t)(echoed - tp->t_rxt_tsval) < 0;
}

void
tcp_spurious_rto_ack(struct tcpcb *tp, const struct tcp_seg *seg)
{
	tp->t_flags &= ~TF_EIFEL;
	if (!tcp_spurious_rto_detect(tp, seg))
		return;
	tcpstat.tcps_spuriousrto++;
	/* RFC 4015 3.2 step (3): resume with new data. */
	tp->snd_nxt = tp->snd_max;
	/* Step (4): the congestion state before the timeout. */
	(void)tcp_cc_undo(&tp->t_cc);
	/*
	 * The window was not lost: no timeout's episode (tcp_sackrecov.c),
	 * and a loss after this ACK may start a recovery (RFC 6582 recover).
	 */
	tp->t_flags &= ~TF_RTOEPISODE;
	tp->snd_recover = seg->ack - 1;
}
