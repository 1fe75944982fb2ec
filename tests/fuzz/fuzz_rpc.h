/*
 * One input of the remote-call decoder's fuzzer: the payload of a call
 * frame as a client could send it.  Shared by the libFuzzer target
 * (fuzz_rpc.c, make fuzz) and its bounded run in make test
 * (t_rpc_decode.c).  The decoder and the reply encoder run alone, without
 * a kernel: rs_decode.c calls none.
 */
#ifndef TESTS_FUZZ_FUZZ_RPC_H
#define TESTS_FUZZ_FUZZ_RPC_H

#include <stdlib.h>
#include <string.h>

#include "rumpserver_private.h"

/*
 * The checks of a channel's frames on the same bytes: as a channel
 * request's payload, and as the header of a frame in a channel's memory.
 * 0, or -1 if one refused without a reason or passed a bad length.
 */
static inline int
fz_rpc_chan(const uint8_t *data, size_t len)
{
	struct rump_rpc_chanreq q;
	struct rump_rpc_hdr h;
	const char *why = NULL;

	if (rump_server_decode_chanreq(data, len, &q, &why) != 0 && why == NULL)
		return -1;
	if (len < RUMP_RPC_HDRLEN)
		return 0;
	if (rump_server_chanframe(data, &h, &why) != 0)
		return why == NULL ? -1 : 0;
	return h.rh_len >= RUMP_RPC_HDRLEN && h.rh_len <= RUMP_RPC_MAXFRAME ?
	    0 : -1;
}

/*
 * Where a channel's reply would carry its first block (rump_server_decode's
 * place): RUMP_RPC_MAXDATA bytes, made once and kept.
 */
static inline uint8_t *
fz_rpc_place(void)
{
	static uint8_t *place;

	if (place == NULL)
		place = malloc(RUMP_RPC_MAXDATA);
	return place;
}

/*
 * Decodes data and, when it is a well-formed call, encodes the reply of
 * the call as if it had returned ret (or the decoder's own refusal); for
 * an odd ret, as a channel's call: read through a copy, its data placed
 * in the reply.  0: decoded; EBADMSG: refused, with
 * a reason; -1: something that must never happen (refused without a
 * reason, or a reply larger than a frame; or so in fz_rpc_chan()).  The
 * sanitizers catch the rest.
 */
static inline int
fz_rpc_one(const uint8_t *data, size_t len, long ret)
{
	struct rpc_wbuf reply = { .rb_data = NULL };
	struct rs_call call;
	const char *why = NULL;
	uint8_t *copy = malloc(len > 0 ? len : 1);
	uint8_t *room = malloc(len > 0 ? len : 1);
	bool chan = ret % 2 != 0;
	int error, broken = 0;

	if (copy == NULL || room == NULL || fz_rpc_chan(data, len) != 0) {
		free(copy);
		free(room);
		return -1;
	}
	if (len > 0)
		memcpy(copy, data, len);
	error = rump_server_decode(&call, copy, len, chan ? room : NULL,
	    chan ? fz_rpc_place() : NULL, &why);
	if (error != 0 && why == NULL)
		broken = 1;
	if (error == 0) {
		rump_server_encode(&call, ret, call.refuse, &reply);
		if (reply.rb_nomem || reply.rb_len + reply.rb_reflen > RUMP_RPC_MAXFRAME)
			broken = 1;
	}
	rump_server_call_free(&call);
	free(reply.rb_data);
	free(copy);
	free(room);
	return broken ? -1 : error;
}

#endif
