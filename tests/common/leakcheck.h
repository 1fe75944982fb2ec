/*
 * Per-test check that no kernel memory leaked: the setup function records
 * what is in use, the teardown compares and prints the types that grew.
 * Include after <cmocka.h>.
 */
#ifndef TESTS_LEAKCHECK_H
#define TESTS_LEAKCHECK_H

#include <rump/rumpkern_if_pub.h>

#ifdef RUMP_TEST_REMOTE
/*
 * A remote client cannot see the server's memory: the server checks it
 * at its shutdown instead (tests/common/remotetest.h).
 */
static inline int
leakcheck_setup(void **state)
{
	(void)state;
	return 0;
}

static inline int
leakcheck_teardown(void **state)
{
	(void)state;
	return 0;
}

#define leak_test(f)	cmocka_unit_test(f)
#else
static uint64_t leakcheck_inuse;

static inline int
leakcheck_setup(void **state)
{
	(void)state;
	leakcheck_inuse = rump_kmem_inuse();
	return 0;
}

static inline int
leakcheck_teardown(void **state)
{
	uint64_t now = rump_kmem_inuse();

	(void)state;
	if (now != leakcheck_inuse) {
		rump_kmem_dump();
		fail_msg("kernel memory in use went from %llu to %llu bytes",
		    (unsigned long long)leakcheck_inuse,
		    (unsigned long long)now);
	}
	return 0;
}

/* A test with the leak check around it. */
#define leak_test(f)	cmocka_unit_test_setup_teardown(f, leakcheck_setup, \
	leakcheck_teardown)
#endif

#endif
