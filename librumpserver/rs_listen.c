/*
 * Where the server listens: a unix socket its owner alone may connect to,
 * or TCP, on the loopback address unless told otherwise.  A thread
 * accepts clients and reaps those that are gone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "rumpserver.h"
#include "rumpserver_private.h"
#include "librumpclient/rpc_io.h"

/*
 * The socket file is made owner-only as it is made: bind() creates it
 * under the umask, so the umask is 0177 around the bind (the server sets
 * up its listeners before it serves anyone, in one thread).
 */
static int
rs_listen_unix(struct rump_server *srv, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int error = 0;

	if (path[0] != '/' || strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "rump_server: --listen unix://%s: expected an "
		    "absolute path of at most %zu bytes\n", path,
		    sizeof(sun.sun_path) - 1);
		return EINVAL;
	}
	strcpy(sun.sun_path, path);
	srv->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv->lfd < 0)
		return errno;
	old = umask(0177);
	if (bind(srv->lfd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		error = errno;
	umask(old);
	if (error != 0) {
		fprintf(stderr, "rump_server: cannot listen on unix://%s: %s\n",
		    path, strerror(error));
		return error;
	}
	strcpy(srv->path, path);
	snprintf(srv->where, sizeof(srv->where), "unix://%s", path);
	srv->isunix = true;
	return 0;
}

/* ADDR:PORT, ADDR empty for the loopback address. */
static int
rs_listen_tcp(struct rump_server *srv, const char *spec)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	const char *colon = strrchr(spec, ':');
	char addr[INET_ADDRSTRLEN], *end;
	unsigned long port;
	int one = 1;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(addr))
		goto bad;
	memcpy(addr, spec, (size_t)(colon - spec));
	addr[colon - spec] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port > 65535)
		goto bad;
	if (addr[0] == '\0')
		strcpy(addr, "127.0.0.1");
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		goto bad;
	sin.sin_port = htons((uint16_t)port);
	srv->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv->lfd < 0)
		return errno;
	/*
	 * So that a server started again binds while its last one's
	 * connections linger; without it, bind says the port is taken.
	 */
	(void)setsockopt(srv->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(srv->lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(srv->lfd, (struct sockaddr *)&sin, &len) != 0) {
		int error = errno;

		fprintf(stderr, "rump_server: cannot listen on tcp://%s: %s\n",
		    spec, strerror(error));
		return error;
	}
	snprintf(srv->where, sizeof(srv->where), "tcp://%s:%u", addr,
	    ntohs(sin.sin_port));
	return 0;
bad:
	fprintf(stderr, "rump_server: --listen tcp://%s: expected ADDR:PORT "
	    "(an IPv4 address, or none for 127.0.0.1)\n", spec);
	return EINVAL;
}

static void
rs_accepted(struct rump_server *srv, int fd)
{
	rump_rpc_tune(fd, !srv->isunix);
	if (rs_client_start(srv, fd) != 0) {
		fprintf(stderr, "rump_server: no thread for a new client\n");
		close(fd);
	}
}

static void *
rs_acceptor(void *arg)
{
	struct rump_server *srv = arg;
	struct pollfd pfd[2] = {
		{ .fd = srv->lfd, .events = POLLIN },
		{ .fd = srv->stopfd[0], .events = POLLIN },
	};
	int fd;

	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents != 0)
			break;
		rs_client_reap(srv, false);
		if (pfd[0].revents == 0)
			continue;
		fd = accept4(srv->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			rs_accepted(srv, fd);
	}
	return NULL;
}

static void
rs_server_free(struct rump_server *srv)
{
	if (srv->lfd >= 0)
		close(srv->lfd);
	if (srv->path[0] != '\0')
		unlink(srv->path);
	close(srv->stopfd[0]);
	close(srv->stopfd[1]);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}

int
rump_server_start(const char *url, bool verbose, struct rump_server **srvp)
{
	struct rump_server *srv = calloc(1, sizeof(*srv));
	int error;

	if (srv == NULL)
		return ENOMEM;
	srv->lfd = -1;
	srv->verbose = verbose;
	pthread_mutex_init(&srv->lock, NULL);
	if (pipe2(srv->stopfd, O_CLOEXEC) != 0) {
		error = errno;
		pthread_mutex_destroy(&srv->lock);
		free(srv);
		return error;
	}
	if (strncmp(url, "unix://", 7) == 0)
		error = rs_listen_unix(srv, url + 7);
	else if (strncmp(url, "tcp://", 6) == 0)
		error = rs_listen_tcp(srv, url + 6);
	else {
		fprintf(stderr, "rump_server: --listen %s: expected unix:///path "
		    "or tcp://ADDR:PORT\n", url);
		error = EINVAL;
	}
	if (error == 0 && listen(srv->lfd, 64) != 0)
		error = errno;
	if (error == 0)
		error = pthread_create(&srv->acceptor, NULL, rs_acceptor, srv);
	if (error != 0) {
		rs_server_free(srv);
		return error;
	}
	*srvp = srv;
	return 0;
}

const char *
rump_server_where(const struct rump_server *srv)
{
	return srv->where;
}

void
rump_server_stop(struct rump_server *srv)
{
	char c = 0;

	while (write(srv->stopfd[1], &c, 1) < 0 && errno == EINTR)
		continue;
	pthread_join(srv->acceptor, NULL);
	rs_client_reap(srv, true);
	rs_server_free(srv);
}
