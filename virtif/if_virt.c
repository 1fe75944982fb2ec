/*
 * virtN: Ethernet interfaces on host tap devices, the kernel half.
 *
 * "virt0" is created by cloning with parameters "tap=NAME,mac=MAC,mtu=N"
 * (all optional: the tap defaults to "tapN" for virtN, the MAC to a random
 * locally administered one, the MTU to 1500).  The host half
 * (virtif_user.c) opens the tap.
 *
 * Receiving runs to completion: one kernel thread per interface sleeps in
 * the host half with its virtual CPU given back, wakes with a batch of
 * frames read straight into mbuf clusters (the only copy, done by the host
 * kernel's read), and carries the whole batch up the stack under one
 * acquisition of softnet_lock.
 *
 * Transmitting queues the frame (if_txq.h) and returns; the thread that
 * releases softnet_lock then hands the queued frames to the tap, each
 * gathered from its mbuf chain into one writev without copying, without
 * the stack lock held and without taking a lock per frame.  A tap takes
 * exactly one frame per write (the iovec of a writev is that frame), so a
 * batch cannot share one host call; tun/tap have no call that takes
 * several frames at once.
 */
#include "rumpkern/config.h"
#include "rumpkern/component.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kthread.h"
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"
#include "rumpkern/mutex.h"
#include "rumpkern/rump_private.h"
#include "rumpnet/if.h"
#include "rumpnet/if_txq.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "net/if_ether.h"
#include "netinet/ip.h"
#include "virtif/virtif_user.h"
#include "virtif/virtif_vnet.h"

KMEM_DEFINE(M_VIRTIF, "virtif");

#define VIRTIF_NAME	"virt"
#define VIRTIF_TXSEGS	32	/* pieces of a frame sent without copying */
#define VIRTIF_PARAMLEN	128
/* Received frames start 2 bytes into their buffer so the IP header is aligned. */
#define ETHER_ALIGN	2
#define ETHER_VLAN_LEN	4	/* a VLAN tag the host side may add */
/* The longest frame a tap with offloads hands over: a 64 KiB packet. */
#define VIRTIF_GSO_FRAME	(IP_MAXPACKET + ETHER_HDR_LEN + ETHER_VLAN_LEN)

/*
 * A receive slot: an empty mbuf chain with storage for a whole frame (a
 * cluster, or jumbo clusters for larger frames), or NULL; and the
 * virtio-net header read before the frame when offloads are on.
 */
struct virtif_rxslot {
	struct mbuf *rs_m;
	int rs_cap;			/* the room of rs_m, mapped in the frame */
	struct virtif_user_seg rs_more[VIRTIF_USER_RXMORE];
	struct virtif_vnet_hdr rs_vnet;
};

struct virtif_softc {
	struct ifnet sc_if;
	struct virtif_user *sc_vu;
	struct lwp *sc_rxlwp;
	bool sc_dying;			/* atomic: the receive thread must end */
	bool sc_offload;		/* the tap has IFF_VNET_HDR */
	/* Receive buffers, owned by the receive thread. */
	struct virtif_rxslot sc_rxs[VIRTIF_RXBATCH];
	struct virtif_user_frame sc_rxf[VIRTIF_RXBATCH];
	struct if_txq sc_txq;
	LIST_ENTRY(virtif_softc) sc_list;
};

/* Every virt interface, so that the component's fini destroys those left. */
static LIST_HEAD(, virtif_softc) virtif_list = LIST_HEAD_INITIALIZER(virtif_list);
static kmutex_t virtif_lock;

/* ---- receiving ---- */

/* Room a receive buffer needs for a frame of the interface's MTU. */
static int
virtif_rxlen(struct virtif_softc *sc)
{
	int len = atomic_load_relaxed(&sc->sc_if.if_mtu) + ETHER_HDR_LEN +
	    ETHER_VLAN_LEN;

	return sc->sc_offload ? MAX(len, VIRTIF_GSO_FRAME) : len;
}

