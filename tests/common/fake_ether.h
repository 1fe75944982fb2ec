/*
 * A fake Ethernet interface for kernel-internal tests: it has no device,
 * keeps every frame it is handed for transmission in a queue the test
 * reads, and receives frames the test injects with if_input().  It may
 * carry one IPv4 address, built by hand (no netinet address code needed).
 *
 * Include after ktest.h.  Call from inside KTEST_ENTER(), without
 * softnet_lock.
 */
#ifndef TESTS_FAKE_ETHER_H
#define TESTS_FAKE_ETHER_H

#include "rumpkern/callout.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "net/if_ether.h"
#include "netinet/in_var.h"

struct fake_ether {
	struct ifnet fe_if;
	struct mbuf *fe_head, *fe_tail;	/* frames sent, oldest first */
	unsigned fe_sent;		/* frames handed to transmit, ever */
	struct in_ifaddr fe_ia;
	bool fe_has_addr;
};

/* Host-order a.b.c.d as a struct in_addr. */
static inline struct in_addr
fe_ip(unsigned a, unsigned b, unsigned c, unsigned d)
{
	struct in_addr in = { htonl(a << 24 | b << 16 | c << 8 | d) };

	return in;
}

static inline int
fe_transmit(struct ifnet *ifp, struct mbuf *m)
{
	struct fake_ether *fe = container_of(ifp, struct fake_ether, fe_if);

	NET_ASSERT_LOCKED();
	m->m_nextpkt = NULL;
	if (fe->fe_tail != NULL)
		fe->fe_tail->m_nextpkt = m;
	else
		fe->fe_head = m;
	fe->fe_tail = m;
	fe->fe_sent++;
	return 0;
}

static const struct if_driverops fe_driverops = {
	.ifd_transmit = fe_transmit,
};

static unsigned fe_nextunit;

/*
 * Attaches fe as an up Ethernet interface with MAC mac, named prefix and
 * a unit number of its own, so that a test failing before it detached its
 * interface does not make the next one's attach fail.  fe should be
 * static: after such a failure the interface list still points at it.
 */
static inline void
fe_attach(struct fake_ether *fe, const char *prefix,
    const uint8_t mac[ETHER_ADDR_LEN])
{
	char name[IFNAMSIZ];

	ksnprintf(name, sizeof(name), "%s%u", prefix, fe_nextunit++);
	memset(fe, 0, sizeof(*fe));
	if_init_ifnet(&fe->fe_if, name);
	fe->fe_if.if_drv = &fe_driverops;
	ether_ifattach(&fe->fe_if, mac);
	assert_int_equal(if_attach(&fe->fe_if), 0);
	NET_LOCK();
	assert_int_equal(if_setflags(&fe->fe_if, IFF_UP), 0);
	NET_UNLOCK();
}

static inline void
fe_sin(struct sockaddr_storage *ss, struct in_addr a)
{
	struct sockaddr_in sin;

	memset(ss, 0, sizeof(*ss));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = a;
	memcpy(ss, &sin, sizeof(sin));
}

/* Gives fe the address addr/plen, as netinet would. */
static inline void
fe_addaddr(struct fake_ether *fe, struct in_addr addr, int plen)
{
	struct in_ifaddr *ia = &fe->fe_ia;
	uint32_t mask = plen == 0 ? 0 : htonl(~0u << (32 - plen));

	memset(ia, 0, sizeof(*ia));
	ia->ia_addr = addr;
	ia->ia_netmask.s_addr = mask;
	ia->ia_broadaddr.s_addr = addr.s_addr | ~mask;
	ia->ia_plen = plen;
	fe_sin(&ia->ia_ifa.ifa_addr, ia->ia_addr);
	fe_sin(&ia->ia_ifa.ifa_netmask, ia->ia_netmask);
	fe_sin(&ia->ia_ifa.ifa_broadaddr, ia->ia_broadaddr);
	NET_LOCK();
	ifa_insert(&fe->fe_if, &ia->ia_ifa);
	NET_UNLOCK();
	fe->fe_has_addr = true;
}

