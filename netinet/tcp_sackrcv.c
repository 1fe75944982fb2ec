/*
 * The receiver's SACK list (RFC 2018 4) and its D-SACK block (RFC 2883):
 * which out-of-order data to report, most recent first, in bounded memory.
 */
#include "rumpkern/kern.h"
#include "netinet/tcp_seq.h"
#include "netinet/tcp_sack.h"

void
tcp_sackrcv_init(struct tcp_sackrcv *sr)
{
	memset(sr, 0, sizeof(*sr));
}

static void
tcp_sackrcv_remove(struct tcp_sackrcv *sr, unsigned i)
{
	memmove(&sr->sr_blocks[i], &sr->sr_blocks[i + 1],
	    (sr->sr_n - i - 1) * sizeof(sr->sr_blocks[0]));
	sr->sr_n--;
}

/* The block goes first; when the list is full the oldest is forgotten. */
static void
tcp_sackrcv_push_front(struct tcp_sackrcv *sr, struct tcp_sackblk blk)
{
	if (sr->sr_n == TCP_SACKRCV_MAX)
		sr->sr_n--;
	memmove(&sr->sr_blocks[1], &sr->sr_blocks[0],
	    sr->sr_n * sizeof(sr->sr_blocks[0]));
	sr->sr_blocks[0] = blk;
	sr->sr_n++;
}

void
tcp_sackrcv_add(struct tcp_sackrcv *sr, uint32_t start, uint32_t end)
{
	struct tcp_sackblk blk = { start, end };
	unsigned i = 0;

	if (!SEQ_LT(start, end))
		return;
	/* Blocks it overlaps or touches become part of it. */
	while (i < sr->sr_n) {
		struct tcp_sackblk *b = &sr->sr_blocks[i];

		if (SEQ_LEQ(b->sb_start, blk.sb_end) &&
		    SEQ_GEQ(b->sb_end, blk.sb_start)) {
			blk.sb_start = SEQ_MIN(blk.sb_start, b->sb_start);
			blk.sb_end = SEQ_MAX(blk.sb_end, b->sb_end);
			tcp_sackrcv_remove(sr, i);
		} else {
			i++;
		}
	}
	tcp_sackrcv_push_front(sr, blk);
}

void
tcp_sackrcv_duplicate(struct tcp_sackrcv *sr, uint32_t rcv_nxt,
    uint32_t start, uint32_t end)
{
	if (!SEQ_LT(start, end))
		return;
	sr->sr_dsack.sb_start = start;
	sr->sr_dsack.sb_end = end;
	sr->sr_have_dsack = true;
	if (SEQ_LT(start, rcv_nxt))
		return;
	/* RFC 2883 4: the queued block holding the duplicate comes next. */
	for (unsigned i = 0; i < sr->sr_n; i++) {
		struct tcp_sackblk b = sr->sr_blocks[i];

		if (SEQ_LEQ(b.sb_start, start) && SEQ_GEQ(b.sb_end, end)) {
			tcp_sackrcv_remove(sr, i);
			tcp_sackrcv_push_front(sr, b);
			return;
		}
	}
}

void
tcp_sackrcv_advance(struct tcp_sackrcv *sr, uint32_t rcv_nxt)
{
	unsigned i = 0;

	while (i < sr->sr_n) {
		struct tcp_sackblk *b = &sr->sr_blocks[i];

		if (SEQ_LEQ(b->sb_end, rcv_nxt)) {
			tcp_sackrcv_remove(sr, i);
			continue;
		}
		if (SEQ_LT(b->sb_start, rcv_nxt))
			b->sb_start = rcv_nxt;
		i++;
	}
}

unsigned
tcp_sackrcv_fill(struct tcp_sackrcv *sr, struct tcp_sackblk *out,
    unsigned max)
{
	unsigned k = 0;

	if (sr->sr_have_dsack && max > 0) {
		out[k++] = sr->sr_dsack;
		sr->sr_have_dsack = false;
	}
	for (unsigned i = 0; i < sr->sr_n && k < max; i++)
		out[k++] = sr->sr_blocks[i];
	return k;
}
