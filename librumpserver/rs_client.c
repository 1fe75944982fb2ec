/*
 * One remote client: a connection, a process in the kernel, and threads.
 *
 * The client's main thread does the handshake, whose answer carries the
 * pid of the process made for the client, then starts the first worker
 * and waits for the connection to end.  Workers are threads attached to
 * that process (up to RS_PROC_MAXTHREADS).  Every idle worker waits in
 * epoll_wait() on the socket, armed one-shot, so a request wakes exactly
 * one of them: it reads the frame, rearms the socket and runs the call
 * itself.  No thread hands a call to another, and a call that blocks
 * never leaves the socket unread: before a worker runs a call there is
 * another idle one (or it starts one), which the next request wakes.
 * Only when every worker is busy does the reader queue a call and wait
 * for the next frame; a worker that finishes a call takes queued calls
 * first.  A malformed call closes the connection with one log line.  An
 * interrupt frame interrupts the worker running the call it names (or
 * marks the call, if queued); a worker whose call was interrupted gets a
 * new thread in the kernel before its next call, so an interrupt that
 * came too late for its call cannot end the next one.  A prefork frame
 * is answered by the worker that read it, a thread of the client's
 * process, with a copy of that process for the client's fork
 * (rs_fork.c); a connection whose handshake presents the copy's cookie
 * becomes it.
 *
 * When the connection ends (the client closed it, broke the protocol, or
 * the server stops), an eventfd in the same epoll set wakes every idle
 * worker to leave, and the main thread ends the process, which wakes
 * every call blocked in it with EINTR, waits for its workers to leave it
 * (its descriptors close with the last) and marks the client gone for
 * rs_client_reap().
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rs_chan.h"
#include "rs_fork.h"
#include "rs_proc.h"
#include "rumpserver_private.h"
#include "librumpclient/rpc_io.h"

/* Calls of one client waiting for a worker, at most. */
#define RS_MAXQUEUED	256

/* A call frame this small is read into its worker's buffer, no malloc. */
#define RS_SMALLFRAME	4096

/*
 * Interrupts for calls not found (yet) that are kept: a call posted in a
 * channel may be interrupted on the socket before its worker took it.
 */
#define RS_EARLYINTR	16

/*
 * Channels of one client at most: each takes a worker for itself, and
 * the rest must be enough for the calls of the socket (whose reader runs
 * a call only when another worker is idle or can start).
 */
#define RS_MAXCHANNELS	(RS_PROC_MAXTHREADS / 2)

/* A reply buffer that grew beyond this is freed after its call. */
#define RS_KEEPREPLY	65536

/* What woke an idle worker. */
#define RS_EV_SOCKET	0
#define RS_EV_STOP	1

/* A call read while every worker was busy. */
struct rs_job {
	uint64_t	j_reqid;
	bool		j_interrupted;	/* before a worker took it */
	uint8_t		*j_payload;
	size_t		j_len;
	struct rs_job	*j_next;
};

struct rs_client;

struct rs_worker {
	struct rs_client *w_cl;
	pthread_t	w_thread;
	int		w_lid;		/* its thread in the kernel */
	bool		w_busy;		/* running the call w_reqid */
	bool		w_interrupted;	/* its thread was interrupted */
	bool		w_attached;	/* to the client's process */
	uint64_t	w_reqid;
	uint8_t		*w_small;	/* RS_SMALLFRAME bytes */
	struct rpc_wbuf	w_reply;	/* kept from call to call */
};

struct rs_client {
	struct rump_server *cl_srv;
	int		cl_fd;
	int		cl_epfd;	/* the socket (one-shot) and cl_stopfd */
	int		cl_stopfd;	/* an eventfd: readable once closing */
	unsigned int	cl_id;
	uid_t		cl_uid;
	gid_t		cl_gid;
	uint32_t	cl_features;	/* RUMP_RPC_FEAT_* it was offered */
	pthread_t	cl_main;
	pthread_mutex_t	cl_lock;	/* everything below */
	pthread_cond_t	cl_cv;		/* closing */
	pthread_mutex_t	cl_wlock;	/* one reply written at a time */
	struct rs_job	*cl_head, **cl_tail;
	int		cl_nqueued;
	struct rs_worker *cl_workers[RS_PROC_MAXTHREADS];
	uint64_t	cl_early[RS_EARLYINTR];	/* a ring of such interrupts */
	unsigned int	cl_nearly;
	int		cl_nworkers;
	int		cl_nchannels;	/* workers serving a channel */
	int		cl_nidle;	/* workers waiting for a frame, or to */
	pid_t		cl_pid;		/* 0 until the handshake made it */
	bool		cl_closing;	/* no more calls: workers leave */
	bool		cl_gone;	/* the main thread is done: reap */
	bool		cl_hungup;	/* closed by us: nothing more is served */
	struct rs_client *cl_next;
};

