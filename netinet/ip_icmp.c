/*
 * ICMP (RFC 792, RFC 1122 section 3.2.2): answering echo requests,
 * reporting errors about received packets to their protocols, and sending
 * errors about packets we could not deliver or forward.
 */
#include "rumpkern/config.h"
#include "rumpkern/kstat.h"
#include "rumpkern/ktime.h"
#include "rumpnet/domain.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/ip_private.h"

struct icmpstat icmpstat;
unsigned icmp_errppslimit = ICMP_ERRPPSLIMIT;
uint64_t (*icmp_clock)(void) = getnsuptime;

/* Room left in front of an error for the link header (Ethernet's). */
#define ICMP_LINKHDR	16

static struct kstat_group icmp_kstat;

#define ICMPSTAT(field, name)	KSTAT_DESC(struct icmpstat, field, name)
static const struct kstat_desc icmp_kstat_desc[] = {
	ICMPSTAT(icps_error, "error"),
	ICMPSTAT(icps_oldicmp, "oldicmp"),
	ICMPSTAT(icps_ratelimited, "ratelimited"),
	ICMPSTAT(icps_suppressed, "suppressed"),
	ICMPSTAT(icps_tooshort, "tooshort"),
	ICMPSTAT(icps_checksum, "checksum"),
	ICMPSTAT(icps_badtype, "badtype"),
	ICMPSTAT(icps_badcode, "badcode"),
	ICMPSTAT(icps_badlen, "badlen"),
	ICMPSTAT(icps_bmcastecho, "bmcastecho"),
	ICMPSTAT(icps_badaddr, "badaddr"),
	ICMPSTAT(icps_nobufs, "nobufs"),
	ICMPSTAT(icps_reflect, "reflect"),
	ICMPSTAT(icps_inhist[ICMP_ECHOREPLY], "in.echoreply"),
	ICMPSTAT(icps_inhist[ICMP_UNREACH], "in.unreach"),
	ICMPSTAT(icps_inhist[ICMP_SOURCEQUENCH], "in.sourcequench"),
	ICMPSTAT(icps_inhist[ICMP_REDIRECT], "in.redirect"),
	ICMPSTAT(icps_inhist[ICMP_ECHO], "in.echo"),
	ICMPSTAT(icps_inhist[ICMP_TIMXCEED], "in.timxceed"),
	ICMPSTAT(icps_inhist[ICMP_PARAMPROB], "in.paramprob"),
	ICMPSTAT(icps_inhist[ICMP_TSTAMP], "in.tstamp"),
	ICMPSTAT(icps_outhist[ICMP_ECHOREPLY], "out.echoreply"),
	ICMPSTAT(icps_outhist[ICMP_UNREACH], "out.unreach"),
	ICMPSTAT(icps_outhist[ICMP_TIMXCEED], "out.timxceed"),
	ICMPSTAT(icps_outhist[ICMP_PARAMPROB], "out.paramprob"),
};

/*
 * The rate limit (RFC 1812 4.3.2.8): a token bucket kept as nanoseconds
 * of credit by icmp_clock, at most one second's worth; an error costs
 * 1 s / icmp_errppslimit.
 */
static struct {
	uint64_t credit;
	uint64_t last;
} icmp_tb;

void
icmp_init(void)
{
	icmp_tb.credit = NSEC_PER_SEC;
	icmp_tb.last = icmp_clock();
	kstat_register(&icmp_kstat, "icmp", icmp_kstat_desc,
	    __arraycount(icmp_kstat_desc), &icmpstat);
}

void
icmp_fini(void)
{
	kstat_unregister(&icmp_kstat);
}

static bool
icmp_ratecheck(void)
{
	unsigned limit = icmp_errppslimit;
	uint64_t now = icmp_clock(), cost;

	if (limit == 0)
		return true;
	/* A clock set back (a test's) gives no credit, and no wrap. */
	if (now > icmp_tb.last)
		icmp_tb.credit = MIN(icmp_tb.credit + (now - icmp_tb.last),
		    NSEC_PER_SEC);
	icmp_tb.last = now;
	cost = NSEC_PER_SEC / limit;
	if (icmp_tb.credit < cost)
		return false;
	icmp_tb.credit -= cost;
	return true;
}

