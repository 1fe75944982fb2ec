/*
 * IPv4 reassembly (RFC 791 section 3.2, RFC 815, RFC 1122 section 3.3.2).
 *
 * Datagrams being reassembled are kept in a hash table keyed by (source,
 * destination, identification, protocol), with a secret in the hash so a
 * sender cannot aim at one bucket, and in a list in order of arrival of
 * their first fragment, which is also the order in which they time out.
 * Each keeps its fragments sorted by offset; the datagram is complete when
 * the last fragment (MF clear) has been seen and the fragments held add
 * up to its length: overlaps are never kept, so the fragments then cover
 * it without a hole.
 *
 * Overlaps.  RFC 791 lets a later fragment overwrite the data of an
 * earlier one, which lets a sender show a firewall one datagram and the
 * host another (RFC 1858, RFC 3128).  Like RFC 5722 for IPv6 and Linux
 * for IPv4 since 4.19, a fragment that overlaps one held partially, or
 * that is inconsistent with the length known from the last fragment,
 * drops the whole datagram (ips_fragoverlap, ips_fragbad); an exact
 * duplicate (same offset and length, as a retransmission gives) is
 * dropped alone (ips_fragdup).
 *
 * Limits.  At most ip_maxfragpackets datagrams and ip_maxfrags fragments
 * in all are held; a fragment that would exceed either makes room by
 * dropping the oldest datagram (ips_fragoverflow), so a flood of bogus
 * fragments cannot take more memory than that, nor hold it for longer
 * than the timeout.  A datagram that would exceed 65535 bytes (the ping of
 * death) is dropped as soon as a fragment says so (ips_toolong).
 *
 * Timeout.  A datagram not complete ip_reass_timeout after its first
 * fragment came is dropped by a callout (ips_fragtimeout).  RFC 1122
 * 3.3.2 recommends 60 to 120 s; 30 s is what the BSDs and Linux use.  If
 * the fragment with offset 0 was received, an ICMP time exceeded
 * (reassembly) is sent back quoting it (RFC 792, "Time Exceeded Message",
 * which asks for none when fragment zero is missing; RFC 1122 3.2.2.4).
 */
#include "rumpkern/config.h"
#include "rumpkern/callout.h"
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/ip_private.h"

KMEM_DEFINE(M_IPREASS, "ipreass");

unsigned ip_maxfragpackets = IP_MAXFRAGPACKETS;
unsigned ip_maxfrags = IP_MAXFRAGS;
unsigned ip_reass_timeout = IP_REASS_TIMEOUT_MS;

#define IPREASS_HASHSIZE	64	/* a power of 2 */

/* A fragment held; offsets count data bytes after the IP header. */
struct ipqent {
	TAILQ_ENTRY(ipqent) ipqe_list;
	struct mbuf *ipqe_m;
	int ipqe_off;
	int ipqe_end;
	int ipqe_hlen;
};

/* A datagram being reassembled. */
struct ipq {
	LIST_ENTRY(ipq) ipq_hash;
	TAILQ_ENTRY(ipq) ipq_age;
	TAILQ_HEAD(, ipqent) ipq_frags;	/* sorted by offset, no overlaps */
	struct in_addr ipq_src, ipq_dst;
	uint16_t ipq_id;
	uint8_t ipq_p;
	unsigned ipq_nfrags;
	int ipq_len;			/* data length; -1 until the last came */
	int ipq_bytes;			/* data bytes held */
	int ipq_maxend;			/* largest end of a fragment held */
	uint64_t ipq_expire;		/* getnsuptime() */
};

static struct {
	LIST_HEAD(, ipq) hash[IPREASS_HASHSIZE];
	TAILQ_HEAD(, ipq) age;		/* oldest first */
	unsigned npackets;
	unsigned nfrags;
	uint32_t secret;
	callout_t timer;
	uint64_t timer_at;		/* when the timer is due, if pending */
	struct if_hooks hooks;
	bool dying;
} ipr;

static unsigned
ipq_hash(struct in_addr src, struct in_addr dst, uint16_t id, uint8_t p)
{
	uint32_t h = ipr.secret;

	h ^= src.s_addr * 0x9e3779b1u;
	h = (h ^ (h >> 15)) * 0x85ebca6bu ^ dst.s_addr;
	h = (h ^ (h >> 13)) * 0xc2b2ae35u ^ ((uint32_t)id << 8 | p);
	h ^= h >> 16;
	return h & (IPREASS_HASHSIZE - 1);
}

