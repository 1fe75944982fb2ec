/*
 * RFC 6298: SRTT and RTTVAR from round-trip samples, the retransmission
 * timeout derived from them, its bounds and its exponential backoff, and
 * Karn's rule for which ACKs give a sample.  Microseconds throughout.
 */
#include "rumpkern/kern.h"
#include "rumpkern/config.h"
#include "netinet/tcp_rtt.h"

uint32_t tcp_rto_min = TCP_RTO_MIN_MS * 1000U;

#define TCP_RTO_MAX	(TCP_RTO_MAX_MS * 1000ULL)

void
tcp_rtt_init(struct tcp_rtt *rt)
{
	memset(rt, 0, sizeof(*rt));
	rt->rt_rto = TCP_RTO_INIT_MS * 1000U;
}

/* 2.2, 2.3: RTO = SRTT + max(G, K * RTTVAR), K = 4; then 2.4 and 2.5. */
static void
tcp_rtt_setrto(struct tcp_rtt *rt)
{
	uint64_t rto = (uint64_t)rt->rt_srtt +
	    MAX((uint64_t)TCP_RTO_G_US, 4ULL * rt->rt_rttvar);

	rto = MAX(rto, (uint64_t)tcp_rto_min);
	rt->rt_rto = (uint32_t)MIN(rto, TCP_RTO_MAX);
}

void
tcp_rtt_sample(struct tcp_rtt *rt, uint32_t rtt)
{
	rtt = MAX(rtt, 1U);
	if (rt->rt_srtt == 0) {
		/* 2.2: the first measurement. */
		rt->rt_srtt = rtt;
		rt->rt_rttvar = rtt / 2;
	} else {
		/* 2.3: RTTVAR first, from the old SRTT; beta = 1/4,
		 * alpha = 1/8. */
		uint32_t delta = rt->rt_srtt > rtt ? rt->rt_srtt - rtt :
		    rtt - rt->rt_srtt;

		rt->rt_rttvar = (uint32_t)((3ULL * rt->rt_rttvar + delta) / 4);
		rt->rt_srtt = (uint32_t)((7ULL * rt->rt_srtt + rtt) / 8);
	}
	rt->rt_latest = rtt;
	if (rt->rt_min == 0 || rtt < rt->rt_min)
		rt->rt_min = rtt;
	rt->rt_backoff = 0;
	rt->rt_nsamples++;
	tcp_rtt_setrto(rt);
}

/* A sample beyond the largest timeout is not a round trip: it is clamped. */
static uint32_t
tcp_rtt_clamp(uint64_t d)
{
	return (uint32_t)MIN(d, TCP_RTO_MAX);
}

bool
tcp_rtt_sample_timed(struct tcp_rtt *rt, uint64_t sent_at, uint64_t now,
    bool retransmitted)
{
	if (retransmitted) {
		/* Karn (RFC 6298 3): ambiguous, whichever copy was acked. */
		rt->rt_karn++;
		return false;
	}
	if (now < sent_at)
		return false;
	tcp_rtt_sample(rt, tcp_rtt_clamp(now - sent_at));
	return true;
}

bool
tcp_rtt_sample_ts(struct tcp_rtt *rt, uint64_t echoed, uint64_t now)
{
	if (now < echoed)
		return false;
	tcp_rtt_sample(rt, tcp_rtt_clamp(now - echoed));
	return true;
}

uint32_t
tcp_rtt_rto(const struct tcp_rtt *rt)
{
	uint64_t rto = rt->rt_rto;

	for (unsigned i = 0; i < rt->rt_backoff && rto < TCP_RTO_MAX; i++)
		rto *= 2;
	return (uint32_t)MIN(rto, TCP_RTO_MAX);
}

uint32_t
tcp_rtt_backoff(struct tcp_rtt *rt)
{
	if (rt->rt_backoff < UINT32_MAX)
		rt->rt_backoff++;
	return tcp_rtt_rto(rt);
}
