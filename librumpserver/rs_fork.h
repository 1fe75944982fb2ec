/*
 * Copies of clients' processes made for their forks (rs_fork.c), from
 * the client's prefork until a fork handshake claims one.
 */
#ifndef LIBRUMPSERVER_RS_FORK_H
#define LIBRUMPSERVER_RS_FORK_H

#include <sys/types.h>

#include "rumpserver_private.h"

/* Unclaimed copies one client may hold at once. */
#define RS_MAXFORKS	16

/*
 * A copy of the calling thread's process (a worker of client owner),
 * named by a new cookie in *ck.  0, EAGAIN when owner holds RS_MAXFORKS
 * already, or another errno value.
 */
int rs_fork_make(struct rump_server *srv, const void *owner,
    struct rump_rpc_cookie *ck);
/*
 * The copy named by ck: taken off the list, its pid in *pidp.  ESRCH
 * when there is none (never made, or claimed already).
 */
int rs_fork_claim(struct rump_server *srv, const struct rump_rpc_cookie *ck,
    pid_t *pidp);
/* The copies owner made and nobody claimed end: owner is gone. */
void rs_fork_drop(struct rump_server *srv, const void *owner);

#endif