static void
rs_closefds(const int *fds, int nfds)
{
	int i;

	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

/* One line about a client, on stderr. */
static void
rs_log(struct rs_client *cl, const char *what, const char *why)
{
	fprintf(stderr, "rump_server: client %u (pid %d): %s: %s\n", cl->cl_id,
	    (int)cl->cl_pid, what, why);
}

/* A frame whose payload rb follows its header room: fills the header, sends. */
static int
rs_send(struct rs_client *cl, struct rpc_wbuf *b, uint16_t type, uint64_t id)
{
	int error;

	if (b->rb_nomem)
		return ENOMEM;
	rpc_put_hdr(b->rb_data, (uint32_t)(b->rb_len + b->rb_reflen), type, id);
	pthread_mutex_lock(&cl->cl_wlock);
	error = rump_rpc_sendframe(cl->cl_fd, b);
	pthread_mutex_unlock(&cl->cl_wlock);
	return error;
}

/* Wakes every idle worker, for good: the eventfd stays readable. */
static void
rs_stop(struct rs_client *cl)
{
	uint64_t one = 1;

	/* Fails only when the counter is full, and then it is readable anyway. */
	(void)!write(cl->cl_stopfd, &one, sizeof(one));
}

/*
 * Ends the connection: the workers see it and wind the client down;
 * calls already read are not served.
 */
static void
rs_hangup(struct rs_client *cl)
{
	__atomic_store_n(&cl->cl_hungup, true, __ATOMIC_RELAXED);
	shutdown(cl->cl_fd, SHUT_RDWR);
	rs_stop(cl);
}

static bool
rs_hungup(struct rs_client *cl)
{
	return __atomic_load_n(&cl->cl_hungup, __ATOMIC_RELAXED);
}

/* No more calls: idle workers leave, the main thread winds down. */
static void
rs_close(struct rs_client *cl)
{
	cl->cl_closing = true;
	rs_stop(cl);
	pthread_cond_broadcast(&cl->cl_cv);
}

/* Closes the client for a reason worth a line (unless it is closing anyway). */
static void
rs_fail(struct rs_client *cl, const char *why)
{
	if (!cl->cl_closing)
		rs_log(cl, "closed", why);
	rs_hangup(cl);
	rs_close(cl);
}

/* Runs a decoded call in the kernel and writes its reply payload. */
static void
rs_execute(struct rs_call *call, struct rpc_wbuf *reply)
{
	long ret = -1;
	int error = call->refuse;

	if (error == 0) {
		ret = rump_server_dispatch(call->sysnum, call->a, call->p);
		error = ret == -1 ? errno : 0;
	}
	rump_server_encode(call, ret, error, reply);
}

/*
 * Decodes and runs a call, and sends its reply: on the socket, or into
 * the channel ch (the payload in its memory, decoded through copy).  A
 * malformed call hangs the client up.
 */
static void
rs_serve(struct rs_client *cl, struct rs_worker *w, uint64_t reqid,
    uint8_t *payload, size_t len, struct rs_chan *ch, uint8_t *copy)
{
	struct rpc_wbuf *reply = &w->w_reply;
	struct rs_call call;
	const char *why;
	int error;

	if (rs_hungup(cl))
		return;
	if (rump_server_decode(&call, payload, len, copy,
	    ch != NULL ? rs_chan_place(ch) : NULL, &why) != 0) {
		rs_log(cl, "closed: malformed call", why);
		rs_hangup(cl);
	} else {
		reply->rb_len = 0;
		reply->rb_nomem = false;
		reply->rb_nrefs = 0;
		reply->rb_reflen = 0;
		rpc_wbuf_room(reply, RUMP_RPC_HDRLEN);
		/* Only a read's data written at the place streams. */
		if (call.placed)
			rs_chan_watch(ch);
		rs_execute(&call, reply);
		if (call.placed)
			rs_chan_unwatch();
		error = ch != NULL ? rs_chan_reply(ch, reply, reqid) :
		    rs_send(cl, reply, RUMP_RPC_REPLY, reqid);
		if (error != 0)
			rs_hangup(cl);
	}
	rump_server_call_free(&call);
	if (reply->rb_cap > RS_KEEPREPLY) {
		free(reply->rb_data);
		*reply = (struct rpc_wbuf){ .rb_data = NULL };
	}
}

/* The socket wakes one idle worker again, for the next frame. */
static void
rs_arm(struct rs_client *cl)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
	    .data.u32 = RS_EV_SOCKET };

	if (epoll_ctl(cl->cl_epfd, EPOLL_CTL_MOD, cl->cl_fd, &ev) != 0) {
		rs_log(cl, "closed", "its socket cannot be watched");
		rs_hangup(cl);
	}
}

