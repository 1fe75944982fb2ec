/*
 * A client thread's shared-memory channel to the server (the protocol is
 * in rpc_chan.h): made at the thread's first call when the server offers
 * channels, used for each of its calls after, closed when the thread
 * exits or the connection it was made on is gone.  A thread the server
 * refuses a channel (EAGAIN: there are enough; ENOMEM), or that cannot
 * make one, makes its calls over the socket and asks again after
 * RC_CHAN_RETRY of them: one round trip more per so many calls, and a
 * channel soon after one is free.
 *
 * A call is its frame copied into the channel and the state set; the
 * reply is read where the server wrote it.  Waiting for it spins a while
 * (rump_rpc_chan_spin), then sleeps in a poll() of the thread's end of
 * the pair: a byte when the server posts, the end of the file when the
 * server is gone or rc_lost() shut the end (ENOTCONN).  Every signal is
 * blocked from the call's start (rc_signal.c): the poll also watches a
 * signalfd of the signals the caller lets in, and one pending, whether
 * it came during the spin or the sleep, interrupts the call unless its
 * handler has SA_RESTART, as it would a local system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rumpclient_private.h"
#include "rpc_chan.h"

struct rc_chan {
	struct rump_rpc_chanhdr *ch_hdr;
	uint8_t		*ch_frame;	/* RUMP_RPC_MAXFRAME bytes after it */
	int		ch_wakefd;	/* our end of the pair */
	uint64_t	ch_gen;		/* the connection it was made on */
	uint64_t	ch_spin;	/* the next spin's budget */
	int		ch_sigfd;	/* a signalfd of ch_letin */
	sigset_t	ch_letin;	/* the signals the last sleeper let in */
	struct rc_chan	*ch_next, **ch_prevp;	/* on rc_chans */
};

/* Calls over the socket between two asks of a thread refused a channel. */
#define RC_CHAN_RETRY	64

/* Looks at a streaming reply between two clock readings (rc_chan_stream). */
#define RC_CHAN_STREAMCHECK	64

/* A read this long waits for its first piece the longest spin. */
#define RC_CHAN_STREAMLONG	(64 * 1024)

static __thread struct rc_chan *rc_chan_cur;
/*
 * The last connection this thread asked for a channel, and the calls
 * before it asks again if it was refused.
 */
static __thread uint64_t rc_chan_asked;
static __thread unsigned int rc_chan_later;
/* Every channel of the program, for a child to close what it inherits. */
static pthread_mutex_t rc_chans_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rc_chan *rc_chans;
static pthread_key_t rc_chan_key;
static pthread_once_t rc_chan_once = PTHREAD_ONCE_INIT;
static int rc_chan_keyerror;

static void
rc_chan_unmap(struct rc_chan *ch)
{
	munmap(ch->ch_hdr, RUMP_RPC_CHANSIZE);
	close(ch->ch_wakefd);
	close(ch->ch_sigfd);
	free(ch);
}

static void
rc_chan_free(struct rc_chan *ch)
{
	pthread_mutex_lock(&rc_chans_lock);
	if ((*ch->ch_prevp = ch->ch_next) != NULL)
		ch->ch_next->ch_prevp = ch->ch_prevp;
	pthread_mutex_unlock(&rc_chans_lock);
	rc_chan_unmap(ch);
}

/* The thread exits: its end of the pair closes, and so the server's end. */
static void
rc_chan_bye(void *p)
{
	rc_chan_free(p);
}

static void
rc_chan_keymake(void)
{
	rc_chan_keyerror = pthread_key_create(&rc_chan_key, rc_chan_bye);
}

/*
 * The memory (sealed: the server's mapping must not fault) and the pair:
 * *memfdp and *srvendp are the server's, to be sent and closed.
 */
