/*
 * Raw IP sockets, as ping(8) uses them: a socket of protocol p receives a
 * copy of every IP packet of protocol p, IP header included, and sends
 * its data with an IP header the kernel prepends (or, with IP_HDRINCL, one
 * the caller wrote).  Linux and BSD behave alike here.
 */
#include "rumpkern/config.h"
#include "rumpkern/kstat.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/ip_raw.h"

#define RIP_SNDBUF	(IP_MAXPACKET + 1024)

struct rawstat rawstat;
struct inpcbtable rawtable;
uint32_t rip_recvspace = RIP_RCVBUF;
static struct kstat_group rip_kstat;

static const struct kstat_desc rip_kstat_desc[] = {
	KSTAT_DESC(struct rawstat, raws_delivered, "delivered"),
	KSTAT_DESC(struct rawstat, raws_fullsock, "fullsock"),
	KSTAT_DESC(struct rawstat, raws_nobufs, "nobufs"),
	KSTAT_DESC(struct rawstat, raws_noproto, "noproto"),
	KSTAT_DESC(struct rawstat, raws_opackets, "opackets"),
	KSTAT_DESC(struct rawstat, raws_oqdrops, "oqdrops"),
	KSTAT_DESC(struct rawstat, raws_badhdrincl, "badhdrincl"),
};
CTASSERT(__arraycount(rip_kstat_desc) ==
    sizeof(struct rawstat) / sizeof(uint64_t));

void
rip_init(void)
{
	in_pcbtable_init(&rawtable, "raw", 16);
	kstat_register(&rip_kstat, "raw", rip_kstat_desc,
	    __arraycount(rip_kstat_desc), &rawstat);
}

void
rip_fini(void)
{
	kstat_unregister(&rip_kstat);
	in_pcbtable_fini(&rawtable);
}

static bool
rip_matches(const struct inpcb *inp, const struct ip *ip, int proto)
{
	if (inp->inp_proto != 0 && inp->inp_proto != proto)
		return false;
	if (inp->inp_laddr.s_addr != INADDR_ANY &&
	    inp->inp_laddr.s_addr != ip->ip_dst.s_addr)
		return false;
	if (inp->inp_faddr.s_addr != INADDR_ANY &&
	    inp->inp_faddr.s_addr != ip->ip_src.s_addr)
		return false;
	return true;
}

void
rip_input(struct mbuf *m, int off, int proto)
{
	const struct ip *ip = mtod(m, const struct ip *);
	struct sockaddr_in src;
	struct inpcb *inp;
	int ndelivered = 0;

	(void)off;
	NET_ASSERT_LOCKED();
	sockaddr_in_init(&src, ip->ip_src, 0);
	TAILQ_FOREACH(inp, &rawtable.inpt_queue, inp_queue) {
		struct socket *so = inp->inp_socket;
		struct mbuf *copy;

		if (!rip_matches(inp, ip, proto) ||
		    (so->so_state & SS_CANTRCVMORE))
			continue;
		ndelivered++;
		copy = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
		if (copy == NULL) {
			rawstat.raws_nobufs++;
			continue;
		}
		if (sbappendaddr(&so->so_rcv, (const struct sockaddr *)&src,
		    sizeof(src), copy, NULL) != 0) {
			rawstat.raws_fullsock++;
			so->so_rcvdrops++;
			m_freem(copy);
			continue;
		}
		rawstat.raws_delivered++;
		sorwakeup(so);
	}
	/* Only we were asked to handle this protocol, and nobody wanted it. */
	if (ndelivered == 0 && ip_protosw((uint8_t)proto)->pr_input == rip_input &&
	    !(m->m_flags & (M_BCAST | M_MCAST))) {
		rawstat.raws_noproto++;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0);
		return;
	}
	m_freem(m);
}

/* Checks a caller-written IP header (IP_HDRINCL) before it is sent. */
static int
rip_check_hdrincl(struct mbuf **mp)
{
	struct ip *ip;
	int hlen;

	if ((*mp)->m_pkthdr.len < (int)sizeof(struct ip))
		return EINVAL;
	if ((*mp)->m_len < (int)sizeof(struct ip) &&
	    (*mp = m_pullup(*mp, sizeof(struct ip))) == NULL)
		return ENOBUFS;
	ip = mtod(*mp, struct ip *);
	hlen = IP_HL(ip);
	if (IP_V(ip) != IPVERSION || hlen < (int)sizeof(struct ip) ||
	    hlen > (*mp)->m_pkthdr.len)
		return EINVAL;
	/* ip_output fills the length; a length is the caller's promise. */
	if (ntohs(ip->ip_len) != 0 &&
	    ntohs(ip->ip_len) != (*mp)->m_pkthdr.len)
		return EINVAL;
	return 0;
}

