/*
 * mbufs: allocation, reference-counted external storage and the chain
 * operations of mbuf.h.
 *
 * Every mbuf, cluster and reference count comes from kmem under its own
 * type ("mbuf", "mcluster", "mjumbo", "mextref"), so a leak shows up by
 * name.  mbufs, clusters and jumbo clusters are kept for reuse in per-CPU
 * caches (mbcache.h); kmem leaves what the caches hold out of the memory
 * in use, so the leak check of a test still sees every buffer not given
 * back.
 *
 * Storage we allocate ourselves (clusters, m_getlen buffers) carries its
 * reference count right after the data, so one allocation holds both;
 * storage attached with m_extadd() gets a separately allocated count.
 */
#include "rumpkern/config.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kstat.h"
#include "rumpkern/lwp.h"
#include "rumpnet/mbcache.h"
#include "rumpnet/mbuf.h"

KMEM_DEFINE(M_MBUF, "mbuf");
KMEM_DEFINE(M_MCLUSTER, "mcluster");
KMEM_DEFINE(M_MJUMBO, "mjumbo");
KMEM_DEFINE(M_MEXTREF, "mextref");

/* A buffer we allocate is its data, then its reference count. */
#define MB_EXTSIZE(size)	((size) + sizeof(unsigned))

static struct mbcache mb_mbufs, mb_clusters, mb_jumbos;
/* Buffers of other sizes (m_getlen), out now; and allocations that failed. */
static uint64_t mb_otherbufs, mb_drops;

static unsigned mb_failcount;	/* mb_failnext() countdown, 0 when off */

/* ---- allocation ---------------------------------------------------------- */

void
mb_failnext(unsigned n)
{
	atomic_store_relaxed(&mb_failcount, n);
}

