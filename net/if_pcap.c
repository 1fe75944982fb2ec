/*
 * Packet capture of an interface into a pcap file: a tap on the
 * interface copies every frame into a flat buffer and the host half writes
 * it.  At most one capture per interface.
 */
#include "rumpkern/config.h"
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"
#include "rumpnet/if_tap.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "net/if_pcap.h"
#include "net/if_pcap_user.h"

KMEM_DEFINE(M_PCAP, "pcap");


struct if_pcap {
	struct if_tap pc_tap;
	struct ifnet *pc_ifp;
	struct if_pcap_user *pc_user;
	char *pc_buf;
	uint64_t pc_frames;
	LIST_ENTRY(if_pcap) pc_list;
};

static LIST_HEAD(, if_pcap) if_pcaps = LIST_HEAD_INITIALIZER(if_pcaps);

static void
if_pcap_tap(void *arg, const struct mbuf *m, enum if_tap_dir dir)
{
	struct if_pcap *pc = arg;
	int len = MIN(m->m_pkthdr.len, PCAP_BUFLEN);

	(void)dir;
	m_copydata(m, 0, len, pc->pc_buf);
	if_pcap_user_write(pc->pc_user, pc->pc_buf, (size_t)len, getnstime());
	pc->pc_frames++;
}

static struct if_pcap *
if_pcap_find(struct ifnet *ifp)
{
	struct if_pcap *pc;

	LIST_FOREACH(pc, &if_pcaps, pc_list)
		if (pc->pc_ifp == ifp)
			return pc;
	return NULL;
}

int
if_pcap_start(struct ifnet *ifp, const char *path)
{
	struct if_pcap *pc;
	int error;

	NET_ASSERT_LOCKED();
	if (if_pcap_find(ifp) != NULL)
		return EBUSY;
	pc = kmem_zalloc(&M_PCAP, sizeof(*pc), KM_SLEEP);
	error = if_pcap_user_open(path, ifp->if_type == IFT_ETHER ?
	    IF_PCAP_DLT_EN10MB : IF_PCAP_DLT_NULL, &pc->pc_user);
	if (error != 0) {
		kmem_free(&M_PCAP, pc, sizeof(*pc));
		return error;
	}
	pc->pc_buf = kmem_alloc(&M_PCAP, PCAP_BUFLEN, KM_SLEEP);
	pc->pc_ifp = ifp;
	if_ref(ifp);
	pc->pc_tap.tap_func = if_pcap_tap;
	pc->pc_tap.tap_arg = pc;
	if_tap_attach(ifp, &pc->pc_tap);
	LIST_INSERT_HEAD(&if_pcaps, pc, pc_list);
	return 0;
}

int
if_pcap_stop(struct ifnet *ifp)
{
	struct if_pcap *pc;

	NET_ASSERT_LOCKED();
	if ((pc = if_pcap_find(ifp)) == NULL)
		return ENOENT;
	LIST_REMOVE(pc, pc_list);
	if_tap_detach(ifp, &pc->pc_tap);
	if_pcap_user_close(pc->pc_user);
	if_rele(ifp);
	kmem_free(&M_PCAP, pc->pc_buf, PCAP_BUFLEN);
	kmem_free(&M_PCAP, pc, sizeof(*pc));
	return 0;
}

/* Captures end when their interface goes. */
void
if_pcap_ifdetach(struct ifnet *ifp)
{
	(void)if_pcap_stop(ifp);
}
