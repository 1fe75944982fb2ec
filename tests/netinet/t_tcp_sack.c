/*
 * SACK: the receiver's list (RFC 2018 4) with D-SACK (RFC 2883), and the
 * sender's scoreboard (RFC 6675): block validation against snd_una and
 * snd_max, merging, D-SACK detection, IsLost, SetPipe, every rule of
 * NextSeg with HighRxt and RescueRxt, the reset at a timeout, sequence
 * numbers that wrap, and the memory bound under a flood of blocks.
 *
 * The sender's examples use snd_una 1000, snd_max 2000 and an MSS of 100:
 * ten segments in flight.
 */
#include "ktest.h"
#include "netinet/tcp_seq.h"
#include "netinet/tcp_sack.h"

#define UNA	1000U
#define MAXS	2000U
#define MSS	100U

#define BLK(s, e)	((struct tcp_sackblk){ (s), (e) })

static void
assert_blk(struct tcp_sackblk b, uint32_t start, uint32_t end)
{
	assert_int_equal(b.sb_start, start);
	assert_int_equal(b.sb_end, end);
}

/* ---- receiver ---- */

static unsigned
fill(struct tcp_sackrcv *sr, struct tcp_sackblk *out)
{
	return tcp_sackrcv_fill(sr, out, TCP_SACK_MAXOPT);
}

static void
an_out_of_order_segment_is_reported(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	assert_int_equal(fill(&sr, out), 0);
	tcp_sackrcv_add(&sr, 2000, 3000);
	assert_int_equal(fill(&sr, out), 1);
	assert_blk(out[0], 2000, 3000);
	/* Reported again in every ACK while it is held. */
	assert_int_equal(fill(&sr, out), 1);
}

static void
the_block_of_the_latest_segment_comes_first(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	tcp_sackrcv_add(&sr, 2000, 3000);
	tcp_sackrcv_add(&sr, 5000, 6000);
	tcp_sackrcv_add(&sr, 8000, 9000);
	assert_int_equal(fill(&sr, out), 3);
	assert_blk(out[0], 8000, 9000);
	assert_blk(out[1], 5000, 6000);
	assert_blk(out[2], 2000, 3000);
	/* Growing an old block makes it the latest. */
	tcp_sackrcv_add(&sr, 3000, 4000);
	fill(&sr, out);
	assert_blk(out[0], 2000, 4000);
	assert_blk(out[1], 8000, 9000);
}

static void
adjacent_and_overlapping_segments_make_one_block(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	tcp_sackrcv_add(&sr, 2000, 3000);
	tcp_sackrcv_add(&sr, 3000, 4000);
	tcp_sackrcv_add(&sr, 3500, 4500);
	tcp_sackrcv_add(&sr, 1500, 2000);
	assert_int_equal(fill(&sr, out), 1);
	assert_blk(out[0], 1500, 4500);
}

static void
a_segment_bridging_two_blocks_joins_them(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	tcp_sackrcv_add(&sr, 2000, 3000);
	tcp_sackrcv_add(&sr, 9000, 9500);
	tcp_sackrcv_add(&sr, 4000, 5000);
	tcp_sackrcv_add(&sr, 3000, 4000);
	assert_int_equal(fill(&sr, out), 2);
	assert_blk(out[0], 2000, 5000);
	assert_blk(out[1], 9000, 9500);
}

static void
an_empty_segment_adds_no_block(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	tcp_sackrcv_add(&sr, 2000, 2000);
	tcp_sackrcv_duplicate(&sr, 1000, 500, 500);
	assert_int_equal(fill(&sr, out), 0);
}

static void
rcv_nxt_advancing_drops_the_blocks_it_covers(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	tcp_sackrcv_add(&sr, 2000, 3000);
	tcp_sackrcv_add(&sr, 5000, 6000);
	tcp_sackrcv_advance(&sr, 3000);
	assert_int_equal(fill(&sr, out), 1);
	assert_blk(out[0], 5000, 6000);
	tcp_sackrcv_advance(&sr, 5500);
	fill(&sr, out);
	assert_blk(out[0], 5500, 6000);
	tcp_sackrcv_advance(&sr, 7000);
	assert_int_equal(fill(&sr, out), 0);
}

