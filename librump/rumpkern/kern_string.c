/* String helpers the compiler does not provide as builtins. */
#include "rumpkern/kern.h"

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t
strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n] != '\0')
		n++;
	return n;
}

/* Parses a whole string as an unsigned number; EINVAL or ERANGE on failure. */
int
kstrtou64(const char *s, int base, uint64_t *valp)
{
	uint64_t v = 0;

	if (*s == '\0')
		return EINVAL;
	if (base == 0) {
		base = 10;
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2] != '\0') {
			base = 16;
			s += 2;
		}
	}
	for (; *s != '\0'; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return EINVAL;
		if (d >= (unsigned)base)
			return EINVAL;
		if (v > (UINT64_MAX - d) / (unsigned)base)
			return ERANGE;
		v = v * (unsigned)base + d;
	}
	*valp = v;
	return 0;
}

int
kstrtoppm(const char *s, size_t len, uint32_t *ppm)
{
	const uint64_t million = 1000000;
	uint64_t whole = 0, frac = 0, scale = million, div = 1;
	bool percent = len > 0 && s[len - 1] == '%';
	size_t i = 0;

	if (percent) {
		len--;
		scale = million / 100;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9' && whole <= 100; i++)
		whole = whole * 10 + (uint64_t)(s[i] - '0');
	if (i == 0 && (i >= len || s[i] != '.'))
		return EINVAL;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (div < million) {
				frac = frac * 10 + (uint64_t)(s[i] - '0');
				div *= 10;
			}
		}
	}
	if (i != len || whole > (percent ? 100 : 1))
		return EINVAL;
	whole = whole * scale + frac * scale / div;
	if (whole > million)
		return EINVAL;
	*ppm = (uint32_t)whole;
	return 0;
}
