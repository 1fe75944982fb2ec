/*
 * The interface layer: the list of interfaces, their addresses, and the
 * wrappers every frame passes through on its way in (if_input) and out
 * (if_output, if_transmit).  Those wrappers are the one place where frames
 * are counted, captured and subjected to fault injection.
 */
#include "rumpkern/condvar.h"
#include "rumpkern/kmem.h"
#include "rumpnet/domain.h"
#include "rumpnet/if.h"
#include "rumpnet/if_fault.h"
#include "rumpnet/if_tap.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet_private.h"

static TAILQ_HEAD(, ifnet) ifnet_list = TAILQ_HEAD_INITIALIZER(ifnet_list);
static LIST_HEAD(, if_hooks) if_hooks_list = LIST_HEAD_INITIALIZER(if_hooks_list);
static unsigned if_nextindex = 1;
static kcondvar_t if_refcv;		/* if_detach waits for references */

static const struct kstat_desc if_kstat_desc[] = {
	KSTAT_DESC(struct if_stats, ipackets, "ipackets"),
	KSTAT_DESC(struct if_stats, ibytes, "ibytes"),
	KSTAT_DESC(struct if_stats, ierrors, "ierrors"),
	KSTAT_DESC(struct if_stats, opackets, "opackets"),
	KSTAT_DESC(struct if_stats, obytes, "obytes"),
	KSTAT_DESC(struct if_stats, oerrors, "oerrors"),
	KSTAT_DESC(struct if_stats, imcasts, "imcasts"),
	KSTAT_DESC(struct if_stats, omcasts, "omcasts"),
	KSTAT_DESC(struct if_stats, drops[IFDROP_DOWN], "drop.down"),
	KSTAT_DESC(struct if_stats, drops[IFDROP_SHORT], "drop.short"),
	KSTAT_DESC(struct if_stats, drops[IFDROP_NOTFORUS], "drop.notforus"),
	KSTAT_DESC(struct if_stats, drops[IFDROP_NOPROTO], "drop.noproto"),
	KSTAT_DESC(struct if_stats, drops[IFDROP_TOOBIG], "drop.toobig"),
	KSTAT_DESC(struct if_stats, drops[IFDROP_NOBUFS], "drop.nobufs"),
	KSTAT_DESC(struct if_stats, drops[IFDROP_HWERR], "drop.hwerr"),
	KSTAT_DESC(struct if_stats, drops[IFDROP_FAULT], "drop.fault"),
	KSTAT_DESC(struct if_stats, drops[IFDROP_BADOFFLOAD], "drop.badoffload"),
};
CTASSERT(IFDROP_NDROPS == 9);

void
if_drop(struct ifnet *ifp, struct mbuf *m, enum if_drop why)
{
	ifp->if_stats.drops[why]++;
	m_freem(m);
}

/* ---- the data path ---- */

static void
if_input_one(struct ifnet *ifp, struct mbuf *m)
{
	struct mbuf *next;

	NET_ASSERT_LOCKED();
	if (__predict_false(!(ifp->if_flags & IFF_UP))) {
		if_drop(ifp, m, IFDROP_DOWN);
		return;
	}
	m->m_pkthdr.rcvif = ifp;
	ifp->if_stats.ipackets++;
	ifp->if_stats.ibytes += (uint64_t)m->m_pkthdr.len;
	if (ifp->if_taps != NULL)
		if_tap_run(ifp, m, IF_TAP_IN);
	if (__predict_false(ifp->if_fault != NULL))
		m = if_fault_apply(ifp, m, IF_FAULT_IN);
	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		ifp->if_link->ifl_input(ifp, m);
	}
}

void
if_input(struct ifnet *ifp, struct mbuf *m)
{
	NET_LOCK();
	if_input_one(ifp, m);
	NET_UNLOCK();
}

void
if_input_batch(struct ifnet *ifp, struct mbuf *list)
{
	struct mbuf *m, *next;

	NET_LOCK();
	for (m = list; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		if_input_one(ifp, m);
	}
	NET_UNLOCK();
}

