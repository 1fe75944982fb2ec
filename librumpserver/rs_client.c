/*
 * One remote client: a connection, a process in the kernel, and threads.
 *
 * The client's reader thread reads frames.  The first must be the
 * handshake; its answer carries the pid of the process made for the
 * client.  Each call is queued for a worker thread attached to that
 * process: an idle one takes it, or a new one starts (up to
 * RS_PROC_MAXTHREADS), so a call that blocks holds up only the client
 * thread that made it.  Workers decode, run the call, and write the
 * reply; a malformed call closes the connection with one log line.  An
 * interrupt frame interrupts the worker running the call it names.
 *
 * When the connection ends (the client closed it, broke the protocol, or
 * the server stops), the reader ends the process, which wakes every call
 * blocked in it with EINTR, waits for its workers to leave it (its
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
	uint64_t	w_reqid;
};

struct rs_client {
	struct rump_server *cl_srv;
	int		cl_fd;
	unsigned int	cl_id;
	uid_t		cl_uid;
	gid_t		cl_gid;
	pthread_t	cl_reader;
	pthread_mutex_t	cl_lock;	/* everything below */
	pthread_cond_t	cl_cv;		/* jobs came, a worker changed state */
	pthread_mutex_t	cl_wlock;	/* one reply written at a time */
	struct rs_job	*cl_head, **cl_tail;
	int		cl_nqueued;
	struct rs_worker cl_workers[RS_PROC_MAXTHREADS];
	int		cl_nworkers, cl_nidle;
	int		cl_nstarting;	/* created, not yet waiting for calls */
	pid_t		cl_pid;		/* 0 until the handshake made it */
	bool		cl_closing;	/* no more jobs: workers leave */
	bool		cl_gone;	/* the reader is done: reap */
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
rs_serve(struct rs_client *cl, struct rs_job *j)
{
	struct rpc_wbuf reply = { .rb_data = NULL };
	struct rs_call call;
	const char *why;

	if (rs_hungup(cl))
		memset(&call, 0, sizeof(call));
	else if (rump_server_decode(&call, j->j_payload, j->j_len, &why) != 0) {
		rs_log(cl, "closed: malformed call", why);
		rs_hangup(cl);
	} else {
		rpc_wbuf_room(&reply, RUMP_RPC_HDRLEN);
		rs_execute(&call, &reply);
		if (rs_send(cl, &reply, RUMP_RPC_REPLY, j->j_reqid) != 0)
			rs_hangup(cl);
	}
	rump_server_call_free(&call);
	free(reply.rb_data);
	free(j->j_payload);
	free(j);
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
	cl->cl_nstarting--;
	while (error == 0) {
		while (cl->cl_head == NULL && !cl->cl_closing) {
			cl->cl_nidle++;
			pthread_cond_wait(&cl->cl_cv, &cl->cl_lock);
			cl->cl_nidle--;
		}
		j = cl->cl_head;
		if (j == NULL)
			break;
		cl->cl_head = j->j_next;
		if (cl->cl_head == NULL)
			cl->cl_tail = &cl->cl_head;
		cl->cl_nqueued--;
		w->w_busy = true;
		w->w_reqid = j->j_reqid;
		/* Its first sleep ends at once, as if interrupted there. */
		if (j->j_interrupted)
			rs_proc_interrupt(cl->cl_pid, w->w_lid);
		pthread_mutex_unlock(&cl->cl_lock);
		rs_serve(cl, j);
		pthread_mutex_lock(&cl->cl_lock);
		w->w_busy = false;
	}
	pthread_mutex_unlock(&cl->cl_lock);
	if (error == 0)
		rs_proc_leave();
	return NULL;
}

/* Under cl_lock. */
static void
rs_spawn(struct rs_client *cl)
{
	struct rs_worker *w = &cl->cl_workers[cl->cl_nworkers];

	*w = (struct rs_worker){ .w_cl = cl };
	/* Without a new thread the call waits for a busy one. */
	if (pthread_create(&w->w_thread, NULL, rs_worker, w) == 0) {
		cl->cl_nworkers++;
		cl->cl_nstarting++;
	}
}