/* An idle worker's wait: RS_EV_SOCKET (the socket is ours to read) or RS_EV_STOP. */
static int
rs_wait(struct rs_client *cl)
{
	struct epoll_event ev;
	int n;

	do
		n = epoll_wait(cl->cl_epfd, &ev, 1, -1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? (int)ev.data.u32 : RS_EV_STOP;
}

/*
 * The call reqid is worker w's from now: an interrupt for it finds it.
 * Under cl_lock.
 */
static void
rs_begin(struct rs_worker *w, uint64_t reqid, bool interrupted)
{
	w->w_busy = true;
	w->w_reqid = reqid;
	/* Its first sleep ends at once, as if interrupted there. */
	if (interrupted) {
		w->w_interrupted = true;
		rs_proc_interrupt(w->w_cl->cl_pid, w->w_lid);
	}
}

/*
 * The call is over.  A worker whose thread was interrupted leaves it for
 * a new one: the interrupt may have come once the call was over, and
 * would end the next call's first sleep.  Called and returns under
 * cl_lock.
 */
static void
rs_end(struct rs_worker *w)
{
	struct rs_client *cl = w->w_cl;
	int error;

	w->w_busy = false;
	if (!w->w_interrupted)
		return;
	w->w_interrupted = false;
	pthread_mutex_unlock(&cl->cl_lock);
	rs_proc_leave();
	error = rs_proc_attach(cl->cl_pid, &w->w_lid);
	pthread_mutex_lock(&cl->cl_lock);
	if (error != 0) {
		w->w_attached = false;
		rs_fail(cl, "a worker cannot rejoin its process");
	}
}

/*
 * Runs the call reqid as worker w, rearming the socket first if it read
 * the call (the call is marked as running before the next frame can be
 * read: an interrupt for it finds it).  Called and returns under cl_lock.
 */
static void
rs_run(struct rs_worker *w, uint64_t reqid, bool interrupted, uint8_t *payload,
    size_t len, bool arm)
{
	struct rs_client *cl = w->w_cl;

	rs_begin(w, reqid, interrupted);
	pthread_mutex_unlock(&cl->cl_lock);
	if (arm)
		rs_arm(cl);
	rs_serve(cl, w, reqid, payload, len, NULL, NULL);
	pthread_mutex_lock(&cl->cl_lock);
	rs_end(w);
}

static void *rs_worker(void *arg);

static void
rs_worker_free(struct rs_worker *w)
{
	free(w->w_reply.rb_data);
	free(w->w_small);
	free(w);
}

/* A new worker, unless there are enough or the client closes.  Under cl_lock. */
static bool
rs_spawn(struct rs_client *cl)
{
	struct rs_worker *w;

	if (cl->cl_closing || cl->cl_nworkers == RS_PROC_MAXTHREADS)
		return false;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return false;
	w->w_cl = cl;
	w->w_small = malloc(RS_SMALLFRAME);
	if (w->w_small == NULL ||
	    pthread_create(&w->w_thread, NULL, rs_worker, w) != 0) {
		rs_worker_free(w);
		return false;
	}
	cl->cl_workers[cl->cl_nworkers++] = w;
	/* Idle from now: it waits for a frame as soon as it runs. */
	cl->cl_nidle++;
	return true;
}

/*
 * A frame: its header and its payload, into small (RS_SMALLFRAME bytes)
 * when it fits, else malloc'd, and the descriptors that came with it
 * (fds, RPC_MAXFDS of room: *nfdsp of them, ours to close, also on error).
 */
static int
rs_readframe(struct rs_client *cl, struct rump_rpc_hdr *h, uint8_t *small,
    uint8_t **payloadp, size_t *lenp, int *fds, int *nfdsp)
{
	uint8_t hb[RUMP_RPC_HDRLEN], *payload;
	char why[96];
	size_t len;
	int error;

	error = rump_rpc_readhdr_fds(cl->cl_fd, hb, sizeof(hb), fds, nfdsp);
	if (error == EBADMSG)
		rs_log(cl, "closed", "more descriptors than a frame carries");
	if (error != 0)
		return error;
	rpc_get_hdr(hb, h);
	if (h->rh_len < RUMP_RPC_HDRLEN || h->rh_len > RUMP_RPC_MAXFRAME) {
		snprintf(why, sizeof(why), "a frame of %u bytes (from %u to %u)",
		    h->rh_len, RUMP_RPC_HDRLEN, RUMP_RPC_MAXFRAME);
		rs_log(cl, "closed: bad frame length", why);
		return EBADMSG;
	}
	len = h->rh_len - RUMP_RPC_HDRLEN;
	payload = len <= RS_SMALLFRAME ? small : malloc(len);
	if (payload == NULL)
		return ENOMEM;
	error = rump_rpc_readall(cl->cl_fd, payload, len);
	if (error != 0) {
		if (payload != small)
			free(payload);
		return error;
	}
	*payloadp = payload;
	*lenp = len;
	return 0;
}

/*
 * What is wrong with a frame after the handshake, or NULL.  Descriptors
 * come with a channel request only, which only a client offered channels
 * sends.
 */
static const char *
rs_frame_check(const struct rs_client *cl, const struct rump_rpc_hdr *h,
    size_t len, int nfds)
{
	if (h->rh_version != RUMP_RPC_VERSION)
		return "a frame of another protocol version";
	if (h->rh_type == RUMP_RPC_CHANNEL)
		return (cl->cl_features & RUMP_RPC_FEAT_CHANNEL) != 0 ? NULL :
		    "a channel request from a client offered none";
	if (nfds > 0)
		return "descriptors with a frame that takes none";
	if (h->rh_type == RUMP_RPC_CALL ||
	    ((h->rh_type == RUMP_RPC_INTERRUPT ||
	    h->rh_type == RUMP_RPC_PREFORK) && len == 0))
		return NULL;
	return "a frame of a type a client does not send";
}

/*
 * The process of a client whose hello came: a new one, or for a fork
 * handshake the copy its cookie names.
 */
static int
rs_hello_proc(struct rs_client *cl, uint16_t type,
    const struct rump_rpc_cookie *ck)
{
	if (type == RUMP_RPC_FORKHANDSHAKE)
		return rs_fork_claim(cl->cl_srv, ck, &cl->cl_pid);
	return rs_proc_create(cl->cl_uid, cl->cl_gid, &cl->cl_pid);
}

/*
 * The handshake: hello (and for a fork handshake, a cookie) in, the
 * process made or claimed, welcome out.  A client of another version is
 * told ours and closed; one whose cookie names no copy is refused
 * (ESRCH).
 */
static int
rs_handshake(struct rs_client *cl)
{
	struct rpc_wbuf b = { .rb_data = NULL };
	struct rump_rpc_welcome wel = { .rw_pid = 0 };
	struct rump_rpc_cookie ck;
	struct rump_rpc_hello hello;
	struct rump_rpc_hdr h;
	struct rpc_rcur c;
	uint8_t *small, *payload;
	size_t len;
	int error, refuse = 0, fds[RPC_MAXFDS], nfds;
	bool fork;

	small = malloc(RS_SMALLFRAME);
	if (small == NULL)
		return ENOMEM;
	error = rs_readframe(cl, &h, small, &payload, &len, fds, &nfds);
	rs_closefds(fds, nfds);
	if (error != 0) {
		free(small);
		return error;
	}
	c = (struct rpc_rcur){ .rc_p = payload, .rc_left = len };
	/* Read for its form only: the credentials are not the client's to say. */
	rpc_get_hello(&c, &hello);
	fork = h.rh_type == RUMP_RPC_FORKHANDSHAKE;
	if (fork)
		rpc_get_cookie(&c, &ck);
	if (payload != small)
		free(payload);
	free(small);
	if ((h.rh_type != RUMP_RPC_HANDSHAKE && !fork) || c.rc_bad ||
	    c.rc_left != 0 || nfds > 0) {
		rs_log(cl, "closed", "no handshake");
		return EBADMSG;
	}
	if (h.rh_version != RUMP_RPC_VERSION) {
		rs_log(cl, "closed", "protocol version mismatch");
		refuse = EPROTONOSUPPORT;
	} else
		refuse = rs_hello_proc(cl, h.rh_type, &ck);
	rpc_wbuf_room(&b, RUMP_RPC_HDRLEN);
	wel.rw_error = refuse;
	if (refuse == 0)
		wel.rw_pid = (uint32_t)cl->cl_pid;
	/* Descriptors pass over a unix socket only. */
	cl->cl_features = hello.rhe_features & RUMP_RPC_FEAT_FORK;
	if (cl->cl_srv->isunix)
		cl->cl_features |= hello.rhe_features & RUMP_RPC_FEAT_CHANNEL;
	wel.rw_features = cl->cl_features;
	rpc_put_welcome(&b, &wel);
	error = rs_send(cl, &b, RUMP_RPC_HANDSHAKE, h.rh_reqid);
	free(b.rb_data);
	return refuse != 0 ? refuse : error;
}

/*
 * Queues a call (its payload malloc'd, now the queue's) for the first
 * worker to finish.  A client with more calls waiting than RS_MAXQUEUED
 * (on top of the ones running) is closed: what it makes the server hold
 * stays bounded.  Under cl_lock.
 */
static void
rs_queue(struct rs_client *cl, uint64_t reqid, uint8_t *payload, size_t len)
{
	struct rs_job *j;

	if (cl->cl_nqueued >= RS_MAXQUEUED) {
		free(payload);
		rs_fail(cl, "too many calls waiting");
		return;
	}
	j = malloc(sizeof(*j));
	if (j == NULL) {
		free(payload);
		rs_fail(cl, "out of memory");
		return;
	}
	*j = (struct rs_job){ .j_reqid = reqid, .j_payload = payload,
	    .j_len = len };
	*cl->cl_tail = j;
	cl->cl_tail = &j->j_next;
	cl->cl_nqueued++;
}

/* A queued call for a worker, or NULL.  Under cl_lock. */
static struct rs_job *
rs_dequeue(struct rs_client *cl)
{
	struct rs_job *j = cl->cl_head;

	if (j == NULL)
		return NULL;
	cl->cl_head = j->j_next;
	if (cl->cl_head == NULL)
		cl->cl_tail = &cl->cl_head;
	cl->cl_nqueued--;
	return j;
}

/* A copy of a payload read into a worker's buffer, for the queue. */
static uint8_t *
rs_keep(struct rs_worker *w, uint8_t *payload, size_t len)
{
	uint8_t *copy;

	if (payload != w->w_small)
		return payload;
	copy = malloc(len > 0 ? len : 1);
	if (copy != NULL && len > 0)
		memcpy(copy, payload, len);
	return copy;
}

/* The call reqid, queued or running, ends with EINTR where it sleeps. */
static void
rs_interrupt(struct rs_client *cl, uint64_t reqid)
{
	struct rs_worker *w;
	struct rs_job *j;
	int i;

	bool found = false;

	for (j = cl->cl_head; j != NULL; j = j->j_next)
		if (j->j_reqid == reqid)
			found = j->j_interrupted = true;
	for (i = 0; i < cl->cl_nworkers; i++) {
		w = cl->cl_workers[i];
		if (w->w_busy && w->w_reqid == reqid) {
			found = w->w_interrupted = true;
			rs_proc_interrupt(cl->cl_pid, w->w_lid);
		}
	}
	/*
	 * Over, or still in its channel: kept for rs_early() (a client's
	 * ids are never reused, so one that was over is never asked for).
	 */
	if (!found)
		cl->cl_early[cl->cl_nearly++ % RS_EARLYINTR] = reqid;
}

/* Whether the call reqid was interrupted before it began.  Under cl_lock. */
static bool
rs_early(struct rs_client *cl, uint64_t reqid)
{
	unsigned int i;

	for (i = 0; i < RS_EARLYINTR && i < cl->cl_nearly; i++)
		if (cl->cl_early[i] == reqid) {
			/* Once: a later id that happens to match finds nothing. */
			cl->cl_early[i] = UINT64_MAX;
			return true;
		}
	return false;
}

/*
 * Serves the client thread of channel ch until it is gone, the client
 * breaks the protocol or the connection ends; the channel is closed
 * after.  Called and returns under cl_lock.
 */
static void
rs_chan_serve(struct rs_worker *w, struct rs_chan *ch)
{
	struct rs_client *cl = w->w_cl;
	const char *why = NULL;
	uint8_t *payload, *copy;
	uint64_t reqid;
	size_t len;
	int what;

	while (!cl->cl_closing && w->w_attached && !rs_hungup(cl)) {
		pthread_mutex_unlock(&cl->cl_lock);
		what = rs_chan_next(ch, cl->cl_stopfd, &reqid, &payload, &copy,
		    &len, &why);
		pthread_mutex_lock(&cl->cl_lock);
		if (what == RS_CHAN_BAD)
			rs_fail(cl, why);
		if (what != RS_CHAN_CALL || cl->cl_closing)
			break;
		rs_begin(w, reqid, rs_early(cl, reqid));
		pthread_mutex_unlock(&cl->cl_lock);
		rs_serve(cl, w, reqid, payload, len, ch, copy);
		pthread_mutex_lock(&cl->cl_lock);
		rs_end(w);
	}
	pthread_mutex_unlock(&cl->cl_lock);
	rs_chan_close(ch);
	pthread_mutex_lock(&cl->cl_lock);
}

/*
 * The answer to a channel request (0, or why the thread stays on the
 * socket) or a prefork (0 and the cookie ck, or why not).
 */
static void
rs_answer(struct rs_client *cl, uint64_t reqid, int refuse,
    const struct rump_rpc_cookie *ck)
{
	struct rpc_wbuf b = { .rb_data = NULL };

	rpc_wbuf_room(&b, RUMP_RPC_HDRLEN);
	rpc_put_replyhdr(&b, &(struct rump_rpc_replyhdr){ .rr_error = refuse });
	if (refuse == 0 && ck != NULL)
		rpc_put_cookie(&b, ck);
	if (rs_send(cl, &b, RUMP_RPC_REPLY, reqid) != 0)
		rs_hangup(cl);
	free(b.rb_data);
}

/*
 * A prefork, read by worker w, which is a thread of the client's process
 * and so makes the copy: answered with its cookie, or EAGAIN when the
 * client holds RS_MAXFORKS copies nobody claimed.  Called and returns
 * under cl_lock.
 */
static void
rs_prefork(struct rs_worker *w, uint64_t reqid)
{
	struct rs_client *cl = w->w_cl;
	struct rump_rpc_cookie ck;
	int error;

	pthread_mutex_unlock(&cl->cl_lock);
	rs_arm(cl);
	error = rs_fork_make(cl->cl_srv, cl, &ck);
	rs_answer(cl, reqid, error, &ck);
	pthread_mutex_lock(&cl->cl_lock);
}

/*
 * Whether the client may have one channel more: it has fewer than
 * RS_MAXCHANNELS, the program fewer than rump_server_maxchannels() (one
 * is reserved), and a worker other than w is there to read the socket.
 * Under cl_lock.
 */
static bool
rs_chan_admit(struct rs_client *cl)
{
	if (cl->cl_nchannels == RS_MAXCHANNELS || !rs_chan_reserve())
		return false;
	if (cl->cl_nidle == 0 && !rs_spawn(cl)) {
		rs_chan_unreserve();
		return false;
	}
	return true;
}

/*
 * A channel request, read by worker w: w becomes the server of the
 * channel, once another worker is there to read the socket, until the
 * channel closes; then it is an idle worker again.  A client refused
 * one by rs_chan_admit() is answered EAGAIN: the thread stays on the
 * socket and asks again later.  Called and returns under cl_lock.
 */
static void
rs_channel(struct rs_worker *w, uint64_t reqid, uint8_t *payload, size_t len,
    int *fds, int nfds)
{
	struct rs_client *cl = w->w_cl;
	struct rs_chan *ch = NULL;
	const char *why = NULL;
	int refuse = EAGAIN;

	if (!rs_chan_admit(cl))
		rs_closefds(fds, nfds);
	else if (rs_chan_open(fds, nfds, payload, len, &ch, &refuse,
	    &why) != 0) {
		rs_chan_unreserve();
		rs_fail(cl, why);
		return;
	} else if (ch == NULL)
		rs_chan_unreserve();
	/* Counted before the answer: the next request may follow it at once. */
	if (ch != NULL)
		cl->cl_nchannels++;
	pthread_mutex_unlock(&cl->cl_lock);
	rs_arm(cl);
	rs_answer(cl, reqid, refuse, NULL);
	pthread_mutex_lock(&cl->cl_lock);
	if (ch == NULL)
		return;
	rs_chan_serve(w, ch);
	cl->cl_nchannels--;
	rs_chan_unreserve();
}

/*
 * As an idle worker: waits until the socket is ours to read, reads a
 * frame and acts on it.  A call is run here if another worker is idle
 * (or a new one starts) for the next frame, else queued.  True if it ran
 * a call.  Called and returns under cl_lock.
 */
static bool
rs_next(struct rs_worker *w)
{
	struct rs_client *cl = w->w_cl;
	struct rump_rpc_hdr h;
	const char *why = NULL;
	uint8_t *payload = NULL;
	size_t len = 0;
	int error = ESHUTDOWN, fds[RPC_MAXFDS], nfds = 0;

	cl->cl_nidle++;
	pthread_mutex_unlock(&cl->cl_lock);
	if (rs_wait(cl) == RS_EV_SOCKET)
		error = rs_readframe(cl, &h, w->w_small, &payload, &len, fds,
		    &nfds);
	pthread_mutex_lock(&cl->cl_lock);
	cl->cl_nidle--;
	if (error == 0)
		why = rs_frame_check(cl, &h, len, nfds);
	if (error != 0 || why != NULL || rs_hungup(cl) || cl->cl_closing) {
		rs_closefds(fds, nfds);
		if (payload != w->w_small)
			free(payload);
		if (why != NULL)
			rs_fail(cl, why);
		rs_hangup(cl);
		rs_close(cl);
		return false;
	}
	if (h.rh_type == RUMP_RPC_CHANNEL) {
		rs_channel(w, h.rh_reqid, payload, len, fds, nfds);
		if (payload != w->w_small)
			free(payload);
		return false;
	}
	if (h.rh_type == RUMP_RPC_PREFORK) {
		rs_prefork(w, h.rh_reqid);
		return false;
	}
	if (h.rh_type == RUMP_RPC_CALL && (cl->cl_nidle > 0 || rs_spawn(cl))) {
		rs_run(w, h.rh_reqid, false, payload, len, true);
		if (payload != w->w_small)
			free(payload);
		return true;
	}
	if (h.rh_type == RUMP_RPC_INTERRUPT)
		rs_interrupt(cl, h.rh_reqid);
	else if ((payload = rs_keep(w, payload, len)) != NULL)
		rs_queue(cl, h.rh_reqid, payload, len);
	else
		rs_fail(cl, "out of memory");
	pthread_mutex_unlock(&cl->cl_lock);
	rs_arm(cl);
	pthread_mutex_lock(&cl->cl_lock);
	return false;
}

static void *
rs_worker(void *arg)
{
	struct rs_worker *w = arg;
	struct rs_client *cl = w->w_cl;
	struct rs_job *j;
	bool ran;
	int error;

	error = rs_proc_attach(cl->cl_pid, &w->w_lid);
	pthread_mutex_lock(&cl->cl_lock);
	cl->cl_nidle--;		/* counted from its start; rs_next counts it again */
	w->w_attached = error == 0;
	if (error != 0)
		rs_fail(cl, "a worker cannot join its process");
	while (!cl->cl_closing && w->w_attached) {
		ran = rs_next(w);
		while (ran && !cl->cl_closing && w->w_attached &&
		    (j = rs_dequeue(cl)) != NULL) {
			rs_run(w, j->j_reqid, j->j_interrupted, j->j_payload,
			    j->j_len, false);
			free(j->j_payload);
			free(j);
		}
	}
	pthread_mutex_unlock(&cl->cl_lock);
	if (w->w_attached)
		rs_proc_leave();
	return NULL;
}

/* After the handshake: the socket wakes an idle worker when readable. */
static int
rs_watch(struct rs_client *cl)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
	    .data.u32 = RS_EV_SOCKET };

	return epoll_ctl(cl->cl_epfd, EPOLL_CTL_ADD, cl->cl_fd, &ev) == 0 ?
	    0 : errno;
}

