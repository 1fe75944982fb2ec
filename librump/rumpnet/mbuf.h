/*
 * mbufs: the one packet buffer of the network stack.
 *
 * An mbuf holds up to MLEN bytes inside itself (MHLEN when it carries a
 * packet header), or points into external storage: a cluster of MCLBYTES
 * or any buffer attached with m_extadd().  External storage is reference
 * counted, so m_copym() shares bytes between, say, a retransmission queue
 * and the wire instead of copying them.
 *
 * Invariants of a chain (checked by m_check()):
 *   - the first mbuf of a packet has M_PKTHDR, no other one does, and
 *     m_pkthdr.len is the sum of m_len over the chain (a chain without
 *     M_PKTHDR, such as a socket buffer's stream, is a plain chain);
 *   - m_len >= 0 (an mbuf may be empty) and m_data .. m_data + m_len lies
 *     within the mbuf's storage: m_dat[MLEN], m_pktdat[MHLEN] with
 *     M_PKTHDR, or ext_buf[ext_size] with M_EXT;
 *   - with M_EXT, *ext_refcnt counts the mbufs pointing at the storage and
 *     is at least 1; storage referenced more than once is read-only
 *     (m_writable() is false, M_LEADINGSPACE and M_TRAILINGSPACE are 0);
 *   - chains are linked by m_next, packets in a queue by m_nextpkt, which
 *     only the first mbuf of a packet uses.
 *
 * A function that is handed an mbuf owns it, also when it fails: it frees
 * it or passes it on, never both.
 */
#ifndef RUMPNET_MBUF_H
#define RUMPNET_MBUF_H

#include "rumpkern/kern.h"

struct ifnet;

#define MSIZE		256	/* an mbuf, header included */
#define MCLBYTES	2048	/* a cluster */
/*
 * A jumbo cluster: the piece socket-buffer data is kept in, so that a
 * segment of any MSS (up to a 9000-byte MTU's) spans at most two pieces
 * and is sent by reference (m_copym) rather than assembled from many
 * small clusters.
 */
#define MJUMCLBYTES	16384
#define MAXMCLBYTES	65536	/* largest buffer m_getlen gives */

/* m_flags */
#define M_EXT		0x0001	/* data in external storage */
#define M_PKTHDR	0x0002	/* first of a packet: m_pkthdr valid */
#define M_EOR		0x0004	/* end of record */
#define M_BCAST		0x0010	/* received as link-level broadcast */
#define M_MCAST		0x0020	/* received as link-level multicast */
#define M_LOOP		0x0040	/* looped back to ourselves */
#define M_COPYFLAGS	(M_PKTHDR | M_EOR | M_BCAST | M_MCAST | M_LOOP)

/* m_type */
#define MT_FREE		0
#define MT_DATA		1
#define MT_HEADER	2
#define MT_SONAME	3
#define MT_CONTROL	4
#define MT_OOBDATA	5

/*
 * how: M_WAIT allocations never fail (the kernel panics if the host is out
 * of memory); M_DONTWAIT ones may, and count in mbstat.m_drops.  Functions
 * without a how argument (m_pullup, m_copyback, m_append, m_devget)
 * allocate M_DONTWAIT.
 */
#define M_WAIT		0	/* may not fail */
#define M_DONTWAIT	1	/* may return NULL */

/*
 * csum_flags: what the hardware (or a previous layer) checked, and the
 * work left to an interface that offloads it (if.h, IFCAP_*).
 */
#define M_CSUM_IPv4_OK	0x0001	/* IPv4 header checksum verified */
#define M_CSUM_DATA_OK	0x0002	/* transport checksum verified */
/*
 * The transport checksum is to be completed: its field holds the
 * pseudo-header sum; the sum runs from csum_data >> 16 (counted from the
 * IP header) to the end and goes to (csum_data & 0xffff) bytes past that.
 */
#define M_CSUM_PARTIAL	0x0004
/* A TCP/IPv4 super-segment, to be cut into segments of tso_segsz data. */
#define M_CSUM_TSOv4	0x0008

struct pkthdr {
	struct ifnet *rcvif;	/* interface received on */
	int len;		/* total packet length */
	int csum_flags;
	uint32_t csum_data;
	uint32_t tso_segsz;	/* with M_CSUM_TSOv4 */
};

struct m_ext {
	char *ext_buf;
	size_t ext_size;
	void (*ext_free)(void *buf, size_t size, void *arg);
	void *ext_arg;
	unsigned *ext_refcnt;	/* shared by every mbuf that points here */
};

