/*
 * sockin's kernel half: PF_INET and PF_INET6 sockets whose protocol is the
 * host's own TCP/IP, reached through host sockets (sockin_user.h).
 *
 * A sockin socket is an ordinary socket of the socket layer with a
 * sockin_pcb as its protocol control block: the socket layer's buffers,
 * waits, timeouts and poll work unchanged, and sockin moves data between
 * those buffers and the host socket without ever blocking in the host.
 * One kernel thread (sockin_events) waits for readiness of every host
 * socket at once and, under softnet_lock, notes that a socket has data
 * or datagrams waiting (which its reader takes straight from the host
 * socket, sockin_recv.c) or room to send (which its writer fills straight
 * from its buffer, sockin_send.c), completes connects and accepts
 * connections, waking the socket's waiters as any protocol does.
 */
#ifndef SOCKIN_SOCKIN_VAR_H
#define SOCKIN_SOCKIN_VAR_H

#include "rumpkern/kern.h"
#include "rumpkern/queue.h"
#include "rumpnet/socketvar.h"

struct sockin_user;

/* sp_flags */
#define SP_LISTEN	0x01	/* a listening socket */
#define SP_WREADY	0x08	/* a stream's host socket may take data */
#define SP_RREADY	0x10	/* a stream's host socket may have data */
#define SP_RMUTED	0x40	/* and no longer reports it (sockin_recv.c) */
#define SP_RFRESH	0x80	/* it reported data, unread since */
#define SP_RTOLD	0x200	/* SP_RREADY is the host's report, not a guess */
#define SP_AFULL	0x20	/* the accept queue filled: accept on pr_accept */
#define SP_AFAILED	0x04	/* the host's accept failed: again on the next */
#define SP_LAZY		0x400	/* not registered with epoll yet (sockin_lazy.c) */

struct sockin_pcb {
	struct socket *sp_so;
	int sp_fd;			/* the host socket, -1 for none yet */
	uint64_t sp_id;			/* its epoll registration, never reused */
	int sp_flags;
	uint64_t sp_rgen;		/* readiness reports, counted */
	uint64_t sp_wgen;		/* reports of room to send, counted */
	/* A connection waiting for accept(): its listener, its peer. */
	struct socket *sp_head;
	struct sockaddr_storage sp_peer;
	unsigned sp_peerlen;
	LIST_ENTRY(sockin_pcb) sp_list;	/* its hash bucket */
};

#define sotosockin(so)	((struct sockin_pcb *)(so)->so_pcb)

/*
 * Host sockets' buffers on our side: their size is only what SO_SNDBUF
 * and SO_RCVBUF say, the data staying in the host socket.
 */
#define SOCKIN_STREAM_BUF	(512 * 1024)
#define SOCKIN_DGRAM_BUF	(256 * 1024)

extern struct sockin_user *sockin_su;
extern const struct pr_usrreqs sockin_usrreqs;

/* sockin.c: control blocks, all with softnet_lock held. */
struct sockin_pcb *sockin_pcballoc(struct socket *so);
/* Closes the host socket and frees the block; so_pcb becomes NULL. */
void sockin_pcbfree(struct sockin_pcb *sp, bool reset);
int sockin_ctloutput(int dir, struct socket *so, struct sockopt *sopt);

struct sockin_stats {
	uint64_t pcbs;
	uint64_t rests;
	uint64_t polltaken;
	uint64_t leads;
	uint64_t resting;	/* 1 while the event thread rests */
	uint64_t hostwaits;	/* blocked calls that waited on their socket */
	uint64_t plainwaits;	/* and those that had no kick for it */
	uint64_t registered;	/* accepted streams registered (sockin_lazy.c) */
};
extern struct sockin_stats sockin_stats;

struct sockin_user_event;
/* Acts on events from sockin_user_wait(), softnet_lock held. */
void sockin_dispatch(const struct sockin_user_event *ev, size_t n);

/* sockin_rest.c: the event thread rests while pollers take the news. */
void sockin_rest_init(void);
void sockin_rest_stop(void);
void sockin_rest_fini(void);
/* The event thread, before it waits for the host: rests if it may. */
void sockin_rest(void);
/* softnet_lock held: takes the news waiting while the event thread rests. */
void sockin_catchup(void);
/* Without locks: a sleeper took its news itself (sockin_wait.c). */
void sockin_tooknews(void);

/* sockin_wait.c: a blocked call waits on its own host socket. */
int sockin_sleep(struct socket *so, kcondvar_t *cv, int events,
    uint64_t deadline_ns);
/* The host wait's timeout (0: none) for deadline_ns (0: none). */
uint64_t sockin_waitns(uint64_t deadline_ns);

/*
 * sockin_lazy.c, softnet_lock held: sp's news must be reported from now
 * on, for a user that may wait for it.  0, or the host's error.
 */
int sockin_register(struct sockin_pcb *sp);

/* sockin_io.c: readiness, all with softnet_lock held. */
/* Accepts connections from a listener while its queue has room. */
void sockin_acceptq(struct sockin_pcb *sp);
/* pr_acceptpoll: accepts again what a failed host accept left. */
void sockin_acceptpoll(struct socket *head);
/* pr_connpoll: completes a connect the host finished, or fails it. */
void sockin_connpoll(struct socket *so);
/* Acts on readiness reported for sp's host socket (SOCKIN_EV_*). */
void sockin_event(struct sockin_pcb *sp, int events);

/* sockin_recv.c: data received, straight from the host to its reader. */
void sockin_rready(struct sockin_pcb *sp, int events);
int sockin_recvdirect(struct socket *so, struct uio *uio, int flags);
int sockin_recvdgram(struct socket *so, struct uio *uio, int flags,
    struct sockaddr_storage *paddr, socklen_t *paddrlen,
    struct mbuf **controlp, size_t controlroom, int *outflagsp,
    size_t *reclenp);
int sockin_rcvpoll(struct socket *so);
size_t sockin_rcvcount(struct socket *so);

/* sockin_send.c: data sent, straight from its writer to the host. */
void sockin_wready(struct sockin_pcb *sp);
int sockin_senddirect(struct socket *so, struct uio *uio,
    const struct sockaddr *nam, socklen_t namelen, struct mbuf *control,
    int flags);
bool sockin_sndpoll(struct socket *so);

#endif
