/*
 * RACK (RFC 8985 6) as a module: the send log (runs of bytes with the
 * time they were last sent, split by retransmissions, merged when full,
 * pruned by the cumulative ACK), RACK.xmit_ts and RACK.rtt from
 * deliveries, reordering seen, the reordering window and its growth with
 * D-SACKs, and the verdict: lost, not yet (with the wait), or SACKed; and
 * the scoreboard taking RACK's mark (IsLost, SetPipe, NextSeg, HighRxt).
 *
 * Segments are 100 bytes from 1000; times are microseconds.
 */
#include "ktest.h"
#include "netinet/tcp_seq.h"
#include "netinet/tcp_rack.h"

#define UNA	1000U
#define MSS	100U
#define T0	1000000U

/* Segment i (from 0): [UNA + i * MSS, UNA + (i + 1) * MSS). */
#define SEG(i)	(UNA + (uint32_t)(i) * MSS)

/* n segments sent one after another, 10 us apart from T0. */
static void
send_segs(struct tcp_rack *rk, int n)
{
	for (int i = 0; i < n; i++)
		tcp_rack_sent(rk, SEG(i), SEG(i + 1), T0 + (uint64_t)i * 10);
}

static void
sacked(struct tcp_sackboard *sb, uint32_t start, uint32_t end,
    uint32_t snd_max)
{
	struct tcp_sackblk b = { start, end };
	struct tcp_sack_result res;

	tcp_sackboard_update(sb, sb->sb_una, snd_max, &b, 1, &res);
}

static void
segments_sent_at_different_times_make_runs_of_their_own(void **state)
{
	struct tcp_rack rk;

	(void)state;
	tcp_rack_init(&rk, UNA);
	send_segs(&rk, 3);
	assert_int_equal(rk.rk_n, 3);
	assert_int_equal(rk.rk_log[2].re_end, SEG(3));
	assert_int_equal(rk.rk_log[2].re_xmit, T0 + 20);
	/* A segment of the same instant joins the last run. */
	tcp_rack_sent(&rk, SEG(3), SEG(4), T0 + 20);
	assert_int_equal(rk.rk_n, 3);
	assert_int_equal(rk.rk_log[2].re_end, SEG(4));
}

static void
a_retransmission_becomes_a_run_of_its_own(void **state)
{
	struct tcp_rack rk;

	(void)state;
	tcp_rack_init(&rk, UNA);
	tcp_rack_sent(&rk, SEG(0), SEG(4), T0);
	tcp_rack_sent(&rk, SEG(1), SEG(2), T0 + 500);
	assert_int_equal(rk.rk_n, 3);
	assert_int_equal(rk.rk_log[0].re_end, SEG(1));
	assert_int_equal(rk.rk_log[0].re_xmit, T0);
	assert_false(rk.rk_log[0].re_rxt);
	assert_int_equal(rk.rk_log[1].re_end, SEG(2));
	assert_int_equal(rk.rk_log[1].re_xmit, T0 + 500);
	assert_true(rk.rk_log[1].re_rxt);
	assert_int_equal(rk.rk_log[2].re_end, SEG(4));
	assert_int_equal(rk.rk_log[2].re_xmit, T0);
}

static void
a_retransmission_running_into_new_data_marks_only_the_old_part(void **state)
{
	struct tcp_rack rk;

	(void)state;
	tcp_rack_init(&rk, UNA);
	send_segs(&rk, 2);
	tcp_rack_sent(&rk, SEG(1), SEG(3), T0 + 500);
	assert_int_equal(rk.rk_n, 3);
	assert_true(rk.rk_log[1].re_rxt);
	assert_int_equal(rk.rk_log[1].re_end, SEG(2));
	assert_false(rk.rk_log[2].re_rxt);
	assert_int_equal(rk.rk_log[2].re_end, SEG(3));
	/* What lies below the log (acknowledged) or is empty is no send. */
	tcp_rack_sent(&rk, UNA - 100, UNA, T0 + 600);
	assert_int_equal(rk.rk_n, 3);
}

