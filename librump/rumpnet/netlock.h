/*
 * The network stack's lock.
 *
 * One mutex, softnet_lock, protects the protocol state of the whole stack:
 * interfaces' address lists, routes, ARP, protocol control blocks and
 * sockets (so_lock of every socket is softnet_lock).  A frame is carried
 * from the driver to the socket buffer under it in one go (run to
 * completion), and a sender carries a packet from the socket to the driver
 * the same way.  Sleeping in the stack (a blocking receive) waits on a
 * condition variable with softnet_lock as interlock, so it is released.
 *
 * Work deferred until the lock is released: what must not be done under
 * it (a driver's host I/O) is registered with net_defer() while it is
 * held, and run by the thread that releases it, right after NET_UNLOCK()
 * released it.  A thread that goes to sleep with the lock as interlock
 * runs it before sleeping (then still holding the lock: it is rare, and
 * the work must not wait for whoever unlocks next).
 */
#ifndef RUMPNET_NETLOCK_H
#define RUMPNET_NETLOCK_H

#include "rumpkern/mutex.h"

extern kmutex_t softnet_lock;

#define NET_LOCK()		mutex_enter(&softnet_lock)
#define NET_UNLOCK()		net_unlock()
#define NET_ASSERT_LOCKED()	KASSERT(mutex_owned(&softnet_lock))

struct net_deferred {
	void (*nd_fn)(void *arg);	/* runs without softnet_lock, mostly */
	void *nd_arg;
	bool nd_queued;			/* under softnet_lock */
	unsigned nd_running;		/* under net_deferlock */
	TAILQ_ENTRY(net_deferred) nd_list;
};

void net_unlock(void);
/* Under softnet_lock: runs nd once the lock is next released. */
void net_defer(struct net_deferred *nd);
/*
 * Without softnet_lock: nd is not run again, and no run of it is still
 * going on, when this returns (its owner is going away).
 */
void net_undefer(struct net_deferred *nd);

/* For the rumpnet component. */
void netlock_init(void);
void netlock_fini(void);

#endif
