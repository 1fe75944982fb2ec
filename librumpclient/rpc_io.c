/*
 * Whole-buffer socket I/O for the remote-call protocol (see rpc_io.h).
 */
#include <errno.h>
#include <sys/socket.h>

#include "rpc_io.h"

int
rump_rpc_writeall(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
rump_rpc_readall(int fd, uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
