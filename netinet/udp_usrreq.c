/*
 * UDP (RFC 768; RFC 1122 section 4.1).
 *
 * Input finds the socket by exact 4-tuple first, then by bound address and
 * port; a broadcast goes to every socket bound to its port.  A datagram for
 * a port nobody listens on is answered with ICMP port unreachable (RFC 1122
 * 4.1.3.1), never for a broadcast.  Hard ICMP errors about datagrams we
 * sent are reported to connected sockets as errors (ECONNREFUSED for port
 * unreachable), as Linux does; unconnected sockets cannot be told.
 */
#include "rumpkern/config.h"
#include "rumpkern/kstat.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/udp.h"
#include "netinet/udp_var.h"

#define UDP_SNDBUF	(UDP_MAXDATA + 1024)	/* any datagram fits */

struct udpstat udpstat;
struct inpcbtable udbtable;
uint32_t udp_recvspace = UDP_RCVBUF;
static struct kstat_group udp_kstat;

static const struct kstat_desc udp_kstat_desc[] = {
	KSTAT_DESC(struct udpstat, udps_ipackets, "ipackets"),
	KSTAT_DESC(struct udpstat, udps_hdrops, "hdrops"),
	KSTAT_DESC(struct udpstat, udps_badlen, "badlen"),
	KSTAT_DESC(struct udpstat, udps_badsum, "badsum"),
	KSTAT_DESC(struct udpstat, udps_noport, "noport"),
	KSTAT_DESC(struct udpstat, udps_noportbcast, "noportbcast"),
	KSTAT_DESC(struct udpstat, udps_fullsock, "fullsock"),
	KSTAT_DESC(struct udpstat, udps_closed, "closed"),
	KSTAT_DESC(struct udpstat, udps_nobufs, "nobufs"),
	KSTAT_DESC(struct udpstat, udps_delivered, "delivered"),
	KSTAT_DESC(struct udpstat, udps_opackets, "opackets"),
	KSTAT_DESC(struct udpstat, udps_onobufs, "onobufs"),
	KSTAT_DESC(struct udpstat, udps_oqdrops, "oqdrops"),
};
CTASSERT(__arraycount(udp_kstat_desc) ==
    sizeof(struct udpstat) / sizeof(uint64_t));

void
udp_init(void)
{
	in_pcbtable_init(&udbtable, "udp", 256);
	kstat_register(&udp_kstat, "udp", udp_kstat_desc,
	    __arraycount(udp_kstat_desc), &udpstat);
}

void
udp_fini(void)
{
	kstat_unregister(&udp_kstat);
	in_pcbtable_fini(&udbtable);
}

/* ---- input ---- */

/* Hands one datagram (data only) with its source to inp's socket. */
static void
udp_deliver(struct inpcb *inp, struct mbuf *m, const struct sockaddr_in *src)
{
	struct socket *so = inp->inp_socket;

	if (so->so_state & SS_CANTRCVMORE) {
		udpstat.udps_closed++;
		m_freem(m);
		return;
	}
	if (sbappendaddr(&so->so_rcv, (const struct sockaddr *)src,
	    sizeof(*src), m, NULL) != 0) {
		udpstat.udps_fullsock++;
		so->so_rcvdrops++;
		m_freem(m);
		return;
	}
	udpstat.udps_delivered++;
	sorwakeup(so);
}

struct udp_bcast {
	struct mbuf *data;		/* the payload, copied for each socket */
	const struct sockaddr_in *src;
	struct in_addr dst;
	int nmatched;			/* sockets it was for */
};

static void
udp_deliver_bcast(struct inpcb *inp, void *arg)
{
	struct udp_bcast *b = arg;
	struct mbuf *copy;

	if (inp->inp_laddr.s_addr != INADDR_ANY &&
	    inp->inp_laddr.s_addr != b->dst.s_addr)
		return;
	if (inp->inp_faddr.s_addr != INADDR_ANY &&
	    (inp->inp_faddr.s_addr != b->src->sin_addr.s_addr ||
	    inp->inp_fport != b->src->sin_port))
		return;
	b->nmatched++;
	copy = m_copym(b->data, 0, M_COPYALL, M_DONTWAIT);
	if (copy == NULL) {
		udpstat.udps_nobufs++;
		return;
	}
	udp_deliver(inp, copy, b->src);
}

