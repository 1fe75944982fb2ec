/*
 * Inside librumpclient: the connection (rc_conn.c) and the marshaller
 * (rc_marshal.c) that the generated rump_sys_* stubs call.
 */
#ifndef LIBRUMPCLIENT_RUMPCLIENT_PRIVATE_H
#define LIBRUMPCLIENT_RUMPCLIENT_PRIVATE_H

#include <stdint.h>

#include "rpc_wire.h"

/*
 * Makes system call sysnum in the server with the numbers a[] and the
 * pointers p[] (each argument in one of them, by its kind); returns what
 * the call returned, or -1 with errno set.
 */
long rump_client_syscall(unsigned int sysnum, int64_t *a, void *const *p);

/*
 * Sends a request frame (rb_data holds room for its header at the start,
 * filled in here) and waits for its reply.  0 and the reply's payload
 * (*replyp, malloc'd, *lenp bytes), or an errno value: ENOTCONN once the
 * connection is gone.
 */
int rump_client_call(struct rpc_wbuf *req, uint8_t **replyp, size_t *lenp);

#endif
