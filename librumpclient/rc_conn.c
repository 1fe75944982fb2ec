/*
 * The client's one connection to its server.
 *
 * All threads of a program share one connection: the server makes one
 * process of it, so the threads share descriptors as they would in a
 * local kernel.  Requests carry ids; a thread sends its request and then
 * waits for the reply with its id.  There is no receiving thread of our
 * own: one of the waiting threads at a time reads frames off the socket
 * and hands each reply to its waiter, so a single-threaded program reads
 * its own replies with no thread switch on the way.  When the reader's
 * own reply came, it passes the reading on to another waiter.
 *
 * A thread that does not read waits on an eventfd of its own, so both
 * kinds of waiting are host system calls a signal interrupts.  When a
 * signal's handler returns into a thread waiting for its reply and the
 * wait ends with EINTR (a handler installed without SA_RESTART: with it,
 * the host restarts the wait), the thread sends an interrupt frame for
 * its call, once, and waits on: the call ends in the server where it
 * sleeps, and its reply says EINTR (or the partial count), as a local
 * call interrupted by that signal would.
 *
 * A lost connection fails every waiting and every later call with
 * ENOTCONN; sends use MSG_NOSIGNAL, so a closed server never raises
 * SIGPIPE in the program.
 *
 * fork(): the child is a copy of the parent's process in the server, as
 * under a local kernel: the same descriptors (the same open files), cwd,
 * root, umask and credentials.  Before the fork (the pthread_atfork
 * prepare handler, in the parent, where anything may be called) the
 * parent asks the server for a copy of its process, which answers with a
 * cookie, and opens a second connection whose handshake presents the
 * cookie: that connection is the copy.  The child keeps that connection
 * and lets go of the parent's (its copies of the socket, the channels and
 * the eventfds are closed as it starts: no malloc, nothing the parent
 * uses touched); the parent closes its end of the child's, and the
 * server ends the copy once nobody holds it: the fork failed, the child
 * exited or exec'd (the socket is close-on-exec).  A copy that cannot be
 * made (the connection is gone, the server refuses) leaves the child
 * without a connection: its calls fail with ENOTCONN.  The parent is
 * untouched, also a call of another thread blocked across the fork.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rump/rump.h>

#include "rumpclient_private.h"
#include "rpc_io.h"

static struct {
	pthread_mutex_t	lock;		/* everything below but fd's writes */
	pthread_cond_t	idle;		/* the last waiter left */
	pthread_mutex_t	wlock;		/* one frame written at a time */
	int		fd;
	bool		up;		/* connected and not lost */
	bool		reading;	/* a waiter is reading the socket */
	uint32_t	features;	/* RUMP_RPC_FEAT_* the server offers */
	uint64_t	gen;		/* counts connections, for channels */
	uint64_t	nextid;
	struct rc_waiter *waiters;
	char		*where;		/* RUMP_SERVER, as connected to */
	/*
	 * Across a fork, the child's connection: one fork at a time, as
	 * glibc holds its atfork lock from the prepare handlers to the
	 * parent's or the child's.
	 */
	int		forkfd;
	uint32_t	forkfeatures;	/* what its server offers */
} rc = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
	.wlock = PTHREAD_MUTEX_INITIALIZER,
	.fd = -1,
	.forkfd = -1,
};

/*
 * Each thread's eventfd: made at its first call, closed when it exits;
 * all of them on a list, for a child to close what it inherits.
 */
struct rc_evfd {
	int		fd;
	struct rc_evfd	*next, **prevp;
};

static pthread_key_t rc_evkey;
static pthread_once_t rc_evonce = PTHREAD_ONCE_INIT;
static int rc_evkey_error;
static __thread struct rc_evfd *rc_evfd;
static pthread_mutex_t rc_evlock = PTHREAD_MUTEX_INITIALIZER;
static struct rc_evfd *rc_evfds;