static int
rip_output(struct inpcb *inp, struct mbuf *m, struct in_addr dst)
{
	int flags = in_pcb_outflags(inp), error;

	if (inp->inp_flags & INP_HDRINCL) {
		if ((error = rip_check_hdrincl(&m)) != 0) {
			rawstat.raws_badhdrincl++;
			if (m != NULL)
				m_freem(m);
			return error;
		}
		flags |= IP_RAWOUTPUT;
	} else {
		if (m->m_pkthdr.len + (int)sizeof(struct ip) > IP_MAXPACKET) {
			m_freem(m);
			return EMSGSIZE;
		}
		M_PREPEND(m, (int)sizeof(struct ip), M_DONTWAIT);
		if (m == NULL)
			return ENOBUFS;
		in_pcb_iphdr(inp, mtod(m, struct ip *), inp->inp_proto,
		    inp->inp_laddr, dst);
	}
	rawstat.raws_opackets++;
	/* A full queue below loses the packet on the way, as for UDP. */
	if ((error = ip_output(m, flags, &inp->inp_opts)) == ENOBUFS) {
		rawstat.raws_oqdrops++;
		error = 0;
	}
	return error;
}

static int
rip_attach(struct socket *so, int proto)
{
	int error;

	if (proto < 0 || proto >= IPPROTO_MAX)
		return EPROTONOSUPPORT;
	if ((error = sbreserve(&so->so_snd, RIP_SNDBUF)) != 0 ||
	    (error = sbreserve(&so->so_rcv, rip_recvspace)) != 0)
		return error;
	if ((error = in_pcballoc(so, &rawtable)) != 0)
		return error;
	sotoinpcb(so)->inp_proto = proto;
	/* IPPROTO_RAW sockets write their own headers (raw(7)). */
	if (proto == IPPROTO_RAW)
		sotoinpcb(so)->inp_flags |= INP_HDRINCL;
	return 0;
}

static int
rip_bind(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)nam;
	int error = in_sockaddr_check(nam, len);

	if (error != 0)
		return error;
	if (sin->sin_addr.s_addr != INADDR_ANY && !in_islocal(sin->sin_addr))
		return EADDRNOTAVAIL;
	sotoinpcb(so)->inp_laddr = sin->sin_addr;
	return 0;
}

static int
rip_connect(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)nam;
	int error = in_sockaddr_check(nam, len);

	if (error != 0)
		return error;
	sotoinpcb(so)->inp_faddr = sin->sin_addr;
	soisconnected(so);
	return 0;
}

/* The socket layer disconnects only a connected socket. */
static int
rip_disconnect(struct socket *so)
{
	sotoinpcb(so)->inp_faddr.s_addr = INADDR_ANY;
	so->so_state &= ~SS_ISCONNECTED;
	return 0;
}

static int
rip_send(struct socket *so, struct mbuf *m, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags)
{
	struct inpcb *inp = sotoinpcb(so);
	struct in_addr dst = inp->inp_faddr;
	int error;

	if ((error = in_pcb_dgram_sendcheck(m, nam, namelen, control,
	    flags)) != 0)
		return error;
	if (nam != NULL)
		dst = ((const struct sockaddr_in *)nam)->sin_addr;
	return rip_output(inp, m, in_thishost(dst, inp->inp_laddr));
}

const struct pr_usrreqs rip_usrreqs = {
	.pr_attach = rip_attach,
	.pr_detach = in_pcb_detach,
	.pr_bind = rip_bind,
	.pr_connect = rip_connect,
	.pr_disconnect = rip_disconnect,
	.pr_shutdown = in_pcb_dgram_shutdown,
	.pr_abort = in_pcb_abort,
	.pr_send = rip_send,
	.pr_sockaddr = in_pcb_sockaddr,
	.pr_peeraddr = in_pcb_peeraddr,
};
