/* The start every tool makes: signals, kernel, interface options, mounts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rump/rump.h>

#include "toolboot.h"
#include "toolsig.h"

enum tool_boot
tool_boot(const char *prog, struct netopts *no, int *sigfdp)
{
	int error;

	if (toolsig_block() != 0) {
		fprintf(stderr, "%s: cannot block signals: %s\n", prog,
		    strerror(errno));
		return TOOL_BOOT_NOKERNEL;
	}
	if ((error = rump_init()) != 0) {
		fprintf(stderr, "%s: cannot boot the rump kernel: %s\n", prog,
		    strerror(error));
		return TOOL_BOOT_NOKERNEL;
	}
	if ((*sigfdp = toolsig_start()) < 0) {
		fprintf(stderr, "%s: cannot watch for signals: %s\n", prog,
		    strerror(errno));
		return TOOL_BOOT_FAILED;
	}
	if (netopts_apply(no) != 0 || netopts_mount_apply(no) != 0) {
		fprintf(stderr, "%s: %s\n", prog, no->err);
		return TOOL_BOOT_FAILED;
	}
	return TOOL_BOOT_OK;
}

int
tool_shutdown(const char *prog, struct netopts *no)
{
	int error;

	toolsig_stop();
	netopts_mount_release(no);
	netopts_stop(no);
	if ((error = rump_fini()) != 0)
		fprintf(stderr, "%s: rump_fini: %s\n", prog, strerror(error));
	return error;
}
