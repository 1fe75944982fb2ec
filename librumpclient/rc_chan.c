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
 * (rump_rpc_chan_spin), then sleeps in a read() of the thread's end of the
 * pair: a byte when the server posts, the end of the file when the
 * server is gone or rc_lost() shut the end (ENOTCONN).  A signal whose
 * handler returns into that read() interrupts the call, as on the
 * socket, unless the handler has SA_RESTART (the host restarts the
 * read); a signal that comes during the spin does not, as one that comes
 * while a request is being sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
	struct rc_chan	*ch_next, **ch_prevp;	/* on rc_chans */
};

/* Calls over the socket between two asks of a thread refused a channel. */
#define RC_CHAN_RETRY	64

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
	fd = memfd_create("rumpclient-channel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    pair) != 0 ||
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
 * interrupted the wait for the answer.
 */
static int
rc_chan_ask(int memfd, int srvend, bool *intrp)
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
	error = rump_client_sockcall(&b, RUMP_RPC_CHANNEL, fds, RPC_CHAN_NFDS, &r);
	*intrp = r.interrupted;
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
rump_client_chan(uint32_t features, uint64_t gen, bool *intrp)
{
	struct rc_chan *ch = rc_chan_cur;
	int memfd, srvend, error;

	if ((features & RUMP_RPC_FEAT_CHANNEL) == 0)
		return NULL;
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
	error = rc_chan_ask(memfd, srvend, intrp);
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

/*
 * Sleeps until the server posts, the connection is lost, or a signal
 * interrupts the call: false if the connection is lost.
 */
static bool
rc_chan_sleep(struct rc_chan *ch, struct rc_waiter *w)
{
	char buf[64];
	ssize_t n;
	int error;

	if (!rump_rpc_chan_presleep(&ch->ch_hdr->ch_clsleep, &ch->ch_hdr->ch_state,
	    RPC_CHAN_CALL))
		return true;
	n = read(ch->ch_wakefd, buf, sizeof(buf));
	error = n < 0 ? errno : 0;
	__atomic_store_n(&ch->ch_hdr->ch_clsleep, 0, __ATOMIC_RELAXED);
	if (error == EINTR) {
		rump_client_interrupt(w);
		return true;
	}
	if (n <= 0) {
		rump_client_lose();
		return false;
	}
	return rump_client_isup();
}

/* Waits for the reply to the call in ch: 0, or ENOTCONN. */
static int
rc_chan_wait(struct rc_chan *ch, struct rc_waiter *w)
{
	bool caught;

	caught = rump_rpc_chan_spin(&ch->ch_hdr->ch_state, RPC_CHAN_CALL,
	    ch->ch_spin);
	ch->ch_spin = rump_rpc_chan_budget(ch->ch_spin, caught);
	while (!caught && rc_chan_sleep(ch, w))
		caught = rump_rpc_chan_spin(&ch->ch_hdr->ch_state, RPC_CHAN_CALL, 0);
	/* A reply that came with the hang-up is still ours. */
	return __atomic_load_n(&ch->ch_hdr->ch_state, __ATOMIC_ACQUIRE) ==
	    RPC_CHAN_CALL ? ENOTCONN : 0;
}

/* The reply in ch, if it is the one to the call id. */
static int
rc_chan_reply(struct rc_chan *ch, uint64_t id, struct rc_reply *reply)
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
	return 0;
}

int
rump_client_chancall(struct rc_chan *ch, struct rpc_wbuf *req,
    struct rc_reply *reply, bool interrupted)
{
	struct rc_waiter w = { .w_r = reply, .w_chan = true,
	    .w_evfd = ch->ch_wakefd };
	struct iovec iov[RPC_WBUF_MAXIOV];
	uint64_t gen;
	size_t at = 0;
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
	error = rc_chan_wait(ch, &w);
	if (error == 0)
		error = rc_chan_reply(ch, w.w_id, reply);
	rump_client_end(&w);
	return error;
}