/* Frees a datagram and its fragments; each is counted in *why if not NULL. */
static void
ipq_free(struct ipq *fp, uint64_t *why)
{
	struct ipqent *e;

	while ((e = TAILQ_FIRST(&fp->ipq_frags)) != NULL) {
		TAILQ_REMOVE(&fp->ipq_frags, e, ipqe_list);
		m_freem(e->ipqe_m);
		kmem_free(&M_IPREASS, e, sizeof(*e));
		if (why != NULL) {
			ipstat.ips_fragdropped++;
			(*why)++;
		}
	}
	LIST_REMOVE(fp, ipq_hash);
	TAILQ_REMOVE(&ipr.age, fp, ipq_age);
	KASSERT(ipr.npackets > 0 && ipr.nfrags >= fp->ipq_nfrags);
	ipr.npackets--;
	ipr.nfrags -= fp->ipq_nfrags;
	kmem_free(&M_IPREASS, fp, sizeof(*fp));
}

/* Drops one fragment that is not (or no longer) held. */
static void
frag_drop(struct mbuf *m, uint64_t *why)
{
	ipstat.ips_fragdropped++;
	(*why)++;
	m_freem(m);
}

static int
ipq_ticks_until(uint64_t when)
{
	uint64_t now = getnsuptime();
	uint64_t ms = when > now ? (when - now + 999999) / 1000000 : 0;

	return mstohz((unsigned)MIN(ms, 1000u * 1000 * 1000)) + 1;
}

/*
 * A datagram timed out: its fragments go, and the source hears of it if
 * the first fragment came and was sent to one of our unicast addresses.
 */
static void
ipq_timeout(struct ipq *fp)
{
	struct ipqent *e = TAILQ_FIRST(&fp->ipq_frags);
	struct mbuf *m = NULL;

	ipstat.ips_fragtimeout += fp->ipq_nfrags;
	if (e != NULL && e->ipqe_off == 0) {
		TAILQ_REMOVE(&fp->ipq_frags, e, ipqe_list);
		m = e->ipqe_m;
		kmem_free(&M_IPREASS, e, sizeof(*e));
	}
	ipq_free(fp, NULL);
	if (m == NULL)
		return;
	/*
	 * The interface it came on may be gone by now; icmp_error does
	 * without it.  A datagram to a broadcast address gets no error.
	 */
	m->m_pkthdr.rcvif = NULL;
	if ((m->m_flags & (M_BCAST | M_MCAST)) ||
	    !in_islocal(mtod(m, struct ip *)->ip_dst)) {
		m_freem(m);
		return;
	}
	icmp_error(m, ICMP_TIMXCEED, ICMP_TIMXCEED_REASS, 0);
}

static void ip_reass_timer(void *);

static void
ipq_timer_set(uint64_t when)
{
	ipr.timer_at = when;
	callout_reset(&ipr.timer, ipq_ticks_until(when), ip_reass_timer, NULL);
}

static void
ip_reass_timer(void *arg)
{
	struct ipq *fp, *tmp;
	uint64_t now, next;

	(void)arg;
	NET_LOCK();
	if (ipr.dying) {
		NET_UNLOCK();
		return;
	}
	/*
	 * The list is in order of expiry unless ip_reass_timeout changed
	 * meanwhile, so all of it is looked at; it is short (the limits).
	 */
	now = getnsuptime();
	next = UINT64_MAX;
	TAILQ_FOREACH_SAFE(fp, &ipr.age, ipq_age, tmp) {
		if (fp->ipq_expire <= now)
			ipq_timeout(fp);
		else
			next = MIN(next, fp->ipq_expire);
	}
	if (next != UINT64_MAX)
		ipq_timer_set(next);
	NET_UNLOCK();
}

/* Puts together a complete datagram and frees its queue. */
static struct mbuf *
ipq_reassemble(struct ipq *fp)
{
	struct ipqent *e = TAILQ_FIRST(&fp->ipq_frags);
	struct mbuf *m = e->ipqe_m, *n;
	int hlen = e->ipqe_hlen, total = hlen + fp->ipq_len;
	struct ip *ip;

	KASSERT(e->ipqe_off == 0);
	if (total > IP_MAXPACKET) {
		/* The first fragment's options made it too long. */
		ipstat.ips_toolong++;
		ipq_free(fp, &ipstat.ips_fragbad);
		return NULL;
	}
	TAILQ_REMOVE(&fp->ipq_frags, e, ipqe_list);
	kmem_free(&M_IPREASS, e, sizeof(*e));
	fp->ipq_nfrags--;
	ipr.nfrags--;
	while ((e = TAILQ_FIRST(&fp->ipq_frags)) != NULL) {
		TAILQ_REMOVE(&fp->ipq_frags, e, ipqe_list);
		n = e->ipqe_m;
		m_adj(n, e->ipqe_hlen);
		m_cat(m, n);
		kmem_free(&M_IPREASS, e, sizeof(*e));
		fp->ipq_nfrags--;
		ipr.nfrags--;
	}
	ipq_free(fp, NULL);
	KASSERT(m->m_pkthdr.len == total);

	/* The first fragment's header, now of the whole datagram. */
	ip = mtod(m, struct ip *);
	ip->ip_len = htons(total);
	ip->ip_off = 0;
	ip->ip_sum = 0;
	ip->ip_sum = htons(in_cksum(m, 0, hlen));
	m->m_pkthdr.csum_flags &= ~M_CSUM_DATA_OK;
	ipstat.ips_reassembled++;
	return m;
}