static void
rc_evfd_close(void *p)
{
	struct rc_evfd *e = p;

	pthread_mutex_lock(&rc_evlock);
	if ((*e->prevp = e->next) != NULL)
		e->next->prevp = e->prevp;
	pthread_mutex_unlock(&rc_evlock);
	close(e->fd);
	free(e);
}

static void
rc_evkey_make(void)
{
	rc_evkey_error = pthread_key_create(&rc_evkey, rc_evfd_close);
}

static int
rc_evfd_get(int *fdp)
{
	struct rc_evfd *e = rc_evfd;
	int fd;

	if (e == NULL) {
		pthread_once(&rc_evonce, rc_evkey_make);
		if (rc_evkey_error != 0)
			return rc_evkey_error;
		fd = eventfd(0, EFD_CLOEXEC);
		if (fd < 0)
			return errno;
		e = malloc(sizeof(*e));
		if (e == NULL || pthread_setspecific(rc_evkey, e) != 0) {
			close(fd);
			free(e);
			return ENOMEM;
		}
		e->fd = fd;
		pthread_mutex_lock(&rc_evlock);
		if ((e->next = rc_evfds) != NULL)
			e->next->prevp = &e->next;
		e->prevp = &rc_evfds;
		rc_evfds = e;
		pthread_mutex_unlock(&rc_evlock);
		rc_evfd = e;
	}
	*fdp = e->fd;
	return 0;
}

static void
rc_wake(const struct rc_waiter *w)
{
	uint64_t one = 1;

	/* Fails only when the counter is full: the thread wakes anyway. */
	(void)!write(w->w_evfd, &one, sizeof(one));
}

/* The connection is gone: every waiter wakes and fails.  Under rc.lock. */
static void
rc_lost(void)
{
	struct rc_waiter *w;

	__atomic_store_n(&rc.up, false, __ATOMIC_RELAXED);
	/* A channel's waiter reads the end of the file. */
	for (w = rc.waiters; w != NULL; w = w->w_next)
		if (w->w_chan)
			shutdown(w->w_evfd, SHUT_RD);
		else
			rc_wake(w);
}

void
rump_client_lose(void)
{
	pthread_mutex_lock(&rc.lock);
	rc_lost();
	pthread_mutex_unlock(&rc.lock);
}

bool
rump_client_isup(void)
{
	return __atomic_load_n(&rc.up, __ATOMIC_RELAXED);
}

/*
 * A signal ended the wait for w's reply: the server is asked, once, to
 * end the call where it sleeps.
 */
void
rump_client_interrupt(struct rc_waiter *w)
{
	uint8_t hb[RUMP_RPC_HDRLEN];
	bool send;
	int error;

	pthread_mutex_lock(&rc.lock);
	send = rc.up && !w->w_done && !w->w_intrsent;
	w->w_intrsent = true;
	pthread_mutex_unlock(&rc.lock);
	if (!send)
		return;
	rpc_put_hdr(hb, RUMP_RPC_HDRLEN, RUMP_RPC_INTERRUPT, w->w_id);
	pthread_mutex_lock(&rc.wlock);
	error = rump_rpc_writeall(rc.fd, hb, sizeof(hb));
	pthread_mutex_unlock(&rc.wlock);
	if (error != 0) {
		pthread_mutex_lock(&rc.lock);
		rc_lost();
		pthread_mutex_unlock(&rc.lock);
	}
}

/*
 * Exactly len bytes; a signal that interrupts the wait interrupts w's
 * call (w NULL: the handshake, no call to interrupt).
 */
