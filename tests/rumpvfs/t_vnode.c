/*
 * The vnode cache and the generated VOP_* dispatch, against a fake file
 * system that counts what the VFS asks of it.
 *
 * Linked with -Wl,--wrap=rumpuser_exit (mk/tests.mk): a panic comes back
 * here by longjmp instead of ending the program, so the contract checks
 * are tested too.  They panic before taking any lock, so the test goes on
 * cleanly after.
 */
#include "ktest.h"
#include "rumpkern/kthread.h"
#include "rumpvfs/mount.h"
#include "rumpvfs/vfs_private.h"

#define BAD_ID		999	/* loadvnode fails for this file id */
#define NKEYS		16
#define NTHREADS	4
#define ROUNDS		500

static unsigned loads, inactives, reclaims;
static bool recycle_on_inactive;

static jmp_buf panic_jmp;
static bool panic_expected;

void __wrap_rumpuser_exit(int value);
void __real_rumpuser_exit(int value);

void
__wrap_rumpuser_exit(int value)
{
	if (panic_expected) {
		panic_expected = false;
		longjmp(panic_jmp, 1);
	}
	__real_rumpuser_exit(value);
}

static int
fake_getattr(struct vop_getattr_args *ap)
{
	vattr_null(ap->a_vap);
	ap->a_vap->va_fileid = ap->a_vp->v_id;
	return 0;
}

static int
fake_inactive(struct vop_inactive_args *ap)
{
	inactives++;
	*ap->a_recyclep = recycle_on_inactive;
	return 0;
}

static int
fake_reclaim(struct vop_reclaim_args *ap)
{
	(void)ap;
	reclaims++;
	return 0;
}

static const struct vnodeops fake_vnodeops = {
	.vop_getattr = fake_getattr,
	.vop_inactive = fake_inactive,
	.vop_reclaim = fake_reclaim,
};

static int
fake_loadvnode(struct mount *mp, struct vnode *vp, uint64_t id)
{
	(void)mp;
	if (id == BAD_ID)
		return EIO;
	__atomic_add_fetch(&loads, 1, __ATOMIC_RELAXED);
	vp->v_type = VREG;
	vp->v_op = &fake_vnodeops;
	return 0;
}

static struct vfsops fake_vfsops = {
	.vfs_name = "fake",
	.vfs_loadvnode = fake_loadvnode,
};

static struct mount fake_mount;

static int
setup(void **state)
{
	loads = inactives = reclaims = 0;
	recycle_on_inactive = false;
	memset(&fake_mount, 0, sizeof(fake_mount));
	fake_mount.mnt_op = &fake_vfsops;
	TAILQ_INIT(&fake_mount.mnt_vnodes);
	return leakcheck_setup(state);
}

/* Reclaims the fake mount's vnodes before the leak check. */
static int
teardown(void **state)
{
	KTEST_ENTER();
	vcache_max = VNODE_CACHE_MAX;
	assert_int_equal(vflush(&fake_mount), 0);
	KTEST_EXIT();
	return leakcheck_teardown(state);
}

#define vnode_test(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