struct m_hdr {
	struct mbuf *mh_next;
	struct mbuf *mh_nextpkt;
	char *mh_data;
	int mh_len;
	short mh_type;
	short mh_flags;
};

#define MLEN		((int)(MSIZE - sizeof(struct m_hdr)))
#define MHLEN		((int)(MLEN - sizeof(struct pkthdr)))

struct mbuf {
	struct m_hdr m_hdr;
	union {
		struct {
			struct pkthdr mh_pkthdr;
			union {
				struct m_ext mh_ext;
				char mh_databuf[MHLEN];
			} mh_dat;
		} mh;
		char mu_databuf[MLEN];
	} m_u;
};

CTASSERT(sizeof(struct mbuf) == MSIZE);

#define m_next		m_hdr.mh_next
#define m_nextpkt	m_hdr.mh_nextpkt
#define m_data		m_hdr.mh_data
#define m_len		m_hdr.mh_len
#define m_type		m_hdr.mh_type
#define m_flags		m_hdr.mh_flags
#define m_pkthdr	m_u.mh.mh_pkthdr
#define m_pktdat	m_u.mh.mh_dat.mh_databuf
#define m_dat		m_u.mu_databuf

/*
 * The external storage descriptor of m.  It lives behind the packet header
 * whether m has one or not (as in NetBSD), so M_PKTHDR may come and go on
 * an mbuf with external storage without moving it.
 */
#define M_EXTP(m)	(&(m)->m_u.mh.mh_dat.mh_ext)

#define mtod(m, t)	((t)(void *)((m)->m_data))

/* Bytes free before m_data and after m_data + m_len; 0 if not writable. */
int m_leadingspace(const struct mbuf *m);
int m_trailingspace(const struct mbuf *m);
#define M_LEADINGSPACE(m)	m_leadingspace(m)
#define M_TRAILINGSPACE(m)	m_trailingspace(m)
/* Whether m's data may be written (not shared external storage). */
bool m_writable(const struct mbuf *m);

struct mbuf *m_get(int how, int type);
struct mbuf *m_gethdr(int how, int type);
/* An mbuf (with a packet header if flags has M_PKTHDR) and a cluster. */
struct mbuf *m_getcl(int how, int type, int flags);
/*
 * The same with a cluster of size bytes: MCLBYTES or MJUMCLBYTES.  Both
 * come from per-CPU caches.
 */
struct mbuf *m_getjcl(int how, int type, int flags, size_t size);
/*
 * A packet header mbuf with room for len bytes in one piece: its own
 * storage up to MHLEN, a cluster up to MCLBYTES, else an external buffer
 * of len bytes.  len must not exceed MAXMCLBYTES.
 */
struct mbuf *m_getlen(int how, int type, size_t len);
/*
 * Attaches external storage to m (which has none); free(buf, size, arg)
 * runs with the last reference, or nothing if free is NULL.  Cannot fail:
 * the reference count is allocated as M_WAIT.
 */
void m_extadd(struct mbuf *m, void *buf, size_t size,
    void (*free)(void *, size_t, void *), void *arg);
struct mbuf *m_free(struct mbuf *m);	/* returns m->m_next */
void m_freem(struct mbuf *m);		/* the whole chain; NULL is fine */
void m_freem_list(struct mbuf *m);	/* m_nextpkt-linked packets */

/*
 * Moves the packet header from from to to (to must be fresh: empty or
 * external storage), with the flags in M_COPYFLAGS.
 */
void m_move_pkthdr(struct mbuf *to, struct mbuf *from);
void m_copy_pkthdr(struct mbuf *to, const struct mbuf *from);

/*
 * Prepends len bytes of room, in m's leading space if there is enough, else
 * in a new mbuf (len <= MHLEN).  On failure frees m and returns NULL.
 */
struct mbuf *m_prepend(struct mbuf *m, int len, int how);
#define M_PREPEND(m, plen, how) do {					\
	if (M_LEADINGSPACE(m) >= (plen)) {				\
		(m)->m_data -= (plen);					\
		(m)->m_len += (plen);					\
		if ((m)->m_flags & M_PKTHDR)				\
			(m)->m_pkthdr.len += (plen);			\
	} else								\
		(m) = m_prepend((m), (plen), (how));			\
} while (0)
/* Moves m_data so len bytes can be prepended later (fresh mbuf only). */
void m_align(struct mbuf *m, int len);