static int
rc_recvall(int fd, uint8_t *p, size_t len, struct rc_waiter *w)
{
	ssize_t n;

	while (len > 0) {
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR) {
			if (w != NULL)
				rump_client_interrupt(w);
			continue;
		}
		if (n <= 0)
			return n < 0 ? errno : ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One frame: its header and its payload (malloc'd). */
static int
rc_readframe(int fd, struct rump_rpc_hdr *h, uint8_t **payloadp, size_t *lenp,
    struct rc_waiter *w)
{
	uint8_t hb[RUMP_RPC_HDRLEN], *payload;
	size_t len;
	int error;

	error = rc_recvall(fd, hb, sizeof(hb), w);
	if (error != 0)
		return error;
	rpc_get_hdr(hb, h);
	if (h->rh_len < RUMP_RPC_HDRLEN || h->rh_len > RUMP_RPC_MAXFRAME)
		return EPROTO;
	len = h->rh_len - RUMP_RPC_HDRLEN;
	payload = malloc(len > 0 ? len : 1);
	if (payload == NULL)
		return ENOMEM;
	error = rc_recvall(fd, payload, len, w);
	if (error != 0) {
		free(payload);
		return error;
	}
	*payloadp = payload;
	*lenp = len;
	return 0;
}

/* The rest of a payload of len bytes whose first r->len are in r->data. */
static int
rc_readrest(struct rc_reply *r, size_t len, struct rc_waiter *self)
{
	uint8_t *p = len <= sizeof(r->small) ? r->small : malloc(len);

	if (p == NULL)
		return ENOMEM;
	if (p != r->data)
		memmove(p, r->data, r->len);
	r->data = p;
	p += r->len;
	len -= r->len;
	r->len += len;
	return rc_recvall(rc.fd, p, len, self);
}

/*
 * A reply payload of len bytes: its data block straight into r->dst
 * when the reply has the shape of one (r->placed), else all of it.
 */
static int
rc_readpayload(struct rc_reply *r, size_t len, struct rc_waiter *self)
{
	uint32_t n;
	int error;

	r->len = 0;
	if (r->dst == NULL || len <= RC_DIRECT_HEAD)
		return rc_readrest(r, len, self);
	r->len = RC_DIRECT_HEAD;
	error = rc_recvall(rc.fd, r->data, RC_DIRECT_HEAD, self);
	if (error != 0)
		return error;
	if (!rc_reply_placeable(r, r->data, len, &n))
		return rc_readrest(r, len, self);
	r->placed = true;
	return rc_recvall(rc.fd, r->dst, n, self);
}

/* The waiter of reply id, or NULL.  Under rc.lock. */
static struct rc_waiter *
rc_waiter_find(uint64_t id)
{
	struct rc_waiter *w;

	for (w = rc.waiters; w != NULL; w = w->w_next)
		if (w->w_id == id && !w->w_done && !w->w_chan)
			return w;
	return NULL;
}

/*
 * Reads one frame, as self's thread, into the reply of its waiter, who
 * stays (w_filling) until the reading is over.  A frame that is no reply,
 * or a reply nobody asked for: the server is not to be trusted.  Called
 * and returns under rc.lock.
 */
static void
rc_readone(struct rc_waiter *self)
{
	uint8_t hb[RUMP_RPC_HDRLEN];
	struct rump_rpc_hdr h;
	struct rc_waiter *w = NULL;
	int error;

	rc.reading = true;
	pthread_mutex_unlock(&rc.lock);
	error = rc_recvall(rc.fd, hb, sizeof(hb), self);
	pthread_mutex_lock(&rc.lock);
	if (error == 0) {
		rpc_get_hdr(hb, &h);
		if (h.rh_type != RUMP_RPC_REPLY || h.rh_len < RUMP_RPC_HDRLEN ||
		    h.rh_len > RUMP_RPC_MAXFRAME ||
		    (w = rc_waiter_find(h.rh_reqid)) == NULL)
			error = EPROTO;
	}
	if (error == 0) {
		w->w_filling = true;
		pthread_mutex_unlock(&rc.lock);
		error = rc_readpayload(w->w_r, h.rh_len - RUMP_RPC_HDRLEN, self);
		pthread_mutex_lock(&rc.lock);
		w->w_filling = false;
	}
	rc.reading = false;
	if (error != 0) {
		rc_lost();
		return;
	}
	w->w_done = true;
	if (w != self)
		rc_wake(w);
}

/* Waits for a wake-up on the calling thread's eventfd: 0 or EINTR. */
static int
rc_sleep(struct rc_waiter *w)
{
	uint64_t v;

	if (read(w->w_evfd, &v, sizeof(v)) == (ssize_t)sizeof(v))
		return 0;
	return errno == EINTR ? EINTR : EIO;
}

static void
rc_unlink(struct rc_waiter *w)
{
	struct rc_waiter **pp;

	for (pp = &rc.waiters; *pp != w; pp = &(*pp)->w_next)
		continue;
	*pp = w->w_next;
}

/* Waits for w's reply: reading the socket, or on the eventfd.  Under rc.lock. */
static void
rc_wait(struct rc_waiter *w)
{
	int error;

	/* A reader filling our reply: the caller's buffer is in use till it is done. */
	while ((!w->w_done && rc.up) || w->w_filling) {
		if (!rc.reading && rc.up) {
			rc_readone(w);
			continue;
		}
		pthread_mutex_unlock(&rc.lock);
		error = rc_sleep(w);
		if (error == EINTR)
			rump_client_interrupt(w);
		pthread_mutex_lock(&rc.lock);
		/* An eventfd that cannot be read cannot wake us: give up. */
		if (error == EIO)
			rc_lost();
	}
}

int
rump_client_begin(struct rc_waiter *w, uint64_t *genp)
{
	pthread_mutex_lock(&rc.lock);
	if (!rc.up) {
		pthread_mutex_unlock(&rc.lock);
		return ENOTCONN;
	}
	w->w_id = rc.nextid++;
	w->w_next = rc.waiters;
	rc.waiters = w;
	if (genp != NULL)
		*genp = rc.gen;
	pthread_mutex_unlock(&rc.lock);
	return 0;
}

void
rump_client_end(struct rc_waiter *w)
{
	struct rc_waiter *o;

	pthread_mutex_lock(&rc.lock);
	rc_unlink(w);
	if (rc.waiters == NULL)
		pthread_cond_broadcast(&rc.idle);
	/* Someone else must read now, if anyone waits. */
	for (o = rc.waiters; o != NULL && !rc.reading; o = o->w_next)
		if (!o->w_done && !o->w_chan) {
			rc_wake(o);
			break;
		}
	pthread_mutex_unlock(&rc.lock);
}

int
rump_client_sockcall(struct rpc_wbuf *req, uint16_t type, const int *fds, int nfds,
    struct rc_reply *reply, bool interrupted)
{
	struct rc_waiter w = { .w_r = reply };
	int error;

	if (req->rb_nomem)
		return ENOMEM;
	error = rc_evfd_get(&w.w_evfd);
	if (error == 0)
		error = rump_client_begin(&w, NULL);
	if (error != 0)
		return error;
	rpc_put_hdr(req->rb_data, (uint32_t)(req->rb_len + req->rb_reflen),
	    type, w.w_id);
	pthread_mutex_lock(&rc.wlock);
	error = rump_rpc_sendframe_fds(rc.fd, req, fds, nfds);
	pthread_mutex_unlock(&rc.wlock);

	/* A signal that came before the call was sent is the call's. */
	if (error == 0 && interrupted)
		rump_client_interrupt(&w);
	pthread_mutex_lock(&rc.lock);
	if (error != 0)
		rc_lost();
	rc_wait(&w);
	reply->interrupted = w.w_intrsent;
	pthread_mutex_unlock(&rc.lock);
	rump_client_end(&w);
	return w.w_done ? 0 : ENOTCONN;
}

/*
 * A call goes through the thread's channel when it has one, signals
 * blocked from its start (rc_signal.c); else over the socket, where a
 * signal that came while the channel was asked for is the call's.
 */
int
rump_client_call(struct rpc_wbuf *req, struct rc_reply *reply)
{
	struct rc_chan *ch;
	sigset_t orig;
	bool intr = false;
	int error;

	if (req->rb_nomem)
		return ENOMEM;
	if ((__atomic_load_n(&rc.features, __ATOMIC_RELAXED) &
	    RUMP_RPC_FEAT_CHANNEL) == 0)
		return rump_client_sockcall(req, RUMP_RPC_CALL, NULL, 0, reply,
		    false);
	rump_client_sigblock(&orig);
	ch = rump_client_chan(__atomic_load_n(&rc.gen, __ATOMIC_RELAXED), &orig,
	    &intr);
	if (ch != NULL) {
		error = rump_client_chancall(ch, req, reply, intr, &orig);
		rump_client_sigrestore(&orig);
		return error;
	}
	intr = rump_client_sigdeliver(&orig) || intr;
	return rump_client_sockcall(req, RUMP_RPC_CALL, NULL, 0, reply, intr);
}

/* ---- connecting ----------------------------------------------------------- */

static int
rc_connect_unix(const char *path, int *fdp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int error = errno;

		close(fd);
		return error;
	}
	rump_rpc_tune(fd, 0);
	*fdp = fd;
	return 0;
}

static int
rc_connect_tcp(const char *hostport, int *fdp)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char host[256];
	const char *colon = strrchr(hostport, ':');
	int fd, error = EINVAL;

	if (colon == NULL || (size_t)(colon - hostport) >= sizeof(host))
		return EINVAL;
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return EHOSTUNREACH;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			error = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			rump_rpc_tune(fd, 1);
			*fdp = fd;
			freeaddrinfo(res);
			return 0;
		}
		error = errno;
		close(fd);
	}
	freeaddrinfo(res);
	return error;
}

