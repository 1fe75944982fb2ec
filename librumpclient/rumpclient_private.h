/*
 * Inside librumpclient: the connection (rc_conn.c) and the marshaller
 * (rc_marshal.c) that the generated rump_sys_* stubs call.
 */
#ifndef LIBRUMPCLIENT_RUMPCLIENT_PRIVATE_H
#define LIBRUMPCLIENT_RUMPCLIENT_PRIVATE_H

#include <signal.h>
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
 * all but the data.  data is small, or in the thread's channel (shared:
 * valid until its next call), or malloc'd (free it if it is neither).
 */
struct rc_reply {
	void		*dst;
	size_t		dstcap;
	bool		placed;
	bool		shared;
	bool		interrupted;	/* a signal interrupted the wait */
	uint8_t		*data;
	size_t		len;
	uint8_t		small[RC_SMALLREPLY];
};

/* A reply with one buffer's data: its header and the data's length. */
#define RC_DIRECT_HEAD	(RUMP_RPC_REPLYHDRLEN + 4)

/*
 * Whether a reply payload of len bytes (more than RC_DIRECT_HEAD), whose
 * first RC_DIRECT_HEAD bytes are head, has the shape of one carrying
 * r->dst's data only: the data's length in *np.
 */
static inline bool
rc_reply_placeable(const struct rc_reply *r, const uint8_t *head, size_t len,
    uint32_t *np)
{
	struct rpc_rcur c = { .rc_p = head + RUMP_RPC_REPLYHDRLEN,
	    .rc_left = 4 };

	*np = rpc_get32(&c);
	return *np <= r->dstcap && RC_DIRECT_HEAD + (size_t)*np == len;
}

/*
 * Sends a request frame (rb_data holds room for its header at the start,
 * filled in here) and waits for its reply: 0 and the reply in *reply, or
 * an errno value: ENOTCONN once the connection is gone.
 */
int rump_client_call(struct rpc_wbuf *req, struct rc_reply *reply);

/* ---- the connection's insides (rc_conn.c), for the channels ------------- */

/* A thread waiting for its call's reply. */
struct rc_waiter {
	uint64_t	w_id;
	bool		w_done;
	bool		w_intrsent;	/* the interrupt frame went out */
	bool		w_filling;	/* a reader receives into w_r */
	bool		w_chan;		/* its reply comes in its channel */
	struct rc_reply	*w_r;		/* where the reply goes */
	int		w_evfd;		/* wakes it: an eventfd; for a
					   channel's, its end of the pair */
	struct rc_waiter *w_next;
};

/*
 * A call begins: w gets its id and is woken when the connection is lost
 * (through w_evfd); *genp (if not NULL) names the connection.  0 or
 * ENOTCONN.
 */
int rump_client_begin(struct rc_waiter *w, uint64_t *genp);
/* The call is over: w leaves, another waiter reads the socket if need be. */
void rump_client_end(struct rc_waiter *w);
/*
 * A frame of type (its header's room at the start of req) with nfds
 * descriptors, on the socket, and its reply: 0, or an errno value.
 */
int rump_client_sockcall(struct rpc_wbuf *req, uint16_t type, const int *fds, int nfds,
    struct rc_reply *reply, bool interrupted);
/* Asks the server, once, to interrupt w's call. */
void rump_client_interrupt(struct rc_waiter *w);
/* The connection is lost: every call fails with ENOTCONN. */
void rump_client_lose(void);
bool rump_client_isup(void);

/* ---- the shared-memory channels (rc_chan.c) ------------------------------ */

struct rc_chan;

/*
 * The calling thread's channel on connection gen, made at its first call
 * (and asked for again now and then if refused); NULL: the call goes
 * over the socket.  Called with every signal blocked, the caller's mask
 * in *orig.  *intrp: a signal interrupted the making of it, and so the
 * call it is made for.
 */
struct rc_chan *rump_client_chan(uint64_t gen, const sigset_t *orig,
    bool *intrp);
/*
 * A call through channel ch, called with every signal blocked (the
 * caller's mask in *orig, which is restored after): as
 * rump_client_call(); interrupted: as if a signal had interrupted the
 * wait for it at once.
 */
int rump_client_chancall(struct rc_chan *ch, struct rpc_wbuf *req,
    struct rc_reply *reply, bool interrupted, const sigset_t *orig);
/*
 * fork(): before, the list of channels is held; after, let go, and in
 * the child every channel is closed (unmapped, its end of the pair
 * closed: the parent's thread keeps its own), and the thread that forked
 * makes a new one at its next call, on the child's connection.
 */
void rump_client_chan_prefork(void);
void rump_client_chan_postfork(bool child);

/* ---- host signals during a channel's call (rc_signal.c) ------------------- */

/* Blocks every signal; the thread's mask was *orig (if not NULL). */
void rump_client_sigblock(sigset_t *orig);
void rump_client_sigrestore(const sigset_t *orig);
/* *letin: the signals mask orig does not block. */
void rump_client_sigletin(const sigset_t *orig, sigset_t *letin);
/*
 * Restores the caller's mask orig, so the handlers of the pending signals
 * run: true if one of them interrupts a system call (a handler without
 * SA_RESTART), and so the call waiting.
 */
bool rump_client_sigdeliver(const sigset_t *orig);

#endif