/*
 * The room virtif_rxbuf() gives a frame of len bytes: what a frame that is
 * not a super-frame may fill, with or without offloads.
 */
static int
virtif_rxroom(int len)
{
	if (len + ETHER_ALIGN <= MCLBYTES)
		return MCLBYTES - ETHER_ALIGN;
	return roundup(len + ETHER_ALIGN, MJUMCLBYTES) - ETHER_ALIGN;
}

/*
 * Storage for a frame of len bytes: one cluster when it fits, else a
 * chain of jumbo clusters, the pieces socket buffers keep data in.
 */
static struct mbuf *
virtif_rxbuf(int len)
{
	struct mbuf *m, *n, **tailp;
	int cap;

	if (len + ETHER_ALIGN <= MCLBYTES)
		return m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
	m = m_getjcl(M_DONTWAIT, MT_DATA, M_PKTHDR, MJUMCLBYTES);
	tailp = m != NULL ? &m->m_next : NULL;
	for (cap = MJUMCLBYTES; m != NULL && cap < len + ETHER_ALIGN;
	    cap += MJUMCLBYTES) {
		if ((n = m_getjcl(M_DONTWAIT, MT_DATA, 0, MJUMCLBYTES)) == NULL) {
			m_freem(m);
			return NULL;
		}
		*tailp = n;
		tailp = &n->m_next;
	}
	return m;
}

/* The room of the chain in slot rs, and its pieces after the first. */
static int
virtif_rxslot_map(struct virtif_rxslot *rs, struct virtif_user_frame *f)
{
	struct mbuf *n;
	int cap;

	f->vf_buf = mtod(rs->rs_m, void *);
	f->vf_buflen = (size_t)M_TRAILINGSPACE(rs->rs_m);
	f->vf_vnet = &rs->rs_vnet;
	f->vf_more = rs->rs_more;
	f->vf_nmore = 0;
	cap = M_TRAILINGSPACE(rs->rs_m);
	for (n = rs->rs_m->m_next; n != NULL; n = n->m_next) {
		KASSERT(f->vf_nmore < VIRTIF_USER_RXMORE);
		rs->rs_more[f->vf_nmore].vs_base = mtod(n, void *);
		rs->rs_more[f->vf_nmore++].vs_len = (size_t)M_TRAILINGSPACE(n);
		cap += M_TRAILINGSPACE(n);
	}
	return cap;
}

/*
 * Fills empty slots (and replaces buffers too small for a raised MTU).
 * Returns how many slots from the first are ready to receive into.  A
 * slot whose chain stayed keeps its mapping: a receive changes neither,
 * and mapping all the slots' chains again would cost every read.
 */
static size_t
virtif_rxfill(struct virtif_softc *sc)
{
	int len = virtif_rxlen(sc);
	size_t i;

	for (i = 0; i < VIRTIF_RXBATCH; i++) {
		struct virtif_rxslot *rs = &sc->sc_rxs[i];

		if (rs->rs_m != NULL && rs->rs_cap >= len)
			continue;
		m_freem(rs->rs_m);
		if ((rs->rs_m = virtif_rxbuf(len)) == NULL)
			break;
		rs->rs_m->m_data += ETHER_ALIGN;
		rs->rs_cap = virtif_rxslot_map(rs, &sc->sc_rxf[i]);
	}
	return i;
}

/*
 * The received frame of len bytes in slot rs as a packet.  A small frame
 * in a slot of jumbo clusters is copied into a cluster and the slot kept:
 * socket buffers count the storage they hold, and a 64-byte ACK must not
 * pin 80 KiB.  Otherwise the chain leaves the slot, cut to the frame.
 */
