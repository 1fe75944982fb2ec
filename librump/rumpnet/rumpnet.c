/*
 * The rumpnet component: the network lock, mbufs, the interface layer with
 * lo0, and the socket system calls.  Protocol families and drivers are
 * components of their own and register on top of it.
 */
#include "rumpkern/component.h"
#include "rumpkern/syscall.h"
#include "rumpnet/if.h"
#include "rumpnet/mbuf.h"
#include "rumpnet/netlock.h"
#include "rumpnet_private.h"

extern const struct sysent_init net_sysent[];

static int
rumpnet_init(void)
{
	int error;

	netlock_init();
	mbinit();
	error = if_init();
	if (error == 0)
		error = syscall_establish(net_sysent);
	if (error == 0)
		if_sysctl_init();
	return error;
}

static void
rumpnet_fini(void)
{
	if_sysctl_fini();
	syscall_disestablish(net_sysent);
	if_fini();
	mbfini();
	netlock_fini();
}

RUMP_COMPONENT(rumpnet_component, "rumpnet", RUMP_COMPONENT_NET,
    rumpnet_init, rumpnet_fini)
