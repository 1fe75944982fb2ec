/*
 * Socket state changes and socket buffers: the half of the socket layer
 * that protocols call, always with softnet_lock held.
 */
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"

KMEM_DEFINE(M_SOCKET, "socket");

/* ---- wakeups ---- */

static void
sbwakeup(struct socket *so, struct sockbuf *sb)
{
	sb->sb_wakeups++;
	if (cv_has_waiters(&sb->sb_cv))
		cv_broadcast(&sb->sb_cv);
	pollwakeup(&so->so_ph);
}

void
sorwakeup(struct socket *so)
{
	sbwakeup(so, &so->so_rcv);
}

void
sowwakeup(struct socket *so)
{
	sbwakeup(so, &so->so_snd);
}

/* Wakes everyone who waits on so for any reason. */
static void
sowakeall(struct socket *so)
{
	so->so_rcv.sb_wakeups++;
	so->so_snd.sb_wakeups++;
	cv_broadcast(&so->so_cv);
	cv_broadcast(&so->so_rcv.sb_cv);
	cv_broadcast(&so->so_snd.sb_cv);
	pollwakeup(&so->so_ph);
}

void
soseterror(struct socket *so, int error)
{
	NET_ASSERT_LOCKED();
	so->so_error = error;
	sowakeall(so);
}

/* ---- connection state ---- */

void
soisconnecting(struct socket *so)
{
	so->so_state &= ~(SS_ISCONNECTED | SS_ISDISCONNECTING);
	so->so_state |= SS_ISCONNECTING;
}

void
soisconnected(struct socket *so)
{
	struct socket *head = so->so_head;

	so->so_state &= ~(SS_ISCONNECTING | SS_ISDISCONNECTING);
	so->so_state |= SS_ISCONNECTED;
	if (head != NULL && so->so_onq == 1) {
		/* The handshake finished: ready for accept(). */
		TAILQ_REMOVE(&head->so_q0, so, so_qe);
		head->so_q0len--;
		TAILQ_INSERT_TAIL(&head->so_q, so, so_qe);
		head->so_qlen++;
		so->so_onq = 2;
		sowakeall(head);
		return;
	}
	sowakeall(so);
}

void
soisdisconnecting(struct socket *so)
{
	so->so_state &= ~SS_ISCONNECTING;
	so->so_state |= SS_ISDISCONNECTING | SS_CANTRCVMORE | SS_CANTSENDMORE;
	sowakeall(so);
}

void
soisdisconnected(struct socket *so)
{
	so->so_state &= ~(SS_ISCONNECTING | SS_ISCONNECTED |
	    SS_ISDISCONNECTING);
	so->so_state |= SS_ISDISCONNECTED | SS_CANTRCVMORE | SS_CANTSENDMORE;
	sowakeall(so);
}

void
socantsendmore(struct socket *so)
{
	so->so_state |= SS_CANTSENDMORE;
	sowwakeup(so);
}

void
socantrcvmore(struct socket *so)
{
	so->so_state |= SS_CANTRCVMORE;
	sorwakeup(so);
}

/* ---- allocation and the listen queues ---- */

static void
sbinit(struct sockbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->sb_lowat = 1;
	cv_init(&sb->sb_cv);
	cv_init(&sb->sb_lockcv);
}

struct socket *
soalloc(const struct protosw *pr, int type)
{
	struct socket *so = kmem_zalloc(&M_SOCKET, sizeof(*so), KM_SLEEP);

	so->so_lock = &softnet_lock;
	so->so_type = (short)type;
	so->so_proto = pr;
	TAILQ_INIT(&so->so_q0);
	TAILQ_INIT(&so->so_q);
	sbinit(&so->so_rcv);
	sbinit(&so->so_snd);
	cv_init(&so->so_cv);
	pollhead_init(&so->so_ph);
	return so;
}

/*
 * A connection request arrived on listener head.  Refuses (NULL) when the
 * queues hold half again the backlog already, as BSD does: a backlog of 2
 * lets 3 wait, a backlog of 1 lets 1.
 */
