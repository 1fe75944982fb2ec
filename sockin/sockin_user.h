/*
 * The contract between the two halves of sockin, the PF_INET and PF_INET6
 * domains on the host's own sockets.
 *
 * The kernel half (sockin.c: sockets, mbufs) calls the host half
 * (sockin_user.c), the only code that calls host socket functions.  Both
 * include this header, so it includes only freestanding headers and uses
 * plain C types.  Socket addresses, option levels, names and values,
 * control messages and errno values are the host's (Linux) numbering on
 * both sides, so they pass through unchanged.
 *
 * Every call returning int returns 0 or an errno value (EINTR is retried
 * inside); a call returning void never fails.
 *
 * Every host socket is non-blocking and close-on-exec, so no call here
 * blocks except sockin_user_wait(), which waits for readiness of all of
 * them at once: they are registered with one epoll instance
 * (edge-triggered) under the caller's id (not 0), a new one at once, an
 * accepted one when sockin_user_register() says so.  The kernel half gives back its virtual CPU
 * around that call.  sockin_user_kick() (an eventfd) makes a waiter return
 * at once without a signal; sockin_user_cancel() makes it return ECANCELED
 * from then on.  Sends never raise SIGPIPE (MSG_NOSIGNAL): a peer that
 * is gone is EPIPE.
 */
#ifndef SOCKIN_SOCKIN_USER_H
#define SOCKIN_SOCKIN_USER_H

#include <stddef.h>
#include <stdint.h>

struct sockin_user;

/* A piece of memory, laid out as the host's struct iovec. */
struct sockin_user_iov {
	void *siov_base;
	size_t siov_len;
};

/* Readiness of one socket, from sockin_user_wait(). */
#define SOCKIN_EV_IN	0x01	/* readable, or a connection to accept */
#define SOCKIN_EV_OUT	0x02	/* writable, or a connect finished */
#define SOCKIN_EV_ERR	0x04	/* an error is pending */
#define SOCKIN_EV_HUP	0x08	/* the peer hung up */
#define SOCKIN_EV_RDHUP	0x10	/* the peer shut its end: end of file */

struct sockin_user_event {
	uint64_t sev_id;
	int sev_events;		/* SOCKIN_EV_* */
};

/* The epoll instance and its eventfd.  ENOMEM, EMFILE, ENFILE. */
int sockin_user_init(struct sockin_user **sup);
/* Every socket must have been closed before. */
void sockin_user_fini(struct sockin_user *su);

/*
 * Waits (block 1) until a socket is ready or a kick, or only takes what is
 * ready now (block 0), and stores at most SOCKIN_USER_NEVENTS events in
 * ev; *nready may be 0 after a kick, or without waiting.  Several threads
 * may take events at once, each getting its own.  ECANCELED once
 * cancelled.
 */
#define SOCKIN_USER_NEVENTS	64
int sockin_user_wait(struct sockin_user *su, struct sockin_user_event *ev,
    size_t *nready, int block);
void sockin_user_kick(struct sockin_user *su);
/*
 * Waits, timeout_ns at most (0: no limit), until sockin_user_wait() has
 * events, or sockin_user_leadkick() is called (before or during the
 * wait): the wait of one thread at a time that takes its news itself.
 * 0, or ETIMEDOUT.
 */
int sockin_user_lead(struct sockin_user *su, uint64_t timeout_ns);
void sockin_user_leadkick(struct sockin_user *su);
void sockin_user_cancel(struct sockin_user *su);

/*
 * A kick for one thread waiting on one socket (sockin_user_fdwait), from
 * a pool of eventfds that keeps SOCKIN_USER_WAITRESERVE of them between
 * uses (a new one is an eventfd call; more, kept after a burst of
 * waiters, would hold the host's descriptors for nothing).  ENOMEM,
 * EMFILE, ENFILE.
 */
#define SOCKIN_USER_WAITRESERVE	8
struct sockin_user_waiter;
int sockin_user_waiter_get(struct sockin_user *su,
    struct sockin_user_waiter **wp);
/* Back to the pool; kicked: a kick may have come, taken back first. */
void sockin_user_waiter_put(struct sockin_user *su,
    struct sockin_user_waiter *w, int kicked);
/*
 * Waits, timeout_ns at most (0: no limit), until fd is ready for events
 * (SOCKIN_EV_IN, SOCKIN_EV_OUT; errors and hang-ups always) or w is
 * kicked (before or during the wait).  *revents: fd's readiness
 * (SOCKIN_EV_*), 0 after a kick alone.  0, or ETIMEDOUT.
 */
