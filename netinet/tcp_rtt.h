/*
 * Round-trip time estimation and the retransmission timeout (RFC 6298).
 *
 * A connection embeds a struct tcp_rtt.  TCP hands it measurements; it keeps
 * SRTT and RTTVAR, derives RTO = SRTT + max(G, 4 * RTTVAR) bounded by
 * tcp_rto_min and TCP_RTO_MAX_MS, and doubles the timeout at each expiry
 * until a new measurement arrives.  All times are microseconds; the module
 * never reads a clock, the caller passes "now".
 *
 * Karn's rule (RFC 6298 3): a segment that was retransmitted gives no
 * sample, since its ACK may answer either copy.  tcp_rtt_sample_timed() is
 * for a timed segment and refuses one that was retransmitted;
 * tcp_rtt_sample_ts() is for an RFC 7323 timestamp echo, which names the
 * transmission it answers and so is taken even after a retransmission.
 */
#ifndef NETINET_TCP_RTT_H
#define NETINET_TCP_RTT_H

#include "rumpkern/kern.h"

/* The RTO floor in microseconds; initialised from TCP_RTO_MIN_MS. */
extern uint32_t tcp_rto_min;

struct tcp_rtt {
	uint32_t rt_srtt;	/* smoothed RTT, us; 0 until the first sample */
	uint32_t rt_rttvar;	/* RTT variation, us */
	uint32_t rt_rto;	/* RTO before backoff, us */
	uint32_t rt_latest;	/* the last sample, us */
	uint32_t rt_min;	/* the smallest sample, us; 0 until one */
	uint32_t rt_backoff;	/* expiries since the last sample */
	/* Counters the caller reads (and may publish). */
	uint64_t rt_nsamples;	/* samples taken */
	uint64_t rt_karn;	/* samples refused: retransmitted segment */
};

/* No sample yet: RTO is TCP_RTO_INIT_MS (RFC 6298 2.1). */
void tcp_rtt_init(struct tcp_rtt *rt);
/*
 * A measured round trip of rtt microseconds (RFC 6298 2.2, 2.3): updates
 * SRTT and RTTVAR, recomputes RTO and clears the backoff (5.7's
 * recomputation from the fresh estimate).  A zero sample counts as 1 us.
 */
void tcp_rtt_sample(struct tcp_rtt *rt, uint32_t rtt);
/*
 * The ACK for a segment sent at sent_at arrived at now.  Refused (false)
 * if the segment was retransmitted, by Karn's rule (counted in rt_karn),
 * or if sent_at lies in the future.  Samples are clamped to the RTO
 * ceiling.
 */
bool tcp_rtt_sample_timed(struct tcp_rtt *rt, uint64_t sent_at,
    uint64_t now, bool retransmitted);
/*
 * An ACK echoing the timestamp of a transmission made at echoed (the
 * sender's clock value it put in TSval), arriving at now: always a sample.
 * False (no sample) if echoed lies in the future, a corrupt echo.  As
 * RFC 7323 4.2 asks, the caller passes only echoes of ACKs that advance
 * snd_una, from segments it accepted.
 */
bool tcp_rtt_sample_ts(struct tcp_rtt *rt, uint64_t echoed, uint64_t now);
/*
 * The retransmission timer expired (RFC 6298 5.5): the timeout doubles,
 * up to TCP_RTO_MAX_MS.  Returns the new timeout.
 */
uint32_t tcp_rtt_backoff(struct tcp_rtt *rt);
/* The timeout to arm now: RTO doubled per backoff, at most the maximum. */
uint32_t tcp_rtt_rto(const struct tcp_rtt *rt);

#endif
