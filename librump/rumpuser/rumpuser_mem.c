/* librumpuser: memory.  Plain host allocations, so sanitizers see every one. */
#include <errno.h>
#include <stdlib.h>

#include "rumpuser_int.h"

int
rumpuser_malloc(size_t len, size_t alignment, void **memp)
{
	void *mem;

	if (alignment > sizeof(void *)) {
		int error = posix_memalign(&mem, alignment, len ? len : 1);
		if (error != 0)
			return error;
	} else {
		mem = malloc(len ? len : 1);
		if (mem == NULL)
			return ENOMEM;
	}
	*memp = mem;
	return 0;
}

void
rumpuser_free(void *mem, size_t len)
{
	(void)len;
	free(mem);
}
