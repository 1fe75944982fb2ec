/*
 * Ephemeral ports (RFC 6056): each is in the range, distinct from every
 * port still held, not a fixed step from the one before, and binding goes
 * on succeeding until the whole range is taken.  Sockets are bound to
 * 127.0.0.1 with port 0 through the kernel's socket calls.
 */
#include "ktest.h"
#include "rumpnet/netlock.h"
#include "rumpnet/socketvar.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"

#define NEPHEMERAL	(IPPORT_EPHEMERALLAST - IPPORT_EPHEMERALFIRST + 1)

static struct socket *socks[NEPHEMERAL];

/* Binds a new UDP socket to 127.0.0.1:0; the error, and *port (host order). */
static int
bind_ephemeral(struct socket **sop, unsigned *port)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct sockaddr_in sin;
	int error;

	assert_int_equal(socreate(AF_INET, sop, SOCK_DGRAM, 0), 0);
	sockaddr_in_init(&sin, lo, 0);
	error = sobind(*sop, (const struct sockaddr *)&sin, sizeof(sin));
	if (error == 0) {
		NET_LOCK();
		*port = ntohs(sotoinpcb(*sop)->inp_lport);
		NET_UNLOCK();
	}
	return error;
}

static void
close_all(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(soclose(socks[i]), 0);
}

/*
 * 64 ports in a row show no fixed step: sequential ports (a step of 1)
 * would give one difference 63 times.  Random ports give 63 differences
 * spread over 16384 values; fewer than 32 distinct among them needs 32
 * of them to hit one of at most 63 earlier values, a chance below
 * C(63, 32) * (63 / 16384)^32 < 2^-190: the test cannot fail by chance.
 */
static void
ephemeral_ports_have_no_fixed_step(void **state)
{
	enum { N = 64 };
	unsigned port[N], diff[N - 1], ndistinct = 0;

	(void)state;
	KTEST_ENTER();
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(bind_ephemeral(&socks[i], &port[i]), 0);
	for (unsigned i = 0; i + 1 < N; i++) {
		bool seen = false;

		diff[i] = (port[i + 1] - port[i] + NEPHEMERAL) % NEPHEMERAL;
		for (unsigned j = 0; j < i; j++)
			seen = seen || diff[j] == diff[i];
		if (!seen)
			ndistinct++;
	}
	close_all(N);
	assert_true(ndistinct >= (N - 1) / 2);
	KTEST_EXIT();
}

/*
 * Every port of the range is handed out once, each distinct from those
 * still held; then binding fails with EADDRINUSE (the search ends).
 */
static void
ephemeral_ports_fill_the_range_then_fail(void **state)
{
	static uint8_t taken[NEPHEMERAL];
	struct socket *extra;
	unsigned port, first = 0;

	(void)state;
	KTEST_ENTER();
	memset(taken, 0, sizeof(taken));
	for (unsigned i = 0; i < NEPHEMERAL; i++) {
		assert_int_equal(bind_ephemeral(&socks[i], &port), 0);
		assert_true(port >= IPPORT_EPHEMERALFIRST &&
		    port <= IPPORT_EPHEMERALLAST);
		assert_int_equal(taken[port - IPPORT_EPHEMERALFIRST], 0);
		taken[port - IPPORT_EPHEMERALFIRST] = 1;
		if (i == 0)
			first = port;
	}
	assert_int_equal(bind_ephemeral(&extra, &port), EADDRINUSE);
	assert_int_equal(soclose(extra), 0);
	/* A port given back is the one handed out next. */
	assert_int_equal(soclose(socks[0]), 0);
	assert_int_equal(bind_ephemeral(&socks[0], &port), 0);
	assert_int_equal(port, first);
	close_all(NEPHEMERAL);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(ephemeral_ports_have_no_fixed_step),
		leak_test(ephemeral_ports_fill_the_range_then_fail),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
