/*
 * TCP's life cycle: set-up and counters, making and freeing connection
 * blocks, segments sent outside a connection's own output (RST, ACK), the
 * MSS a route allows, and ICMP errors (RFC 9293 3.9.2.2, RFC 1122 4.2.3.9,
 * RFC 1191).
 */
#include "rumpkern/config.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kstat.h"
#include "rumpkern/rump_private.h"
#include "rumpkern/ktime.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "net/route.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "netinet/tcp_var.h"

KMEM_DEFINE(M_TCPCB, "tcpcb");

struct tcpstat tcpstat;
struct inpcbtable tcbtable;
static struct kstat_group tcp_kstat;

uint32_t tcp_sendspace = TCP_SENDSPACE;
uint32_t tcp_recvspace = TCP_RECVSPACE;
uint32_t tcp_rcvbuf_max = TCP_RCVBUF_MAX;
unsigned tcp_msl_ms = TCP_MSL_MS;
unsigned tcp_delack_ms = TCP_DELACK_MS;
unsigned tcp_syn_retries = TCP_SYN_RETRIES;
unsigned tcp_retries2 = TCP_RETRIES2;
unsigned tcp_challenge_limit = TCP_CHALLENGE_LIMIT;
uint64_t (*tcp_clock)(void) = getnsuptime;

