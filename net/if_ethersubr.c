/*
 * Ethernet (Ethernet II framing, IEEE 802.3 addresses): the link layer of
 * every Ethernet interface.  Input validates and strips the 14-byte header
 * and hands the payload to the protocol registered for its ethertype;
 * output asks the resolver registered for the packet's address family
 * (ARP for AF_INET) for the destination MAC and prepends the header.
 * net/ names no protocol: both tables are filled from above.
 *
 * Short frames.  A frame below the 60-byte minimum (ETHER_MIN_LEN, FCS
 * excluded) is sent as it is, not padded: the peer of a tap is the host
 * kernel, which takes runts from a virtual device as they are, and a host
 * NIC driver pads when it puts a frame on a real wire (the hardware or
 * skb_put_padto() does it there).  Padding here would cost a write of up
 * to 18 bytes into every pure TCP ACK (54 bytes) and ARP packet (42), would
 * show bytes in packet captures that no protocol sent, and is the classic
 * place to leak stale memory onto the wire (CVE-2003-0001).  Input accepts
 * runts for the same reason: the host hands us 42-byte ARP frames.
 *
 * Promiscuous mode.  A unicast frame for another MAC is dropped
 * (IFDROP_NOTFORUS) also in promiscuous mode: packet taps already saw it
 * in if_input(), which is all promiscuous mode is for on a host; passing
 * it up would make IP answer or forward packets sent to another station.
 *
 * Locking: input and output run under softnet_lock; the registration
 * functions take it themselves.
 */
#include "rumpkern/component.h"
#include "rumpkern/endian.h"
#include "rumpkern/kstat.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "net/if_ether.h"

const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

/*
 * First ethertype of Ethernet II; below it the field is an IEEE 802.3
 * length and an LLC header follows (spanning tree, NetBIOS...).
 */
#define ETHERTYPE_MIN	0x0600

/* Protocols by ethertype: few (IPv4, ARP, IPv6), so a short array. */
#define ETHER_NPROTO	8

static struct ether_proto {
	uint16_t ep_type;
	void (*ep_input)(struct ifnet *ifp, struct mbuf *m);
} ether_protos[ETHER_NPROTO];

static struct ether_resolver {
	ether_resolve_t er_resolve;
	uint16_t er_type;
} ether_resolvers[AF_MAX];

/*
 * Ethertype-level counters of all Ethernet interfaces ("ether.*"); the
 * drops of each interface are counted by reason in its own if_stats too.
 */
static struct ether_stats {
	uint64_t in_bcast;		/* broadcast frames received */
	uint64_t in_mcast;		/* multicast frames received */
	uint64_t in_llc;		/* 802.3 length field: no ethertype */
	uint64_t in_unknown;		/* no protocol for the ethertype */
	uint64_t in_promisc;		/* for another MAC, promiscuous mode */
	uint64_t out_frames;		/* frames handed to if_transmit */
	uint64_t out_held;		/* resolver kept the packet */
	uint64_t out_noresolver;	/* no resolver for the family */
	uint64_t out_toobig;		/* larger than the MTU */
	uint64_t out_down;		/* interface not running */
	uint64_t out_nobufs;		/* no mbuf for the header */
} etherstat;

static const struct kstat_desc ether_kstat_desc[] = {
	KSTAT_DESC(struct ether_stats, in_bcast, "in.bcast"),
	KSTAT_DESC(struct ether_stats, in_mcast, "in.mcast"),
	KSTAT_DESC(struct ether_stats, in_llc, "in.llc"),
	KSTAT_DESC(struct ether_stats, in_unknown, "in.unknown"),
	KSTAT_DESC(struct ether_stats, in_promisc, "in.promisc"),
	KSTAT_DESC(struct ether_stats, out_frames, "out.frames"),
	KSTAT_DESC(struct ether_stats, out_held, "out.held"),
	KSTAT_DESC(struct ether_stats, out_noresolver, "drop.noresolver"),
	KSTAT_DESC(struct ether_stats, out_toobig, "drop.toobig"),
	KSTAT_DESC(struct ether_stats, out_down, "drop.down"),
	KSTAT_DESC(struct ether_stats, out_nobufs, "drop.nobufs"),
};
static struct kstat_group ether_kstat;

/* ---- input ---- */

