/*
 * Callouts and soft interrupts: when and how often their functions run.
 *
 * Handlers run in the callout or softint thread, never in the test's, so
 * they only record what happened; the test thread waits for the record
 * with a kernel condition variable and asserts on it afterwards.  No
 * assertion bounds how late something ran; some check that it did not run
 * early.
 */
#include "ktest.h"
#include "rumpkern/callout.h"
#include "rumpkern/condvar.h"
#include "rumpkern/kmem.h"
#include "rumpkern/ktime.h"
#include "rumpkern/softint.h"

/* What the handlers saw, shared with the test thread under rec.lock. */
#define NLOG	64
static struct {
	kmutex_t lock;
	kcondvar_t cv;
	int n;			/* handler calls */
	int log[NLOG];		/* their arguments, in order */
	uint64_t tick[NLOG];	/* the tick each one ran at */
	bool go;		/* a blocked handler may go on */
	bool started, finished;
} rec;

static void
rec_init(void)
{
	mutex_init(&rec.lock, MUTEX_DEFAULT);
	cv_init(&rec.cv);
	rec.n = 0;
	rec.go = rec.started = rec.finished = false;
}

static void
rec_fini(void)
{
	cv_destroy(&rec.cv);
	mutex_destroy(&rec.lock);
}

/* Records a call with argument id. */
static void
rec_add(int id)
{
	mutex_enter(&rec.lock);
	if (rec.n < NLOG) {
		rec.log[rec.n] = id;
		rec.tick[rec.n] = getticks();
	}
	rec.n++;
	cv_broadcast(&rec.cv);
	mutex_exit(&rec.lock);
}

/* Waits until at least n calls were recorded. */
static void
rec_wait(int n)
{
	mutex_enter(&rec.lock);
	while (rec.n < n)
		cv_wait(&rec.cv, &rec.lock);
	mutex_exit(&rec.lock);
}

static int
rec_count(void)
{
	int n;

	mutex_enter(&rec.lock);
	n = rec.n;
	mutex_exit(&rec.lock);
	return n;
}

static void
record(void *arg)
{
	rec_add((int)(intptr_t)arg);
}

/* Pending callouts; callable inside and outside the kernel. */
static unsigned
count_pending(void)
{
	unsigned n;

	KTEST_ENTER();
	n = callout_count();
	KTEST_EXIT();
	return n;
}

/* Sleeps for at least ticks, with the CPU given back. */
static void
sleep_ticks(int ticks)
{
	kpause((uint64_t)ticks * NSEC_PER_TICK);
}

/*
 * Schedules c[i] delay[i] ticks from one and the same tick, to record
 * tag[i] when it fires: a thread preempted between two resets on a busy
 * host would otherwise count the later delays from a later tick.
 */
static void
schedule_from_one_tick(callout_t *c, const int *delay, const int *tag, int n)
{
	for (;;) {
		bool same = true;

		for (int i = 0; i < n; i++)
			callout_reset(&c[i], delay[i], record,
			    (void *)(intptr_t)tag[i]);
		for (int i = 1; i < n; i++)
			same = same && c[i].c_time - delay[i] ==
			    c[0].c_time - delay[0];
		if (same)
			return;
		/* A tick went by in between: take them all back, try again. */
		for (int i = 0; i < n; i++)
			callout_halt(&c[i], NULL);
		mutex_enter(&rec.lock);
		rec.n = 0;
		mutex_exit(&rec.lock);
	}
}

static void
callouts_fire_in_order_of_expiry(void **state)
{
	static const int delay[] = { 60, 20, 40, 10, 50, 30 };
	callout_t c[__arraycount(delay)];
	unsigned left;

	(void)state;
	KTEST_ENTER();
	rec_init();
	for (size_t i = 0; i < __arraycount(delay); i++)
		callout_init(&c[i], 0);
	schedule_from_one_tick(c, delay, delay, __arraycount(delay));
	rec_wait(__arraycount(delay));
	for (size_t i = 0; i < __arraycount(delay); i++) {
		callout_halt(&c[i], NULL);
		callout_destroy(&c[i]);
	}
	left = callout_count();
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(rec.n, __arraycount(delay));
	for (int i = 0; i < rec.n; i++)
		assert_int_equal(rec.log[i], 10 * (i + 1));
	assert_int_equal(left, 0);
}

