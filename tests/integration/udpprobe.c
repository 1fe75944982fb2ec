/*
 * udpprobe: the host's side of the UDP integration tests, a plain host
 * program (no rump kernel) so that no test depends on how a particular nc
 * reports errors.
 *
 *	udpprobe [-s SIZE] [-t MS] [-n TRIES] HOST PORT [MESSAGE]
 *
 * Sends MESSAGE (or SIZE bytes of a pattern) as one datagram from a
 * connected UDP socket to HOST:PORT and waits MS milliseconds (default
 * 1000) for the answer, TRIES times (default 3).  A connected socket
 * reports an ICMP port unreachable as ECONNREFUSED.  Prints one line and
 * exits with:
 *
 *	0  "echo: N bytes"	the answer is the datagram sent
 *	1  "different: ..."	an answer that is not the datagram sent
 *	2  "error: ..."		bad arguments or a local error
 *	3  "refused"		ICMP port unreachable came back
 *	4  "timeout"		no answer
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: udpprobe [-s SIZE] [-t MS] [-n TRIES] HOST PORT "
	    "[MESSAGE]\n");
	exit(2);
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	static char out[65507], in[65536];
	struct sockaddr_in to;
	struct pollfd pfd;
	size_t len = 0;
	long size = -1, ms = 1000, tries = 3, t;
	ssize_t n;
	int c, s;

	while ((c = getopt(argc, argv, "s:t:n:")) != -1) {
		switch (c) {
		case 's':
			size = number(optarg, 0, (long)sizeof(out));
			break;
		case 't':
			ms = number(optarg, 1, 600000);
			break;
		case 'n':
			tries = number(optarg, 1, 1000);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != (size >= 0 ? 2 : 3))
		usage();
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[optind], &to.sin_addr) != 1)
		usage();
	to.sin_port = htons((uint16_t)number(argv[optind + 1], 1, 65535));
	if (size >= 0) {
		len = (size_t)size;
		for (size_t i = 0; i < len; i++)
			out[i] = (char)('a' + i % 26);
	} else {
		len = strlen(argv[optind + 2]);
		if (len > sizeof(out))
			usage();
		memcpy(out, argv[optind + 2], len);
	}

	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof(to)) != 0) {
		printf("error: %s\n", strerror(errno));
		return 2;
	}
	for (t = 0; t < tries; t++) {
		if (send(s, out, len, 0) < 0) {
			if (errno == ECONNREFUSED) {
				printf("refused\n");
				return 3;
			}
			printf("error: send: %s\n", strerror(errno));
			return 2;
		}
		pfd.fd = s;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)ms) == 0)
			continue;
		n = recv(s, in, sizeof(in), 0);
		if (n < 0) {
			if (errno == ECONNREFUSED) {
				printf("refused\n");
				return 3;
			}
			printf("error: recv: %s\n", strerror(errno));
			return 2;
		}
		if ((size_t)n != len || memcmp(in, out, len) != 0) {
			printf("different: sent %zu bytes, got %zd\n", len, n);
			return 1;
		}
		printf("echo: %zd bytes\n", n);
		return 0;
	}
	printf("timeout\n");
	return 4;
}
