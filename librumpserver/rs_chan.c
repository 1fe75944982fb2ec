/*
 * The server's end of a shared-memory channel (see rs_chan.h and
 * librumpclient/rpc_chan.h).
 *
 * The client can write its memory at any time, so nothing read there is
 * read twice: a call's header is copied out and checked, then the
 * decoder copies what it reads of the payload into memory of our own
 * (ch_in) as it reads it, but for the call's bulk in-data, which the
 * kernel reads in place (rump_server_decode).
 * The memfd must be sealed against shrinking, so no access to the
 * mapping can fault, and the wake-up must be a unix stream socket, which
 * we only ever use without blocking.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rs_chan.h"
#include "rumpserver.h"
#include "rumpserver_private.h"

/*
 * Channels of every client of the program, at most and now: each holds
 * a worker thread and maps 4 MiB of its client's memory.
 */
static unsigned int rs_chan_max = UINT_MAX;
static unsigned int rs_chan_count;

struct rs_chan {
	struct rump_rpc_chanhdr *ch_hdr;
	uint8_t		*ch_frame;	/* RUMP_RPC_MAXFRAME bytes after it */
	int		ch_wakefd;	/* our end of the client's pair */
	uint32_t	ch_last;	/* the state we saw or posted last */
	uint64_t	ch_spin;	/* the next spin's budget */
	uint8_t		*ch_in;		/* the decoder's copy of the call */
	size_t		ch_incap;
};

static void
rs_closefds(int *fds, int nfds)
{
	int i;

	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

/* True if fd is a unix stream socket. */
static bool
rs_chan_wakefd(int fd)
{
	int domain, type;
	socklen_t len = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
	    domain != AF_UNIX)
		return false;
	len = sizeof(type);
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_STREAM;
}

/* The memory, if the memfd can neither shrink nor is too small. */
static void *
rs_chan_map(int memfd, const char **whyp)
{
	struct stat st;
	void *p;
	int seals = fcntl(memfd, F_GET_SEALS);

	if (seals < 0 || (seals & F_SEAL_SHRINK) == 0) {
		*whyp = "a channel's memory not sealed against shrinking";
		return NULL;
	}
	if (fstat(memfd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)RUMP_RPC_CHANSIZE) {
		*whyp = "a channel's memory smaller than a channel";
		return NULL;
	}
	p = mmap(NULL, RUMP_RPC_CHANSIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    memfd, 0);
	if (p == MAP_FAILED) {
		*whyp = "a channel's memory that cannot be mapped";
		return NULL;
	}
	return p;
}

int
rs_chan_open(int *fds, int nfds, const uint8_t *payload, size_t len,
    struct rs_chan **chp, int *refusep, const char **whyp)
{
	struct rump_rpc_chanreq q;
	struct rs_chan *ch;
	void *mem;

	*refusep = 0;
	if (rump_server_decode_chanreq(payload, len, &q, whyp) != 0) {
		rs_closefds(fds, nfds);
		return EBADMSG;
	}
	if (q.cq_version != RUMP_RPC_CHANVERSION) {
		rs_closefds(fds, nfds);
		*refusep = EPROTONOSUPPORT;
		return 0;
	}
	if (nfds != RPC_CHAN_NFDS) {
		rs_closefds(fds, nfds);
		*whyp = "a channel request without its two descriptors";
		return EBADMSG;
	}
	if (!rs_chan_wakefd(fds[RPC_CHAN_WAKEFD])) {
		rs_closefds(fds, nfds);
		*whyp = "a channel's wake-up that is no unix stream socket";
		return EBADMSG;
	}
	mem = rs_chan_map(fds[RPC_CHAN_MEMFD], whyp);
	close(fds[RPC_CHAN_MEMFD]);
	ch = mem != NULL ? calloc(1, sizeof(*ch)) : NULL;
	if (ch == NULL) {
		close(fds[RPC_CHAN_WAKEFD]);
		if (mem == NULL)
			return EBADMSG;
		munmap(mem, RUMP_RPC_CHANSIZE);
		*refusep = ENOMEM;
		return 0;
	}
	ch->ch_hdr = mem;
	ch->ch_frame = (uint8_t *)mem + RUMP_RPC_CHANHDRLEN;
	ch->ch_wakefd = fds[RPC_CHAN_WAKEFD];
	ch->ch_last = RPC_CHAN_IDLE;
	ch->ch_spin = RPC_CHAN_SPINMAX;
	*chp = ch;
	return 0;
}

/*
 * Sleeps until the client posts (RS_CHAN_CALL: look again), its end of
 * the pair closes (RS_CHAN_CLOSED) or stopfd is readable (RS_CHAN_STOP).
 */
static int
rs_chan_sleep(struct rs_chan *ch, int stopfd)
{
	struct pollfd pfd[2] = {
		{ .fd = ch->ch_wakefd, .events = POLLIN },
		{ .fd = stopfd, .events = POLLIN },
	};
	char buf[64];
	ssize_t got = 1;
	int n;

	if (!rump_rpc_chan_presleep(&ch->ch_hdr->ch_srvsleep, &ch->ch_hdr->ch_state,
	    ch->ch_last))
		return RS_CHAN_CALL;
	do
		n = poll(pfd, 2, -1);
	while (n < 0 && errno == EINTR);
	/* The wake-ups so far: nothing to read when stopfd woke us. */
	if (n > 0 && pfd[0].revents != 0)
		got = recv(ch->ch_wakefd, buf, sizeof(buf), MSG_DONTWAIT);
	__atomic_store_n(&ch->ch_hdr->ch_srvsleep, 0, __ATOMIC_RELAXED);
	if (n < 0 || pfd[1].revents != 0)
		return RS_CHAN_STOP;
	return got == 0 || (got < 0 && errno != EAGAIN) ? RS_CHAN_CLOSED :
	    RS_CHAN_CALL;
}

