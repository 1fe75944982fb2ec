/*
 * The rump kernel: kernel subsystems as a library.
 *
 * Everything a program using a rump kernel includes.  Calls into the
 * kernel come in two kinds: rump_sys_* system calls (rump_syscalls.h),
 * which return -1 and set errno on failure like their host namesakes, and
 * the rump_* calls, which return 0 or an errno value.
 *
 * rump_init()       boots the kernel.  Runs once; later calls return 0.
 *                   Parameters come from the environment: RUMP_NCPU
 *                   (virtual CPUs, 1..64, default the host's count),
 *                   RUMP_NOFILE (descriptors per process, 16..1048576,
 *                   default 1024) and RUMP_VERBOSE (0 or 1).  A malformed
 *                   parameter prints what was wrong and gives EINVAL.
 * rump_fini()       shuts the kernel down: stops its threads, closes every
 *                   descriptor, finalises the components and reports kernel
 *                   memory still in use.  The kernel cannot boot again in
 *                   the same process: rump_init() afterwards gives EALREADY.
 * rump_lwproc_rfork(flags)
 *                   gives the calling thread a new process whose descriptor
 *                   table is a copy of its current one (RUMP_RFFDG) or empty
 *                   (RUMP_RFCFDG).  Threads start out in process 1.
 * rump_lwproc_releaselwp()
 *                   detaches the calling thread from its process, which
 *                   exits, closing its descriptors, when its last thread
 *                   leaves (and, for one made by rump_lwproc_newproc, once
 *                   rump_lwproc_exit was called).  The thread's next call
 *                   runs in process 1.
 * rump_lwproc_newproc(&pid)
 *                   makes a process for a remote client and gives its pid:
 *                   no descriptors, cwd and root "/", process 1's
 *                   credentials, umask 022, no thread.  The calling thread
 *                   stays where it is.  Pids are unique while their
 *                   processes live and not reused at once (EAGAIN: none
 *                   is free).
 * rump_lwproc_forkproc(&pid)
 *                   makes a copy of the calling thread's process, as fork
 *                   copies it (the descriptor table copied, each
 *                   descriptor the same open file as the parent's; cwd,
 *                   root, umask and credentials), for a remote client's
 *                   fork, and gives its pid: no thread, held like one of
 *                   rump_lwproc_newproc until rump_lwproc_exit.  The
 *                   calling thread stays where it is (EAGAIN: no pid is
 *                   free).
 * rump_lwproc_attach(pid)
 *                   the calling thread's next calls run in process pid
 *                   (ESRCH: there is none, or it is exiting), until
 *                   rump_lwproc_releaselwp().  Threads attached to one
 *                   process share its descriptors.
 * rump_lwproc_setcred(uid, gid, ngroups, groups)
 *                   sets the real, effective and saved uid and gid and the
 *                   supplementary groups of the calling thread's process
 *                   (EPERM unless it is root now; EINVAL for a bad count
 *                   or an id of -1).
 * rump_lwproc_curlwpid(&lid)
 *                   the id of the calling thread in the kernel, for
 *                   rump_lwproc_interrupt().
 * rump_lwproc_interrupt(pid, lid)
 *                   the thread's current interruptible sleep (a receive,
 *                   an accept or connect, poll, a pipe) ends with EINTR,
 *                   or its next one if it is not asleep now; once per
 *                   call, and forgotten if the thread changes process.  A
 *                   call that moved some data returns the count instead.
 *                   ESRCH: no such thread in that process.
 * rump_lwproc_exit(pid)
 *                   the process begins to exit: every sleep of its threads
 *                   ends with EINTR, now and from then on; when its last
 *                   thread has detached, its descriptors are closed (a
 *                   socket's peer sees the close as usual) and it is freed.
 *                   ESRCH: no such process, or already exiting; EPERM for
 *                   process 1.
 * rump_lwproc_progress(start, len, &word)
 *                   while the calling thread's calls read into
 *                   [start, start + len) in order, the kernel stores how
 *                   many bytes of it it has written so far at word, with
 *                   release order, as it writes them (a remote server's
 *                   client copies each piece as it comes).  (NULL, 0,
 *                   NULL) stops it.  The thread must keep its lwp
 *                   (attached, or rump_lwproc_rfork'ed).
 * rump_kmem_stat(type, st)
 *                   kernel memory of one type (ENOENT: no such type).
 * rump_kmem_inuse() bytes of kernel memory in use, all types together.
 * rump_kmem_dump()  prints every type with memory in use to the console.
 * rump_schedule(), rump_unschedule()
 *                   enter and leave the kernel around calls of kernel
 *                   internals, for tests of kernel modules.
 */
#ifndef RUMP_RUMP_H
#define RUMP_RUMP_H

#include <rump/rumpdefs.h>

#ifdef __cplusplus
extern "C" {
#endif

int rump_init(void);
int rump_fini(void);
void rump_schedule(void);
void rump_unschedule(void);

#ifdef __cplusplus
}
#endif

#include <rump/rumpkern_if_pub.h>
#include <rump/rump_syscalls.h>

#endif /* RUMP_RUMP_H */
