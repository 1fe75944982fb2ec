/*
 * TCP congestion control: the registry and default, the shared pieces of
 * RFC 5681 (initial window, slow start with byte counting, deflation,
 * restart window), NewReno's avoidance and halving, and CUBIC (RFC 9438):
 * beta, fast convergence, K and W_cubic against values worked out by
 * hand, growth over simulated time in the concave, convex and
 * Reno-friendly regions, timeouts, idle periods and undo.  Time is passed
 * in, so every run is exact.
 */
#include "ktest.h"
#include "rumpkern/config.h"
#include "netinet/tcp_cc.h"

#define MSS	1000U
#define RTT	100000U		/* 100 ms, in microseconds */
#define SEC	1000000ULL

static const struct tcp_cc_ops *
cc(const char *name)
{
	const struct tcp_cc_ops *ops = tcp_cc_lookup(name);

	assert_non_null(ops);
	return ops;
}

static void
ack(struct tcp_ccstate *ccs, uint32_t acked, uint64_t now, bool limited)
{
	struct tcp_cc_ack a = {
		.ca_acked = acked, .ca_now = now, .ca_srtt = RTT,
		.ca_cwnd_limited = limited,
	};

	tcp_cc_ack(ccs, &a);
}

/* One round trip: a window's worth of ACKs, one per MSS, at now. */
static void
ack_window(struct tcp_ccstate *ccs, uint64_t now)
{
	uint32_t segs = ccs->cc_cwnd / MSS;

	for (uint32_t i = 0; i < segs; i++)
		ack(ccs, MSS, now, true);
}

/* A connection in congestion avoidance at cwnd bytes. */
static void
avoidance_at(struct tcp_ccstate *ccs, const char *name, uint32_t cwnd)
{
	tcp_cc_init(ccs, cc(name), MSS);
	ccs->cc_cwnd = cwnd;
	ccs->cc_ssthresh = cwnd;
}

/* ---- registry ---- */

static void
reno_and_cubic_are_registered_under_linux_names(void **state)
{
	(void)state;
	assert_string_equal(cc("reno")->cc_name, "reno");
	assert_string_equal(cc("cubic")->cc_name, "cubic");
}

static void
an_unknown_name_is_not_found(void **state)
{
	(void)state;
	assert_null(tcp_cc_lookup("vegas"));
	assert_null(tcp_cc_lookup(""));
}

static void
the_default_is_cubic(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	assert_ptr_equal(tcp_cc_default(), cc("cubic"));
	tcp_cc_init(&ccs, NULL, MSS);
	assert_ptr_equal(ccs.cc_ops, cc("cubic"));
}

static void
setting_the_default_to_reno_gives_new_connections_reno(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	assert_int_equal(tcp_cc_setdefault("reno"), 0);
	tcp_cc_init(&ccs, NULL, MSS);
	assert_ptr_equal(ccs.cc_ops, cc("reno"));
	assert_int_equal(tcp_cc_setdefault("cubic"), 0);
}

static void
setting_an_unknown_default_is_enoent_and_changes_nothing(void **state)
{
	(void)state;
	assert_int_equal(tcp_cc_setdefault("vegas"), ENOENT);
	assert_ptr_equal(tcp_cc_default(), cc("cubic"));
}

static void
registering_a_taken_name_is_eexist(void **state)
{
	struct tcp_cc_ops dup = *cc("reno");

	(void)state;
	assert_int_equal(tcp_cc_register(&dup), EEXIST);
}

static void
an_unregistered_default_falls_back_to_the_configured_one(void **state)
{
	struct tcp_cc_ops other = *cc("reno");

	(void)state;
	other.cc_name = "other";
	assert_int_equal(tcp_cc_register(&other), 0);
	assert_int_equal(tcp_cc_setdefault("other"), 0);
	assert_ptr_equal(tcp_cc_default(), &other);
	tcp_cc_unregister(&other);
	assert_null(tcp_cc_lookup("other"));
	assert_ptr_equal(tcp_cc_default(), cc(TCP_CC_DEFAULT));
}

static void
note_name(const struct tcp_cc_ops *ops, void *arg)
{
	unsigned *seen = arg;

	if (strcmp(ops->cc_name, "reno") == 0)
		*seen |= 1;
	else if (strcmp(ops->cc_name, "cubic") == 0)
		*seen |= 2;
	else
		*seen |= 4;
}

static void
foreach_lists_every_algorithm(void **state)
{
	unsigned seen = 0;

	(void)state;
	tcp_cc_foreach(note_name, &seen);
	assert_int_equal(seen, 3);
}

/* ---- shared: initial window, slow start ---- */

static void
a_new_connection_has_ten_segments_and_no_ssthresh(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	tcp_cc_init(&ccs, cc("reno"), MSS);
	assert_int_equal(ccs.cc_cwnd, 10 * MSS);
	assert_int_equal(ccs.cc_ssthresh, TCP_INFINITE_SSTHRESH);
	assert_true(tcp_cc_in_slowstart(&ccs));
}

