/*
 * sockin's host half: host sockets, one epoll instance for all of them,
 * an eventfd to wake its waiter, and a pool of eventfds to wake threads
 * that wait on one socket each.  See sockin_user.h for the contract.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "sockin/sockin_user.h"

_Static_assert(sizeof(struct sockin_user_iov) == sizeof(struct iovec),
    "sockin_user_iov is laid out as struct iovec");
_Static_assert(offsetof(struct sockin_user_iov, siov_len) ==
    offsetof(struct iovec, iov_len), "sockin_user_iov is laid out as struct iovec");

/* A kick (an eventfd) of a thread waiting on one socket. */
struct sockin_user_waiter {
	int sw_kickfd;
	struct sockin_user_waiter *sw_next;	/* in the pool */
};

struct sockin_user {
	int su_epfd;
	int su_evfd;
	int su_leadfd;		/* kicks the thread in sockin_user_lead */
	atomic_bool su_cancelled;
	pthread_mutex_t su_poollock;
	struct sockin_user_waiter *su_pool;	/* waiters' kicks unused */
	unsigned su_poolsize;			/* how many */
};

int
sockin_user_init(struct sockin_user **sup)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0 };
	struct sockin_user *su = calloc(1, sizeof(*su));
	int error;

	if (su == NULL)
		return ENOMEM;
	su->su_epfd = epoll_create1(EPOLL_CLOEXEC);
	su->su_evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	su->su_leadfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (su->su_epfd == -1 || su->su_evfd == -1 || su->su_leadfd == -1 ||
	    epoll_ctl(su->su_epfd, EPOLL_CTL_ADD, su->su_evfd, &ev) == -1) {
		error = errno;
		if (su->su_leadfd != -1)
			close(su->su_leadfd);
		if (su->su_evfd != -1)
			close(su->su_evfd);
		if (su->su_epfd != -1)
			close(su->su_epfd);
		free(su);
		return error;
	}
	atomic_init(&su->su_cancelled, false);
	pthread_mutex_init(&su->su_poollock, NULL);
	su->su_pool = NULL;
	*sup = su;
	return 0;
}

void
sockin_user_fini(struct sockin_user *su)
{
	struct sockin_user_waiter *w;

	while ((w = su->su_pool) != NULL) {
		su->su_pool = w->sw_next;
		close(w->sw_kickfd);
		free(w);
	}
	pthread_mutex_destroy(&su->su_poollock);
	close(su->su_leadfd);
	close(su->su_evfd);
	close(su->su_epfd);
	free(su);
}

static int
sockin_user_evmask(uint32_t events)
{
	int ev = 0;

	if (events & (EPOLLIN | EPOLLRDHUP))
		ev |= SOCKIN_EV_IN;
	if (events & EPOLLRDHUP)
		ev |= SOCKIN_EV_RDHUP;
	if (events & EPOLLOUT)
		ev |= SOCKIN_EV_OUT;
	if (events & EPOLLERR)
		ev |= SOCKIN_EV_ERR;
	if (events & EPOLLHUP)
		ev |= SOCKIN_EV_HUP;
	return ev;
}

/* poll(2)'s events are epoll's, bit for bit, on Linux. */
_Static_assert(POLLIN == EPOLLIN && POLLOUT == EPOLLOUT &&
    POLLERR == EPOLLERR && POLLHUP == EPOLLHUP && POLLRDHUP == EPOLLRDHUP,
    "poll and epoll events are the same bits");

