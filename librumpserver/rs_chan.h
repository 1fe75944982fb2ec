/*
 * The server's end of a shared-memory channel (rs_chan.c; the protocol
 * is in librumpclient/rpc_chan.h): mapping what a client passed, waiting
 * for its calls, handing each to the decoder with room to copy it (but
 * for its bulk data, which the kernel reads in place), and posting the
 * replies.
 */
#ifndef LIBRUMPSERVER_RS_CHAN_H
#define LIBRUMPSERVER_RS_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rs_chan;
struct rpc_wbuf;

/*
 * A channel from the descriptors and the payload of a RUMP_RPC_CHANNEL
 * frame (the descriptors are the channel's from here on, or closed):
 * 0 and *chp; a refusal the client is answered (*refusep, an errno
 * value: another channel version, or no memory); or EBADMSG and *whyp,
 * the client broke the protocol.
 */
int rs_chan_open(int *fds, int nfds, const uint8_t *payload, size_t len,
    struct rs_chan **chp, int *refusep, const char **whyp);

/* What rs_chan_next() found. */
#define RS_CHAN_CALL	0	/* a call: *reqidp, *payloadp, *copyp, *lenp */
#define RS_CHAN_CLOSED	1	/* the client's thread is gone */
#define RS_CHAN_STOP	2	/* stopfd is readable: the connection ends */
#define RS_CHAN_BAD	3	/* a malformed frame or state: *whyp */

/*
 * Waits for the next call, spinning a while and then sleeping until the
 * client wakes us or stopfd is readable.  A call's payload is in the
 * channel's memory, which the client may change: the decoder reads it
 * through *copyp, room of our own for *lenp bytes (rump_server_decode).
 * Both are valid until the next rs_chan_next().
 */
int rs_chan_next(struct rs_chan *ch, int stopfd, uint64_t *reqidp,
    uint8_t **payloadp, uint8_t **copyp, size_t *lenp, const char **whyp);

/*
 * Where the data of a reply's first block will lie in the channel's
 * memory, for the kernel to write it there (rump_server_decode()).
 */
uint8_t *rs_chan_place(struct rs_chan *ch);

/* The header's ch_progress: the server's word to the client. */
uint64_t *rs_chan_progress(struct rs_chan *ch);

/*
 * While the calling worker runs a call, its kernel tells the client how
 * far it has written the data at rs_chan_place() (ch_progress), so the
 * client copies each piece as it comes; rs_chan_unwatch() after the call
 * (rs_chan_watch.c: the kernel's half, apart from the channel's).
 */
void rs_chan_watch(struct rs_chan *ch);
void rs_chan_unwatch(void);

/*
 * The reply frame b holds (its header filled in here), to the client:
 * 0, or ENOMEM or EMSGSIZE if b failed or outgrew a frame.
 */
int rs_chan_reply(struct rs_chan *ch, struct rpc_wbuf *b, uint64_t reqid);

void rs_chan_close(struct rs_chan *ch);

/*
 * A channel more under rump_server_maxchannels(): true, and
 * rs_chan_unreserve() once it is closed or refused after all; false
 * when there are that many already.
 */
bool rs_chan_reserve(void);
void rs_chan_unreserve(void);

#endif
