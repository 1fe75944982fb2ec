/*
 * Callouts, run by one kernel thread.
 *
 * Pending callouts live in a binary min-heap keyed by (expiry tick, order
 * of scheduling); each callout knows its heap index, so stopping one is a
 * removal from the middle in O(log n).  The heap's array is allocated at
 * boot, doubles when full and halves when a quarter full, so a burst of
 * timers does not keep its memory.  The thread sleeps until the
 * earliest expiry, or indefinitely when nothing is pending, and is woken
 * when a callout is scheduled ahead of the one it sleeps for.
 *
 * A function runs without the callout lock held.  callout_halt() waits for
 * it with a condition variable; the running callout is recorded in
 * cc_running so that a callout may reschedule or stop itself.
 */
#include "rumpkern/config.h"
#include "rumpkern/callout.h"
#include "rumpkern/condvar.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kthread.h"
#include "rumpkern/ktime.h"

KMEM_DEFINE(M_CALLOUT, "callout");

#define CALLOUT_MAGIC	0x43a110u

static struct {
	kmutex_t lock;
	kcondvar_t wake;	/* the thread: something earlier is due */
	kcondvar_t done;	/* callout_halt(): the running one returned */
	callout_t **heap;
	unsigned count;
	unsigned size;
	uint64_t seq;
	uint64_t sleep_until;	/* 0: the thread sleeps with no deadline */
	callout_t *running;
	struct lwp *thread;
	bool exiting;
} cc;

/* Heap order: earlier expiry first; equal expiries in scheduling order. */
static bool
callout_before(const callout_t *a, const callout_t *b)
{
	return a->c_time < b->c_time ||
	    (a->c_time == b->c_time && a->c_seq < b->c_seq);
}

static void
heap_set(unsigned i, callout_t *c)
{
	cc.heap[i] = c;
	c->c_index = i;
}

