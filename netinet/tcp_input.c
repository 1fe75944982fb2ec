/*
 * TCP input: segment arrival processing of RFC 9293 section 3.10.7, with
 * the RFC 5961 checks against blind attacks, PAWS (RFC 7323 5), delayed
 * ACKs (RFC 9293 3.8.6.3, RFC 5681 4.2) and duplicate-ACK counting for
 * fast retransmit (RFC 5681 3.2, RFC 6582).
 *
 * tcp_input validates the segment (length, offset, checksum, options),
 * finds the connection and dispatches on its state: LISTEN (3.10.7.2),
 * SYN-SENT (3.10.7.3), or a synchronized state (3.10.7.4), where the
 * checks run in the RFC's order: sequence number, RST, SYN, ACK, data,
 * FIN.  The segment's data travels on as an mbuf chain of data only and
 * is appended to the socket buffer without a copy.
 */
#include "rumpkern/kmem.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "netinet/tcp_var.h"

uint32_t
tcp_rcvwnd(const struct tcpcb *tp)
{
	long space = sbspace(&tp->t_inpcb->inp_socket->so_rcv);
	uint32_t max = (uint32_t)TCP_MAXWIN << tp->rcv_scale;

	if (space < 0)
		space = 0;
	return MIN((uint32_t)space, max);
}

/* ---- validation ---- */

/* Checks the header of m and pulls it up with its options; NULL: dropped. */
static struct mbuf *
tcp_validate(struct mbuf *m, int off, int *thlenp)
{
	const struct ip *ip;
	const struct tcphdr *th;
	int tlen = m->m_pkthdr.len - off, thlen;

	if (tlen < (int)sizeof(struct tcphdr)) {
		tcpstat.tcps_rcvshort++;
		goto drop;
	}
	if ((m = m_pullup(m, off + (int)sizeof(struct tcphdr))) == NULL) {
		tcpstat.tcps_rcvnobufs++;
		return NULL;
	}
	ip = mtod(m, const struct ip *);
	if (!(m->m_pkthdr.csum_flags & M_CSUM_DATA_OK) &&
	    in_cksum_fold(in_cksum_add_mbuf(in_pseudo(ip->ip_src, ip->ip_dst,
	    IPPROTO_TCP, (uint16_t)tlen), m, off, tlen)) != 0) {
		tcpstat.tcps_rcvbadsum++;
		goto drop;
	}
	th = (const struct tcphdr *)(const void *)(mtod(m, char *) + off);
	thlen = (th->th_offx2 >> 4) << 2;
	if (thlen < (int)sizeof(struct tcphdr) || thlen > tlen) {
		tcpstat.tcps_rcvbadoff++;
		goto drop;
	}
	if ((m = m_pullup(m, off + thlen)) == NULL) {
		tcpstat.tcps_rcvnobufs++;
		return NULL;
	}
	*thlenp = thlen;
	return m;
drop:
	m_freem(m);
	return NULL;
}

/* Fills ti from the validated m; false when the options are malformed. */
static bool
tcp_parse(struct mbuf *m, int off, int thlen, struct tcp_in *ti)
{
	const struct tcphdr *th;

	memcpy(&ti->ip, mtod(m, const void *), sizeof(ti->ip));
	th = (const struct tcphdr *)(const void *)(mtod(m, char *) + off);
	ti->th = *th;
	ti->seg.seq = ntohl(th->th_seq);
	ti->seg.ack = ntohl(th->th_ack);
	ti->seg.win = ntohs(th->th_win);
	ti->seg.flags = th->th_flags;
	ti->seg.len = m->m_pkthdr.len - off - thlen;
	if (!tcp_dooptions((const uint8_t *)(th + 1),
	    thlen - (int)sizeof(*th), &ti->seg.opts,
	    (th->th_flags & TH_SYN) != 0)) {
		tcpstat.tcps_rcvbadopt++;
		return false;
	}
	m_adj(m, off + thlen);
	ti->m = m;
	return true;
}

/* ---- answers ---- */