int
sockin_user_wait(struct sockin_user *su, struct sockin_user_event *ev,
    size_t *nready, int block)
{
	struct epoll_event eev[SOCKIN_USER_NEVENTS];
	uint64_t count;
	size_t n = 0;
	int i, got;

	/* A cancel's kick stays readable: the wait returns, then sees it. */
	do
		got = epoll_wait(su->su_epfd, eev, SOCKIN_USER_NEVENTS,
		    block ? -1 : 0);
	while (got == -1 && errno == EINTR);
	if (got == -1)
		return errno;
	for (i = 0; i < got; i++) {
		if (eev[i].data.u64 == 0) {
			/*
			 * A kick, for the waiter: it resets the eventfd; a
			 * taker that does not wait leaves it to it.
			 */
			if (block)
				(void)read(su->su_evfd, &count, sizeof(count));
			continue;
		}
		ev[n].sev_id = eev[i].data.u64;
		ev[n].sev_events = sockin_user_evmask(eev[i].events);
		n++;
	}
	if (atomic_load(&su->su_cancelled))
		return ECANCELED;
	*nready = n;
	return 0;
}

void
sockin_user_kick(struct sockin_user *su)
{
	uint64_t one = 1;

	/* Only EAGAIN can fail it: the counter is full, the waiter wakes anyway. */
	(void)write(su->su_evfd, &one, sizeof(one));
}

/*
 * Waits until fd is ready for events, the eventfd kickfd is written,
 * timeout_ns (0: none) passes (ETIMEDOUT) or a host signal comes (a
 * wake-up like a kick: the caller looks): 0, what fd is ready for in
 * *revents and whether the kick came in *kicked (the caller resets it).
 */
static int
sockin_user_kickwait(int fd, short events, int kickfd, uint64_t timeout_ns,
    short *revents, bool *kicked)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = events },
		{ .fd = kickfd, .events = POLLIN },
	};
	struct timespec ts = {
		.tv_sec = (time_t)(timeout_ns / 1000000000),
		.tv_nsec = (long)(timeout_ns % 1000000000),
	};
	int n;

	n = ppoll(pfd, 2, timeout_ns != 0 ? &ts : NULL, NULL);
	if (n == 0)
		return ETIMEDOUT;
	*revents = n > 0 ? pfd[0].revents : 0;
	*kicked = n > 0 && (pfd[1].revents & POLLIN);
	return 0;
}

static void
sockin_user_kickfd(int kickfd)
{
	uint64_t one = 1;

	(void)write(kickfd, &one, sizeof(one));
}

int
sockin_user_lead(struct sockin_user *su, uint64_t timeout_ns)
{
	uint64_t count;
	short revents;
	bool kicked;
	int error;

	error = sockin_user_kickwait(su->su_epfd, POLLIN, su->su_leadfd,
	    timeout_ns, &revents, &kicked);
	if (error == 0 && kicked)
		(void)read(su->su_leadfd, &count, sizeof(count));
	return error;
}

void
sockin_user_leadkick(struct sockin_user *su)
{
	sockin_user_kickfd(su->su_leadfd);
}

int
sockin_user_waiter_get(struct sockin_user *su, struct sockin_user_waiter **wp)
{
	struct sockin_user_waiter *w;
	int error;

	pthread_mutex_lock(&su->su_poollock);
	if ((w = su->su_pool) != NULL) {
		su->su_pool = w->sw_next;
		su->su_poolsize--;
	}
	pthread_mutex_unlock(&su->su_poollock);
	if (w == NULL) {
		if ((w = malloc(sizeof(*w))) == NULL)
			return ENOMEM;
		w->sw_kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (w->sw_kickfd == -1) {
			error = errno;
			free(w);
			return error;
		}
	}
	*wp = w;
	return 0;
}

void
sockin_user_waiter_put(struct sockin_user *su, struct sockin_user_waiter *w,
    int kicked)
{
	uint64_t count;
	bool kept = false;

	/* Its next waiter must not see this one's kick. */
	if (kicked)
		(void)read(w->sw_kickfd, &count, sizeof(count));
	pthread_mutex_lock(&su->su_poollock);
	if (su->su_poolsize < SOCKIN_USER_WAITRESERVE) {
		w->sw_next = su->su_pool;
		su->su_pool = w;
		su->su_poolsize++;
		kept = true;
	}
	pthread_mutex_unlock(&su->su_poollock);
	/* A burst of waiters is over: its descriptors go back to the host. */
	if (!kept) {
		close(w->sw_kickfd);
		free(w);
	}
}