static void
only_what_fits_in_the_option_space_is_reported(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	assert_int_equal(TCP_SACK_BLOCKS_FIT(40), 4);
	assert_int_equal(TCP_SACK_BLOCKS_FIT(40 - 12), 3);
	assert_int_equal(TCP_SACK_BLOCKS_FIT(11), 0);
	assert_int_equal(TCP_SACK_BLOCKS_FIT(12), 1);
	tcp_sackrcv_init(&sr);
	for (uint32_t s = 2000; s < 8000; s += 1000)
		tcp_sackrcv_add(&sr, s, s + 500);
	assert_int_equal(tcp_sackrcv_fill(&sr, out, TCP_SACK_BLOCKS_FIT(28)),
	    3);
	assert_blk(out[0], 7000, 7500);
	assert_blk(out[2], 5000, 5500);
	assert_int_equal(fill(&sr, out), 4);
}

static void
a_full_list_forgets_its_oldest_block(void **state)
{
	struct tcp_sackrcv sr;

	(void)state;
	tcp_sackrcv_init(&sr);
	for (uint32_t i = 0; i <= TCP_SACKRCV_MAX; i++)
		tcp_sackrcv_add(&sr, 2000 + i * 1000, 2500 + i * 1000);
	assert_int_equal(sr.sr_n, TCP_SACKRCV_MAX);
	assert_blk(sr.sr_blocks[0], 2000 + TCP_SACKRCV_MAX * 1000,
	    2500 + TCP_SACKRCV_MAX * 1000);
	/* The first one added is gone. */
	assert_blk(sr.sr_blocks[TCP_SACKRCV_MAX - 1], 3000, 3500);
}

static void
a_duplicate_below_rcv_nxt_is_reported_first_once(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	tcp_sackrcv_add(&sr, 5000, 6000);
	tcp_sackrcv_duplicate(&sr, 3000, 1000, 1500);
	assert_int_equal(fill(&sr, out), 2);
	assert_blk(out[0], 1000, 1500);
	assert_blk(out[1], 5000, 6000);
	/* The next ACK has only the ordinary block. */
	assert_int_equal(fill(&sr, out), 1);
	assert_blk(out[0], 5000, 6000);
}

static void
a_duplicate_of_queued_data_reports_its_block_second(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	tcp_sackrcv_add(&sr, 5000, 6000);
	tcp_sackrcv_add(&sr, 8000, 9000);
	tcp_sackrcv_duplicate(&sr, 3000, 5200, 5400);
	assert_int_equal(fill(&sr, out), 3);
	assert_blk(out[0], 5200, 5400);
	assert_blk(out[1], 5000, 6000);
	assert_blk(out[2], 8000, 9000);
}

static void
a_dsack_without_room_waits_for_the_next_ack(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	tcp_sackrcv_duplicate(&sr, 3000, 1000, 1500);
	assert_int_equal(tcp_sackrcv_fill(&sr, out, 0), 0);
	assert_int_equal(fill(&sr, out), 1);
	assert_blk(out[0], 1000, 1500);
}

static void
receiver_blocks_merge_across_the_sequence_wrap(void **state)
{
	struct tcp_sackrcv sr;
	struct tcp_sackblk out[TCP_SACK_MAXOPT];

	(void)state;
	tcp_sackrcv_init(&sr);
	tcp_sackrcv_add(&sr, 0xfffffff0U, 0x10);
	tcp_sackrcv_add(&sr, 0x10, 0x20);
	assert_int_equal(fill(&sr, out), 1);
	assert_blk(out[0], 0xfffffff0U, 0x20);
	tcp_sackrcv_advance(&sr, 0x8);
	fill(&sr, out);
	assert_blk(out[0], 0x8, 0x20);
}

/* ---- sender: updates ---- */

static struct tcp_sackboard sb;
static struct tcp_sack_result res;

static void
board(void)
{
	tcp_sackboard_init(&sb, UNA);
}

static void
update(uint32_t una, const struct tcp_sackblk *b, unsigned n)
{
	tcp_sackboard_update(&sb, una, MAXS, b, n, &res);
}