/*
 * Whether a is an address a single host may have (RFC 1122 3.2.1.3): not
 * 0.0.0.0, multicast, class E or a broadcast address of ifp's subnets (of
 * any interface's when ifp is NULL).
 */
static bool
icmp_unicast(struct in_addr a, struct ifnet *ifp)
{
	uint32_t h = ntohl(a.s_addr);

	if (h == INADDR_ANY || IN_MULTICAST(h) || IN_EXPERIMENTAL(h))
		return false;
	return !in_isbroadcast(a, ifp);
}

/* Whether m, sent to dst, was sent to many hosts (link or IP broadcast). */
static bool
icmp_tomany(const struct mbuf *m, struct in_addr dst)
{
	uint32_t h = ntohl(dst.s_addr);

	return (m->m_flags & (M_BCAST | M_MCAST)) || h == INADDR_BROADCAST ||
	    IN_MULTICAST(h) || in_isbroadcast(dst, m->m_pkthdr.rcvif);
}

/*
 * Whether an error of type may be sent about m (its IP header pulled up):
 * NULL if so, else the counter of why not.  Not about a packet too short
 * or malformed to quote.  RFC 1122 3.2.2: not about a non-initial
 * fragment, a datagram sent to a broadcast or multicast address (at the
 * link or IP level), one whose source does not name a single host, or
 * an ICMP error; and not beyond the rate limit.
 */
static uint64_t *
icmp_error_check(struct mbuf *m, int type)
{
	const struct ip *oip;
	int ohlen, olen;
	uint8_t itype;

	if (m->m_pkthdr.len < (int)sizeof(struct ip))
		return &icmpstat.icps_suppressed;
	oip = mtod(m, const struct ip *);
	ohlen = IP_HL(oip);
	olen = MIN(ntohs(oip->ip_len), m->m_pkthdr.len);
	if (ohlen < (int)sizeof(struct ip) || ohlen > olen)
		return &icmpstat.icps_suppressed;
	if ((ntohs(oip->ip_off) & IP_OFFMASK) != 0 ||
	    icmp_tomany(m, oip->ip_dst) ||
	    !icmp_unicast(oip->ip_src, m->m_pkthdr.rcvif))
		return &icmpstat.icps_suppressed;
	/* Queries are fine. */
	if (oip->ip_p == IPPROTO_ICMP && type != ICMP_REDIRECT) {
		if (olen < ohlen + 1)
			return &icmpstat.icps_oldicmp;
		m_copydata(m, ohlen, 1, &itype);
		if (!ICMP_INFOTYPE(itype))
			return &icmpstat.icps_oldicmp;
	}
	if (!icmp_ratecheck())
		return &icmpstat.icps_ratelimited;
	return NULL;
}

/*
 * The source of an error about oip: the address it was sent to if it is
 * ours, else that of the interface it came in on (RFC 1812 4.3.2.4), else
 * 0.0.0.0 for ip_output to take the route's.
 */
static struct in_addr
icmp_error_src(const struct ip *oip, struct ifnet *rcvif)
{
	struct in_addr any = { htonl(INADDR_ANY) };
	struct in_ifaddr *ia;

	if (in_islocal(oip->ip_dst))
		return oip->ip_dst;
	if (rcvif != NULL && (ia = in_ifaddr_first(rcvif)) != NULL)
		return ia->ia_addr;
	return any;
}

/*
 * The error of type and code about m: an IP header, the ICMP header, and
 * as much of m as fits in 576 bytes (RFC 1812 4.3.2.3; RFC 792 asks for
 * the header and 8 bytes).  NULL when out of mbufs.
 */
