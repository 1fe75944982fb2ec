/*
 * ARP: the Address Resolution Protocol (RFC 826) for IPv4 over Ethernet,
 * with the announcements and conflict defence of RFC 5227.
 *
 * The cache.  One entry per (interface, IPv4 address), in a fixed table of
 * ARP_HASHSIZE chains.  The hash mixes the address and the interface index
 * with a secret drawn at arp_init(), since the addresses that create entries
 * are chosen by whoever sends us ARP requests: a peer cannot aim them all
 * at one chain.  The table does not grow; ARP_MAXENTRIES bounds the chains'
 * length (a rump kernel talks to few neighbours; 256 chains keep a lookup
 * at one or two compares for up to a few hundred of them).
 *
 * A full cache makes room for a new entry by evicting the resolved entry
 * heard from least recently (arp_lru, in order of the last confirmation):
 * a neighbour that floods us with senders costs the others a new request,
 * not their resolution.  Incomplete entries are never evicted (they go
 * within a few seconds anyway); a cache full of them refuses new ones.
 *
 * An entry is INCOMPLETE from the first packet for its address until a
 * reply arrives: it holds up to ARP_MAXHOLD packets (the oldest is dropped
 * when one more comes) and sends a broadcast request at most every
 * arp_rexmit ms; after arp_maxtries requests and one more interval of
 * silence it gives up, dropping what it held.  There is no one to tell
 * EHOSTUNREACH to (the senders returned long ago), so the packets are
 * counted (drop.timeout) and the entry is deleted: the next packet for the
 * address starts again.  A RESOLVED entry lives arp_keep ms from the last
 * ARP packet heard from its owner, then is deleted.
 *
 * All entries together hold at most ARP_MAXHOLD_TOTAL packets.  One more
 * drops the oldest packet of the entry that has been holding longest
 * (arp_holding, in the order entries began to hold; drop.holdtotal): the
 * entry nearest to giving up, whose packets are the least likely to go.
 *
 * Timers.  One callout serves the whole cache: it sweeps every entry,
 * retransmits and expires what is due, and sets itself for the earliest
 * deadline it saw (and not at all when the cache is empty, so an idle
 * stack has no timer ticking).  Per-entry callouts would be more precise
 * but each would point at its entry: deleting an entry (interface going,
 * cache purge) would then have to halt that callout, which means dropping
 * softnet_lock to wait for a running one, with the chain changing under
 * us.  With one sweeper nothing outside the table points at an entry, and
 * ARP's deadlines are whole seconds, far coarser than a sweep of the table.
 *
 * Locking: everything runs under softnet_lock.
 */
#include "rumpkern/config.h"
#include "rumpkern/callout.h"
#include "rumpkern/endian.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kstat.h"
#include "rumpkern/ktime.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "net/route.h"
#include "netinet/if_arp.h"
#include "netinet/in_var.h"

KMEM_DEFINE(M_ARP, "arp");

#define ARP_HASHSIZE	256		/* power of two */
#define ARP_DEFEND_MS	10000		/* RFC 5227 DEFEND_INTERVAL */

unsigned arp_keep = ARP_KEEP_MS;
unsigned arp_rexmit = ARP_REXMIT_MS;
unsigned arp_maxtries = ARP_MAXTRIES;

enum arp_state {
	ARP_INCOMPLETE,
	ARP_RESOLVED,
};

struct arp_entry {
	LIST_ENTRY(arp_entry) la_hash;
	TAILQ_ENTRY(arp_entry) la_lru;	/* on arp_lru while RESOLVED */
	TAILQ_ENTRY(arp_entry) la_holdq; /* on arp_holding while holding */
	struct ifnet *la_ifp;		/* not held: purged before it goes */
	struct in_addr la_addr;
	uint8_t la_lla[ETHER_ADDR_LEN];	/* valid when RESOLVED */
	uint8_t la_state;
	bool la_perm;			/* set by hand: no expiry, not on arp_lru */
	uint8_t la_asked;		/* requests sent while INCOMPLETE */
	unsigned la_numhold;
	uint64_t la_expire;		/* tick a RESOLVED entry dies */
	uint64_t la_lastreq;		/* tick of the last request */
	struct mbuf *la_hold;		/* held packets, oldest first */
	struct mbuf *la_holdtail;	/* (linked by m_nextpkt) */
};

LIST_HEAD(arp_chain, arp_entry);
static struct arp_chain arp_table[ARP_HASHSIZE];
static TAILQ_HEAD(, arp_entry) arp_lru;	/* resolved, least recent first */
static TAILQ_HEAD(, arp_entry) arp_holding; /* holding, longest first */
static unsigned arp_nentries;
static unsigned arp_nhold;		/* packets held by all entries */
static uint32_t arp_seed;

