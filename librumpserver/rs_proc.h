/*
 * The kernel process of one remote client, as the server's threads see
 * it (rs_proc.c): made at the handshake, joined by each worker thread,
 * ended when the connection ends.
 */
#ifndef LIBRUMPSERVER_RS_PROC_H
#define LIBRUMPSERVER_RS_PROC_H

#include <sys/types.h>

/*
 * Threads serving one client's calls at once: one per client thread
 * with a call in flight, up to this many.
 */
#define RS_PROC_MAXTHREADS	64

/*
 * Makes a process with no descriptors and the credentials uid/gid (no
 * supplementary groups); the calling thread stays where it is.  0 and its
 * pid, or an errno value.
 */
int rs_proc_create(uid_t uid, gid_t gid, pid_t *pidp);
/*
 * A copy of the calling thread's process, as a fork makes it, held until
 * rs_proc_exit(); the calling thread stays.  0 and its pid, or an errno
 * value.
 */
int rs_proc_fork(pid_t *pidp);
/* The calling thread joins process pid; 0 and its thread id, or ESRCH. */
int rs_proc_attach(pid_t pid, int *lidp);
/* The calling thread leaves its process. */
void rs_proc_leave(void);
/* The call thread lid of process pid is in ends with EINTR. */
void rs_proc_interrupt(pid_t pid, int lid);
/*
 * The process begins to exit: its threads' sleeps end with EINTR; when
 * the last has left, its descriptors are closed and it is freed.
 */
void rs_proc_exit(pid_t pid);

#endif