/*
 * Makes room for one more fragment of fp (NULL: of a new datagram) by
 * dropping the oldest datagrams.  Returns false if fp itself had to go.
 */
static bool
ipq_makeroom(struct ipq *fp)
{
	struct ipq *old;

	while ((fp == NULL && ipr.npackets >= ip_maxfragpackets) ||
	    ipr.nfrags >= ip_maxfrags) {
		old = TAILQ_FIRST(&ipr.age);
		if (old != NULL && old == fp)
			old = TAILQ_NEXT(old, ipq_age);
		if (old == NULL) {
			/* Nothing else to drop (or a limit of 0). */
			if (fp != NULL)
				ipq_free(fp, &ipstat.ips_fragoverflow);
			return false;
		}
		ipq_free(old, &ipstat.ips_fragoverflow);
	}
	return true;
}

/* The datagram ip is a fragment of, in hash chain h; NULL if none yet. */
static struct ipq *
ipq_lookup(const struct ip *ip, unsigned h)
{
	struct ipq *fp;

	LIST_FOREACH(fp, &ipr.hash[h], ipq_hash)
		if (fp->ipq_id == ip->ip_id && fp->ipq_p == ip->ip_p &&
		    fp->ipq_src.s_addr == ip->ip_src.s_addr &&
		    fp->ipq_dst.s_addr == ip->ip_dst.s_addr)
			return fp;
	return NULL;
}

/*
 * A new datagram for fragment ip, in hash chain h, timing out
 * ip_reass_timeout from now; NULL when out of memory.
 */
static struct ipq *
ipq_create(const struct ip *ip, unsigned h)
{
	struct ipq *fp = kmem_zalloc(&M_IPREASS, sizeof(*fp), KM_NOSLEEP);

	if (fp == NULL)
		return NULL;
	TAILQ_INIT(&fp->ipq_frags);
	fp->ipq_src = ip->ip_src;
	fp->ipq_dst = ip->ip_dst;
	fp->ipq_id = ip->ip_id;
	fp->ipq_p = ip->ip_p;
	fp->ipq_len = -1;
	fp->ipq_expire = getnsuptime() +
	    (uint64_t)ip_reass_timeout * 1000 * 1000;
	LIST_INSERT_HEAD(&ipr.hash[h], fp, ipq_hash);
	TAILQ_INSERT_TAIL(&ipr.age, fp, ipq_age);
	ipr.npackets++;
	if (!callout_pending(&ipr.timer) || fp->ipq_expire < ipr.timer_at)
		ipq_timer_set(fp->ipq_expire);
	return fp;
}

/*
 * Checks fragment [off, end) of a datagram, hlen its header: NULL if it
 * may be kept, else the counter of why it is dropped; *whole says its
 * datagram goes with it.  By itself (RFC 791 3.2): every fragment but the
 * last carries a multiple of 8 bytes, every one carries something, and
 * the datagram fits in 65535 bytes.
 */
static uint64_t *
frag_check(int hlen, int off, int end, bool mf, bool *whole)
{
	*whole = false;
	if (end == off || (mf && ((end - off) & 7) != 0))
		return &ipstat.ips_fragbad;
	/* Beyond 65535 bytes: the whole datagram goes. */
	if (hlen + end > IP_MAXPACKET) {
		ipstat.ips_toolong++;
		*whole = true;
		return &ipstat.ips_fragbad;
	}
	return NULL;
}

/*
 * Checks fragment [off, end) against datagram fp as frag_check does, and
 * finds where it goes: after *prevp (NULL: first).  All must agree with
 * the length the last fragment gave; an exact duplicate is dropped alone;
 * an overlap drops the whole datagram (see the top of this file).
 */
static uint64_t *
ipq_check(const struct ipq *fp, int off, int end, bool mf,
    struct ipqent **prevp, bool *whole)
{
	struct ipqent *prev = NULL, *next;

	*whole = true;
	if ((!mf && fp->ipq_len >= 0 && fp->ipq_len != end) ||
	    (!mf && fp->ipq_maxend > end) ||
	    (mf && fp->ipq_len >= 0 && end > fp->ipq_len))
		return &ipstat.ips_fragbad;
	TAILQ_FOREACH(next, &fp->ipq_frags, ipqe_list) {
		if (next->ipqe_off >= off)
			break;
		prev = next;
	}
	if (next != NULL && next->ipqe_off == off && next->ipqe_end == end) {
		*whole = false;
		return &ipstat.ips_fragdup;
	}
	if ((prev != NULL && prev->ipqe_end > off) ||
	    (next != NULL && next->ipqe_off < end))
		return &ipstat.ips_fragoverlap;
	*prevp = prev;
	*whole = false;
	return NULL;
}

