/*
 * Asserting on the IP and ICMP counters: snapshot them, do something, and
 * check that exactly the named counters moved by the expected amounts and
 * no other did (so a drop is counted once, under its own reason).
 *
 * Include after ktest.h.
 */
#ifndef TESTS_IPSTAT_CHECK_H
#define TESTS_IPSTAT_CHECK_H

#include "netinet/ip_icmp.h"
#include "netinet/ip_var.h"

struct stat_delta {
	size_t off;		/* offsetof the counter */
	uint64_t delta;
};

#define IPS(field, d)	{ offsetof(struct ipstat, field), (d) }
#define ICPS(field, d)	{ offsetof(struct icmpstat, field), (d) }

static inline void
stat_check(const void *before, const void *now, size_t size,
    const struct stat_delta *want, size_t nwant, const char *what)
{
	const uint64_t *b = before, *n = now;

	for (size_t i = 0; i < size / sizeof(uint64_t); i++) {
		uint64_t d = 0;

		for (size_t j = 0; j < nwant; j++)
			if (want[j].off == i * sizeof(uint64_t))
				d = want[j].delta;
		if (n[i] - b[i] != d)
			fail_msg("%s counter at offset %zu moved by %llu, not %llu",
			    what, i * sizeof(uint64_t),
			    (unsigned long long)(n[i] - b[i]),
			    (unsigned long long)d);
	}
}

/* Checks that only these ipstat counters moved (by these amounts). */
#define IPSTAT_CHECK(before, ...) do {					\
	const struct stat_delta want_[] = { __VA_ARGS__ };		\
	stat_check(&(before), &ipstat, sizeof(ipstat), want_,		\
	    __arraycount(want_), "ipstat");				\
} while (0)
#define ICMPSTAT_CHECK(before, ...) do {				\
	const struct stat_delta want_[] = { __VA_ARGS__ };		\
	stat_check(&(before), &icmpstat, sizeof(icmpstat), want_,	\
	    __arraycount(want_), "icmpstat");				\
} while (0)

#endif
