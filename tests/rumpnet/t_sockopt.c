/*
 * SOL_SOCKET options (uipc_sockopt.c), set and read back through
 * sosetopt/sogetopt on a socket of the test stream protocol, which has no
 * options of its own.
 */
#include "ktest.h"
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

static void
buffer_sizes_are_doubled_and_refuse_negative_values(void **state)
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
	assert_int_equal(set_int(so, SO_SNDBUF, -1), EINVAL);
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
low_water_marks_stay_between_one_and_the_buffer_size(void **state)
{
	struct socket *so;

	(void)state;
	KTEST_ENTER();
	so = sock();
	assert_int_equal(set_int(so, SO_RCVLOWAT, 100), 0);
	assert_int_equal(get_int(so, SO_RCVLOWAT), 100);
	assert_int_equal(set_int(so, SO_RCVLOWAT, 0), 0);
	assert_int_equal(get_int(so, SO_RCVLOWAT), 1);
	assert_int_equal(set_int(so, SO_SNDLOWAT, 1 << 30), 0);
	assert_int_equal(get_int(so, SO_SNDLOWAT), get_int(so, SO_SNDBUF));
	assert_int_equal(soclose(so), 0);
	KTEST_EXIT();
}

static void
timeouts_read_back_and_refuse_bad_timevals(void **state)
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
	tv = (struct timeval){ .tv_sec = -1 };
	assert_int_equal(set(so, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
	    EDOM);
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
		leak_test(buffer_sizes_are_doubled_and_refuse_negative_values),
		leak_test(low_water_marks_stay_between_one_and_the_buffer_size),
		leak_test(timeouts_read_back_and_refuse_bad_timevals),
		leak_test(type_protocol_domain_and_acceptconn_describe_the_socket),
		leak_test(unknown_options_and_levels_are_enoprotoopt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