#define TCPSTAT(f, n)	KSTAT_DESC(struct tcpstat, f, n)
static const struct kstat_desc tcp_kstat_desc[] = {
	TCPSTAT(tcps_rcvtotal, "rcvtotal"),
	TCPSTAT(tcps_rcvshort, "rcvshort"),
	TCPSTAT(tcps_rcvbadoff, "rcvbadoff"),
	TCPSTAT(tcps_rcvbadsum, "rcvbadsum"),
	TCPSTAT(tcps_rcvbadopt, "rcvbadopt"),
	TCPSTAT(tcps_rcvnobufs, "rcvnobufs"),
	TCPSTAT(tcps_rcvbcast, "rcvbcast"),
	TCPSTAT(tcps_noport, "noport"),
	TCPSTAT(tcps_rcvpack, "rcvpack"),
	TCPSTAT(tcps_rcvbyte, "rcvbyte"),
	TCPSTAT(tcps_rcvoopack, "rcvoopack"),
	TCPSTAT(tcps_rcvoobyte, "rcvoobyte"),
	TCPSTAT(tcps_rcvduppack, "rcvduppack"),
	TCPSTAT(tcps_rcvpartduppack, "rcvpartduppack"),
	TCPSTAT(tcps_rcvafterwin, "rcvafterwin"),
	TCPSTAT(tcps_rcvoutwin, "rcvoutwin"),
	TCPSTAT(tcps_rcvacktoomuch, "rcvacktoomuch"),
	TCPSTAT(tcps_rcvackold, "rcvackold"),
	TCPSTAT(tcps_rcvdupack, "rcvdupack"),
	TCPSTAT(tcps_rcvackpack, "rcvackpack"),
	TCPSTAT(tcps_rcvackbyte, "rcvackbyte"),
	TCPSTAT(tcps_rcvwinupd, "rcvwinupd"),
	TCPSTAT(tcps_rcvafterclose, "rcvafterclose"),
	TCPSTAT(tcps_pawsdrop, "pawsdrop"),
	TCPSTAT(tcps_rcvrst, "rcvrst"),
	TCPSTAT(tcps_rcvbadrst, "rcvbadrst"),
	TCPSTAT(tcps_challengeack, "challengeack"),
	TCPSTAT(tcps_challengelimit, "challengelimit"),
	TCPSTAT(tcps_badsyn, "badsyn"),
	TCPSTAT(tcps_listendrop, "listendrop"),
	TCPSTAT(tcps_syncookiesent, "syncookiesent"),
	TCPSTAT(tcps_syncookierecv, "syncookierecv"),
	TCPSTAT(tcps_syncookiebad, "syncookiebad"),
	TCPSTAT(tcps_connattempt, "connattempt"),
	TCPSTAT(tcps_accepts, "accepts"),
	TCPSTAT(tcps_connects, "connects"),
	TCPSTAT(tcps_drops, "drops"),
	TCPSTAT(tcps_conndrops, "conndrops"),
	TCPSTAT(tcps_closed, "closed"),
	TCPSTAT(tcps_sndtotal, "sndtotal"),
	TCPSTAT(tcps_sndpack, "sndpack"),
	TCPSTAT(tcps_sndbyte, "sndbyte"),
	TCPSTAT(tcps_sndrexmitpack, "sndrexmitpack"),
	TCPSTAT(tcps_sndrexmitbyte, "sndrexmitbyte"),
	TCPSTAT(tcps_sndacks, "sndacks"),
	TCPSTAT(tcps_delack, "delack"),
	TCPSTAT(tcps_sndrst, "sndrst"),
	TCPSTAT(tcps_sndprobe, "sndprobe"),
	TCPSTAT(tcps_sndwinup, "sndwinup"),
	TCPSTAT(tcps_sndnobufs, "sndnobufs"),
	TCPSTAT(tcps_rexmttimeo, "rexmttimeo"),
	TCPSTAT(tcps_timeoutdrop, "timeoutdrop"),
	TCPSTAT(tcps_persisttimeo, "persisttimeo"),
	TCPSTAT(tcps_keeptimeo, "keeptimeo"),
	TCPSTAT(tcps_keepprobe, "keepprobe"),
	TCPSTAT(tcps_keepdrops, "keepdrops"),
	TCPSTAT(tcps_fastrexmit, "fastrexmit"),
	TCPSTAT(tcps_recoveries, "recoveries"),
	TCPSTAT(tcps_rttupdated, "rttupdated"),
	TCPSTAT(tcps_reassfull, "reassfull"),
	TCPSTAT(tcps_timewait, "timewait"),
	TCPSTAT(tcps_twreuse, "twreuse"),
	TCPSTAT(tcps_twfinagain, "twfinagain"),
	TCPSTAT(tcps_twrstdrop, "twrstdrop"),
	TCPSTAT(tcps_twsyndrop, "twsyndrop"),
	TCPSTAT(tcps_sackrecoveries, "sackrecoveries"),
	TCPSTAT(tcps_sackrexmit, "sackrexmit"),
	TCPSTAT(tcps_sackrxtlost, "sackrxtlost"),
	TCPSTAT(tcps_rcvdsack, "rcvdsack"),
	TCPSTAT(tcps_racklost, "racklost"),
	TCPSTAT(tcps_racktimeo, "racktimeo"),
	TCPSTAT(tcps_tlpprobes, "tlpprobes"),
	TCPSTAT(tcps_tlprecovered, "tlprecovered"),
	TCPSTAT(tcps_spuriousrto, "spuriousrto"),
	TCPSTAT(tcps_rcvbufgrown, "rcvbufgrown"),
	TCPSTAT(tcps_pcbs, "pcbs"),
};
CTASSERT(__arraycount(tcp_kstat_desc) ==
    sizeof(struct tcpstat) / sizeof(uint64_t));

void
tcp_init(void)
{
	uint64_t msl;

	/* RUMP_TCP_MSL_MS shortens TIME_WAIT (tests, many short connections). */
	if (param_get_u64("RUMP_TCP_MSL_MS", 1, 3600 * 1000, &msl) == 0)
		tcp_msl_ms = (unsigned)msl;
	tcp_isn_init();
	in_pcbtable_init(&tcbtable, "tcp", 1024);
	kstat_register(&tcp_kstat, "tcp", tcp_kstat_desc,
	    __arraycount(tcp_kstat_desc), &tcpstat);
}

void
tcp_fini(void)
{
	struct inpcb *inp;

	/*
	 * Connections left in TIME_WAIT or closing have no user any more.
	 * Called with softnet_lock held (domain_detach).
	 */
	while ((inp = TAILQ_FIRST(&tcbtable.inpt_queue)) != NULL)
		tcp_close(intotcpcb(inp));
	kstat_unregister(&tcp_kstat);
	in_pcbtable_fini(&tcbtable);
}

