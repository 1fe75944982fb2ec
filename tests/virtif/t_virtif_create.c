/*
 * Creating a virtN interface when a step of it fails: the tap refused
 * for want of privilege, the receive thread not started, the interface
 * not attached.  The creation fails with that error and undoes what it
 * did: the tap is closed (a tap it created goes), no interface is left,
 * no kernel memory.  The failing steps are link-time mocks (-Wl,--wrap,
 * ldflags_t_virtif_create in mk/tests.mk) of the renamed kernel
 * functions, failing only while a test asks.
 *
 * The taps are made in a network namespace of this process's own
 * (unshare before the kernel boots; it goes with the process); without
 * root or /dev/net/tun the tests that need one are skipped, saying so.
 */
#include "ktest.h"
#include "rumpnet/if.h"
#include "virtif/virtif_user.h"

/* Host calls, declared here: a kernel test sees no host header. */
int unshare(int flags);
unsigned geteuid(void);
int access(const char *path, int mode);
unsigned if_nametoindex(const char *name);
#define HOST_CLONE_NEWNET	0x40000000
#define HOST_RW_OK		6

int __real_rumpns_virtif_user_open(const char *tapname, int mtu, int flags,
    struct virtif_user **vup);
int __wrap_rumpns_virtif_user_open(const char *tapname, int mtu, int flags,
    struct virtif_user **vup);
int __real_rumpns_kthread_create(int flags, void (*func)(void *), void *arg,
    struct lwp **lp, const char *name);
int __wrap_rumpns_kthread_create(int flags, void (*func)(void *), void *arg,
    struct lwp **lp, const char *name);
int __real_rumpns_if_attach(struct ifnet *ifp);
int __wrap_rumpns_if_attach(struct ifnet *ifp);

enum virt_step { STEP_NONE, STEP_TAP, STEP_THREAD, STEP_ATTACH };
static enum virt_step failing;
static bool have_tap;

int
__wrap_rumpns_virtif_user_open(const char *tapname, int mtu, int flags,
    struct virtif_user **vup)
{
	if (failing == STEP_TAP)
		return EPERM;
	return __real_rumpns_virtif_user_open(tapname, mtu, flags, vup);
}

int
__wrap_rumpns_kthread_create(int flags, void (*func)(void *), void *arg,
    struct lwp **lp, const char *name)
{
	if (failing == STEP_THREAD && strncmp(name, "virt", 4) == 0)
		return EAGAIN;
	return __real_rumpns_kthread_create(flags, func, arg, lp, name);
}

int
__wrap_rumpns_if_attach(struct ifnet *ifp)
{
	if (failing == STEP_ATTACH && strncmp(ifp->if_xname, "virt", 4) == 0)
		return ENOSPC;
	return __real_rumpns_if_attach(ifp);
}

#define SKIP_WITHOUT_TAP() do {						\
	if (!have_tap) {						\
		print_message("skipped: needs root and /dev/net/tun\n");\
		skip();							\
	}								\
} while (0)

/* Creates virt0 on tap vctap0 with step failing: the error. */
static int
create_failing(enum virt_step step)
{
	struct ifnet *ifp;
	int error;

	KTEST_ENTER();
	failing = step;
	error = if_clone_create("virt0", "tap=vctap0");
	failing = STEP_NONE;
	NET_LOCK();
	ifp = if_find_byname("virt0");
	NET_UNLOCK();
	if (ifp != NULL) {
		if_rele(ifp);
		fail_msg("virt0 is left after a failed creation");
	}
	KTEST_EXIT();
	/* The tap it made is gone with it. */
	assert_int_equal(if_nametoindex("vctap0"), 0);
	return error;
}

static void
a_tap_refused_for_want_of_privilege_is_eperm(void **state)
{
	(void)state;
	assert_int_equal(create_failing(STEP_TAP), EPERM);
}

static void
a_receive_thread_that_cannot_start_fails_the_creation(void **state)
{
	(void)state;
	SKIP_WITHOUT_TAP();
	assert_int_equal(create_failing(STEP_THREAD), EAGAIN);
}

static void
an_interface_that_cannot_be_attached_fails_the_creation(void **state)
{
	(void)state;
	SKIP_WITHOUT_TAP();
	assert_int_equal(create_failing(STEP_ATTACH), ENOSPC);
}

/* The same creation with nothing failing, as a check of the above. */
static void
with_nothing_failing_virt0_is_made(void **state)
{
	(void)state;
	SKIP_WITHOUT_TAP();
	KTEST_ENTER();
	assert_int_equal(if_clone_create("virt0", "tap=vctap0"), 0);
	assert_int_equal(if_clone_destroy("virt0"), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(a_tap_refused_for_want_of_privilege_is_eperm),
		leak_test(a_receive_thread_that_cannot_start_fails_the_creation),
		leak_test(an_interface_that_cannot_be_attached_fails_the_creation),
		leak_test(with_nothing_failing_virt0_is_made),
	};

	have_tap = geteuid() == 0 && access("/dev/net/tun", HOST_RW_OK) == 0 &&
	    unshare(HOST_CLONE_NEWNET) == 0;
	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