int
if_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt)
{
	NET_ASSERT_LOCKED();
	if (__predict_false((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
	    (IFF_UP | IFF_RUNNING))) {
		if_drop(ifp, m, IFDROP_DOWN);
		return ENETDOWN;
	}
	return ifp->if_link->ifl_output(ifp, m, dst, rt);
}

static int
if_transmit_one(struct ifnet *ifp, struct mbuf *m)
{
	int len = m->m_pkthdr.len, error;

	error = ifp->if_drv->ifd_transmit(ifp, m);
	if (error != 0) {
		ifp->if_stats.oerrors++;
		return error;
	}
	ifp->if_stats.opackets++;
	ifp->if_stats.obytes += (uint64_t)len;
	return 0;
}

int
if_transmit(struct ifnet *ifp, struct mbuf *m)
{
	struct mbuf *next;
	int error = 0;

	NET_ASSERT_LOCKED();
	KASSERT(m->m_flags & M_PKTHDR);
	if (ifp->if_taps != NULL)
		if_tap_run(ifp, m, IF_TAP_OUT);
	if (__predict_false(ifp->if_fault != NULL))
		m = if_fault_apply(ifp, m, IF_FAULT_OUT);
	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		error = if_transmit_one(ifp, m);
	}
	return error;
}

void
if_fault_release(struct ifnet *ifp, struct mbuf *m, int dir)
{
	NET_ASSERT_LOCKED();
	/* Held back while the interface went down or away: too late now. */
	if (!(ifp->if_flags & IFF_UP) || ifp->if_detaching) {
		if_drop(ifp, m, IFDROP_DOWN);
		return;
	}
	if (dir == IF_FAULT_IN)
		ifp->if_link->ifl_input(ifp, m);
	else
		(void)if_transmit_one(ifp, m);
}

/* ---- the list of interfaces ---- */

void
if_init_ifnet(struct ifnet *ifp, const char *name)
{
	memset(ifp, 0, sizeof(*ifp));
	strlcpy(ifp->if_xname, name, sizeof(ifp->if_xname));
	TAILQ_INIT(&ifp->if_addrlist);
	ifp->if_mtu = 1500;
}

static struct ifnet *
if_find_locked(const char *name)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &ifnet_list, if_list)
		if (strcmp(ifp->if_xname, name) == 0)
			return ifp;
	return NULL;
}

int
if_attach(struct ifnet *ifp)
{
	KASSERT(ifp->if_drv != NULL && ifp->if_link != NULL);
	NET_LOCK();
	if (if_find_locked(ifp->if_xname) != NULL) {
		NET_UNLOCK();
		return EEXIST;
	}
	ifp->if_index = if_nextindex++;
	ifp->if_refcnt = 1;
	TAILQ_INSERT_TAIL(&ifnet_list, ifp, if_list);
	kstat_register(&ifp->if_kstat, ifp->if_xname, if_kstat_desc,
	    __arraycount(if_kstat_desc), &ifp->if_stats);
	NET_UNLOCK();
	return 0;
}

void
if_detach(struct ifnet *ifp)
{
	struct if_hooks *h;

	NET_LOCK();
	ifp->if_detaching = true;
	if (ifp->if_flags & IFF_UP)
		(void)if_setflags(ifp, ifp->if_flags & ~IFF_UP);
	LIST_FOREACH(h, &if_hooks_list, ifh_list)
		if (h->ifh_detach != NULL)
			h->ifh_detach(ifp);
	TAILQ_REMOVE(&ifnet_list, ifp, if_list);
	kstat_unregister(&ifp->if_kstat);
	if_fault_clear(ifp);
	NET_UNLOCK();

	/* The driver stops its threads without softnet_lock: they may want it. */
	if (ifp->if_drv->ifd_detach != NULL)
		ifp->if_drv->ifd_detach(ifp);

	NET_LOCK();
	if_rele(ifp);
	while (ifp->if_refcnt != 0)
		cv_wait(&if_refcv, &softnet_lock);
	NET_UNLOCK();
}

struct ifnet *
if_find_byname(const char *name)
{
	struct ifnet *ifp;

	NET_ASSERT_LOCKED();
	ifp = if_find_locked(name);
	if (ifp != NULL)
		if_ref(ifp);
	return ifp;
}

int
if_call_byname(const char *name, int (*fn)(struct ifnet *, const void *),
    const void *arg)
{
	struct ifnet *ifp;
	int error;

	if (name == NULL)
		return EINVAL;
	NET_LOCK();
	ifp = if_find_byname(name);
	if (ifp == NULL) {
		NET_UNLOCK();
		return ENXIO;
	}
	error = fn(ifp, arg);
	if_rele(ifp);
	NET_UNLOCK();
	return error;
}

