/*
 * SOL_SOCKET options (uipc_sockopt.c), set and read back through
 * sosetopt/sogetopt on a socket of the test stream protocol, which has no
 * options of its own.
 */
#include "ktest.h"
#include "rumpkern/config.h"
#include "rumpkern/ktime.h"
#include "teststream.h"

static int
setup(void **state)
{
	int error = ktest_boot(state);

	if (error != 0)
		return error;
	KTEST_ENTER();
	error = ts_domain_attach();
	KTEST_EXIT();
	return error;
}

static int
teardown(void **state)
{
	KTEST_ENTER();
	(void)ts_domain_detach();
	KTEST_EXIT();
	return ktest_halt(state);
}

static int
set(struct socket *so, int level, int name, const void *val, size_t len)
{
	struct sockopt sopt = {
		.sopt_dir = SOPT_SET, .sopt_level = level, .sopt_name = name,
		.sopt_data = (void *)(uintptr_t)val, .sopt_size = len,
	};

	return sosetopt(so, &sopt);
}

static int
set_int(struct socket *so, int name, int val)
{
	return set(so, SOL_SOCKET, name, &val, sizeof(val));
}

/* Gets an option into val; the error, and *len the size written. */
static int
get(struct socket *so, int level, int name, void *val, size_t *len)
{
	struct sockopt sopt = {
		.sopt_dir = SOPT_GET, .sopt_level = level, .sopt_name = name,
		.sopt_data = val, .sopt_size = *len,
	};
	int error = sogetopt(so, &sopt);

	*len = sopt.sopt_size;
	return error;
}

static int
get_int(struct socket *so, int name)
{
	size_t len = sizeof(int);
	int val = -1;

	assert_int_equal(get(so, SOL_SOCKET, name, &val, &len), 0);
	assert_int_equal(len, sizeof(int));
	return val;
}

static struct socket *
sock(void)
{
	struct socket *so;

	assert_int_equal(socreate(TS_AF, &so, SOCK_STREAM, 0), 0);
	return so;
}

static void
boolean_options_are_set_and_cleared(void **state)
{
	static const int names[] = { SO_DEBUG, SO_REUSEADDR, SO_REUSEPORT,
	    SO_KEEPALIVE, SO_DONTROUTE, SO_BROADCAST, SO_OOBINLINE };
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = sock();
	for (size_t i = 0; i < __arraycount(names); i++) {
		assert_int_equal(get_int(so, names[i]), 0);
		/* Any non-zero value sets it. */
		assert_int_equal(set_int(so, names[i], 7), 0);
		assert_int_equal(get_int(so, names[i]), 1);
		assert_int_equal(set_int(so, names[i], 0), 0);
		assert_int_equal(get_int(so, names[i]), 0);
	}
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
an_option_value_shorter_than_its_type_is_einval(void **state)
{
	struct linger lg = { 1, 1 };
	struct timeval tv = { 1, 0 };
	struct socket *so;
	char c = 1;

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set(so, SOL_SOCKET, SO_KEEPALIVE, &c, 1), EINVAL);
	assert_int_equal(set(so, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg) - 1),
	    EINVAL);
	assert_int_equal(set(so, SOL_SOCKET, SO_SNDBUF, &c, 1), EINVAL);
	assert_int_equal(set(so, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv) - 1),
	    EINVAL);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
