/*
 * The sender's SACK scoreboard and SACK-based loss recovery (RFC 6675):
 * SACKed ranges kept sorted in a fixed array, D-SACK detection (RFC 2883),
 * IsLost, SetPipe and NextSeg, with HighRxt and RescueRxt.
 */
#include "rumpkern/kern.h"
#include "netinet/tcp_seq.h"
#include "netinet/tcp_sack.h"

void
tcp_sackboard_init(struct tcp_sackboard *sb, uint32_t snd_una)
{
	memset(sb, 0, sizeof(*sb));
	sb->sb_una = snd_una;
	sb->sb_highrxt = snd_una;
}

void
tcp_sackboard_reset(struct tcp_sackboard *sb)
{
	sb->sb_n = 0;
	sb->sb_highrxt = sb->sb_una;
	sb->sb_rescue_defined = false;
	sb->sb_in_recovery = false;
	sb->sb_rxt_fence_set = false;
	sb->sb_rack_lost_set = false;
}

static uint32_t
tcp_sackblk_len(const struct tcp_sackblk *b)
{
	return b->sb_end - b->sb_start;
}

/* Ranges the cumulative ACK reached are dropped, one it cuts is trimmed. */
static void
tcp_sackboard_prune(struct tcp_sackboard *sb, uint32_t snd_una)
{
	unsigned gone = 0;

	while (gone < sb->sb_n && SEQ_LEQ(sb->sb_blocks[gone].sb_end, snd_una))
		gone++;
	memmove(&sb->sb_blocks[0], &sb->sb_blocks[gone],
	    (sb->sb_n - gone) * sizeof(sb->sb_blocks[0]));
	sb->sb_n -= gone;
	if (sb->sb_n > 0 && SEQ_LT(sb->sb_blocks[0].sb_start, snd_una))
		sb->sb_blocks[0].sb_start = snd_una;
}

/*
 * Merges blk into the sorted array; returns the bytes it added.  The
 * ranges it overlaps or touches, [i, j), become one; if it touches none it
 * needs a slot of its own, and is refused when there is none left.
 */
static uint32_t
tcp_sackboard_insert(struct tcp_sackboard *sb, struct tcp_sackblk blk)
{
	struct tcp_sackblk *b = sb->sb_blocks;
	unsigned i = 0, j;
	uint32_t had = 0;

	while (i < sb->sb_n && SEQ_LT(b[i].sb_end, blk.sb_start))
		i++;
	for (j = i; j < sb->sb_n && SEQ_LEQ(b[j].sb_start, blk.sb_end); j++) {
		blk.sb_start = SEQ_MIN(blk.sb_start, b[j].sb_start);
		blk.sb_end = SEQ_MAX(blk.sb_end, b[j].sb_end);
		had += tcp_sackblk_len(&b[j]);
	}
	if (i == j) {
		if (sb->sb_n == TCP_SACKBOARD_MAX) {
			sb->sb_overflow++;
			return 0;
		}
		memmove(&b[i + 1], &b[i], (sb->sb_n - i) * sizeof(b[0]));
		sb->sb_n++;
	} else {
		memmove(&b[i + 1], &b[j], (sb->sb_n - j) * sizeof(b[0]));
		sb->sb_n -= j - i - 1;
	}
	b[i] = blk;
	return tcp_sackblk_len(&blk) - had;
}

/*
 * RFC 2883 4: the first block reports a duplicate if it lies below the
 * cumulative ACK or inside the second block.  It must still name data that
 * was sent.
 */
bool
tcp_sack_is_dsack(const struct tcp_sackblk *blocks, unsigned n,
    uint32_t snd_una, uint32_t snd_max)
{
	const struct tcp_sackblk *b = &blocks[0];

	if (!SEQ_LT(b->sb_start, b->sb_end) || SEQ_GT(b->sb_end, snd_max))
		return false;
	if (SEQ_LT(b->sb_start, snd_una))
		return true;
	return n > 1 && SEQ_GEQ(b->sb_start, blocks[1].sb_start) &&
	    SEQ_LEQ(b->sb_end, blocks[1].sb_end);
}

