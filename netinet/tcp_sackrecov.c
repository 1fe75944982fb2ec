/*
 * SACK-based loss recovery (RFC 6675) on the scoreboard of tcp_sack.c:
 * every ACK of a SACK connection updates the board; three duplicate ACKs,
 * or IsLost of the first unacknowledged byte, start a recovery episode
 * that resends what the board calls lost, as long as the data in the
 * network (pipe) stays below the congestion window; the episode ends when
 * the recovery point is acknowledged.  A loss in a window costs one
 * round trip, not a timeout; so does a retransmission lost again, once
 * data sent after it is SACKed (tcp_sackboard_rxt_lost).
 */
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_var.h"

/* RFC 6675 5 step C: send what NextSeg says while pipe < cwnd. */
static void
tcp_sack_send(struct tcpcb *tp)
{
	struct tcp_sackboard *sb = &tp->t_sackboard;
	struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t mss = tcp_effmss(tp);

	for (;;) {
		uint32_t flight = tp->snd_max - tp->snd_una;
		uint32_t sbcc = (uint32_t)so->so_snd.sb_cc;
		uint32_t avail = 0;
		struct tcp_nextseg ns;

		if (tcp_sackboard_pipe(sb, tp->snd_max, mss) + mss >
		    tp->t_cc.cc_cwnd)
			break;
		if (sbcc > flight && tp->snd_wnd > flight)
			avail = MIN(sbcc - flight, tp->snd_wnd - flight);
		tcp_sackboard_nextseg(sb, tp->snd_max, mss, avail, &ns);
		if (ns.ns_kind == TCP_NEXTSEG_NONE)
			break;
		if (ns.ns_kind != TCP_NEXTSEG_NEW) {
			tcpstat.tcps_sackrexmit++;
			tcp_sackboard_rxt_sent(sb, tp->snd_max);
		}
		tcp_output_range(tp, ns.ns_seq, ns.ns_len);
		tcp_sackboard_sent(sb, &ns);
	}
}

static void
tcp_sack_enter(struct tcpcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;

	tcpstat.tcps_recoveries++;
	tcpstat.tcps_sackrecoveries++;
	tcpstat.tcps_fastrexmit++;
	tp->snd_recover = tp->snd_max;
	tcp_cc_congestion(&tp->t_cc, flight);
	tp->t_flags |= TF_FASTRECOVERY;
	tp->t_rtttime = 0;
	tcp_sackboard_enter_recovery(&tp->t_sackboard, tp->snd_max,
	    MIN(tcp_effmss(tp), flight));
	tcp_sackboard_rxt_sent(&tp->t_sackboard, tp->snd_max);
	tcp_retransmit_first(tp);
	tcp_timer_set(tp, TCPT_REXMT, tcp_rexmt_timeout(tp));
	tcp_sack_send(tp);
}

void
tcp_sack_ack(struct tcpcb *tp, const struct tcp_seg *seg)
{
	struct tcp_sackboard *sb = &tp->t_sackboard;
	struct tcp_sackblk blk[TCP_MAXSACKBLKS];
	struct tcp_sack_result res;
	int n = seg->opts.to_nsacks;

	for (int i = 0; i < n; i++) {
		blk[i].sb_start = seg->opts.to_sacks[i].start;
		blk[i].sb_end = seg->opts.to_sacks[i].end;
	}
	tcp_sackboard_update(sb, tp->snd_una, tp->snd_max, blk, (unsigned)n,
	    &res);
	if (res.sr_dsack)
		tcpstat.tcps_rcvdsack++;
	if (tp->t_flags & TF_FASTRECOVERY) {
		if (SEQ_GEQ(tp->snd_una, sb->sb_recovery_point)) {
			tp->t_flags &= ~TF_FASTRECOVERY;
			tp->t_dupacks = 0;
			tcp_sackboard_exit_recovery(sb);
			tcp_cc_recovery_exit(&tp->t_cc,
			    tp->snd_max - tp->snd_una);
			return;
		}
		if (tcp_sackboard_rxt_lost(sb, tcp_effmss(tp)))
			tcpstat.tcps_sackrxtlost++;
		tcp_sack_send(tp);
		return;
	}
	if (tp->snd_una == tp->snd_max || SEQ_LEQ(tp->snd_una, tp->snd_recover))
		return;
	if (tp->t_dupacks >= TCP_SACK_DUPTHRESH ||
	    tcp_sackboard_islost(sb, tp->snd_una, tcp_effmss(tp)))
		tcp_sack_enter(tp);
}

void
tcp_sack_timeout(struct tcpcb *tp)
{
	tcp_sackboard_reset(&tp->t_sackboard);
}
