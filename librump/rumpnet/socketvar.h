/*
 * Sockets and socket buffers.
 *
 * A socket is the protocol-independent end of a communication: two socket
 * buffers (receive, send), the state of the connection and, for a
 * listening socket, the queues of connections being made (so_q0) and made
 * (so_q).  The protocol keeps its own control block in so_pcb and is called
 * only through so_proto->pr_usrreqs.
 *
 * Socket buffers hold mbuf chains.  For atomic protocols the buffer is a
 * list of records linked by m_nextpkt, each starting with an MT_SONAME mbuf
 * when the protocol passes addresses (PR_ADDR), then MT_CONTROL, then data.
 * For stream protocols it is one chain of data.
 *
 * Everything here is protected by so->so_lock, which is softnet_lock for
 * every protocol of this stack.
 */
#ifndef RUMPNET_SOCKETVAR_H
#define RUMPNET_SOCKETVAR_H

#include "rumpkern/condvar.h"
#include "rumpkern/poll.h"
#include "rumpnet/domain.h"

struct mbuf;
struct uio;

struct sockbuf {
	struct mbuf *sb_mb;		/* the first record */
	struct mbuf *sb_mbtail;		/* the last mbuf of the last record */
	struct mbuf *sb_lastrecord;	/* the first mbuf of the last record */
	size_t sb_cc;			/* data bytes held */
	size_t sb_hiwat;		/* data bytes allowed */
	size_t sb_mbcnt;		/* storage held, mbufs and clusters */
	size_t sb_mbmax;		/* storage allowed */
	size_t sb_lowat;		/* poll/wakeup threshold */
	uint64_t sb_timeo_ns;		/* SO_RCVTIMEO/SO_SNDTIMEO, 0: none */
	int sb_flags;
	/*
	 * Wake-ups of sb_cv's waiters so far: a caller that let softnet_lock
	 * go before it sleeps (a protocol asking the host) sees that one came
	 * meanwhile, and looks again instead of sleeping through it.
	 */
	uint64_t sb_wakeups;
	kcondvar_t sb_cv;		/* readers or writers wait here */
	/*
	 * For SB_LOCK: apart, so that a caller going to sleep for data, who
	 * lets the lock go, does not wake the others asleep for data.
	 */
	kcondvar_t sb_lockcv;
};

#define SB_MAX		(4 * 1024 * 1024)	/* largest sb_hiwat */

/* sb_flags */
#define SB_LOCK		0x01	/* a sender or receiver is working on it */
#define SB_SLEEP	0x02	/* and sleeps, waiting for data, holding it */

/* so_state */
#define SS_ISCONNECTED		0x0001
#define SS_ISCONNECTING		0x0002
#define SS_ISDISCONNECTING	0x0004
#define SS_CANTSENDMORE		0x0008
#define SS_CANTRCVMORE		0x0010
#define SS_ISDISCONNECTED	0x0020
#define SS_NOFDREF		0x0040	/* no file refers to it any more */
#define SS_CONNECTOUT		0x0080	/* a connect went on after its call */

/* so_options: the SO_* boolean options, as bits */
#define SO_OPT_DEBUG		0x0001
#define SO_OPT_ACCEPTCONN	0x0002
#define SO_OPT_REUSEADDR	0x0004
#define SO_OPT_KEEPALIVE	0x0008
#define SO_OPT_DONTROUTE	0x0010
#define SO_OPT_BROADCAST	0x0020
#define SO_OPT_LINGER		0x0040
#define SO_OPT_OOBINLINE	0x0080
#define SO_OPT_REUSEPORT	0x0100

struct socket {
	kmutex_t *so_lock;
	short so_type;
	int so_options;
	int so_linger;			/* seconds */
	int so_state;
	int so_error;			/* pending error, reported once */
	const struct protosw *so_proto;
	void *so_pcb;
	/* Listening sockets: connections in progress and complete. */
	struct socket *so_head;		/* the listener of a queued socket */
	TAILQ_HEAD(, socket) so_q0;
	TAILQ_HEAD(, socket) so_q;
	int so_q0len, so_qlen, so_qlimit;
	int so_onq;			/* 0, 1 (so_q0) or 2 (so_q) */
	TAILQ_ENTRY(socket) so_qe;
	struct sockbuf so_rcv, so_snd;
	kcondvar_t so_cv;		/* connection state changes */
	struct pollhead so_ph;
	uint64_t so_rcvdrops;		/* datagrams dropped: buffer full */
};