static void *
rs_main(void *arg)
{
	struct rs_client *cl = arg;
	struct rs_job *j;
	bool welcomed;
	int i, n;

	welcomed = rs_handshake(cl) == 0;
	pthread_mutex_lock(&cl->cl_lock);
	if (welcomed && rs_watch(cl) != 0)
		rs_fail(cl, "its socket cannot be watched");
	else if (welcomed && !rs_spawn(cl))
		rs_fail(cl, "no thread to serve it");
	while (cl->cl_nworkers > 0 && !cl->cl_closing)
		pthread_cond_wait(&cl->cl_cv, &cl->cl_lock);
	rs_hangup(cl);
	rs_close(cl);
	n = cl->cl_nworkers;
	pthread_mutex_unlock(&cl->cl_lock);
	if (cl->cl_pid > 0)
		rs_proc_exit(cl->cl_pid);
	for (i = 0; i < n; i++) {
		pthread_join(cl->cl_workers[i]->w_thread, NULL);
		rs_worker_free(cl->cl_workers[i]);
	}
	while ((j = rs_dequeue(cl)) != NULL) {
		free(j->j_payload);
		free(j);
	}
	/* No worker is left to make one more. */
	rs_fork_drop(cl->cl_srv, cl);
	if (cl->cl_srv->verbose)
		rs_log(cl, "gone", "disconnected");
	pthread_mutex_lock(&cl->cl_srv->lock);
	cl->cl_gone = true;
	pthread_mutex_unlock(&cl->cl_srv->lock);
	return NULL;
}

