/*
 * The tail loss probe (RFC 8985 7).  When the last segments of a flight
 * are lost no SACK arrives to show it, and only the retransmission timer
 * would.  So a probe timer of about two round trips
 * runs while data is outstanding; when it expires one segment goes out,
 * new data if there is any, else the last segment again.  Its ACK brings
 * the SACKs that let RACK (tcp_rack.c) find and repair the losses in a
 * round trip.  A probe that repaired a loss by itself (its ACK covers it
 * and no D-SACK says the original arrived) reduces the congestion window
 * as a recovery would (RFC 8985 7.4.2).
 */
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

/*
 * Whether a probe may be armed or sent now (RFC 8985 7.2): also in fast
 * recovery, where it finds the retransmissions lost at the tail; not
 * after a timeout until an ACK of new data.
 */
static bool
tcp_tlp_allowed(const struct tcpcb *tp)
{
	return (tp->t_flags & TF_SACK_PERMIT) && !(tp->t_flags & TF_TLP) &&
	    tp->t_rxtshift == 0 && tp->snd_una != tp->snd_max &&
	    !tcp_timer_isset(tp, TCPT_PERSIST);
}

/*
 * RFC 8985 7.2: PTO = 2 * SRTT (1 s before a sample), plus the worst
 * delayed ACK when only one segment is out, and never past the RTO.  As
 * Linux, at least TCP_TLP_MIN_MS: our SRTT comes from millisecond
 * timestamps, and a probe sent too early is only a spurious resend.
 */
void
tcp_tlp_arm(struct tcpcb *tp)
{
	uint64_t pto, now = tcp_now();

	if (!tcp_tlp_allowed(tp)) {
		tcp_timer_clear(tp, TCPT_TLP);
		return;
	}
	pto = tp->t_rtt.rt_srtt != 0 ? 2ULL * tp->t_rtt.rt_srtt * 1000 :
	    (uint64_t)TCP_TLP_NOSRTT_MS * 1000000;
	if (tp->snd_max - tp->snd_una <= tcp_effmss(tp))
		pto += (uint64_t)TCP_TLP_DELACK_MS * 1000000;
	pto = MAX(pto, (uint64_t)TCP_TLP_MIN_MS * 1000000);
	if (tcp_timer_isset(tp, TCPT_REXMT) && tp->t_timer[TCPT_REXMT] > now)
		pto = MIN(pto, tp->t_timer[TCPT_REXMT] - now);
	tcp_timer_set(tp, TCPT_TLP, pto);
}

/*
 * RFC 8985 7.3: new data if the application has some and the peer's
 * window takes it, whatever the congestion window says; else the last
 * segment again.  Then the retransmission timer starts over.
 */
void
tcp_tlp_timeout(struct tcpcb *tp)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t flight = tp->snd_max - tp->snd_una;
	uint32_t sbcc = (uint32_t)so->so_snd.sb_cc, mss = tcp_effmss(tp);

	if (!tcp_tlp_allowed(tp))
		return;
	tcpstat.tcps_tlpprobes++;
	tp->t_flags |= TF_TLP;
	if (sbcc > flight && tp->snd_wnd > flight) {
		tp->t_tlp_rxt = false;
		tcp_output_range(tp, tp->snd_max, MIN(mss,
		    MIN(sbcc, tp->snd_wnd) - flight));
	} else {
		uint32_t len = MIN(mss, flight);

		tp->t_tlp_rxt = true;
		tcp_output_range(tp, tp->snd_max - len, len);
	}
	tp->t_tlp_high = tp->snd_max;
	tcp_timer_set(tp, TCPT_REXMT, tcp_rexmt_timeout(tp));
}

/*
 * RFC 8985 7.4: the probe is answered when an ACK covers it.  A D-SACK
 * for a retransmitted probe says the original arrived: nothing was lost.
 * Otherwise the probe itself repaired a loss, unless recovery (which
 * reduces the window itself) took over.
 */
void
tcp_tlp_ack(struct tcpcb *tp, const struct tcp_sack_result *res)
{
	if (!(tp->t_flags & TF_TLP))
		return;
	if (res->sr_dsack && tp->t_tlp_rxt &&
	    res->sr_dsack_blk.sb_end == tp->t_tlp_high) {
		tp->t_flags &= ~TF_TLP;
		return;
	}
	if (SEQ_LT(tp->snd_una, tp->t_tlp_high))
		return;
	tp->t_flags &= ~TF_TLP;
	if (tp->t_tlp_rxt && !(tp->t_flags & TF_FASTRECOVERY)) {
		tcpstat.tcps_tlprecovered++;
		/* What was in flight is acknowledged: the window is the measure. */
		tcp_cc_congestion(&tp->t_cc, tp->t_cc.cc_cwnd);
		tcp_cc_recovery_exit(&tp->t_cc, tp->t_cc.cc_cwnd);
	}
}