static void
slow_start_grows_one_mss_per_ack_of_one_mss(void **state)
{
	const char *names[] = { "reno", "cubic" };

	(void)state;
	for (unsigned i = 0; i < __arraycount(names); i++) {
		struct tcp_ccstate ccs;

		tcp_cc_init(&ccs, cc(names[i]), MSS);
		for (unsigned k = 1; k <= 5; k++) {
			ack(&ccs, MSS, k, true);
			assert_int_equal(ccs.cc_cwnd, (10 + k) * MSS);
		}
	}
}

static void
slow_start_doubles_the_window_per_round_trip(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	tcp_cc_init(&ccs, cc("reno"), MSS);
	ack_window(&ccs, 0);
	assert_int_equal(ccs.cc_cwnd, 20 * MSS);
	ack_window(&ccs, RTT);
	assert_int_equal(ccs.cc_cwnd, 40 * MSS);
}

static void
abc_limits_growth_to_two_mss_per_ack(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	tcp_cc_init(&ccs, cc("reno"), MSS);
	ack(&ccs, 5 * MSS, 0, true);
	assert_int_equal(ccs.cc_cwnd, 12 * MSS);
	/* A partial segment counts byte for byte. */
	ack(&ccs, 300, 0, true);
	assert_int_equal(ccs.cc_cwnd, 12 * MSS + 300);
}

static void
slow_start_stops_at_ssthresh_and_hands_the_rest_to_avoidance(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	tcp_cc_init(&ccs, cc("reno"), MSS);
	ccs.cc_ssthresh = 10 * MSS + 500;
	ack(&ccs, 2 * MSS, 0, true);
	assert_int_equal(ccs.cc_cwnd, 10 * MSS + 500);
	assert_false(tcp_cc_in_slowstart(&ccs));
	assert_int_equal(ccs.cc_u.reno.rs_bytes_acked, 1500);
}

static void
an_application_limited_sender_does_not_grow_the_window(void **state)
{
	const char *names[] = { "reno", "cubic" };

	(void)state;
	for (unsigned i = 0; i < __arraycount(names); i++) {
		struct tcp_ccstate ccs;

		tcp_cc_init(&ccs, cc(names[i]), MSS);
		ack(&ccs, MSS, 0, false);
		assert_int_equal(ccs.cc_cwnd, 10 * MSS);
		avoidance_at(&ccs, names[i], 50 * MSS);
		for (unsigned k = 0; k < 200; k++)
			ack(&ccs, MSS, k * RTT, false);
		assert_int_equal(ccs.cc_cwnd, 50 * MSS);
	}
}

/* ---- NewReno ---- */

static void
reno_avoidance_grows_one_mss_per_window_acked(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 20 * MSS);
	for (unsigned k = 0; k < 19; k++)
		ack(&ccs, MSS, 0, true);
	assert_int_equal(ccs.cc_cwnd, 20 * MSS);
	ack(&ccs, MSS, 0, true);
	assert_int_equal(ccs.cc_cwnd, 21 * MSS);
}

static void
reno_avoidance_grows_one_mss_per_round_trip(void **state)
{
	struct tcp_ccstate ccs;
	uint64_t now = 0;

	(void)state;
	avoidance_at(&ccs, "reno", 20 * MSS);
	for (unsigned r = 1; r <= 10; r++, now += RTT) {
		ack_window(&ccs, now);
		assert_int_equal(ccs.cc_cwnd, (20 + r) * MSS);
	}
}

static void
reno_halves_on_congestion(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 40 * MSS);
	tcp_cc_congestion(&ccs, 40 * MSS);
	assert_int_equal(ccs.cc_ssthresh, 20 * MSS);
	assert_int_equal(ccs.cc_cwnd, 20 * MSS);
}

static void
reno_ssthresh_follows_flight_not_cwnd(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 40 * MSS);
	tcp_cc_congestion(&ccs, 16 * MSS);
	assert_int_equal(ccs.cc_ssthresh, 8 * MSS);
}

static void
reno_ssthresh_is_at_least_two_mss(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 3 * MSS);
	tcp_cc_congestion(&ccs, 3 * MSS);
	assert_int_equal(ccs.cc_ssthresh, 2 * MSS);
	assert_int_equal(ccs.cc_cwnd, 2 * MSS);
}

static void
reno_timeout_leaves_one_segment(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 40 * MSS);
	tcp_cc_rto(&ccs, 30 * MSS);
	assert_int_equal(ccs.cc_cwnd, MSS);
	assert_int_equal(ccs.cc_ssthresh, 15 * MSS);
	assert_true(tcp_cc_in_slowstart(&ccs));
}