static struct mbuf *
virtif_rxtake(struct virtif_rxslot *rs, int len)
{
	struct mbuf *m = rs->rs_m, *n;
	int left, cap;

	if (m->m_next != NULL && len + ETHER_ALIGN <= MCLBYTES) {
		n = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
		if (n == NULL)
			return NULL;
		n->m_data += ETHER_ALIGN;
		memcpy(mtod(n, void *), mtod(m, void *), (size_t)len);
		n->m_len = n->m_pkthdr.len = len;
		return n;
	}
	rs->rs_m = NULL;
	for (n = m, left = len; ; n = n->m_next) {
		cap = M_TRAILINGSPACE(n);
		n->m_len = MIN(left, cap);
		left -= n->m_len;
		if (left == 0)
			break;
	}
	m_freem(n->m_next);
	n->m_next = NULL;
	m->m_pkthdr.len = len;
	return m;
}

static void
virtif_receive(void *arg)
{
	struct virtif_softc *sc = arg;
	struct ifnet *ifp = &sc->sc_if;
	struct mbuf *head, **tailp;
	size_t nslots, n, i;
	unsigned ntrunc, nbad, nnobufs;
	int maxlen;
	int error;

	for (;;) {
		nslots = virtif_rxfill(sc);
		if (__predict_false(nslots == 0)) {
			/* Out of mbufs: frames wait in the tap meanwhile. */
			if (atomic_load_relaxed(&sc->sc_dying))
				break;
			kpause(1000000);
			continue;
		}

		sched_block_begin();
		error = virtif_user_recv(sc->sc_vu, sc->sc_rxf, nslots, &n);
		sched_block_end();
		if (error == ECANCELED)
			break;
		if (error != 0) {
			kprintf("%s: receiving from tap %s failed (error %d); "
			    "it no longer receives\n", ifp->if_xname,
			    virtif_user_name(sc->sc_vu), error);
			break;
		}

		head = NULL;
		tailp = &head;
		ntrunc = nbad = nnobufs = 0;
		maxlen = virtif_rxroom(atomic_load_relaxed(&ifp->if_mtu) +
		    ETHER_HDR_LEN + ETHER_VLAN_LEN);
		for (i = 0; i < n; i++) {
			struct mbuf *m;

			if (sc->sc_rxf[i].vf_truncated) {
				/* Longer than our MTU: the buffer is reused. */
				ntrunc++;
				continue;
			}
			m = virtif_rxtake(&sc->sc_rxs[i], (int)sc->sc_rxf[i].vf_len);
			if (m == NULL) {
				nnobufs++;
				continue;
			}
			if (sc->sc_offload &&
			    virtif_vnet_parse(&sc->sc_rxs[i].rs_vnet, m) != 0) {
				m_freem(m);
				nbad++;
				continue;
			}
			/* Only a super-frame may be longer than the MTU. */
			if (m->m_pkthdr.len > maxlen &&
			    !(m->m_pkthdr.csum_flags & M_CSUM_TSOv4)) {
				m_freem(m);
				ntrunc++;
				continue;
			}
			*tailp = m;
			tailp = &m->m_nextpkt;
		}
		if (__predict_false(ntrunc + nbad + nnobufs != 0)) {
			NET_LOCK();
			ifp->if_stats.ierrors += ntrunc + nbad;
			ifp->if_stats.drops[IFDROP_TOOBIG] += ntrunc;
			ifp->if_stats.drops[IFDROP_BADOFFLOAD] += nbad;
			ifp->if_stats.drops[IFDROP_NOBUFS] += nnobufs;
			NET_UNLOCK();
		}
		if (head != NULL)
			if_input_batch(ifp, head);
	}

	for (i = 0; i < VIRTIF_RXBATCH; i++) {
		m_freem(sc->sc_rxs[i].rs_m);
		sc->sc_rxs[i].rs_m = NULL;
	}
	kthread_exit(0);
}

/* ---- transmitting ---- */

/*
 * Hands one frame to the tap, without softnet_lock (the queue's send).  A
 * full tap is not waited for: the frame is dropped, as a full hardware
 * queue would drop it, and counted in txq.errors.
 */