struct socket *
sonewconn(struct socket *head, bool connected)
{
	NET_ASSERT_LOCKED();
	if (head->so_qlen + head->so_q0len >= 3 * head->so_qlimit / 2)
		return NULL;
	return sonewconn_unlimited(head, connected);
}

/*
 * sonewconn() without the limit on the queues, for a connection that
 * leaves the embryonic queue at once (a SYN cookie's ACK completes its
 * handshake); the caller checked that the accept queue has room.
 */
struct socket *
sonewconn_unlimited(struct socket *head, bool connected)
{
	struct socket *so;

	NET_ASSERT_LOCKED();
	so = soalloc(head->so_proto, head->so_type);
	so->so_options = head->so_options & ~SO_OPT_ACCEPTCONN;
	so->so_linger = head->so_linger;
	so->so_state = SS_NOFDREF;
	so->so_head = head;
	if (sbreserve(&so->so_rcv, head->so_rcv.sb_hiwat) != 0 ||
	    sbreserve(&so->so_snd, head->so_snd.sb_hiwat) != 0) {
		so->so_head = NULL;
		sofree(so);
		return NULL;
	}
	so->so_rcv.sb_lowat = head->so_rcv.sb_lowat;
	so->so_snd.sb_lowat = head->so_snd.sb_lowat;
	so->so_rcv.sb_timeo_ns = head->so_rcv.sb_timeo_ns;
	so->so_snd.sb_timeo_ns = head->so_snd.sb_timeo_ns;
	if (pru_attach(so, 0) != 0) {
		so->so_head = NULL;
		sofree(so);
		return NULL;
	}
	if (connected) {
		TAILQ_INSERT_TAIL(&head->so_q, so, so_qe);
		head->so_qlen++;
		so->so_onq = 2;
		so->so_state |= SS_ISCONNECTED;
		sowakeall(head);
	} else {
		TAILQ_INSERT_TAIL(&head->so_q0, so, so_qe);
		head->so_q0len++;
		so->so_onq = 1;
	}
	return so;
}

/* Takes so off its listener's queue. */
void
soqremove(struct socket *so)
{
	struct socket *head = so->so_head;

	if (so->so_onq == 1) {
		TAILQ_REMOVE(&head->so_q0, so, so_qe);
		head->so_q0len--;
	} else if (so->so_onq == 2) {
		TAILQ_REMOVE(&head->so_q, so, so_qe);
		head->so_qlen--;
	}
	so->so_onq = 0;
	so->so_head = NULL;
}

/*
 * Frees so once both its user (the file) and its protocol (the pcb) are
 * done with it; otherwise does nothing and the other one frees it later.
 */
void
sofree(struct socket *so)
{
	NET_ASSERT_LOCKED();
	if (so->so_pcb != NULL || !(so->so_state & SS_NOFDREF))
		return;
	if (so->so_head != NULL)
		soqremove(so);
	KASSERT(TAILQ_EMPTY(&so->so_q0) && TAILQ_EMPTY(&so->so_q));
	sbflush(&so->so_rcv);
	sbflush(&so->so_snd);
	pollhead_destroy(&so->so_ph);
	cv_destroy(&so->so_rcv.sb_cv);
	cv_destroy(&so->so_rcv.sb_lockcv);
	cv_destroy(&so->so_snd.sb_cv);
	cv_destroy(&so->so_snd.sb_lockcv);
	cv_destroy(&so->so_cv);
	kmem_free(&M_SOCKET, so, sizeof(*so));
}

/* ---- socket buffers ---- */

int
sblock(struct socket *so, struct sockbuf *sb, bool nbio)
{
	int error;

	while (sb->sb_flags & SB_LOCK) {
		if (nbio && (sb->sb_flags & SB_SLEEP))
			return EAGAIN;
		if ((error = cv_wait_sig(&sb->sb_lockcv, so->so_lock)) != 0)
			return error;
	}
	sb->sb_flags |= SB_LOCK;
	return 0;
}

void
sbrelock(struct socket *so, struct sockbuf *sb)
{
	while (sb->sb_flags & SB_LOCK)
		cv_wait(&sb->sb_lockcv, so->so_lock);
	sb->sb_flags |= SB_LOCK;
}

