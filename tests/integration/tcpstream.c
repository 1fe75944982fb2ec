/*
 * The byte pattern rump_nc --source sends (byte i is i mod 251, see
 * tools/common/ncstream.h), for the integration tests:
 *	tcpstream gen BYTES	writes BYTES bytes of it to standard output;
 *	tcpstream check BYTES	reads standard input to its end and says
 *				"ok" if it is exactly BYTES bytes of it, or
 *				where it differs (exit status 1).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUFSZ	(1024 * 1024)

static unsigned char pattern[BUFSZ + 251];

static int
gen(uint64_t bytes)
{
	uint64_t off = 0;
	size_t n;
	ssize_t w;

	while (off < bytes) {
		n = bytes - off < BUFSZ ? (size_t)(bytes - off) : BUFSZ;
		w = write(STDOUT_FILENO, pattern + off % 251, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			perror("tcpstream: write");
			return 1;
		}
		off += (uint64_t)w;
	}
	return 0;
}

static int
check(uint64_t bytes)
{
	static unsigned char buf[BUFSZ];
	uint64_t off = 0;
	ssize_t n, i;

	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("tcpstream: read");
			return 1;
		}
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			if (buf[i] != pattern[(off + (uint64_t)i) % 251]) {
				printf("differs at byte %llu\n",
				    (unsigned long long)(off + (uint64_t)i));
				return 1;
			}
		}
		off += (uint64_t)n;
	}
	if (off != bytes) {
		printf("%llu bytes, expected %llu\n", (unsigned long long)off,
		    (unsigned long long)bytes);
		return 1;
	}
	printf("ok: %llu bytes\n", (unsigned long long)off);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long long bytes;
	char *end;
	size_t i;

	if (argc != 3 || (strcmp(argv[1], "gen") != 0 &&
	    strcmp(argv[1], "check") != 0)) {
		fprintf(stderr, "usage: tcpstream gen|check BYTES\n");
		return 2;
	}
	errno = 0;
	bytes = strtoull(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || end == argv[2]) {
		fprintf(stderr, "tcpstream: bad byte count '%s'\n", argv[2]);
		return 2;
	}
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (unsigned char)(i % 251);
	return strcmp(argv[1], "gen") == 0 ? gen(bytes) : check(bytes);
}