/*
 * Hello and welcome; the process the server made for us (or, with a
 * cookie ck, the copy it names), and in *featuresp the features it
 * offers of those we asked for (forks; channels, on a unix socket).
 */
static int
rc_handshake(int fd, const char *where, bool isunix,
    const struct rump_rpc_cookie *ck, uint32_t *featuresp)
{
	struct rump_rpc_hello hello = {
		.rhe_uid = (uint32_t)getuid(),
		.rhe_gid = (uint32_t)getgid(),
		.rhe_hostpid = (uint32_t)getpid(),
		.rhe_features = RUMP_RPC_FEAT_FORK |
		    (isunix ? RUMP_RPC_FEAT_CHANNEL : 0),
	};
	struct rpc_wbuf b = { .rb_data = NULL };
	struct rump_rpc_welcome wel;
	struct rump_rpc_hdr h;
	struct rpc_rcur c;
	uint8_t *payload = NULL;
	size_t len;
	int error;

	rpc_wbuf_room(&b, RUMP_RPC_HDRLEN);
	rpc_put_hello(&b, &hello);
	if (ck != NULL)
		rpc_put_cookie(&b, ck);
	if (b.rb_nomem) {
		free(b.rb_data);
		return ENOMEM;
	}
	rpc_put_hdr(b.rb_data, (uint32_t)b.rb_len, ck != NULL ?
	    RUMP_RPC_FORKHANDSHAKE : RUMP_RPC_HANDSHAKE, 0);
	error = rump_rpc_writeall(fd, b.rb_data, b.rb_len);
	free(b.rb_data);
	if (error == 0)
		error = rc_readframe(fd, &h, &payload, &len, NULL);
	if (error != 0) {
		fprintf(stderr, "rumpclient: %s: no answer to the handshake: %s\n",
		    where, strerror(error));
		return error;
	}
	c = (struct rpc_rcur){ .rc_p = payload, .rc_left = len };
	rpc_get_welcome(&c, &wel);
	free(payload);
	if (h.rh_version != RUMP_RPC_VERSION) {
		fprintf(stderr, "rumpclient: %s: protocol version mismatch: the "
		    "server speaks %u, this client %u\n", where, h.rh_version,
		    RUMP_RPC_VERSION);
		return EPROTONOSUPPORT;
	}
	if (c.rc_bad || h.rh_type != RUMP_RPC_HANDSHAKE) {
		fprintf(stderr, "rumpclient: %s: a malformed handshake reply\n",
		    where);
		return EPROTO;
	}
	if (wel.rw_error != 0) {
		fprintf(stderr, "rumpclient: %s: the server refused us: %s\n",
		    where, strerror(wel.rw_error));
		return wel.rw_error;
	}
	*featuresp = wel.rw_features & hello.rhe_features;
	return 0;
}