int sockin_user_fdwait(struct sockin_user_waiter *w, int fd, int events,
    uint64_t timeout_ns, int *revents);
void sockin_user_waiter_kick(struct sockin_user_waiter *w);

/* A new socket, registered under id; *fdp is its host descriptor. */
int sockin_user_socket(struct sockin_user *su, int family, int type,
    int proto, uint64_t id, int *fdp);
/*
 * A connection from a listening socket, not registered yet, and its
 * peer's address (*addrlen: room in, length out).  EAGAIN when none is
 * waiting.
 */
int sockin_user_accept(int lfd, int *fdp, void *addr, unsigned *addrlen);
/*
 * Registers an accepted socket under id: its readiness is reported from
 * now on, what is there already at once.  ENOMEM, ENOSPC (the host's
 * limit of registrations).
 */
int sockin_user_register(struct sockin_user *su, int fd, uint64_t id);
/*
 * Stops (in 0) or restarts (in 1) readiness reports for receiving on a
 * registered socket; restarting reports what is there already.  Sending
 * and errors are reported all along.
 */
void sockin_user_watchin(struct sockin_user *su, int fd, uint64_t id, int in);
/*
 * Closes, which deregisters it too; with reset, the peer gets a reset
 * (SO_LINGER 0).
 */
void sockin_user_close(int fd, int reset);

int sockin_user_bind(int fd, const void *addr, unsigned addrlen);
int sockin_user_listen(int fd, int backlog);
/* EINPROGRESS: the connection completes later (SOCKIN_EV_OUT). */
int sockin_user_connect(int fd, const void *addr, unsigned addrlen);
/* The result of a connect that was in progress: 0 or its error. */
int sockin_user_connect_result(int fd);
/* Dissolves a datagram socket's association (connect to AF_UNSPEC). */
int sockin_user_disconnect(int fd);
/* how: 0 read, 1 write, 2 both, as shutdown(2). */
int sockin_user_shutdown(int fd, int how);
/* *addrlen: room in, length out. */
int sockin_user_getname(int fd, int peer, void *addr, unsigned *addrlen);
int sockin_user_setopt(int fd, int level, int name, const void *val,
    unsigned len);
/* *len: room in, length out. */
int sockin_user_getopt(int fd, int level, int name, void *val,
    unsigned *len);

/*
 * Sends what the socket takes now (never blocking) from iov, to addr when
 * not NULL, with control (cmsghdrs) when not NULL, with flags (MSG_OOB or
 * 0).  *sent gets the bytes sent; EAGAIN when it took none.
 */
int sockin_user_send(int fd, const struct sockin_user_iov *iov, int iovcnt,
    const void *addr, unsigned addrlen, const void *control,
    size_t controllen, int flags, size_t *sent);
/*
 * Receives what is there now into iov (one datagram, for datagram
 * sockets), with flags (MSG_PEEK, and MSG_TRUNC for a datagram socket, or
 * 0).  *len gets the bytes received, 0 at end of file (with MSG_TRUNC, the
 * datagram's whole length, even if iov took less); addr (when not NULL)
 * and control (when not NULL) the source and control messages, their
 * lengths in *addrlen and *controllen, and *msgflags (when not NULL) the
 * host's MSG_CTRUNC when control messages did not fit (*controllen of
 * room, 0 without control).  EAGAIN when nothing is there.
 */
int sockin_user_recv(int fd, const struct sockin_user_iov *iov, int iovcnt,
    int flags, void *addr, unsigned *addrlen, void *control,
    size_t *controllen, int *msgflags, size_t *len);
/*
 * Readiness now (SOCKIN_EV_*), without waiting; SOCKIN_EV_ERR when the
 * host cannot tell (the next call on the socket meets the error).
 */
int sockin_user_poll(int fd);
/*
 * Readiness now of n sockets (SOCKIN_USER_NPOLL at most) in one call,
 * ev[i] fd[i]'s as sockin_user_poll() tells it.
 */
#define SOCKIN_USER_NPOLL	64
void sockin_user_pollmany(const int *fd, int *ev, int n);
/*
 * The bytes waiting to be received (FIONREAD): a stream's, or the next
 * datagram's; 0 when the host cannot tell.
 */
size_t sockin_user_rcvcount(int fd);

#endif