int
sockin_user_fdwait(struct sockin_user_waiter *w, int fd, int events,
    uint64_t timeout_ns, int *revents)
{
	short pollev = 0;
	bool kicked;
	int error;

	/* The kick is reset when the waiter goes back to the pool. */
	error = sockin_user_kickwait(fd, (short)(
	    ((events & SOCKIN_EV_IN) ? POLLIN | POLLRDHUP : 0) |
	    ((events & SOCKIN_EV_OUT) ? POLLOUT : 0)), w->sw_kickfd,
	    timeout_ns, &pollev, &kicked);
	*revents = error == 0 ? sockin_user_evmask((uint32_t)pollev) : 0;
	return error;
}

void
sockin_user_waiter_kick(struct sockin_user_waiter *w)
{
	sockin_user_kickfd(w->sw_kickfd);
}

void
sockin_user_cancel(struct sockin_user *su)
{
	atomic_store(&su->su_cancelled, true);
	sockin_user_kick(su);
}

#define SOCKIN_USER_EPIN	(EPOLLIN | EPOLLRDHUP)
#define SOCKIN_USER_EPOUT	(EPOLLOUT | EPOLLET)

int
sockin_user_register(struct sockin_user *su, int fd, uint64_t id)
{
	struct epoll_event ev = {
		.events = SOCKIN_USER_EPIN | SOCKIN_USER_EPOUT,
		.data.u64 = id,
	};

	if (epoll_ctl(su->su_epfd, EPOLL_CTL_ADD, fd, &ev) == -1)
		return errno;
	return 0;
}

void
sockin_user_watchin(struct sockin_user *su, int fd, uint64_t id, int in)
{
	struct epoll_event ev = {
		.events = SOCKIN_USER_EPOUT | (in ? SOCKIN_USER_EPIN : 0),
		.data.u64 = id,
	};

	/* Only adding can fail for want of memory; fd is registered. */
	(void)epoll_ctl(su->su_epfd, EPOLL_CTL_MOD, fd, &ev);
}

int
sockin_user_socket(struct sockin_user *su, int family, int type, int proto,
    uint64_t id, int *fdp)
{
	int fd, error;

	fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd == -1)
		return errno;
	if ((error = sockin_user_register(su, fd, id)) != 0) {
		close(fd);
		return error;
	}
	*fdp = fd;
	return 0;
}

int
sockin_user_accept(int lfd, int *fdp, void *addr, unsigned *addrlen)
{
	socklen_t len = *addrlen;
	int fd;

	do
		fd = accept4(lfd, addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return errno == EWOULDBLOCK ? EAGAIN : errno;
	*fdp = fd;
	*addrlen = len;
	return 0;
}

void
sockin_user_close(int fd, int reset)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	/*
	 * Its last descriptor closed, a registered socket leaves the epoll
	 * set by itself, events not yet taken too: no EPOLL_CTL_DEL.  Failing,
	 * setsockopt leaves a close without a reset.
	 */
	if (reset)
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

int
sockin_user_bind(int fd, const void *addr, unsigned addrlen)
{
	return bind(fd, addr, addrlen) == -1 ? errno : 0;
}

int
sockin_user_listen(int fd, int backlog)
{
	return listen(fd, backlog) == -1 ? errno : 0;
}

int
sockin_user_connect(int fd, const void *addr, unsigned addrlen)
{
	int rv;

	do
		rv = connect(fd, addr, addrlen);
	while (rv == -1 && errno == EINTR);
	return rv == -1 ? errno : 0;
}

int
sockin_user_connect_result(int fd)
{
	int error = 0;
	socklen_t len = sizeof(error);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
		return errno;
	return error;
}

int
sockin_user_disconnect(int fd)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };

	return connect(fd, &sa, sizeof(sa)) == -1 ? errno : 0;
}

