/*
 * The public configuration calls of interfaces (net/net_netconfig.c:
 * rump_netconfig_ifcreate, ifdestroy, ifup, ifdown, ifsetmtu, pcap_start,
 * pcap_stop) on a clone "tst" of this test, whose interfaces are devices
 * of nothing.
 */
#include "ktest.h"
#include "rumpnet/if.h"
#include "rumpnet/netlock.h"
#include "rumpnet_net_if_priv.h"

/* No frame goes through them: no driver or link-layer operation runs. */
static const struct if_driverops tst_driverops;
static const struct if_linkops tst_linkops;

static struct ifnet tst0;

static int
tst_create(struct if_clone *ifc, int unit, const char *params)
{
	char name[IFNAMSIZ];

	(void)params;
	/* The tests make tst0 alone. */
	assert_int_equal(unit, 0);
	ksnprintf(name, sizeof(name), "%s%d", ifc->ifc_name, unit);
	memset(&tst0, 0, sizeof(tst0));
	if_init_ifnet(&tst0, name);
	tst0.if_drv = &tst_driverops;
	tst0.if_link = &tst_linkops;
	return if_attach(&tst0);
}

static int
tst_destroy(struct ifnet *ifp)
{
	if_detach(ifp);
	return 0;
}

static struct if_clone tst_clone = {
	.ifc_name = "tst",
	.ifc_create = tst_create,
	.ifc_destroy = tst_destroy,
};

static int
clone_boot(void **state)
{
	int error = ktest_boot(state);

	if (error == 0) {
		KTEST_ENTER();
		if_clone_attach(&tst_clone);
		KTEST_EXIT();
	}
	return error;
}

static int
clone_halt(void **state)
{
	KTEST_ENTER();
	if_clone_detach(&tst_clone);
	KTEST_EXIT();
	return ktest_halt(state);
}

static void
an_interface_is_created_and_destroyed_by_name(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ifcreate("tst0", NULL), 0);
	assert_int_equal(rumppriv_netconfig_ifcreate("tst0", ""), EEXIST);
	assert_int_equal(rumppriv_netconfig_ifdestroy("tst0"), 0);
	assert_int_equal(rumppriv_netconfig_ifdestroy("tst0"), ENXIO);
	KTEST_EXIT();
}

static void
a_missing_interface_name_is_einval(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ifcreate(NULL, ""), EINVAL);
	assert_int_equal(rumppriv_netconfig_ifdestroy(NULL), EINVAL);
	assert_int_equal(rumppriv_netconfig_ifup(NULL), EINVAL);
	assert_int_equal(rumppriv_netconfig_ifdown(NULL), EINVAL);
	assert_int_equal(rumppriv_netconfig_ifsetmtu(NULL, 1500), EINVAL);
	KTEST_EXIT();
}

static void
calls_on_an_interface_that_is_not_there_are_enxio(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ifup("tst1"), ENXIO);
	assert_int_equal(rumppriv_netconfig_ifdown("tst1"), ENXIO);
	assert_int_equal(rumppriv_netconfig_ifsetmtu("tst1", 1500), ENXIO);
	assert_int_equal(rumppriv_netconfig_ifdestroy("tst1"), ENXIO);
	KTEST_EXIT();
}

static void
ifup_and_ifdown_set_and_clear_up_and_running(void **state)
{
	const int both = IFF_UP | IFF_RUNNING;

	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ifcreate("tst0", ""), 0);
	assert_int_equal(tst0.if_flags & both, 0);
	assert_int_equal(rumppriv_netconfig_ifup("tst0"), 0);
	assert_int_equal(tst0.if_flags & both, both);
	assert_int_equal(rumppriv_netconfig_ifdown("tst0"), 0);
	assert_int_equal(tst0.if_flags & both, 0);
	assert_int_equal(rumppriv_netconfig_ifdestroy("tst0"), 0);
	KTEST_EXIT();
}

static void
ifsetmtu_sets_an_mtu_from_68_and_refuses_less(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ifcreate("tst0", ""), 0);
	assert_int_equal(rumppriv_netconfig_ifsetmtu("tst0", 68), 0);
	assert_int_equal(tst0.if_mtu, 68);
	assert_int_equal(rumppriv_netconfig_ifsetmtu("tst0", 67), EINVAL);
	assert_int_equal(tst0.if_mtu, 68);
	assert_int_equal(rumppriv_netconfig_ifdestroy("tst0"), 0);
	KTEST_EXIT();
}

static void
one_capture_runs_on_an_interface_until_stopped(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ifcreate("tst0", ""), 0);
	assert_int_equal(rumppriv_netconfig_pcap_stop("tst0"), ENOENT);
	assert_int_equal(rumppriv_netconfig_pcap_start("tst0", NULL), EINVAL);
	assert_int_equal(rumppriv_netconfig_pcap_start("tst0", "/dev/null"), 0);
	assert_int_equal(rumppriv_netconfig_pcap_start("tst0", "/dev/null"),
	    EBUSY);
	assert_int_equal(rumppriv_netconfig_pcap_stop("tst0"), 0);
	assert_int_equal(rumppriv_netconfig_pcap_stop("tst0"), ENOENT);
	assert_int_equal(rumppriv_netconfig_ifdestroy("tst0"), 0);
	KTEST_EXIT();
}

static void
a_capture_file_that_cannot_be_made_is_its_error(void **state)
{
	(void)state;
	KTEST_ENTER();
	assert_int_equal(rumppriv_netconfig_ifcreate("tst0", ""), 0);
	assert_int_equal(rumppriv_netconfig_pcap_start("tst0",
	    "/nonexistent/t_netconfig.pcap"), ENOENT);
	assert_int_equal(rumppriv_netconfig_pcap_stop("tst0"), ENOENT);
	assert_int_equal(rumppriv_netconfig_ifdestroy("tst0"), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(an_interface_is_created_and_destroyed_by_name),
		leak_test(a_missing_interface_name_is_einval),
		leak_test(calls_on_an_interface_that_is_not_there_are_enxio),
		leak_test(ifup_and_ifdown_set_and_clear_up_and_running),
		leak_test(ifsetmtu_sets_an_mtu_from_68_and_refuses_less),
		leak_test(one_capture_runs_on_an_interface_until_stopped),
		leak_test(a_capture_file_that_cannot_be_made_is_its_error),
	};

	return cmocka_run_group_tests(tests, clone_boot, clone_halt);
}
