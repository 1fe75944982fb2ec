/*
 * A component that fails to initialise takes the boot down with it: the
 * components that did start are finalised again, rump_init() returns the
 * component's error, and the kernel cannot be booted afterwards.  There is
 * no half-booted kernel.
 */
#include "ktest.h"
#include "rumpkern/component.h"

static int started, stopped;

static int
early_init(void)
{
	started++;
	return 0;
}

static void
early_fini(void)
{
	stopped++;
}

static int
failing_init(void)
{
	return ENXIO;
}

RUMP_COMPONENT(early_component, "test-early", RUMP_COMPONENT_KERN,
    early_init, early_fini)
RUMP_COMPONENT(failing_component, "test-failing", RUMP_COMPONENT_FS,
    failing_init, NULL)

static void
boot_fails_with_the_components_error_and_undoes_the_rest(void **state)
{
	(void)state;
	assert_int_equal(rump_init(), ENXIO);
	assert_int_equal(started, 1);
	assert_int_equal(stopped, 1);
	assert_int_equal(rump_kmem_inuse(), 0);
	assert_int_equal(rump_init(), EALREADY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boot_fails_with_the_components_error_and_undoes_the_rest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
