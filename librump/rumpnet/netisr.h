/*
 * Network-layer input by address family, for link layers that carry the
 * family themselves (loopback).  Ethernet dispatches by ethertype instead
 * (net/if_ether.h).  Input runs in the caller's thread, under softnet_lock.
 */
#ifndef RUMPNET_NETISR_H
#define RUMPNET_NETISR_H

#include "rumpnet/if.h"

typedef void (*netisr_input_t)(struct ifnet *ifp, struct mbuf *m);

int netisr_register(int af, netisr_input_t input);
void netisr_unregister(int af);
/* Hands m to the family's input; drops it (IFDROP_NOPROTO) if none. Owns m. */
void netisr_dispatch(int af, struct ifnet *ifp, struct mbuf *m);

#endif