/* Checks the UDP header of m (IP header at 0, UDP at off); 0 or a counter. */
static uint64_t *
udp_validate(struct mbuf **mp, int off)
{
	struct mbuf *m = *mp;
	struct ip *ip;
	struct udphdr *uh;
	int iplen, ulen;

	if (m->m_pkthdr.len < off + (int)sizeof(*uh))
		return &udpstat.udps_hdrops;
	if (m->m_len < off + (int)sizeof(*uh) &&
	    (*mp = m = m_pullup(m, off + (int)sizeof(*uh))) == NULL)
		return &udpstat.udps_nobufs;
	ip = mtod(m, struct ip *);
	uh = (struct udphdr *)(void *)(mtod(m, char *) + off);
	iplen = m->m_pkthdr.len - off;
	ulen = ntohs(uh->uh_ulen);
	if (ulen < (int)sizeof(*uh) || ulen > iplen)
		return &udpstat.udps_badlen;
	if (ulen < iplen)
		m_adj(m, ulen - iplen);
	/* A zero checksum means none was computed (RFC 768). */
	if (uh->uh_sum != 0 && !(m->m_pkthdr.csum_flags & M_CSUM_DATA_OK) &&
	    in_cksum_fold(in_cksum_add_mbuf(in_pseudo(ip->ip_src, ip->ip_dst,
	    IPPROTO_UDP, (uint16_t)ulen), m, off, ulen)) != 0)
		return &udpstat.udps_badsum;
	return NULL;
}

void
udp_input(struct mbuf *m, int off, int proto)
{
	struct sockaddr_in src;
	struct in_addr dst;
	struct udphdr uh;
	struct inpcb *inp;
	uint64_t *drop;
	bool bcast;

	(void)proto;
	NET_ASSERT_LOCKED();
	udpstat.udps_ipackets++;
	if ((drop = udp_validate(&m, off)) != NULL) {
		(*drop)++;
		if (m != NULL)
			m_freem(m);
		return;
	}
	m_copydata(m, off, sizeof(uh), &uh);
	sockaddr_in_init(&src, mtod(m, struct ip *)->ip_src, uh.uh_sport);
	dst = mtod(m, struct ip *)->ip_dst;
	bcast = (m->m_flags & (M_BCAST | M_MCAST)) ||
	    in_isbroadcast(dst, m->m_pkthdr.rcvif);
	if (bcast) {
		struct udp_bcast b = { .src = &src, .dst = dst };

		m_adj(m, off + (int)sizeof(uh));
		b.data = m;
		in_pcbforeach_port(&udbtable, uh.uh_dport, udp_deliver_bcast, &b);
		if (b.nmatched == 0)
			udpstat.udps_noportbcast++;
		m_freem(m);
		return;
	}
	inp = in_pcblookup(&udbtable, src.sin_addr, uh.uh_sport, dst,
	    uh.uh_dport);
	if (inp == NULL) {
		udpstat.udps_noport++;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PORT, 0);
		return;
	}
	m_adj(m, off + (int)sizeof(uh));
	udp_deliver(inp, m, &src);
}

/*
 * RFC 1122 4.1.3.3: ICMP errors are passed up to the application.  Which
 * become socket errors (failing the next call) is Linux's choice without
 * IP_RECVERR: the hard errors only, which say no datagram will get there
 * (port and protocol unreachable, fragmentation needed, parameter
 * problem), with Linux's errno values but for parameter problem: Linux
 * says EPROTO, which rumpkern/errno.h lacks.  Net and host unreachable and
 * time exceeded are soft (transient: a route may come back; RFC 1122
 * 4.2.3.9 says the same for TCP) and are not reported.
 */
void
udp_ctlinput(enum prc_cmd cmd, const struct sockaddr *dst, const void *vip,
    int iplen, uint32_t arg)
{
	static const int errmap[PRC_NCMDS] = {
		[PRC_UNREACH_PROTOCOL] = ENOPROTOOPT,
		[PRC_UNREACH_PORT] = ECONNREFUSED,
		[PRC_MSGSIZE] = EMSGSIZE,
		[PRC_PARAMPROB] = ENOPROTOOPT,
	};
	const struct ip *ip = vip;
	struct udphdr uh;
	int hlen;

	(void)dst;
	(void)arg;
	if ((unsigned)cmd >= PRC_NCMDS || errmap[cmd] == 0)
		return;
	hlen = IP_HL(ip);
	KASSERT(iplen >= hlen + 8);	/* icmp_notify checked the quote */
	memcpy(&uh, (const char *)ip + hlen, sizeof(uh));
	in_pcbnotify(&udbtable, ip->ip_dst, uh.uh_dport, ip->ip_src,
	    uh.uh_sport, errmap[cmd]);
}

/* ---- output ---- */

