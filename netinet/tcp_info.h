/*
 * struct tcp_info as Linux lays it out (include/uapi/linux/tcp.h), up to
 * tcpi_total_retrans: getsockopt(TCP_INFO) copies as much of it as the
 * caller has room for, as Linux does.  Times are in microseconds, windows
 * in segments.
 */
#ifndef NETINET_TCP_INFO_H
#define NETINET_TCP_INFO_H

#include "rumpkern/kern.h"

struct tcp_info {
	uint8_t tcpi_state;
	uint8_t tcpi_ca_state;
	uint8_t tcpi_retransmits;
	uint8_t tcpi_probes;
	uint8_t tcpi_backoff;
	uint8_t tcpi_options;
	uint8_t tcpi_wscale;		/* snd_wscale : 4, rcv_wscale : 4 */
	uint8_t tcpi_flags;
	uint32_t tcpi_rto;
	uint32_t tcpi_ato;
	uint32_t tcpi_snd_mss;
	uint32_t tcpi_rcv_mss;
	uint32_t tcpi_unacked;
	uint32_t tcpi_sacked;
	uint32_t tcpi_lost;
	uint32_t tcpi_retrans;
	uint32_t tcpi_fackets;
	uint32_t tcpi_last_data_sent;
	uint32_t tcpi_last_ack_sent;
	uint32_t tcpi_last_data_recv;
	uint32_t tcpi_last_ack_recv;
	uint32_t tcpi_pmtu;
	uint32_t tcpi_rcv_ssthresh;
	uint32_t tcpi_rtt;
	uint32_t tcpi_rttvar;
	uint32_t tcpi_snd_ssthresh;
	uint32_t tcpi_snd_cwnd;
	uint32_t tcpi_advmss;
	uint32_t tcpi_reordering;
	uint32_t tcpi_rcv_rtt;
	uint32_t tcpi_rcv_space;
	uint32_t tcpi_total_retrans;
};
CTASSERT(sizeof(struct tcp_info) == 104);

#define TCPI_OPT_TIMESTAMPS	1
#define TCPI_OPT_SACK		2
#define TCPI_OPT_WSCALE		4

/* tcpi_ca_state */
#define TCP_CA_OPEN		0
#define TCP_CA_RECOVERY		3
#define TCP_CA_LOSS		4

#endif
