/*
 * SACK-based loss recovery (RFC 6675) on the scoreboard of tcp_sack.c:
 * every ACK of a SACK connection updates the board; three duplicate ACKs,
 * or IsLost of the first unacknowledged byte, start a recovery episode
 * that resends what the board calls lost, as long as the data in the
 * network (pipe) stays below the congestion window; the episode ends when
 * the recovery point is acknowledged.  A loss in a window costs one
 * round trip, not a timeout; so does a retransmission lost again, once
 * data sent after it is SACKed (tcp_sackboard_rxt_lost).
 *
 * RACK (RFC 8985 6, tcp_rack.c) adds loss by time: each segment sent is
 * noted with its time, each ACK says which were delivered, and what was
 * sent before the most recently sent delivered segment, longer than its
 * RTT and a reordering window ago, is lost.  That starts recovery after
 * a single SACKed segment (a TLP's, say) and finds a lost retransmission
 * with any later segment's delivery; the RACK timer looks again when the
 * reordering window of a suspect segment ends.
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

/*
 * RFC 6675 5 step 4: a recovery episode starts.  One within a timeout's
 * episode does not reduce the window again: the timeout did.
 */
static void
tcp_sack_enter(struct tcpcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;

	tcpstat.tcps_recoveries++;
	tcpstat.tcps_sackrecoveries++;
	tcpstat.tcps_fastrexmit++;
	tp->snd_recover = tp->snd_max;
	if (!(tp->t_flags & TF_RTOEPISODE))
		tcp_cc_congestion(&tp->t_cc, flight);
	tp->t_flags |= TF_FASTRECOVERY;
	tp->t_rtttime = 0;
	tcp_sackboard_enter_recovery(&tp->t_sackboard, tp->snd_max,
	    MIN(tcp_effmss(tp), flight));
	tcp_sackboard_rxt_sent(&tp->t_sackboard, tp->snd_max);
	tcp_retransmit_first(tp);
	tcp_timer_set(tp, TCPT_REXMT, tcp_rexmt_timeout(tp));
	tcp_sack_send(tp);
	/*
	 * A probe that led here did its work; the next one watches the
	 * tail of the retransmissions.
	 */
	tp->t_flags &= ~TF_TLP;
	tcp_tlp_arm(tp);
}

void
tcp_rack_note_sent(struct tcpcb *tp, tcp_seq start, tcp_seq end)
{
	if (tp->t_flags & TF_SACK_PERMIT)
		tcp_rack_sent(&tp->t_rack, start, end, tcp_now_us());
}

/*
 * RFC 8985 6.2 steps 4 and 5: RACK's verdict goes to the scoreboard, a
 * lost retransmission is sent again, and a segment whose reordering
 * window is still open arms the RACK timer for when it closes.
 */
static void
tcp_rack_check(struct tcpcb *tp)
{
	struct tcp_sackboard *sb = &tp->t_sackboard;
	struct tcp_rack_verdict v;
	uint64_t reo;

	/*
	 * Nothing SACKed: nothing sent after the data outstanding has
	 * arrived, so none of it is late (and an ACK without loss costs no
	 * walk of the log).
	 */
	if (sb->sb_n == 0) {
		tcp_sackboard_rack_lost(sb, false, 0);
		tcp_timer_clear(tp, TCPT_RACK);
		return;
	}
	reo = tcp_rack_reo_wnd(&tp->t_rack, (tp->t_flags & TF_FASTRECOVERY) != 0,
	    tcp_sackboard_sacked(sb), tcp_effmss(tp), tp->t_rtt.rt_srtt);
	tcp_rack_detect(&tp->t_rack, sb, tcp_now_us(), reo, &v);
	if (v.rv_lost && (!sb->sb_rack_lost_set ||
	    SEQ_GT(v.rv_lost_end, sb->sb_rack_lost)))
		tcpstat.tcps_racklost++;
	tcp_sackboard_rack_lost(sb, v.rv_lost, v.rv_lost_end);
	if (v.rv_rxt_lost && tcp_sackboard_rxt_again(sb, v.rv_rxt_start))
		tcpstat.tcps_sackrxtlost++;
	if (v.rv_wait > 0)
		tcp_timer_set(tp, TCPT_RACK, v.rv_wait * 1000);
	else
		tcp_timer_clear(tp, TCPT_RACK);
}