static callout_t arp_timer;
static uint64_t arp_timer_due;		/* tick the callout is set for */
static bool arp_dying;			/* arp_fini(): do not set the timer */
static uint64_t arp_lastdefend;		/* tick of the last defence, or 0 */

static struct arp_stats {
	uint64_t in_packets;		/* every ARP packet handed in */
	uint64_t in_requests;		/* valid requests */
	uint64_t in_replies;		/* valid replies */
	uint64_t in_probes;		/* RFC 5227 probes (sender 0.0.0.0) */
	uint64_t in_llchanged;		/* a neighbour's MAC changed */
	uint64_t out_requests;
	uint64_t out_replies;
	uint64_t out_announces;		/* gratuitous, defences included */
	uint64_t out_nobufs;		/* no mbuf for a packet to send */
	uint64_t resolved;		/* entries that got an answer */
	uint64_t expired;		/* resolved entries timed out */
	uint64_t timeouts;		/* incomplete entries that gave up */
	uint64_t evicted;		/* resolved entries, for a new one */
	/* Received packets dropped, each for one reason. */
	uint64_t drop_short;		/* shorter than an Ethernet/IPv4 ARP */
	uint64_t drop_nobufs;		/* m_pullup failed */
	uint64_t drop_badhrd;		/* hardware type not Ethernet */
	uint64_t drop_badpro;		/* protocol type not IPv4 */
	uint64_t drop_badlen;		/* hln != 6 or pln != 4 */
	uint64_t drop_badop;		/* neither request nor reply */
	uint64_t drop_badsha;		/* sender MAC multicast, broadcast, 0 */
	uint64_t drop_badspa;		/* sender IP not a unicast address */
	uint64_t drop_loop;		/* our own MAC as sender */
	uint64_t drop_dupaddr;		/* our IP as sender: a conflict */
	/* Packets to send that were dropped, each for one reason. */
	uint64_t drop_holdfull;		/* oldest of a full hold queue */
	uint64_t drop_holdtotal;	/* oldest, ARP_MAXHOLD_TOTAL reached */
	uint64_t drop_timeout;		/* held when resolution gave up */
	uint64_t drop_purged;		/* held when the entry was purged */
	uint64_t drop_nomem;		/* no memory for a new entry */
	uint64_t drop_cachefull;	/* full of incomplete entries */
} arpstat;

static const struct kstat_desc arp_kstat_desc[] = {
	KSTAT_DESC(struct arp_stats, in_packets, "in.packets"),
	KSTAT_DESC(struct arp_stats, in_requests, "in.requests"),
	KSTAT_DESC(struct arp_stats, in_replies, "in.replies"),
	KSTAT_DESC(struct arp_stats, in_probes, "in.probes"),
	KSTAT_DESC(struct arp_stats, in_llchanged, "in.llchanged"),
	KSTAT_DESC(struct arp_stats, out_requests, "out.requests"),
	KSTAT_DESC(struct arp_stats, out_replies, "out.replies"),
	KSTAT_DESC(struct arp_stats, out_announces, "out.announces"),
	KSTAT_DESC(struct arp_stats, out_nobufs, "out.nobufs"),
	KSTAT_DESC(struct arp_stats, resolved, "resolved"),
	KSTAT_DESC(struct arp_stats, expired, "expired"),
	KSTAT_DESC(struct arp_stats, timeouts, "timeouts"),
	KSTAT_DESC(struct arp_stats, evicted, "evicted"),
	KSTAT_DESC(struct arp_stats, drop_short, "drop.short"),
	KSTAT_DESC(struct arp_stats, drop_nobufs, "drop.nobufs"),
	KSTAT_DESC(struct arp_stats, drop_badhrd, "drop.badhrd"),
	KSTAT_DESC(struct arp_stats, drop_badpro, "drop.badpro"),
	KSTAT_DESC(struct arp_stats, drop_badlen, "drop.badlen"),
	KSTAT_DESC(struct arp_stats, drop_badop, "drop.badop"),
	KSTAT_DESC(struct arp_stats, drop_badsha, "drop.badsha"),
	KSTAT_DESC(struct arp_stats, drop_badspa, "drop.badspa"),
	KSTAT_DESC(struct arp_stats, drop_loop, "drop.loop"),
	KSTAT_DESC(struct arp_stats, drop_dupaddr, "drop.dupaddr"),
	KSTAT_DESC(struct arp_stats, drop_holdfull, "drop.holdfull"),
	KSTAT_DESC(struct arp_stats, drop_holdtotal, "drop.holdtotal"),
	KSTAT_DESC(struct arp_stats, drop_timeout, "drop.timeout"),
	KSTAT_DESC(struct arp_stats, drop_purged, "drop.purged"),
	KSTAT_DESC(struct arp_stats, drop_nomem, "drop.nomem"),
	KSTAT_DESC(struct arp_stats, drop_cachefull, "drop.cachefull"),
};
static struct kstat_group arp_kstat;

