/*
 * TCP output: decides whether a segment is due and sends it (RFC 9293
 * 3.8.6 and 3.10.4): data as the send and congestion windows allow, with
 * Nagle's algorithm (RFC 1122 4.2.3.4) unless TCP_NODELAY, only full
 * segments under TCP_CORK, sender silly-window avoidance, window updates,
 * ACKs, SYN, FIN and RST.  The data of a segment is referenced from the
 * send buffer (m_copym_pos shares its clusters, found from where the last
 * segment ended), never copied; a retransmission references the same
 * bytes again.
 */
#include "rumpkern/ktime.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/socketvar.h"
#include "net/route.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "netinet/tcp_var.h"

/* The flags a segment carries in each state (RFC 9293 3.10). */
static const uint8_t tcp_outflags[] = {
	[TCPS_CLOSED] = TH_RST | TH_ACK,
	[TCPS_LISTEN] = 0,
	[TCPS_SYN_SENT] = TH_SYN,
	[TCPS_SYN_RECEIVED] = TH_SYN | TH_ACK,
	[TCPS_ESTABLISHED] = TH_ACK,
	[TCPS_CLOSE_WAIT] = TH_ACK,
	[TCPS_FIN_WAIT_1] = TH_FIN | TH_ACK,
	[TCPS_CLOSING] = TH_FIN | TH_ACK,
	[TCPS_LAST_ACK] = TH_FIN | TH_ACK,
	[TCPS_FIN_WAIT_2] = TH_ACK,
	[TCPS_TIME_WAIT] = TH_ACK,
};

/* What one pass of tcp_output decided to send. */
struct tcp_out {
	uint32_t off;			/* from snd_una to the data sent */
	uint32_t len;			/* data bytes */
	uint8_t flags;
	bool more;			/* another segment may follow */
	bool tso;			/* len may exceed a segment: TSO */
};

#define TCP_TSO_CAPS	(IFCAP_CSUM | IFCAP_TSO4)

/*
 * What the interface of the connection's route does for us now
 * (t_txoffload), so that segments leave the checksum and the cutting of
 * super-segments to it.  Looked up once per call that sends.
 */
static void
tcp_txoffload_refresh(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	struct sockaddr_in dst;
	struct rtentry *rt;

	tp->t_txoffload = 0;
	if (inp->inp_faddr.s_addr == htonl(INADDR_ANY))
		return;
	sockaddr_in_init(&dst, inp->inp_faddr, 0);
	rt = rtcache_lookup(&inp->inp_route, (const struct sockaddr *)&dst);
	if (rt == NULL)
		return;
	if (rt->rt_flags & RTF_UP)
		tp->t_txoffload = if_txoffload(rt->rt_ifp);
	rt_rele(rt);
}

/*
 * The most data one segment may carry: a full segment, or as many as fit
 * TCP_TSO_MAXLEN when the interface cuts super-segments.
 */
static uint32_t
tcp_segmax(const struct tcpcb *tp)
{
	uint32_t mss = tcp_effmss(tp);

	if ((tp->t_txoffload & TCP_TSO_CAPS) != TCP_TSO_CAPS ||
	    mss > TCP_TSO_MAXLEN / 2)
		return mss;
	return TCP_TSO_MAXLEN / mss * mss;
}

/*
 * The window we advertise: what the receive buffer has room for, zero
 * rather than a sliver (receiver silly-window avoidance, RFC 9293
 * 3.8.6.2.2), and never less than was offered already (never shrink).
 */
static uint32_t
tcp_advwin(const struct tcpcb *tp)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t win = tcp_rcvwnd(tp);

	if (win < so->so_rcv.sb_hiwat / 4 && win < tcp_effmss(tp))
		win = 0;
	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt))
		win = MAX(win, tp->rcv_adv - tp->rcv_nxt);
	return win;
}

/*
 * Whether the window has opened enough since last advertised to say so
 * in a segment of its own.  Only a peer that knows less than two
 * segments of window may be held back by it (sender silly-window
 * avoidance, RFC 9293 3.8.6.2.1); a peer that knows more sends, and the
 * ACKs of what it sends carry the new window.  So the window of a SYN,
 * never scaled (RFC 7323 2.2), is not followed by an update of its own
 * once the handshake completes.
 */
