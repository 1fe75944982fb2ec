/* Packet capture of an interface into a pcap file (net/if_pcap.c). */
#ifndef NET_IF_PCAP_H
#define NET_IF_PCAP_H

#include "rumpnet/if.h"

/* EBUSY: a capture runs already; errors of creating the file. */
int if_pcap_start(struct ifnet *ifp, const char *path);
int if_pcap_stop(struct ifnet *ifp);
void if_pcap_ifdetach(struct ifnet *ifp);

#endif
