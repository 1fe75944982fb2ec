/*
 * IPv4 output (RFC 791 section 3.2, RFC 1122 section 3.3): routing,
 * source address selection, the header fields IP owns, and fragmentation.
 *
 * Packets to our own addresses need nothing special: they follow the
 * RTF_LOCAL host route that in.c adds for each address, whose interface
 * is lo0.
 */
#include "rumpkern/endian.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/ip_private.h"
#include "netinet/tcp.h"

static uint16_t ip_id;

void
ip_newid_init(void)
{
	ip_id = (uint16_t)cprng_u32();
}

uint16_t
ip_newid(void)
{
	return __atomic_fetch_add(&ip_id, 1, __ATOMIC_RELAXED);
}

struct mbuf *
ip_hdr_private(struct mbuf *m, int hlen)
{
	struct mbuf *n;

	if (m->m_len >= hlen && m_writable(m))
		return m;
	KASSERT(hlen <= MHLEN);
	if ((n = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL) {
		m_freem(m);
		return NULL;
	}
	m_move_pkthdr(n, m);
	m_align(n, hlen);
	m_copydata(m, 0, hlen, mtod(n, void *));
	n->m_len = hlen;
	m_adj(m, hlen);
	n->m_next = m;
	return n;
}

/*
 * The options of fragments after the first: those with the copied flag
 * (RFC 791 section 3.1, "copied flag"), padded with EOL to whole words.
 * Returns their length.
 */
static int
ip_optcopy(const uint8_t *hdr, int hlen, uint8_t *buf)
{
	int off, optlen, len = 0;

	for (off = sizeof(struct ip); off < hlen; off += optlen) {
		int opt = ip_option_at(hdr, hlen, off, &optlen);

		/* The end, or options input already refused. */
		if (opt <= IPOPT_EOL)
			break;
		if (IPOPT_COPIED(opt)) {
			memcpy(buf + len, hdr + off, optlen);
			len += optlen;
		}
	}
	while (len & 3)
		buf[len++] = IPOPT_EOL;
	return len;
}

/* Sends a list of packets (m_nextpkt); after the first error frees the rest. */
static int
ip_output_list(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt)
{
	struct mbuf *next;
	int error = 0;

	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		if (error == 0)
			error = if_output(ifp, m, dst, rt);
		else
			m_freem(m);
	}
	return error;
}

/*
 * Fragments m to the MTU (RFC 791 section 3.2, "Fragmentation") and sends
 * the fragments.  Every fragment but the last carries a multiple of 8
 * bytes: (mtu - header) & ~7.  The first keeps the whole header and is m
 * itself, trimmed; each later one is a new packet holding its header
 * (with the copied options only) followed by an m_copym of its data.  A
 * packet that was itself a fragment keeps its offset and MF.  Owns m.
 */
