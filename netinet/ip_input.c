/*
 * IPv4 input (RFC 791 section 3.2, RFC 1122 section 3.2.1) and forwarding
 * (RFC 1812 section 5).
 *
 * A received packet is validated in a fixed order, each check with its own
 * drop counter: length, version, header length, header checksum, total
 * length, source address, options.  What is addressed to us is reassembled
 * if it is a fragment and handed to its protocol through ip_protosw();
 * what is not is forwarded when ip_forwarding is on.  Every drop frees the
 * packet in one place per function (the label drop).
 */
#include "rumpkern/kstat.h"
#include "rumpnet/domain.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/ip_private.h"

struct ipstat ipstat;
bool ip_forwarding;

static struct kstat_group ip_kstat;

#define IPSTAT(field, name)	KSTAT_DESC(struct ipstat, field, name)
static const struct kstat_desc ip_kstat_desc[] = {
	IPSTAT(ips_total, "total"),
	IPSTAT(ips_toosmall, "toosmall"),
	IPSTAT(ips_badvers, "badvers"),
	IPSTAT(ips_badhlen, "badhlen"),
	IPSTAT(ips_badsum, "badsum"),
	IPSTAT(ips_badlen, "badlen"),
	IPSTAT(ips_badaddr, "badaddr"),
	IPSTAT(ips_badoptions, "badoptions"),
	IPSTAT(ips_nobufs, "nobufs"),
	IPSTAT(ips_notmember, "notmember"),
	IPSTAT(ips_delivered, "delivered"),
	IPSTAT(ips_noproto, "noproto"),
	IPSTAT(ips_cantforward, "cantforward"),
	IPSTAT(ips_forward, "forward"),
	IPSTAT(ips_ttlexceeded, "ttlexceeded"),
	IPSTAT(ips_fragments, "fragments"),
	IPSTAT(ips_fragdropped, "fragdropped"),
	IPSTAT(ips_fragbad, "fragbad"),
	IPSTAT(ips_fragdup, "fragdup"),
	IPSTAT(ips_fragoverlap, "fragoverlap"),
	IPSTAT(ips_fragoverflow, "fragoverflow"),
	IPSTAT(ips_fragtimeout, "fragtimeout"),
	IPSTAT(ips_reassembled, "reassembled"),
	IPSTAT(ips_toolong, "toolong"),
	IPSTAT(ips_localout, "localout"),
	IPSTAT(ips_noroute, "noroute"),
	IPSTAT(ips_bcastdenied, "bcastdenied"),
	IPSTAT(ips_obadhdr, "obadhdr"),
	IPSTAT(ips_fragmented, "fragmented"),
	IPSTAT(ips_ofragments, "ofragments"),
	IPSTAT(ips_cantfrag, "cantfrag"),
	IPSTAT(ips_odropped, "odropped"),
	IPSTAT(ips_swcsum, "swcsum"),
	IPSTAT(ips_swtso, "swtso"),
	IPSTAT(ips_badoffload, "badoffload"),
};
CTASSERT(__arraycount(ip_kstat_desc) == sizeof(struct ipstat) / sizeof(uint64_t));

void
ip_init(void)
{
	kstat_register(&ip_kstat, "ip", ip_kstat_desc,
	    __arraycount(ip_kstat_desc), &ipstat);
	icmp_init();
	ip_newid_init();
	ip_reass_init();
}

void
ip_fini(void)
{
	ip_reass_fini();
	icmp_fini();
	kstat_unregister(&ip_kstat);
}

/*
 * Checks the options (RFC 791 section 3.1): each is a type octet, and but
 * for EOL and NOP a length octet of at least 2 that stays inside the
 * header.  They are accepted and otherwise ignored: no source route is
 * followed, no route or timestamp recorded.  Returns 0, or 1 + the offset
 * in the header of the octet in error (for ICMP parameter problem).
 */
static int
ip_checkoptions(const uint8_t *hdr, int hlen)
{
	int off, optlen;

	for (off = sizeof(struct ip); off < hlen; off += optlen) {
		int opt = ip_option_at(hdr, hlen, off, &optlen);

		if (opt < 0)
			return 1 + off + optlen;
		if (opt == IPOPT_EOL)
			break;
	}
	return 0;
}

