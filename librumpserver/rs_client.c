/*
 * One remote client: a connection, a process in the kernel, and threads.
 *
 * The client's main thread does the handshake, whose answer carries the
 * pid of the process made for the client, then starts the first worker
 * and waits for the connection to end.  Workers are threads attached to
 * that process (up to RS_PROC_MAXTHREADS), organised as leader and
 * followers: one of them at a time reads the socket.  When the reader
 * has read a call it hands the reading on (it wakes an idle worker, or
 * starts one) and runs the call itself, so a call is served by the
 * thread that read it, with no hand-off on its way, while a call that
 * blocks never leaves the socket unread: the next request always has a
 * thread.  Only when every worker is busy does the reader queue a call
 * and read on; a worker that finishes takes queued calls first.  A
 * malformed call closes the connection with one log line.  An interrupt
 * frame interrupts the worker running the call it names (or marks the
 * call, if queued); a worker whose call was interrupted gets a new
 * thread in the kernel before its next call, so an interrupt that came
 * too late for its call cannot end the next one.
 *
 * When the connection ends (the client closed it, broke the protocol, or
 * the server stops), the main thread ends the process, which wakes every
 * call blocked in it with EINTR, waits for its workers to leave it (its
 * descriptors close with the last) and marks the client gone for
 * rs_client_reap().
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rs_proc.h"
#include "rumpserver_private.h"
#include "librumpclient/rpc_io.h"

/* Calls of one client waiting for a worker, at most. */
#define RS_MAXQUEUED	256

/* A call frame this small is read into its worker's buffer, no malloc. */
#define RS_SMALLFRAME	4096

/* A reply buffer that grew beyond this is freed after its call. */
#define RS_KEEPREPLY	65536

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
	pthread_cond_t	w_cv;		/* woken from idle */
	int		w_lid;		/* its thread in the kernel */
	bool		w_idle;		/* on the idle list, waiting on w_cv */
	bool		w_busy;		/* running the call w_reqid */
	bool		w_interrupted;	/* its thread was interrupted */
	bool		w_attached;	/* to the client's process */
	uint64_t	w_reqid;
	struct rs_worker *w_nextidle;
	uint8_t		*w_small;	/* RS_SMALLFRAME bytes */
	struct rpc_wbuf	w_reply;	/* kept from call to call */
};

struct rs_client {
	struct rump_server *cl_srv;
	int		cl_fd;
	unsigned int	cl_id;
	uid_t		cl_uid;
	gid_t		cl_gid;
	pthread_t	cl_main;
	pthread_mutex_t	cl_lock;	/* everything below */
	pthread_cond_t	cl_cv;		/* closing */
	pthread_mutex_t	cl_wlock;	/* one reply written at a time */
	struct rs_job	*cl_head, **cl_tail;
	int		cl_nqueued;
	struct rs_worker *cl_workers[RS_PROC_MAXTHREADS];
	int		cl_nworkers;
	struct rs_worker *cl_idle;	/* waiting to be woken */
	bool		cl_reading;	/* a worker reads the socket */
	pid_t		cl_pid;		/* 0 until the handshake made it */
	bool		cl_closing;	/* no more calls: workers leave */
	bool		cl_gone;	/* the main thread is done: reap */
	bool		cl_hungup;	/* closed by us: nothing more is served */
	struct rs_client *cl_next;
};

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
	rpc_put_hdr(b->rb_data, (uint32_t)b->rb_len, type, id);
	pthread_mutex_lock(&cl->cl_wlock);
	error = rump_rpc_writeall(cl->cl_fd, b->rb_data, b->rb_len);
	pthread_mutex_unlock(&cl->cl_wlock);
	return error;
}

/*
 * Ends the connection: the reader sees it and winds the client down;
 * calls already read are not served.
 */
static void
rs_hangup(struct rs_client *cl)
{
	__atomic_store_n(&cl->cl_hungup, true, __ATOMIC_RELAXED);
	shutdown(cl->cl_fd, SHUT_RDWR);
}

static bool
rs_hungup(struct rs_client *cl)
{
	return __atomic_load_n(&cl->cl_hungup, __ATOMIC_RELAXED);
}