static int
virtif_txsend(void *arg, struct mbuf *m)
{
	struct virtif_softc *sc = arg;
	struct virtif_user_seg segs[VIRTIF_TXSEGS + 1];
	struct virtif_vnet_hdr vh;
	struct mbuf *n, *flat = NULL;
	int nsegs = 0, first = 0, error;

	if (sc->sc_offload) {
		/* The stack chose only offloads the tap was asked to do. */
		if ((error = virtif_vnet_build(m, &vh)) != 0) {
			m_freem(m);
			return error;
		}
		segs[0].vs_base = &vh;
		segs[0].vs_len = sizeof(vh);
		nsegs = first = 1;
	}
	for (n = m; n != NULL; n = n->m_next) {
		if (n->m_len == 0)
			continue;
		if (nsegs == first + VIRTIF_TXSEGS)
			break;
		segs[nsegs].vs_base = mtod(n, const void *);
		segs[nsegs].vs_len = (size_t)n->m_len;
		nsegs++;
	}
	if (__predict_false(n != NULL)) {
		/* A chain of many small pieces: copy it into one buffer. */
		flat = m->m_pkthdr.len <= MAXMCLBYTES ?
		    m_getlen(M_DONTWAIT, MT_DATA, (size_t)m->m_pkthdr.len) : NULL;
		if (flat == NULL) {
			m_freem(m);
			return ENOBUFS;
		}
		m_copydata(m, 0, m->m_pkthdr.len, mtod(flat, void *));
		segs[first].vs_base = mtod(flat, const void *);
		segs[first].vs_len = (size_t)m->m_pkthdr.len;
		nsegs = first + 1;
	}
	error = virtif_user_send(sc->sc_vu, segs, nsegs);
	if (flat != NULL)
		m_freem(flat);
	m_freem(m);
	return error;
}

static int
virtif_transmit(struct ifnet *ifp, struct mbuf *m)
{
	struct virtif_softc *sc = ifp->if_softc;

	return if_txq_enqueue(&sc->sc_txq, m);
}

static void
virtif_rxstop(struct virtif_softc *sc)
{
	struct ifnet *ifp = &sc->sc_if;
	int error;

	atomic_store_relaxed(&sc->sc_dying, true);
	virtif_user_shutdown(sc->sc_vu);
	/* Only a thread that is not ours or not joinable fails to join. */
	error = kthread_join(sc->sc_rxlwp);
	KASSERTMSG(error == 0, "%s: receive thread: join failed: %d",
	    ifp->if_xname, error);
	sc->sc_rxlwp = NULL;
}

/*
 * Stops the receive thread and frees what waits to be sent; if_detach()
 * calls it without softnet_lock, once the interface no longer transmits.
 */
static void
virtif_detach(struct ifnet *ifp)
{
	struct virtif_softc *sc = ifp->if_softc;

	virtif_rxstop(sc);
	if_txq_fini(&sc->sc_txq);
}

/*
 * No ifd_ioctl: if_setmtu() checks a new MTU against Ethernet's limit, the
 * receive thread sizes new buffers for it, and the host side's MTU is left
 * alone (it is the user's to set).
 */
static const struct if_driverops virtif_driverops = {
	.ifd_transmit = virtif_transmit,
	.ifd_detach = virtif_detach,
};

/* ---- creating and destroying ---- */

struct virtif_params {
	char vp_tap[VIRTIF_USER_NAMELEN];
	uint8_t vp_mac[ETHER_ADDR_LEN];
	int vp_mtu;			/* 0: leave the host side's */
	uint64_t vp_busypoll_us;	/* receive: spin this long first */
	bool vp_offload;		/* checksum and segmentation offloads */
};

#define VIRTIF_BUSYPOLL_MAX	10000000	/* 10 s */

/*
 * Parses "tap=NAME,mac=MAC,mtu=N,busypoll=USEC,offload=on|off" (any order,
 * each optional; offloads are on unless turned off here or by the
 * parameter RUMP_VIRTIF_OFFLOAD=0).
 */
static int
virtif_parse(const char *ifname, int unit, const char *params,
    struct virtif_params *vp)
{
	char buf[VIRTIF_PARAMLEN], *key, *val, *next;
	bool havemac = false;
	uint64_t mtu;

