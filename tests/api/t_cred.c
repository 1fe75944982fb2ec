/*
 * Credentials and the umask through the public calls, with Linux's rules
 * for root and for everyone else.  Each test changes identity in a process
 * of its own (rump_lwproc_rfork) and goes back to process 1, which stays
 * root, at the end.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "apitest.h"

#define assert_fails(call, e) do {					\
	errno = 0;							\
	assert_int_equal((call), -1);					\
	assert_int_equal(errno, (e));					\
} while (0)

static int
own_process(void **state)
{
	leakcheck_setup(state);
	return rump_lwproc_rfork(RUMP_RFFDG);
}

static int
back_to_pid1(void **state)
{
	if (rump_lwproc_releaselwp() != 0 || rump_sys_getuid() != 0)
		return -1;
	return leakcheck_teardown(state);
}

#define cred_test(f)	cmocka_unit_test_setup_teardown(f, own_process, \
	back_to_pid1)

static void
the_kernel_starts_as_root_without_groups(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_getuid(), 0);
	assert_int_equal(rump_sys_geteuid(), 0);
	assert_int_equal(rump_sys_getgid(), 0);
	assert_int_equal(rump_sys_getegid(), 0);
	assert_int_equal(rump_sys_getgroups(0, NULL), 0);
}

static void
root_setuid_sets_real_effective_and_saved_for_good(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_int_equal(rump_sys_getuid(), 1000);
	assert_int_equal(rump_sys_geteuid(), 1000);
	/* The saved uid went too: there is no way back. */
	assert_fails(rump_sys_setuid(0), EPERM);
	assert_int_equal(rump_sys_geteuid(), 1000);
}

static void
a_user_may_setuid_to_itself_only(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_fails(rump_sys_setuid(1001), EPERM);
	assert_int_equal(rump_sys_getuid(), 1000);
}

static void
setuid_to_minus_one_is_einval(void **state)
{
	(void)state;
	assert_fails(rump_sys_setuid((uid_t)-1), EINVAL);
	assert_fails(rump_sys_setgid((gid_t)-1), EINVAL);
}

static void
root_setgid_sets_the_group_ids(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_setgid(50), 0);
	assert_int_equal(rump_sys_getgid(), 50);
	assert_int_equal(rump_sys_getegid(), 50);
	assert_int_equal(rump_sys_getuid(), 0);
}

static void
a_user_may_setgid_to_its_own_group_only(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_setgid(50), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_int_equal(rump_sys_setgid(50), 0);
	assert_fails(rump_sys_setgid(51), EPERM);
	assert_int_equal(rump_sys_getegid(), 50);
}

static void
root_sets_the_groups_and_getgroups_returns_them(void **state)
{
	gid_t set[3] = { 7, 8, 9 }, got[4];

	(void)state;
	assert_int_equal(rump_sys_setgroups(3, set), 0);
	assert_int_equal(rump_sys_getgroups(0, NULL), 3);
	memset(got, 0, sizeof(got));
	assert_int_equal(rump_sys_getgroups(4, got), 3);
	assert_memory_equal(got, set, sizeof(set));
	/* Setting none clears them. */
	assert_int_equal(rump_sys_setgroups(0, NULL), 0);
	assert_int_equal(rump_sys_getgroups(0, NULL), 0);
}

static void
getgroups_into_too_small_a_list_is_einval(void **state)
{
	gid_t set[3] = { 7, 8, 9 }, got[2];

	(void)state;
	assert_int_equal(rump_sys_setgroups(3, set), 0);
	assert_fails(rump_sys_getgroups(2, got), EINVAL);
	assert_fails(rump_sys_getgroups(-1, got), EINVAL);
}

static void
a_user_may_not_setgroups(void **state)
{
	gid_t set[1] = { 7 };

	(void)state;
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_fails(rump_sys_setgroups(1, set), EPERM);
}

