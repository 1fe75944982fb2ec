/*
 * A driver's transmit queue, drained without softnet_lock.
 *
 * ifd_transmit runs under softnet_lock; a driver whose sending is a host
 * call (a tap's write) puts the frame on its queue instead and returns.
 * The thread that releases softnet_lock then drains the queue (netlock.h:
 * deferred work) and hands the frames to the driver's send one after the
 * other, in order, without the stack lock and without taking the queue's
 * lock per frame: a burst of frames queued under one hold of the lock
 * goes out in one pass.  One thread drains at a time, so frames leave in
 * the order they were queued.
 *
 * A full queue refuses the frame (ENOBUFS, counted in txq.full and the
 * interface's drop.nobufs): that is the back-pressure a sender sees, as
 * from a full hardware queue.  Counters are registered as "<ifname>.txq".
 */
#ifndef RUMPNET_IF_TXQ_H
#define RUMPNET_IF_TXQ_H

#include "rumpkern/condvar.h"
#include "rumpkern/kstat.h"
#include "rumpkern/mutex.h"
#include "rumpnet/netlock.h"

struct ifnet;
struct mbuf;

struct if_txq_stats {
	uint64_t txs_queued;		/* frames put on the queue */
	uint64_t txs_full;		/* refused: the queue was full */
	uint64_t txs_sent;		/* handed to the driver's send */
	uint64_t txs_errors;		/* of which its send refused */
	uint64_t txs_drains;		/* passes that sent at least one */
	uint64_t txs_purged;		/* freed unsent when the queue went */
};

struct if_txq {
	kmutex_t txq_lock;		/* the queue and txq_busy */
	struct mbuf *txq_head, **txq_tailp;
	unsigned txq_len, txq_max;
	bool txq_busy;			/* a thread is draining */
	/* Sends one frame (owns m) without softnet_lock; 0 or an error. */
	int (*txq_send)(void *arg, struct mbuf *m);
	void *txq_arg;
	struct ifnet *txq_ifp;
	struct net_deferred txq_defer;
	struct if_txq_stats txq_stats;	/* atomics */
	struct kstat_group txq_kstat;
};

/* Sets q up for ifp, holding up to max frames, handing them to send. */
void if_txq_init(struct if_txq *q, struct ifnet *ifp, unsigned max,
    int (*send)(void *arg, struct mbuf *m), void *arg);
/*
 * Without softnet_lock, once the interface no longer transmits: waits
 * for a drain still going on, frees what is queued, unregisters.
 */
void if_txq_fini(struct if_txq *q);
/* Under softnet_lock: queues m (owns it); ENOBUFS when full. */
int if_txq_enqueue(struct if_txq *q, struct mbuf *m);

#endif
