/*
 * The kernel process of one remote client, as the server's threads see
 * it: the first of the client's threads makes it, the others join it, and
 * the connection's end ends it.  One file (rs_proc.c) makes the calls.
 */
#ifndef LIBRUMPSERVER_RS_PROC_H
#define LIBRUMPSERVER_RS_PROC_H

#include <sys/types.h>

/* Threads serving one client's calls at once. */
#define RS_PROC_MAXTHREADS	1

/*
 * Makes a process with an empty descriptor table and the credentials
 * uid/gid (no supplementary groups), and makes the calling thread one of
 * its threads.  0 and its pid, or an errno value.
 */
int rs_proc_create(uid_t uid, gid_t gid, pid_t *pidp);
/* The calling thread leaves its process. */
void rs_proc_leave(void);

#endif
