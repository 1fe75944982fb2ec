/*
 * One remote client: a connection, a process in the kernel, and threads.
 *
 * The client's reader thread reads frames.  The first must be the
 * handshake; its answer carries the pid of the process the client's first
 * worker thread made for it.  Each call is queued for a worker: an idle
 * one takes it, or a new one starts (up to RS_PROC_MAXTHREADS), so
 * a call that blocks holds up only the client thread that made it.
 * Workers decode, run the call in the client's process, and write the
 * reply; a malformed call closes the connection with one log line.
 *
 * When the connection ends (the client closed it, broke the protocol, or
 * the server stops), the reader waits for its workers, which end the
 * process as they leave it, and marks the client gone for
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

struct rs_job {
	uint64_t	j_reqid;
	uint8_t		*j_payload;
	size_t		j_len;
	struct rs_job	*j_next;
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
	pthread_t	cl_workers[RS_PROC_MAXTHREADS];
	int		cl_nworkers, cl_nidle;
	pid_t		cl_pid;		/* 0 until the first worker made it */
	int		cl_procerr;
	bool		cl_closing;	/* no more jobs: workers leave */
	bool		cl_gone;	/* the reader is done: reap */
	struct rs_client *cl_next;
};

/* One line about a client, on stderr. */
static void
rs_log(struct rs_client *cl, const char *what, const char *why)
{
	fprintf(stderr, "rump_server: client %u (pid %d): %s: %s\n", cl->cl_id,
	    (int)cl->cl_pid, what, why);
}

static int
rs_writeall(int fd, const uint8_t *p, size_t len)
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

static int
rs_readall(int fd, uint8_t *p, size_t len)
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

/* A frame whose payload rb follows its header room: fills the header, sends. */
static int
rs_send(struct rs_client *cl, struct rpc_wbuf *b, uint16_t type, uint64_t id)
{
	int error;

	if (b->rb_nomem)
		return ENOMEM;
	rpc_put_hdr(b->rb_data, (uint32_t)b->rb_len, type, id);
	pthread_mutex_lock(&cl->cl_wlock);
	error = rs_writeall(cl->cl_fd, b->rb_data, b->rb_len);
	pthread_mutex_unlock(&cl->cl_wlock);
	return error;
}

/* Ends the connection: the reader sees it and winds the client down. */
static void
rs_hangup(struct rs_client *cl)
{
	shutdown(cl->cl_fd, SHUT_RDWR);
}

static void
rs_serve(struct rs_client *cl, struct rs_job *j)
{
	struct rpc_wbuf reply = { .rb_data = NULL };
	struct rs_call call;
	const char *why;

	if (rump_server_decode(&call, j->j_payload, j->j_len, &why) != 0) {
		rs_log(cl, "closed: malformed call", why);
		rs_hangup(cl);
	} else {
		rpc_wbuf_room(&reply, RUMP_RPC_HDRLEN);
		rump_server_execute(&call, &reply);
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
	struct rs_client *cl = arg;
	struct rs_job *j;
	pid_t pid;
	int error;

	error = rs_proc_create(cl->cl_uid, cl->cl_gid, &pid);
	pthread_mutex_lock(&cl->cl_lock);
	cl->cl_procerr = error;
	cl->cl_pid = error == 0 ? pid : -1;
	pthread_cond_broadcast(&cl->cl_cv);
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
		pthread_mutex_unlock(&cl->cl_lock);
		rs_serve(cl, j);
		pthread_mutex_lock(&cl->cl_lock);
	}
	pthread_mutex_unlock(&cl->cl_lock);
	if (error == 0)
		rs_proc_leave();
	return NULL;
}

/* Under cl_lock. */
static int
rs_spawn(struct rs_client *cl)
{
	int error;

	error = pthread_create(&cl->cl_workers[cl->cl_nworkers], NULL,
	    rs_worker, cl);
	if (error == 0)
		cl->cl_nworkers++;
	return error;
}

