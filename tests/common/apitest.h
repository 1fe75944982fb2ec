/* For tests through the public interface: host headers and <rump/rump.h>. */
#ifndef TESTS_APITEST_H
#define TESTS_APITEST_H

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rump/rump.h>

#include "leakcheck.h"
#ifdef RUMP_TEST_REMOTE
#include "remotetest.h"
#else
#define SKIP_ON_REMOTE(why) do { } while (0)
#endif

/*
 * The socket API tests are built twice: against the rump TCP/IP stack and,
 * with RUMP_TEST_SOCKIN, against sockin (the host's stack).  A test of
 * what only a rump-owned stack has (its interfaces, raw sockets, routes,
 * counters, fault injection) says so and is skipped in the sockin build.
 */
#ifdef RUMP_TEST_SOCKIN
#define SKIP_ON_SOCKIN(why) do {					\
	print_message("skipped on sockin: %s\n", why);			\
	skip();								\
} while (0)
#else
#define SKIP_ON_SOCKIN(why) do { } while (0)
#endif

/* The host descriptors this process has open (its /proc/self/fd). */
static inline int
host_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static inline int
apitest_boot(void **state)
{
	(void)state;
#ifdef RUMP_TEST_REMOTE
	if (remotetest_start() != 0)
		return -1;
#endif
	return rump_init();
}

/*
 * Shuts the kernel down.  cmocka does not count a failed group teardown
 * as a failure, so a failed rump_fini() (kernel memory still in use, for
 * one) ends the program here with a failure status.
 */
static inline int
apitest_halt(void **state)
{
	int error;

	(void)state;
	error = rump_fini();
	if (error != 0) {
		fprintf(stderr, "rump_fini failed: %s\n", strerror(error));
		exit(1);
	}
#ifdef RUMP_TEST_REMOTE
	if (remotetest_stop() != 0)
		exit(1);
#endif
	return 0;
}

#endif