static int
ip_fragment(struct mbuf *m, int hlen, int mtu, struct ifnet *ifp,
    const struct sockaddr *dst, struct rtentry *rt)
{
	struct ip *ip = mtod(m, struct ip *), *fip;
	struct mbuf *head = NULL, **tailp = &head, *n;
	uint8_t opts[IP_MAXOPTLEN];
	int len = m->m_pkthdr.len, firstlen, fraglen, fhlen, flen, off;
	uint16_t ipoff = ntohs(ip->ip_off);
	int origoff = (ipoff & IP_OFFMASK) << 3;
	bool origmf = ipoff & IP_MF;

	fhlen = (int)sizeof(struct ip) +
	    ip_optcopy(mtod(m, const uint8_t *), hlen, opts);
	firstlen = (mtu - hlen) & ~7;
	fraglen = (mtu - fhlen) & ~7;
	if (firstlen < 8) {
		/* An MTU below 68 bytes, which RFC 791 does not allow. */
		ipstat.ips_cantfrag++;
		m_freem(m);
		return EMSGSIZE;
	}
	for (off = hlen + firstlen; off < len; off += flen) {
		flen = MIN(fraglen, len - off);
		if ((n = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL)
			goto nobufs;
		m_align(n, fhlen);
		n->m_len = fhlen;
		n->m_pkthdr.len = fhlen + flen;
		n->m_pkthdr.rcvif = m->m_pkthdr.rcvif;
		n->m_flags |= m->m_flags & (M_BCAST | M_MCAST);
		*tailp = n;
		tailp = &n->m_nextpkt;
		fip = mtod(n, struct ip *);
		*fip = *ip;
		memcpy(fip + 1, opts, fhlen - sizeof(struct ip));
		fip->ip_vhl = IP_VHL(IPVERSION, fhlen);
		fip->ip_len = htons(fhlen + flen);
		fip->ip_off = htons(((origoff + off - hlen) >> 3) |
		    (off + flen < len || origmf ? IP_MF : 0));
		fip->ip_sum = 0;
		if ((n->m_next = m_copym(m, off, flen, M_DONTWAIT)) == NULL)
			goto nobufs;
		fip->ip_sum = htons(in_cksum(n, 0, fhlen));
		ipstat.ips_ofragments++;
	}
	/* The first fragment: m, cut after its share of the data. */
	m_adj(m, hlen + firstlen - len);
	ip->ip_len = htons(hlen + firstlen);
	ip->ip_off = htons(ipoff | IP_MF);
	ip->ip_sum = 0;
	ip->ip_sum = htons(in_cksum(m, 0, hlen));
	ipstat.ips_ofragments++;
	ipstat.ips_fragmented++;
	m->m_nextpkt = head;
	return ip_output_list(ifp, m, dst, rt);
nobufs:
	ipstat.ips_odropped++;
	m_freem_list(head);
	m_freem(m);
	return ENOBUFS;
}

/* Whether ip_output with these flags leaves the header as the caller made it. */
#define IP_HDR_GIVEN	(IP_RAWOUTPUT | IP_FORWARDING)

/*
 * The header length of m into *hlenp: 20, or what a header the caller
 * gave says, checked.  0, or the error (counted).
 */
static int
ip_output_hlen(struct mbuf *m, int flags, int *hlenp)
{
	int len = m->m_pkthdr.len, hlen = sizeof(struct ip), end = len;
	uint8_t hdr[8];

	if (len < hlen) {
		ipstat.ips_obadhdr++;
		return EINVAL;
	}
	if (flags & IP_HDR_GIVEN) {
		m_copydata(m, 0, sizeof(hdr), hdr);
		hlen = (hdr[0] & 0x0f) << 2;
		if (hdr[0] >> 4 != IPVERSION || hlen < (int)sizeof(struct ip) ||
		    hlen > len) {
			ipstat.ips_obadhdr++;
			return EINVAL;
		}
		/* A fragment's data follow those of the fragments before it. */
		end += (be16dec(hdr + 6) & IP_OFFMASK) << 3;
	}
	/*
	 * RFC 791: the total length field has 16 bits, so no datagram, nor
	 * fragment of one, ends beyond 65535 bytes.  A fragment that does
	 * (the ping of death, forwarded or written by a raw socket) belongs
	 * to no datagram, and fragmenting it again would overflow its 13-bit
	 * offset into the flags.
	 */
	if (end > IP_MAXPACKET) {
		ipstat.ips_toolong++;
		return EMSGSIZE;
	}
	*hlenp = hlen;
	return 0;
}

/* The fields of a header we make that the socket's options set. */
static void
ip_output_opts(struct ip *ip, int hlen, const struct ip_opts *opts)
{
	ip->ip_vhl = IP_VHL(IPVERSION, hlen);
	ip->ip_off &= htons(IP_DF);
	if (opts == NULL)
		return;
	if (opts->ipo_ttl != 0)
		ip->ip_ttl = opts->ipo_ttl;
	ip->ip_tos = opts->ipo_tos;
	/* WANT, the default, fragments to the route's MTU. */
	ip->ip_off = opts->ipo_pmtudisc == IP_PMTUDISC_DO ? htons(IP_DF) : 0;
}

/*
 * The route to dst, held in *rtp, from the cache rc if there is one.  ENETUNREACH or EHOSTUNREACH, with the
 * code a router reports (RFC 1812 5.2.7.1) in *codep, when there is none
 * to use: none at all, one down, a reject route, or a gateway when the
 * caller said IP_ROUTETOIF.
 */
static int
ip_output_route(const struct sockaddr_in *dst, int flags,
    struct rtcache *rc, struct rtentry **rtp, int *codep)
{
	struct rtentry *rt = rc != NULL ?
	    rtcache_lookup(rc, (const struct sockaddr *)dst) :
	    rt_lookup((const struct sockaddr *)dst);
	bool host;

	*rtp = rt;
	if (rt != NULL && (rt->rt_flags & RTF_UP) &&
	    !(rt->rt_flags & RTF_REJECT) &&
	    !((flags & IP_ROUTETOIF) && (rt->rt_flags & RTF_GATEWAY)))
		return 0;
	host = rt != NULL && (rt->rt_flags & RTF_UP) &&
	    (rt->rt_flags & RTF_REJECT);
	*codep = host && (rt->rt_flags & RTF_HOST) ? ICMP_UNREACH_HOST :
	    ICMP_UNREACH_NET;
	if (rt != NULL)
		rt_rele(rt);
	*rtp = NULL;
	return host ? EHOSTUNREACH : ENETUNREACH;
}

/*
 * The next hop of m to dst on route rt: dst itself for a broadcast, a
 * multicast or a host on the link, else the route's gateway.  Marks m
 * M_BCAST or M_MCAST.  EACCES (counted) for a broadcast not allowed.
 */
static int
ip_output_nexthop(struct mbuf *m, int flags, struct rtentry *rt,
    const struct sockaddr_in *dst, const struct sockaddr **nexthop)
{
	uint32_t hdst = ntohl(dst->sin_addr.s_addr);

	*nexthop = (const struct sockaddr *)dst;
	if (hdst == INADDR_BROADCAST || (rt->rt_flags & RTF_BROADCAST) ||
	    in_isbroadcast(dst->sin_addr, rt->rt_ifp)) {
		/*
		 * A broadcast needs SO_BROADCAST; a router never forwards to
		 * a directed broadcast (RFC 2644, updating RFC 1812 5.3.5.2).
		 */
		if (!(flags & IP_ALLOWBROADCAST)) {
			if (flags & IP_FORWARDING)
				ipstat.ips_cantforward++;
			else
				ipstat.ips_bcastdenied++;
			return EACCES;
		}
		m->m_flags |= M_BCAST;
	} else if (IN_MULTICAST(hdst))
		m->m_flags |= M_MCAST;
	else if (rt->rt_flags & RTF_GATEWAY)
		*nexthop = (const struct sockaddr *)&rt->rt_gateway;
	return 0;
}

/*
 * Completes a header of ours (not forwarded): the source address, the
 * route's unless the caller chose one (RFC 1122 3.3.4.3; every route has
 * an address, rt_add sees to it); the length; the id, unless a raw caller
 * set one; the checksum.
 */
static void
ip_output_fill(struct mbuf *m, int flags, int hlen, struct rtentry *rt)
{
	struct ip *ip = mtod(m, struct ip *);

	if (ip->ip_src.s_addr == htonl(INADDR_ANY))
		ip->ip_src = ifatoia(rt->rt_ifa)->ia_addr;
	ip->ip_len = htons(m->m_pkthdr.len);
	if (!(flags & IP_RAWOUTPUT) || ip->ip_id == 0)
		ip->ip_id = htons(ip_newid());
	ip->ip_sum = 0;
	ip->ip_sum = htons(in_cksum(m, 0, hlen));
	ipstat.ips_localout++;
}

static int ip_output_send(struct mbuf *m, int flags, int hlen,
    struct rtentry *rt, const struct sockaddr *nexthop);

/*
 * A super-segment the interface will not cut (it cannot, or a tap or
 * fault injection must see each frame): cut here, each piece sent on.
 */
static int
ip_output_segment(struct mbuf *m, int flags, int hlen, struct rtentry *rt,
    const struct sockaddr *nexthop)
{
	struct mbuf *list, *next;
	int error;

	if ((error = tcp_tso_segment(m, hlen, &list)) != 0) {
		if (error == EINVAL)
			ipstat.ips_badoffload++;
		else
			ipstat.ips_odropped++;
		return error;
	}
	ipstat.ips_swtso++;
	for (; list != NULL; list = next) {
		next = list->m_nextpkt;
		list->m_nextpkt = NULL;
		if ((error = ip_output_send(list, flags, hlen, rt, nexthop)) != 0) {
			m_freem_list(next);
			return error;
		}
	}
	return 0;
}

/*
 * Sends m to nexthop through rt's interface: whole if it fits the MTU
 * (the interface's, or the route's if lower), else in fragments, unless
 * DF forbids them: then EMSGSIZE, and a router tells the source the MTU
 * (RFC 1191).  Offloads the interface will not do are done first; a
 * super-segment it cuts goes whole when its segments fit the MTU.  Owns m.
 */
static int
ip_output_send(struct mbuf *m, int flags, int hlen, struct rtentry *rt,
    const struct sockaddr *nexthop)
{
	struct ifnet *ifp = rt->rt_ifp;
	int mtu = ifp->if_mtu, offload = if_txoffload(ifp);

	if (rt->rt_mtu > 0 && rt->rt_mtu < mtu)
		mtu = rt->rt_mtu;
	if (m->m_pkthdr.csum_flags & M_CSUM_TSOv4) {
		if (!(offload & IFCAP_TSO4) || !(offload & IFCAP_CSUM) ||
		    m->m_pkthdr.tso_segsz + (uint32_t)hlen +
		    sizeof(struct tcphdr) > (uint32_t)mtu)
			return ip_output_segment(m, flags, hlen, rt, nexthop);
		return if_output(ifp, m, nexthop, rt);
	}
	/* Fragments are checksummed whole: the device sees only pieces. */
	if ((m->m_pkthdr.csum_flags & M_CSUM_PARTIAL) &&
	    (!(offload & IFCAP_CSUM) || m->m_pkthdr.len > mtu)) {
		int error = in_cksum_complete(m);

		if (error != 0) {
			ipstat.ips_badoffload++;
			return error;
		}
		ipstat.ips_swcsum++;
	}
	if (m->m_pkthdr.len <= mtu)
		return if_output(ifp, m, nexthop, rt);
	if (mtod(m, struct ip *)->ip_off & htons(IP_DF)) {
		ipstat.ips_cantfrag++;
		if (flags & IP_FORWARDING)
			icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_NEEDFRAG,
			    (uint32_t)mtu);
		else
			m_freem(m);
		return EMSGSIZE;
	}
	return ip_fragment(m, hlen, mtu, ifp, nexthop, rt);
}