/*
 * Makes the first len bytes contiguous in the first mbuf.  len may be at
 * most MHLEN (MLEN for a chain without packet header) unless the first
 * mbuf already holds len bytes.  Frees the chain and returns NULL when len
 * is over that limit, the chain is shorter than len, or no mbuf is left.
 */
struct mbuf *m_pullup(struct mbuf *m, int len);
/*
 * Trims len bytes from the head (len > 0) or the tail (len < 0), at most
 * the whole chain, and updates m_pkthdr.len.  m stays the first mbuf; the
 * mbufs emptied behind it are freed.
 */
void m_adj(struct mbuf *m, int len);
/*
 * Appends chain n to chain m; n's packet header is dropped and m's packet
 * length, if it has one, grows by n's length.  Small mbufs of n are copied
 * into m's trailing space and freed.
 */
void m_cat(struct mbuf *m, struct mbuf *n);
/*
 * Splits at len0 (0 <= len0 <= the chain's length): m keeps the head, the
 * tail is returned, with a packet header if m has one.  External storage
 * at the split is shared.  Returns NULL, m unchanged, on failure or when
 * len0 is beyond the end.
 */
struct mbuf *m_split(struct mbuf *m, int len0, int how);
/*
 * A copy of len bytes from off (M_COPYALL: to the end) sharing external
 * storage, internal data copied; with a packet header if off is 0 and m
 * has one.  off and len must lie within the chain.  NULL on failure.
 */
#define M_COPYALL	1000000000
struct mbuf *m_copym(struct mbuf *m, int off, int len, int how);
/*
 * A place in a chain: mbuf mp_m, which begins at byte mp_off of the chain
 * (mp_m NULL: the start).  Whoever keeps one drops it (sets mp_m NULL)
 * when the chain loses mbufs in front of it or its offsets shift.
 */
struct mbufpos {
	struct mbuf *mp_m;
	int mp_off;
};
/*
 * m_copym, searching for off from *pos instead of the start when pos is
 * not beyond it, and leaving *pos where the copy ended: consecutive
 * copies from a long chain (TCP sending segment after segment from its
 * socket buffer) cost the length of each copy, not of the chain before
 * it.  External storage is shared, not copied.  len must not be
 * M_COPYALL.
 */
struct mbuf *m_copym_pos(struct mbuf *m, int off, int len, int how,
    struct mbufpos *pos);
/* A deep copy with writable storage; arguments as m_copym's. */
struct mbuf *m_dup(struct mbuf *m, int off, int len, int how);
/*
 * Copies out of / into a chain.  m_copyback extends the chain if needed
 * (zero-filling any gap), gives a private copy to every mbuf it writes
 * whose storage is shared, and returns 0 or ENOBUFS; on ENOBUFS the data
 * of the chain is as before.
 */
void m_copydata(const struct mbuf *m, int off, int len, void *buf);
int m_copyback(struct mbuf *m, int off, int len, const void *buf);
/* Appends len bytes at the end; returns 0 or ENOBUFS. */
int m_append(struct mbuf *m, int len, const void *buf);
/* A new packet holding a copy of a flat buffer: one mbuf, or clusters. */
struct mbuf *m_devget(const void *buf, int len, struct ifnet *rcvif);
int m_length(const struct mbuf *m);
/* Checks the invariants above; returns false (and prints why) on a bad chain. */
bool m_check(const struct mbuf *m);

/* Statistics, also the leak counter: mbufs and clusters in use. */
struct mbstat {
	uint64_t m_mbufs;	/* mbufs allocated now */
	uint64_t m_clusters;	/* clusters (and m_getlen buffers) allocated now */
	uint64_t m_drops;	/* allocations that failed */
};
/* The counters, summed over the CPUs that keep them. */
void mbstat_read(struct mbstat *st);

/*
 * For the rumpnet component: mbinit registers mbstat as kstat "mbuf.mbufs",
 * "mbuf.clusters", "mbuf.drops", mbfini unregisters it.  Calls nest:
 * only the first mbinit and the last mbfini act.  Nothing else needs them.
 */
void mbinit(void);
void mbfini(void);

/*
 * For tests: makes the n-th M_DONTWAIT allocation from now fail (1: the
 * next one), as if the host were out of memory; 0 disarms.
 */
void mb_failnext(unsigned n);

#endif