struct tcpcb *
tcp_newtcpcb(struct inpcb *inp)
{
	struct tcpcb *tp = kmem_zalloc(&M_TCPCB, sizeof(*tp), KM_SLEEP);

	tp->t_inpcb = inp;
	tp->t_state = TCPS_CLOSED;
	tp->t_maxseg = TCP_MSS_DEFAULT;
	tp->t_flags = TF_REQ_SCALE | TF_REQ_TSTMP | TF_REQ_SACK;
	tcp_sackrcv_init(&tp->t_sackrcv);
	tp->t_quickack = TCP_QUICKACKS;
	tcp_rtt_init(&tp->t_rtt);
	tcp_cc_init(&tp->t_cc, NULL, TCP_MSS_DEFAULT);
	tp->t_keepidle = TCP_KEEPIDLE_S;
	tp->t_keepintvl = TCP_KEEPINTVL_S;
	tp->t_keepcnt = TCP_KEEPCNT_DEFAULT;
	TAILQ_INIT(&tp->t_segq);
	callout_init(&tp->t_callout, 0);
	callout_setfunc(&tp->t_callout, tcp_timer_callout, tp);
	inp->inp_ppcb = tp;
	tcpstat.tcps_pcbs++;
	return tp;
}

void
tcp_state_change(struct tcpcb *tp, int state)
{
	if (state == TCPS_TIME_WAIT && tp->t_state != TCPS_TIME_WAIT)
		tcpstat.tcps_timewait++;
	tp->t_state = state;
}

/*
 * Frees the connection.  The callout may be running and waiting for
 * softnet_lock: the tcpcb is made unreachable first (no PCB, TF_DEAD) so
 * that callout_halt may let it run, and it finds nothing to do.
 */
void
tcp_close(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	struct socket *so = inp->inp_socket;

	NET_ASSERT_LOCKED();
	tp->t_flags |= TF_DEAD;
	tp->t_state = TCPS_CLOSED;
	tcp_batch_remove(tp);
	tcp_reass_flush(tp);
	inp->inp_ppcb = NULL;
	soisdisconnected(so);
	in_pcbdetach(inp);
	callout_halt(&tp->t_callout, &softnet_lock);
	if (!(tp->t_flags & TF_INTIMER))
		callout_destroy(&tp->t_callout);
	kmem_free(&M_TCPCB, tp, sizeof(*tp));
	tcpstat.tcps_closed++;
	tcpstat.tcps_pcbs--;
}

void
tcp_drop(struct tcpcb *tp, int error)
{
	struct socket *so = tp->t_inpcb->inp_socket;

	if (TCPS_HAVERCVDSYN(tp->t_state)) {
		tcp_state_change(tp, TCPS_CLOSED);
		(void)tcp_output(tp);
		tcpstat.tcps_drops++;
	} else {
		tcpstat.tcps_conndrops++;
	}
	if (error == ETIMEDOUT && tp->t_softerror != 0)
		error = tp->t_softerror;
	so->so_error = error;
	tcp_close(tp);
}

/* The largest segment a route to faddr carries: its MTU less 40 bytes. */
uint32_t
tcp_mss_for(struct in_addr faddr)
{
	struct sockaddr_in sin;
	struct rtentry *rt;
	int mtu;

	sockaddr_in_init(&sin, faddr, 0);
	rt = rt_lookup((const struct sockaddr *)&sin);
	if (rt == NULL)
		return TCP_MSS_DEFAULT;
	mtu = rt->rt_mtu != 0 ? rt->rt_mtu : rt->rt_ifp->if_mtu;
	rt_rele(rt);
	mtu = MIN(mtu, IP_MAXPACKET);
	if (mtu < (int)sizeof(struct tcpiphdr) + 68)
		return TCP_MSS_DEFAULT;
	return (uint32_t)mtu - sizeof(struct tcpiphdr);
}

