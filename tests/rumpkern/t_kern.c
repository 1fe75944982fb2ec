/*
 * The kernel's support code: formatting, string helpers, memory accounting,
 * named counters, component registration and the system call switch.
 */
#include "ktest.h"
#include "rumpkern/component.h"
#include "rumpkern/kmem.h"
#include "rumpkern/kstat.h"
#include "rumpkern/syscall.h"
#include "syscallargs.h"

/* ---- ksnprintf ------------------------------------------------------------ */

static char fmtbuf[128];

static const char *
fmt(const char *f, ...) __attribute__((__format__(__printf__, 1, 2)));

static const char *
fmt(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	kvsnprintf(fmtbuf, sizeof(fmtbuf), f, ap);
	va_end(ap);
	return fmtbuf;
}

/*
 * The same without the compiler's format check: clang refuses an int
 * argument for %hhu, though C says the argument is converted.
 */
static const char *
fmt_unchecked(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	kvsnprintf(fmtbuf, sizeof(fmtbuf), f, ap);
	va_end(ap);
	return fmtbuf;
}

static void
ksnprintf_formats_integers(void **state)
{
	(void)state;
	assert_string_equal(fmt("%d|%i|%u", -42, 7, 4000000000u),
	    "-42|7|4000000000");
	assert_string_equal(fmt("%x %X %o", 255u, 255u, 255u), "ff FF 377");
	assert_string_equal(fmt("%lld", (long long)INT64_MIN),
	    "-9223372036854775808");
	assert_string_equal(fmt("%llu", (unsigned long long)UINT64_MAX),
	    "18446744073709551615");
	assert_string_equal(fmt("%ld %lu", -1L, 1UL << 40),
	    "-1 1099511627776");
	assert_string_equal(fmt("%zu", (size_t)123), "123");
	assert_string_equal(fmt("%p", (void *)0x1234), "0x1234");
}

static void
ksnprintf_pads_to_a_width(void **state)
{
	(void)state;
	assert_string_equal(fmt("%5d|%-5d|%05d", 42, 42, 42),
	    "   42|42   |00042");
	assert_string_equal(fmt("%05d", -42), "-0042");
	assert_string_equal(fmt("%*d", 6, 7), "     7");
	assert_string_equal(fmt("%02x:%02x", 0xau, 0xbcu), "0a:bc");
}

static void
ksnprintf_narrows_h_and_hh_arguments(void **state)
{
	(void)state;
	/* The argument arrives as an int; h and hh convert it first. */
	assert_string_equal(fmt_unchecked("%hhu", 0x1ff), "255");
	assert_string_equal(fmt_unchecked("%hhd", 200), "-56");
	assert_string_equal(fmt_unchecked("%hhx", 0xabcd), "cd");
	assert_string_equal(fmt_unchecked("%hd", 0x12345), "9029");
	assert_string_equal(fmt_unchecked("%hu", -1), "65535");
	assert_string_equal(fmt_unchecked("%hx", 0x12345), "2345");
}

static void
ksnprintf_formats_strings_and_characters(void **state)
{
	(void)state;
	assert_string_equal(fmt("%s|%.2s|%5s|%-5s|", "abc", "abc", "abc", "abc"),
	    "abc|ab|  abc|abc  |");
	assert_string_equal(fmt("%s", (char *)NULL), "(null)");
	assert_string_equal(fmt("%c%c%%", 'o', 'k'), "ok%");
}

static void
ksnprintf_truncates_and_returns_the_full_length(void **state)
{
	char buf[4] = "xyz";

	(void)state;
	assert_int_equal(ksnprintf(buf, sizeof(buf), "abcdef"), 6);
	assert_string_equal(buf, "abc");
	/* Size 0: nothing written, the length still told. */
	buf[0] = 'q';
	assert_int_equal(ksnprintf(buf, 0, "%d", 12345), 5);
	assert_int_equal(buf[0], 'q');
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%d", 123), 3);
	assert_string_equal(buf, "123");
}

/* ---- strings ------------------------------------------------------------------ */

/* kstrtoppm(s) of a whole string. */
static int
ppm(const char *s, uint32_t *v)
{
	return kstrtoppm(s, strlen(s), v);
}