static struct mbuf *
icmp_error_build(const struct mbuf *m, int type, int code, uint32_t arg)
{
	const struct ip *oip = mtod(m, const struct ip *);
	int olen = MIN(ntohs(oip->ip_len), m->m_pkthdr.len);
	int quote = MIN(olen, ICMP_MAXERRLEN - (int)sizeof(struct ip) -
	    ICMP_MINLEN);
	int total = (int)sizeof(struct ip) + ICMP_MINLEN + quote;
	struct ip *nip;
	struct icmp *icp;
	struct mbuf *n;

	if (total + ICMP_LINKHDR <= MHLEN)
		n = m_gethdr(M_DONTWAIT, MT_HEADER);
	else
		n = m_getcl(M_DONTWAIT, MT_HEADER, M_PKTHDR);
	if (n == NULL)
		return NULL;
	m_align(n, total);
	n->m_len = n->m_pkthdr.len = total;
	n->m_pkthdr.rcvif = m->m_pkthdr.rcvif;
	nip = mtod(n, struct ip *);
	icp = (struct icmp *)(void *)(nip + 1);
	memset(nip, 0, sizeof(*nip) + ICMP_MINLEN);
	m_copydata(m, 0, quote, icp + 1);
	icp->icmp_type = (uint8_t)type;
	icp->icmp_code = (uint8_t)code;
	if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG)
		icp->icmp_hun.frag.mtu = htons((uint16_t)arg);
	else if (type == ICMP_PARAMPROB)
		icp->icmp_hun.pp.ptr = (uint8_t)arg;
	icp->icmp_cksum = htons(in_cksum(n, sizeof(struct ip),
	    ICMP_MINLEN + quote));
	nip->ip_vhl = IP_VHL(IPVERSION, sizeof(struct ip));
	nip->ip_ttl = IP_DEFTTL;
	nip->ip_p = IPPROTO_ICMP;
	nip->ip_dst = oip->ip_src;
	nip->ip_src = icmp_error_src(oip, m->m_pkthdr.rcvif);
	return n;
}

void
icmp_error(struct mbuf *m, int type, int code, uint32_t arg)
{
	struct mbuf *n;
	uint64_t *why;

	NET_ASSERT_LOCKED();
	KASSERT(m->m_flags & M_PKTHDR);
	KASSERT(type >= 0 && type <= ICMP_MAXTYPE);
	if (m->m_pkthdr.len >= (int)sizeof(struct ip) &&
	    m->m_len < (int)sizeof(struct ip) &&
	    (m = m_pullup(m, sizeof(struct ip))) == NULL) {
		icmpstat.icps_nobufs++;
		return;
	}
	if ((why = icmp_error_check(m, type)) != NULL) {
		(*why)++;
		goto drop;
	}
	if ((n = icmp_error_build(m, type, code, arg)) == NULL) {
		icmpstat.icps_nobufs++;
		goto drop;
	}
	m_freem(m);
	icmpstat.icps_error++;
	icmpstat.icps_outhist[type]++;
	(void)ip_output(n, 0, NULL);
	return;
drop:
	m_freem(m);
}

/*
 * Answers an echo request (RFC 792, RFC 1122 3.2.2.6): the same message
 * back with type echo reply, from the address it was sent to.  The
 * request's IP options are not returned.  Owns m.
 */
