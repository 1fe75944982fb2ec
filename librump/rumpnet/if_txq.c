/* A driver's transmit queue, drained without softnet_lock (if_txq.h). */
#include "rumpnet/if.h"
#include "rumpnet/if_txq.h"
#include "rumpnet/mbuf.h"

static const struct kstat_desc if_txq_kstat_desc[] = {
	KSTAT_DESC(struct if_txq_stats, txs_queued, "queued"),
	KSTAT_DESC(struct if_txq_stats, txs_full, "full"),
	KSTAT_DESC(struct if_txq_stats, txs_sent, "sent"),
	KSTAT_DESC(struct if_txq_stats, txs_errors, "errors"),
	KSTAT_DESC(struct if_txq_stats, txs_drains, "drains"),
	KSTAT_DESC(struct if_txq_stats, txs_purged, "purged"),
};
CTASSERT(__arraycount(if_txq_kstat_desc) ==
    sizeof(struct if_txq_stats) / sizeof(uint64_t));

#define TXQ_ADD(q, f, n) \
	__atomic_add_fetch(&(q)->txq_stats.f, (n), __ATOMIC_RELAXED)

/* Takes the whole queue (under txq_lock). */
static struct mbuf *
if_txq_takeall(struct if_txq *q)
{
	struct mbuf *m = q->txq_head;

	q->txq_head = NULL;
	q->txq_tailp = &q->txq_head;
	q->txq_len = 0;
	return m;
}

/*
 * Sends what is queued, batch after batch, until the queue is empty.  A
 * thread finding another draining leaves: that one looks at the queue
 * again before it stops, and so sends these frames too, after its own.
 */
static void
if_txq_drain(void *arg)
{
	struct if_txq *q = arg;
	struct mbuf *m, *next;

	mutex_enter(&q->txq_lock);
	if (q->txq_busy) {
		mutex_exit(&q->txq_lock);
		return;
	}
	q->txq_busy = true;
	while ((m = if_txq_takeall(q)) != NULL) {
		unsigned nsent = 0, nerr = 0;

		mutex_exit(&q->txq_lock);
		for (; m != NULL; m = next) {
			next = m->m_nextpkt;
			m->m_nextpkt = NULL;
			nsent++;
			if (q->txq_send(q->txq_arg, m) != 0)
				nerr++;
		}
		TXQ_ADD(q, txs_sent, nsent);
		TXQ_ADD(q, txs_errors, nerr);
		TXQ_ADD(q, txs_drains, 1);
		mutex_enter(&q->txq_lock);
	}
	q->txq_busy = false;
	mutex_exit(&q->txq_lock);
}

void
if_txq_init(struct if_txq *q, struct ifnet *ifp, unsigned max,
    int (*send)(void *arg, struct mbuf *m), void *arg)
{
	char prefix[sizeof(q->txq_kstat.kg_prefix)];

	memset(q, 0, sizeof(*q));
	mutex_init(&q->txq_lock, MUTEX_DEFAULT);
	q->txq_tailp = &q->txq_head;
	q->txq_max = max;
	q->txq_send = send;
	q->txq_arg = arg;
	q->txq_ifp = ifp;
	q->txq_defer.nd_fn = if_txq_drain;
	q->txq_defer.nd_arg = q;
	ksnprintf(prefix, sizeof(prefix), "%s.txq", ifp->if_xname);
	kstat_register(&q->txq_kstat, prefix, if_txq_kstat_desc,
	    (int)__arraycount(if_txq_kstat_desc), &q->txq_stats);
}

void
if_txq_fini(struct if_txq *q)
{
	struct mbuf *m;
	unsigned n;

	net_undefer(&q->txq_defer);
	mutex_enter(&q->txq_lock);
	KASSERT(!q->txq_busy);
	n = q->txq_len;
	m = if_txq_takeall(q);
	mutex_exit(&q->txq_lock);
	m_freem_list(m);
	TXQ_ADD(q, txs_purged, n);
	kstat_unregister(&q->txq_kstat);
	mutex_destroy(&q->txq_lock);
}

int
if_txq_enqueue(struct if_txq *q, struct mbuf *m)
{
	bool full;

	NET_ASSERT_LOCKED();
	mutex_enter(&q->txq_lock);
	full = q->txq_len >= q->txq_max;
	if (!full) {
		m->m_nextpkt = NULL;
		*q->txq_tailp = m;
		q->txq_tailp = &m->m_nextpkt;
		q->txq_len++;
	}
	mutex_exit(&q->txq_lock);
	if (full) {
		TXQ_ADD(q, txs_full, 1);
		if_drop(q->txq_ifp, m, IFDROP_NOBUFS);
		return ENOBUFS;
	}
	TXQ_ADD(q, txs_queued, 1);
	net_defer(&q->txq_defer);
	return 0;
}
