/*
 * What a process carries besides its descriptors: credentials, the umask
 * and its directories, which the core holds and releases through the
 * hooks the VFS installs.  The vnodes here are stand-ins that count their
 * references.
 */
#include "ktest.h"
#include "rumpkern/cred.h"
#include "rumpkern/kthread.h"
#include "rumpkern/lwp.h"

struct vnode {
	unsigned refs;
};

static void
fake_hold(struct vnode *vp)
{
	vp->refs++;
}

static void
fake_release(struct vnode *vp)
{
	assert_true(vp->refs > 0);
	vp->refs--;
}

static const struct proc_vnodeops fake_vnodeops = {
	.pvo_hold = fake_hold,
	.pvo_release = fake_release,
};

static struct vnode cwd, root, other;

static int
hooks_setup(void **state)
{
	(void)state;
	cwd.refs = root.refs = other.refs = 0;
	KTEST_ENTER();
	proc_setvnodeops(&fake_vnodeops);
	KTEST_EXIT();
	return leakcheck_setup(state);
}

/* Process 1 lets go of its directories; the hooks go. */
static int
hooks_teardown(void **state)
{
	KTEST_ENTER();
	proc_setcwd(curproc, NULL);
	proc_setrdir(curproc, NULL);
	proc_setvnodeops(NULL);
	KTEST_EXIT();
	return leakcheck_teardown(state);
}

#define hook_test(f)	cmocka_unit_test_setup_teardown(f, hooks_setup, \
	hooks_teardown)

static void
a_process_starts_as_root_with_umask_022_and_no_directories(void **state)
{
	struct cred *c;
	struct vnode *vp[2];
	mode_t mask;

	(void)state;
	KTEST_ENTER();
	c = proc_cred(curproc);
	mask = curproc->p_umask;
	vp[0] = proc_cwd(curproc);
	vp[1] = proc_rdir(curproc);
	KTEST_EXIT();
	assert_int_equal(c->cr_uid, 0);
	assert_int_equal(c->cr_euid, 0);
	assert_int_equal(c->cr_gid, 0);
	assert_int_equal(c->cr_ngroups, 0);
	assert_int_equal(mask, 022);
	assert_null(vp[0]);
	assert_null(vp[1]);
	KTEST_ENTER();
	cred_release(c);
	KTEST_EXIT();
}

static void
setting_a_directory_takes_the_reference_and_releases_the_old(void **state)
{
	(void)state;
	KTEST_ENTER();
	cwd.refs = 1;		/* the caller's, handed over */
	proc_setcwd(curproc, &cwd);
	other.refs = 1;
	proc_setcwd(curproc, &other);
	KTEST_EXIT();
	assert_int_equal(cwd.refs, 0);
	assert_int_equal(other.refs, 1);
}

static void
getting_a_directory_gives_a_held_reference(void **state)
{
	struct vnode *vp;

	(void)state;
	KTEST_ENTER();
	root.refs = 1;
	proc_setrdir(curproc, &root);
	vp = proc_rdir(curproc);
	KTEST_EXIT();
	assert_ptr_equal(vp, &root);
	assert_int_equal(root.refs, 2);
	KTEST_ENTER();
	fake_release(vp);
	KTEST_EXIT();
}

static void
a_forked_process_holds_the_directories_and_releases_them_at_exit(void **state)
{
	unsigned inchild[2];
	pid_t pid;
	int err[2];

	(void)state;
	KTEST_ENTER();
	cwd.refs = root.refs = 1;
	proc_setcwd(curproc, &cwd);
	proc_setrdir(curproc, &root);
	err[0] = rumppriv_lwproc_rfork(RUMP_RFFDG);
	pid = curproc->p_pid;
	inchild[0] = cwd.refs;
	inchild[1] = root.refs;
	err[1] = rumppriv_lwproc_releaselwp();
	KTEST_EXIT();
	assert_int_equal(err[0], 0);
	assert_int_equal(err[1], 0);
	assert_int_not_equal(pid, 1);
	assert_int_equal(inchild[0], 2);
	assert_int_equal(inchild[1], 2);
	assert_int_equal(cwd.refs, 1);
	assert_int_equal(root.refs, 1);
}

static void
a_forked_process_inherits_credentials_and_umask(void **state)
{
	struct cred *parent, *child;
	mode_t mask;
	int err;

	(void)state;
	KTEST_ENTER();
	parent = proc_cred(curproc);
	__atomic_store_n(&curproc->p_umask, 077, __ATOMIC_RELAXED);
	err = rumppriv_lwproc_rfork(RUMP_RFCFDG);
	child = proc_cred(curproc);
	mask = curproc->p_umask;
	rumppriv_lwproc_releaselwp();
	__atomic_store_n(&curproc->p_umask, 022, __ATOMIC_RELAXED);
	cred_release(parent);
	cred_release(child);
	KTEST_EXIT();
	assert_int_equal(err, 0);
	/* Credentials never change, so parent and child share them. */
	assert_ptr_equal(parent, child);
	assert_int_equal(mask, 077);
}

static void
try_attach(void *arg)
{
	int *errp = arg;

	*errp = rumppriv_lwproc_attach(1);
	kthread_exit(0);
}

static void
a_kernel_thread_cannot_attach_to_a_process(void **state)
{
	struct lwp *l;
	int err = -1, error;

	(void)state;
	KTEST_ENTER();
	error = kthread_create(KTHREAD_MUSTJOIN, try_attach, &err, &l, "attach");
	if (error == 0)
		error = kthread_join(l);
	KTEST_EXIT();
	assert_int_equal(error, 0);
	assert_int_equal(err, EPERM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		hook_test(a_process_starts_as_root_with_umask_022_and_no_directories),
		hook_test(setting_a_directory_takes_the_reference_and_releases_the_old),
		hook_test(getting_a_directory_gives_a_held_reference),
		hook_test(a_forked_process_holds_the_directories_and_releases_them_at_exit),
		hook_test(a_forked_process_inherits_credentials_and_umask),
		hook_test(a_kernel_thread_cannot_attach_to_a_process),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