static void
icmp_echo(struct mbuf *m, int hlen)
{
	struct ip *ip = mtod(m, struct ip *);
	struct in_addr src = ip->ip_src, dst = ip->ip_dst;
	uint8_t tos = ip->ip_tos;
	struct icmp icp;
	uint16_t oldw, neww;

	/*
	 * Not to a broadcast or multicast request: an answer from every host
	 * of a subnet is an amplifier (Linux's icmp_echo_ignore_broadcasts;
	 * RFC 1122 3.2.2.6 leaves it to us).
	 */
	if (icmp_tomany(m, dst)) {
		icmpstat.icps_bmcastecho++;
		goto drop;
	}
	if (!icmp_unicast(src, m->m_pkthdr.rcvif)) {
		icmpstat.icps_badaddr++;
		goto drop;
	}
	m_adj(m, hlen);
	M_PREPEND(m, (int)sizeof(struct ip), M_DONTWAIT);
	if (m == NULL) {
		icmpstat.icps_nobufs++;
		return;
	}
	ip = mtod(m, struct ip *);
	memset(ip, 0, sizeof(*ip));
	ip->ip_vhl = IP_VHL(IPVERSION, sizeof(struct ip));
	ip->ip_tos = tos;
	ip->ip_ttl = IP_DEFTTL;
	ip->ip_p = IPPROTO_ICMP;
	ip->ip_src = dst;
	ip->ip_dst = src;

	/*
	 * The ICMP header may lie in storage shared with the copy given to
	 * raw sockets: it is changed through m_copyback, which unshares.
	 * The checksum is updated for the type (RFC 1624).
	 */
	m_copydata(m, sizeof(struct ip), ICMP_MINLEN, &icp);
	memcpy(&oldw, &icp, sizeof(oldw));
	icp.icmp_type = ICMP_ECHOREPLY;
	memcpy(&neww, &icp, sizeof(neww));
	icp.icmp_cksum = ip_cksum_adjust(icp.icmp_cksum, oldw, neww);
	if (m_copyback(m, sizeof(struct ip), ICMP_MINLEN, &icp) != 0) {
		icmpstat.icps_nobufs++;
		goto drop;
	}
	m->m_flags &= ~(M_BCAST | M_MCAST | M_LOOP);
	m->m_pkthdr.csum_flags = 0;
	icmpstat.icps_reflect++;
	icmpstat.icps_outhist[ICMP_ECHOREPLY]++;
	(void)ip_output(m, 0, NULL);
	return;
drop:
	m_freem(m);
}

/* What an error of this type and code reports; PRC_NCMDS: unknown code. */
static enum prc_cmd
icmp_prc(int type, int code)
{
	switch (type) {
	case ICMP_UNREACH:
		switch (code) {
		case ICMP_UNREACH_NET:
		case ICMP_UNREACH_NET_UNKNOWN:
		case ICMP_UNREACH_NET_PROHIB:
		case ICMP_UNREACH_TOSNET:
			return PRC_UNREACH_NET;
		case ICMP_UNREACH_HOST:
		case ICMP_UNREACH_SRCFAIL:
		case ICMP_UNREACH_HOST_UNKNOWN:
		case ICMP_UNREACH_ISOLATED:
		case ICMP_UNREACH_HOST_PROHIB:
		case ICMP_UNREACH_TOSHOST:
		case ICMP_UNREACH_FILTER_PROHIB:
		case ICMP_UNREACH_HOST_PRECEDENCE:
		case ICMP_UNREACH_PRECEDENCE_CUTOFF:
			return PRC_UNREACH_HOST;
		case ICMP_UNREACH_PROTOCOL:
			return PRC_UNREACH_PROTOCOL;
		case ICMP_UNREACH_PORT:
			return PRC_UNREACH_PORT;
		case ICMP_UNREACH_NEEDFRAG:
			return PRC_MSGSIZE;
		}
		break;
	case ICMP_TIMXCEED:
		if (code == ICMP_TIMXCEED_INTRANS)
			return PRC_TIMXCEED_INTRANS;
		if (code == ICMP_TIMXCEED_REASS)
			return PRC_TIMXCEED_REASS;
		break;
	case ICMP_PARAMPROB:
		if (code <= 2)
			return PRC_PARAMPROB;
		break;
	}
	return PRC_NCMDS;
}

/*
 * Reports an error to the protocol of the packet it quotes.  The quote
 * must hold the IP header and 8 bytes (RFC 792; RFC 1122 3.2.2: "the
 * first 8 octets of the original datagram's data"), which is what
 * transports need to find their connection.  Returns m (maybe moved by
 * m_pullup) or NULL when it was freed.
 */