static void
callouts_with_equal_expiry_fire_in_scheduling_order(void **state)
{
	enum { N = 16 };
	callout_t c[N];
	int delay[N], tag[N];

	(void)state;
	KTEST_ENTER();
	rec_init();
	for (int i = 0; i < N; i++) {
		callout_init(&c[i], 0);
		delay[i] = 50;
		tag[i] = i;
	}
	schedule_from_one_tick(c, delay, tag, N);
	rec_wait(N);
	for (int i = 0; i < N; i++) {
		callout_halt(&c[i], NULL);
		callout_destroy(&c[i]);
	}
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(rec.n, N);
	for (int i = 0; i < N; i++)
		assert_int_equal(rec.log[i], i);
}

static void
callout_stop_before_expiry_prevents_the_call_and_returns_false(void **state)
{
	callout_t c;
	bool expired, pending_before, pending_after;
	unsigned left;

	(void)state;
	KTEST_ENTER();
	rec_init();
	callout_init(&c, 0);
	callout_reset(&c, 30, record, NULL);
	pending_before = callout_pending(&c);
	expired = callout_stop(&c);
	pending_after = callout_pending(&c);
	left = callout_count();
	/* Past the time it would have run. */
	sleep_ticks(60);
	callout_destroy(&c);
	rec_fini();
	KTEST_EXIT();

	assert_true(pending_before);
	assert_false(expired);
	assert_false(pending_after);
	assert_int_equal(left, 0);
	assert_int_equal(rec.n, 0);
}

static void
callout_stop_after_it_fired_returns_true(void **state)
{
	callout_t c;
	bool expired_flag, first, second;

	(void)state;
	KTEST_ENTER();
	rec_init();
	callout_init(&c, 0);
	callout_reset(&c, 1, record, NULL);
	rec_wait(1);
	expired_flag = callout_expired(&c);
	first = callout_stop(&c);
	/* Stopping clears the fired state: a second stop has nothing to report. */
	second = callout_stop(&c);
	callout_halt(&c, NULL);
	callout_destroy(&c);
	rec_fini();
	KTEST_EXIT();

	assert_true(expired_flag);
	assert_true(first);
	assert_false(second);
	assert_int_equal(rec.n, 1);
}

static void
callout_reset_moves_a_pending_callout_later(void **state)
{
	callout_t c;
	uint64_t start;
	unsigned scheduled;

	(void)state;
	KTEST_ENTER();
	rec_init();
	callout_init(&c, 0);
	start = getticks();
	callout_reset(&c, 10, record, (void *)1);
	callout_reset(&c, 100, record, (void *)2);
	scheduled = callout_count();
	rec_wait(1);
	/* Long enough for a second run, had the first time stayed scheduled. */
	sleep_ticks(20);
	callout_halt(&c, NULL);
	callout_destroy(&c);
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(scheduled, 1);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.log[0], 2);
	assert_true(rec.tick[0] >= start + 100);
	assert_int_equal(count_pending(), 0);
}

static void
callout_reset_moves_a_pending_callout_earlier(void **state)
{
	callout_t c;

	(void)state;
	KTEST_ENTER();
	rec_init();
	callout_init(&c, 0);
	/* Were it not moved, this test would wait for a day. */
	callout_reset(&c, 24 * 3600 * hz, record, (void *)1);
	callout_reset(&c, 5, record, (void *)2);
	rec_wait(1);
	callout_halt(&c, NULL);
	callout_destroy(&c);
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.log[0], 2);
	assert_int_equal(count_pending(), 0);
}