/* Detaches fe and frees the frames it still holds. */
static inline void
fe_detach(struct fake_ether *fe)
{
	NET_LOCK();
	if (fe->fe_has_addr)
		ifa_remove(&fe->fe_if, &fe->fe_ia.ia_ifa);
	fe->fe_has_addr = false;
	NET_UNLOCK();
	if_detach(&fe->fe_if);
	ether_ifdetach(&fe->fe_if);
	m_freem_list(fe->fe_head);
	fe->fe_head = fe->fe_tail = NULL;
}

/* Frames queued, not yet taken by fe_pop. */
static inline unsigned
fe_queued(struct fake_ether *fe)
{
	unsigned n = 0;

	NET_LOCK();
	for (struct mbuf *m = fe->fe_head; m != NULL; m = m->m_nextpkt)
		n++;
	NET_UNLOCK();
	return n;
}

/*
 * Takes the oldest frame sent, copies it into buf (at most size bytes)
 * and returns its length; -1 when no frame is queued.
 */
static inline int
fe_pop(struct fake_ether *fe, void *buf, int size)
{
	struct mbuf *m;
	int len;

	NET_LOCK();
	m = fe->fe_head;
	if (m != NULL) {
		fe->fe_head = m->m_nextpkt;
		if (fe->fe_head == NULL)
			fe->fe_tail = NULL;
		m->m_nextpkt = NULL;
	}
	NET_UNLOCK();
	if (m == NULL)
		return -1;
	assert_true(m_check(m));
	len = m->m_pkthdr.len;
	m_copydata(m, 0, len < size ? len : size, buf);
	m_freem(m);
	return len;
}

/* Drops every queued frame. */
static inline void
fe_flush(struct fake_ether *fe)
{
	NET_LOCK();
	m_freem_list(fe->fe_head);
	fe->fe_head = fe->fe_tail = NULL;
	NET_UNLOCK();
}

/* Hands a frame to the interface as its driver would. */
static inline void
fe_inject(struct fake_ether *fe, const void *frame, int len)
{
	struct mbuf *m = m_devget(frame, len, &fe->fe_if);

	assert_non_null(m);
	if_input(&fe->fe_if, m);
}

/*
 * Hands a frame over as a chain of two mbufs split after k bytes, so the
 * layers above must pull up what they read.
 */
static inline void
fe_inject_split(struct fake_ether *fe, const void *frame, int len, int k)
{
	struct mbuf *m = m_gethdr(M_WAIT, MT_DATA);
	struct mbuf *n = m_get(M_WAIT, MT_DATA);

	assert_true(k > 0 && k < len && len - k <= MLEN && k <= MHLEN);
	memcpy(mtod(m, char *), frame, (size_t)k);
	m->m_len = k;
	memcpy(mtod(n, char *), (const char *)frame + k, (size_t)(len - k));
	n->m_len = len - k;
	m->m_next = n;
	m->m_pkthdr.len = len;
	m->m_pkthdr.rcvif = &fe->fe_if;
	assert_true(m_check(m));
	if_input(&fe->fe_if, m);
}

/* Writes an Ethernet header; returns its length. */
static inline int
fe_ethhdr(uint8_t *buf, const uint8_t dst[ETHER_ADDR_LEN],
    const uint8_t src[ETHER_ADDR_LEN], uint16_t type)
{
	memcpy(buf, dst, ETHER_ADDR_LEN);
	memcpy(buf + ETHER_ADDR_LEN, src, ETHER_ADDR_LEN);
	be16enc(buf + 2 * ETHER_ADDR_LEN, type);
	return ETHER_HDR_LEN;
}

/* A counter by its kstat name ("arp.drop.short"). */
static inline uint64_t
kstat_read(const char *name)
{
	uint64_t v = ~0ULL;

	assert_int_equal(rumppriv_kstat_get(name, &v), 0);
	return v;
}

#endif