static int
rs_readframe(struct rs_client *cl, struct rump_rpc_hdr *h, uint8_t **payloadp,
    size_t *lenp)
{
	uint8_t hb[RUMP_RPC_HDRLEN], *payload;
	char why[96];
	size_t len;
	int error;

	error = rs_readall(cl->cl_fd, hb, sizeof(hb));
	if (error != 0)
		return error;
	rpc_get_hdr(hb, h);
	if (h->rh_len < RUMP_RPC_HDRLEN || h->rh_len > RUMP_RPC_MAXFRAME) {
		snprintf(why, sizeof(why), "a frame of %u bytes (at most %u)",
		    h->rh_len, RUMP_RPC_MAXFRAME);
		rs_log(cl, "closed: bad frame length", why);
		return EBADMSG;
	}
	len = h->rh_len - RUMP_RPC_HDRLEN;
	payload = malloc(len > 0 ? len : 1);
	if (payload == NULL)
		return ENOMEM;
	error = rs_readall(cl->cl_fd, payload, len);
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
	struct rump_rpc_hdr h;
	struct rpc_rcur c;
	uint8_t *payload;
	size_t len;
	int error, refuse = 0;

	error = rs_readframe(cl, &h, &payload, &len);
	if (error != 0)
		return error;
	c = (struct rpc_rcur){ .rc_p = payload, .rc_left = len };
	(void)rpc_get32(&c);
	(void)rpc_get32(&c);
	(void)rpc_get32(&c);
	(void)rpc_get32(&c);
	free(payload);
	if (h.rh_type != RUMP_RPC_HANDSHAKE || c.rc_bad || c.rc_left != 0) {
		rs_log(cl, "closed", "no handshake");
		return EBADMSG;
	}
	if (h.rh_version != RUMP_RPC_VERSION) {
		rs_log(cl, "closed", "protocol version mismatch");
		refuse = EPROTONOSUPPORT;
	} else {
		pthread_mutex_lock(&cl->cl_lock);
		refuse = rs_spawn(cl);
		while (refuse == 0 && cl->cl_pid == 0)
			pthread_cond_wait(&cl->cl_cv, &cl->cl_lock);
		if (refuse == 0)
			refuse = cl->cl_procerr;
		pthread_mutex_unlock(&cl->cl_lock);
	}
	rpc_wbuf_room(&b, RUMP_RPC_HDRLEN);
	rpc_put32(&b, (uint32_t)refuse);
	rpc_put32(&b, refuse == 0 ? (uint32_t)cl->cl_pid : 0);
	error = rs_send(cl, &b, RUMP_RPC_HANDSHAKE, h.rh_reqid);
	free(b.rb_data);
	return refuse != 0 ? refuse : error;
}

/* Queues a call for a worker, starting one if none is idle. */
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
	*cl->cl_tail = j;
	cl->cl_tail = &j->j_next;
	if (cl->cl_nidle == 0 && cl->cl_nworkers < RS_PROC_MAXTHREADS)
		(void)rs_spawn(cl);
	pthread_cond_signal(&cl->cl_cv);
	pthread_mutex_unlock(&cl->cl_lock);
}

static void
rs_readloop(struct rs_client *cl)
{
	struct rump_rpc_hdr h;
	uint8_t *payload;
	size_t len;

	while (rs_readframe(cl, &h, &payload, &len) == 0) {
		if (h.rh_version != RUMP_RPC_VERSION || h.rh_type != RUMP_RPC_CALL) {
			free(payload);
			rs_log(cl, "closed", h.rh_version != RUMP_RPC_VERSION ?
			    "a frame of another protocol version" :
			    "a frame of a type a client does not send");
			return;
		}
		rs_queue(cl, h.rh_reqid, payload, len);
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
	for (i = 0; i < cl->cl_nworkers; i++)
		pthread_join(cl->cl_workers[i], NULL);
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
