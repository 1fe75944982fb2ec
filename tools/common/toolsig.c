/*
 * Signals turned into a rump descriptor (see toolsig.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>

#include <rump/rump.h>

#include "toolsig.h"

static sigset_t toolsig_set;
static pthread_t toolsig_thread;
static bool toolsig_running;
static int toolsig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t toolsig_sig;
static volatile sig_atomic_t toolsig_stopping;

int
toolsig_block(void)
{
	sigemptyset(&toolsig_set);
	sigaddset(&toolsig_set, SIGINT);
	sigaddset(&toolsig_set, SIGTERM);
	sigaddset(&toolsig_set, SIGHUP);
	errno = pthread_sigmask(SIG_BLOCK, &toolsig_set, NULL);
	return errno == 0 ? 0 : -1;
}

static void *
toolsig_main(void *arg)
{
	int sig;
	char c = 1;

	(void)arg;
	for (;;) {
		if (sigwait(&toolsig_set, &sig) != 0)
			continue;
		/* toolsig_stop() wakes this thread with a SIGTERM of its own. */
		if (toolsig_stopping)
			return NULL;
		if (toolsig_sig != 0) {
			/* The second one: give up at once. */
			signal(sig, SIG_DFL);
			pthread_sigmask(SIG_UNBLOCK, &toolsig_set, NULL);
			raise(sig);
			_exit(128 + sig);
		}
		toolsig_sig = sig;
		rump_sys_write(toolsig_pipe[1], &c, 1);
	}
	return NULL;
}

int
toolsig_start(void)
{
	int err;

	if (rump_sys_pipe2(toolsig_pipe, 0) != 0)
		return -1;
	err = pthread_create(&toolsig_thread, NULL, toolsig_main, NULL);
	if (err != 0) {
		rump_sys_close(toolsig_pipe[0]);
		rump_sys_close(toolsig_pipe[1]);
		toolsig_pipe[0] = toolsig_pipe[1] = -1;
		errno = err;
		return -1;
	}
	toolsig_running = true;
	return toolsig_pipe[0];
}

int
toolsig_caught(void)
{
	return toolsig_sig;
}

void
toolsig_stop(void)
{
	/*
	 * Not pthread_cancel(): a thread cancelled in sigwait() unwinds past
	 * AddressSanitizer's bookkeeping and SANITIZE=1 builds abort at exit.
	 */
	if (toolsig_running) {
		toolsig_stopping = 1;
		pthread_kill(toolsig_thread, SIGTERM);
		pthread_join(toolsig_thread, NULL);
		toolsig_running = false;
	}
	if (toolsig_pipe[0] >= 0) {
		rump_sys_close(toolsig_pipe[0]);
		rump_sys_close(toolsig_pipe[1]);
		toolsig_pipe[0] = toolsig_pipe[1] = -1;
	}
}

const char *
toolsig_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	default:
		return "a signal";
	}
}