/*
 * RFC 9293 3.10.7.1: a segment for no connection is answered with RST,
 * unless it is a RST: <SEQ=SEG.ACK><CTL=RST> if it had an ACK, else
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 */
static void
tcp_reply_rst(const struct tcp_in *ti)
{
	const struct tcp_seg *seg = &ti->seg;

	if (seg->flags & TH_RST)
		return;
	if (seg->flags & TH_ACK)
		tcp_respond(NULL, &ti->ip, &ti->th, seg->ack, 0, TH_RST);
	else
		tcp_respond(NULL, &ti->ip, &ti->th, 0, seg->seq + (tcp_seq)
		    seg->len + ((seg->flags & TH_SYN) != 0) +
		    ((seg->flags & TH_FIN) != 0), TH_RST | TH_ACK);
}

/*
 * RFC 5961 section 7: challenge ACKs are limited to tcp_challenge_limit
 * per second and connection, so that they cannot be used to amplify.
 */
static void
tcp_challenge_ack(struct tcpcb *tp)
{
	uint64_t now = tcp_now();

	if (now - tp->t_challenge_since >= NSEC_PER_SEC) {
		tp->t_challenge_since = now;
		tp->t_challenge_acks = 0;
	}
	if (tp->t_challenge_acks >= tcp_challenge_limit) {
		tcpstat.tcps_challengelimit++;
		return;
	}
	tp->t_challenge_acks++;
	tcpstat.tcps_challengeack++;
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
}

/* ---- options agreed on a SYN ---- */

/* RFC 7323 2.2 and 3.2, RFC 9293 3.7.1: what a SYN tells us. */
void
tcp_syn_options(struct tcpcb *tp, const struct tcp_opts *to)
{
	uint32_t mss = to->to_flags & TOF_MSS ? to->to_mss : TCP_MSS_DEFAULT;

	if ((tp->t_flags & TF_REQ_SCALE) && (to->to_flags & TOF_SCALE)) {
		tp->t_flags |= TF_RCVD_SCALE;
		tp->snd_scale = to->to_wscale;
		tp->rcv_scale = tp->request_r_scale;
	} else {
		tp->t_flags &= ~TF_REQ_SCALE;
		tp->snd_scale = tp->rcv_scale = 0;
	}
	if ((tp->t_flags & TF_REQ_SACK) && (to->to_flags & TOF_SACKPERM))
		tp->t_flags |= TF_SACK_PERMIT;
	else
		tp->t_flags &= ~TF_REQ_SACK;
	if ((tp->t_flags & TF_REQ_TSTMP) && (to->to_flags & TOF_TS)) {
		tp->t_flags |= TF_RCVD_TSTMP;
		tp->ts_recent = to->to_tsval;
		tp->ts_recent_age = tcp_now();
	} else {
		tp->t_flags &= ~TF_REQ_TSTMP;
	}
	mss = MIN(mss, tcp_mss_for(tp->t_inpcb->inp_faddr));
	if (tp->t_usermss != 0)
		mss = MIN(mss, tp->t_usermss);
	tp->t_maxseg = MAX(mss, 64u);
	tcp_cc_init(&tp->t_cc, tp->t_cc.cc_ops, tcp_effmss(tp));
}

/* The receive window scale we ask for: enough for the largest buffer. */
static uint8_t
tcp_want_rcvscale(void)
{
	uint8_t s = 0;

	while (s < TCP_MAXWINSHIFT && ((uint32_t)TCP_MAXWIN << s) < SB_MAX)
		s++;
	return s;
}

/* Our half of a new connection: ISS and the send sequence space. */
void
tcp_sendseqinit(struct tcpcb *tp)
{
	tp->iss = tcp_new_isn(tp->t_inpcb);
	tp->ts_offset = tcp_new_tsoffset(tp->t_inpcb);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->snd_recover = tp->iss;
	tcp_sackboard_init(&tp->t_sackboard, tp->iss + 1);
	tcp_rack_init(&tp->t_rack, tp->iss + 1);
	tp->request_r_scale = tcp_want_rcvscale();
}

void
tcp_rcvseqinit(struct tcpcb *tp, tcp_seq irs)
{
	tp->irs = irs;
	tp->rcv_nxt = tp->rcv_adv = irs + 1;
	tp->last_ack_sent = tp->rcv_nxt;
}