static struct mbuf *
icmp_notify(struct mbuf *m, int off, int icmplen)
{
	const struct protosw *pr;
	struct sockaddr_in sin;
	struct icmp *icp;
	struct ip *iip;
	enum prc_cmd cmd;
	uint32_t arg = 0;
	int ihlen;

	if (icmplen < ICMP_ADVLENMIN) {
		icmpstat.icps_badlen++;
		return m;
	}
	if (m->m_len < off + ICMP_ADVLENMIN &&
	    (m = m_pullup(m, off + ICMP_ADVLENMIN)) == NULL) {
		icmpstat.icps_nobufs++;
		return NULL;
	}
	iip = (struct ip *)(void *)(mtod(m, char *) + off + ICMP_MINLEN);
	ihlen = IP_HL(iip);
	if (IP_V(iip) != IPVERSION || ihlen < (int)sizeof(struct ip) ||
	    icmplen < ICMP_MINLEN + ihlen + 8) {
		icmpstat.icps_badlen++;
		return m;
	}
	if (m->m_len < off + ICMP_MINLEN + ihlen + 8 &&
	    (m = m_pullup(m, off + ICMP_MINLEN + ihlen + 8)) == NULL) {
		icmpstat.icps_nobufs++;
		return NULL;
	}
	icp = (struct icmp *)(void *)(mtod(m, char *) + off);
	iip = (struct ip *)(void *)(icp + 1);
	cmd = icmp_prc(icp->icmp_type, icp->icmp_code);
	if (cmd == PRC_NCMDS) {
		icmpstat.icps_badcode++;
		return m;
	}
	if (cmd == PRC_MSGSIZE)
		arg = ntohs(icp->icmp_hun.frag.mtu);
	else if (cmd == PRC_PARAMPROB)
		arg = icp->icmp_hun.pp.ptr;
	pr = ip_protosw(iip->ip_p);
	if (pr != NULL && pr->pr_ctlinput != NULL) {
		sockaddr_in_init(&sin, iip->ip_dst, 0);
		pr->pr_ctlinput(cmd, (const struct sockaddr *)&sin, iip,
		    ihlen + 8, arg);
	}
	return m;
}

void
icmp_input(struct mbuf *m, int off, int proto)
{
	const struct protosw *rawpr;
	struct mbuf *copy;
	struct icmp *icp;
	int icmplen;
	uint8_t type;

	NET_ASSERT_LOCKED();
	KASSERT(off >= (int)sizeof(struct ip) && m->m_len >= off);
	icmplen = m->m_pkthdr.len - off;
	if (icmplen < ICMP_MINLEN) {
		icmpstat.icps_tooshort++;
		goto drop;
	}
	if (!(m->m_pkthdr.csum_flags & M_CSUM_DATA_OK) &&
	    in_cksum(m, off, icmplen) != 0) {
		icmpstat.icps_checksum++;
		goto drop;
	}
	if (m->m_len < off + ICMP_MINLEN &&
	    (m = m_pullup(m, off + ICMP_MINLEN)) == NULL) {
		icmpstat.icps_nobufs++;
		return;
	}
	icp = (struct icmp *)(void *)(mtod(m, char *) + off);
	type = icp->icmp_type;
	if (type > ICMP_MAXTYPE)
		icmpstat.icps_badtype++;
	else
		icmpstat.icps_inhist[type]++;

	/* Raw sockets see every valid message, whatever we do with it. */
	rawpr = ip_protosw(IPPROTO_RAW);
	if (rawpr != NULL && rawpr->pr_input != NULL &&
	    rawpr->pr_input != icmp_input) {
		if ((copy = m_copym(m, 0, M_COPYALL, M_DONTWAIT)) != NULL)
			rawpr->pr_input(copy, off, proto);
		else
			icmpstat.icps_nobufs++;
	}

	switch (type) {
	case ICMP_ECHO:
		icmp_echo(m, off);
		return;
	case ICMP_UNREACH:
	case ICMP_TIMXCEED:
	case ICMP_PARAMPROB:
		if ((m = icmp_notify(m, off, icmplen)) == NULL)
			return;
		break;
	default:
		/*
		 * Replies are for raw sockets (ping); source quench is
		 * ignored (RFC 6633), redirects too (we keep no route cache).
		 */
		break;
	}
drop:
	m_freem(m);
}
