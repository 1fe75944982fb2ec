/*
 * The sending half's view of an arriving segment: the ACK field (RFC 9293
 * 3.10.7.4, fifth check) with the RFC 5961 5.2 range check, RTT samples
 * (RFC 6298, RFC 7323 4), congestion control on new and duplicate ACKs
 * (RFC 5681 3.2, NewReno of RFC 6582 3.2), send window updates, and the
 * states a FIN's acknowledgement leads to.
 */
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

void
tcp_ack_rtt(struct tcpcb *tp, const struct tcp_seg *seg)
{
	uint64_t now = tcp_now_us();

	if ((seg->opts.to_flags & TOF_TS) && (tp->t_flags & TF_RCVD_TSTMP) &&
	    seg->opts.to_tsecr != 0) {
		uint32_t echoed = seg->opts.to_tsecr - tp->ts_offset;
		uint32_t ago = tcp_tsnow() - echoed;

		if (tcp_rtt_sample_ts(&tp->t_rtt, now - MIN((uint64_t)ago *
		    1000, now), now))
			tcpstat.tcps_rttupdated++;
		tp->t_rtttime = 0;
		return;
	}
	if (tp->t_rtttime != 0 && SEQ_GT(seg->ack, tp->t_rtseq)) {
		if (tcp_rtt_sample_timed(&tp->t_rtt, tp->t_rtttime, now,
		    tp->t_rtt_rexmit))
			tcpstat.tcps_rttupdated++;
		tp->t_rtttime = 0;
	}
}

void
tcp_established(struct tcpcb *tp)
{
	tp->t_rcvtune_seq = tp->rcv_nxt;
	tp->t_rcvtune_time = tcp_now();
	tcp_state_change(tp, TCPS_ESTABLISHED);
	tcpstat.tcps_connects++;
	/* Armed whether or not SO_KEEPALIVE is set: it may be set later. */
	tcp_timer_set(tp, TCPT_KEEP, tcp_keepidle_ns(tp));
	tp->t_idle_since = tcp_now_us();
}

/* Bytes sent and not yet cumulatively acknowledged (RFC 5681 FlightSize). */
static uint32_t
tcp_flight(const struct tcpcb *tp)
{
	return tp->snd_max - tp->snd_una;
}

/*
 * RFC 5681 3.2 and RFC 6582 3.2: the third duplicate ACK retransmits the
 * first unacknowledged segment and enters fast recovery, unless the loss
 * lies in a window already recovered from (snd_recover, step 2); later
 * ones inflate the window by a segment each.
 */
static void
tcp_dupack(struct tcpcb *tp)
{
	uint32_t mss = tcp_effmss(tp);

	tcpstat.tcps_rcvdupack++;
	if (tp->t_flags & (TF_FRTO1 | TF_FRTO2))
		tcp_frto_dupack(tp);
	/* With SACK the scoreboard decides (tcp_sack_ack); just count. */
	if (tp->t_flags & TF_SACK_PERMIT) {
		tp->t_dupacks++;
		return;
	}
	if (tp->t_flags & TF_FASTRECOVERY) {
		tp->t_cc.cc_cwnd += mss;
		return;
	}
	if (++tp->t_dupacks != 3)
		return;
	if (!SEQ_GT(tp->snd_una - 1, tp->snd_recover) &&
	    tp->snd_recover != tp->iss) {
		return;
	}
	tcpstat.tcps_fastrexmit++;
	tcpstat.tcps_recoveries++;
	tp->snd_recover = tp->snd_max;
	tcp_cc_congestion(&tp->t_cc, tcp_flight(tp));
	tp->t_flags |= TF_FASTRECOVERY;
	tcp_timer_clear(tp, TCPT_REXMT);
	tp->t_rtttime = 0;
	tcp_retransmit_first(tp);
	tp->t_cc.cc_cwnd += 3 * mss;
}

/*
 * RFC 6582 3.2 steps 3 and 4: a full ACK ends recovery; a partial one
 * retransmits the next hole and deflates by the amount acknowledged.
 */
