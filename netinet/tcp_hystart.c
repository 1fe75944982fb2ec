/*
 * HyStart++ (RFC 9406): leaving the first slow start when the round trip
 * time starts to rise, before the queue overflows, through a conservative
 * phase that guards against a rise that was noise.  Rounds are delimited
 * by sequence numbers (4.2): a round ends with the ACK of what snd_nxt was
 * when it began, and the next ACK begins the next.
 */
#include "rumpkern/kern.h"
#include "netinet/tcp_seq.h"
#include "netinet/tcp_cc.h"

/* RFC 9406 4.3's constants; times in microseconds. */
#define HYSTART_MIN_RTT_THRESH	4000U
#define HYSTART_MAX_RTT_THRESH	16000U
#define HYSTART_MIN_RTT_DIVISOR	8U
#define HYSTART_N_RTT_SAMPLE	8U
#define HYSTART_CSS_GROWTH_DIVISOR 4U
#define HYSTART_CSS_ROUNDS	5U
#define HYSTART_NONE		UINT32_MAX

void
tcp_hystart_init(struct tcp_hystart *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->hs_last_min = HYSTART_NONE;
	hs->hs_cur_min = HYSTART_NONE;
	hs->hs_css_baseline = HYSTART_NONE;
	hs->hs_phase = TCP_HYSTART_SS;
}

/* A new round: the last one's minimum is kept, CSS counts it. */
static void
tcp_hystart_round(struct tcp_hystart *hs, struct tcp_ccstate *ccs,
    const struct tcp_cc_ack *ack)
{
	/* The ACK of the round's last byte still belongs to it. */
	if (hs->hs_started && SEQ_LEQ(ack->ca_ack, hs->hs_window_end))
		return;
	hs->hs_started = true;
	hs->hs_window_end = ack->ca_snd_nxt;
	hs->hs_last_min = hs->hs_cur_min;
	hs->hs_cur_min = HYSTART_NONE;
	hs->hs_samples = 0;
	if (hs->hs_phase == TCP_HYSTART_CSS &&
	    ++hs->hs_css_rounds >= HYSTART_CSS_ROUNDS) {
		ccs->cc_ssthresh = ccs->cc_cwnd;
		hs->hs_phase = TCP_HYSTART_DONE;
	}
}

/* Whether this round has enough samples to compare with the last one. */
static bool
tcp_hystart_enough(const struct tcp_hystart *hs)
{
	return hs->hs_samples >= HYSTART_N_RTT_SAMPLE &&
	    hs->hs_cur_min != HYSTART_NONE;
}

/* 4.2: the round's minimum rose by RttThresh over the last round's. */
static bool
tcp_hystart_delay_rose(const struct tcp_hystart *hs)
{
	uint32_t thresh;

	if (!tcp_hystart_enough(hs) || hs->hs_last_min == HYSTART_NONE)
		return false;
	thresh = MIN(hs->hs_last_min / HYSTART_MIN_RTT_DIVISOR,
	    HYSTART_MAX_RTT_THRESH);
	thresh = MAX(thresh, HYSTART_MIN_RTT_THRESH);
	return (uint64_t)hs->hs_cur_min >= (uint64_t)hs->hs_last_min + thresh;
}

uint32_t
tcp_hystart_slowstart(struct tcp_hystart *hs, struct tcp_ccstate *ccs,
    const struct tcp_cc_ack *ack)
{
	/* Only the first slow start (RFC 9406 4.3); leaving CSS sets ssthresh. */
	if (ccs->cc_ssthresh != TCP_INFINITE_SSTHRESH)
		return tcp_cc_slowstart(ccs, ack->ca_acked);
	tcp_hystart_round(hs, ccs, ack);
	if (hs->hs_phase == TCP_HYSTART_DONE)
		return ack->ca_acked;
	if (ack->ca_rtt != 0) {
		hs->hs_cur_min = MIN(hs->hs_cur_min, ack->ca_rtt);
		hs->hs_samples++;
	}
	if (hs->hs_phase == TCP_HYSTART_SS) {
		uint32_t left = tcp_cc_slowstart(ccs, ack->ca_acked);

		if (tcp_hystart_delay_rose(hs)) {
			hs->hs_css_baseline = hs->hs_cur_min;
			hs->hs_css_rounds = 0;
			hs->hs_phase = TCP_HYSTART_CSS;
		}
		return left;
	}
	ccs->cc_cwnd += MIN(ack->ca_acked, 2 * ccs->cc_mss) /
	    HYSTART_CSS_GROWTH_DIVISOR;
	/* 4.2: the rise was not lasting; back to slow start. */
	if (tcp_hystart_enough(hs) && hs->hs_cur_min < hs->hs_css_baseline) {
		hs->hs_css_baseline = HYSTART_NONE;
		hs->hs_phase = TCP_HYSTART_SS;
	}
	return 0;
}