static const uint8_t ether_zeroaddr[ETHER_ADDR_LEN];

/* ---- the interface's own addresses ---- */

/*
 * ARP looks at the IPv4 addresses on ifp's own list (struct in_ifaddr
 * begins with its struct ifaddr) rather than through netinet's address
 * lookups: it answers for the addresses of the interface a request came
 * in on, and nothing else.
 */
static struct in_ifaddr *
arp_ifaddr(struct ifnet *ifp, struct in_addr addr)
{
	struct ifaddr *ifa;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
		if (ifa->ifa_addr.ss_family != AF_INET)
			continue;
		if (ifatoia(ifa)->ia_addr.s_addr == addr.s_addr)
			return ifatoia(ifa);
	}
	return NULL;
}

/* Whether addr is a broadcast address of a subnet of ifp. */
static bool
arp_isbroadcast(struct ifnet *ifp, struct in_addr addr)
{
	struct ifaddr *ifa;

	if (addr.s_addr == htonl(INADDR_BROADCAST))
		return true;
	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
		const struct in_ifaddr *ia = ifatoia(ifa);

		if (ifa->ifa_addr.ss_family != AF_INET)
			continue;
		/* RFC 3021: /31 and /32 subnets have no broadcast address. */
		if (ia->ia_plen < 31 && ia->ia_broadaddr.s_addr != 0 &&
		    ia->ia_broadaddr.s_addr == addr.s_addr)
			return true;
	}
	return false;
}

/*
 * Whether addr is on one of ifp's IPv4 subnets: a neighbour we may reach
 * directly.  Only such a sender is learnt from its request (below).
 */
static bool
arp_onlink(struct ifnet *ifp, struct in_addr addr)
{
	struct ifaddr *ifa;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
		const struct in_ifaddr *ia = ifatoia(ifa);

		if (ifa->ifa_addr.ss_family == AF_INET &&
		    ((ia->ia_addr.s_addr ^ addr.s_addr) &
		    ia->ia_netmask.s_addr) == 0)
			return true;
	}
	return false;
}

/*
 * The sender address of a request for dst: ifp's address on dst's subnet,
 * else its first IPv4 address, else 0.0.0.0 (a request without an address
 * of our own is an RFC 5227 probe, which hosts still answer).
 */
static struct in_addr
arp_srcaddr(struct ifnet *ifp, struct in_addr dst)
{
	struct in_addr first = { INADDR_ANY };
	struct ifaddr *ifa;

	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list) {
		const struct in_ifaddr *ia = ifatoia(ifa);

		if (ifa->ifa_addr.ss_family != AF_INET)
			continue;
		if (((ia->ia_addr.s_addr ^ dst.s_addr) &
		    ia->ia_netmask.s_addr) == 0)
			return ia->ia_addr;
		if (first.s_addr == INADDR_ANY)
			first = ia->ia_addr;
	}
	return first;
}

/* ---- sending ---- */

/* Sends an ARP packet from our MAC to dhost; counts failures. */
static int
arp_output(struct ifnet *ifp, int op, struct in_addr spa,
    const uint8_t tha[ETHER_ADDR_LEN], struct in_addr tpa,
    const uint8_t dhost[ETHER_ADDR_LEN])
{
	struct arphdr *ah;
	struct mbuf *m;

	NET_ASSERT_LOCKED();
	m = m_gethdr(M_DONTWAIT, MT_DATA);
	if (m == NULL) {
		arpstat.out_nobufs++;
		return ENOBUFS;
	}
	/* At the end of the mbuf: the Ethernet header goes in front. */
	m_align(m, (int)sizeof(*ah));
	m->m_len = m->m_pkthdr.len = (int)sizeof(*ah);
	ah = mtod(m, struct arphdr *);
	be16enc(&ah->ar_hrd, ARPHRD_ETHER);
	be16enc(&ah->ar_pro, ETHERTYPE_IP);
	ah->ar_hln = ETHER_ADDR_LEN;
	ah->ar_pln = sizeof(struct in_addr);
	be16enc(&ah->ar_op, (uint16_t)op);
	memcpy(ah->ar_sha, ifp->if_hwaddr, ETHER_ADDR_LEN);
	memcpy(ah->ar_spa, &spa, sizeof(spa));
	memcpy(ah->ar_tha, tha, ETHER_ADDR_LEN);
	memcpy(ah->ar_tpa, &tpa, sizeof(tpa));
	return ether_output_frame(ifp, m, dhost, ETHERTYPE_ARP);
}