static void
vcache_get_loads_a_vnode_once_and_returns_it_again(void **state)
{
	struct vnode *a, *b;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(vcache_get(&fake_mount, 7, &a), 0);
	assert_int_equal(vcache_get(&fake_mount, 7, &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(a->v_usecount, 2);
	vrele(a);
	vrele(b);
	assert_int_equal(vcache_get(&fake_mount, 7, &b), 0);
	assert_ptr_equal(a, b);
	vrele(b);
	KTEST_EXIT();
	assert_int_equal(loads, 1);
	assert_int_equal(inactives, 2);
	assert_int_equal(reclaims, 0);
}

static void
a_load_error_leaves_nothing_cached(void **state)
{
	struct vnode *vp;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(vcache_get(&fake_mount, BAD_ID, &vp), EIO);
	assert_null(vp);
	assert_int_equal(fake_mount.mnt_nvnodes, 0);
	KTEST_EXIT();
}

struct lookers {
	unsigned errors;
};

static void
look_up_every_key(void *arg)
{
	struct lookers *lk = arg;
	struct vnode *vp;

	for (int r = 0; r < ROUNDS; r++) {
		for (uint64_t key = 0; key < NKEYS; key++) {
			if (vcache_get(&fake_mount, key, &vp) != 0 ||
			    vp->v_id != key) {
				__atomic_add_fetch(&lk->errors, 1, __ATOMIC_RELAXED);
				continue;
			}
			vrele(vp);
		}
	}
}

static void
concurrent_lookups_load_each_vnode_once(void **state)
{
	struct lookers lk = { 0 };
	struct lwp *l[NTHREADS];

	(void)state;
	KTEST_ENTER();
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(kthread_create(KTHREAD_MUSTJOIN,
		    look_up_every_key, &lk, &l[i], "looker"), 0);
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(kthread_join(l[i]), 0);
	KTEST_EXIT();
	assert_int_equal(lk.errors, 0);
	assert_int_equal(loads, NKEYS);
	assert_int_equal(fake_mount.mnt_nvnodes, NKEYS);
}

static void
unreferenced_vnodes_beyond_the_limit_are_reclaimed_oldest_first(void **state)
{
	struct vnode *vp, *first;
	unsigned total, unref;

	(void)state;
	KTEST_ENTER();
	vcache_max = 3;
	assert_int_equal(vcache_get(&fake_mount, 1, &first), 0);
	vrele(first);
	for (uint64_t key = 2; key <= 5; key++) {
		assert_int_equal(vcache_get(&fake_mount, key, &vp), 0);
		vrele(vp);
	}
	vcache_counts(&total, &unref);
	assert_int_equal(unref, 3);
	assert_int_equal(fake_mount.mnt_nvnodes, 3);
	/* Key 1 went first: asking for it loads it again. */
	assert_int_equal(vcache_get(&fake_mount, 1, &vp), 0);
	vrele(vp);
	KTEST_EXIT();
	assert_int_equal(reclaims, 3);
	assert_int_equal(loads, 6);
}

static void
inactive_asking_for_recycling_reclaims_at_once(void **state)
{
	struct vnode *vp;

	(void)state;
	recycle_on_inactive = true;
	KTEST_ENTER();
	assert_int_equal(vcache_get(&fake_mount, 3, &vp), 0);
	vrele(vp);
	assert_int_equal(fake_mount.mnt_nvnodes, 0);
	KTEST_EXIT();
	assert_int_equal(reclaims, 1);
}

/* The lock is held (here by the releaser itself, as in "unlock later"). */
static void
a_last_release_of_a_locked_vnode_defers_inactive_to_the_reclaim(void **state)
{
	struct vnode *vp;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(vcache_get(&fake_mount, 9, &vp), 0);
	vn_lock(vp, RW_WRITER);
	vrele(vp);
	assert_int_equal(inactives, 0);
	vn_unlock(vp);
	assert_int_equal(vflush(&fake_mount), 0);
	KTEST_EXIT();
	assert_int_equal(inactives, 1);
	assert_int_equal(reclaims, 1);
}

static void
a_revived_vnode_is_inactivated_by_its_next_last_release(void **state)
{
	struct vnode *vp;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(vcache_get(&fake_mount, 9, &vp), 0);
	vn_lock(vp, RW_WRITER);
	vrele(vp);
	vn_unlock(vp);
	assert_int_equal(vcache_get(&fake_mount, 9, &vp), 0);
	vrele(vp);
	KTEST_EXIT();
	assert_int_equal(inactives, 1);
	assert_int_equal(loads, 1);
}

static void
vflush_is_ebusy_while_a_vnode_is_referenced(void **state)
{
	struct vnode *vp, *other;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(vcache_get(&fake_mount, 1, &vp), 0);
	assert_int_equal(vcache_get(&fake_mount, 2, &other), 0);
	vrele(other);
	assert_int_equal(vflush(&fake_mount), EBUSY);
	/* The unreferenced one went anyway. */
	assert_int_equal(fake_mount.mnt_nvnodes, 1);
	vrele(vp);
	assert_int_equal(vflush(&fake_mount), 0);
	assert_int_equal(fake_mount.mnt_nvnodes, 0);
	KTEST_EXIT();
}

static void
a_missing_operation_is_eopnotsupp(void **state)
{
	struct vnode *vp;
	struct vattr va;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(vcache_get(&fake_mount, 4, &vp), 0);
	vn_lock(vp, RW_WRITER);
	assert_int_equal(VOP_SETATTR(vp, &va, NULL), EOPNOTSUPP);
	assert_int_equal(VOP_GETATTR(vp, &va, NULL), 0);
	assert_int_equal(va.va_fileid, 4);
	vput(vp);
	KTEST_EXIT();
}

static void
a_call_breaking_the_locking_contract_panics(void **state)
{
	struct vnode *vp;
	struct vattr va;
	volatile bool unlocked_panics = false, shared_panics = false;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(vcache_get(&fake_mount, 5, &vp), 0);
	panic_expected = true;
	if (setjmp(panic_jmp) == 0)
		(void)VOP_GETATTR(vp, &va, NULL);	/* not locked */
	else
		unlocked_panics = true;
	panic_expected = false;
	vn_lock(vp, RW_READER);
	/* Shared is not enough for setattr. */
	panic_expected = true;
	if (setjmp(panic_jmp) == 0)
		(void)VOP_SETATTR(vp, &va, NULL);
	else
		shared_panics = true;
	panic_expected = false;
	vn_unlock(vp);
	vrele(vp);
	KTEST_EXIT();
	assert_true(unlocked_panics);
	assert_true(shared_panics);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		vnode_test(vcache_get_loads_a_vnode_once_and_returns_it_again),
		vnode_test(a_load_error_leaves_nothing_cached),
		vnode_test(concurrent_lookups_load_each_vnode_once),
		vnode_test(unreferenced_vnodes_beyond_the_limit_are_reclaimed_oldest_first),
		vnode_test(inactive_asking_for_recycling_reclaims_at_once),
		vnode_test(a_last_release_of_a_locked_vnode_defers_inactive_to_the_reclaim),
		vnode_test(a_revived_vnode_is_inactivated_by_its_next_last_release),
		vnode_test(vflush_is_ebusy_while_a_vnode_is_referenced),
		vnode_test(a_missing_operation_is_eopnotsupp),
		vnode_test(a_call_breaking_the_locking_contract_panics),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
