/*
 * TCP-level socket options, with Linux's names, numbers and limits:
 * TCP_NODELAY, TCP_CORK, TCP_MAXSEG, TCP_KEEPIDLE/INTVL/CNT, TCP_INFO and
 * TCP_CONGESTION.  Options of level IPPROTO_IP go to in_ctloutput.
 */
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/tcp_info.h"
#include "netinet/tcp_var.h"

#define TCP_MAXKEEPIDLE		32767	/* Linux's limits, seconds */
#define TCP_MAXKEEPINTVL	32767
#define TCP_MAXKEEPCNT		127

static void
tcp_fill_info(const struct tcpcb *tp, struct tcp_info *ti)
{
	const struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t mss = tcp_effmss(tp);

	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = (uint8_t)tp->t_state;
	ti->tcpi_ca_state = tp->t_flags & TF_FASTRECOVERY ? TCP_CA_RECOVERY :
	    tp->t_rxtshift > 0 ? TCP_CA_LOSS : TCP_CA_OPEN;
	ti->tcpi_retransmits = (uint8_t)MIN(tp->t_rxtshift, 255);
	ti->tcpi_probes = (uint8_t)MIN(tp->t_keepprobes, 255);
	ti->tcpi_backoff = (uint8_t)MIN(tp->t_rtt.rt_backoff, 255u);
	if (tp->t_flags & TF_RCVD_TSTMP)
		ti->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (tp->t_flags & TF_RCVD_SCALE) {
		ti->tcpi_options |= TCPI_OPT_WSCALE;
		ti->tcpi_wscale = (uint8_t)(tp->snd_scale | tp->rcv_scale << 4);
	}
	ti->tcpi_rto = tcp_rtt_rto(&tp->t_rtt);
	ti->tcpi_ato = tcp_delack_ms * 1000;
	ti->tcpi_snd_mss = mss;
	ti->tcpi_rcv_mss = mss;
	ti->tcpi_unacked = (tp->snd_max - tp->snd_una + mss - 1) / mss;
	ti->tcpi_pmtu = tp->t_maxseg + (uint32_t)sizeof(struct tcpiphdr);
	ti->tcpi_rcv_ssthresh = tcp_rcvwnd(tp);
	ti->tcpi_rtt = tp->t_rtt.rt_srtt;
	ti->tcpi_rttvar = tp->t_rtt.rt_rttvar;
	ti->tcpi_snd_ssthresh = tp->t_cc.cc_ssthresh / mss;
	ti->tcpi_snd_cwnd = tp->t_cc.cc_cwnd / mss;
	ti->tcpi_advmss = tp->t_maxseg;
	ti->tcpi_reordering = 3;
	ti->tcpi_rcv_space = (uint32_t)so->so_rcv.sb_hiwat;
	ti->tcpi_total_retrans = tp->t_rexmits_total;
}

static int
tcp_getopt(struct tcpcb *tp, struct sockopt *sopt)
{
	struct tcp_info info;
	char name[TCP_CA_NAME_MAX];

	switch (sopt->sopt_name) {
	case TCP_NODELAY:
		return sockopt_setint(sopt, (tp->t_flags & TF_NODELAY) != 0);
	case TCP_CORK:
		return sockopt_setint(sopt, (tp->t_flags & TF_CORK) != 0);
	case TCP_MAXSEG:
		return sockopt_setint(sopt, (int)(tp->t_state == TCPS_CLOSED ||
		    tp->t_state == TCPS_LISTEN ? (tp->t_usermss != 0 ?
		    tp->t_usermss : TCP_MSS_DEFAULT) : tcp_effmss(tp)));
	case TCP_KEEPIDLE:
		return sockopt_setint(sopt, (int)tp->t_keepidle);
	case TCP_KEEPINTVL:
		return sockopt_setint(sopt, (int)tp->t_keepintvl);
	case TCP_KEEPCNT:
		return sockopt_setint(sopt, (int)tp->t_keepcnt);
	case TCP_INFO:
		tcp_fill_info(tp, &info);
		return sockopt_set(sopt, &info, sizeof(info));
	case TCP_CONGESTION:
		memset(name, 0, sizeof(name));
		strlcpy(name, tp->t_cc.cc_ops->cc_name, sizeof(name));
		return sockopt_set(sopt, name, sizeof(name));
	default:
		return ENOPROTOOPT;
	}
}

static int
tcp_setcongestion(struct tcpcb *tp, const struct sockopt *sopt)
{
	char name[TCP_CA_NAME_MAX];
	const struct tcp_cc_ops *ops;
	size_t len = MIN(sopt->sopt_size, sizeof(name) - 1);

	memcpy(name, sopt->sopt_data, len);
	name[len] = '\0';
	if ((ops = tcp_cc_lookup(name)) == NULL)
		return ENOENT;
	tcp_cc_switch(&tp->t_cc, ops);
	return 0;
}

/* Sets an integer option within [lo, hi]; EINVAL outside. */
static int
tcp_setrange(uint32_t *field, int val, int lo, int hi)
{
	if (val < lo || val > hi)
		return EINVAL;
	*field = (uint32_t)val;
	return 0;
}

static void
tcp_setflag(struct tcpcb *tp, unsigned flag, int val)
{
	if (val)
		tp->t_flags |= flag;
	else
		tp->t_flags &= ~flag;
}

static int
tcp_setopt(struct tcpcb *tp, struct sockopt *sopt)
{
	int val, error;

	if (sopt->sopt_name == TCP_CONGESTION)
		return tcp_setcongestion(tp, sopt);
	if ((error = sockopt_getint(sopt, &val)) != 0)
		return error;
	switch (sopt->sopt_name) {
	case TCP_NODELAY:
		tcp_setflag(tp, TF_NODELAY, val);
		break;
	case TCP_CORK:
		tcp_setflag(tp, TF_CORK, val);
		break;
	case TCP_MAXSEG:
		/* Linux: 0 resets; otherwise 88 to 32767 bytes. */
		if (val != 0 && (val < 88 || val > 32767))
			return EINVAL;
		tp->t_usermss = (uint32_t)val;
		return 0;
	case TCP_KEEPIDLE:
		if ((error = tcp_setrange(&tp->t_keepidle, val, 1,
		    TCP_MAXKEEPIDLE)) != 0)
			return error;
		if (tp->t_state == TCPS_ESTABLISHED ||
		    tp->t_state == TCPS_CLOSE_WAIT)
			tcp_timer_set(tp, TCPT_KEEP, tcp_keepidle_ns(tp));
		return 0;
	case TCP_KEEPINTVL:
		return tcp_setrange(&tp->t_keepintvl, val, 1, TCP_MAXKEEPINTVL);
	case TCP_KEEPCNT:
		return tcp_setrange(&tp->t_keepcnt, val, 1, TCP_MAXKEEPCNT);
	default:
		return ENOPROTOOPT;
	}
	/* NODELAY or an uncork pushes what was held back. */
	if (TCPS_HAVERCVDSYN(tp->t_state))
		(void)tcp_output(tp);
	return 0;
}

int
tcp_ctloutput(int dir, struct socket *so, struct sockopt *sopt)
{
	struct inpcb *inp = sotoinpcb(so);
	struct tcpcb *tp;

	if (inp == NULL)
		return ECONNRESET;
	if (sopt->sopt_level != IPPROTO_TCP)
		return in_ctloutput(dir, inp, sopt);
	tp = intotcpcb(inp);
	return dir == SOPT_GET ? tcp_getopt(tp, sopt) : tcp_setopt(tp, sopt);
}