/* Holds fragment m, [off, end), in fp after prev; false if out of memory. */
static bool
ipq_insert(struct ipq *fp, struct ipqent *prev, struct mbuf *m, int off,
    int end, bool mf)
{
	struct ipqent *e = kmem_alloc(&M_IPREASS, sizeof(*e), KM_NOSLEEP);

	if (e == NULL)
		return false;
	e->ipqe_m = m;
	e->ipqe_off = off;
	e->ipqe_end = end;
	e->ipqe_hlen = IP_HL(mtod(m, struct ip *));
	if (prev != NULL)
		TAILQ_INSERT_AFTER(&fp->ipq_frags, prev, e, ipqe_list);
	else
		TAILQ_INSERT_HEAD(&fp->ipq_frags, e, ipqe_list);
	fp->ipq_nfrags++;
	ipr.nfrags++;
	fp->ipq_bytes += end - off;
	fp->ipq_maxend = MAX(fp->ipq_maxend, end);
	if (!mf)
		fp->ipq_len = end;
	return true;
}

struct mbuf *
ip_reass(struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	struct ipqent *prev = NULL;
	struct ipq *fp;
	unsigned h;
	int hlen = IP_HL(ip);
	uint16_t ipoff = ntohs(ip->ip_off);
	int off = (ipoff & IP_OFFMASK) << 3;
	int end = off + m->m_pkthdr.len - hlen;
	bool mf = ipoff & IP_MF, whole;
	uint64_t *why;

	NET_ASSERT_LOCKED();
	KASSERT(m->m_len >= hlen && m->m_pkthdr.len == ntohs(ip->ip_len));

	h = ipq_hash(ip->ip_src, ip->ip_dst, ip->ip_id, ip->ip_p);
	fp = ipq_lookup(ip, h);
	why = frag_check(hlen, off, end, mf, &whole);
	if (why == NULL && fp != NULL)
		why = ipq_check(fp, off, end, mf, &prev, &whole);
	if (why != NULL) {
		frag_drop(m, why);
		if (whole && fp != NULL)
			ipq_free(fp, why);
		return NULL;
	}
	/*
	 * Room is made only for a fragment that will be kept: one dropped
	 * above must not cost another datagram its place.
	 */
	if (!ipq_makeroom(fp) ||
	    (fp == NULL && (fp = ipq_create(ip, h)) == NULL) ||
	    !ipq_insert(fp, prev, m, off, end, mf)) {
		frag_drop(m, &ipstat.ips_fragoverflow);
		return NULL;
	}
	if (fp->ipq_len < 0 || fp->ipq_bytes != fp->ipq_len)
		return NULL;
	return ipq_reassemble(fp);
}

/* An interface goes: the fragments that came on it go too. */
static void
ip_reass_ifdetach(struct ifnet *ifp)
{
	struct ipq *fp, *next;
	struct ipqent *e;

	TAILQ_FOREACH_SAFE(fp, &ipr.age, ipq_age, next) {
		TAILQ_FOREACH(e, &fp->ipq_frags, ipqe_list)
			if (e->ipqe_m->m_pkthdr.rcvif == ifp)
				break;
		if (e != NULL)
			ipq_free(fp, NULL);
	}
}

unsigned
ip_reass_count(void)
{
	return ipr.npackets;
}

unsigned
ip_reass_nfrags(void)
{
	return ipr.nfrags;
}

void
ip_reass_init(void)
{
	for (int i = 0; i < IPREASS_HASHSIZE; i++)
		LIST_INIT(&ipr.hash[i]);
	TAILQ_INIT(&ipr.age);
	ipr.npackets = ipr.nfrags = 0;
	ipr.secret = cprng_u32();
	ipr.dying = false;
	callout_init(&ipr.timer, 0);
	ipr.hooks.ifh_detach = ip_reass_ifdetach;
	ipr.hooks.ifh_updown = NULL;
	if_hooks_register(&ipr.hooks);
}

void
ip_reass_fini(void)
{
	struct ipq *fp;

	if_hooks_unregister(&ipr.hooks);
	NET_LOCK();
	ipr.dying = true;
	NET_UNLOCK();
	callout_halt(&ipr.timer, NULL);
	callout_destroy(&ipr.timer);
	NET_LOCK();
	while ((fp = TAILQ_FIRST(&ipr.age)) != NULL)
		ipq_free(fp, NULL);
	NET_UNLOCK();
	KASSERT(ipr.npackets == 0 && ipr.nfrags == 0);
}
