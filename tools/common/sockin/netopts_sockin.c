/*
 * The interface options in a tool's sockin flavour (<tool>-sockin, linked
 * with librumpnet_sockin): the host's own network carries the sockets and
 * the rump kernel has no interface to configure; netopts_check() refuses
 * every interface option, so there is nothing to apply, stop or read
 * back.  Replaces netopts_apply.c and netopts_readback.c of the rump
 * stack flavour.
 */
#include <stdbool.h>

#include "netopts.h"

const bool netopts_hostnet = true;

int
netopts_apply(struct netopts *no)
{
	(void)no;
	return 0;
}

void
netopts_stop(struct netopts *no)
{
	(void)no;
}

void
netopts_readback(struct netopts *no)
{
	(void)no;
}