#define PERIODIC_RUNS	10
static callout_t periodic;

static void
periodic_tick(void *arg)
{
	(void)arg;
	if (rec_count() + 1 < PERIODIC_RUNS)
		callout_schedule(&periodic, 1);
	rec_add(0);
}

static void
callout_rescheduling_itself_runs_n_times(void **state)
{
	(void)state;
	KTEST_ENTER();
	rec_init();
	callout_init(&periodic, 0);
	callout_reset(&periodic, 1, periodic_tick, NULL);
	rec_wait(PERIODIC_RUNS);
	sleep_ticks(10);
	callout_halt(&periodic, NULL);
	callout_destroy(&periodic);
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(rec.n, PERIODIC_RUNS);
	for (int i = 1; i < PERIODIC_RUNS; i++)
		assert_true(rec.tick[i] > rec.tick[i - 1]);
	assert_int_equal(count_pending(), 0);
}

/* Announces that it runs, sleeps, and records that it finished. */
static void
slow_handler(void *arg)
{
	(void)arg;
	mutex_enter(&rec.lock);
	rec.started = true;
	cv_broadcast(&rec.cv);
	mutex_exit(&rec.lock);
	sleep_ticks(50);
	mutex_enter(&rec.lock);
	rec.finished = true;
	mutex_exit(&rec.lock);
}

static void
wait_started(void)
{
	mutex_enter(&rec.lock);
	while (!rec.started)
		cv_wait(&rec.cv, &rec.lock);
	mutex_exit(&rec.lock);
}

static void
callout_halt_waits_for_the_running_handler(void **state)
{
	callout_t c;
	bool finished;

	(void)state;
	KTEST_ENTER();
	rec_init();
	callout_init(&c, 0);
	callout_reset(&c, 1, slow_handler, NULL);
	wait_started();
	callout_halt(&c, NULL);
	mutex_enter(&rec.lock);
	finished = rec.finished;
	mutex_exit(&rec.lock);
	callout_destroy(&c);
	rec_fini();
	KTEST_EXIT();

	assert_true(finished);
}

/* Like slow_handler, then schedules itself again, as periodic timers do. */
static void
slow_rearming_handler(void *arg)
{
	callout_t *c = arg;

	slow_handler(NULL);
	callout_schedule(c, 1);
}

static void
callout_halt_leaves_a_self_rearming_callout_stopped(void **state)
{
	callout_t c;
	bool pending;

	(void)state;
	KTEST_ENTER();
	rec_init();
	callout_init(&c, 0);
	callout_reset(&c, 1, slow_rearming_handler, &c);
	wait_started();
	/* It re-arms while we wait; halt must not return with it pending. */
	callout_halt(&c, NULL);
	pending = callout_pending(&c);
	callout_destroy(&c);
	rec_fini();
	KTEST_EXIT();

	assert_false(pending);
}

static void
callout_halt_with_interlock_waits_and_holds_it_again(void **state)
{
	callout_t c;
	kmutex_t interlock;
	bool finished, held;

	(void)state;
	KTEST_ENTER();
	rec_init();
	mutex_init(&interlock, MUTEX_DEFAULT);
	callout_init(&c, 0);
	callout_reset(&c, 1, slow_handler, NULL);
	wait_started();
	mutex_enter(&interlock);
	callout_halt(&c, &interlock);
	held = mutex_owned(&interlock);
	mutex_exit(&interlock);
	mutex_enter(&rec.lock);
	finished = rec.finished;
	mutex_exit(&rec.lock);
	callout_destroy(&c);
	mutex_destroy(&interlock);
	rec_fini();
	KTEST_EXIT();

	assert_true(held);
	assert_true(finished);
}

static callout_t self_halting;
static bool self_halt_pending_after;

static void
halt_myself(void *arg)
{
	(void)arg;
	/* Scheduled again, then halted from its own handler: no deadlock. */
	callout_schedule(&self_halting, 1);
	callout_halt(&self_halting, NULL);
	self_halt_pending_after = callout_pending(&self_halting);
	rec_add(0);
}

