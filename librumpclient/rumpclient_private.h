/*
 * Inside librumpclient: the connection (rc_conn.c) and the marshaller
 * (rc_marshal.c) that the generated rump_sys_* stubs call.
 */
#ifndef LIBRUMPCLIENT_RUMPCLIENT_PRIVATE_H
#define LIBRUMPCLIENT_RUMPCLIENT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc_wire.h"

/*
 * Makes system call sysnum in the server with the numbers a[] and the
 * pointers p[] (each argument in one of them, by its kind); returns what
 * the call returned, or -1 with errno set.
 */
long rump_client_syscall(unsigned int sysnum, int64_t *a, void *const *p);

/* A reply payload this small is read into the caller's rc_reply. */
#define RC_SMALLREPLY	256

/*
 * Where a call's reply goes.  The caller sets dst and dstcap when the
 * reply may carry data for one buffer only (a read's, a recv's): a reply
 * of that shape (its header, the data's length, the data) has its data
 * received straight into dst, and placed says so; the payload then holds
 * all but the data.  data is small, or malloc'd (free it if it is not).
 */
struct rc_reply {
	void		*dst;
	size_t		dstcap;
	bool		placed;
	uint8_t		*data;
	size_t		len;
	uint8_t		small[RC_SMALLREPLY];
};

/*
 * Sends a request frame (rb_data holds room for its header at the start,
 * filled in here) and waits for its reply: 0 and the reply in *reply, or
 * an errno value: ENOTCONN once the connection is gone.
 */
int rump_client_call(struct rpc_wbuf *req, struct rc_reply *reply);

#endif
