/*
 * The shared-memory channel of the remote-call protocol: the fast path
 * of one client thread on a unix socket, with no host system call per
 * call when both sides are running.  See "Remote system calls" in
 * docs/ARCHITECTURE.md.
 *
 * The client makes a memfd of RUMP_RPC_CHANSIZE bytes (sealed against
 * shrinking, so the server's mapping cannot fault) and a unix socket
 * pair whose ends wake each side (a byte sent to the sleeper), and
 * passes the memfd and the server's end with SCM_RIGHTS in a
 * RUMP_RPC_CHANNEL frame.  Either side sees the other's end close: the
 * client thread exited, or the server is gone.  The server answers
 * with a reply frame on the socket: error 0 and the channel serves this
 * thread's calls from then on, or why not (the thread stays on the
 * socket).  The socket stays the control channel: interrupts, the end
 * of the connection, a lost server.
 *
 * The memory is a struct rump_rpc_chanhdr, then room for one frame, in
 * the socket's encoding: the client writes its call frame there and sets
 * ch_state to RPC_CHAN_CALL; the server copies the frame out, runs it,
 * writes the reply frame over it and sets RPC_CHAN_REPLY.  Whoever waits
 * spins on ch_state for a while (rump_rpc_chan_spin), then says so in its
 * sleep word and sleeps on its end of the pair; whoever posts wakes the
 * other through the pair only when it sleeps.  The client sleeps in a
 * read(), which a signal interrupts or, with SA_RESTART, not, as a
 * local system call.  The memory is the client's
 * too: the server trusts nothing it reads there (rump_server_chanframe).
 * The words are the host's own (the channel never leaves the host).
 */
#ifndef LIBRUMPCLIENT_RPC_CHAN_H
#define LIBRUMPCLIENT_RPC_CHAN_H

#include <stdbool.h>
#include <stdint.h>

#include "rpc_wire.h"

#define RUMP_RPC_CHANVERSION	1

/* ch_state */
#define RPC_CHAN_IDLE		0	/* as made: no call yet */
#define RPC_CHAN_CALL		1	/* a call frame for the server */
#define RPC_CHAN_REPLY		2	/* its reply frame for the client */

/* Each word on a cache line of its own: the two sides write them. */
struct rump_rpc_chanhdr {
	uint32_t	ch_state;
	uint8_t		ch_pad0[60];
	uint32_t	ch_srvsleep;	/* the server sleeps: wake it */
	uint8_t		ch_pad1[60];
	uint32_t	ch_clsleep;	/* the client sleeps: wake it */
	uint8_t		ch_pad2[124];
};
#define RUMP_RPC_CHANHDRLEN	256
_Static_assert(sizeof(struct rump_rpc_chanhdr) == RUMP_RPC_CHANHDRLEN,
    "channel header");

/* The memory of a channel: its header and a frame of any size. */
#define RUMP_RPC_CHANSIZE	(RUMP_RPC_CHANHDRLEN + RUMP_RPC_MAXFRAME)

/* The descriptors of a RUMP_RPC_CHANNEL frame, in this order. */
#define RPC_CHAN_MEMFD		0
#define RPC_CHAN_WAKEFD		1	/* the server's end of the pair */
#define RPC_CHAN_NFDS		2

/* A RUMP_RPC_CHANNEL frame's payload. */
struct rump_rpc_chanreq {
	uint32_t	cq_version;	/* RUMP_RPC_CHANVERSION */
	uint32_t	cq_size;	/* RUMP_RPC_CHANSIZE */
};
#define RUMP_RPC_CHANREQLEN	8
_Static_assert(sizeof(struct rump_rpc_chanreq) == RUMP_RPC_CHANREQLEN,
    "channel request");

static inline void
rpc_put_chanreq(struct rpc_wbuf *b, const struct rump_rpc_chanreq *q)
{
	rpc_put32(b, q->cq_version);
	rpc_put32(b, q->cq_size);
}

static inline void
rpc_get_chanreq(struct rpc_rcur *c, struct rump_rpc_chanreq *q)
{
	q->cq_version = rpc_get32(c);
	q->cq_size = rpc_get32(c);
}

/*
 * The longest spin before sleeping, in nanoseconds: longer than a short
 * call's round trip, far shorter than a sleep and a wake-up cost a busy
 * machine; and the shortest, which still catches a quick answer, so
 * that the budget can grow again.
 */
#define RPC_CHAN_SPINMAX	50000
#define RPC_CHAN_SPINMIN	2000

/*
 * How old the count of the host's runnable threads may be when a spin
 * asks whether a CPU is free (rump_rpc_chan_cpufree), in nanoseconds:
 * a read of /proc/loadavg costs a few microseconds, and a spin of one
 * thread of the program in a millisecond asks for all of them.
 */
#define RPC_CHAN_LOADAGE	1000000

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t rump_rpc_chan_now(void);
/*
 * Spins at most budget ns while *state is old, and no longer than a
 * first round of looks while no CPU is free (rump_rpc_chan_cpufree);
 * true once *state is not old.
 */
bool rump_rpc_chan_spin(const uint32_t *state, uint32_t old, uint64_t budget);
/*
 * Whether a spin takes no CPU another thread waits for: the host's
 * runnable threads (this one among them) are at most its CPUs.  When
 * they are more, a spin only keeps the peer from the CPU it needs to
 * answer (a woken peer is queued behind its waker), so the waiter sleeps
 * at once.  The count is the program's, read from /proc/loadavg at most
 * every RPC_CHAN_LOADAGE ns by whichever thread asks; without it, a CPU
 * is free.
 */
bool rump_rpc_chan_cpufree(void);
/*
 * The runnable threads the file at path says there are, as /proc/loadavg
 * does in its fourth field ("0.52 0.58 0.59 3/132 17230": 3), or 0 if it
 * cannot be read or says nothing of them.
 */
unsigned int rump_rpc_chan_loadfile(const char *path);
/*
 * The next spin's budget after a wait that the spin caught or not:
 * doubled (up to RPC_CHAN_SPINMAX) while spins catch what they wait for,
 * halved (down to RPC_CHAN_SPINMIN) each time one does not, so a thread
 * whose calls block (a read of an empty pipe), or whose peer has no CPU
 * to run on, soon stops spending its CPU on spins.
 */
uint64_t rump_rpc_chan_budget(uint64_t budget, bool caught);
/*
 * About to sleep until *state is no longer old: says so in *sleep.
 * False if the wait is over already (and *sleep is cleared again).
 */
bool rump_rpc_chan_presleep(uint32_t *sleep, const uint32_t *state, uint32_t old);
/* *state becomes v; the peer is woken through wakefd if it sleeps. */
void rump_rpc_chan_post(uint32_t *state, uint32_t v, const uint32_t *peersleep,
    int wakefd);

#endif
