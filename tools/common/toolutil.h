/*
 * Small helpers the tools share: strict number, time and address parsing
 * (pure host code, unit-tested in tests/tools/) and the monotonic clock.
 *
 * Every parser takes the whole string or fails: no trailing garbage, no
 * signs, no exponents, no octal or hex.  Each returns 0 or -1.
 */
#ifndef TOOLS_TOOLUTIL_H
#define TOOLS_TOOLUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A decimal integer in [min, max]. */
int tool_parse_long(const char *s, long min, long max, long *out);
/* A decimal unsigned 64-bit integer. */
int tool_parse_u64(const char *s, uint64_t *out);
/* A UDP or TCP port, 1..65535. */
int tool_parse_port(const char *s, uint16_t *out);
/*
 * A non-negative decimal number with an optional fraction ("2", "0.002",
 * ".5"), in [min, max].  Always '.' as the separator, whatever the locale.
 */
int tool_parse_decimal(const char *s, double min, double max, double *out);
/* A dotted quad "A.B.C.D", each part 0..255 without leading zeros. */
int tool_parse_ipv4(const char *s, uint32_t *addr);
/* Formats addr (host byte order) as a dotted quad into buf[16]. */
char *tool_format_ipv4(uint32_t addr, char buf[16]);
/* The netmask of a prefix length 0..32 (host byte order). */
uint32_t tool_prefix_mask(int plen);
/* The length of s up to its first ',' or its end. */
size_t tool_field_len(const char *s);

/* Nanoseconds of CLOCK_MONOTONIC. */
uint64_t tool_now_ns(void);

#endif
