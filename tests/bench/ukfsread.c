/*
 * Reads one file of an ext2 image in-process through libukfs and throws
 * the bytes away: the file system's read path without a host write.
 * Prints the bytes read and the seconds the reads took (mount excluded).
 *
 * Usage: ukfsread IMAGE PATH
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rump/ukfs.h>

#define UKFSREAD_BUF	(256 * 1024)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static char buf[UKFSREAD_BUF];
	struct ukfs *fs;
	long long total = 0;
	ssize_t n;
	double t0;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: ukfsread IMAGE PATH\n");
		return 2;
	}
	if (ukfs_init() != 0 ||
	    (fs = ukfs_mount(NULL, argv[1], "/img", UKFS_RDONLY)) == NULL) {
		fprintf(stderr, "ukfsread: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	t0 = now();
	fd = ukfs_open(fs, argv[2], O_RDONLY, 0);
	if (fd < 0) {
		fprintf(stderr, "ukfsread: %s: %s\n", argv[2], strerror(errno));
		(void)ukfs_release(fs);
		return 1;
	}
	while ((n = ukfs_read_fd(fs, fd, total, buf, sizeof(buf))) > 0)
		total += n;
	if (n < 0)
		fprintf(stderr, "ukfsread: %s: %s\n", argv[2], strerror(errno));
	printf("%lld bytes %.3f s\n", total, now() - t0);
	(void)ukfs_close(fs, fd);
	if (ukfs_release(fs) != 0 || n < 0)
		return 1;
	return 0;
}