/*
 * A source no packet may come from (RFC 1122 3.2.1.3, RFC 1812 5.3.7):
 * limited or directed broadcast, multicast, class E, and loopback
 * addresses arriving from anywhere but a loopback interface.  0.0.0.0 is
 * allowed: a host that does not know its address yet uses it (DHCP).
 * A directed broadcast is one of any of our subnets, not only those of
 * the interface the packet came in on: the broadcast address of another
 * interface's subnet names no host either, and a packet from it would be
 * forwarded there, or answered by a broadcast.
 */
static bool
ip_martian_src(struct in_addr src, struct ifnet *ifp)
{
	uint32_t a = ntohl(src.s_addr);

	if (a == INADDR_ANY)
		return false;
	if (IN_MULTICAST(a) || IN_EXPERIMENTAL(a))	/* 255.255.255.255 too */
		return true;
	if (IN_LOOPBACK(a) && !(ifp->if_flags & IFF_LOOPBACK))
		return true;
	return in_isbroadcast(src, NULL);
}

/*
 * Forwards a packet not addressed to us (RFC 1812 section 5.2, 5.3).  The
 * route lookup, the unreachable and fragmentation-needed errors and the
 * fragmentation itself happen in ip_output(IP_FORWARDING).
 */
static void
ip_forward(struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	uint16_t oldw, neww;

	if (!ip_forwarding) {
		ipstat.ips_cantforward++;
		goto drop;
	}
	/*
	 * RFC 1812 5.3.4: a unicast packet received as a link-level broadcast
	 * or multicast is not forwarded; nor one from 0.0.0.0 (5.3.7).
	 */
	if ((m->m_flags & (M_BCAST | M_MCAST)) ||
	    ip->ip_src.s_addr == htonl(INADDR_ANY)) {
		ipstat.ips_cantforward++;
		goto drop;
	}
	/*
	 * RFC 1812 5.3.1: a packet whose TTL would reach 0 is not forwarded
	 * and its source is told so.  (The TTL of packets to us is not
	 * checked: RFC 1122 3.2.1.7.)
	 */
	if (ip->ip_ttl <= 1) {
		ipstat.ips_ttlexceeded++;
		icmp_error(m, ICMP_TIMXCEED, ICMP_TIMXCEED_INTRANS, 0);
		return;
	}
	/* Decrement the TTL, updating the checksum incrementally (RFC 1624). */
	memcpy(&oldw, &ip->ip_ttl, sizeof(oldw));
	ip->ip_ttl--;
	memcpy(&neww, &ip->ip_ttl, sizeof(neww));
	ip->ip_sum = ip_cksum_adjust(ip->ip_sum, oldw, neww);

	if (ip_output(m, IP_FORWARDING, NULL) == 0)
		ipstat.ips_forward++;
	return;
drop:
	m_freem(m);
}

/* Hands a packet addressed to us to its protocol, reassembling it first. */
static void
ip_deliver(struct mbuf *m)
{
	const struct protosw *pr;
	struct ip *ip = mtod(m, struct ip *);

	/* RFC 791 3.2, RFC 1122 3.3.2: fragments are reassembled here. */
	if (ip->ip_off & htons(IP_MF | IP_OFFMASK)) {
		ipstat.ips_fragments++;
		if ((m = ip_reass(m)) == NULL)
			return;
		ip = mtod(m, struct ip *);
	}
	pr = ip_protosw(ip->ip_p);
	if (pr == NULL || pr->pr_input == NULL) {
		/* RFC 1122 3.2.2.1; icmp_error stays silent about broadcasts. */
		ipstat.ips_noproto++;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0);
		return;
	}
	ipstat.ips_delivered++;
	pr->pr_input(m, IP_HL(ip), ip->ip_p);
}

/*
 * A destination no packet may be for (RFC 1122 3.2.1.3): 0.0.0.0, class
 * E but the limited broadcast, and loopback addresses arriving from
 * anywhere but a loopback interface.
 */
static bool
ip_martian_dst(struct in_addr dst, struct ifnet *ifp)
{
	uint32_t a = ntohl(dst.s_addr);

	return a == INADDR_ANY ||
	    (IN_EXPERIMENTAL(a) && a != INADDR_BROADCAST) ||
	    (IN_LOOPBACK(a) && !(ifp->if_flags & IFF_LOOPBACK));
}

