/*
 * Network interfaces.
 *
 * An interface is split along two ops tables.  The driver (virtif, lo0)
 * supplies if_driverops: how to transmit a finished frame, start, stop and
 * configure the device.  The link layer (Ethernet, loopback) supplies
 * if_linkops: how a protocol's packet becomes a frame (output, e.g. ARP
 * resolution and the Ethernet header) and how a received frame is parsed
 * and handed to a protocol (input).  Everything above calls through
 * if_output() and drivers call if_input(); those wrappers are the single
 * place for counting, packet capture and fault injection.
 *
 * Locking: the network stack runs under softnet_lock (see netlock.h).  A
 * driver's receive thread takes it around if_input() of a batch of frames;
 * if_output() is called with it held.
 */
#ifndef RUMPNET_IF_H
#define RUMPNET_IF_H

#include "rumpkern/kern.h"
#include "rumpkern/kstat.h"
#include "rumpnet/net_abi.h"
#include "rumpnet/mbuf.h"

struct mbuf;
struct ifnet;
struct rtentry;
struct if_tap;
struct if_fault;

/* if_flags, Linux's values */
#define IFF_UP		0x0001
#define IFF_BROADCAST	0x0002
#define IFF_LOOPBACK	0x0008
#define IFF_POINTOPOINT	0x0010
#define IFF_RUNNING	0x0040
#define IFF_NOARP	0x0080
#define IFF_PROMISC	0x0100
#define IFF_MULTICAST	0x1000

/*
 * if_capabilities (what the driver can do) and if_capenable (what it is
 * asked to): work on packets the device does instead of the stack.
 */
#define IFCAP_CSUM	0x0001	/* completes M_CSUM_PARTIAL checksums */
#define IFCAP_TSO4	0x0002	/* cuts M_CSUM_TSOv4 super-segments */

/* if_type */
#define IFT_ETHER	0x06
#define IFT_LOOP	0x18

#define IF_HWADDR_MAX	8

/* Why an interface dropped a packet; each reason has its own counter. */
enum if_drop {
	IFDROP_DOWN,		/* interface not up */
	IFDROP_SHORT,		/* frame shorter than its link header */
	IFDROP_NOTFORUS,	/* destination MAC not ours */
	IFDROP_NOPROTO,		/* no protocol for the ethertype */
	IFDROP_TOOBIG,		/* larger than the MTU (or the driver's buffer) */
	IFDROP_NOBUFS,		/* no memory */
	IFDROP_HWERR,		/* the device refused the frame */
	IFDROP_FAULT,		/* dropped by fault injection */
	IFDROP_BADOFFLOAD,	/* offload header malformed or unsupported */
	IFDROP_NDROPS
};

/* Updated under softnet_lock only; read without it by kstat. */
struct if_stats {
	uint64_t ipackets, ibytes, ierrors;
	uint64_t opackets, obytes, oerrors;
	uint64_t imcasts, omcasts;
	uint64_t drops[IFDROP_NDROPS];
};

struct if_driverops {
	/*
	 * Sends one complete frame; owns m.  Called with softnet_lock held,
	 * so it must not block for long (a full device queue: drop, count).
	 */
	int (*ifd_transmit)(struct ifnet *ifp, struct mbuf *m);
	/* Brings the device up or down (IFF_UP changed); may be NULL. */
	int (*ifd_init)(struct ifnet *ifp);
	void (*ifd_stop)(struct ifnet *ifp);
	/*
	 * Device-specific requests; ENOTTY for unknown ones; may be NULL.
	 * SIOCSIFMTU passes an int * with the new MTU.
	 */
	int (*ifd_ioctl)(struct ifnet *ifp, unsigned long cmd, void *data);
	/* Releases the driver's resources at detach; may be NULL. */
	void (*ifd_detach)(struct ifnet *ifp);
};

struct if_linkops {
	/*
	 * Sends a packet of protocol family af to dst (the next hop) over
	 * the link: adds the link header and calls ifd_transmit.  Owns m.
	 */
	int (*ifl_output)(struct ifnet *ifp, struct mbuf *m,
	    const struct sockaddr *dst, struct rtentry *rt);
	/* Parses a received frame and hands it up.  Owns m. */
	void (*ifl_input)(struct ifnet *ifp, struct mbuf *m);
};

/* An address assigned to an interface (struct in_ifaddr extends it). */
struct ifaddr {
	struct sockaddr_storage ifa_addr;
	struct sockaddr_storage ifa_netmask;
	struct sockaddr_storage ifa_broadaddr;
	struct ifnet *ifa_ifp;
	unsigned ifa_refcnt;
	void (*ifa_free)(struct ifaddr *ifa);	/* with the last reference */
	TAILQ_ENTRY(ifaddr) ifa_list;
};

struct ifnet {
	char if_xname[IFNAMSIZ];
	unsigned if_index;
	int if_flags;
	int if_mtu;
	uint8_t if_type;
	uint8_t if_addrlen;
	uint8_t if_hdrlen;
	uint8_t if_hwaddr[IF_HWADDR_MAX];
	int if_capabilities;		/* IFCAP_*: what the driver can do */
	int if_capenable;		/* IFCAP_*: what it does */
	const struct if_driverops *if_drv;
	const struct if_linkops *if_link;
	void *if_softc;			/* the driver's */
	void *if_linkstate;		/* the link layer's (ARP cache...) */
	struct if_stats if_stats;
	TAILQ_HEAD(, ifaddr) if_addrlist;
	struct if_tap *if_taps;		/* packet capture, or NULL */
	struct if_fault *if_fault;	/* fault injection, or NULL */
	struct kstat_group if_kstat;	/* "virt0.ipackets", ... */
	unsigned if_refcnt;		/* 1 while attached, + lookups, routes */
	bool if_detaching;
	TAILQ_ENTRY(ifnet) if_list;
};

