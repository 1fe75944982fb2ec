/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed hash for tables whose keys an attacker chooses (ports and
 * addresses of arriving packets).  Without the key nobody can pick inputs
 * that land in one bucket, so a lookup stays O(1).
 */
#ifndef RUMPKERN_SIPHASH_H
#define RUMPKERN_SIPHASH_H

#include "rumpkern/kern.h"

struct siphash_key {
	uint64_t k0, k1;
};

/* A fresh key from the kernel's random source. */
void siphash_key_init(struct siphash_key *key);
uint64_t siphash24(const struct siphash_key *key, const void *data,
    size_t len);

#endif
