/* For tests through the public interface: host headers and <rump/rump.h>. */
#ifndef TESTS_APITEST_H
#define TESTS_APITEST_H

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

static inline int
apitest_boot(void **state)
{
	(void)state;
	return rump_init();
}

static inline int
apitest_halt(void **state)
{
	(void)state;
	return rump_fini();
}

#endif