/* The IP options TCP sends with: DF unless the user said DONT (RFC 1191). */
struct ip_opts
tcp_ipopts(const struct inpcb *inp)
{
	struct ip_opts opts = inp->inp_opts;

	if (opts.ipo_pmtudisc == IP_PMTUDISC_WANT)
		opts.ipo_pmtudisc = IP_PMTUDISC_DO;
	return opts;
}

/* Fills in the TCP checksum of m (IP header at 0, TCP after it). */
void
tcp_cksum(struct mbuf *m)
{
	struct tcpiphdr *ti = mtod(m, struct tcpiphdr *);
	int tlen = m->m_pkthdr.len - (int)sizeof(struct ip);

	ti->ti_tcp.th_sum = 0;
	ti->ti_tcp.th_sum = htons(in_cksum_fold(in_cksum_add_mbuf(in_pseudo(
	    ti->ti_ip.ip_src, ti->ti_ip.ip_dst, IPPROTO_TCP, (uint16_t)tlen),
	    m, sizeof(struct ip), tlen)));
}

void
tcp_cksum_partial(struct mbuf *m)
{
	struct tcpiphdr *ti = mtod(m, struct tcpiphdr *);
	int tlen = m->m_pkthdr.len - (int)sizeof(struct ip);

	/* The folded sum itself, not its complement: Linux's convention. */
	ti->ti_tcp.th_sum = htons((uint16_t)~in_cksum_fold(in_pseudo(
	    ti->ti_ip.ip_src, ti->ti_ip.ip_dst, IPPROTO_TCP, (uint16_t)tlen)));
	m->m_pkthdr.csum_flags |= M_CSUM_PARTIAL;
	m->m_pkthdr.csum_data = (uint32_t)sizeof(struct ip) << 16 |
	    (uint32_t)offsetof(struct tcphdr, th_sum);
}

