/*
 * The event thread rests while pollers take the news themselves.
 *
 * A program that polls its sockets in a loop (a server) would otherwise
 * have the event thread woken for every socket event, and hand each to the
 * poller: a host thread switch per request.  Instead each pass of a poll
 * first takes the news waiting in the host itself (sockin_prescan), many
 * events at once when it is busy, as a host program's poll does; and the
 * event thread, once a poller has done so since its last batch, rests
 * until it is needed again.
 *
 * A poller that must sleep while it rests waits for the host itself
 * (sockin_lead: one at a time, the leader), takes the news when it comes
 * and so wakes itself, and whoever it is for, without a thread switch;
 * anybody else who sleeps (lwp_sleepwatch) wakes the event thread, which
 * brings the news to him, the leader's too (sockin_leadkick).  Calls that
 * find nothing without sleeping (a non-blocking receive, send or accept)
 * take the news first while it rests (sockin_catchup), and so does a
 * datagram socket's receive, whose host errors become its so_error then;
 * a blocked call waits for its host socket itself (sockin_wait.c).
 *
 * A connect in progress lets it rest: a blocking one waits for its host
 * socket itself, and a non-blocking one's completion (or an interrupted
 * or timed-out blocking one's, which goes on) is looked for by the
 * socket layer where it reads it (pr_connpoll: connect, SO_ERROR,
 * getpeername, send, receive) and taken by poll with the rest of the
 * news.  A datagram socket's host error needs no thread either: poll
 * takes the news, a receive takes it (above) or meets it in the host, a
 * send meets it in the host, SO_ERROR reads it there (sockin_ctloutput).
 */
#include "rumpkern/ktime.h"
#include "rumpkern/lwp.h"
#include "rumpkern/poll.h"
#include "rumpnet/netlock.h"
#include "sockin/sockin_user.h"
#include "sockin/sockin_var.h"

/* The event thread's rest: the fields below, a leaf after any interlock. */
static kmutex_t sockin_restlock;
static kcondvar_t sockin_restcv;
static bool sockin_resting;
static bool sockin_polled;	/* a poller took news since the last batch */
static bool sockin_stopping;
static struct lwp *sockin_leader;	/* a poller waiting for the host */
static unsigned sockin_sleepers;	/* atomic: lwps asleep */

static void
sockin_wake_locked(void)
{
	if (sockin_resting) {
		sockin_resting = false;
		sockin_stats.resting = 0;
		cv_signal(&sockin_restcv);
	}
}

/* Every interruptible sleep, under its interlock. */
static void
sockin_sleepwatch(bool asleep)
{
	if (!asleep) {
		__atomic_fetch_sub(&sockin_sleepers, 1, __ATOMIC_RELAXED);
		return;
	}
	mutex_enter(&sockin_restlock);
	__atomic_fetch_add(&sockin_sleepers, 1, __ATOMIC_RELAXED);
	sockin_wake_locked();
	mutex_exit(&sockin_restlock);
}

/* softnet_lock held: the host's news, taken as the event thread does. */
static size_t
sockin_take(void)
{
	struct sockin_user_event ev[SOCKIN_USER_NEVENTS];
	size_t n, total = 0;

	while (sockin_user_wait(sockin_su, ev, &n, 0) == 0) {
		sockin_dispatch(ev, n);
		total += n;
		if (n < SOCKIN_USER_NEVENTS)
			break;
	}
	return total;
}

void
sockin_tooknews(void)
{
	/* Somebody is at work: the event thread may rest (sockin_rest). */
	__atomic_store_n(&sockin_polled, true, __ATOMIC_RELAXED);
}

/* Without locks: the news, taken by a poller. */
static void
sockin_polltake(void)
{
	size_t n;

	sockin_tooknews();
	NET_LOCK();
	n = sockin_take();
	sockin_stats.polltaken += n;
	NET_UNLOCK();
}

/* Under the poll lock: the sleeping poller waits for the host itself. */
static bool
sockin_lead(void)
{
	bool lead;

	mutex_enter(&sockin_restlock);
	lead = sockin_resting && sockin_leader == NULL;
	if (lead) {
		__atomic_store_n(&sockin_leader, curlwp, __ATOMIC_RELAXED);
		sockin_stats.leads++;
	}
	mutex_exit(&sockin_restlock);
	return lead;
}

static void
sockin_unlead(void)
{
	mutex_enter(&sockin_restlock);
	__atomic_store_n(&sockin_leader, NULL, __ATOMIC_RELAXED);
	mutex_exit(&sockin_restlock);
}

/* The leader's wait, without the poll lock, until the news or a kick. */
static int
sockin_leadwait(struct cv_hostwait *hw, uint64_t deadline_ns)
{
	int error;

	(void)hw;
	sched_block_begin();
	error = sockin_user_lead(sockin_su, sockin_waitns(deadline_ns));
	sched_block_end();
	if (error == 0)
		sockin_polltake();
	return error;
}

/*
 * Under the interlock of the leader's sleep, so the leader is still in
 * it; the news the leader takes wakes itself, which needs no kick.
 */
static void
sockin_leadkick(struct cv_hostwait *hw)
{
	(void)hw;
	if (__atomic_load_n(&sockin_leader, __ATOMIC_RELAXED) != curlwp)
		sockin_user_leadkick(sockin_su);
}

static const struct poll_hostops sockin_pollops = {
	.po_prescan = sockin_polltake,
	.po_lead = sockin_lead,
	.po_unlead = sockin_unlead,
	.po_wait = sockin_leadwait,
	.po_kick = sockin_leadkick,
};

void
sockin_catchup(void)
{
	NET_ASSERT_LOCKED();
	if (__atomic_load_n(&sockin_resting, __ATOMIC_RELAXED))
		(void)sockin_take();
}

void
sockin_rest(void)
{
	mutex_enter(&sockin_restlock);
	if (__atomic_load_n(&sockin_polled, __ATOMIC_RELAXED) &&
	    !sockin_stopping &&
	    __atomic_load_n(&sockin_sleepers, __ATOMIC_RELAXED) == 0) {
		sockin_resting = true;
		sockin_stats.rests++;
		sockin_stats.resting = 1;
		while (sockin_resting)
			cv_wait(&sockin_restcv, &sockin_restlock);
	}
	__atomic_store_n(&sockin_polled, false, __ATOMIC_RELAXED);
	mutex_exit(&sockin_restlock);
}

void
sockin_rest_init(void)
{
	mutex_init(&sockin_restlock, MUTEX_DEFAULT);
	cv_init(&sockin_restcv);
	sockin_stopping = false;
	lwp_sleepwatch(sockin_sleepwatch);
	poll_hostops_set(&sockin_pollops);
}

/* The event thread rests no more, and is woken if it does. */
void
sockin_rest_stop(void)
{
	poll_hostops_set(NULL);
	lwp_sleepwatch(NULL);
	mutex_enter(&sockin_restlock);
	sockin_stopping = true;
	sockin_wake_locked();
	mutex_exit(&sockin_restlock);
	sockin_user_leadkick(sockin_su);
}

void
sockin_rest_fini(void)
{
	cv_destroy(&sockin_restcv);
	mutex_destroy(&sockin_restlock);
}