static struct rc_chan *
rc_chan_make(int *memfdp, int *srvendp)
{
	struct rc_chan *ch = calloc(1, sizeof(*ch));
	void *mem;
	int fd, pair[2] = { -1, -1 };

	if (ch == NULL)
		return NULL;
	sigemptyset(&ch->ch_letin);
	ch->ch_sigfd = signalfd(-1, &ch->ch_letin, SFD_CLOEXEC | SFD_NONBLOCK);
	fd = memfd_create("rumpclient-channel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (ch->ch_sigfd < 0 || fd < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0 ||
	    ftruncate(fd, RUMP_RPC_CHANSIZE) != 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0 ||
	    (mem = mmap(NULL, RUMP_RPC_CHANSIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0)) == MAP_FAILED) {
		if (fd >= 0)
			close(fd);
		if (pair[0] >= 0) {
			close(pair[0]);
			close(pair[1]);
		}
		if (ch->ch_sigfd >= 0)
			close(ch->ch_sigfd);
		free(ch);
		return NULL;
	}
	ch->ch_wakefd = pair[0];
	*srvendp = pair[1];
	ch->ch_hdr = mem;
	ch->ch_frame = (uint8_t *)mem + RUMP_RPC_CHANHDRLEN;
	ch->ch_spin = RPC_CHAN_SPINMAX;
	*memfdp = fd;
	pthread_mutex_lock(&rc_chans_lock);
	if ((ch->ch_next = rc_chans) != NULL)
		ch->ch_next->ch_prevp = &ch->ch_next;
	ch->ch_prevp = &rc_chans;
	rc_chans = ch;
	pthread_mutex_unlock(&rc_chans_lock);
	return ch;
}

/*
 * Asks the server to serve the channel: 0, or why not; *intrp: a signal
 * came since the call began (signals blocked, the caller's mask in
 * *orig), or interrupted the wait for the answer, which a signal may
 * interrupt as the socket's waits.
 */
static int
rc_chan_ask(int memfd, int srvend, const sigset_t *orig, bool *intrp)
{
	struct rump_rpc_chanreq q = { .cq_version = RUMP_RPC_CHANVERSION,
	    .cq_size = RUMP_RPC_CHANSIZE };
	int fds[RPC_CHAN_NFDS];
	uint8_t small[RUMP_RPC_HDRLEN + RUMP_RPC_CHANREQLEN];
	struct rump_rpc_replyhdr rh;
	struct rc_reply r = { .dst = NULL };
	struct rpc_wbuf b;
	struct rpc_rcur c;
	int error;

	fds[RPC_CHAN_MEMFD] = memfd;
	fds[RPC_CHAN_WAKEFD] = srvend;
	rpc_wbuf_init(&b, small, sizeof(small));
	rpc_wbuf_room(&b, RUMP_RPC_HDRLEN);
	rpc_put_chanreq(&b, &q);
	r.data = r.small;
	*intrp = rump_client_sigdeliver(orig);
	error = rump_client_sockcall(&b, RUMP_RPC_CHANNEL, fds, RPC_CHAN_NFDS, &r,
	    false);
	rump_client_sigblock(NULL);
	*intrp = *intrp || r.interrupted;
	rpc_wbuf_free(&b);
	if (error != 0)
		return error;
	c = (struct rpc_rcur){ .rc_p = r.data, .rc_left = r.len };
	rpc_get_replyhdr(&c, &rh);
	if (r.data != r.small)
		free(r.data);
	if (c.rc_bad)
		return EPROTO;
	return rh.rr_error;
}

struct rc_chan *
rump_client_chan(uint64_t gen, const sigset_t *orig, bool *intrp)
{
	struct rc_chan *ch = rc_chan_cur;
	int memfd, srvend, error;

	if (ch != NULL && ch->ch_gen == gen)
		return ch;
	/* A channel of a connection that is gone. */
	if (ch != NULL) {
		pthread_setspecific(rc_chan_key, NULL);
		rc_chan_free(ch);
		rc_chan_cur = NULL;
	}
	if (rc_chan_asked == gen && --rc_chan_later > 0)
		return NULL;
	rc_chan_asked = gen;
	rc_chan_later = RC_CHAN_RETRY;
	pthread_once(&rc_chan_once, rc_chan_keymake);
	if (rc_chan_keyerror != 0 || (ch = rc_chan_make(&memfd, &srvend)) == NULL)
		return NULL;
	ch->ch_gen = gen;
	error = rc_chan_ask(memfd, srvend, orig, intrp);
	close(memfd);
	close(srvend);
	if (error == 0 && pthread_setspecific(rc_chan_key, ch) != 0)
		error = ENOMEM;
	if (error != 0) {
		rc_chan_free(ch);
		return NULL;
	}
	rc_chan_cur = ch;
	return ch;
}

void
rump_client_chan_prefork(void)
{
	pthread_mutex_lock(&rc_chans_lock);
}

void
rump_client_chan_postfork(bool child)
{
	struct rc_chan *ch;

	if (child) {
		/* The memory is shared with the parent: unmapped, not touched. */
		while ((ch = rc_chans) != NULL) {
			rc_chans = ch->ch_next;
			rc_chan_unmap(ch);
		}
		if (rc_chan_cur != NULL)
			pthread_setspecific(rc_chan_key, NULL);
		rc_chan_cur = NULL;
	}
	pthread_mutex_unlock(&rc_chans_lock);
}

