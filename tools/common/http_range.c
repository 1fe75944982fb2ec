/*
 * A single byte range, RFC 9110 §14.1.2: "bytes=FIRST-LAST", "bytes=FIRST-"
 * or "bytes=-SUFFIX".  Anything else - another unit, several ranges, bad
 * syntax - is ignored and the whole representation sent, as §14.2 lets a
 * server do; only a well-formed range that misses the representation is
 * unsatisfiable (416, §15.5.17).
 */
#include <strings.h>

#include "http.h"

/* Digits at *sp into *v (no overflow); advances *sp.  0 or -1. */
static int
http_range_number(const char **sp, uint64_t *v)
{
	const char *s = *sp;

	if (*s < '0' || *s > '9')
		return -1;
	for (*v = 0; *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	*sp = s;
	return 0;
}

/* The range-unit is case-insensitive (RFC 9110 §14.1). */
enum http_range
http_range_parse(const char *s, uint64_t size, uint64_t *first,
    uint64_t *last)
{
	uint64_t a, b;

	if (strncasecmp(s, "bytes=", 6) != 0)
		return HTTP_RANGE_NONE;
	s += 6;
	if (*s == '-') {
		s++;
		if (http_range_number(&s, &b) != 0 || *s != '\0')
			return HTTP_RANGE_NONE;
		/* A suffix of an empty representation: send it whole. */
		if (size == 0 && b > 0)
			return HTTP_RANGE_NONE;
		if (b == 0)
			return HTTP_RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return HTTP_RANGE_OK;
	}
	if (http_range_number(&s, &a) != 0 || *s++ != '-')
		return HTTP_RANGE_NONE;
	if (*s == '\0') {
		b = UINT64_MAX;
	} else if (http_range_number(&s, &b) != 0 || *s != '\0' || b < a) {
		return HTTP_RANGE_NONE;
	}
	if (a >= size)
		return HTTP_RANGE_UNSATISFIABLE;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return HTTP_RANGE_OK;
}
