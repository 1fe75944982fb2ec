/*
 * librumpserver: serves the system calls of remote clients
 * (librumpclient) from the rump kernel of the program that links it.
 * Host code on the public interface and host sockets, not kernel code.
 *
 * rump_server_start(url, verbose, &srv)
 *                   listens on unix:///path (the socket created 0600:
 *                   its owner only) or tcp://ADDR:PORT (ADDR empty:
 *                   127.0.0.1; PORT 0: any free one), after rump_init().
 *                   Each client gets a process of its own in the kernel.
 *                   0 or an errno value, with a message on stderr.
 * rump_server_where(srv)
 *                   where it listens, as a URL (the port chosen).
 * rump_server_stop(srv)
 *                   disconnects every client, ends their processes,
 *                   removes the unix socket and frees srv.
 * rump_server_maxchannels(max)
 *                   at most max shared-memory channels (the fast path of
 *                   one client thread: a worker thread and 4 MiB of the
 *                   client's memory mapped each) for all clients of
 *                   every listener together, from the next request on;
 *                   a thread refused one makes its calls over the
 *                   socket and asks again later.  Unlimited by default.
 */
#ifndef LIBRUMPSERVER_RUMPSERVER_H
#define LIBRUMPSERVER_RUMPSERVER_H

#include <stdbool.h>

struct rump_server;

int rump_server_start(const char *url, bool verbose, struct rump_server **srvp);
const char *rump_server_where(const struct rump_server *srv);
void rump_server_stop(struct rump_server *srv);
void rump_server_maxchannels(unsigned int max);

#endif