static void
setgroups_of_more_than_ngroups_max_is_einval(void **state)
{
	(void)state;
	assert_fails(rump_sys_setgroups(65537, NULL), EINVAL);
}

static void
setgroups_from_null_is_efault(void **state)
{
	(void)state;
	assert_fails(rump_sys_setgroups(2, NULL), EFAULT);
}

static void
a_forked_process_inherits_the_identity_and_its_parent_keeps_its_own(
    void **state)
{
	gid_t set[1] = { 33 }, got[1];

	(void)state;
	assert_int_equal(rump_sys_setgroups(1, set), 0);
	assert_int_equal(rump_sys_setgid(44), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_getuid(), 1000);
	assert_int_equal(rump_sys_getgid(), 44);
	assert_int_equal(rump_sys_getgroups(1, got), 1);
	assert_int_equal(got[0], 33);
}

static void
a_change_in_a_forked_process_stays_there(void **state)
{
	(void)state;
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	assert_int_equal(rump_sys_umask(022), 022);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_int_equal(rump_sys_umask(077), 022);
	assert_int_equal(rump_lwproc_releaselwp(), 0);
	assert_int_equal(rump_sys_getuid(), 0);
	assert_int_equal(rump_sys_umask(022), 022);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
}

static void
umask_returns_the_old_mask_and_keeps_only_permission_bits(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_umask(0), 022);
	assert_int_equal(rump_sys_umask(07777), 0);
	assert_int_equal(rump_sys_umask(022), 0777);
}

static void
a_forked_process_inherits_the_umask(void **state)
{
	(void)state;
	assert_int_equal(rump_sys_umask(027), 022);
	assert_int_equal(rump_lwproc_rfork(RUMP_RFFDG), 0);
	assert_int_equal(rump_sys_umask(027), 027);
}

static void
a_file_keeps_the_owner_it_was_made_by(void **state)
{
	struct stat before, after;
	int p[2], q[2];

	(void)state;
	assert_int_equal(rump_sys_pipe2(p, 0), 0);
	assert_int_equal(rump_sys_setgid(44), 0);
	assert_int_equal(rump_sys_setuid(1000), 0);
	assert_int_equal(rump_sys_pipe2(q, 0), 0);
	assert_int_equal(rump_sys_fstat(p[0], &before), 0);
	assert_int_equal(rump_sys_fstat(q[0], &after), 0);
	assert_int_equal(before.st_uid, 0);
	assert_int_equal(before.st_gid, 0);
	assert_int_equal(after.st_uid, 1000);
	assert_int_equal(after.st_gid, 44);
	rump_sys_close(p[0]);
	rump_sys_close(p[1]);
	rump_sys_close(q[0]);
	rump_sys_close(q[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cred_test(the_kernel_starts_as_root_without_groups),
		cred_test(root_setuid_sets_real_effective_and_saved_for_good),
		cred_test(a_user_may_setuid_to_itself_only),
		cred_test(setuid_to_minus_one_is_einval),
		cred_test(root_setgid_sets_the_group_ids),
		cred_test(a_user_may_setgid_to_its_own_group_only),
		cred_test(root_sets_the_groups_and_getgroups_returns_them),
		cred_test(getgroups_into_too_small_a_list_is_einval),
		cred_test(a_user_may_not_setgroups),
		cred_test(setgroups_of_more_than_ngroups_max_is_einval),
		cred_test(setgroups_from_null_is_efault),
		cred_test(a_forked_process_inherits_the_identity_and_its_parent_keeps_its_own),
		cred_test(a_change_in_a_forked_process_stays_there),
		cred_test(umask_returns_the_old_mask_and_keeps_only_permission_bits),
		cred_test(a_forked_process_inherits_the_umask),
		cred_test(a_file_keeps_the_owner_it_was_made_by),
	};

	return cmocka_run_group_tests(tests, apitest_boot, apitest_halt);
}
