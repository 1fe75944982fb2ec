/*
 * The kernel process of a remote client (rs_proc.h).
 *
 * A process is made with rump_lwproc_rfork(RUMP_RFCFDG): the calling
 * thread moves into a new process with no descriptors.  Its credentials
 * are set with the process's own system calls while it is still root's.
 */
#include <errno.h>
#include <stddef.h>

#include <rump/rump.h>

#include "rs_proc.h"

int
rs_proc_create(uid_t uid, gid_t gid, pid_t *pidp)
{
	int error;

	error = rump_lwproc_rfork(RUMP_RFCFDG);
	if (error != 0)
		return error;
	if (rump_sys_setgroups(0, NULL) != 0 || rump_sys_setgid(gid) != 0 ||
	    rump_sys_setuid(uid) != 0) {
		error = errno;
		rump_lwproc_releaselwp();
		return error;
	}
	*pidp = rump_sys_getpid();
	return 0;
}

void
rs_proc_leave(void)
{
	rump_lwproc_releaselwp();
}