static bool
tcp_winupdate_due(const struct tcpcb *tp)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	int32_t known = (int32_t)(tp->rcv_adv - tp->rcv_nxt);
	uint32_t adv;

	if (!TCPS_HAVERCVDSYN(tp->t_state) || TCPS_RCVDFIN(tp->t_state))
		return false;
	if (known >= 2 * (int32_t)tcp_effmss(tp))
		return false;
	adv = tcp_advwin(tp) - (uint32_t)known;
	if ((int32_t)adv <= 0)
		return false;
	return adv >= 2 * tcp_effmss(tp) || 2 * adv >= so->so_rcv.sb_hiwat;
}

/* Data: how much may go now and whether it should (Nagle, SWS, cork). */
static bool
tcp_data_due(struct tcpcb *tp, struct tcp_out *o)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t mss = tcp_effmss(tp);
	bool idle = tp->snd_max == tp->snd_una;

	if (o->len == 0)
		return false;
	/* A FIN is kept only with the last data: closing pushes it out. */
	if (o->len >= mss || (tp->t_flags & TF_FORCE) || (o->flags & TH_FIN))
		return true;
	if (!(tp->t_flags & TF_CORK) && (idle || (tp->t_flags & TF_NODELAY)) &&
	    o->off + o->len >= so->so_snd.sb_cc)
		return true;
	if (tp->max_sndwnd > 0 && o->len >= tp->max_sndwnd / 2)
		return true;
	return SEQ_LT(tp->snd_nxt, tp->snd_max);
}

/*
 * The congestion window output may fill.  RFC 3042 (Limited Transmit):
 * each of the first two duplicate ACKs lets one new segment out beyond
 * cwnd, so that a loss in a small window still brings the third
 * duplicate ACK (or the SACKed segments IsLost needs) instead of a
 * retransmission timeout.  Only new data: not during recovery, nor while
 * resending after a timeout.
 */
static uint32_t
tcp_sendcwnd(const struct tcpcb *tp)
{
	uint32_t cwnd = tp->t_cc.cc_cwnd;

	if (tp->t_dupacks > 0 && tp->t_dupacks < TCP_SACK_DUPTHRESH &&
	    !(tp->t_flags & TF_FASTRECOVERY) && tp->snd_nxt == tp->snd_max)
		cwnd += (uint32_t)tp->t_dupacks * tcp_effmss(tp);
	return cwnd;
}

/* Fills o with what to send now; false when nothing is due. */
static bool
tcp_decide(struct tcpcb *tp, struct tcp_out *o)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t win = MIN(tp->snd_wnd, tcp_sendcwnd(tp));
	uint32_t sbcc = (uint32_t)so->so_snd.sb_cc, avail;

	memset(o, 0, sizeof(*o));
	o->flags = tcp_outflags[tp->t_state];
	o->off = tp->snd_nxt - tp->snd_una;
	if ((tp->t_flags & TF_FORCE) && win == 0)
		win = 1;
	if (o->flags & TH_SYN) {
		if (SEQ_GT(tp->snd_nxt, tp->snd_una)) {
			if (tp->t_state == TCPS_SYN_SENT)
				return false;
			o->flags &= (uint8_t)~TH_SYN;
			o->off--;
		}
		sbcc = 0;
	}
	if (o->flags & TH_RST)
		sbcc = 0;
	avail = MIN(sbcc, win);
	tp->t_cwnd_limited = sbcc > tp->t_cc.cc_cwnd &&
	    tp->t_cc.cc_cwnd <= tp->snd_wnd;
	if (avail > o->off) {
		o->len = avail - o->off;
	} else if (win == 0 && o->off > 0 && !(o->flags & TH_SYN)) {
		/* The window closed under data in flight: probe it instead. */
		tcp_timer_clear(tp, TCPT_REXMT);
		tp->snd_nxt = tp->snd_una;
		o->off = 0;
	}
	if (o->len > tcp_effmss(tp)) {
		uint32_t max = tcp_segmax(tp);

		o->tso = max > tcp_effmss(tp);
		if (o->len > max) {
			o->len = max;
			o->more = true;
		}
	}
	if ((o->flags & TH_FIN) && (o->off + o->len != sbcc ||
	    ((tp->t_flags & TF_SENTFIN) && tp->snd_nxt == tp->snd_max)))
		o->flags &= (uint8_t)~TH_FIN;
	if (tcp_data_due(tp, o))
		return true;
	o->len = 0;
	o->more = false;
	if ((tp->t_flags & TF_ACKNOW) || (o->flags & (TH_SYN | TH_RST)) ||
	    (o->flags & TH_FIN) || tcp_winupdate_due(tp))
		return true;
	/* Data waits for a window: the persist timer probes for it. */
	if (sbcc > o->off && !tcp_timer_isset(tp, TCPT_REXMT) &&
	    !tcp_timer_isset(tp, TCPT_PERSIST)) {
		tp->t_persist_shift = 0;
		tcp_setpersist(tp);
	}
	return false;
}

