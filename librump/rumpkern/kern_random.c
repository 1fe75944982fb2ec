/* Random numbers from the host's generator. */
#include "rump/rumpuser.h"
#include "rumpkern/kern.h"

void
cprng_bytes(void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		size_t got;

		if (rumpuser_getrandom(p, len, &got) != 0)
			panic("cprng: host random source failed");
		p += got;
		len -= got;
	}
}

uint32_t
cprng_u32(void)
{
	uint32_t v;

	cprng_bytes(&v, sizeof(v));
	return v;
}