/* Who the client is: the socket says, for a unix socket. */
static void
rs_peercred(struct rs_client *cl)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	cl->cl_uid = 0;
	cl->cl_gid = 0;
	if (cl->cl_srv->isunix &&
	    getsockopt(cl->cl_fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0) {
		cl->cl_uid = uc.uid;
		cl->cl_gid = uc.gid;
	}
}

/* The epoll set idle workers wait in, with the eventfd that stops them. */
static int
rs_events(struct rs_client *cl)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = RS_EV_STOP };

	cl->cl_epfd = epoll_create1(EPOLL_CLOEXEC);
	cl->cl_stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (cl->cl_epfd < 0 || cl->cl_stopfd < 0 ||
	    epoll_ctl(cl->cl_epfd, EPOLL_CTL_ADD, cl->cl_stopfd, &ev) != 0)
		return errno;
	return 0;
}

static void
rs_client_destroy(struct rs_client *cl)
{
	if (cl->cl_epfd >= 0)
		close(cl->cl_epfd);
	if (cl->cl_stopfd >= 0)
		close(cl->cl_stopfd);
	pthread_mutex_destroy(&cl->cl_lock);
	pthread_mutex_destroy(&cl->cl_wlock);
	pthread_cond_destroy(&cl->cl_cv);
	free(cl);
}