int
sockin_user_shutdown(int fd, int how)
{
	return shutdown(fd, how) == -1 ? errno : 0;
}

int
sockin_user_getname(int fd, int peer, void *addr, unsigned *addrlen)
{
	socklen_t len = *addrlen;
	int rv;

	rv = peer ? getpeername(fd, addr, &len) : getsockname(fd, addr, &len);
	if (rv == -1)
		return errno;
	*addrlen = len;
	return 0;
}

int
sockin_user_setopt(int fd, int level, int name, const void *val, unsigned len)
{
	return setsockopt(fd, level, name, val, len) == -1 ? errno : 0;
}

int
sockin_user_getopt(int fd, int level, int name, void *val, unsigned *len)
{
	socklen_t l = *len;

	if (getsockopt(fd, level, name, val, &l) == -1)
		return errno;
	*len = l;
	return 0;
}

int
sockin_user_send(int fd, const struct sockin_user_iov *iov, int iovcnt,
    const void *addr, unsigned addrlen, const void *control,
    size_t controllen, int flags, size_t *sent)
{
	struct msghdr msg = {
		.msg_name = (void *)(uintptr_t)addr,
		.msg_namelen = addr != NULL ? addrlen : 0,
		.msg_iov = (struct iovec *)(uintptr_t)iov,
		.msg_iovlen = (size_t)iovcnt,
		.msg_control = (void *)(uintptr_t)control,
		.msg_controllen = control != NULL ? controllen : 0,
	};
	ssize_t n;

	do
		n = sendmsg(fd, &msg, (flags & MSG_OOB) | MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno == EWOULDBLOCK ? EAGAIN : errno;
	*sent = (size_t)n;
	return 0;
}

int
sockin_user_recv(int fd, const struct sockin_user_iov *iov, int iovcnt,
    int flags, void *addr, unsigned *addrlen, void *control,
    size_t *controllen, int *msgflags, size_t *len)
{
	struct msghdr msg = {
		.msg_name = addr,
		.msg_namelen = addr != NULL ? *addrlen : 0,
		.msg_iov = (struct iovec *)(uintptr_t)iov,
		.msg_iovlen = (size_t)iovcnt,
		.msg_control = control,
		.msg_controllen = control != NULL ? *controllen : 0,
	};
	ssize_t n;

	do
		n = recvmsg(fd, &msg, (flags & (MSG_PEEK | MSG_TRUNC)) |
		    MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno == EWOULDBLOCK ? EAGAIN : errno;
	if (addr != NULL)
		*addrlen = msg.msg_namelen;
	if (control != NULL)
		*controllen = msg.msg_controllen;
	if (msgflags != NULL)
		*msgflags = msg.msg_flags & MSG_CTRUNC;
	*len = (size_t)n;
	return 0;
}

int
sockin_user_poll(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP };
	int n;

	do
		n = poll(&pfd, 1, 0);
	while (n == -1 && errno == EINTR);
	return n == -1 ? SOCKIN_EV_ERR : sockin_user_evmask((uint32_t)pfd.revents);
}

void
sockin_user_pollmany(const int *fd, int *ev, int n)
{
	struct pollfd pfd[SOCKIN_USER_NPOLL];
	int i, got;

	for (i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = fd[i],
		    .events = POLLIN | POLLOUT | POLLRDHUP };
	do
		got = poll(pfd, (nfds_t)n, 0);
	while (got == -1 && errno == EINTR);
	for (i = 0; i < n; i++)
		ev[i] = got == -1 ? SOCKIN_EV_ERR :
		    sockin_user_evmask((uint32_t)pfd[i].revents);
}

size_t
sockin_user_rcvcount(int fd)
{
	int n;

	return ioctl(fd, FIONREAD, &n) == -1 ? 0 : (size_t)n;
}