static void
callout_halt_from_its_own_handler_does_not_deadlock(void **state)
{
	(void)state;
	KTEST_ENTER();
	rec_init();
	callout_init(&self_halting, 0);
	callout_reset(&self_halting, 1, halt_myself, NULL);
	rec_wait(1);
	sleep_ticks(10);
	callout_halt(&self_halting, NULL);
	callout_destroy(&self_halting);
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(rec.n, 1);
	assert_false(self_halt_pending_after);
	assert_int_equal(count_pending(), 0);
}

/* The first call waits until the test lets it go; later calls just count. */
static void
blocking_handler(void *arg)
{
	(void)arg;
	mutex_enter(&rec.lock);
	if (!rec.started) {
		rec.started = true;
		cv_broadcast(&rec.cv);
		while (!rec.go)
			cv_wait(&rec.cv, &rec.lock);
	}
	mutex_exit(&rec.lock);
	rec_add(0);
}

static void
release_handler(void)
{
	mutex_enter(&rec.lock);
	rec.go = true;
	cv_broadcast(&rec.cv);
	mutex_exit(&rec.lock);
}

static void
callout_reset_while_its_handler_runs_runs_it_again(void **state)
{
	callout_t c;
	bool pending;

	(void)state;
	KTEST_ENTER();
	rec_init();
	callout_init(&c, 0);
	callout_reset(&c, 1, blocking_handler, NULL);
	wait_started();
	callout_reset(&c, 1, blocking_handler, NULL);
	pending = callout_pending(&c);
	release_handler();
	rec_wait(2);
	callout_halt(&c, NULL);
	callout_destroy(&c);
	rec_fini();
	KTEST_EXIT();

	assert_true(pending);
	assert_int_equal(rec.n, 2);
}

/* Many timers: each handler checks it ran once and in heap order. */
#define MANY	20000
struct many {
	callout_t *c;
	uint8_t *fired;		/* times each one ran */
	int nfired;
	int early;		/* ran before its expiry tick */
	int disorder;		/* ran before one that expires earlier */
	uint64_t last_time, last_seq;
};
static struct many many;

static void
many_handler(void *arg)
{
	int i = (int)(intptr_t)arg;
	callout_t *c = &many.c[i];
	uint64_t now = getticks();

	mutex_enter(&rec.lock);
	if (now < c->c_time)
		many.early++;
	if (many.nfired > 0 && (c->c_time < many.last_time ||
	    (c->c_time == many.last_time && c->c_seq < many.last_seq)))
		many.disorder++;
	many.last_time = c->c_time;
	many.last_seq = c->c_seq;
	many.fired[i]++;
	many.nfired++;
	cv_broadcast(&rec.cv);
	mutex_exit(&rec.lock);
}

static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
many_setup(int mindelay, int maxdelay)
{
	uint32_t seed = cprng_u32() | 1;

	print_message("random seed %u\n", seed);
	memset(&many, 0, sizeof(many));
	many.c = kmem_alloc(&M_TEMP, MANY * sizeof(*many.c), KM_SLEEP);
	many.fired = kmem_zalloc(&M_TEMP, MANY, KM_SLEEP);
	for (int i = 0; i < MANY; i++) {
		int delay = mindelay +
		    (int)(xorshift(&seed) % (uint32_t)(maxdelay - mindelay + 1));

		callout_init(&many.c[i], 0);
		callout_reset(&many.c[i], delay, many_handler, (void *)(intptr_t)i);
	}
}

static void
many_wait(int n)
{
	mutex_enter(&rec.lock);
	while (many.nfired < n)
		cv_wait(&rec.cv, &rec.lock);
	mutex_exit(&rec.lock);
}