/* The call in the channel and room to copy it; RS_CHAN_CALL or RS_CHAN_BAD. */
static int
rs_chan_take(struct rs_chan *ch, uint64_t *reqidp, uint8_t **payloadp,
    uint8_t **copyp, size_t *lenp, const char **whyp)
{
	uint8_t hb[RUMP_RPC_HDRLEN], *p;
	struct rump_rpc_hdr h;
	size_t len;

	memcpy(hb, ch->ch_frame, sizeof(hb));
	if (rump_server_chanframe(hb, &h, whyp) != 0)
		return RS_CHAN_BAD;
	len = h.rh_len - RUMP_RPC_HDRLEN;
	if (len > ch->ch_incap) {
		p = realloc(ch->ch_in, len);
		if (p == NULL) {
			*whyp = "out of memory";
			return RS_CHAN_BAD;
		}
		ch->ch_in = p;
		ch->ch_incap = len;
	}
	*reqidp = h.rh_reqid;
	*payloadp = ch->ch_frame + RUMP_RPC_HDRLEN;
	*copyp = ch->ch_in;
	*lenp = len;
	return RS_CHAN_CALL;
}

int
rs_chan_next(struct rs_chan *ch, int stopfd, uint64_t *reqidp,
    uint8_t **payloadp, uint8_t **copyp, size_t *lenp, const char **whyp)
{
	uint32_t state;
	bool caught;
	int what;

	caught = rump_rpc_chan_spin(&ch->ch_hdr->ch_state, ch->ch_last, ch->ch_spin);
	ch->ch_spin = rump_rpc_chan_budget(ch->ch_spin, caught);
	while (!caught) {
		if ((what = rs_chan_sleep(ch, stopfd)) != RS_CHAN_CALL)
			return what;
		caught = rump_rpc_chan_spin(&ch->ch_hdr->ch_state, ch->ch_last, 0);
	}
	state = __atomic_load_n(&ch->ch_hdr->ch_state, __ATOMIC_ACQUIRE);
	ch->ch_last = state;
	if (state != RPC_CHAN_CALL) {
		*whyp = "a channel in a state only the server sets";
		return RS_CHAN_BAD;
	}
	return rs_chan_take(ch, reqidp, payloadp, copyp, lenp, whyp);
}

uint8_t *
rs_chan_place(struct rs_chan *ch)
{
	return ch->ch_frame + RUMP_RPC_CHANPLACE;
}

uint64_t *
rs_chan_progress(struct rs_chan *ch)
{
	return &ch->ch_hdr->ch_progress;
}

int
rs_chan_reply(struct rs_chan *ch, struct rpc_wbuf *b, uint64_t reqid)
{
	struct iovec iov[RPC_WBUF_MAXIOV];
	size_t at = 0;
	int i, n;

	if (b->rb_nomem)
		return ENOMEM;
	if (b->rb_len + b->rb_reflen > RUMP_RPC_MAXFRAME)
		return EMSGSIZE;
	rpc_put_hdr(b->rb_data, (uint32_t)(b->rb_len + b->rb_reflen),
	    RUMP_RPC_REPLY, reqid);
	n = rpc_wbuf_iov(b, iov);
	for (i = 0; i < n; i++) {
		/* A block the kernel wrote in place (rs_chan_place()). */
		if (iov[i].iov_base != ch->ch_frame + at)
			memcpy(ch->ch_frame + at, iov[i].iov_base,
			    iov[i].iov_len);
		at += iov[i].iov_len;
	}
	ch->ch_last = RPC_CHAN_REPLY;
	/* The next call's progress starts from nothing; posted with the state. */
	__atomic_store_n(&ch->ch_hdr->ch_progress, 0, __ATOMIC_RELAXED);
	rump_rpc_chan_post(&ch->ch_hdr->ch_state, RPC_CHAN_REPLY,
	    &ch->ch_hdr->ch_clsleep, ch->ch_wakefd);
	return 0;
}

void
rump_server_maxchannels(unsigned int max)
{
	__atomic_store_n(&rs_chan_max, max, __ATOMIC_RELAXED);
}

bool
rs_chan_reserve(void)
{
	unsigned int n = __atomic_load_n(&rs_chan_count, __ATOMIC_RELAXED);

	/* A failed exchange loads the count anew into n. */
	while (n < __atomic_load_n(&rs_chan_max, __ATOMIC_RELAXED))
		if (__atomic_compare_exchange_n(&rs_chan_count, &n, n + 1, false,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
	return false;
}

void
rs_chan_unreserve(void)
{
	__atomic_sub_fetch(&rs_chan_count, 1, __ATOMIC_RELAXED);
}

void
rs_chan_close(struct rs_chan *ch)
{
	munmap(ch->ch_hdr, RUMP_RPC_CHANSIZE);
	close(ch->ch_wakefd);
	free(ch->ch_in);
	free(ch);
}