/* Whether an injected failure hits this allocation. */
static bool
mb_injected(int how)
{
	unsigned v;

	if (how != M_DONTWAIT ||
	    __predict_true(atomic_load_relaxed(&mb_failcount) == 0))
		return false;
	v = atomic_load_relaxed(&mb_failcount);
	while (v != 0 && !__atomic_compare_exchange_n(&mb_failcount, &v, v - 1,
	    false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		continue;
	return v == 1;
}

/* An object from cache mc (NULL: from kmem type, len bytes). */
static void *
mb_alloc(struct mbcache *mc, struct kmem_type *type, size_t len, int how)
{
	int flags = how == M_WAIT ? KM_SLEEP : KM_NOSLEEP;
	void *p = NULL;

	KASSERT(how == M_WAIT || how == M_DONTWAIT);
	if (!mb_injected(how))
		p = mc != NULL ? mbcache_alloc(mc, flags) :
		    kmem_alloc(type, len, flags);
	if (p == NULL)
		__atomic_add_fetch(&mb_drops, 1, __ATOMIC_RELAXED);
	return p;
}

static struct mbuf *
mb_get(int how, int type, bool pkthdr)
{
	struct mbuf *m = mb_alloc(&mb_mbufs, NULL, MSIZE, how);

	if (m == NULL)
		return NULL;
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	m->m_len = 0;
	m->m_type = (short)type;
	if (pkthdr) {
		m->m_flags = M_PKTHDR;
		m->m_data = m->m_pktdat;
		m->m_pkthdr = (struct pkthdr){ .rcvif = NULL };
	} else {
		m->m_flags = 0;
		m->m_data = m->m_dat;
	}
	return m;
}

struct mbuf *
m_get(int how, int type)
{
	return mb_get(how, type, false);
}

struct mbuf *
m_gethdr(int how, int type)
{
	return mb_get(how, type, true);
}

/* ---- external storage ---------------------------------------------------- */

/* The cache buffers of size bytes come from, or NULL. */
static struct mbcache *
mb_extcache(size_t size)
{
	if (size == MCLBYTES)
		return &mb_clusters;
	if (size == MJUMCLBYTES)
		return &mb_jumbos;
	return NULL;
}

/* Frees storage from mb_extbuf_alloc; its reference count goes with it. */
static void
mb_extbuf_free(void *buf, size_t size, void *arg)
{
	struct mbcache *mc = mb_extcache(size);

	(void)arg;
	if (mc != NULL) {
		mbcache_free(mc, buf);
		return;
	}
	kmem_free(&M_MCLUSTER, buf, MB_EXTSIZE(size));
	__atomic_sub_fetch(&mb_otherbufs, 1, __ATOMIC_RELAXED);
}

/*
 * Fills *e with a fresh buffer of size bytes and a count of 1: a cluster
 * or a jumbo cluster from its cache, other sizes from kmem.
 */
static int
mb_extbuf_alloc(struct m_ext *e, size_t size, int how)
{
	struct mbcache *mc;
	char *buf;

	size = roundup(size, sizeof(unsigned));
	mc = mb_extcache(size);
	buf = mb_alloc(mc, &M_MCLUSTER, MB_EXTSIZE(size), how);
	if (buf == NULL)
		return ENOBUFS;
	if (mc == NULL)
		__atomic_add_fetch(&mb_otherbufs, 1, __ATOMIC_RELAXED);
	*e = (struct m_ext){
		.ext_buf = buf,
		.ext_size = size,
		.ext_free = mb_extbuf_free,
		.ext_refcnt = (unsigned *)(void *)(buf + size),
	};
	*e->ext_refcnt = 1;
	return 0;
}

/* Points m, which has no storage of its own in use, at e. */
static void
mb_ext_attach(struct mbuf *m, const struct m_ext *e)
{
	m->m_flags |= M_EXT;
	*M_EXTP(m) = *e;
	m->m_data = e->ext_buf;
}

/* Drops one reference to e; the last one frees the storage. */
static void
mb_ext_release(const struct m_ext *e)
{
	/* Alone with a count of 1, nobody else can take a reference. */
	if (__atomic_load_n(e->ext_refcnt, __ATOMIC_ACQUIRE) != 1 &&
	    atomic_dec_uint_nv(e->ext_refcnt) != 0)
		return;
	if (e->ext_free == mb_extbuf_free) {
		mb_extbuf_free(e->ext_buf, e->ext_size, NULL);
		return;
	}
	if (e->ext_free != NULL)
		e->ext_free(e->ext_buf, e->ext_size, e->ext_arg);
	kmem_free(&M_MEXTREF, e->ext_refcnt, sizeof(unsigned));
}

/* Makes n share m's external storage (n has none in use). */
static void
mb_ext_share(struct mbuf *n, const struct mbuf *m)
{
	const struct m_ext *e = M_EXTP(m);

	atomic_inc_uint(e->ext_refcnt);
	n->m_flags |= M_EXT;
	*M_EXTP(n) = *e;
}

void
m_extadd(struct mbuf *m, void *buf, size_t size,
    void (*free)(void *, size_t, void *), void *arg)
{
	struct m_ext e = {
		.ext_buf = buf, .ext_size = size, .ext_free = free, .ext_arg = arg,
	};

	KASSERT(!(m->m_flags & M_EXT));
	e.ext_refcnt = kmem_alloc(&M_MEXTREF, sizeof(unsigned), KM_SLEEP);
	*e.ext_refcnt = 1;
	mb_ext_attach(m, &e);
}

struct mbuf *
m_getjcl(int how, int type, int flags, size_t size)
{
	struct mbuf *m;
	struct m_ext e;

	KASSERT((flags & ~M_PKTHDR) == 0);
	KASSERTMSG(size == MCLBYTES || size == MJUMCLBYTES,
	    "m_getjcl: %zu bytes", size);
	if ((m = mb_get(how, type, flags & M_PKTHDR)) == NULL)
		return NULL;
	if (mb_extbuf_alloc(&e, size, how) != 0) {
		m_free(m);
		return NULL;
	}
	mb_ext_attach(m, &e);
	return m;
}

struct mbuf *
m_getcl(int how, int type, int flags)
{
	return m_getjcl(how, type, flags, MCLBYTES);
}

struct mbuf *
m_getlen(int how, int type, size_t len)
{
	struct mbuf *m;
	struct m_ext e;

	KASSERTMSG(len <= MAXMCLBYTES, "m_getlen: %zu bytes", len);
	if (len <= (size_t)MHLEN)
		return m_gethdr(how, type);
	if (len <= MCLBYTES)
		return m_getcl(how, type, M_PKTHDR);
	if ((m = m_gethdr(how, type)) == NULL)
		return NULL;
	if (mb_extbuf_alloc(&e, len, how) != 0) {
		m_free(m);
		return NULL;
	}
	mb_ext_attach(m, &e);
	return m;
}

struct mbuf *
m_free(struct mbuf *m)
{
	struct mbuf *n = m->m_next;

	if (m->m_flags & M_EXT)
		mb_ext_release(M_EXTP(m));
	m->m_type = MT_FREE;
	mbcache_free(&mb_mbufs, m);
	return n;
}

void
m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

void
m_freem_list(struct mbuf *m)
{
	while (m != NULL) {
		struct mbuf *next = m->m_nextpkt;

		m->m_nextpkt = NULL;
		m_freem(m);
		m = next;
	}
}

/* ---- storage geometry ---------------------------------------------------- */

/* Where m's storage begins and how big it is. */
static char *
mb_buf(const struct mbuf *m)
{
	if (m->m_flags & M_EXT)
		return M_EXTP(m)->ext_buf;
	/* The casts drop const: the storage is the caller's to use or not. */
	if (m->m_flags & M_PKTHDR)
		return (char *)m->m_pktdat;
	return (char *)m->m_dat;
}

static int
mb_size(const struct mbuf *m)
{
	if (m->m_flags & M_EXT)
		return (int)M_EXTP(m)->ext_size;
	return (m->m_flags & M_PKTHDR) ? MHLEN : MLEN;
}

bool
m_writable(const struct mbuf *m)
{
	return !(m->m_flags & M_EXT) ||
	    __atomic_load_n(M_EXTP(m)->ext_refcnt, __ATOMIC_ACQUIRE) == 1;
}

int
m_leadingspace(const struct mbuf *m)
{
	if (!m_writable(m))
		return 0;
	return (int)(m->m_data - mb_buf(m));
}

int
m_trailingspace(const struct mbuf *m)
{
	if (!m_writable(m))
		return 0;
	return (int)(mb_buf(m) + mb_size(m) - (m->m_data + m->m_len));
}

void
m_align(struct mbuf *m, int len)
{
	int size = mb_size(m);

	KASSERT(m->m_data == mb_buf(m) && m->m_len == 0);
	KASSERT(len >= 0 && len <= size);
	/* Round down so what is put there is aligned for any scalar. */
	m->m_data += (size - len) & ~(int)(sizeof(long) - 1);
}

int
m_length(const struct mbuf *m)
{
	int len = 0;

	for (; m != NULL; m = m->m_next)
		len += m->m_len;
	return len;
}

/* ---- packet headers ------------------------------------------------------ */

/*
 * Sets or clears M_PKTHDR.  Internal data would overlap a new header, so
 * only an mbuf with external storage or a fresh one may gain one.
 */
static void
mb_set_pkthdr(struct mbuf *m, bool on)
{
	bool ext = m->m_flags & M_EXT;

	if (on == !!(m->m_flags & M_PKTHDR))
		return;
	if (on) {
		KASSERT(ext || m->m_len == 0);
		m->m_flags |= M_PKTHDR;
		if (!ext)
			m->m_data = m->m_pktdat;
	} else
		m->m_flags &= ~M_PKTHDR;
}

void
m_copy_pkthdr(struct mbuf *to, const struct mbuf *from)
{
	KASSERT(from->m_flags & M_PKTHDR);
	mb_set_pkthdr(to, true);
	to->m_pkthdr = from->m_pkthdr;
	to->m_flags = (short)((from->m_flags & M_COPYFLAGS) |
	    (to->m_flags & M_EXT));
}

void
m_move_pkthdr(struct mbuf *to, struct mbuf *from)
{
	m_copy_pkthdr(to, from);
	mb_set_pkthdr(from, false);
}

/* The packet header's length of m, if it has one, grows by delta. */
static void
mb_pktlen_add(struct mbuf *m, int delta)
{
	if (m->m_flags & M_PKTHDR)
		m->m_pkthdr.len += delta;
}

/* ---- cursors ------------------------------------------------------------- */

/* A position in a chain: m_len bytes of m, from off. */
struct mcursor {
	struct mbuf *m;
	int off;
};

static void
mc_seek(struct mcursor *c, const struct mbuf *m, int off)
{
	KASSERTMSG(off >= 0, "mbuf offset %d", off);
	while (off > 0) {
		KASSERTMSG(m != NULL, "mbuf offset beyond the chain");
		if (off < m->m_len)
			break;
		off -= m->m_len;
		m = m->m_next;
	}
	c->m = (struct mbuf *)m;
	c->off = off;
}

/* The next piece of up to len bytes at c, which moves past it. */
static char *
mc_next(struct mcursor *c, int len, int *np)
{
	char *p;

	while (c->m != NULL && c->off == c->m->m_len) {
		c->m = c->m->m_next;
		c->off = 0;
	}
	KASSERTMSG(c->m != NULL, "mbuf range beyond the chain");
	p = mtod(c->m, char *) + c->off;
	*np = MIN(len, c->m->m_len - c->off);
	c->off += *np;
	return p;
}

static void
mc_copyout(struct mcursor *c, void *buf, int len)
{
	char *dst = buf;

	while (len > 0) {
		int n;
		const char *p = mc_next(c, len, &n);

		memcpy(dst, p, n);
		dst += n;
		len -= n;
	}
}

/* Writes len bytes of buf, or zeros if buf is NULL, at c. */
static void
mc_copyin(struct mcursor *c, const void *buf, int len)
{
	const char *src = buf;

	while (len > 0) {
		int n;
		char *p = mc_next(c, len, &n);

		KASSERT(m_writable(c->m));
		if (src != NULL) {
			memcpy(p, src, n);
			src += n;
		} else
			memset(p, 0, n);
		len -= n;
	}
}

void
m_copydata(const struct mbuf *m, int off, int len, void *buf)
{
	struct mcursor c;

	KASSERT(len >= 0);
	mc_seek(&c, m, off);
	mc_copyout(&c, buf, len);
}

/* ---- chains -------------------------------------------------------------- */

/*
 * A new chain with room for len bytes, m_len set: one mbuf if they fit,
 * else clusters (the last piece internal if it fits).  flags: M_PKTHDR.
 */
static struct mbuf *
mb_getchain(int how, int type, int len, int flags)
{
	struct mbuf *top = NULL, **tailp = &top, *m;
	bool hdr = flags & M_PKTHDR;
	int left = len;

	do {
		int room = hdr ? MHLEN : MLEN;

		if (left > room) {
			m = m_getcl(how, type, hdr ? M_PKTHDR : 0);
			room = MCLBYTES;
		} else
			m = mb_get(how, type, hdr);
		if (m == NULL) {
			m_freem(top);
			return NULL;
		}
		m->m_len = MIN(left, room);
		left -= m->m_len;
		*tailp = m;
		tailp = &m->m_next;
		hdr = false;
	} while (left > 0);
	if (top->m_flags & M_PKTHDR)
		top->m_pkthdr.len = len;
	return top;
}

struct mbuf *
m_prepend(struct mbuf *m, int len, int how)
{
	struct mbuf *mn;

	if (m_leadingspace(m) >= len) {
		m->m_data -= len;
		m->m_len += len;
		mb_pktlen_add(m, len);
		return m;
	}
	KASSERTMSG(len >= 0 && len <= MHLEN, "m_prepend: %d bytes", len);
	if ((mn = m_get(how, m->m_type)) == NULL) {
		m_freem(m);
		return NULL;
	}
	if (m->m_flags & M_PKTHDR)
		m_move_pkthdr(mn, m);
	mn->m_next = m;
	/* At the end of the new mbuf, so later headers fit in front. */
	m_align(mn, len);
	mn->m_len = len;
	mb_pktlen_add(mn, len);
	return mn;
}

struct mbuf *
m_pullup(struct mbuf *m, int len)
{
	struct mbuf *n;
	int max = (m->m_flags & M_PKTHDR) ? MHLEN : MLEN;

	if (m->m_len >= len)
		return m;
	if (len > max)
		goto bad;
	if (m_trailingspace(m) >= len - m->m_len) {
		/* Room behind the data of the first mbuf: gather there. */
		n = m;
		m = m->m_next;
	} else {
		if ((n = m_get(M_DONTWAIT, m->m_type)) == NULL)
			goto bad;
		if (m->m_flags & M_PKTHDR)
			m_move_pkthdr(n, m);
	}
	while (n->m_len < len) {
		int c;

		if (m == NULL) {
			/* Shorter than len; everything left hangs off n. */
			n->m_next = NULL;
			m = n;
			goto bad;
		}
		c = MIN(len - n->m_len, m->m_len);
		memcpy(mtod(n, char *) + n->m_len, mtod(m, char *), c);
		n->m_len += c;
		m->m_data += c;
		m->m_len -= c;
		if (m->m_len == 0)
			m = m_free(m);
	}
	n->m_next = m;
	return n;
bad:
	m_freem(m);
	return NULL;
}

/* Trims len > 0 bytes from the head; emptied mbufs after m are freed. */
static void
mb_adj_head(struct mbuf *m0, int len)
{
	struct mbuf *m = m0;
	int left = len;

	while (m != NULL && left > 0) {
		int c = MIN(left, m->m_len);

		m->m_data += c;
		m->m_len -= c;
		left -= c;
		if (m->m_len > 0)
			break;
		m = m->m_next;
	}
	if (m != m0) {
		struct mbuf *x = m0->m_next;

		while (x != m)
			x = m_free(x);
		m0->m_next = m;
	}
	mb_pktlen_add(m0, -(len - left));
}

/* Trims len > 0 bytes from the tail; the mbufs behind the end are freed. */
static void
mb_adj_tail(struct mbuf *m0, int len)
{
	struct mbuf *m = m0;
	int keep = MAX(m_length(m0) - len, 0);

	if (m0->m_flags & M_PKTHDR)
		m0->m_pkthdr.len = keep;
	while (keep > m->m_len) {
		keep -= m->m_len;
		m = m->m_next;
	}
	m->m_len = keep;
	m_freem(m->m_next);
	m->m_next = NULL;
}

void
m_adj(struct mbuf *m, int len)
{
	if (len > 0)
		mb_adj_head(m, len);
	else if (len < 0)
		mb_adj_tail(m, -len);
}

void
m_cat(struct mbuf *m, struct mbuf *n)
{
	if (n == NULL)
		return;
	mb_pktlen_add(m, m_length(n));
	mb_set_pkthdr(n, false);
	n->m_nextpkt = NULL;
	while (m->m_next != NULL)
		m = m->m_next;
	/* Copying small internal data beats a chain of little mbufs. */
	while (n != NULL && !(n->m_flags & M_EXT) &&
	    m_trailingspace(m) >= n->m_len) {
		memcpy(mtod(m, char *) + m->m_len, mtod(n, char *), n->m_len);
		m->m_len += n->m_len;
		n = m_free(n);
	}
	m->m_next = n;
}

/*
 * Puts the part of mp from off into n: sharing it if external, else
 * copying it (into a second mbuf if n, a packet header, is too small).
 */
static int
mb_split_data(struct mbuf *n, struct mbuf *mp, int off, int how)
{
	int len = mp->m_len - off;
	struct mbuf *x = n;

	n->m_next = mp->m_next;
	if (len == 0)
		return 0;
	if (mp->m_flags & M_EXT) {
		mb_ext_share(n, mp);
		n->m_data = mp->m_data + off;
		n->m_len = len;
		return 0;
	}
	if (len > m_trailingspace(n)) {
		if ((x = m_get(how, mp->m_type)) == NULL)
			return ENOBUFS;
		x->m_next = mp->m_next;
		n->m_next = x;
	}
	/* At the end, so the tail has room for headers in front. */
	m_align(x, len);
	memcpy(mtod(x, char *), mtod(mp, char *) + off, len);
	x->m_len = len;
	return 0;
}

struct mbuf *
m_split(struct mbuf *m, int len0, int how)
{
	struct mbuf *mp = m, *n;
	int off = len0;

	KASSERT(len0 >= 0);
	while (off > mp->m_len) {
		off -= mp->m_len;
		if ((mp = mp->m_next) == NULL)
			return NULL;
	}
	if (!(m->m_flags & M_PKTHDR) && off == mp->m_len && mp->m_next != NULL)
		n = mp->m_next;		/* at an mbuf boundary: nothing to do */
	else {
		if ((n = mb_get(how, m->m_type, m->m_flags & M_PKTHDR)) == NULL)
			return NULL;
		if (mb_split_data(n, mp, off, how) != 0) {
			m_free(n);
			return NULL;
		}
	}
	if (m->m_flags & M_PKTHDR) {
		m_copy_pkthdr(n, m);
		n->m_pkthdr.len = m->m_pkthdr.len - len0;
		m->m_pkthdr.len = len0;
	}
	mp->m_len = off;
	mp->m_next = NULL;
	return n;
}

/* Appends n to the chain ending at *lastp. */
static void
mb_append_mbuf(struct mbuf **topp, struct mbuf **lastp, struct mbuf *n)
{
	if (*lastp == NULL)
		*topp = n;
	else
		(*lastp)->m_next = n;
	*lastp = n;
}

/*
 * m_copym of len bytes of chain m from c, which is at offset off: external
 * storage shared, internal data copied.  c ends where the copy ends.
 */
static struct mbuf *
mb_copym(struct mbuf *m, struct mcursor *c, int off, int len, int how)
{
	struct mbuf *top = NULL, *last = NULL, *n;
	bool hdr = off == 0 && (m->m_flags & M_PKTHDR);

	for (int left = len, cnt; left > 0; left -= cnt) {
		char *p = mc_next(c, left, &cnt);

		if (c->m->m_flags & M_EXT) {
			if ((n = mb_get(how, m->m_type, top == NULL && hdr)) == NULL)
				goto bad;
			mb_ext_share(n, c->m);
			n->m_data = p;
			n->m_len = cnt;
			mb_append_mbuf(&top, &last, n);
			continue;
		}
		/* Internal data is copied, into the last copy while it fits. */
		if (last == NULL || (last->m_flags & M_EXT) ||
		    m_trailingspace(last) == 0) {
			if ((n = mb_get(how, m->m_type, top == NULL && hdr)) == NULL)
				goto bad;
			mb_append_mbuf(&top, &last, n);
		}
		int want = cnt;

		cnt = MIN(want, m_trailingspace(last));
		c->off -= want - cnt;	/* the rest goes into the next one */
		memcpy(mtod(last, char *) + last->m_len, p, cnt);
		last->m_len += cnt;
	}
	if (top == NULL && (top = mb_get(how, m->m_type, hdr)) == NULL)
		return NULL;
	if (hdr) {
		m_copy_pkthdr(top, m);
		top->m_pkthdr.len = len;
	}
	return top;
bad:
	m_freem(top);
	return NULL;
}

struct mbuf *
m_copym(struct mbuf *m, int off, int len, int how)
{
	struct mcursor c;

	if (len == M_COPYALL)
		len = m_length(m) - off;
	KASSERTMSG(len >= 0, "m_copym: length %d", len);
	mc_seek(&c, m, off);
	return mb_copym(m, &c, off, len, how);
}

struct mbuf *
m_copym_pos(struct mbuf *m, int off, int len, int how, struct mbufpos *pos)
{
	struct mbuf *start = m, *top;
	int startoff = 0;
	struct mcursor c;

	KASSERTMSG(off >= 0 && len >= 0, "m_copym_pos: %d at %d", len, off);
	if (pos->mp_m != NULL && pos->mp_off <= off) {
		start = pos->mp_m;
		startoff = pos->mp_off;
	}
	mc_seek(&c, start, off - startoff);
	if ((top = mb_copym(m, &c, off, len, how)) != NULL && c.m != NULL) {
		pos->mp_m = c.m;
		pos->mp_off = off + len - c.off;
	}
	return top;
}

struct mbuf *
m_dup(struct mbuf *m, int off, int len, int how)
{
	bool hdr = off == 0 && (m->m_flags & M_PKTHDR);
	struct mbuf *top, *n;
	struct mcursor c;

	if (len == M_COPYALL)
		len = m_length(m) - off;
	KASSERTMSG(len >= 0, "m_dup: length %d", len);
	mc_seek(&c, m, off);
	if ((top = mb_getchain(how, m->m_type, len, hdr ? M_PKTHDR : 0)) == NULL)
		return NULL;
	if (hdr) {
		m_copy_pkthdr(top, m);
		top->m_pkthdr.len = len;
	}
	for (n = top; n != NULL; n = n->m_next)
		mc_copyout(&c, mtod(n, char *), n->m_len);
	return top;
}

struct mbuf *
m_devget(const void *buf, int len, struct ifnet *rcvif)
{
	struct mbuf *top, *n;
	const char *src = buf;

	KASSERT(len >= 0);
	if ((top = mb_getchain(M_DONTWAIT, MT_DATA, len, M_PKTHDR)) == NULL)
		return NULL;
	top->m_pkthdr.rcvif = rcvif;
	for (n = top; n != NULL; n = n->m_next) {
		memcpy(mtod(n, char *), src, n->m_len);
		src += n->m_len;
	}
	return top;
}

/*
 * Gives m storage of its own holding the same bytes, if its storage is
 * shared: internal if they fit, else a new buffer at the same offset.
 */
static int
mb_unshare(struct mbuf *m, int how)
{
	struct m_ext old, e;
	int lead;

	if (m_writable(m))
		return 0;
	old = *M_EXTP(m);
	if (m->m_len <= ((m->m_flags & M_PKTHDR) ? MHLEN : MLEN)) {
		/* The descriptor is saved; its place becomes the data. */
		const char *src = m->m_data;

		m->m_flags &= ~M_EXT;
		m->m_data = mb_buf(m);
		memcpy(m->m_data, src, m->m_len);
	} else {
		lead = (int)(m->m_data - old.ext_buf);
		if (mb_extbuf_alloc(&e, (size_t)lead + m->m_len, how) != 0)
			return ENOBUFS;
		memcpy(e.ext_buf + lead, m->m_data, m->m_len);
		*M_EXTP(m) = e;
		m->m_data = e.ext_buf + lead;
	}
	mb_ext_release(&old);
	return 0;
}

/* Unshares every mbuf holding some of the len bytes from off. */
static int
mb_unshare_range(struct mbuf *m, int off, int len)
{
	for (; m != NULL && len > 0; m = m->m_next) {
		if (off < m->m_len) {
			int error = mb_unshare(m, M_DONTWAIT);

			if (error != 0)
				return error;
			len -= m->m_len - off;
			off = 0;
		} else
			off -= m->m_len;
	}
	return 0;
}

/* Lengthens the chain by len bytes (contents undefined). */
static int
mb_extend(struct mbuf *m0, int len)
{
	struct mbuf *m = m0, *n = NULL;
	int space;

	while (m->m_next != NULL)
		m = m->m_next;
	space = MIN(len, m_trailingspace(m));
	if (len > space &&
	    (n = mb_getchain(M_DONTWAIT, m0->m_type, len - space, 0)) == NULL)
		return ENOBUFS;
	m->m_len += space;
	m->m_next = n;
	mb_pktlen_add(m0, len);
	return 0;
}

int
m_copyback(struct mbuf *m, int off, int len, const void *buf)
{
	int total = m_length(m), error;
	struct mcursor c;

	KASSERT(off >= 0 && len >= 0);
	/* Everything that can fail comes before anything is written. */
	if (off < total &&
	    (error = mb_unshare_range(m, off, MIN(len, total - off))) != 0)
		return error;
	if (off + len > total && (error = mb_extend(m, off + len - total)) != 0)
		return error;
	if (off > total) {
		mc_seek(&c, m, total);
		mc_copyin(&c, NULL, off - total);
	} else
		mc_seek(&c, m, off);
	mc_copyin(&c, buf, len);
	return 0;
}

int
m_append(struct mbuf *m, int len, const void *buf)
{
	return m_copyback(m, m_length(m), len, buf);
}

/* ---- checking ------------------------------------------------------------ */

/* Checks one mbuf, the i-th of its chain; prints what is wrong. */
static bool
mb_check_one(const struct mbuf *m, int i)
{
	const char *why = NULL;
	uintptr_t buf = (uintptr_t)mb_buf(m), data = (uintptr_t)m->m_data;

	if (m->m_type == MT_FREE)
		why = "is free";
	else if (i > 0 && (m->m_flags & M_PKTHDR))
		why = "has M_PKTHDR but is not first";
	else if (i > 0 && m->m_nextpkt != NULL)
		why = "has m_nextpkt but is not first";
	else if (m->m_len < 0)
		why = "has a negative length";
	else if ((m->m_flags & M_EXT) && (M_EXTP(m)->ext_buf == NULL ||
	    M_EXTP(m)->ext_refcnt == NULL || *M_EXTP(m)->ext_refcnt == 0))
		why = "has external storage without buffer or reference";
	else if (data < buf || data + (unsigned)m->m_len > buf +
	    (unsigned)mb_size(m))
		why = "has data outside its storage";
	if (why == NULL)
		return true;
	kprintf("m_check: mbuf %d (%p) %s: data %p len %d flags 0x%x, "
	    "storage %p size %d\n", i, (const void *)m, why,
	    (void *)m->m_data, m->m_len, (unsigned)m->m_flags,
	    (void *)buf, mb_size(m));
	return false;
}

bool
m_check(const struct mbuf *m0)
{
	const struct mbuf *m, *fast = m0;
	int i = 0, len = 0;

	if (m0 == NULL) {
		kprintf("m_check: no mbuf\n");
		return false;
	}
	for (m = m0; m != NULL; m = m->m_next, i++) {
		if (!mb_check_one(m, i))
			return false;
		len += m->m_len;
		/* Floyd: a pointer going twice as fast meets us in a loop. */
		fast = fast != NULL && fast->m_next != NULL ?
		    fast->m_next->m_next : NULL;
		if (fast != NULL && fast == m->m_next) {
			kprintf("m_check: chain %p loops\n", (const void *)m0);
			return false;
		}
	}
	if ((m0->m_flags & M_PKTHDR) && m0->m_pkthdr.len != len) {
		kprintf("m_check: chain %p: m_pkthdr.len %d, mbufs hold %d\n",
		    (const void *)m0, m0->m_pkthdr.len, len);
		return false;
	}
	return true;
}

/* ---- statistics and the caches ------------------------------------------ */

void
mbstat_read(struct mbstat *st)
{
	st->m_mbufs = mbcache_out(&mb_mbufs);
	st->m_clusters = mbcache_out(&mb_clusters) + mbcache_out(&mb_jumbos) +
	    atomic_load_relaxed(&mb_otherbufs);
	st->m_drops = atomic_load_relaxed(&mb_drops);
}

static const struct kstat_desc mb_kstat_desc[] = {
	KSTAT_DESC(struct mbstat, m_mbufs, "mbufs"),
	KSTAT_DESC(struct mbstat, m_clusters, "clusters"),
	KSTAT_DESC(struct mbstat, m_drops, "drops"),
};
static struct kstat_group mb_kstat;
static struct mbstat mb_kstat_values;	/* gathered when read */
static int mb_users;		/* mbinit calls not yet undone */

static void
mb_kstat_sync(void)
{
	mbstat_read(&mb_kstat_values);
}

void
mbinit(void)
{
	if (mb_users++ != 0)
		return;
	mbcache_init(&mb_mbufs, &M_MBUF, MSIZE, MBCACHE_CPUMAX,
	    MBCACHE_CPUMAX / 2, MB_POOL_MBUFS, ncpu);
	mbcache_init(&mb_clusters, &M_MCLUSTER, MB_EXTSIZE(MCLBYTES),
	    MBCACHE_CPUMAX, MBCACHE_CPUMAX / 2, MB_POOL_CLUSTERS, ncpu);
	mbcache_init(&mb_jumbos, &M_MJUMBO, MB_EXTSIZE(MJUMCLBYTES),
	    MB_CPU_JUMBOS, MB_CPU_JUMBOS / 2, MB_POOL_JUMBOS, ncpu);
	kstat_register_sync(&mb_kstat, "mbuf", mb_kstat_desc,
	    (int)__arraycount(mb_kstat_desc), &mb_kstat_values, mb_kstat_sync);
}

void
mbfini(void)
{
	KASSERT(mb_users > 0);
	if (--mb_users != 0)
		return;
	kstat_unregister(&mb_kstat);
	mbcache_fini(&mb_jumbos);
	mbcache_fini(&mb_clusters);
	mbcache_fini(&mb_mbufs);
}
