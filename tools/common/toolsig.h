/*
 * Signals in the tools.  No rump call may run in a signal handler, and a
 * host signal does not wake a thread waiting inside the rump kernel, so:
 * SIGINT, SIGTERM and SIGHUP are blocked in every thread (toolsig_block()
 * before rump_init(), whose threads inherit the mask), and one host thread
 * takes them with sigwait() and writes a byte into a rump pipe that the
 * tool's main loop polls together with its sockets.
 *
 * A second signal while the tool is winding down ends the process at once,
 * with the signal's default action.
 */
#ifndef TOOLS_TOOLSIG_H
#define TOOLS_TOOLSIG_H

/* Blocks the signals in the calling thread and those it creates later. */
int toolsig_block(void);
/*
 * After rump_init(): starts the waiting thread.  Returns a rump descriptor
 * that becomes readable (POLLIN) when a signal came, or -1 with errno set.
 */
int toolsig_start(void);
/* The signal that came, or 0. */
int toolsig_caught(void);
/* "SIGINT", "SIGTERM", "SIGHUP" or "a signal", for messages. */
const char *toolsig_name(int sig);
/* Ends the waiting thread and closes the pipe; before rump_fini(). */
void toolsig_stop(void);

#endif
