/*
 * A fake IP interface for kernel-internal tests of the IPv4 layer: no
 * device and no link header.  Its link output keeps every packet IP hands
 * it, together with the next hop IP chose, in a queue the test reads; what
 * the test injects with fi_inject() goes through if_input() to ip_input()
 * as a received frame would.  Addresses and routes are added through the
 * real calls (in_addr_add, rt_add).
 *
 * Also: building IPv4 packets into flat buffers, with a checksum computed
 * here independently of in_cksum.c, and reading packets back.
 *
 * Include after ktest.h.  Functions named fi_* that take no lock are
 * called without softnet_lock, from inside KTEST_ENTER().
 */
#ifndef TESTS_FAKE_IP_H
#define TESTS_FAKE_IP_H

#include "rumpkern/ktime.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_icmp.h"
#include "netinet/ip_var.h"

#define FI_MAXPKT	(IP_MAXPACKET + 1)

struct fake_ip {
	struct ifnet fi_if;
	struct mbuf *fi_head, *fi_tail;	/* packets sent, oldest first */
	unsigned fi_sent;		/* packets handed to output, ever */
	int fi_error;			/* output fails with it (full queue) */
};

/* Host-order a.b.c.d as a struct in_addr. */
static inline struct in_addr
fi_ip(unsigned a, unsigned b, unsigned c, unsigned d)
{
	struct in_addr in = { htonl(a << 24 | b << 16 | c << 8 | d) };

	return in;
}

/*
 * Link output: the next hop's address is put in front of the packet, as
 * lo0 puts the family, and the packet is queued.
 */
static inline int
fi_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
    struct rtentry *rt)
{
	struct fake_ip *fi = container_of(ifp, struct fake_ip, fi_if);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)dst;

	(void)rt;
	NET_ASSERT_LOCKED();
	assert_int_equal(dst->sa_family, AF_INET);
	assert_true(m_check(m));
	if (fi->fi_error != 0) {
		m_freem(m);
		return fi->fi_error;
	}
	M_PREPEND(m, (int)sizeof(struct in_addr), M_DONTWAIT);
	assert_non_null(m);
	memcpy(mtod(m, void *), &sin->sin_addr, sizeof(struct in_addr));
	m->m_nextpkt = NULL;
	if (fi->fi_tail != NULL)
		fi->fi_tail->m_nextpkt = m;
	else
		fi->fi_head = m;
	fi->fi_tail = m;
	fi->fi_sent++;
	return 0;
}

static inline void
fi_input(struct ifnet *ifp, struct mbuf *m)
{
	ip_input(ifp, m);
}

static inline int
fi_transmit(struct ifnet *ifp, struct mbuf *m)
{
	(void)ifp;
	m_freem(m);
	return 0;
}

static const struct if_driverops fi_driverops = {
	.ifd_transmit = fi_transmit,
};
static const struct if_linkops fi_linkops = {
	.ifl_output = fi_output,
	.ifl_input = fi_input,
};

/* Attaches fi, up, as name with address addr/plen (and its routes). */
static inline void
fi_attach(struct fake_ip *fi, const char *name, struct in_addr addr, int plen)
{
	memset(fi, 0, sizeof(*fi));
	if_init_ifnet(&fi->fi_if, name);
	fi->fi_if.if_flags = IFF_BROADCAST;
	fi->fi_if.if_drv = &fi_driverops;
	fi->fi_if.if_link = &fi_linkops;
	assert_int_equal(if_attach(&fi->fi_if), 0);
	NET_LOCK();
	assert_int_equal(in_addr_add(&fi->fi_if, addr, plen), 0);
	NET_UNLOCK();
}

/* Takes the oldest packet sent, and its next hop; NULL if none. */
static inline struct mbuf *
fi_dequeue(struct fake_ip *fi, struct in_addr *nexthop)
{
	struct mbuf *m;

	NET_LOCK();
	m = fi->fi_head;
	if (m != NULL) {
		fi->fi_head = m->m_nextpkt;
		if (fi->fi_head == NULL)
			fi->fi_tail = NULL;
		m->m_nextpkt = NULL;
		if (nexthop != NULL)
			m_copydata(m, 0, sizeof(*nexthop), nexthop);
		m_adj(m, (int)sizeof(struct in_addr));
	}
	NET_UNLOCK();
	return m;
}