/*
 * The checksum, or what the interface needs to complete it; a segment of
 * more than segsz data is a super-segment the interface cuts.
 */
static void
tcp_build_cksum(const struct tcpcb *tp, struct mbuf *m, uint32_t len,
    uint32_t segsz)
{
	if (!(tp->t_txoffload & IFCAP_CSUM)) {
		tcp_cksum(m);
		return;
	}
	tcp_cksum_partial(m);
	if (len > segsz) {
		m->m_pkthdr.csum_flags |= M_CSUM_TSOv4;
		m->m_pkthdr.tso_segsz = segsz;
	}
}

/* Builds the segment: headers, options, and the data by reference. */
static struct mbuf *
tcp_build(struct tcpcb *tp, const struct tcp_out *o, uint32_t win,
    const uint8_t *opts, int olen)
{
	struct inpcb *inp = tp->t_inpcb;
	struct socket *so = inp->inp_socket;
	int hlen = (int)sizeof(struct tcpiphdr) + olen;
	struct tcpiphdr *ti;
	struct mbuf *m;

	if ((m = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL)
		return NULL;
	m_align(m, hlen);
	m->m_len = hlen;
	m->m_pkthdr.len = hlen + (int)o->len;
	if (o->len > 0 && (m->m_next = m_copym_pos(so->so_snd.sb_mb,
	    (int)o->off, (int)o->len, M_DONTWAIT, &tp->t_sndpos)) == NULL) {
		m_freem(m);
		return NULL;
	}
	ti = mtod(m, struct tcpiphdr *);
	memset(ti, 0, sizeof(*ti));
	ti->ti_ip.ip_vhl = IP_VHL(IPVERSION, sizeof(struct ip));
	ti->ti_ip.ip_p = IPPROTO_TCP;
	ti->ti_ip.ip_src = inp->inp_laddr;
	ti->ti_ip.ip_dst = inp->inp_faddr;
	ti->ti_tcp.th_sport = inp->inp_lport;
	ti->ti_tcp.th_dport = inp->inp_fport;
	ti->ti_tcp.th_seq = htonl(tp->snd_nxt);
	ti->ti_tcp.th_ack = htonl(o->flags & TH_ACK ? tp->rcv_nxt : 0);
	ti->ti_tcp.th_offx2 = (uint8_t)(hlen - sizeof(struct ip)) << 2;
	ti->ti_tcp.th_flags = o->flags;
	if (o->len > 0 && o->off + o->len == so->so_snd.sb_cc)
		ti->ti_tcp.th_flags |= TH_PUSH;
	/* RFC 7323 2.2: the window of a SYN is never scaled. */
	ti->ti_tcp.th_win = htons((uint16_t)MIN(o->flags & TH_SYN ? win :
	    win >> tp->rcv_scale, TCP_MAXWIN));
	memcpy(ti + 1, opts, olen);
	tcp_build_cksum(tp, m, o->len, tp->t_maxseg - (uint32_t)olen);
	return m;
}

static void
tcp_count(struct tcpcb *tp, const struct tcp_out *o)
{
	tcpstat.tcps_sndtotal++;
	if (tp->t_flags & TF_FORCE) {
		tcpstat.tcps_sndprobe++;
	} else if (o->len > 0 && SEQ_LT(tp->snd_nxt, tp->snd_max)) {
		tcpstat.tcps_sndrexmitpack++;
		tcpstat.tcps_sndrexmitbyte += o->len;
		tp->t_rexmits_total++;
	} else if (o->len > 0) {
		tcpstat.tcps_sndpack++;
		tcpstat.tcps_sndbyte += o->len;
	} else if (o->flags & TH_RST) {
		tcpstat.tcps_sndrst++;
	} else if (!(tp->t_flags & TF_ACKNOW) && tcp_winupdate_due(tp)) {
		tcpstat.tcps_sndwinup++;
	} else {
		tcpstat.tcps_sndacks++;
	}
}

/* The sequence space moves on; the first new segment is timed. */
static void
tcp_advance(struct tcpcb *tp, const struct tcp_out *o)
{
	tcp_seq start = tp->snd_nxt;

	tp->snd_nxt += o->len + ((o->flags & TH_SYN) != 0);
	if (o->flags & TH_FIN) {
		tp->snd_nxt++;
		tp->t_flags |= TF_SENTFIN;
	}
	if (!(o->flags & TH_SYN) && tp->snd_nxt != start)
		tcp_rack_note_sent(tp, start, tp->snd_nxt);
	if (SEQ_GT(tp->snd_nxt, tp->snd_max)) {
		tp->snd_max = tp->snd_nxt;
		tcp_tlp_arm(tp);
		if (tp->t_rtttime == 0) {
			tp->t_rtttime = tcp_now_us();
			tp->t_rtseq = start;
			tp->t_rtt_rexmit = false;
		}
	} else if (tp->t_rtttime != 0 && SEQ_LEQ(start, tp->t_rtseq) &&
	    SEQ_GT(tp->snd_nxt, tp->t_rtseq)) {
		tp->t_rtt_rexmit = true;	/* Karn: ambiguous now */
	}
	if (tp->snd_nxt != tp->snd_una && !tcp_timer_isset(tp, TCPT_REXMT) &&
	    !tcp_timer_isset(tp, TCPT_PERSIST))
		tcp_timer_set(tp, TCPT_REXMT, tcp_rexmt_timeout(tp));
}

/*
 * Cuts o to one segment of segsz data, or a super-segment to whole
 * segments unless it ends the data (the interface repeats our options in
 * every piece, so each carries segsz).
 */
static void
tcp_send_fit(const struct tcpcb *tp, struct tcp_out *o, uint32_t segsz)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t cut;

	if (o->len <= segsz)
		return;
	if (!o->tso)
		cut = o->len - segsz;
	else if (o->off + o->len < (uint32_t)so->so_snd.sb_cc)
		cut = o->len % segsz;
	else
		cut = 0;
	if (cut == 0)
		return;
	o->len -= cut;
	o->flags &= (uint8_t)~TH_FIN;
	o->more = true;
}