/* The signalfd watches the signals the caller's mask orig lets in. */
static void
rc_chan_watch(struct rc_chan *ch, const sigset_t *orig)
{
	sigset_t letin;

	rump_client_sigletin(orig, &letin);
	if (memcmp(&letin, &ch->ch_letin, sizeof(letin)) == 0)
		return;
	ch->ch_letin = letin;
	/* Cannot fail: the descriptor is a signalfd, the flags valid. */
	(void)signalfd(ch->ch_sigfd, &letin, SFD_CLOEXEC | SFD_NONBLOCK);
}

/*
 * Sleeps, signals blocked, until the server posts, the connection is
 * lost, or a signal the caller lets in is pending: its handler runs, and
 * the server is asked to interrupt the call unless it has SA_RESTART.
 * False if the connection is lost.
 */
static bool
rc_chan_sleep(struct rc_chan *ch, struct rc_waiter *w, const sigset_t *orig)
{
	struct pollfd pfd[2] = {
		{ .fd = ch->ch_wakefd, .events = POLLIN },
		{ .fd = ch->ch_sigfd, .events = POLLIN },
	};
	char buf[64];
	ssize_t n = 1;
	int polled;

	if (!rump_rpc_chan_presleep(&ch->ch_hdr->ch_clsleep, &ch->ch_hdr->ch_state,
	    RPC_CHAN_CALL))
		return true;
	/* Only SIGSTOP and SIGCONT can end it early: wait on. */
	polled = poll(pfd, 2, -1);
	if (polled > 0 && pfd[0].revents != 0)
		n = recv(ch->ch_wakefd, buf, sizeof(buf), MSG_DONTWAIT);
	__atomic_store_n(&ch->ch_hdr->ch_clsleep, 0, __ATOMIC_RELAXED);
	if (polled > 0 && pfd[1].revents != 0) {
		if (rump_client_sigdeliver(orig))
			rump_client_interrupt(w);
		rump_client_sigblock(NULL);
	}
	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		rump_client_lose();
		return false;
	}
	return rump_client_isup();
}

/*
 * The data the kernel has written so far for the caller's buffer r->dst
 * (ch_progress), beyond the *copiedp bytes copied already, into it:
 * true if there was more.  The count is the server's word: taken only up
 * to the buffer's capacity.
 */
static bool
rc_chan_take(struct rc_chan *ch, struct rc_reply *r, size_t *copiedp)
{
	uint64_t upto = __atomic_load_n(&ch->ch_hdr->ch_progress,
	    __ATOMIC_ACQUIRE);

	if (upto > r->dstcap)
		upto = r->dstcap;
	if (upto > RUMP_RPC_MAXDATA)
		upto = RUMP_RPC_MAXDATA;
	if (upto <= *copiedp)
		return false;
	memcpy((uint8_t *)r->dst + *copiedp,
	    ch->ch_frame + RUMP_RPC_CHANPLACE + *copiedp, upto - *copiedp);
	*copiedp = upto;
	return true;
}

/*
 * Spins as rump_rpc_chan_spin() while the kernel writes the data of a
 * reply the caller's buffer r->dst waits for, copying each piece into it
 * as it comes (rc_chan_take): the two copies of a read's data, the
 * kernel's into the channel and ours out of it, run at once on two
 * CPUs.  A spin that copies is no waste: the budget and the question
 * whether a CPU is free count only from the last piece.  A long read's
 * first piece takes the server longer to write than a short call's whole
 * reply (the file system finds its blocks first), so it is waited for
 * the longest spin, whatever the budget a thread's blocking calls left.
 */
static bool
rc_chan_stream(struct rc_chan *ch, struct rc_reply *r, size_t *copiedp)
{
	uint64_t budget = r->dstcap >= RC_CHAN_STREAMLONG ? RPC_CHAN_SPINMAX :
	    ch->ch_spin;
	uint64_t now, end = rump_rpc_chan_now() + budget;
	bool moved = false;
	int i;

	for (;;) {
		for (i = 0; i < RC_CHAN_STREAMCHECK; i++) {
			if (__atomic_load_n(&ch->ch_hdr->ch_state,
			    __ATOMIC_ACQUIRE) != RPC_CHAN_CALL)
				return true;
			if (rc_chan_take(ch, r, copiedp))
				moved = true;
		}
		now = rump_rpc_chan_now();
		if (moved)
			end = now + budget;
		else if (now >= end || !rump_rpc_chan_cpufree())
			return false;
		moved = false;
	}
}