#define UPDATE(una, ...) do {						\
	const struct tcp_sackblk b_[] = { __VA_ARGS__ };		\
	update((una), b_, __arraycount(b_));				\
} while (0)

static void
a_sack_block_is_recorded(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1200, 1300));
	assert_int_equal(res.sr_newly_sacked, 100);
	assert_false(res.sr_dsack);
	assert_int_equal(sb.sb_n, 1);
	assert_int_equal(tcp_sackboard_sacked(&sb), 100);
	assert_true(tcp_sackboard_is_sacked(&sb, 1200));
	assert_true(tcp_sackboard_is_sacked(&sb, 1299));
	assert_false(tcp_sackboard_is_sacked(&sb, 1300));
	assert_false(tcp_sackboard_is_sacked(&sb, 1199));
}

static void
overlapping_and_adjacent_blocks_merge(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1200, 1300), BLK(1300, 1400), BLK(1250, 1500));
	assert_int_equal(sb.sb_n, 1);
	assert_blk(sb.sb_blocks[0], 1200, 1500);
	assert_int_equal(res.sr_newly_sacked, 300);
}

static void
a_block_spanning_ranges_counts_only_new_bytes(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1200, 1300), BLK(1400, 1500), BLK(1600, 1700));
	assert_int_equal(sb.sb_n, 3);
	UPDATE(UNA, BLK(1250, 1650));
	assert_int_equal(res.sr_newly_sacked, 200);
	assert_int_equal(sb.sb_n, 1);
	assert_blk(sb.sb_blocks[0], 1200, 1700);
	/* The same again adds nothing. */
	UPDATE(UNA, BLK(1200, 1700));
	assert_int_equal(res.sr_newly_sacked, 0);
}

static void
ranges_are_kept_sorted(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1800, 1900), BLK(1200, 1300), BLK(1500, 1600));
	assert_int_equal(sb.sb_n, 3);
	assert_blk(sb.sb_blocks[0], 1200, 1300);
	assert_blk(sb.sb_blocks[1], 1500, 1600);
	assert_blk(sb.sb_blocks[2], 1800, 1900);
}

static void
a_block_beyond_snd_max_is_ignored(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1900, 2100));
	assert_int_equal(sb.sb_n, 0);
	assert_int_equal(sb.sb_bad_blocks, 1);
	assert_int_equal(res.sr_newly_sacked, 0);
}

static void
a_later_block_below_snd_una_is_ignored(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1200, 1300), BLK(900, 1100));
	assert_int_equal(sb.sb_n, 1);
	assert_int_equal(sb.sb_bad_blocks, 1);
	assert_false(res.sr_dsack);
}

static void
an_empty_or_inverted_block_is_ignored(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1200, 1200), BLK(1400, 1300));
	assert_int_equal(sb.sb_n, 0);
	assert_int_equal(sb.sb_bad_blocks, 2);
}

static void
the_cumulative_ack_drops_and_trims_ranges(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1200, 1300), BLK(1400, 1500));
	update(1300, NULL, 0);
	assert_int_equal(sb.sb_n, 1);
	assert_blk(sb.sb_blocks[0], 1400, 1500);
	update(1450, NULL, 0);
	assert_blk(sb.sb_blocks[0], 1450, 1500);
	assert_int_equal(tcp_sackboard_sacked(&sb), 50);
}

/* ---- sender: D-SACK ---- */

static void
a_first_block_below_the_cumulative_ack_is_a_dsack(void **state)
{
	(void)state;
	board();
	UPDATE(1500, BLK(1100, 1200), BLK(1600, 1700));
	assert_true(res.sr_dsack);
	assert_blk(res.sr_dsack_blk, 1100, 1200);
	assert_int_equal(sb.sb_dsacks, 1);
	/* Not recorded; the block after it is. */
	assert_int_equal(sb.sb_n, 1);
	assert_blk(sb.sb_blocks[0], 1600, 1700);
	assert_int_equal(res.sr_newly_sacked, 100);
}