static bool
tcp_sack_valid(const struct tcp_sackblk *b, uint32_t snd_una,
    uint32_t snd_max)
{
	return SEQ_LT(b->sb_start, b->sb_end) &&
	    SEQ_GEQ(b->sb_start, snd_una) && SEQ_LEQ(b->sb_end, snd_max);
}

void
tcp_sackboard_update(struct tcp_sackboard *sb, uint32_t snd_una,
    uint32_t snd_max, const struct tcp_sackblk *blocks, unsigned n,
    struct tcp_sack_result *res)
{
	memset(res, 0, sizeof(*res));
	sb->sb_una = snd_una;
	tcp_sackboard_prune(sb, snd_una);
	sb->sb_highrxt = SEQ_MAX(sb->sb_highrxt, snd_una);
	for (unsigned i = 0; i < n; i++) {
		if (i == 0 && tcp_sack_is_dsack(blocks, n, snd_una, snd_max)) {
			res->sr_dsack = true;
			res->sr_dsack_blk = blocks[0];
			sb->sb_dsacks++;
			continue;
		}
		if (!tcp_sack_valid(&blocks[i], snd_una, snd_max)) {
			sb->sb_bad_blocks++;
			continue;
		}
		res->sr_newly_sacked += tcp_sackboard_insert(sb, blocks[i]);
	}
}

uint32_t
tcp_sackboard_sacked(const struct tcp_sackboard *sb)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < sb->sb_n; i++)
		sum += tcp_sackblk_len(&sb->sb_blocks[i]);
	return sum;
}

bool
tcp_sackboard_is_sacked(const struct tcp_sackboard *sb, uint32_t seq)
{
	for (unsigned i = 0; i < sb->sb_n; i++) {
		const struct tcp_sackblk *b = &sb->sb_blocks[i];

		if (SEQ_LEQ(b->sb_start, seq) && SEQ_LT(seq, b->sb_end))
			return true;
	}
	return false;
}

bool
tcp_sackboard_covered(const struct tcp_sackboard *sb, uint32_t start,
    uint32_t end)
{
	/* Blocks never touch: a range SACKed whole lies in one. */
	for (unsigned i = 0; i < sb->sb_n; i++) {
		const struct tcp_sackblk *b = &sb->sb_blocks[i];

		if (SEQ_LEQ(b->sb_start, start) && SEQ_LEQ(end, b->sb_end))
			return true;
	}
	return false;
}

void
tcp_sackboard_rack_lost(struct tcp_sackboard *sb, bool lost, uint32_t end)
{
	sb->sb_rack_lost = end;
	sb->sb_rack_lost_set = lost;
}

bool
tcp_sackboard_rxt_again(struct tcp_sackboard *sb, uint32_t seq)
{
	if (!sb->sb_in_recovery || !SEQ_LT(seq, sb->sb_highrxt))
		return false;
	sb->sb_highrxt = SEQ_MAX(seq, sb->sb_una);
	return true;
}

/* RACK's mark: where its lost data ends, or seq if seq is not below it. */
static uint32_t
tcp_sackboard_rack_end(const struct tcp_sackboard *sb, uint32_t seq)
{
	if (sb->sb_rack_lost_set && SEQ_LT(seq, sb->sb_rack_lost))
		return sb->sb_rack_lost;
	return seq;
}

/* RFC 6675 4, IsLost: ranges and bytes SACKed above seq decide. */
static bool
tcp_sack_lost_by(unsigned ranges, uint64_t bytes, uint32_t mss)
{
	return ranges >= TCP_SACK_DUPTHRESH ||
	    bytes > (uint64_t)(TCP_SACK_DUPTHRESH - 1) * mss;
}

static bool
tcp_sackboard_islost_dupthresh(const struct tcp_sackboard *sb, uint32_t seq,
    uint32_t mss)
{
	unsigned ranges = 0;
	uint64_t bytes = 0;

	for (unsigned i = sb->sb_n; i-- > 0;) {
		const struct tcp_sackblk *b = &sb->sb_blocks[i];

		if (SEQ_LEQ(b->sb_end, seq + 1))
			break;
		ranges++;
		bytes += b->sb_end - SEQ_MAX(b->sb_start, seq + 1);
	}
	return tcp_sack_lost_by(ranges, bytes, mss);
}