	ksnprintf(vp->vp_tap, sizeof(vp->vp_tap), "tap%d", unit);
	vp->vp_mtu = 0;
	vp->vp_busypoll_us = 0;
	/* RUMP_VIRTIF_OFFLOAD=0 turns them off for every interface. */
	vp->vp_offload = param_get_u64("RUMP_VIRTIF_OFFLOAD", 0, 1, &mtu) != 0 ||
	    mtu != 0;
	if (strlcpy(buf, params, sizeof(buf)) >= sizeof(buf)) {
		kprintf("%s: parameters too long\n", ifname);
		return EINVAL;
	}
	for (key = buf; *key != '\0'; key = next) {
		for (next = key; *next != '\0' && *next != ','; next++)
			continue;
		if (*next == ',')
			*next++ = '\0';
		for (val = key; *val != '\0' && *val != '='; val++)
			continue;
		if (*val != '=') {
			kprintf("%s: parameter \"%s\" has no value\n", ifname,
			    key);
			return EINVAL;
		}
		*val++ = '\0';
		if (strcmp(key, "tap") == 0) {
			if (*val == '\0' || strlcpy(vp->vp_tap, val,
			    sizeof(vp->vp_tap)) >= sizeof(vp->vp_tap)) {
				kprintf("%s: bad tap name \"%s\"\n", ifname, val);
				return EINVAL;
			}
		} else if (strcmp(key, "mac") == 0) {
			if (ether_aton(val, vp->vp_mac) != 0 ||
			    ETHER_IS_MULTICAST(vp->vp_mac)) {
				kprintf("%s: bad unicast MAC \"%s\"\n", ifname,
				    val);
				return EINVAL;
			}
			havemac = true;
		} else if (strcmp(key, "mtu") == 0) {
			if (kstrtou64(val, 10, &mtu) != 0 || mtu < 68 ||
			    mtu > ETHER_MAX_MTU) {
				kprintf("%s: bad MTU \"%s\" (68 to %d)\n", ifname,
				    val, ETHER_MAX_MTU);
				return EINVAL;
			}
			vp->vp_mtu = (int)mtu;
		} else if (strcmp(key, "busypoll") == 0) {
			if (kstrtou64(val, 10, &vp->vp_busypoll_us) != 0 ||
			    vp->vp_busypoll_us > VIRTIF_BUSYPOLL_MAX) {
				kprintf("%s: bad busypoll \"%s\" (microseconds, "
				    "0 to %d)\n", ifname, val, VIRTIF_BUSYPOLL_MAX);
				return EINVAL;
			}
		} else if (strcmp(key, "offload") == 0) {
			if (strcmp(val, "on") != 0 && strcmp(val, "off") != 0) {
				kprintf("%s: bad offload \"%s\" (on or off)\n",
				    ifname, val);
				return EINVAL;
			}
			vp->vp_offload = strcmp(val, "on") == 0;
		} else {
			kprintf("%s: unknown parameter \"%s\" (tap, mac, mtu, "
			    "busypoll, offload)\n", ifname, key);
			return EINVAL;
		}
	}
	if (!havemac)
		ether_random_addr(vp->vp_mac);
	return 0;
}