static void
tcp_recovery_ack(struct tcpcb *tp, uint32_t acked)
{
	uint32_t mss = tcp_effmss(tp);

	if (SEQ_GEQ(tp->snd_una, tp->snd_recover)) {
		tp->t_flags &= ~TF_FASTRECOVERY;
		tp->t_dupacks = 0;
		tcp_cc_recovery_exit(&tp->t_cc, tcp_flight(tp));
		return;
	}
	tcp_retransmit_first(tp);
	tp->t_cc.cc_cwnd -= MIN(acked, tp->t_cc.cc_cwnd - mss);
	if (acked >= mss)
		tp->t_cc.cc_cwnd += mss;
}

/* Takes acknowledged bytes out of the send buffer; counts our FIN. */
static void
tcp_ack_drop(struct tcpcb *tp, uint32_t acked)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t data = acked;

	/* Our FIN takes sequence space but no buffer. */
	if (data > so->so_snd.sb_cc)
		data = (uint32_t)so->so_snd.sb_cc;
	sbdrop(&so->so_snd, data);
	/* An mbuf at or past the cut stays whole; one before it may be gone. */
	if (tp->t_sndpos.mp_m != NULL && (uint32_t)tp->t_sndpos.mp_off >= data)
		tp->t_sndpos.mp_off -= (int)data;
	else
		tp->t_sndpos.mp_m = NULL;
	sowwakeup(so);
}

/* New data was acknowledged (SND.UNA < SEG.ACK =< SND.MAX). */
static void
tcp_newack(struct tcpcb *tp, const struct tcp_seg *seg)
{
	uint32_t acked = seg->ack - tp->snd_una;

	tcpstat.tcps_rcvackpack++;
	tcpstat.tcps_rcvackbyte += acked;
	if (tp->t_flags & TF_EIFEL)
		tcp_spurious_rto_ack(tp, seg);
	tcp_ack_rtt(tp, seg);
	tcp_ack_drop(tp, acked);
	tp->snd_una = seg->ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	tp->t_rxtshift = 0;
	tp->t_softerror = 0;
	/* A recovery after a timeout grows the window in slow start. */
	if ((tp->t_flags & (TF_FASTRECOVERY | TF_RTOEPISODE)) ==
	    TF_FASTRECOVERY) {
		if (!(tp->t_flags & TF_SACK_PERMIT))
			tcp_recovery_ack(tp, acked);
	} else {
		struct tcp_cc_ack a = {
			.ca_acked = acked,
			.ca_now = tcp_now_us(),
			.ca_srtt = tp->t_rtt.rt_srtt,
			.ca_cwnd_limited = tp->t_cwnd_limited,
		};

		tp->t_dupacks = 0;
		tcp_cc_ack(&tp->t_cc, &a);
	}
	/* RFC 6298 5.2 and 5.3: stop the timer or restart it. */
	if (tp->snd_una == tp->snd_max) {
		tcp_timer_clear(tp, TCPT_REXMT);
		tp->t_idle_since = tcp_now_us();
	} else if (!tcp_timer_isset(tp, TCPT_PERSIST)) {
		tcp_timer_set(tp, TCPT_REXMT, tcp_rexmt_timeout(tp));
	}
	if (tp->t_flags & (TF_FRTO1 | TF_FRTO2))
		tcp_frto_newack(tp);
}

/* RFC 9293 3.10.7.4: the send window moves with newer segments only. */
static void
tcp_update_window(struct tcpcb *tp, const struct tcp_seg *seg)
{
	uint32_t wnd = seg->win << tp->snd_scale;

	if (!(SEQ_LT(tp->snd_wl1, seg->seq) || (tp->snd_wl1 == seg->seq &&
	    SEQ_LEQ(tp->snd_wl2, seg->ack))))
		return;
	if (seg->len == 0 && tp->snd_wl2 == seg->ack && wnd > tp->snd_wnd)
		tcpstat.tcps_rcvwinupd++;
	tp->snd_wnd = wnd;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = seg->ack;
	tp->max_sndwnd = MAX(tp->max_sndwnd, wnd);
	if (wnd > 0 && tcp_timer_isset(tp, TCPT_PERSIST)) {
		tcp_timer_clear(tp, TCPT_PERSIST);
		tp->t_persist_shift = 0;
		tp->snd_nxt = tp->snd_una;
	}
}