static void
recovery_exit_deflates_to_ssthresh(void **state)
{
	const char *names[] = { "reno", "cubic" };

	(void)state;
	for (unsigned i = 0; i < __arraycount(names); i++) {
		struct tcp_ccstate ccs;

		avoidance_at(&ccs, names[i], 40 * MSS);
		tcp_cc_congestion(&ccs, 40 * MSS);
		/* NewReno without SACK inflated the window meanwhile. */
		ccs.cc_cwnd += 10 * MSS;
		tcp_cc_recovery_exit(&ccs, 30 * MSS);
		assert_int_equal(ccs.cc_cwnd, ccs.cc_ssthresh);
	}
}

static void
recovery_exit_with_little_in_flight_sends_no_burst(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 40 * MSS);
	tcp_cc_congestion(&ccs, 40 * MSS);
	tcp_cc_recovery_exit(&ccs, 4 * MSS);
	assert_int_equal(ccs.cc_cwnd, 5 * MSS);
	tcp_cc_recovery_exit(&ccs, 0);
	assert_int_equal(ccs.cc_cwnd, 2 * MSS);
}

static void
idle_longer_than_rto_restarts_from_the_initial_window(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 40 * MSS);
	tcp_cc_idle(&ccs, 2 * SEC, SEC);
	assert_int_equal(ccs.cc_cwnd, 10 * MSS);
	assert_int_equal(ccs.cc_ssthresh, 40 * MSS);
}

static void
idle_shorter_than_rto_keeps_the_window(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 40 * MSS);
	tcp_cc_idle(&ccs, SEC, SEC);
	assert_int_equal(ccs.cc_cwnd, 40 * MSS);
}

static void
idle_never_raises_a_window_below_the_initial_one(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 4 * MSS);
	tcp_cc_idle(&ccs, 10 * SEC, SEC);
	assert_int_equal(ccs.cc_cwnd, 4 * MSS);
}

/* ---- undo, switch, MSS, bounds ---- */

static void
undo_restores_the_window_before_a_spurious_reduction(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "cubic", 40 * MSS);
	ccs.cc_u.cubic.cs_w_max = 50 * MSS;
	tcp_cc_congestion(&ccs, 40 * MSS);
	assert_int_equal(ccs.cc_cwnd, 28 * MSS);
	assert_true(tcp_cc_undo(&ccs));
	assert_int_equal(ccs.cc_cwnd, 40 * MSS);
	assert_int_equal(ccs.cc_ssthresh, 40 * MSS);
	assert_int_equal(ccs.cc_u.cubic.cs_w_max, 50 * MSS);
}

static void
undo_without_a_reduction_does_nothing(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 40 * MSS);
	assert_false(tcp_cc_undo(&ccs));
	tcp_cc_rto(&ccs, 40 * MSS);
	assert_true(tcp_cc_undo(&ccs));
	assert_int_equal(ccs.cc_cwnd, 40 * MSS);
	assert_false(tcp_cc_undo(&ccs));
}

static void
undo_keeps_a_window_that_grew_since(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "reno", 10 * MSS);
	tcp_cc_rto(&ccs, 10 * MSS);
	ccs.cc_cwnd = 30 * MSS;
	assert_true(tcp_cc_undo(&ccs));
	assert_int_equal(ccs.cc_cwnd, 30 * MSS);
}

static void
switching_algorithm_keeps_the_window(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "cubic", 40 * MSS);
	tcp_cc_congestion(&ccs, 40 * MSS);
	tcp_cc_switch(&ccs, cc("reno"));
	assert_ptr_equal(ccs.cc_ops, cc("reno"));
	assert_int_equal(ccs.cc_cwnd, 28 * MSS);
	assert_int_equal(ccs.cc_ssthresh, 28 * MSS);
	assert_false(tcp_cc_undo(&ccs));
}

static void
a_new_mss_changes_the_growth_step(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	tcp_cc_init(&ccs, cc("reno"), MSS);
	tcp_cc_setmss(&ccs, 500);
	ack(&ccs, MSS, 0, true);
	assert_int_equal(ccs.cc_cwnd, 10 * MSS + 1000);
	ack(&ccs, 3 * MSS, 0, true);
	assert_int_equal(ccs.cc_cwnd, 10 * MSS + 2000);
}

static void
the_window_never_passes_the_largest_offer(void **state)
{
	const char *names[] = { "reno", "cubic" };

	(void)state;
	for (unsigned i = 0; i < __arraycount(names); i++) {
		struct tcp_ccstate ccs;

		tcp_cc_init(&ccs, cc(names[i]), 65000);
		ccs.cc_cwnd = TCP_CC_CWND_MAX - 1000;
		ack(&ccs, 65000, 0, true);
		assert_int_equal(ccs.cc_cwnd, TCP_CC_CWND_MAX);
	}
}

/* ---- CUBIC's arithmetic ---- */

