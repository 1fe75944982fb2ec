/*
 * Transmit queues drained without softnet_lock (if_txq.h), on a driver
 * whose send records each frame's tag and whether the lock was held.
 */
#include "ktest.h"
#include "rumpkern/kthread.h"
#include "rumpkern/ktime.h"
#include "rumpnet/if.h"
#include "rumpnet/if_txq.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"

#define MAXSENT	4096

static struct ifnet ifp;
static struct if_txq q;
static uint32_t sent[MAXSENT];
static unsigned nsent, nsent_locked;
static int send_error;

static int
record_send(void *arg, struct mbuf *m)
{
	(void)arg;
	if (mutex_owned(&softnet_lock))
		nsent_locked++;
	if (nsent < MAXSENT)
		m_copydata(m, 0, sizeof(uint32_t), &sent[nsent]);
	nsent++;
	m_freem(m);
	return send_error;
}

static int
txq_setup(void **state)
{
	(void)state;
	nsent = nsent_locked = 0;
	send_error = 0;
	KTEST_ENTER();
	if_init_ifnet(&ifp, "fakeq0");
	if_txq_init(&q, &ifp, 8, record_send, NULL);
	KTEST_EXIT();
	return leakcheck_setup(state);
}

static int
txq_teardown(void **state)
{
	int error = leakcheck_teardown(state);

	KTEST_ENTER();
	if_txq_fini(&q);
	KTEST_EXIT();
	return error;
}

#define txq_test(f) cmocka_unit_test_setup_teardown(f, txq_setup, txq_teardown)

static struct mbuf *
frame(uint32_t tag)
{
	struct mbuf *m = m_gethdr(M_WAIT, MT_DATA);

	memcpy(mtod(m, void *), &tag, sizeof(tag));
	m->m_len = m->m_pkthdr.len = 60;
	return m;
}

static uint64_t
kstat_read(const char *name)
{
	uint64_t v = ~0ULL;

	assert_int_equal(rumppriv_kstat_get(name, &v), 0);
	return v;
}

static void
frames_leave_in_the_order_they_were_queued(void **state)
{
	int errors = 0;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	for (uint32_t i = 0; i < 8; i++)
		errors |= if_txq_enqueue(&q, frame(i));
	NET_UNLOCK();
	KTEST_EXIT();
	assert_int_equal(errors, 0);
	assert_int_equal(nsent, 8);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(sent[i], i);
	assert_int_equal(kstat_read("fakeq0.txq.sent"), 8);
}

/* Nothing is sent while the lock is held, everything once it is not. */
static void
frames_are_sent_once_the_lock_is_released(void **state)
{
	unsigned before;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(if_txq_enqueue(&q, frame(1)), 0);
	assert_int_equal(if_txq_enqueue(&q, frame(2)), 0);
	before = nsent;
	NET_UNLOCK();
	KTEST_EXIT();
	assert_int_equal(before, 0);
	assert_int_equal(nsent, 2);
	assert_int_equal(nsent_locked, 0);
	assert_int_equal(kstat_read("fakeq0.txq.drains"), 1);
}

static void
a_full_queue_refuses_the_frame_and_counts_it(void **state)
{
	int error[10];

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	for (uint32_t i = 0; i < 10; i++)
		error[i] = if_txq_enqueue(&q, frame(i));
	NET_UNLOCK();
	KTEST_EXIT();
	for (int i = 0; i < 8; i++)
		assert_int_equal(error[i], 0);
	assert_int_equal(error[8], ENOBUFS);
	assert_int_equal(error[9], ENOBUFS);
	assert_int_equal(nsent, 8);
	assert_int_equal(kstat_read("fakeq0.txq.full"), 2);
	assert_int_equal(ifp.if_stats.drops[IFDROP_NOBUFS], 2);
}