/* No more calls: idle workers wake and leave, the main thread winds down. */
static void
rs_close(struct rs_client *cl)
{
	struct rs_worker *w;

	cl->cl_closing = true;
	while ((w = cl->cl_idle) != NULL) {
		cl->cl_idle = w->w_nextidle;
		w->w_idle = false;
		pthread_cond_signal(&w->w_cv);
	}
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

static void
rs_serve(struct rs_client *cl, struct rs_worker *w, uint64_t reqid,
    uint8_t *payload, size_t len)
{
	struct rpc_wbuf *reply = &w->w_reply;
	struct rs_call call;
	const char *why;

	if (rs_hungup(cl))
		return;
	if (rump_server_decode(&call, payload, len, &why) != 0) {
		rs_log(cl, "closed: malformed call", why);
		rs_hangup(cl);
	} else {
		reply->rb_len = 0;
		reply->rb_nomem = false;
		rpc_wbuf_room(reply, RUMP_RPC_HDRLEN);
		rs_execute(&call, reply);
		if (rs_send(cl, reply, RUMP_RPC_REPLY, reqid) != 0)
			rs_hangup(cl);
	}
	rump_server_call_free(&call);
	if (reply->rb_cap > RS_KEEPREPLY) {
		free(reply->rb_data);
		*reply = (struct rpc_wbuf){ .rb_data = NULL };
	}
}

/*
 * Runs the call reqid as worker w.  Called and returns under cl_lock.  A
 * worker whose thread was interrupted leaves it for a new one: the
 * interrupt may have come once the call was over, and would end the
 * next call's first sleep.
 */
static void
rs_run(struct rs_worker *w, uint64_t reqid, bool interrupted, uint8_t *payload,
    size_t len)
{
	struct rs_client *cl = w->w_cl;
	int error;

	w->w_busy = true;
	w->w_reqid = reqid;
	/* Its first sleep ends at once, as if interrupted there. */
	if (interrupted) {
		w->w_interrupted = true;
		rs_proc_interrupt(cl->cl_pid, w->w_lid);
	}
	pthread_mutex_unlock(&cl->cl_lock);
	rs_serve(cl, w, reqid, payload, len);
	pthread_mutex_lock(&cl->cl_lock);
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

static void *rs_worker(void *arg);

static void
rs_worker_free(struct rs_worker *w)
{
	pthread_cond_destroy(&w->w_cv);
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
	pthread_cond_init(&w->w_cv, NULL);
	if (w->w_small == NULL ||
	    pthread_create(&w->w_thread, NULL, rs_worker, w) != 0) {
		rs_worker_free(w);
		return false;
	}
	cl->cl_workers[cl->cl_nworkers++] = w;
	return true;
}

/*
 * The reading passes to another thread: an idle worker woken, or a new
 * one.  False if there is none (every worker is busy).  Under cl_lock.
 */
static bool
rs_handover(struct rs_client *cl)
{
	struct rs_worker *w = cl->cl_idle;

	if (w == NULL)
		return rs_spawn(cl);
	cl->cl_idle = w->w_nextidle;
	w->w_idle = false;
	pthread_cond_signal(&w->w_cv);
	return true;
}

/* Waits until woken: to read, to take a queued call, or to leave. */
static void
rs_idle(struct rs_worker *w)
{
	struct rs_client *cl = w->w_cl;

	w->w_idle = true;
	w->w_nextidle = cl->cl_idle;
	cl->cl_idle = w;
	while (w->w_idle)
		pthread_cond_wait(&w->w_cv, &cl->cl_lock);
}

/*
 * A frame: its header and its payload, into small (RS_SMALLFRAME bytes)
 * when it fits, else malloc'd.
 */
static int
rs_readframe(struct rs_client *cl, struct rump_rpc_hdr *h, uint8_t *small,
    uint8_t **payloadp, size_t *lenp)
{
	uint8_t hb[RUMP_RPC_HDRLEN], *payload;
	char why[96];
	size_t len;
	int error;

	error = rump_rpc_readall(cl->cl_fd, hb, sizeof(hb));
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

/* What is wrong with a frame after the handshake, or NULL. */
static const char *
rs_frame_check(const struct rump_rpc_hdr *h, size_t len)
{
	if (h->rh_version != RUMP_RPC_VERSION)
		return "a frame of another protocol version";
	if (h->rh_type == RUMP_RPC_CALL ||
	    (h->rh_type == RUMP_RPC_INTERRUPT && len == 0))
		return NULL;
	return "a frame of a type a client does not send";
}

/*
 * The handshake: hello in, the process made, welcome out.  A client of
 * another version is told ours and closed.
 */
static int
rs_handshake(struct rs_client *cl)
{
	struct rpc_wbuf b = { .rb_data = NULL };
	struct rump_rpc_welcome wel = { .rw_pid = 0 };
	struct rump_rpc_hello hello;
	struct rump_rpc_hdr h;
	struct rpc_rcur c;
	uint8_t *small, *payload;
	size_t len;
	int error, refuse = 0;

	small = malloc(RS_SMALLFRAME);
	if (small == NULL)
		return ENOMEM;
	error = rs_readframe(cl, &h, small, &payload, &len);
	if (error != 0) {
		free(small);
		return error;
	}
	c = (struct rpc_rcur){ .rc_p = payload, .rc_left = len };
	/* Read for its form only: the credentials are not the client's to say. */
	rpc_get_hello(&c, &hello);
	if (payload != small)
		free(payload);
	free(small);
	if (h.rh_type != RUMP_RPC_HANDSHAKE || c.rc_bad || c.rc_left != 0) {
		rs_log(cl, "closed", "no handshake");
		return EBADMSG;
	}
	if (h.rh_version != RUMP_RPC_VERSION) {
		rs_log(cl, "closed", "protocol version mismatch");
		refuse = EPROTONOSUPPORT;
	} else
		refuse = rs_proc_create(cl->cl_uid, cl->cl_gid, &cl->cl_pid);
	rpc_wbuf_room(&b, RUMP_RPC_HDRLEN);
	wel.rw_error = refuse;
	if (refuse == 0)
		wel.rw_pid = (uint32_t)cl->cl_pid;
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

	for (j = cl->cl_head; j != NULL; j = j->j_next)
		if (j->j_reqid == reqid)
			j->j_interrupted = true;
	for (i = 0; i < cl->cl_nworkers; i++) {
		w = cl->cl_workers[i];
		if (w->w_busy && w->w_reqid == reqid) {
			w->w_interrupted = true;
			rs_proc_interrupt(cl->cl_pid, w->w_lid);
		}
	}
}

/*
 * As the client's reader: frames read and acted on until a call is run
 * here, once another thread reads in our place (or the connection ends).
 * While every worker is busy, calls are queued and reading goes on.
 * Called and returns under cl_lock.
 */
static void
rs_lead(struct rs_worker *w)
{
	struct rs_client *cl = w->w_cl;
	struct rump_rpc_hdr h;
	const char *why = NULL;
	uint8_t *payload;
	size_t len = 0;
	int error;

	cl->cl_reading = true;
	for (;;) {
		payload = NULL;
		pthread_mutex_unlock(&cl->cl_lock);
		error = rs_readframe(cl, &h, w->w_small, &payload, &len);
		pthread_mutex_lock(&cl->cl_lock);
		if (error == 0)
			why = rs_frame_check(&h, len);
		if (error != 0 || why != NULL || rs_hungup(cl) || cl->cl_closing)
			break;
		if (h.rh_type == RUMP_RPC_INTERRUPT) {
			rs_interrupt(cl, h.rh_reqid);
			continue;
		}
		cl->cl_reading = false;
		if (rs_handover(cl)) {
			rs_run(w, h.rh_reqid, false, payload, len);
			if (payload != w->w_small)
				free(payload);
			return;
		}
		cl->cl_reading = true;
		payload = rs_keep(w, payload, len);
		if (payload == NULL) {
			why = "out of memory";
			break;
		}
		rs_queue(cl, h.rh_reqid, payload, len);
		payload = NULL;
		if (cl->cl_closing)
			break;
	}
	cl->cl_reading = false;
	if (payload != w->w_small)
		free(payload);
	if (why != NULL)
		rs_fail(cl, why);
	rs_hangup(cl);
	rs_close(cl);
}

static void *
rs_worker(void *arg)
{
	struct rs_worker *w = arg;
	struct rs_client *cl = w->w_cl;
	struct rs_job *j;
	int error;

	error = rs_proc_attach(cl->cl_pid, &w->w_lid);
	pthread_mutex_lock(&cl->cl_lock);
	w->w_attached = error == 0;
	if (error != 0)
		rs_fail(cl, "a worker cannot join its process");
	while (!cl->cl_closing && w->w_attached) {
		if ((j = rs_dequeue(cl)) != NULL) {
			rs_run(w, j->j_reqid, j->j_interrupted, j->j_payload,
			    j->j_len);
			free(j->j_payload);
			free(j);
		} else if (!cl->cl_reading)
			rs_lead(w);
		else
			rs_idle(w);
	}
	pthread_mutex_unlock(&cl->cl_lock);
	if (w->w_attached)
		rs_proc_leave();
	return NULL;
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
	if (welcomed && !rs_spawn(cl))
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
	pthread_mutex_lock(&srv->lock);
	cl->cl_id = ++srv->nextid;
	error = pthread_create(&cl->cl_main, NULL, rs_main, cl);
	if (error == 0) {
		cl->cl_next = srv->clients;
		srv->clients = cl;
	}
	pthread_mutex_unlock(&srv->lock);
	if (error != 0) {
		pthread_mutex_destroy(&cl->cl_lock);
		pthread_mutex_destroy(&cl->cl_wlock);
		pthread_cond_destroy(&cl->cl_cv);
		free(cl);
	}
	return error;
}

static void
rs_client_free(struct rs_client *cl)
{
	pthread_join(cl->cl_main, NULL);
	close(cl->cl_fd);
	pthread_mutex_destroy(&cl->cl_lock);
	pthread_mutex_destroy(&cl->cl_wlock);
	pthread_cond_destroy(&cl->cl_cv);
	free(cl);
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