/* RFC 8985 6.2 steps 2 and 3: what this ACK delivered, and when sent. */
static void
tcp_rack_ack(struct tcpcb *tp, const struct tcp_sackblk *blk, unsigned n,
    bool dsack)
{
	struct tcp_sackboard *sb = &tp->t_sackboard;
	uint64_t now = tcp_now_us();

	/* The board still has the SACKs from before this ACK. */
	if (SEQ_GT(tp->snd_una, sb->sb_una))
		tcp_rack_delivered(&tp->t_rack, sb->sb_una, tp->snd_una, now,
		    sb);
	for (unsigned i = dsack ? 1 : 0; i < n; i++)
		tcp_rack_delivered(&tp->t_rack, blk[i].sb_start,
		    blk[i].sb_end, now, NULL);
}

/*
 * After the board changed: in recovery, its end or what NextSeg sends;
 * outside, DupThresh duplicate ACKs or data lost start it.
 */
static void
tcp_sack_progress(struct tcpcb *tp)
{
	struct tcp_sackboard *sb = &tp->t_sackboard;

	if (tp->t_flags & TF_FASTRECOVERY) {
		if (SEQ_GEQ(tp->snd_una, sb->sb_recovery_point)) {
			tp->t_flags &= ~TF_FASTRECOVERY;
			tp->t_dupacks = 0;
			tcp_sackboard_exit_recovery(sb);
			tcp_rack_recovery_done(&tp->t_rack);
			/* After a timeout the window grew in slow start. */
			if (tp->t_flags & TF_RTOEPISODE)
				tp->t_flags &= ~TF_RTOEPISODE;
			else
				tcp_cc_recovery_exit(&tp->t_cc,
				    tp->snd_max - tp->snd_una);
			return;
		}
		if (tcp_sackboard_rxt_lost(sb, tcp_effmss(tp)))
			tcpstat.tcps_sackrxtlost++;
		tcp_sack_send(tp);
		return;
	}
	if (tp->snd_una == tp->snd_max)
		return;
	/*
	 * After a timeout everything is being resent from SND.UNA; what RACK
	 * finds lost again (RFC 8985 6.3) goes out at once, not at the next,
	 * doubled, timeout.
	 */
	if ((tp->t_flags & TF_RTOEPISODE) && SEQ_GT(tp->snd_una, tp->snd_recover))
		tp->t_flags &= ~TF_RTOEPISODE;
	if (tp->t_flags & TF_RTOEPISODE) {
		if (sb->sb_rack_lost_set)
			tcp_sack_enter(tp);
		return;
	}
	if (SEQ_LEQ(tp->snd_una, tp->snd_recover))
		return;
	if (tp->t_dupacks >= TCP_SACK_DUPTHRESH || sb->sb_rack_lost_set ||
	    tcp_sackboard_islost(sb, tp->snd_una, tcp_effmss(tp)))
		tcp_sack_enter(tp);
}

void
tcp_sack_ack(struct tcpcb *tp, const struct tcp_seg *seg)
{
	struct tcp_sackboard *sb = &tp->t_sackboard;
	struct tcp_sackblk blk[TCP_MAXSACKBLKS];
	struct tcp_sack_result res;
	unsigned n = (unsigned)seg->opts.to_nsacks;
	bool advanced = SEQ_GT(tp->snd_una, sb->sb_una), dsack;

	for (unsigned i = 0; i < n; i++) {
		blk[i].sb_start = seg->opts.to_sacks[i].start;
		blk[i].sb_end = seg->opts.to_sacks[i].end;
	}
	/* Whether the first block is a D-SACK, before the board moves. */
	dsack = n > 0 && tcp_sack_is_dsack(blk, n, tp->snd_una, tp->snd_max);
	tcp_rack_ack(tp, blk, n, dsack);
	tcp_sackboard_update(sb, tp->snd_una, tp->snd_max, blk, n, &res);
	tcp_rack_prune(&tp->t_rack, tp->snd_una);
	if (res.sr_dsack) {
		tcpstat.tcps_rcvdsack++;
		/* Data came twice: reordering, or a retransmission too soon. */
		tp->t_rack.rk_reord = true;
		tcp_rack_dsack(&tp->t_rack, tp->snd_una, tp->snd_max);
	}
	tcp_tlp_ack(tp, &res);
	tcp_rack_check(tp);
	tcp_sack_progress(tp);
	/* RFC 8985 7.2: an ACK of new data restarts the probe timer. */
	if (advanced)
		tcp_tlp_arm(tp);
}

void
tcp_rack_timeout(struct tcpcb *tp)
{
	tcpstat.tcps_racktimeo++;
	tcp_rack_check(tp);
	tcp_sack_progress(tp);
}

void
tcp_sack_timeout(struct tcpcb *tp)
{
	tcp_sackboard_reset(&tp->t_sackboard);
	tcp_timer_clear(tp, TCPT_RACK);
	tcp_timer_clear(tp, TCPT_TLP);
	tp->t_flags &= ~TF_TLP;
}
