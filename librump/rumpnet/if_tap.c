/* Packet taps: observers of the frames an interface sends and receives. */
#include "rumpnet/if_tap.h"
#include "rumpnet/netlock.h"

void
if_tap_attach(struct ifnet *ifp, struct if_tap *tap)
{
	NET_ASSERT_LOCKED();
	tap->tap_next = ifp->if_taps;
	ifp->if_taps = tap;
}

void
if_tap_detach(struct ifnet *ifp, struct if_tap *tap)
{
	struct if_tap **pp;

	NET_ASSERT_LOCKED();
	for (pp = &ifp->if_taps; *pp != NULL; pp = &(*pp)->tap_next) {
		if (*pp == tap) {
			*pp = tap->tap_next;
			tap->tap_next = NULL;
			return;
		}
	}
}

void
if_tap_run(struct ifnet *ifp, const struct mbuf *m, enum if_tap_dir dir)
{
	for (struct if_tap *tap = ifp->if_taps; tap != NULL; tap = tap->tap_next)
		tap->tap_func(tap->tap_arg, m, dir);
}