static int
virtif_clone_create(struct if_clone *ifc, int unit, const char *params)
{
	struct virtif_softc *sc;
	struct virtif_params vp;
	struct ifnet *ifp;
	char name[IFNAMSIZ], macbuf[18];
	int error;

	ksnprintf(name, sizeof(name), "%s%d", ifc->ifc_name, unit);
	error = virtif_parse(name, unit, params, &vp);
	if (error != 0)
		return error;

	sc = kmem_zalloc(&M_VIRTIF, sizeof(*sc), KM_SLEEP);
	ifp = &sc->sc_if;
	if_init_ifnet(ifp, name);

	error = virtif_user_open(vp.vp_tap, vp.vp_mtu,
	    vp.vp_offload ? VIRTIF_USER_OFFLOAD : 0, &sc->sc_vu);
	if (error != 0) {
		if (error == EPERM)
			kprintf("%s: cannot open tap %s: needs root or "
			    "CAP_NET_ADMIN\n", name, vp.vp_tap);
		else
			kprintf("%s: cannot open tap %s: error %d\n", name,
			    vp.vp_tap, error);
		goto fail_free;
	}

	virtif_user_setspin(sc->sc_vu, vp.vp_busypoll_us * 1000);
	sc->sc_offload = vp.vp_offload;
	ifp->if_softc = sc;
	ifp->if_drv = &virtif_driverops;
	ether_ifattach(ifp, vp.vp_mac);
	if (vp.vp_offload)
		ifp->if_capabilities = ifp->if_capenable = IFCAP_CSUM | IFCAP_TSO4;
	if (vp.vp_mtu != 0)
		ifp->if_mtu = vp.vp_mtu;

	/*
	 * The receive thread starts before the interface is attached; until
	 * it is up, if_input drops what arrives.
	 */
	if_txq_init(&sc->sc_txq, ifp, VIRTIF_TXQLEN, virtif_txsend, sc);
	error = kthread_create(KTHREAD_MUSTJOIN, virtif_receive, sc,
	    &sc->sc_rxlwp, name);
	if (error != 0)
		goto fail_txq;
	error = if_attach(ifp);
	if (error != 0)
		goto fail_thread;

	mutex_enter(&virtif_lock);
	LIST_INSERT_HEAD(&virtif_list, sc, sc_list);
	mutex_exit(&virtif_lock);
	kprintf("%s: Ethernet address %s, on %s tap %s\n", name,
	    ether_ntoa(vp.vp_mac, macbuf),
	    virtif_user_created(sc->sc_vu) ? "new" : "existing",
	    virtif_user_name(sc->sc_vu));
	return 0;

fail_thread:
	virtif_rxstop(sc);
fail_txq:
	if_txq_fini(&sc->sc_txq);
	ether_ifdetach(ifp);
	virtif_user_close(sc->sc_vu);
fail_free:
	kmem_free(&M_VIRTIF, sc, sizeof(*sc));
	return error;
}

static void
virtif_destroy(struct virtif_softc *sc)
{
	struct ifnet *ifp = &sc->sc_if;

	/* Brings it down, stops the receive thread, waits for references. */
	if_detach(ifp);
	ether_ifdetach(ifp);
	virtif_user_close(sc->sc_vu);
	kmem_free(&M_VIRTIF, sc, sizeof(*sc));
}

static int
virtif_clone_destroy(struct ifnet *ifp)
{
	struct virtif_softc *sc = ifp->if_softc;

	mutex_enter(&virtif_lock);
	LIST_REMOVE(sc, sc_list);
	mutex_exit(&virtif_lock);
	virtif_destroy(sc);
	return 0;
}

static struct if_clone virtif_cloner = {
	.ifc_name = VIRTIF_NAME,
	.ifc_create = virtif_clone_create,
	.ifc_destroy = virtif_clone_destroy,
};

static int
virtif_init(void)
{
	mutex_init(&virtif_lock, MUTEX_DEFAULT);
	if_clone_attach(&virtif_cloner);
	return 0;
}

/* Interfaces nobody destroyed go with the kernel. */
static void
virtif_fini(void)
{
	struct virtif_softc *sc;

	if_clone_detach(&virtif_cloner);
	for (;;) {
		mutex_enter(&virtif_lock);
		sc = LIST_FIRST(&virtif_list);
		if (sc != NULL)
			LIST_REMOVE(sc, sc_list);
		mutex_exit(&virtif_lock);
		if (sc == NULL)
			break;
		virtif_destroy(sc);
	}
	mutex_destroy(&virtif_lock);
}

RUMP_COMPONENT(virtif_component, "virtif", RUMP_COMPONENT_NET_IF, virtif_init,
    virtif_fini);
