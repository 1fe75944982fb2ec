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

/* Parses a whole string as an unsigned number; EINVAL or ERANGE on failure. */
size_t
strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n] != '\0')
		n++;
	return n;
}

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
