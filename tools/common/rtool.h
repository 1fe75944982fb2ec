/*
 * What the remote tools (rump.ifconfig, rump.route, rump.arp,
 * rump.netstat, rump.sysctl) share: they are clients of a running
 * rump_server, linked with librumpclient, and make ordinary system calls
 * (ioctl, sysctl) in it.  Every error names the server and says why.
 */
#ifndef TOOLS_RTOOL_H
#define TOOLS_RTOOL_H

#include <stddef.h>
#include <stdint.h>

/* The usage paragraph of every remote tool: how the server is named. */
extern const char rtool_usage[];

/*
 * Connects to the server RUMP_SERVER names (librumpclient prints why
 * when it cannot) and returns; exits 1 when it cannot.  prog names the
 * tool in later messages.
 */
void rtool_connect(const char *prog);
/* The server's name, for messages. */
const char *rtool_server(void);
/* Prints "prog: message: strerror(error) (server URL)" and exits 1. */
void rtool_fail(int error, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
/* An AF_INET datagram socket in the server (for ioctls); exits on error. */
int rtool_socket(void);
/*
 * The whole value of a sysctl name, malloc'd (a table that grows between
 * asking its size and reading it is asked again); its length in *lenp.
 * Exits on error.
 */
void *rtool_sysctl(const char *name, size_t *lenp);
/* Formats a network-order IPv4 address into buf[16]. */
char *rtool_inet(uint32_t addr, char buf[16]);
/* Parses a dotted quad into network order; -1 when malformed. */
int rtool_parse_inet(const char *s, uint32_t *addr);

#endif
