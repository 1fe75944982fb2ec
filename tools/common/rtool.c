/* The remote tools' shared start, errors, socket and sysctl reads. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rump/rump.h>

#include "rtool.h"
#include "toolusage.h"
#include "toolutil.h"

static const char *rtool_prog = "rump tool";

const char *
rtool_server(void)
{
	const char *s = getenv("RUMP_SERVER");

	return s != NULL ? s : "(RUMP_SERVER not set)";
}

void
rtool_connect(const char *prog)
{
	rtool_prog = prog;
	/* librumpclient has said which server and why. */
	if (rump_init() != 0)
		exit(1);
}

void
rtool_fail(int error, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", rtool_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s (server %s)\n", strerror(error), rtool_server());
	exit(1);
}

int
rtool_socket(void)
{
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0)
		rtool_fail(errno, "socket");
	return s;
}

void *
rtool_sysctl(const char *name, size_t *lenp)
{
	size_t len;
	void *buf;

	for (;;) {
		len = 0;
		if (rump_sys_sysctl(name, NULL, &len, NULL, 0) != 0)
			rtool_fail(errno, "sysctl %s", name);
		/* Room for a few more entries that may come meanwhile. */
		len += len / 4 + 1;
		if ((buf = malloc(len)) == NULL)
			rtool_fail(ENOMEM, "sysctl %s", name);
		if (rump_sys_sysctl(name, buf, &len, NULL, 0) == 0)
			break;
		if (errno != ENOMEM)
			rtool_fail(errno, "sysctl %s", name);
		free(buf);
	}
	*lenp = len;
	return buf;
}

char *
rtool_inet(uint32_t addr, char buf[16])
{
	return tool_format_ipv4(ntohl(addr), buf);
}

int
rtool_parse_inet(const char *s, uint32_t *addr)
{
	uint32_t h;

	if (tool_parse_ipv4(s, &h) != 0)
		return -1;
	*addr = htonl(h);
	return 0;
}