/*
 * The offloads a packet sent now may leave to the interface: none while
 * a packet tap or fault injection is attached, so that both see every
 * frame as it goes on the wire, with its checksum.  Under softnet_lock.
 */
static inline int
if_txoffload(const struct ifnet *ifp)
{
	if (ifp->if_taps != NULL || ifp->if_fault != NULL)
		return 0;
	return ifp->if_capenable;
}

/*
 * Whether packet m (without link header) may go out on ifp: within the
 * MTU, or a super-segment whose pieces IP checked against it.
 */
static inline bool
if_fits_mtu(const struct ifnet *ifp, const struct mbuf *m)
{
	return m->m_pkthdr.len <= ifp->if_mtu ||
	    (m->m_pkthdr.csum_flags & M_CSUM_TSOv4);
}

/* Counts a drop by reason and frees the packet. */
void if_drop(struct ifnet *ifp, struct mbuf *m, enum if_drop why);

/*
 * Called by drivers for every received frame; counts it, captures it,
 * applies fault injection and passes it to ifl_input.  Takes
 * softnet_lock itself: a driver may hand over a whole batch at once with
 * if_input_batch(), which takes it once.
 */
void if_input(struct ifnet *ifp, struct mbuf *m);
void if_input_batch(struct ifnet *ifp, struct mbuf *list);	/* m_nextpkt */
/* Called by protocols: send m to dst over ifp.  Owns m. */
int if_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt);
/* Called by link layers: hand a finished frame to the driver.  Owns m. */
int if_transmit(struct ifnet *ifp, struct mbuf *m);

/* Passes on a frame that fault injection held back (reordering). */
void if_fault_release(struct ifnet *ifp, struct mbuf *m, int dir);

/*
 * Interface list.  if_attach() and if_detach() take softnet_lock
 * themselves; if_detach() then waits until no one holds a reference, after
 * the driver's ifd_detach stopped its threads, so the caller may free ifp.
 */
void if_init_ifnet(struct ifnet *ifp, const char *name);
int if_attach(struct ifnet *ifp);
void if_detach(struct ifnet *ifp);
int if_init(void);		/* the rumpnet component: creates lo0 */
void if_fini(void);
/* A lookup under softnet_lock; it returns a held reference or NULL. */
struct ifnet *if_find_byname(const char *name);
void if_ref(struct ifnet *ifp);
void if_rele(struct ifnet *ifp);
/*
 * Takes softnet_lock, finds the interface named name and returns
 * fn(ifp, arg), or ENXIO when there is none; EINVAL for a NULL name.
 */
int if_call_byname(const char *name,
    int (*fn)(struct ifnet *ifp, const void *arg), const void *arg);
/* Calls fn for each interface until it returns non-zero (softnet_lock held). */
int if_foreach(int (*fn)(struct ifnet *ifp, void *arg), void *arg);
/* Changes IFF_UP and IFF_PROMISC; starts or stops the driver. */
int if_setflags(struct ifnet *ifp, int flags);
int if_setmtu(struct ifnet *ifp, int mtu);
/*
 * Socket ioctls on interfaces, routes and neighbours (if_ioctl.c), made
 * through a socket of family dp: whether cmd is one, and the request with
 * data in the caller's memory.  Interface requests (SIOC*IF*) are
 * answered here, their address requests by dp->dom_ifioctl; routes and
 * ARP by dp->dom_ioctl.  Setting needs an effective uid of 0 (EPERM).
 */
struct domain;
bool if_ioctl_isnet(unsigned long cmd);
int if_ioctl(struct domain *dp, unsigned long cmd, void *data);
extern struct ifnet *lo0ifp;

/* Addresses. */
void ifa_ref(struct ifaddr *ifa);
void ifa_rele(struct ifaddr *ifa);
void ifa_insert(struct ifnet *ifp, struct ifaddr *ifa);
void ifa_remove(struct ifnet *ifp, struct ifaddr *ifa);

/*
 * Hooks that address families register to hear of interface events (so
 * that netinet can drop its addresses and routes when an interface goes).
 */
struct if_hooks {
	void (*ifh_detach)(struct ifnet *ifp);
	void (*ifh_updown)(struct ifnet *ifp, bool up);
	LIST_ENTRY(if_hooks) ifh_list;
};
void if_hooks_register(struct if_hooks *h);
void if_hooks_unregister(struct if_hooks *h);

/* Interface cloning: a driver registers a name prefix ("virt"). */
struct if_clone {
	const char *ifc_name;
	/* params: driver options ("tap=tap0,mac=..."), "" for none. */
	int (*ifc_create)(struct if_clone *ifc, int unit, const char *params);
	int (*ifc_destroy)(struct ifnet *ifp);
	LIST_ENTRY(if_clone) ifc_list;
};
void if_clone_attach(struct if_clone *ifc);
void if_clone_detach(struct if_clone *ifc);
/* Creates "virt0" from the clone named "virt"; params "" for none. */
int if_clone_create(const char *name, const char *params);
int if_clone_destroy(const char *name);

#endif
