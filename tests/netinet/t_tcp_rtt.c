/*
 * RTT estimation and the retransmission timeout (RFC 6298): the initial
 * RTO, the first sample, the SRTT/RTTVAR updates with alpha = 1/8 and
 * beta = 1/4, G, the floor (a tunable) and the ceiling, exponential backoff
 * and its reset, and Karn's rule with its timestamp exception.  Values are
 * worked out by hand; times are microseconds passed in.
 */
#include "ktest.h"
#include "rumpkern/config.h"
#include "netinet/tcp_rtt.h"

#define MS	1000U
#define SEC	1000000U

static void
no_sample_gives_an_rto_of_one_second(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	assert_int_equal(rt.rt_srtt, 0);
	assert_int_equal(tcp_rtt_rto(&rt), SEC);
}

static void
the_first_sample_sets_srtt_and_half_of_it_as_rttvar(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 100 * MS);
	assert_int_equal(rt.rt_srtt, 100 * MS);
	assert_int_equal(rt.rt_rttvar, 50 * MS);
	/* 100 ms + 4 * 50 ms. */
	assert_int_equal(tcp_rtt_rto(&rt), 300 * MS);
	assert_int_equal(rt.rt_nsamples, 1);
}

static void
later_samples_move_srtt_by_an_eighth_and_rttvar_by_a_quarter(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 100 * MS);
	tcp_rtt_sample(&rt, 200 * MS);
	/* SRTT = 7/8 * 100 + 1/8 * 200 = 112.5 ms. */
	assert_int_equal(rt.rt_srtt, 112500);
	/* RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5 ms. */
	assert_int_equal(rt.rt_rttvar, 62500);
	assert_int_equal(tcp_rtt_rto(&rt), 112500 + 4 * 62500);
}

static void
rttvar_is_updated_from_srtt_before_srtt_moves(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 100 * MS);
	tcp_rtt_sample(&rt, 20 * MS);
	/* |100 - 20| = 80, not |90 - 20| = 70: 3/4 * 50 + 20 = 57.5 ms. */
	assert_int_equal(rt.rt_rttvar, 57500);
	assert_int_equal(rt.rt_srtt, 90 * MS);
}

static void
the_rto_has_a_floor_of_200_ms(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	assert_int_equal(tcp_rto_min, TCP_RTO_MIN_MS * MS);
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 10 * MS);
	assert_int_equal(tcp_rtt_rto(&rt), 200 * MS);
}

static void
the_floor_is_a_tunable(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rto_min = SEC;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 10 * MS);
	assert_int_equal(tcp_rtt_rto(&rt), SEC);
	tcp_rto_min = TCP_RTO_MIN_MS * MS;
}

static void
steady_samples_leave_srtt_plus_the_granularity(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	for (unsigned i = 0; i < 100; i++)
		tcp_rtt_sample(&rt, 300 * MS);
	assert_int_equal(rt.rt_rttvar, 0);
	assert_int_equal(tcp_rtt_rto(&rt), 300 * MS + TCP_RTO_G_US);
}

static void
the_rto_has_a_ceiling_of_120_seconds(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 100 * SEC);
	assert_int_equal(tcp_rtt_rto(&rt), 120 * SEC);
}

static void
each_expiry_doubles_the_timeout(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 100 * MS);
	assert_int_equal(tcp_rtt_backoff(&rt), 600 * MS);
	assert_int_equal(tcp_rtt_backoff(&rt), 1200 * MS);
	assert_int_equal(tcp_rtt_backoff(&rt), 2400 * MS);
	assert_int_equal(tcp_rtt_rto(&rt), 2400 * MS);
	assert_int_equal(rt.rt_backoff, 3);
}

static void
backoff_stops_at_the_ceiling(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	for (unsigned i = 0; i < 100; i++)
		tcp_rtt_backoff(&rt);
	/* 1 s doubled seven times is 128 s: the ceiling from then on. */
	assert_int_equal(tcp_rtt_rto(&rt), 120 * SEC);
	assert_int_equal(rt.rt_backoff, 100);
}