/* ---- LISTEN (3.10.7.2) ---- */

/* A SYN for listener head: a new socket on its queue, in SYN-RECEIVED. */
static enum tcp_verdict
tcp_input_listen(struct socket *head, struct tcp_in *ti)
{
	struct tcp_seg *seg = &ti->seg;
	struct sockaddr_in sin;
	struct socket *so;
	struct inpcb *inp;
	struct tcpcb *tp;

	if (seg->flags & TH_RST)
		return TV_DROP;
	if (seg->flags & TH_ACK)
		return tcp_syncookie_ack(head, ti);
	if (!(seg->flags & TH_SYN) || (seg->flags & TH_FIN))
		return TV_DROP;
	if ((so = sonewconn(head, false)) == NULL) {
		tcp_syncookie_send(head, &ti->ip, &ti->th, seg);
		return TV_DROP;
	}
	inp = sotoinpcb(so);
	tp = intotcpcb(inp);
	inp->inp_laddr = ti->ip.ip_dst;
	inp->inp_lport = ti->th.th_dport;
	sockaddr_in_init(&sin, ti->ip.ip_src, ti->th.th_sport);
	if (in_pcbconnect(inp, &sin) != 0) {
		tcp_close(tp);
		return TV_DROP;
	}
	tp->t_flags |= intotcpcb(sotoinpcb(head))->t_flags &
	    (TF_NODELAY | TF_CORK);
	tp->t_usermss = intotcpcb(sotoinpcb(head))->t_usermss;
	tp->t_cc.cc_ops = intotcpcb(sotoinpcb(head))->t_cc.cc_ops;
	/* The listener's buffer size, auto-tuned if the user did not set it. */
	if (intotcpcb(sotoinpcb(head))->t_rcvbuf_auto == head->so_rcv.sb_hiwat)
		tp->t_rcvbuf_auto = (uint32_t)head->so_rcv.sb_hiwat;
	tcp_sendseqinit(tp);
	tcp_rcvseqinit(tp, seg->seq);
	tcp_syn_options(tp, &seg->opts);
	tp->snd_wnd = seg->win;		/* a SYN's window is never scaled */
	tp->max_sndwnd = tp->snd_wnd;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = tp->iss;
	tcp_state_change(tp, TCPS_SYN_RECEIVED);
	tcp_timer_set(tp, TCPT_KEEP, (uint64_t)TCP_CONNTIMEO_S * NSEC_PER_SEC);
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
	return TV_DROP;		/* data on a SYN is not taken: it comes again */
}

/* ---- SYN-SENT (3.10.7.3) ---- */

static enum tcp_verdict
tcp_input_synsent(struct tcpcb *tp, struct tcp_in *ti)
{
	struct tcp_seg *seg = &ti->seg;
	struct socket *so = tp->t_inpcb->inp_socket;

	if ((seg->flags & TH_ACK) &&
	    (SEQ_LEQ(seg->ack, tp->iss) || SEQ_GT(seg->ack, tp->snd_max)))
		return TV_DROPRST;
	if (seg->flags & TH_RST) {
		/* RFC 5961 3.2 in SYN-SENT: only if it acknowledges our SYN. */
		if (seg->flags & TH_ACK) {
			tcpstat.tcps_rcvrst++;
			tcp_drop(tp, ECONNREFUSED);
			return TV_DONE;
		}
		return TV_DROP;
	}
	if (!(seg->flags & TH_SYN))
		return TV_DROP;
	tcp_rcvseqinit(tp, seg->seq);
	tcp_syn_options(tp, &seg->opts);
	tp->snd_wl1 = seg->seq;
	if (!(seg->flags & TH_ACK)) {
		/* Simultaneous open: SYN-RECEIVED, our SYN again with an ACK. */
		tp->snd_wnd = seg->win;
		tcp_state_change(tp, TCPS_SYN_RECEIVED);
		tcp_timer_clear(tp, TCPT_REXMT);
		tp->snd_nxt = tp->snd_una;
		tp->t_flags |= TF_ACKNOW;
		return TV_OUTPUT;
	}
	tp->snd_una = seg->ack;
	tp->snd_wnd = seg->win << tp->snd_scale;
	tp->max_sndwnd = tp->snd_wnd;
	tp->snd_wl2 = seg->ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	tcp_ack_rtt(tp, seg);
	tcp_established(tp);
	soisconnected(so);
	tp->t_flags |= TF_ACKNOW;
	/* Data or FIN on the SYN-ACK continue as in ESTABLISHED (step 6). */
	seg->seq++;
	seg->flags &= (uint8_t)~TH_SYN;
	tp->rcv_wnd = tcp_rcvwnd(tp);
	tcp_trim_window(tp, ti);
	return tcp_input_data(tp, ti);
}