so_linger_reads_back_and_turns_off(void **state)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 5 }, out;
	struct socket *so;
	size_t len = sizeof(out);

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set(so, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(get(so, SOL_SOCKET, SO_LINGER, &out, &len), 0);
	assert_int_equal(len, sizeof(out));
	assert_int_equal(out.l_onoff, 1);
	assert_int_equal(out.l_linger, 5);
	lg.l_onoff = 0;
	assert_int_equal(set(so, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(get(so, SOL_SOCKET, SO_LINGER, &out, &len), 0);
	assert_int_equal(out.l_onoff, 0);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/* As Linux's: the time given with l_onoff 0 is not taken. */
static void
turning_so_linger_off_keeps_its_time(void **state)
{
	struct linger on = { 1, 7 }, off = { 0, 3 }, out;
	struct socket *so;
	size_t len = sizeof(out);

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set(so, SOL_SOCKET, SO_LINGER, &on, sizeof(on)), 0);
	assert_int_equal(set(so, SOL_SOCKET, SO_LINGER, &off, sizeof(off)), 0);
	assert_int_equal(get(so, SOL_SOCKET, SO_LINGER, &out, &len), 0);
	assert_int_equal(out.l_onoff, 0);
	assert_int_equal(out.l_linger, 7);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/* As Linux's: a negative time lingers without a limit, never resets. */
static void
a_negative_linger_time_is_no_limit(void **state)
{
	struct linger lg = { 1, -1 };
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set(so, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(so->so_linger, INT32_MAX);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
buffer_sizes_are_doubled(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set_int(so, SO_SNDBUF, 10000), 0);
	assert_int_equal(get_int(so, SO_SNDBUF), 20000);
	assert_int_equal(set_int(so, SO_RCVBUF, 9000), 0);
	assert_int_equal(get_int(so, SO_RCVBUF), 18000);
	/* Too small: the minimum. */
	assert_int_equal(set_int(so, SO_RCVBUF, 1), 0);
	assert_int_equal(get_int(so, SO_RCVBUF), 2304);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/* Linux takes the size as unsigned: a negative one is the largest. */
static void
a_negative_buffer_size_is_the_largest(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set_int(so, SO_SNDBUF, -1), 0);
	assert_int_equal(get_int(so, SO_SNDBUF), SB_MAX);
	assert_int_equal(set_int(so, SO_RCVBUF, -1), 0);
	assert_int_equal(get_int(so, SO_RCVBUF), SB_MAX);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
the_receive_low_water_mark_stays_between_one_and_the_buffer_size(
    void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set_int(so, SO_RCVLOWAT, 100), 0);
	assert_int_equal(get_int(so, SO_RCVLOWAT), 100);
	assert_int_equal(set_int(so, SO_RCVLOWAT, 0), 0);
	assert_int_equal(get_int(so, SO_RCVLOWAT), 1);
	assert_int_equal(set_int(so, SO_RCVLOWAT, 1 << 30), 0);
	assert_int_equal(get_int(so, SO_RCVLOWAT), get_int(so, SO_RCVBUF));
	/* Linux takes a negative one as the largest. */
	assert_int_equal(set_int(so, SO_RCVLOWAT, -1), 0);
	assert_int_equal(get_int(so, SO_RCVLOWAT), get_int(so, SO_RCVBUF));
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/* As Linux's: not set, and read as 1; the stream's own mark stays. */
static void
so_sndlowat_is_refused_and_reads_as_one(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set_int(so, SO_SNDLOWAT, 100), ENOPROTOOPT);
	assert_int_equal(get_int(so, SO_SNDLOWAT), 1);
	assert_int_equal(so->so_snd.sb_lowat, SO_DEFAULT_LOWAT_SND);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
timeouts_read_back_and_refuse_bad_microseconds(void **state)
{
	struct timeval tv = { .tv_sec = 2, .tv_usec = 500000 }, out;
	struct socket *so;
	size_t len = sizeof(out);

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set(so, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(get(so, SOL_SOCKET, SO_SNDTIMEO, &out, &len), 0);
	assert_int_equal(out.tv_sec, 2);
	assert_int_equal(out.tv_usec, 500000);
	assert_int_equal(so->so_snd.sb_timeo_ns, 2500 * 1000 * 1000ULL);
	tv.tv_usec = 1000000;
	assert_int_equal(set(so, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)),
	    EDOM);
	tv = (struct timeval){ .tv_sec = -1, .tv_usec = -1 };
	assert_int_equal(set(so, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
	    EDOM);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

/* As Linux's: a negative time is no wait, a deadline already passed. */
static void
a_negative_timeout_is_no_wait_and_reads_as_zero(void **state)
{
	struct timeval tv = { .tv_sec = -1 }, out = { 9, 9 };
	struct socket *so;
	size_t len = sizeof(out);

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set(so, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(so->so_rcv.sb_timeo_ns, 1);
	assert_int_equal(get(so, SOL_SOCKET, SO_RCVTIMEO, &out, &len), 0);
	assert_int_equal(out.tv_sec, 0);
	assert_int_equal(out.tv_usec, 0);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
type_protocol_domain_and_acceptconn_describe_the_socket(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(get_int(so, SO_TYPE), SOCK_STREAM);
	assert_int_equal(get_int(so, SO_PROTOCOL), 0);
	assert_int_equal(get_int(so, SO_DOMAIN), TS_AF);
	assert_int_equal(get_int(so, SO_ACCEPTCONN), 0);
	assert_int_equal(solisten(so, 1), 0);
	assert_int_equal(get_int(so, SO_ACCEPTCONN), 1);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
unknown_options_and_levels_are_enoprotoopt(void **state)
{
	struct socket *so;
	size_t len = sizeof(int);
	int val = 1;

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set_int(so, 9999, 1), ENOPROTOOPT);
	assert_int_equal(get(so, SOL_SOCKET, 9999, &val, &len), ENOPROTOOPT);
	/* The protocol has no options of its own. */
	assert_int_equal(set(so, 6, 1, &val, sizeof(val)), ENOPROTOOPT);
	assert_int_equal(get(so, 6, 1, &val, &len), ENOPROTOOPT);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(boolean_options_are_set_and_cleared),
		leak_test(an_option_value_shorter_than_its_type_is_einval),
		leak_test(so_linger_reads_back_and_turns_off),
		leak_test(turning_so_linger_off_keeps_its_time),
		leak_test(a_negative_linger_time_is_no_limit),
		leak_test(buffer_sizes_are_doubled),
		leak_test(a_negative_buffer_size_is_the_largest),
		leak_test(the_receive_low_water_mark_stays_between_one_and_the_buffer_size),
		leak_test(so_sndlowat_is_refused_and_reads_as_one),
		leak_test(timeouts_read_back_and_refuse_bad_microseconds),
		leak_test(a_negative_timeout_is_no_wait_and_reads_as_zero),
		leak_test(type_protocol_domain_and_acceptconn_describe_the_socket),
		leak_test(unknown_options_and_levels_are_enoprotoopt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
