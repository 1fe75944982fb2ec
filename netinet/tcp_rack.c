/*
 * RACK (RFC 8985 6): when each byte in flight was last sent, which of
 * them were delivered most recently, and what is lost by time.
 */
#include "rumpkern/kern.h"
#include "netinet/tcp_seq.h"
#include "netinet/tcp_rack.h"

void
tcp_rack_init(struct tcp_rack *rk, uint32_t snd_una)
{
	memset(rk, 0, sizeof(*rk));
	rk->rk_una = snd_una;
	rk->rk_reo_mult = 1;
}

static uint32_t
tcp_rack_run_start(const struct tcp_rack *rk, unsigned i)
{
	return i == 0 ? rk->rk_una : rk->rk_log[i - 1].re_end;
}

static uint32_t
tcp_rack_log_end(const struct tcp_rack *rk)
{
	return tcp_rack_run_start(rk, rk->rk_n);
}

/* RFC 8985 6.2, RACK_sent_after: by time, then by sequence. */
static bool
tcp_rack_sent_after(uint64_t t1, uint32_t end1, uint64_t t2, uint32_t end2)
{
	return t1 > t2 || (t1 == t2 && SEQ_GT(end1, end2));
}

/* Halves the log: each two neighbours become one with the later time. */
static void
tcp_rack_compact(struct tcp_rack *rk)
{
	unsigned j = 0;

	for (unsigned i = 0; i < rk->rk_n; i += 2, j++) {
		struct tcp_rack_run r = rk->rk_log[i];

		if (i + 1 < rk->rk_n) {
			const struct tcp_rack_run *next = &rk->rk_log[i + 1];

			r.re_end = next->re_end;
			r.re_rxt = r.re_rxt || next->re_rxt;
			r.re_merged = true;
			r.re_xmit = MAX(r.re_xmit, next->re_xmit);
			rk->rk_merges++;
		}
		rk->rk_log[j] = r;
	}
	rk->rk_n = j;
}

/* New data up to end, sent at now; a run of the same instant grows. */
static void
tcp_rack_append(struct tcp_rack *rk, uint32_t end, uint64_t now)
{
	if (rk->rk_n > 0) {
		struct tcp_rack_run *last = &rk->rk_log[rk->rk_n - 1];

		if (last->re_xmit == now && !last->re_rxt) {
			last->re_end = end;
			return;
		}
	}
	if (rk->rk_n == TCP_RACK_LOGMAX)
		tcp_rack_compact(rk);
	rk->rk_log[rk->rk_n++] = (struct tcp_rack_run){
		.re_end = end, .re_xmit = now,
	};
}

/*
 * [s, e), inside the log, was sent again at now: it becomes one run of
 * its own.  The runs it cuts keep their parts before and after it, so
 * the log grows by at most two.
 */
static void
tcp_rack_resend(struct tcp_rack *rk, uint32_t s, uint32_t e, uint64_t now)
{
	struct tcp_rack_run out[TCP_RACK_LOGMAX];
	unsigned n = 0;
	bool put = false;

	if (rk->rk_n + 2 > TCP_RACK_LOGMAX)
		tcp_rack_compact(rk);
	for (unsigned i = 0; i < rk->rk_n; i++) {
		struct tcp_rack_run r = rk->rk_log[i];
		uint32_t a = tcp_rack_run_start(rk, i);

		if (SEQ_LEQ(r.re_end, s) || SEQ_GEQ(a, e)) {
			out[n++] = r;
			continue;
		}
		if (SEQ_LT(a, s))
			out[n++] = (struct tcp_rack_run){
				.re_end = s, .re_rxt = r.re_rxt,
				.re_merged = r.re_merged, .re_xmit = r.re_xmit,
			};
		if (!put) {
			out[n++] = (struct tcp_rack_run){
				.re_end = e, .re_rxt = true, .re_xmit = now,
			};
			put = true;
		}
		if (SEQ_GT(r.re_end, e))
			out[n++] = r;
	}
	memcpy(rk->rk_log, out, n * sizeof(out[0]));
	rk->rk_n = n;
}

void
tcp_rack_sent(struct tcp_rack *rk, uint32_t start, uint32_t end,
    uint64_t now)
{
	uint32_t tail = tcp_rack_log_end(rk);

	start = SEQ_MAX(start, rk->rk_una);
	if (!SEQ_LT(start, end))
		return;
	if (SEQ_LT(start, tail))
		tcp_rack_resend(rk, start, SEQ_MIN(end, tail), now);
	if (SEQ_GT(end, tail))
		tcp_rack_append(rk, end, now);
}