/* ---- synchronized states (3.10.7.4) ---- */

/*
 * RFC 7323 5.3 (PAWS): a segment whose timestamp is older than the last
 * one recorded is an old duplicate, unless ts_recent is 24 days old.
 */
bool
tcp_paws_reject(struct tcpcb *tp, const struct tcp_seg *seg)
{
	if (!(seg->opts.to_flags & TOF_TS) || !(tp->t_flags & TF_RCVD_TSTMP) ||
	    (seg->flags & TH_RST))
		return false;
	if ((int32_t)(seg->opts.to_tsval - tp->ts_recent) >= 0)
		return false;
	if (tcp_now() - tp->ts_recent_age > 24ULL * 24 * 3600 * NSEC_PER_SEC) {
		tp->ts_recent = 0;
		return false;
	}
	return true;
}

/*
 * RFC 9293 3.10.7.4, first check: is the segment in the window?  SEG.LEN
 * counts SYN and FIN, so that data received before with a FIN that was
 * not is acceptable for the FIN.
 */
static bool
tcp_seq_acceptable(const struct tcpcb *tp, const struct tcp_seg *seg)
{
	uint32_t wnd = tp->rcv_wnd;
	int slen = seg->len + ((seg->flags & TH_SYN) != 0) +
	    ((seg->flags & TH_FIN) != 0);
	tcp_seq end = seg->seq + (tcp_seq)slen - 1;

	if (slen == 0)
		return wnd == 0 ? seg->seq == tp->rcv_nxt :
		    SEQ_GEQ(seg->seq, tp->rcv_nxt) &&
		    SEQ_LT(seg->seq, tp->rcv_nxt + wnd);
	if (wnd == 0)
		return false;
	return (SEQ_GEQ(seg->seq, tp->rcv_nxt) &&
	    SEQ_LT(seg->seq, tp->rcv_nxt + wnd)) ||
	    (SEQ_GEQ(end, tp->rcv_nxt) && SEQ_LT(end, tp->rcv_nxt + wnd));
}

/*
 * Cuts what lies before RCV.NXT (duplicates, an old SYN) and beyond the
 * window from an acceptable segment, so that it starts at RCV.NXT
 * (3.10.7.4).  Acceptable, it ends at or past RCV.NXT (a FIN counted)
 * and starts inside the window: so at most its data is old, with a FIN
 * still to come, and never all of it lies beyond the window.
 */
void
tcp_trim_window(struct tcpcb *tp, struct tcp_in *ti)
{
	struct tcp_seg *seg = &ti->seg;
	int32_t todrop = (int32_t)(tp->rcv_nxt - seg->seq);

	if (todrop > 0 && (seg->flags & TH_SYN)) {
		seg->flags &= (uint8_t)~TH_SYN;
		seg->seq++;
		todrop--;
	}
	if (todrop > 0) {
		/* RFC 2883 4: report what came twice as a D-SACK. */
		if (tp->t_flags & TF_SACK_PERMIT)
			tcp_sackrcv_duplicate(&tp->t_sackrcv, tp->rcv_nxt,
			    seg->seq, seg->seq + (tcp_seq)todrop);
		if (todrop == seg->len) {
			/* All the data again, the FIN new: ACK at once. */
			tcpstat.tcps_rcvduppack++;
			tp->t_flags |= TF_ACKNOW;
		} else {
			tcpstat.tcps_rcvpartduppack++;
		}
		m_adj(ti->m, todrop);
		seg->seq += (tcp_seq)todrop;
		seg->len -= todrop;
	}
	todrop = (int32_t)(seg->seq + (tcp_seq)seg->len -
	    (tp->rcv_nxt + tp->rcv_wnd));
	if (todrop > 0) {
		tcpstat.tcps_rcvafterwin++;
		m_adj(ti->m, -todrop);
		seg->len -= todrop;
		seg->flags &= (uint8_t)~(TH_PUSH | TH_FIN);
	}
}

