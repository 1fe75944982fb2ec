/*
 * Whole-buffer socket I/O for the remote-call protocol (see rpc_io.h).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "rpc_io.h"
#include "rpc_wire.h"

int
rump_rpc_writeall(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Socket buffers of this size take a 1 MiB frame in one go. */
#define RPC_SOCKBUF	(2 << 20)

/*
 * Best effort: the host caps the buffers at its net.core limits, and a
 * socket that keeps its defaults works the same, with more wake-ups.
 */
void
rump_rpc_tune(int fd, int tcp)
{
	int one = 1, size = RPC_SOCKBUF;

	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (tcp)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int
rump_rpc_sendframe(int fd, const struct rpc_wbuf *b)
{
	return rump_rpc_sendframe_fds(fd, b, NULL, 0);
}

int
rump_rpc_sendframe_fds(int fd, const struct rpc_wbuf *b, const int *fds,
    int nfds)
{
	struct iovec iov[RPC_WBUF_MAXIOV];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(RPC_MAXFDS * sizeof(int))];
	} ctl;
	struct msghdr m = { .msg_iov = iov };
	ssize_t n;

	if (nfds < 0 || nfds > RPC_MAXFDS)
		return EINVAL;
	if (nfds > 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		ctl.hdr.cmsg_level = SOL_SOCKET;
		ctl.hdr.cmsg_type = SCM_RIGHTS;
		ctl.hdr.cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(&ctl.hdr), fds, (size_t)nfds * sizeof(int));
	}
	m.msg_iovlen = (size_t)rpc_wbuf_iov(b, iov);
	while (m.msg_iovlen > 0) {
		n = sendmsg(fd, &m, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EPIPE;
		/* The descriptors went with the first bytes. */
		m.msg_control = NULL;
		m.msg_controllen = 0;
		/* A short send: on from where it stopped. */
		while (m.msg_iovlen > 0 && (size_t)n >= m.msg_iov->iov_len) {
			n -= (ssize_t)m.msg_iov->iov_len;
			m.msg_iov++;
			m.msg_iovlen--;
		}
		if (m.msg_iovlen > 0) {
			m.msg_iov->iov_base = (uint8_t *)m.msg_iov->iov_base + n;
			m.msg_iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

int
rump_rpc_readall(int fd, uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
rump_rpc_readhdr_fds(int fd, uint8_t *p, size_t len, int *fds, int *nfdsp)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(RPC_MAXFDS * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = p, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	ssize_t n;
	size_t k;

	*nfdsp = 0;
	do
		n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? errno : ECONNRESET;
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (k = 0; k < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) &&
		    *nfdsp < RPC_MAXFDS; k++) {
			memcpy(&fds[*nfdsp], CMSG_DATA(c) + k * sizeof(int),
			    sizeof(int));
			(*nfdsp)++;
		}
	}
	/* More than the room held: the host closed the rest; refuse all. */
	if ((m.msg_flags & MSG_CTRUNC) != 0)
		return EBADMSG;
	return rump_rpc_readall(fd, p + n, len - (size_t)n);
}