static void
arp_request(struct ifnet *ifp, struct in_addr dst)
{
	arpstat.out_requests++;
	(void)arp_output(ifp, ARPOP_REQUEST, arp_srcaddr(ifp, dst),
	    ether_zeroaddr, dst, etherbroadcastaddr);
}

/*
 * RFC 5227, section 2.3: an announcement is a request with our address as
 * both sender and target, and a zero target MAC.
 */
void
arp_announce(struct ifnet *ifp, struct in_addr addr)
{
	NET_ASSERT_LOCKED();
	if (ifp->if_type != IFT_ETHER ||
	    (ifp->if_flags & (IFF_UP | IFF_RUNNING)) != (IFF_UP | IFF_RUNNING))
		return;
	arpstat.out_announces++;
	(void)arp_output(ifp, ARPOP_REQUEST, addr, ether_zeroaddr, addr,
	    etherbroadcastaddr);
}

/* ---- the cache ---- */

static unsigned
arp_hash(const struct ifnet *ifp, struct in_addr addr)
{
	uint32_t h = (addr.s_addr ^ arp_seed) + ifp->if_index * 0x9e3779b9u;

	/* A 32-bit finaliser: every input bit moves every output bit. */
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h & (ARP_HASHSIZE - 1);
}

static struct arp_entry *
arp_find(struct ifnet *ifp, struct in_addr addr)
{
	struct arp_entry *la;

	LIST_FOREACH(la, &arp_table[arp_hash(ifp, addr)], la_hash)
		if (la->la_ifp == ifp && la->la_addr.s_addr == addr.s_addr)
			return la;
	return NULL;
}

/* Deletes la; its held packets are counted in *drops. */
static void
arp_destroy(struct arp_entry *la, uint64_t *drops)
{
	struct mbuf *m, *next;

	if (la->la_state == ARP_RESOLVED && !la->la_perm)
		TAILQ_REMOVE(&arp_lru, la, la_lru);
	if (la->la_numhold > 0)
		TAILQ_REMOVE(&arp_holding, la, la_holdq);
	KASSERT(arp_nhold >= la->la_numhold);
	arp_nhold -= la->la_numhold;
	for (m = la->la_hold; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_freem(m);
		(*drops)++;
	}
	LIST_REMOVE(la, la_hash);
	KASSERT(arp_nentries > 0);
	arp_nentries--;
	kmem_free(&M_ARP, la, sizeof(*la));
}

/*
 * A new incomplete entry for addr on ifp, which has none.  A full cache
 * first evicts the resolved entry confirmed least recently.
 */
static struct arp_entry *
arp_create(struct ifnet *ifp, struct in_addr addr)
{
	struct arp_entry *la;

	if (arp_nentries >= ARP_MAXENTRIES) {
		if ((la = TAILQ_FIRST(&arp_lru)) == NULL) {
			arpstat.drop_cachefull++;
			return NULL;
		}
		arpstat.evicted++;
		arp_destroy(la, &arpstat.drop_purged);
	}
	la = kmem_zalloc(&M_ARP, sizeof(*la), KM_NOSLEEP);
	if (la == NULL) {
		arpstat.drop_nomem++;
		return NULL;
	}
	la->la_ifp = ifp;
	la->la_addr = addr;
	la->la_state = ARP_INCOMPLETE;
	LIST_INSERT_HEAD(&arp_table[arp_hash(ifp, addr)], la, la_hash);
	arp_nentries++;
	return la;
}

static void arp_timeout(void *arg);

/* Makes sure the sweeper runs by tick due. */
static void
arp_timer_want(uint64_t due)
{
	uint64_t now = getticks(), delta;

	if (arp_dying)
		return;
	if (callout_pending(&arp_timer) && arp_timer_due <= due)
		return;
	delta = due > now ? due - now : 1;
	if (delta > INT32_MAX)
		delta = INT32_MAX;
	arp_timer_due = due;
	callout_reset(&arp_timer, (int)delta, arp_timeout, NULL);
}

static uint64_t
arp_ms(unsigned ms)
{
	return (uint64_t)ms * hz / 1000;
}

/*
 * Sends a request for an incomplete entry if the last one is at least
 * arp_rexmit old (so at most one per interval, however many packets are
 * sent meanwhile) and tries remain.
 */
static void
arp_solicit(struct arp_entry *la, uint64_t now)
{
	KASSERT(la->la_state == ARP_INCOMPLETE);
	if (la->la_asked > 0 && now < la->la_lastreq + arp_ms(arp_rexmit))
		return;
	if (la->la_asked >= arp_maxtries)
		return;
	la->la_asked++;
	la->la_lastreq = now;
	arp_timer_want(now + arp_ms(arp_rexmit));
	arp_request(la->la_ifp, la->la_addr);
}

/*
 * la learnt its MAC: it is resolved for arp_keep (for good if permanent),
 * and what it held goes out.  The held packets are taken off la before sending, and la is not
 * touched after, whatever the driver does.
 */