static void
cube_root_is_exact_on_cubes_and_floors_between(void **state)
{
	(void)state;
	assert_int_equal(tcp_cubic_cbrt(0), 0);
	assert_int_equal(tcp_cubic_cbrt(1), 1);
	assert_int_equal(tcp_cubic_cbrt(7), 1);
	assert_int_equal(tcp_cubic_cbrt(8), 2);
	assert_int_equal(tcp_cubic_cbrt(26), 2);
	assert_int_equal(tcp_cubic_cbrt(27), 3);
	for (uint64_t y = 2; y < 2642245; y = y * 3 / 2 + 1) {
		assert_int_equal(tcp_cubic_cbrt(y * y * y), y);
		assert_int_equal(tcp_cubic_cbrt(y * y * y - 1), y - 1);
		assert_int_equal(tcp_cubic_cbrt(y * y * y + 1), y);
	}
	assert_int_equal(tcp_cubic_cbrt(UINT64_MAX), 2642245);
}

static void
k_matches_values_worked_by_hand(void **state)
{
	(void)state;
	/* W_max 100 segments, cwnd 70: K = cbrt(30 / 0.4) = 4.2172 s. */
	assert_int_equal(tcp_cubic_k(100 * MSS, 70 * MSS, MSS), 4217000);
	/* W_max 1000, cwnd 700: K = cbrt(300 / 0.4) = 9.0856 s. */
	assert_int_equal(tcp_cubic_k(1000 * MSS, 700 * MSS, MSS), 9085000);
	/* The same in a different MSS: K counts segments, not bytes. */
	assert_int_equal(tcp_cubic_k(100 * 1460, 70 * 1460, 1460), 4217000);
	/* Half a segment: cbrt(0.5 / 0.4) = 1.0772 s. */
	assert_int_equal(tcp_cubic_k(MSS + MSS / 2, MSS, MSS), 1077000);
}

static void
k_is_zero_at_or_above_w_max(void **state)
{
	(void)state;
	assert_int_equal(tcp_cubic_k(100 * MSS, 100 * MSS, MSS), 0);
	assert_int_equal(tcp_cubic_k(100 * MSS, 120 * MSS, MSS), 0);
}

static void
w_cubic_is_w_max_at_k_and_symmetric_around_it(void **state)
{
	struct tcp_cubic_state cs = {
		.cs_w_max = 100 * MSS, .cs_k_us = 4217000,
	};

	(void)state;
	assert_int_equal(tcp_cubic_w(&cs, MSS, 4217000), 100 * MSS);
	/* 0.4 * 4.217^3 = 29.9965 segments: back where the stage began. */
	assert_int_equal(tcp_cubic_w(&cs, MSS, 0), 70004);
	assert_int_equal(tcp_cubic_w(&cs, MSS, 2 * 4217000), 129996);
	/* One second past K: 0.4 segments more. */
	assert_int_equal(tcp_cubic_w(&cs, MSS, 5217000), 100400);
}

static void
w_cubic_saturates_far_in_the_future(void **state)
{
	struct tcp_cubic_state cs = { .cs_w_max = 100 * MSS };

	(void)state;
	assert_int_equal(tcp_cubic_w(&cs, MSS, 3600 * SEC), TCP_CC_CWND_MAX);
	cs.cs_k_us = 3600 * SEC;
	assert_int_equal(tcp_cubic_w(&cs, MSS, 0), 0);
}

/* ---- CUBIC's reductions ---- */

static void
cubic_reduces_by_beta_0_7(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "cubic", 100 * MSS);
	tcp_cc_congestion(&ccs, 100 * MSS);
	assert_int_equal(ccs.cc_ssthresh, 70 * MSS);
	assert_int_equal(ccs.cc_cwnd, 70 * MSS);
	assert_int_equal(ccs.cc_u.cubic.cs_w_max, 100 * MSS);
	assert_int_equal(ccs.cc_u.cubic.cs_cwnd_prior, 100 * MSS);
}

static void
cubic_ssthresh_is_at_least_two_mss(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "cubic", 2 * MSS);
	tcp_cc_congestion(&ccs, 2 * MSS);
	assert_int_equal(ccs.cc_cwnd, 2 * MSS);
}

static void
fast_convergence_lowers_w_max_after_a_loss_below_it(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "cubic", 100 * MSS);
	tcp_cc_congestion(&ccs, 100 * MSS);
	/* Lost again at 80 segments, short of W_max = 100. */
	ccs.cc_cwnd = 80 * MSS;
	tcp_cc_congestion(&ccs, 80 * MSS);
	assert_int_equal(ccs.cc_u.cubic.cs_w_max, 68 * MSS);
	assert_int_equal(ccs.cc_cwnd, 56 * MSS);
}

static void
a_loss_above_w_max_sets_w_max_to_cwnd(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "cubic", 100 * MSS);
	tcp_cc_congestion(&ccs, 100 * MSS);
	ccs.cc_cwnd = 120 * MSS;
	tcp_cc_congestion(&ccs, 120 * MSS);
	assert_int_equal(ccs.cc_u.cubic.cs_w_max, 120 * MSS);
}

