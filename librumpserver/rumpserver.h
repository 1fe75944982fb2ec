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
 */
#ifndef LIBRUMPSERVER_RUMPSERVER_H
#define LIBRUMPSERVER_RUMPSERVER_H

#include <stdbool.h>

struct rump_server;

int rump_server_start(const char *url, bool verbose, struct rump_server **srvp);
const char *rump_server_where(const struct rump_server *srv);
void rump_server_stop(struct rump_server *srv);

#endif
