/*
 * SYN cookies (RFC 4987 3.6): when a listener's queues are full, its
 * SYN-ACK carries the connection's state in the initial sequence number
 * instead of a new socket, and the ACK that completes the handshake
 * brings it back.  A flood of spoofed SYNs therefore takes no memory and
 * cannot crowd legitimate clients out.
 *
 * The cookie: bits 31-8 a keyed hash (tcp_hash4) of the 4-tuple, the
 * client's ISN, a counter of 64-second periods and the MSS index; bits 7-3 the counter's
 * low bits; bits 2-0 the index of the MSS in tcp_cookie_mss.  A cookie is
 * valid during two periods.  Options other than the MSS are not kept:
 * such a connection goes without window scaling and timestamps.
 */
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "netinet/tcp_var.h"

static const uint16_t tcp_cookie_mss[8] = {
	536, 1200, 1360, 1440, 1460, 4036, 8960, 16344,
};

static uint32_t
tcp_cookie_period(void)
{
	return (uint32_t)(tcp_now() / NSEC_PER_SEC / 64);
}

static uint32_t
tcp_cookie_make(const struct ip *ip, const struct tcphdr *th, tcp_seq irs,
    uint32_t period, unsigned mssidx)
{
	uint32_t h = tcp_hash4(ip->ip_dst, th->th_dport, ip->ip_src,
	    th->th_sport, irs ^ (period << 3 | mssidx));

	return (h & 0xffffff00u) | (period & 0x1f) << 3 | mssidx;
}

void
tcp_syncookie_send(struct socket *head, const struct ip *ip,
    const struct tcphdr *th, const struct tcp_seg *seg)
{
	uint32_t mss = MIN(seg->opts.to_flags & TOF_MSS ? seg->opts.to_mss :
	    TCP_MSS_DEFAULT, tcp_mss_for(ip->ip_src));
	unsigned idx = 0;
	struct tcp_ctl c = {
		.src = ip->ip_dst, .dst = ip->ip_src,
		.sport = th->th_dport, .dport = th->th_sport,
		.ack = seg->seq + 1, .flags = TH_SYN | TH_ACK,
		.ipo = tcp_ipopts(sotoinpcb(head)),
	};

	tcpstat.tcps_listendrop++;
	while (idx + 1 < __arraycount(tcp_cookie_mss) &&
	    tcp_cookie_mss[idx + 1] <= mss)
		idx++;
	c.seq = tcp_cookie_make(ip, th, seg->seq, tcp_cookie_period(), idx);
	c.win = MIN(sbspace(&head->so_rcv), TCP_MAXWIN);
	c.opts[0] = TCPOPT_MAXSEG;
	c.opts[1] = TCPOLEN_MAXSEG;
	be16enc(c.opts + 2, tcp_cookie_mss[idx]);
	c.olen = TCPOLEN_MAXSEG;
	tcpstat.tcps_syncookiesent++;
	sototcpcb(head)->t_cookie_sent = tcp_now();
	tcp_respond_raw(&c);
}

/* The MSS index of a valid cookie, or -1. */
static int
tcp_cookie_check(const struct tcp_in *ti)
{
	uint32_t cookie = ti->seg.ack - 1, now = tcp_cookie_period();
	tcp_seq irs = ti->seg.seq - 1;

	for (uint32_t p = now; p + 2 > now && p <= now; p--) {
		if (((cookie >> 3) & 0x1f) != (p & 0x1f))
			continue;
		if (tcp_cookie_make(&ti->ip, &ti->th, irs, p, cookie & 7) ==
		    cookie)
			return (int)(cookie & 7);
	}
	return -1;
}

/*
 * Whether the listener sent cookies while they are valid.  Then an ACK
 * without a valid one is dropped without a RST, as Linux does: it may be
 * a client's later segment whose cookie-bearing ACK was dropped for a full
 * accept queue (its sequence number no longer gives the ISN back), and a
 * RST would reset a legitimate connection.  Otherwise an ACK to a
 * listener gets a RST (RFC 9293 3.10.7.2).
 */
static bool
tcp_cookies_recent(struct socket *head)
{
	uint64_t sent = sototcpcb(head)->t_cookie_sent;

	return sent != 0 && tcp_now() - sent < 2 * 64 * NSEC_PER_SEC;
}

/*
 * Makes the connection the cookie describes, in SYN-RECEIVED as if our
 * SYN-ACK had been sent from it; the ACK then completes it as usual and
 * moves it to the accept queue, so it needs room there only: the
 * embryonic connections keep theirs.  Those may be a flood's, which time
 * out, or legitimate clients' that a burst of connections queued, which
 * must not be reset.  With the accept queue full the ACK is dropped
 * (RFC 4987 3.6); the client's next segment brings the cookie again.
 */
enum tcp_verdict
tcp_syncookie_ack(struct socket *head, const struct tcp_in *ti)
{
	struct sockaddr_in sin;
	struct socket *so;
	struct tcpcb *tp;
	int idx = tcp_cookie_check(ti);

	if (idx < 0) {
		tcpstat.tcps_syncookiebad++;
		return tcp_cookies_recent(head) ? TV_DROP : TV_DROPRST;
	}
	if (head->so_qlen >= head->so_qlimit ||
	    (so = sonewconn_unlimited(head, false)) == NULL) {
		tcpstat.tcps_listendrop++;
		return TV_DROP;
	}
	tp = sototcpcb(so);
	sotoinpcb(so)->inp_laddr = ti->ip.ip_dst;
	sotoinpcb(so)->inp_lport = ti->th.th_dport;
	sockaddr_in_init(&sin, ti->ip.ip_src, ti->th.th_sport);
	if (in_pcbconnect(sotoinpcb(so), &sin) != 0) {
		tcp_close(tp);
		return TV_DROP;
	}
	tp->t_flags &= ~(TF_REQ_SCALE | TF_REQ_TSTMP);
	tp->t_flags |= TF_SYNCOOKIE;
	tp->t_cc.cc_ops = sototcpcb(head)->t_cc.cc_ops;
	tp->iss = ti->seg.ack - 1;
	tp->snd_una = tp->snd_recover = tp->iss;
	tp->snd_nxt = tp->snd_max = tp->iss + 1;
	tcp_sackboard_init(&tp->t_sackboard, tp->iss + 1);
	tcp_rack_init(&tp->t_rack, tp->iss + 1);
	tcp_rcvseqinit(tp, ti->seg.seq - 1);
	tp->t_maxseg = MIN(tcp_cookie_mss[idx], tcp_mss_for(ti->ip.ip_src));
	tcp_cc_init(&tp->t_cc, tp->t_cc.cc_ops, tcp_effmss(tp));
	tp->snd_wl1 = ti->seg.seq - 1;
	tcp_state_change(tp, TCPS_SYN_RECEIVED);
	tcpstat.tcps_syncookierecv++;
	return TV_AGAIN;
}