static void
the_stage_after_a_loss_starts_with_k_from_w_max(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "cubic", 100 * MSS);
	tcp_cc_congestion(&ccs, 100 * MSS);
	ack(&ccs, MSS, 7 * SEC, true);
	assert_true(ccs.cc_u.cubic.cs_in_epoch);
	assert_int_equal(ccs.cc_u.cubic.cs_epoch_start, 7 * SEC);
	assert_int_equal(ccs.cc_u.cubic.cs_cwnd_epoch, 70 * MSS);
	assert_int_equal(ccs.cc_u.cubic.cs_k_us, 4217000);
}

static void
cubic_timeout_leaves_one_segment_and_restarts_the_curve(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "cubic", 100 * MSS);
	tcp_cc_congestion(&ccs, 100 * MSS);
	ccs.cc_cwnd = 90 * MSS;
	tcp_cc_rto(&ccs, 90 * MSS);
	assert_int_equal(ccs.cc_cwnd, MSS);
	assert_int_equal(ccs.cc_ssthresh, 63 * MSS);
	/* Slow start up to ssthresh; the stage then begins at K = 0 with
	 * W_max = cwnd (RFC 9438 4.8). */
	for (uint64_t now = 0; tcp_cc_in_slowstart(&ccs); now += RTT)
		ack_window(&ccs, now);
	assert_true(ccs.cc_u.cubic.cs_in_epoch);
	assert_int_equal(ccs.cc_u.cubic.cs_k_us, 0);
	assert_int_equal(ccs.cc_u.cubic.cs_w_max, ccs.cc_u.cubic.cs_cwnd_epoch);
}

/* ---- CUBIC's growth over simulated time ---- */

/* cwnd after each of rounds round trips from a loss at w_max segments. */
static void
cubic_run(struct tcp_ccstate *ccs, uint32_t w_max, unsigned rounds,
    uint32_t *cwnd)
{
	uint64_t now = SEC;

	avoidance_at(ccs, "cubic", w_max * MSS);
	tcp_cc_congestion(ccs, w_max * MSS);
	for (unsigned r = 0; r < rounds; r++, now += RTT) {
		ack_window(ccs, now);
		cwnd[r] = ccs->cc_cwnd;
	}
}

static void
cubic_growth_slows_as_cwnd_nears_w_max(void **state)
{
	struct tcp_ccstate ccs;
	uint32_t cwnd[40];

	(void)state;
	/* W_max 1000 segments: K = 9.09 s, far beyond 4 s of rounds. */
	cubic_run(&ccs, 1000, 40, cwnd);
	assert_true(cwnd[39] < 1000 * MSS);
	assert_true(cwnd[39] > cwnd[0]);
	/* Concave: each second adds less than the one before. */
	for (unsigned s = 10; s + 10 < 40; s += 10)
		assert_true(cwnd[s + 10] - cwnd[s] < cwnd[s] - cwnd[s - 10]);
}

static void
cubic_reaches_w_max_at_about_k_and_plateaus(void **state)
{
	struct tcp_ccstate ccs;
	uint32_t cwnd[100];

	(void)state;
	/* W_max 100: K = 4.2 s, 42 rounds. */
	cubic_run(&ccs, 100, 100, cwnd);
	/* Within a segment of W_max between K - 1 s and K + 1 s. */
	for (unsigned r = 32; r <= 52; r++) {
		assert_true(cwnd[r] > 99 * MSS);
		assert_true(cwnd[r] < 101 * MSS);
	}
}

static void
cubic_growth_accelerates_beyond_w_max(void **state)
{
	struct tcp_ccstate ccs;
	uint32_t cwnd[100];

	(void)state;
	cubic_run(&ccs, 100, 100, cwnd);
	/* Convex: past K each second adds more than the one before. */
	for (unsigned s = 60; s + 10 < 100; s += 10)
		assert_true(cwnd[s + 10] - cwnd[s] > cwnd[s] - cwnd[s - 10]);
	assert_true(cwnd[99] > 110 * MSS);
}

static void
cubic_grows_at_most_half_a_window_per_round_trip(void **state)
{
	struct tcp_ccstate ccs;
	uint32_t cwnd[300];

	(void)state;
	cubic_run(&ccs, 100, 300, cwnd);
	for (unsigned r = 1; r < 300; r++)
		assert_true(cwnd[r] <= cwnd[r - 1] + cwnd[r - 1] / 2 + MSS);
}