/*
 * RFC 9293 3.10.7.4, second check, with RFC 5961 3.2: a RST exactly at
 * RCV.NXT resets the connection; one elsewhere in the window only earns
 * a challenge ACK.
 */
static enum tcp_verdict
tcp_input_rst(struct tcpcb *tp, const struct tcp_seg *seg)
{
	if (seg->seq != tp->rcv_nxt) {
		tcp_challenge_ack(tp);
		return TV_DROP;
	}
	tcpstat.tcps_rcvrst++;
	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
		/*
		 * A passive open goes back to LISTEN: the embryo is freed; an
		 * active one is refused.  A RST is never answered.
		 */
		tp->t_inpcb->inp_socket->so_error = ECONNREFUSED;
		tcpstat.tcps_conndrops++;
		tcp_close(tp);
		break;
	case TCPS_ESTABLISHED: case TCPS_FIN_WAIT_1: case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
		tcp_state_change(tp, TCPS_CLOSED);
		tp->t_inpcb->inp_socket->so_error = ECONNRESET;
		tcpstat.tcps_drops++;
		tcp_close(tp);
		break;
	default:
		tcp_close(tp);
		break;
	}
	return TV_DONE;
}

static enum tcp_verdict
tcp_input_sync(struct tcpcb *tp, struct tcp_in *ti)
{
	struct tcp_seg *seg = &ti->seg;
	enum tcp_verdict v;

	tp->rcv_wnd = MAX(tcp_rcvwnd(tp), tp->rcv_adv - tp->rcv_nxt);
	if (tcp_paws_reject(tp, seg)) {
		tcpstat.tcps_pawsdrop++;
		return TV_DROPACK;
	}
	if (!tcp_seq_acceptable(tp, seg)) {
		if (seg->flags & TH_RST) {
			tcpstat.tcps_rcvoutwin++;
			tcpstat.tcps_rcvbadrst++;
			return TV_DROP;
		}
		if (seg->len == 0 ||
		    SEQ_GT(seg->seq + (tcp_seq)seg->len, tp->rcv_nxt)) {
			tcpstat.tcps_rcvoutwin++;
			return TV_DROPACK;
		}
		/* All of it came before; RFC 2883 4: reported as a D-SACK. */
		tcpstat.tcps_rcvduppack++;
		if (tp->t_flags & TF_SACK_PERMIT)
			tcp_sackrcv_duplicate(&tp->t_sackrcv, tp->rcv_nxt,
			    seg->seq, seg->seq + (tcp_seq)seg->len);
		return TV_DROPACK;
	}
	if (seg->flags & TH_RST)
		return tcp_input_rst(tp, seg);
	/* RFC 5961 4.2: a SYN in a synchronized state is challenged. */
	if ((seg->flags & TH_SYN) && SEQ_GEQ(seg->seq, tp->rcv_nxt)) {
		tcpstat.tcps_badsyn++;
		tcp_challenge_ack(tp);
		return TV_DROP;
	}
	tcp_trim_window(tp, ti);
	/* Any segment from the peer shows it is alive (RFC 1122 4.2.3.6). */
	tp->t_keepprobes = 0;
	if (tp->t_state == TCPS_ESTABLISHED || tp->t_state == TCPS_CLOSE_WAIT)
		tcp_timer_set(tp, TCPT_KEEP, tcp_keepidle_ns(tp));
	/* RFC 7323 4.3: record the timestamp of a segment at RCV.NXT. */
	if ((seg->opts.to_flags & TOF_TS) &&
	    SEQ_LEQ(seg->seq, tp->last_ack_sent) &&
	    SEQ_LEQ(tp->last_ack_sent, seg->seq + (tcp_seq)seg->len +
	    ((seg->flags & (TH_SYN | TH_FIN)) != 0))) {
		tp->ts_recent = seg->opts.to_tsval;
		tp->ts_recent_age = tcp_now();
	}
	if (!(seg->flags & TH_ACK))
		return tp->t_flags & TF_ACKNOW ? TV_DROPACK : TV_DROP;
	if ((v = tcp_input_ack(tp, ti)) != TV_OUTPUT)
		return v;
	return tcp_input_data(tp, ti);
}

