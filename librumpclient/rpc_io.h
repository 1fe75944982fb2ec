/*
 * Whole-buffer socket I/O for the remote-call protocol, shared by the
 * client (librumpclient) and the server (librumpserver).
 *
 * rump_rpc_writeall(fd, p, len)  sends all len bytes (never SIGPIPE)
 * rump_rpc_sendframe(fd, b)      sends the frame b holds, its blocks
 *                                from where they lie, in one writev
 *                                when the socket takes it all
 * rump_rpc_sendframe_fds(fd, b, fds, nfds)
 *                                the same with up to RPC_MAXFDS descriptors
 *                                (SCM_RIGHTS) on its first bytes
 * rump_rpc_readall(fd, p, len)   receives exactly len bytes
 * rump_rpc_readhdr_fds(fd, p, len, fds, nfdsp)
 *                                the same, for a frame's start, with the
 *                                descriptors that came with it (*nfdsp of
 *                                them, the caller's to close, also on error)
 * rump_rpc_tune(fd, tcp)         a connection's socket options: room for
 *                                a large frame in its buffers, and
 *                                TCP_NODELAY over TCP (frames are whole)
 *
 * Both retry after EINTR and return 0 or an errno value: EPIPE when the
 * peer took nothing, ECONNRESET when it closed before len bytes came.
 */
#ifndef LIBRUMPCLIENT_RPC_IO_H
#define LIBRUMPCLIENT_RPC_IO_H

#include <stddef.h>
#include <stdint.h>

int rump_rpc_writeall(int fd, const uint8_t *p, size_t len);
int rump_rpc_readall(int fd, uint8_t *p, size_t len);

void rump_rpc_tune(int fd, int tcp);

/* Descriptors one frame carries, at most. */
#define RPC_MAXFDS	4

int rump_rpc_readhdr_fds(int fd, uint8_t *p, size_t len, int *fds, int *nfdsp);

struct rpc_wbuf;
int rump_rpc_sendframe(int fd, const struct rpc_wbuf *b);
int rump_rpc_sendframe_fds(int fd, const struct rpc_wbuf *b, const int *fds,
    int nfds);

#endif
