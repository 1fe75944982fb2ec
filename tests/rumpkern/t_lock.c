/*
 * Mutexes, reader/writer locks and condition variables, exercised by real
 * kernel threads running at the same time.
 */
#include "ktest.h"
#include "rumpkern/condvar.h"
#include "rumpkern/kthread.h"
#include "rumpkern/ktime.h"
#include "rumpkern/rwlock.h"

#define ROUNDS	200000

struct counter {
	kmutex_t lock;
	uint64_t value;
};

static void
count_up(void *arg)
{
	struct counter *c = arg;

	for (int i = 0; i < ROUNDS; i++) {
		mutex_enter(&c->lock);
		/* A non-atomic read-modify-write: only the mutex keeps it exact. */
		uint64_t v = c->value;
		__asm__ volatile("" ::: "memory");
		c->value = v + 1;
		mutex_exit(&c->lock);
	}
}

static void
mutex_excludes_two_threads(void **state)
{
	struct counter c = { .value = 0 };
	struct lwp *a, *b;

	(void)state;
	KTEST_ENTER();
	mutex_init(&c.lock, MUTEX_DEFAULT);
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, count_up, &c, &a,
	    "count a"), 0);
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, count_up, &c, &b,
	    "count b"), 0);
	assert_int_equal(kthread_join(a), 0);
	assert_int_equal(kthread_join(b), 0);
	assert_int_equal(c.value, 2 * ROUNDS);
	mutex_destroy(&c.lock);
	KTEST_EXIT();
}

static void
mutex_tryenter_fails_when_held(void **state)
{
	kmutex_t m;

	(void)state;
	KTEST_ENTER();
	mutex_init(&m, MUTEX_DEFAULT);
	assert_true(mutex_tryenter(&m));
	assert_true(mutex_owned(&m));
	assert_false(mutex_tryenter(&m));
	mutex_exit(&m);
	assert_false(mutex_owned(&m));
	mutex_destroy(&m);
	KTEST_EXIT();
}

/* Taken and given back with nobody waiting: no host mutex is ever made. */
static void
an_uncontended_mutex_has_no_host_half(void **state)
{
	kmutex_t m;

	(void)state;
	KTEST_ENTER();
	mutex_init(&m, MUTEX_DEFAULT);
	mutex_enter(&m);
	mutex_exit(&m);
	assert_true(mutex_tryenter(&m));
	mutex_exit(&m);
	assert_null(m.mtx_host);
	mutex_destroy(&m);
	KTEST_EXIT();
}

/* Waits, without the CPU, until n threads wait in the host for m. */
static void
wait_mutex_waiters(kmutex_t *m, unsigned n)
{
	int i;

	sched_block_begin();
	for (i = 0; i < 10000; i++) {
		if (__atomic_load_n(&m->mtx_waiters, __ATOMIC_ACQUIRE) == n)
			break;
		rumpuser_clock_sleep(RUMPUSER_SLEEP_RELATIVE, 0, 1000000);
	}
	sched_block_end();
	assert_int_equal(__atomic_load_n(&m->mtx_waiters, __ATOMIC_ACQUIRE), n);
}

struct waiter {
	kmutex_t *lock;
	int *order;		/* where it writes its number, holding the lock */
	int *next;
	int me;
};

static void
mutex_waiter(void *arg)
{
	struct waiter *w = arg;

	mutex_enter(w->lock);
	w->order[(*w->next)++] = w->me;
	mutex_exit(w->lock);
}

/*
 * Two threads asleep in the host for a held mutex: the release wakes one,
 * whose own release wakes the other (the first to wake keeps the mark
 * that another waits), and both run, one at a time.
 */
static void
a_released_mutex_wakes_each_waiter_in_turn(void **state)
{
	kmutex_t m;
	struct waiter w[2];
	struct lwp *l[2];
	int order[2] = { -1, -1 }, next = 0;

	(void)state;
	KTEST_ENTER();
	mutex_init(&m, MUTEX_DEFAULT);
	mutex_enter(&m);
	for (int i = 0; i < 2; i++) {
		w[i] = (struct waiter){ .lock = &m, .order = order,
		    .next = &next, .me = i };
		assert_int_equal(kthread_create(KTHREAD_MUSTJOIN,
		    mutex_waiter, &w[i], &l[i], "waiter"), 0);
		wait_mutex_waiters(&m, (unsigned)i + 1);
	}
	mutex_exit(&m);
	for (int i = 0; i < 2; i++)
		assert_int_equal(kthread_join(l[i]), 0);
	assert_int_equal(next, 2);
	assert_int_not_equal(order[0], order[1]);
	assert_int_equal(m.mtx_waiters, 0);
	assert_true(mutex_tryenter(&m));
	mutex_exit(&m);
	mutex_destroy(&m);
	KTEST_EXIT();
}