static void
a_new_sample_clears_the_backoff(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 100 * MS);
	tcp_rtt_backoff(&rt);
	tcp_rtt_backoff(&rt);
	tcp_rtt_sample(&rt, 100 * MS);
	assert_int_equal(rt.rt_backoff, 0);
	/* SRTT 100 ms, RTTVAR 3/4 * 50 ms: 100 + 4 * 37.5 ms. */
	assert_int_equal(tcp_rtt_rto(&rt), 250 * MS);
}

static void
a_timed_segment_gives_a_sample(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	assert_true(tcp_rtt_sample_timed(&rt, 5 * SEC, 5 * SEC + 40 * MS,
	    false));
	assert_int_equal(rt.rt_srtt, 40 * MS);
	assert_int_equal(rt.rt_latest, 40 * MS);
}

static void
karn_a_retransmitted_segment_gives_no_sample(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 100 * MS);
	tcp_rtt_backoff(&rt);
	assert_false(tcp_rtt_sample_timed(&rt, 5 * SEC, 5 * SEC + 40 * MS,
	    true));
	assert_int_equal(rt.rt_srtt, 100 * MS);
	assert_int_equal(rt.rt_nsamples, 1);
	assert_int_equal(rt.rt_karn, 1);
	/* And the backoff stays until a sample that can be trusted. */
	assert_int_equal(rt.rt_backoff, 1);
}

static void
a_timestamp_echo_gives_a_sample_after_a_retransmission(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 100 * MS);
	tcp_rtt_backoff(&rt);
	assert_true(tcp_rtt_sample_ts(&rt, 7 * SEC, 7 * SEC + 100 * MS));
	assert_int_equal(rt.rt_nsamples, 2);
	assert_int_equal(rt.rt_backoff, 0);
	assert_int_equal(rt.rt_karn, 0);
}

static void
an_echo_or_send_time_from_the_future_gives_no_sample(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	assert_false(tcp_rtt_sample_ts(&rt, 8 * SEC, 7 * SEC));
	assert_false(tcp_rtt_sample_timed(&rt, 8 * SEC, 7 * SEC, false));
	assert_int_equal(rt.rt_nsamples, 0);
	assert_int_equal(tcp_rtt_rto(&rt), SEC);
}

static void
a_sample_longer_than_the_ceiling_is_clamped(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	assert_true(tcp_rtt_sample_timed(&rt, 0, 1000ULL * SEC, false));
	assert_int_equal(rt.rt_latest, 120 * SEC);
	assert_int_equal(tcp_rtt_rto(&rt), 120 * SEC);
}

static void
a_zero_sample_counts_as_one_microsecond(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	assert_true(tcp_rtt_sample_ts(&rt, SEC, SEC));
	assert_int_equal(rt.rt_srtt, 1);
	assert_int_equal(tcp_rtt_rto(&rt), 200 * MS);
}

static void
the_minimum_is_the_smallest_sample(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	tcp_rtt_init(&rt);
	tcp_rtt_sample(&rt, 50 * MS);
	tcp_rtt_sample(&rt, 30 * MS);
	tcp_rtt_sample(&rt, 80 * MS);
	assert_int_equal(rt.rt_min, 30 * MS);
	assert_int_equal(rt.rt_latest, 80 * MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(no_sample_gives_an_rto_of_one_second),
		leak_test(the_first_sample_sets_srtt_and_half_of_it_as_rttvar),
		leak_test(later_samples_move_srtt_by_an_eighth_and_rttvar_by_a_quarter),
		leak_test(rttvar_is_updated_from_srtt_before_srtt_moves),
		leak_test(the_rto_has_a_floor_of_200_ms),
		leak_test(the_floor_is_a_tunable),
		leak_test(steady_samples_leave_srtt_plus_the_granularity),
		leak_test(the_rto_has_a_ceiling_of_120_seconds),
		leak_test(each_expiry_doubles_the_timeout),
		leak_test(backoff_stops_at_the_ceiling),
		leak_test(a_new_sample_clears_the_backoff),
		leak_test(a_timed_segment_gives_a_sample),
		leak_test(karn_a_retransmitted_segment_gives_no_sample),
		leak_test(a_timestamp_echo_gives_a_sample_after_a_retransmission),
		leak_test(an_echo_or_send_time_from_the_future_gives_no_sample),
		leak_test(a_sample_longer_than_the_ceiling_is_clamped),
		leak_test(a_zero_sample_counts_as_one_microsecond),
		leak_test(the_minimum_is_the_smallest_sample),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