static void
a_full_log_merges_neighbours_keeping_the_later_time(void **state)
{
	struct tcp_rack rk;

	(void)state;
	tcp_rack_init(&rk, UNA);
	send_segs(&rk, TCP_RACK_LOGMAX + 1);
	assert_int_equal(rk.rk_n, TCP_RACK_LOGMAX / 2 + 1);
	assert_int_equal(rk.rk_merges, TCP_RACK_LOGMAX / 2);
	assert_int_equal(rk.rk_log[0].re_end, SEG(2));
	assert_int_equal(rk.rk_log[0].re_xmit, T0 + 10);
	assert_true(rk.rk_log[0].re_merged);
	assert_int_equal(rk.rk_log[rk.rk_n - 1].re_end,
	    SEG(TCP_RACK_LOGMAX + 1));
	/* A retransmission in a full log makes room first. */
	tcp_rack_init(&rk, UNA);
	send_segs(&rk, TCP_RACK_LOGMAX);
	tcp_rack_sent(&rk, SEG(5), SEG(6), T0 + 9999);
	assert_true(rk.rk_n <= TCP_RACK_LOGMAX);
	assert_true(rk.rk_merges > 0);
}

static void
the_cumulative_ack_prunes_the_runs_below_it(void **state)
{
	struct tcp_rack rk;

	(void)state;
	tcp_rack_init(&rk, UNA);
	send_segs(&rk, 4);
	tcp_rack_prune(&rk, SEG(2) + 50);
	assert_int_equal(rk.rk_n, 2);
	assert_int_equal(rk.rk_una, SEG(2) + 50);
	/* An old ACK changes nothing. */
	tcp_rack_prune(&rk, SEG(1));
	assert_int_equal(rk.rk_n, 2);
}

static void
a_delivery_sets_rack_xmit_and_rtt_from_the_latest_run(void **state)
{
	struct tcp_rack rk;

	(void)state;
	tcp_rack_init(&rk, UNA);
	send_segs(&rk, 4);
	tcp_rack_delivered(&rk, SEG(2), SEG(3), T0 + 1020, NULL);
	assert_int_equal(rk.rk_xmit, T0 + 20);
	assert_int_equal(rk.rk_end, SEG(3));
	assert_int_equal(rk.rk_rtt, 1000);
	assert_int_equal(rk.rk_min_rtt, 1000);
	/* An earlier-sent delivery does not move it back. */
	tcp_rack_delivered(&rk, SEG(0), SEG(1), T0 + 2000, NULL);
	assert_int_equal(rk.rk_xmit, T0 + 20);
	assert_int_equal(rk.rk_min_rtt, 1000);
}

static void
a_retransmission_delivered_too_soon_is_not_taken(void **state)
{
	struct tcp_rack rk;

	(void)state;
	tcp_rack_init(&rk, UNA);
	send_segs(&rk, 3);
	tcp_rack_delivered(&rk, SEG(2), SEG(3), T0 + 1020, NULL);
	tcp_rack_sent(&rk, SEG(0), SEG(1), T0 + 5000);
	/* 100 us after its resend: the original's delivery, surely. */
	tcp_rack_delivered(&rk, SEG(0), SEG(1), T0 + 5100, NULL);
	assert_int_equal(rk.rk_xmit, T0 + 20);
	/* A full RTT after it: the retransmission's. */
	tcp_rack_delivered(&rk, SEG(0), SEG(1), T0 + 6000, NULL);
	assert_int_equal(rk.rk_xmit, T0 + 5000);
	assert_int_equal(rk.rk_rtt, 1000);
}

