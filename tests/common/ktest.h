/*
 * For unit tests of kernel internals.  Such a test is compiled against the
 * kernel's private headers and its object is renamed like the kernel's
 * (kmem_alloc becomes rumpns_kmem_alloc), so it calls kernel functions by
 * their kernel names.  It includes no host header besides what cmocka
 * needs, since kernel headers declare the host ABI themselves.
 *
 * A test body runs kernel code between KTEST_ENTER() and KTEST_EXIT(),
 * which take and give back a virtual CPU.
 */
#ifndef TESTS_KTEST_H
#define TESTS_KTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rumpkern/kern.h"
#include "rumpkern/rump_private.h"
#include "leakcheck.h"

#define KTEST_ENTER()	rump_schedule()
#define KTEST_EXIT()	rump_unschedule()

/* Boots the kernel for a group; finishes it and checks it came apart clean. */
static inline int
ktest_boot(void **state)
{
	(void)state;
	return rump_init();
}

static inline int
ktest_halt(void **state)
{
	(void)state;
	return rump_fini();
}

#endif