static int
udp_output(struct inpcb *inp, struct mbuf *m, const struct sockaddr_in *to)
{
	struct in_addr faddr, laddr = inp->inp_laddr;
	in_port_t fport;
	struct udpiphdr *ui;
	int len = m->m_pkthdr.len, error;
	uint16_t sum;

	if (to != NULL) {
		faddr = in_thishost(to->sin_addr, laddr);
		fport = to->sin_port;
		if (fport == 0) {
			error = EINVAL;
			goto release;
		}
	} else {
		faddr = inp->inp_faddr;
		fport = inp->inp_fport;
	}
	if (len > UDP_MAXDATA) {
		error = EMSGSIZE;
		goto release;
	}
	if (inp->inp_lport == 0 && (error = in_pcbbind(inp, NULL)) != 0)
		goto release;
	if (laddr.s_addr == INADDR_ANY &&
	    !in_isbroadcast(faddr, NULL) &&
	    (error = in_selectsrc_rc(faddr, &inp->inp_route, &laddr)) != 0)
		goto release;
	M_PREPEND(m, (int)sizeof(*ui), M_DONTWAIT);
	if (m == NULL) {
		udpstat.udps_onobufs++;
		return ENOBUFS;
	}
	ui = mtod(m, struct udpiphdr *);
	in_pcb_iphdr(inp, &ui->ui_ip, IPPROTO_UDP, laddr, faddr);
	ui->ui_udp.uh_sport = inp->inp_lport;
	ui->ui_udp.uh_dport = fport;
	ui->ui_udp.uh_ulen = htons((uint16_t)(len + sizeof(struct udphdr)));
	ui->ui_udp.uh_sum = 0;
	sum = in_cksum_fold(in_cksum_add_mbuf(in_pseudo(laddr, faddr,
	    IPPROTO_UDP, (uint16_t)(len + sizeof(struct udphdr))), m,
	    sizeof(struct ip), len + (int)sizeof(struct udphdr)));
	/* RFC 768: a computed zero is sent as all ones. */
	ui->ui_udp.uh_sum = htons(sum != 0 ? sum : 0xffff);
	udpstat.udps_opackets++;
	/*
	 * A queue full below us is a datagram lost on the way, as it could be
	 * anywhere on the path: not the sender's error (Linux says the same
	 * unless IP_RECVERR asks otherwise).
	 */
	error = ip_output(m, in_pcb_outflags(inp), &inp->inp_opts);
	if (error == ENOBUFS) {
		udpstat.udps_oqdrops++;
		error = 0;
	}
	return error;
release:
	m_freem(m);
	return error;
}

/* ---- user requests ---- */

static int
udp_attach(struct socket *so, int proto)
{
	int error;

	(void)proto;
	/* Neither can fail: udp_recvspace's sysctl keeps it within SB_MAX. */
	CTASSERT(UDP_SNDBUF <= SB_MAX);
	error = sbreserve(&so->so_snd, UDP_SNDBUF);
	KASSERT(error == 0);
	error = sbreserve(&so->so_rcv, udp_recvspace);
	KASSERT(error == 0);
	return in_pcballoc(so, &udbtable);
}

static int
udp_bind(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	int error = in_sockaddr_check(nam, len);

	if (error != 0)
		return error;
	return in_pcbbind(sotoinpcb(so), (const struct sockaddr_in *)nam);
}

static int
udp_connect(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	int error = in_sockaddr_check(nam, len);

	if (error != 0)
		return error;
	error = in_pcbconnect(sotoinpcb(so), (const struct sockaddr_in *)nam);
	if (error == 0)
		soisconnected(so);
	return error;
}

static int
udp_disconnect(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	/* The socket layer disconnects a connected socket only. */
	KASSERT(inp->inp_faddr.s_addr != INADDR_ANY);
	in_pcbdisconnect(inp);
	/*
	 * As on Linux: an address connect picked is forgotten, one the
	 * user bound is kept (else the socket would receive for addresses
	 * it never bound, which in_pcbinuse let others take).
	 */
	if (!(inp->inp_flags & INP_BOUNDADDR))
		inp->inp_laddr.s_addr = INADDR_ANY;
	so->so_state &= ~SS_ISCONNECTED;
	return 0;
}

static int
udp_send(struct socket *so, struct mbuf *m, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags)
{
	int error;

	if ((error = in_pcb_dgram_sendcheck(m, nam, namelen, control,
	    flags)) != 0)
		return error;
	/*
	 * An address given goes first, also on a connected socket: Linux
	 * sends there (BSD says EISCONN).
	 */
	return udp_output(sotoinpcb(so), m, (const struct sockaddr_in *)nam);
}

const struct pr_usrreqs udp_usrreqs = {
	.pr_attach = udp_attach,
	.pr_detach = in_pcb_detach,
	.pr_bind = udp_bind,
	.pr_connect = udp_connect,
	.pr_disconnect = udp_disconnect,
	.pr_shutdown = in_pcb_dgram_shutdown,
	.pr_abort = in_pcb_abort,
	.pr_send = udp_send,
	.pr_sockaddr = in_pcb_sockaddr,
	.pr_peeraddr = in_pcb_peeraddr,
};