static void
an_original_filling_a_hole_below_sacked_data_is_reordering(void **state)
{
	struct tcp_rack rk;
	struct tcp_sackboard sb;

	(void)state;
	tcp_rack_init(&rk, UNA);
	tcp_sackboard_init(&sb, UNA);
	send_segs(&rk, 3);
	/* The cumulative ACK of data never SACKed, nothing above: no. */
	tcp_rack_delivered(&rk, SEG(0), SEG(1), T0 + 1000, &sb);
	assert_false(rk.rk_reord);
	sb.sb_una = SEG(1);
	sacked(&sb, SEG(2), SEG(3), SEG(3));
	tcp_rack_delivered(&rk, SEG(1), SEG(2), T0 + 1010, &sb);
	assert_true(rk.rk_reord);
}

static void
a_segment_sent_before_a_delivered_one_is_lost_after_rtt_and_window(
    void **state)
{
	struct tcp_rack rk;
	struct tcp_sackboard sb;
	struct tcp_rack_verdict v;

	(void)state;
	tcp_rack_init(&rk, UNA);
	tcp_sackboard_init(&sb, UNA);
	send_segs(&rk, 3);
	sacked(&sb, SEG(2), SEG(3), SEG(3));
	tcp_rack_delivered(&rk, SEG(2), SEG(3), T0 + 1020, NULL);
	/* Segment 1 was sent at T0 + 10: lost at T0 + 10 + 1000 + 250. */
	tcp_rack_detect(&rk, &sb, T0 + 1260, 250, &v);
	assert_true(v.rv_lost);
	assert_int_equal(v.rv_lost_end, SEG(2));
	assert_false(v.rv_rxt_lost);
	assert_int_equal(v.rv_wait, 0);
}

static void
a_segment_within_the_reordering_window_is_not_lost_yet(void **state)
{
	struct tcp_rack rk;
	struct tcp_sackboard sb;
	struct tcp_rack_verdict v;

	(void)state;
	tcp_rack_init(&rk, UNA);
	tcp_sackboard_init(&sb, UNA);
	send_segs(&rk, 3);
	sacked(&sb, SEG(2), SEG(3), SEG(3));
	tcp_rack_delivered(&rk, SEG(2), SEG(3), T0 + 1020, NULL);
	tcp_rack_detect(&rk, &sb, T0 + 1100, 250, &v);
	assert_false(v.rv_lost);
	/* Look again when the last window closes: segment 1's, T0 + 1260. */
	assert_int_equal(v.rv_wait, 160);
}

static void
nothing_is_lost_before_a_delivery_or_when_sacked(void **state)
{
	struct tcp_rack rk;
	struct tcp_sackboard sb;
	struct tcp_rack_verdict v;

	(void)state;
	tcp_rack_init(&rk, UNA);
	tcp_sackboard_init(&sb, UNA);
	send_segs(&rk, 3);
	tcp_rack_detect(&rk, &sb, T0 + 99999, 0, &v);
	assert_false(v.rv_lost);
	/* All but the first byte SACKed, and that byte resent. */
	sacked(&sb, SEG(0) + 1, SEG(3), SEG(3));
	tcp_rack_sent(&rk, SEG(0), SEG(0) + 1, T0 + 5);
	tcp_rack_delivered(&rk, SEG(2), SEG(3), T0 + 1020, NULL);
	tcp_rack_detect(&rk, &sb, T0 + 99999, 0, &v);
	assert_true(v.rv_lost);
	assert_int_equal(v.rv_lost_end, SEG(0) + 1);
}

static void
a_lost_retransmission_is_reported_with_its_start(void **state)
{
	struct tcp_rack rk;
	struct tcp_sackboard sb;
	struct tcp_rack_verdict v;

	(void)state;
	tcp_rack_init(&rk, UNA);
	tcp_sackboard_init(&sb, UNA);
	send_segs(&rk, 2);
	tcp_rack_sent(&rk, SEG(0), SEG(1), T0 + 2000);
	tcp_rack_sent(&rk, SEG(2), SEG(3), T0 + 2010);
	sacked(&sb, SEG(2), SEG(3), SEG(3));
	tcp_rack_delivered(&rk, SEG(2), SEG(3), T0 + 3010, NULL);
	tcp_rack_detect(&rk, &sb, T0 + 4000, 0, &v);
	assert_true(v.rv_lost);
	assert_true(v.rv_rxt_lost);
	assert_int_equal(v.rv_rxt_start, SEG(0));
	assert_int_equal(v.rv_lost_end, SEG(2));
}