static void
arp_set_resolved(struct arp_entry *la, const uint8_t lla[ETHER_ADDR_LEN])
{
	struct ifnet *ifp = la->la_ifp;
	uint8_t dhost[ETHER_ADDR_LEN];
	struct mbuf *m, *next;
	uint64_t now = getticks();

	if (la->la_state == ARP_INCOMPLETE)
		arpstat.resolved++;
	else {
		if (memcmp(la->la_lla, lla, ETHER_ADDR_LEN) != 0)
			arpstat.in_llchanged++;
		KASSERT(!la->la_perm);
		TAILQ_REMOVE(&arp_lru, la, la_lru);
	}
	memcpy(la->la_lla, lla, ETHER_ADDR_LEN);
	la->la_state = ARP_RESOLVED;
	la->la_asked = 0;
	if (!la->la_perm) {
		TAILQ_INSERT_TAIL(&arp_lru, la, la_lru);
		la->la_expire = now + arp_ms(arp_keep);
		arp_timer_want(la->la_expire);
	}

	m = la->la_hold;
	if (la->la_numhold > 0)
		TAILQ_REMOVE(&arp_holding, la, la_holdq);
	arp_nhold -= la->la_numhold;
	la->la_hold = la->la_holdtail = NULL;
	la->la_numhold = 0;
	memcpy(dhost, lla, ETHER_ADDR_LEN);
	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		(void)ether_output_frame(ifp, m, dhost, ETHERTYPE_IP);
	}
}

/* The sweeper: retransmits, gives up and expires, then sets itself again. */
static void
arp_timeout(void *arg)
{
	uint64_t now, next = UINT64_MAX;

	(void)arg;
	NET_LOCK();
	if (arp_dying) {
		NET_UNLOCK();
		return;
	}
	now = getticks();
	for (unsigned i = 0; i < ARP_HASHSIZE; i++) {
		struct arp_entry *la, *tmp;

		LIST_FOREACH_SAFE(la, &arp_table[i], la_hash, tmp) {
			uint64_t due;

			if (la->la_perm)
				continue;
			if (la->la_state == ARP_RESOLVED) {
				if (now >= la->la_expire) {
					arpstat.expired++;
					arp_destroy(la, &arpstat.drop_purged);
					continue;
				}
				due = la->la_expire;
			} else {
				due = la->la_lastreq + arp_ms(arp_rexmit);
				if (now >= due) {
					if (la->la_asked >= arp_maxtries) {
						arpstat.timeouts++;
						arp_destroy(la,
						    &arpstat.drop_timeout);
						continue;
					}
					arp_solicit(la, now);
					due = la->la_lastreq +
					    arp_ms(arp_rexmit);
				}
			}
			if (due < next)
				next = due;
		}
	}
	if (next != UINT64_MAX)
		arp_timer_want(next);
	NET_UNLOCK();
}

/* ---- held packets ---- */

/* Drops the oldest packet la holds, counted in *why. */
static void
arp_hold_dropfirst(struct arp_entry *la, uint64_t *why)
{
	struct mbuf *old = la->la_hold;

	KASSERT(la->la_numhold > 0 && arp_nhold > 0);
	la->la_hold = old->m_nextpkt;
	if (la->la_hold == NULL)
		la->la_holdtail = NULL;
	old->m_nextpkt = NULL;
	m_freem(old);
	la->la_numhold--;
	arp_nhold--;
	if (la->la_numhold == 0)
		TAILQ_REMOVE(&arp_holding, la, la_holdq);
	(*why)++;
}

/*
 * Holds m on incomplete entry la until it resolves, within ARP_MAXHOLD
 * packets for la and ARP_MAXHOLD_TOTAL for all entries.
 */
static void
arp_hold(struct arp_entry *la, struct mbuf *m)
{
	KASSERT(la->la_state == ARP_INCOMPLETE);
	if (la->la_numhold >= ARP_MAXHOLD)
		arp_hold_dropfirst(la, &arpstat.drop_holdfull);
	else if (arp_nhold >= ARP_MAXHOLD_TOTAL)
		arp_hold_dropfirst(TAILQ_FIRST(&arp_holding),
		    &arpstat.drop_holdtotal);
	if (la->la_numhold == 0)
		TAILQ_INSERT_TAIL(&arp_holding, la, la_holdq);
	m->m_nextpkt = NULL;
	if (la->la_holdtail != NULL)
		la->la_holdtail->m_nextpkt = m;
	else
		la->la_hold = m;
	la->la_holdtail = m;
	la->la_numhold++;
	arp_nhold++;
}

/* ---- the resolver ---- */

/*
 * The Ethernet resolver for AF_INET: the MAC of next hop dst on ifp.
 * Broadcast and multicast destinations map to their MACs without asking.
 */
