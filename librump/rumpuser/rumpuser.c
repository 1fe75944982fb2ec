/*
 * librumpuser: initialisation, parameters, errno, console and exit.
 *
 * The kernel numbers errors as Linux does, so a host errno passes through
 * unchanged; it is captured right after the host call that set it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rumpuser_int.h"

const struct rumpuser_hyperup *rumpuser_hyp;

int
rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION) {
		fprintf(stderr, "rumpuser: kernel speaks hypercall version %d, "
		    "host implements %d\n", version, RUMPUSER_VERSION);
		return EPROTONOSUPPORT;
	}
	rumpuser_hyp = hyp;
	return rumpuser_thread_init();
}

/* Host facts the kernel asks for under reserved names. */
static int
rumpuser_hostparam(const char *name, char *buf, size_t buflen)
{
	if (strcmp(name, "_RUMPUSER_NCPU") == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		if (snprintf(buf, buflen, "%ld", n > 0 ? n : 1) >= (int)buflen)
			return ENAMETOOLONG;
		return 0;
	}
	return ENOENT;
}

int
rumpuser_getparam(const char *name, char *buf, size_t buflen)
{
	const char *value;

	if (buflen == 0)
		return EINVAL;
	if (name[0] == '_')
		return rumpuser_hostparam(name, buf, buflen);
	value = getenv(name);
	if (value == NULL)
		return ENOENT;
	if (strlen(value) >= buflen)
		return ENAMETOOLONG;
	strcpy(buf, value);
	return 0;
}

void
rumpuser_seterrno(int error)
{
	errno = error;
}

void
rumpuser_putchar(int ch)
{
	putc(ch, stderr);
}

void
rumpuser_flush(void)
{
	fflush(stderr);
}

void
rumpuser_exit(int value)
{
	fflush(stderr);
	if (value == RUMPUSER_PANIC)
		abort();
	exit(value);
}
