/*
 * Host signals during a call through a channel.
 *
 * A local system call that a signal's handler would interrupt ends with
 * EINTR whenever the signal comes after the call began, also while the
 * kernel ran it before it slept (Linux checks for pending signals before
 * each interruptible sleep).  A channel's call spends that time in the
 * spin, in user space: a signal there runs its handler and returns into
 * the spin, and the call would then sleep on unaware.  So a call through
 * a channel blocks every signal but the faults (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL: the thread's own) from its start; one that comes
 * meanwhile stays pending, and the waiting thread sees it (a signalfd in its
 * sleep's poll) before it would sleep, or while it sleeps.  Then, as the
 * host would decide for a local call: if a pending signal the caller does
 * not block has a handler without SA_RESTART, the call is interrupted;
 * the caller's mask is restored for a moment, the handlers run, and the
 * wait goes on.  A call whose reply came first just restores the mask
 * and its handlers run after it, as after a local call that returned.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "rumpclient_private.h"

void
rump_client_sigblock(sigset_t *orig)
{
	sigset_t all;

	sigfillset(&all);
	/*
	 * Faults are the thread's own (a bad buffer copied into the
	 * channel): blocked, the host would kill the program instead of
	 * running their handlers.
	 */
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	pthread_sigmask(SIG_BLOCK, &all, orig);
}

void
rump_client_sigrestore(const sigset_t *orig)
{
	pthread_sigmask(SIG_SETMASK, orig, NULL);
}

void
rump_client_sigletin(const sigset_t *orig, sigset_t *letin)
{
	/* All of it: sigemptyset() clears only the words the host uses. */
	memset(letin, 0, sizeof(*letin));
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(orig, sig) == 0)
			sigaddset(letin, sig);
}

/* Whether signal sig, when it is handled, interrupts a system call. */
static bool
rc_sig_interrupts(int sig)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa) != 0)
		return false;
	return sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN &&
	    (sa.sa_flags & SA_RESTART) == 0;
}

bool
rump_client_sigdeliver(const sigset_t *orig)
{
	sigset_t pending;
	bool interrupts = false;

	if (sigpending(&pending) == 0)
		for (int sig = 1; sig < NSIG && !interrupts; sig++)
			interrupts = sigismember(&pending, sig) == 1 &&
			    sigismember(orig, sig) == 0 && rc_sig_interrupts(sig);
	rump_client_sigrestore(orig);
	return interrupts;
}