static void
a_small_window_grows_like_reno_in_the_friendly_region(void **state)
{
	struct tcp_ccstate ccs;
	struct tcp_cubic_state *cs = &ccs.cc_u.cubic;
	uint32_t cwnd[5];
	uint64_t now = SEC + 4 * RTT;

	(void)state;
	/* W_max 10 segments: K = 1.96 s, and cubic growth over the first
	 * half second is below Reno's 0.53 segments per round trip. */
	cubic_run(&ccs, 10, 5, cwnd);
	assert_true(tcp_cubic_w(cs, MSS, now - cs->cs_epoch_start) <
	    cs->cs_w_est);
	assert_int_equal(ccs.cc_cwnd, cs->cs_w_est);
	/* 7 segments plus a little under 9/17 of one per round trip (the
	 * window grows within each), five times: 9.65 at most. */
	assert_true(cwnd[4] > 9 * MSS);
	assert_true(cwnd[4] < 9650);
}

/* How far W_est moves in one window of ACKs from a stage at 17 segments. */
static uint32_t
west_growth_per_window(uint32_t cwnd_prior)
{
	struct tcp_ccstate ccs;
	struct tcp_cubic_state *cs = &ccs.cc_u.cubic;

	avoidance_at(&ccs, "cubic", 17 * MSS);
	cs->cs_w_max = 100 * MSS;
	cs->cs_cwnd_prior = cwnd_prior;
	for (unsigned i = 0; i < 17; i++)
		ack(&ccs, MSS, SEC, true);
	return cs->cs_w_est - 17 * MSS;
}

static void
reno_estimate_grows_by_alpha_below_cwnd_prior(void **state)
{
	uint32_t g = west_growth_per_window(100 * MSS);

	(void)state;
	/* alpha_cubic = 9/17 = 0.53 segments per window (the window itself
	 * grows meanwhile, so a little less). */
	assert_true(g > 500);
	assert_true(g <= 529);
}

static void
reno_estimate_grows_by_one_segment_past_cwnd_prior(void **state)
{
	uint32_t g = west_growth_per_window(10 * MSS);

	(void)state;
	assert_true(g > 940);
	assert_true(g <= MSS);
}

static void
idle_time_is_not_time_on_the_curve(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	avoidance_at(&ccs, "cubic", 100 * MSS);
	tcp_cc_congestion(&ccs, 100 * MSS);
	ack(&ccs, MSS, SEC, true);
	tcp_cc_idle(&ccs, 3 * SEC, SEC);
	assert_int_equal(ccs.cc_u.cubic.cs_epoch_start, 4 * SEC);
	assert_int_equal(ccs.cc_cwnd, 10 * MSS);
	assert_int_equal(ccs.cc_ssthresh, 70 * MSS);
}

static void
cubic_idle_before_any_stage_only_restarts_the_window(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	tcp_cc_init(&ccs, cc("cubic"), MSS);
	ccs.cc_cwnd = 30 * MSS;
	tcp_cc_idle(&ccs, 3 * SEC, SEC);
	assert_false(ccs.cc_u.cubic.cs_in_epoch);
	assert_int_equal(ccs.cc_cwnd, 10 * MSS);
}

/* ---- HyStart++ ---- */

/* A sender that keeps as many whole segments in flight as cwnd allows;
 * each ACK covers one. */
struct flow {
	uint64_t now;
	uint32_t una, nxt;
};

static void
flow_start(struct tcp_ccstate *ccs, struct flow *f, const char *name)
{
	tcp_cc_init(ccs, cc(name), MSS);
	f->now = SEC;
	f->una = 0;
	f->nxt = ccs->cc_cwnd;
}

static void
flow_ack(struct tcp_ccstate *ccs, struct flow *f, uint32_t rtt)
{
	struct tcp_cc_ack a = {
		.ca_acked = MSS, .ca_now = f->now, .ca_srtt = rtt,
		.ca_cwnd_limited = true, .ca_rtt = rtt,
		.ca_ack = f->una + MSS, .ca_snd_nxt = f->nxt,
	};

	f->una += MSS;
	tcp_cc_ack(ccs, &a);
	f->nxt = f->una + ccs->cc_cwnd / MSS * MSS;
}

/* One round trip: what was in flight is acked, each ACK timed at rtt. */
static void
flow_round(struct tcp_ccstate *ccs, struct flow *f, uint32_t rtt)
{
	uint32_t end = f->nxt;

	while (f->una < end)
		flow_ack(ccs, f, rtt);
	f->now += rtt;
}

static enum tcp_hystart_phase
phase(const struct tcp_ccstate *ccs)
{
	return ccs->cc_u.cubic.cs_hystart.hs_phase;
}

/* Three rounds at 100 ms, then one at rtt. */
static void
rounds_then(struct tcp_ccstate *ccs, struct flow *f, uint32_t rtt)
{
	flow_start(ccs, f, "cubic");
	for (unsigned r = 0; r < 3; r++)
		flow_round(ccs, f, RTT);
	assert_int_equal(phase(ccs), TCP_HYSTART_SS);
	flow_round(ccs, f, rtt);
}