static void
many_teardown(void)
{
	/* The last handler may not have returned yet. */
	for (int i = 0; i < MANY; i++) {
		callout_halt(&many.c[i], NULL);
		callout_destroy(&many.c[i]);
	}
	kmem_free(&M_TEMP, many.c, MANY * sizeof(*many.c));
	kmem_free(&M_TEMP, many.fired, MANY);
}

static void
many_callouts_each_fire_once_in_expiry_order(void **state)
{
	int once = 0;

	(void)state;
	KTEST_ENTER();
	rec_init();
	many_setup(1, 200);
	many_wait(MANY);
	for (int i = 0; i < MANY; i++)
		once += many.fired[i] == 1;
	many_teardown();
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(many.nfired, MANY);
	assert_int_equal(once, MANY);
	assert_int_equal(many.early, 0);
	assert_int_equal(many.disorder, 0);
	assert_int_equal(count_pending(), 0);
}

static void
stopping_half_of_many_callouts_leaves_the_other_half(void **state)
{
	int expect = 0, wrong = 0;
	unsigned left;
	bool *stopped_early;

	(void)state;
	KTEST_ENTER();
	rec_init();
	stopped_early = kmem_zalloc(&M_TEMP, MANY * sizeof(bool), KM_SLEEP);
	many_setup(100, 300);
	/* Every other one; a stop returning true means it had already run. */
	for (int i = 0; i < MANY; i += 2)
		stopped_early[i] = !callout_stop(&many.c[i]);
	for (int i = 0; i < MANY; i++)
		expect += !stopped_early[i];
	many_wait(expect);
	/* Nothing is left that could still fire. */
	left = callout_count();
	for (int i = 0; i < MANY; i++)
		wrong += many.fired[i] != (stopped_early[i] ? 0 : 1);
	many_teardown();
	kmem_free(&M_TEMP, stopped_early, MANY * sizeof(bool));
	rec_fini();
	KTEST_EXIT();

	print_message("%d callouts stopped before they ran\n", MANY - expect);
	assert_int_equal(left, 0);
	assert_int_equal(wrong, 0);
	assert_int_equal(many.nfired, expect);
	assert_int_equal(many.early, 0);
	assert_int_equal(many.disorder, 0);
}

static void
callout_count_returns_to_zero(void **state)
{
	callout_t c[8];
	unsigned all, half;

	(void)state;
	KTEST_ENTER();
	rec_init();
	for (int i = 0; i < 8; i++) {
		callout_init(&c[i], 0);
		callout_reset(&c[i], 1000 + i, record, NULL);
	}
	all = callout_count();
	for (int i = 0; i < 4; i++)
		callout_stop(&c[i]);
	half = callout_count();
	for (int i = 4; i < 8; i++)
		callout_reset(&c[i], 1, record, NULL);
	rec_wait(4);
	for (int i = 0; i < 8; i++) {
		callout_halt(&c[i], NULL);
		callout_destroy(&c[i]);
	}
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(all, 8);
	assert_int_equal(half, 4);
	assert_int_equal(count_pending(), 0);
}

/* ---- soft interrupts ---------------------------------------------------- */

static void
softint_scheduled_runs(void **state)
{
	struct softint *si;

	(void)state;
	KTEST_ENTER();
	rec_init();
	si = softint_establish(SOFTINT_NET, record, (void *)7);
	softint_schedule(si);
	rec_wait(1);
	softint_disestablish(si);
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.log[0], 7);
}

/*
 * Occupies the softint thread until release_handler(), so that what is
 * scheduled meanwhile queues up.
 */
static struct softint *
softint_block(int level)
{
	struct softint *blocker = softint_establish(level, blocking_handler,
	    NULL);

	softint_schedule(blocker);
	wait_started();
	return blocker;
}

