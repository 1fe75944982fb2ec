/*
 * libFuzzer target of the remote-call decoder (make fuzz): every input is
 * a call payload; the reply is encoded as if the call returned the
 * input's length.  Seeds are the calls librumpclient makes, written by
 * t_rpc_decode.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (fz_rpc_one(data, len, (long)len) < 0)
		abort();
	return 0;
}