static void
hystart_leaves_slow_start_when_the_round_minimum_rtt_rises(void **state)
{
	struct tcp_ccstate ccs;
	struct flow f;

	(void)state;
	/* RttThresh = 100 ms / 8 = 12.5 ms. */
	rounds_then(&ccs, &f, 112500);
	assert_int_equal(phase(&ccs), TCP_HYSTART_CSS);
	assert_int_equal(ccs.cc_u.cubic.cs_hystart.hs_css_baseline, 112500);
	assert_int_equal(ccs.cc_ssthresh, TCP_INFINITE_SSTHRESH);
}

static void
hystart_stays_in_slow_start_below_the_threshold(void **state)
{
	struct tcp_ccstate ccs;
	struct flow f;

	(void)state;
	rounds_then(&ccs, &f, 112499);
	assert_int_equal(phase(&ccs), TCP_HYSTART_SS);
	/* Slow start doubled the window every round. */
	assert_int_equal(ccs.cc_cwnd, 160 * MSS);
}

static void
hystart_threshold_is_between_4_and_16_ms(void **state)
{
	const uint32_t base[] = { 10000, 10000, 200000, 200000 };
	const uint32_t rise[] = { 3999, 4000, 15999, 16000 };
	const enum tcp_hystart_phase want[] = { TCP_HYSTART_SS,
		TCP_HYSTART_CSS, TCP_HYSTART_SS, TCP_HYSTART_CSS };

	(void)state;
	for (unsigned i = 0; i < __arraycount(base); i++) {
		struct tcp_ccstate ccs;
		struct flow f;

		flow_start(&ccs, &f, "cubic");
		flow_round(&ccs, &f, base[i]);
		flow_round(&ccs, &f, base[i] + rise[i]);
		assert_int_equal(phase(&ccs), want[i]);
	}
}

static void
conservative_slow_start_grows_a_quarter_as_fast(void **state)
{
	struct tcp_ccstate ccs;
	struct flow f;
	uint32_t before, acks;

	(void)state;
	rounds_then(&ccs, &f, 120000);
	before = ccs.cc_cwnd;
	acks = (f.nxt - f.una) / MSS;
	flow_round(&ccs, &f, 120000);
	assert_int_equal(ccs.cc_cwnd - before, acks * MSS / 4);
}

static void
conservative_slow_start_ends_in_avoidance_after_five_rounds(void **state)
{
	struct tcp_ccstate ccs;
	struct flow f;

	(void)state;
	rounds_then(&ccs, &f, 120000);
	for (unsigned r = 0; r < 4; r++)
		flow_round(&ccs, &f, 120000);
	assert_int_equal(phase(&ccs), TCP_HYSTART_CSS);
	/* The first ACK of the fifth round. */
	flow_round(&ccs, &f, 120000);
	flow_ack(&ccs, &f, 120000);
	assert_int_equal(phase(&ccs), TCP_HYSTART_DONE);
	assert_false(tcp_cc_in_slowstart(&ccs));
	assert_true(ccs.cc_u.cubic.cs_in_epoch);
}

static void
conservative_slow_start_returns_to_slow_start_when_the_rtt_falls(void **state)
{
	struct tcp_ccstate ccs;
	struct flow f;

	(void)state;
	rounds_then(&ccs, &f, 120000);
	flow_round(&ccs, &f, 119999);
	assert_int_equal(phase(&ccs), TCP_HYSTART_SS);
	assert_int_equal(ccs.cc_u.cubic.cs_hystart.hs_css_baseline, UINT32_MAX);
}

static void
hystart_needs_eight_samples_in_a_round(void **state)
{
	struct tcp_ccstate ccs;
	struct flow f;

	(void)state;
	flow_start(&ccs, &f, "cubic");
	flow_round(&ccs, &f, RTT);
	/* The next round has 20 ACKs, but only 7 carry an RTT sample. */
	for (unsigned i = 0; i < 20; i++)
		flow_ack(&ccs, &f, i < 7 ? 2 * RTT : 0);
	assert_int_equal(phase(&ccs), TCP_HYSTART_SS);
	assert_int_equal(ccs.cc_cwnd, 40 * MSS);
}

static void
hystart_is_only_for_the_first_slow_start(void **state)
{
	struct tcp_ccstate ccs;
	struct flow f;

	(void)state;
	flow_start(&ccs, &f, "cubic");
	ccs.cc_cwnd = 100 * MSS;
	tcp_cc_rto(&ccs, 100 * MSS);
	for (unsigned r = 0; r < 3; r++)
		flow_round(&ccs, &f, RTT * (r + 1));
	assert_int_equal(phase(&ccs), TCP_HYSTART_SS);
	assert_int_equal(ccs.cc_u.cubic.cs_hystart.hs_started, false);
}

static void
hystart_without_round_information_never_acts(void **state)
{
	struct tcp_ccstate ccs;

	(void)state;
	tcp_cc_init(&ccs, cc("cubic"), MSS);
	for (unsigned i = 0; i < 100; i++)
		ack(&ccs, MSS, i * RTT, true);
	assert_int_equal(phase(&ccs), TCP_HYSTART_SS);
	assert_int_equal(ccs.cc_cwnd, 110 * MSS);
}

