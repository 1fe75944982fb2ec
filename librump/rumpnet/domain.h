/*
 * Protocol families (domains) and the protocol switch.
 *
 * A domain registers a table of protosw entries; sockets find their
 * protocol by (family, type, protocol) and call it only through
 * pr_usrreqs.  Network-layer input dispatches to transports through the
 * same table (pr_input), and ICMP reports errors through pr_ctlinput.
 * Nothing above or below names a protocol directly.
 */
#ifndef RUMPNET_DOMAIN_H
#define RUMPNET_DOMAIN_H

#include "rumpkern/kern.h"
#include "rumpnet/net_abi.h"

struct kcondvar;
struct mbuf;
struct socket;
struct sockopt;
struct ifnet;
struct uio;

/* pr_flags */
#define PR_ATOMIC	0x01	/* each send is one record (datagram) */
#define PR_ADDR		0x02	/* records carry a source address */
#define PR_CONNREQUIRED	0x04	/* must connect before sending */
#define PR_WANTRCVD	0x08	/* tell the protocol when data is read */
#define PR_LISTEN	0x10	/* supports listen() */
/*
 * pr_ctloutput also hears the SOL_SOCKET options the socket layer set, and
 * may answer those it gets after the socket layer did (a value the
 * protocol's own state holds, sockin's host socket's buffer sizes).
 */
#define PR_SOLOPTS	0x20

/* pr_ctlinput commands: what an ICMP error reports. */
enum prc_cmd {
	PRC_UNREACH_NET,
	PRC_UNREACH_HOST,
	PRC_UNREACH_PROTOCOL,
	PRC_UNREACH_PORT,
	PRC_MSGSIZE,		/* fragmentation needed; arg has the MTU */
	PRC_TIMXCEED_INTRANS,
	PRC_TIMXCEED_REASS,
	PRC_PARAMPROB,
	PRC_NCMDS
};

struct pr_usrreqs {
	int (*pr_attach)(struct socket *so, int proto);
	void (*pr_detach)(struct socket *so);
	int (*pr_bind)(struct socket *so, const struct sockaddr *nam,
	    socklen_t namelen);
	int (*pr_listen)(struct socket *so, int backlog);
	int (*pr_connect)(struct socket *so, const struct sockaddr *nam,
	    socklen_t namelen);
	/* A new connection from the listen queue: fill in the peer. */
	int (*pr_accept)(struct socket *so, struct sockaddr_storage *nam,
	    socklen_t *namelen);
	/* Called for a connected socket only (SS_ISCONNECTED). */
	int (*pr_disconnect)(struct socket *so);
	/* No more sends (shutdown SHUT_WR). */
	int (*pr_shutdown)(struct socket *so);
	void (*pr_abort)(struct socket *so);
	/*
	 * Owns m and control, also on error; an error means m was not
	 * queued (a stream's data taken is a success, whatever its sending
	 * meets after).  nam is NULL when connected.
	 */
	int (*pr_send)(struct socket *so, struct mbuf *m,
	    const struct sockaddr *nam, socklen_t namelen, struct mbuf *control,
	    int flags);
	/* Data was taken from the receive buffer (PR_WANTRCVD). */
	int (*pr_rcvd)(struct socket *so, int flags);
	/* The local and the peer address, and their length; ENOTCONN: no peer. */
	int (*pr_sockaddr)(struct socket *so, struct sockaddr_storage *nam,
	    socklen_t *namelen);
	int (*pr_peeraddr)(struct socket *so, struct sockaddr_storage *nam,
	    socklen_t *namelen);
	/* Protocol ioctls; ENOTTY (or EOPNOTSUPP) for unknown ones. */
	int (*pr_ioctl)(struct socket *so, unsigned long cmd, void *data);
	/*
	 * Optional, for a stream whose received data waits outside the
	 * receive buffer until it is read (sockin: in the host socket), so
	 * that it is copied once, straight to the reader.
	 *
	 * pr_recvdirect moves what waits now into uio (MSG_PEEK: leaving it
	 * there), never blocking.  The socket layer calls it when the
	 * receive buffer is empty, with the receive lock held; it may drop
	 * softnet_lock while it copies.  0 with uio advanced, or with
	 * SS_CANTRCVMORE set at end of file; EAGAIN when nothing waits (the
	 * protocol wakes the receive buffer when something comes); or an
	 * error.  flags has MSG_DONTWAIT when the caller will not wait.
	 * pr_rcvpoll: POLLIN, POLLRDNORM and POLLRDHUP for what waits there,
	 * POLLERR and POLLHUP for an error or a hang-up that waits there
	 * too (sockin: a connection's reset, in the host socket).
	 * pr_rcvcount: how many bytes wait there (FIONREAD).
	 */
	int (*pr_recvdirect)(struct socket *so, struct uio *uio, int flags);
	int (*pr_rcvpoll)(struct socket *so);
	size_t (*pr_rcvcount)(struct socket *so);
	/*
	 * Optional, the same for an atomic protocol's datagrams, with
	 * pr_rcvpoll and pr_rcvcount (the next datagram's length):
	 * pr_recvdgram moves the next datagram into uio (what fits), its
	 * source into *paddr and its control messages into *controlp (each
	 * when not NULL; controlroom of them at most, MSG_CTRUNC into
	 * *outflagsp when more came), MSG_TRUNC into *outflagsp when it did
	 * not fit and its whole length into *reclenp (when not NULL);
	 * called, and answering, as pr_recvdirect.
	 */
	int (*pr_recvdgram)(struct socket *so, struct uio *uio, int flags,
	    struct sockaddr_storage *paddr, socklen_t *paddrlen,
	    struct mbuf **controlp, size_t controlroom, int *outflagsp,
	    size_t *reclenp);
	/*
	 * Optional, the other way: a protocol whose sent data goes straight
	 * from the caller's buffer to where it is sent (sockin: the host
	 * socket), so that it is copied once and the send buffer stays
	 * empty.  Used instead of pr_send for every send from a uio.
	 *
	 * pr_senddirect sends what the protocol takes now from uio (to nam
	 * when not NULL, with control, which it owns), never blocking: 0 with
	 * uio advanced (a stream: by what was taken, maybe less than all; a
	 * datagram: by all of it); EAGAIN when it took nothing (the protocol
	 * wakes the send buffer when it can take more); or an error.  The
	 * socket layer calls it with softnet_lock held, and the send lock
	 * for a stream; it may drop softnet_lock while it copies.
	 * pr_sndpoll: whether it takes data now (POLLOUT), in place of the
	 * send buffer's room.
	 */
	int (*pr_senddirect)(struct socket *so, struct uio *uio,
	    const struct sockaddr *nam, socklen_t namelen, struct mbuf *control,
	    int flags);
	bool (*pr_sndpoll)(struct socket *so);
	/*
	 * Optional, for a listener whose protocol may hold connections it
	 * could not queue for accept when they came (sockin: in the host's
	 * backlog, after the host's accept failed): queue them now, or set
	 * so_error to why not.  accept and poll call it on a listener whose
	 * queue is empty, softnet_lock held.
	 */
	void (*pr_acceptpoll)(struct socket *head);
	/*
	 * Optional, for a protocol that learns elsewhere (sockin: from the
	 * host) that a connect in progress finished: look now, and complete
	 * it (soisconnected) or fail it (so_error) if it did.  The socket
	 * layer calls it, softnet_lock held, on a connecting socket before
	 * it reads the connect's outcome: connect, getpeername, SO_ERROR,
	 * send and receive.
	 */
	void (*pr_connpoll)(struct socket *so);
	/*
	 * Optional, for a protocol whose news comes from elsewhere (sockin:
	 * the host) and that can wait for it there: a sleep of a blocked
	 * call on cv, one of so's (so_rcv's or so_snd's for a receive or a
	 * send, so_cv for an accept or a connect), until so may be ready for
	 * events (POLLIN: to receive or accept; POLLOUT: to send or after a
	 * connect), a wake-up or the deadline (0: none).  Called and
	 * answering as cv_wait_sig_until(cv, so_lock, deadline_ns), for
	 * which it stands.
	 */
	int (*pr_sleep)(struct socket *so, struct kcondvar *cv, int events,
	    uint64_t deadline_ns);
};

