/*
 * Spurious retransmission timeouts: a delay spike longer than the RTO
 * makes the timer expire although nothing was lost.  Two detections:
 *
 * - with timestamps, Eifel (RFC 3522): the first ACK of new data after
 *   the timeout echoes the timestamp of the segment that made it; older
 *   than the retransmission's, the original arrived;
 * - without, F-RTO (RFC 5682 2.1, the basic algorithm, which works with
 *   SACK too): the first ACK of new data after the timeout lets two new
 *   segments out instead of resending the next ones; if the ACK after
 *   that acknowledges new data too, it can only be data sent before the
 *   timeout, which was not lost; a duplicate ACK says it was, and the
 *   resending goes on in slow start.
 *
 * The response (RFC 4015) undoes the timeout: the congestion state it
 * reduced comes back (as Linux's undo does: cwnd and ssthresh at least
 * as before) and sending resumes with new data instead of resending the
 * rest of the window (go-back-N).  With timestamps the RTT sample of the
 * deciding ACK (the echoed timestamp's age) takes the delay into the
 * RTO, as RFC 4015 3.2 step (6) asks.
 */
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

/* The response (RFC 4015 3.2): the timeout is undone. */
static void
tcp_spurious_rto_undo(struct tcpcb *tp, tcp_seq ack)
{
	tcpstat.tcps_spuriousrto++;
	/* Step (3): resume with new data. */
	tp->snd_nxt = tp->snd_max;
	/* Step (4): the congestion state before the timeout. */
	(void)tcp_cc_undo(&tp->t_cc);
	/*
	 * The window was not lost: no timeout's episode (tcp_sackrecov.c),
	 * and a loss after this ACK may start a recovery (RFC 6582 recover).
	 */
	tp->t_flags &= ~TF_RTOEPISODE;
	tp->snd_recover = ack - 1;
}

void
tcp_spurious_rto_arm(struct tcpcb *tp)
{
	/* The handshake's last ACK is not one of new data: never judged. */
	if (tp->t_state == TCPS_SYN_RECEIVED)
		return;
	if (tp->t_flags & TF_RCVD_TSTMP) {
		/* RFC 3522 3.2 step (1): RetransmitTS, the resend's TSval. */
		tp->t_rxt_tsval = tcp_tsnow();
		tp->t_flags |= TF_EIFEL;
		return;
	}
	/* RFC 5682 2.1 step 1: not within a loss episode's recovery. */
	if (SEQ_GEQ(tp->snd_recover, tp->snd_una) &&
	    tp->snd_recover != tp->iss)
		return;
	tp->t_frto_recover = tp->snd_max;
	tp->t_flags |= TF_FRTO1;
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
	if (tcp_spurious_rto_detect(tp, seg))
		tcp_spurious_rto_undo(tp, seg->ack);
}

/* RFC 5682 2.1 step 2b: up to two new segments, if any may go. */
static bool
tcp_frto_send_new(struct tcpcb *tp)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t flight = tp->snd_max - tp->snd_una;

	if (so->so_snd.sb_cc <= flight || tp->snd_wnd <= flight)
		return false;
	tp->snd_nxt = tp->snd_max;
	tp->t_cc.cc_cwnd = flight + 2 * tcp_effmss(tp);
	return true;
}

void
tcp_frto_newack(struct tcpcb *tp)
{
	if (tp->t_flags & TF_FRTO2) {
		/* Step 3b: new data acknowledged: sent before the timeout. */
		tp->t_flags &= ~TF_FRTO2;
		tcp_spurious_rto_undo(tp, tp->snd_una);
		return;
	}
	tp->t_flags &= ~TF_FRTO1;
	/* Step 2a: all acknowledged, nothing to tell; or nothing new to send. */
	if (SEQ_GEQ(tp->snd_una, tp->t_frto_recover) || !tcp_frto_send_new(tp))
		return;
	tp->t_flags |= TF_FRTO2;
}

void
tcp_frto_dupack(struct tcpcb *tp)
{
	/* Step 2a: a duplicate ACK first: the conventional recovery. */
	if (tp->t_flags & TF_FRTO1) {
		tp->t_flags &= ~TF_FRTO1;
		return;
	}
	/* Step 3a: a hole below the new segments: resend, in slow start. */
	tp->t_flags &= ~TF_FRTO2;
	tp->t_cc.cc_cwnd = MIN(tp->t_cc.cc_cwnd, 3 * tcp_effmss(tp));
	tp->snd_nxt = tp->snd_una;
}