bool
tcp_sackboard_islost(const struct tcp_sackboard *sb, uint32_t seq,
    uint32_t mss)
{
	return tcp_sackboard_islost_dupthresh(sb, seq, mss) ||
	    tcp_sackboard_rack_end(sb, seq) != seq;
}

/* One past the highest byte retransmitted in this recovery, or snd_una. */
static uint32_t
tcp_sackboard_highrxt(const struct tcp_sackboard *sb)
{
	if (!sb->sb_in_recovery)
		return sb->sb_una;
	return SEQ_MAX(sb->sb_highrxt, sb->sb_una);
}

/*
 * The holes are the unSACKed stretches of [snd_una, snd_max).  Every byte
 * of a hole has the same SACKed ranges above it, so IsLost holds for all
 * of a hole or none: walking the holes from the top down, counting the
 * ranges passed, gives each hole's answer at once.
 */
uint32_t
tcp_sackboard_pipe(const struct tcp_sackboard *sb, uint32_t snd_max,
    uint32_t mss)
{
	uint32_t hr = tcp_sackboard_highrxt(sb);
	uint32_t hole_end = snd_max, pipe = 0;
	unsigned ranges = 0;
	uint64_t bytes = 0;

	for (unsigned i = sb->sb_n;; i--) {
		uint32_t hole_start = i > 0 ? sb->sb_blocks[i - 1].sb_end :
		    sb->sb_una;

		if (SEQ_LT(hole_start, hole_end)) {
			/* What RACK calls lost is no longer in the network. */
			if (!tcp_sack_lost_by(ranges, bytes, mss))
				pipe += hole_end - SEQ_MIN(hole_end,
				    tcp_sackboard_rack_end(sb, hole_start));
			if (SEQ_GT(hr, hole_start))
				pipe += SEQ_MIN(hr, hole_end) - hole_start;
		}
		if (i == 0)
			break;
		ranges++;
		bytes += tcp_sackblk_len(&sb->sb_blocks[i - 1]);
		hole_end = sb->sb_blocks[i - 1].sb_start;
	}
	return pipe;
}

void
tcp_sackboard_enter_recovery(struct tcp_sackboard *sb, uint32_t snd_max,
    uint32_t first_len)
{
	sb->sb_in_recovery = true;
	sb->sb_recovery_point = snd_max;
	sb->sb_highrxt = sb->sb_una + first_len;
	sb->sb_rescuerxt = sb->sb_highrxt;
	sb->sb_rescue_defined = true;
}

void
tcp_sackboard_exit_recovery(struct tcp_sackboard *sb)
{
	sb->sb_in_recovery = false;
	sb->sb_rescue_defined = false;
	sb->sb_rxt_fence_set = false;
}

void
tcp_sackboard_rxt_sent(struct tcp_sackboard *sb, uint32_t snd_max)
{
	sb->sb_rxt_fence = snd_max;
	sb->sb_rxt_fence_set = true;
}

bool
tcp_sackboard_rxt_lost(struct tcp_sackboard *sb, uint32_t mss)
{
	uint64_t above = 0;

	if (!sb->sb_in_recovery || !sb->sb_rxt_fence_set || sb->sb_n == 0 ||
	    !SEQ_LT(sb->sb_una, SEQ_MIN(sb->sb_highrxt,
	    sb->sb_blocks[0].sb_start)))
		return false;
	for (unsigned i = sb->sb_n; i-- > 0;) {
		const struct tcp_sackblk *b = &sb->sb_blocks[i];

		if (SEQ_LEQ(b->sb_end, sb->sb_rxt_fence))
			break;
		above += b->sb_end - SEQ_MAX(b->sb_start, sb->sb_rxt_fence);
	}
	if (above <= (uint64_t)(TCP_SACK_DUPTHRESH - 1) * mss)
		return false;
	sb->sb_highrxt = sb->sb_una;
	sb->sb_rxt_fence_set = false;
	return true;
}

static void
tcp_nextseg_set(struct tcp_nextseg *ns, enum tcp_nextseg_kind kind,
    uint32_t seq, uint32_t end, uint32_t mss)
{
	ns->ns_kind = kind;
	ns->ns_seq = seq;
	ns->ns_len = MIN(end - seq, mss);
}