int
rs_client_start(struct rump_server *srv, int fd)
{
	struct rs_client *cl = calloc(1, sizeof(*cl));
	int error;

	if (cl == NULL)
		return ENOMEM;
	cl->cl_srv = srv;
	cl->cl_fd = fd;
	cl->cl_tail = &cl->cl_head;
	pthread_mutex_init(&cl->cl_lock, NULL);
	pthread_mutex_init(&cl->cl_wlock, NULL);
	pthread_cond_init(&cl->cl_cv, NULL);
	rs_peercred(cl);
	error = rs_events(cl);
	if (error != 0) {
		rs_client_destroy(cl);
		return error;
	}
	pthread_mutex_lock(&srv->lock);
	cl->cl_id = ++srv->nextid;
	error = pthread_create(&cl->cl_main, NULL, rs_main, cl);
	if (error == 0) {
		cl->cl_next = srv->clients;
		srv->clients = cl;
	}
	pthread_mutex_unlock(&srv->lock);
	if (error != 0)
		rs_client_destroy(cl);
	return error;
}

static void
rs_client_free(struct rs_client *cl)
{
	pthread_join(cl->cl_main, NULL);
	close(cl->cl_fd);
	rs_client_destroy(cl);
}

void
rs_client_reap(struct rump_server *srv, bool all)
{
	struct rs_client **pp, *cl, *gone = NULL;

	pthread_mutex_lock(&srv->lock);
	for (pp = &srv->clients; (cl = *pp) != NULL;) {
		if (all && !cl->cl_gone)
			rs_hangup(cl);
		if (all || cl->cl_gone) {
			*pp = cl->cl_next;
			cl->cl_next = gone;
			gone = cl;
		} else
			pp = &cl->cl_next;
	}
	pthread_mutex_unlock(&srv->lock);
	while ((cl = gone) != NULL) {
		gone = cl->cl_next;
		rs_client_free(cl);
	}
}