/* Sends the segment o describes, from SND.NXT. */
static int
tcp_send(struct tcpcb *tp, struct tcp_out *o)
{
	struct ip_opts ipo = tcp_ipopts(tp->t_inpcb);
	uint8_t opts[TCP_MAXOLEN];
	struct mbuf *m;
	uint32_t win;
	int olen;

	/* Options beyond timestamps (SACK blocks) take room from the data. */
	olen = tcp_addoptions(tp, o->flags, opts);
	tcp_send_fit(tp, o, tp->t_maxseg - (uint32_t)olen);
	win = tcp_advwin(tp);
	if ((m = tcp_build(tp, o, win, opts, olen)) == NULL) {
		tcpstat.tcps_sndnobufs++;
		/* Nothing went: the retransmission timer tries again. */
		if (tp->snd_una != tp->snd_max &&
		    !tcp_timer_isset(tp, TCPT_REXMT))
			tcp_timer_set(tp, TCPT_REXMT, tcp_rexmt_timeout(tp));
		return ENOBUFS;
	}
	tcp_count(tp, o);
	if (o->flags & TH_ACK) {
		uint32_t adv = o->flags & TH_SYN ? MIN(win, TCP_MAXWIN) :
		    MIN(win >> tp->rcv_scale, TCP_MAXWIN) << tp->rcv_scale;

		if (SEQ_GT(tp->rcv_nxt + adv, tp->rcv_adv))
			tp->rcv_adv = tp->rcv_nxt + adv;
		tp->last_ack_sent = tp->rcv_nxt;
		tp->t_flags &= ~(TF_ACKNOW | TF_DELACK | TF_ACKBATCH);
		tp->t_unacked_segs = 0;
		tcp_timer_clear(tp, TCPT_DELACK);
	}
	if (!(o->flags & TH_RST))
		tcp_advance(tp, o);
	/* A frame lost below us is lost as on the wire: RTO resends it. */
	(void)ip_output(m, 0, &ipo);
	return 0;
}