/*
 * Waits for the reply to the call in ch: 0, or ENOTCONN.  *copiedp: the
 * bytes of the reply's data copied into r->dst meanwhile.
 */
static int
rc_chan_wait(struct rc_chan *ch, struct rc_waiter *w, const sigset_t *orig,
    size_t *copiedp)
{
	struct rc_reply *r = w->w_r;
	bool caught;

	caught = r->dst != NULL ? rc_chan_stream(ch, r, copiedp) :
	    rump_rpc_chan_spin(&ch->ch_hdr->ch_state, RPC_CHAN_CALL, ch->ch_spin);
	ch->ch_spin = rump_rpc_chan_budget(ch->ch_spin, caught);
	if (!caught)
		rc_chan_watch(ch, orig);
	while (!caught && rc_chan_sleep(ch, w, orig))
		caught = rump_rpc_chan_spin(&ch->ch_hdr->ch_state, RPC_CHAN_CALL, 0);
	/* A reply that came with the hang-up is still ours. */
	return __atomic_load_n(&ch->ch_hdr->ch_state, __ATOMIC_ACQUIRE) ==
	    RPC_CHAN_CALL ? ENOTCONN : 0;
}

/*
 * A reply carrying the data of r->dst only (its header, the data's
 * length, the data) has the data, of which copied bytes are there
 * already, copied into r->dst: placed, as the socket's reader does it.
 * Bytes copied beyond the count the reply says (a read that stopped
 * short) are what the kernel wrote into the buffer, as a local call
 * writes into the caller's.
 */
static void
rc_chan_place(struct rc_chan *ch, struct rc_reply *r, size_t copied)
{
	uint32_t n;

	if (r->dst == NULL || r->len <= RC_DIRECT_HEAD ||
	    !rc_reply_placeable(r, r->data, r->len, &n))
		return;
	if (n > copied)
		memcpy((uint8_t *)r->dst + copied,
		    ch->ch_frame + RUMP_RPC_CHANPLACE + copied, n - copied);
	r->len = RC_DIRECT_HEAD;
	r->placed = true;
}

/* The reply in ch, if it is the one to the call id. */
static int
rc_chan_reply(struct rc_chan *ch, uint64_t id, struct rc_reply *reply,
    size_t copied)
{
	struct rump_rpc_hdr h;

	rpc_get_hdr(ch->ch_frame, &h);
	if (h.rh_type != RUMP_RPC_REPLY || h.rh_reqid != id ||
	    h.rh_len < RUMP_RPC_HDRLEN || h.rh_len > RUMP_RPC_MAXFRAME) {
		rump_client_lose();
		return ENOTCONN;
	}
	reply->data = ch->ch_frame + RUMP_RPC_HDRLEN;
	reply->len = h.rh_len - RUMP_RPC_HDRLEN;
	reply->shared = true;
	rc_chan_place(ch, reply, copied);
	return 0;
}

int
rump_client_chancall(struct rc_chan *ch, struct rpc_wbuf *req,
    struct rc_reply *reply, bool interrupted, const sigset_t *orig)
{
	struct rc_waiter w = { .w_r = reply, .w_chan = true,
	    .w_evfd = ch->ch_wakefd };
	struct iovec iov[RPC_WBUF_MAXIOV];
	uint64_t gen;
	size_t at = 0, copied = 0;
	int i, n, error;

	error = rump_client_begin(&w, &gen);
	if (error != 0)
		return error;
	if (gen != ch->ch_gen) {
		rump_client_end(&w);
		return ENOTCONN;
	}
	rpc_put_hdr(req->rb_data, (uint32_t)(req->rb_len + req->rb_reflen),
	    RUMP_RPC_CALL, w.w_id);
	n = rpc_wbuf_iov(req, iov);
	for (i = 0; i < n; i++) {
		memcpy(ch->ch_frame + at, iov[i].iov_base, iov[i].iov_len);
		at += iov[i].iov_len;
	}
	rump_rpc_chan_post(&ch->ch_hdr->ch_state, RPC_CHAN_CALL,
	    &ch->ch_hdr->ch_srvsleep, ch->ch_wakefd);
	/* A signal that came while the channel was made is this call's. */
	if (interrupted)
		rump_client_interrupt(&w);
	error = rc_chan_wait(ch, &w, orig, &copied);
	if (error == 0)
		error = rc_chan_reply(ch, w.w_id, reply, copied);
	rump_client_end(&w);
	return error;
}