static void
the_reordering_window_is_zero_in_recovery_until_reordering_is_seen(
    void **state)
{
	struct tcp_rack rk;

	(void)state;
	tcp_rack_init(&rk, UNA);
	rk.rk_min_rtt = 1000;
	assert_int_equal(tcp_rack_reo_wnd(&rk, false, 0, MSS, 5000), 250);
	assert_int_equal(tcp_rack_reo_wnd(&rk, true, 0, MSS, 5000), 0);
	assert_int_equal(tcp_rack_reo_wnd(&rk, false, 3 * MSS, MSS, 5000), 0);
	rk.rk_reord = true;
	assert_int_equal(tcp_rack_reo_wnd(&rk, true, 0, MSS, 5000), 250);
	/* Never beyond SRTT, unless SRTT reads below the minimum RTT. */
	rk.rk_reo_mult = 8;
	assert_int_equal(tcp_rack_reo_wnd(&rk, true, 0, MSS, 1500), 1500);
	assert_int_equal(tcp_rack_reo_wnd(&rk, true, 0, MSS, 0), 1000);
}

static void
dsack_rounds_widen_the_window_for_sixteen_recoveries(void **state)
{
	struct tcp_rack rk;

	(void)state;
	tcp_rack_init(&rk, UNA);
	rk.rk_min_rtt = 1000;
	rk.rk_reord = true;
	tcp_rack_dsack(&rk, UNA, SEG(10));
	assert_int_equal(tcp_rack_reo_wnd(&rk, false, 0, MSS, 5000), 500);
	/* Once per round trip: SND.UNA has not passed the round's end. */
	tcp_rack_dsack(&rk, SEG(5), SEG(12));
	assert_int_equal(rk.rk_reo_mult, 2);
	tcp_rack_dsack(&rk, SEG(10), SEG(20));
	assert_int_equal(rk.rk_reo_mult, 3);
	for (int i = 0; i < TCP_RACK_REO_PERSIST - 1; i++)
		tcp_rack_recovery_done(&rk);
	assert_int_equal(rk.rk_reo_mult, 3);
	tcp_rack_recovery_done(&rk);
	assert_int_equal(rk.rk_reo_mult, 1);
	tcp_rack_recovery_done(&rk);
	assert_int_equal(rk.rk_reo_mult, 1);
}

static void
the_log_works_across_the_sequence_wrap(void **state)
{
	struct tcp_rack rk;
	struct tcp_sackboard sb;
	struct tcp_rack_verdict v;
	uint32_t una = 0xffffff00U;

	(void)state;
	tcp_rack_init(&rk, una);
	tcp_sackboard_init(&sb, una);
	for (uint32_t i = 0; i < 4; i++)
		tcp_rack_sent(&rk, una + i * MSS, una + (i + 1) * MSS,
		    T0 + i * 10);
	sb.sb_una = una;
	sacked(&sb, una + 3 * MSS, una + 4 * MSS, una + 4 * MSS);
	tcp_rack_delivered(&rk, una + 3 * MSS, una + 4 * MSS, T0 + 1030, NULL);
	tcp_rack_detect(&rk, &sb, T0 + 5000, 0, &v);
	assert_true(v.rv_lost);
	assert_int_equal(v.rv_lost_end, una + 3 * MSS);
	tcp_rack_prune(&rk, una + 2 * MSS);
	assert_int_equal(rk.rk_n, 2);
}

/* ---- the scoreboard with RACK's mark ---- */