struct rwtest {
	krwlock_t rw;
	kmutex_t lock;
	kcondvar_t cv;
	int readers_in;
	bool release;
	bool writer_in;
	pid_t writer_tid;	/* atomic: the writer's host thread */
};

static void
rw_reader(void *arg)
{
	struct rwtest *t = arg;

	rw_enter(&t->rw, RW_READER);
	mutex_enter(&t->lock);
	t->readers_in++;
	cv_broadcast(&t->cv);
	while (!t->release)
		cv_wait(&t->cv, &t->lock);
	mutex_exit(&t->lock);
	rw_exit(&t->rw);
}

static void
rw_writer(void *arg)
{
	struct rwtest *t = arg;

	__atomic_store_n(&t->writer_tid, gettid(), __ATOMIC_RELEASE);
	rw_enter(&t->rw, RW_WRITER);
	mutex_enter(&t->lock);
	t->writer_in = true;
	mutex_exit(&t->lock);
	rw_exit(&t->rw);
}

static void
rwlock_readers_share_writer_waits(void **state)
{
	struct rwtest t = { .readers_in = 0 };
	struct lwp *r1, *r2, *w;

	(void)state;
	KTEST_ENTER();
	rw_init(&t.rw);
	mutex_init(&t.lock, MUTEX_DEFAULT);
	cv_init(&t.cv);
	kthread_create(KTHREAD_MUSTJOIN, rw_reader, &t, &r1, "reader 1");
	kthread_create(KTHREAD_MUSTJOIN, rw_reader, &t, &r2, "reader 2");
	mutex_enter(&t.lock);
	/* Both readers hold the lock at once, or this would never end. */
	while (t.readers_in < 2)
		cv_wait(&t.cv, &t.lock);
	mutex_exit(&t.lock);

	kthread_create(KTHREAD_MUSTJOIN, rw_writer, &t, &w, "writer");
	/* Blocked in rw_enter: it would otherwise have set writer_in. */
	KTEST_EXIT();
	ktest_wait_thread_asleep(&t.writer_tid);
	KTEST_ENTER();
	mutex_enter(&t.lock);
	assert_false(t.writer_in);
	t.release = true;
	cv_broadcast(&t.cv);
	mutex_exit(&t.lock);
	kthread_join(r1);
	kthread_join(r2);
	kthread_join(w);
	assert_true(t.writer_in);
	assert_false(rw_lock_held(&t.rw));
	cv_destroy(&t.cv);
	mutex_destroy(&t.lock);
	rw_destroy(&t.rw);
	KTEST_EXIT();
}

struct pingpong {
	kmutex_t lock;
	kcondvar_t cv;
	int turn;		/* whose turn: 0 or 1 */
	int rounds;
};

static void
pingpong_player(void *arg)
{
	struct pingpong *pp = arg;
	int me = 1;

	mutex_enter(&pp->lock);
	for (int i = 0; i < pp->rounds; i++) {
		while (pp->turn != me)
			cv_wait(&pp->cv, &pp->lock);
		pp->turn = !me;
		cv_signal(&pp->cv);
	}
	mutex_exit(&pp->lock);
}

static void
condvar_signal_alternates_two_threads(void **state)
{
	struct pingpong pp = { .turn = 0, .rounds = 2000 };
	struct lwp *other;

	(void)state;
	KTEST_ENTER();
	mutex_init(&pp.lock, MUTEX_DEFAULT);
	cv_init(&pp.cv);
	kthread_create(KTHREAD_MUSTJOIN, pingpong_player, &pp, &other, "pong");
	mutex_enter(&pp.lock);
	for (int i = 0; i < pp.rounds; i++) {
		while (pp.turn != 0)
			cv_wait(&pp.cv, &pp.lock);
		pp.turn = 1;
		cv_signal(&pp.cv);
	}
	mutex_exit(&pp.lock);
	kthread_join(other);
	assert_int_equal(pp.turn, 0);
	cv_destroy(&pp.cv);
	mutex_destroy(&pp.lock);
	KTEST_EXIT();
}