/* The sockopt of a setsockopt/getsockopt call, already in kernel memory. */
#define SOPT_SET	0
#define SOPT_GET	1

struct sockopt {
	int sopt_dir;
	int sopt_level;
	int sopt_name;
	void *sopt_data;
	size_t sopt_size;		/* SET: bytes given; GET: room, then bytes set */
};

/* Helpers for protocols' pr_ctloutput. */
int sockopt_getint(const struct sockopt *sopt, int *valp);
int sockopt_setint(struct sockopt *sopt, int val);
int sockopt_get(const struct sockopt *sopt, void *buf, size_t len);
int sockopt_set(struct sockopt *sopt, const void *buf, size_t len);

/* The socket calls (uipc_socket.c), all with softnet_lock NOT held. */
int socreate(int family, struct socket **aso, int type, int proto);
int soclose(struct socket *so);
int sobind(struct socket *so, const struct sockaddr *nam, socklen_t namelen);
int solisten(struct socket *so, int backlog);
int soconnect(struct socket *so, const struct sockaddr *nam,
    socklen_t namelen, bool nbio);
/* Waits for a connection (unless nbio) and detaches it from the queue. */
int soaccept(struct socket *head, struct socket **aso,
    struct sockaddr_storage *nam, socklen_t *namelen, bool nbio);
int soshutdown(struct socket *so, int how);
/*
 * nam: destination or NULL. top: data already in mbufs, or uio.  A send
 * that moved part of uio returns 0, its error kept for the next call.
 */
int sosend(struct socket *so, const struct sockaddr *nam, socklen_t namelen,
    struct uio *uio, struct mbuf *top, struct mbuf *control, int flags,
    bool nbio);
/*
 * *paddr gets the source address (atomic protocols with PR_ADDR).  For an
 * atomic protocol, *reclenp (if not NULL) gets the whole datagram's length,
 * which may exceed what fitted (MSG_TRUNC).  soreceivemsg's controlroom
 * is the room the caller has for control messages (recvmsg's
 * msg_controllen), for a protocol that takes them from where they come
 * from (pr_recvdgram): so what does not fit is cut there, as Linux cuts
 * it, with MSG_CTRUNC.
 */
int soreceivemsg(struct socket *so, struct sockaddr_storage *paddr,
    socklen_t *paddrlen, struct uio *uio, struct mbuf **controlp,
    size_t controlroom, int *flagsp, bool nbio, size_t *reclenp);

/* soreceivemsg with room for every control message. */
static inline int
soreceive(struct socket *so, struct sockaddr_storage *paddr,
    socklen_t *paddrlen, struct uio *uio, struct mbuf **controlp,
    int *flagsp, bool nbio, size_t *reclenp)
{
	return soreceivemsg(so, paddr, paddrlen, uio, controlp, SIZE_MAX,
	    flagsp, nbio, reclenp);
}
int sosetopt(struct socket *so, struct sockopt *sopt);
int sogetopt(struct socket *so, struct sockopt *sopt);
int sopoll(struct socket *so, int events, struct pollent *pe);
int soioctl(struct socket *so, unsigned long cmd, void *data);

/* For protocols (uipc_socket2.c), all with softnet_lock held. */
void soisconnecting(struct socket *so);
void soisconnected(struct socket *so);
void soisdisconnecting(struct socket *so);
void soisdisconnected(struct socket *so);
/* A new socket on a listener's incomplete queue (or complete, if connected). */
struct socket *sonewconn(struct socket *head, bool connected);
struct socket *sonewconn_unlimited(struct socket *head, bool connected);
void socantsendmore(struct socket *so);
void socantrcvmore(struct socket *so);
void sorwakeup(struct socket *so);
void sowwakeup(struct socket *so);
/* A new socket sharing so's protocol and options (sonewconn's helper). */
struct socket *soalloc(const struct protosw *pr, int type);
/* Takes a socket off its listener's queue. */
void soqremove(struct socket *so);
/* Reports an error to the socket's user (so_error) and wakes everyone. */
void soseterror(struct socket *so, int error);
/* Frees a socket the protocol has finished with and no file refers to. */
void sofree(struct socket *so);