/* Frees every packet still queued; returns how many there were. */
static inline unsigned
fi_flush(struct fake_ip *fi)
{
	struct mbuf *m;
	unsigned n = 0;

	while ((m = fi_dequeue(fi, NULL)) != NULL) {
		m_freem(m);
		n++;
	}
	return n;
}

static inline unsigned
fi_queued(struct fake_ip *fi)
{
	unsigned n = 0;

	NET_LOCK();
	for (struct mbuf *m = fi->fi_head; m != NULL; m = m->m_nextpkt)
		n++;
	NET_UNLOCK();
	return n;
}

static inline void
fi_detach(struct fake_ip *fi)
{
	fi_flush(fi);
	if_detach(&fi->fi_if);
}

/* Hands a received frame of len bytes to the interface's input. */
static inline void
fi_inject(struct fake_ip *fi, const void *buf, int len, int mflags)
{
	struct mbuf *m = m_devget(buf, len, &fi->fi_if);

	assert_non_null(m);
	m->m_flags |= mflags;
	if_input(&fi->fi_if, m);
}

/* The Internet checksum of a flat buffer, as the bytes' complement sum. */
static inline uint16_t
fi_cksum(const void *buf, int len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Sets the checksum field at off (big-endian) over len bytes of buf. */
static inline void
fi_setsum(uint8_t *buf, int len, int off)
{
	buf[off] = buf[off + 1] = 0;
	be16enc(buf + off, fi_cksum(buf, len));
}

/*
 * Writes an IPv4 header of hlen bytes (options zero: EOL) followed by
 * plen payload bytes (from payload, or a pattern if NULL) into buf, with
 * a correct checksum.  off is the flags and offset field.  Returns the
 * total length.
 */
static inline int
fi_ipbuild(uint8_t *buf, int hlen, struct in_addr src, struct in_addr dst,
    uint8_t proto, uint8_t ttl, uint16_t id, uint16_t off,
    const void *payload, int plen)
{
	struct ip *ip = (struct ip *)(void *)buf;

	memset(buf, 0, hlen);
	ip->ip_vhl = IP_VHL(IPVERSION, hlen);
	ip->ip_len = htons(hlen + plen);
	ip->ip_id = htons(id);
	ip->ip_off = htons(off);
	ip->ip_ttl = ttl;
	ip->ip_p = proto;
	ip->ip_src = src;
	ip->ip_dst = dst;
	if (payload != NULL)
		memcpy(buf + hlen, payload, plen);
	else
		for (int i = 0; i < plen; i++)
			buf[hlen + i] = (uint8_t)(i * 7 + 3);
	fi_setsum(buf, hlen, 10);
	return hlen + plen;
}

/* Copies packet m into buf (FI_MAXPKT bytes) and returns its length. */
static inline int
fi_flatten(const struct mbuf *m, uint8_t *buf)
{
	int len = m->m_pkthdr.len;

	assert_true(len <= FI_MAXPKT);
	assert_int_equal(m_length(m), len);
	m_copydata(m, 0, len, buf);
	return len;
}

/* Checks an IPv4 header in buf: version, lengths and checksum. */
static inline void
fi_check_ip(const uint8_t *buf, int len)
{
	const struct ip *ip = (const struct ip *)(const void *)buf;

	assert_true(len >= (int)sizeof(struct ip));
	assert_int_equal(IP_V(ip), IPVERSION);
	assert_true(IP_HL(ip) >= (int)sizeof(struct ip) && IP_HL(ip) <= len);
	assert_int_equal(ntohs(ip->ip_len), len);
	assert_int_equal(fi_cksum(buf, IP_HL(ip)), 0);
}

#endif