/*
 * A connection to where (RUMP_SERVER): unix:///path or tcp://host:port,
 * as a new process or (ck) the copy the cookie names; its socket in
 * *fdp and what the server offers in *featuresp.  Errors say which
 * server and why.
 */
static int
rc_open(const char *where, const struct rump_rpc_cookie *ck, int *fdp,
    uint32_t *featuresp)
{
	int fd = -1, error;

	if (where == NULL) {
		fprintf(stderr, "rumpclient: RUMP_SERVER is not set (unix:///path "
		    "or tcp://host:port)\n");
		return EINVAL;
	}
	if (strncmp(where, "unix://", 7) == 0)
		error = rc_connect_unix(where + 7, &fd);
	else if (strncmp(where, "tcp://", 6) == 0)
		error = rc_connect_tcp(where + 6, &fd);
	else {
		fprintf(stderr, "rumpclient: RUMP_SERVER=%s: expected unix:///path "
		    "or tcp://host:port\n", where);
		return EINVAL;
	}
	if (error != 0 && error != EINVAL)
		fprintf(stderr, "rumpclient: cannot connect to %s: %s\n", where,
		    strerror(error));
	if (error == 0) {
		error = rc_handshake(fd, where, strncmp(where, "unix://", 7) == 0,
		    ck, featuresp);
		if (error != 0)
			close(fd);
	}
	if (error == 0)
		*fdp = fd;
	return error;
}

