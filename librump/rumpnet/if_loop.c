/*
 * The loopback interface lo0.
 *
 * Output does not call input directly: a TCP segment sent to ourselves
 * would otherwise be processed inside its own output call, recursing
 * through the stack.  Packets are queued and a softint delivers them, with
 * the address family carried in a 4-byte header (the BSD loopback
 * encapsulation, which packet capture knows as DLT_NULL).
 */
#include "rumpkern/config.h"
#include "rumpkern/kmem.h"
#include "rumpkern/softint.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netisr.h"
#include "rumpnet/netlock.h"
#include "rumpnet_private.h"

KMEM_DEFINE(M_IFLOOP, "ifloop");

#define LOMTU		65536

struct ifnet *lo0ifp;

static struct {
	struct mbuf *head, *tail;
	int len;
	struct softint *si;
} lo_q;

static int
lo_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt)
{
	uint32_t af = dst->sa_family;

	(void)rt;
	M_PREPEND(m, (int)sizeof(af), M_DONTWAIT);
	if (m == NULL) {
		ifp->if_stats.drops[IFDROP_NOBUFS]++;
		return ENOBUFS;
	}
	memcpy(mtod(m, void *), &af, sizeof(af));
	m->m_flags |= M_LOOP;
	return if_transmit(ifp, m);
}

static int
lo_transmit(struct ifnet *ifp, struct mbuf *m)
{
	NET_ASSERT_LOCKED();
	if (lo_q.len >= LOQLEN) {
		if_drop(ifp, m, IFDROP_NOBUFS);
		return ENOBUFS;
	}
	m->m_nextpkt = NULL;
	if (lo_q.tail != NULL)
		lo_q.tail->m_nextpkt = m;
	else
		lo_q.head = m;
	lo_q.tail = m;
	lo_q.len++;
	softint_schedule(lo_q.si);
	return 0;
}

static void
lo_softint(void *arg)
{
	struct mbuf *list;

	(void)arg;
	NET_LOCK();
	list = lo_q.head;
	lo_q.head = lo_q.tail = NULL;
	lo_q.len = 0;
	NET_UNLOCK();
	if (list != NULL)
		if_input_batch(lo0ifp, list);
}

static void
lo_input(struct ifnet *ifp, struct mbuf *m)
{
	uint32_t af;

	/* lo_output put the family there: only memory can be missing. */
	if (m->m_len < (int)sizeof(af) &&
	    (m = m_pullup(m, (int)sizeof(af))) == NULL) {
		ifp->if_stats.drops[IFDROP_NOBUFS]++;
		return;
	}
	memcpy(&af, mtod(m, void *), sizeof(af));
	m_adj(m, (int)sizeof(af));
	netisr_dispatch((int)af, ifp, m);
}

static const struct if_driverops lo_driverops = {
	.ifd_transmit = lo_transmit,
};

static const struct if_linkops lo_linkops = {
	.ifl_output = lo_output,
	.ifl_input = lo_input,
};

int
if_loop_attach(void)
{
	struct ifnet *ifp = kmem_alloc(&M_IFLOOP, sizeof(*ifp), KM_SLEEP);
	int error;

	if_init_ifnet(ifp, "lo0");
	ifp->if_type = IFT_LOOP;
	ifp->if_mtu = LOMTU;
	ifp->if_flags = IFF_LOOPBACK | IFF_MULTICAST;
	ifp->if_drv = &lo_driverops;
	ifp->if_link = &lo_linkops;
	lo_q.si = softint_establish(SOFTINT_NET, lo_softint, NULL);
	error = if_attach(ifp);
	if (error != 0) {
		softint_disestablish(lo_q.si);
		kmem_free(&M_IFLOOP, ifp, sizeof(*ifp));
		return error;
	}
	NET_LOCK();
	(void)if_setflags(ifp, IFF_UP);
	NET_UNLOCK();
	lo0ifp = ifp;
	return 0;
}

void
if_loop_detach(void)
{
	struct ifnet *ifp = lo0ifp;

	if_detach(ifp);
	softint_disestablish(lo_q.si);
	m_freem_list(lo_q.head);
	lo_q.head = lo_q.tail = NULL;
	lo_q.len = 0;
	lo0ifp = NULL;
	kmem_free(&M_IFLOOP, ifp, sizeof(*ifp));
}
