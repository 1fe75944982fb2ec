/*
 * ICMP echo in the manner of ping(8), for rump_ping (a kernel of its own)
 * and rump.ping (a client of rump_server): both only make system calls,
 * so the logic is one.
 *
 * The echo requests go out through a raw ICMP socket of the rump kernel:
 * this code builds the ICMP header and payload, the kernel adds the IP
 * header.  Like a BSD or Linux raw socket, the rump raw socket delivers
 * every ICMP packet the stack receives, IP header included, so replies are
 * matched by identifier and sequence number and the rest is ignored.  The
 * first 8 bytes of the payload (when there are at least 16) carry the send
 * time, as ping(8) does, for the round-trip time.
 */
#ifndef TOOLS_PING_H
#define TOOLS_PING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAXPAYLOAD	(65535 - 20 - 8)	/* the largest IPv4 datagram */
#define TIMELEN		16		/* payload needed for timing, as ping */
#define NSEQ		65536		/* sequence numbers remembered */

struct ping {
	const char *prog;		/* for messages */
	int s;
	uint32_t target;		/* host byte order */
	char host[16];
	uint16_t ident;
	size_t datalen;
	bool timing, quiet;
	int ttl;			/* 0: the kernel's */
	long count;			/* 0: until a signal */
	uint64_t interval_ns, linger_ns;

	long ntransmitted, nreceived, nrepeats, nchecksum, nerrors;
	uint64_t first_send, last_send;
	long long tmin, tmax, tsum;	/* microseconds */
	double tsum2;
	uint8_t rcvd[NSEQ / 8];

	uint8_t out[8 + MAXPAYLOAD];
	uint8_t in[65536];
};

/* ping's own options, for getopt, and their usage lines. */
#define PING_OPTSTRING	"c:i:s:W:t:q"
extern const char ping_usage_options[];

/* Defaults: 56 bytes every second, until a signal. */
void ping_init(struct ping *pg, const char *prog);
/*
 * Takes option c (one of PING_OPTSTRING) with its argument; a bad value
 * is a usage error.  Returns false for an option that is not ping's.
 */
bool ping_option(struct ping *pg, int c, const char *arg);
/* The HOST argument, the only one left in argv[first..argc). */
void ping_host(struct ping *pg, int argc, char **argv, int first);
/*
 * Opens the socket, prints the PING line, pings until done or until
 * sigfd (a rump descriptor) is readable, prints the statistics and closes
 * the socket.  Returns the exit status of ping(8): 0 when a reply came,
 * 1 when none did, 2 on errors.
 */
int ping_main(struct ping *pg, const char *hostarg, int sigfd);

#endif