static void
a_first_block_inside_the_second_is_a_dsack(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1300, 1400), BLK(1200, 1500));
	assert_true(res.sr_dsack);
	assert_blk(res.sr_dsack_blk, 1300, 1400);
	assert_int_equal(sb.sb_n, 1);
	assert_blk(sb.sb_blocks[0], 1200, 1500);
}

static void
a_first_block_outside_the_second_is_no_dsack(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1600, 1700), BLK(1200, 1500));
	assert_false(res.sr_dsack);
	UPDATE(UNA, BLK(1100, 1300), BLK(1200, 1500));
	assert_false(res.sr_dsack);
	assert_int_equal(sb.sb_dsacks, 0);
	assert_int_equal(sb.sb_n, 2);
}

static void
a_dsack_must_name_data_that_was_sent(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(900, 800));
	assert_false(res.sr_dsack);
	UPDATE(UNA, BLK(900, 2500));
	assert_false(res.sr_dsack);
	assert_int_equal(sb.sb_bad_blocks, 2);
	assert_int_equal(sb.sb_dsacks, 0);
}

/* ---- sender: IsLost and SetPipe ---- */

static void
three_discontiguous_ranges_above_make_a_byte_lost(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1100, 1110), BLK(1200, 1210));
	assert_false(tcp_sackboard_islost(&sb, 1000, MSS));
	UPDATE(UNA, BLK(1300, 1310));
	assert_true(tcp_sackboard_islost(&sb, 1000, MSS));
	/* Above the first range only two are left. */
	assert_false(tcp_sackboard_islost(&sb, 1110, MSS));
}

static void
more_than_two_segments_sacked_above_make_a_byte_lost(void **state)
{
	(void)state;
	board();
	UPDATE(UNA, BLK(1500, 1700));
	assert_false(tcp_sackboard_islost(&sb, 1000, MSS));
	UPDATE(UNA, BLK(1700, 1701));
	assert_true(tcp_sackboard_islost(&sb, 1000, MSS));
	/* Only the bytes above count: from 1499 there are 201, from 1500
	 * only 200. */
	assert_true(tcp_sackboard_islost(&sb, 1499, MSS));
	assert_false(tcp_sackboard_islost(&sb, 1500, MSS));
	assert_false(tcp_sackboard_islost(&sb, 1800, MSS));
}

static void
without_sacks_everything_outstanding_is_in_the_pipe(void **state)
{
	(void)state;
	board();
	assert_int_equal(tcp_sackboard_pipe(&sb, MAXS, MSS), 1000);
	update(1400, NULL, 0);
	assert_int_equal(tcp_sackboard_pipe(&sb, MAXS, MSS), 600);
}

/* Holes [1000,1100) and [1200,1300) lost; [1400,1500), [1600,1700) and the
 * tail [1800,2000) not. */
static void
four_ranges(void)
{
	board();
	UPDATE(UNA, BLK(1100, 1200), BLK(1300, 1400), BLK(1500, 1600),
	    BLK(1700, 1800));
}

static void
the_pipe_leaves_out_sacked_and_lost_bytes(void **state)
{
	(void)state;
	four_ranges();
	assert_int_equal(tcp_sackboard_pipe(&sb, MAXS, MSS), 400);
}

static void
retransmitted_bytes_count_once_if_lost_and_twice_if_not(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	four_ranges();
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	/* [1000,1100): lost and retransmitted: back in the pipe once. */
	assert_int_equal(tcp_sackboard_pipe(&sb, MAXS, MSS), 500);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	tcp_sackboard_sent(&sb, &ns);
	assert_int_equal(tcp_sackboard_pipe(&sb, MAXS, MSS), 600);
	/* [1400,1500) was not lost: retransmitted, it counts twice. */
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_seq, 1400);
	tcp_sackboard_sent(&sb, &ns);
	assert_int_equal(tcp_sackboard_pipe(&sb, MAXS, MSS), 700);
}

static void
retransmissions_count_only_in_recovery(void **state)
{
	(void)state;
	four_ranges();
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	tcp_sackboard_exit_recovery(&sb);
	assert_int_equal(tcp_sackboard_pipe(&sb, MAXS, MSS), 400);
}

/* ---- sender: retransmissions lost again ---- */

