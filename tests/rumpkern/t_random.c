/*
 * The kernel's random numbers (kern_random.c) from the host's generator,
 * here a link-time mock of rumpuser_getrandom (-Wl,--wrap, mk/tests.mk)
 * when a test asks for one: a host that gives a few bytes per call, and
 * one whose source fails.  A failed source panics (the kernel has no
 * other randomness to fall back on, and keys, sequence numbers and ports
 * must not be guessed); rumpuser_exit is wrapped too, so the panic comes
 * back here by longjmp, as in t_vnode.
 */
#include "ktest.h"

int __wrap_rumpuser_getrandom(void *buf, size_t len, size_t *retlen);
int __real_rumpuser_getrandom(void *buf, size_t len, size_t *retlen);
void __wrap_rumpuser_exit(int value);
void __real_rumpuser_exit(int value);

enum random_mock { MOCK_OFF, MOCK_PIECES, MOCK_FAIL };
static enum random_mock mock;
static unsigned mock_calls;
static jmp_buf panic_jmp;
static bool panic_expected;

/* MOCK_PIECES: 3 bytes per call, 0x11, 0x12, ... in order. */
int
__wrap_rumpuser_getrandom(void *buf, size_t len, size_t *retlen)
{
	unsigned char *p = buf;

	switch (mock) {
	case MOCK_PIECES:
		*retlen = len < 3 ? len : 3;
		for (size_t i = 0; i < *retlen; i++)
			p[i] = (unsigned char)(0x11 + mock_calls * 3 + i);
		mock_calls++;
		return 0;
	case MOCK_FAIL:
		mock_calls++;
		return EIO;
	default:
		return __real_rumpuser_getrandom(buf, len, retlen);
	}
}

void
__wrap_rumpuser_exit(int value)
{
	if (panic_expected) {
		panic_expected = false;
		longjmp(panic_jmp, 1);
	}
	__real_rumpuser_exit(value);
}

static void
random_bytes_are_gathered_from_as_many_host_calls_as_it_takes(void **state)
{
	unsigned char buf[10];

	(void)state;
	KTEST_ENTER();
	mock = MOCK_PIECES;
	mock_calls = 0;
	cprng_bytes(buf, sizeof(buf));
	mock = MOCK_OFF;
	assert_int_equal(mock_calls, 4);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x11 + i);
	KTEST_EXIT();
}

static void
a_failing_host_random_source_panics(void **state)
{
	volatile bool panicked = false;
	unsigned char buf[4];

	(void)state;
	KTEST_ENTER();
	mock = MOCK_FAIL;
	mock_calls = 0;
	panic_expected = true;
	if (setjmp(panic_jmp) == 0)
		cprng_bytes(buf, sizeof(buf));
	else
		panicked = true;
	mock = MOCK_OFF;
	panic_expected = false;
	assert_true(panicked);
	assert_int_equal(mock_calls, 1);
	KTEST_EXIT();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(random_bytes_are_gathered_from_as_many_host_calls_as_it_takes),
		leak_test(a_failing_host_random_source_panics),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