/* The connection is fd, offering features.  Under rc.lock (or in a child). */
static void
rc_use(int fd, uint32_t features)
{
	rc.fd = fd;
	__atomic_store_n(&rc.features, features, __ATOMIC_RELAXED);
	__atomic_store_n(&rc.gen, rc.gen + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&rc.up, fd >= 0, __ATOMIC_RELAXED);
}

/* Connects to where (RUMP_SERVER).  Under rc.lock. */
static int
rc_connect(const char *where)
{
	uint32_t features;
	int fd, error;

	error = rc_open(where, NULL, &fd, &features);
	if (error == 0)
		rc_use(fd, features);
	return error;
}

/*
 * The server's answer to a prefork, a reply: 0 and the copy's cookie in
 * *ck, or why there is none.  The server is not trusted with its shape.
 */
static int
rc_prefork_answer(const struct rc_reply *r, struct rump_rpc_cookie *ck)
{
	struct rpc_rcur c = { .rc_p = r->data, .rc_left = r->len };
	struct rump_rpc_replyhdr rh;

	rpc_get_replyhdr(&c, &rh);
	if (rh.rr_error == 0)
		rpc_get_cookie(&c, ck);
	if (c.rc_bad || c.rc_left != 0)
		return EPROTO;
	return rh.rr_error;
}

/* A copy of our process in the server at where, for a fork: its cookie in *ck. */
static int
rc_prefork(const char *where, struct rump_rpc_cookie *ck)
{
	uint8_t mem[RUMP_RPC_HDRLEN];
	struct rc_reply reply = { .dst = NULL };
	struct rpc_wbuf req;
	int error;

	rpc_wbuf_init(&req, mem, sizeof(mem));
	rpc_wbuf_room(&req, RUMP_RPC_HDRLEN);
	reply.data = reply.small;
	error = rump_client_sockcall(&req, RUMP_RPC_PREFORK, NULL, 0, &reply,
	    false);
	if (error == 0)
		error = rc_prefork_answer(&reply, ck);
	if (reply.data != reply.small)
		free(reply.data);
	if (error != 0)
		fprintf(stderr, "rumpclient: %s: no copy of this process for "
		    "a child: %s\n", where, strerror(error));
	return error;
}

/*
 * Before a fork, in the parent: a connection that is a copy of our
 * process, for the child (rc.forkfd), unless the server is gone or
 * cannot make one.  Nothing is held meanwhile: the other threads' calls
 * go on.
 */
