/*
 * The mount table's registry of file-system types and the VFS_* calls
 * through it, against a type that fills in almost nothing; and mounting
 * when the type cannot give its root, or when another mount got to the
 * directory first, with types made of rumpfs's operations and one of
 * their own.
 */
#include "ktest.h"
#include "rumpkern/condvar.h"
#include "rumpkern/kthread.h"
#include "rumpkern/lwp.h"
#include "rumpkern/mutex.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/rumpfs.h"
#include "syscallargs.h"

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

/* rumpfs but for the root, which cannot be had: the mount is undone. */
static int noroot_unmount_flags = -1;

static int
noroot_root(struct mount *mp, struct vnode **vpp)
{
	(void)mp;
	(void)vpp;
	return EIO;
}

static int
noroot_unmount(struct mount *mp, int mntflags)
{
	noroot_unmount_flags = mntflags;
	return rumpfs_vfsops.vfs_unmount(mp, mntflags);
}

static void
a_type_whose_root_cannot_be_had_is_unmounted_by_force(void **state)
{
	struct vfsops noroot = rumpfs_vfsops;
	int error;

	(void)state;
	noroot.vfs_name = "noroot";
	noroot.vfs_root = noroot_root;
	noroot.vfs_unmount = noroot_unmount;
	noroot.vfs_refcount = 0;
	KTEST_ENTER();
	assert_int_equal(vfs_register(&noroot), 0);
	error = vfs_domount("noroot", NULL, "/", 0, NULL, 0);
	assert_int_equal(noroot_unmount_flags, MNT_FORCE);
	/* Nothing holds the type: it goes. */
	assert_int_equal(vfs_unregister(&noroot), 0);
	KTEST_EXIT();
	assert_int_equal(error, EIO);
}

/*
 * rumpfs whose mount waits at a gate, holding the mount lock, until the
 * test opens it.
 */
static kmutex_t gate_lock;
static kcondvar_t gate_cv;
static bool gate_reached, gate_open;

static int
gated_mount(struct mount *mp, const char *from, const void *data,
    size_t datalen)
{
	mutex_enter(&gate_lock);
	gate_reached = true;
	cv_broadcast(&gate_cv);
	while (!gate_open)
		cv_wait(&gate_cv, &gate_lock);
	mutex_exit(&gate_lock);
	return rumpfs_vfsops.vfs_mount(mp, from, data, datalen);
}

struct mounter {
	const char *fstype;
	pid_t tid;
	int error;
};

static void
mounter_run(void *arg)
{
	struct mounter *m = arg;

	__atomic_store_n(&m->tid, gettid(), __ATOMIC_RELEASE);
	m->error = vfs_domount(m->fstype, NULL, "/race", 0, NULL, 0);
	kthread_exit(0);
}

/*
 * Two mounts on one directory: the second looked it up before the
 * first was made, and waits for the mount lock meanwhile.  Once it has
 * the lock, the directory has a mount on it: EBUSY, and its own mount,
 * made by then, is taken apart again.
 */
static void
a_mount_on_a_directory_mounted_on_meanwhile_is_ebusy(void **state)
{
	struct sys_mkdir_args mk = { .path = "/race", .mode = 0755 };
	struct sys_rmdir_args rm = { .path = "/race" };
	struct mounter first = { .fstype = "gated" };
	struct mounter second = { .fstype = "rumpfs" };
	struct vfsops gated = rumpfs_vfsops;
	struct lwp *l1, *l2;
	long rv;

	(void)state;
	gated.vfs_name = "gated";
	gated.vfs_mount = gated_mount;
	gated.vfs_refcount = 0;
	mutex_init(&gate_lock, MUTEX_DEFAULT);
	cv_init(&gate_cv);
	KTEST_ENTER();
	assert_int_equal(vfs_register(&gated), 0);
	assert_int_equal(sys_mkdir(curlwp, &mk, &rv), 0);
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, mounter_run, &first,
	    &l1, "first"), 0);
	mutex_enter(&gate_lock);
	while (!gate_reached)
		cv_wait(&gate_cv, &gate_lock);
	mutex_exit(&gate_lock);
	assert_int_equal(kthread_create(KTHREAD_MUSTJOIN, mounter_run,
	    &second, &l2, "second"), 0);
	KTEST_EXIT();
	ktest_wait_thread_asleep(&second.tid);
	KTEST_ENTER();
	mutex_enter(&gate_lock);
	gate_open = true;
	cv_broadcast(&gate_cv);
	mutex_exit(&gate_lock);
	assert_int_equal(kthread_join(l1), 0);
	assert_int_equal(kthread_join(l2), 0);
	assert_int_equal(first.error, 0);
	assert_int_equal(second.error, EBUSY);
	assert_int_equal(vfs_dounmount_path("/race", 0), 0);
	assert_int_equal(sys_rmdir(curlwp, &rm, &rv), 0);
	assert_int_equal(vfs_unregister(&gated), 0);
	KTEST_EXIT();
	cv_destroy(&gate_cv);
	mutex_destroy(&gate_lock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_type_registers_once_by_name),
		leak_test(a_mounted_type_cannot_be_unregistered),
		leak_test(missing_statvfs_and_sync_entries),
		leak_test(a_type_whose_root_cannot_be_had_is_unmounted_by_force),
		leak_test(a_mount_on_a_directory_mounted_on_meanwhile_is_ebusy),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