static void
data_below_racks_mark_is_lost_and_leaves_the_pipe(void **state)
{
	struct tcp_sackboard sb;

	(void)state;
	tcp_sackboard_init(&sb, UNA);
	sacked(&sb, SEG(3), SEG(4), SEG(5));
	/* One segment SACKed: IsLost by DupThresh says no. */
	assert_false(tcp_sackboard_islost(&sb, UNA, MSS));
	assert_int_equal(tcp_sackboard_pipe(&sb, SEG(5), MSS), 4 * MSS);
	tcp_sackboard_rack_lost(&sb, true, SEG(2));
	assert_true(tcp_sackboard_islost(&sb, UNA, MSS));
	assert_true(tcp_sackboard_islost(&sb, SEG(1), MSS));
	assert_false(tcp_sackboard_islost(&sb, SEG(2), MSS));
	assert_int_equal(tcp_sackboard_pipe(&sb, SEG(5), MSS), 2 * MSS);
	tcp_sackboard_rack_lost(&sb, false, 0);
	assert_false(tcp_sackboard_islost(&sb, UNA, MSS));
}

static void
nextseg_resends_what_rack_lost_up_to_its_mark(void **state)
{
	struct tcp_sackboard sb;
	struct tcp_nextseg ns;

	(void)state;
	tcp_sackboard_init(&sb, UNA);
	sacked(&sb, SEG(3), SEG(4), SEG(5));
	tcp_sackboard_rack_lost(&sb, true, UNA + 150);
	tcp_sackboard_enter_recovery(&sb, SEG(5), 0);
	tcp_sackboard_nextseg(&sb, SEG(5), MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_LOST);
	assert_int_equal(ns.ns_seq, UNA);
	assert_int_equal(ns.ns_len, MSS);
	tcp_sackboard_sent(&sb, &ns);
	tcp_sackboard_nextseg(&sb, SEG(5), MSS, 0, &ns);
	assert_int_equal(ns.ns_kind, TCP_NEXTSEG_LOST);
	assert_int_equal(ns.ns_seq, SEG(1));
	assert_int_equal(ns.ns_len, 50);
}

static void
a_retransmission_lost_again_moves_highrxt_back(void **state)
{
	struct tcp_sackboard sb;

	(void)state;
	tcp_sackboard_init(&sb, UNA);
	/* Outside recovery there is no HighRxt to move. */
	assert_false(tcp_sackboard_rxt_again(&sb, UNA));
	tcp_sackboard_enter_recovery(&sb, SEG(5), 2 * MSS);
	assert_true(tcp_sackboard_rxt_again(&sb, SEG(1)));
	assert_int_equal(sb.sb_highrxt, SEG(1));
	assert_false(tcp_sackboard_rxt_again(&sb, SEG(1)));
	tcp_sackboard_reset(&sb);
	assert_false(sb.sb_rack_lost_set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(segments_sent_at_different_times_make_runs_of_their_own),
		leak_test(a_retransmission_becomes_a_run_of_its_own),
		leak_test(a_retransmission_running_into_new_data_marks_only_the_old_part),
		leak_test(a_full_log_merges_neighbours_keeping_the_later_time),
		leak_test(the_cumulative_ack_prunes_the_runs_below_it),
		leak_test(a_delivery_sets_rack_xmit_and_rtt_from_the_latest_run),
		leak_test(a_retransmission_delivered_too_soon_is_not_taken),
		leak_test(an_original_filling_a_hole_below_sacked_data_is_reordering),
		leak_test(a_segment_sent_before_a_delivered_one_is_lost_after_rtt_and_window),
		leak_test(a_segment_within_the_reordering_window_is_not_lost_yet),
		leak_test(nothing_is_lost_before_a_delivery_or_when_sacked),
		leak_test(a_lost_retransmission_is_reported_with_its_start),
		leak_test(the_reordering_window_is_zero_in_recovery_until_reordering_is_seen),
		leak_test(dsack_rounds_widen_the_window_for_sixteen_recoveries),
		leak_test(the_log_works_across_the_sequence_wrap),
		leak_test(data_below_racks_mark_is_lost_and_leaves_the_pipe),
		leak_test(nextseg_resends_what_rack_lost_up_to_its_mark),
		leak_test(a_retransmission_lost_again_moves_highrxt_back),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
