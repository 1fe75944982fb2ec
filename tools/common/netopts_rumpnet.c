/*
 * The mark of a tool's rump-stack flavour: its interface options configure
 * the rump kernel's own interfaces (netopts.h).  On its own in a file so
 * that code checking options links without the kernel calls of
 * netopts_apply.c.
 */
#include <stdbool.h>

#include "netopts.h"

const bool netopts_hostnet = false;
