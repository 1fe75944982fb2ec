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
#include "rumpnet/if.h"
#include "rumpnet/if_txq.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "net/if_ether.h"
#include "virtif/virtif_user.h"

KMEM_DEFINE(M_VIRTIF, "virtif");

#define VIRTIF_NAME	"virt"
#define VIRTIF_TXSEGS	32	/* pieces of a frame sent without copying */
#define VIRTIF_PARAMLEN	128
/* Received frames start 2 bytes into their buffer so the IP header is aligned. */
#define ETHER_ALIGN	2
#define ETHER_VLAN_LEN	4	/* a VLAN tag the host side may add */

struct virtif_softc {
	struct ifnet sc_if;
	struct virtif_user *sc_vu;
	struct lwp *sc_rxlwp;
	bool sc_dying;			/* atomic: the receive thread must end */
	/*
	 * Receive buffers, owned by the receive thread: a slot holds an
	 * empty mbuf with storage for a whole frame, or NULL.
	 */
	struct mbuf *sc_rxm[VIRTIF_RXBATCH];
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
virtif_rxlen(struct ifnet *ifp)
{
	return atomic_load_relaxed(&ifp->if_mtu) + ETHER_HDR_LEN + ETHER_VLAN_LEN;
}

static struct mbuf *
virtif_rxbuf(int len)
{
	struct mbuf *m;

	if (len + ETHER_ALIGN <= MCLBYTES)
		m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
	else
		m = m_getlen(M_DONTWAIT, MT_DATA, (size_t)(len + ETHER_ALIGN));
	if (m == NULL)
		return NULL;
	m->m_data += ETHER_ALIGN;
	m->m_len = 0;
	return m;
}

/*
 * Fills empty slots (and replaces buffers too small for a raised MTU).
 * Returns how many slots from the first are ready to receive into.
 */
static size_t
virtif_rxfill(struct virtif_softc *sc)
{
	int len = virtif_rxlen(&sc->sc_if);
	size_t i;

	for (i = 0; i < VIRTIF_RXBATCH; i++) {
		struct mbuf *m = sc->sc_rxm[i];

		if (m != NULL && M_TRAILINGSPACE(m) < len) {
			m_freem(m);
			m = NULL;
		}
		if (m == NULL && (m = virtif_rxbuf(len)) == NULL)
			break;
		sc->sc_rxm[i] = m;
		sc->sc_rxf[i].vf_buf = mtod(m, void *);
		sc->sc_rxf[i].vf_buflen = (size_t)M_TRAILINGSPACE(m);
	}
	return i;
}

static void
virtif_receive(void *arg)
{
	struct virtif_softc *sc = arg;
	struct ifnet *ifp = &sc->sc_if;
	struct mbuf *head, **tailp;
	size_t nslots, n, i;
	unsigned ntrunc;
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
		ntrunc = 0;
		for (i = 0; i < n; i++) {
			struct mbuf *m = sc->sc_rxm[i];

			if (sc->sc_rxf[i].vf_truncated) {
				/* Longer than our MTU: the buffer is reused. */
				ntrunc++;
				continue;
			}
			sc->sc_rxm[i] = NULL;
			m->m_len = (int)sc->sc_rxf[i].vf_len;
			m->m_pkthdr.len = m->m_len;
			*tailp = m;
			tailp = &m->m_nextpkt;
		}
		if (__predict_false(ntrunc != 0)) {
			NET_LOCK();
			ifp->if_stats.ierrors += ntrunc;
			ifp->if_stats.drops[IFDROP_TOOBIG] += ntrunc;
			NET_UNLOCK();
		}
		if (head != NULL)
			if_input_batch(ifp, head);
	}

	for (i = 0; i < VIRTIF_RXBATCH; i++) {
		if (sc->sc_rxm[i] != NULL)
			m_freem(sc->sc_rxm[i]);
		sc->sc_rxm[i] = NULL;
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
	struct virtif_user_seg segs[VIRTIF_TXSEGS];
	struct mbuf *n, *flat = NULL;
	int nsegs = 0, error;

	for (n = m; n != NULL; n = n->m_next) {
		if (n->m_len == 0)
			continue;
		if (nsegs == VIRTIF_TXSEGS)
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
		segs[0].vs_base = mtod(flat, const void *);
		segs[0].vs_len = (size_t)m->m_pkthdr.len;
		nsegs = 1;
	}
	error = virtif_user_send(sc->sc_vu, segs, nsegs, VIRTIF_USER_NOWAIT);
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

static int
virtif_ioctl(struct ifnet *ifp, unsigned long cmd, void *data)
{
	(void)ifp;
	switch (cmd) {
	case SIOCSIFMTU:
		/*
		 * The receive thread sizes new buffers for the new MTU.  The
		 * host side's MTU is left alone: it is the user's to set.
		 */
		if (*(int *)data > ETHER_MAX_MTU)
			return EINVAL;
		return 0;
	default:
		return ENOTTY;
	}
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

static const struct if_driverops virtif_driverops = {
	.ifd_transmit = virtif_transmit,
	.ifd_ioctl = virtif_ioctl,
	.ifd_detach = virtif_detach,
};

/* ---- creating and destroying ---- */

struct virtif_params {
	char vp_tap[VIRTIF_USER_NAMELEN];
	uint8_t vp_mac[ETHER_ADDR_LEN];
	int vp_mtu;			/* 0: leave the host side's */
	uint64_t vp_busypoll_us;	/* receive: spin this long first */
};

#define VIRTIF_BUSYPOLL_MAX	10000000	/* 10 s */

/*
 * Parses "tap=NAME,mac=MAC,mtu=N,busypoll=USEC" (any order, each optional).
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
	if (params == NULL)
		params = "";
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
		} else {
			kprintf("%s: unknown parameter \"%s\" (tap, mac, mtu, "
			    "busypoll)\n", ifname, key);
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

	error = virtif_user_open(vp.vp_tap, vp.vp_mtu, &sc->sc_vu);
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
	ifp->if_softc = sc;
	ifp->if_drv = &virtif_driverops;
	ether_ifattach(ifp, vp.vp_mac);
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