static int
arp_resolve(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt, uint8_t lla[ETHER_ADDR_LEN])
{
	struct sockaddr_in sin;
	struct arp_entry *la;
	uint32_t haddr;

	NET_ASSERT_LOCKED();
	KASSERT(dst->sa_family == AF_INET);
	memcpy(&sin, dst, sizeof(sin));
	haddr = ntohl(sin.sin_addr.s_addr);

	/*
	 * Not M_BCAST: that says how a packet was received, and a reply
	 * built from a received broadcast may still carry it.
	 */
	if ((rt != NULL && (rt->rt_flags & RTF_BROADCAST)) ||
	    arp_isbroadcast(ifp, sin.sin_addr)) {
		memcpy(lla, etherbroadcastaddr, ETHER_ADDR_LEN);
		return 0;
	}
	if (IN_MULTICAST(haddr)) {
		/* RFC 1112, section 6.4: 01:00:5e and the low 23 bits. */
		lla[0] = 0x01;
		lla[1] = 0x00;
		lla[2] = 0x5e;
		lla[3] = (uint8_t)((haddr >> 16) & 0x7f);
		lla[4] = (uint8_t)(haddr >> 8);
		lla[5] = (uint8_t)haddr;
		return 0;
	}

	la = arp_find(ifp, sin.sin_addr);
	if (la != NULL && la->la_state == ARP_RESOLVED) {
		memcpy(lla, la->la_lla, ETHER_ADDR_LEN);
		return 0;
	}
	if (la == NULL && (la = arp_create(ifp, sin.sin_addr)) == NULL) {
		m_freem(m);
		return ENOBUFS;
	}

	arp_hold(la, m);
	arp_solicit(la, getticks());
	return EWOULDBLOCK;
}

/* ---- input ---- */

/* Whether a sender IP may be one of a station's (not any kind of broadcast). */
static bool
arp_unicast(struct ifnet *ifp, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return !IN_MULTICAST(h) && !IN_EXPERIMENTAL(h) && !IN_LOOPBACK(h) &&
	    !IN_ZERONET(h) && !arp_isbroadcast(ifp, a);
}

/* RFC 5227, section 2.4 (b): defend an address at most once a DEFEND_INTERVAL. */
static void
arp_conflict(struct ifnet *ifp, struct in_addr addr,
    const uint8_t sha[ETHER_ADDR_LEN])
{
	uint64_t now = getticks();
	char mac[18];

	arpstat.drop_dupaddr++;
	if (arp_lastdefend != 0 && now < arp_lastdefend + arp_ms(ARP_DEFEND_MS))
		return;
	arp_lastdefend = now;
	kprintf("arp: %s: %u.%u.%u.%u is also used by %s\n", ifp->if_xname,
	    ntohl(addr.s_addr) >> 24, (ntohl(addr.s_addr) >> 16) & 0xff,
	    (ntohl(addr.s_addr) >> 8) & 0xff, ntohl(addr.s_addr) & 0xff,
	    ether_ntoa(sha, mac));
	arp_announce(ifp, addr);
}

/*
 * Validates a received ARP packet, copying its 28 bytes (an Ethernet/IPv4
 * packet; padding follows) into *ah and freeing m: NULL, or the counter
 * of the drop.  The sender MAC is a station's, not ours.
 */
static uint64_t *
arp_validate(struct ifnet *ifp, struct mbuf *m, struct arphdr *ah)
{
	int op;

	if (m->m_pkthdr.len < (int)sizeof(*ah)) {
		m_freem(m);
		return &arpstat.drop_short;
	}
	if (m->m_len < (int)sizeof(*ah) &&
	    (m = m_pullup(m, (int)sizeof(*ah))) == NULL)
		return &arpstat.drop_nobufs;
	memcpy(ah, mtod(m, const void *), sizeof(*ah));
	m_freem(m);

	if (be16dec(&ah->ar_hrd) != ARPHRD_ETHER)
		return &arpstat.drop_badhrd;
	if (be16dec(&ah->ar_pro) != ETHERTYPE_IP)
		return &arpstat.drop_badpro;
	if (ah->ar_hln != ETHER_ADDR_LEN ||
	    ah->ar_pln != sizeof(struct in_addr))
		return &arpstat.drop_badlen;
	op = be16dec(&ah->ar_op);
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY)
		return &arpstat.drop_badop;
	if (ETHER_IS_MULTICAST(ah->ar_sha) ||
	    memcmp(ah->ar_sha, ether_zeroaddr, ETHER_ADDR_LEN) == 0)
		return &arpstat.drop_badsha;
	/* Our own packet, back through a bridge or a hub. */
	if (memcmp(ah->ar_sha, ifp->if_hwaddr, ETHER_ADDR_LEN) == 0)
		return &arpstat.drop_loop;
	return NULL;
}

