/*
 * The VFS component's boot, when a part of it fails: the buffer cache's
 * sync thread cannot start, or another component took the file system
 * calls (mounting the root cannot fail).  rump_init() returns the
 * error and what had started is undone (no kernel memory in use).  The
 * failures are link-time mocks (-Wl,--wrap, ldflags_t_vfs_init in
 * mk/tests.mk) of the renamed kernel functions; a kernel boots once per
 * process, so each case runs in a child of its own.
 */
#include "ktest.h"
#include "rumpkern/syscall.h"

/* Host calls, declared here: a kernel test sees no host header. */
pid_t fork(void);
pid_t waitpid(pid_t pid, int *status, int options);
void exit(int status) __attribute__((noreturn));

enum vfs_part { PART_NONE, PART_BUFCACHE, PART_SYSCALLS };

static enum vfs_part failing;

int __real_rumpns_bufcache_init(void);
int __wrap_rumpns_bufcache_init(void);
int __real_rumpns_syscall_establish(const struct sysent_init *calls);
int __wrap_rumpns_syscall_establish(const struct sysent_init *calls);
extern const struct sysent_init rumpns_vfs_sysent[];

int
__wrap_rumpns_bufcache_init(void)
{
	return failing == PART_BUFCACHE ? EAGAIN :
	    __real_rumpns_bufcache_init();
}

int
__wrap_rumpns_syscall_establish(const struct sysent_init *calls)
{
	if (failing == PART_SYSCALLS && calls == rumpns_vfs_sysent)
		return EEXIST;
	return __real_rumpns_syscall_establish(calls);
}

/* Boots in a child with part failing: the child's exit status. */
static int
boot_failing(enum vfs_part part, int error)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		failing = part;
		/* exit(), not _exit(): the coverage counts are written. */
		exit(rump_init() == error && rump_kmem_inuse() == 0 ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	/* Exited (no signal): the status is in the second byte. */
	return (st & 0x7f) == 0 ? (st >> 8) & 0xff : -1;
}

static void
a_sync_thread_that_cannot_start_fails_the_boot_and_undoes_it(void **state)
{
	(void)state;
	assert_int_equal(boot_failing(PART_BUFCACHE, EAGAIN), 0);
}

static void
file_system_calls_taken_already_fail_the_boot_and_undo_it(void **state)
{
	(void)state;
	assert_int_equal(boot_failing(PART_SYSCALLS, EEXIST), 0);
}

static void
with_nothing_failing_the_kernel_boots_and_keeps_memory_in_use(void **state)
{
	(void)state;
	assert_int_equal(boot_failing(PART_NONE, 0), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_sync_thread_that_cannot_start_fails_the_boot_and_undoes_it),
		cmocka_unit_test(file_system_calls_taken_already_fail_the_boot_and_undo_it),
		cmocka_unit_test(with_nothing_failing_the_kernel_boots_and_keeps_memory_in_use),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