/*
 * Rules 1 and 3 look for the first unSACKed byte at or past HighRxt below
 * the highest SACKed byte; IsLost can only be true lower down, so if it
 * is false there it is false for every later candidate too.  Returns
 * false if there is none; else the stretch [*seq, *end).
 */
static bool
tcp_sackboard_first_hole(const struct tcp_sackboard *sb, uint32_t *seq,
    uint32_t *end)
{
	uint32_t hr = tcp_sackboard_highrxt(sb);

	for (unsigned i = 0; i < sb->sb_n; i++) {
		uint32_t hole_start = i > 0 ? sb->sb_blocks[i - 1].sb_end :
		    sb->sb_una;
		uint32_t s = SEQ_MAX(hole_start, hr);

		if (SEQ_LT(s, sb->sb_blocks[i].sb_start)) {
			*seq = s;
			*end = sb->sb_blocks[i].sb_start;
			return true;
		}
	}
	return false;
}

/*
 * Rule 4: one segment ending at the highest unSACKed byte outstanding,
 * once per recovery, after HighACK passed RescueRxt.  False if there is
 * no rescue to send.
 */
static bool
tcp_sackboard_rescue(const struct tcp_sackboard *sb, uint32_t snd_max,
    uint32_t mss, struct tcp_nextseg *ns)
{
	uint32_t top = snd_max, bottom;
	unsigned n = sb->sb_n;

	if (!sb->sb_in_recovery ||
	    (sb->sb_rescue_defined && !SEQ_GT(sb->sb_una, sb->sb_rescuerxt)))
		return false;
	if (n > 0 && sb->sb_blocks[n - 1].sb_end == snd_max) {
		top = sb->sb_blocks[n - 1].sb_start;
		n--;
	}
	bottom = n > 0 ? sb->sb_blocks[n - 1].sb_end : sb->sb_una;
	if (!SEQ_LT(bottom, top))
		return false;
	bottom = top - bottom > mss ? top - mss : bottom;
	tcp_nextseg_set(ns, TCP_NEXTSEG_RESCUE, bottom, top, mss);
	return true;
}

void
tcp_sackboard_nextseg(const struct tcp_sackboard *sb, uint32_t snd_max,
    uint32_t mss, uint32_t new_avail, struct tcp_nextseg *ns)
{
	uint32_t seq, end;
	bool hole = tcp_sackboard_first_hole(sb, &seq, &end);

	if (hole && tcp_sackboard_islost(sb, seq, mss)) {
		/* Lost by RACK alone: only up to its mark. */
		if (tcp_sackboard_rack_end(sb, seq) != seq &&
		    !tcp_sackboard_islost_dupthresh(sb, seq, mss))
			end = SEQ_MIN(end, sb->sb_rack_lost);
		tcp_nextseg_set(ns, TCP_NEXTSEG_LOST, seq, end, mss);
		return;
	}
	if (new_avail > 0) {
		tcp_nextseg_set(ns, TCP_NEXTSEG_NEW, snd_max, snd_max + new_avail,
		    mss);
		return;
	}
	if (hole) {
		tcp_nextseg_set(ns, TCP_NEXTSEG_RXT, seq, end, mss);
		return;
	}
	if (tcp_sackboard_rescue(sb, snd_max, mss, ns))
		return;
	memset(ns, 0, sizeof(*ns));
	ns->ns_kind = TCP_NEXTSEG_NONE;
}

void
tcp_sackboard_sent(struct tcp_sackboard *sb, const struct tcp_nextseg *ns)
{
	switch (ns->ns_kind) {
	case TCP_NEXTSEG_LOST:
	case TCP_NEXTSEG_RXT:
		sb->sb_highrxt = SEQ_MAX(tcp_sackboard_highrxt(sb),
		    ns->ns_seq + ns->ns_len);
		break;
	case TCP_NEXTSEG_RESCUE:
		sb->sb_rescuerxt = sb->sb_recovery_point;
		sb->sb_rescue_defined = true;
		break;
	case TCP_NEXTSEG_NEW:
	case TCP_NEXTSEG_NONE:
		break;
	}
}