/*
 * RFC 5227, section 2.1.1: a probe (sender 0.0.0.0), by a host that wants
 * tpa.  If tpa is ours, tell it so, the way Linux does: unicast, tpa as
 * sender, the prober's MAC as target.  It has no address yet, so it makes
 * no entry.
 */
static void
arp_probe_input(struct ifnet *ifp, const struct arphdr *ah,
    struct in_addr tpa)
{
	struct in_addr any = { INADDR_ANY };

	arpstat.in_probes++;
	if (arp_ifaddr(ifp, tpa) == NULL)
		return;
	arpstat.out_replies++;
	(void)arp_output(ifp, ARPOP_REPLY, tpa, ah->ar_sha, any, ah->ar_sha);
}

/*
 * RFC 826, "Packet Reception", for Ethernet and IPv4: validate; if we know
 * the sender, update its entry (the merge); if we are the target, add the
 * sender if it was not merged and is on our subnet, and answer a request.
 */
static void
arp_input(struct ifnet *ifp, struct mbuf *m)
{
	struct arphdr ah;
	struct arp_entry *la;
	struct in_addr spa, tpa;
	uint64_t *why;
	int op;

	NET_ASSERT_LOCKED();
	arpstat.in_packets++;
	if ((why = arp_validate(ifp, m, &ah)) != NULL) {
		(*why)++;
		return;
	}
	op = be16dec(&ah.ar_op);
	memcpy(&spa, ah.ar_spa, sizeof(spa));
	memcpy(&tpa, ah.ar_tpa, sizeof(tpa));
	if (spa.s_addr == INADDR_ANY && op == ARPOP_REQUEST) {
		arp_probe_input(ifp, &ah, tpa);
		return;
	}
	if (!arp_unicast(ifp, spa)) {
		arpstat.drop_badspa++;
		return;
	}
	if (arp_ifaddr(ifp, spa) != NULL) {
		arp_conflict(ifp, spa, ah.ar_sha);
		return;
	}
	if (op == ARPOP_REQUEST)
		arpstat.in_requests++;
	else
		arpstat.in_replies++;

	/*
	 * The merge: update what we know of the sender, from any packet;
	 * an entry set by hand stays as it was set, as on Linux.
	 */
	la = arp_find(ifp, spa);
	if (la != NULL && !la->la_perm)
		arp_set_resolved(la, ah.ar_sha);

	if (arp_ifaddr(ifp, tpa) == NULL)
		return;
	/*
	 * RFC 826 adds the sender here.  Only one on our subnets, as Linux
	 * in effect does: we would never send to another through this
	 * entry, and anyone could fill the cache with made-up senders.
	 */
	if (la == NULL && arp_onlink(ifp, spa) &&
	    (la = arp_create(ifp, spa)) != NULL)
		arp_set_resolved(la, ah.ar_sha);
	if (op == ARPOP_REQUEST) {
		arpstat.out_replies++;
		(void)arp_output(ifp, ARPOP_REPLY, tpa, ah.ar_sha, spa,
		    ah.ar_sha);
	}
}

/* ---- interfaces ---- */

void
arp_ifdetach(struct ifnet *ifp)
{
	NET_ASSERT_LOCKED();
	if (arp_nentries == 0)
		return;
	for (unsigned i = 0; i < ARP_HASHSIZE; i++) {
		struct arp_entry *la, *tmp;

		LIST_FOREACH_SAFE(la, &arp_table[i], la_hash, tmp)
			if (la->la_ifp == ifp)
				arp_destroy(la, &arpstat.drop_purged);
	}
}

/*
 * An interface going down forgets its neighbours (they may be others when
 * it comes back); coming up it announces its addresses (RFC 5227, 2.3).
 */
static void
arp_updown(struct ifnet *ifp, bool up)
{
	struct ifaddr *ifa;

	if (!up) {
		arp_ifdetach(ifp);
		return;
	}
	if (ifp->if_type != IFT_ETHER)
		return;
	TAILQ_FOREACH(ifa, &ifp->if_addrlist, ifa_list)
		if (ifa->ifa_addr.ss_family == AF_INET)
			arp_announce(ifp, ifatoia(ifa)->ia_addr);
}

static struct if_hooks arp_hooks = {
	.ifh_detach = arp_ifdetach,
	.ifh_updown = arp_updown,
};

int
arp_lookup(struct ifnet *ifp, struct in_addr addr, uint8_t lla[ETHER_ADDR_LEN])
{
	struct arp_entry *la;

	NET_ASSERT_LOCKED();
	la = arp_find(ifp, addr);
	if (la == NULL)
		return ENOENT;
	if (la->la_state != ARP_RESOLVED)
		return EINPROGRESS;
	memcpy(lla, la->la_lla, ETHER_ADDR_LEN);
	return 0;
}

