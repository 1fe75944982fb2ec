/*
 * netinet_init failing at each of its steps that t_netinet_init and
 * t_netinet_init_domain do not reach: ARP cannot start, Ethernet will
 * not take IPv4's ethertype, lo0 cannot get 127.0.0.1.  rump_init()
 * returns the error, and what had started is undone in reverse order:
 * each layer below checks at its fini that nothing is left registered,
 * and no kernel memory may be in use.  The failures are link-time mocks
 * (-Wl,--wrap, ldflags_t_netinet_init_fail in mk/tests.mk) of the
 * renamed kernel functions; a kernel boots once per process, so each
 * case runs in a child of its own, as in t_vfs_init.
 */
#include "ktest.h"
#include "net/if_ether.h"
#include "netinet/in_var.h"

/* Host calls, declared here: a kernel test sees no host header. */
pid_t fork(void);
pid_t waitpid(pid_t pid, int *status, int options);
void exit(int status) __attribute__((noreturn));

enum netinet_step { STEP_NONE, STEP_ARP, STEP_ETHERTYPE, STEP_LOOPBACK };

static enum netinet_step failing;

int __real_rumpns_arp_init(void);
int __wrap_rumpns_arp_init(void);
int __real_rumpns_ether_proto_register(uint16_t type,
    void (*input)(struct ifnet *, struct mbuf *));
int __wrap_rumpns_ether_proto_register(uint16_t type,
    void (*input)(struct ifnet *, struct mbuf *));
int __real_rumpns_in_addr_add(struct ifnet *ifp, struct in_addr addr,
    int plen);
int __wrap_rumpns_in_addr_add(struct ifnet *ifp, struct in_addr addr,
    int plen);

int
__wrap_rumpns_arp_init(void)
{
	return failing == STEP_ARP ? ENOMEM : __real_rumpns_arp_init();
}

int
__wrap_rumpns_ether_proto_register(uint16_t type,
    void (*input)(struct ifnet *, struct mbuf *))
{
	if (failing == STEP_ETHERTYPE && type == ETHERTYPE_IP)
		return EEXIST;
	return __real_rumpns_ether_proto_register(type, input);
}

int
__wrap_rumpns_in_addr_add(struct ifnet *ifp, struct in_addr addr, int plen)
{
	return failing == STEP_LOOPBACK ? ENOBUFS :
	    __real_rumpns_in_addr_add(ifp, addr, plen);
}

/* Boots in a child with step failing: the child's exit status. */
static int
boot_failing(enum netinet_step step, int error)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		failing = step;
		/* exit(), not _exit(): the coverage counts are written. */
		exit(rump_init() == error && rump_kmem_inuse() == 0 ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	/* Exited (no signal): the status is in the second byte. */
	return (st & 0x7f) == 0 ? (st >> 8) & 0xff : -1;
}

static void
arp_that_cannot_start_fails_the_boot_and_undoes_ip(void **state)
{
	(void)state;
	assert_int_equal(boot_failing(STEP_ARP, ENOMEM), 0);
}

static void
an_ethertype_taken_fails_the_boot_and_undoes_the_domain(void **state)
{
	(void)state;
	assert_int_equal(boot_failing(STEP_ETHERTYPE, EEXIST), 0);
}

static void
a_loopback_address_refused_fails_the_boot_and_undoes_the_hooks(void **state)
{
	(void)state;
	assert_int_equal(boot_failing(STEP_LOOPBACK, ENOBUFS), 0);
}

static void
with_nothing_failing_the_kernel_boots_and_keeps_memory_in_use(void **state)
{
	(void)state;
	assert_int_equal(boot_failing(STEP_NONE, 0), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arp_that_cannot_start_fails_the_boot_and_undoes_ip),
		cmocka_unit_test(an_ethertype_taken_fails_the_boot_and_undoes_the_domain),
		cmocka_unit_test(a_loopback_address_refused_fails_the_boot_and_undoes_the_hooks),
		cmocka_unit_test(with_nothing_failing_the_kernel_boots_and_keeps_memory_in_use),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
