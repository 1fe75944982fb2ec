/* Network-layer input by address family (for the loopback interface). */
#include "rumpnet/mbuf.h"
#include "rumpnet/netisr.h"
#include "rumpnet/netlock.h"

static netisr_input_t netisr_table[AF_MAX];

int
netisr_register(int af, netisr_input_t input)
{
	if (af <= 0 || af >= AF_MAX)
		return EINVAL;
	if (netisr_table[af] != NULL)
		return EEXIST;
	netisr_table[af] = input;
	return 0;
}

void
netisr_unregister(int af)
{
	if (af > 0 && af < AF_MAX)
		netisr_table[af] = NULL;
}

void
netisr_dispatch(int af, struct ifnet *ifp, struct mbuf *m)
{
	NET_ASSERT_LOCKED();
	if (af <= 0 || af >= AF_MAX || netisr_table[af] == NULL) {
		if_drop(ifp, m, IFDROP_NOPROTO);
		return;
	}
	netisr_table[af](ifp, m);
}