static void
rc_fork_prepare(void)
{
	struct rump_rpc_cookie ck;
	uint32_t features = 0;
	const char *where;
	int fd = -1;

	pthread_mutex_lock(&rc.lock);
	where = rc.up && (rc.features & RUMP_RPC_FEAT_FORK) != 0 ? rc.where :
	    NULL;
	pthread_mutex_unlock(&rc.lock);
	/* Either failing says why on stderr, and leaves fd -1: ENOTCONN. */
	if (where != NULL && rc_prefork(where, &ck) == 0)
		(void)rc_open(where, &ck, &fd, &features);
	pthread_mutex_lock(&rc.lock);
	rc.forkfd = fd;
	rc.forkfeatures = features;
	pthread_mutex_unlock(&rc.lock);
}

/*
 * fork(): the connection's state is copied whole (its locks held), and
 * the child lets go of what it inherited but the connection made for it.
 * Its copy of the parent's socket is closed, not shut down: the parent's
 * stays open.
 */
static void
rc_atfork_prepare(void)
{
	rc_fork_prepare();
	rump_client_chan_prefork();
	pthread_mutex_lock(&rc_evlock);
	pthread_mutex_lock(&rc.lock);
	pthread_mutex_lock(&rc.wlock);
}

static void
rc_postfork_parent(void)
{
	/* The child's now, or nobody's (the fork failed). */
	if (rc.forkfd >= 0)
		close(rc.forkfd);
	rc.forkfd = -1;
	pthread_mutex_unlock(&rc.wlock);
	pthread_mutex_unlock(&rc.lock);
	pthread_mutex_unlock(&rc_evlock);
	rump_client_chan_postfork(false);
}

static void
rc_postfork_child(void)
{
	struct rc_evfd *e;

	if (rc.fd >= 0)
		close(rc.fd);
	rc_use(rc.forkfd, rc.forkfeatures);
	rc.forkfd = -1;
	rc.reading = false;
	rc.waiters = NULL;
	while ((e = rc_evfds) != NULL) {
		rc_evfds = e->next;
		close(e->fd);
		free(e);
	}
	if (rc_evfd != NULL)
		pthread_setspecific(rc_evkey, NULL);
	rc_evfd = NULL;
	pthread_mutex_unlock(&rc.wlock);
	pthread_mutex_unlock(&rc.lock);
	pthread_mutex_unlock(&rc_evlock);
	rump_client_chan_postfork(true);
}

static pthread_once_t rc_forkonce = PTHREAD_ONCE_INIT;
static int rc_forkerror;

static void
rc_forkhandlers(void)
{
	rc_forkerror = pthread_atfork(rc_atfork_prepare, rc_postfork_parent,
	    rc_postfork_child);
}

int
rump_init(void)
{
	const char *where = getenv("RUMP_SERVER");
	int error;

	pthread_once(&rc_forkonce, rc_forkhandlers);
	if (rc_forkerror != 0)
		return rc_forkerror;
	pthread_mutex_lock(&rc.lock);
	if (rc.up) {
		pthread_mutex_unlock(&rc.lock);
		return 0;
	}
	free(rc.where);
	rc.where = where != NULL ? strdup(where) : NULL;
	error = where != NULL && rc.where == NULL ? ENOMEM : rc_connect(where);
	pthread_mutex_unlock(&rc.lock);
	return error;
}

/*
 * Ends the connection, once the calls in flight in other threads have
 * failed; the server ends our process.  Later calls: ENOTCONN.
 */
int
rump_fini(void)
{
	pthread_mutex_lock(&rc.lock);
	if (rc.fd >= 0) {
		shutdown(rc.fd, SHUT_RDWR);
		rc_lost();
	}
	while (rc.waiters != NULL)
		pthread_cond_wait(&rc.idle, &rc.lock);
	if (rc.fd >= 0)
		close(rc.fd);
	rc.fd = -1;
	pthread_mutex_unlock(&rc.lock);
	return 0;
}
