/*
 * A worker's kernel tells the client how far it has written a read's
 * data into the channel (rs_chan.h, rump_lwproc_progress).  Apart from
 * rs_chan.c, which calls nothing in the kernel (t_chan_nomem links it
 * without one).
 */
#include <stdint.h>

#include <rump/rump.h>

#include "rs_chan.h"
#include "librumpclient/rpc_wire.h"

/* Neither can fail: the kernel runs while a worker serves calls. */
void
rs_chan_watch(struct rs_chan *ch)
{
	(void)rump_lwproc_progress(rs_chan_place(ch), RUMP_RPC_MAXDATA,
	    rs_chan_progress(ch));
}

void
rs_chan_unwatch(void)
{
	(void)rump_lwproc_progress(NULL, 0, NULL);
}