/* ---- dispatch ---- */

static void
tcp_finish(struct tcpcb *tp, struct tcp_in *ti, enum tcp_verdict v)
{
	switch (v) {
	case TV_DONE:
	case TV_DROP:
	case TV_AGAIN:
		break;
	case TV_DROPACK:
		tp->t_flags |= TF_ACKNOW;
		(void)tcp_output(tp);
		break;
	case TV_DROPRST:
		tcp_reply_rst(ti);
		break;
	case TV_OUTPUT:
		if (tp->t_flags & TF_WAKESOR)
			tcp_batch_wakeup(tp);
		(void)tcp_output(tp);
		break;
	}
	if (ti->m != NULL)
		m_freem(ti->m);
}

/*
 * The connection or listener the segment is for; NULL: none, or the
 * segment is to a broadcast address (*bcast).  RFC 1122 4.2.3.10: a SYN
 * to a broadcast or multicast address is dropped, and nothing is ever
 * answered to one.  A connection's local address was unicast when it
 * opened (bind refuses the others, and so does this for a SYN), so only
 * a segment no connection takes is looked up in the broadcast addresses.
 */
static struct inpcb *
tcp_lookup(const struct tcp_in *ti, struct ifnet *rcvif, bool *bcast)
{
	struct inpcb *inp;

	inp = in_pcblookup_connect(&tcbtable, ti->ip.ip_src, ti->th.th_sport,
	    ti->ip.ip_dst, ti->th.th_dport);
	if (inp != NULL)
		return inp;
	if ((*bcast = in_isbroadcast(ti->ip.ip_dst, rcvif)))
		return NULL;
	inp = in_pcblookup_bind(&tcbtable, ti->ip.ip_dst, ti->th.th_dport);
	if (inp != NULL && (intotcpcb(inp) == NULL ||
	    intotcpcb(inp)->t_state != TCPS_LISTEN))
		return NULL;
	return inp;
}

void
tcp_input(struct mbuf *m, int off, int proto)
{
	struct ifnet *rcvif = m->m_pkthdr.rcvif;
	struct tcp_in ti;
	struct inpcb *inp;
	struct tcpcb *tp;
	enum tcp_verdict v;
	bool bcast = false;
	int thlen;

	(void)proto;
	NET_ASSERT_LOCKED();
	tcpstat.tcps_rcvtotal++;
	if (m->m_flags & (M_BCAST | M_MCAST)) {
		tcpstat.tcps_rcvbcast++;
		m_freem(m);
		return;
	}
	if ((m = tcp_validate(m, off, &thlen)) == NULL)
		return;
	if (!tcp_parse(m, off, thlen, &ti)) {
		m_freem(m);
		return;
	}
again:
	if ((inp = tcp_lookup(&ti, rcvif, &bcast)) == NULL && bcast) {
		tcpstat.tcps_rcvbcast++;
		m_freem(ti.m);
		return;
	}
	if (inp == NULL) {
		tcpstat.tcps_noport++;
		tcp_reply_rst(&ti);
		m_freem(ti.m);
		return;
	}
	tp = intotcpcb(inp);
	if (tp->t_state == TCPS_LISTEN) {
		v = tcp_input_listen(inp->inp_socket, &ti);
	} else if (tp->t_state == TCPS_SYN_SENT) {
		v = tcp_input_synsent(tp, &ti);
	} else if (tp->t_state == TCPS_TIME_WAIT) {
		v = tcp_timewait_input(tp, &ti);
	} else {
		v = tcp_input_sync(tp, &ti);
	}
	if (v == TV_AGAIN)
		goto again;
	tcp_finish(tp, &ti, v);
}