/*
 * Validates the header of a packet received on ifp, in a fixed order:
 * length, version, header length, header checksum, total length, the
 * addresses.  Pulls the header up (*mp may change; it is NULL when the
 * packet was freed) and trims link padding.  NULL, or the counter of the
 * drop.
 */
static uint64_t *
ip_validate(struct mbuf **mp, struct ifnet *ifp)
{
	struct mbuf *m = *mp;
	struct ip *ip;
	int hlen, len;

	/* RFC 791 3.1: the header is at least 20 bytes ... */
	if (m->m_pkthdr.len < (int)sizeof(struct ip))
		return &ipstat.ips_toosmall;
	if (m->m_len < (int)sizeof(struct ip) &&
	    (*mp = m = m_pullup(m, sizeof(struct ip))) == NULL)
		return &ipstat.ips_nobufs;
	ip = mtod(m, struct ip *);
	/* ... of version 4 ... */
	if (IP_V(ip) != IPVERSION)
		return &ipstat.ips_badvers;
	/* ... whose IHL counts at least 5 words and fits in the packet. */
	hlen = IP_HL(ip);
	if (hlen < (int)sizeof(struct ip) || hlen > m->m_pkthdr.len)
		return &ipstat.ips_badhlen;
	if (m->m_len < hlen && (*mp = m = m_pullup(m, hlen)) == NULL)
		return &ipstat.ips_nobufs;
	ip = mtod(m, struct ip *);
	/* RFC 1122 3.2.1.2: a packet with a wrong checksum is dropped silently. */
	if (!(m->m_pkthdr.csum_flags & M_CSUM_IPv4_OK) &&
	    in_cksum(m, 0, hlen) != 0)
		return &ipstat.ips_badsum;
	/*
	 * The total length covers the header and is at most what the frame
	 * carries; a longer frame has link-level padding (Ethernet's minimum
	 * of 60 bytes), which is trimmed.
	 */
	len = ntohs(ip->ip_len);
	if (len < hlen || len > m->m_pkthdr.len)
		return &ipstat.ips_badlen;
	if (m->m_pkthdr.len > len)
		m_adj(m, len - m->m_pkthdr.len);
	/* RFC 1122 3.2.1.3, RFC 1812 5.3.7: martian addresses. */
	if (ip_martian_src(ip->ip_src, ifp) || ip_martian_dst(ip->ip_dst, ifp))
		return &ipstat.ips_badaddr;
	return NULL;
}

void
ip_input(struct ifnet *ifp, struct mbuf *m)
{
	struct in_addr dst;
	uint64_t *why;
	int hlen, bad;

	NET_ASSERT_LOCKED();
	KASSERT(m->m_flags & M_PKTHDR);
	m->m_pkthdr.rcvif = ifp;
	ipstat.ips_total++;
	if ((why = ip_validate(&m, ifp)) != NULL) {
		(*why)++;
		if (m != NULL)
			m_freem(m);
		return;
	}
	hlen = IP_HL(mtod(m, struct ip *));
	/* RFC 1122 3.2.1.8 and 3.2.2.5: malformed options. */
	if (hlen > (int)sizeof(struct ip) &&
	    (bad = ip_checkoptions(mtod(m, const uint8_t *), hlen)) != 0) {
		ipstat.ips_badoptions++;
		icmp_error(m, ICMP_PARAMPROB, 0, (uint32_t)(bad - 1));
		return;
	}
	/* From here on the header may be written (TTL, reassembly). */
	if ((m = ip_hdr_private(m, hlen)) == NULL) {
		ipstat.ips_nobufs++;
		return;
	}

	dst = mtod(m, struct ip *)->ip_dst;
	if (IN_MULTICAST(ntohl(dst.s_addr))) {
		/* No group membership yet (IGMP): nothing multicast is ours. */
		ipstat.ips_notmember++;
		m_freem(m);
		return;
	}
	/*
	 * Ours: one of our addresses on any interface (RFC 1122 3.3.4.2, the
	 * weak end-system model), the limited broadcast, or a broadcast
	 * address of the receiving interface's subnets.  Unicast to us, the
	 * common case, is asked first: each test is a hash lookup.
	 */
	if (in_islocal(dst) || dst.s_addr == htonl(INADDR_BROADCAST) ||
	    in_isbroadcast(dst, ifp))
		ip_deliver(m);
	else
		ip_forward(m);
}
