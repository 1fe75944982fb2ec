/*
 * A remote client's fork, in the server: the parent asks for a copy of
 * its process (descriptors, directories, umask, credentials, as the
 * kernel's fork copies them) and gets a cookie for it; a new connection
 * presenting the cookie in its handshake becomes that copy, and the host
 * child inherits the connection.  The cookie is 256 random bits, known
 * to the client alone and good once: a guess is refused like a used one.
 * It is not bound to the host process that asked: a child's connection
 * is made by its parent (SO_PEERCRED names the parent), and the child's
 * own fork asks on it and claims from the child.  A copy nobody claimed
 * ends with the client that asked for it, so a client that never forks
 * leaves nothing behind.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/random.h>

#include "rs_fork.h"
#include "rs_proc.h"

struct rs_fork {
	struct rump_rpc_cookie f_cookie;
	pid_t		f_pid;		/* the copy */
	const void	*f_owner;	/* the client that asked */
	struct rs_fork	*f_next;
};

/* Compared in constant time: how much of a guess matched says nothing. */
static bool
rs_fork_match(const struct rump_rpc_cookie *a, const struct rump_rpc_cookie *b)
{
	uint8_t diff = 0;
	size_t i;

	for (i = 0; i < sizeof(a->rk_bytes); i++)
		diff |= a->rk_bytes[i] ^ b->rk_bytes[i];
	return diff == 0;
}

/* The copies owner holds.  Under srv->lock. */
static int
rs_fork_count(const struct rump_server *srv, const void *owner)
{
	const struct rs_fork *f;
	int n = 0;

	for (f = srv->forks; f != NULL; f = f->f_next)
		n += f->f_owner == owner;
	return n;
}

int
rs_fork_make(struct rump_server *srv, const void *owner,
    struct rump_rpc_cookie *ck)
{
	struct rs_fork *f;
	int error;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return ENOMEM;
	if (getrandom(f->f_cookie.rk_bytes, sizeof(f->f_cookie.rk_bytes), 0) !=
	    (ssize_t)sizeof(f->f_cookie.rk_bytes)) {
		free(f);
		return EAGAIN;
	}
	error = rs_proc_fork(&f->f_pid);
	if (error != 0) {
		free(f);
		return error;
	}
	f->f_owner = owner;
	*ck = f->f_cookie;
	/* Counted and listed at once: workers of one client may race here. */
	pthread_mutex_lock(&srv->lock);
	if (rs_fork_count(srv, owner) >= RS_MAXFORKS)
		error = EAGAIN;
	else {
		f->f_next = srv->forks;
		srv->forks = f;
	}
	pthread_mutex_unlock(&srv->lock);
	if (error != 0) {
		rs_proc_exit(f->f_pid);
		free(f);
	}
	return error;
}

int
rs_fork_claim(struct rump_server *srv, const struct rump_rpc_cookie *ck,
    pid_t *pidp)
{
	struct rs_fork **pp, *f;

	pthread_mutex_lock(&srv->lock);
	for (pp = &srv->forks; (f = *pp) != NULL; pp = &f->f_next)
		if (rs_fork_match(&f->f_cookie, ck)) {
			*pp = f->f_next;
			break;
		}
	pthread_mutex_unlock(&srv->lock);
	if (f == NULL)
		return ESRCH;
	*pidp = f->f_pid;
	free(f);
	return 0;
}

void
rs_fork_drop(struct rump_server *srv, const void *owner)
{
	struct rs_fork **pp, *f, *gone = NULL;

	pthread_mutex_lock(&srv->lock);
	for (pp = &srv->forks; (f = *pp) != NULL;)
		if (f->f_owner == owner) {
			*pp = f->f_next;
			f->f_next = gone;
			gone = f;
		} else
			pp = &f->f_next;
	pthread_mutex_unlock(&srv->lock);
	while ((f = gone) != NULL) {
		gone = f->f_next;
		rs_proc_exit(f->f_pid);
		free(f);
	}
}