void
tcp_respond_raw(const struct tcp_ctl *c)
{
	struct tcpiphdr *ti;
	struct mbuf *m;
	int len = (int)sizeof(*ti) + c->olen;

	if ((m = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL) {
		tcpstat.tcps_sndnobufs++;
		return;
	}
	m_align(m, len);
	m->m_len = m->m_pkthdr.len = len;
	ti = mtod(m, struct tcpiphdr *);
	memset(ti, 0, sizeof(*ti));
	ti->ti_ip.ip_vhl = IP_VHL(IPVERSION, sizeof(struct ip));
	ti->ti_ip.ip_p = IPPROTO_TCP;
	ti->ti_ip.ip_src = c->src;
	ti->ti_ip.ip_dst = c->dst;
	ti->ti_tcp.th_sport = c->sport;
	ti->ti_tcp.th_dport = c->dport;
	ti->ti_tcp.th_seq = htonl(c->seq);
	ti->ti_tcp.th_ack = htonl(c->ack);
	ti->ti_tcp.th_offx2 = (uint8_t)((sizeof(struct tcphdr) + c->olen) << 2);
	ti->ti_tcp.th_flags = c->flags;
	ti->ti_tcp.th_win = htons((uint16_t)MIN(c->win, TCP_MAXWIN));
	memcpy(ti + 1, c->opts, c->olen);
	tcp_cksum(m);
	tcpstat.tcps_sndtotal++;
	if (c->flags & TH_RST)
		tcpstat.tcps_sndrst++;
	else if (!(c->flags & TH_SYN))
		tcpstat.tcps_sndacks++;
	(void)ip_output(m, 0, &c->ipo);
}

/* Fills in what a connection's own segments carry: window, options. */
static void
tcp_ctl_fromtp(struct tcpcb *tp, struct tcp_ctl *c)
{
	c->olen = tcp_addoptions(tp, c->flags, c->opts);
	c->win = tcp_rcvwnd(tp) >> tp->rcv_scale;
	c->ipo = tcp_ipopts(tp->t_inpcb);
}

void
tcp_respond(struct tcpcb *tp, const struct ip *ip, const struct tcphdr *th,
    tcp_seq seq, tcp_seq ack, uint8_t flags)
{
	struct tcp_ctl c = {
		.src = ip->ip_dst, .dst = ip->ip_src,
		.sport = th->th_dport, .dport = th->th_sport,
		.seq = seq, .ack = ack, .flags = flags,
		.ipo = { .ipo_ttl = IP_DEFTTL },
	};

	if (tp != NULL)
		tcp_ctl_fromtp(tp, &c);
	tcp_respond_raw(&c);
}

void
tcp_send_ctl(struct tcpcb *tp, tcp_seq seq, tcp_seq ack, uint8_t flags)
{
	const struct inpcb *inp = tp->t_inpcb;
	struct tcp_ctl c = {
		.src = inp->inp_laddr, .dst = inp->inp_faddr,
		.sport = inp->inp_lport, .dport = inp->inp_fport,
		.seq = seq, .ack = ack, .flags = flags,
	};

	tcp_ctl_fromtp(tp, &c);
	tcp_respond_raw(&c);
}

/*
 * RFC 9293 3.9.2.2 and RFC 1122 4.2.3.9: port and protocol unreachable
 * are hard errors that abort a connection being opened (ECONNREFUSED, as
 * Linux reports them); once established they, and net and host
 * unreachable, are soft: kept and reported only if the connection then
 * times out.  Fragmentation needed lowers the segment size (RFC 1191).
 * The ICMP message must quote a sequence number we have sent and not had
 * acknowledged (RFC 5927 4.1), else it is ignored.
 */
void
tcp_ctlinput(enum prc_cmd cmd, const struct sockaddr *dst, const void *vip,
    int iplen, uint32_t arg)
{
	static const int errmap[PRC_NCMDS] = {
		[PRC_UNREACH_NET] = ENETUNREACH,
		[PRC_UNREACH_HOST] = EHOSTUNREACH,
		[PRC_UNREACH_PROTOCOL] = ECONNREFUSED,
		[PRC_UNREACH_PORT] = ECONNREFUSED,
		[PRC_MSGSIZE] = EMSGSIZE,
	};
	const struct ip *ip = vip;
	struct tcphdr th;
	struct inpcb *inp;
	struct tcpcb *tp;
	tcp_seq seq;
	int hlen;

	(void)dst;
	if ((unsigned)cmd >= PRC_NCMDS || errmap[cmd] == 0)
		return;
	hlen = IP_HL(ip);
	KASSERT(iplen >= hlen + 8);	/* icmp_notify checked the quote */
	memcpy(&th, (const char *)ip + hlen, 8);
	inp = in_pcblookup_connect(&tcbtable, ip->ip_dst, th.th_dport,
	    ip->ip_src, th.th_sport);
	if (inp == NULL || (tp = intotcpcb(inp)) == NULL)
		return;
	seq = ntohl(th.th_seq);
	if (SEQ_LT(seq, tp->snd_una) || SEQ_GT(seq, tp->snd_max))
		return;
	if (cmd == PRC_MSGSIZE) {
		tcp_mtudisc(tp, arg);
		return;
	}
	if (tp->t_state == TCPS_SYN_SENT && errmap[cmd] == ECONNREFUSED) {
		tcp_drop(tp, ECONNREFUSED);
		return;
	}
	tp->t_softerror = errmap[cmd];
}

/*
 * RFC 1191 6.3: a router said the path carries at most mtu bytes; send
 * smaller segments from now on and resend what was lost.  An MTU of 0
 * (an old router) or one not below our segments changes nothing.
 */
void
tcp_mtudisc(struct tcpcb *tp, uint32_t mtu)
{
	if (mtu < 68 + sizeof(struct tcpiphdr) ||
	    mtu - sizeof(struct tcpiphdr) >= tp->t_maxseg)
		return;
	tp->t_maxseg = mtu - (uint32_t)sizeof(struct tcpiphdr);
	tcp_cc_setmss(&tp->t_cc, tcp_effmss(tp));
	tp->snd_nxt = tp->snd_una;
	(void)tcp_output(tp);
}
