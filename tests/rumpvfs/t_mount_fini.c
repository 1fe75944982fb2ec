/*
 * Mounts left when the kernel shuts down are unmounted by the VFS, the
 * last mounted first (here one on a directory of another), before the
 * root: rump_fini() succeeds and no kernel memory is left.
 *
 * A kernel boots once per process: this program is this one test.
 */
#include "ktest.h"
#include "rumpvfs/mount.h"
#include "syscallargs.h"

static void
mounts_left_at_fini_are_unmounted(void **state)
{
	struct sys_mkdir_args outer = { .path = "/outer", .mode = 0755 };
	struct sys_mkdir_args inner = { .path = "/outer/inner", .mode = 0755 };
	long rv;

	(void)state;
	assert_int_equal(rump_init(), 0);
	KTEST_ENTER();
	assert_int_equal(sys_mkdir(curlwp, &outer, &rv), 0);
	assert_int_equal(vfs_domount("rumpfs", NULL, "/outer", 0, NULL, 0), 0);
	assert_int_equal(sys_mkdir(curlwp, &inner, &rv), 0);
	assert_int_equal(vfs_domount("rumpfs", NULL, "/outer/inner", 0, NULL,
	    0), 0);
	KTEST_EXIT();
	assert_int_equal(rump_fini(), 0);
	assert_int_equal(rump_kmem_inuse(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mounts_left_at_fini_are_unmounted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