int
ip_output(struct mbuf *m, int flags, const struct ip_opts *opts)
{
	const struct sockaddr *nexthop;
	struct sockaddr_in dst;
	struct rtentry *rt;
	int hlen, code, error;

	NET_ASSERT_LOCKED();
	KASSERT(m->m_flags & M_PKTHDR);
	if ((error = ip_output_hlen(m, flags, &hlen)) != 0)
		goto drop;
	if ((m = ip_hdr_private(m, hlen)) == NULL) {
		ipstat.ips_odropped++;
		return ENOBUFS;
	}
	if (!(flags & IP_HDR_GIVEN))
		ip_output_opts(mtod(m, struct ip *), hlen, opts);

	sockaddr_in_init(&dst, mtod(m, struct ip *)->ip_dst, 0);
	if ((error = ip_output_route(&dst, flags,
	    opts != NULL ? opts->ipo_route : NULL, &rt, &code)) != 0) {
		if (!(flags & IP_FORWARDING)) {
			ipstat.ips_noroute++;
			goto drop;
		}
		/* RFC 1812 5.2.7.1: destination unreachable. */
		ipstat.ips_cantforward++;
		icmp_error(m, ICMP_UNREACH, code, 0);
		return error;
	}
	if ((error = ip_output_nexthop(m, flags, rt, &dst, &nexthop)) == 0) {
		if (!(flags & IP_FORWARDING))
			ip_output_fill(m, flags, hlen, rt);
		error = ip_output_send(m, flags, hlen, rt, nexthop);
	} else
		m_freem(m);
	rt_rele(rt);
	return error;
drop:
	m_freem(m);
	return error;
}