static void
kstrtoppm_parses_a_fraction_of_one_or_a_percentage(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(ppm("0.5", &v), 0);
	assert_int_equal(v, 500000);
	assert_int_equal(ppm(".25", &v), 0);
	assert_int_equal(v, 250000);
	assert_int_equal(ppm("1", &v), 0);
	assert_int_equal(v, 1000000);
	assert_int_equal(ppm("50%", &v), 0);
	assert_int_equal(v, 500000);
	assert_int_equal(ppm("0.25%", &v), 0);
	assert_int_equal(v, 2500);
	/* Digits past a millionth are dropped. */
	assert_int_equal(ppm("0.12345678", &v), 0);
	assert_int_equal(v, 123456);
	v = 7;
	assert_int_equal(ppm("", &v), EINVAL);
	assert_int_equal(ppm("%", &v), EINVAL);
	assert_int_equal(ppm("2", &v), EINVAL);
	assert_int_equal(ppm("1.5", &v), EINVAL);
	assert_int_equal(ppm("101%", &v), EINVAL);
	assert_int_equal(ppm("0.5x", &v), EINVAL);
	/* A failed parse leaves the result alone. */
	assert_int_equal(v, 7);
}

static void
kstrtou64_parses_whole_numbers_only(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(kstrtou64("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(kstrtou64("18446744073709551615", 10, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(kstrtou64("18446744073709551616", 10, &v), ERANGE);
	assert_int_equal(kstrtou64("0x1f", 0, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(kstrtou64("ff", 16, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(kstrtou64("0XFF", 0, &v), 0);
	assert_int_equal(v, 255);
	v = 7;
	assert_int_equal(kstrtou64("", 10, &v), EINVAL);
	assert_int_equal(kstrtou64("12a", 10, &v), EINVAL);
	assert_int_equal(kstrtou64("-1", 10, &v), EINVAL);
	assert_int_equal(kstrtou64(" 1", 10, &v), EINVAL);
	assert_int_equal(kstrtou64("0x", 0, &v), EINVAL);
	assert_int_equal(kstrtou64("8", 8, &v), EINVAL);
	/* A failed parse leaves the result alone. */
	assert_int_equal(v, 7);
}

static void
strlcpy_truncates_terminates_and_returns_the_source_length(void **state)
{
	char buf[4] = "zzz";

	(void)state;
	assert_int_equal(strlcpy(buf, "abcdef", sizeof(buf)), 6);
	assert_string_equal(buf, "abc");
	assert_int_equal(strlcpy(buf, "x", sizeof(buf)), 1);
	assert_string_equal(buf, "x");
	assert_int_equal(strlcpy(buf, "abc", 0), 3);
	assert_string_equal(buf, "x");
}

/* ---- memory accounting ------------------------------------------------------ */

KMEM_DEFINE(M_KTEST, "ktest");

static void
kmem_counts_bytes_blocks_allocations_and_peak(void **state)
{
	struct rump_kmem_stat a, b, c;
	void *p, *q;
	int zeros = 0;

	(void)state;
	assert_int_equal(rump_kmem_stat("ktest", &a), 0);
	KTEST_ENTER();
	p = kmem_alloc(&M_KTEST, 100, KM_SLEEP);
	q = kmem_zalloc(&M_KTEST, 50, KM_SLEEP);
	KTEST_EXIT();
	assert_int_equal(rump_kmem_stat("ktest", &b), 0);
	KTEST_ENTER();
	kmem_free(&M_KTEST, p, 100);
	KTEST_EXIT();
	assert_int_equal(rump_kmem_stat("ktest", &c), 0);
	KTEST_ENTER();
	for (int i = 0; i < 50; i++)
		zeros += ((char *)q)[i] == 0;
	kmem_free(&M_KTEST, q, 50);
	KTEST_EXIT();

	assert_int_equal(zeros, 50);
	assert_int_equal(b.inuse, a.inuse + 150);
	assert_int_equal(b.blocks, a.blocks + 2);
	assert_int_equal(b.total, a.total + 2);
	assert_true(b.peak >= 150);
	assert_int_equal(c.inuse, a.inuse + 50);
	assert_int_equal(c.blocks, a.blocks + 1);
	assert_int_equal(c.total, a.total + 2);
	assert_int_equal(c.peak, b.peak);
}

/*
 * Under AddressSanitizer an allocation the host cannot make must return
 * NULL, as the C library's does, not end the program.
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static void
kmem_nosleep_gives_null_when_the_host_has_no_memory(void **state)
{
	struct rump_kmem_stat a, b;
	void *p;

	(void)state;
	assert_int_equal(rump_kmem_stat("ktest", &a), 0);
	KTEST_ENTER();
	/* More than any host has: 2^62 bytes. */
	p = kmem_alloc(&M_KTEST, (size_t)1 << 62, KM_NOSLEEP);
	KTEST_EXIT();
	assert_null(p);
	assert_int_equal(rump_kmem_stat("ktest", &b), 0);
	assert_int_equal(b.inuse, a.inuse);
	assert_int_equal(b.total, a.total);
}

static void
kmem_stat_of_an_unknown_type_is_enoent(void **state)
{
	struct rump_kmem_stat st;

	(void)state;
	assert_int_equal(rump_kmem_stat("no such type", &st), ENOENT);
	assert_int_equal(rump_kmem_stat("lwp", &st), 0);
	assert_true(st.blocks > 0);
}

static void
kmem_strdup_copies_and_is_accounted(void **state)
{
	struct rump_kmem_stat a, b;
	char *s;

	(void)state;
	assert_int_equal(rump_kmem_stat("ktest", &a), 0);
	KTEST_ENTER();
	s = kmem_strdup(&M_KTEST, "copied", KM_SLEEP);
	KTEST_EXIT();
	assert_int_equal(rump_kmem_stat("ktest", &b), 0);
	assert_string_equal(s, "copied");
	assert_int_equal(b.inuse, a.inuse + 7);
	KTEST_ENTER();
	kmem_strfree(&M_KTEST, s);
	KTEST_EXIT();
}

/* ---- named counters -------------------------------------------------------- */

static struct {
	uint64_t in;
	uint64_t dropped;
} kcounters;

static const struct kstat_desc kcounters_desc[] = {
	KSTAT_DESC(typeof(kcounters), in, "in"),
	KSTAT_DESC(typeof(kcounters), dropped, "dropped"),
};

static void
kstat_reads_registered_counters_by_name(void **state)
{
	struct kstat_group kg;
	uint64_t v = 99;

	(void)state;
	kcounters.in = 5;
	kcounters.dropped = 0;
	KTEST_ENTER();
	kstat_register(&kg, "ktest", kcounters_desc, 2, &kcounters);
	KTEST_EXIT();
	assert_int_equal(rump_kstat_get("ktest.in", &v), 0);
	assert_int_equal(v, 5);
	kcounters.dropped = 3;
	assert_int_equal(rump_kstat_get("ktest.dropped", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(rump_kstat_get("ktest.out", &v), ENOENT);
	assert_int_equal(rump_kstat_get("ktest", &v), ENOENT);
	assert_int_equal(rump_kstat_get("ktes.in", &v), ENOENT);
	assert_int_equal(rump_kstat_get("ktestx.in", &v), ENOENT);
	KTEST_ENTER();
	kstat_unregister(&kg);
	KTEST_EXIT();
	assert_int_equal(rump_kstat_get("ktest.in", &v), ENOENT);
}

/* ---- the system call switch -------------------------------------------------- */

static int
fake_getpid(struct lwp *l, const void *uap, long *retval)
{
	(void)l;
	(void)uap;
	*retval = 4242;
	return 0;
}

static void
syscall_establish_refuses_a_taken_slot_and_a_bad_number(void **state)
{
	const struct sysent_init taken[] = {
		{ SYS_getpid, fake_getpid }, { 0, NULL },
	};
	const struct sysent_init bad[] = {
		{ SYS_MAXSYSCALL, fake_getpid }, { 0, NULL },
	};
	/* 57 is fork on Linux, which a rump kernel does not implement. */
	const struct sysent_init free_slot[] = {
		{ 57, fake_getpid }, { 0, NULL },
	};
	struct sys_getpid_args ga = { 0 };
	int e1, e2, e3, e4, e5;
	long rv = 0, pid = 0;

	(void)state;
	KTEST_ENTER();
	e1 = syscall_establish(taken);
	e2 = syscall_establish(bad);
	e3 = rumppriv_syscall(57, NULL, &rv);
	if (syscall_establish(free_slot) == 0) {
		e4 = rumppriv_syscall(57, NULL, &rv);
		syscall_disestablish(free_slot);
	} else {
		e4 = -1;
	}
	/* The refused table changed nothing. */
	e5 = rumppriv_syscall(SYS_getpid, &ga, &pid);
	KTEST_EXIT();

	assert_int_equal(e1, EEXIST);
	assert_int_equal(e2, EINVAL);
	assert_int_equal(e3, ENOSYS);
	assert_int_equal(e4, 0);
	assert_int_equal(rv, 4242);
	assert_int_equal(e5, 0);
	assert_int_equal(pid, 1);
}

static void
syscall_out_of_range_is_enosys(void **state)
{
	long rv;
	int e1, e2;

	(void)state;
	KTEST_ENTER();
	e1 = rumppriv_syscall(-1, NULL, &rv);
	e2 = rumppriv_syscall(SYS_MAXSYSCALL, NULL, &rv);
	KTEST_EXIT();
	assert_int_equal(e1, ENOSYS);
	assert_int_equal(e2, ENOSYS);
}

/* ---- components ----------------------------------------------------------------- */

/* Levels, in the order this test's components initialised and finished. */
static int inits[3], ninits, finis[3], nfinis;

#define TEST_COMPONENT(level)						\
static int								\
init_##level(void)							\
{									\
	inits[ninits++] = level;					\
	return 0;							\
}									\
static void								\
fini_##level(void)							\
{									\
	finis[nfinis++] = level;					\
}									\
RUMP_COMPONENT(comp_##level, #level, level, init_##level, fini_##level)

/* Registered out of order on purpose. */
TEST_COMPONENT(RUMP_COMPONENT_NET_IF)
TEST_COMPONENT(RUMP_COMPONENT_KERN)
TEST_COMPONENT(RUMP_COMPONENT_NET_PROTO)

static void
components_initialise_in_order_of_level(void **state)
{
	(void)state;
	assert_int_equal(ninits, 3);
	assert_int_equal(inits[0], RUMP_COMPONENT_KERN);
	assert_int_equal(inits[1], RUMP_COMPONENT_NET_PROTO);
	assert_int_equal(inits[2], RUMP_COMPONENT_NET_IF);
	assert_int_equal(nfinis, 0);
}

/*
 * Shuts the kernel down, then checks that the components finished in
 * reverse order (components_finish_in_reverse_order, which cmocka cannot
 * run as a test: it needs the kernel gone).
 */
static int
halt_and_check_components(void **state)
{
	ktest_halt(state);
	if (nfinis != 3 || finis[0] != RUMP_COMPONENT_NET_IF ||
	    finis[1] != RUMP_COMPONENT_NET_PROTO ||
	    finis[2] != RUMP_COMPONENT_KERN)
		ktest_halt_failed("components finished in the wrong order",
		    nfinis);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(ksnprintf_formats_integers),
		leak_test(ksnprintf_pads_to_a_width),
		leak_test(ksnprintf_narrows_h_and_hh_arguments),
		leak_test(ksnprintf_formats_strings_and_characters),
		leak_test(ksnprintf_truncates_and_returns_the_full_length),
		leak_test(kstrtou64_parses_whole_numbers_only),
		leak_test(kstrtoppm_parses_a_fraction_of_one_or_a_percentage),
		leak_test(strlcpy_truncates_terminates_and_returns_the_source_length),
		leak_test(kmem_counts_bytes_blocks_allocations_and_peak),
		leak_test(kmem_nosleep_gives_null_when_the_host_has_no_memory),
		leak_test(kmem_stat_of_an_unknown_type_is_enoent),
		leak_test(kmem_strdup_copies_and_is_accounted),
		leak_test(kstat_reads_registered_counters_by_name),
		leak_test(syscall_establish_refuses_a_taken_slot_and_a_bad_number),
		leak_test(syscall_out_of_range_is_enosys),
		leak_test(components_initialise_in_order_of_level),
	};

	return cmocka_run_group_tests(tests, ktest_boot,
	    halt_and_check_components);
}