static int
rs_readframe(struct rs_client *cl, struct rump_rpc_hdr *h, uint8_t **payloadp,
    size_t *lenp)
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
	payload = malloc(len > 0 ? len : 1);
	if (payload == NULL)
		return ENOMEM;
	error = rump_rpc_readall(cl->cl_fd, payload, len);
	if (error != 0) {
		free(payload);
		return error;
	}
	*payloadp = payload;
	*lenp = len;
	return 0;
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
	uint8_t *payload;
	size_t len;
	int error, refuse = 0;

	error = rs_readframe(cl, &h, &payload, &len);
	if (error != 0)
		return error;
	c = (struct rpc_rcur){ .rc_p = payload, .rc_left = len };
	/* Read for its form only: the credentials are not the client's to say. */
	rpc_get_hello(&c, &hello);
	free(payload);
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
 * Queues a call for a worker, starting one if none is idle.  A client
 * with more calls waiting than RS_MAXQUEUED (on top of the ones running)
 * is closed: its memory in the server stays bounded.
 */
static void
rs_queue(struct rs_client *cl, uint64_t reqid, uint8_t *payload, size_t len)
{
	struct rs_job *j = malloc(sizeof(*j));

	if (j == NULL) {
		free(payload);
		rs_log(cl, "closed", "out of memory");
		rs_hangup(cl);
		return;
	}
	*j = (struct rs_job){ .j_reqid = reqid, .j_payload = payload,
	    .j_len = len };
	pthread_mutex_lock(&cl->cl_lock);
	if (cl->cl_nqueued >= RS_MAXQUEUED) {
		pthread_mutex_unlock(&cl->cl_lock);
		free(payload);
		free(j);
		rs_log(cl, "closed", "too many calls waiting");
		rs_hangup(cl);
		return;
	}
	*cl->cl_tail = j;
	cl->cl_tail = &j->j_next;
	cl->cl_nqueued++;
	/*
	 * A worker counted idle may already be woken for an earlier call:
	 * compare the calls waiting with the workers free to take them, or
	 * a call can wait behind one that blocks until it runs (a write
	 * waiting for the read queued after it).
	 */
	if (cl->cl_nqueued > cl->cl_nidle + cl->cl_nstarting &&
	    cl->cl_nworkers < RS_PROC_MAXTHREADS)
		rs_spawn(cl);
	pthread_cond_broadcast(&cl->cl_cv);
	pthread_mutex_unlock(&cl->cl_lock);
}

/* The call reqid, queued or running, ends with EINTR where it sleeps. */
static void
rs_interrupt(struct rs_client *cl, uint64_t reqid)
{
	struct rs_job *j;
	int i;

	pthread_mutex_lock(&cl->cl_lock);
	for (j = cl->cl_head; j != NULL; j = j->j_next)
		if (j->j_reqid == reqid)
			j->j_interrupted = true;
	for (i = 0; i < cl->cl_nworkers; i++)
		if (cl->cl_workers[i].w_busy &&
		    cl->cl_workers[i].w_reqid == reqid)
			rs_proc_interrupt(cl->cl_pid, cl->cl_workers[i].w_lid);
	pthread_mutex_unlock(&cl->cl_lock);
}

static void
rs_readloop(struct rs_client *cl)
{
	struct rump_rpc_hdr h;
	uint8_t *payload;
	size_t len;

	while (!rs_hungup(cl) && rs_readframe(cl, &h, &payload, &len) == 0) {
		if (h.rh_version != RUMP_RPC_VERSION) {
			free(payload);
			rs_log(cl, "closed", "a frame of another protocol version");
			return;
		}
		if (h.rh_type == RUMP_RPC_CALL) {
			rs_queue(cl, h.rh_reqid, payload, len);
			continue;
		}
		free(payload);
		if (h.rh_type != RUMP_RPC_INTERRUPT || len != 0) {
			rs_log(cl, "closed", "a frame of a type a client does not send");
			return;
		}
		rs_interrupt(cl, h.rh_reqid);
	}
}

static void *
rs_reader(void *arg)
{
	struct rs_client *cl = arg;
	struct rs_job *j;
	int i;

	if (rs_handshake(cl) == 0)
		rs_readloop(cl);
	rs_hangup(cl);
	pthread_mutex_lock(&cl->cl_lock);
	cl->cl_closing = true;
	pthread_cond_broadcast(&cl->cl_cv);
	pthread_mutex_unlock(&cl->cl_lock);
	if (cl->cl_pid > 0)
		rs_proc_exit(cl->cl_pid);
	for (i = 0; i < cl->cl_nworkers; i++)
		pthread_join(cl->cl_workers[i].w_thread, NULL);
	while ((j = cl->cl_head) != NULL) {
		cl->cl_head = j->j_next;
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
	error = pthread_create(&cl->cl_reader, NULL, rs_reader, cl);
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
	pthread_join(cl->cl_reader, NULL);
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
