/*
 * Work deferred until the network lock is released (netlock.h): run once
 * by the releasing thread without the lock, however many entries wait,
 * and not at all once withdrawn.
 */
#include "ktest.h"
#include "rumpnet/netlock.h"

#define NENTRIES	40	/* more than the releasing thread takes at once */

struct counted {
	struct net_deferred nd;
	unsigned runs, runs_locked;
};

static struct counted entries[NENTRIES];

static void
count_run(void *arg)
{
	struct counted *c = arg;

	c->runs++;
	if (mutex_owned(&softnet_lock))
		c->runs_locked++;
}

static void
init_entries(void)
{
	memset(entries, 0, sizeof(entries));
	for (int i = 0; i < NENTRIES; i++) {
		entries[i].nd.nd_fn = count_run;
		entries[i].nd.nd_arg = &entries[i];
	}
}

static void
every_deferred_entry_runs_once_after_the_lock_is_released(void **state)
{
	unsigned runs_before = 0;

	(void)state;
	init_entries();
	KTEST_ENTER();
	NET_LOCK();
	for (int i = 0; i < NENTRIES; i++) {
		net_defer(&entries[i].nd);
		net_defer(&entries[i].nd);	/* queued once only */
	}
	for (int i = 0; i < NENTRIES; i++)
		runs_before += entries[i].runs;
	NET_UNLOCK();
	KTEST_EXIT();
	assert_int_equal(runs_before, 0);
	for (int i = 0; i < NENTRIES; i++) {
		assert_int_equal(entries[i].runs, 1);
		assert_int_equal(entries[i].runs_locked, 0);
	}
}

static void
a_withdrawn_entry_does_not_run(void **state)
{
	(void)state;
	init_entries();
	KTEST_ENTER();
	NET_LOCK();
	net_defer(&entries[0].nd);
	net_defer(&entries[1].nd);
	/* Released without running the work, then withdrawn. */
	mutex_exit(&softnet_lock);
	net_undefer(&entries[0].nd);
	NET_LOCK();
	NET_UNLOCK();
	KTEST_EXIT();
	assert_int_equal(entries[0].runs, 0);
	assert_int_equal(entries[1].runs, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(every_deferred_entry_runs_once_after_the_lock_is_released),
		leak_test(a_withdrawn_entry_does_not_run),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