/*
 * Serialises senders (receivers) of one buffer across sleeps and copies.
 * With nbio, gives EAGAIN instead of waiting for a holder that sleeps
 * (SB_SLEEP); one that is only copying is waited for.  The wait is
 * interruptible (EINTR).
 */
int sblock(struct socket *so, struct sockbuf *sb, bool nbio);
/*
 * The same without interruption, for a caller that must hold the lock
 * to leave (it gives it up on its way out): after a wait, or where only
 * copies hold it (the send lock).  A receiver taking it back after its
 * sleep may wait for another's MSG_WAITALL sleep; that one ends when its
 * own lwp is interrupted.
 */
void sbrelock(struct socket *so, struct sockbuf *sb);
void sbunlock(struct sockbuf *sb);
/*
 * Sleeps on sb until woken, its timeout (EAGAIN) or an interrupt (EINTR);
 * softnet_lock held.
 */
int sbwait(struct socket *so, struct sockbuf *sb, uint64_t deadline_ns);

int sbreserve(struct sockbuf *sb, size_t cc);
long sbspace(const struct sockbuf *sb);
/* Stream data: appends m to the only record. */
void sbappendstream(struct sockbuf *sb, struct mbuf *m);
/*
 * A datagram with its source address; 0 when appended, ENOBUFS when
 * there was no room (m and control are then freed by the caller).
 */
int sbappendaddr(struct sockbuf *sb, const struct sockaddr *asa,
    socklen_t salen, struct mbuf *m, struct mbuf *control);
/* Drops len bytes of data from the front. */
void sbdrop(struct sockbuf *sb, size_t len);
void sbdroprecord(struct sockbuf *sb);
/* Takes the first record off the buffer and gives it to the caller. */
struct mbuf *sbunlinkrecord(struct sockbuf *sb);
/* Takes len bytes (at most sb_cc) off the front of a stream buffer. */
struct mbuf *sbcut(struct sockbuf *sb, size_t len);
void sbflush(struct sockbuf *sb);

/*
 * The calls into a socket's protocol, each through one wrapper: the one
 * place for checks, and a missing entry answers EOPNOTSUPP instead of
 * crashing.  All with softnet_lock held.
 */
#define SO_PRU(so)	((so)->so_proto->pr_usrreqs)

static inline int
pru_attach(struct socket *so, int proto)
{
	return SO_PRU(so)->pr_attach(so, proto);
}

static inline void
pru_detach(struct socket *so)
{
	SO_PRU(so)->pr_detach(so);
}

static inline int
pru_bind(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	return SO_PRU(so)->pr_bind != NULL ?
	    SO_PRU(so)->pr_bind(so, nam, len) : EOPNOTSUPP;
}

static inline int
pru_listen(struct socket *so, int backlog)
{
	return SO_PRU(so)->pr_listen != NULL ?
	    SO_PRU(so)->pr_listen(so, backlog) : EOPNOTSUPP;
}

static inline int
pru_connect(struct socket *so, const struct sockaddr *nam, socklen_t len)
{
	return SO_PRU(so)->pr_connect != NULL ?
	    SO_PRU(so)->pr_connect(so, nam, len) : EOPNOTSUPP;
}

static inline int
pru_accept(struct socket *so, struct sockaddr_storage *nam, socklen_t *len)
{
	return SO_PRU(so)->pr_accept != NULL ?
	    SO_PRU(so)->pr_accept(so, nam, len) : EOPNOTSUPP;
}

static inline int
pru_disconnect(struct socket *so)
{
	return SO_PRU(so)->pr_disconnect != NULL ?
	    SO_PRU(so)->pr_disconnect(so) : EOPNOTSUPP;
}

static inline int
pru_shutdown(struct socket *so)
{
	return SO_PRU(so)->pr_shutdown != NULL ?
	    SO_PRU(so)->pr_shutdown(so) : EOPNOTSUPP;
}

static inline void
pru_abort(struct socket *so)
{
	SO_PRU(so)->pr_abort(so);
}

int pru_send(struct socket *so, struct mbuf *m, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags);

