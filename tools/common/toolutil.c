/*
 * Parsing helpers shared by the tools.  See toolutil.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "toolutil.h"

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int
tool_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!all_digits(s, strlen(s)))
		return -1;
	for (p = s; *p != '\0'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
tool_parse_long(const char *s, long min, long max, long *out)
{
	uint64_t v;
	bool neg = false;
	long r;

	if (*s == '-') {
		neg = true;
		s++;
	}
	if (tool_parse_u64(s, &v) != 0 || v > (uint64_t)LONG_MAX)
		return -1;
	r = neg ? -(long)v : (long)v;
	if (r < min || r > max)
		return -1;
	*out = r;
	return 0;
}

int
tool_parse_port(const char *s, uint16_t *out)
{
	long v;

	if (*s == '-' || tool_parse_long(s, 1, 65535, &v) != 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int
tool_parse_decimal(const char *s, double min, double max, double *out)
{
	const char *dot = strchr(s, '.');
	size_t n = strlen(s), ni, nf;
	double v = 0, scale = 1;
	size_t i;

	ni = dot != NULL ? (size_t)(dot - s) : n;
	nf = dot != NULL ? n - ni - 1 : 0;
	/* "", ".", "1.2.3", signs and exponents are all refused here. */
	if (ni + nf == 0 || (ni > 0 && !all_digits(s, ni)) ||
	    (nf > 0 && !all_digits(dot + 1, nf)))
		return -1;
	if (ni > 15)
		return -1;
	for (i = 0; i < ni; i++)
		v = v * 10 + (s[i] - '0');
	for (i = 0; i < nf && i < 15; i++) {
		scale /= 10;
		v += (dot[1 + i] - '0') * scale;
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
tool_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t a = 0;
	int part;

	for (part = 0; part < 4; part++) {
		size_t n = 0;
		unsigned v = 0;

		while (s[n] >= '0' && s[n] <= '9') {
			if (n == 3)
				return -1;
			v = v * 10 + (unsigned)(s[n] - '0');
			n++;
		}
		/* No empty parts, no leading zeros (they read as octal elsewhere). */
		if (n == 0 || (n > 1 && s[0] == '0') || v > 255)
			return -1;
		a = a << 8 | v;
		s += n;
		if (part < 3) {
			if (*s != '.')
				return -1;
			s++;
		}
	}
	if (*s != '\0')
		return -1;
	*addr = a;
	return 0;
}

char *
tool_format_ipv4(uint32_t addr, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
	    (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

uint32_t
tool_prefix_mask(int plen)
{
	return plen <= 0 ? 0 : plen >= 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
}

size_t
tool_field_len(const char *s)
{
	const char *c = strchr(s, ',');

	return c != NULL ? (size_t)(c - s) : strlen(s);
}

uint64_t
tool_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