/* RACK.min_RTT from a delivered run whose send time is exact. */
static void
tcp_rack_min_rtt(struct tcp_rack *rk, const struct tcp_rack_run *r,
    uint64_t now)
{
	uint64_t rtt = now - r->re_xmit;

	if (r->re_rxt || r->re_merged || rtt == 0)
		return;
	if (rk->rk_min_rtt == 0 || rtt < rk->rk_min_rtt)
		rk->rk_min_rtt = rtt;
}

void
tcp_rack_delivered(struct tcp_rack *rk, uint32_t start, uint32_t end,
    uint64_t now, const struct tcp_sackboard *cumack)
{
	uint32_t fack = cumack != NULL && cumack->sb_n > 0 ?
	    cumack->sb_blocks[cumack->sb_n - 1].sb_end : start;

	for (unsigned i = 0; i < rk->rk_n; i++) {
		const struct tcp_rack_run *r = &rk->rk_log[i];
		uint32_t a = SEQ_MAX(tcp_rack_run_start(rk, i), start);

		if (SEQ_LEQ(r->re_end, start))
			continue;
		if (SEQ_GEQ(a, end))
			break;
		/* Step 3: an original filling a hole below SACKed data. */
		if (cumack != NULL && !r->re_rxt && SEQ_LT(a, fack) &&
		    !tcp_sackboard_covered(cumack, a, SEQ_MIN(r->re_end, end)))
			rk->rk_reord = true;
		tcp_rack_min_rtt(rk, r, now);
		/* Step 2: too soon to be this retransmission's delivery. */
		if (r->re_rxt && now - r->re_xmit < rk->rk_min_rtt)
			continue;
		if (!tcp_rack_sent_after(r->re_xmit, r->re_end, rk->rk_xmit,
		    rk->rk_end))
			continue;
		rk->rk_xmit = r->re_xmit;
		rk->rk_end = r->re_end;
		/*
		 * A merged run seems sent later than some of its bytes were:
		 * no RTT is taken below the minimum seen.
		 */
		rk->rk_rtt = MAX(now - r->re_xmit, rk->rk_min_rtt);
	}
}

void
tcp_rack_prune(struct tcp_rack *rk, uint32_t snd_una)
{
	unsigned gone = 0;

	if (!SEQ_GT(snd_una, rk->rk_una))
		return;
	while (gone < rk->rk_n && SEQ_LEQ(rk->rk_log[gone].re_end, snd_una))
		gone++;
	memmove(&rk->rk_log[0], &rk->rk_log[gone],
	    (rk->rk_n - gone) * sizeof(rk->rk_log[0]));
	rk->rk_n -= gone;
	rk->rk_una = snd_una;
}

void
tcp_rack_dsack(struct tcp_rack *rk, uint32_t snd_una, uint32_t snd_max)
{
	if (rk->rk_dsack_round_set && SEQ_LT(snd_una, rk->rk_dsack_round))
		return;
	rk->rk_dsack_round = snd_max;
	rk->rk_dsack_round_set = true;
	rk->rk_reo_mult++;
	rk->rk_reo_persist = TCP_RACK_REO_PERSIST;
}

void
tcp_rack_recovery_done(struct tcp_rack *rk)
{
	if (rk->rk_reo_persist > 0 && --rk->rk_reo_persist == 0)
		rk->rk_reo_mult = 1;
}

uint64_t
tcp_rack_reo_wnd(const struct tcp_rack *rk, bool in_recovery,
    uint32_t sacked, uint32_t mss, uint64_t srtt)
{
	if (!rk->rk_reord && (in_recovery ||
	    sacked >= (uint32_t)TCP_SACK_DUPTHRESH * mss))
		return 0;
	/* SRTT from millisecond timestamps may read below the exact minimum. */
	return MIN(rk->rk_min_rtt / 4 * rk->rk_reo_mult,
	    MAX(srtt, rk->rk_min_rtt));
}

void
tcp_rack_detect(const struct tcp_rack *rk, const struct tcp_sackboard *sb,
    uint64_t now, uint64_t reo_wnd, struct tcp_rack_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (rk->rk_xmit == 0)
		return;
	for (unsigned i = 0; i < rk->rk_n; i++) {
		const struct tcp_rack_run *r = &rk->rk_log[i];
		uint32_t a = tcp_rack_run_start(rk, i);
		uint64_t deadline = r->re_xmit + rk->rk_rtt + reo_wnd;

		if (!tcp_rack_sent_after(rk->rk_xmit, rk->rk_end, r->re_xmit,
		    r->re_end) || tcp_sackboard_covered(sb, a, r->re_end))
			continue;
		if (deadline > now) {
			v->rv_wait = MAX(v->rv_wait, deadline - now);
			continue;
		}
		v->rv_lost = true;
		v->rv_lost_end = r->re_end;
		if (r->re_rxt && !v->rv_rxt_lost) {
			v->rv_rxt_lost = true;
			v->rv_rxt_start = a;
		}
	}
}
