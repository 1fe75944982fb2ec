/*
 * Inside librumpserver: decoding a call and encoding its reply
 * (rs_decode.c, which calls nothing in the kernel, so the fuzzer takes it
 * alone), the generated
 * switch into the kernel (rumpserver_dispatch.c), the clients
 * (rs_client.c), their processes (rs_proc.c) and forks (rs_fork.c), and
 * the listener (rs_listen.c).
 */
#ifndef LIBRUMPSERVER_RUMPSERVER_PRIVATE_H
#define LIBRUMPSERVER_RUMPSERVER_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "librumpclient/rpc_chan.h"
#include "librumpclient/rpc_wire.h"

/* Memory one call's decoding allocates: a few blocks per argument. */
#define RS_MAXALLOCS	(RUMP_RPC_MAXARGS * 4)

/* One decoded call: the arguments as the kernel's rump_sys_* take them. */
struct rs_call {
	unsigned int	sysnum;
	const struct rump_rpc_call *c;
	int64_t		a[RUMP_RPC_MAXARGS];
	void		*p[RUMP_RPC_MAXARGS];
	uint32_t	cap[RUMP_RPC_MAXARGS];	/* an out buffer's bytes */
	uint32_t	cnt[RUMP_RPC_MAXARGS];	/* an iovec array's entries */
	int		refuse;		/* an errno answered without the kernel */
	uint64_t	outbytes;	/* out-data the reply may carry */
	bool		placed;		/* a buffer lies at the decoder's place */
	void		*allocs[RS_MAXALLOCS];
	int		nallocs;
};

/*
 * Decodes a call's payload (which the call then points into: it must
 * outlive the call).  0, or EBADMSG with *whyp saying what was wrong: the
 * client broke the protocol.  rs_call_free() afterwards either way.
 * copy, if not NULL, says the payload lies in a channel's memory, which
 * the client may change at any time: what is read of it is copied there
 * first (room for len bytes; the call points into it too), but for the
 * call's bulk in-data, which the kernel reads where it lies.
 * place, if not NULL, is where the data of the reply's first block will
 * lie once the reply is written (RUMP_RPC_MAXDATA bytes of room, in a
 * channel's memory): the data buffer of a read, a recv, is put there.
 */
int rump_server_decode(struct rs_call *call, uint8_t *payload, size_t len,
    uint8_t *copy, uint8_t *place, const char **whyp);
/* Writes the reply payload of a call that returned ret (error: errno). */
void rump_server_encode(const struct rs_call *call, long ret, int error,
    struct rpc_wbuf *reply);
void rump_server_call_free(struct rs_call *call);

/*
 * A RUMP_RPC_CHANNEL frame's payload: 0 and the request (a version other
 * than ours is the caller's to refuse), or EBADMSG with *whyp.
 */
int rump_server_decode_chanreq(const uint8_t *payload, size_t len,
    struct rump_rpc_chanreq *q, const char **whyp);
/*
 * The header of a frame in a channel's memory, its RUMP_RPC_HDRLEN bytes
 * hb copied out once: 0 when it is a call of a length a frame may have,
 * else EBADMSG with *whyp.
 */
int rump_server_chanframe(const uint8_t *hb, struct rump_rpc_hdr *h,
    const char **whyp);

/* Generated: the call sysnum with these arguments; -1 and errno on error. */
long rump_server_dispatch(unsigned int sysnum, const int64_t *a, void *const *p);

struct rs_client;
struct rs_fork;

/* A listener and its clients (rs_listen.c). */
struct rump_server {
	int		lfd;		/* the listening socket */
	int		stopfd[2];	/* a pipe: a byte stops the acceptor */
	bool		isunix;
	bool		verbose;
	char		where[128];	/* unix:///path or tcp://addr:port */
	char		path[108];	/* the unix socket's, to remove */
	pthread_t	acceptor;
	pthread_mutex_t	lock;		/* clients, nextid, forks */
	struct rs_client *clients;
	struct rs_fork	*forks;		/* copies for forks, unclaimed (rs_fork.c) */
	unsigned int	nextid;
};

/*
 * Serves a connected client on fd (rs_client.c) from a thread of its own;
 * the client is on srv->clients until rs_client_reap() takes it.
 */
int rs_client_start(struct rump_server *srv, int fd);
/* Frees the clients that are gone; all: disconnects the others first. */
void rs_client_reap(struct rump_server *srv, bool all);

#endif
