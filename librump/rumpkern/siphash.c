/* SipHash-2-4, as specified in section 2 of the paper (siphash.h). */
#include "rumpkern/siphash.h"

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

struct sipstate {
	uint64_t v0, v1, v2, v3;
};

/*
 * Inlined, so that the state lives in registers: the hash of a table's
 * key runs once or twice for every packet, and a call per round cost
 * more than the round.
 */
static inline __attribute__((always_inline)) void
sipround(struct sipstate *s)
{
	s->v0 += s->v1;
	s->v1 = ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

/* Two rounds per 8-byte word of input (the "2" of 2-4). */
static inline __attribute__((always_inline)) void
sipcompress(struct sipstate *s, uint64_t m)
{
	s->v3 ^= m;
	sipround(s);
	sipround(s);
	s->v0 ^= m;
}

/* The input is read as little-endian words, whatever the host. */
static inline uint64_t
load_le(const uint8_t *p, size_t n)
{
	uint64_t w = 0;

	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

void
siphash_key_init(struct siphash_key *key)
{
	cprng_bytes(key, sizeof(*key));
}

uint64_t
siphash24(const struct siphash_key *key, const void *data, size_t len)
{
	const uint8_t *p = data;
	struct sipstate s = {
		.v0 = key->k0 ^ 0x736f6d6570736575ull,
		.v1 = key->k1 ^ 0x646f72616e646f6dull,
		.v2 = key->k0 ^ 0x6c7967656e657261ull,
		.v3 = key->k1 ^ 0x7465646279746573ull,
	};
	size_t left = len;

	for (; left >= 8; left -= 8, p += 8)
		sipcompress(&s, load_le(p, 8));
	/* The last word: what is left, and the length in its top byte. */
	sipcompress(&s, load_le(p, left) | (uint64_t)(len & 0xff) << 56);
	/* Four finalization rounds (the "4"). */
	s.v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