static void
reno_slow_start_has_no_hystart(void **state)
{
	struct tcp_ccstate ccs;
	struct flow f;

	(void)state;
	flow_start(&ccs, &f, "reno");
	for (unsigned r = 0; r < 3; r++)
		flow_round(&ccs, &f, RTT);
	flow_round(&ccs, &f, 2 * RTT);
	assert_int_equal(ccs.cc_cwnd, 160 * MSS);
	assert_true(tcp_cc_in_slowstart(&ccs));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(reno_and_cubic_are_registered_under_linux_names),
		leak_test(an_unknown_name_is_not_found),
		leak_test(the_default_is_cubic),
		leak_test(setting_the_default_to_reno_gives_new_connections_reno),
		leak_test(setting_an_unknown_default_is_enoent_and_changes_nothing),
		leak_test(registering_a_taken_name_is_eexist),
		leak_test(an_unregistered_default_falls_back_to_the_configured_one),
		leak_test(foreach_lists_every_algorithm),
		leak_test(a_new_connection_has_ten_segments_and_no_ssthresh),
		leak_test(slow_start_grows_one_mss_per_ack_of_one_mss),
		leak_test(slow_start_doubles_the_window_per_round_trip),
		leak_test(abc_limits_growth_to_two_mss_per_ack),
		leak_test(slow_start_stops_at_ssthresh_and_hands_the_rest_to_avoidance),
		leak_test(an_application_limited_sender_does_not_grow_the_window),
		leak_test(reno_avoidance_grows_one_mss_per_window_acked),
		leak_test(reno_avoidance_grows_one_mss_per_round_trip),
		leak_test(reno_halves_on_congestion),
		leak_test(reno_ssthresh_follows_flight_not_cwnd),
		leak_test(reno_ssthresh_is_at_least_two_mss),
		leak_test(reno_timeout_leaves_one_segment),
		leak_test(recovery_exit_deflates_to_ssthresh),
		leak_test(recovery_exit_with_little_in_flight_sends_no_burst),
		leak_test(idle_longer_than_rto_restarts_from_the_initial_window),
		leak_test(idle_shorter_than_rto_keeps_the_window),
		leak_test(idle_never_raises_a_window_below_the_initial_one),
		leak_test(undo_restores_the_window_before_a_spurious_reduction),
		leak_test(undo_without_a_reduction_does_nothing),
		leak_test(undo_keeps_a_window_that_grew_since),
		leak_test(switching_algorithm_keeps_the_window),
		leak_test(a_new_mss_changes_the_growth_step),
		leak_test(the_window_never_passes_the_largest_offer),
		leak_test(cube_root_is_exact_on_cubes_and_floors_between),
		leak_test(k_matches_values_worked_by_hand),
		leak_test(k_is_zero_at_or_above_w_max),
		leak_test(w_cubic_is_w_max_at_k_and_symmetric_around_it),
		leak_test(w_cubic_saturates_far_in_the_future),
		leak_test(cubic_reduces_by_beta_0_7),
		leak_test(cubic_ssthresh_is_at_least_two_mss),
		leak_test(fast_convergence_lowers_w_max_after_a_loss_below_it),
		leak_test(a_loss_above_w_max_sets_w_max_to_cwnd),
		leak_test(the_stage_after_a_loss_starts_with_k_from_w_max),
		leak_test(cubic_timeout_leaves_one_segment_and_restarts_the_curve),
		leak_test(cubic_growth_slows_as_cwnd_nears_w_max),
		leak_test(cubic_reaches_w_max_at_about_k_and_plateaus),
		leak_test(cubic_growth_accelerates_beyond_w_max),
		leak_test(cubic_grows_at_most_half_a_window_per_round_trip),
		leak_test(a_small_window_grows_like_reno_in_the_friendly_region),
		leak_test(reno_estimate_grows_by_alpha_below_cwnd_prior),
		leak_test(reno_estimate_grows_by_one_segment_past_cwnd_prior),
		leak_test(idle_time_is_not_time_on_the_curve),
		leak_test(cubic_idle_before_any_stage_only_restarts_the_window),
		leak_test(hystart_leaves_slow_start_when_the_round_minimum_rtt_rises),
		leak_test(hystart_stays_in_slow_start_below_the_threshold),
		leak_test(hystart_threshold_is_between_4_and_16_ms),
		leak_test(conservative_slow_start_grows_a_quarter_as_fast),
		leak_test(conservative_slow_start_ends_in_avoidance_after_five_rounds),
		leak_test(conservative_slow_start_returns_to_slow_start_when_the_rtt_falls),
		leak_test(hystart_needs_eight_samples_in_a_round),
		leak_test(hystart_is_only_for_the_first_slow_start),
		leak_test(hystart_without_round_information_never_acts),
		leak_test(reno_slow_start_has_no_hystart),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