static void
ether_input(struct ifnet *ifp, struct mbuf *m)
{
	const struct ether_header *eh;
	uint16_t type;

	NET_ASSERT_LOCKED();
	if (m->m_pkthdr.len < ETHER_HDR_LEN) {
		if_drop(ifp, m, IFDROP_SHORT);
		return;
	}
	if (m->m_len < ETHER_HDR_LEN &&
	    (m = m_pullup(m, ETHER_HDR_LEN)) == NULL) {
		ifp->if_stats.drops[IFDROP_NOBUFS]++;
		return;
	}
	eh = mtod(m, const struct ether_header *);
	m->m_flags &= ~(M_BCAST | M_MCAST);
	if (ETHER_IS_MULTICAST(eh->ether_dhost)) {
		if (memcmp(eh->ether_dhost, etherbroadcastaddr,
		    ETHER_ADDR_LEN) == 0) {
			m->m_flags |= M_BCAST;
			etherstat.in_bcast++;
		} else {
			m->m_flags |= M_MCAST;
			etherstat.in_mcast++;
		}
		ifp->if_stats.imcasts++;
	} else if (memcmp(eh->ether_dhost, ifp->if_hwaddr,
	    ETHER_ADDR_LEN) != 0) {
		if (ifp->if_flags & IFF_PROMISC)
			etherstat.in_promisc++;
		if_drop(ifp, m, IFDROP_NOTFORUS);
		return;
	}
	type = be16dec(&eh->ether_type);
	m_adj(m, ETHER_HDR_LEN);

	if (type < ETHERTYPE_MIN) {
		etherstat.in_llc++;
		if_drop(ifp, m, IFDROP_NOPROTO);
		return;
	}
	for (int i = 0; i < ETHER_NPROTO; i++) {
		if (ether_protos[i].ep_input != NULL &&
		    ether_protos[i].ep_type == type) {
			ether_protos[i].ep_input(ifp, m);
			return;
		}
	}
	etherstat.in_unknown++;
	if_drop(ifp, m, IFDROP_NOPROTO);
}

/* ---- output ---- */

int
ether_output_frame(struct ifnet *ifp, struct mbuf *m,
    const uint8_t dhost[ETHER_ADDR_LEN], uint16_t ethertype)
{
	struct ether_header *eh;

	NET_ASSERT_LOCKED();
	KASSERT(m->m_flags & M_PKTHDR);
	if (__predict_false((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
	    (IFF_UP | IFF_RUNNING))) {
		etherstat.out_down++;
		if_drop(ifp, m, IFDROP_DOWN);
		return ENETDOWN;
	}
	if (__predict_false(!if_fits_mtu(ifp, m))) {
		etherstat.out_toobig++;
		if_drop(ifp, m, IFDROP_TOOBIG);
		return EMSGSIZE;
	}
	M_PREPEND(m, ETHER_HDR_LEN, M_DONTWAIT);
	if (m == NULL) {
		etherstat.out_nobufs++;
		ifp->if_stats.drops[IFDROP_NOBUFS]++;
		return ENOBUFS;
	}
	eh = mtod(m, struct ether_header *);
	memcpy(eh->ether_dhost, dhost, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, ifp->if_hwaddr, ETHER_ADDR_LEN);
	be16enc(&eh->ether_type, ethertype);
	if (ETHER_IS_MULTICAST(dhost))
		ifp->if_stats.omcasts++;
	etherstat.out_frames++;
	return if_transmit(ifp, m);
}

/* The if_linkops output: resolve the next hop, then frame and send. */
static int
ether_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt)
{
	const struct ether_resolver *er;
	uint8_t lla[ETHER_ADDR_LEN];
	int af = dst->sa_family, error;

	NET_ASSERT_LOCKED();
	/* Before resolving, so that a resolver never holds what cannot go. */
	if (__predict_false(!if_fits_mtu(ifp, m))) {
		etherstat.out_toobig++;
		if_drop(ifp, m, IFDROP_TOOBIG);
		return EMSGSIZE;
	}
	if (af <= 0 || af >= AF_MAX || ether_resolvers[af].er_resolve == NULL) {
		etherstat.out_noresolver++;
		if_drop(ifp, m, IFDROP_NOPROTO);
		return EAFNOSUPPORT;
	}
	er = &ether_resolvers[af];
	error = er->er_resolve(ifp, m, dst, rt, lla);
	if (error == EWOULDBLOCK) {
		/* Queued until resolved; the resolver counts what it drops. */
		etherstat.out_held++;
		return 0;
	}
	if (error != 0)
		return error;
	return ether_output_frame(ifp, m, lla, er->er_type);
}

static const struct if_linkops ether_linkops = {
	.ifl_output = ether_output,
	.ifl_input = ether_input,
};

/* ---- interfaces ---- */

void
ether_ifattach(struct ifnet *ifp, const uint8_t lla[ETHER_ADDR_LEN])
{
	ifp->if_type = IFT_ETHER;
	ifp->if_addrlen = ETHER_ADDR_LEN;
	ifp->if_hdrlen = ETHER_HDR_LEN;
	if (ifp->if_mtu == 0)
		ifp->if_mtu = ETHERMTU;
	ifp->if_flags |= IFF_BROADCAST | IFF_MULTICAST;
	memset(ifp->if_hwaddr, 0, sizeof(ifp->if_hwaddr));
	memcpy(ifp->if_hwaddr, lla, ETHER_ADDR_LEN);
	ifp->if_link = &ether_linkops;
}