struct protosw {
	int pr_type;			/* SOCK_STREAM, SOCK_DGRAM, SOCK_RAW */
	struct domain *pr_domain;
	int pr_protocol;		/* IPPROTO_*, 0 for the family's default */
	int pr_flags;
	/* Network-layer input: m holds the packet, off where this header starts. */
	void (*pr_input)(struct mbuf *m, int off, int proto);
	/*
	 * An ICMP error about a packet we sent: ip is its returned header
	 * and iplen bytes of it, always the header and 8 more (RFC 792).
	 */
	void (*pr_ctlinput)(enum prc_cmd cmd, const struct sockaddr *dst,
	    const void *ip, int iplen, uint32_t arg);
	/* Protocol-level socket options (IP_*, TCP_*); set when dir is SOPT_SET. */
	int (*pr_ctloutput)(int dir, struct socket *so, struct sockopt *sopt);
	const struct pr_usrreqs *pr_usrreqs;
	void (*pr_init)(void);
	void (*pr_fini)(void);
};

/*
 * dom_flags.  DOM_HOSTIFS: the family runs on the host's interfaces, not
 * the rump kernel's (sockin), so interface requests through its sockets
 * find none (ENODEV, and SIOCGIFCONF an empty list), as Linux answers for
 * an interface it does not have.
 */
#define DOM_HOSTIFS	0x01

struct domain {
	int dom_family;
	const char *dom_name;
	const struct protosw *dom_protosw;
	int dom_nprotosw;
	void (*dom_init)(void);
	int dom_flags;			/* DOM_* */
	/* Interface ioctls for addresses of this family (SIOCSIFADDR...). */
	int (*dom_ifioctl)(unsigned long cmd, void *data, struct ifnet *ifp);
	/*
	 * The family's own requests (routes, ARP: SIOCADDRT, SIOCSARP...),
	 * data in kernel memory; ENOTTY for unknown ones.  Set requests
	 * come here only from a caller allowed to configure the network.
	 */
	int (*dom_ioctl)(unsigned long cmd, void *data);
	LIST_ENTRY(domain) dom_list;
};

/* Registers a domain and runs its init and its protocols' pr_init. */
int domain_attach(struct domain *dp);
void domain_detach(struct domain *dp);
struct domain *pffinddomain(int family);
/* dp's protocol for a socket(family, type, protocol) call; NULL if none. */
const struct protosw *pffindproto(const struct domain *dp, int protocol,
    int type);

#endif