static void
a_retransmission_is_not_lost_while_little_later_data_is_sacked(void **state)
{
	(void)state;
	four_ranges();
	assert_false(tcp_sackboard_rxt_lost(&sb, MSS));
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	tcp_sackboard_rxt_sent(&sb, 1500);
	/* [1500,1600) and [1700,1800): two segments, not more. */
	assert_false(tcp_sackboard_rxt_lost(&sb, MSS));
	assert_int_equal(sb.sb_highrxt, 1100);
}

static void
a_retransmission_is_lost_once_more_later_data_is_sacked(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	four_ranges();
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	tcp_sackboard_rxt_sent(&sb, 1500);
	UPDATE(UNA, BLK(1900, 2000));
	assert_true(tcp_sackboard_rxt_lost(&sb, MSS));
	/* The first hole goes out again. */
	assert_int_equal(sb.sb_highrxt, UNA);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_LOST);
	assert_int_equal(ns.ns_seq, UNA);
	/* Found once; and nothing below HighRxt now waits to be found. */
	assert_false(tcp_sackboard_rxt_lost(&sb, MSS));
	tcp_sackboard_rxt_sent(&sb, 1500);
	assert_false(tcp_sackboard_rxt_lost(&sb, MSS));
	tcp_sackboard_exit_recovery(&sb);
	assert_false(sb.sb_rxt_fence_set);
}

/* ---- sender: NextSeg ---- */

static void
rule1_retransmits_the_first_lost_segment_past_highrxt(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	four_ranges();
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	assert_int_equal(sb.sb_highrxt, 1100);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 5000, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_LOST);
	assert_int_equal(ns.ns_seq, 1200);
	assert_int_equal(ns.ns_len, 100);
	tcp_sackboard_sent(&sb, &ns);
	assert_int_equal(sb.sb_highrxt, 1300);
}

static void
retransmissions_are_at_most_one_mss_and_stop_at_sacked_data(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	board();
	UPDATE(UNA, BLK(1500, 1800));
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_LOST);
	assert_blk(BLK(ns.ns_seq, ns.ns_seq + ns.ns_len), 1000, 1100);
	tcp_sackboard_nextseg(&sb, MAXS, 1000, 0, &ns);
	assert_blk(BLK(ns.ns_seq, ns.ns_seq + ns.ns_len), 1000, 1500);
}

static void
rule1_moves_on_as_highrxt_advances(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	board();
	UPDATE(UNA, BLK(1500, 1800));
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	for (uint32_t s = 1100; s < 1500; s += MSS) {
		tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
		assert_int_equal(ns.ns_kind, TCP_NEXTSEG_LOST);
		assert_int_equal(ns.ns_seq, s);
		tcp_sackboard_sent(&sb, &ns);
	}
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_not_equal(ns.ns_kind, TCP_NEXTSEG_LOST);
}

static void
rule2_sends_new_data_when_nothing_is_lost(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	four_ranges();
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	tcp_sackboard_sent(&sb, &ns);
	/* [1400,1500) is unSACKed but not lost: new data goes first. */
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 150, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_NEW);
	assert_int_equal(ns.ns_seq, MAXS);
	assert_int_equal(ns.ns_len, MSS);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 40, &ns);
	assert_int_equal(ns.ns_len, 40);
	/* Sending it leaves HighRxt alone. */
	tcp_sackboard_sent(&sb, &ns);
	assert_int_equal(sb.sb_highrxt, 1300);
}

static void
rule3_retransmits_an_unsacked_segment_without_new_data(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	four_ranges();
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	tcp_sackboard_sent(&sb, &ns);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_RXT);
	assert_int_equal(ns.ns_seq, 1400);
	assert_int_equal(ns.ns_len, 100);
	tcp_sackboard_sent(&sb, &ns);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_RXT);
	assert_int_equal(ns.ns_seq, 1600);
	/* Never the tail above the highest SACKed byte (1.b). */
	tcp_sackboard_sent(&sb, &ns);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_not_equal(ns.ns_kind, TCP_NEXTSEG_RXT);
}

/* In recovery from una 1000 with [1100,1500) SACKed, then a partial ACK up
 * to 1500 past RescueRxt (1100): nothing below the highest SACK is left. */