void
sbunlock(struct sockbuf *sb)
{
	sb->sb_flags &= ~SB_LOCK;
	if (cv_has_waiters(&sb->sb_lockcv))
		cv_broadcast(&sb->sb_lockcv);
}

int
sbwait(struct socket *so, struct sockbuf *sb, uint64_t deadline_ns)
{
	int error = pru_sleep(so, &sb->sb_cv,
	    sb == &so->so_rcv ? POLLIN : POLLOUT, deadline_ns);

	return error == ETIMEDOUT ? EAGAIN : error;
}

int
sbreserve(struct sockbuf *sb, size_t cc)
{
	if (cc == 0 || cc > SB_MAX)
		return ENOBUFS;
	sb->sb_hiwat = cc;
	/* Storage may exceed data by the overhead of small mbufs. */
	sb->sb_mbmax = MIN(cc * 8, (size_t)SB_MAX * 2);
	if (sb->sb_lowat > sb->sb_hiwat)
		sb->sb_lowat = sb->sb_hiwat;
	return 0;
}

long
sbspace(const struct sockbuf *sb)
{
	long data = (long)sb->sb_hiwat - (long)sb->sb_cc;
	long mem = (long)sb->sb_mbmax - (long)sb->sb_mbcnt;

	return MIN(data, mem);
}

/* Storage an mbuf holds: itself and its external buffer. */
static size_t
sb_mstorage(const struct mbuf *m)
{
	return MSIZE + ((m->m_flags & M_EXT) ? M_EXTP(m)->ext_size : 0);
}

static void
sballoc(struct sockbuf *sb, struct mbuf *m)
{
	if (m->m_type != MT_SONAME && m->m_type != MT_CONTROL)
		sb->sb_cc += (size_t)m->m_len;
	sb->sb_mbcnt += sb_mstorage(m);
}

static void
sbfree(struct sockbuf *sb, struct mbuf *m)
{
	if (m->m_type != MT_SONAME && m->m_type != MT_CONTROL)
		sb->sb_cc -= (size_t)m->m_len;
	sb->sb_mbcnt -= sb_mstorage(m);
}

/*
 * Appends chain m after sb_mbtail, merging small mbufs into the tail's
 * free space so a stream of small segments does not hold an mbuf each.
 */
static void
sbcompress(struct sockbuf *sb, struct mbuf *m)
{
	struct mbuf *n = sb->sb_mbtail;

	while (m != NULL) {
		if (m->m_len == 0) {
			m = m_free(m);
			continue;
		}
		if (n != NULL && n->m_type == m->m_type && m_writable(n) &&
		    m->m_len <= MCLBYTES / 4 && m->m_len <= M_TRAILINGSPACE(n)) {
			memcpy(mtod(n, char *) + n->m_len, mtod(m, char *),
			    (size_t)m->m_len);
			n->m_len += m->m_len;
			sb->sb_cc += (size_t)m->m_len;
			m = m_free(m);
			continue;
		}
		if (n != NULL)
			n->m_next = m;
		else
			sb->sb_mb = sb->sb_lastrecord = m;
		sballoc(sb, m);
		n = m;
		m->m_flags &= ~M_EOR;
		m = m->m_next;
		n->m_next = NULL;
	}
	sb->sb_mbtail = n;
}

void
sbappendstream(struct sockbuf *sb, struct mbuf *m)
{
	KASSERT(sb->sb_mb == NULL || sb->sb_mb == sb->sb_lastrecord);
	if (m == NULL)
		return;
	if (m->m_flags & M_PKTHDR)
		m->m_flags &= ~M_PKTHDR;
	sbcompress(sb, m);
}

/* Links record m (already accounted) at the end of the record list. */
static void
sblinkrecord(struct sockbuf *sb, struct mbuf *m)
{
	struct mbuf *n;

	if (sb->sb_lastrecord != NULL)
		sb->sb_lastrecord->m_nextpkt = m;
	else
		sb->sb_mb = m;
	sb->sb_lastrecord = m;
	for (n = m; n->m_next != NULL; n = n->m_next)
		continue;
	sb->sb_mbtail = n;
}