/*
 * After if_detach().  The Ethernet layer keeps nothing per interface:
 * protocols forget ifp through their if_hooks (ARP purges its entries).
 */
void
ether_ifdetach(struct ifnet *ifp)
{
	KASSERT(ifp->if_type == IFT_ETHER && ifp->if_link == &ether_linkops);
	ifp->if_link = NULL;
}

/* ---- protocol and resolver tables ---- */

int
ether_proto_register(uint16_t ethertype,
    void (*input)(struct ifnet *ifp, struct mbuf *m))
{
	struct ether_proto *slot = NULL;
	int error = 0;

	if (ethertype < ETHERTYPE_MIN || input == NULL)
		return EINVAL;
	NET_LOCK();
	for (int i = 0; i < ETHER_NPROTO; i++) {
		if (ether_protos[i].ep_input == NULL) {
			if (slot == NULL)
				slot = &ether_protos[i];
		} else if (ether_protos[i].ep_type == ethertype) {
			error = EEXIST;
			goto out;
		}
	}
	if (slot == NULL) {
		error = ENOSPC;
		goto out;
	}
	slot->ep_type = ethertype;
	slot->ep_input = input;
out:
	NET_UNLOCK();
	return error;
}

void
ether_proto_unregister(uint16_t ethertype)
{
	NET_LOCK();
	for (int i = 0; i < ETHER_NPROTO; i++) {
		if (ether_protos[i].ep_input != NULL &&
		    ether_protos[i].ep_type == ethertype) {
			ether_protos[i].ep_input = NULL;
			ether_protos[i].ep_type = 0;
		}
	}
	NET_UNLOCK();
}

int
ether_resolver_register(int af, ether_resolve_t resolve, uint16_t ethertype)
{
	int error = 0;

	if (af <= 0 || af >= AF_MAX || resolve == NULL ||
	    ethertype < ETHERTYPE_MIN)
		return EINVAL;
	NET_LOCK();
	if (ether_resolvers[af].er_resolve != NULL)
		error = EEXIST;
	else {
		ether_resolvers[af].er_resolve = resolve;
		ether_resolvers[af].er_type = ethertype;
	}
	NET_UNLOCK();
	return error;
}

void
ether_resolver_unregister(int af)
{
	if (af <= 0 || af >= AF_MAX)
		return;
	NET_LOCK();
	ether_resolvers[af].er_resolve = NULL;
	ether_resolvers[af].er_type = 0;
	NET_UNLOCK();
}

/* ---- addresses ---- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Six groups of one or two hex digits separated by ':'. */
int
ether_aton(const char *s, uint8_t lla[ETHER_ADDR_LEN])
{
	uint8_t out[ETHER_ADDR_LEN];

	if (s == NULL)
		return EINVAL;
	for (int i = 0; i < ETHER_ADDR_LEN; i++) {
		int hi = hexval(*s), lo;

		if (hi < 0)
			return EINVAL;
		s++;
		lo = hexval(*s);
		if (lo >= 0) {
			out[i] = (uint8_t)(hi << 4 | lo);
			s++;
		} else
			out[i] = (uint8_t)hi;
		if (i < ETHER_ADDR_LEN - 1) {
			if (*s != ':')
				return EINVAL;
			s++;
		}
	}
	if (*s != '\0')
		return EINVAL;
	memcpy(lla, out, ETHER_ADDR_LEN);
	return 0;
}

char *
ether_ntoa(const uint8_t lla[ETHER_ADDR_LEN], char *buf)
{
	ksnprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
	    lla[0], lla[1], lla[2], lla[3], lla[4], lla[5]);
	return buf;
}

void
ether_random_addr(uint8_t lla[ETHER_ADDR_LEN])
{
	cprng_bytes(lla, ETHER_ADDR_LEN);
	/* Unicast (I/G bit clear), locally administered (U/L bit set). */
	lla[0] = (uint8_t)((lla[0] & 0xfe) | 0x02);
}

/* ---- the component ---- */

static int
ether_init(void)
{
	kstat_register(&ether_kstat, "ether", ether_kstat_desc,
	    __arraycount(ether_kstat_desc), &etherstat);
	return 0;
}

static void
ether_fini(void)
{
	/* Protocols (a level above) unregistered before this runs. */
	for (int i = 0; i < ETHER_NPROTO; i++)
		KASSERTMSG(ether_protos[i].ep_input == NULL,
		    "ether_fini: ethertype 0x%04x still registered",
		    ether_protos[i].ep_type);
	for (int af = 0; af < AF_MAX; af++)
		KASSERTMSG(ether_resolvers[af].er_resolve == NULL,
		    "ether_fini: resolver for family %d still registered", af);
	kstat_unregister(&ether_kstat);
	memset(&etherstat, 0, sizeof(etherstat));
}

RUMP_COMPONENT(ether_component, "ether", RUMP_COMPONENT_NET_ROUTE,
    ether_init, ether_fini)
