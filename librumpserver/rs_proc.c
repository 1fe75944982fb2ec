/*
 * The kernel process of a remote client (rs_proc.h), on the kernel's
 * calls for them (rump_lwproc_newproc and the others, include/rump/rump.h).
 */
#include <stddef.h>

#include <rump/rump.h>

#include "rs_proc.h"

/*
 * The credentials are set from inside the process (setcred acts on the
 * caller's): the calling thread visits it and comes back to process 1.
 * A process made by newproc does not exit when its last thread leaves,
 * only after rump_lwproc_exit().
 */
int
rs_proc_create(uid_t uid, gid_t gid, pid_t *pidp)
{
	pid_t pid;
	int error;

	error = rump_lwproc_newproc(&pid);
	if (error != 0)
		return error;
	error = rump_lwproc_attach(pid);
	if (error == 0) {
		error = rump_lwproc_setcred(uid, gid, 0, NULL);
		rump_lwproc_releaselwp();
	}
	if (error != 0) {
		rump_lwproc_exit(pid);
		return error;
	}
	*pidp = pid;
	return 0;
}

/* As a worker of the parent, attached to it. */
int
rs_proc_fork(pid_t *pidp)
{
	return rump_lwproc_forkproc(pidp);
}

int
rs_proc_attach(pid_t pid, int *lidp)
{
	int error;

	error = rump_lwproc_attach(pid);
	if (error == 0 && (error = rump_lwproc_curlwpid(lidp)) != 0)
		rump_lwproc_releaselwp();
	return error;
}

void
rs_proc_leave(void)
{
	rump_lwproc_releaselwp();
}

/* ESRCH: the thread is gone or left; nothing to interrupt then. */
void
rs_proc_interrupt(pid_t pid, int lid)
{
	(void)rump_lwproc_interrupt(pid, lid);
}

void
rs_proc_exit(pid_t pid)
{
	(void)rump_lwproc_exit(pid);
}
