/*
 * Packet taps: observers of every frame an interface sends or receives,
 * for packet capture.  A tap sees the frame as it is on the wire and must
 * not modify or keep it (it copies what it wants).
 */
#ifndef RUMPNET_IF_TAP_H
#define RUMPNET_IF_TAP_H

#include "rumpnet/if.h"

enum if_tap_dir { IF_TAP_IN, IF_TAP_OUT };

struct if_tap {
	void (*tap_func)(void *arg, const struct mbuf *m, enum if_tap_dir dir);
	void *tap_arg;
	struct if_tap *tap_next;
};

void if_tap_attach(struct ifnet *ifp, struct if_tap *tap);
void if_tap_detach(struct ifnet *ifp, struct if_tap *tap);
/* Called by the interface layer for every frame. */
void if_tap_run(struct ifnet *ifp, const struct mbuf *m, enum if_tap_dir dir);

#endif