static void
heap_up(unsigned i)
{
	callout_t *c = cc.heap[i];

	while (i > 0 && callout_before(c, cc.heap[(i - 1) / 2])) {
		heap_set(i, cc.heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(i, c);
}

static void
heap_down(unsigned i)
{
	callout_t *c = cc.heap[i];

	for (;;) {
		unsigned child = 2 * i + 1;

		if (child >= cc.count)
			break;
		if (child + 1 < cc.count &&
		    callout_before(cc.heap[child + 1], cc.heap[child]))
			child++;
		if (!callout_before(cc.heap[child], c))
			break;
		heap_set(i, cc.heap[child]);
		i = child;
	}
	heap_set(i, c);
}

static void
heap_resize(unsigned nsize)
{
	callout_t **nheap;

	KASSERT(nsize >= cc.count);
	nheap = kmem_alloc(&M_CALLOUT, nsize * sizeof(*nheap), KM_SLEEP);
	if (cc.count > 0)
		memcpy(nheap, cc.heap, cc.count * sizeof(*nheap));
	if (cc.heap != NULL)
		kmem_free(&M_CALLOUT, cc.heap, cc.size * sizeof(*nheap));
	cc.heap = nheap;
	cc.size = nsize;
}

static void
heap_insert(callout_t *c)
{
	if (cc.count == cc.size)
		heap_resize(cc.size * 2);
	heap_set(cc.count++, c);
	heap_up(c->c_index);
}

static void
heap_remove(callout_t *c)
{
	unsigned i = c->c_index;
	callout_t *last;

	KASSERT(i < cc.count && cc.heap[i] == c);
	last = cc.heap[--cc.count];
	if (last != c) {
		heap_set(i, last);
		heap_up(i);
		heap_down(last->c_index);
	}
	/*
	 * Give memory back after a burst of timers.  Halving at a quarter
	 * full keeps a burst of inserts and removals at O(1) copies each.
	 */
	if (cc.size > CALLOUT_HEAP_MIN && cc.count <= cc.size / 4)
		heap_resize(cc.size / 2);
}

void
callout_init(callout_t *c, unsigned flags)
{
	(void)flags;
	memset(c, 0, sizeof(*c));
	c->c_magic = CALLOUT_MAGIC;
}

void
callout_destroy(callout_t *c)
{
	KASSERTMSG(c->c_magic == CALLOUT_MAGIC, "callout_destroy: bad callout");
	KASSERTMSG(!(c->c_flags & CALLOUT_PENDING),
	    "callout_destroy: callout still pending");
	KASSERTMSG(cc.running != c, "callout_destroy: callout running");
	c->c_magic = 0;
}

void
callout_setfunc(callout_t *c, void (*func)(void *), void *arg)
{
	mutex_enter(&cc.lock);
	c->c_func = func;
	c->c_arg = arg;
	mutex_exit(&cc.lock);
}

static void
callout_schedule_locked(callout_t *c, int ticks)
{
	KASSERTMSG(c->c_magic == CALLOUT_MAGIC, "callout: not initialised");
	KASSERT(c->c_func != NULL);
	if (c->c_flags & CALLOUT_PENDING)
		heap_remove(c);
	c->c_time = getticks() + (uint64_t)(ticks > 0 ? ticks : 1);
	c->c_seq = cc.seq++;
	c->c_flags = (c->c_flags | CALLOUT_PENDING) & ~CALLOUT_FIRED;
	heap_insert(c);
	if (cc.heap[0] == c && (cc.sleep_until == 0 ||
	    c->c_time < cc.sleep_until))
		cv_signal(&cc.wake);
}

void
callout_reset(callout_t *c, int ticks, void (*func)(void *), void *arg)
{
	mutex_enter(&cc.lock);
	c->c_func = func;
	c->c_arg = arg;
	callout_schedule_locked(c, ticks);
	mutex_exit(&cc.lock);
}

void
callout_schedule(callout_t *c, int ticks)
{
	mutex_enter(&cc.lock);
	callout_schedule_locked(c, ticks);
	mutex_exit(&cc.lock);
}

static bool
callout_stop_locked(callout_t *c)
{
	bool expired = (c->c_flags & CALLOUT_FIRED) != 0;

	if (c->c_flags & CALLOUT_PENDING)
		heap_remove(c);
	c->c_flags &= ~(CALLOUT_PENDING | CALLOUT_FIRED);
	return expired;
}

bool
callout_stop(callout_t *c)
{
	bool expired;

	mutex_enter(&cc.lock);
	expired = callout_stop_locked(c);
	mutex_exit(&cc.lock);
	return expired;
}

bool
callout_halt(callout_t *c, kmutex_t *interlock)
{
	bool expired;

	mutex_enter(&cc.lock);
	expired = callout_stop_locked(c);
	/* A callout halting itself cannot wait for itself. */
	while (cc.running == c && curlwp != cc.thread) {
		if (interlock != NULL) {
			mutex_exit(interlock);
			cv_wait(&cc.done, &cc.lock);
			mutex_exit(&cc.lock);
			mutex_enter(interlock);
			mutex_enter(&cc.lock);
		} else {
			cv_wait(&cc.done, &cc.lock);
		}
		/* The function may have scheduled itself again meanwhile. */
		if (callout_stop_locked(c))
			expired = true;
	}
	mutex_exit(&cc.lock);
	return expired;
}

bool
callout_pending(callout_t *c)
{
	return (__atomic_load_n(&c->c_flags, __ATOMIC_RELAXED) &
	    CALLOUT_PENDING) != 0;
}

bool
callout_expired(callout_t *c)
{
	return (__atomic_load_n(&c->c_flags, __ATOMIC_RELAXED) &
	    CALLOUT_FIRED) != 0;
}

unsigned
callout_count(void)
{
	unsigned n;

	mutex_enter(&cc.lock);
	n = cc.count;
	mutex_exit(&cc.lock);
	return n;
}

/* Runs every callout that is due; called and returns with cc.lock held. */
static void
callout_run_due(void)
{
	uint64_t now = getticks();

	while (cc.count > 0 && cc.heap[0]->c_time <= now) {
		callout_t *c = cc.heap[0];
		void (*func)(void *) = c->c_func;
		void *arg = c->c_arg;

		heap_remove(c);
		c->c_flags = (c->c_flags & ~CALLOUT_PENDING) |
		    CALLOUT_FIRED;
		cc.running = c;
		mutex_exit(&cc.lock);
		func(arg);
		mutex_enter(&cc.lock);
		cc.running = NULL;
		cv_broadcast(&cc.done);
	}
}

static void
callout_thread(void *arg)
{
	(void)arg;
	mutex_enter(&cc.lock);
	while (!cc.exiting) {
		callout_run_due();
		if (cc.count == 0) {
			cc.sleep_until = 0;
			cv_wait(&cc.wake, &cc.lock);
		} else {
			uint64_t due = cc.heap[0]->c_time;
			uint64_t now = getticks();

			if (due <= now)
				continue;
			cc.sleep_until = due;
			cv_timedwait_until(&cc.wake, &cc.lock,
			    due * NSEC_PER_TICK);
		}
		cc.sleep_until = 0;
	}
	mutex_exit(&cc.lock);
}

int
callout_startup(void)
{
	mutex_init(&cc.lock, MUTEX_DEFAULT);
	cv_init(&cc.wake);
	cv_init(&cc.done);
	heap_resize(CALLOUT_HEAP_MIN);
	return kthread_create(KTHREAD_MUSTJOIN, callout_thread, NULL,
	    &cc.thread, "callout");
}

void
callout_shutdown(void)
{
	mutex_enter(&cc.lock);
	cc.exiting = true;
	cv_signal(&cc.wake);
	mutex_exit(&cc.lock);
	kthread_join(cc.thread);
	KASSERTMSG(cc.count == 0, "callout_shutdown: %u callouts pending",
	    cc.count);
	kmem_free(&M_CALLOUT, cc.heap, cc.size * sizeof(*cc.heap));
	cc.heap = NULL;
	cc.size = 0;
	cv_destroy(&cc.done);
	cv_destroy(&cc.wake);
	mutex_destroy(&cc.lock);
}