static void
rescue_ready(void)
{
	board();
	UPDATE(UNA, BLK(1100, 1500));
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	update(1500, NULL, 0);
}

static void
rule4_rescues_the_highest_unsacked_segment_once(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	rescue_ready();
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_RESCUE);
	assert_int_equal(ns.ns_seq, 1900);
	assert_int_equal(ns.ns_len, 100);
	tcp_sackboard_sent(&sb, &ns);
	assert_int_equal(sb.sb_rescuerxt, MAXS);
	assert_int_equal(sb.sb_highrxt, 1500);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_NONE);
}

static void
rule4_waits_until_highack_passes_rescuerxt(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	board();
	UPDATE(UNA, BLK(1100, 2000));
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_NONE);
	/* An ACK of exactly the first retransmission is not past it. */
	update(1100, NULL, 0);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_NONE);
}

static void
rule4_stops_below_sacked_data_at_the_top(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	rescue_ready();
	UPDATE(1500, BLK(1950, 2000));
	/* Everything in [1500,1950) was retransmitted already. */
	for (tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	    ns.ns_kind == TCP_NEXTSEG_RXT;
	    tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns))
		tcp_sackboard_sent(&sb, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_RESCUE);
	assert_int_equal(ns.ns_seq, 1850);
	assert_int_equal(ns.ns_len, 100);
}

static void
rule4_is_not_used_outside_recovery(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	board();
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_NONE);
}

static void
rule5_nothing_outstanding_means_nothing_to_send(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	rescue_ready();
	update(MAXS, NULL, 0);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_NONE);
	assert_int_equal(ns.ns_len, 0);
	tcp_sackboard_sent(&sb, &ns);
	assert_int_equal(sb.sb_highrxt, MAXS);
}

/* ---- sender: timeout, wrap, bounds ---- */

static void
a_timeout_forgets_every_sack_and_the_recovery(void **state)
{
	struct tcp_nextseg ns;

	(void)state;
	four_ranges();
	tcp_sackboard_enter_recovery(&sb, MAXS, MSS);
	tcp_sackboard_reset(&sb);
	assert_int_equal(sb.sb_n, 0);
	assert_false(sb.sb_in_recovery);
	assert_int_equal(tcp_sackboard_pipe(&sb, MAXS, MSS), 1000);
	tcp_sackboard_nextseg(&sb, MAXS, MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_NONE);
}

static void
the_scoreboard_works_across_the_sequence_wrap(void **state)
{
	const uint32_t una = 0xffffff00U, max = 0x100;
	const struct tcp_sackblk b[] = { BLK(0xffffff80U, 0x20) };
	struct tcp_nextseg ns;

	(void)state;
	tcp_sackboard_init(&sb, una);
	tcp_sackboard_update(&sb, una, max, b, 1, &res);
	assert_int_equal(res.sr_newly_sacked, 0xa0);
	assert_true(tcp_sackboard_is_sacked(&sb, 0x10));
	assert_false(tcp_sackboard_is_sacked(&sb, 0x20));
	assert_true(tcp_sackboard_islost(&sb, una, 0x40));
	/* [una, 0xffffff80) lost, the tail [0x20, 0x100) not. */
	assert_int_equal(tcp_sackboard_pipe(&sb, max, 0x40), 0xe0);
	tcp_sackboard_nextseg(&sb, max, 0x40, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_LOST);
	assert_int_equal(ns.ns_seq, una);
	tcp_sackboard_update(&sb, 0x10, max, NULL, 0, &res);
	assert_blk(sb.sb_blocks[0], 0x10, 0x20);
}

static void
a_flood_of_blocks_stays_within_the_bound(void **state)
{
	const uint32_t una = 0, max = 1000000;

	(void)state;
	tcp_sackboard_init(&sb, una);
	for (uint32_t i = 0; i < 1000; i += 4) {
		struct tcp_sackblk b[4];

		for (uint32_t k = 0; k < 4; k++)
			b[k] = BLK(20 * (i + k) + 10, 20 * (i + k) + 20);
		tcp_sackboard_update(&sb, una, max, b, 4, &res);
	}
	assert_int_equal(sb.sb_n, TCP_SACKBOARD_MAX);
	assert_int_equal(sb.sb_overflow, 1000 - TCP_SACKBOARD_MAX);
	/* A block joining held ranges still merges when the board is full. */
	{
		const struct tcp_sackblk b[] = { BLK(10, 60) };

		tcp_sackboard_update(&sb, una, max, b, 1, &res);
	}
	assert_int_equal(sb.sb_n, TCP_SACKBOARD_MAX - 2);
	assert_blk(sb.sb_blocks[0], 10, 60);
}

