/*
 * The host half of packet capture: writing frames to a pcap file with
 * libpcap.  Includes nothing; every call returning int returns 0 or an
 * errno value.
 */
#ifndef NET_IF_PCAP_USER_H
#define NET_IF_PCAP_USER_H

#include <stddef.h>
#include <stdint.h>

/* Link types of the pcap format. */
#define IF_PCAP_DLT_NULL	0	/* BSD loopback: 4-byte family header */
#define IF_PCAP_DLT_EN10MB	1	/* Ethernet */

struct if_pcap_user;

/* Creates (truncates) path as a pcap file of the given link type. */
int if_pcap_user_open(const char *path, int linktype,
    struct if_pcap_user **pup);
/* Appends one frame captured at ns (wall clock, nanoseconds). */
void if_pcap_user_write(struct if_pcap_user *pu, const void *frame,
    size_t len, uint64_t ns);
/* Flushes and closes the file. */
void if_pcap_user_close(struct if_pcap_user *pu);

#endif