int
sbappendaddr(struct sockbuf *sb, const struct sockaddr *asa, socklen_t salen,
    struct mbuf *m, struct mbuf *control)
{
	struct mbuf *nam, *n;

	/*
	 * Refused only when the buffer is full already: one datagram may go
	 * beyond the limit, so any datagram fits an empty buffer (Linux's
	 * rule, and what SO_RCVBUF users expect).
	 */
	if (sbspace(sb) <= 0 || salen > (socklen_t)MLEN)
		return ENOBUFS;
	nam = m_get(M_DONTWAIT, MT_SONAME);
	if (nam == NULL)
		return ENOBUFS;
	/* In the buffer it is data, not a packet: no header, no interface. */
	if (m != NULL && (m->m_flags & M_PKTHDR)) {
		m->m_pkthdr.rcvif = NULL;
		m->m_flags &= ~M_PKTHDR;
	}
	memcpy(mtod(nam, void *), asa, salen);
	nam->m_len = (int)salen;
	/* Record: name, control, data. */
	if (control != NULL) {
		for (n = control; n->m_next != NULL; n = n->m_next)
			continue;
		n->m_next = m;
		nam->m_next = control;
	} else {
		nam->m_next = m;
	}
	for (n = nam; n != NULL; n = n->m_next)
		sballoc(sb, n);
	sblinkrecord(sb, nam);
	return 0;
}

/* Drops len bytes of data from the front of a stream buffer. */
void
sbdrop(struct sockbuf *sb, size_t len)
{
	struct mbuf *m = sb->sb_mb;

	KASSERT(len <= sb->sb_cc);
	while (len > 0 && m != NULL) {
		if ((size_t)m->m_len > len) {
			m->m_len -= (int)len;
			m->m_data += len;
			sb->sb_cc -= len;
			break;
		}
		len -= (size_t)m->m_len;
		sbfree(sb, m);
		m = m_free(m);
	}
	/* sbcompress keeps no empty mbufs: m is data, or the end. */
	sb->sb_mb = sb->sb_lastrecord = m;
	if (m == NULL)
		sb->sb_mbtail = NULL;
}

struct mbuf *
sbunlinkrecord(struct sockbuf *sb)
{
	struct mbuf *m = sb->sb_mb;

	if (m == NULL)
		return NULL;
	sb->sb_mb = m->m_nextpkt;
	m->m_nextpkt = NULL;
	for (struct mbuf *n = m; n != NULL; n = n->m_next)
		sbfree(sb, n);
	if (sb->sb_mb == NULL) {
		sb->sb_lastrecord = NULL;
		sb->sb_mbtail = NULL;
	}
	return m;
}

void
sbdroprecord(struct sockbuf *sb)
{
	m_freem(sbunlinkrecord(sb));
}

struct mbuf *
sbcut(struct sockbuf *sb, size_t len)
{
	struct mbuf *top = NULL, **mp = &top, *m;

	KASSERT(len <= sb->sb_cc);
	while (len > 0) {
		m = sb->sb_mb;
		if ((size_t)m->m_len > len) {
			/* Part of the last one: shared storage, or a small copy. */
			*mp = m_copym(m, 0, (int)len, M_WAIT);
			m->m_data += len;
			m->m_len -= (int)len;
			sb->sb_cc -= len;
			break;
		}
		len -= (size_t)m->m_len;
		sb->sb_mb = m->m_next;
		m->m_next = NULL;
		sbfree(sb, m);
		*mp = m;
		mp = &m->m_next;
	}
	sb->sb_lastrecord = sb->sb_mb;
	if (sb->sb_mb == NULL)
		sb->sb_mbtail = NULL;
	return top;
}

void
sbflush(struct sockbuf *sb)
{
	while (sb->sb_mb != NULL)
		sbdroprecord(sb);
	KASSERT(sb->sb_cc == 0 && sb->sb_mbcnt == 0);
}
