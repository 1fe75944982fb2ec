/* librumpuser: random bytes from the host's generator. */
#include <errno.h>
#include <sys/random.h>

#include "rumpuser_int.h"

int
rumpuser_getrandom(void *buf, size_t len, size_t *retlen)
{
	ssize_t n;

	do
		n = getrandom(buf, len, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno;
	*retlen = (size_t)n;
	return 0;
}