static void
condvar_timedwait_times_out(void **state)
{
	kmutex_t m;
	kcondvar_t cv;
	uint64_t start, waited;

	(void)state;
	KTEST_ENTER();
	mutex_init(&m, MUTEX_DEFAULT);
	cv_init(&cv);
	mutex_enter(&m);
	start = getnsuptime();
	assert_int_equal(cv_timedwait(&cv, &m, mstohz(30)), ETIMEDOUT);
	waited = getnsuptime() - start;
	assert_true(mutex_owned(&m));
	mutex_exit(&m);
	/* It did wait; how long beyond the minimum is the host's business. */
	assert_true(waited >= 29 * 1000 * 1000);
	cv_destroy(&cv);
	mutex_destroy(&m);
	KTEST_EXIT();
}

/* Signalled and broadcast, never waited on: no host half is ever made. */
static void
a_condition_variable_nobody_waits_on_has_no_host_half(void **state)
{
	kmutex_t m;
	kcondvar_t cv;

	(void)state;
	KTEST_ENTER();
	mutex_init(&m, MUTEX_DEFAULT);
	cv_init(&cv);
	mutex_enter(&m);
	cv_signal(&cv);
	cv_broadcast(&cv);
	assert_false(cv_has_waiters(&cv));
	mutex_exit(&m);
	assert_null(cv.cv_host);
	cv_destroy(&cv);
	mutex_destroy(&m);
	KTEST_EXIT();
}

/* A signal before any wait wakes nobody later; the wait makes the host half. */
static void
a_signal_before_the_first_wait_is_not_kept(void **state)
{
	kmutex_t m;
	kcondvar_t cv;

	(void)state;
	KTEST_ENTER();
	mutex_init(&m, MUTEX_DEFAULT);
	cv_init(&cv);
	mutex_enter(&m);
	cv_signal(&cv);
	assert_int_equal(cv_timedwait(&cv, &m, mstohz(10)), ETIMEDOUT);
	assert_non_null(cv.cv_host);
	mutex_exit(&m);
	cv_destroy(&cv);
	assert_null(cv.cv_host);
	mutex_destroy(&m);
	KTEST_EXIT();
}

struct crowd {
	kmutex_t lock;
	kcondvar_t arrived_cv;
	kcondvar_t go_cv;	/* waited on first by the crowd */
	int arrived;
	int woken;
	bool go;
};

static void
crowd_member(void *arg)
{
	struct crowd *c = arg;

	mutex_enter(&c->lock);
	c->arrived++;
	cv_signal(&c->arrived_cv);
	while (!c->go)
		cv_wait(&c->go_cv, &c->lock);
	c->woken++;
	mutex_exit(&c->lock);
}

/*
 * Both members made or found go_cv's host half on their first wait, and
 * are in it when the caller, holding the lock, sees both arrived: one
 * broadcast must reach both, or the joins never return.
 */
static void
a_broadcast_wakes_every_first_time_waiter(void **state)
{
	struct crowd c = { .arrived = 0 };
	struct lwp *a, *b;

	(void)state;
	KTEST_ENTER();
	mutex_init(&c.lock, MUTEX_DEFAULT);
	cv_init(&c.arrived_cv);
	cv_init(&c.go_cv);
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, crowd_member, &c,
	    &a, "crowd a"), 0);
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, crowd_member, &c,
	    &b, "crowd b"), 0);
	mutex_enter(&c.lock);
	while (c.arrived < 2)
		cv_wait(&c.arrived_cv, &c.lock);
	assert_true(cv_has_waiters(&c.go_cv));
	c.go = true;
	cv_broadcast(&c.go_cv);
	mutex_exit(&c.lock);
	assert_int_equal(kthread_join(a), 0);
	assert_int_equal(kthread_join(b), 0);
	assert_int_equal(c.woken, 2);
	cv_destroy(&c.go_cv);
	cv_destroy(&c.arrived_cv);
	mutex_destroy(&c.lock);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(mutex_excludes_two_threads),
		leak_test(mutex_tryenter_fails_when_held),
		leak_test(an_uncontended_mutex_has_no_host_half),
		leak_test(a_released_mutex_wakes_each_waiter_in_turn),
		leak_test(rwlock_readers_share_writer_waits),
		leak_test(condvar_signal_alternates_two_threads),
		leak_test(condvar_timedwait_times_out),
		leak_test(a_condition_variable_nobody_waits_on_has_no_host_half),
		leak_test(a_signal_before_the_first_wait_is_not_kept),
		leak_test(a_broadcast_wakes_every_first_time_waiter),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
