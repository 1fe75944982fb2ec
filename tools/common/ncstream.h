/*
 * Byte streams over many TCP connections on rump sockets in one poll
 * loop, no thread per connection (rump_nc --echo, --sink, --source):
 *	echo	every byte read is written back; the peer's FIN is answered
 *		with ours once everything is echoed;
 *	sink	reads and discards until the peer closes;
 *	source	writes a byte pattern (ncstream_byte()) of the given length,
 *		then shuts its sending side and reads until the peer closes.
 * Sink and source print, per connection, the bytes moved and the rate.
 */
#ifndef TOOLS_NCSTREAM_H
#define TOOLS_NCSTREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum ncstream_mode { NCSTREAM_ECHO, NCSTREAM_SINK, NCSTREAM_SOURCE };

struct ncstream_opts {
	const char *prog;		/* prefix of messages */
	enum ncstream_mode mode;
	uint64_t source_bytes;
	bool keep;			/* accept more after the first ends */
	bool verbose;			/* a line for every connection */
	int maxconns;
	FILE *report;			/* where the byte counts go */
};

/*
 * Serves the connections accepted on the listening socket ls, or the
 * connected socket s when ls < 0 (both non-blocking), until the streams
 * are done (a single connection, or the first with !keep) or sigfd is
 * readable.  Returns 0, or -1 after printing why.
 */
int ncstream_run(const struct ncstream_opts *o, int ls, int s, int sigfd);

/* Byte number i of the source pattern: i mod 251, a prime, so a block
 * that is lost, doubled or moved shows. */
static inline unsigned char
ncstream_byte(uint64_t i)
{
	return (unsigned char)(i % 251);
}

/*
 * SO_LINGER on s: its close() waits until the peer has acknowledged all
 * that was sent (up to 30 s).  A tool that exits after a close would
 * otherwise take the kernel, and the bytes still queued, with it.
 */
void ncstream_linger(int s, const char *prog);

/* "1073741824 bytes in 3.214 s, 2672.5 Mbit/s" into buf. */
void ncstream_rate(char *buf, size_t len, uint64_t bytes, uint64_t ns);

#endif
