/*
 * SipHash-2-4 gives the reference outputs of the paper's appendix (key
 * 00 01 .. 0f, message 00 01 .. of each length), across the word
 * boundaries, and fresh keys differ.
 */
#include "ktest.h"
#include "rumpkern/siphash.h"

/* The paper's test key: bytes 00..0f read as two little-endian words. */
static const struct siphash_key refkey = {
	.k0 = 0x0706050403020100ull,
	.k1 = 0x0f0e0d0c0b0a0908ull,
};

static uint64_t
ref(size_t len)
{
	uint8_t msg[64] = { 0 };

	for (size_t i = 0; i < len; i++)
		msg[i] = (uint8_t)i;
	return siphash24(&refkey, msg, len);
}

static void
the_empty_message_hashes_to_the_reference(void **state)
{
	(void)state;
	assert_int_equal(ref(0), 0x726fdb47dd0e0e31ull);
}

static void
messages_shorter_than_a_word_hash_to_the_reference(void **state)
{
	(void)state;
	assert_int_equal(ref(1), 0x74f839c593dc67fdull);
	assert_int_equal(ref(7), 0xab0200f58b01d137ull);
}

static void
messages_of_whole_words_hash_to_the_reference(void **state)
{
	(void)state;
	assert_int_equal(ref(8), 0x93f5f5799a932462ull);
	assert_int_equal(ref(16), 0x3f2acc7f57c29bdbull);
}

static void
a_message_with_a_partial_last_word_hashes_to_the_reference(void **state)
{
	(void)state;
	assert_int_equal(ref(15), 0xa129ca6149be45e5ull);
}

/* Two 128-bit random keys are equal with probability 2^-128. */
static void
fresh_keys_differ(void **state)
{
	struct siphash_key a, b;

	(void)state;
	KTEST_ENTER();
	siphash_key_init(&a);
	siphash_key_init(&b);
	KTEST_EXIT();
	assert_false(a.k0 == b.k0 && a.k1 == b.k1);
	assert_int_not_equal(siphash24(&a, "port", 4),
	    siphash24(&b, "port", 4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		leak_test(the_empty_message_hashes_to_the_reference),
		leak_test(messages_shorter_than_a_word_hash_to_the_reference),
		leak_test(messages_of_whole_words_hash_to_the_reference),
		leak_test(a_message_with_a_partial_last_word_hashes_to_the_reference),
		leak_test(fresh_keys_differ),
	};

	return cmocka_run_group_tests(tests, ktest_boot, ktest_halt);
}