/* Whether our FIN is acknowledged: it was sent and SND.UNA passed it. */
static bool
tcp_fin_acked(const struct tcpcb *tp)
{
	return (tp->t_flags & TF_SENTFIN) && tp->snd_una == tp->snd_max;
}

/* The states that wait for the ACK of our FIN. */
static enum tcp_verdict
tcp_ack_states(struct tcpcb *tp)
{
	struct socket *so = tp->t_inpcb->inp_socket;

	switch (tp->t_state) {
	case TCPS_FIN_WAIT_1:
		if (!tcp_fin_acked(tp))
			break;
		tcp_state_change(tp, TCPS_FIN_WAIT_2);
		/*
		 * Nobody can read any more: all we sent is acknowledged, so a
		 * lingering close returns, and FIN-WAIT-2 does not last for
		 * ever (Linux's tcp_fin_timeout).
		 */
		if (so->so_state & SS_CANTRCVMORE) {
			soisdisconnected(so);
			tcp_timer_set(tp, TCPT_2MSL,
			    (uint64_t)TCP_FIN_TIMEOUT_S * NSEC_PER_SEC);
		}
		break;
	case TCPS_CLOSING:
		if (tcp_fin_acked(tp))
			tcp_enter_timewait(tp);
		break;
	case TCPS_LAST_ACK:
		if (tcp_fin_acked(tp)) {
			tcp_close(tp);
			return TV_DONE;
		}
		break;
	default:
		break;
	}
	return TV_OUTPUT;
}

/* SYN-RECEIVED: an acceptable ACK completes the handshake (3.10.7.4). */
static enum tcp_verdict
tcp_ack_synrcvd(struct tcpcb *tp, const struct tcp_seg *seg)
{
	struct socket *so = tp->t_inpcb->inp_socket;

	if (SEQ_LEQ(seg->ack, tp->snd_una) || SEQ_GT(seg->ack, tp->snd_max))
		return TV_DROPRST;
	if (so->so_head != NULL)
		tcpstat.tcps_accepts++;
	tcp_established(tp);
	soisconnected(so);
	tp->snd_wnd = seg->win << tp->snd_scale;
	tp->max_sndwnd = tp->snd_wnd;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = seg->ack;
	/* The ACK of our SYN: one byte of sequence space, no data. */
	tcp_ack_rtt(tp, seg);
	tp->snd_una++;
	tp->t_rxtshift = 0;
	tcp_timer_clear(tp, TCPT_REXMT);
	return TV_OUTPUT;
}

enum tcp_verdict
tcp_input_ack(struct tcpcb *tp, struct tcp_in *ti)
{
	struct tcp_seg *seg = &ti->seg;
	enum tcp_verdict v;

	if (tp->t_state == TCPS_SYN_RECEIVED &&
	    (v = tcp_ack_synrcvd(tp, seg)) != TV_OUTPUT)
		return v;
	/* RFC 5961 5.2: an ACK too old or for data never sent is ignored. */
	if (SEQ_GT(seg->ack, tp->snd_max)) {
		tcpstat.tcps_rcvacktoomuch++;
		return TV_DROPACK;
	}
	if (SEQ_LT(seg->ack, tp->snd_una - MAX(tp->max_sndwnd, 1u))) {
		tcpstat.tcps_rcvackold++;
		return TV_DROPACK;
	}
	if (SEQ_LEQ(seg->ack, tp->snd_una)) {
		if (seg->len == 0 && seg->ack == tp->snd_una &&
		    (seg->win << tp->snd_scale) == tp->snd_wnd &&
		    tp->snd_max != tp->snd_una &&
		    !(seg->flags & (TH_SYN | TH_FIN)))
			tcp_dupack(tp);
		else if (!(tp->t_flags & TF_FASTRECOVERY))
			tp->t_dupacks = 0;
	} else {
		tcp_newack(tp, seg);
	}
	tcp_update_window(tp, seg);
	if (tp->t_flags & TF_SACK_PERMIT)
		tcp_sack_ack(tp, seg);
	return tcp_ack_states(tp);
}
