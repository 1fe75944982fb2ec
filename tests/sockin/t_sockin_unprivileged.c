/*
 * The sockin suite needs no privilege, and proves it: tests/run.sh runs
 * every program under tests/sockin/ as nobody when it runs as root (CI),
 * and this program fails if it holds any capability, so a runner that
 * kept its privileges is caught rather than proving nothing.  (Run by
 * hand as root it fails too: that is the point.)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apitest.h"

/* The effective capabilities (/proc/self/status's CapEff, hexadecimal). */
static unsigned long long
capeff(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	unsigned long long caps = ~0ULL;
	char line[256];

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps;
}

static void
the_sockin_suite_runs_without_any_privilege(void **state)
{
	(void)state;
	assert_int_not_equal(geteuid(), 0);
	assert_int_equal(capeff(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(the_sockin_suite_runs_without_any_privilege),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