/* Sends one segment if one is due; *more when another may follow. */
static int
tcp_output_one(struct tcpcb *tp, bool *more)
{
	struct tcp_out o;
	int error;

	*more = false;
	if (!tcp_decide(tp, &o))
		return 0;
	error = tcp_send(tp, &o);
	*more = o.more;
	return error;
}

/*
 * Sends [seq, seq + len) whatever the windows say: what SACK recovery
 * chose (RFC 6675 NextSeg).  The range past the buffered data is our FIN.
 */
void
tcp_output_range(struct tcpcb *tp, tcp_seq seq, uint32_t len)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t sbcc = (uint32_t)so->so_snd.sb_cc;
	tcp_seq nxt = tp->snd_nxt;
	struct tcp_out o = {
		.off = seq - tp->snd_una,
		.len = len,
		.flags = TH_ACK,
	};

	if (o.off + o.len > sbcc) {
		o.len = o.off < sbcc ? sbcc - o.off : 0;
		if (tp->t_flags & TF_SENTFIN)
			o.flags |= TH_FIN;
	}
	tp->snd_nxt = seq;
	tcp_txoffload_refresh(tp);
	(void)tcp_send(tp, &o);
	if (SEQ_GT(nxt, tp->snd_nxt))
		tp->snd_nxt = nxt;
}

/* RFC 5681 4.1: after an idle period longer than an RTO, restart slowly. */
static void
tcp_idle_restart(struct tcpcb *tp)
{
	uint64_t now = tcp_now_us(), rto = tcp_rtt_rto(&tp->t_rtt);

	if (tp->snd_max != tp->snd_una || tp->t_idle_since == 0 ||
	    tp->t_state != TCPS_ESTABLISHED)
		return;
	if (now - tp->t_idle_since > rto)
		tcp_cc_idle(&tp->t_cc, now - tp->t_idle_since, rto);
	tp->t_idle_since = 0;
}

int
tcp_output(struct tcpcb *tp)
{
	bool more;
	int error;

	tcp_idle_restart(tp);
	tcp_txoffload_refresh(tp);
	do {
		error = tcp_output_one(tp, &more);
	} while (error == 0 && more);
	return error;
}

/*
 * One segment from SND.UNA, whatever the congestion window says: a fast
 * retransmission (RFC 5681 3.2 step 4) or a partial ACK's (RFC 6582).
 */
void
tcp_retransmit_first(struct tcpcb *tp)
{
	tcp_seq nxt = tp->snd_nxt;
	uint32_t cwnd = tp->t_cc.cc_cwnd;
	bool more;

	tp->snd_nxt = tp->snd_una;
	tp->t_cc.cc_cwnd = tcp_effmss(tp);
	tcp_txoffload_refresh(tp);
	(void)tcp_output_one(tp, &more);
	tp->t_cc.cc_cwnd = cwnd;
	if (SEQ_GT(nxt, tp->snd_nxt))
		tp->snd_nxt = nxt;
}

/*
 * The persist timer (RFC 9293 3.8.6.1): probes a zero window at the
 * retransmission timeout, doubling, between TCP_PERSMIN_MS and
 * TCP_PERSMAX_MS.
 */
void
tcp_setpersist(struct tcpcb *tp)
{
	uint64_t t = (uint64_t)tcp_rtt_rto(&tp->t_rtt) * 1000;

	t <<= MIN(tp->t_persist_shift, 16);
	t = MAX(t, (uint64_t)TCP_PERSMIN_MS * 1000000);
	t = MIN(t, (uint64_t)TCP_PERSMAX_MS * 1000000);
	tcp_timer_set(tp, TCPT_PERSIST, t);
	if (tp->t_persist_shift < 16)
		tp->t_persist_shift++;
}
