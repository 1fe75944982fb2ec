/*
 * The mount table's registry of file-system types and the VFS_* calls
 * through it, against a type that fills in almost nothing.
 */
#include "ktest.h"
#include "rumpkern/lwp.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/rumpfs.h"

static struct vfsops bare_vfsops = {
	.vfs_name = "bare",
};

static void
a_type_registers_once_by_name(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(vfs_register(&bare_vfsops), 0);
	assert_int_equal(vfs_register(&bare_vfsops), EEXIST);
	assert_int_equal(vfs_unregister(&bare_vfsops), 0);
	KTEST_EXIT();
}

static void
a_mounted_type_cannot_be_unregistered(void **state)
{
	int error;

	(void)state;
	KTEST_ENTER();
	/* rumpfs is mounted at /. */
	error = vfs_unregister(&rumpfs_vfsops);
	KTEST_EXIT();
	assert_int_equal(error, EBUSY);
}

static void
missing_statvfs_and_sync_entries(void **state)
{
	struct mount m = { .mnt_op = &bare_vfsops };
	struct statvfs sv;
	struct cred *cred;
	int st, sy;

	(void)state;
	KTEST_ENTER();
	cred = proc_cred(curproc);
	st = VFS_STATVFS(&m, &sv);
	sy = VFS_SYNC(&m, true, cred);
	cred_release(cred);
	KTEST_EXIT();
	assert_int_equal(st, EOPNOTSUPP);
	assert_int_equal(sy, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_type_registers_once_by_name),
		leak_test(a_mounted_type_cannot_be_unregistered),
		leak_test(missing_statvfs_and_sync_entries),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