/* ---- random input keeps the invariants ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Sorted, disjoint, not touching, inside (una, max]. */
static void
assert_board_sound(const struct tcp_sackboard *b, uint32_t una, uint32_t max)
{
	assert_true(b->sb_n <= TCP_SACKBOARD_MAX);
	for (unsigned i = 0; i < b->sb_n; i++) {
		const struct tcp_sackblk *k = &b->sb_blocks[i];

		assert_true(SEQ_LT(k->sb_start, k->sb_end));
		assert_true(SEQ_GEQ(k->sb_start, una));
		assert_true(SEQ_LEQ(k->sb_end, max));
		if (i > 0)
			assert_true(SEQ_LT(b->sb_blocks[i - 1].sb_end,
			    k->sb_start));
	}
}

/* A segment NextSeg returns never resends SACKed data nor leaves the
 * outstanding range, unless it is new data. */
static void
assert_nextseg_sound(const struct tcp_sackboard *b, uint32_t una,
    uint32_t max, uint32_t mss)
{
	struct tcp_nextseg ns;

	tcp_sackboard_nextseg(b, max, mss, rnd(2) * mss, &ns);
	if (ns.ns_kind == TCP_NEXTSEG_NONE)
		return;
	assert_true(ns.ns_len > 0 && ns.ns_len <= mss);
	if (ns.ns_kind == TCP_NEXTSEG_NEW) {
		assert_int_equal(ns.ns_seq, max);
		return;
	}
	assert_true(SEQ_GEQ(ns.ns_seq, una));
	assert_true(SEQ_LEQ(ns.ns_seq + ns.ns_len, max));
	for (uint32_t k = 0; k < ns.ns_len; k++)
		assert_false(tcp_sackboard_is_sacked(b, ns.ns_seq + k));
}

static void
random_blocks_keep_the_scoreboard_sound(void **state)
{
	uint32_t una = 0xfff00000U, max = una + 50000;
	const uint32_t mss = 500;

	(void)state;
	tcp_sackboard_init(&sb, una);
	for (unsigned round = 0; round < 3000; round++) {
		struct tcp_sackblk b[TCP_SACK_MAXOPT];
		unsigned n = rnd(TCP_SACK_MAXOPT + 1);

		for (unsigned k = 0; k < n; k++) {
			/* Mostly sensible, some below snd_una, beyond snd_max
			 * or inverted. */
			uint32_t s = una - 2000 + rnd(max - una + 4000);

			b[k] = BLK(s, s + rnd(3000) - 200);
		}
		if (rnd(8) == 0)
			una += rnd(max - una + 1);
		if (rnd(4) == 0)
			max += rnd(5000);
		tcp_sackboard_update(&sb, una, max, b, n, &res);
		assert_board_sound(&sb, una, max);
		assert_true(tcp_sackboard_pipe(&sb, max, mss) <=
		    2 * (max - una));
		if (!sb.sb_in_recovery && rnd(4) == 0)
			tcp_sackboard_enter_recovery(&sb, max, mss);
		else if (rnd(50) == 0)
			tcp_sackboard_reset(&sb);
		assert_nextseg_sound(&sb, una, max, mss);
	}
}

