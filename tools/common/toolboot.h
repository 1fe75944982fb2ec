/*
 * The start every tool makes, in this order: block the signals (before the
 * kernel's threads exist, so they inherit the mask), boot the kernel, start
 * the signal watcher, apply the interface options, mount the --mount
 * images.
 */
#ifndef TOOLS_TOOLBOOT_H
#define TOOLS_TOOLBOOT_H

#include "netopts.h"

enum tool_boot {
	TOOL_BOOT_OK,
	TOOL_BOOT_NOKERNEL,	/* failed before the kernel booted: just exit */
	TOOL_BOOT_FAILED,	/* the kernel runs: tear down as at the end */
};

/* Prints "prog: what failed" itself; *sigfdp is the signal descriptor. */
enum tool_boot tool_boot(const char *prog, struct netopts *no, int *sigfdp);
/*
 * The end, after a TOOL_BOOT_OK or TOOL_BOOT_FAILED start: stops the signal
 * watcher, unmounts the images, stops the captures and shuts the kernel
 * down.  Returns 0, or
 * rump_fini()'s error after printing it.
 */
int tool_shutdown(const char *prog, struct netopts *no);

#endif