void
if_ref(struct ifnet *ifp)
{
	NET_ASSERT_LOCKED();
	ifp->if_refcnt++;
}

void
if_rele(struct ifnet *ifp)
{
	NET_ASSERT_LOCKED();
	KASSERT(ifp->if_refcnt > 0);
	if (--ifp->if_refcnt == 0)
		cv_broadcast(&if_refcv);
}

int
if_foreach(int (*fn)(struct ifnet *ifp, void *arg), void *arg)
{
	struct ifnet *ifp, *next;
	int error = 0;

	NET_ASSERT_LOCKED();
	TAILQ_FOREACH_SAFE(ifp, &ifnet_list, if_list, next)
		if ((error = fn(ifp, arg)) != 0)
			break;
	return error;
}

int
if_setflags(struct ifnet *ifp, int flags)
{
	const int settable = IFF_UP | IFF_PROMISC;
	int old = ifp->if_flags, error = 0;
	struct if_hooks *h;

	NET_ASSERT_LOCKED();
	if ((flags & IFF_UP) && ifp->if_detaching)
		return ENXIO;
	ifp->if_flags = (old & ~settable) | (flags & settable);
	if ((old ^ ifp->if_flags) & IFF_UP) {
		if (ifp->if_flags & IFF_UP) {
			if (ifp->if_drv->ifd_init != NULL)
				error = ifp->if_drv->ifd_init(ifp);
			if (error != 0) {
				ifp->if_flags = old;
				return error;
			}
			ifp->if_flags |= IFF_RUNNING;
		} else {
			if (ifp->if_drv->ifd_stop != NULL)
				ifp->if_drv->ifd_stop(ifp);
			ifp->if_flags &= ~IFF_RUNNING;
		}
		LIST_FOREACH(h, &if_hooks_list, ifh_list)
			if (h->ifh_updown != NULL)
				h->ifh_updown(ifp, (ifp->if_flags & IFF_UP) != 0);
	}
	return 0;
}

int
if_setmtu(struct ifnet *ifp, int mtu)
{
	int max = ifp->if_type == IFT_ETHER ? 9000 : 65536;
	int error;

	NET_ASSERT_LOCKED();
	/* RFC 791: every host must handle 68-byte datagrams. */
	if (mtu < 68 || mtu > max)
		return EINVAL;
	if (ifp->if_drv->ifd_ioctl != NULL) {
		error = ifp->if_drv->ifd_ioctl(ifp, SIOCSIFMTU, &mtu);
		if (error != 0 && error != ENOTTY)
			return error;
	}
	ifp->if_mtu = mtu;
	return 0;
}

/* ---- addresses ---- */

void
ifa_ref(struct ifaddr *ifa)
{
	ifa->ifa_refcnt++;
}

void
ifa_rele(struct ifaddr *ifa)
{
	KASSERT(ifa->ifa_refcnt > 0);
	if (--ifa->ifa_refcnt == 0 && ifa->ifa_free != NULL)
		ifa->ifa_free(ifa);
}

void
ifa_insert(struct ifnet *ifp, struct ifaddr *ifa)
{
	NET_ASSERT_LOCKED();
	ifa->ifa_ifp = ifp;
	ifa_ref(ifa);
	TAILQ_INSERT_TAIL(&ifp->if_addrlist, ifa, ifa_list);
}

void
ifa_remove(struct ifnet *ifp, struct ifaddr *ifa)
{
	NET_ASSERT_LOCKED();
	TAILQ_REMOVE(&ifp->if_addrlist, ifa, ifa_list);
	ifa_rele(ifa);
}

/* ---- hooks ---- */

void
if_hooks_register(struct if_hooks *h)
{
	NET_LOCK();
	LIST_INSERT_HEAD(&if_hooks_list, h, ifh_list);
	NET_UNLOCK();
}

void
if_hooks_unregister(struct if_hooks *h)
{
	NET_LOCK();
	LIST_REMOVE(h, ifh_list);
	NET_UNLOCK();
}

int
if_init(void)
{
	cv_init(&if_refcv);
	return if_loop_attach();
}

void
if_fini(void)
{
	if_loop_detach();
	KASSERT(TAILQ_EMPTY(&ifnet_list));
	cv_destroy(&if_refcv);
}