static inline int
pru_rcvd(struct socket *so, int flags)
{
	return SO_PRU(so)->pr_rcvd != NULL ? SO_PRU(so)->pr_rcvd(so, flags) : 0;
}

/* The optional direct receive (see pr_recvdirect); EAGAIN without one. */
static inline int
pru_recvdirect(struct socket *so, struct uio *uio, int flags)
{
	return SO_PRU(so)->pr_recvdirect != NULL ?
	    SO_PRU(so)->pr_recvdirect(so, uio, flags) : EAGAIN;
}

/* The optional direct datagram receive (pr_recvdgram); EAGAIN without. */
static inline int
pru_recvdgram(struct socket *so, struct uio *uio, int flags,
    struct sockaddr_storage *paddr, socklen_t *paddrlen,
    struct mbuf **controlp, size_t controlroom, int *outflagsp,
    size_t *reclenp)
{
	return SO_PRU(so)->pr_recvdgram != NULL ?
	    SO_PRU(so)->pr_recvdgram(so, uio, flags, paddr, paddrlen,
	    controlp, controlroom, outflagsp, reclenp) : EAGAIN;
}

static inline int
pru_rcvpoll(struct socket *so)
{
	return SO_PRU(so)->pr_rcvpoll != NULL ? SO_PRU(so)->pr_rcvpoll(so) : 0;
}

static inline size_t
pru_rcvcount(struct socket *so)
{
	return SO_PRU(so)->pr_rcvcount != NULL ? SO_PRU(so)->pr_rcvcount(so) : 0;
}

static inline int
pru_senddirect(struct socket *so, struct uio *uio, const struct sockaddr *nam,
    socklen_t namelen, struct mbuf *control, int flags)
{
	return SO_PRU(so)->pr_senddirect(so, uio, nam, namelen, control, flags);
}

/* Does the protocol take data now (see pr_sndpoll)? */
static inline bool
pru_sndroom(struct socket *so)
{
	return SO_PRU(so)->pr_sndpoll != NULL ? SO_PRU(so)->pr_sndpoll(so) :
	    sbspace(&so->so_snd) >= (long)so->so_snd.sb_lowat;
}

/*
 * A blocked call's sleep on cv (one of so's) until so may be ready for
 * events (POLLIN, POLLOUT): the protocol's (pr_sleep), or the socket
 * layer's own.  As cv_wait_sig_until(cv, so_lock, deadline_ns).
 */
static inline int
pru_sleep(struct socket *so, kcondvar_t *cv, int events,
    uint64_t deadline_ns)
{
	return SO_PRU(so)->pr_sleep != NULL ?
	    SO_PRU(so)->pr_sleep(so, cv, events, deadline_ns) :
	    cv_wait_sig_until(cv, so->so_lock, deadline_ns);
}

/* A listener's queue is empty: the protocol may fill it (pr_acceptpoll). */
static inline void
pru_acceptpoll(struct socket *head)
{
	if (head->so_qlen == 0 && SO_PRU(head)->pr_acceptpoll != NULL)
		SO_PRU(head)->pr_acceptpoll(head);
}

/* A connect in progress may have finished: the protocol looks (pr_connpoll). */
static inline void
pru_connpoll(struct socket *so)
{
	if ((so->so_state & SS_ISCONNECTING) && SO_PRU(so)->pr_connpoll != NULL)
		SO_PRU(so)->pr_connpoll(so);
}

static inline int
pru_sockaddr(struct socket *so, struct sockaddr_storage *nam, socklen_t *len)
{
	return SO_PRU(so)->pr_sockaddr != NULL ?
	    SO_PRU(so)->pr_sockaddr(so, nam, len) : EOPNOTSUPP;
}

static inline int
pru_peeraddr(struct socket *so, struct sockaddr_storage *nam, socklen_t *len)
{
	return SO_PRU(so)->pr_peeraddr != NULL ?
	    SO_PRU(so)->pr_peeraddr(so, nam, len) : EOPNOTSUPP;
}

static inline int
pru_ioctl(struct socket *so, unsigned long cmd, void *data)
{
	return SO_PRU(so)->pr_ioctl != NULL ?
	    SO_PRU(so)->pr_ioctl(so, cmd, data) : ENOTTY;
}

#endif