static void
softint_scheduled_twice_before_it_runs_runs_once(void **state)
{
	struct softint *blocker, *si, *marker;

	(void)state;
	KTEST_ENTER();
	rec_init();
	blocker = softint_block(SOFTINT_SERIAL);
	si = softint_establish(SOFTINT_NET, record, (void *)1);
	marker = softint_establish(SOFTINT_NET, record, (void *)2);
	softint_schedule(si);
	softint_schedule(si);
	/* Queued behind si: had si been queued twice, both would run first. */
	softint_schedule(marker);
	release_handler();
	rec_wait(3);		/* the blocker, si, the marker */
	softint_disestablish(marker);
	softint_disestablish(si);
	softint_disestablish(blocker);
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.log[1], 1);
	assert_int_equal(rec.log[2], 2);
}

static void
softints_of_higher_levels_run_first(void **state)
{
	static const int order[] = { SOFTINT_CLOCK, SOFTINT_BIO, SOFTINT_SERIAL,
	    SOFTINT_NET };
	struct softint *blocker, *si[__arraycount(order)];

	(void)state;
	KTEST_ENTER();
	rec_init();
	blocker = softint_block(SOFTINT_BIO);
	for (size_t i = 0; i < __arraycount(order); i++) {
		si[i] = softint_establish(order[i], record,
		    (void *)(intptr_t)order[i]);
		softint_schedule(si[i]);
	}
	release_handler();
	rec_wait(1 + __arraycount(order));
	for (size_t i = 0; i < __arraycount(order); i++)
		softint_disestablish(si[i]);
	softint_disestablish(blocker);
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(rec.n, 5);
	assert_int_equal(rec.log[1], SOFTINT_SERIAL);
	assert_int_equal(rec.log[2], SOFTINT_NET);
	assert_int_equal(rec.log[3], SOFTINT_CLOCK);
	assert_int_equal(rec.log[4], SOFTINT_BIO);
}

static void
softint_scheduled_while_it_runs_runs_again(void **state)
{
	struct softint *si;

	(void)state;
	KTEST_ENTER();
	rec_init();
	si = softint_block(SOFTINT_NET);
	softint_schedule(si);
	release_handler();
	rec_wait(2);
	softint_disestablish(si);
	rec_fini();
	KTEST_EXIT();

	assert_int_equal(rec.n, 2);
}

static void
softint_disestablish_waits_for_a_running_one(void **state)
{
	struct softint *si;
	bool finished;

	(void)state;
	KTEST_ENTER();
	rec_init();
	si = softint_establish(SOFTINT_CLOCK, slow_handler, NULL);
	softint_schedule(si);
	wait_started();
	softint_disestablish(si);
	mutex_enter(&rec.lock);
	finished = rec.finished;
	mutex_exit(&rec.lock);
	rec_fini();
	KTEST_EXIT();

	assert_true(finished);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(callouts_fire_in_order_of_expiry),
		leak_test(callouts_with_equal_expiry_fire_in_scheduling_order),
		leak_test(callout_stop_before_expiry_prevents_the_call_and_returns_false),
		leak_test(callout_stop_after_it_fired_returns_true),
		leak_test(callout_reset_moves_a_pending_callout_later),
		leak_test(callout_reset_moves_a_pending_callout_earlier),
		leak_test(callout_rescheduling_itself_runs_n_times),
		leak_test(callout_halt_waits_for_the_running_handler),
		leak_test(callout_halt_leaves_a_self_rearming_callout_stopped),
		leak_test(callout_halt_with_interlock_waits_and_holds_it_again),
		leak_test(callout_halt_from_its_own_handler_does_not_deadlock),
		leak_test(callout_reset_while_its_handler_runs_runs_it_again),
		leak_test(many_callouts_each_fire_once_in_expiry_order),
		leak_test(stopping_half_of_many_callouts_leaves_the_other_half),
		leak_test(callout_count_returns_to_zero),
		leak_test(softint_scheduled_runs),
		leak_test(softint_scheduled_twice_before_it_runs_runs_once),
		leak_test(softints_of_higher_levels_run_first),
		leak_test(softint_scheduled_while_it_runs_runs_again),
		leak_test(softint_disestablish_waits_for_a_running_one),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
