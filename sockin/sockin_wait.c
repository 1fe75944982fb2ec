/*
 * A blocked call waits on its own host socket.
 *
 * A receive, send, accept or connect that must wait sleeps in the socket
 * layer (pr_sleep).  Were it to sleep on the socket's condition variable
 * alone, the event thread would have to be awake to bring it the news, a
 * host thread switch for every wake-up (and the thread kept from resting,
 * sockin_rest.c).  Instead it waits for its host socket itself, as a host
 * program's blocking call does, and, when the host says the socket is
 * ready, acts on that as the event thread would (sockin_event), waking
 * itself and every other waiter of the socket.
 *
 * Its sleep is registered on the condition variable as any interruptible
 * sleep (cv_wait_sig_host), so what wakes a sleeper there (data taken by
 * the event thread or a poller, close and shutdown from another thread,
 * rump_lwproc_interrupt, an exiting process) kicks it out of the host
 * wait: an eventfd of its own beside the socket in one ppoll, from a pool
 * (sockin_user_waiter_get).  SO_RCVTIMEO and SO_SNDTIMEO are the wait's
 * deadline.  Without an eventfd to be had (the host's descriptor limit),
 * it sleeps as before and the event thread brings the news.
 */
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

struct sockin_sleeper {
	struct cv_hostwait ss_hw;
	struct sockin_user_waiter *ss_user;
	struct lwp *ss_lwp;
	struct sockin_pcb *ss_sp;
	int ss_fd;
	int ss_events;		/* SOCKIN_EV_IN, SOCKIN_EV_OUT */
	bool ss_kicked;		/* under the interlock */
};

uint64_t
sockin_waitns(uint64_t deadline_ns)
{
	uint64_t now = getnsuptime();

	/* A deadline passed already: 1 ns, which the host says is over. */
	return deadline_ns == 0 ? 0 : deadline_ns > now ? deadline_ns - now : 1;
}

/* Without the interlock: the host wait, then what the host said, acted on. */
static int
sockin_sleepwait(struct cv_hostwait *hw, uint64_t deadline_ns)
{
	struct sockin_sleeper *ss = container_of(hw, struct sockin_sleeper,
	    ss_hw);
	int error, revents = 0;

	sched_block_begin();
	error = sockin_user_fdwait(ss->ss_user, ss->ss_fd, ss->ss_events,
	    sockin_waitns(deadline_ns), &revents);
	sched_block_end();
	if (revents == 0)
		return error;
	sockin_tooknews();
	/* The sleeper's file reference keeps the socket, and sp. */
	NET_LOCK();
	sockin_event(ss->ss_sp, revents);
	NET_UNLOCK();
	return 0;
}

/* Under the interlock; a sleeper waking others wakes itself by returning. */
static void
sockin_sleepkick(struct cv_hostwait *hw)
{
	struct sockin_sleeper *ss = container_of(hw, struct sockin_sleeper,
	    ss_hw);

	if (ss->ss_lwp != curlwp && !ss->ss_kicked) {
		ss->ss_kicked = true;
		sockin_user_waiter_kick(ss->ss_user);
	}
}

int
sockin_sleep(struct socket *so, kcondvar_t *cv, int events,
    uint64_t deadline_ns)
{
	struct sockin_pcb *sp = sotosockin(so);
	struct sockin_sleeper ss = {
		.ss_hw = { .hw_wait = sockin_sleepwait,
		    .hw_kick = sockin_sleepkick },
		.ss_lwp = curlwp,
		.ss_sp = sp,
		.ss_fd = sp->sp_fd,
		.ss_events = ((events & POLLIN) ? SOCKIN_EV_IN : 0) |
		    ((events & POLLOUT) ? SOCKIN_EV_OUT : 0),
	};
	int error;

	NET_ASSERT_LOCKED();
	if (sockin_user_waiter_get(sockin_su, &ss.ss_user) != 0) {
		sockin_stats.plainwaits++;
		return cv_wait_sig_until(cv, so->so_lock, deadline_ns);
	}
	sockin_stats.hostwaits++;
	error = cv_wait_sig_host(cv, so->so_lock, deadline_ns, &ss.ss_hw);
	sockin_user_waiter_put(sockin_su, ss.ss_user, ss.ss_kicked);
	return error;
}
