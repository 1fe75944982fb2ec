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
 */
#ifndef RUMPNET_NETLOCK_H
#define RUMPNET_NETLOCK_H

#include "rumpkern/mutex.h"

extern kmutex_t softnet_lock;

#define NET_LOCK()		mutex_enter(&softnet_lock)
#define NET_UNLOCK()		mutex_exit(&softnet_lock)
#define NET_ASSERT_LOCKED()	KASSERT(mutex_owned(&softnet_lock))

#endif