static void
random_segments_keep_the_receiver_list_disjoint(void **state)
{
	struct tcp_sackrcv sr;
	uint32_t rcv_nxt = 0xffff0000U;

	(void)state;
	tcp_sackrcv_init(&sr);
	for (unsigned round = 0; round < 3000; round++) {
		uint32_t s = rcv_nxt + 1 + rnd(20000);

		tcp_sackrcv_add(&sr, s, s + 1 + rnd(1500));
		if (rnd(8) == 0) {
			rcv_nxt += rnd(5000);
			tcp_sackrcv_advance(&sr, rcv_nxt);
		}
		assert_true(sr.sr_n <= TCP_SACKRCV_MAX);
		for (unsigned i = 0; i < sr.sr_n; i++) {
			const struct tcp_sackblk *a = &sr.sr_blocks[i];

			assert_true(SEQ_LT(a->sb_start, a->sb_end));
			assert_true(SEQ_GEQ(a->sb_start, rcv_nxt));
			for (unsigned j = i + 1; j < sr.sr_n; j++) {
				const struct tcp_sackblk *c = &sr.sr_blocks[j];

				assert_true(SEQ_LT(a->sb_end, c->sb_start) ||
				    SEQ_LT(c->sb_end, a->sb_start));
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(an_out_of_order_segment_is_reported),
		leak_test(the_block_of_the_latest_segment_comes_first),
		leak_test(adjacent_and_overlapping_segments_make_one_block),
		leak_test(a_segment_bridging_two_blocks_joins_them),
		leak_test(an_empty_segment_adds_no_block),
		leak_test(rcv_nxt_advancing_drops_the_blocks_it_covers),
		leak_test(only_what_fits_in_the_option_space_is_reported),
		leak_test(a_full_list_forgets_its_oldest_block),
		leak_test(a_duplicate_below_rcv_nxt_is_reported_first_once),
		leak_test(a_duplicate_of_queued_data_reports_its_block_second),
		leak_test(a_dsack_without_room_waits_for_the_next_ack),
		leak_test(receiver_blocks_merge_across_the_sequence_wrap),
		leak_test(a_sack_block_is_recorded),
		leak_test(overlapping_and_adjacent_blocks_merge),
		leak_test(a_block_spanning_ranges_counts_only_new_bytes),
		leak_test(ranges_are_kept_sorted),
		leak_test(a_block_beyond_snd_max_is_ignored),
		leak_test(a_later_block_below_snd_una_is_ignored),
		leak_test(an_empty_or_inverted_block_is_ignored),
		leak_test(the_cumulative_ack_drops_and_trims_ranges),
		leak_test(a_first_block_below_the_cumulative_ack_is_a_dsack),
		leak_test(a_first_block_inside_the_second_is_a_dsack),
		leak_test(a_first_block_outside_the_second_is_no_dsack),
		leak_test(a_dsack_must_name_data_that_was_sent),
		leak_test(three_discontiguous_ranges_above_make_a_byte_lost),
		leak_test(more_than_two_segments_sacked_above_make_a_byte_lost),
		leak_test(without_sacks_everything_outstanding_is_in_the_pipe),
		leak_test(the_pipe_leaves_out_sacked_and_lost_bytes),
		leak_test(retransmitted_bytes_count_once_if_lost_and_twice_if_not),
		leak_test(retransmissions_count_only_in_recovery),
		leak_test(a_retransmission_is_not_lost_while_little_later_data_is_sacked),
		leak_test(a_retransmission_is_lost_once_more_later_data_is_sacked),
		leak_test(rule1_retransmits_the_first_lost_segment_past_highrxt),
		leak_test(retransmissions_are_at_most_one_mss_and_stop_at_sacked_data),
		leak_test(rule1_moves_on_as_highrxt_advances),
		leak_test(rule2_sends_new_data_when_nothing_is_lost),
		leak_test(rule3_retransmits_an_unsacked_segment_without_new_data),
		leak_test(rule4_rescues_the_highest_unsacked_segment_once),
		leak_test(rule4_waits_until_highack_passes_rescuerxt),
		leak_test(rule4_stops_below_sacked_data_at_the_top),
		leak_test(rule4_is_not_used_outside_recovery),
		leak_test(rule5_nothing_outstanding_means_nothing_to_send),
		leak_test(a_timeout_forgets_every_sack_and_the_recovery),
		leak_test(the_scoreboard_works_across_the_sequence_wrap),
		leak_test(a_flood_of_blocks_stays_within_the_bound),
		leak_test(random_blocks_keep_the_scoreboard_sound),
		leak_test(random_segments_keep_the_receiver_list_disjoint),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