int
arp_set(struct ifnet *ifp, struct in_addr addr,
    const uint8_t lla[ETHER_ADDR_LEN], bool perm)
{
	struct arp_entry *la;

	NET_ASSERT_LOCKED();
	la = arp_find(ifp, addr);
	/* A resolved entry holds nothing: start afresh. */
	if (la != NULL && la->la_state == ARP_RESOLVED) {
		arp_destroy(la, &arpstat.drop_purged);
		la = NULL;
	}
	if (la == NULL && (la = arp_create(ifp, addr)) == NULL)
		return ENOMEM;
	la->la_perm = perm;
	arp_set_resolved(la, lla);
	return 0;
}

int
arp_delete(struct ifnet *ifp, struct in_addr addr)
{
	struct arp_entry *la;

	NET_ASSERT_LOCKED();
	if ((la = arp_find(ifp, addr)) == NULL)
		return ENXIO;
	arp_destroy(la, &arpstat.drop_purged);
	return 0;
}

static void
arp_info(const struct arp_entry *la, struct arp_entryinfo *ai)
{
	uint64_t now = getticks();

	memset(ai, 0, sizeof(*ai));
	ai->ai_ifp = la->la_ifp;
	ai->ai_addr = la->la_addr;
	ai->ai_resolved = la->la_state == ARP_RESOLVED;
	ai->ai_perm = la->la_perm;
	if (ai->ai_resolved)
		memcpy(ai->ai_lla, la->la_lla, ETHER_ADDR_LEN);
	if (ai->ai_resolved && !la->la_perm && la->la_expire > now)
		ai->ai_expire_ms = (la->la_expire - now) * 1000 / hz;
}

int
arp_get(struct ifnet *ifp, struct in_addr addr, struct arp_entryinfo *ai)
{
	struct arp_entry *la;

	NET_ASSERT_LOCKED();
	if ((la = arp_find(ifp, addr)) == NULL)
		return ENXIO;
	arp_info(la, ai);
	return 0;
}

int
arp_foreach(int (*fn)(const struct arp_entryinfo *ai, void *arg), void *arg)
{
	struct arp_entryinfo ai;
	struct arp_entry *la;
	int error;

	NET_ASSERT_LOCKED();
	for (unsigned i = 0; i < ARP_HASHSIZE; i++) {
		LIST_FOREACH(la, &arp_table[i], la_hash) {
			arp_info(la, &ai);
			if ((error = fn(&ai, arg)) != 0)
				return error;
		}
	}
	return 0;
}

unsigned
arp_count(void)
{
	return atomic_load_relaxed(&arp_nentries);
}

int
arp_init(void)
{
	int error;

	arp_seed = cprng_u32();
	for (unsigned i = 0; i < ARP_HASHSIZE; i++)
		LIST_INIT(&arp_table[i]);
	TAILQ_INIT(&arp_lru);
	TAILQ_INIT(&arp_holding);
	arp_nentries = 0;
	arp_nhold = 0;
	arp_dying = false;
	arp_lastdefend = 0;
	callout_init(&arp_timer, 0);
	kstat_register(&arp_kstat, "arp", arp_kstat_desc,
	    __arraycount(arp_kstat_desc), &arpstat);
	error = ether_proto_register(ETHERTYPE_ARP, arp_input);
	if (error != 0)
		goto fail_kstat;
	error = ether_resolver_register(AF_INET, arp_resolve, ETHERTYPE_IP);
	if (error != 0)
		goto fail_proto;
	if_hooks_register(&arp_hooks);
	return 0;

fail_proto:
	ether_proto_unregister(ETHERTYPE_ARP);
fail_kstat:
	kstat_unregister(&arp_kstat);
	callout_destroy(&arp_timer);
	return error;
}

void
arp_fini(void)
{
	if_hooks_unregister(&arp_hooks);
	ether_resolver_unregister(AF_INET);
	ether_proto_unregister(ETHERTYPE_ARP);
	NET_LOCK();
	arp_dying = true;
	NET_UNLOCK();
	/* Not holding softnet_lock: a running sweep may be waiting for it. */
	callout_halt(&arp_timer, NULL);
	NET_LOCK();
	for (unsigned i = 0; i < ARP_HASHSIZE; i++)
		while (!LIST_EMPTY(&arp_table[i]))
			arp_destroy(LIST_FIRST(&arp_table[i]),
			    &arpstat.drop_purged);
	NET_UNLOCK();
	KASSERT(arp_nentries == 0 && arp_nhold == 0);
	callout_destroy(&arp_timer);
	kstat_unregister(&arp_kstat);
	memset(&arpstat, 0, sizeof(arpstat));
}