static void
a_frame_the_driver_refuses_is_counted(void **state)
{
	(void)state;
	send_error = EAGAIN;
	KTEST_ENTER();
	NET_LOCK();
	assert_int_equal(if_txq_enqueue(&q, frame(7)), 0);
	NET_UNLOCK();
	KTEST_EXIT();
	assert_int_equal(nsent, 1);
	assert_int_equal(kstat_read("fakeq0.txq.errors"), 1);
}

/*
 * A thread that sleeps with the lock as interlock (a sender waiting for
 * room, a connect waiting for the answer) sends what it queued first,
 * or the frame would wait for someone else to release the lock.
 */
static void
a_thread_going_to_sleep_sends_what_it_queued(void **state)
{
	kcondvar_t cv;
	unsigned during;

	(void)state;
	KTEST_ENTER();
	cv_init(&cv);
	NET_LOCK();
	assert_int_equal(if_txq_enqueue(&q, frame(3)), 0);
	(void)cv_timedwait_until(&cv, &softnet_lock, getnsuptime() + 1000000);
	during = nsent;
	NET_UNLOCK();
	cv_destroy(&cv);
	KTEST_EXIT();
	assert_int_equal(during, 1);
	assert_int_equal(sent[0], 3);
}

/* Frames still queued when the queue goes are freed and counted. */
static void
frames_queued_when_the_queue_goes_are_freed(void **state)
{
	uint64_t purged;

	(void)state;
	KTEST_ENTER();
	NET_LOCK();
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(if_txq_enqueue(&q, frame(i)), 0);
	/* Released without running the deferred work: as if detached now. */
	mutex_exit(&softnet_lock);
	if_txq_fini(&q);
	purged = q.txq_stats.txs_purged;
	if_txq_init(&q, &ifp, 8, record_send, NULL);
	KTEST_EXIT();
	assert_int_equal(nsent, 0);
	assert_int_equal(purged, 3);
}

/*
 * Threads queueing at once: each one's frames leave in its order, and
 * every frame leaves once.
 */
#define NTHREADS	3
#define NFRAMES		600

static void
queue_many(void *arg)
{
	uint32_t t = (uint32_t)(uintptr_t)arg;

	for (uint32_t i = 0; i < NFRAMES; i++) {
		NET_LOCK();
		/* The queue holds 8: a full one is tried again. */
		while (if_txq_enqueue(&q, frame(t << 16 | i)) != 0) {
			NET_UNLOCK();
			NET_LOCK();
		}
		NET_UNLOCK();
	}
}

static void
frames_of_concurrent_senders_keep_each_senders_order(void **state)
{
	struct lwp *l[NTHREADS];
	uint32_t next[NTHREADS] = { 0 };
	bool ordered = true;

	(void)state;
	KTEST_ENTER();
	for (uintptr_t t = 0; t < NTHREADS; t++)
		assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, queue_many,
		    (void *)t, &l[t], "txq"), 0);
	for (int t = 0; t < NTHREADS; t++)
		assert_int_equal(kthread_join(l[t]), 0);
	KTEST_EXIT();
	assert_int_equal(nsent, NTHREADS * NFRAMES);
	for (unsigned i = 0; i < nsent; i++) {
		uint32_t t = sent[i] >> 16, seq = sent[i] & 0xffff;

		assert_true(t < NTHREADS);
		ordered = ordered && seq == next[t];
		next[t] = seq + 1;
	}
	assert_true(ordered);
	assert_int_equal(nsent_locked, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		txq_test(frames_leave_in_the_order_they_were_queued),
		txq_test(frames_are_sent_once_the_lock_is_released),
		txq_test(a_full_queue_refuses_the_frame_and_counts_it),
		txq_test(a_frame_the_driver_refuses_is_counted),
		txq_test(a_thread_going_to_sleep_sends_what_it_queued),
		txq_test(frames_queued_when_the_queue_goes_are_freed),
		txq_test(frames_of_concurrent_senders_keep_each_senders_order),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
